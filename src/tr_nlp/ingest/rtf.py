"""Rich Text Format (.rtf): transcripts saved by f4/f5transkript, easytranscript, Word or WordPad.

The text is what the document shows. Paragraphs and line breaks become line breaks, and a
table's rows ``Speaker: text`` lines as in Word documents (a time column the turn's time,
a header row and its notes column left out: see :func:`tr_nlp.ingest.doctables.table_lines`).
``\\'hh`` bytes are decoded with the document's code page (``\\ansicpg``, cp1252 when it
names none) and ``\\uN`` gives its character, skipping the fallback that follows it. Font,
colour and style tables, pictures, headers, footers, field codes and every other
``{\\*...}`` group are left out. Comments (Word's ``\\atrfstart``/``\\atrfend`` around the
passage, ``\\atnauthor`` and ``\\annotation``) code their passage, as a ``.docx``'s do
(:mod:`~tr_nlp.ingest.comments`); replies (``\\atnparent``) do not. The ``\\info``
group's title, subject and keywords become metadata. The text is then read like a
plain-text transcript: speaker labels, continuation lines, f4's ``#00:01:02-3#`` time
marks; as in ``.docx``, a speaker set in bold at the start of a paragraph (``\\b``) is a
label without a colon.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import Comment, quoted, with_comment_codings
from tr_nlp.ingest.doctables import table_lines
from tr_nlp.ingest.encoding import MAX_DOCUMENT_MB, read_bytes
from tr_nlp.ingest.text import DocLine, interview_from_text, styled_label, text_with_labels

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # a control word and its number
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the document's code page
    rb"|\\([^a-zA-Z'])"  # a control symbol: \~ \- \_ \\ \{ \} \<line break>
    rb"|([{}])"
    rb"|[\r\n]+"  # line breaks in the file are not text
    rb"|([^\\{}\r\n]+)",
    re.DOTALL,
)
#: control words that stand for text
_TEXT_WORDS = {
    b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"tab": "\t", b"nestcell": " ", b"nestrow": " ",
    b"emdash": "\u2014", b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019",
    b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022", b"emspace": " ", b"enspace": " ",
}
_SYMBOLS = {b"~": " ", b"-": "", b"_": "-", b"\\": "\\", b"{": "{", b"}": "}", b"\n": "\n", b"\r": "\n", b"\t": "\t"}
#: groups whose text is not part of what the document shows
_HIDDEN = {
    b"fonttbl", b"colortbl", b"stylesheet", b"listtable", b"listoverridetable", b"revtbl", b"rsidtbl",
    b"generator", b"pict", b"object", b"header", b"headerl", b"headerr", b"headerf", b"footer", b"footerl",
    b"footerr", b"footerf", b"footnote", b"fldinst", b"xmlnstbl", b"themedata", b"colorschememapping",
    b"datastore", b"latentstyles", b"pgdsctbl", b"filetbl", b"nonshppict", b"shpinst", b"annotation",
    b"atnid", b"atnauthor", b"bkmkstart", b"bkmkend", b"txe", b"xe", b"tc", b"template",
}
_METADATA = {b"title": "title", b"subject": "subject", b"keywords": "keywords"}
#: the groups of a comment: its passage's start and end marks (by id), its author's
#: initials and name, its text, and in it the id of the passage it is on
_COMMENT_PARTS = {b"atrfstart", b"atrfend", b"atnid", b"atnauthor", b"annotation", b"atnref"}
_CODE_PAGES = {10000: "mac_roman", 10007: "mac_cyrillic", 20127: "ascii", 28591: "latin_1"}  # others are cpN
#: what a table's control words leave in the text until its rows are read (control
#: characters the document's own text never keeps): a paragraph in a table, a cell's end, a row's end
_IN_TABLE, _CELL_END, _ROW_END = "\x1d", "\x1f", "\x1e"
_TABLE_MARKS = {b"intbl": _IN_TABLE, b"cell": _CELL_END, b"row": _ROW_END + "\n"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class _Group:
    """What text in the current group is for: the document (None), a metadata key, or nothing."""

    target: str | None = None
    hidden: bool = False
    uc: int = 1  # characters of fallback after each \uN
    bold: bool = False


def rtf_text(data: bytes, path: str | Path,
             ) -> tuple[list[DocLine], dict[str, Any], list[str], list[Comment]]:
    """The lines an RTF document shows (each with its leading bold text if that can be a
    speaker label, else None), its metadata, any warnings, and its comments on passages.

    Raises
    ------
    InputError
        E110 when ``data`` is not RTF.
    """
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise InputError("E110", path, kind=".rtf", app="Word or WordPad",
                         detail="it does not start with '{\\rtf'")
    codec = codecs.lookup("cp1252")
    stack: list[_Group] = []
    group = _Group()
    parts: dict[str | None, list[tuple[str, bool]]] = {None: []}  # text, and whether it is bold
    pending = bytearray()  # \'hh bytes, decoded together (a double-byte code page needs both)
    skip = 0  # fallback characters still to skip after a \uN
    opened = False  # the last token opened a group: a destination word may follow
    pos = 0
    shown = 0  # characters of the document's text so far (table marks not counted)
    notes = _Notes()

    def emit(text: str, mark: bool = False) -> None:
        nonlocal skip, shown
        if pending:
            flushed = codec.decode(bytes(pending), "replace")[0]
            pending.clear()
            emit(flushed)
        if skip and text and not mark:
            dropped = min(skip, len(text))
            text, skip = text[dropped:], skip - dropped
        if text and not group.hidden:  # control characters (stray bytes, \u0) are dropped; marks kept
            kept = text if mark else _CONTROL.sub("", text)
            parts.setdefault(group.target, []).append((kept, group.bold))
            if group.target is None and not mark:
                shown += len(kept)

    while pos < len(data):
        m = _TOKEN.match(data, pos)
        if m is None:  # a lone backslash at the end
            break
        pos = m.end()
        word, number, hexbyte, symbol, brace, text = m.groups()
        was_opened, opened = opened, False
        if hexbyte is not None:
            if skip:
                skip -= 1
            elif not group.hidden:
                pending.extend(bytes.fromhex(hexbyte.decode()))
            continue
        if brace == b"{":
            emit("")
            stack.append(group)
            opened = True
        elif brace == b"}":
            emit("")
            if not stack:
                break  # a stray closing brace ends the document too
            closed, group = group, stack.pop()
            if closed.target != group.target and closed.target in notes.parts:
                notes.close(closed.target, _join([text for text, _ in parts.pop(closed.target, [])]), shown)
            if not stack:
                break  # the document's closing brace: what follows it is not part of it
        elif symbol is not None:
            if symbol == b"*" and was_opened:
                group = replace(group, hidden=True)
                opened = True  # the destination's word follows
            else:
                emit(_SYMBOLS.get(symbol, ""))
        elif word is not None:
            value = int(number) if number else None
            if was_opened and (word in _COMMENT_PARTS and group.target is None or word == b"atnref") \
                    and not stack[-1].hidden:  # a comment in a header or footer is none on the transcript
                group = _Group(target=notes.open(word.decode()), uc=group.uc)
            elif word == b"atnparent":
                notes.reply()
            elif was_opened and word in _HIDDEN:
                group = replace(group, hidden=True)
            elif was_opened and word == b"info":
                group = replace(group, hidden=True, target="info")
            elif was_opened and word in _METADATA and group.target == "info":
                group = _Group(target=_METADATA[word], uc=group.uc)
            elif word == b"u" and value is not None:
                emit(chr(value % 0x10000))
                skip = group.uc
            elif word == b"uc" and value is not None:
                group = replace(group, uc=max(0, value))
            elif word in (b"b", b"plain"):
                emit("")  # bytes so far were written in the type before this change
                group = replace(group, bold=word == b"b" and value != 0)
            elif word == b"ansicpg" and value is not None:
                try:
                    codec = codecs.lookup(_CODE_PAGES.get(value, f"cp{value}"))
                except LookupError:
                    pass  # an unknown code page: cp1252 stays
            elif word == b"bin" and value is not None and value > 0:
                pos += value  # raw bytes of a picture or object
            elif word in _TEXT_WORDS:
                emit(_TEXT_WORDS[word])
            elif word in _TABLE_MARKS:
                emit(_TABLE_MARKS[word], mark=True)
        elif text is not None:
            emit(text.decode(codec.name, "replace"))
    emit("")
    warnings = []
    if stack:
        warnings.append(f"the file ends inside {len(stack)} open group(s): it may be cut short; "
                        "open it in Word and save it again")
    metadata = {key: value for key in _METADATA.values()
                if (value := _join([text for text, _ in parts.get(key, [])]).strip())}
    text = "".join(piece for piece, _ in parts[None])  # as ``shown`` counted it (surrogate pairs not joined)
    for mark in (_IN_TABLE, _CELL_END, _ROW_END):
        text = text.replace(mark, "")
    return _with_tables(_lines(parts[None])), metadata, warnings, notes.comments(text)


class _Notes:
    """The comments of an RTF document, gathered as its groups close."""

    def __init__(self) -> None:
        self.parts: set[str] = set()  # the targets of the comment groups open now
        self._count = 0
        self._marks: dict[tuple[str, str], int] = {}  # (atrfstart or atrfend, id) -> position in the text
        self._author: dict[str, str] = {}  # atnid and atnauthor of the next comment
        self._annotation: str | None = None  # the target of the comment open now
        self._ref = ""
        self._reply = False
        self._found: list[tuple[str, str, str, bool]] = []  # (id, author, text, reply)

    def open(self, part: str) -> str:
        """A new comment group's target (its text is kept apart under it)."""
        self._count += 1
        target = f"{part}:{self._count}"
        self.parts.add(target)
        if part == "annotation":
            self._annotation, self._ref, self._reply = target, "", False
        return target

    def reply(self) -> None:
        """The comment open now answers another one."""
        self._reply = True

    def close(self, target: str, text: str, position: int) -> None:
        """A comment group closed, its text ``text``, at ``position`` of the document's text."""
        self.parts.discard(target)
        part = target.split(":", 1)[0]
        if part in ("atrfstart", "atrfend"):
            self._marks[part, text.strip()] = position
        elif part in ("atnid", "atnauthor"):
            self._author[part] = text.strip()
        elif part == "atnref":
            self._ref = text.strip()
        elif target == self._annotation:
            author = self._author.get("atnauthor") or self._author.get("atnid") or "unknown"
            self._found.append((self._ref, author, text.strip(), self._reply))
            self._author, self._annotation = {}, None

    def comments(self, shown: str) -> list[Comment]:
        """The comments on passages of ``shown`` (the document's text), replies left out."""
        kept = []
        for ref, author, note, reply in self._found:
            start, end = self._marks.get(("atrfstart", ref)), self._marks.get(("atrfend", ref))
            if not (reply or start is None or end is None or end <= start):
                kept.append(((start, end), note, author))
        return [Comment(_join([quote]), nth, note, author)
                for (_, note, author), (quote, nth) in zip(kept, quoted(shown, [span for span, _, _ in kept]))]


def _lines(pieces: list[tuple[str, bool]]) -> list[tuple[str, str | None]]:
    """Lines of (text, bold) pieces, each with its leading bold text if that can be a label."""
    lines: list[tuple[str, str | None]] = []
    line: list[str] = []
    prefix: list[str] = []  # the line's leading bold text (and spaces)
    leading = True  # no text in regular type yet on this line
    for text, bold in pieces:
        for k, chunk in enumerate(text.split("\n")):
            if k:
                lines.append((_join(line), styled_label(_join(prefix))))
                line, prefix, leading = [], [], True
            line.append(chunk)
            leading = leading and (bold or not chunk.strip())
            if leading:
                prefix.append(chunk)
    lines.append((_join(line), styled_label(_join(prefix))))
    return lines


def _join(pieces: list[str]) -> str:
    """Pieces of text as one string: surrogate pairs from two \\uN escapes become one character."""
    return "".join(pieces).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _with_tables(lines: list[tuple[str, str | None]]) -> list[DocLine]:
    """Lines with each table's rows read as transcript rows (:func:`tr_nlp.ingest.doctables.table_lines`).

    A row runs from a paragraph in a table to the end of the row; a cell with several
    paragraphs is one cell of their text.
    """
    out: list[DocLine] = []
    rows: list[list[str]] = []
    row: list[str] = []
    blank: list[tuple[str, str | None]] = []  # empty lines after a row: between rows they are nothing
    for text, label in lines:
        if row or any(mark in text for mark in (_IN_TABLE, _CELL_END, _ROW_END)):
            blank.clear()
            row.append(text)
            if _ROW_END in text:
                rows.append(_cells(" ".join(row)))
                row = []
        elif rows and not text.strip():
            blank.append((text, label))
        else:
            out += table_lines(rows)
            out += blank
            rows, blank = [], []
            out.append((text, label))
    if row:
        rows.append(_cells(" ".join(row)))
    return out + list(table_lines(rows)) + blank


def _cells(row: str) -> list[str]:
    """A row's cell texts (the text after its last cell's end is not a cell)."""
    cells = row.replace(_IN_TABLE, "").replace(_ROW_END, "").split(_CELL_END)
    if len(cells) > 1 and not cells[-1].strip():
        cells.pop()
    return [" ".join(cell.split()) for cell in cells]


def read_rtf(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ``.rtf`` transcript into one :class:`Interview`."""
    path = Path(path)
    data = read_bytes(path, max_mb=MAX_DOCUMENT_MB)
    if not data.strip():
        raise InputError("E101", path)
    lines, metadata, warnings, comments = rtf_text(data, path)
    text, forced, numbers = text_with_labels(lines)
    if not text.strip():
        raise InputError("E101", path)
    result = interview_from_text(text, path, options.roles, metadata, "rtf", forced, numbers)
    result.warnings[:0] = warnings
    return with_comment_codings(result, comments)
