"""OpenDocument text (.odt): transcripts saved by LibreOffice or OpenOffice Writer.

The text is what the document shows: paragraphs, headings and list items are lines,
table rows become ``Speaker: text`` lines as in Word documents (a time column the turn's
time, a header row and its notes column left out: see
:func:`tr_nlp.ingest.doctables.table_lines`), and ``text:s``/``text:tab``/``text:line-break``
are spaces, tabs and line breaks. Footnotes, comments, deleted text kept for tracked
changes, frames and drawings are left out of it; comments on passages, and a transcript
table's codes column, are codings (:mod:`tr_nlp.ingest.comments`), as in Word documents,
and so are replies to tr_nlp's own comments (``loext:parent-name``; ``loext:resolved``).
The text is then read like a plain-text transcript; ``meta.xml``'s title, subject and keywords become metadata. The archive is
checked for zip bombs first and its XML is parsed with ``defusedxml`` (no entities, no
external references).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import check_office_archive
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import (
    Comment,
    answered,
    column_comments,
    quoted,
    threads,
    with_comment_codings,
)
from tr_nlp.ingest.doctables import table_codes, table_lines
from tr_nlp.ingest.text import interview_from_text, styled_label, text_with_labels
from tr_nlp.ingest.xmldoc import parse_document
from tr_nlp.zipguard import CORRUPT_ZIP_ERRORS

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
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
_OFFICE = f"{{{_NS['office']}}}"
_ANNOTATION_END = f"{_OFFICE}annotation-end"
_ANNOTATION_TAGS = {f"{_OFFICE}annotation", _ANNOTATION_END}
_CELL = f"{_TABLE}table-cell"
_COVERED = f"{_TABLE}covered-table-cell"
#: most cells one ``table:number-columns-repeated`` stands for (LibreOffice writes it for runs of empty cells)
_MAX_REPEATED = 100
_ROW_GROUPS = {f"{_TABLE}table-header-rows", f"{_TABLE}table-rows", f"{_TABLE}table-row-group"}
_STYLE = f"{{{_NS['style']}}}"
_BOLD_WEIGHTS = {"bold", "600", "700", "800", "900"}


#: LibreOffice's flat OpenDocument files: a document as one XML file, not a zip archive
#: (Writer's "Flat XML ODF Text Document", Calc's "Flat XML ODF Spreadsheet")
FLAT_SUFFIXES = (".fodt", ".fods")


def odf_parts(path: Path, members: tuple[str, ...], kind: str = ".odt",
              app: str = "LibreOffice Writer") -> dict[str, Element]:
    """The XML ``members`` of an OpenDocument file (``content.xml`` always, the others where
    it holds them), each parsed as :func:`parse_member` parses it; of a flat one
    (:data:`FLAT_SUFFIXES`), the one document for each, which holds them all. What the
    archive check (:func:`~tr_nlp.ingest.archive.check_office_archive`) or the XML parse
    refuses is refused, a flat file's as its own ``kind`` (``.fodt``)."""
    if path.suffix.lower() in FLAT_SUFFIXES:
        root = parse_document(path, path.suffix.lower(), app)
        return dict.fromkeys(members, root)
    check_office_archive(path, kind)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        return {member: parse_member(archive, member, path, kind, app) for member in members
                if member == "content.xml" or member in names}


def read_odt(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ``.odt`` (or flat ``.fodt``) transcript into one :class:`Interview`."""
    path = Path(path)
    parts = odf_parts(path, ("content.xml", "meta.xml", "styles.xml"))
    content = parts["content.xml"]
    body = _text_body(content, path)
    meta = _metadata(parts["meta.xml"]) if "meta.xml" in parts else {}
    styles = list({id(part): part for key, part in parts.items() if key != "meta.xml"}.values())
    try:
        lines = list(_lines(body, _bold_styles(styles)))
        text, forced, numbers = text_with_labels((line, label, number) for line, label, _, number in lines)
        coded = {i: codes for i, (_, _, codes, _) in enumerate(lines) if codes}
        comments, notes = _comments(body)
        comments += column_comments([(line, label) for line, label, _, _ in lines], coded)
        tables = _tables(body)
    except RecursionError:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail="content.xml is nested too deeply") from None
    if not text.strip():
        raise InputError("E101", path)
    if _is_codebook(tables, len(text)):
        raise InputError("E116", path)
    result = interview_from_text(text, path, options.roles, meta, "odt", forced, numbers)
    result.warnings.extend(notes)
    return with_comment_codings(result, comments)


def odt_tables(path: str | Path) -> list[tuple[str, list[list[str]]]]:
    """The tables of an ``.odt`` document as :func:`tr_nlp.codebook_table.document_tables`
    gives a Word document's (the heading above a table is the last ``text:h`` before it),
    refusing what it refuses."""
    path = Path(path)
    body = _text_body(odf_parts(path, ("content.xml",))["content.xml"], path)
    try:
        return _tables(body)
    except RecursionError:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail="content.xml is nested too deeply") from None


def _text_body(content: Element, path: Path) -> Element:
    """``content.xml``'s ``office:text``, refusing a document that has none."""
    body = content.find("office:body/office:text", _NS)
    if body is None:
        raise InputError("E110", path, kind=".odt", app="LibreOffice Writer",
                         detail="content.xml holds no text document (a spreadsheet or drawing?)")
    return body


def _tables(body: Element) -> list[tuple[str, list[list[str]]]]:
    """:func:`odt_tables` of a document's body."""
    found: list[tuple[str, list[list[str]]]] = []
    heading = ""

    def walk(element: Element) -> None:
        nonlocal heading
        for child in element:
            if child.tag in _HIDDEN:
                continue
            if child.tag == f"{_TEXT}h":
                heading = " ".join("".join(_inline(child)).split()) or heading
            elif child.tag == f"{_TABLE}table":
                found.append((heading, _grid(child)))
            elif child.tag not in _LINES:
                walk(child)

    walk(body)
    return found


def _grid(table: Element) -> list[list[str]]:
    """A table's rows as their cells' texts, each cell's paragraphs one per line, and a cell
    merged over others (``table:number-columns-spanned``, ``-rows-spanned``) repeated in
    each cell it covers, as :func:`tr_nlp.codebook_table.document_tables` reads Word's.

    >>> from defusedxml.ElementTree import fromstring
    >>> t = 'xmlns:table="{table}" xmlns:text="{text}"'.format(**_NS)
    >>> cell = "<table:table-cell {}><text:p>{}</text:p></table:table-cell>".format
    >>> rows = ("<table:table-row>" + cell('table:number-rows-spanned="2"', "Going further") + cell("", "Beyond")
    ...         + "</table:table-row><table:table-row><table:covered-table-cell/>" + cell("", "Bending")
    ...         + "</table:table-row>")
    >>> _grid(fromstring(f"<table:table {t}>{rows}</table:table>"))
    [['Going further', 'Beyond'], ['Going further', 'Bending']]
    """
    rows: list[list[str]] = []
    for row in table_rows(table):
        cells: list[str] = []
        spanned = 0  # cells still covered by the last one's columns
        for cell in row:
            if cell.tag not in (_CELL, _COVERED):
                continue
            repeated = min(_count(cell.get(f"{_TABLE}number-columns-repeated")), _MAX_REPEATED)
            if cell.tag == _CELL:
                text = "\n".join(line for line, _, _, _ in _lines(cell, frozenset()))
                spanned = _count(cell.get(f"{_TABLE}number-columns-spanned")) - 1
            elif spanned > 0 and cells:
                text, spanned = cells[-1], spanned - 1
            else:  # merged down from the row above
                above = rows[-1] if rows else []
                text = above[len(cells)] if len(cells) < len(above) else ""
            cells += [text] * repeated
        rows.append(cells)
    return rows


def table_rows(table: Element) -> Iterator[Element]:
    """A table's rows, in its header rows and row groups too (a spreadsheet's as well)."""
    for child in table:
        if child.tag == f"{_TABLE}table-row":
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from table_rows(child)


def _is_codebook(tables: list[tuple[str, list[list[str]]]], size: int) -> bool:
    """Whether a document of ``size`` characters is a codebook: mostly ``tables`` of codes
    (:func:`~tr_nlp.codebook_table.is_codebook_table`), as a Word document is judged."""
    if not tables:
        return False
    # imported here, as tr_nlp.codebook_table reads .odt codebooks through this module
    from tr_nlp.codebook_table import is_codebook_table

    codebook = sum(len(cell) for _, rows in tables if is_codebook_table(rows) for row in rows for cell in row)
    return codebook > 0 and codebook * 2 >= size


def parse_member(archive: zipfile.ZipFile, member: str, path: Path, kind: str = ".odt",
                 app: str = "LibreOffice Writer") -> Element:
    """An archive member's XML, parsed without entities or external references; a file
    whose XML cannot be so read is refused (E110) as not a valid ``kind`` (an OpenDocument
    spreadsheet's too)."""
    try:
        with archive.open(member) as handle:
            return DefusedET.fromstring(handle.read())
    except defusedxml.DefusedXmlException as exc:
        raise InputError("E110", path, kind=kind, app=app,
                         detail=f"{member} declares entities or external references ({type(exc).__name__})") from None
    except (ParseError, LookupError, *CORRUPT_ZIP_ERRORS) as exc:  # LookupError: an unknown declared encoding
        raise InputError("E110", path, kind=kind, app=app, detail=f"{member}: {exc}") from None


def _lines(element: Element, bold: frozenset[str]) -> Iterator[tuple[str, str | None, str, int | None]]:
    """The lines of a block element (paragraphs and headings, table rows, list items,
    sections), each with its leading bold text when that can be a speaker label, a table
    row's codes cell (:func:`~tr_nlp.ingest.doctables.table_codes`) or "", and a table
    row's line number or None."""
    for child in element:
        if child.tag in _HIDDEN:
            continue
        if child.tag in _LINES:
            yield "".join(_inline(child)), _bold_prefix(child, bold), "", None
        elif child.tag == f"{_TABLE}table":
            rows = list(_rows(child, bold))
            codes = table_codes(rows)
            for i, (line, label, number) in enumerate(table_lines(rows)):
                yield line, label, codes.get(i, ""), number
        else:  # lists, list items and sections hold lines
            yield from _lines(child, bold)


def _rows(table: Element, bold: frozenset[str]) -> Iterator[list[str]]:
    """A table's rows (header rows and row groups too) as their cells' texts; a cell merged
    across columns once (the cells it covers are ``covered-table-cell``s)."""
    for row in table_rows(table):
        yield [" ".join(line for line, _, _, _ in _lines(cell, bold)) for cell in row if cell.tag == _CELL]


def _bold_prefix(paragraph: Element, bold: frozenset[str]) -> str | None:
    """The text of a paragraph's leading bold spans (``**Interviewer** How...``), if a label."""
    if (paragraph.text or "").strip():
        return None
    prefix = paragraph.text or ""
    for child in paragraph:
        if child.tag != f"{_TEXT}span" or child.get(f"{_TEXT}style-name") not in bold:
            break
        prefix += "".join(_inline(child))
        if (child.tail or "").strip():
            break
        prefix += child.tail or ""
    return styled_label(prefix)


def _bold_styles(documents: list[Element]) -> frozenset[str]:
    """Names of the text styles that set bold type, directly or through their parent style."""
    weight: dict[str, str | None] = {}
    parent: dict[str, str | None] = {}
    for document in documents:
        for style in document.iter(f"{_STYLE}style"):
            name = style.get(f"{_STYLE}name")
            if name is None:
                continue
            props = style.find("style:text-properties", _NS)
            weight[name] = props.get(f"{{{_NS['fo']}}}font-weight") if props is not None else None
            parent[name] = style.get(f"{_STYLE}parent-style-name")

    def is_bold(name: str | None, depth: int = 0) -> bool:
        if name is None or name not in weight or depth > 20:  # a loop of parents is no style
            return False
        own = weight[name]
        return own in _BOLD_WEIGHTS if own is not None else is_bold(parent[name], depth + 1)

    return frozenset(name for name in weight if is_bold(name))


def inline_text(element: Element) -> str:
    """The text of a paragraph (:func:`_inline`), as a spreadsheet's cell holds it too."""
    return "".join(_inline(element))


def _inline(element: Element, mark: Callable[[Element], None] | None = None) -> Iterator[str]:
    """The text of a paragraph: its own text, spans and links, spaces, tabs and line breaks;
    ``mark`` is called with each comment's start and end where it stands among them."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_TEXT}s":
            yield " " * _count(child.get(f"{_TEXT}c"))
        elif child.tag == f"{_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_TEXT}line-break":
            yield "\n"
        elif child.tag in _ANNOTATION_TAGS and mark is not None:
            mark(child)
        elif child.tag not in _HIDDEN:
            yield from _inline(child, mark)
        if child.tail:
            yield child.tail


def _comments(body: Element) -> tuple[list[Comment], list[str]]:
    """The comments on passages of the body (``office:annotation`` to the
    ``office:annotation-end`` of its name), with what replies to tr_nlp's own comments say
    (:func:`~tr_nlp.ingest.comments.answered`), and warnings."""
    if next(body.iter(f"{_OFFICE}annotation"), None) is None:
        return [], []
    pieces: list[str] = []
    length = 0
    opened: dict[str, tuple[int, Element]] = {}
    spans: list[tuple[int, int, Element]] = []
    replies: list[tuple[str | None, str, Comment]] = []  # (its name, the name of the one it answers, the reply)

    def mark(element: Element) -> None:
        name = element.get(f"{_OFFICE}name")
        if element.tag == _ANNOTATION_END:
            if name in opened:
                start, annotation = opened.pop(name)
                spans.append((start, length, annotation))
        elif parent := _extension(element, "parent-name"):
            replies.append((name, parent, _comment("", 0, element)))
        elif name:
            opened[name] = (length, element)
        else:  # a comment on a point, covering nothing
            spans.append((length, length, element))

    def walk(element: Element) -> None:  # the lines of :func:`_lines`, a line break before each
        nonlocal length
        for child in element:
            if child.tag in _LINES:
                for piece in chain(("\n",), _inline(child, mark)):  # lazily: ``mark`` reads ``length``
                    pieces.append(piece)
                    length += len(piece)
            elif child.tag not in _HIDDEN:
                walk(child)

    walk(body)
    shown = "".join(pieces)
    found: list[Comment] = []
    place: dict[str, int] = {}  # a comment's name -> its place in found
    resolved: set[int] = set()
    for (_, _, annotation), (quote, nth) in zip(spans, quoted(shown, [(start, end) for start, end, _ in spans])):
        if annotation.get(f"{_OFFICE}name"):
            place[annotation.get(f"{_OFFICE}name")] = len(found)
        if _extension(annotation, "resolved") == "true":
            resolved.add(len(found))
        found.append(_comment(quote, nth, annotation))
    return answered(found, threads(place, replies), resolved)


def _comment(quote: str, nth: int, annotation: Element) -> Comment:
    """An ``office:annotation`` on the ``nth`` place of ``quote`` as a :class:`Comment`."""
    author = (annotation.findtext("dc:creator", "", _NS) or "").strip() or "unknown"
    note = "\n".join("".join(_inline(p)) for p in annotation.iterfind("text:p", _NS))
    return Comment(quote, nth, note, author)


def _extension(element: Element, name: str) -> str | None:
    """The value of ``element``'s attribute of local name ``name`` in any namespace
    (LibreOffice's ``loext:`` extensions have changed namespace over versions)."""
    return next((value for key, value in element.attrib.items() if key.rsplit("}", 1)[-1] == name), None)


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
