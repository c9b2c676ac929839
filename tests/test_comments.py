"""Coding kept as comments in Word documents (margin coding) read as codings."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import with_replies
from tr_nlp.cli import app
from tr_nlp.ingest import load_corpus, read_file
from tr_nlp.ingest.comments import codes_from_comments
from tr_nlp.ingest.encoding import normalise_text
from tr_nlp.schema import Code, Codebook, Coding

BOOK = Codebook((Code("non_stigmatizing_attitude"), Code("beyond_routine"), Code("continuity")))
STIGMA = "she never looked at me like I was my diagnosis"
DAY_OFF = "she rang me on her day off"


def margin_coded(path: Path, comments: list[tuple[int, str, str, str]], paragraphs: list[list[str]] | None = None,
                 ) -> Path:
    """A .docx of ``paragraphs`` (each a list of run texts) with ``comments``: (paragraph
    index, the text of the run commented, comment text, author)."""
    import docx

    document = docx.Document()
    paragraphs = paragraphs or [
        ["Interviewer: Who helped you most, looking back?"],
        ["Participant: Um, the nurse, Jo. Because ", STIGMA, ", you know? And once ", DAY_OFF, "."],
        ["Interviewer: Mm."],
        ["Participant: And the ward, well. ", STIGMA, ", that's what I wanted from them."],
    ]
    runs = [[paragraph.add_run(text) for text in texts] for paragraph, texts in
            ((document.add_paragraph(), texts) for texts in paragraphs)]
    for index, run_text, note, author in comments:
        run = next(r for r in runs[index] if r.text == run_text)
        document.add_comment([run], text=note, author=author, initials=author[:1])
    document.save(str(path))
    return path


def test_comments_naming_codes_become_the_authors_codings_where_they_stand(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [
        (3, STIGMA, "Non-stigmatizing attitude", "Anna Smith"),  # the second time the phrase is said
        (1, DAY_OFF, "Beyond routine; continuity", "Ben"),
        (1, STIGMA, "check with P whether this was the same nurse", "Ben"),
    ])
    result = read_file(path)
    text = result.interviews[0].text
    second = text.index(STIGMA, text.index(STIGMA) + 1)
    day_off = text.index(DAY_OFF)
    assert result.comment_codings == [
        Coding("p01", second, second + len(STIGMA), "Non-stigmatizing attitude", "Anna Smith"),
        Coding("p01", day_off, day_off + len(DAY_OFF), "Beyond routine", "Ben"),
        Coding("p01", day_off, day_off + len(DAY_OFF), "continuity", "Ben"),
        Coding("p01", text.index(STIGMA), text.index(STIGMA) + len(STIGMA),
               "check with P whether this was the same nurse", "Ben"),
    ]
    assert result.codings == []  # only the corpus, which knows the codebook, tells codes from memos
    kept, notes = codes_from_comments(result.comment_codings, BOOK)
    assert [(c.code, c.coder) for c in kept] == [
        ("non_stigmatizing_attitude", "Anna Smith"), ("beyond_routine", "Ben"), ("continuity", "Ben")]
    assert notes == ["3 coding(s) read from comments, codes columns or code tiers (Anna Smith: 1, Ben: 2)",
                     ("1 comment line(s) name no code of the codebook and were left out as memos "
                      "(e.g. 'check with P whether this was the same nurse')")]


@pytest.mark.parametrize("written", ["Rene\u0301e said cafe\u0301", "Re\u00adne\u0301e said", "Ren\u200bée said"])
def test_a_comment_on_words_that_normalisation_changes_still_codes_them(tmp_path, written):
    # the passage of a comment holding a decomposed accent (e + combining acute), a soft hyphen or a zero-width
    # space was looked for as written in the stored text, which holds none of them, and the comment was
    # left out (found by a randomised round trip of Word copies with comments added)
    path = margin_coded(tmp_path / "p01.docx", [(1, written, "Beyond routine", "Ben")],
                        [["Interviewer: Who?"], ["Participant: Um, ", written, ", you know."]])
    result = read_file(path)
    [coding] = result.comment_codings
    assert result.interviews[0].text[coding.start:coding.end] == normalise_text(written)
    assert (coding.code, coding.coder) == ("Beyond routine", "Ben") and result.warnings == []


def test_a_comment_counts_the_earlier_places_of_its_words_as_the_stored_text_has_them(tmp_path):
    # a soft hyphen in an earlier "Renée" hid that place from the count, so the comment on the third landed on
    # the second
    path = margin_coded(tmp_path / "p01.docx", [(2, "Renée", "care", "Ben")],
                        [["P: Re\u00adnée came."], ["P: Renée came."], ["P: ", "Renée", " came."]])
    result = read_file(path)
    text = result.interviews[0].text
    assert [(c.start, c.end) for c in result.comment_codings] == [(text.rindex("Renée"), text.rindex("Renée") + 5)]


def test_a_code_with_a_memo_after_it_on_one_line_is_that_code():
    codings = [Coding("p", 0, 4, note, "A") for note in (
        "Beyond routine: she came in on her day off", "beyond routine - went out of her way",
        "Non-stigmatizing attitude \u2013 never judged", "beyond-routine", "Routine: what the ward always did",
        "Beyond routine:no space", "check: beyond routine")]
    kept, notes = codes_from_comments(codings, BOOK)
    assert [c.code for c in kept] == ["beyond_routine", "beyond_routine", "non_stigmatizing_attitude",
                                      "beyond_routine"]
    assert notes[1].startswith("3 comment line(s) name no code of the codebook")
    kept, _ = codes_from_comments(codings[:1], None)  # without a codebook a long line stays a memo
    assert kept == []


def test_without_a_codebook_short_comments_are_codes_as_written_and_long_ones_memos():
    codings = [Coding("p", 0, 4, "Warmth", "A"), Coding("p", 0, 4, "Support\\Warmth", "A"),
               Coding("p", 0, 4, "she goes well beyond what the job asks of her", "A"),
               Coding("p", 0, 4, "why?", "A")]
    kept, notes = codes_from_comments(codings, None)
    assert [c.code for c in kept] == ["Warmth"]
    assert "each comment's text taken as its code (Warmth); pass --codebook" in notes[0]
    assert notes[1].startswith("3 comment line(s) are longer than 5 words or no valid code name")
    kept, _ = codes_from_comments(codings, Codebook((Code("warmth"),)))
    assert [c.code for c in kept] == ["warmth", "warmth"]  # a path names the code of its last name


def test_a_reply_to_a_comment_is_no_coding(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [(1, DAY_OFF, "Beyond routine", "Anna")])
    with_replies(path, [("0", "Beyond routine", "Ben")])  # "I agree", in the words of the code itself
    result = read_file(path)
    assert [(c.code, c.coder) for c in result.comment_codings] == [("Beyond routine", "Anna")]
    assert "1 repl(ies) to coders' comments left out: a reply to a coder is discussion, not coding" in result.warnings


MODEL = "tr_nlp model study 1"


def test_replies_to_suggestions_accept_reject_or_name_codes(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [
        (1, DAY_OFF, "beyond_routine: p=0.81 (evidence: day, off, came)", MODEL),  # as tr_nlp writes them
        (1, STIGMA, "non_stigmatizing_attitude: p=0.66", MODEL),
        (3, STIGMA, "continuity: p=0.55", MODEL),
        (3, ", that's what I wanted from them.", "candidate wanting: similarity 0.61", "tr_nlp topic discovery"),
    ])
    with_replies(path, [
        ("0", "Yes, she went out of her way", "Anna"),  # yes, with a memo
        ("1", "no", "Ben"),
        ("2", "No - Non-stigmatizing attitude", "Anna"),  # not that code: another one
        ("3", "\N{THUMBS UP SIGN}", "Anna"),  # a candidate code taken up
        ("0", "ok", "tr_nlp model other 2"),  # a machine never answers for a coder
    ])
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    text = corpus.interviews[0].text
    day_off, first = text.index(DAY_OFF), text.index(STIGMA)
    second = text.index(STIGMA, first + 1)
    assert sorted((c.start, c.code, c.coder) for c in corpus.codings) == [
        (day_off, "beyond_routine", "Anna"), (second, "non_stigmatizing_attitude", "Anna")]
    # neither coder left a comment of their own: each read the passages they answered, not the whole interview
    wanted = text.index(", that's what I wanted from them.")
    assert sorted((r.start, r.coder) for r in corpus.reviewed) == sorted([
        (day_off, "Anna"), (first, "Ben"), (second, "Anna"), (wanted, "Anna")])
    read = "\n".join(corpus.files[0].warnings)
    assert "4 repl(ies) to tr_nlp's comments read (no: 2, yes: 2)" in read
    assert "counts as having read the passages they answered" in read
    # the memo after a yes is left out as memos are, and so is a candidate code the codebook lacks
    assert ("2 comment line(s) name no code of the codebook and were left out as memos "
            "(e.g. 'she went out of her way', 'wanting')") in corpus.warnings
    without_book = load_corpus([path])
    assert ("wanting", "Anna") in {(c.code, c.coder) for c in without_book.codings}


def test_a_reply_that_first_mentions_a_person_answers_after_the_name(tmp_path):
    # Word writes "@Ben Smith" as a link before the reply's words: "@Ben Smith yes" was read as a memo
    def mention(name):  # as Word writes a mention: a hyperlink run styled Mention, then the words
        return (f'</w:t></w:r><w:hyperlink w:history="1"><w:r><w:rPr><w:rStyle w:val="Mention"/></w:rPr>'
                f'<w:t>@{name}</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve">')
    path = margin_coded(tmp_path / "p01.docx", [(1, DAY_OFF, "beyond_routine: p=0.81", MODEL),
                                                (3, STIGMA, "non_stigmatizing_attitude: p=0.66", MODEL)])
    with_replies(path, [("0", f"{mention('Ben Smith')} yes, agreed", "Anna"), ("1", f"{mention('Anna')} No", "Ben")])
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    assert [(c.code, c.coder) for c in corpus.codings] == [("beyond_routine", "Anna")]
    assert "2 repl(ies) to tr_nlp's comments read (no: 1, yes: 1)" in "\n".join(corpus.files[0].warnings)
    assert sorted(r.coder for r in corpus.reviewed) == ["Anna", "Ben"]


def test_a_yes_or_no_on_a_suggestion_s_own_passage_answers_it_where_a_document_keeps_no_threads(tmp_path):
    # Google Docs writes a reply as a comment of its own on the passage of the comment it answers
    path = margin_coded(tmp_path / "p01.docx", [
        (1, DAY_OFF, "beyond_routine: p=0.81", MODEL), (1, DAY_OFF, "Yes", "Anna"),
        (3, STIGMA, "non_stigmatizing_attitude: p=0.66", MODEL), (3, STIGMA, "nope", "Anna"),
        (1, STIGMA, "Yes", "Anna"),  # on a passage tr_nlp did not comment: a memo
    ])
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    text = corpus.interviews[0].text
    assert [(c.start, c.code, c.coder) for c in corpus.codings] == [(text.index(DAY_OFF), "beyond_routine", "Anna")]
    assert corpus.reviewed == []  # her own comment (the memo) makes the interview hers, coded whole
    assert "2 repl(ies) to tr_nlp's comments read (no: 1, yes: 1)" in corpus.files[0].warnings
    assert any("'Yes'" in w for w in corpus.warnings)


def test_a_reviewed_copy_beside_its_transcript_adds_the_answers_and_counts_no_mark_as_a_coding(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    margin_coded(tmp_path / "a" / "p01.docx", [])
    reviewed = margin_coded(tmp_path / "b" / "p01.docx", [(1, DAY_OFF, "beyond_routine: p=0.81", MODEL),
                                                          (1, STIGMA, "non_stigmatizing_attitude: p=0.7", MODEL)])
    with_replies(reviewed, [("0", "no", "Anna"), ("1", "yes", "Anna")])
    corpus = load_corpus([tmp_path / "a", tmp_path / "b"], codebook=_codebook_file(tmp_path))
    assert len(corpus.interviews) == 1 and [c.code for c in corpus.codings] == ["non_stigmatizing_attitude"]
    assert len(corpus.reviewed) == 2
    merged = next(w for w in corpus.warnings if "read before from another file" in w)
    assert "(added from them: Anna: 1, tr_nlp model study 1: 2)" in merged  # her two marks are no codings


def test_a_thread_entry_naming_no_paragraph_makes_no_comment_a_reply(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [(1, DAY_OFF, "Beyond routine", "Anna"),
                                                (3, STIGMA, "Non-stigmatizing attitude", "Ben")])
    with_replies(path, [("0", "Beyond routine", "Ben")])  # Ben's own comment keeps no paragraph id
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    files["word/commentsExtended.xml"] = files["word/commentsExtended.xml"].replace(  # a damaged entry
        b"<w15:commentEx ", b'<w15:commentEx w15:paraIdParent="00100000"/><w15:commentEx ', 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    assert [(c.code, c.coder) for c in read_file(path).comment_codings] == [
        ("Beyond routine", "Anna"), ("Non-stigmatizing attitude", "Ben")]


def test_a_reply_naming_codes_to_a_passage_next_marked_codes_it_and_none_leaves_it_read(tmp_path):
    mark = "tr_nlp: read for coding (#{}: unsure about beyond_routine (p=0.5{}))"
    path = margin_coded(tmp_path / "p01.docx", [(1, DAY_OFF, mark.format(1, 1), "tr_nlp next 2026-12-03 09:00"),
                                                (3, STIGMA, mark.format(2, 2), "tr_nlp next 2026-12-03 09:00")])
    with_replies(path, [("0", "Beyond routine; Non-stigmatizing attitude", "Anna"), ("1", "None", "Anna")])
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    text = corpus.interviews[0].text
    day_off, second = text.index(DAY_OFF), text.index(STIGMA, text.index(STIGMA) + 1)
    assert sorted((c.start, c.code, c.coder) for c in corpus.codings) == [
        (day_off, "beyond_routine", "Anna"), (day_off, "non_stigmatizing_attitude", "Anna")]
    assert sorted((r.start, r.coder or "") for r in corpus.reviewed) == [
        (day_off, ""), (day_off, "Anna"), (second, ""), (second, "Anna")]  # read by all (next's mark), and by Anna


def test_a_replier_who_coded_the_interview_reads_no_marks_and_resolving_is_no_answer(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [
        (1, DAY_OFF, "beyond_routine: p=0.81 (evidence: day, off, came)", MODEL),  # as tr_nlp writes them
        (1, STIGMA, "non_stigmatizing_attitude: p=0.66", MODEL),
        (3, STIGMA, "Non-stigmatizing attitude", "Anna"),  # Anna codes the whole interview herself
    ])
    with_replies(path, [("0", "Non-stigmatizing attitude", "Anna"), ("900", "yes", "Anna")], resolved=["1"])
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    text = corpus.interviews[0].text
    day_off = text.index(DAY_OFF)
    # a reply to a reply answers the thread's first comment: the suggestion
    assert sorted((c.start, c.code) for c in corpus.codings if c.start == day_off) == [
        (day_off, "beyond_routine"), (day_off, "non_stigmatizing_attitude")]
    assert corpus.reviewed == []  # her interview is coded whole, as any coder's with a coding in it
    assert any("1 of tr_nlp's comments marked resolved with no reply left out" in w for w in corpus.files[0].warnings)


def test_a_comment_on_deleted_text_is_counted_not_placed(tmp_path):
    path = margin_coded(tmp_path / "p01.docx", [(1, DAY_OFF, "Beyond routine", "Anna")])
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    document = files["word/document.xml"].decode()
    # the commented run deleted with tracked changes
    document = re.sub(rf"(<w:r>\s*<w:t>{DAY_OFF}</w:t>\s*</w:r>)",
                      lambda m: '<w:del w:id="7" w:author="Anna">' + m.group(1).replace("w:t>", "w:delText>")
                      + "</w:del>", document)
    files["word/document.xml"] = document.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    result = read_file(path)
    assert DAY_OFF not in result.interviews[0].text and result.comment_codings == []
    assert "1 comment(s) or codes cell(s) cover no passage of the transcript's text and were left out" in result.warnings


def test_a_folder_of_margin_coded_documents_trains_on_both_coders(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    margin_coded(folder / "p01.docx", [(1, STIGMA, "Non-stigmatizing attitude", "Anna"),
                                       (1, STIGMA, "non stigmatizing attitude", "Ben")])
    margin_coded(folder / "p02.docx", [(1, DAY_OFF, "beyond routine", "Anna")],
                 [["Interviewer: And the second time?"], ["Participant: Well, ", DAY_OFF, "."]])
    corpus = load_corpus([folder], codebook=_codebook_file(tmp_path))
    assert sorted((c.interview_id, c.code, c.coder) for c in corpus.codings) == [
        ("p01", "non_stigmatizing_attitude", "Anna"), ("p01", "non_stigmatizing_attitude", "Ben"),
        ("p02", "beyond_routine", "Anna")]
    out = tmp_path / "segments.csv"
    result = CliRunner().invoke(app, ["segment", str(folder), "--codebook", str(_codebook_file(tmp_path)),
                                      "--unit", "turn", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 coding(s) read from comments, codes columns or code tiers (Anna: 2, Ben: 1)" in result.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert frame.groupby("interview_id")["codes"].apply(lambda s: ";".join(x for x in s if x)).to_dict() == {
        "p01": "non_stigmatizing_attitude", "p02": "beyond_routine"}


def _codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text("codes:\n  non_stigmatizing_attitude: {}\n  beyond_routine: {}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("paragraphs", [[["Interviewer: Hello."], ["Participant: Hi."]]])
def test_a_document_without_comments_reads_as_before(tmp_path, paragraphs):
    path = margin_coded(tmp_path / "plain.docx", [], paragraphs)
    result = read_file(path)
    assert (result.comment_codings, result.warnings) == ([], [])
    with zipfile.ZipFile(path) as z:
        assert "word/comments.xml" not in z.namelist()


def coded_table(path: Path, rows: list[tuple[str, ...]], above: str = "Interview 3, site B") -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(above)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(str(path))
    return path


def test_a_transcript_tables_codes_column_codes_its_rows_and_is_no_speech(tmp_path):
    # a 'Themes' header made the header row a speaker's turn and put the code names into the speech
    path = coded_table(tmp_path / "p03.docx", [
        ("Speaker", "Transcript", "Themes"),
        ("Interviewer", "Who helped you most?", ""),
        ("Participant", "Yeah. The nurse. " + STIGMA + ".", "Non-stigmatizing attitude, trust"),
        ("Interviewer", "Yeah.", ""),
        ("Participant", "Yeah.", "beyond routine"),
    ])
    result = read_file(path)
    interview = result.interviews[0]
    assert [(t.speaker, interview.text[t.start:t.end]) for t in interview.turns] == [
        ("Interviewer", "Who helped you most?"), ("Participant", "Yeah. The nurse. " + STIGMA + "."),
        ("Interviewer", "Yeah."), ("Participant", "Yeah.")]
    last = interview.turns[-1]
    assert [(interview.text[c.start:c.end], c.code, c.coder) for c in result.comment_codings] == [
        ("Yeah. The nurse. " + STIGMA + ".", "Non-stigmatizing attitude", "human"),
        ("Yeah. The nurse. " + STIGMA + ".", "trust", "human"),
        ("Yeah.", "beyond routine", "human")]
    assert (result.comment_codings[-1].start, result.comment_codings[-1].end) == (last.start, last.end)
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    assert [c.code for c in corpus.codings] == ["non_stigmatizing_attitude", "beyond_routine"]
    assert "1 comment line(s) name no code of the codebook and were left out as memos (e.g. 'trust')" in corpus.warnings


def test_a_notes_column_stays_out_of_the_codings(tmp_path):
    path = coded_table(tmp_path / "p04.docx", [
        ("Time", "Speaker", "Text", "Notes"),
        ("00:00:03", "I", "Who helped?", "beyond routine"),
        ("00:00:09", "P", "Jo did.", ""),
        ("00:00:12", "I", "Mm.", ""),
    ])
    result = read_file(path)
    assert result.comment_codings == [] and "beyond routine" not in result.interviews[0].text


def test_each_coders_commented_copy_in_a_folder_of_their_own(tmp_path):
    for coder, note in (("anna", "Non-stigmatizing attitude"), ("ben", "non stigmatizing attitude")):
        (tmp_path / coder).mkdir()
        margin_coded(tmp_path / coder / "p01.docx", [(1, STIGMA, note, coder.title())])
    corpus = load_corpus([tmp_path / "anna", tmp_path / "ben"], codebook=_codebook_file(tmp_path))
    assert [iv.id for iv in corpus.interviews] == ["p01"]
    assert sorted(c.coder for c in corpus.codings) == ["Anna", "Ben"]
    assert corpus.files[1].warnings == [] and "keeping the codings of every file (added from them: Ben: 1): " \
        f"{tmp_path / 'ben' / 'p01.docx'} (as {tmp_path / 'anna' / 'p01.docx'})" in corpus.warnings[0]


def test_coders_commented_copies_side_by_side_in_one_folder(tmp_path):
    # 'P01 Anna.docx' beside 'P01 Ben.docx': two interviews of one coder each, so nobody to compare
    for coder in ("Anna", "Ben"):
        margin_coded(tmp_path / f"P01 {coder}.docx", [(1, STIGMA, "Non-stigmatizing attitude", coder)])
    corpus = load_corpus([tmp_path], codebook=_codebook_file(tmp_path))
    assert [iv.id for iv in corpus.interviews] == ["P01"]
    assert sorted((c.interview_id, c.coder) for c in corpus.codings) == [("P01", "Anna"), ("P01", "Ben")]


# --- LibreOffice (.odt) -------------------------------------------------------------------

ODT = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0">'
       "<office:body><office:text>{}</office:text></office:body></office:document-content>")


def odt_file(path: Path, body: str) -> Path:
    """An .odt at ``path`` whose text is ``body`` (content.xml's office:text)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", ODT.format(body))
    return path


def annotation(name: str, note: str, author: str, reply_to: str = "", resolved: bool = False) -> str:
    parent = f' loext:parent-name="{reply_to}"' if reply_to else ""
    named = f' office:name="{name}"' if name else ""
    done = ' loext:resolved="true"' if resolved else ""
    return (f"<office:annotation{named}{parent}{done}><dc:creator>{author}</dc:creator><dc:date>2026-11-30T10:00:00"
            f"</dc:date><text:p>{note}</text:p></office:annotation>")


def test_comments_in_a_libreoffice_document_are_codings_too(tmp_path):
    body = ("<text:p>Interviewer: Who helped you most?</text:p>"
            f"<text:p>Participant: Um, the nurse. Because <text:span>{annotation('a1', 'Non-stigmatizing attitude', 'Anna')}"
            f"{annotation('a2', 'Non-stigmatizing attitude', 'Ben', reply_to='a1')}{STIGMA}</text:span>"
            '<office:annotation-end office:name="a1"/><office:annotation-end office:name="a2"/>, you know? '
            f"And once {annotation('', 'a point, not a passage', 'Anna')}{DAY_OFF}.</text:p>"
            f"<text:p>Interviewer: Mm.</text:p><text:p>Participant: {annotation('a3', 'beyond routine', 'Ben')}{STIGMA}"
            '<office:annotation-end office:name="a3"/> again.</text:p>')
    result = read_file(odt_file(tmp_path / "p05.odt", body))
    text = result.interviews[0].text
    assert "a point" not in text and "Non-stigmatizing" not in text
    first = text.index(STIGMA)
    second = text.index(STIGMA, first + 1)
    assert result.comment_codings == [
        Coding("p05", first, first + len(STIGMA), "Non-stigmatizing attitude", "Anna"),
        Coding("p05", second, second + len(STIGMA), "beyond routine", "Ben")]
    assert "1 comment(s) or codes cell(s) cover no passage of the transcript's text and were left out" in \
        result.warnings


def test_replies_to_suggestions_in_a_libreoffice_document_take_or_leave_them(tmp_path):
    body = ("<text:p>Interviewer: Who helped you most?</text:p>"
            f"<text:p>Participant: Because {annotation('a1', 'beyond_routine: p=0.81', MODEL)}{DAY_OFF}"
            f"{annotation('r1', 'Agreed!', 'Anna', reply_to='a1')}<office:annotation-end office:name=\"a1\"/>, and "
            f"{annotation('a2', 'non_stigmatizing_attitude: p=0.60', MODEL, resolved=True)}{STIGMA}"
            '<office:annotation-end office:name="a2"/>.</text:p>')
    result = read_file(odt_file(tmp_path / "p07.odt", body))
    text = result.interviews[0].text
    start = text.index(DAY_OFF)
    people = [c for c in result.comment_codings if c.coder == "Anna"]
    assert [(c.start, c.end, c.code) for c in people] == [
        (start, start + len(DAY_OFF), "beyond_routine"), (start, start + len(DAY_OFF), "tr_nlp: read for coding")]
    assert any("1 of tr_nlp's comments marked resolved with no reply left out" in w for w in result.warnings)


@pytest.mark.parametrize("name", ["replies.docx", "replies.odt"])
def test_replies_libreoffice_saved_as_comments_of_their_own_still_answer(name):
    # LibreOffice 7.4, saving a document replied to in Word (as .docx or .odt), keeps each reply
    # as a comment of its own on the passage, before the one it answers: "Yes" by Anna was read
    # as Anna's coding with a code "Yes", and Ben's "no" as a code "no" (data/libreoffice holds
    # the files LibreOffice wrote: make_fixtures.py there)
    result = read_file(Path(__file__).parent / "data" / "libreoffice" / name)
    text = result.interviews[0].text
    people = sorted((text[c.start:c.end], c.code, c.coder) for c in result.comment_codings if c.coder in {"Anna", "Ben"})
    assert people == sorted([(DAY_OFF, "beyond_routine", "Anna"), (DAY_OFF, "tr_nlp: read for coding", "Anna"),
                             (STIGMA, "tr_nlp: read for coding", "Ben")])
    assert "2 repl(ies) to tr_nlp's comments read (no: 1, yes: 1)" in " ".join(result.warnings)


def test_a_libreoffice_transcript_tables_codes_column_codes_its_rows(tmp_path):
    def row(*cells):
        return "<table:table-row>" + "".join(
            f"<table:table-cell><text:p>{cell}</text:p></table:table-cell>" for cell in cells) + "</table:table-row>"

    body = ('<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
            + row("Speaker", "Text", "Themes") + row("Interviewer", "Who helped?", "")
            + row("Participant", f"Yeah. {STIGMA}.", "Non-stigmatizing attitude") + row("Interviewer", "Mm.", "")
            + row("Participant", "Yeah.", "beyond routine; trust") + "</table:table>")
    result = read_file(odt_file(tmp_path / "p06.odt", body))
    interview = result.interviews[0]
    assert "Themes" not in interview.text and "beyond routine" not in interview.text
    last = interview.turns[-1]
    assert [(interview.text[c.start:c.end], c.code) for c in result.comment_codings] == [
        (f"Yeah. {STIGMA}.", "Non-stigmatizing attitude"), ("Yeah.", "beyond routine"), ("Yeah.", "trust")]
    assert (result.comment_codings[-1].start, result.comment_codings[-1].end) == (last.start, last.end)


# --- Rich Text Format (.rtf) ----------------------------------------------------------------

def rtf_comment(ref: str, quote: str, note: str, author: str, reply_to: str = "") -> str:
    """A passage commented as Word saves it in an .rtf, with its comment after it."""
    parent = f"{{\\*\\atnparent {reply_to}}}" if reply_to else ""
    return (f"{{\\*\\atrfstart {ref}}}{quote}{{\\*\\atrfend {ref}}}{{\\*\\atnid {author[:1]}}}{{\\*\\atnauthor {author}}}"
            f"\\chatn{{\\*\\annotation{{\\*\\atnref {ref}}}{parent}{{\\*\\atndate 1234}}\\pard\\plain "
            f"{{\\field{{\\*\\fldinst {{ PAGE }}}}{{\\fldrslt }}}}{{\\chatn }}{note}\\par}}")


def test_comments_in_an_rtf_transcript_code_their_passages(tmp_path):
    # an .rtf (as f4 or Word saves it) dropped its comments: a team coding in Word's margin had no way in
    path = tmp_path / "p01.rtf"
    path.write_text(
        "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Calibri;}}\n"
        "\\pard Interviewer: Who helped you most?\\par\n"
        f"\\pard Participant: \\u-10179?\\u-8704? Um, the nurse, Jo. Because {STIGMA}, you know? And once "
        + rtf_comment("1", DAY_OFF, "Beyond routine", "Anna") + "."
        + "{\\*\\atnid B}{\\*\\atnauthor Ben}\\chatn{\\*\\annotation{\\*\\atnref 7}A note on a point\\par}\\par\n"
        "\\pard Participant: And the ward, well. " + rtf_comment("2", STIGMA, "Non-stigmatizing attitude", "Ben")
        + rtf_comment("3", STIGMA, "Agreed", "Anna", reply_to="2") + ", that's what I wanted.\\par\n}", encoding="cp1252")
    result = read_file(path)
    text = result.interviews[0].text
    assert "atn" not in text and "Beyond routine" not in text and "A note on a point" not in text
    assert [(c.code, c.coder, text[c.start:c.end], text.count(STIGMA, 0, c.start)) for c in result.comment_codings] \
        == [("Beyond routine", "Anna", DAY_OFF, 1), ("Non-stigmatizing attitude", "Ben", STIGMA, 1)]
    corpus = load_corpus([path], codebook=_codebook_file(tmp_path))
    assert sorted((c.code, c.coder) for c in corpus.codings) == [
        ("beyond_routine", "Anna"), ("non_stigmatizing_attitude", "Ben")]


NUMBERED = ["Interviewer: Who helped you most?", "Participant: Um, the nurse, Jo. She came on her day off.",
            "Interviewer: Mm.", "Participant: And the ward, well.", "Interviewer: Right.", "Participant: And the ward, well."]


def numbered_and_commented(path: Path, commented: dict[int, tuple[str, str]]) -> Path:
    """A transcript numbered for citing (a number and a tab before each paragraph of
    :data:`NUMBERED`) as ``path`` (.docx, .odt or .rtf), the paragraphs ``commented`` names
    (index: note, author) commented whole, their numbers included, as a coder selects them."""
    if path.suffix == ".docx":
        import docx

        document = docx.Document()
        for k, said in enumerate(NUMBERED):
            paragraph = document.add_paragraph()
            runs = [paragraph.add_run(f"{k + 1}\t"), paragraph.add_run(said)]
            if k in commented:
                document.add_comment(runs, text=commented[k][0], author=commented[k][1])
        document.save(str(path))
        return path
    if path.suffix == ".odt":
        def line(k, said):
            number = f"{k + 1}<text:tab/>{said}"
            if k not in commented:
                return f"<text:p>{number}</text:p>"
            return (f"<text:p>{annotation(f'a{k}', *commented[k])}{number}"
                    f'<office:annotation-end office:name="a{k}"/></text:p>')
        return odt_file(path, "".join(line(k, said) for k, said in enumerate(NUMBERED)))
    lines = [rtf_comment(str(k), f"{k + 1}\\tab {said}", *commented[k]) if k in commented else f"{k + 1}\\tab {said}"
             for k, said in enumerate(NUMBERED)]
    path.write_text("{\\rtf1\\ansi\n" + "".join(f"\\pard {line}\\par\n" for line in lines) + "}", encoding="cp1252")
    return path


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".rtf"])
def test_comments_on_whole_numbered_paragraphs_code_them(tmp_path, suffix):
    # the numbers are left out of the stored text, so a comment on a whole paragraph (its number
    # selected too) covered no passage of it: the coding was dropped with a warning
    path = numbered_and_commented(tmp_path / f"p07{suffix}", {1: ("Beyond routine", "Anna"), 5: ("Continuity", "Ben")})
    result = read_file(path)
    text = result.interviews[0].text
    assert [(c.code, c.coder, text[c.start:c.end]) for c in result.comment_codings] == [
        ("Beyond routine", "Anna", NUMBERED[1]), ("Continuity", "Ben", NUMBERED[5])]
    assert text.count(NUMBERED[5], 0, result.comment_codings[1].start) == 1  # the second time it is said
    assert not any("cover no passage" in w for w in result.warnings)
    assert result.interviews[0].line_at(result.comment_codings[1].start) == 6


def test_a_comment_in_an_rtf_header_is_no_coding(tmp_path):
    path = tmp_path / "p02.rtf"
    path.write_text("{\\rtf1\\ansi{\\header " + rtf_comment("1", "Interview 2", "Beyond routine", "Anna") + "}\n"
                    "\\pard Interviewer: Who helped?\\par\\pard Participant: The nurse.\\par\n}", encoding="cp1252")
    result = read_file(path)
    assert result.comment_codings == [] and "Interview 2" not in result.interviews[0].text
