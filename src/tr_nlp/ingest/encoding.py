"""Decode transcript bytes and normalise the text once, so offsets refer to stable text.

Accepted: UTF-8, UTF-8 with BOM, UTF-16/UTF-32 with BOM, and (with a warning) UTF-16
without a BOM when every other byte is NUL, as Latin-script text then has. A file that
is not UTF-8 is decoded as cp1252 (Windows "ANSI", common for transcripts typed in Word
or Notepad) only when it has no UTF-8 sequences at all and reads as text, with a
warning naming the file; as Mac Roman instead (older transcripts saved on a Mac) when more
of its curly apostrophes, quotes and dashes, and of its accented letters inside words, are
Mac Roman's bytes than Windows'.
A UTF-8 file with a few Windows characters pasted in (``didn\x92t``, ``caf\xe9``: the
commonest stray bytes, written by Word or Notepad) is read with those bytes as cp1252,
with a warning giving their line. Any other stray byte (one that breaks a UTF-8
character, or none that cp1252 reads as a mark or a letter in a word) is corrupt UTF-8
and the file is refused.

Normalisation (see :func:`normalise_text`): Unicode NFC, every line break as ``\\n``,
no-break and other odd spaces as a plain space; zero-width characters, control characters
other than tabs and line breaks (DOS's end-of-file mark, Ctrl-Z; a bell; what a damaged
PDF's text holds), U+FFFE and U+FFFF removed (no project or Word file could hold the last
two kinds); trailing spaces on each line removed, leading/trailing blank lines removed.

A transcript file larger than :data:`MAX_TEXT_MB` (a document that may hold pictures:
:data:`MAX_DOCUMENT_MB`) is refused before it is read (E117): a ten-hour interview is about
1 MB of text, so such a file is something else (a log, a data dump, a whole project in one
file), and reading it would take minutes and gigabytes of memory. Utterance tables
(CSV, JSONL, Parquet) hold many interviews and have no such limit.

Examples
--------
>>> normalise_text("Hi\\u00a0there \\r\\nok\\u200b")
'Hi there\\nok'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tr_nlp.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: Typographic marks as Mac Roman and cp1252 encode them: an apostrophe inside a word
#: (don't, I'm), an opening quote before a letter, a closing one after, a spaced dash. Each
#: file's count of one kind tells which of the two wrote it (in the other, these bytes are
#: letters that rarely stand so: cp1252 reads Mac Roman's "don't" as "donÕt").
_MAC_MARKS = re.compile(rb"[A-Za-z]\xd5[a-z]|[\xd2\xd4][A-Za-z]|[a-z.,!?][\xd3\xd5](?![A-Za-z])|[ ][\xd0\xd1][ ]")
_WINDOWS_MARKS = re.compile(rb"[A-Za-z]\x92[a-z]|[\x93\x91][A-Za-z]|[a-z.,!?][\x94\x92](?![A-Za-z])|[ ][\x96\x97][ ]")
#: Accented lower-case letters after a lower-case letter, as each writes them: Mac Roman's
#: (é è ç ï ô ö ü á à â ä ã å ò õ ú ù û, bytes cp1252 reads as marks or not at all, and ñ
#: between letters; not ì î í ó, whose bytes are cp1252's quotes and dashes) and cp1252's
_MAC_LETTERS = re.compile(rb"[a-z](?:[\x87-\x91\x95\x98-\x9f]|\x96(?=[a-z]))")
_WINDOWS_LETTERS = re.compile(rb"[a-z][\xdf-\xff]")
#: A byte UTF-8 cannot read, as Python's ``surrogateescape`` keeps it: one character each.
_STRAY = re.compile("[\udc80-\udcff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # not \x0b or \x0c: line breaks (_LINE_BREAK)
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
#: zero-width characters and soft hyphens; control characters other than tabs and line breaks (the end-of-file
#: mark, Ctrl-Z, DOS editors left after the text among them); U+FFFE and U+FFFF: no XML file can hold them
_REMOVED = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
#: whatever ends a line: a line feed, or one of :data:`_LINE_BREAK`
_ANY_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x85\x0b\x0c]")
# tried only where a run of spaces starts: from each space of a long run inside a line it ran
# to the run's end every time (quadratic: minutes for 200,000 spaces)
_TRAILING = re.compile(r"(?<![ \t])[ \t]+$", re.MULTILINE)
#: Largest text transcript (.txt, .vtt, .srt, .json, .html, .eaf...) read, in MB.
MAX_TEXT_MB = 50
#: Largest document transcript that may hold pictures (.rtf, .doc, .pdf, .mht) read, in MB.
MAX_DOCUMENT_MB = 200


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the encoding it was read with, plus any warning."""

    text: str
    encoding: str
    warning: str | None = None
    #: the blank lines normalising took off the start of the file: its text's first line is
    #: the file's line ``lines_above + 1``
    lines_above: int = 0
    #: the lines of its text (0 its first) where a form feed started a new page, as ``pdftotext``
    #: writes one between the pages of a PDF
    page_lines: tuple[int, ...] = ()
    #: the lines of its text that a form feed or a vertical tab started: a line break to tr_nlp,
    #: but an editor shows the line on the line before
    inline_lines: tuple[int, ...] = ()


def decode_bytes(data: bytes, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode file bytes as described in the module docstring.

    Parameters
    ----------
    data : bytes
        The raw file content.
    path : str or Path
        Used in error and warning messages.
    encoding : str, optional
        Force an encoding instead of detecting one.

    Raises
    ------
    InputError
        Empty file (E101), binary file (E102), corrupt UTF-8 (E103), or bytes that do not
        decode in the forced encoding (E106).
    """
    if not data.strip():
        raise InputError("E101", path)
    if encoding:
        try:
            return Decoded(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError("E106", path, encoding=encoding, detail=exc) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                if codec == "utf-8-sig":  # Notepad's "UTF-8 with BOM", Windows characters pasted in
                    return _utf8_with_windows_bytes(data, path)
                raise InputError("E106", path, encoding=codec, detail=exc.reason) from None
    if b"\x00" in data[:8192]:
        return _bomless_utf16(data, path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fallback_8bit(data, path, exc)
    _refuse_control_characters(text, path)
    return Decoded(text, "utf-8")


def _bomless_utf16(data: bytes, path: str | Path) -> Decoded:
    """Text with NUL bytes: UTF-16 saved without a byte-order mark when every other byte
    is NUL (Latin-script text; some Windows tools write it), else a binary file (E102)."""
    sample = data[:8192]
    even, odd = sample[0::2], sample[1::2]
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if len(data) % 2 or high.count(0) < 0.9 * len(high) or low.count(0) > 0.01 * len(low):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:  # an unpaired surrogate: not UTF-16 after all
            break
        _refuse_control_characters(text, path)
        return Decoded(text, codec, f"UTF-16 without a byte-order mark; read as {codec.upper()}. "
                                    "Re-save it as UTF-8 to be sure")
    raise InputError("E102", path, detail="it contains NUL bytes")


def _fallback_8bit(data: bytes, path: str | Path, exc: UnicodeDecodeError) -> Decoded:
    if _UTF8_MULTIBYTE.search(data):
        return _utf8_with_windows_bytes(data, path)
    where = _where(data, exc.start)
    mac = (len(_MAC_MARKS.findall(data)) + len(_MAC_LETTERS.findall(data))
           > len(_WINDOWS_MARKS.findall(data)) + len(_WINDOWS_LETTERS.findall(data)))
    codec, name = ("mac_roman", "Mac Roman (older Mac files)") if mac else ("cp1252", "cp1252 (Windows)")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError("E103", path, detail=f"invalid bytes at {where}") from None
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if non_ascii > 0.2 * len(text):
        raise InputError("E102", path, detail=f"{non_ascii} of {len(text)} bytes are not text")
    _refuse_control_characters(text, path)
    return Decoded(text, codec, f"not UTF-8 ({where}); read as {name}. Re-save it as UTF-8 to be sure")


def _where(data: bytes, at: int) -> str:
    line = data.count(b"\n", 0, at) + 1
    return f"line {line}, byte {at}: {data[at:at + 4]!r}"


def _utf8_with_windows_bytes(data: bytes, path: str | Path) -> Decoded:
    """UTF-8 with stray bytes, each read as cp1252 where it is a Windows mark (0x80-0x9f:
    curly quotes, dashes, the euro), a symbol (0xa0-0xbf: pound, degree) or a letter that
    touches a word (``caf\\xe9``); else refused (E103)."""
    escaped = data.decode("utf-8", "surrogateescape")
    read: dict[int, str] = {}  # where each stray byte is in ``escaped``: what cp1252 reads it as

    def windows(match: re.Match[str]) -> str:
        at = match.start()
        byte = ord(match[0]) - 0xdc00
        after = escaped[at + 1:at + 2]
        broken = 0xc2 <= byte <= 0xf4 and after and 0xdc80 <= ord(after) <= 0xdcbf  # a UTF-8 character cut short
        in_word = any(c.isascii() and c.isalpha() for c in escaped[max(at - 1, 0):at] + after)
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            char = ""
        if broken or not char or (byte >= 0xc0 and not in_word):
            where = _where(data, len(escaped[:at].encode("utf-8", "surrogateescape")))
            raise InputError("E103", path, detail=f"UTF-8 text with invalid bytes at {where}")
        read[at] = char
        return char

    text = _STRAY.sub(windows, escaped).removeprefix("\ufeff")  # a byte-order mark, as utf-8-sig drops it
    _refuse_control_characters(text, path)
    first = _where(data, len(escaped[:min(read)].encode("utf-8", "surrogateescape")))
    return Decoded(text, "utf-8", f"UTF-8 with {len(read)} Windows (cp1252) byte(s) pasted in, first at "
                                  f"{first}; read as {' '.join(dict.fromkeys(read.values()))}. "
                                  "Re-save it as UTF-8 to be sure")


def _refuse_control_characters(text: str, path: str | Path) -> None:
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > 2:
        raise InputError("E102", path, detail=f"{controls} control characters")


def normalise_text(text: str) -> str:
    """Normalise text once; every offset tr_nlp stores refers to the result."""
    return _normalised_lines(text).strip("\n")


def _normalised_lines(text: str) -> str:
    """:func:`normalise_text` before the blank lines at either end are taken off: each line of
    ``text`` (a break of :data:`_LINE_BREAK` ending it) is a line of the result."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ODD_SPACE.sub(" ", text)
    text = _REMOVED.sub("", text)
    return _TRAILING.sub("", text)


def read_bytes(path: str | Path, error: type[InputError] = InputError, max_mb: float | None = None) -> bytes:
    """A file's bytes; a missing or unreadable file raises ``error`` naming it (E100, E109),
    and so does one larger than ``max_mb`` megabytes (E117), before it is read."""
    try:
        if max_mb is not None and (size := Path(path).stat().st_size) > max_mb * 2**20:
            raise error("E117", path, size=f"{size / 2**20:,.1f}", limit=f"{max_mb:g}")
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error("E100", path) from None
    except OSError as exc:
        raise error("E109", path, detail=exc.strerror or exc) from None


def read_text(path: str | Path, encoding: str | None = None) -> Decoded:
    """Read and decode a text file of at most :data:`MAX_TEXT_MB`, then normalise it.
    See :func:`decode_bytes`."""
    return _read_normalised(path, encoding, lambda text: text)


def _read_normalised(path: str | Path, encoding: str | None, prepare: Callable[[str], str]) -> Decoded:
    """:func:`read_text`'s work, the decoded text passed through ``prepare`` before it is
    normalised; an empty or blank file raises E101."""
    path = Path(path)
    decoded = decode_bytes(read_bytes(path, max_mb=MAX_TEXT_MB), path, encoding)
    prepared = prepare(decoded.text)
    lines = _normalised_lines(prepared)
    text = lines.strip("\n")
    if not text.strip():
        raise InputError("E101", path)
    above = len(lines) - len(lines.lstrip("\n"))
    begun = _lines_begun_by_breaks(prepared, above, text.count("\n"))
    return Decoded(text, decoded.encoding, decoded.warning, above,
                   tuple(line for line, end in begun if end == "\x0c"), tuple(line for line, _ in begun))


def _lines_begun_by_breaks(text: str, above: int, last: int) -> list[tuple[int, str]]:
    """The lines of ``text`` normalised (:func:`_normalised_lines`, which keeps each line a
    line) that a form feed or a vertical tab starts, counted from its first after the
    ``above`` blank ones, up to its ``last``, each with the character that starts it.

    >>> _lines_begun_by_breaks("\\n\\nI: So?\\n\\fP: Well.\\r\\nI: Mm.\\vP: Yes.\\n\\f", 2, 4)
    [(2, '\\x0c'), (4, '\\x0b')]
    """
    if "\x0c" not in text and "\x0b" not in text:
        return []
    ends = (m[0] for m in _ANY_LINE_BREAK.finditer(text))
    return [(line, end) for line, end in enumerate(ends, 1 - above) if end in "\x0b\x0c" and 0 < line <= last]


#: A letter of a script written without spaces between words (Chinese, Japanese's kana): where
#: such a letter stands, a word may start or end, and a run of them is many words.
UNSPACED_LETTER = re.compile("[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def letters_apart(text: str) -> str:
    """``text`` with each letter of Chinese or Japanese set apart by spaces, so that counting
    its words counts them (a run of them, written without spaces, is no single word): what
    passages too short to keep, and transcripts' lengths, are measured by.

    >>> len(letters_apart("\u5979\u6765\u4e86\u3002").split()), len(letters_apart("She came, 2 days ago.").split())
    (3, 5)
    """
    return UNSPACED_LETTER.sub(r" \g<0>", text) if UNSPACED_LETTER.search(text) else text


#: The line separators a JSON string may hold as they are (other line breaks it escapes):
#: normalising would make them line breaks, which no JSON string may hold.
_JSON_SAFE_BREAKS = re.compile("[\u2028\u2029\x85]")


def read_json_text(path: str | Path, encoding: str | None = None) -> Decoded:
    """:func:`read_text` for a JSON file, whose strings may hold U+2028, U+2029 or U+0085 as
    they are: each is a space first (normalising makes it a line break, so the JSON would
    no longer parse; a space is what the transcript's text keeps of a break inside speech).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.json"
    >>> _ = path.write_text('{"text": "Yes.\u2028She came."}', encoding="utf-8")
    >>> read_json_text(path).text
    '{"text": "Yes. She came."}'
    """
    return _read_normalised(path, encoding, lambda text: _JSON_SAFE_BREAKS.sub(" ", text))


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`normalise_text` plus where every offset of ``text`` lands in the result.

    Needed when offsets into the raw text come from elsewhere (a REFI-QDA project
    counts positions in the file as written, with its CRLFs and decomposed accents).

    Returns
    -------
    normalised : str
        Equal to ``normalise_text(text)``.
    offsets : list of int
        ``len(text) + 1`` entries; ``offsets[i]`` is the position in ``normalised``
        that raw position ``i`` maps to. A position inside a character that
        normalisation merged or removed maps to where that character's output starts.

    Examples
    --------
    >>> normalise_with_offsets("a\\r\\nb ")
    ('a\\nb', [0, 1, 1, 2, 3, 3])
    """
    if normalise_text(text) == text:  # most text is (each character's own place)
        return text, list(range(len(text) + 1))
    needs_nfc = not unicodedata.is_normalized("NFC", text)
    pieces: list[str] = []
    offsets = [0] * (len(text) + 1)
    size, i = 0, 0
    while i < len(text):
        j = i + 2 if text.startswith("\r\n", i) else i + 1
        if needs_nfc:  # grow the cluster while the next character composes with it
            while j < len(text) and _composes(text[i:j], text[j]):
                j += 1
        piece = text[i:j]
        if needs_nfc:
            piece = unicodedata.normalize("NFC", piece)
        piece = _REMOVED.sub("", _ODD_SPACE.sub(" ", _LINE_BREAK.sub("\n", piece)))
        for k in range(i, j):
            offsets[k] = size
        pieces.append(piece)
        size += len(piece)
        i = j
    offsets[len(text)] = size
    first = "".join(pieces)
    # trailing spaces on each line, then blank lines at both ends
    keep = _kept_positions(first, [(m.start(), m.end()) for m in _TRAILING.finditer(first)])
    second = "".join(first[k] for k in range(len(first)) if keep[k] != keep[k + 1])
    lead = len(second) - len(second.lstrip("\n"))
    result = second.strip("\n")
    final = [min(max(keep[o] - lead, 0), len(result)) for o in offsets]
    if result != normalise_text(text):  # pragma: no cover - a bug, not an input problem
        raise ValueError("offset-tracking normalisation disagrees with normalise_text")
    return result, final


def _composes(cluster: str, nxt: str) -> bool:
    if unicodedata.combining(nxt):
        return True
    joined = unicodedata.normalize("NFC", cluster + nxt)
    return joined != unicodedata.normalize("NFC", cluster) + unicodedata.normalize("NFC", nxt)


def _kept_positions(text: str, removed: list[tuple[int, int]]) -> list[int]:
    """For each offset of ``text`` (and its end), the offset once ``removed`` spans are cut."""
    out = [0] * (len(text) + 1)
    cut, r = 0, 0
    for k in range(len(text) + 1):
        while r < len(removed) and removed[r][1] <= k:
            cut += removed[r][1] - removed[r][0]
            r += 1
        if r < len(removed) and removed[r][0] <= k:
            out[k] = removed[r][0] - cut
        else:
            out[k] = k - cut
    return out
