"""Codebooks kept as a spreadsheet: columns found by header, continuation rows, errors."""

from pathlib import Path

import pandas as pd
import pytest

from tr_nlp.codebook import load_codebook
from tr_nlp.errors import CodebookError, InputError
from tr_nlp.ingest import load_corpus

SHEET = pd.DataFrame({
    "Theme": ["Attitude", "", "Going further", ""],
    "Code": ["Non-stigmatizing attitude", "", "Beyond routine", "Bending rules"],
    "Definition": ["Treated as a person, not a diagnosis.", "Includes being believed.",
                   "More than the role requires.", "An exception made for the person."],
    "Inclusion criteria": ["Being seen, asked, believed.", "", "Unexpected acts.", ""],
    "When not to use": ["Stigma itself.", "", "Routine tasks done well.", ""],
    "Example quotes": ["She didn't act like the diagnosis was all of me.", "He listened.\nShe asked me.",
                       "She drove me there herself.", ""],
    "Notes": ["agreed 3 May", "", "", "new in round 2"],
})


def test_a_spreadsheet_codebook_reads_its_columns_by_header(tmp_path):
    path = tmp_path / "Codebook v2.xlsx"
    SHEET.to_excel(path, index=False)
    book = load_codebook(path)
    assert book.names == ["Non-stigmatizing attitude", "Beyond routine", "Bending rules", "Attitude", "Going further"]
    code = book["Non-stigmatizing attitude"]
    assert code.description == "Treated as a person, not a diagnosis.\nIncludes being believed."  # the row below adds
    assert code.include == "Being seen, asked, believed." and code.exclude == "Stigma itself."
    assert code.examples == ("She didn't act like the diagnosis was all of me.", "He listened.", "She asked me.")
    assert code.parent == "Attitude"  # a theme no row names becomes a code
    assert book["Bending rules"].parent is None and book["Attitude"].parent is None
    assert book.name == "Codebook v2"


def test_a_csv_codebook_with_groups_and_colours(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("name,description,group,colour\nchange,Talk for change,talk_type,#00aa00\n"
                    "sustain,Talk against change,talk_type,\nreflection,A reflection,,\n", encoding="utf-8")
    book = load_codebook(path)
    assert book.names == ["change", "sustain", "reflection"]
    assert book.groups == {"talk_type": ("change", "sustain")}
    assert book["change"].color == "#00aa00"


@pytest.mark.parametrize(("text", "expected"), [
    ("Theme,Definition\nA,B\n", "none of them a code's name (name it 'Code' or 'Name')"),
    ("Name,Label\nA,B\n", "two columns for a code's name, 'Name' and 'Label'"),
    ("Code,Name\n1,Care\n1,Time\n", "its alias '1' also names the code 'Care'"),
    ("Code,Definition\n,Orphan text\nA,B\n", "row 2"),
    ("Code\nA\nA\n", "'A'"),
])
def test_a_codebook_table_that_cannot_be_read_says_why(write, text, expected):
    with pytest.raises(CodebookError) as info:
        load_codebook(write("codes.csv", text))
    assert expected in str(info.value) and "codes.csv" in str(info.value)


def test_an_empty_codebook_table_is_refused_naming_it(write):
    with pytest.raises(InputError) as info:
        load_codebook(write("codes.csv", "Code,Definition\n"))
    assert "codes.csv" in str(info.value)


def test_a_corpus_names_a_spreadsheet_codebook_kept_beside_its_transcripts(write):
    # the codebook table is the corpus's codebook, not an utterance table of its interviews
    write("c/one.txt", "I: How was it?\nP: She listened.\n")
    write("c/codes.csv", "Code,Definition\ncare,Being cared for.\n")
    corpus = load_corpus([write("c/corpus.yaml", "codebook: codes.csv\n").parent])
    assert corpus.codebook.names == ["care"]
    assert [iv.id for iv in corpus.interviews] == ["one"]


def test_numbers_beside_names_are_aliases_and_place_codes_in_their_outline(write, tmp_path):
    path = write("Codebook.csv", "Code,Name,Definition\n1,Helping relationships,Who helped.\n"
                                 "1.1,Non-stigmatizing attitude,Seen as a person.\n1.2.,Beyond routine,More than the role.\n"
                                 "1.2.1,Bending rules,An exception made.\n2,Barriers,What got in the way.\n")
    book = load_codebook(path)
    assert book.names == ["Helping relationships", "Non-stigmatizing attitude", "Beyond routine", "Bending rules",
                          "Barriers"]
    assert [book[n].parent for n in book.names] == [None, "Helping relationships", "Helping relationships",
                                                    "Beyond routine", None]
    assert book["Beyond routine"].aliases == ("1.2.",) and book["Barriers"].description == "What got in the way."
    # codings naming a code by its number (as in a spreadsheet of codings) mean that code
    write("c/p01.txt", "I: How was it?\nP: She rang me on her day off.\n")
    codings = write("codings.csv", "interview_id,start,end,code,coder\np01,18,43,1.2.1,Anna\np01,18,43,1.1,Ben\n")
    corpus = load_corpus([tmp_path / "c"], codings=[codings], codebook=path)
    assert sorted((c.coder, c.code) for c in corpus.codings) == [("Anna", "Bending rules"),
                                                                 ("Ben", "Non-stigmatizing attitude")]


def test_abbreviations_beside_names_are_aliases_and_a_parent_column_still_places_codes(write):
    book = load_codebook(write("codes.csv", "Theme,Code,Label\nAttitude,NS,Non-stigmatizing attitude\n"
                                            "Going further,BR,Beyond routine\n"))
    assert book.names == ["Non-stigmatizing attitude", "Beyond routine", "Attitude", "Going further"]
    assert (book["Beyond routine"].aliases, book["Beyond routine"].parent) == (("BR",), "Going further")


def test_a_codebook_written_as_a_spreadsheet_reads_back_the_same(tmp_path):
    from tr_nlp.codebook_table import write_codebook_table
    from tr_nlp.schema import Code, Codebook

    book = Codebook((
        Code("Helping", "Who helped.", aliases=("1",)),
        Code("Beyond routine", "More than the role.", include="Unexpected acts.", exclude="Routine done well.",
             examples=('=HYPERLINK("http://x.example", "she came")', "She drove me there.\tHerself."),
             parent="Helping", color="#00aa00", aliases=("1.2", "BR")),
        Code("1.3", parent="Helping"),  # a number as a name, which numbers beside it must not place elsewhere
        Code("candidate_01_letters", "Proposed.", status="candidate"),
    ), groups={"kind": ("Beyond routine", "1.3"), "other": ("Beyond routine", "candidate_01_letters")})
    path = write_codebook_table(book, tmp_path / "Codebook v3.xlsx")
    again = load_codebook(path)
    assert again.codes == book.codes and again.groups == book.groups
    assert again.name == "Codebook v3"  # a spreadsheet's codebook is named by its file
    # a team's own status words are notes, not tr_nlp's statuses
    table = pd.DataFrame({"Code": ["care", "time"], "Status": ["agreed", "Candidate"]})
    table.to_excel(tmp_path / "own.xlsx", index=False)
    assert [c.status for c in load_codebook(tmp_path / "own.xlsx").codes] == ["active", "candidate"]
    frame = pd.read_excel(path)
    assert list(frame.columns) == ["Name", "Code", "Description", "Include", "Exclude", "Examples", "Parent",
                                   "Colour", "Group", "Status"]


def test_export_writes_the_codebook_as_a_spreadsheet(tmp_path):
    from typer.testing import CliRunner

    from conftest import DEMO
    from tr_nlp.cli import app

    result = CliRunner().invoke(app, ["export", "--corpus", str(DEMO), "-o", str(tmp_path / "book.xlsx")])
    assert result.exit_code == 0, result.output
    assert load_codebook(tmp_path / "book.xlsx").codes == load_codebook(DEMO / "codebook.yaml").codes


@pytest.mark.parametrize("suffix", [".xlsx", ".qdc"])
def test_export_writes_candidate_codes_beside_the_codebook_when_given(demo_run, tmp_path, suffix):
    from typer.testing import CliRunner

    from conftest import DEMO
    from tr_nlp.cli import app
    from tr_nlp.topics.candidates import read_candidates

    path = tmp_path / f"book{suffix}"
    result = CliRunner().invoke(app, ["export", "--corpus", str(DEMO), "--candidates",
                                      str(demo_run / "candidates.yaml"), "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = load_codebook(path)
    names = [entry["name"] for entry in read_candidates(demo_run / "candidates.yaml")]
    assert [c.name for c in book.codes if c.status == "candidate"] == names and names
    assert all("Keywords: " in book[name].description for name in names)
    assert [c.name for c in book.codes if c.status == "active"] == load_codebook(DEMO / "codebook.yaml").names


def word_codebook(path, tables, intro=("Codebook, version 3", "Code the participant's speech only.")):
    """A Word document: ``intro`` paragraphs, then each table (a list of rows of cells)."""
    import docx

    document = docx.Document()
    for line in intro:
        document.add_paragraph(line)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, cells in zip(table.rows, rows):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    document.save(path)
    return document


def test_a_word_codebook_reads_its_tables_of_codes_and_a_theme_merged_down_its_rows(tmp_path):
    header = ["Theme", "Code", "Definition", "Inclusion criteria", "Example quotes"]
    rows = [header, ["Going further", "Beyond routine", "More than the role requires.", "Unexpected acts.",
                     "She drove me there herself.\nOn her day off."],
            ["", "Bending rules", "An exception made for the person.", "", ""]]
    document = word_codebook(tmp_path / "codebook.docx", [rows, [header, ["Attitude", "Warmth", "Kindness.", "", ""]]])
    table = document.tables[0]
    table.cell(1, 0).merge(table.cell(2, 0))  # the theme, one cell over its codes' rows
    document.save(tmp_path / "codebook.docx")
    book = load_codebook(tmp_path / "codebook.docx")
    assert book.names == ["Beyond routine", "Bending rules", "Warmth", "Going further", "Attitude"]
    assert book["Beyond routine"].examples == ("She drove me there herself.", "On her day off.")
    assert book["Bending rules"].parent == "Going further" and book["Warmth"].description == "Kindness."


def test_a_word_codebook_of_a_table_per_code(tmp_path):
    cards = [[["Code", "BEYOND_ROUTINE"], ["Brief definition", "More than asked."],
              ["Full definition", "More than the role requires."], ["When to use", "Unexpected acts."],
              ["When not to use", "Routine tasks done well."], ["Example", "She drove me there herself."]],
             [["Code", "WARMTH"], ["Full definition", "Kindness."]]]
    word_codebook(tmp_path / "codebook.docx", cards)
    book = load_codebook(tmp_path / "codebook.docx")
    assert book.names == ["BEYOND_ROUTINE", "WARMTH"]
    code = book["BEYOND_ROUTINE"]
    assert (code.description, code.include, code.exclude) == (
        "More than the role requires.", "Unexpected acts.", "Routine tasks done well.")


def test_a_word_document_without_a_table_of_codes_is_no_codebook(tmp_path):
    word_codebook(tmp_path / "notes.docx", [[["Speaker", "Text"], ["I", "Hello?"]]])
    with pytest.raises(CodebookError, match=r"notes.docx: \[E144\] .*a Word document without a table of codes"):
        load_codebook(tmp_path / "notes.docx")


def test_a_word_codebook_among_the_transcripts_fails_alone_and_a_transcript_with_a_codes_table_is_read(tmp_path):
    word_codebook(tmp_path / "codebook.docx", [[["Code", "Definition"], ["Warmth", "Kindness shown to the person."],
                                                ["Beyond routine", "More than the role requires."]]])
    transcript = [["Speaker", "Text", "Codes"], ["I", "Who helped you most, would you say?", ""],
                  ["P", "Karen did. She always asked how my sister was doing first.", "Warmth"]]
    word_codebook(tmp_path / "p01.docx", [transcript], intro=())
    # a transcript with a short list of its codes at the end is a transcript
    word_codebook(tmp_path / "p02.docx", [transcript, [["Code", "Definition"], ["Warmth", "Kind."]]], intro=())
    corpus = load_corpus([tmp_path])
    failed = {Path(f.path).name: str(f.error) for f in corpus.files if f.error is not None}
    assert failed == {"codebook.docx": f"{tmp_path / 'codebook.docx'}: [E116] is a codebook (a table of codes and "
                      "what they mean), not a transcript; pass it with --codebook FILE, or name it under 'codebook:' "
                      "in corpus.yaml"}
    assert sorted(i.id for i in corpus.interviews) == ["p01", "p02"]
    corpus = load_corpus([tmp_path], codebook=tmp_path / "codebook.docx")
    assert [f.error for f in corpus.files] == [None, None] and corpus.codebook.names == ["Warmth", "Beyond routine"]
    assert {(c.interview_id, c.code) for c in corpus.codings} == {("p01", "Warmth"), ("p02", "Warmth")}


def test_a_word_codebook_of_a_table_per_theme_under_its_heading(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Codebook", 0)  # the title: no heading of a table
    for theme, codes in (("Theme 1: Attitude", ["Warmth", "Being believed"]), ("Theme 2: Going further",
                                                                              ["Beyond routine"])):
        document.add_heading(theme, 2)
        document.add_paragraph("Codes of this theme, agreed in round 2.")
        table = document.add_table(rows=1 + len(codes), cols=2)
        for row, cells in zip(table.rows, [["Code", "Definition"], *[[code, f"{code}, as said."] for code in codes]]):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    document.save(tmp_path / "codebook.docx")
    book = load_codebook(tmp_path / "codebook.docx")
    assert [(code.name, code.parent) for code in book.codes] == [
        ("Warmth", "Theme 1: Attitude"), ("Being believed", "Theme 1: Attitude"),
        ("Beyond routine", "Theme 2: Going further"), ("Theme 1: Attitude", None), ("Theme 2: Going further", None)]


def test_a_thematic_analysis_codebook_of_themes_and_sub_themes(tmp_path):
    # no column is headed Code or Name: the sub-themes are the codes and the themes their parents
    frame = pd.DataFrame({"Theme": ["Attitude", "Going further"], "Sub-theme": ["Warmth", "Beyond routine"],
                          "Description": ["Kindness shown.", "More than the role asks."]})
    frame.to_csv(tmp_path / "themes.csv", index=False)
    book = load_codebook(tmp_path / "themes.csv")
    assert [(code.name, code.parent) for code in book.codes[:2]] == [("Warmth", "Attitude"),
                                                                     ("Beyond routine", "Going further")]
    word_codebook(tmp_path / "themes.docx", [[list(frame.columns), *frame.values.tolist()]])
    assert load_codebook(tmp_path / "themes.docx").names == book.names
    # beside a column of names, a column of sub-codes is no second one
    frame.rename(columns={"Theme": "Code"}).drop(columns="Sub-theme").assign(Subcode="x").to_csv(
        tmp_path / "codes.csv", index=False)
    assert load_codebook(tmp_path / "codes.csv").names == ["Attitude", "Going further"]


def odt_codebook(path, blocks):
    """An .odt of ``blocks``: a heading (str) or a table (rows of cells; a cell may be a list
    of paragraphs, or a (text, rows spanned) pair, a row's cell under it left out)."""
    from test_readers import make_odt

    def cell(value):
        if value is None:
            return "<table:covered-table-cell/>"
        text, span = value if isinstance(value, tuple) else (value, 1)
        paragraphs = "".join(f"<text:p>{line}</text:p>" for line in ([text] if isinstance(text, str) else text))
        return f'<table:table-cell table:number-rows-spanned="{span}">{paragraphs}</table:table-cell>'

    body = "<text:p>Codebook, version 3. Code the participant's speech only.</text:p>"
    for block in blocks:
        body += f"<text:h>{block}</text:h>" if isinstance(block, str) else "<table:table>" + "".join(
            "<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in block) + "</table:table>"
    return make_odt(path, body)


def test_an_odt_codebook_reads_as_a_word_one(tmp_path):
    # LibreOffice's codebooks were refused (a codebook is YAML, .qdc, a spreadsheet or a .docx)
    header = ["Code", "Definition", "Example quotes"]
    path = odt_codebook(tmp_path / "codebook.odt", [
        "Theme 1: Attitude", [header, ["Warmth", "Kindness shown.", ["She listened.", "He asked after my sister."]]],
        "Theme 2: Going further", [header, ["Beyond routine", "More than the role requires.", ""]]])
    book = load_codebook(path)
    assert [(code.name, code.parent) for code in book.codes] == [
        ("Warmth", "Theme 1: Attitude"), ("Beyond routine", "Theme 2: Going further"),
        ("Theme 1: Attitude", None), ("Theme 2: Going further", None)]
    assert book["Warmth"].examples == ("She listened.", "He asked after my sister.")
    # a theme merged down its codes' rows is each one's parent, as in Word
    merged = odt_codebook(tmp_path / "merged.odt", [[["Theme", "Code", "Definition"],
                                                     [("Going further", 2), "Beyond routine", "More than asked."],
                                                     [None, "Bending rules", "An exception made."]]])
    assert [(c.name, c.parent) for c in load_codebook(merged).codes][:2] == [
        ("Beyond routine", "Going further"), ("Bending rules", "Going further")]
    notes = odt_codebook(tmp_path / "notes.odt", [[["Speaker", "Text"], ["I", "Hello?"]]])
    with pytest.raises(CodebookError, match=r"notes.odt: \[E144\] .*an .odt document without a table of codes"):
        load_codebook(notes)


def test_an_odt_codebook_among_the_transcripts_fails_alone(tmp_path):
    odt_codebook(tmp_path / "codebook.odt", [[["Code", "Definition"], ["Warmth", "Kindness shown to the person."],
                                              ["Beyond routine", "More than the role requires."]]])
    (tmp_path / "p01.txt").write_text("I: Who helped?\nP: Karen did. She asked after my sister.\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert [(Path(f.path).name, f.error.code if f.error else None) for f in corpus.files] == [
        ("codebook.odt", "E116"), ("p01.txt", None)]
    corpus = load_corpus([tmp_path], codebook=tmp_path / "codebook.odt")
    assert not corpus.failures and corpus.codebook.names == ["Warmth", "Beyond routine"]
