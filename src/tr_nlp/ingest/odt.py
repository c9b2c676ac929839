"""OpenDocument text (.odt): transcripts saved by LibreOffice or OpenOffice Writer.

The text is what the document shows: paragraphs, headings and list items are lines,
table cells are joined by tabs (so a speaker | text table reads as ``Name<tab>text``),
``text:s``/``text:tab``/``text:line-break`` are spaces, tabs and line breaks. Footnotes,
comments, deleted text kept for tracked changes, frames and drawings are left out. The
text is then read like a plain-text transcript; ``meta.xml``'s title, subject and
keywords become metadata. The archive is checked for zip bombs first and its XML is
parsed with ``defusedxml`` (no entities, no external references).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import check_office_archive
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import normalise_text
from tr_nlp.ingest.text import interview_from_text

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_TEXT, _TABLE = f"{{{_NS['text']}}}", f"{{{_NS['table']}}}"
#: elements whose text the document does not show in its body
_HIDDEN = {
    f"{_TEXT}note", f"{_TEXT}tracked-changes", f"{{{_NS['office']}}}annotation",
    f"{{{_NS['office']}}}annotation-end", f"{_TEXT}sequence-decls", f"{_TEXT}table-of-content",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}custom-shape",
}
_LINES = {f"{_TEXT}p", f"{_TEXT}h"}


def read_odt(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ``.odt`` transcript into one :class:`Interview`."""
    path = Path(path)
    check_office_archive(path, ".odt")
    with zipfile.ZipFile(path) as archive:
        body = _parse(archive, "content.xml", path).find("office:body/office:text", _NS)
        names = set(archive.namelist())
        meta = _metadata(_parse(archive, "meta.xml", path)) if "meta.xml" in names else {}
    if body is None:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail="content.xml holds no text document (a spreadsheet or drawing?)")
    try:
        text = normalise_text("\n".join(_lines(body)))
    except RecursionError:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail="content.xml is nested too deeply") from None
    if not text.strip():
        raise InputError("E101", path)
    return interview_from_text(text, path, options.roles, meta, "odt")


def _parse(archive: zipfile.ZipFile, member: str, path: Path) -> Element:
    """An archive member's XML, parsed without entities or external references."""
    try:
        with archive.open(member) as handle:
            return DefusedET.fromstring(handle.read())
    except defusedxml.DefusedXmlException as exc:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail=f"{member} declares entities or external references ({type(exc).__name__})") from None
    except (ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer", detail=f"{member}: {exc}") from None


def _lines(element: Element) -> Iterator[str]:
    """The lines of a block element: paragraphs and headings, table rows, list items, sections."""
    for child in element:
        if child.tag in _HIDDEN:
            continue
        if child.tag in _LINES:
            yield "".join(_inline(child))
        elif child.tag == f"{_TABLE}table-row":
            yield "\t".join(" ".join(_lines(cell)) for cell in child if cell.tag == f"{_TABLE}table-cell")
        else:  # lists, list items, sections, tables and their row groups hold lines
            yield from _lines(child)


def _inline(element: Element) -> Iterator[str]:
    """The text of a paragraph: its own text, spans and links, spaces, tabs and line breaks."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_TEXT}s":
            yield " " * _count(child.get(f"{_TEXT}c"))
        elif child.tag == f"{_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_TEXT}line-break":
            yield "\n"
        elif child.tag not in _HIDDEN:
            yield from _inline(child)
        if child.tail:
            yield child.tail


def _count(value: str | None) -> int:
    """``text:c``, the number of spaces a ``text:s`` stands for (1 when absent; at most 1000)."""
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _metadata(meta: Element) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, tag in (("title", "dc:title"), ("subject", "dc:subject"), ("keywords", "meta:keyword")):
        values = [e.text.strip() for e in meta.iterfind(f"office:meta/{tag}", _NS) if e.text and e.text.strip()]
        if values:
            found[key] = ", ".join(values)
    return found
