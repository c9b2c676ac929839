"""Word 97-2003's binary format (``.doc``): the text a document shows, its tables, the
speaker labels its bold type marks, and its comments.

A ``.doc`` is a Microsoft compound file ([MS-CFB], read with ``olefile``) whose
``WordDocument`` stream holds the text in pieces, listed by the piece table in the
``0Table`` or ``1Table`` stream ([MS-DOC]). What the document shows is read from them as
Word shows it: field codes left out (their results kept), tracked deletions left out, a
table's cells and rows told apart by their paragraphs' properties, comments placed on the
passages they cover. Headers, footers, footnotes and text boxes are not the transcript and
are not read. Nothing in the file is run; a damaged or hostile file is refused with E110.
"""

from __future__ import annotations

import io
import re
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import encrypted_error, legacy_error
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import Comment, answered, column_comments, quoted, with_comment_codings
from tr_nlp.ingest.doctables import table_codes, table_lines
from tr_nlp.ingest.docx import with_comments_property
from tr_nlp.ingest.properties import (
    AUTHOR,
    CODEPAGE,
    COMMENTS,
    CREATED,
    KEYWORDS,
    SUBJECT,
    SUMMARY_STREAM,
    TITLE,
    summary_properties,
)
from tr_nlp.ingest.text import DocLine, interview_from_text, styled_label, text_with_labels

#: The ``WordDocument`` stream's first two bytes (the FIB's ``wIdent``).
WORD_IDENT = 0xA5EC
#: The lowest ``nFib`` of Word 97 and later; Word 6.0 and 95 wrote lower ones.
WORD97_NFIB = 0x00C1
#: The FIB's flags: which table stream holds the piece table; encrypted; XOR-obfuscated.
_WHICH_TABLE, _ENCRYPTED, _OBFUSCATED = 0x0200, 0x0100, 0x8000
#: Where the FIB holds the character counts of the main text, footnotes, headers and comments.
_CCP_TEXT, _CCP_FTN, _CCP_HDD, _CCP_ATN = 0x4C, 0x50, 0x54, 0x5C
#: Where the FIB's table of (offset, size) pairs in the table stream starts, and the pairs read.
_FC_LCB = 0x9A
_PLCF_AND_REF, _PLCF_AND_TXT, _PLCF_BTE_CHPX, _PLCF_BTE_PAPX, _CLX = 4, 5, 12, 13, 33
_GRP_XST_ATN_OWNERS, _STTBF_ATN_BKMK, _PLCF_ATN_BKF, _PLCF_ATN_BKL = 36, 37, 42, 43
_PART_NAMES = {_PLCF_AND_REF: "the comments' places", _PLCF_AND_TXT: "the comments' texts",
               _PLCF_BTE_CHPX: "the character formatting", _PLCF_BTE_PAPX: "the paragraph formatting",
               _CLX: "the piece table", _GRP_XST_ATN_OWNERS: "the comments' authors",
               _STTBF_ATN_BKMK: "the comments' ranges", _PLCF_ATN_BKF: "the comments' range starts",
               _PLCF_ATN_BKL: "the comments' range ends"}
#: Property modifiers read: bold, a tracked deletion; a table cell's paragraph, a row's end.
_BOLD, _DELETED, _IN_TABLE, _ROW_END, _INNER_ROW_END = 0x0835, 0x0800, 0x2416, 0x2417, 0x244C
_DEF_TABLE = 0xD608  # its operand's size is two bytes, not one
#: Operand size by a modifier's ``spra`` (6: its first byte gives it).
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_PAGE = 512
#: Characters that end a paragraph (a page or section break ends one too), a cell or row.
_PARAGRAPH_END, _CELL_END = "\r\x0c", "\x07"
_FIELD_BEGIN, _FIELD_SEPARATE, _FIELD_END = "\x13", "\x14", "\x15"
#: What other characters show: a line break, a non-breaking hyphen; anchors show nothing.
#: (a paragraph, cell or row end stays itself; "" is the second half of a character beyond 16 bits)
_SHOWN = {chr(c): "" for c in range(32) if chr(c) not in "\t\n"} | {"\x0b": "\n", "\x1e": "-", "": ""} | {
    ch: ch for ch in _PARAGRAPH_END + _CELL_END}
_FIELD_MARKS = frozenset(_FIELD_BEGIN + _FIELD_SEPARATE + _FIELD_END)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: metadata key -> the summary property that holds it
_PROPERTIES = {"title": TITLE, "subject": SUBJECT, "keywords": KEYWORDS, "author": AUTHOR}


@dataclass(frozen=True)
class _Piece:
    """Characters ``[start, end)`` of the document, stored from byte ``fc`` of the
    ``WordDocument`` stream, a byte each (cp1252) or two (UTF-16)."""

    start: int
    end: int
    fc: int
    width: int


@dataclass(frozen=True)
class _Run:
    """Formatting of the bytes ``[fc, fc_end)`` of the ``WordDocument`` stream."""

    fc: int
    fc_end: int
    props: dict[int, bytes]


class _Document:
    """A Word 97-2003 document's streams and what its FIB says where to find."""

    def __init__(self, word: bytes, table: bytes) -> None:
        self.word, self.table = word, table
        self.pieces = _pieces(self.part(_CLX), len(word))
        self._starts = [piece.start for piece in self.pieces]
        self._characters: dict[_Piece, list[str]] = {}

    def count(self, at: int) -> int:
        return max(0, struct.unpack_from("<i", self.word, at)[0])

    def part(self, index: int) -> bytes:
        """The table stream's bytes the FIB's ``index``-th (offset, size) pair points to."""
        fc, lcb = struct.unpack_from("<II", self.word, _FC_LCB + 8 * index)
        if fc + lcb > len(self.table):
            raise ValueError(f"the FIB puts {_PART_NAMES.get(index, f'part {index}')} outside the table stream")
        return self.table[fc:fc + lcb]

    def characters(self, piece: _Piece) -> list[str]:
        """A piece's characters, one per position: a character beyond the 16-bit range takes
        two positions, shown at the first ("" at the second)."""
        if piece not in self._characters:
            self._characters[piece] = self._decoded(piece)
        return self._characters[piece]

    def _decoded(self, piece: _Piece) -> list[str]:
        raw = self.word[piece.fc:piece.fc + (piece.end - piece.start) * piece.width]
        if piece.width == 1:
            return list(raw.decode("cp1252", "replace"))
        text = _LONE_SURROGATE.sub("\ufffd", raw[:len(raw) // 2 * 2].decode("utf-16-le", "surrogatepass"))
        if 2 * len(text) == len(raw) // 2 * 2:
            chars = list(text)
        else:  # a character beyond 16 bits takes two positions: shown at the first, "" at the second
            chars = [part for ch in text for part in ((ch, "") if ord(ch) > 0xFFFF else (ch,))]
        return chars + [""] * (piece.end - piece.start - len(chars))  # a piece cut short by the stream's end

    def runs(self, index: int, paragraphs: bool) -> list[_Run]:
        """The formatting runs of the bin table at the FIB's ``index``-th pair: paragraphs'
        (PAPX) or characters' (CHPX), each page of them an FKP of the ``WordDocument`` stream."""
        plc = self.part(index)
        n = (len(plc) - 4) // 8
        pages = dict.fromkeys(struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * k)[0] & 0x3FFFFF for k in range(n))
        found: list[_Run] = []
        for number in pages:  # each page once, however often the table lists it
            page = number * _PAGE
            fkp = self.word[page:page + _PAGE]
            if len(fkp) < _PAGE:
                raise ValueError("a formatting page lies outside the document")
            crun = fkp[-1]
            fcs = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
            for i in range(crun):
                where = 4 * (crun + 1) + (13 * i if paragraphs else i)
                offset = 2 * fkp[where]
                props = {} if offset == 0 else _props(fkp, offset, paragraphs)
                found.append(_Run(fcs[i], fcs[i + 1], props))
        return sorted(found, key=lambda run: run.fc)

    def fc(self, cp: int) -> int:
        """Where character ``cp`` is stored in the ``WordDocument`` stream (-1: nowhere)."""
        i = bisect_right(self._starts, cp) - 1
        piece = self.pieces[i] if i >= 0 else None
        return -1 if piece is None or cp >= piece.end else piece.fc + (cp - piece.start) * piece.width


def _pieces(clx: bytes, stored: int) -> list[_Piece]:
    """The piece table in the Clx (after any property lists it starts with), each piece
    checked to lie in order and inside the ``stored`` bytes of the ``WordDocument`` stream."""
    at = 0
    while at < len(clx) and clx[at] == 1:
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 2:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    pieces = []
    for k in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        piece = _Piece(cps[k], cps[k + 1], fc // 2 if compressed else fc, 1 if compressed else 2)
        if not 0 <= piece.start <= piece.end or piece.fc + (piece.end - piece.start) * piece.width > stored:
            raise ValueError(f"piece {k} of the text lies outside the document")
        pieces.append(piece)
    if pieces and pieces[-1].end - pieces[0].start > stored:  # pieces that share their bytes, over and over
        raise ValueError("the piece table holds more text than the document stores")
    return pieces


def _props(fkp: bytes, offset: int, paragraphs: bool) -> dict[int, bytes]:
    """The property modifiers of one PAPX or CHPX of a formatting page, by modifier."""
    size = fkp[offset]
    if paragraphs:  # a PAPX: its size counts words, and its style comes first
        start, size = (offset + 1, 2 * size - 1) if size else (offset + 2, 2 * fkp[offset + 1])
        return _modifiers(fkp[start + 2:start + size])
    return _modifiers(fkp[offset + 1:offset + 1 + size])


def _modifiers(grpprl: bytes) -> dict[int, bytes]:
    """Each property modifier's operand; those after one whose size cannot be told are left out."""
    found: dict[int, bytes] = {}
    at = 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        spra = sprm >> 13
        if sprm == _DEF_TABLE and at + 2 <= len(grpprl):
            size = struct.unpack_from("<H", grpprl, at)[0] + 1  # its two size bytes, and one less than they say
        elif spra == 6 and at < len(grpprl):
            size, at = grpprl[at], at + 1
        elif spra in _OPERAND:
            size = _OPERAND[spra]
        else:
            break
        found[sprm] = grpprl[at:at + size]
        at += size
    return found


def _flag(props: dict[int, bytes], sprm: int) -> bool:
    return props.get(sprm, b"\x00")[:1] in (b"\x01", b"\x81")


class _Formats:
    """The formatting of the document's characters, looked up by where they are stored."""

    def __init__(self, runs: list[_Run]) -> None:
        self.runs = runs
        self.starts = [run.fc for run in runs]

    def at(self, fc: int) -> dict[int, bytes]:
        """The formatting of the byte at ``fc``."""
        i = bisect_right(self.starts, fc) - 1
        return self.runs[i].props if i >= 0 and fc < self.runs[i].fc_end else {}

    def spans(self, fc: int, count: int, width: int) -> Iterator[tuple[int, int, dict[int, bytes]]]:
        """Of ``count`` characters stored from ``fc`` on, ``width`` bytes each: each stretch
        ``[first, last)`` (counted from 0) that one formatting covers, and that formatting."""
        i = max(0, bisect_right(self.starts, fc) - 1)
        first = 0
        while first < count:
            while i < len(self.runs) and self.runs[i].fc_end <= fc + first * width:
                i += 1
            run = self.runs[i] if i < len(self.runs) else None
            here = fc + first * width
            if run is None or here < run.fc:  # no formatting until the next run (or the end)
                last = count if run is None else min(count, first + -(-(run.fc - here) // width))
                yield first, last, {}
            else:
                last = min(count, first + -(-(run.fc_end - here) // width))
                yield first, last, run.props
            first = last


def _shown(doc: _Document, start: int, end: int, chars: _Formats) -> list[tuple[int, str, bool]]:
    """What the characters ``[start, end)`` show, each with its position and whether it is
    bold: field codes, tracked deletions and anchors left out, a paragraph, cell or row end
    as the character it is."""
    shown: list[tuple[int, str, bool]] = []
    fields: list[bool] = []  # per open field, whether its result has begun
    for piece in doc.pieces:
        lo, hi = max(start, piece.start), min(end, piece.end)
        if lo >= hi:
            continue
        text = doc.characters(piece)[lo - piece.start:hi - piece.start]
        for first, last, props in chars.spans(piece.fc + (lo - piece.start) * piece.width, hi - lo, piece.width):
            if _flag(props, _DELETED):
                continue
            bold, stretch = _flag(props, _BOLD), text[first:last]
            if fields or _FIELD_MARKS.intersection(stretch):
                for cp, ch in zip(range(lo + first, lo + last), stretch):
                    if ch == _FIELD_BEGIN:
                        fields.append(False)
                    elif ch == _FIELD_SEPARATE and fields:
                        fields[-1] = True
                    elif ch == _FIELD_END and fields:
                        fields.pop()
                    elif all(fields) and (shows := _SHOWN.get(ch, ch)):
                        shown.append((cp, shows, bold))
            else:
                shown.extend((cp, shows, bold) for cp, ch in zip(range(lo + first, lo + last), stretch)
                             if (shows := _SHOWN.get(ch, ch)))
    return shown


def _lines(shown: list[tuple[int, str, bool]], paragraph: Any) -> tuple[list[DocLine], dict[int, str]]:
    """Body paragraphs as (text, bold label or None) lines and tables' rows as
    :func:`~tr_nlp.ingest.doctables.table_lines` gives them, in order; and for the rows of a
    transcript table's codes column, their index there and codes cell. ``paragraph(cp)``
    gives the properties of the paragraph that ends at ``cp``."""
    blocks: list[DocLine] = []
    coded: dict[int, str] = {}
    rows: list[list[str]] = []
    cells: list[str] = []
    cell_lines: list[str] = []
    line: list[str] = []
    prefix: list[str] = []  # the paragraph's leading bold characters

    def end_table() -> None:
        coded.update((len(blocks) + i, codes) for i, codes in table_codes(rows).items())
        blocks.extend(table_lines(rows))
        rows.clear()

    for cp, ch, bold in shown:
        if ch not in _PARAGRAPH_END and ch != _CELL_END:
            if bold and len(prefix) == len(line):
                prefix.append(ch)
            line.append(ch)
            continue
        props = paragraph(cp)
        text = "".join(line)
        if ch == _CELL_END and (_flag(props, _ROW_END) or _flag(props, _INNER_ROW_END)):
            rows.append(cells)
            cells = []
        elif ch == _CELL_END:
            cells.append("\n".join([*cell_lines, text]).strip())
            cell_lines = []
        elif _flag(props, _IN_TABLE):
            cell_lines.append(text)
        else:
            if rows:
                end_table()
            blocks.append((text, styled_label("".join(prefix))))
        line, prefix = [], []
    if cells:
        rows.append(cells)
    if rows:
        end_table()
    if line:
        blocks.append(("".join(line), styled_label("".join(prefix))))
    return blocks, coded


def _xsts(data: bytes) -> list[str]:
    """Strings stored one after another, each its length in characters and its UTF-16."""
    found, at = [], 0
    while at + 2 <= len(data):
        size = struct.unpack_from("<H", data, at)[0]
        found.append(data[at + 2:at + 2 + 2 * size].decode("utf-16-le", "replace"))
        at += 2 + 2 * size
    return found


def _cps(plc: bytes, count: int | None = None) -> tuple[int, ...]:
    """The first ``count`` character positions of a PLC (all its bytes hold, by default)."""
    count = len(plc) // 4 if count is None else count
    return struct.unpack_from(f"<{count}i", plc, 0) if count > 0 and len(plc) >= 4 * count else ()


def _comments(doc: _Document, shown: list[tuple[int, str, bool]], chars: _Formats) -> tuple[list[Comment], int]:
    """The comments on passages of the main text (by the bookmark each one's range is), and
    how many comments mark no passage."""
    refs = doc.part(_PLCF_AND_REF)
    n = (len(refs) - 4) // 34
    if n <= 0:
        return [], 0
    texts = _cps(doc.part(_PLCF_AND_TXT))
    if any(a > b for a, b in pairwise(texts)):  # each comment's text after the one before
        raise ValueError("the comments' texts are out of order")
    owners = _xsts(doc.part(_GRP_XST_ATN_OWNERS))
    names = doc.part(_STTBF_ATN_BKMK)
    tags = {struct.unpack_from("<i", names, 6 + 12 * j + 4)[0]: j for j in range((len(names) - 6) // 12)}
    starts_plc = doc.part(_PLCF_ATN_BKF)
    marks = (len(starts_plc) - 4) // 8
    starts = _cps(starts_plc, marks + 1)
    ends = _cps(doc.part(_PLCF_ATN_BKL))
    base = doc.count(_CCP_TEXT) + doc.count(_CCP_FTN) + doc.count(_CCP_HDD)
    positions = [cp for cp, _, _ in shown]
    text = "".join("\n" if ch in _PARAGRAPH_END or ch == _CELL_END else ch for _, ch, _ in shown)
    spans, notes, authors = [], [], []
    unplaced = 0
    for i in range(n):
        atrd = 4 * (n + 1) + 30 * i
        initials = refs[atrd + 2:atrd + 2 + 2 * min(9, refs[atrd])].decode("utf-16-le", "replace")
        owner, tag = struct.unpack_from("<h", refs, atrd + 20)[0], struct.unpack_from("<i", refs, atrd + 26)[0]
        j = tags.get(tag)
        if j is None or j >= marks or i + 1 >= len(texts):
            unplaced += 1
            continue
        ibkl = struct.unpack_from("<H", starts_plc, 4 * (marks + 1) + 4 * j)[0]
        if ibkl >= len(ends) or ends[ibkl] <= starts[j]:
            unplaced += 1
            continue
        said = _shown(doc, base + texts[i], base + texts[i + 1], chars)
        notes.append("".join("\n" if ch in _PARAGRAPH_END else ch for _, ch, _ in said).strip())
        authors.append((owners[owner] if 0 <= owner < len(owners) else initials).strip() or "unknown")
        spans.append((bisect_left(positions, starts[j]), bisect_left(positions, ends[ibkl])))
    found = [Comment(quote, nth, note, author)
             for (quote, nth), note, author in zip(quoted(text, spans), notes, authors, strict=True)]
    return found, unplaced


def _metadata(ole: Any) -> dict[str, Any]:
    """The document's title, subject, keywords and author, when it was created, and what its
    comments property says (:func:`~tr_nlp.ingest.docx.with_comments_property`)."""
    props = summary_properties(ole.openstream(SUMMARY_STREAM).read()) if ole.exists(SUMMARY_STREAM) else {}
    page = props.get(CODEPAGE)
    page = (page if isinstance(page, int) and page else 1252) & 0xFFFF  # stored signed: UTF-8's 65001 reads as -535
    encoding = {65001: "utf-8", 1200: "utf-16-le"}.get(page, f"cp{page}")

    def text(ident: int) -> str:
        value = props.get(ident)
        if isinstance(value, bytes):
            try:
                value = value.decode(encoding, "replace")
            except LookupError:
                value = value.decode("cp1252", "replace")
        return value.replace("\x00", "").strip() if isinstance(value, str) else ""

    meta: dict[str, Any] = {key: value for key, ident in _PROPERTIES.items() if (value := text(ident))}
    if isinstance(created := props.get(CREATED), datetime):
        meta["created"] = created.isoformat()
    return with_comments_property(meta, text(COMMENTS))


def read_word97(path: str | Path, data: bytes, options: ReadOptions = ReadOptions()) -> ReadResult:  # noqa: B008
    """Read a Word 97-2003 document (``data``, the bytes of ``path``) into one
    :class:`~tr_nlp.schema.Interview`, its comments as codings.

    Raises
    ------
    InputError
        E113 (password-protected), E114 (Word 6.0/95), E110 (damaged, or a compound file
        that holds no Word document), E101 (no text).
    """
    import olefile

    path = Path(path)
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # bytes, however few, are never taken for a file name
    except Exception as exc:  # noqa: BLE001 - olefile raises OSError, struct.error, IndexError...
        raise InputError("E110", path, kind=".doc", app="Word", detail=f"{type(exc).__name__}: {exc}") from None
    with ole:
        if ole.exists("EncryptedPackage"):  # a password-protected .docx under a .doc name
            raise encrypted_error(path, ".docx")
        if not ole.exists("WordDocument"):  # Excel's or PowerPoint's, say
            raise InputError("E110", path, kind=".doc", app="Word",
                             detail="a Microsoft compound file, but no Word document: it has no WordDocument stream")
        try:
            result, comments = _read(ole, path, options)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged document fails in many ways
            raise InputError("E110", path, kind=".doc", app="Word", detail=f"{type(exc).__name__}: {exc}") from None
    return with_comment_codings(result, comments)


def _read(ole: Any, path: Path, options: ReadOptions) -> tuple[ReadResult, list[Comment]]:
    """The interview the document's streams hold, and its comments; comments that cannot
    be read are left out with a warning (the text is the transcript)."""
    word = ole.openstream("WordDocument").read()
    ident, nfib = struct.unpack_from("<HH", word, 0)
    if ident != WORD_IDENT:
        raise ValueError("its WordDocument stream does not start as a Word document's does")
    if nfib < WORD97_NFIB:
        raise legacy_error(path, ".docx", old="Word 6.0/95")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & (_ENCRYPTED | _OBFUSCATED):
        raise encrypted_error(path, ".doc")
    table = ole.openstream("1Table" if flags & _WHICH_TABLE else "0Table").read()
    doc = _Document(word, table)
    chars = _Formats(doc.runs(_PLCF_BTE_CHPX, paragraphs=False))
    paragraphs = _Formats(doc.runs(_PLCF_BTE_PAPX, paragraphs=True))
    shown = _shown(doc, 0, doc.count(_CCP_TEXT), chars)
    blocks, coded = _lines(shown, lambda cp: paragraphs.at(doc.fc(cp)))
    notes: list[str] = []
    try:
        comments, unplaced = _comments(doc, shown, chars) if doc.count(_CCP_ATN) else ([], 0)
    except (ValueError, struct.error, IndexError) as exc:
        comments, unplaced = [], 0
        notes.append(f"its comments could not be read ({type(exc).__name__}: {exc}) and were left out")
    if unplaced:
        notes.append(f"{unplaced} comment(s) mark no passage of the text and were left out")
    comments += column_comments(blocks, coded)
    text, forced, numbers = text_with_labels(blocks)
    if not text.strip():
        raise InputError("E101", path)
    try:
        metadata = _metadata(ole)
    except Exception as exc:  # noqa: BLE001 - olefile reads property sets in many ways; the text is what matters
        metadata = {}
        notes.append(f"its document properties (title, author...) could not be read ({type(exc).__name__}) "
                     "and were left out")
    result = interview_from_text(text, path, options.roles, metadata, "doc", forced, numbers)
    found, answers = answered(comments, {})
    result.warnings.extend(notes + answers)
    return result, found
