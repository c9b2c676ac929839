"""PDF transcripts (.pdf): the text layer of each page, read with pypdf (no code runs).

A transcription service's PDF, or a Word transcript printed to PDF, carries its text page
by page, with what repeats on every page around it. Lines at the top or bottom of a page
that recur there on at least half of the pages (three or more; numbers inside them
compared as equal, so ``Page 3 of 12`` matches ``Page 4 of 12``) are running headers and
footers, and a line holding only a page number (``3``, ``- 3 -``, ``Page 3``, ``3/12``) at
either end of a page is a page number: both are left out. The pages' text is then read
like a plain-text transcript (speaker labels, continuation lines); a turn wrapped over
several lines keeps its line breaks. The title, subject and keywords of the document
become metadata.

A PDF of scanned pages has no text layer: it is refused (run OCR first, or export the
transcript as text), as are encrypted PDFs that need a password to open (one locked only
against editing, RC4 or AES, is read), and files of more than
:data:`MAX_PAGES` pages or :data:`MAX_CHARS` characters of text, which are no interview
transcript. pypdf caps what one stream may decompress to (75 MB), so a PDF bomb fails as a
broken file.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import encrypted_error
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import MAX_DOCUMENT_MB, normalise_text, read_bytes
from tr_nlp.ingest.furniture import furniture_warning, page_furniture
from tr_nlp.ingest.text import interview_from_text

MAX_PAGES = 2_000
MAX_CHARS = 20_000_000


class _Notes(logging.Handler):
    """Keeps what pypdf logs in the thread that reads, while it reads.

    One handler serves every reading thread: each keeps its own list, so the repairs of
    a PDF read in one thread are never told of another read beside it, and pypdf's
    records stop here (not printed on stderr) while any thread reads.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reading = threading.local()
        self.readers = 0  # threads reading now
        self.propagated = True  # the pypdf logger's setting before the first of them
        self.counting = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        messages = getattr(self.reading, "messages", None)
        if messages is not None:
            messages.append(record.getMessage())


_NOTES = _Notes()


@contextmanager
def _pypdf_notes() -> Iterator[list[str]]:
    """What pypdf logs while this thread reads (how it repaired a damaged file), kept
    for a reader warning rather than printed on stderr."""
    logger = logging.getLogger("pypdf")
    with _NOTES.counting:
        if _NOTES.readers == 0:
            _NOTES.propagated = logger.propagate
            logger.addHandler(_NOTES)
            logger.propagate = False
        _NOTES.readers += 1
    _NOTES.reading.messages = messages = []
    try:
        yield messages
    finally:
        _NOTES.reading.messages = None
        with _NOTES.counting:
            _NOTES.readers -= 1
            if _NOTES.readers == 0:
                logger.removeHandler(_NOTES)
                logger.propagate = _NOTES.propagated


def pdf_pages(data: bytes, path: str | Path) -> tuple[list[list[str]], dict[str, Any], list[str]]:
    """The lines of each page's text layer, the document's title, subject and keywords,
    and what pypdf said it repaired while reading a damaged file.

    Raises
    ------
    InputError
        E110 for a file that is not a PDF, is broken or is too large; E113 for one that needs
        a password to open.
    """
    def broken(detail: str) -> InputError:
        return InputError("E110", path, kind=".pdf", app="a PDF reader", detail=detail)

    if b"%PDF-" not in data[:1024]:
        raise broken("no '%PDF-' header")
    from pypdf import PdfReader

    with _pypdf_notes() as repairs:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise encrypted_error(path, ".pdf")
            if len(reader.pages) > MAX_PAGES:
                raise broken(f"it has {len(reader.pages)} pages, more than the {MAX_PAGES} a transcript may have")
            pages, chars = [], 0
            for page in reader.pages:
                text = page.extract_text() or ""
                chars += len(text)
                if chars > MAX_CHARS:
                    raise broken(f"it holds more than {MAX_CHARS:,} characters of text, more than a transcript")
                pages.append(text.splitlines())
            info = reader.metadata or {}
            found = {key: str(info.get(f"/{key.title()}") or "").strip() for key in ("title", "subject", "keywords")}
            metadata = {key: value for key, value in found.items() if value}
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken or hostile files
            raise broken(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    return pages, metadata, repairs


def read_pdf(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:  # noqa: B008
    """Read a ``.pdf`` transcript into one :class:`Interview`."""
    path = Path(path)
    data = read_bytes(path, max_mb=MAX_DOCUMENT_MB)
    if not data.strip():
        raise InputError("E101", path)
    pages, metadata, repairs = pdf_pages(data, path)
    kept, dropped = page_furniture(pages)
    text = normalise_text("\n".join("\n".join(lines) for lines in kept))
    if not text.strip():
        raise InputError("E112", path)
    result = interview_from_text(text, path, options.roles, metadata, "pdf")
    if dropped:  # said, so that a line of speech taken for one is not lost unseen
        result.warnings.insert(0, furniture_warning(dropped, len(pages)))
    if repairs:  # read as far as pypdf could: the text may lack what the damage hid
        result.warnings.append(f"the file is damaged; the PDF reader repaired {len(repairs)} thing(s) as it read, "
                               f"such as {repairs[0][:120]!r}: check the text against the original, or save the "
                               "PDF again from the program that made it")
    return result
