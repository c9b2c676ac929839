"""Seeded fuzzing of what users hand-write: codebooks, corpus configs, codings and utterance
tables, labelled transcripts. Whatever they hold, a reader either returns data whose offsets
hold or raises a :class:`TrNlpError` (one clear line); never another exception."""

import json
import random
import re

import pytest
import yaml

from tr_nlp.codebook import codebook_from_dict
from tr_nlp.errors import TrNlpError
from tr_nlp.ingest import ReadOptions, TableMapping, read_codings, read_file
from tr_nlp.ingest.corpus import load_config
from tr_nlp.schema import Code, Codebook, Coding, Interview, Turn

SCALARS = [None, 1, 1.5, True, "a", "care", "", "x y", "interviewer", "x.txt", [], {}]


def read_or_refuse(path):
    """The interviews in ``path``, or none when the reader refuses it with a TrNlpError."""
    try:
        return read_file(path).interviews
    except TrNlpError:
        return []


def assert_turns_hold(interviews):
    """Every turn lies inside its interview's text and neither starts nor ends with a space."""
    for interview in interviews:
        for turn in interview.turns:
            said = interview.text[turn.start:turn.end]
            assert 0 <= turn.start < turn.end <= len(interview.text) and said == said.strip()


def read_and_check(path):
    """Whether ``path`` reads as interviews (else the reader refused it with a TrNlpError);
    what it reads has turns that hold (:func:`assert_turns_hold`) and no NUL in its text."""
    interviews = read_or_refuse(path)
    assert_turns_hold(interviews)
    assert not any("\x00" in interview.text for interview in interviews)
    return bool(interviews)


def mutated(rng, text, pieces, edits, longest):
    """``text`` after up to ``edits`` random edits: a piece put in, or up to ``longest``
    characters cut out."""
    chars = list(text)
    for _ in range(rng.randint(1, edits)):
        at = rng.randrange(len(chars))
        if rng.random() < 0.5:
            chars.insert(at, rng.choice(pieces))
        else:
            del chars[at:at + rng.randint(1, longest)]
    return "".join(chars)


def nested(rng, keys, depth=0):
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(SCALARS)
    if roll < 0.6:
        return [nested(rng, keys, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(keys): nested(rng, keys, depth + 1) for _ in range(rng.randint(0, 4))}


def test_codebooks_of_any_shape():
    rng = random.Random(0)
    keys = ["codes", "groups", "name", "version", "description", "examples", "parent", "include", "status", "care"]
    for _ in range(3000):
        data = nested(rng, keys) if rng.random() < 0.3 else {"codes": nested(rng, keys, 1), "groups": nested(rng, keys, 2)}
        try:
            codebook_from_dict(data, "codebook.yaml")
        except TrNlpError:
            pass


def test_corpus_configs_of_any_shape(tmp_path):
    rng = random.Random(1)
    keys = ["interviews", "codings", "speakers", "preset", "table", "encoding", "synthetic", "text_col", "code_cols",
            "roles", "Speaker 1"]
    for _ in range(1000):
        data = {rng.choice(["interviews", "speakers", "table", "preset", "codings"]): nested(rng, keys, 1)
                for _ in range(2)}
        (tmp_path / "corpus.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
        try:
            load_config(tmp_path)
        except TrNlpError:
            pass


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
def test_codings_tables_of_any_shape(tmp_path, suffix):
    rng = random.Random(2)
    text = "I: Who helped?\nP: Sam did, she stayed late."
    interviews = {"i": Interview("i", text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, len(text))))}
    columns = ["interview_id", "start", "end", "code", "coder", "text", "extra"]
    values = ["i", "j", "0", "5", "18", "25", "-1", "x", "", "a", "Sam did", "1e3", "nan", "i.txt", "  ", '"q,u"']
    path = tmp_path / f"codings{suffix}"
    for _ in range(600):
        header = rng.sample(columns, rng.randint(1, len(columns)))
        if suffix == ".jsonl":
            body = "\n".join(json.dumps({h: rng.choice([*values, 1, None]) for h in header})
                             for _ in range(rng.randint(0, 3)))
        else:
            sep = "\t" if suffix == ".tsv" else ","
            body = "\n".join([sep.join(header)] + [sep.join(rng.choice(values) for _ in header)
                                                    for _ in range(rng.randint(0, 4))])
        path.write_text(body, encoding="utf-8")
        try:
            codings, _ = read_codings(path, interviews, Codebook((Code("a"),)) if rng.random() < 0.5 else None)
        except TrNlpError:
            continue
        assert all(0 <= c.start < c.end <= len(text) for c in codings)


def test_utterance_tables_of_any_shape(tmp_path):
    rng = random.Random(3)
    columns = ["interview_id", "speaker", "text", "transcript_id", "utterance", "order", "coder", "label"]
    values = ["1", "2", "a", "I", "P", "Interviewer", "", "hello there", "yes?", "-3", "nan", "true", "change", '"q;u"']
    path = tmp_path / "table.csv"
    for _ in range(600):
        header = rng.sample(columns, rng.randint(1, 6))
        sep = rng.choice([",", ";", "\t", "|"])
        path.write_text("\n".join([sep.join(header)] + [sep.join(rng.choice(values) for _ in header)
                                                        for _ in range(rng.randint(0, 6))]), encoding="utf-8")
        mapping = TableMapping(order_col="order", code_cols=("label",), coder_col="coder") if rng.random() < 0.3 else None
        try:
            result = read_file(path, ReadOptions(table=mapping))
        except TrNlpError:
            continue
        assert_turns_hold(result.interviews)  # a row of no text was an empty turn


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt"])
def test_labelled_transcripts_of_any_shape(tmp_path, suffix):
    rng = random.Random(4)
    pieces = ["I:", "P:", "Interviewer (Jane):", "[00:01:02] Dana:", "00:00:01 Speaker 1", "Speaker 2  0:03",
              ">> NAME:", "[Interviewer]", "[Laughter]", "hello", "yes?", "**P05**:", "---", "name: x", "\t", "",
              "Note: this", "Dana (00:01):", "WEBVTT", "00:00:01.000 --> 00:00:02.000", "1",
              "00:00:01,000 --> 00:00:02,000", "<v Bob>hi</v>", "&amp;"]
    path = tmp_path / f"t{suffix}"
    for _ in range(800):
        lines = [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.3:  # numbered for citing, or nearly: numbers that rise, restart or stand alone
            lines = [f"{k % rng.choice([4, 99]) + 1}{rng.choice(['', ' ', '  ', chr(9)])}{line}"
                     for k, line in enumerate(lines)]
        path.write_text(("WEBVTT\n\n" if suffix == ".vtt" and rng.random() < 0.7 else "") + "\n".join(lines),
                        encoding="utf-8")
        interviews = read_or_refuse(path)
        assert_turns_hold(interviews)
        for interview in interviews:  # every passage has a line number or none, never an error
            assert all(isinstance(interview.line_at(t.start), (int, type(None))) for t in interview.turns)


def test_speech_to_text_json_of_any_shape(tmp_path):
    rng = random.Random(5)
    keys = ["segments", "transcription", "text", "start", "speaker", "offsets", "from", "timestamps", "language",
            "result", "words", "word"]
    values = [*SCALARS, -1, float("inf"), "00:00:01,000", "SPEAKER_00", " so she rang back", "\u200b", "I", 0, 2.5]
    words = [{"word": w, "start": t, "speaker": s} for w, t, s in
             [("so", 0, "A"), (" she", -1, "B"), ("rang", "x", None), ("back", 2, "A"), ("", 3, "B"), ("I", 4, 5), ("x", 5, ["A"]), ("y", 6, {"id": "B"})]]
    path = tmp_path / "t.json"
    read = 0
    for _ in range(1500):
        segments = [{"start": rng.choice([0, 2.5, 7] if rng.random() < 0.8 else values),
                     "text": rng.choice([*values[5:], " so she rang back"]),
                     **{key: rng.choice(values) if rng.random() < 0.8 else nested(rng, keys, 2)
                        for key in rng.sample(keys[4:], rng.randint(0, 2))},
                     "words": [words[i] for i in sorted(rng.sample(range(len(words)), rng.randint(0, len(words))))]}
                    for _ in range(rng.randint(0, 4))]
        data = rng.choice([{rng.choice(keys[:2]): segments, "language": rng.choice(values)}, segments,
                           nested(rng, keys)])
        path.write_text(json.dumps(data), encoding="utf-8")
        interviews = read_or_refuse(path)
        read += bool(interviews)
        for interview in interviews:
            assert all(0 <= t.start < t.end <= len(interview.text) for t in interview.turns)
    assert read > 100  # the shapes reach the reader's success path, not only its errors


def test_rtf_of_any_shape(tmp_path):
    rng = random.Random(6)
    pieces = [b"{", b"}", rb"\par ", rb"\line", rb"\cell ", rb"\row", rb"\u8217?", rb"\u-10179?", rb"\uc0", rb"\uc3",
              rb"\'e9", rb"\'f", rb"\ansicpg932", rb"\ansicpg99999", rb"\ansicpg10000", rb"\bin5 ", rb"\bin99999999",
              rb"\bin-9 ", rb"\*", rb"\info",
              rb"{\title x}", rb"{\fonttbl{\f0 Arial;}}", rb"\~", rb"\-", rb"\\", rb"\{", b"\\", b"I: ", b"P: ",
              b"She listened. ", b"\r\n", b"\x00", "é".encode(), rb"\b0", rb"\b ", rb"{\b Dana}", rb"\plain",
              b"#00:00:05-2#"]
    path = tmp_path / "t.rtf"
    read = 0
    for _ in range(1500):
        body = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        path.write_bytes((rb"{\rtf1" if rng.random() < 0.9 else b"") + body)
        read += read_and_check(path)
    assert read > 300  # the shapes reach the reader's success path, not only its errors


def test_html_of_any_shape(tmp_path):
    rng = random.Random(7)
    pieces = ["<p>", "</p>", "<br>", "<b>", "</b>", "<strong>Dana</strong>", "<table>", "<tr>", "<td>", "</td>",
              "</table>", "<pre>", "</pre>", "<div hidden>", "</div>", "<style>.c3{font-weight:700}</style>",
              "<span class=c3>", "</span>", '<a name="ts_1000_2000_S00">', "</a>", "<!--", "-->", "<![if x]>",
              "<script>", "</script>", "<title>t</title>", '<meta charset="cp1252">', '<meta charset="nope">',
              "&amp;", "&#0;", "&#x110000;", "&bogus;", "<", ">", "I: ", "P: ", "S00: ", "She listened. ", "\n",
              "\u00e9", "\x00", '<?xml version="1.0" encoding="utf-8"?>', "<li>", "<h1>", "<p style='font-weight:bold'>",
              "#00:00:05-2#", "[00:00:04.120 --> 00:00:09.000] "]
    path = tmp_path / "t.html"
    read = 0
    for _ in range(1500):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        path.write_bytes(body.encode("utf-8") if rng.random() < 0.9 else body.encode("utf-16"))
        read += read_and_check(path)
    assert read > 300  # the shapes reach the reader's success path, not only its errors


def test_single_file_web_pages_of_any_shape(tmp_path):
    from test_webpage import MHT

    rng = random.Random(8)
    pieces = ["\n", "--", "------=_NextPart_01DA0000.11111111", 'Content-Type: text/html; charset="nope"\n',
              "Content-Transfer-Encoding: base64\n", "=3D", "=\n", "=ZZ", "<p>I: x</p>", "\x00", "MIME-Version: 1.0\n",
              "boundary=", "\u00e9", 'Content-Type: multipart/related; boundary="x"\n', 'charset="utf-16"',
              'charset="x\x00y"']
    path = tmp_path / "t.mht"
    read = 0
    for _ in range(1000):
        path.write_text(mutated(rng, MHT, pieces, 8, 40), encoding="utf-8")
        read += read_and_check(path)
    assert read > 200  # the shapes reach the reader's success path, not only its errors


def test_pdf_of_any_shape(tmp_path):
    # a real transcript PDF cut, spliced and corrupted: every file is read or refused with a TrNlpError
    from conftest import make_pdf

    good = make_pdf(tmp_path / "good.pdf", [["Interviewer: How was it?", "Participant: She listened."],
                                            ["Page 2", "Interviewer: And then?"]]).read_bytes()
    rng = random.Random(7)
    path = tmp_path / "t.pdf"
    read = 0
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(0, 4)):
            at = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.4:
                data[at : at + rng.randint(1, 20)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 20)))
            elif roll < 0.7:
                del data[at : at + rng.randint(1, 200)]
            else:
                data[at:at] = rng.choice([b"<<", b">>", b"9999 0 R", b"stream\n", b"endobj", b"(", b"[", b"/Length 99"])
        path.write_bytes(bytes(data))
        read += read_and_check(path)
    assert read > 50  # the shapes reach the reader's success path, not only its errors


def test_doc_of_any_shape(tmp_path):
    # Word 97-2003 documents with their text, piece table, formatting pages or document
    # properties corrupted, and their compound file's own structure: each is read or refused
    # with a TrNlpError
    from pathlib import Path

    import olefile

    fixtures = Path(__file__).parent / "data" / "word97"
    rng = random.Random(11)
    path = tmp_path / "t.doc"
    read = 0
    for i in range(300):
        good = (fixtures / ("labelled.doc", "table.doc")[i % 2]).read_bytes()
        path.write_bytes(good)
        if rng.random() < 0.2:  # the compound file's sectors themselves
            data = bytearray(good)
            for _ in range(rng.randint(1, 6)):
                at = rng.randrange(len(data))
                data[at:at + 4] = rng.randbytes(4)
            path.write_bytes(bytes(data))
        else:  # the Word streams, their sizes kept
            with olefile.OleFileIO(str(path), write_mode=True) as ole:
                name = rng.choice(["WordDocument", "1Table", "\x05SummaryInformation"])
                data = bytearray(ole.openstream(name).read())
                size = len(data)
                for _ in range(rng.randint(1, 8)):
                    at = rng.choice([rng.randrange(0x200), rng.randrange(size)])
                    data[at:at + 4] = rng.choice([rng.randbytes(4), b"\xff\xff\xff\x7f", b"\x00\x00\x00\x00"])
                ole.write_stream(name, bytes(data[:size]))
        read += read_and_check(path)
    assert read > 50  # the shapes reach the reader's success path, not only its errors


def test_odt_of_any_shape(tmp_path):
    import zipfile

    rng = random.Random(7)
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    tags = ["text:p", "text:h", "text:span", "text:list", "text:list-item", "text:note", "table:table",
            "table:table-row", "table:table-cell", "office:annotation", "text:section"]
    empties = ['<text:s text:c="2"/>', '<text:s text:c="-4"/>', '<text:s text:c="x"/>', "<text:tab/>",
               "<text:line-break/>", "I: ", "P: ", "She listened. ", "&amp;", "\u00e9", "I: Why? ", "P: She came. "]

    def element(depth):
        if depth > 4 or rng.random() < 0.4:
            return rng.choice(empties)
        tag = rng.choice(tags)
        return f"<{tag}>{''.join(element(depth + 1) for _ in range(rng.randint(0, 4)))}</{tag}>"

    path = tmp_path / "t.odt"
    read = 0
    for _ in range(400):
        body = "".join(element(0) for _ in range(rng.randint(1, 6)))
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("content.xml", f"<office:document-content {ns}><office:body><office:text>{body}"
                                            "</office:text></office:body></office:document-content>")
        read += read_and_check(path)
    assert read > 100


def test_ods_of_any_shape(tmp_path):
    # a Calc sheet as a table of utterances, a codings table and a codebook: data or one clear error
    import zipfile

    from tr_nlp.codebook import load_codebook
    from tr_nlp.ingest.table import load_frame

    rng = random.Random(11)
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')
    texts = ["interview_id", "speaker", "text", "code", "Code", "Definition", "start", "p1", "I", "P", "She came.",
             "warmth", "", " ", "\u00e9", "&amp;", '<text:s text:c="3"/>', "<text:line-break/>", "1,234"]
    repeats = ["", ' table:number-columns-repeated="3"', ' table:number-columns-repeated="x"',
               ' table:number-columns-repeated="-2"', ' table:number-columns-repeated="40"',
               ' office:value-type="float" office:value="12"', ' office:value-type="float" office:value="abc"',
               ' office:value-type="float"', ' table:number-columns-spanned="2"']

    def cell():
        tag = "table:covered-table-cell" if rng.random() < 0.1 else "table:table-cell"
        inner = "".join(f"<text:p>{rng.choice(texts)}</text:p>" for _ in range(rng.randint(0, 2)))
        return f"<{tag}{rng.choice(repeats)}>{inner}</{tag}>"

    def row():
        times = rng.choice(["", ' table:number-rows-repeated="2"', ' table:number-rows-repeated="40"',
                            ' table:number-rows-repeated="y"'])
        cells = "".join(cell() for _ in range(rng.randint(0, 5)))
        wrapped = f"<table:table-row{times}>{cells}</table:table-row>"
        return f"<table:table-row-group>{wrapped}</table:table-row-group>" if rng.random() < 0.1 else wrapped

    path = tmp_path / "t.ods"
    read = 0
    for _ in range(200):
        header = "<table:table-row>" + "".join(f"<table:table-cell><text:p>{name}</text:p></table:table-cell>"
                                               for name in ("interview_id", "speaker", "text")) + "</table:table-row>"
        sheets = "".join(f'<table:table table:name="S{k}">{header if rng.random() < 0.7 else ""}'
                         f'{"".join(row() for _ in range(rng.randint(0, 6)))}</table:table>'
                         for k in range(rng.randint(0, 3)))
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("content.xml", f"<office:document-content {ns}><office:body><office:spreadsheet>"
                                            f"{sheets}</office:spreadsheet></office:body></office:document-content>")
        read += read_and_check(path)
        for load in (load_frame, load_codebook, lambda p: read_codings(p, {})):
            try:
                load(path)
            except TrNlpError:
                pass
    assert read > 20


def _archives(tmp_path):
    """A small valid .docx, .odt, .xlsx and .qdpx (every zip kind tr_nlp reads), deflated."""
    import zipfile

    import pandas as pd

    from conftest import make_docx
    from tr_nlp.export.qdpx import write_qdpx

    said = [("Interviewer:", " How was the ward? " * 20), ("Participant:", " She really listened to me. " * 20)]
    odt = tmp_path / "good.odt"
    with zipfile.ZipFile(odt, "w", zipfile.ZIP_DEFLATED) as archive:
        paragraphs = "".join(f"<text:p>{label}{text}</text:p>" for label, text in said)
        archive.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                         'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                         f"<office:body><office:text>{paragraphs}</office:text></office:body>"
                         "</office:document-content>")
    xlsx = tmp_path / "good.xlsx"
    pd.DataFrame({"interview_id": ["i1", "i1"], "speaker": ["Interviewer", "Participant"],
                  "text": [text for _, text in said]}).to_excel(xlsx, index=False)
    plain = tmp_path / "good.txt"
    plain.write_text("".join(label + text + "\n" for label, text in said), encoding="utf-8")
    qdpx = write_qdpx(tmp_path / "good.qdpx", read_file(plain).interviews, Codebook((Code("care"),)))
    return [make_docx(tmp_path / "good.docx", said), odt, xlsx, qdpx]


def test_damaged_archives_of_any_kind(tmp_path):
    # bytes changed anywhere in a zip (its directory, headers, deflate streams) are refused
    # with a TrNlpError: a corrupt stream once escaped as zlib.error, a bad version field
    # as NotImplementedError, an "encrypted" flag as RuntimeError
    rng = random.Random(11)
    for good in _archives(tmp_path):
        assert read_or_refuse(good), good.name
        data = good.read_bytes()
        path = tmp_path / f"damaged{good.suffix}"
        for _ in range(150):
            damaged = bytearray(data)
            for _ in range(rng.randint(1, 12)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            path.write_bytes(bytes(damaged))
            assert_turns_hold(read_or_refuse(path))
        # every entry flagged as encrypted (bit 0 of the flags, in local and central headers)
        flagged = bytearray(data)
        for magic, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            for k in [i for i in range(len(flagged)) if flagged.startswith(magic, i)]:
                flagged[k + at] |= 1
        path.write_bytes(bytes(flagged))
        with pytest.raises(TrNlpError):
            read_file(path)


def test_xml_declaring_an_unknown_encoding_is_refused(tmp_path):
    # expat raises LookupError for an encoding Python does not know; it escaped as such once
    import zipfile

    from tr_nlp.codebook import load_codebook

    declared = '<?xml version="1.0" encoding="utf-9"?>'
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(declared + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    with pytest.raises(TrNlpError, match="unknown encoding"):
        load_codebook(qdc)
    odt = tmp_path / "t.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("content.xml", declared + '<office:document-content xmlns:office="urn:oasis:names:tc:'
                         'opendocument:xmlns:office:1.0"/>')
    with pytest.raises(TrNlpError, match="utf-9"):
        read_file(odt)


def test_a_long_run_of_whitespace_is_read_in_one_pass(tmp_path):
    # each pattern below was tried again from each space of a run (or split the run between two
    # of its parts every way): minutes for a comment, PDF line, speaker label, a segment's text beside a
    # time mark (what a model reads), a caption's line, a node export's name or any transcript's line
    # (normalisation) of 200,000 spaces
    from tr_nlp.features.context import without_time_marks
    from tr_nlp.ingest.comments import codes_from_comments
    from tr_nlp.ingest.nodes import node_export
    from tr_nlp.ingest.furniture import page_furniture
    from tr_nlp.ingest.speakers import is_known_label

    spaces = " " * 200_000
    book = Codebook((Code("beyond_routine"),))
    kept, _ = codes_from_comments([Coding("p", 0, 4, f"Beyond routine{spaces}: day off", "A"),
                                   Coding("p", 0, 4, f"Beyond routine{spaces}x", "A")], book)
    assert [c.code for c in kept] == ["beyond_routine"]
    kept, dropped = page_furniture([["I: Why?", f"Page{spaces}1{spaces}of{spaces}3", f"1{spaces}x"]])
    assert kept == [["I: Why?", f"1{spaces}x"]] and dropped == [f"Page{spaces}1{spaces}of{spaces}3"]
    assert is_known_label(f"Interviewer{spaces}(Jane)") and not is_known_label(f"Jane{spaces}x")
    assert without_time_marks(f"So [{spaces}x [00:00:03]{spaces}yes") == f"So [{spaces}x yes"  # what a model reads
    export = node_export(f"Name: Nodes\\Care{spaces}x\n<Files\\P07> - § 1 reference coded  [2.5% Coverage]\n\n"
                         "Reference 1 - 2.5% Coverage\n\nShe rang me.\n")
    assert export.node == f"Nodes\\Care{spaces}x"  # an NVivo node export's name line
    caption = tmp_path / "p07.srt"  # speakers changing where captions mark them (>>)
    caption.write_text(f"1\n00:00:01,000 --> 00:00:02,000\nSo{spaces}well >> Yes.{spaces}>>Mm.\n", encoding="utf-8")
    interview = read_file(caption).interviews[0]
    assert [interview.text[t.start:t.end].split()[-1] for t in interview.turns] == ["well", "Yes.", "Mm."]


def test_long_runs_of_angle_brackets_and_a_style_sheet_without_braces_are_read_in_one_pass(tmp_path):
    # each pattern was tried from each "<" of a run (or each character of a style sheet) and ran to the end:
    # minutes for a caption of 200,000 "<" or "<v ", hours for a web page's style sheet of that size
    caption = tmp_path / "p07.srt"
    caption.write_text(f"1\n00:00:01,000 --> 00:00:02,000\nI: {'<' * 200_000} and {'<v ' * 60_000}<i>yes</i>\n",
                       encoding="utf-8")
    text = read_file(caption).interviews[0].text
    assert text.startswith("I: <<<") and text.endswith("yes")
    page = tmp_path / "p07.html"
    page.write_text(f"<html><head><style>{'a' * 200_000}}} .t {{font-weight: bold}}</style></head><body>"
                    '<p><span class="t">Interviewer</span> How was it?</p><p><span class="t">Dana</span> Fine.</p>'
                    "</body></html>", encoding="utf-8")
    assert [t.speaker for t in read_file(page).interviews[0].turns] == ["Interviewer", "Dana"]


@pytest.mark.parametrize("suffix", [".eaf", ".trs", ".exb"])
def test_annotation_files_of_any_shape(tmp_path, suffix):
    from test_elan import EAF, TRS
    from test_exmaralda import EXB

    rng = random.Random(9)
    pieces = ["<", ">", "/>", '"', "&amp;", "&#0;", "\x00", "\u00e9", "<TIER TIER_ID='x'>", "</TIER>", "PARENT_REF='INT' ",
              'TIME_VALUE="-5"', 'TIME_VALUE="1e9"', 'TIME_SLOT_REF1="nope"', "<ANNOTATION_VALUE>", "</ANNOTATION_VALUE>",
              '<Who nb="9"/>', '<Who nb="x"/>', '<Sync time="nan"/>', '<Sync time=""/>', 'speaker=""', "<Turn>",
              "</Turn>", "I: ", "\n", '<tli id="T9"/>', 'time="x"', '<event start="T9" end="T0">', "</event>", 'type="d"',
              'category="code" ', 'speaker="SPK9" ']
    coded = EXB.replace("</basic-body>", '<tier id="TIE9" speaker="SPK1" category="code" type="a"><event start="T2" '
                        'end="T6">Beyond routine; warmth</event><event start="T5" end="T1">x</event></tier></basic-body>')
    path = tmp_path / f"t{suffix}"
    read = 0
    for _ in range(600):
        path.write_text(mutated(rng, {".eaf": EAF, ".trs": TRS, ".exb": coded}[suffix], pieces, 3, 10), encoding="utf-8")
        read += read_and_check(path)
    assert read > 50  # the shapes reach the reader's success path, not only its errors (most break the XML)


def test_chat_transcripts_of_any_shape(tmp_path):
    from test_chat import CHAT

    rng = random.Random(10)
    pieces = ["\x15", "\x15" + "1_2", "99999999999999999999_1", "_", "*PAR:", "*:", "*INV:\t", "%mor:", "\t", "\n",
              "@Begin", "@End", "@Participants:\tX", ",", "[[bullet ", "]]", "\x02\x01", "\x00", "\u00e9", " . ", ""]
    path = tmp_path / "t.cha"
    read = 0
    for _ in range(600):
        path.write_text(mutated(rng, CHAT, pieces, 4, 12), encoding="utf-8")
        read += read_and_check(path)
    assert read > 300


def test_refi_projects_of_any_shape(tmp_path):
    # what NVivo, ATLAS.ti, MAXQDA or QualCoder wrote, cut, spliced and corrupted: read or refused
    import test_qdpx as refi

    pieces = ["<", ">", "/>", '"', "&amp;", "&#0;", "\u00e9", "\U0001F600", 'startPosition="-3"', 'endPosition="99999"',
              'targetGUID="nope"', f'targetGUID="{refi.GUID(10)}"', f'guid="{refi.GUID(21)}"', "<Coding>", "</Coding>",
              'isCodable="false"', 'name=""', 'plainTextPath="internal://../../etc/passwd"', 'timeStamp="-1"',
              'position="999"', 'position="x"', "<SyncPoint ", "<Transcript ", "<Description>", "</Description>",
              "<IntegerValue>x</IntegerValue>", "\n"]
    start, end = refi.span(refi.SOURCE_TEXT, "The nurse stayed late.")
    bases = [(refi.qualcoder_qde((start, end), f'plainTextPath="internal://{refi.GUID(20)}.txt"'),
              {f"sources/{refi.GUID(20)}.txt": refi.SOURCE_TEXT.encode("utf-8")}),
             (refi.recording_qde(), {f"sources/{refi.GUID(21)}.txt": refi.TRANSCRIPT.encode("utf-8")})]
    rng = random.Random(11)
    path = tmp_path / "p.qdpx"
    read = 0
    for k in range(200):
        qde, files = bases[k % 2]
        refi.make_qdpx(path, mutated(rng, qde, pieces, 2, 6), files)
        try:
            result = read_file(path)
        except TrNlpError:
            continue
        assert_turns_hold(result.interviews)
        texts = {interview.id: interview.text for interview in result.interviews}
        assert all(0 <= c.start < c.end <= len(texts[c.interview_id]) for c in result.codings)
        read += bool(result.codings)
    assert read > 20  # the shapes reach the reader's success path, not only its errors


def test_numbers_no_reader_counts_with_are_passed_over_or_refused(tmp_path):
    # a digit run of a file replaced by a superscript digit (which str.isdigit admits and int
    # refuses) or by 5,000 digits (int refuses over 4,300): ELAN's time slots, Transcriber's
    # speaker numbers and a web page's font weights raised ValueError
    from test_chat import CHAT
    from test_elan import EAF, TRS
    from test_exmaralda import EXB
    from test_readers import LINE_NUMBERED, VTT
    from test_webpage import NOSCRIBE, WORD

    samples = {"t.eaf": EAF, "t.trs": TRS, "t.exb": EXB, "t.cha": CHAT, "a.html": NOSCRIBE, "b.html": WORD,
               "t.vtt": VTT, "t.txt": LINE_NUMBERED}
    for name, text in samples.items():
        path = tmp_path / name
        for run in re.finditer(r"\d+", text):
            for odd in ("\u00b2", "9" * 5000):
                path.write_text(text[:run.start()] + odd + text[run.end():], encoding="utf-8")
                assert_turns_hold(read_or_refuse(path))
