"""Word 97-2003 documents (binary .doc) read as Word shows them: each fixture in
``data/word97`` was saved by LibreOffice from the .docx ``make_fixtures.py`` builds, and
reads as that .docx does."""

import shutil
import struct
import sys
from pathlib import Path

import pytest

from tr_nlp.errors import InputError
from tr_nlp.ingest import load_corpus, read_file
from tr_nlp.ingest.properties import SUMMARY_STREAM

FIXTURES = Path(__file__).parent / "data" / "word97"
sys.path.insert(0, str(FIXTURES))
from make_fixtures import FIXTURES as SOURCES


def rewritten(path: Path, word: bytes) -> Path:
    """``path`` with its WordDocument stream replaced by ``word`` (of the same size)."""
    import olefile

    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        ole.write_stream("WordDocument", word)
    return path


def word_stream(path: Path) -> bytearray:
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        return bytearray(ole.openstream("WordDocument").read())


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_doc_reads_as_the_docx_it_was_saved_from(tmp_path, name):
    # a team's older transcripts are .doc files: every one was refused ("save it as .docx")
    doc = shutil.copy(FIXTURES / f"{name}.doc", tmp_path / "p07.doc")
    source = SOURCES[name](tmp_path / "p07.docx")
    got, want = read_file(doc), read_file(source)
    (interview,), (expected,) = got.interviews, want.interviews
    assert interview.format == "doc" and interview.text == expected.text
    assert [(t.speaker, t.role, t.start, t.end) for t in interview.turns] == [
        (t.speaker, t.role, t.start, t.end) for t in expected.turns]
    assert interview.times == expected.times and got.warnings == want.warnings
    def place(coding):
        return coding.start, coding.end, coding.code, coding.coder

    assert sorted(got.comment_codings, key=place) == sorted(want.comment_codings, key=place) and got.comment_codings
    assert {k: v for k, v in interview.metadata.items() if k != "created"} == {
        k: v for k, v in expected.metadata.items() if k != "created"}


def test_what_a_doc_shows_is_read_and_what_it_hides_is_not():
    result = read_file(FIXTURES / "labelled.doc")
    text = result.interviews[0].text
    assert "DELETED" not in text and "inserted leaflet" in text  # a tracked deletion, an insertion
    assert "See the leaflet." in text and "HYPERLINK" not in text  # a field's result, not its code
    assert "Caf\u00e9 \u2014 \u201cquiet\u201d" in text and "day off \U0001F60A." in text
    assert [t.speaker for t in result.interviews[0].turns][:2] == ["Interviewer", "Participant"]  # a bold name
    assert result.interviews[0].metadata["title"] == "Interview 7"
    coded = {(text[c.start:c.end], c.code, c.coder) for c in result.comment_codings}
    assert ("she rang me on her day off", "Beyond routine: she came anyway", "Ben") in coded
    second = text.index("she never", text.index("she never") + 1)
    assert any(c.start == second and c.coder == "Anna Smith" for c in result.comment_codings)


def test_a_doc_beside_the_docx_saved_from_it_is_still_left_out(tmp_path):
    shutil.copy(FIXTURES / "table.doc", tmp_path / "p07.doc")
    SOURCES["table"](tmp_path / "p07.docx")
    shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p08.doc")
    corpus = load_corpus([tmp_path])
    assert [(iv.id, iv.format) for iv in corpus.interviews] == [("p07", "docx"), ("p08", "doc")]
    assert corpus.failures == []


@pytest.mark.parametrize(("change", "code", "says"), [
    (lambda word: struct.pack_into("<H", word, 0x0A, struct.unpack_from("<H", word, 0x0A)[0] | 0x0100), "E113",
     "is password-protected (an encrypted .doc), and tr_nlp asks for no password; open it in Word"),
    (lambda word: struct.pack_into("<H", word, 2, 0x0065), "E114", "is in Word 6.0/95 format"),
    (lambda word: struct.pack_into("<H", word, 0, 0x1234), "E110", "not a valid .doc"),
    (lambda word: struct.pack_into("<II", word, 0x1A2, 0, 0), "E110", "no piece table"),
    (lambda word: struct.pack_into("<II", word, 0x1A2, 10**9, 4), "E110", "the FIB puts the piece table outside the table stream"),
])
def test_a_doc_that_is_protected_older_or_damaged_is_refused_saying_so(tmp_path, change, code, says):
    path = shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.doc")
    word = word_stream(path)
    change(word)
    with pytest.raises(InputError) as info:
        read_file(rewritten(path, bytes(word)))
    assert info.value.code == code and says in str(info.value) and "p07.doc" in str(info.value)


def test_a_piece_table_that_reuses_its_text_over_and_over_is_refused(tmp_path):
    # 50 pieces all pointing at the same stored text: 50 times the document, read without end
    import olefile

    path = shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.doc")
    word = word_stream(path)
    with olefile.OleFileIO(str(path)) as ole:
        table = bytearray(ole.openstream("1Table").read())
    fc_clx = struct.unpack_from("<I", word, 0x1A2)[0]
    length, fc = struct.unpack_from("<i", table, fc_clx + 9)[0], table[fc_clx + 15:fc_clx + 19]  # the one piece
    n = 50
    pieces = (struct.pack(f"<{n + 1}i", *(length * k for k in range(n + 1)))
              + b"".join(b"\x00\x00" + fc + b"\x00\x00" for _ in range(n)))
    clx = b"\x02" + struct.pack("<I", len(pieces)) + pieces
    table[:len(clx)] = clx
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        ole.write_stream("1Table", bytes(table))
        ole.write_stream("WordDocument", bytes(word))
    with pytest.raises(InputError, match=r"E110\] not a valid .doc \(ValueError: the piece table holds more text "):
        read_file(path)


def test_a_doc_whose_comments_are_damaged_is_read_without_them(tmp_path):
    # the transcript is what matters: a damaged comment table leaves out the comments, not the text
    path = shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.doc")
    word = word_stream(path)
    struct.pack_into("<II", word, 0x9A + 8 * 4, 10**9, 34)  # the comments' places, far outside the table stream
    result = read_file(rewritten(path, bytes(word)))
    assert result.interviews[0].text == read_file(FIXTURES / "labelled.doc").interviews[0].text
    assert result.comment_codings == [] and result.warnings == [
        "its comments could not be read (ValueError: the FIB puts the comments' places outside the table stream) and were left out"]


def test_comment_texts_out_of_order_are_left_out_not_read_over_and_over(tmp_path):
    # each comment's text runs from its place to the next one's: out of order, one text could be read again and again
    import olefile

    path = shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.doc")
    word = word_stream(path)
    fc, lcb = struct.unpack_from("<II", word, 0x9A + 8 * 5)  # where the comments' texts start
    with olefile.OleFileIO(str(path)) as ole:
        table = bytearray(ole.openstream("1Table").read())
    count = lcb // 4
    struct.pack_into(f"<{count}i", table, fc, *([0, 10**6] * count)[:count])
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        ole.write_stream("1Table", bytes(table))
    result = read_file(path)
    assert result.comment_codings == [] and result.warnings == [
        "its comments could not be read (ValueError: the comments' texts are out of order) and were left out"]


def damage_properties(path: Path, damage: str) -> Path:
    """``path`` with its title property or its SummaryInformation stream damaged (sizes kept)."""
    import olefile

    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream(SUMMARY_STREAM).read())
        start = struct.unpack_from("<I", stream, 44)[0]
        if damage == "section past the end":
            struct.pack_into("<I", stream, 44, 2**31)
        else:
            count = struct.unpack_from("<I", stream, start + 4)[0]
            places = dict(struct.unpack_from("<II", stream, start + 8 + 8 * i) for i in range(count))
            kind = {"vector of two billion": (0x1000, 2**31 - 1), "text past the end": (0x1E, 2**20)}[damage]
            struct.pack_into("<HHI", stream, start + places[2], kind[0], 0, kind[1])  # the title's value
        ole.write_stream(SUMMARY_STREAM, bytes(stream))
    return path


@pytest.mark.parametrize("damage,metadata", [
    # olefile read each of two billion values of nothing: minutes and gigabytes (found by fuzzing)
    ("vector of two billion", {"author": "Study team"}),
    ("text past the end", {"author": "Study team"}),
    ("section past the end", {}),
])
def test_a_doc_whose_document_properties_are_damaged_is_read_without_them(tmp_path, damage, metadata):
    path = damage_properties(shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.doc"), damage)
    result = read_file(path)
    assert {k: v for k, v in result.interviews[0].metadata.items() if k not in {"created", "comments"}} == metadata
    assert result.interviews[0].text == read_file(FIXTURES / "labelled.doc").interviews[0].text


def test_a_doc_under_a_docx_name_is_refused_saying_to_rename_it(tmp_path):
    path = shutil.copy(FIXTURES / "labelled.doc", tmp_path / "p07.docx")
    with pytest.raises(InputError, match=r"E115\] holds a Word 97-2003 document \(binary .doc\) under a .docx name; "
                                         r"rename it to .doc, or pass --format doc, and it is read"):
        read_file(path)
    assert read_file(path, fmt="doc").interviews[0].format == "doc"
