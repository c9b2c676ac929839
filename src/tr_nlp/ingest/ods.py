"""OpenDocument spreadsheets (.ods): tables saved by LibreOffice or OpenOffice Calc.

A codings table, a codebook, a participants sheet or a table of utterances kept in Calc
is read as the same table saved as ``.xlsx`` is (:func:`tr_nlp.ingest.table.load_frame`,
:func:`~tr_nlp.ingest.table.load_sheets`): each sheet's first row is its header, every
value is text as the sheet shows it (a number as its value, ``357`` however it is
formatted), a cell's paragraphs one per line, and the empty rows and columns around the
table are left out, and a cell merged down over rows (``table:number-rows-spanned``) stands
in each of them. Calc writes a run of like rows or cells once with a count
(``table:number-rows-repeated``), a million empty rows below a table among them: runs
of empty ones are counted, never unpacked, and a sheet of more than :data:`MAX_ROWS` rows
or :data:`MAX_COLUMNS` columns is refused. The archive is checked for zip bombs first and
its XML is parsed with ``defusedxml`` (no entities, no external references).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import pandas as pd

from tr_nlp.errors import InputError
from tr_nlp.ingest.odt import inline_text, odf_parts, table_rows
from tr_nlp.ingest.table import MAX_SHEET_CELLS, frame_of_rows, merged_down
from tr_nlp.wholes import whole_number

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}
#: value types whose ``office:value`` is the number itself (its text may be rounded or grouped: ``1,234``)
_NUMBERS = {"float"}
#: Most rows and columns of a sheet read (an .xlsx sheet's own limits); the most cells of the
#: table it makes are :data:`~tr_nlp.ingest.table.MAX_SHEET_CELLS`.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384


def read_ods(path: str | Path, every: bool = True) -> tuple[list[tuple[str, pd.DataFrame]], list[str]]:
    """The sheets of a spreadsheet (the first alone unless ``every``), by name, each a table
    of text whose first row is its header; and the names of all its sheets.

    Raises
    ------
    InputError
        E110 for a damaged file or one that is no spreadsheet (or holds no sheet), E131 for a
        sheet past :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns or
        :data:`~tr_nlp.ingest.table.MAX_SHEET_CELLS` cells, and what
        :func:`~tr_nlp.ingest.archive.check_office_archive` refuses (zip bombs, an encrypted
        file, a binary ``.xls`` under the name).
    """
    path = Path(path)
    content = odf_parts(path, ("content.xml",), ".ods", "LibreOffice Calc")["content.xml"]
    body = content.find(f"{_OFFICE}body/{_OFFICE}spreadsheet")
    if body is None:
        raise _invalid(path, "content.xml holds no spreadsheet (a text document or drawing?)")
    tables = body.findall(f"{_TABLE}table")
    if not tables:
        raise _invalid(path, "content.xml holds no sheet")
    names = [table.get(f"{_TABLE}name") or f"Sheet{i}" for i, table in enumerate(tables, 1)]
    read = tables if every else tables[:1]
    try:
        return [(name, frame_of_rows(sheet_rows(table, path))) for name, table in zip(names, read)], names
    except RecursionError:
        raise _invalid(path, "content.xml is nested too deeply") from None


def _invalid(path: Path, detail: str) -> InputError:
    kind = ".fods" if path.suffix.lower() == ".fods" else ".ods"
    return InputError("E110", path, kind=kind, app="LibreOffice Calc", detail=detail)


def sheet_rows(table: Element, path: Path) -> list[list[str]]:
    """A sheet's rows of cell texts, from its first row with a value to its last, each as
    long as its last value; runs of repeated rows and cells unpacked where they hold text.

    >>> from defusedxml.ElementTree import fromstring
    >>> ns = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    >>> ns += 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    >>> ns += 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    >>> sheet = fromstring(f'''<table:table {ns}><table:table-row table:number-rows-repeated="2"/>
    ...   <table:table-row><table:table-cell><text:p>code</text:p></table:table-cell>
    ...     <table:table-cell table:number-columns-repeated="2"/>
    ...     <table:table-cell office:value-type="float" office:value="1234"><text:p>1,234</text:p></table:table-cell>
    ...     <table:table-cell table:number-columns-repeated="16000"/></table:table-row>
    ...   <table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>
    ... </table:table>''')
    >>> sheet_rows(sheet, Path("codings.ods"))
    [['code', '', '', '1234']]
    """
    rows: list[list[str]] = []
    blank = 0  # empty rows seen since the last with text
    seen = width = 0
    merges: list[tuple[int, int, int]] = []  # first row, column, last row of each cell merged down
    for row in table_rows(table):
        count = _repeated(row, "rows")
        seen += count
        cells, spans = _cells(row, path)
        at = len(rows) + (blank if rows else 0)  # the row's place in ``rows``, once it has text
        merges += [(at, column, at + spanned - 1) for column, spanned in spans]
        if not cells:
            blank += count
            continue
        if seen > MAX_ROWS:
            raise InputError("E131", path, detail=f"a sheet of more than {MAX_ROWS:,} rows")
        width = max(width, len(cells))
        if (len(rows) + (blank if rows else 0) + count) * width > MAX_SHEET_CELLS:  # the table it makes
            raise InputError("E131", path, detail=f"a sheet of more than {MAX_SHEET_CELLS:,} cells")
        if rows:
            rows += [[] for _ in range(blank)]
        rows += [list(cells) for _ in range(count)]
        blank = 0
    return merged_down(rows, merges)


def _cells(row: Element, path: Path) -> tuple[list[str], list[tuple[int, int]]]:
    """A row's cell texts up to its last with text, and its cells with text merged down over
    the rows below (``table:number-rows-spanned``), each as its column and how many rows it
    spans."""
    cells: list[str] = []
    spans: list[tuple[int, int]] = []
    blank = 0
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        count = _repeated(cell, "columns")
        text = _value(cell)
        if not text:
            blank += count
            continue
        if len(cells) + blank + count > MAX_COLUMNS:
            raise InputError("E131", path, detail=f"a row of more than {MAX_COLUMNS:,} columns")
        rows = whole_number(cell.get(f"{_TABLE}number-rows-spanned") or "1")
        if rows is not None and rows > 1:
            spans.append((len(cells) + blank, rows))
        cells += [""] * blank + [text] * count
        blank = 0
    return cells, spans


def _value(cell: Element) -> str:
    """What a cell shows: its number's value, else its paragraphs, one per line (their
    spaces kept, as openpyxl keeps a workbook's)."""
    if cell.get(f"{_OFFICE}value-type") in _NUMBERS and cell.get(f"{_OFFICE}value") is not None:
        return str(cell.get(f"{_OFFICE}value"))
    return "\n".join(inline_text(p) for p in cell if p.tag == _TEXT_P)


def _repeated(element: Element, what: str) -> int:
    """``table:number-rows-repeated`` (or ``-columns-``): how many times ``element`` stands (at least 1)."""
    try:
        return max(1, int(element.get(f"{_TABLE}number-{what}-repeated") or 1))
    except ValueError:
        return 1
