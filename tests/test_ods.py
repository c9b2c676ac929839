"""LibreOffice Calc spreadsheets (.ods) read as the same workbook saved as .xlsx: each
fixture in ``data/ods`` was saved by LibreOffice from the workbook ``make_fixtures.py``
writes."""

import importlib.util
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tr_nlp.codebook import load_codebook
from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus, read_codings
from tr_nlp.ingest.table import load_frame, load_sheets
from tr_nlp.schema import Code, Codebook, Interview, Turn

FIXTURES = Path(__file__).parent / "data" / "ods"
_spec = importlib.util.spec_from_file_location("ods_fixtures", FIXTURES / "make_fixtures.py")
SOURCES = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SOURCES)

TEXT = "I: Who helped?\nP: Sam did, she stayed late."
INTERVIEWS = {"i": Interview("i", TEXT, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, len(TEXT))))}
CODEBOOK = Codebook((Code("beyond_routine"), Code("warmth")))
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def workbook(path, sheets):
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def make_ods(path, tables, manifest=None, prolog=""):
    """An .ods of ``tables`` (table:table elements' XML)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", f'<?xml version="1.0"?>{prolog}<office:document-content {NS}><office:body>'
                                        f"<office:spreadsheet>{tables}</office:spreadsheet></office:body>"
                                        "</office:document-content>")
        if manifest:
            archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_a_calc_workbook_of_a_sheet_per_coder_reads_as_the_excel_one(tmp_path):
    # a codings table kept in LibreOffice Calc was refused wherever a table is read (E102: "a binary file")
    xlsx = workbook(tmp_path / "coding.xlsx", SOURCES.coding_sheets())
    assert read_codings(FIXTURES / "coding.ods", INTERVIEWS, CODEBOOK) == read_codings(xlsx, INTERVIEWS, CODEBOOK)
    codings, _ = read_codings(FIXTURES / "coding.ods", INTERVIEWS, CODEBOOK)
    assert [(c.coder, TEXT[c.start:c.end]) for c in codings] == [("Anna", "Sam did"), ("Ben", "she stayed late")]


def test_a_flat_calc_workbook_reads_as_its_ods():
    # Calc's flat (one XML file) spreadsheet was passed over in a folder and refused wherever a table is read
    flat, ods = FIXTURES / "coding.fods", FIXTURES / "coding.ods"
    assert read_codings(flat, INTERVIEWS, CODEBOOK) == read_codings(ods, INTERVIEWS, CODEBOOK)
    assert [(name, frame.to_dict()) for name, frame in load_sheets(flat)] == \
        [(name, frame.to_dict()) for name, frame in load_sheets(ods)]


def test_a_hostile_flat_file_or_a_text_document_under_the_name_is_refused(tmp_path):
    bomb = tmp_path / "bomb.fods"
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><office:document {NS}/>', encoding="utf-8")
    with pytest.raises(InputError, match=r"bomb.fods: \[E110\] not a valid .fods .*declares entities"):
        load_frame(bomb)
    writer = tmp_path / "notes.fods"
    writer.write_bytes((Path(__file__).parent / "data" / "libreoffice" / "demo01.fodt").read_bytes())
    with pytest.raises(InputError, match=r"notes.fods: \[E110\] not a valid .fods .*holds no spreadsheet"):
        load_frame(writer)


def test_a_number_calc_shows_grouped_reads_as_its_value():
    # Calc shows 1234 as "1,234" (its text), and an offset of "1,234" is no offset; Calc's
    # million empty rows and 16,380 empty columns around a table are counted, not unpacked
    text = "x" * 1234 + "Sam did"
    interviews = {"i": Interview("i", text, (Turn("P", "participant", 0, len(text)),))}
    frame, _ = load_frame(FIXTURES / "offsets.ods")
    assert frame.to_dict("records") == [{"interview_id": "i", "start": "1234", "end": "1241", "code": "warmth",
                                         "coder": "Anna"}]
    codings, _ = read_codings(FIXTURES / "offsets.ods", interviews, CODEBOOK)
    assert [text[c.start:c.end] for c in codings] == ["Sam did"]


def test_a_calc_codebook_reads_as_the_excel_one(tmp_path):
    SOURCES.codebook_sheet().to_excel(tmp_path / "codebook.xlsx", index=False)
    book = load_codebook(FIXTURES / "codebook.ods")
    assert book == load_codebook(tmp_path / "codebook.xlsx")
    assert book["warmth"].examples == ("Sam did.", "She asked after my sister.", "He called back.")


def test_a_calc_table_of_utterances_is_read_as_transcripts(tmp_path):
    rows = "".join(f"<table:table-row><table:table-cell><text:p>{a}</text:p></table:table-cell><table:table-cell>"
                   f"<text:p>{b}</text:p></table:table-cell><table:table-cell><text:p>{c}</text:p></table:table-cell>"
                   "</table:table-row>" for a, b, c in [("interview_id", "speaker", "text"), ("p1", "I", "Who?"),
                                                       ("p1", "P", "Sam did.")])
    make_ods(tmp_path / "talk.ods", f'<table:table table:name="Talk">{rows}</table:table>')
    (interview,) = load_corpus([tmp_path]).interviews
    assert (interview.id, interview.format, interview.speakers) == ("p1", "table", {"I": "interviewer",
                                                                                    "P": "participant"})


def test_a_calc_cell_merged_down_over_rows_stands_in_each_of_them(tmp_path):
    # the rows under a merged speaker cell were speaker 'unknown', with a warning to fill them in
    def cell(text="", spanned=0, covered=False):
        tag = "covered-table-cell" if covered else "table-cell"
        span = f' table:number-rows-spanned="{spanned}"' if spanned else ""
        return f"<table:{tag}{span}>" + (f"<text:p>{text}</text:p>" if text else "") + f"</table:{tag}>"

    rows = [[cell("interview_id"), cell("speaker"), cell("text")], [cell("p1"), cell("I"), cell("Who?")],
            [cell("p1"), cell("P", 3), cell("Sam did.")], [cell("p1"), cell(covered=True), cell("Every week.")],
            [cell("p1"), cell(covered=True), cell("Late too.")], [cell("p1"), cell("I"), cell("Oh?")],
            [cell("p1"), cell("P", spanned="\u00b2"), cell("Yes.")], [cell("p1"), cell(), cell("More.")]]
    content = "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows)
    make_ods(tmp_path / "talk.ods", f'<table:table table:name="Talk">{content}</table:table>')
    frame, _ = load_frame(tmp_path / "talk.ods")
    assert list(frame["speaker"]) == ["I", "P", "P", "P", "I", "P", ""]  # a span of no number spans no row


def test_calc_and_excel_fill_the_same_merged_cells(tmp_path):
    # one sheet in each format: a header cell merged down over the first row of speech (filled
    # in by Calc's reader, not Excel's), and a speaker merged over a row with no text (the
    # other way round); both now fill only below the header, and every row a merge covers
    import openpyxl

    book = openpyxl.Workbook()
    for row in [("speaker", "text"), (None, "Hello?"), ("P", "Yes."), (None, None), (None, "More.")]:
        book.active.append(row)
    book.active.merge_cells("A1:A2")
    book.active.merge_cells("A3:A5")
    book.save(tmp_path / "t.xlsx")

    def cell(text="", spanned=0, covered=False):
        tag = "covered-table-cell" if covered else "table-cell"
        span = f' table:number-rows-spanned="{spanned}"' if spanned else ""
        return f"<table:{tag}{span}>" + (f"<text:p>{text}</text:p>" if text else "") + f"</table:{tag}>"

    rows = [[cell("speaker", 2), cell("text")], [cell(covered=True), cell("Hello?")], [cell("P", 3), cell("Yes.")],
            [cell(covered=True), cell()], [cell(covered=True), cell("More.")]]
    content = "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows)
    make_ods(tmp_path / "t.ods", f'<table:table table:name="Talk">{content}</table:table>')
    for name in ("t.xlsx", "t.ods"):
        frame, _ = load_frame(tmp_path / name)
        assert frame.values.tolist() == [["", "Hello?"], ["P", "Yes."], ["P", ""], ["P", "More."]], name


@pytest.mark.parametrize(("content", "manifest", "error"), [
    (("<table:table><table:table-row table:number-rows-repeated='2000000'><table:table-cell><text:p>x</text:p>"
      "</table:table-cell></table:table-row></table:table>"), None, r"\[E131\] .*a sheet of more than 1,048,576 rows"),
    (("<table:table><table:table-row><table:table-cell table:number-columns-repeated='20000'><text:p>x</text:p>"
      "</table:table-cell></table:table-row></table:table>"), None, r"\[E131\] .*a row of more than 16,384 columns"),
    ("<table:table/>", ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                        "<manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"),
     r"\[E113\] is password-protected \(an encrypted .ods\), .* open it in LibreOffice Calc"),
    # a wide row and a long one, each within bounds: the table they make is not (it ran out of memory)
    (("<table:table><table:table-row><table:table-cell table:number-columns-repeated='16000'><text:p>x</text:p>"
      "</table:table-cell></table:table-row><table:table-row table:number-rows-repeated='2000'><table:table-cell>"
      "<text:p>y</text:p></table:table-cell></table:table-row></table:table>"), None,
     r"\[E131\] .*a sheet of more than 20,000,000 cells"),
    ("<table:table><table:table-row><table:table-cell><text:p>" + "<text:span>" * 5000 + "x" + "</text:span>" * 5000
     + "</text:p></table:table-cell></table:table-row></table:table>", None, r"\[E110\] .*nested too deeply"),
])
def test_a_hostile_or_locked_calc_file_is_refused_naming_it(tmp_path, content, manifest, error):
    path = make_ods(tmp_path / "coding.ods", content, manifest)
    with pytest.raises(InputError, match=rf"coding.ods: {error}"):
        load_frame(path)


def test_entities_or_a_text_document_under_the_name_are_refused(tmp_path):
    bomb = make_ods(tmp_path / "bomb.ods", "<table:table/>", prolog='<!DOCTYPE x [<!ENTITY a "aaaa">]>')
    with pytest.raises(InputError, match=r"bomb.ods: \[E110\] .*declares entities"):
        load_frame(bomb)
    from test_readers import make_odt

    writer = make_odt(tmp_path / "notes.ods", "<text:p>Interviewer: Hi.</text:p>")
    with pytest.raises(InputError, match=r"notes.ods: \[E110\] .*holds no spreadsheet"):
        load_frame(writer)
    with pytest.raises(InputError, match=r"none.ods: \[E110\] .*holds no sheet"):  # not an unpacking error
        load_frame(make_ods(tmp_path / "none.ods", ""))


def test_a_cells_spaces_are_kept_as_in_an_excel_workbook(tmp_path):
    # AnnoMI saved by Calc read as its .xlsx did but for 541 topics whose trailing space was cut
    cell = "<table:table-cell><text:p>{}</text:p></table:table-cell>".format
    rows = f"<table:table-row>{cell('topic')}</table:table-row><table:table-row>{cell('smoking<text:s/>')}"
    frame, _ = load_frame(make_ods(tmp_path / "t.ods", f"<table:table>{rows}</table:table-row></table:table>"))
    assert frame["topic"].tolist() == ["smoking "]
