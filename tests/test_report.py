"""The offline HTML report: sections, privacy switches, bad run folders, and a real browser."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import DEMO
from tr_nlp.agreement.tables import rounded
from tr_nlp.errors import CodebookError, InputError
from tr_nlp.ingest import load_corpus
from tr_nlp.privacy import Pseudonymiser
from tr_nlp.report import build_report, load_run
from tr_nlp.report.sections import reading
from tr_nlp.report.transcripts import to_script_json
from tr_nlp.schema import lines_label

NAMES = ["Karen", "Amina", "Dr Shah", "Rob", "Sam", "Nadia", "Leah"]


@pytest.fixture(scope="module")
def html(demo_run) -> str:
    return (demo_run / "report.html").read_text(encoding="utf-8")


def test_every_section_is_there(html, demo_run, tmp_path):
    for section in ("overview", "agreement", "plots", "prescreen", "disagreements", "candidates", "transcripts"):
        assert f'<section id="{section}"' in html, section
    assert html.count("<svg") >= 4  # calibration, learning curve, precision-recall, topic map
    candidates = json.loads((demo_run / "run.json").read_text())["summary"]["discovery"]["labels"]
    for label in candidates:
        assert f'id="cand-{label.split()[0]}"' in html
    assert "These candidates come from a search of" not in html  # the demo searched every interview it reports
    assert "Model suggestions (new interviews)" in html  # the demo coded the interviews no coder coded
    # machine rows are read against the coders' agreement
    assert re.search(r"The machine agrees with coder_a (about as well as|less well than|better than) coder_b does", html)
    # coder_a also coded interviews coder_b did not: machine ~ coder_a again on the double-coded ones
    assert "machine ~ coder_a, double-coded segments" in html
    assert "the next row compares it with the coders on the same segments" in html
    # all coders at once, then with the machine: its pooled row last
    group = html[html.index("All coders at once"):]
    group = group[:group.index("</table>")]
    assert group.count("<tr class=") == 12
    assert re.search(r'<tr class="machine pooled"><td>\(all codes, pooled\)</td><td>coders \+ machine \(3\)</td>'
                     r'<td class="n">\d+</td>\s*<td class="n">0\.\d\d', group)
    # and u-alpha of the same raters on the characters of the 9 interviews both coders coded
    assert "u-alpha [95% CI]" in group and group.count('<td class="n">9</td><td class="n">0.') == 12
    # the same raters on characters, as NVivo's coding comparison counts them (pooled row last)
    characters = html[html.index("On characters, as NVivo"):]
    characters = characters[:characters.index("</table>")]
    assert characters.count("<tr class=") == 24 and "machine ~ coder_a, double-coded interviews" in characters
    assert "Kappa minus the other coder's [95% CI]" in characters and characters.count("(coder_b)</td>") == 6
    assert re.search(r'<tr class="human pooled"><td>\(all codes, pooled\)</td><td>coder_a ~ coder_b</td>'
                     r'<td class="n">\d+</td>\s*<td class="n">9\d\.\d%</td><td class="n">0\.8\d', characters)
    # and on interviews: which of them each rater finds each code in (the 14 coded, 9 of them by both coders)
    on = html[html.index("On interviews: whether each voices the code"):]
    on = on[:on.index("</table>")]
    assert on.count("<tr class=") == 24 and "machine ~ coder_a, double-coded interviews" in on
    assert re.search(r'<td>beyond_routine</td><td>coder_a ~ coder_b</td><td class="n">9</td>\s*'
                     r'<td class="n">\d / \d</td>', on.replace("<wbr>", ""))
    # which code a rater gives where the other gives one: the machine's rows beside the coders' share
    mixed = html[html.index("Codes mixed up: what one rater gives where the other gives a code"):]
    mixed = mixed[:mixed.index("</table>")]
    share = r'\d+ of \d+ \(\d+%\)( <span class="ci">\[\d+%, \d+%\]</span>)?'  # with its interval where it has one
    assert re.search(r'<tr class="machine"><td>[\w<>]+</td><td>coder_a</td><td>machine</td><td>[\w<>]+</td>\s*'
                     rf'<td class="n">{share}</td>\s*<td class="n">({share}|none missed)</td>', mixed)
    assert '<tr class="human"><td>' in mixed
    assert re.search(r'<td class="n">\d+ of \d+ \(\d+%\) <span class="ci">\[\d+%, \d+%\]</span></td>', mixed)
    assert "In brackets, a share's 95% interval (Wilson's, on as many segments as the differences" in html
    assert (demo_run / "code_crossings.csv").is_file()
    assert '(see "Codes mixed up" for how often)' in html
    older = tmp_path / "older"  # a run folder written before code_crossings.csv: no section, no pointer to it
    shutil.copytree(demo_run, older)
    crossings = pd.read_csv(older / "code_crossings.csv")  # and before its intervals: the shares alone
    crossings.iloc[:, :10].to_csv(older / "code_crossings.csv", index=False)
    page = build_report(older)
    assert "In brackets, a share's" not in page and re.search(r'<td class="n">\d+ of \d+ \(\d+%\)</td>', page)
    (older / "code_crossings.csv").unlink()
    assert "Codes mixed up" not in build_report(older)
    assert "finds 95% of what coders coded" in html
    assert re.search(r"Reading the top \d+% \[\d+%, \d+%\] of segments", html)  # the share to read, with its interval
    assert re.search(r'<td class="n">0\.\d\d <span class="ci">\[0\.\d\d, [01]\.\d\d\]</span> / 0\.\d\d <span class="ci">', html)
    # the learning curve's points have whiskers, and a table says what its last step gained, read by its interval
    assert html.count('class="whisker"') == 20  # 5 codes x 4 sizes
    gains = html[html.index("What the learning curve's last step gained"):]
    gains = gains[:gains.index("</table>")]
    assert gains.count("<tr><td>") == 5 and "8.2 &rarr; 11.2" in gains
    assert re.search(r"[+-]0\.\d\d \[[+-]0\.\d\d, [+-]0\.\d\d\]</td><td>(these interviews cannot tell|still rising)", gains)
    # how discovery clustered (the demo's interviews share one question: centred, and why)
    assert re.search(r"Passages were centred within their interview .*share of variance between interviews "
                     r"0\.\d\d; centring applies below 0\.08", html)


def test_the_report_among_transcripts_is_refused_not_read_as_one(demo_run):
    # web pages are transcripts too (noScribe's): the report, in a folder given as a corpus, is not
    from tr_nlp.ingest import read_file

    with pytest.raises(InputError, match=r"report.html: \[E138\] is the report tr_nlp wrote"):
        read_file(demo_run / "report.html")


def test_nothing_is_loaded_from_anywhere(html):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.IGNORECASE)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # and the page forbids itself any request


def test_transcript_data_holds_the_human_codings(html, demo_run):
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', html, re.S).group(1))
    codings = pd.read_csv(demo_run / "codings.csv")
    first = codings.iloc[0]
    interview = next(iv for iv in data["interviews"] if iv["id"] == first.interview_id)
    code, coder = data["codes"].index(first.code), data["sources"].index(first.coder)
    assert [first.start, first.end, code, coder, None] in interview["ann"]
    turn = next(t for t in interview["turns"] if t[2] <= first.start < t[2] + len(t[3]))
    assert first.text.startswith(turn[3][first.start - turn[2]:][:20])



def test_a_suggestion_in_the_viewer_carries_its_evidence_and_where_it_stands(html, demo_run):
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', html,
                                re.DOTALL).group(1))
    suggested = pd.read_parquet(demo_run / "suggestions.parquet").query("above_threshold")
    two = suggested[suggested.evidence.str.contains("; ")]
    assert len(two)
    for r in (suggested[suggested.evidence != ""].iloc[0], two.iloc[0]):
        interview = next(iv for iv in data["interviews"] if iv["id"] == r.interview_id)
        machine, code = data["sources"].index("machine"), data["codes"].index(r.code)
        [shown] = [a for a in interview["ann"] if a[:5] == [r.start, r.end, code, machine, round(r.probability, 3)]]
        assert shown[5] == r.evidence
        places = [r.text[a - r.start:b - r.start] for a, b in shown[6]]  # each place each passage stands
        assert {" ".join(p.split()).lower() for p in places} == {p.lower() for p in r.evidence.split("; ")}
    cross_validated = [a for iv in data["interviews"] for a in iv["ann"] if a[3] == machine and len(a) == 5]
    assert cross_validated  # the coded interviews' machine codings come from cross-validation: evidence only
    # for the calls the report shows (its examples and disagreements)


def test_transcript_turns_show_their_time_in_the_recording(html):
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', html, re.S).group(1))
    times = {iv["id"]: [t[4] for t in iv["turns"]] for iv in data["interviews"]}
    assert times["demo17"][:4] == ["0:03", "0:09", "0:16", "0:20"]  # the starts of its turns' first cues
    assert set(times["demo01"]) == {""}  # a text file without times
    # and the line each turn starts on, to cite it by: a text file's, none in a subtitle file
    demo01 = load_corpus([DEMO / "interviews" / "demo01.txt"]).interviews[0]
    lines = {iv["id"]: [t[5] for t in iv["turns"]] for iv in data["interviews"]}
    assert lines["demo01"] == [lines_label(*demo01.lines_of(t.start, t.end)) for t in demo01.turns]
    assert lines["demo01"][0].startswith("line ")
    assert set(lines["demo17"]) == {None}
    assert re.search(r"characters \d+-\d+, at \d+:\d\d</a>", html)  # a candidate code's quote from a recording
    assert re.search(r"characters \d+-\d+, line \d+</a>", html)  # and one from a text file, by its line


def test_no_quotes_means_no_transcript_text(demo_run):
    page = build_report(demo_run, quotes=False)
    codings = pd.read_csv(demo_run / "codings.csv")
    for text in codings["text"].head(20):
        assert text[:40] not in page
    assert 'id="tr-data"' not in page and "Written without transcript text" in page


def test_an_evaluations_ranked_segments_carry_the_evidence_of_their_calls():
    # the cross-validated ranking (a run of evaluate -o) left the evidence column blank in every row
    from tr_nlp.report.rundata import RunData
    from tr_nlp.report.sections import prescreen

    text = "She listened. Mm-hmm. She came round after hours. Mm-hmm."
    segments = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"], "interview_id": "iv1", "start": [0, 14, 22, 50],
                             "end": [13, 21, 49, 57]})
    cv = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s4"], "p_care": [0.9, 0.2, 0.7, 0.1],
                       "machine_care": [1, 0, 1, 0], "evidence_care": ["listened", "", "came round after hours", ""]})
    data = RunData(folder=Path("run"), texts={"iv1": text}, turns=pd.DataFrame(), segments=segments, cv=cv)
    ranked = prescreen(data, ["care"], quotes=True)[0]["segments"]
    assert [(r["text"], r["evidence"], r["repeats"]) for r in ranked] == [
        ("She listened.", "listened", 0), ("She came round after hours.", "came round after hours", 0),
        ("Mm-hmm.", "", 1)]
    assert ranked[0]["pieces"] == [("She ", False), ("listened", True), (".", False)]


def test_a_chart_lacking_a_code_draws_the_others_in_the_line_styles_the_legend_names(demo_run):
    # lines took their dash from their place in the chart, the legend from the code's place in
    # the codebook: a code with no precision-recall curve (none coded among the segments
    # judged) gave every code after it another code's dash, and colour was the only cue left
    from tr_nlp.report.sections import code_styles, plots
    from tr_nlp.report.svg import DASHES

    data = load_run(demo_run)
    codes = list(data.scored_codes)
    styles = code_styles(["never_coded", *codes])  # a code the legend names first, with no line
    for chart in ("pr", "calibration", "learning_curve"):
        drawn = re.findall(r'<g class="series" data-name="([^"(]+?)(?: \(AP [^"]*)?"><polyline [^>]*'
                           r'stroke-dasharray="([^"]*)"', plots(data, styles)[chart])
        assert [name for name, _ in drawn] == codes, chart
        assert [dash for _, dash in drawn] == [DASHES[(i + 1) % len(DASHES)] for i in range(len(codes))], chart


def test_each_mix_up_links_to_its_segments_in_the_transcripts(html, demo_run, tmp_path):
    # "15 of 35 (43%)" left a reader to hunt for those 15 segments in the transcripts
    from markupsafe import escape

    from tr_nlp.report.sections import crossings, mix_up_examples

    data = load_run(demo_run)
    shown = crossings(data)["mix_ups"]
    assert shown and all(row["examples"] for row in shown)
    every = mix_up_examples(data, shown, quotes=True, per_row=10**6)
    assert [len(found) for found in every] == [row["instead"] for row in shown]  # the segments the count counts
    for row, found in zip(shown, every):
        first = row["examples"]
        assert len(first) == min(3, row["instead"])
        interviews = {e["interview_id"] for e in found}
        assert len({e["interview_id"] for e in first}) == min(3, len(interviews))  # as many interviews as hold them
    for row, found in zip(shown, every):  # with the machine, its surest calls: those of highest probability
        if "machine" in (row["rater_a"], row["rater_b"]):
            given = row["code_a"] if row["rater_a"] == "machine" else row["code_b"]
            p = data.scored.set_index(["interview_id", "start"])[f"p_{given}"]
            best = {}
            for e in found:
                best[e["interview_id"]] = max(best.get(e["interview_id"], 0.0), p[(e["interview_id"], e["start"])])
            surest = sorted(best, key=best.get, reverse=True)[:3]
            assert {e["interview_id"] for e in row["examples"]} == set(surest)
            assert all(max(p[(e["interview_id"], e["start"])] for e in row["examples"] if e["interview_id"] == iid)
                       == best[iid] for iid in surest)  # (a second of one interview where fewer hold them)
    examples = [e for row in shown for e in row["examples"]]
    example = next(e for e in examples if e["lines"])
    assert example["text"] == data.span_text(example["interview_id"], example["start"], example["end"])
    assert re.match(r"lines? \d+", example["lines"])
    # a segment of a recording's transcript without line numbers says when it is said: it said nothing
    timed = next(e for e in examples if e["at"])
    copy = shutil.copytree(demo_run, tmp_path / "run")
    segments = pd.read_parquet(copy / "segments.parquet")
    segments.loc[segments["interview_id"] == timed["interview_id"], ["line", "line_end"]] = pd.NA
    segments.to_parquet(copy / "segments.parquet")
    for quotes in (True, False):
        shown_again = build_report(copy, quotes=quotes)
        shown_again = shown_again[shown_again.index("Codes mixed up: what one rater gives where the other gives"):]
        assert f'{timed["interview_id"]}, at {timed["at"]}' in shown_again[:shown_again.index("</table>")]
    mixed = html[html.index("Codes mixed up: what one rater gives where the other gives a code"):]
    mixed = mixed[:mixed.index("</table>")]
    assert (f'<a href="#iv={example["interview_id"]}&amp;at={example["start"]}-{example["end"]}" '
            f'title="{escape(example["text"])}">{example["interview_id"]}, {example["lines"]}</a>') in mixed
    private = build_report(demo_run, quotes=False)
    private = private[private.index("Codes mixed up: what one rater gives where the other gives a code"):]
    assert f"{example['interview_id']}, {example['lines']}" in private and example["text"] not in private


def test_a_disagreement_the_machine_called_shows_what_it_read_as_the_code(html, demo_run):
    # the report listed the machine's confident false alarms with no word of why; the evidence of
    # the fold model that made each call is now marked in it, and in the transcript viewer
    section = html[html.index('id="h-disagreements"'):]
    section = section[:section.index("</section>")]
    assert section.count('<mark class="why">') >= 10
    marked = {m.replace("&#39;", "'") for m in re.findall(r'<mark class="why">([^<]+)</mark>', section)}
    cv = pd.read_parquet(demo_run / "cv_predictions.parquet")
    said = {p for c in cv.columns if c.startswith("evidence_") for e in cv[c] if e for p in e.split("; ")}
    assert len(marked & said) >= 10
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', html,
                                re.DOTALL).group(1))
    coded = set(cv.segment_id.str.split(":").str[0])
    machine = data["sources"].index("machine")
    explained = [a for iv in data["interviews"] if iv["id"] in coded for a in iv["ann"] if a[3] == machine and a[5:]]
    assert len(explained) >= 10 and all(a[5] and a[6] for a in explained)  # evidence, and where it stands


def test_a_disagreement_says_which_other_codes_each_rater_gave_the_segment(html, demo_run):
    # a coder's code the machine did not give: the table said "no", never what the machine gave instead
    from tr_nlp.report.rundata import load_run
    from tr_nlp.report.sections import disagreements

    section = html[html.index('id="h-disagreements"'):]
    section = section[:section.index("</section>")]
    assert '<th scope="col">Other codes given</th>' in section
    assert re.search(r"<td>machine: [\w<>]+(, [\w<>]+)*(; coder_[ab]: [\w<>]+(, [\w<>]+)*)*</td>", section)
    data = load_run(demo_run)
    shown = disagreements(data, data.codes, quotes=False)
    cv = data.scored
    for block in shown:
        for row in block["rows"]:
            given = dict(row["others"])
            assert block["code"] not in {c for names in given.values() for c in names}
            machine = {c for c in data.scored_codes if c != block["code"] and cv.loc[row["segment_id"], f"machine_{c}"]}
            assert given.get("machine", []) == [c for c in data.scored_codes if c in machine]
    assert any(rater.startswith("coder_") for block in shown for row in block["rows"] for rater, _ in row["others"])
    # each block in its code's colour, as the legend has it, though a code before it has no block
    assert [b["style"] for b in disagreements(data, ["not_scored", *data.codes], quotes=False)] == \
        [data.codes.index(b["code"]) + 1 for b in shown]
    for block in shown:
        assert f'<details class="code-block c{block["style"]}">\n    <summary><span class="swatch" aria-hidden="true">' \
               f'</span>{block["code"]}: ' in section


def test_pseudonymised_report_has_none_of_the_names(demo_run):
    page = build_report(demo_run, pseudonymiser=Pseudonymiser(NAMES))
    for name in [*NAMES, "Shah"]:
        assert not re.search(rf"\b{name}\b", page), name
    assert "[PERSON_" in page


def test_script_json_cannot_close_its_script_element():
    text = to_script_json({"t": "</script><script>alert(1)</script> & <!--"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script> & <!--"}


def test_plain_language_reading():
    human = {"rater_a": "coder_a", "rater_b": "coder_b", "kappa": 0.8, "kappa_lo": 0.7, "kappa_hi": 0.9,
             "comparison": "human vs human"}
    close = {"rater_a": "machine", "rater_b": "coder_a", "kappa": 0.75, "kappa_lo": 0.6, "kappa_hi": 0.85}
    far = {**close, "kappa": 0.4, "kappa_lo": 0.3, "kappa_hi": 0.5}
    assert reading(close, [human]).startswith("The machine agrees with coder_a about as well as coder_b does")
    assert reading(far, [human]).startswith("The machine agrees with coder_a less well than coder_b does")
    assert "no second coder" in reading(far, [])
    # with the paired bootstrap's difference (newer runs), that interval decides, not the two overlapping
    paired = {**close, "peer": "coder_b", "kappa_diff": -0.05, "kappa_diff_lo": -0.09, "kappa_diff_hi": -0.01}
    assert reading(paired, [human]) == (
        "The machine agrees with coder_a less well than coder_b does (kappa 0.75 vs 0.80: 0.05 lower, 95% interval "
        "0.01 to 0.09 lower, the two kappas computed on the same resampled interviews).")
    # a code in too few interviews has no intervals: no verdict, least of all "the intervals do not overlap"
    few = {**far, "kappa_lo": None, "kappa_hi": None, "n_interviews_coded": 1, "n_interviews": 9}
    assert reading(few, [{**human, "kappa_lo": None, "kappa_hi": None}]) == (
        "The machine's kappa with coder_a is 0.40, coder_b's 0.80. The code is in 1 of these 9 interviews, too few "
        "for 95% intervals from resampling them: these figures cannot say which agrees better.")
    assert reading({**few, "n_interviews_coded": None}, [human]).endswith(
        "Without 95% intervals: these figures cannot say which agrees better.")
    # with several other coders, against their mean kappa with the coder (the machine's minus the difference)
    third = {**human, "rater_b": "coder_c", "kappa": 0.6}
    many = {**far, "peer": "coder_b, coder_c", "kappa_diff": -0.3, "kappa_diff_lo": -0.45, "kappa_diff_hi": -0.12}
    assert reading(many, [human, third]) == (
        "The machine agrees with coder_a less well than the other 2 coders do on average (kappa 0.40 vs 0.70: 0.30 "
        "lower, 95% interval 0.12 to 0.45 lower, all kappas computed on the same resampled interviews).")
    unclear = {**paired, "kappa_diff_hi": 0.02}
    assert reading(unclear, [human]).startswith("These interviews cannot tell the machine's agreement with coder_a "
                                                "from coder_b's (kappa 0.75 vs 0.80; their difference, -0.05, has a "
                                                "95% interval from -0.09 to +0.02, which holds 0)")


def test_bad_run_folders_get_clear_errors(tmp_path):
    with pytest.raises(InputError, match="E220.*no such folder"):
        load_run(tmp_path / "missing")
    with pytest.raises(InputError, match="E220.*run.json"):
        load_run(tmp_path)
    (tmp_path / "run.json").write_text("{}")
    (tmp_path / "turns.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"turns.parquet.*E221"):
        load_run(tmp_path)


@pytest.mark.parametrize("settings", [{"segmenter": {"roles": ["participant", "other"]}}, ["hand", "edited"]])
def test_a_batch_that_found_no_speech_to_code_says_so_and_how_to_fix_it(tmp_path, settings):
    (tmp_path / "run.json").write_text(json.dumps({"counts": {"inputs": 2, "coded": 2, "segments_coded": 0},
                                                   "settings": settings}))
    roles = "participant, other" if isinstance(settings, dict) else "participant"
    with pytest.raises(InputError, match=rf"\[E222\] nothing to report: the batch coded 2 input\(s\) but found no "
                                         rf"speech of the roles it keeps \({roles}\).*--speaker-role"):
        load_run(tmp_path)


def test_a_table_from_another_version_is_named_not_a_traceback(demo_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    agreement = pd.read_csv(copy / "agreement.csv").drop(columns=["ac1_lo"])
    agreement.to_csv(copy / "agreement.csv", index=False)
    with pytest.raises(InputError, match=r"agreement.csv: \[E221\].*ac1_lo"):
        build_report(copy)


@pytest.mark.parametrize(("table", "column", "value", "problem"), [
    ("codings.csv", "start", "abc", r"column 'start' holds 'abc' in data row 2; expected a whole number"),
    ("codings.csv", "end", "-3", r"column 'end' holds -3 in data row 2"),
    ("codings.csv", "start", "12.5", r"column 'start' holds 12.5 in data row 2"),
    ("codings.csv", "start", "", r"column 'start' holds a blank in data row 2"),
    ("codings.csv", "start", "99999", r"data row 2 starts at 99999 after its end"),
    ("agreement.csv", "kappa", "n/a", r"column 'kappa' holds 'n/a' in data row 2; expected a number or a blank"),
    # columns newer runs have beside the required ones, names, and the per-code figures
    ("agreement_characters.csv", "alpha_u", "x", r"column 'alpha_u' holds 'x' in data row 2"),
    ("codings.csv", "code", "", r"column 'code' is blank in data row 2; expected a name"),
    ("prescreen.csv", "segments", "many", r"column 'segments' holds 'many' in data row 2"),
    ("code_crossings.csv", "instead", "many", r"column 'instead' holds 'many' in data row 2"),
    ("code_crossings.csv", "code_b", "", r"column 'code_b' is blank in data row 2; expected a name"),
])
def test_a_table_edited_by_hand_is_refused_by_row_not_a_traceback(demo_run, tmp_path, table, column, value,
                                                                   problem):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    frame = pd.read_csv(copy / table, dtype=str, keep_default_na=False)
    frame.loc[1, column] = value
    frame.to_csv(copy / table, index=False)
    with pytest.raises(InputError, match=rf"{table}: \[E221\].*{problem}"):
        build_report(copy)


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda cv: cv.drop(columns=["machine_beyond_routine"]), "the column 'p_beyond_routine' without 'machine_beyond_"),
    (lambda cv: cv.drop(columns=["p_beyond_routine"]), "the column 'machine_beyond_routine' without 'p_beyond_"),
    (lambda cv: cv.assign(p_beyond_routine=float("nan")),
     "column 'p_beyond_routine' holds a blank in data row 1; expected a number\\)"),
])
def test_cross_validated_predictions_edited_by_hand_are_refused(demo_run, tmp_path, edit, problem):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    edit(pd.read_parquet(copy / "cv_predictions.parquet")).to_parquet(copy / "cv_predictions.parquet")
    with pytest.raises(InputError, match=rf"cv_predictions.parquet: \[E221\].*{problem}"):
        build_report(copy)


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda d: d.update(map=3), "its 'map' is not a list of points"),
    (lambda d: d["map"][0].update(x="left"), "its 'map' is not a list of points"),
    (lambda d: d["map"][0].pop("kind"), "its 'map' is not a list of points"),
    (lambda d: d.update(centring=True), "its 'centring' is not an object"),
    (lambda d: d["centring"].update(decided="auto", between_interview_share="low"), "its 'centring' is not an object"),
    (lambda d: d.update(interview_ids="demo01"), "its 'interview_ids' is not a list of interview ids"),
    (lambda d: d["interview_ids"].append(7), "its 'interview_ids' is not a list of interview ids"),
])
def test_a_discovery_summary_edited_by_hand_is_refused(demo_run, tmp_path, edit, problem):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    summary = json.loads((copy / "discovery.json").read_text())
    assert summary["map"] and summary["centring"]
    edit(summary)
    (copy / "discovery.json").write_text(json.dumps(summary))
    with pytest.raises(InputError, match=rf"discovery.json: \[E221\].*{problem}"):
        build_report(copy)


def test_an_evaluation_summary_edited_by_hand_is_refused(demo_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    assert load_run(copy).protocol.startswith("cross-validation: 5 folds")
    (copy / "evaluation.json").write_text(json.dumps({"protocol": ["held-out"]}))
    with pytest.raises(InputError, match=r"evaluation.json: \[E221\].*its 'protocol' is not text"):
        build_report(copy)


@pytest.mark.parametrize(("file", "text", "problem"), [
    ("errors.jsonl", '{"file": "a.txt", "code": "E101", "message": "a.txt: [E101] empty"}\nnot json\n',
     r"errors.jsonl: \[E221\].*line 2 is not JSON"),
    ("errors.jsonl", '{"file": "a.txt"}\n', r"errors.jsonl: \[E221\].*line 1 is not an object with a file and a message"),
    ("run.json", None, r"run.json: \[E221\].*its 'warnings' is not a list of texts"),
])
def test_a_run_record_of_failures_or_warnings_edited_by_hand_is_refused(demo_run, tmp_path, file, text, problem):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    if text is None:
        record = json.loads((copy / "run.json").read_text())
        (copy / "run.json").write_text(json.dumps({**record, "warnings": "one"}))
    else:
        (copy / file).write_text(text)
    with pytest.raises(InputError, match=problem):
        build_report(copy)


def test_a_failure_whose_message_holds_a_line_separator_is_read(demo_run, tmp_path):
    # errors.jsonl is written with json.dumps(ensure_ascii=False), which keeps U+2028 as it is: the
    # line was broken there and the report refused the run folder (E221)
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    entry = {"file": "odd\u2028name.txt", "code": "E101", "message": "odd\u2028name.txt: [E101] empty"}
    (copy / "errors.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_run(copy).failed == [entry]


def test_a_blank_count_in_the_prescreen_table_shows_no_total(demo_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    frame = pd.read_csv(copy / "prescreen.csv")
    frame["segments"] = float("nan")
    frame.to_csv(copy / "prescreen.csv", index=False)
    assert "<html" in build_report(copy)


@pytest.mark.parametrize(("edit", "says"), [
    (lambda entry: entry.update(evidence="oops"), "'evidence' must be a mapping"),
    (lambda entry: entry["evidence"]["quotes"][0].update(start="abc"), "quote 1 must have"),
])
def test_a_candidates_file_broken_by_hand_is_refused_not_a_traceback(demo_run, tmp_path, edit, says):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    data = yaml.safe_load((copy / "candidates.yaml").read_text(encoding="utf-8"))
    edit(data["codes"][0])
    (copy / "candidates.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CodebookError, match=rf"candidates.yaml: \[E146\] code entry 1 is invalid: {re.escape(says)}"):
        build_report(copy)


def test_blank_figures_in_a_table_are_read_as_missing(demo_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy)
    agreement = pd.read_csv(copy / "agreement.csv", dtype=str, keep_default_na=False)
    agreement.loc[0, ["kappa_lo", "kappa_hi"]] = ""
    agreement.to_csv(copy / "agreement.csv", index=False)
    agreement = load_run(copy).agreement
    assert agreement["kappa_lo"].isna().sum() >= 1
    assert agreement["n_segments"].dtype.kind == "i"  # counts stay whole: the report shows 340, not 340.0


def test_report_command(demo_run, tmp_path):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    out = tmp_path / "shared.html"
    result = CliRunner().invoke(app, ["report", "--run", str(demo_run), "-o", str(out), "--no-quotes"])
    assert result.exit_code == 0, result.output
    assert f"report: {out}" in result.stdout and out.stat().st_size > 10_000
    bad = CliRunner().invoke(app, ["report", "--run", str(demo_run), "-o", str(tmp_path / "r.pdf")])
    assert bad.exit_code == 2 and "r.pdf" in bad.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync", "--window-size=1366,768"]


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_demo_report_renders_in_chromium(demo_run, tmp_path):
    from PIL import Image

    url = (demo_run / "report.html").resolve().as_uri()
    profile = [f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *FLAGS, *profile, f"--screenshot={shot}", url], check=True, capture_output=True,
                   timeout=120)
    image = Image.open(shot).convert("L")
    assert image.size == (1366, 768)
    low, high = image.getextrema()
    assert high - low > 100  # something was drawn, not a blank page
    dom = subprocess.run([CHROMIUM, *FLAGS, *profile, "--dump-dom", url], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert '<table class="data agreement"' in dom and "<caption>How much of the corpus" in dom
    # the viewer rendered the first coded interview with its human codings highlighted
    codings = pd.read_csv(demo_run / "codings.csv")
    first = codings[codings.interview_id == codings.interview_id.iloc[0]].iloc[0]
    marks = re.findall(r'<mark class="hl[^"]*human[^"]*" data-codes="([^"]*)" data-sources="([^"]*)"[^>]*>([^<]*)</mark>', dom)
    assert any(first.code in codes.split() and first.coder in sources.split() and text.strip() in first.text
               for codes, sources, text in marks), marks[:5]
    assert re.search(r'<li class="candidate" id="cand-candidate_01_', dom)
    assert re.search(r'id="iv-status"[^>]*>Interview 1 of 18', dom)
    assert re.search(r'<div class="who">Participant<span class="at" title="the lines it runs over in the transcript">'
                     r'line \d+</span></div>', dom)  # demo01 is a text file: its turns' lines show


def _viewer_dom(folder, text: str) -> str:
    """The page chromium renders of a run of one interview, ``text``: an interviewer's line,
    then the participant's turn (the run's other tables already in ``folder``)."""
    turns = [(3, text.index("\n")), (text.index("\n") + 4, len(text))]
    pd.DataFrame({"interview_id": ["i1", "i1"], "turn_index": [0, 1], "speaker": ["I", "P"],
                  "role": ["interviewer", "participant"], "start": [a for a, _ in turns], "end": [b for _, b in turns],
                  "timestamp": [None, None], "text": [text[a:b] for a, b in turns]}).to_parquet(folder / "turns.parquet")
    (folder / "run.json").write_text("{}")
    page = folder / "report.html"
    page.write_text(build_report(folder), encoding="utf-8")
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--dump-dom", page.as_uri()],
                          check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_viewer_highlights_the_coded_words_after_an_emoji(tmp_path):
    # offsets count an emoji as one character, JavaScript's strings as two: every highlight after
    # one in a turn was moved ("e rang me on her day o" for "rang me on her day off")
    text = "I: How was it?\nP: \U0001f60a\U0001f60a She rang me on her day off, \U0001f44d really kind."
    coded = ["rang me on her day off", "\U0001f44d really kind"]
    starts = [text.index(words) for words in coded]
    pd.DataFrame({"interview_id": "i1", "start": starts, "end": [s + len(w) for s, w in zip(starts, coded)],
                  "code": "beyond", "coder": "anna", "text": coded}).to_csv(tmp_path / "codings.csv", index=False)
    dom = _viewer_dom(tmp_path, text)
    assert re.findall(r'<mark class="hl human"[^>]*>([^<]*)</mark>', dom) == coded


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_viewer_shows_a_suggestions_evidence_in_bold_within_it(tmp_path):
    text = "I: How was it?\nP: \U0001f60a She rang me on her day off. She didn't have to, honestly."
    start = text.index("She rang")
    pd.DataFrame({"interview_id": ["i1"], "segment_id": ["i1:s0"], "start": [start], "end": [len(text)],
                  "speaker": ["P"], "code": ["beyond"], "probability": [0.9], "above_threshold": [True],
                  "evidence": ["rang me on her day off; didn't have to"],
                  "text": [text[start:]]}).to_parquet(tmp_path / "suggestions.parquet")
    dom = _viewer_dom(tmp_path, text)
    marks = re.findall(r'<mark class="hl machine( why)?"[^>]*>([^<]*)</mark>', dom[dom.index('id="viewer"'):])
    assert [(bool(why), said) for why, said in marks] == [
        (False, "She "), (True, "rang me on her day off"), (False, ". She "), (True, "didn't have to"),
        (False, ", honestly.")]


def test_a_run_with_only_transcripts_still_renders(tmp_path):
    """No codings, no model, no candidates: the report says so instead of failing."""
    (tmp_path / "run.json").write_text("{}")
    pd.DataFrame({"interview_id": ["i1", "i1"], "turn_index": [0, 1], "speaker": ["I", "Jo"],
                  "role": ["interviewer", "participant"], "start": [3, 16], "end": [12, 40],
                  "timestamp": [None, None], "text": ["How's it", "Fine, Karen helped <b>"]}).to_parquet(tmp_path / "turns.parquet")
    page = build_report(tmp_path)
    assert '<section id="transcripts"' in page and '<section id="agreement"' not in page
    assert "This run did not look for candidate codes" in page and "Model suggestions" not in page
    assert "<b>" not in page  # transcript text is data, never markup
    assert "Karen" not in build_report(tmp_path, pseudonymiser=Pseudonymiser(["Karen"]))


def test_turns_and_quotes_are_cited_by_the_lines_they_run_over(tmp_path):
    # a turn over several lines of a numbered transcript showed only the first ("line 13")
    from tr_nlp.report import sections

    text = "I: Who?\nP: Karen, she\nstayed with me.\nI: Oh."
    spans = [(3, 7), (11, 37), (41, 44)]
    assert [text[a:b] for a, b in spans] == ["Who?", "Karen, she\nstayed with me.", "Oh."]
    pd.DataFrame({"interview_id": ["i1"] * 3, "turn_index": [0, 1, 2], "speaker": ["I", "Jo", "I"],
                  "role": ["interviewer", "participant", "interviewer"], "start": [a for a, _ in spans],
                  "end": [b for _, b in spans], "timestamp": [None] * 3,
                  "line": pd.array([12, 13, None], dtype="Int64"), "line_end": pd.array([12, 14, None], dtype="Int64"),
                  "text": [text[a:b] for a, b in spans]}).to_parquet(tmp_path / "turns.parquet")
    (tmp_path / "run.json").write_text("{}")
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', build_report(tmp_path),
                                re.DOTALL).group(1))
    assert [t[5] for t in data["interviews"][0]["turns"]] == ["line 12", "lines 13-14", None]
    run = load_run(tmp_path)
    run.candidates = [{"name": "x", "evidence": {"quotes": [
        {"interview_id": "i1", "start": 11, "end": 37, "line": 13, "line_end": 14},
        {"interview_id": "i1", "start": 11, "end": 16, "line": 13},  # written before quotes had an end line
        {"interview_id": "i1", "start": 41, "end": 44}]}}]
    assert [q["lines"] for q in sections.candidates(run, quotes=False)[0]["quotes"]] == ["lines 13-14", "line 13", ""]


def test_a_batch_reports_turns_are_the_participants_turns_not_all_her_segments_run_together():
    # a batch keeps only the participant's segments: all of them became one turn, over the
    # interviewer's questions between, shown as blanks
    from tr_nlp.report.rundata import _turns_from_segments

    rows = [("s0", 0, 10, 1, 1), ("s1", 11, 20, 1, 2), ("s2", 40, 50, 4, 4),  # a question between s1 and s2
            ("w0", 60, 80, 6, 6), ("w1", 70, 90, 6, 7), ("w2", 72, 85, 6, 6)]  # windows that overlap
    text = "".join(chr(97 + k % 26) for k in range(90))
    suggestions = pd.DataFrame([("i1", sid, a, b, "Jo", None, n, m, text[a:b], code) for sid, a, b, n, m in rows
                                for code in ("x", "y")],
                               columns=["interview_id", "segment_id", "start", "end", "speaker", "timestamp", "line",
                                        "line_end", "text", "code"])
    turns, segments = _turns_from_segments(suggestions)
    assert len(segments) == 6
    assert [(t.start, t.end, t.line, t.line_end) for t in turns.itertuples()] == [(0, 20, 1, 2), (40, 50, 4, 4),
                                                                                   (60, 90, 6, 7)]
    assert turns.text.tolist() == [text[:10] + " " + text[11:20], text[40:50], text[60:90]]


def test_a_batchs_pre_screening_reads_the_model_cards_cross_validation():
    # a batch has no cross-validation of its own: its report said only "No cross-validated trade-off for this
    # code", where the model card had measured what the code's threshold finds
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    suggestions = pd.DataFrame({"interview_id": "i1", "segment_id": [f"s{k}" for k in range(8)] * 2,
                                "start": list(range(0, 80, 10)) * 2, "end": list(range(5, 85, 10)) * 2,
                                "code": ["care"] * 8 + ["trust"] * 8, "probability": np.linspace(0.9, 0.1, 16),
                                "above_threshold": [True, True, True] + [False] * 13})
    card = {"cv_metrics": [{"code": "care", "rater_b": "anna", "recall": 0.82, "recall_lo": 0.7, "recall_hi": 0.9,
                            "precision": 0.61},
                           {"code": "care", "rater_b": "ben", "recall": 0.75, "recall_lo": None, "recall_hi": None,
                            "precision": float("nan")}]}
    def run(card):
        return RunData(Path("run"), {}, pd.DataFrame(), suggestions=suggestions, card=card)

    found = {p["code"]: p["tradeoff"] for p in sections.prescreen(run(card), ["care", "trust"], quotes=False)}
    assert found["care"] == [
        "In the model's cross-validation, the segments above this code's threshold held 82% [70%, 90%] of what anna "
        "coded (precision 61%).",
        "In the model's cross-validation, the segments above this code's threshold held 75% of what ben coded.",
        "Here 3 of 8 segments (38%) are above it: reading those alone would find about the share cross-validation "
        "found, and leave 62% unread."]
    assert found["trust"] == []  # the card measured nothing of it: the report says so, as before
    assert sections.prescreen(run({}), ["care"], quotes=False)[0]["tradeoff"] == []


def test_viewer_limit_keeps_the_linked_interviews_first(demo_run):
    page = build_report(demo_run, max_interviews=3)
    data = json.loads(re.search(r'<script type="application/json" id="tr-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["interviews"]) == 3 and data["left_out"] == 15
    linked = re.findall(r'href="#iv=([^&"]+)&amp;at=', page)
    assert linked and linked[0] in {iv["id"] for iv in data["interviews"]}
    assert "15 fewer interviews" in page


def test_many_coder_pairs_on_characters_are_one_row_per_code(tmp_path):
    """Ten annotators make 45 pairs: the report's character table shows each code's pairs as one row."""
    from tr_nlp.agreement import character_table, count_characters
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    units = pd.DataFrame({"interview_id": ["i1"], "start": [0], "end": [100]})
    codings = pd.DataFrame([(r, "i1", s, s + 30, "x") for r, s in zip("mABCD", (0, 5, 10, 20, 40))],
                           columns=["rater", "interview_id", "start", "end", "code"])
    counts = count_characters(codings, {r: {"i1"} for r in "mABCD"}, units, ["x"], machines=["m"])
    rows = sections.character_agreement(RunData(tmp_path, {}, pd.DataFrame(),
                                                characters=character_table(counts, n_boot=0)))
    humans = [r for r in rows if r["comparison"] == "human vs human"]
    assert [r["raters"] for r in humans] == ["6 coder pairs, median"] * 2 and humans[-1] is rows[-1]
    assert len(rows) == 4 * 2 + 2  # the machine against each of the 4 coders, on x and pooled


def test_many_coders_read_as_one_summary_row_and_a_range(tmp_path):
    """Five coders make ten pairs: each code's pairs become one summary row (median and
    range, every pair listed below the table), and a machine row is read against the
    range of the other coders' agreement with that coder."""
    from tr_nlp.agreement import agreement_table
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    rng = np.random.default_rng(0)
    index = pd.Index([f"s{i}" for i in range(96)])
    truth = rng.random(96) < 0.4
    coders = {c: truth ^ (rng.random(96) < 0.1) for c in "ABCDE"}
    machines = {"machine": coders["A"]}  # agrees with A perfectly, and with no one else as well as A does
    ratings = {r: pd.DataFrame({"x": v.astype(float)}, index=index) for r, v in {**machines, **coders}.items()}
    table = agreement_table(ratings, pd.Series(np.repeat([f"i{k}" for k in range(8)], 12), index=index), ["x"],
                            machines=["machine"], n_boot=200)
    table.to_csv(tmp_path / "agreement.csv", index=False)
    (tmp_path / "run.json").write_text("{}")
    pd.DataFrame({"interview_id": ["i1"], "turn_index": [0], "speaker": ["Jo"], "role": ["participant"],
                  "start": [0], "end": [4], "timestamp": [None], "text": ["Fine"]}).to_parquet(tmp_path / "turns.parquet")
    groups = sections.agreement(RunData(tmp_path, {}, pd.DataFrame(), agreement=table))
    code = groups[0]
    pairs = table[(table["code"] == "x") & (table["comparison"] == "human vs human")]
    assert [r["rater_b"] for r in code["rows"]] == list("ABCDE") and len(code["pairs"]) == 10
    summary = code["pair_summary"]
    assert summary["n"] == 10 and summary["kappa"] == pytest.approx(
        (pairs["kappa"].median(), pairs["kappa"].min(), pairs["kappa"].max()))
    assert summary["reading"].startswith(f"Across the 10 coder pairs the median kappa is {rounded(pairs['kappa'].median())}")
    with_a = pairs[(pairs["rater_a"] == "A") | (pairs["rater_b"] == "A")]["kappa"]
    # read against the other coders' mean kappa with A, by the paired difference's interval
    assert code["rows"][0]["reading"].startswith(
        f"The machine agrees with A better than the other 4 coders do on average (kappa 1.00 vs "
        f"{rounded(with_a.mean())}: {1 - with_a.mean():.2f} higher, 95% interval ")
    assert all("less well" in r["reading"] or "cannot tell" in r["reading"] for r in code["rows"][1:])
    # a run from before the difference (no kappa_diff): the range of the other coders' kappas
    old = sections.agreement(RunData(tmp_path, {}, pd.DataFrame(),
                                     agreement=table.drop(columns=["peer", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi"])))
    assert old[0]["rows"][0]["reading"] == (
        "The machine agrees with A better than any other coder does (kappa 1.00; the 4 other coders with A: "
        f"{rounded(with_a.min())} to {rounded(with_a.max())}, median {rounded(with_a.median())}).")
    page = build_report(tmp_path)
    assert "coder ~ coder (10 pairs)" in page and "Every coder pair (10 per code)" in page


def test_prescreening_shows_segments_of_the_same_words_once(tmp_path):
    """Backchannels top the ranking of a code such as neutral talk: each wording is one row,
    the surest of them, with how many more the ranking holds."""
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    texts = {"a": "Mm-hmm. mm hmm! Yeah. I just felt he was listening, you know.", "b": "MM-HMM."}
    spans = [("a", 0, 7, 0.99), ("b", 0, 7, 0.98), ("a", 8, 15, 0.97), ("a", 16, 21, 0.95),
             ("a", 22, 62, 0.90), ("c", 0, 4, 0.85), ("c", 5, 9, 0.80)]  # c: a text the run does not hold
    suggestions = pd.DataFrame([(i, s, e, "neutral", p, True) for i, s, e, p in spans],
                               columns=["interview_id", "start", "end", "code", "probability", "above_threshold"])
    data = RunData(tmp_path, texts, pd.DataFrame(), suggestions=suggestions)
    [shown] = sections.prescreen(data, ["neutral"], quotes=True)
    assert [(s["interview_id"], s["text"], s["repeats"]) for s in shown["segments"]] == [
        ("a", "Mm-hmm.", 2), ("a", "Yeah.", 0), ("a", "I just felt he was listening, you know.", 0),
        ("c", "", 0), ("c", "", 0)]
    [top] = sections.prescreen(data, ["neutral"], quotes=False, top=2)
    assert [(s["start"], s["repeats"]) for s in top["segments"]] == [(0, 2), (16, 0)]  # the same rows, no quotes


def test_a_suggestions_evidence_passages_are_shown_in_bold_in_its_segment(tmp_path, demo_run, html):
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    texts = {"a": "She said she didn\u2019t mind. Shelter? No."}
    suggestions = pd.DataFrame([("a", 0, 25, "beyond", 0.9, True, "she didn't; mind"),
                                ("a", 26, 38, "beyond", 0.2, False, float("nan"))],  # blank, read back
                               columns=["interview_id", "start", "end", "code", "probability", "above_threshold",
                                        "evidence"])
    [shown] = sections.prescreen(RunData(tmp_path, texts, pd.DataFrame(), suggestions=suggestions), ["beyond"],
                                 quotes=True)
    assert [s["pieces"] for s in shown["segments"]] == [
        [("She said ", False), ("she didn\u2019t", True), (" ", False), ("mind", True), (".", False)],
        [("Shelter? No.", False)]]
    assert [s["evidence"] for s in shown["segments"]] == ["she didn't; mind", ""]
    ranked = html[html.index('id="h-prescreen"'):html.index("</section>", html.index('id="h-prescreen"'))]
    rows = re.findall(r'<tr class="above">.*?</tr>', ranked, flags=re.DOTALL)
    assert rows and all("<mark" not in row for row in re.findall(r"<tr>.*?</tr>", ranked, flags=re.DOTALL)[1:])
    for row in rows:  # the passages in bold are the evidence's, and each of them is in bold
        *_, segment, evidence = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL)
        bold = {" ".join(w.lower().replace("&#39;", "'").replace("\u2019", "'").split())
                for w in re.findall(r'<mark class="why">(.*?)</mark>', segment, flags=re.DOTALL)}
        assert bold == {p.lower() for p in evidence.replace("&#39;", "'").split("; ")}
    assert "<mark" not in build_report(demo_run, quotes=False).split('id="h-prescreen"')[1].split("</section>")[0]


def test_topic_map_labels_do_not_cover_each_other():
    # the demo's codes lie a few pixels apart on the map: every label was written above its
    # point, so 'interpersonal_continuity' ran over 'social_interaction' and its square
    from tr_nlp.report.svg import Point, label_box, scatter_chart

    where = {"trust_gruff": (0.2, 0.3, 40), "clinic_ward": (0.6, 0.5, 35), "benefits_letters": (0.7, 0.9, 20),
             "social_interaction": (0.22, 0.52, 1), "interpersonal_continuity": (0.21, 0.5, 1),
             "beyond_routine": (0.13, 0.48, 1), "non_stigmatizing_attitude": (0.12, 0.24, 1),
             "emotional_climate": (0.1, 0.21, 1)}
    svg = scatter_chart([Point(name, x, y, size, "#888", square=size == 1) for name, (x, y, size) in where.items()],
                        "map", 640, 420)
    labels = re.findall(r'<text x="([\d.-]+)" y="([\d.-]+)" class="map-label" text-anchor="(\w+)">([^<]+)</text>', svg)
    assert sorted(t for *_, t in labels) == sorted(where)
    boxes = [label_box(float(x), float(y), anchor, text) for x, y, anchor, text in labels]
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 640 and 0 <= a[1] and a[3] <= 420, labels[i]
        for j, b in enumerate(boxes[:i]):
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), (labels[i], labels[j])
    # a code nobody coded, placed by its codebook entry, is an outlined square
    hollow = scatter_chart([Point("care", 0.1, 0.2, 1, "#123456", square=True, hollow=True),
                            Point("topic", 0.5, 0.5, 9, "#888")], "map", 640, 420)
    assert 'fill="#fff" stroke="#123456" stroke-width="2" class="code-point"' in hollow


def test_the_report_says_why_all_coders_at_once_have_no_interval(tmp_path):
    # three coders, the third on three interviews: every pair has its intervals but the
    # alpha of all coders at once, on the interviews they all coded, stood without one unexplained
    from tr_nlp.report import sections
    from tr_nlp.report.rundata import RunData

    pairs = pd.DataFrame({"code": ["x"] * 3, "rater_a": ["A", "A", "B"], "rater_b": ["B", "C", "C"],
                          "n_interviews": [9, 9, 9]})
    group = pd.DataFrame({"code": ["x"] * 2, "raters": ["coders", "coders + machine"], "n_interviews": [3, 3]})
    said = sections.too_few_sentence(RunData(tmp_path, {}, pd.DataFrame(), agreement=pairs, group=group))
    assert said.startswith("No 95% intervals for coders (3 interviews), coders + machine (3 interviews): an interval "
                           "needs 4 interviews or more")
    assert sections.too_few_sentence(RunData(tmp_path, {}, pd.DataFrame(), agreement=pairs)) == ""


def test_codes_that_exclude_each_other_get_each_pairs_confusion_matrix():
    from tr_nlp.agreement import code_crossings
    from tr_nlp.report.rundata import RunData
    from tr_nlp.report.sections import crossings

    coder = pd.DataFrame({"yes": [1, 1, 1, 0], "no": [0, 0, 0, 1]})
    machine = pd.DataFrame({"yes": [1, 0, 0, 0], "no": [0, 1, 1, 1]})
    table = code_crossings({"machine": machine, "gold": coder}, ["yes", "no"], machines=["machine"])
    data = RunData(folder=Path("run"), texts={}, turns=pd.DataFrame(), crossings=table,
                   agreement=pd.DataFrame({"code": ["yes", "no", "one of yes / no"]}))
    shown = crossings(data)
    assert shown["mix_ups"] == [] and shown["found"] == 0  # within the group: the matrix says it
    assert shown["matrices"] == [{"group": "one of yes / no", "a": "gold", "b": "machine", "columns": ["yes", "no"],
                                  "rows": [{"code": "yes", "cells": [(1, 1 / 3), (2, 2 / 3)]},
                                           {"code": "no", "cells": [(0, 0.0), (1, 1.0)]}]}]
    assert crossings(RunData(folder=Path("run"), texts={}, turns=pd.DataFrame())) == {}



def test_a_candidate_whose_passages_share_few_words_is_flagged(tmp_path):
    # its label words are in few of its passages: the reader is sent to its quotes, not its keywords
    (tmp_path / "run.json").write_text("{}")
    pd.DataFrame({"interview_id": ["i1"], "turn_index": [0], "speaker": ["Jo"], "role": ["participant"],
                  "start": [0], "end": [24], "timestamp": [None],
                  "text": ["I don't know what to do."]}).to_parquet(tmp_path / "turns.parquet")
    quote = {"interview_id": "i1", "start": 0, "end": 24, "text": "I don't know what to do."}
    entries = [{"name": name, "status": "candidate", "evidence": {
                "topics": [k], "label": label, "keywords": label.split(", "), "size": 20, "interviews": 9,
                **({} if share is None else {"label_share": share}), "quotes": [quote]}}
               for k, (name, label, share) in enumerate([("candidate_01_few_shared_words", "sell, boss, lectures", 0.06),
                                                         ("candidate_02_drink_alcohol", "drink, alcohol, night", 0.82),
                                                         ("candidate_03_waiting_list", "waiting, list, months", None)])]
    (tmp_path / "candidates.yaml").write_text(yaml.safe_dump({"name": "c", "codes": entries}), encoding="utf-8")
    page = build_report(tmp_path)
    vague, clear, older = re.findall(r'<li class="candidate".*?</li>', page, re.DOTALL)
    assert "sell, boss, lectures (in 6% of its passages)" in vague and "share few words: read the quotes" in vague
    assert "drink, alcohol, night (in 82% of its passages)" in clear and "few words" not in clear
    assert "waiting, list, months</p>" in older and "of its passages" not in older  # written before shares were
    # on the topic map, each is told by its number: several such candidates were all "few_shared_words"
    from tr_nlp.report.sections import _map_point

    points = [_map_point({"name": name, "kind": "candidate", "x": 0, "y": 0, "size": 9}, {})
              for name in ("candidate_01_few_shared_words", "candidate_07_few_shared_words", "candidate_02_drink_alcohol",
                           "Family events")]
    assert [p.label for p in points] == ["01: few shared words", "07: few shared words", "drink_alcohol", "Family events"]


def test_the_agreement_table_gives_percent_agreement_with_its_interval(html):
    # a study reports percent agreement beside kappa; the report's table gave kappa, alpha and AC1 only
    table = re.search(r'<table class="data agreement">.*?</table>', html, re.DOTALL).group(0)
    assert '<th scope="col">Segments</th><th scope="col">Agree [95% CI]</th>' in table
    cells = re.findall(r'<td class="n">(\d+)% <span class="ci">\[(\d+)%, (\d+)%\]</span></td>', table)
    assert cells and all(int(lo) <= int(value) <= int(hi) for value, lo, hi in cells)
