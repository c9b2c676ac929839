"""Coders' copies of one project (and one transcript given twice) read as one corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tr_nlp.cli import app
from tr_nlp.export.qdpx import write_qdpx
from tr_nlp.ingest import load_corpus
from tr_nlp.ingest.base import ReadResult
from tr_nlp.ingest.combine import Gathered, merged_codebook
from tr_nlp.schema import Code, Codebook, Coding, Interview, Turn

TEXT = ("I: Who helped you most?\n"
        "P: The nurse. She never looked at me like I was my diagnosis, and she rang on her day off.\n")
OTHER = "I: And the ward?\nP: Loud. Nobody had time.\n"
BOOK = Codebook((Code("non_stigmatizing_attitude"), Code("beyond_routine")), name="Helping relationships")


def interview(iid: str = "p01", text: str = TEXT) -> Interview:
    first = text.index("\n") + 1
    return Interview(iid, text, (Turn("I", "interviewer", 3, first - 1), Turn("P", "participant", first + 3,
                                                                                  len(text) - 1)))


def coded(phrase: str, code: str, coder: str, iid: str = "p01", text: str = TEXT) -> Coding:
    start = text.index(phrase)
    return Coding(iid, start, start + len(phrase), code, coder)


STIGMA = "never looked at me like I was my diagnosis"
DAY_OFF = "rang on her day off"


def project(path: Path, codings: list[Coding], book: Codebook = BOOK, interviews=None) -> Path:
    return write_qdpx(path, interviews or [interview(), interview("p02", OTHER)], book, codings=codings)


def test_two_coders_copies_of_a_project_read_as_one_corpus_with_both_coders(tmp_path):
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna"),
                                            coded(DAY_OFF, "beyond_routine", "Anna")])
    ben = project(tmp_path / "ben.qdpx", [coded("She never looked at me", "non_stigmatizing_attitude", "Ben")])
    corpus = load_corpus([anna, ben])
    assert [iv.id for iv in corpus.interviews] == ["p01", "p02"] and corpus.failures == []
    assert sorted((c.coder, c.code) for c in corpus.codings) == [
        ("Anna", "beyond_routine"), ("Anna", "non_stigmatizing_attitude"), ("Ben", "non_stigmatizing_attitude")]
    first, second = corpus.files
    assert (first.interview_ids, second.interview_ids) == (["p01", "p02"], [])
    assert second.warnings == [] and corpus.warnings == [(
        "1 file(s) held transcripts read before from another file, with the same text: each read once, keeping the "
        f"codings of every file (added from them: Ben: 1): {ben} (as {anna})")]


def test_a_coding_both_copies_hold_is_counted_once_and_a_second_round_is_named(tmp_path):
    # a copy made after Anna's first coding holds it too; her later coding in one copy only is
    # either her second round or another person under her name: taken together, with a warning
    same = coded(STIGMA, "non_stigmatizing_attitude", "Anna")
    anna = project(tmp_path / "anna.qdpx", [same])
    copy = project(tmp_path / "copy.qdpx", [same, coded(DAY_OFF, "beyond_routine", "Anna")])
    corpus = load_corpus([anna, copy])
    assert sorted(c.code for c in corpus.codings) == ["beyond_routine", "non_stigmatizing_attitude"]
    assert corpus.files[1].warnings[0] == (
        f"coder 'Anna' coded 1 interview(s) (p01) differently here than in {anna}; the codings of both are taken "
        "as one coder's. If two people coded, give each their own user name in the QDA software before exporting")
    again = load_corpus([anna, shutil.copy(anna, tmp_path / "again.qdpx"), copy])  # the same project twice
    assert again.files[1].warnings == [] and again.warnings[1] == (
        "1 file(s) held only transcripts read before from another file, with the same text, and nothing to add, and "
        f"were read once: {tmp_path / 'again.qdpx'} (as {anna})")


def test_a_copy_a_coder_corrected_has_its_codings_moved_onto_the_text_read_first(tmp_path):
    # Ben fixed a typo and named the nurse in his copy: E166 stopped his whole copy, so nobody could compare
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    edited = TEXT.replace("day off", "day-off").replace("The nurse.", "The nurse, Jo.")
    ben = project(tmp_path / "ben.qdpx", [coded("rang on her day-off", "beyond_routine", "Ben", text=edited),
                                          coded(STIGMA, "non_stigmatizing_attitude", "Ben", text=edited),
                                          coded("nurse, Jo", "non_stigmatizing_attitude", "Ben", text=edited)],
                  interviews=[interview(text=edited)])
    corpus = load_corpus([anna, ben])
    text = corpus.interviews[0].text
    assert corpus.failures == [] and "day off" in text and "Jo" not in text  # Anna's, read first
    assert sorted((c.coder, text[c.start:c.end]) for c in corpus.codings) == [
        ("Anna", STIGMA), ("Ben", STIGMA), ("Ben", "nurse"), ("Ben", DAY_OFF)]
    assert corpus.files[1].warnings[0] == (
        f"interview 'p01' differs a little from the one in {anna} (2 change(s), 97.4% the same; the first at "
        "character 37: ' The nurse, Jo. She never look' here, ' The nurse. She never looked a' there): read as that one, "
        "with the "
        "codings here moved onto its text")


def test_an_interview_with_another_text_under_the_same_id_fails_its_file_alone_saying_where(tmp_path):
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    edited = TEXT.replace("The nurse. She never looked at me like I was my diagnosis", "Nobody, not really")
    ben = project(tmp_path / "ben.qdpx", [coded("day off", "beyond_routine", "Ben", text=edited)],
                  interviews=[interview(text=edited)])
    (tmp_path / "p03.txt").write_text(OTHER.replace("Loud", "Quiet"), encoding="utf-8")
    corpus = load_corpus([anna, ben, tmp_path / "p03.txt"])
    assert [iv.id for iv in corpus.interviews] == ["p01", "p02", "p03"]
    assert [c.coder for c in corpus.codings] == ["Anna"]
    [failed] = corpus.failures
    assert failed.error.code == "E166" and failed.path == str(ben)
    assert str(failed.error).startswith(
        f"{ben}: [E166] interview id 'p01' is also in {anna}, with another text (at character 28: ' most?\\nP: "
        "Nobody, not really, ' here, ' most?\\nP: The nurse. She never' there); ids must be unique: rename one of the "
        "files")


def test_one_transcript_in_two_folders_is_read_once(tmp_path):
    for folder in ("round1", "backup"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "p01.txt").write_text(TEXT, encoding="utf-8")
    corpus = load_corpus([tmp_path / "round1", tmp_path / "backup"])
    assert [iv.id for iv in corpus.interviews] == ["p01"] and corpus.failures == []
    assert corpus.files[1].warnings == [] and "were read once: " in corpus.warnings[0]


def test_codes_one_copy_added_join_the_codebook_with_a_warning(tmp_path):
    grown = Codebook((*BOOK.codes, Code("continuity", "the same person over time")), name="grown")
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    ben = project(tmp_path / "ben.qdpx", [coded(DAY_OFF, "continuity", "Ben")], book=grown)
    corpus = load_corpus([anna, ben])
    assert corpus.codebook.names == ["non_stigmatizing_attitude", "beyond_routine", "continuity"]
    assert corpus.codebook.name == "Helping relationships"
    assert corpus.files[1].warnings[-1] == "1 code(s) no file read before has were added to the codebook: continuity"


def test_merged_codebook_keeps_the_first_description_and_adds_only_free_groups():
    first = Codebook((Code("a", "first words"), Code("b"), Code("c")), {"stance": ("a", "b")})
    other = Codebook((Code("a", "other words"), Code("c"), Code("d"), Code("e")),
                     {"stance": ("c", "d"), "tone": ("d", "e"), "mixed": ("a", "e")})
    book, new = merged_codebook(first, other)
    assert (book.names, new) == (["a", "b", "c", "d", "e"], ["d", "e"])
    assert book["a"].description == "first words"
    assert dict(book.groups) == {"stance": ("a", "b"), "tone": ("d", "e")}
    assert merged_codebook(None, other) == (other, [])
    # another folder's codebook writing a code another way: that code, not a second one
    other = Codebook((Code("A"), Code("f", parent="A"), Code("g")), {"pair": ("f", "A")})
    book, new = merged_codebook(Codebook((Code("a"), Code("b"))), other)
    assert (book.names, new) == (["a", "b", "f", "g"], ["f", "g"])
    assert book["f"].parent == "a" and dict(book.groups) == {"pair": ("f", "a")}


def test_nothing_is_added_when_a_file_fails():
    gathered = Gathered()
    gathered.add("a", ReadResult([interview()], [coded(STIGMA, "non_stigmatizing_attitude", "Anna")], BOOK))
    with pytest.raises(Exception, match="E166"):
        gathered.add("b", ReadResult([interview("p02", OTHER), interview(text=OTHER)],
                                     [coded("Loud", "beyond_routine", "Ben", "p02", OTHER)]))
    assert ([iv.id for iv in gathered.result.interviews], len(gathered.result.codings)) == (["p01"], 1)


def test_import_reads_coders_copies_into_one_folder_and_evaluate_compares_them(tmp_path):
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    ben = project(tmp_path / "ben.qdpx", [coded("She never looked at me", "non_stigmatizing_attitude", "Ben")])
    result = CliRunner().invoke(app, ["import", str(anna), str(ben), "-o", str(tmp_path / "team")])
    assert result.exit_code == 0, result.output
    assert "2 interviews, 2 codes, 2 codings (Anna: 1, Ben: 1)" in result.stdout
    assert f"each read once, keeping the codings of every file (added from them: Ben: 1): {ben}" in result.stderr
    codings = pd.read_csv(tmp_path / "team" / "codings.csv")
    assert sorted(codings.coder) == ["Anna", "Ben"]
    assert "name: team" in (tmp_path / "team" / "corpus.yaml").read_text()


def test_import_of_copies_with_another_text_writes_nothing(tmp_path):
    anna = project(tmp_path / "anna.qdpx", [])
    ben = project(tmp_path / "ben.qdpx", [], interviews=[interview(text=TEXT + "P: Yes. I said yes.\n" * 3)])
    result = CliRunner().invoke(app, ["import", str(anna), str(ben), "-o", str(tmp_path / "team")])
    assert result.exit_code == 2 and "[E166]" in result.stderr and "after character 114, where one ends" in result.stderr
    assert not (tmp_path / "team").exists()


# --- several codings tables, several corpus folders -------------------------------------


def codings_sheet(path: Path, rows: list[Coding], coder_column: bool = True) -> Path:
    frame = pd.DataFrame([(c.interview_id, c.start, c.end, c.code, c.coder) for c in rows],
                         columns=["interview_id", "start", "end", "code", "coder"])
    (frame if coder_column else frame.drop(columns="coder")).to_csv(path, index=False)
    return path


def test_each_coders_own_sheet_without_a_coder_column_is_coded_by_its_file_name(tmp_path):
    (tmp_path / "p01.txt").write_text(TEXT, encoding="utf-8")
    anna = codings_sheet(tmp_path / "anna.csv", [coded(STIGMA, "non_stigmatizing_attitude", "-")], False)
    ben = codings_sheet(tmp_path / "ben.csv", [coded(DAY_OFF, "beyond_routine", "-")], False)
    corpus = load_corpus([tmp_path / "p01.txt"], codings=[anna, ben])
    assert sorted((c.coder, c.code) for c in corpus.codings) == [
        ("anna", "non_stigmatizing_attitude"), ("ben", "beyond_routine")]
    assert f"{ben}: no 'coder' column; every coding is coder 'ben'" in corpus.warnings
    alone = load_corpus([tmp_path / "p01.txt"], codings=anna)  # one table: one unnamed coder, as before
    assert [c.coder for c in alone.codings] == ["human"]


def test_two_corpus_folders_bring_their_codings_and_codebooks_both(tmp_path):
    # each coder's project imported into its own folder: the second folder's codings were dropped
    # without a word (only the first corpus.yaml's codings and codebook were read)
    grown = Codebook((*BOOK.codes, Code("continuity")), name="grown")
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    ben = project(tmp_path / "ben.qdpx", [coded(DAY_OFF, "continuity", "Ben")], book=grown)
    for path in (anna, ben):
        result = CliRunner().invoke(app, ["import", str(path), "-o", str(tmp_path / path.stem)])
        assert result.exit_code == 0, result.output
    corpus = load_corpus([tmp_path / "anna", tmp_path / "ben"])
    assert sorted((c.coder, c.code) for c in corpus.codings) == [
        ("Anna", "non_stigmatizing_attitude"), ("Ben", "continuity")]
    assert corpus.codebook.names == ["non_stigmatizing_attitude", "beyond_routine", "continuity"]
    assert f"{tmp_path / 'ben' / 'codebook.yaml'}: 1 code(s) no file read before has were added to the codebook: " \
           "continuity" in corpus.warnings
    assert "2 file(s) held only transcripts read before" in corpus.warnings[0]


def test_corpus_yaml_names_several_codings_tables(tmp_path):
    (tmp_path / "p01.txt").write_text(TEXT, encoding="utf-8")
    codings_sheet(tmp_path / "anna.csv", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    codings_sheet(tmp_path / "ben.csv", [coded(STIGMA, "non_stigmatizing_attitude", "Ben")])
    (tmp_path / "corpus.yaml").write_text("interviews: [p01.txt]\ncodings: [anna.csv, ben.csv]\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert ([f.path for f in corpus.files], sorted(c.coder for c in corpus.codings)) == (
        [str(tmp_path / "p01.txt")], ["Anna", "Ben"])


def test_the_cli_takes_codings_more_than_once(tmp_path):
    (tmp_path / "p01.txt").write_text(TEXT, encoding="utf-8")
    anna = codings_sheet(tmp_path / "anna.csv", [coded(STIGMA, "non_stigmatizing_attitude", "-")], False)
    ben = codings_sheet(tmp_path / "ben.csv", [coded(DAY_OFF, "beyond_routine", "-")], False)
    out = tmp_path / "segments.csv"
    result = CliRunner().invoke(app, ["segment", str(tmp_path / "p01.txt"), "--codings", str(anna),
                                      "--codings", str(ben), "--unit", "turn", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "every coding is coder 'anna'" in result.stderr and "every coding is coder 'ben'" in result.stderr
    assert pd.read_csv(out)["codes"].fillna("").tolist() == ["beyond_routine;non_stigmatizing_attitude"]


# --- one transcript under several names ---------------------------------------------------

def test_coders_copies_under_their_own_file_names_are_one_interview(tmp_path):
    # p01_anna.txt and p01_ben.txt were two interviews, each with one coder: no interview to compare the
    # coders on, and cross-validation tested on a copy of a training interview
    (tmp_path / "p01_anna.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "p01_ben.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "p02.txt").write_text(OTHER, encoding="utf-8")
    table = tmp_path / "codings.csv"
    pd.DataFrame({"interview_id": ["p01_anna", "p01_ben.txt", "p02"], "code": ["beyond_routine"] * 3,
                  "coder": ["Anna", "Ben", "Anna"], "text": [DAY_OFF, DAY_OFF, "Nobody had time"]}).to_csv(table)
    corpus = load_corpus([tmp_path / "p01_anna.txt", tmp_path / "p01_ben.txt", tmp_path / "p02.txt"], codings=table)
    assert [iv.id for iv in corpus.interviews] == ["p01", "p02"]
    assert [(c.interview_id, c.coder) for c in corpus.codings] == [("p01", "Anna"), ("p01", "Ben"), ("p02", "Anna")]
    assert [f.interview_ids for f in corpus.files] == [["p01"], [], ["p02"]]
    assert ("1 transcript(s) came under several names with the same text, character for character, or one corrected "
            "a little (each coder's copy, say), and were each read as one interview with the codings of all: "
            "'p01_anna' and 'p01_ben' as 'p01'") in corpus.warnings


def test_copies_keep_the_first_name_when_the_names_share_none_or_it_is_taken(tmp_path):
    for name, text in (("anna", TEXT), ("ben", TEXT), ("p01", OTHER.replace("Loud", "Quiet")), ("p01_x", OTHER),
                       ("p01_y", OTHER)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus(sorted(tmp_path.glob("*.txt")))
    assert [iv.id for iv in corpus.interviews] == ["anna", "p01", "p01_x"]
    assert corpus.warnings[0].endswith(": 'anna' and 'ben' as 'anna', 'p01_x' and 'p01_y' as 'p01_x'")


def test_a_corrected_copy_under_its_coders_own_name_is_one_interview_too(tmp_path):
    # Ben renamed his copy and fixed a typo in it: two interviews of one coder each, nobody to compare
    anna = project(tmp_path / "anna.qdpx", [coded(STIGMA, "non_stigmatizing_attitude", "Anna")])
    edited = TEXT.replace("day off", "day-off")
    ben = project(tmp_path / "ben.qdpx", [coded("rang on her day-off", "beyond_routine", "Ben", "p01 (Ben)", edited),
                                          coded("Loud", "beyond_routine", "Ben", "p02 (Ben)", OTHER + "P: Yes.\n")],
                  interviews=[interview("p01 (Ben)", edited), interview("p02 (Ben)", OTHER + "P: Yes.\n")])
    corpus = load_corpus([anna, ben])
    assert [iv.id for iv in corpus.interviews] == ["p01", "p02", "p02 (Ben)"]  # p02 edited more: another interview
    text = corpus.by_id()["p01"].text
    assert sorted((c.interview_id, c.coder, text[c.start:c.end]) for c in corpus.codings if c.interview_id == "p01") \
        == [("p01", "Anna", STIGMA), ("p01", "Ben", DAY_OFF)]
    assert corpus.files[1].warnings[0].startswith(f"interview 'p01 (Ben)' differs a little from the one in {anna} (1 ")
    assert "'p01' and 'p01 (Ben)' (corrected) as 'p01'" in corpus.warnings[0]


def test_a_codings_table_naming_a_corrected_copy_is_read_on_its_text_and_moved(tmp_path):
    # the table's offsets and quotes are the copy's ("Carol"): checked against it, then moved onto the original
    (tmp_path / "p01.txt").write_text(TEXT, encoding="utf-8")
    edited = TEXT.replace("The nurse.", "The nurse Carol.")
    (tmp_path / "p01_final.txt").write_text(edited, encoding="utf-8")
    start = edited.index("nurse Carol")
    table = tmp_path / "codings.csv"
    table.write_text(f"interview_id,start,end,code,coder,text\np01_final,{start},{start + 11},care,Ben,nurse Carol\n",
                     encoding="utf-8")
    corpus = load_corpus([tmp_path / "p01.txt", tmp_path / "p01_final.txt"], codings=table)
    assert [iv.id for iv in corpus.interviews] == ["p01"] and corpus.failures == []
    [coding] = corpus.codings
    assert (coding.interview_id, TEXT[coding.start:coding.end]) == ("p01", "nurse")
