import json
from dataclasses import replace

import pandas as pd
import pytest

from tr_nlp.errors import InputError
from tr_nlp.ingest import ReadOptions, TableMapping, load_corpus, read_file
from tr_nlp.ingest.table import load_frame

ROWS = [
    # interview, order, speaker, text, coder, code
    ("b", 1, "client", "I want to stop.", "x", "change"),
    ("a", 0, "therapist", "What brings you here?", "x", "question"),
    ("a", 1, "client", "My wife.", "x", "neutral"),
    ("a", 1, "client", "My wife.", "y", "sustain"),
    ("b", 0, "therapist", "Tell me more.", "x", "n/a"),
]


def frame():
    return pd.DataFrame(ROWS, columns=["conv", "utt", "who", "said", "annotator", "label"])


MAPPING = TableMapping(text_col="said", speaker_col="who", group_col="conv", order_col="utt",
                       coder_col="annotator", code_cols=("label",),
                       roles={"therapist": "interviewer", "client": "participant"})


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_table_formats_give_same_interviews(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    f = frame()
    if suffix == ".csv":
        f.to_csv(path, index=False)
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in f.to_dict("records")))
    else:
        f.to_parquet(path)
    result = read_file(path, ReadOptions(table=MAPPING))
    b, a = result.interviews  # non-numeric ids keep the order they first appear in
    assert (a.id, b.id) == ("a", "b")
    assert a.text == "therapist: What brings you here?\nclient: My wife."
    assert [(t.speaker, t.role, a.turn_text(t)) for t in a.turns] == [
        ("therapist", "interviewer", "What brings you here?"), ("client", "participant", "My wife.")]
    # each annotator's label is that coder's coding of the one utterance
    coded = sorted((c.interview_id, a.text[c.start:c.end] if c.interview_id == "a" else "", c.code, c.coder)
                   for c in result.codings if c.interview_id == "a")
    assert coded == [("a", "My wife.", "neutral", "x"), ("a", "My wife.", "sustain", "y"),
                     ("a", "What brings you here?", "question", "x")]
    assert result.codebook.groups == {"label": ("change", "question", "neutral", "sustain")}


@pytest.mark.parametrize(("line", "expected"), [
    ('{"conv": "a", "said": "x"', "line 3 is not valid JSON"),
    ('["a", "x"]', "line 3 is a JSON list; expected one object per line"),
    ("[" * 100_000 + "]" * 100_000, "line 3 nests lists or objects too deeply to read"),  # was a RecursionError
])
def test_broken_jsonl_line_is_named(tmp_path, line, expected):
    path = tmp_path / "t.jsonl"
    path.write_text('{"conv": "a", "who": "client", "said": "Hi."}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_file(path, ReadOptions(table=MAPPING))
    assert info.value.code == "E131" and expected in str(info.value) and "t.jsonl" in str(info.value)


def test_a_lone_surrogate_escape_in_a_jsonl_table_reads_as_the_replacement_character(tmp_path):
    # half an emoji, as a JavaScript tool cutting text writes it: the table failed (E131, UnicodeEncodeError)
    path = tmp_path / "t.jsonl"
    path.write_text('{"conv": "a", "utt": 1, "who": "therapist", "said": "How was it?"}\n'
                    '{"conv": "a", "utt": 2, "who": "client", "said": "Fine \\ud83d and \\ud83d\\ude00 so"}\n',
                    encoding="utf-8")
    uncoded = replace(MAPPING, coder_col=None, code_cols=())
    interview = read_file(path, ReadOptions(table=uncoded)).interviews[0]
    assert interview.text.endswith("Fine \ufffd and \U0001f600 so")


def test_a_line_separator_inside_a_jsonl_string_breaks_no_line(tmp_path):
    # JSON writes U+2028, U+2029 and U+0085 as they are (json.dumps(ensure_ascii=False), JavaScript's
    # JSON.stringify); the line was broken there and the table failed (E131, unterminated string)
    path = tmp_path / "t.jsonl"
    rows = [{"conv": "a", "utt": 1, "who": "therapist", "said": "How was it?"},
            {"conv": "a", "utt": 2, "who": "client", "said": "Fine.\u2028She came\x85on her\u2029day off."}]
    path.write_text("\r\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    uncoded = replace(MAPPING, coder_col=None, code_cols=())
    assert read_file(path, ReadOptions(table=uncoded)).interviews[0].text.endswith("Fine. She came on her day off.")


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_saved_with_another_delimiter_reads_the_same(tmp_path, sep):
    # e.g. Excel in German or French locales saves "CSV" with semicolons; a comma inside a field stays text
    plain, other = tmp_path / "plain.csv", tmp_path / "other.csv"
    frame().to_csv(plain, index=False)
    rows = frame().assign(said=lambda f: f["said"].str.replace("My wife.", "My wife, mostly."))
    rows.to_csv(other, index=False, sep=sep)
    a, b = read_file(plain, ReadOptions(table=MAPPING)), read_file(other, ReadOptions(table=MAPPING))
    assert [iv.id for iv in a.interviews] == [iv.id for iv in b.interviews]
    assert b.interviews[1].text == a.interviews[1].text.replace("My wife.", "My wife, mostly.")
    assert len(a.codings) == len(b.codings)


def test_excel_workbook_reads_like_csv_with_a_note_on_other_sheets(tmp_path):
    plain, book = tmp_path / "t.csv", tmp_path / "t.xlsx"
    frame().to_csv(plain, index=False)
    with pd.ExcelWriter(book) as writer:
        frame().to_excel(writer, sheet_name="utterances", index=False)
        pd.DataFrame({"note": ["codebook draft"]}).to_excel(writer, sheet_name="notes", index=False)
    a, b = read_file(plain, ReadOptions(table=MAPPING)), read_file(book, ReadOptions(table=MAPPING))
    assert [(iv.id, iv.text) for iv in a.interviews] == [(iv.id, iv.text) for iv in b.interviews]
    assert b.warnings == ["read the first of 2 sheets, 'utterances'"]
    assert len(a.codings) == len(b.codings)


def test_a_workbook_s_speaker_merged_down_its_rows_speaks_each_of_them(tmp_path):
    # the rows under a merged speaker cell were speaker 'unknown', with a warning to fill them in
    import openpyxl

    book = openpyxl.Workbook()
    for row in [("interview_id", "speaker", "text"), ("p1", "Interviewer", "How was it?"), ("p1", "Participant", "Loud."),
                (None, None, "And cold."), (None, None, "Then better."), ("p2", "Interviewer", "And you?")]:
        book.active.append(row)
    book.active.merge_cells("A2:A5")
    book.active.merge_cells("B3:B5")
    book.active.merge_cells("C6:C7")  # past the table's rows: nothing to fill
    book.save(tmp_path / "t.xlsx")
    result = read_file(tmp_path / "t.xlsx")
    assert [(iv.id, [t.speaker for t in iv.turns]) for iv in result.interviews] == [
        ("p1", ["Interviewer", "Participant", "Participant", "Participant"]), ("p2", ["Interviewer"])]
    assert result.warnings == []


def test_a_workbook_s_table_below_empty_rows_is_read(tmp_path):
    # its empty first row was taken for the header: "column 'text' not found; available columns: Unnamed: 0..."
    import openpyxl

    book = openpyxl.Workbook()
    book.active["C3"], book.active["D3"], book.active["C4"], book.active["D4"] = "speaker", "text", "I", "How was it?"
    book.active["C5"], book.active["D5"] = "P", "Loud."
    book.save(tmp_path / "t.xlsx")
    assert [t.speaker for t in read_file(tmp_path / "t.xlsx").interviews[0].turns] == ["I", "P"]


@pytest.mark.parametrize("first", ["Interviewer: How was it?", "Jo: How was it?"])
def test_a_sheet_of_one_column_of_speakers_lines_is_read_as_a_transcript(tmp_path, first):
    # a transcript pasted into a sheet a line a row: its first line was taken for the header, and the file
    # was refused ("[E130] column 'text' not found; available columns: Interviewer: How was it?")
    import openpyxl

    book = openpyxl.Workbook()
    second = first.split(":")[0]
    for line in [first, "Participant: Loud, then quiet.", f"{second}: Why?", "Participant: The nurse."]:
        book.active.append([line])
    book.save(tmp_path / "t.xlsx")
    iv = read_file(tmp_path / "t.xlsx").interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [
        (second, "How was it?"), ("Participant", "Loud, then quiet."), (second, "Why?"), ("Participant", "The nurse.")]
    # a one-column table under a header that names no speaker is no transcript of lines
    book = openpyxl.Workbook()
    for line in ["Notes: ward 7", "Loud.", "Quiet."]:
        book.active.append([line])
    book.save(tmp_path / "u.xlsx")
    with pytest.raises(InputError, match="E130"):
        read_file(tmp_path / "u.xlsx")


def test_a_table_of_questions_and_answers_is_read_as_the_interviewers_and_the_participants_turns(tmp_path):
    # a written interview kept as a sheet of Question and Answer columns was refused: "column 'text' not
    # found; available columns: Participant, Question, Answer" (a Word table of them was read)
    import openpyxl

    book = openpyxl.Workbook()
    for row in [["Participant", "Question", "Answer"], ["P01", "Who helped you most?", "A support worker, Dee."],
                ["P01", "And the ward?", ""], ["P02", "Who helped you most?", "My GP, in the end."]]:
        book.active.append(row)
    book.save(tmp_path / "replies.xlsx")
    result = read_file(tmp_path / "replies.xlsx")
    assert [(iv.id, [(t.speaker, t.role, iv.turn_text(t)) for t in iv.turns]) for iv in result.interviews] == [
        ("P01", [("Interviewer", "interviewer", "Who helped you most?"),
                 ("Participant", "participant", "A support worker, Dee."),
                 ("Interviewer", "interviewer", "And the ward?")]),
        ("P02", [("Interviewer", "interviewer", "Who helped you most?"),
                 ("Participant", "participant", "My GP, in the end.")])]
    said = ("read as a table of questions and answers: each row's 'Question' is the interviewer's turn, its 'Answer' "
            "the participant's; its 'Participant' column tells the interviews apart")
    assert result.warnings == [said]
    # the sheet saved as text: its P01 cells were speakers' labels, each question and answer one's turn
    (tmp_path / "replies.txt").write_text("Participant\tQuestion\tAnswer\nP01\tWho helped you most?\tDee.\n"
                                          "P02\tWho helped you most?\tMy GP.\n", encoding="utf-8")
    saved = read_file(tmp_path / "replies.txt")
    assert [[iv.turn_text(t) for t in iv.turns] for iv in saved.interviews] == [
        ["Who helped you most?", "Dee."], ["Who helped you most?", "My GP."]]
    # with no row of names, its first question and answer were the columns' names: the error says so
    (tmp_path / "bare.csv").write_text('"Who helped you most?","A support worker, Dee."\n"And the ward?","Hard."\n',
                                       encoding="utf-8")
    with pytest.raises(InputError, match="E130") as info:
        read_file(tmp_path / "bare.csv")
    assert "Its first row reads as speech, not as the columns' names: add a row of names above it" in str(info.value)


def test_a_workbook_s_title_above_its_table_is_left_out_with_a_warning(tmp_path):
    # the title was taken for the header: "column 'text' not found; available columns: Interview 7, Unnamed: 1"
    import openpyxl

    book = openpyxl.Workbook()
    for row in [("Interview 7: transcript",), (), ("Recorded 12 May",), ("speaker", "text"), ("I", "How was it?"),
                ("P", "Loud.")]:
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    result = read_file(tmp_path / "t.xlsx")
    assert [t.speaker for t in result.interviews[0].turns] == ["I", "P"]
    assert ("the 2 line(s) above the table's header row are its title, not part of it: "
            "'Interview 7: transcript / Recorded 12 May'") in result.warnings
    # a table of one column keeps its rows, whatever a cell beside it says
    book = openpyxl.Workbook()
    for row in [("text",), ("One.",), ("Two.",), ("Three.", "a note")]:
        book.active.append(row)
    book.save(tmp_path / "u.xlsx")
    assert len(read_file(tmp_path / "u.xlsx").interviews[0].turns) == 3


@pytest.mark.parametrize("content", [
    "Interview 7: transcript\nspeaker,text\nI,How was it?\nP,\"Loud, then quiet.\"\n",
    "Interview 7: transcript,\nRecorded 12 May,\n,\nspeaker,text\nI,How was it?\nP,\"Loud, then quiet.\"\n",
    "Interview 7: transcript\n\nspeaker;text\nI;How was it?\nP;Loud, then quiet.\n",
])
def test_a_csv_s_title_above_its_table_is_left_out_with_a_warning(tmp_path, content):
    # as a spreadsheet saved as CSV keeps it: "column 'text' not found; available columns: Interview 7: transcript"
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [("I", "How was it?"), ("P", "Loud, then quiet.")]
    assert result.warnings[0].startswith("the ") and "'Interview 7: transcript" in result.warnings[0]
    # a table of one column with a semicolon in its speech keeps its delimiter and rows
    path.write_text("text\nOne; two.\nThree.\nFour.\n", encoding="utf-8")
    assert [iv.turn_text(t) for iv in read_file(path).interviews for t in iv.turns] == ["One; two.", "Three.", "Four."]


def test_a_comma_in_speech_not_in_quotes_is_joined_back_to_the_speech_with_a_warning(tmp_path):
    # refused before: "[E131] cannot parse the table (ParserError: ... Expected 3 fields in line 3, saw 5)"
    path = tmp_path / "t.csv"
    path.write_text("interview_id,speaker,text\ni1,I,How was it?\ni1,P,Well, she listened, you know.\ni1,I,And?\n",
                    encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [
        ("I", "How was it?"), ("P", "Well, she listened, you know."), ("I", "And?")]
    assert result.warnings == [(
        "1 row(s) held more cells than the header names, as a comma in speech that is not in quotes makes them (the "
        "first: 'i1,P,Well, she listened, you know.'); the cells past the last column, 'text', were joined to it "
        "again: check them, or put each speech in quotes")]
    # a table whose last column is no speech is refused as it was: its extra cells could belong anywhere
    path.write_text("interview_id,start,end,code,coder\ni1,0,5,care,a\ni1,6,9,care,a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E131\] cannot parse the table \(ParserError: .*Expected 5 fields"):
        load_frame(path)


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_a_csv_s_first_line_naming_its_delimiter_for_excel_is_no_title(tmp_path, sep):
    # "sep=;" was left out as the table's title, with a warning that it was one
    lines = [f"sep={sep}", f"speaker{sep}text", f'I{sep}"Who, then; and why?"', f"P{sep}The nurse."]
    path = tmp_path / "t.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [("I", "Who, then; and why?"), ("P", "The nurse.")]
    assert not any("title" in warning for warning in result.warnings)


@pytest.mark.parametrize(("content", "code", "expected"), [
    (b"PK\x03\x04 not really a zip", "E110", "not a valid .xlsx (corrupt or truncated zip"),
    (None, "E110", "not a valid .xlsx (no xl/workbook.xml inside); open it in Excel"),
])
def test_broken_workbook_is_named(tmp_path, content, code, expected):
    import zipfile

    path = tmp_path / "t.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == code and expected in str(info.value) and "t.xlsx" in str(info.value)


def test_a_workbook_with_two_cells_far_apart_is_refused_not_read_until_memory_runs_out(tmp_path):
    # one cell at A1 and one at XFD1048576 (a 5 kB file) made a padded table of 17 billion cells
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1048576"] = "interview_id", "x"
    book.save(tmp_path / "far.xlsx")
    with pytest.raises(InputError, match=r"far.xlsx: \[E131\] .*a sheet of more than 20,000,000 cells"):
        load_frame(tmp_path / "far.xlsx")


def test_a_workbook_formatted_out_to_its_last_column_reads_only_the_cells_up_to_its_last_value(tmp_path, monkeypatch):
    # a row formatted out to column XFD holds 16,384 cells, and pandas read each of them: 5,000 such rows
    # took two minutes (benchmarks/table_read.py)
    import openpyxl
    from openpyxl.styles import Font

    from tr_nlp.ingest import table

    book = openpyxl.Workbook()
    for row in [("speaker", "text"), ("I", "How was it?"), ("P", 0)]:
        book.active.append(row)
    for number in (1, 2, 3):
        book.active.cell(row=number, column=16384).font = Font(bold=True)
    book.save(tmp_path / "t.xlsx")
    read: list[object] = []
    cell_text = table._cell_text
    monkeypatch.setattr(table, "_cell_text", lambda value: read.append(value) or cell_text(value))
    frame, _ = load_frame(tmp_path / "t.xlsx")
    assert frame.to_dict("list") == {"speaker": ["I", "P"], "text": ["How was it?", "0"]}
    assert read == ["speaker", "text", "I", "How was it?", "P", 0]


def test_a_csv_saved_from_a_sheet_formatted_out_to_its_last_column_reads_only_the_columns_by_its_header(tmp_path):
    # each line of such a sheet of 3 columns ends with 16,381 commas: pandas made a column of each, and
    # 5,000 utterances took 6 minutes
    from tr_nlp.ingest.table import UNNAMED_COLUMNS_KEPT

    padding = "," * 300
    lines = ["speaker,text", "I,How was it?", 'P,"Loud, then quiet.",,,a note', "I,And then?"]
    (tmp_path / "t.csv").write_text("".join(line + padding + "\n" for line in lines), encoding="utf-8")
    frame, _ = load_frame(tmp_path / "t.csv")
    assert len(frame.columns) == 2 + UNNAMED_COLUMNS_KEPT
    assert frame["text"].tolist() == ["How was it?", "Loud, then quiet.", "And then?"]
    assert frame["Unnamed: 4"].tolist() == ["", "a note", ""]  # a note beside the table is kept
    iv = read_file(tmp_path / "t.csv").interviews[0]
    assert [(t.speaker, iv.turn_text(t)) for t in iv.turns] == [("I", "How was it?"), ("P", "Loud, then quiet."),
                                                                 ("I", "And then?")]


def test_a_workbook_s_error_cells_read_as_empty_ones(tmp_path):
    # pandas read an error as NaN: in the header row it became a column named nan
    import zipfile

    frame().to_excel(tmp_path / "t.xlsx", index=False)
    with zipfile.ZipFile(tmp_path / "t.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    error = '<c r="G1" t="e"><v>#REF!</v></c></row><row r="2">'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('</row><row r="2">', error, 1).encode()
    with zipfile.ZipFile(tmp_path / "t.xlsx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    loaded, _ = load_frame(tmp_path / "t.xlsx")
    assert list(loaded.columns)[6] == "Unnamed: 6" and loaded["said"].tolist() == [row[3] for row in ROWS]


def test_workbook_with_an_xml_entity_is_refused(tmp_path):
    import zipfile

    good, evil = tmp_path / "good.xlsx", tmp_path / "evil.xlsx"
    frame().to_excel(good, index=False)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":  # an external entity in place of a cell's text
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>' + data.replace(b"My wife.", b"&e;")
            out.writestr(name, data)
    with pytest.raises(InputError) as info:
        read_file(evil, ReadOptions(table=MAPPING))
    assert info.value.code == "E131" and "evil.xlsx" in str(info.value)


def test_missing_mapped_column_names_column_and_option(tmp_path):
    path = tmp_path / "t.csv"
    frame().to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_file(path, ReadOptions(table=TableMapping(text_col="utterance", speaker_col="who", group_col="conv")))
    message = str(info.value)
    assert info.value.code == "E130" and "utterance" in message and "--text-col" in message and "t.csv" in message
    with pytest.raises(InputError) as info:  # no option sets it: where it is set is named
        read_file(path, ReadOptions(table=replace(MAPPING, metadata_cols=("site",))))
    assert "Set 'metadata_cols' under 'table:' in corpus.yaml to the right column name" in str(info.value)
    with pytest.raises(InputError) as info:  # a time column has its option
        read_file(path, ReadOptions(table=replace(MAPPING, timestamp_col="at")))
    assert "Pass --timestamp-col with the right column name" in str(info.value)


def test_conflicting_text_for_one_utterance_is_an_error(tmp_path):
    rows = frame()
    rows.loc[3, "said"] = "Something else."
    path = tmp_path / "t.csv"
    rows.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_file(path, ReadOptions(table=MAPPING))
    assert info.value.code == "E133"


def test_binary_code_columns_and_clashing_values(tmp_path):
    rows = pd.DataFrame({"interview_id": ["a", "a"], "speaker": ["I", "P"], "text": ["Q?", "A."],
                         "care": ["False", "True"], "x": ["other", ""], "y": ["", "other"]})
    path = tmp_path / "t.csv"
    rows.to_csv(path, index=False)
    result = read_file(path, ReadOptions(table=TableMapping(code_cols=("care", "x", "y"))))
    assert sorted(c.code for c in result.codings) == ["care", "x:other", "y:other"]


def test_no_group_column_means_one_interview(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"speaker": ["P", "P"], "text": ["one", "two"]}).to_csv(path, index=False)
    result = read_file(path)
    assert [iv.id for iv in result.interviews] == ["survey"]
    assert "one interview" in result.warnings[0]


def test_a_table_of_whole_transcripts_reads_the_speaker_labels_in_their_text(tmp_path):
    # a spreadsheet of one transcript per row, labels in its text: the interviewer's questions
    # were the participant's speech, and the classifiers learnt from them
    path = tmp_path / "transcripts.csv"
    pd.DataFrame({"interview_id": ["p01", "p02", "p03"], "code": ["", "warmth", ""], "transcript": [
        "Interviewer: How was the ward?\nParticipant: Loud. But the nurse sat with me.\nInterviewer: Mm.",
        "Interviewer: Who helped? Participant: My GP. Interviewer: How? Participant: He listened.",
        "So the nurse, she stayed with me."]}).to_csv(path, index=False)
    mapping = TableMapping(text_col="transcript", speaker_col=None, code_cols=("code",))
    result = read_file(path, ReadOptions(table=mapping))
    said = {iv.id: [(t.speaker, t.role, iv.turn_text(t)) for t in iv.turns] for iv in result.interviews}
    assert said == {
        "p01": [("Interviewer", "interviewer", "How was the ward?"),
                ("Participant", "participant", "Loud. But the nurse sat with me."), ("Interviewer", "interviewer", "Mm.")],
        "p02": [("Interviewer", "interviewer", "Who helped?"), ("Participant", "participant", "My GP."),
                ("Interviewer", "interviewer", "How?"), ("Participant", "participant", "He listened.")],
        "p03": [("unknown", "participant", "So the nurse, she stayed with me.")]}
    p02 = result.interviews[1]
    assert [(c.interview_id, c.code, p02.text[c.start:c.end]) for c in result.codings] == [
        ("p02", "warmth", p02.text)]  # a row's code codes its whole text
    assert result.warnings == [
        ("no 'speaker' column; the speaker labels in the text of p01, p02 name the speakers (read as a plain-text "
         "transcript is)"),
        ("no 'speaker' column; every row of the others is speech of speaker 'unknown', taken as participant (pass "
         "--speaker-col to name the column)"),
        ("interview p02: 3 speaker labels ran on after another speaker's words within a line, as in a transcript "
         "whose line breaks were lost: each now starts a line of its own (offsets unchanged)")]


def test_no_speaker_column_means_the_participant_speaks_like_unlabelled_text(tmp_path):
    # Whisper's .tsv (start, end, text) and one-column tables of answers failed with E130: no 'speaker'
    path = tmp_path / "rec.tsv"
    path.write_text("start\tend\ttext\n0\t4000\tSo the nurse, she stayed.\n4500\t8500\tShe rang back.\n",
                    encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert [(t.speaker, t.role, iv.turn_text(t)) for t in iv.turns] == [
        ("unknown", "participant", "So the nurse, she stayed."), ("unknown", "participant", "She rang back.")]
    assert ("no 'speaker' column; every row is speech of speaker 'unknown', taken as participant (pass "
            "--speaker-col to name the column)") in result.warnings
    options = ReadOptions(table=TableMapping(speaker_col="who"))  # a column the user names must be there
    with pytest.raises(InputError) as info:
        read_file(path, options)
    assert info.value.code == "E130" and "'who'" in str(info.value)


def test_an_id_written_once_per_interview_holds_for_the_rows_below_it(tmp_path):
    # a spreadsheet (or merged cells) writes each id on an interview's first row; the blank
    # rows were one interview with the id '' and segment ids like ':t0'
    path = tmp_path / "t.csv"
    path.write_text("interview_id,speaker,text\na,I,Who helped?\n,P,She did.\nb,I,And you?\n,P,Me.\n,I,Thanks.\n")
    result = read_file(path)
    assert [(iv.id, len(iv.turns)) for iv in result.interviews] == [("a", 2), ("b", 3)]
    assert result.warnings == [("3 row(s) with no 'interview_id' (the first is data row 2) were read as "
                                "part of the interview on the row above them")]


@pytest.mark.parametrize("ids,expected", [
    (["", "a"], "E135"),  # nobody says whose the first row is
    (["", ""], "one interview"),  # an empty column: as no column
])
def test_leading_or_all_blank_ids(tmp_path, ids, expected):
    path = tmp_path / "t.csv"
    pd.DataFrame({"interview_id": ids, "speaker": ["I", "P"], "text": ["Q?", "A."]}).to_csv(path, index=False)
    if expected == "E135":
        with pytest.raises(InputError) as info:
            read_file(path)
        assert info.value.code == "E135" and "t.csv" in str(info.value) and "data row 1" in str(info.value)
    else:
        result = read_file(path)
        assert [iv.id for iv in result.interviews] == ["t"] and expected in result.warnings[0]


def test_rows_with_no_speaker_are_named_in_a_warning(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("interview_id,speaker,text\na,I,Who helped?\na,,She did.\na,P,\n")
    result = read_file(path)
    assert [t.speaker for t in result.interviews[0].turns][:2] == ["I", "unknown"]
    assert result.warnings[0].startswith("1 row(s) with text but no 'speaker' (the first is data row 2)")


def test_common_column_names_stand_in_for_the_defaults_with_a_note(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"Transcript_ID": ["1", "1", "2"], "Speaker_Name": ["I", "P", "P"],
                  "utterance": ["Why?", "Because.", "Yes."]}).to_csv(path, index=False)
    result = read_file(path)
    assert [(iv.id, len(iv.turns)) for iv in result.interviews] == [("1", 2), ("2", 1)]
    assert result.interviews[0].text == "I: Why?\nP: Because."
    assert result.warnings == [
        "no 'text' column; using 'utterance' (pass --text-col to choose another)",
        "no 'speaker' column; using 'Speaker_Name' (pass --speaker-col to choose another)",
        "no 'interview_id' column; using 'Transcript_ID' (pass --group-col to choose another)",
    ]


@pytest.mark.parametrize("speaker,text", [
    ("Speaker", "Dialogue"), ("speaker_label", "content"), ("Speaker", "Verbatim"), ("Person", "Message"),
    ("Role", "Statement"), ("Sprecher", "Text"), ("Spreker", "Tekst"), ("Talare", "Text"), ("Locuteur", "Texte"),
    ("Hablante", "Texto"), ("Interlocutore", "Testo"), ("Puhuja", "Teksti"), ("Sprecherin", "Äußerung")])
def test_speaker_and_speech_columns_named_as_other_tools_and_languages_name_them(tmp_path, speaker, text):
    # a team's "Spreker | Tekst" or a chat's "Person | Message" was refused: "column 'text' not found"
    path = tmp_path / "t.csv"
    pd.DataFrame({speaker: ["I", "P"], text: ["Why?", "Because."]}).to_csv(path, index=False)
    interview = read_file(path).interviews[0]
    assert [(t.speaker, t.role, interview.turn_text(t)) for t in interview.turns] == [
        ("I", "interviewer", "Why?"), ("P", "participant", "Because.")]


@pytest.mark.parametrize("column", ["Case", "Document name", "File name", "Source", "Interview No"])
def test_an_interview_column_named_as_qualitative_tools_name_it(tmp_path, column):
    # NVivo's cases, a document's or file's name: the whole table was one interview
    path = tmp_path / "t.csv"
    pd.DataFrame({column: ["A", "A", "B"], "speaker": ["I", "P", "P"], "text": ["Why?", "Because.", "Yes."]}
                 ).to_csv(path, index=False)
    result = read_file(path)
    assert [(iv.id, len(iv.turns)) for iv in result.interviews] == [("A", 2), ("B", 1)]
    assert result.warnings == [f"no 'interview_id' column; using '{column}' (pass --group-col to choose another)"]


def test_a_table_without_an_interview_column_is_one_interview_and_says_how_to_name_one(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"Participant": ["A", "B"], "speaker": ["I", "P"], "text": ["Why?", "Because."]}
                 ).to_csv(path, index=False)
    result = read_file(path)
    assert len(result.interviews) == 1
    assert result.warnings[0] == ("no 'interview_id' column; the whole table is one interview (pass --group-col to "
                                  "name the column that tells interviews apart)")


def test_two_stand_ins_are_not_guessed_between(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"speaker": ["P"], "content": ["one"], "utterance": ["two"]}).to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.code == "E130" and "'text'" in str(info.value)


@pytest.mark.shared_data
def test_annomi_preset(annomi_full):
    corpus = load_corpus([annomi_full], ReadOptions(table=TableMapping.preset("annomi")))
    assert len(corpus.interviews) == 133
    assert sum(len(iv.turns) for iv in corpus.interviews) == 9699  # each utterance once
    multi = {}
    for c in corpus.codings:
        multi.setdefault((c.interview_id, c.start), set()).add(c.coder)
    assert sum(len(v) == 10 for v in multi.values()) == 428  # 10 annotators kept as coders
    iv = corpus.by_id()["0"]
    assert iv.metadata["topic"] == "reducing alcohol consumption"
    assert iv.turns[0].role == "interviewer" and iv.turns[1].role == "participant"


def test_cp1252_table_is_read_with_a_warning(write):
    path = write("win.csv", "transcript_id,speaker,text\n1,Interviewer,Caf\xe9?\n1,Client,\u201cFine\u201d\n".encode("cp1252"))
    result = read_file(path)
    assert result.interviews[0].text.count("Caf\u00e9") == 1
    assert any("cp1252" in w for w in result.warnings)


def test_a_times_column_keeps_only_readable_times(tmp_path):
    # "inf" or a negative number read as a time made the report and inspect fail formatting it
    path = tmp_path / "t.csv"
    path.write_text("interview_id,speaker,text,at\na,I,Who helped?,inf\na,P,The nurse.,-3\na,I,When?,00:00:05\n"
                    "a,P,Later.,soon\n", encoding="utf-8")
    iv = read_file(path, ReadOptions(table=TableMapping(timestamp_col="at"))).interviews[0]
    assert [t.timestamp for t in iv.turns] == [None, None, 5.0, None]


def test_default_columns_in_another_case_and_a_start_time_column(tmp_path):
    # a transcription service's CSV ("Speaker", "Start Time", "Text") was refused: no 'text' column
    path = tmp_path / "otter.csv"
    path.write_text("Interview ID,Speaker,Start Time,End Time,Text\n7,Speaker 1,00:00:03,00:00:10,How was it?\n"
                    "7,Speaker 2,00:01:12.5,00:01:20,Hard.\n", encoding="utf-8")
    result = read_file(path)
    iv = result.interviews[0]
    assert iv.id == "7"
    assert [(t.speaker, iv.text[t.start:t.end], t.timestamp) for t in iv.turns] == [
        ("Speaker 1", "How was it?", 3.0), ("Speaker 2", "Hard.", 72.5)]
    assert not any("using" in w for w in result.warnings)  # "Text" is 'text': nothing to say


@pytest.mark.parametrize(("header", "expected"), [
    ("start\tend\ttext", [3.2, 12.0]),  # Whisper's .tsv: milliseconds
    ("start\tend\ttext\tspeaker", [None, None]),  # whole numbers elsewhere: seconds or milliseconds?
    ("begin\tend\ttext", [None, None]),
])
def test_whole_number_start_columns_are_times_only_in_whispers_tsv(tmp_path, header, expected):
    path = tmp_path / "w.tsv"
    extra = "\tP" if "speaker" in header else ""
    path.write_text(f"{header}\n3200\t10000\tSo, how was it?{extra}\n12000\t20000\tHard.{extra}\n", encoding="utf-8")
    assert [t.timestamp for t in read_file(path).interviews[0].turns] == expected


def test_a_start_column_of_seconds_or_clock_times_gives_times(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("start,speaker,text\n3.25,I,How was it?\n0:12,P,Hard.\n,I,Right.\n", encoding="utf-8")
    assert [t.timestamp for t in read_file(path).interviews[0].turns] == [3.25, 12.0, None]


def test_nvivo_s_timespan_column_gives_each_row_its_start(tmp_path):
    # NVivo's transcript layout, 'Timespan | Content | Speaker': the spans gave no time
    path = tmp_path / "x.csv"
    path.write_text("Timespan,Content,Speaker\n0:00:01.0 - 0:00:03.2,Who helped?,Jane\n"
                    "0:00:03.2 - 0:00:09.0,\"Jo did, at first.\",Sam\n", encoding="utf-8")
    assert [(t.speaker, t.timestamp) for t in read_file(path).interviews[0].turns] == [("Jane", 1.0), ("Sam", 3.2)]


def test_a_name_column_names_speakers_and_a_timecode_column_gives_times(tmp_path):
    # "Name | Time | Utterance" (a transcript table) was one unknown speaker's speech; a subtitling
    # tool's "Timecode In" (hours to frames) gave no time
    named = tmp_path / "named.tsv"
    named.write_text("Name\tTime\tUtterance\nInterviewer\t0:01\tSo how was it?\nJane\t0:05\tHard.\n", encoding="utf-8")
    coded = tmp_path / "timecode.csv"
    coded.write_text("Timecode In,Timecode Out,Speaker,Transcript\n00:00:01:00,00:00:04:00,Interviewer,So how was it?\n"
                     "00:00:05:12,00:00:09:00,Jane,Hard.\n", encoding="utf-8")
    for path in (named, coded):
        result = read_file(path)
        assert [(t.speaker, t.role, t.timestamp) for t in result.interviews[0].turns] == [
            ("Interviewer", "interviewer", 1.0), ("Jane", "participant", 5.0)]
    assert any("using 'Name'" in w for w in read_file(named).warnings)
    # but a spreadsheet of coded quotes with a participant's name is still no transcript
    quotes = tmp_path / "quotes.csv"
    quotes.write_text("Participant,Name,Code,Coder,Quote\np07,Jo,trust,ann,She listened.\n", encoding="utf-8")
    with pytest.raises(InputError, match="E136"):
        read_file(quotes)


def test_codings_and_segment_tables_beside_the_transcripts_are_refused_not_read_as_interviews(tmp_path):
    """`code study/ -o study/suggestions.csv`, or a codings table kept beside the transcripts
    with no corpus.yaml: read as utterances, each row made p01 again from sentences or quotes,
    and p01.txt itself then failed as a duplicate (E166)."""
    text = "I: How was she?\nP: She never judged me. She stayed late."
    (tmp_path / "p01.txt").write_text(text)
    pd.DataFrame({"interview_id": ["p01"], "start": ["19"], "end": ["38"], "code": ["non_stigmatizing"],
                  "coder": ["ann"], "text": ["She never judged me"]}).to_csv(tmp_path / "codings.csv", index=False)
    pd.DataFrame({"interview_id": ["p01", "p01"], "segment_id": ["p01:s0", "p01:s1"], "start": [19, 41],
                  "end": [40, 57], "speaker": ["P", "P"], "text": ["She never judged me.", "She stayed late."],
                  "code": ["x", "x"], "probability": [0.9, 0.2]}).to_parquet(tmp_path / "suggestions.parquet")
    corpus = load_corpus([tmp_path])
    assert [i.text for i in corpus.interviews] == [text]
    errors = {report.path.rsplit("/", 1)[-1]: str(report.error) for report in corpus.files if report.error}
    assert set(errors) == {"codings.csv", "suggestions.parquet"}
    assert "[E136] is a codings table" in errors["codings.csv"] and "give it as --codings" in errors["codings.csv"]
    assert "[E136] is a table of segments that tr_nlp wrote" in errors["suggestions.parquet"]
    # named as codings, it is read as codings
    assert [c.code for c in load_corpus([tmp_path], codings=tmp_path / "codings.csv").codings] == ["non_stigmatizing"]


@pytest.mark.parametrize("columns,rows", [
    # timed utterances with a code per row: start and end are times, not offsets
    (["interview_id", "start", "end", "text", "code"], [["a", "00:00:01", "00:00:04", "Hello.", "greet"]]),
    # whole seconds, but each row names its speaker
    (["interview_id", "start", "end", "speaker", "text", "code"], [["a", "1", "4", "P", "Hello.", "greet"]]),
    # a transcription service's own segment ids
    (["interview_id", "segment_id", "start", "end", "speaker", "text"], [["a", "seg-1", "1", "4", "P", "Hello."]]),
])
def test_utterance_tables_that_share_column_names_with_codings_are_still_read(tmp_path, columns, rows):
    path = tmp_path / "t.csv"
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    assert [i.id for i in read_file(path).interviews] == ["a"]


def test_a_table_named_for_what_it_is_is_read_as_told(tmp_path):
    path = tmp_path / "segments.csv"
    pd.DataFrame({"interview_id": ["a"], "segment_id": ["a:s0"], "start": ["0"], "end": ["6"], "speaker": ["P"],
                  "text": ["Hello."]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="E136"):
        read_file(path)
    assert [i.id for i in read_file(path, ReadOptions(table=TableMapping(text_col="text"))).interviews] == ["a"]


@pytest.mark.parametrize("columns", [
    ["Interview", "Code", "Coder", "Quote"],      # a team's spreadsheet of coded quotes
    ["Interview", "Role", "Code", "Coder", "Quote"],  # ... saying whose words each quote is
    ["interview_id", "code", "coder", "text"],    # tr_nlp's codings table without offsets
])
def test_a_table_of_coded_quotes_among_the_transcripts_is_refused_as_codings(tmp_path, columns):
    path = tmp_path / "quotes.csv"
    row = ["p01", "participant", "warmth", "ann", "she never judged me"] if "Role" in columns else [
        "p01", "warmth", "ann", "she never judged me"]
    pd.DataFrame([row], columns=columns).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"E136\] is a codings table .*give it as --codings"):
        read_file(path)


@pytest.mark.parametrize("segment_id,refused", [("a:s0..a:s3", True), ("a:w2", True), ("a:1", False), ("a:seg1", False)])
def test_only_tr_nlps_own_segment_ids_mark_a_table_as_its_output(tmp_path, segment_id, refused):
    path = tmp_path / "t.csv"
    pd.DataFrame({"interview_id": ["a"], "segment_id": [segment_id], "speaker": ["P"], "text": ["Hello."]}).to_csv(
        path, index=False)
    if refused:  # topics.parquet: a passage of sentences s0 to s3
        with pytest.raises(InputError, match="E136"):
            read_file(path)
    else:  # another tool's ids
        assert [i.id for i in read_file(path).interviews] == ["a"]


def test_a_table_saved_with_a_byte_order_mark_and_a_windows_character_keeps_its_first_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfinterview_id,speaker,text\na,P,She didn\x92t judge me.\n")
    result = read_file(path)
    assert [(i.id, i.text) for i in result.interviews] == [("a", "P: She didn’t judge me.")]
    assert "Windows (cp1252)" in result.warnings[0]


def test_the_pseudonymisation_mapping_among_the_transcripts_is_refused_saying_what_it_is(tmp_path):
    path = tmp_path / "mapping.csv"  # what pseudonymise --mapping writes
    pd.DataFrame({"placeholder": ["[PERSON_1]"], "kind": ["PERSON"], "original": ["Karen"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"E136\] is a pseudonymisation mapping .* keep it private"):
        read_file(path)


def test_rows_of_no_text_are_left_out_not_read_as_empty_turns(tmp_path):
    # each was a turn of no words: a line "client: " in the text, and the neighbour the context model read
    path = tmp_path / "t.csv"
    path.write_text("conv,utt,who,said,annotator,label\n"
                    "a,1,therapist,How was it?,x,question\na,2,client, ,x,neutral\na,3,therapist,,x,\n"
                    "a,4,client,Fine.,x,change\n", encoding="utf-8")
    result = read_file(path, ReadOptions(table=MAPPING))
    [interview] = result.interviews
    assert interview.text == "therapist: How was it?\nclient: Fine."
    assert [interview.text[t.start:t.end] for t in interview.turns] == ["How was it?", "Fine."]
    assert [(interview.text[c.start:c.end], c.code) for c in result.codings] == [
        ("How was it?", "question"), ("Fine.", "change")]
    assert result.warnings == ["2 row(s) with no 'said' (the first is data row 2) were left out, and with them "
                               "1 code value(s): a passage of no words can be neither read nor coded"]
    path.write_text("conv,utt,who,said,annotator,label\na,1,therapist,,x,question\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_file(path, ReadOptions(table=MAPPING))
    assert info.value.code == "E134" and "the 'said' column is empty on every row" in str(info.value)


def test_lone_surrogates_are_replaced_however_deeply_the_json_nests():
    from tr_nlp.jsonfile import loads

    depth = 900  # json.loads reads it; a recursive walk of it would overflow Python's stack
    value = loads("[" * depth + '{"\\ud800": "x\\udc00", "y": ["\\ud83d\\ude00"]}' + "]" * depth)
    for _ in range(depth):
        [value] = value
    assert value == {"\ufffd": "x\ufffd", "y": ["\U0001f600"]}
    # an escaped backslash before "ud800" is text, and the escape after it is still found alone
    assert loads(r'["\\ud800", "\\\ud800", "\\ud83d\udc00"]') == ["\\ud800", "\\\ufffd", "\\ud83d\ufffd"]
