"""Interviews written as Word documents, codings and suggestions as comments, and read back."""

import json
import random
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from conftest import DEMO, with_replies, without_examples, yaml_bomb
from tr_nlp.cli import app
from tr_nlp.export.annotate import write_word_folder
from tr_nlp.export.qdpx import MachineCoding, MachineLayer, suggestion_note
from tr_nlp.export.word import MarginNote, margin_notes, word_document, write_docx
from tr_nlp.ingest import load_corpus
from tr_nlp.ingest.docx import W, read_docx
from tr_nlp.ingest.text import read_text_file
from tr_nlp.schema import Coding
from tr_nlp.segment.segmenter import _trim as covered

TRANSCRIPT = """\
Interviewer: How was the ward?
Jo: Well. She rang me on her day off, you know, she rang me.
Jo: And the nurse, Kim, she sat with me.

Interviewer: Right.
Jo: She rang me again the week after.
"""


@pytest.fixture
def interview(tmp_path):
    path = tmp_path / "p01.txt"
    # Jo's role from the file itself: nothing in the text says Jo is the one interviewed
    path.write_text("---\nsite: Leeds\nspeakers:\n  Jo: other\n---\n" + TRANSCRIPT, encoding="utf-8")
    return read_text_file(path).interviews[0]


def _coding(interview, phrase, code, coder, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = interview.text.index(phrase, start + 1)
    return Coding(interview.id, start, start + len(phrase), code, coder)


def test_a_written_document_reads_back_as_the_interview_with_its_human_codings(interview, tmp_path):
    text = interview.text
    codings = [
        _coding(interview, "she rang me", "beyond_routine", "Anna", nth=0),
        _coding(interview, "she rang me", "continuity", "Ben", nth=0),  # the same passage, another coder
        _coding(interview, "rang me on her day off, you know, she rang me.\nJo: And the nurse", "beyond_routine",
                "Ben"),  # over two lines, overlapping the others
        _coding(interview, "Kim, she sat with me.", "warmth", "Anna"),
        _coding(interview, "She rang me again", "beyond_routine", "Anna"),
        Coding(interview.id, text.index("Right.") - 1, text.index("Right.") + 6, "warmth", "Ben"),  # from a line end
    ]
    suggested = MachineLayer("tr_nlp model m 1", (MachineCoding(interview.id, text.index("the nurse"),
                                                                text.index("the nurse") + 9, "warmth",
                                                                "warmth: p=0.91"),))
    path = write_docx(tmp_path / "out" / "p01.docx", interview, codings, [suggested])
    back = read_docx(path)
    again = back.interviews[0]
    assert (again.id, again.text, again.turns, dict(again.metadata)) == (
        interview.id, text, interview.turns, {"site": "Leeds"})
    assert interview.speakers["Jo"] == again.speakers["Jo"] == "other"
    # the line-end character the last coding started at is no text of a comment
    expected = {*codings[:5], Coding(interview.id, text.index("Right."), text.index("Right.") + 6, "warmth", "Ben")}
    corpus = load_corpus([path])
    assert set(corpus.codings) == expected
    assert any("1 coding(s) by tr_nlp's own machine users left out (tr_nlp model m 1: 1)" in w
               for f in corpus.files for w in f.warnings + corpus.warnings)
    with zipfile.ZipFile(path) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    assert 'w:author="tr_nlp model m 1"' in comments and "warmth: p=0.91" in comments
    # speakers' labels are bold, as in a Word transcript, and read back as the same speakers
    import docx

    paragraphs = docx.Document(str(path)).paragraphs
    assert [(r.text, r.bold) for r in paragraphs[1].runs[:2]] == [("Jo: ", True), ("Well. She ", None)]


def test_margin_notes_leave_line_breaks_at_the_ends_of_a_span_out(interview):
    blank = interview.text.index("\n\n")
    notes = margin_notes(interview, [Coding(interview.id, blank, blank + 2, "x", "A"),  # line breaks alone
                                     Coding(interview.id, blank - 6, blank + 2, "y", "A"),
                                     Coding("other", 0, 5, "z", "A")])  # another interview's
    assert notes == [MarginNote(blank - 6, blank, "y", "A")]


def test_long_metadata_and_control_characters_are_written(tmp_path):
    path = tmp_path / "long.txt"
    note = "a note a team wrote about this interview, " * 10  # more than Word's 255 in python-docx
    path.write_text(f"---\nnote: {note.strip()}\n---\nInterviewer: Hello\fthere.\nP: Hi.\n", encoding="utf-8")
    interview = read_text_file(path).interviews[0]
    back = read_docx(write_docx(tmp_path / "long.docx", interview)).interviews[0]
    assert back.metadata["note"] == note.strip()
    assert len(back.text) == len(interview.text) and "\f" not in back.text


def test_a_folder_names_each_document_by_its_interview(tmp_path, interview):
    other = read_text_file(_write(tmp_path / "p 02?.txt", "I: Hi.\nP: Hello there.\n")).interviews[0]
    assert write_word_folder(tmp_path / "word", [interview, other]) == {"p01": "written", "p 02?": "written"}
    assert sorted(p.name for p in (tmp_path / "word").iterdir()) == ["p01.docx", "p_02.docx"]
    assert sorted(iv.id for iv in load_corpus([tmp_path / "word"]).interviews) == ["p 02?", "p01"]


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_export_writes_a_folder_of_word_documents_that_reads_back_with_its_codings(tmp_path):
    out = tmp_path / "word"
    result = run("export", "--corpus", DEMO, "-o", out)
    assert result.exit_code == 0, result.output
    assert "18 interviews, 188 human codings as comments" in result.stdout and f"Word: {out}" in result.stdout
    assert f"codebook: {out / 'codebook.yaml'} (read with the documents)" in result.stdout
    demo = load_corpus([DEMO])
    back = load_corpus([out])  # the codebook is read from beside the documents
    assert [iv.text for iv in back.interviews] == [iv.text for iv in demo.interviews]
    assert [iv.speakers for iv in back.interviews] == [iv.speakers for iv in demo.interviews]
    assert set(back.codings) == set(demo.codings)
    assert back.codebook == demo.codebook
    # a folder holding files is not written into without --force
    again = run("export", "--corpus", DEMO, "-o", out)
    assert again.exit_code == 2 and "is not empty" in again.stderr and "--force" in again.stderr
    assert run("export", "--corpus", DEMO, "-o", out, "--force").exit_code == 0


GROUPED = """\
name: talk
codes:
  - name: change
    description: talk towards change
  - name: sustain
  - name: warmth
groups:
  talk: [change, sustain]
"""


def test_word_documents_read_back_with_their_codebook_s_groups_and_memos_stay_memos(tmp_path):
    source = tmp_path / "source"
    (source / "interviews").mkdir(parents=True)
    _write(source / "interviews" / "p1.txt", "I: And now?\nP: I want to stop, I do. But it helps me sleep.\n")
    text = load_corpus([source / "interviews" / "p1.txt"]).interviews[0].text
    rows = [(text.index("I want to stop"), len("I want to stop"), "change"),
            (text.index("it helps me sleep"), len("it helps me sleep"), "sustain")]
    _write(source / "codings.csv", "interview_id,start,end,code,coder\n"
           + "".join(f"p1,{start},{start + n},{code},Anna\n" for start, n, code in rows))
    _write(source / "codebook.yaml", GROUPED)
    _write(source / "corpus.yaml", "interviews: [interviews/]\ncodings: codings.csv\ncodebook: codebook.yaml\n")
    out = tmp_path / "word"
    assert run("export", "--corpus", source, "-o", out).exit_code == 0
    import docx

    document = docx.Document(str(out / "p1.docx"))  # a coder adds a code and a memo
    runs = [r for p in document.paragraphs for r in p.runs if "sleep" in r.text]
    document.add_comment(runs, text="warmth", author="Ben")
    document.add_comment(runs, text="ask", author="Ben")  # one word, but no code: a memo
    document.save(str(out / "p1.docx"))
    back = load_corpus([out])
    assert back.codebook == load_corpus([source]).codebook and back.codebook.groups == {"talk": ("change", "sustain")}
    assert sorted((c.code, c.coder) for c in back.codings) == [("change", "Anna"), ("sustain", "Anna"),
                                                                 ("warmth", "Ben")]
    assert any("1 comment line(s) name no code of the codebook" in w for w in back.warnings)


def test_the_codebook_is_not_written_over_a_team_s_own_files(tmp_path):
    from tr_nlp.codebook import codebook_from_dict
    from tr_nlp.export.folder import write_word_config

    book = codebook_from_dict(yaml.safe_load(GROUPED))
    assert write_word_config(tmp_path / "none", None) == (None, None)
    ours = tmp_path / "ours"
    ours.mkdir()
    assert write_word_config(ours, book) == (ours / "codebook.yaml", None)
    assert write_word_config(ours, replace(book, name="again")) == (ours / "codebook.yaml", None)  # its own: rewritten
    assert load_corpus([ours]).codebook.name == "again"
    named = tmp_path / "named"  # a team's corpus.yaml that names its codebook: that one is read
    named.mkdir()
    _write(named / "corpus.yaml", "codebook: team.yaml\n")
    assert write_word_config(named, book) == (None, None) and sorted(p.name for p in named.iterdir()) == ["corpus.yaml"]
    bare = tmp_path / "bare"
    bare.mkdir()
    _write(bare / "corpus.yaml", "name: team\n")
    assert f"{bare / 'corpus.yaml'} is not tr_nlp's and names no codebook" in write_word_config(bare, book)[1]
    _write(bare / "corpus.yaml", yaml_bomb())  # read safely, whatever it holds
    assert "is not tr_nlp's and names no codebook" in write_word_config(bare, book)[1]
    team = tmp_path / "team"
    team.mkdir()
    _write(team / "codebook.yaml", "codes: [x]\n")
    assert f"{team / 'codebook.yaml'} is not tr_nlp's" in write_word_config(team, book)[1]
    assert (team / "codebook.yaml").read_text(encoding="utf-8") == "codes: [x]\n"
    # the CLI says how to read such a folder back
    _write(team / "p1.txt", "I: Hi.\nP: Hello.\n")
    written = run("export", "--corpus", team / "p1.txt", "--codebook", DEMO / "codebook.yaml", "-o", team, "--force")
    assert written.exit_code == 0, written.output
    assert (team / "p1.docx").is_file()  # the transcript named, inside the output folder, is read: it was left out
    assert "is not tr_nlp's, so the codebook was not written" in written.stderr
    assert "read the documents back with --codebook" in written.stderr


def test_export_writes_one_docx_of_one_interview_and_refuses_several(tmp_path):
    one = run("export", "--corpus", DEMO / "interviews" / "demo01.txt", "-o", tmp_path / "demo01.docx")
    assert one.exit_code == 0, one.output
    assert read_docx(tmp_path / "demo01.docx").interviews[0].id == "demo01"
    many = run("export", "--corpus", DEMO, "-o", tmp_path / "all.docx")
    assert many.exit_code == 2 and "[E163]" in many.stderr and "a .docx holds one interview" in many.stderr
    assert f"-o {tmp_path / 'all'}" in many.stderr and not (tmp_path / "all.docx").exists()
    odd = run("export", "--corpus", DEMO, "-o", tmp_path / "x.zip")
    assert odd.exit_code == 2 and "or a folder (a name without extension)" in odd.stderr


def _team_document(path):
    """A Word transcript as a team keeps it: a title, bold labels, an italic word, a comment of Anna's."""
    import docx

    document = docx.Document()
    document.add_heading("Interview 12 (site B)", level=1)
    turns = [("Interviewer:", [(" How was the ward?", None)]),
             ("Jo:", [(" She rang me on her ", None), ("day off", True), (", you know. Nobody does that.", None)]),
             ("Interviewer:", [(" And the nurse?", None)]),
             ("Jo:", [(" Kim sat with me all night.", None)])]
    for label, parts in turns:
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        for words, italic in parts:
            paragraph.add_run(words).italic = italic
    fourth = document.paragraphs[-1]
    document.add_comment(fourth.runs[1], text="warmth", author="Anna")
    document.core_properties.comments = ""  # python-docx's template says it made the file; Word leaves it empty
    document.save(str(path))
    return path


def test_a_team_s_own_docx_gets_the_comments_and_keeps_everything_else(tmp_path):
    import docx

    source = _team_document(tmp_path / "p12.docx")
    text = load_corpus([source]).interviews[0].text
    codings = tmp_path / "ben.csv"
    start = text.index("rang me on her day off")
    codings.write_text(f"interview_id,start,end,code,coder\np12,{start},{start + 22},beyond_routine,Ben\n",
                       encoding="utf-8")
    suggestions = tmp_path / "s.csv"
    nurse = text.index("Kim sat")
    suggestions.write_text("interview_id,start,end,code,probability,above_threshold\n"
                           f"p12,{nurse},{nurse + 26},warmth,0.91,True\n", encoding="utf-8")
    out = tmp_path / "word"
    result = run("export", "--corpus", source, "--codings", codings, "--suggestions", suggestions, "-o", out)
    assert result.exit_code == 0, result.output
    assert "as comments; in a copy of its own .docx" in result.stdout
    written = docx.Document(str(out / "p12.docx"))
    assert written.paragraphs[0].text == "Interview 12 (site B)" and written.paragraphs[0].style.name == "Heading 1"
    runs = [(r.text, r.bold, r.italic) for r in written.paragraphs[2].runs if r.text]
    assert runs == [("Jo:", True, None), (" She ", None, None), ("rang me on her ", None, None),
                    ("day off", None, True), (", you know. Nobody does that.", None, None)]
    assert sorted((c.author, c.text) for c in written.comments) == [
        ("Anna", "warmth"), ("Ben", "beyond_routine"), ("tr_nlp suggestions (s.csv)", "warmth: p=0.91")]
    back = load_corpus([out])
    assert back.interviews[0].text == text
    assert sorted((c.coder, c.code, text[c.start:c.end]) for c in back.codings) == [
        ("Anna", "warmth", "Kim sat with me all night."), ("Ben", "beyond_routine", "rang me on her day off")]
    # pseudonymised, the team's document (with its names) is never copied: one is written afresh
    names = tmp_path / "names.txt"
    names.write_text("Kim\n", encoding="utf-8")
    hidden = run("export", "--corpus", source, "-o", tmp_path / "hidden", "--pseudonymise", "--names", names)
    assert hidden.exit_code == 0 and "own .docx" not in hidden.stdout
    assert "Kim" not in "\n".join(p.text for p in docx.Document(str(tmp_path / "hidden" / "p12.docx")).paragraphs)


def test_comments_cut_runs_of_several_parts_and_a_changed_document_is_left_alone(tmp_path):
    import docx
    from docx.oxml import parse_xml

    from tr_nlp.export.annotate import add_comments, annotate_docx
    from tr_nlp.schema import Interview

    document = docx.Document()
    paragraph = document.add_paragraph()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.append(parse_xml(f'<w:r {w}><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">P: My</w:t><w:tab/>'
                                  '<w:t>co-worker, the nurse.</w:t></w:r>'))
    interview = Interview("p1", "P: My\tco-worker, the nurse.")
    tab = interview.text.index("\t")
    assert add_comments(document, interview, [MarginNote(tab + 1, tab + 10, "warmth", "Ben"),
                                              MarginNote(3, tab + 1, "other", "Ben")]) == 2
    runs = [(r.text, r.italic) for r in document.paragraphs[0].runs if r.text]
    assert runs == [("P: ", True), ("My", True), ("\t", True), ("co-worker", True), (", the nurse.", True)]
    assert sorted(c.text for c in document.comments) == ["other", "warmth"]
    path = tmp_path / "p1.docx"
    document.save(str(path))
    assert read_docx(path).interviews[0].text == interview.text
    # a document edited since it was read (a passage rewritten) does not take comments meant for another text
    edited = Interview("p1", "I: Something else was said here, in another interview altogether.")
    assert annotate_docx(path, tmp_path / "out.docx", edited, [MarginNote(0, 5, "x", "A")]) is None
    assert not (tmp_path / "out.docx").exists()


def test_a_short_document_with_spaces_at_its_line_ends_takes_the_comments_itself(tmp_path):
    # the spaces that the stored text leaves out made a short document look edited since it was read (less than
    # 95% the same), so a new document was written in place of the team's own (a randomised round trip)
    import docx

    document = docx.Document()
    for line in ("I: Who? ", "P: Jo, mm. ", "I: Mm. "):
        document.add_paragraph(line)
    document.save(str(tmp_path / "p01.docx"))
    interview = read_docx(tmp_path / "p01.docx").interviews[0]
    at = interview.text.index("Jo")
    assert write_word_folder(tmp_path / "out", [interview], [Coding("p01", at, at + 2, "care", "Ben")]) == {
        "p01": "own document"}
    back = read_docx(tmp_path / "out" / "p01.docx")
    assert [(interview.text[c.start:c.end], c.code) for c in back.comment_codings] == [("Jo", "care")]


WORDS = ["the", "nurse", "stayed", "late", "Très", "naïve", "e\u0301", "Re\u00adnée", "ﬁ", "😀", "日本", "&", "<b>", "—",
         "'", '"', "yeah?", "...", "O'Neil", "um", "mm"]
CODES = ["care", "beyond routine", "Non-stigmatizing attitude", "Théme", "Attitude: warm", "Attitude: cold"]


def random_team_document(rng, path):
    """A .docx of labelled paragraphs whose runs are cut by formatting, tabs and line breaks,
    some of them commented by the team's coder Cleo."""
    import docx

    document = docx.Document()
    for k in range(rng.randint(2, 7)):
        paragraph = document.add_paragraph()
        if k % 2 == 0 or rng.random() < 0.8:
            paragraph.add_run(rng.choice(["Interviewer: ", "Participant: ", "I: ", "P: "])).bold = True
        for _ in range(rng.randint(1, 6)):
            run = paragraph.add_run(" ".join(rng.choices(WORDS, k=rng.randint(1, 5))) + rng.choice([" ", "", ", "]))
            shape = rng.random()
            if shape < 0.2:
                run.italic = True
            elif shape < 0.35:
                run.add_tab() if shape < 0.3 else run.add_break()
                run.add_text(rng.choice(WORDS))
            if run.text.strip() and rng.random() < 0.15:
                document.add_comment([run], text=rng.choice(CODES), author="Cleo", initials="C")
    document.save(str(path))


def test_comments_added_to_team_documents_of_any_shape_read_back_on_their_words(tmp_path):
    # each coding and suggestion written into a copy of a team's own document reads back on the same words (less
    # the spaces at its ends) and the team's own comments once; a randomised round trip like this one found
    # comments on decomposed accents and soft hyphens left out and short documents taken for edited ones
    rng = random.Random(5)
    model = "tr_nlp model m 1"
    for trial in range(40):
        source = tmp_path / "p07.docx"
        random_team_document(rng, source)
        read = read_docx(source)
        interview, text = read.interviews[0], read.interviews[0].text
        spans = [(a, rng.randint(a + 1, min(len(text), a + 80))) for a in rng.choices(range(len(text)), k=9)]
        codings = [Coding("p07", a, b, rng.choice(CODES), rng.choice(["Anna", "Ben"])) for a, b in spans[:5]]
        machine = [MachineCoding("p07", a, b, code, f"{code}: p=0.{rng.randint(10, 99)}")
                   for (a, b), code in zip(spans[5:], rng.choices(CODES, k=4), strict=True)]
        out = tmp_path / f"out{trial}"
        assert write_word_folder(out, [interview], codings, [MachineLayer(model, tuple(machine))]) == {
            "p07": "own document"}
        back = read_docx(out / "p07.docx")
        assert back.interviews[0].text == text
        # a comment covers its span less the spaces at its ends
        expected = {(*covered(text, c.start, c.end), c.code, c.coder) for c in codings}
        expected |= {(*covered(text, m.start, m.end), m.note, model) for m in machine}
        expected = {e for e in expected if e[0] < e[1]} | {(c.start, c.end, c.code, c.coder) for c in read.comment_codings}
        found = [(c.start, c.end, c.code, c.coder) for c in back.comment_codings]
        assert sorted(found) == sorted(expected), trial


def test_next_marks_its_passages_in_word_and_reads_them_back_as_read(demo_run, tmp_path):
    listed = run("next", "--corpus", DEMO, "--model", demo_run / "model", "-n", 3, "-o", tmp_path / "next.csv")
    assert listed.exit_code == 0, listed.output
    ranked = pd.read_csv(tmp_path / "next.csv")
    first = run("next", "--corpus", DEMO, "--model", demo_run / "model", "-n", 3, "-o", tmp_path / "round1")
    assert first.exit_code == 0, first.output
    assert "3 passages to code marked by 'tr_nlp next" in first.stdout and "code the marked passages in Word" in first.stderr
    back = load_corpus([tmp_path / "round1"])  # its codebook beside it
    assert back.codebook == load_corpus([DEMO]).codebook
    assert sorted((r.interview_id, r.start, r.end, r.coder) for r in back.reviewed) == sorted(
        (r.interview_id, r.start, r.end, None) for r in ranked.itertuples())
    assert set(back.codings) == set(load_corpus([DEMO]).codings)  # the marks are no codings
    shown = run("inspect", tmp_path / "round1", "--json")
    assert sum(r["read"] for r in json.loads(shown.stdout)["interviews"]) == 3
    # the next round proposes other passages, and keeps the earlier marks once
    second = run("next", "--corpus", tmp_path / "round1", "--model", demo_run / "model", "-n", 3,
                 "-o", tmp_path / "round2")
    assert second.exit_code == 0, second.output
    assert "3 read before" in second.stdout
    again = load_corpus([tmp_path / "round2"])
    assert again.codebook == back.codebook  # passed on from round1's folder
    assert len(again.reviewed) == len(set(again.reviewed)) == 6
    refused = run("next", "--corpus", DEMO, "--model", demo_run / "model", "-n", 3, "-o", tmp_path / "round1")
    assert refused.exit_code == 2 and "--force" in refused.stderr


def test_a_coder_takes_or_leaves_suggestions_by_replying_to_them_in_word(demo_run, tmp_path):
    import re
    import shutil

    review = tmp_path / "review"
    review.mkdir()
    path = shutil.copy(demo_run / "word" / "demo15.docx", review / "demo15.docx")
    with zipfile.ZipFile(path) as archive:
        comments = archive.read("word/comments.xml").decode()
    found = re.findall(r'<w:comment w:id="(\d+)" w:author="(tr_nlp model [^"]+)"[^>]*>.*?<w:t[^>]*>([^<]+)</w:t>',
                       comments, flags=re.DOTALL)
    hints = [h for h in found if [x[2] for x in found].count(h[2]) == 1]  # told apart by what they say
    assert len(hints) >= 3, comments[:500]
    with_replies(path, [(hints[0][0], "Yes", "Anna"), (hints[1][0], "No.", "Anna"),
                        (hints[2][0], "beyond routine", "Anna")])
    book = DEMO / "codebook.yaml"
    back = load_corpus([review], codebook=book)
    suggested = load_corpus([demo_run / "word"], codebook=book)
    assert not [c for c in suggested.codings if c.interview_id == "demo15"]  # the model's comments are no coding
    placed = read_docx(demo_run / "word" / "demo15.docx").comment_codings
    passage = {c.code: (c.start, c.end) for c in placed}
    first, third = passage[hints[0][2]], passage[hints[2][2]]
    assert sorted((c.start, c.end, c.code, c.coder) for c in back.codings if c.interview_id == "demo15") == sorted([
        (*first, hints[0][2].split(":")[0], "Anna"), (*third, "beyond_routine", "Anna")])
    answered = {passage[h[2]] for h in hints[:3]}
    assert {(r.start, r.end) for r in back.reviewed if r.coder == "Anna"} == answered  # Anna read these only
    shown = run("inspect", review, "--json")
    assert [r["read"] for r in json.loads(shown.stdout)["interviews"]] == [len(answered)]
    # exported again (a copy of the reviewed document), the codings her replies made are not added twice
    again = run("export", "--corpus", review, "--codebook", book, "-o", tmp_path / "again")
    assert again.exit_code == 0, again.output
    with zipfile.ZipFile(tmp_path / "again" / "demo15.docx") as archive:
        assert archive.read("word/comments.xml").decode().count('w:author="Anna"') == 3
    assert set(load_corpus([tmp_path / "again"], codebook=book).codings) == set(back.codings)


def test_code_writes_its_suggestions_into_word_documents_or_a_project(demo_run, tmp_path):
    from tr_nlp.ingest.qdpx import read_qdpx

    new = sorted((DEMO / "interviews").glob("demo1[5-8].*"))
    table = run("code", *new, "--model", demo_run / "model", "-o", tmp_path / "s.csv")
    assert table.exit_code == 0, table.output
    above = pd.read_csv(tmp_path / "s.csv").query("above_threshold")
    word = run("code", *new, "--model", demo_run / "model", "-o", tmp_path / "review")
    assert word.exit_code == 0, word.output
    assert (f"4 Word document(s), 0 codings and {len(above)} suggestions by 'tr_nlp model" in word.stdout
            and "1 in a copy of their own .docx, the rest written afresh" in word.stdout and "reply 'yes' or 'no'" in word.stderr)
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == [
        "codebook.yaml", "corpus.yaml", *(f"demo{k}.docx" for k in range(15, 19))]
    # the model's codebook beside them, as these interviews came with none: they read back with it
    assert load_corpus([tmp_path / "review"]).codebook == without_examples(load_corpus([DEMO]).codebook)
    held = [c for p in sorted((tmp_path / "review").glob("*.docx")) for c in read_docx(p).comment_codings]
    assert sorted((c.interview_id, c.code) for c in held) == sorted(
        (r.interview_id, suggestion_note(r.code, r.probability, r.evidence)) for r in above.itertuples())
    # coded again, the documents (now copies of themselves) hold each suggestion once
    again = run("code", tmp_path / "review", "--model", demo_run / "model", "-o", tmp_path / "review2")
    assert again.exit_code == 0 and "; all 4 in a copy of their own .docx" in again.stdout, again.output
    for name in ("review", "review2"):
        with zipfile.ZipFile(tmp_path / name / "demo16.docx") as archive:  # the comments as written, not as read
            comments = archive.read("word/comments.xml").decode()
        assert comments.count('w:author="tr_nlp model') == len(above.query("interview_id == 'demo16'"))
    # into a project: the one given, as it is, this model's earlier suggestions replaced
    project = run("code", demo_run / "project.qdpx", "--model", demo_run / "model", "-o", tmp_path / "p.qdpx")
    assert project.exit_code == 0, project.output
    assert "as it is, with" in project.stdout and "(replacing 50)" in project.stdout
    back = read_qdpx(tmp_path / "p.qdpx")
    assert set(back.codings) == set(read_qdpx(demo_run / "project.qdpx").codings)  # the coders' own, kept
    refused = run("code", *new, "--model", demo_run / "model", "-o", tmp_path / "review")
    assert refused.exit_code == 2 and "--force" in refused.stderr


@pytest.mark.parametrize("command", ["code", "next"])
def test_one_word_document_of_several_interviews_is_refused_before_any_work(demo_run, tmp_path, monkeypatch,
                                                                         command):
    # `code -o x.docx` over four interviews computed every suggestion, then refused to write them
    import tr_nlp.coding

    def computed(*args, **kwargs):
        raise AssertionError("the work was done before the output was refused")

    monkeypatch.setattr(tr_nlp.coding, "suggest" if command == "code" else "rank_next", computed)
    new = [str(p) for p in sorted((DEMO / "interviews").glob("demo1[5-8].*"))]
    args = [*new] if command == "code" else ["--corpus", *new]
    refused = run(command, *args, "--model", demo_run / "model", "-o", tmp_path / "all.docx")
    assert refused.exit_code == 2 and "a .docx holds one interview, and the corpus has 4" in refused.stderr
    assert not (tmp_path / "all.docx").exists()


def test_a_copy_of_a_team_s_document_keeps_its_interview_s_id_and_roles(tmp_path):
    import docx

    source = _team_document(tmp_path / "p12 final.docx")
    result = run("export", "--corpus", source, "--speaker-role", "Jo=other", "-o", tmp_path / "out")
    assert result.exit_code == 0 and "as comments; in a copy of its own .docx" in result.stdout, result.output
    original = load_corpus([source]).interviews[0]
    back = load_corpus([tmp_path / "out" / "p12_final.docx"]).interviews[0]
    assert (back.id, back.speakers["Jo"], dict(back.metadata)) == ("p12 final", "other", dict(original.metadata))
    # a team's own words in the property are left as they are
    document = docx.Document(str(source))
    document.core_properties.comments = "Transcribed by AB, checked by CD."
    document.save(str(source))
    assert run("export", "--corpus", source, "-o", tmp_path / "out2").exit_code == 0
    assert docx.Document(str(tmp_path / "out2" / "p12_final.docx")).core_properties.comments == (
        "Transcribed by AB, checked by CD.")


def test_a_subtitled_interview_written_afresh_keeps_its_times(tmp_path):
    from tr_nlp.ingest import read_file

    subtitled = read_file(DEMO / "interviews" / "demo03.vtt").interviews[0]
    back = read_docx(write_docx(tmp_path / "demo03.docx", subtitled)).interviews[0]
    assert back.text == subtitled.text and "times" not in back.metadata
    assert [back.time_at(t.start) for t in back.turns] == [subtitled.time_at(t.start) for t in subtitled.turns]
    assert back.known_times and back.known_times == subtitled.known_times


def test_a_transcript_written_afresh_keeps_its_line_numbers(tmp_path):
    # a numbered transcript's Word copy numbered its lines as Word's paragraphs, not as the printout a team cites
    numbered = tmp_path / "p3.txt"
    numbered.write_text("".join(f"{n + 100}  {'IP'[n % 2]}: Line {n + 100}, said.\n" for n in range(8)))
    interview = load_corpus([numbered]).interviews[0]
    back = read_docx(write_docx(tmp_path / "p3.docx", interview)).interviews[0]
    assert back.text == interview.text and "lines" not in back.metadata
    assert [back.line_at(t.start) for t in back.turns] == list(range(100, 108))



def test_comments_placed_anywhere_in_the_demo_s_own_documents_read_back_on_their_words(tmp_path):
    # random passages (inside words, over paragraphs) of the demo's Word transcripts, placed as
    # comments in copies of them: each reads back on its words, less the spaces at its ends,
    # which the reader trims from every comment
    import random

    from tr_nlp.export.annotate import annotate_docx

    rng = random.Random(3)
    for source in sorted((DEMO / "interviews").glob("*.docx")):
        interview = read_docx(source).interviews[0]
        text, notes = interview.text, []
        for k in range(60):
            start = rng.randrange(len(text) - 1)
            end = min(len(text), start + rng.randrange(1, 200))
            if text[start:end].strip():
                notes.append(MarginNote(start, end, f"n{k}", "A"))
        assert annotate_docx(source, tmp_path / source.name, interview, notes) == len(notes)
        back = read_docx(tmp_path / source.name)
        assert back.interviews[0].text == text
        found = {c.code: text[c.start:c.end] for c in back.comment_codings}
        assert found == {n.text: text[n.start:n.end].strip() for n in notes}, source.name


def test_word_documents_written_are_freed_at_once(interview, tmp_path, no_automatic_collection):
    # python-docx's objects refer to each other in cycles, so a document's XML (lxml's own
    # memory) was freed only by a full garbage collection, which a process holding a model
    # runs rarely: a batch writing Word documents grew by about 100 KB a document
    import gc

    import docx.package

    from tr_nlp.export.annotate import annotate_docx, write_word

    def documents() -> int:
        # by type, not isinstance: that asks some of the objects gathered (torch's) for their class
        return sum(type(o) is docx.package.Package for o in gc.get_objects())

    source = DEMO / "interviews" / "demo02.docx"
    team = read_docx(source).interviews[0]
    before = documents()
    write_docx(tmp_path / "new.docx", interview)
    assert annotate_docx(source, tmp_path / "copy.docx", team, [MarginNote(0, 5, "x", "A")]) == 1
    assert write_word(tmp_path / "own.docx", team) == "own document"  # reads it as well
    assert documents() == before
    assert gc.get_freeze_count() == 0


def test_comments_are_numbered_on_from_a_document_s_own_without_reading_every_id_each_time(
        interview, tmp_path, monkeypatch):
    # python-docx read the id of every comment in the document for each comment it added:
    # a document's comments cost the square of their number (4,000 took 17 s)
    import docx
    from docx.oxml.comments import CT_Comments

    from tr_nlp.export.annotate import add_comments

    notes = [MarginNote(interview.text.index(p), interview.text.index(p) + len(p), f"n{k}", "A")
             for k, p in enumerate(["She rang me", "Kim", "Right."])]
    team = docx.Document(str(write_docx(tmp_path / "team.docx", interview, [], [])))
    team.add_comment(team.paragraphs[1].runs[-1], text="the team's own", author="Ben")
    team.comments._comments_elm[-1].set(f"{W}id", "7")  # a team's ids need not start at 0
    team.save(str(tmp_path / "team.docx"))

    def read_every_id(self):
        raise AssertionError("python-docx read every comment's id again")

    monkeypatch.setattr(CT_Comments, "_next_available_comment_id", read_every_id)
    document = docx.Document(str(tmp_path / "team.docx"))
    assert add_comments(document, interview, notes) == 3
    assert [(c.comment_id, c.text) for c in document.comments] == [(7, "the team's own"), (8, "n0"), (9, "n1"),
                                                                     (10, "n2")]
    assert "_next_available_comment_id" not in vars(document.comments._comments_elm)  # answered for these only
    path = write_docx(tmp_path / "new.docx", interview, [], [])  # and a document written afresh
    with zipfile.ZipFile(path) as archive:  # without comments, no comments part
        assert "word/comments.xml" not in archive.namelist()
    fresh = word_document(interview, notes)
    assert [(c.comment_id, c.text) for c in fresh.comments] == [(0, "n0"), (1, "n1"), (2, "n2")]


@pytest.mark.parametrize("odd", ["\u00b2", "9" * 5000, "x"])
def test_comments_are_numbered_on_past_a_team_s_ids_that_are_no_number(interview, tmp_path, odd):
    # a comment id of a superscript digit or of 5,000 digits stopped the export with ValueError
    import docx

    from tr_nlp.export.annotate import add_comments

    team = docx.Document(str(write_docx(tmp_path / "team.docx", interview, [], [])))
    team.add_comment(team.paragraphs[1].runs[-1], text="the team's own", author="Ben")
    team.comments._comments_elm[-1].set(f"{W}id", "4")
    team.add_comment(team.paragraphs[1].runs[-1], text="odd", author="Ben")
    team.comments._comments_elm[-1].set(f"{W}id", odd)
    start = interview.text.index("Kim")
    assert add_comments(team, interview, [MarginNote(start, start + 3, "n0", "A")]) == 1
    assert [c.get(f"{W}id") for c in team.comments._comments_elm] == ["4", odd, "5"]


def test_a_comment_on_words_that_overlap_the_same_words_before_reads_back_on_them(tmp_path):
    # "e the" stands twice in "naive the the", the places overlapping: the reader looked only
    # for places after the end of the one before, and put the comment on the first
    text = "I: And then?\nP: Naive the the, she said."
    (tmp_path / "p1.txt").write_text(text, encoding="utf-8")
    interview = read_text_file(tmp_path / "p1.txt").interviews[0]
    last = text.index("the the") + 2
    codings = [Coding(interview.id, last, last + 5, "care", "Anna"),
               Coding(interview.id, last - 4, last + 1, "trust", "Anna")]
    back = read_docx(write_docx(tmp_path / "p1.docx", interview, codings))
    assert sorted((c.start, c.end, c.code) for c in back.comment_codings) == [(last - 4, last + 1, "trust"),
                                                                               (last, last + 5, "care")]
    assert {interview.text[c.start:c.end] for c in back.comment_codings} == {"e the"}


@pytest.mark.parametrize("name", ["demo01.odt", "demo01.docx", "demo01.fodt"])
def test_a_document_libreoffice_saved_reads_back_as_tr_nlp_wrote_it(name):
    # a team working in LibreOffice opens tr_nlp's documents and saves them, as .odt or again as
    # .docx, or as a flat .fodt (one XML file: it was passed over in a folder, and refused as a
    # transcript): data/libreoffice holds demo01 as LibreOffice Writer saved it (make_fixtures.py there)
    from pathlib import Path

    demo = load_corpus([DEMO])
    expected = demo.by_id()["demo01"]
    corpus = load_corpus([Path(__file__).parent / "data" / "libreoffice" / name], codebook=DEMO / "codebook.yaml")
    (interview,) = corpus.interviews
    assert (interview.id, interview.text, interview.speakers) == ("demo01", expected.text, expected.speakers)

    def key(c):
        return c.start, c.end, c.code, c.coder

    assert sorted(map(key, corpus.codings)) == sorted(key(c) for c in demo.codings if c.interview_id == "demo01")
    assert not corpus.failures


def test_a_speaker_renamed_in_an_exported_document_is_warned_of(tmp_path):
    # the document's properties keep each speaker's role; a label a coder changed in Word got a guessed role, unsaid
    import docx

    assert run("export", "--corpus", DEMO / "interviews" / "demo01.txt", "-o", tmp_path / "demo01.docx").exit_code == 0
    document = docx.Document(tmp_path / "demo01.docx")
    for paragraph in document.paragraphs:
        for text_run in paragraph.runs:
            text_run.text = text_run.text.replace("Participant:", "Ann:")
    document.save(tmp_path / "demo01.docx")
    (interview,) = (result := read_docx(tmp_path / "demo01.docx")).interviews
    assert set(interview.speakers) == {"Interviewer", "Ann"}
    assert ("its document properties gives 'participant' a role, but no speaker of demo01 has that name; its "
            "speakers: 'Ann', 'Interviewer'") in result.warnings
