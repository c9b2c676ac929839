"""Files named ``.doc``: read by what they hold, which is often not Word 97-2003's binary format.

Word 97-2003's own binary format (a Microsoft compound file) is read by
:mod:`tr_nlp.ingest.word97`. Transcription services and older tools write RTF, plain text,
or a ``.docx`` under a ``.doc`` name, and Word opens them all alike; such a file is read as
what it holds (with a warning saying so), and so is a web page (Word's "Save as Web Page",
or "Single File Web Page", under a ``.doc`` name: :mod:`tr_nlp.ingest.webpage`).
"""

from __future__ import annotations

from pathlib import Path

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import COMPOUND_FILE
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.docx import read_docx
from tr_nlp.ingest.encoding import MAX_DOCUMENT_MB, read_bytes
from tr_nlp.ingest.rtf import read_rtf
from tr_nlp.ingest.text import read_text_file
from tr_nlp.ingest.webpage import read_html, read_mht
from tr_nlp.ingest.word97 import read_word97

#: what may come before a file's first mark: a UTF-8 byte order mark, white space
_LEADING = b"\xef\xbb\xbf \t\r\n"


def read_doc(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a ``.doc`` file into one :class:`~tr_nlp.schema.Interview` by what it holds:
    Word 97-2003's binary format, RTF, a ``.docx``, a web page or plain text.

    Raises
    ------
    InputError
        E100 (no such file), E101 (empty); and the errors of the reader
        of what it holds (:func:`~tr_nlp.ingest.word97.read_word97`'s among them).
    """
    path = Path(path)
    data = read_bytes(path, max_mb=MAX_DOCUMENT_MB)
    start = data.lstrip(_LEADING)[:512]
    if not start:
        raise InputError("E101", path)
    if data.startswith(COMPOUND_FILE):
        return read_word97(path, data, options)
    if start.startswith(b"{\\rtf"):
        result, held = read_rtf(path, options), "RTF"
    elif start.startswith(b"PK\x03\x04"):
        result, held = read_docx(path, options), "a .docx document"
    elif start.startswith(b"<") and (b"<html" in start.lower() or b"<!doctype html" in start.lower()):
        result, held = read_html(path, options), "a web page (HTML)"
    elif start.lower().startswith(b"mime-version:") and b"multipart/related" in start.lower():
        result, held = read_mht(path, options), "a single-file web page (MHTML)"
    else:
        result, held = read_text_file(path, options, fmt="text"), "plain text"
    result.warnings.insert(0, f"holds {held}, not Word 97-2003's binary format; read as such")
    return result
