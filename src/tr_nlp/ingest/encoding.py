"""Decode transcript bytes and normalise the text once, so offsets refer to stable text.

Accepted: UTF-8, UTF-8 with BOM, UTF-16/UTF-32 with BOM. A file that is not UTF-8 is
decoded as cp1252 (Windows "ANSI", common for transcripts typed in Word or Notepad) only
when it has no UTF-8 sequences at all and reads as text, with a warning naming the file.
A file that mixes UTF-8 with stray bytes is corrupt UTF-8 and is refused.

Normalisation (see :func:`normalise_text`): Unicode NFC, every line break as ``\\n``,
no-break and other odd spaces as a plain space, zero-width characters removed,
trailing spaces on each line removed, leading/trailing blank lines removed.

Examples
--------
>>> normalise_text("Hi\\u00a0there \\r\\nok\\u200b")
'Hi there\\nok'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the encoding it was read with, plus any warning."""

    text: str
    encoding: str
    warning: str | None = None


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
                raise InputError("E106", path, encoding=codec, detail=exc.reason) from None
    if b"\x00" in data[:8192]:
        raise InputError("E102", path, detail="it contains NUL bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fallback_cp1252(data, path, exc)
    _refuse_control_characters(text, path)
    return Decoded(text, "utf-8")


def _fallback_cp1252(data: bytes, path: str | Path, exc: UnicodeDecodeError) -> Decoded:
    where = f"byte {exc.start}: {data[exc.start:exc.start + 4]!r}"
    if _UTF8_MULTIBYTE.search(data):
        raise InputError("E103", path, detail=f"UTF-8 text with invalid bytes at {where}")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError("E103", path, detail=f"invalid bytes at {where}") from None
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if non_ascii > 0.2 * len(text):
        raise InputError("E102", path, detail=f"{non_ascii} of {len(text)} bytes are not text")
    _refuse_control_characters(text, path)
    warning = f"not UTF-8 ({where}); read as cp1252 (Windows). Re-save it as UTF-8 to be sure"
    return Decoded(text, "cp1252", warning)


def _refuse_control_characters(text: str, path: str | Path) -> None:
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > 2:
        raise InputError("E102", path, detail=f"{controls} control characters")


def normalise_text(text: str) -> str:
    """Normalise text once; every offset tr_nlp stores refers to the result."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ODD_SPACE.sub(" ", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _TRAILING.sub("", text)
    return text.strip("\n")


def read_text(path: str | Path, encoding: str | None = None) -> Decoded:
    """Read and decode a text file, then normalise it. See :func:`decode_bytes`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("E100", path) from None
    except OSError as exc:
        raise InputError("E109", path, detail=exc.strerror or exc) from None
    decoded = decode_bytes(data, path, encoding)
    text = normalise_text(decoded.text)
    if not text.strip():
        raise InputError("E101", path)
    return Decoded(text, decoded.encoding, decoded.warning)
