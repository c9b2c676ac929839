"""Interviews coded in part: the passages `tr-nlp next` proposed are read and coded, the rest
of those interviews is unread, neither coded nor "no code"."""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tr_nlp.cli import app
from tr_nlp.coding import coded_data
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus
from tr_nlp.ingest.reviewed import read_reviewed
from tr_nlp.privacy import Pseudonymiser, pseudonymise_corpus
from tr_nlp.schema import Coding, Interview, Reviewed, Segment, Turn
from tr_nlp.segment import coder_coverage, unread, unread_by_anyone

runner = CliRunner()
LISTENED = "She really listened to me and asked what I thought."
OTHER = "The bus was late again so I walked the last bit."


def _interview(iid, sentences):
    text = "P: " + " ".join(sentences)
    return Interview(iid, text, (Turn("P", "participant", 3, len(text)),))


def _spans(interview, sentence):
    start = interview.text.index(sentence)
    return start, start + len(sentence)


def test_coverage_and_unread_passages_per_coder():
    segs = [Segment("i", f"i:s{k}", 10 * k, 10 * k + 9, "P", "participant", "x" * 9) for k in range(4)]
    codings = [Coding("i", 10, 19, "care", "A"), Coding("i", 30, 39, "care", "B")]
    reviewed = [Reviewed("i", 0, 9, "A"), Reviewed("i", 20, 29)]  # the second: read by A and B
    assert coder_coverage(codings, reviewed) == {"A": {"i"}, "B": {"i"}}
    masks = unread(segs, codings, reviewed)
    assert masks["A"].tolist() == [False, False, False, True]  # read s0, coded s1, read s2
    assert masks["B"].tolist() == [True, True, False, False]  # read s2, coded s3
    assert unread_by_anyone(segs, codings, reviewed).tolist() == [False, False, False, False]
    # without reviewed passages an interview with codings was read whole
    assert not unread(segs, codings, [])["A"].any()
    assert unread_by_anyone(segs, [], []).all()  # nobody read anything


def test_coded_data_leaves_out_what_nobody_read_and_keeps_every_coding():
    from tr_nlp.ingest import Corpus

    full = _interview("full", [LISTENED, OTHER, OTHER, LISTENED])
    part = _interview("part", [OTHER, LISTENED, OTHER, OTHER, LISTENED, OTHER])
    codings = [Coding("full", *_spans(full, LISTENED), "listened", "A"),
               Coding("full", full.text.rindex(LISTENED), len(full.text), "listened", "A"),
               Coding("part", *_spans(part, LISTENED), "listened", "A")]
    other = part.text.index(OTHER, part.text.index(LISTENED))  # the OTHER after the first LISTENED
    corpus = Corpus([full, part], codings, reviewed=[Reviewed("part", other, other + len(OTHER))])
    data = coded_data(corpus)
    by_interview = pd.Series(data.groups).value_counts().to_dict()
    assert by_interview == {"full": 4, "part": 2}  # part: the coded sentence and the one read uncoded
    kept = {s.start: data.target.loc[s.segment_id, "listened"] for s in data.segments if s.interview_id == "part"}
    assert kept == {part.text.index(LISTENED): 1, other: 0}
    assert data.reviewed == tuple(corpus.reviewed)
    # codes are decoded along what was read in a row: the coded sentence and the one after it
    # are neighbours, the last sentence read instead would not be
    assert len(set(data.runs)) == 2
    last = part.text.rindex(OTHER)
    apart = coded_data(Corpus([full, part], codings, reviewed=[Reviewed("part", last, last + len(OTHER))]))
    runs = pd.Series(apart.runs).groupby(apart.groups).nunique().to_dict()
    assert runs == {"full": 1, "part": 2}
    # the same corpus without the reviewed passage: all of "part" counts, four sentences as "no"
    plain = coded_data(Corpus([full, part], codings))
    assert pd.Series(plain.groups).value_counts()["part"] == 6
    assert int(plain.target["listened"].sum()) == int(data.target["listened"].sum()) == 3


def test_reading_a_reviewed_table(tmp_path):
    interview = _interview("i1", [LISTENED, OTHER])
    interviews = {"i1": interview}
    path = tmp_path / "next.csv"
    pd.DataFrame({"rank": [1, 2, 3], "interview_id": ["i1", "i1.docx", "gone"], "start": [3, 55, 0],
                  "end": [54, 103, 4], "text": ["", "", ""]}).to_csv(path, index=False)
    reviewed, warnings = read_reviewed(path, interviews)
    assert reviewed == [Reviewed("i1", 3, 54), Reviewed("i1", 55, 103)]  # a file name is its interview
    assert len(warnings) == 1 and "'gone'" in warnings[0]
    parquet = tmp_path / "next.parquet"
    pd.DataFrame({"interview_id": ["i1", "i1"], "start": [3, 55], "end": [54, 103],
                  "coder": ["A", None]}).to_parquet(parquet)
    assert read_reviewed(parquet, interviews)[0] == [Reviewed("i1", 3, 54, "A"), Reviewed("i1", 55, 103)]


@pytest.mark.parametrize("rows, says", [
    ("interview_id,start\ni1,3\n", "column 'end' not found"),
    ("interview_id,start,end\ni1,3,x\n", "row 2: start and end must be whole numbers"),
    ("interview_id,start,end\ni1,3,4\ni1,50,999\n", "row 3: span 50-999 lies outside interview 'i1'"),
    ("interview_id,start,end\ni1,9,3\n", "row 2: span 9-3 holds no characters"),
    ("interview_id,start,end\n,3,9\n", "row 2: no interview_id"),
])
def test_a_broken_reviewed_table_is_refused_naming_the_row(tmp_path, rows, says):
    path = tmp_path / "reviewed.csv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_reviewed(path, {"i1": _interview("i1", [LISTENED, OTHER])})
    assert says in str(caught.value) and str(path) in str(caught.value)


def test_pseudonymising_moves_reviewed_passages_with_the_words():
    from tr_nlp.ingest import Corpus

    text = "P: Karen rang. She really listened to me."
    interview = Interview("i1", text, (Turn("P", "participant", 3, len(text)),))
    start = text.index("She")
    corpus = Corpus([interview], reviewed=[Reviewed("i1", start, len(text), "A")])
    pseudo, _ = pseudonymise_corpus(corpus, Pseudonymiser(names=["Karen"]))
    passage = pseudo.reviewed[0]
    assert pseudo.interviews[0].text[passage.start:passage.end] == "She really listened to me."
    assert passage.coder == "A"


def _team_folder(root):
    """Eight interviews, each with its own closing line; the first three coded whole, the rest not at all."""
    (root / "interviews").mkdir(parents=True)
    rows = ["interview_id,start,end,code,coder"]
    for k in range(8):
        sentences = [LISTENED if (j + k) % 3 == 0 else OTHER for j in range(6)]
        text = "Interviewer: How was it?\nParticipant: " + " ".join(sentences) + f"\nInterviewer: That was talk {k}.\n"
        (root / "interviews" / f"t{k}.txt").write_text(text, encoding="utf-8")
        if k < 3:
            rows += [f"t{k},{m.start()},{m.start() + len(LISTENED)},listened,A"
                     for m in __import__("re").finditer(LISTENED, text)]
    (root / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_next_then_train_reads_only_what_was_proposed(tmp_path):
    folder = _team_folder(tmp_path / "team")
    corpus = folder / "interviews"
    codings = folder / "codings.csv"
    common = ["--corpus", str(corpus), "--codings", str(codings)]
    r = runner.invoke(app, ["train", *common, "--features", "tfidf", "--cv-folds", "0", "-o", str(tmp_path / "m0")])
    assert r.exit_code == 0, r.stderr
    first = tmp_path / "round1.csv"
    r = runner.invoke(app, ["next", *common, "--model", str(tmp_path / "m0"), "-n", "4", "-o", str(first)])
    assert r.exit_code == 0, r.stderr
    assert f"pass --reviewed {first}" in r.stderr  # how to give the list back once coded
    picks = pd.read_csv(first)
    assert len(picks) == 4 and not set(picks.interview_id) & {"t0", "t1", "t2"}
    # the coder codes the proposed passages that are about listening, and no others
    coded = picks[picks.text == LISTENED]
    with open(codings, "a", encoding="utf-8") as handle:
        handle.writelines(f"{p.interview_id},{p.start},{p.end},listened,A\n" for p in coded.itertuples())
    assert len(coded) > 0

    r = runner.invoke(app, ["train", *common, "--reviewed", str(first), "--features", "tfidf", "--cv-folds", "0",
                            "-o", str(tmp_path / "m1")])
    assert r.exit_code == 0, r.stderr
    card = json.loads((tmp_path / "m1" / "card.json").read_text())
    # three interviews of 6 sentences coded whole, and the 4 passages read: no other sentence of
    # the interviews coded in part counts as "not about listening"
    assert card["training_data"]["segments"] == 3 * 6 + 4
    assert card["training_data"]["passages read in partly coded interviews"] == 4

    second = tmp_path / "round2.csv"
    r = runner.invoke(app, ["next", *common, "--reviewed", str(first), "--model", str(tmp_path / "m1"), "-n", "30",
                            "-o", str(second)])
    assert r.exit_code == 0, r.stderr
    again = pd.read_csv(second)
    assert not set(again.segment_id) & set(picks.segment_id)  # never proposed twice
    assert set(coded.interview_id) <= set(again.interview_id)  # the rest of a partly coded interview is left
    assert len(again) == 5 * 6 - 4
    # without --reviewed an interview with one coding counts as coded whole (and is not proposed)
    r = runner.invoke(app, ["next", *common, "--model", str(tmp_path / "m1"), "-n", "30", "-o", str(second)])
    assert r.exit_code == 0 and not set(pd.read_csv(second).interview_id) & set(coded.interview_id)


def test_evaluate_takes_reviewed_passages(tmp_path):
    folder = _team_folder(tmp_path / "team")
    reviewed = tmp_path / "reviewed.csv"
    text = (folder / "interviews" / "t5.txt").read_text(encoding="utf-8")
    start = text.index(OTHER)
    reviewed.write_text(f"interview_id,start,end\nt5,{start},{start + len(OTHER)}\n", encoding="utf-8")
    loaded = load_corpus([folder / "interviews"], codings=folder / "codings.csv", reviewed=[reviewed])
    data = coded_data(loaded)
    assert pd.Series(data.groups).value_counts()["t5"] == 1 and data.target.loc[data.segments[-1].segment_id].sum() == 0
    r = runner.invoke(app, ["evaluate", "--corpus", str(folder / "interviews"), "--codings", str(folder / "codings.csv"),
                            "--reviewed", str(reviewed), "--features", "tfidf", "--folds", "2", "--bootstrap", "0",
                            "--no-learning-curve", "-o", str(tmp_path / "ev")])
    assert r.exit_code == 0, r.stderr
    agreement = pd.read_csv(tmp_path / "ev" / "agreement.csv")
    pooled = agreement[(agreement.code == "(all codes, pooled)") & (agreement.rater_b == "A")]
    assert pooled.n_segments.iloc[0] == 3 * 6 + 1
    assert np.isfinite(pooled.kappa.iloc[0])


def test_coders_who_split_an_interview_are_not_compared_on_each_others_half(tmp_path):
    # B codes t0 as A did; in t5 A reads and codes the first half, B the second half
    folder = _team_folder(tmp_path / "team")
    codings = pd.read_csv(folder / "codings.csv")
    text = (folder / "interviews" / "t5.txt").read_text(encoding="utf-8").rstrip("\n")
    middle = text.index(OTHER, text.index(LISTENED)) + len(OTHER)  # after the third sentence
    spans = [(m.start(), m.start() + len(LISTENED)) for m in __import__("re").finditer(LISTENED, text)]
    assert any(e <= middle for _, e in spans) and any(s >= middle for s, _ in spans)
    codings = pd.concat([codings, codings[codings.interview_id == "t0"].assign(coder="B"),
                         pd.DataFrame([("t5", s, e, "listened", "A" if e <= middle else "B") for s, e in spans],
                                      columns=codings.columns)])
    codings.to_csv(folder / "codings.csv", index=False)
    reviewed = tmp_path / "reviewed.csv"
    reviewed.write_text(f"interview_id,start,end,coder\nt5,0,{middle},A\nt5,{middle},{len(text)},B\n",
                        encoding="utf-8")
    r = runner.invoke(app, ["evaluate", "--corpus", str(folder / "interviews"), "--codings", str(folder / "codings.csv"),
                            "--reviewed", str(reviewed), "--features", "tfidf", "--folds", "2", "--bootstrap", "0",
                            "--no-learning-curve", "-o", str(tmp_path / "ev")])
    assert r.exit_code == 0, r.stderr
    for name, unit in [("agreement.csv", "n_segments"), ("agreement_characters.csv", "n_characters")]:
        table = pd.read_csv(tmp_path / "ev" / name).set_index(["code", "rater_a", "rater_b", "comparison"])
        coders = table.loc[("listened", "A", "B", "human vs human")]
        assert coders.n_interviews == 1 and coders.kappa == pytest.approx(1.0), name  # t0 alone: they agree
        # the machine meets each coder on their own half of t5 too, and on t0 alone as double-coded
        assert table.loc[("listened", "machine", "B", "machine vs human"), "n_interviews"] == 2, name
        double = table.loc[("listened", "machine", "B", "machine vs human, double-coded")]
        assert double[unit] == coders[unit], name
    each = pd.read_csv(tmp_path / "ev" / "agreement_characters_by_interview.csv")
    assert set(each[each.rater_a == "A"].interview_id) == {"t0"}
    # on interviews, one each coder read in part is no interview either read: t5 is left out for both
    on = pd.read_csv(tmp_path / "ev" / "agreement_interviews.csv")
    on = on.set_index(["code", "rater_a", "rater_b", "comparison"])
    assert on.loc[("listened", "A", "B", "human vs human"), "n_interviews"] == 1
    assert on.loc[("listened", "machine", "B", "machine vs human"), "n_interviews"] == 1
    group = pd.read_csv(tmp_path / "ev" / "agreement_group.csv").set_index(["code", "raters"])
    assert group.loc[("listened", "coders"), "n_interviews_u"] == 1
    assert group.loc[("listened", "coders"), "alpha_u"] == pytest.approx(1.0)


def test_a_corpus_config_names_its_reviewed_lists(tmp_path):
    folder = _team_folder(tmp_path / "team")
    text = (folder / "interviews" / "t5.txt").read_text(encoding="utf-8")
    start = text.index(OTHER)
    listed = folder / "interviews" / "round1.csv"  # kept beside the transcripts
    listed.write_text(f"interview_id,start,end\nt5,{start},{start + len(OTHER)}\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: [interviews/]\ncodings: codings.csv\n"
                                        "reviewed: interviews/round1.csv\n", encoding="utf-8")
    corpus = load_corpus([folder])
    assert corpus.reviewed == [Reviewed("t5", start, start + len(OTHER))]
    assert len(corpus.interviews) == 8  # the list is not read as a transcript table
    assert load_corpus([folder], reviewed=[]).reviewed == corpus.reviewed  # none given: the config's


def test_a_pseudonymised_corpus_keeps_its_reviewed_passages_on_the_same_words(tmp_path):
    folder = _team_folder(tmp_path / "team")
    path = folder / "interviews" / "t5.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("How was it?", "How was it, Karen?"), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    start = text.index(OTHER)
    listed = tmp_path / "round1.csv"
    listed.write_text(f"interview_id,start,end,coder\nt5,{start},{start + len(OTHER)},A\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("Karen\n", encoding="utf-8")
    r = runner.invoke(app, ["pseudonymise", str(folder / "interviews"), "--codings", str(folder / "codings.csv"),
                            "--reviewed", str(listed), "--names", str(names), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.stderr
    pseudo = load_corpus([tmp_path / "out"])  # its corpus.yaml names the moved list
    passage, = pseudo.reviewed
    interview = pseudo.by_id()["t5"]
    assert "Karen" not in interview.text and passage.coder == "A"
    assert interview.text[passage.start:passage.end] == OTHER


def test_the_whole_pipeline_on_a_team_corpus_with_reviewed_passages(tmp_path):
    folder = _team_folder(tmp_path / "team")
    text = (folder / "interviews" / "t5.txt").read_text(encoding="utf-8")
    start = text.index(OTHER)
    (folder / "round1.csv").write_text(f"interview_id,start,end\nt5,{start},{start + len(OTHER)}\n", encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: [interviews/]\ncodings: codings.csv\nreviewed: round1.csv\n",
                                        encoding="utf-8")
    r = runner.invoke(app, ["demo", "--corpus", str(folder), "-o", str(tmp_path / "run")])
    assert r.exit_code == 0, r.stderr
    summary = json.loads((tmp_path / "run" / "run.json").read_text())["summary"]
    assert summary["coders"] == {"A": ["t0", "t1", "t2", "t5"]}  # t5: one passage read, none coded
    card = json.loads((tmp_path / "run" / "model" / "card.json").read_text())
    assert card["training_data"]["segments"] == 3 * 6 + 1


def test_next_marks_its_passages_in_a_project_and_reads_them_back_as_read(tmp_path):
    # a team coding in NVivo: next writes a project with the passages marked, the coder
    # codes some of them there, and the project exported back says what was read
    from tr_nlp.export.augment import add_to_project
    from tr_nlp.export.qdpx import MachineCoding, MachineLayer
    from tr_nlp.ingest.qdpx import read_project
    from tr_nlp.refi.vocab import READ_CODE

    folder = _team_folder(tmp_path / "team")
    common = ["--corpus", str(folder / "interviews"), "--codings", str(folder / "codings.csv")]
    r = runner.invoke(app, ["train", *common, "--features", "tfidf", "--cv-folds", "0", "-o", str(tmp_path / "m0")])
    assert r.exit_code == 0, r.stderr
    listed, marked = tmp_path / "round1.csv", tmp_path / "round1.qdpx"
    for out in (listed, marked):
        r = runner.invoke(app, ["next", *common, "--model", str(tmp_path / "m0"), "-n", "4", "-o", str(out)])
        assert r.exit_code == 0, r.stderr
    assert "give the project it exports as --corpus" in r.stderr
    picks = pd.read_csv(listed)
    project = read_project(marked)
    spans = {(r.interview_id, r.start, r.end) for r in project.result.reviewed}
    assert spans == set(zip(picks.interview_id, picks.start, picks.end))
    assert {r.coder for r in project.result.reviewed} == {None}
    assert READ_CODE not in project.result.codebook.names and len(project.result.codings) == 3 * 2
    assert not project.result.machine_codings and not project.result.warnings

    # a second coder codes the passages about listening in the QDA tool, under their own name
    coded = picks[picks.text == LISTENED]
    assert len(coded) > 0
    done = tmp_path / "coded.qdpx"
    add_to_project(project, done, [MachineLayer("B", tuple(
        MachineCoding(p.interview_id, p.start, p.end, "listened") for p in coded.itertuples()))])
    r = runner.invoke(app, ["train", "--corpus", str(done), "--features", "tfidf", "--cv-folds", "0",
                            "-o", str(tmp_path / "m1")])
    assert r.exit_code == 0, r.stderr
    training = json.loads((tmp_path / "m1" / "card.json").read_text())["training_data"]
    assert (training["segments"], training["passages read in partly coded interviews"]) == (3 * 6 + 4, 4)

    again = tmp_path / "round2.qdpx"
    for out in (again, tmp_path / "round2.csv"):
        r = runner.invoke(app, ["next", "--corpus", str(done), "--model", str(tmp_path / "m1"), "-n", "30",
                                "-o", str(out)])
        assert r.exit_code == 0, r.stderr
    assert not set(pd.read_csv(tmp_path / "round2.csv").segment_id) & set(picks.segment_id)  # never twice
    second = read_project(again)
    assert len(second.result.reviewed) == 4 + 5 * 6 - 4 and len(second.result.codings) == 3 * 2 + len(coded)
    # a coder who marks a passage read in the QDA tool says that they read it
    extra = tmp_path / "marked_by_hand.qdpx"
    add_to_project(second, extra, [MachineLayer("C", (MachineCoding("t0", 0, 11, READ_CODE),))])
    assert Reviewed("t0", 0, 11, "C") in read_project(extra).result.reviewed
    users = [(e.get("name") or "") for e in second.root.iter() if e.tag.endswith("}User")]
    assert len([u for u in users if u.startswith("tr_nlp next ")]) == 2  # round 1's markings kept beside round 2's


def test_reviewed_passages_travel_through_a_project_with_their_coder(tmp_path):
    folder = _team_folder(tmp_path / "team")
    text = (folder / "interviews" / "t5.txt").read_text(encoding="utf-8")
    first, second = text.index(LISTENED), text.index(OTHER)
    (folder / "reviewed.csv").write_text(
        f"interview_id,start,end,coder\nt5,{first},{first + len(LISTENED)},\nt5,{second},{second + len(OTHER)},A\n",
        encoding="utf-8")
    (folder / "corpus.yaml").write_text("interviews: [interviews/]\ncodings: codings.csv\nreviewed: reviewed.csv\n",
                                        encoding="utf-8")
    r = runner.invoke(app, ["export", "--corpus", str(folder), "-o", str(tmp_path / "p.qdpx")])
    assert r.exit_code == 0, r.stderr
    assert "tr_nlp read: 1" in r.stdout and "tr_nlp read by A: 1" in r.stdout
    r = runner.invoke(app, ["import", str(tmp_path / "p.qdpx"), "-o", str(tmp_path / "back")])
    assert r.exit_code == 0, r.stderr
    assert "8 interviews, 1 codes, 6 codings (A: 6), 2 passages marked read for coding" in r.stdout
    assert set(load_corpus([tmp_path / "back"]).reviewed) == set(load_corpus([folder]).reviewed) == {
        Reviewed("t5", first, first + len(LISTENED)), Reviewed("t5", second, second + len(OTHER), "A")}


def test_next_says_when_there_is_nothing_left_to_propose(tmp_path):
    folder = _team_folder(tmp_path / "team")
    coded = [str(folder / "interviews" / f"t{k}.txt") for k in range(3)]
    common = ["--codings", str(folder / "codings.csv")]
    r = runner.invoke(app, ["train", "--corpus", *coded, *common, "--features", "tfidf", "--cv-folds", "0",
                            "-o", str(tmp_path / "m")])
    assert r.exit_code == 0, r.stderr
    for out in ("left.csv", "left.qdpx"):
        r = runner.invoke(app, ["next", "--corpus", *coded, *common, "--model", str(tmp_path / "m"),
                                "-o", str(tmp_path / out)])
        assert r.exit_code == 0, r.stderr
        assert "every segment of the 3 interview(s) is coded or read already; nothing to propose" in r.stderr
    assert pd.read_csv(tmp_path / "left.csv").empty
    project = load_corpus([tmp_path / "left.qdpx"])
    assert len(project.interviews) == 3 and not project.reviewed and len(project.codings) == 6
