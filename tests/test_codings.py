import pandas as pd
import pytest

from tr_nlp.codebook import codebook_from_dict
from tr_nlp.errors import CodingsError, InputError
from tr_nlp.ingest import read_codings
from tr_nlp.schema import Code, Codebook, Coding, Interview, Turn

TEXT = "I: Who helped?\nP: Sam did, she stayed late."
INTERVIEWS = {"i": Interview("i", TEXT, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, len(TEXT))))}
CODEBOOK = Codebook((Code("beyond_routine"), Code("warmth")))
HEADER = "interview_id,start,end,code,coder,text\n"


def write(tmp_path, rows):
    path = tmp_path / "codings.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_good_rows_are_read_and_unknown_interviews_skipped_with_a_warning(tmp_path):
    path = write(tmp_path, "i,18.0,25,beyond_routine,A,Sam did\ngone,0,5,warmth,A,\ngone,5,9,warmth,B,\n")
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    assert codings == [Coding("i", 18, 25, "beyond_routine", "A")]
    assert warnings == ["2 coding(s) of 1 interview(s) not in the corpus were skipped: 'gone' (2)"]


def test_a_table_naming_none_of_the_interviews_read_says_how_interviews_are_named(tmp_path):
    # every row skipped, and then train said "the corpus has no human codings; pass --codings"
    from tr_nlp.coding.train import coded_data
    from tr_nlp.errors import ModelError
    from tr_nlp.ingest import load_corpus

    path = write(tmp_path, "P1,18,25,warmth,A,\nP2,18,25,warmth,A,\n")
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    assert codings == [] and warnings == [
        "2 coding(s) of 2 interview(s) not in the corpus were skipped: 'P1' (1), 'P2' (1); it names none of the 1 "
        "interviews read ('i'): a transcript file's interview is named by the file's name without its extension "
        "(demo01.docx is 'demo01'); name them so in its interview_id column, or check that these are the "
        "transcripts it codes"]
    (tmp_path / "i.txt").write_text(TEXT, encoding="utf-8")
    with pytest.raises(ModelError, match="no human codings of the interviews read; pass them with --codings \\(given"):
        coded_data(load_corpus([tmp_path / "i.txt"], codings=[path]))


def test_names_from_file_names_on_macos_are_the_names_a_person_types(tmp_path):
    # macOS keeps a file name's accents decomposed ("Zoe" and a combining diaeresis): the interview
    # read from "Zoe\u0308.txt" was not the "Zo\u00eb" of the codings table (its codings were skipped as
    # not in the corpus), and a coder named by a table's file name was another than in comments
    from tr_nlp.ingest import load_corpus

    decomposed, composed = "Zoe\u0308", "Zo\u00eb"
    (tmp_path / f"{decomposed}.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / f"{decomposed}2.txt").write_text(TEXT.replace("Sam", "Kim"), encoding="utf-8")
    table = "interview_id,start,end,code\n"
    (tmp_path / "A\u030asa.csv").write_text(table + f"{composed},18,25,beyond_routine\n{decomposed}2,18,25,warmth\n",
                                           encoding="utf-8")
    (tmp_path / "Ben.csv").write_text(table + f"{composed}2,18,25,warmth\n", encoding="utf-8")
    corpus = load_corpus(sorted(tmp_path.glob("*.txt")), codings=sorted(tmp_path.glob("*.csv")))
    assert [iv.id for iv in corpus.interviews] == [composed, f"{composed}2"]
    assert sorted(corpus.codings, key=lambda c: (c.interview_id, c.coder)) == [Coding(composed, 18, 25, "beyond_routine", "\u00c5sa"),
                                      Coding(f"{composed}2", 18, 25, "warmth", "Ben"),
                                      Coding(f"{composed}2", 18, 25, "warmth", "\u00c5sa")]
    assert not [w for w in corpus.warnings if "not in the corpus" in w]


def test_a_coder_or_code_named_in_another_case_or_spacing_is_one(tmp_path):
    # "Anna" in one table and "anna" in another (or in rows typed by hand) were two coders:
    # each read as having coded nothing in the other's interviews, which halved their agreement;
    # without a codebook, "Warmth" and "warmth" were two codes the coders never agreed on
    from tr_nlp.coding.train import coded_data
    from tr_nlp.ingest import load_corpus

    (tmp_path / "i1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "i2.txt").write_text(TEXT.replace("Sam", "Kim"), encoding="utf-8")
    (tmp_path / "anna.csv").write_text("interview_id,start,end,code\ni1,18,25,warmth\ni2,18,25,warmth\n",
                                       encoding="utf-8")
    (tmp_path / "team.csv").write_text("interview_id,start,end,code,coder\ni1,18,25,warmth,Ben\n"
                                       "i2,18,25,warmth,Anna\ni2,18,25,warmth,Ben\ni2,26,30,Warmth,Coder B\n",
                                       encoding="utf-8")
    (tmp_path / "read.csv").write_text("interview_id,start,end,coder\ni1,0,43,ANNA\n", encoding="utf-8")
    corpus = load_corpus(sorted(tmp_path.glob("*.txt")), codings=[tmp_path / "anna.csv", tmp_path / "team.csv"],
                         reviewed=[tmp_path / "read.csv"])
    assert sorted((c.interview_id, c.coder) for c in corpus.codings) == [
        ("i1", "Ben"), ("i1", "anna"), ("i2", "Ben"), ("i2", "Coder B"), ("i2", "anna")]
    assert [r.coder for r in corpus.reviewed] == ["anna"]
    assert corpus.warnings[-2:] == [
        "coders named in more than one way are read as one each: 'Anna' as 'anna', 'ANNA' as 'anna'",
        "codes named in more than one way are read as one each: 'Warmth' as 'warmth'"]
    assert {c.code for c in corpus.codings} == {"warmth"}
    assert sorted(coded_data(corpus).humans) == ["Ben", "Coder B", "anna"]


def test_coders_tables_of_one_name_in_two_folders_are_two_coders(tmp_path):
    # anna/codings.csv and ben/codings.csv, without a coder column, were both coder "codings":
    # two people's codings one coder's, their agreement never measured
    from tr_nlp.ingest import load_corpus

    (tmp_path / "i1.txt").write_text(TEXT, encoding="utf-8")
    for coder, span in (("anna", "18,25"), ("ben", "26,30")):
        (tmp_path / coder).mkdir()
        (tmp_path / coder / "codings.csv").write_text(f"interview_id,start,end,code\ni1,{span},warmth\n",
                                                      encoding="utf-8")
    tables = [tmp_path / "anna" / "codings.csv", tmp_path / "ben" / "codings.csv"]
    corpus = load_corpus([tmp_path / "i1.txt"], codings=tables)
    assert sorted((c.coder, c.start) for c in corpus.codings) == [("anna", 18), ("ben", 26)]
    said = " ".join(corpus.warnings)
    assert "2 codings tables without a coder column share the name 'codings'" in said
    assert "each is taken for the coder its folder or path names ('anna', 'ben'); give them a coder column" in said


def test_a_codebooks_names_are_composed_as_codings_names_are():
    book = Codebook((Code("O\u0308ppenhet", aliases=("O\u0308P",)), Code("va\u0308rme", parent="O\u0308ppenhet")),
                    groups={"ton": ("O\u0308ppenhet", "va\u0308rme")})
    assert book.names == ["\u00d6ppenhet", "v\u00e4rme"] and "\u00d6ppenhet" in book
    assert book.groups == {"ton": ("\u00d6ppenhet", "v\u00e4rme")} and book.codes[1].parent == "\u00d6ppenhet"
    assert book.codes[0].aliases == ("\u00d6P",)
    assert Coding("i", 0, 1, "va\u0308rme", "A").code in book


def test_codings_by_tr_nlps_machine_users_are_left_out_and_rows_keep_their_numbers(tmp_path):
    # a codings table from a project that holds the model's suggestions: they are not human coding
    rows = ("i,18,25,beyond_routine,tr_nlp model study 1,\ni,18,25,warmth,tr_nlp topic discovery,\n"
            "i,18,25,warmth,A,Sam did\n")
    codings, warnings = read_codings(write(tmp_path, rows), INTERVIEWS, CODEBOOK)
    assert codings == [Coding("i", 18, 25, "warmth", "A")]
    assert warnings == ["2 coding(s) by tr_nlp's own machine users left out (tr_nlp model study 1: 1, tr_nlp topic "
                        "discovery: 1): suggestions are not human coding; to accept one, code that passage under "
                        "your own name"]
    with pytest.raises(CodingsError, match="row 4: code 'made_up'"):  # the file's row, machine rows counted
        read_codings(write(tmp_path, rows.replace("warmth,A", "made_up,A")), INTERVIEWS, CODEBOOK)
    quoted = "interview_id,code,coder,text\ni,warmth,tr_nlp model m 1,Sam did\ni,warmth,A,Nobody said\n"
    (tmp_path / "q.csv").write_text(quoted, encoding="utf-8")
    with pytest.raises(CodingsError, match="row 3"):
        read_codings(tmp_path / "q.csv", INTERVIEWS, CODEBOOK)


@pytest.mark.parametrize(("row", "code", "expected"), [
    ("i,18,x,warmth,A,", "E150", "row 2: start and end must be whole character offsets, found '18' and 'x'"),
    ("i,18,25.5,warmth,A,", "E150", "found '18' and '25.5'"),
    ("i,26,18,warmth,A,", "E151", "span 26-18 lies outside interview 'i'"),
    ("i,18,999,warmth,A,", "E151", "span 18-999 lies outside interview 'i' (text length 43)"),
    ("i,18,25,warmth,A,Tom did", "E152", "found 'Sam did', expected 'Tom did'"),
    ("i,18,26,made_up,A,", "E153", "row 2: code 'made_up' is not in the codebook"),
    ("i,18,25,,A,", "E156", "row 2: no code; every row names its interview, code and coder"),
    ("i,18,25,warmth, ,", "E156", "row 2: no coder"),
    (",18,25,warmth,A,", "E156", "row 2: no interview_id"),
    ("i,18,99999999999999999999999,warmth,A,", "E151", "span 18-99999999999999999999999 lies outside"),
])
def test_bad_row_is_named_with_its_problem(tmp_path, row, code, expected):
    with pytest.raises(CodingsError) as info:
        read_codings(write(tmp_path, row + "\n"), INTERVIEWS, CODEBOOK)
    assert info.value.code == code and expected in str(info.value) and "codings.csv" in str(info.value)


def test_codings_of_a_transcript_edited_since_move_to_where_their_text_now_stands(tmp_path):
    # a word corrected near the top of a transcript after coding shifted every coding's offsets,
    # and the whole table was refused (E152), though each row's text said where it belonged
    edited = "I: So who helped you?\nP: Sam did, she stayed late. Sam did.\n"
    interviews = {"i": Interview("i", edited)}
    rows = ("i,18,25,warmth,A,Sam did\n"  # now at 25: the place nearest 18 of its two
            "i,27,44,beyond_routine,A,she stayed late.\n"  # now at 34
            "i,30,36,warmth,B,stayed\n"  # now at 38
            "i,3,21,warmth,B,So who helped you?\n"  # right where it was: not moved
            "i,40,80,warmth,C,Sam did.\n")  # past the end, once: found all the same
    codings, warnings = read_codings(write(tmp_path, rows), interviews, CODEBOOK)
    assert [edited[c.start:c.end] for c in codings] == [
        "Sam did", "she stayed late.", "stayed", "So who helped you?", "Sam did."]
    assert codings[0].start == edited.index("Sam did")
    assert warnings == [(
        "4 coding(s) moved to where their 'text' now stands in the transcript (row(s) 2, 3, 4, 6): their offsets "
        "pointed at other characters, as after the transcript was edited; the place nearest the old one where the "
        "text is found is coded")]
    with pytest.raises(CodingsError, match="E152.*and that text is nowhere in the interview"):
        read_codings(write(tmp_path, "i,18,25,warmth,A,Tom did\n"), interviews, CODEBOOK)


def test_every_code_the_codebook_lacks_is_named_at_once_with_the_code_meant(tmp_path):
    # a table with two misnamed codes stopped at the first row of the first, naming no code of the
    # codebook: a team mended one row, ran again, and met the next
    rows = ("i,18,25,going beyond routine,A,\ni,18,25,warmth,A,\ni,18,25,made_up,B,\n"
            "i,18,26,going beyond routine,B,\ni,18,26,going beyond routine,C,\n")
    with pytest.raises(CodingsError) as info:
        read_codings(write(tmp_path, rows), INTERVIEWS, CODEBOOK)
    assert info.value.code == "E153"
    assert str(info.value).endswith(
        "codings row 2: code 'going beyond routine' is not in the codebook (and in 2 more rows: 5, 6; did you mean "
        "'beyond_routine'?); nor is 'made_up' (row 4); add each to the codebook (as a code, or an alias of one) or "
        "correct each in the table; the codebook's codes: beyond_routine, warmth")


def test_a_table_of_other_tools_places_says_why_they_are_not_offsets(tmp_path):
    # 'Start' and 'End' (capitalised, as spreadsheets head them) are not read as offsets; the
    # error said only "a codings table without start and end needs a 'text' column ..., and the corpus"
    path = tmp_path / "codings.csv"
    path.write_text("Interview,Start,End,Code,Coder\ni,18,25,warmth,A\n", encoding="utf-8")
    with pytest.raises(CodingsError) as info:
        read_codings(path, INTERVIEWS, CODEBOOK)
    message = str(info.value)
    assert info.value.code == "E155" and "but the table has no 'text' column of quotes; its 'Start' and 'End' are "\
        "not read as character offsets" in message and "rename them start and end if" in message
    assert message.endswith("(columns found: interview_id, Start, End, code, coder)")
    path.write_text("Interview,Code,Quote\ni,warmth,Sam did\n", encoding="utf-8")
    with pytest.raises(CodingsError, match="but no transcripts were given to find the quotes in; read it with"):
        read_codings(path)


def test_the_text_check_forgives_what_a_spreadsheet_changes(tmp_path):
    # Excel curls quotes and makes dashes long; a retyped cell changes case or spacing
    interviews = {"i": Interview("i", "P: I don't - I mean it's fine.", (Turn("P", "participant", 3, 30),))}
    path = write(tmp_path, "i,3,30,warmth,A,\"i don\u2019t \u2013 I mean  it\u2019s fine.\"\n")
    assert read_codings(path, interviews, CODEBOOK)[0] == [Coding("i", 3, 30, "warmth", "A")]


def test_missing_column_names_the_columns_expected(tmp_path):
    path = tmp_path / "codings.csv"
    path.write_text("study,start,end\ni,18,26\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_codings(path)
    assert info.value.code == "E130" and "'interview_id'" in str(info.value)
    assert str(info.value).endswith("A codings table has the columns interview_id, start, end, code and coder "
                                    "(start and end may be left out when a text column holds each coded quote); a "
                                    "framework matrix (a column per theme) is read with a codebook naming its themes")


def test_a_spreadsheet_of_quotes_with_its_own_headers(tmp_path):
    # "Participant | Theme | Quote" (or ATLAS.ti's "Document | Codes | Quotation Content") were refused: E130
    path = tmp_path / "quotes.csv"
    path.write_text('Participant,Codes,Coded by,Quote\ni,"warmth\ncare",A,Sam did\ni,care,B,she stayed late\n',
                    encoding="utf-8")
    codebook = codebook_from_dict({"codes": ["warmth", "care"]})
    codings, warnings = read_codings(path, INTERVIEWS, codebook)
    text = INTERVIEWS["i"].text
    assert [(c.code, c.coder, text[c.start:c.end]) for c in codings] == [
        ("warmth", "A", "Sam did"), ("care", "A", "Sam did"), ("care", "B", "she stayed late")]
    assert warnings == ["no 'interview_id' column; using 'Participant'", "no 'code' column; using 'Codes'",
                        "no 'coder' column; using 'Coded by'", "no 'text' column; using 'Quote'"]


def test_the_coder_of_a_maxqda_or_atlas_export_is_its_created_by_column(tmp_path):
    # MAXQDA's coded segments and ATLAS.ti's quotations name the coder 'Created by': each coding was
    # coder 'human', so two coders' codings of one passage became one and there was nobody to compare
    path = tmp_path / "maxqda.csv"
    path.write_text("Document name,Code,Segment,Modified by,Created by\n"
                    "i,care,she stayed late,admin,Anna\ni,care,she stayed late,admin,Ben\n", encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS, codebook_from_dict({"codes": ["care"]}))
    assert [c.coder for c in codings] == ["Anna", "Ben"]
    assert "no 'coder' column; using 'Created by'" in warnings


def test_offsets_in_another_tools_start_column_are_not_read_as_characters(tmp_path):
    # MAXQDA's "Beginning"/"End" and ATLAS.ti's "Start" count paragraphs: the quote places the coding
    path = tmp_path / "maxqda.csv"
    path.write_text("Document name,Code,Start,End,Segment\ni,care,2,2,she stayed late\n", encoding="utf-8")
    codings, _ = read_codings(path, INTERVIEWS, codebook_from_dict({"codes": ["care"]}))
    assert INTERVIEWS["i"].text[codings[0].start:codings[0].end] == "she stayed late"


def test_many_skipped_interviews_make_one_warning(tmp_path):
    path = write(tmp_path, "i,18,25,warmth,A,\n" + "".join(f"gone{k},0,5,warmth,A,\n" for k in range(7)))
    assert read_codings(path, INTERVIEWS)[1] == [(
        "7 coding(s) of 7 interview(s) not in the corpus were skipped: "
        "'gone0' (1), 'gone1' (1), 'gone2' (1), 'gone3' (1), 'gone4' (1) and 2 more")]


def test_quotes_without_offsets_are_found_in_their_interview(tmp_path):
    text = "I: Who helped?\nP: Sam did \u2013 she stayed\n   late. Sam did, again."
    interviews = {"i": Interview("i", text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, len(text))))}
    path = tmp_path / "quotes.csv"
    path.write_text("interview_id,code,coder,text\n"
                    'i,beyond_routine,A,"SHE STAYED late."\n'  # case and whitespace differ
                    'i,warmth,B,"Sam did - she"\n'  # a plain dash for the transcript's en dash
                    "i,warmth,A,sam did\n"  # twice in the text: the first place
                    'i,warmth,A,"\u201cstayed late\u201d"\n'  # quote marks around the quote
                    "gone,warmth,B,anything\n", encoding="utf-8")
    codings, warnings = read_codings(path, interviews, CODEBOOK)
    assert [(c.code, text[c.start:c.end]) for c in codings] == [
        ("beyond_routine", "she stayed\n   late."), ("warmth", "Sam did \u2013 she"), ("warmth", "Sam did"),
        ("warmth", "stayed\n   late")]
    assert codings[2].start == text.index("Sam did")
    assert warnings == [("1 quote(s) occur more than once in their interview; the first place is coded; a 'line' "
                         "column citing the line each quote stands on (as the transcript numbers them), or a 'time' "
                         "column giving when it is said in the recording, chooses the place"),
                        "1 coding(s) of 1 interview(s) not in the corpus were skipped: 'gone' (1)"]


def test_the_line_a_row_cites_chooses_among_a_quotes_places(tmp_path):
    # a quote found more than once was always coded at its first place, though the team's
    # spreadsheet said which line it stood on ("P07, l. 5")
    text = "I: Who helped?\nP: Sam did.\nI: And then?\nP: Well, Sam did. Again.\nI: Mm.\nP: Sam did,\nand I\nknew.\n"
    interviews = {"i": Interview("i", text, (Turn("P", "participant", 18, 26),), lines=((0, 1),))}
    path = tmp_path / "quotes.csv"
    path.write_text("interview_id,code,coder,text,Line No.\n"
                    "i,warmth,A,Sam did,l. 4\n"  # the second of three places
                    "i,warmth,A,Sam did,\"p. 2, 6-8\"\n"  # the third, after a page
                    "i,warmth,B,Sam did,7\n"  # the third place is on line 6 alone: on none of them
                    "i,warmth,B,Sam did,12\n"  # nor is 12: the first place, and said
                    "i,warmth,B,Again,12\n", encoding="utf-8")  # found once: the line is not needed
    codings, warnings = read_codings(path, interviews, CODEBOOK)
    lines = [interviews["i"].line_at(c.start) for c in codings]
    assert lines == [4, 6, 2, 2, 4]
    assert warnings == [
        "2 quote(s) occur more than once in their interview; each is coded at the place the line beside it cites",
        ("2 quote(s) occur more than once in their interview; the first place is coded; 2 of them cite a line none "
         "of their places is on (row 4: '7', found on 2, 4, 6): does the table number lines as the transcript does?")]
    # a printout numbered on each page: a place over the page break holds the lines on both sides
    paged = Interview("p", "P: Sam did\nyes.\nP: Sam did\nyes.\n", lines=((0, 40), (11, 41), (16, 42), (27, 1)))
    path.write_text("interview_id,code,coder,text,lines\np,warmth,A,Sam did yes,1\np,warmth,A,Sam did yes,41\n",
                    encoding="utf-8")
    codings, _ = read_codings(path, {"p": paged}, CODEBOOK)
    assert [(c.start, paged.lines_of(c.start, c.end)) for c in codings] == [(19, (42, 1)), (3, (40, 41))]
    # a document numbers no lines (nor gives times): the first place, saying why the cells did not place it
    plain = {"p": Interview("p", paged.text)}
    path.write_text("interview_id,code,coder,text,lines,time\np,warmth,A,Sam did yes,1,00:01:00\n", encoding="utf-8")
    assert read_codings(path, plain, CODEBOOK)[1][-1] == (
        "1 quote(s) occur more than once in their interview; the first place is coded; 1 of them cite a line, "
        "but their transcript numbers none (a text file's lines are numbered, and a printout's numbers before its "
        "lines); 1 of them give a time, but their transcript gives none there")


def test_a_quote_with_elisions_codes_the_passage_from_its_first_part_to_its_last(tmp_path):
    text = "I: Who helped?\nP: Sam did, um, she stayed late \u2013 you know \u2013 on her day off. Then Sam left."
    interviews = {"i": Interview("i", text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, len(text))))}
    path = tmp_path / "quotes.csv"
    path.write_text("interview_id,code,coder,text\n"
                    'i,warmth,A,"Sam did ... she stayed late"\n'
                    'i,warmth,A,"\u201cSam did, [...] late [\u2026] on her day off.\u201d"\n'
                    'i,warmth,B,"... on her day off (...) Sam left"\n', encoding="utf-8")
    codings, _ = read_codings(path, interviews, CODEBOOK)
    assert [text[c.start:c.end] for c in codings] == [
        "Sam did, um, she stayed late", "Sam did, um, she stayed late \u2013 you know \u2013 on her day off.",
        "on her day off. Then Sam left"]


def test_a_quote_copied_without_its_punctuation_is_found_by_its_words_with_a_warning(tmp_path):
    # a coder's copy that dropped a comma or a full stop was "not in the interview", and the
    # whole table was refused
    text = "I: Who helped?\nP: Karen, she stayed late. On her day-off, too!\nI: Yesterday?\nP: Yes."
    interviews = {"i": Interview("i", text, (Turn("P", "participant", 18, 61),))}
    path = tmp_path / "quotes.csv"
    path.write_text("interview_id,code,coder,text\n"
                    'i,warmth,A,"Karen she stayed late on her day off"\n'  # comma, stop and hyphen left out
                    'i,warmth,A,"yes!"\n'  # a mark of its own: the word is still there, whole (not in "Yesterday")
                    'i,warmth,B,"Karen, she stayed late."\n', encoding="utf-8")  # as written: no warning
    codings, warnings = read_codings(path, interviews, CODEBOOK)
    assert [text[c.start:c.end] for c in codings] == [
        "Karen, she stayed late. On her day-off", "Yes", "Karen, she stayed late."]
    assert warnings == [("2 quote(s) found by their words alone, their punctuation (or an 'um', a '[laughs]', an "
                         "editor's [words]) not as in the transcript (row(s) 2, 3)")]
    # a quote cleaned for a report: the "um" and the transcriber's "[laughs]" left out
    spoken = "P: She, um, she stayed late [laughs] on her day off. Er, yeah."
    path.write_text("interview_id,code,coder,text\n"
                    'i,warmth,A,"She, she stayed late on her day off."\n'
                    'i,warmth,B,"She [the nurse] stayed late."\n', encoding="utf-8")  # and with an editor's words
    codings, warnings = read_codings(path, {"i": Interview("i", spoken)}, CODEBOOK)
    assert [spoken[c.start:c.end] for c in codings] == ["She, um, she stayed late [laughs] on her day off",
                                                        "she stayed late"]
    assert warnings == [("2 quote(s) found by their words alone, their punctuation (or an 'um', a '[laughs]', an "
                         "editor's [words]) not as in the transcript (row(s) 2, 3)")]
    path.write_text("interview_id,code,coder,text\ni,warmth,A,Karen she stayed early\n", encoding="utf-8")
    with pytest.raises(CodingsError, match="E154"):  # the words must be there, in their order
        read_codings(path, interviews, CODEBOOK)


@pytest.mark.parametrize("quote", ["Sam did ... early", "late ... Sam did", "Sam did ... " + "x" * 3])
def test_quote_not_in_the_interview_is_named(tmp_path, quote):
    path = tmp_path / "quotes.csv"
    path.write_text(f"interview_id,code,coder,text\ni,warmth,A,{quote}\n", encoding="utf-8")
    with pytest.raises(CodingsError) as info:
        read_codings(path, INTERVIEWS)
    assert info.value.code == "E154" and f"row 2: the quote '{quote}' is not in interview 'i';" in str(info.value)
    rows = "".join(f"i,warmth,A,missing {k}\n" if k % 2 else "i,warmth,A,Sam did\n" for k in range(20))
    path.write_text(f"interview_id,code,coder,text\n{rows}", encoding="utf-8")
    with pytest.raises(CodingsError, match=r"row 3: the quote 'missing 1' is not in interview 'i'; nor are "
                                           r"the quotes of 9 more row\(s\): 5, 7, 9, 11, 13 \.\.\.; copy it"):
        read_codings(path, INTERVIEWS)  # every quote not found is counted in one error, the first few named
    path.write_text("interview_id,code,coder\ni,warmth,A\n", encoding="utf-8")
    with pytest.raises(CodingsError, match="E155"):
        read_codings(path, INTERVIEWS)
    path.write_text("code,coder,text\nwarmth,A,Sam did\n", encoding="utf-8")
    with pytest.raises(InputError, match="E130.*'interview_id'"):
        read_codings(path, INTERVIEWS)


def test_table_without_coder_column_is_one_coder(tmp_path):
    path = tmp_path / "codings.csv"
    path.write_text("interview_id,start,end,code\ni,18,25,warmth\n", encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS)
    assert codings == [Coding("i", 18, 25, "warmth", "human")]
    assert warnings == ["no 'coder' column; every coding is coder 'human'"]


@pytest.mark.parametrize("name", ["i.txt", "i.md", "i.markdown", "i.MARKDOWN", "i.docx", "i.vtt", "i.srt"])
def test_every_transcript_file_suffix_is_taken_off_an_id(tmp_path, name):
    codings, _ = read_codings(write(tmp_path, f"{name},18,25,warmth,A,\n"), INTERVIEWS)
    assert codings == [Coding("i", 18, 25, "warmth", "A")]


def test_a_table_or_project_suffix_is_not_taken_off_an_id(tmp_path):
    """A .csv or .qdpx holds many interviews, so its file name is no interview's id."""
    codings, warnings = read_codings(write(tmp_path, "i.csv,18,25,warmth,A,\ni.qdpx,18,25,warmth,A,\n"),
                                     INTERVIEWS)
    assert codings == [] and "'i.csv' (1)" in warnings[-1]


def test_interviews_named_by_file_name_are_matched(tmp_path):
    path = write(tmp_path, "i.docx,18,25,warmth,A,\nother.txt,0,5,warmth,A,\n")
    codings, warnings = read_codings(path, INTERVIEWS)
    assert codings == [Coding("i", 18, 25, "warmth", "A")]
    assert warnings[0] == ("1 coding(s) name their interview another way (e.g. 'i.docx': its file name, ATLAS.ti's "
                           "number, another case, or a number without its leading zeros); matched to the interview "
                           "of that name")
    assert "'other.txt' (1)" in warnings[1]


def test_an_id_a_spreadsheet_read_as_a_number_is_the_interview_numbered_so(tmp_path):
    # Excel reads "007" as the number 7 (and a codings table saved from it says 7 or 7.0): every
    # coding of the interviews named 007.docx, 012.docx was skipped as not in the corpus
    interviews = {iid: Interview(iid, TEXT) for iid in ("007", "012", "12b")}
    path = write(tmp_path, "7,18,25,warmth,A,\n12.0,18,25,warmth,A,\n12b,18,25,care,A,\n8,18,25,care,A,\n")
    codings, warnings = read_codings(path, interviews)
    assert [(c.interview_id, c.code) for c in codings] == [("007", "warmth"), ("012", "warmth"), ("12b", "care")]
    assert "2 coding(s) name their interview another way (e.g. '7'" in warnings[0]
    assert "'8' (1)" in warnings[1]


def test_atlas_ti_names_a_document_by_its_number_too(tmp_path):
    # ATLAS.ti's quotation export writes 'D 1: i' (or 'P 1: i.docx' before version 8): every row was
    # skipped as an interview not in the corpus
    path = tmp_path / "quotations.csv"
    path.write_text("Document,Codes,Created by,Quotation Content\nD 1: i,warmth,A,Sam did\n"
                    "P1: i.docx,care,B,she stayed late\nD 2: other,care,B,x\n", encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS)
    assert [(c.code, c.coder, INTERVIEWS["i"].text[c.start:c.end]) for c in codings] == [
        ("warmth", "A", "Sam did"), ("care", "B", "she stayed late")]
    assert "2 coding(s) name their interview another way (e.g. 'D 1: i': its file name" in "".join(warnings)
    assert "'D 2: other' (1)" in warnings[-1]


def test_codes_written_as_their_path_in_the_code_tree(tmp_path):
    # MAXQDA's and NVivo's exports name a sub-code by its path: E153, not in the codebook
    path = tmp_path / "maxqda.csv"
    path.write_text('Document name,Code,Segment\ni,"Support\\warmth",Sam did\ni,Nodes/warmth,she stayed late\n',
                    encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    assert [c.code for c in codings] == ["warmth", "warmth"]
    assert warnings[-1] == ("2 coding(s) name their code by its path in the code tree (e.g. 'Support\\warmth'); "
                            "matched to the codebook's code of the last name in it")
    path.write_text("Document name,Code,Segment\ni,Support\\kindness,Sam did\n", encoding="utf-8")
    with pytest.raises(CodingsError, match=r"code 'Support\\kindness' is not in the codebook"):
        read_codings(path, INTERVIEWS, CODEBOOK)


def test_codes_written_as_a_tool_shows_their_names_match_the_codebook(tmp_path):
    # "Beyond routine" in a spreadsheet, beyond_routine in the codebook: E153, not in the codebook
    path = tmp_path / "themes.csv"
    path.write_text("Participant,Theme,Quote\ni,Beyond routine,Sam did\ni,WARMTH.,she stayed late\n"
                    "i,beyond-routine,stayed late\n", encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    assert [c.code for c in codings] == ["beyond_routine", "warmth", "beyond_routine"]
    assert warnings[-1] == ("3 coding(s) write their code's name another way (e.g. 'Beyond routine'); matched to "
                            "the codebook's code of that name in other case, spacing or punctuation")
    path.write_text("Participant,Theme,Quote\ni,Beyond the routine,Sam did\n", encoding="utf-8")
    with pytest.raises(CodingsError, match="code 'Beyond the routine' is not in the codebook"):
        read_codings(path, INTERVIEWS, CODEBOOK)


def test_a_dedoose_excerpt_export_with_a_column_per_code(tmp_path):
    # Dedoose marks each excerpt's codes in a column per code (True/False): E130, no 'code' column
    import pandas as pd

    frame = pd.DataFrame({
        "Media Title": ["i.docx", "i.docx", "i.docx"], "Excerpt Range": ["18-25", "27-44", "18-44"],
        "Excerpt Creator": ["anna.k", "ben_r", "ben_r"],
        "Excerpt Copy": ["Sam did", "she stayed late.", "Sam did, she stayed late."],
        "Codes Applied Combined": ["Beyond routine, Warmth", "Warmth", ""],
        "Code: Beyond routine Applied": ["True", "False", "False"], "Code: Beyond routine Weight": ["", "", ""],
        "Code: Warmth Applied": ["True", "True", "False"], "Code: Warmth Weight": ["", "", ""],
    })
    path = tmp_path / "DedooseChartExcerpts_2026_11_30.xlsx"
    frame.to_excel(path, index=False)
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    sam, late = TEXT.index("Sam did"), TEXT.index("she stayed late.")
    assert codings == [Coding("i", sam, sam + 7, "beyond_routine", "anna.k"), Coding("i", sam, sam + 7, "warmth", "anna.k"),
                       Coding("i", late, late + 16, "warmth", "ben_r")]
    assert ("codes read from 2 column(s) marking the rows each codes (Code: ... Applied); 1 row(s) with no code "
            "marked left out") in warnings
    assert {"no 'interview_id' column; using 'Media Title'", "no 'coder' column; using 'Excerpt Creator'",
            "no 'text' column; using 'Excerpt Copy'"} <= set(warnings)
    frame.loc[2, "Code: Warmth Applied"] = "True"
    frame.loc[2, "Excerpt Copy"] = "Nobody said that"
    frame.to_excel(path, index=False)
    with pytest.raises(CodingsError, match="row 4"):  # the file's row, though rows were set apart
        read_codings(path, INTERVIEWS, CODEBOOK)


def test_a_taguette_highlights_export(tmp_path):
    path = tmp_path / "highlights.csv"
    path.write_text("id,document,tag,content\n1,i,warmth,she stayed late\n", encoding="utf-8")
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    late = TEXT.index("she stayed late")
    assert codings == [Coding("i", late, late + 15, "warmth", "human")]
    assert "no 'code' column; using 'tag'" in warnings


# --- a framework matrix ------------------------------------------------------------------

MATRIX_TEXTS = {
    "p01": "I: Who helped you?\nP: The nurse. She never looked at me like I was my diagnosis. And she rang me on "
           "her day off, which she didn't have to do.\n",
    "p02": "I: And the ward?\nP: Loud. Nobody had time for you there, honestly, nobody.\n",
}
MATRIX_INTERVIEWS = {iid: Interview(iid, text) for iid, text in MATRIX_TEXTS.items()}
MATRIX_BOOK = Codebook((Code("non_stigmatizing_attitude"), Code("beyond_routine")))


def test_a_framework_matrix_codes_each_cells_quotes_with_its_columns_code(tmp_path):
    # Framework Analysis charts quotes into a participant x theme table: refused with E130 (no code column)
    path = tmp_path / "framework.csv"
    path.write_text(
        "Participant,Age,1. Non-stigmatizing attitude,2. Beyond routine,Summary\n"
        'P01,34,"Felt seen as a person: \u201cShe never looked at me like I was my diagnosis\u201d (l. 12)",'
        '"rang me on her day off (l. 14)\nwhich she didn\'t have to do",Positive\n'
        "p02,51,,Felt nobody had time for her,Negative\n"
        "p02,51,,Felt alone: 'Nobody had time for you there' (p. 2),\n", encoding="utf-8")
    codings, warnings = read_codings(path, MATRIX_INTERVIEWS, MATRIX_BOOK)
    assert [(c.interview_id, c.code, c.coder, MATRIX_TEXTS[c.interview_id][c.start:c.end]) for c in codings] == [
        ("p01", "non_stigmatizing_attitude", "human", "She never looked at me like I was my diagnosis"),
        ("p01", "beyond_routine", "human", "rang me on her day off"),
        ("p01", "beyond_routine", "human", "which she didn't have to do"),
        ("p02", "beyond_routine", "human", "Nobody had time for you there")]
    assert ("read as a framework matrix: a column per code (1. Non-stigmatizing attitude, 2. Beyond routine), each "
            "cell's quotes (in quotation marks, else its lines) coded where they stand in its participant's "
            "interview") in warnings
    assert ("1 passage(s) of its cells are not in the interview (the analyst's summaries?) and were left out, "
            "e.g. 'Felt nobody had time for her'") in warnings
    assert any(w.startswith("3 coding(s) name their interview another way (e.g. 'P01': ") for w in warnings)


def test_a_cited_line_of_more_digits_than_python_reads_is_no_line():
    # int() refuses over 4,300 digits: a codings table citing such a line raised ValueError
    from tr_nlp.ingest.quotes import cited_lines

    assert [cited_lines("9" * 5000), cited_lines(f"l. 4-{'9' * 5000}"), cited_lines("l. 123456789")] == [
        None, None, (123456789, 123456789)]


def test_a_cell_with_a_long_run_of_spaces_is_read_at_once():
    # the pattern tried again from each space: 2 s for 16,000 spaces, quadratic beyond
    from tr_nlp.ingest.framework import cell_quotes
    from tr_nlp.ingest.quotes import cited_lines, cited_time

    spaces = " " * 200_000
    assert [cited_lines(f"1{spaces}x"), cited_lines(f"1{spaces}-{spaces}x"), cited_lines(f"p1{spaces}x")] == [None] * 3
    assert cited_lines(f"({spaces}l. 4{spaces}-{spaces}6 ff.{spaces})") == (4, 6)
    assert cited_time(f"1{spaces}x") is None
    # a framework cell's reference after a quote, likewise
    assert cell_quotes(f"she came on{spaces}her day off{spaces}(l. 4){spaces}") == [
        (f"she came on{spaces}her day off", "l. 4")]
    assert cell_quotes(f"she came on{spaces}y") == [(f"she came on{spaces}y", "")]


def test_the_time_a_row_gives_chooses_among_a_quotes_places(tmp_path):
    # a team quoting from a timed transcript (Otter, Zoom) notes when each quote is said
    text = "I: Who?\nP: She listened.\nI: And later?\nP: She listened.\n"
    starts = [3, 11, 28, 42]  # after each label
    turns = tuple(Turn(s, r, start, text.index("\n", start), at) for s, r, start, at in zip(
        "IPIP", ("interviewer", "participant") * 2, starts, (0.0, 5.0, 60.0, 65.0), strict=True))
    interviews = {"i": Interview("i", text, turns)}
    second = text.rindex("She listened")
    assert [text[t.start:t.end] for t in turns] == ["Who?", "She listened.", "And later?", "She listened."]
    path = tmp_path / "quotes.csv"
    path.write_text("interview_id,code,coder,text,Timecode\n"
                    "i,warmth,A,she listened,00:01:07\n"  # the second place, said from 65 s on
                    "i,warmth,A,she listened,[00:00:06]\n"  # the first: the second is said later
                    "i,warmth,A,she listened,00:00:01\n", encoding="utf-8")  # before both: the first, and said
    codings, warnings = read_codings(path, interviews, CODEBOOK)
    assert [c.start for c in codings] == [second, text.index("She listened"), text.index("She listened")]
    assert warnings[-2:] == [
        "2 quote(s) occur more than once in their interview; each is coded at the place the time beside it cites",
        "1 quote(s) occur more than once in their interview; the first place is coded"]


def test_a_framework_matrixs_line_references_say_where_a_repeated_quote_stands(tmp_path):
    # "(l. 4)" after a quote was dropped, and a quote said twice was coded where it first stands
    text = "I: Who helped?\nP: She listened, you know.\nI: And the ward?\nP: Nobody there. She listened, you know.\n"
    interviews = {"p01": Interview("p01", text, lines=((0, 1),))}
    path = tmp_path / "framework.csv"
    path.write_text('Participant,Non-stigmatizing attitude,Beyond routine\n'
                    'p01,"Felt heard: \u201cshe listened, you know\u201d (l. 4)","she listened, you know [p. 1, 2]"\n',
                    encoding="utf-8")
    codings, warnings = read_codings(path, interviews, MATRIX_BOOK)
    assert [(c.code, interviews["p01"].line_at(c.start)) for c in codings] == [
        ("non_stigmatizing_attitude", 4), ("beyond_routine", 2)]
    assert ("2 quote(s) occur more than once in their interview; each is coded at the place the line beside it "
            "cites") in warnings


def test_a_framework_matrix_needs_the_codebook_of_its_themes(tmp_path):
    path = tmp_path / "framework.csv"
    path.write_text("Participant,Beyond routine\np01,rang me on her day off\n", encoding="utf-8")
    with pytest.raises(InputError, match="a framework matrix .a column per theme. is read with a codebook"):
        read_codings(path, MATRIX_INTERVIEWS)


# --- a workbook of several sheets ---------------------------------------------------------

def _workbook(path, sheets):
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def test_each_sheet_of_a_workbook_is_read_and_coders_sheets_are_named_by_them(tmp_path):
    # one sheet per coder: only the first sheet was read (with a warning), so the second coder was lost
    quotes = pd.DataFrame({"interview_id": ["i"], "code": ["warmth"], "text": ["Sam did"]})
    path = _workbook(tmp_path / "coding.xlsx", {"Anna": quotes, "Ben": quotes.assign(text=["she stayed late"]),
                                                "Notes": pd.DataFrame({"memo": ["check p3"]})})
    codings, warnings = read_codings(path, INTERVIEWS, CODEBOOK)
    assert [(c.coder, TEXT[c.start:c.end]) for c in codings] == [("Anna", "Sam did"), ("Ben", "she stayed late")]
    assert "sheet 'Notes' is no codings table (no 'interview_id' column) and was left out" in warnings
    assert ("sheets 'Anna', 'Ben' have no coder column and code the same codes: each is its coder's, named by the "
            "sheet") in warnings
    assert not any("every coding is coder" in w for w in warnings)


def test_a_framework_matrix_with_a_sheet_per_theme_is_one_coders(tmp_path):
    path = _workbook(tmp_path / "framework.xlsx", {
        "Helping": pd.DataFrame({"Participant": ["p01"],
                                 "Non-stigmatizing attitude": ['"She never looked at me like I was my diagnosis"']}),
        "Routine": pd.DataFrame({"Participant": ["p01"], "Beyond routine": ["rang me on her day off"]})})
    codings, warnings = read_codings(path, MATRIX_INTERVIEWS, MATRIX_BOOK)
    assert [(c.code, c.coder) for c in codings] == [("non_stigmatizing_attitude", "human"), ("beyond_routine", "human")]
    assert "sheet 'Routine': no 'coder' column; every coding is coder 'human'" in warnings


def test_a_workbook_without_a_codings_sheet_says_what_the_first_lacks(tmp_path):
    path = _workbook(tmp_path / "x.xlsx", {"A": pd.DataFrame({"memo": ["x"]}), "B": pd.DataFrame({"other": ["y"]})})
    with pytest.raises(InputError, match=r"\(sheet 'A'\): \[E130\] column 'interview_id' not found"):
        read_codings(path, INTERVIEWS, CODEBOOK)


def test_a_written_codings_table_says_which_lines_each_coding_runs_over_and_reads_back(tmp_path):
    # a methodologist checking a coding against the printout had offsets and text, no line
    from tr_nlp.export.folder import write_corpus_folder
    from tr_nlp.ingest import load_corpus

    text = "I: Who helped?\nP: Karen, she\nstayed late.\nI: And?\nP: Jo."
    numbered = Interview("p1", text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, 41),
                                      Turn("I", "interviewer", 45, 49), Turn("P", "participant", 53, 56)),
                         lines=((0, 120),))
    assert text[18:41] == "Karen, she\nstayed late." and text[53:56] == "Jo."
    plain = Interview("p2", "P: Fine.", (Turn("P", "participant", 3, 8),))
    codings = [Coding("p1", 18, 41, "care", "a"), Coding("p1", 53, 56, "care", "b"), Coding("p2", 3, 8, "care", "a")]
    written = write_corpus_folder(tmp_path / "study", [numbered, plain], codings, None)
    table = pd.read_csv(written["codings"])
    assert list(table.columns) == ["interview_id", "start", "end", "code", "coder", "line", "line_end", "text"]
    assert [(r.line, r.line_end) for r in table.fillna(-1).itertuples()] == [(121, 122), (124, 124), (-1, -1)]
    assert set(load_corpus([tmp_path / "study"]).codings) == set(codings)  # the columns are read past
