"""Utterance tables (CSV, JSONL, Parquet): one row per utterance, or per utterance and coder.

A :class:`TableMapping` says which column holds what. Rows are grouped into interviews by
``group_col`` and ordered by ``order_col``. When several rows share a (group, order) key
(one row per annotator), the utterance becomes one turn and each row's labels become that
coder's codings. The stored text of an interview is one ``speaker: text`` line per
utterance; each utterance is one turn.

Code columns: a column of true/false values is a binary code named after the column; any
other column is categorical and each value is a code (the column becomes a mutually
exclusive group of the derived codebook). Values are plain code names unless two columns
share a value, then every code is ``column:value``.

Examples
--------
>>> TableMapping.preset("annomi").text_col
'utterance_text'
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.csvsafe import unguard_frame
from tr_nlp.errors import InputError
from tr_nlp.ingest import headers
from tr_nlp.ingest.archive import COMPOUND_FILE, check_office_archive, compound_file_error
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import decode_bytes, normalise_text
from tr_nlp.ingest.speakers import (
    TIME_CELL,
    UNKNOWN_SPEAKER,
    RoleMap,
    builtin_role,
    labelled_lines,
    match_label,
    parse_timestamp,
    turns_with_roles,
    unlabelled_roles,
)
from tr_nlp.jsonfile import json_lines, loads
from tr_nlp.schema import Code, Codebook, Coding, Interview, Role

MISSING = frozenset({"", "n/a", "na", "nan", "none", "null", "<na>"})
#: Spreadsheets of several sheets: Excel's, and LibreOffice Calc's
WORKBOOK_SUFFIXES = (".xlsx", ".ods", ".fods")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class TableMapping:
    """Which column of an utterance table holds what.

    ``lenient`` mappings (presets) skip optional columns (coder, timestamp, metadata)
    that a file lacks; explicit mappings require every named column.
    """

    text_col: str = "text"
    speaker_col: str | None = "speaker"
    group_col: str | None = "interview_id"
    order_col: str | None = None
    timestamp_col: str | None = None
    coder_col: str | None = None
    code_cols: tuple[str, ...] = ()
    metadata_cols: tuple[str, ...] = ()
    roles: Mapping[str, Role] = field(default_factory=dict)
    coder_prefix: str = ""
    default_coder: str = "human"
    lenient: bool = False

    @staticmethod
    def preset(name: str) -> TableMapping:
        """A named mapping for a known table format."""
        if name not in PRESETS:
            raise InputError("E132", preset=name, expected=sorted(PRESETS))
        return PRESETS[name]

    def with_overrides(self, **changes: Any) -> TableMapping:
        """A copy with the non-None ``changes`` applied (for CLI options)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


PRESETS: dict[str, TableMapping] = {
    "annomi": TableMapping(
        text_col="utterance_text",
        speaker_col="interlocutor",
        group_col="transcript_id",
        order_col="utterance_id",
        timestamp_col="timestamp",
        coder_col="annotator_id",
        code_cols=("main_therapist_behaviour", "client_talk_type"),
        metadata_cols=("mi_quality", "topic", "video_title"),
        roles={"therapist": "interviewer", "client": "participant"},
        coder_prefix="annotator_",
        lenient=True,
    ),
}
_OPTION_OF = {
    "text_col": "--text-col", "speaker_col": "--speaker-col", "group_col": "--group-col",
    "order_col": "--order-col", "coder_col": "--coder-col", "code_cols": "--code-col",
    "timestamp_col": "--timestamp-col",
}


def table_roles(mapping: TableMapping | None) -> RoleMap:
    """The speakers' roles a table mapping (``corpus.yaml``'s ``table:``, a preset) gives;
    none without one.

    >>> table_roles(TableMapping.preset("annomi")).get("therapist"), table_roles(None).overrides
    ('interviewer', {})
    """
    return RoleMap.from_mapping(dict(mapping.roles)) if mapping is not None else RoleMap()


def preset_name(mapping: TableMapping | None) -> str | None:
    """The name of the preset whose speakers' roles ``mapping`` gives (a preset, or one with
    some of its columns overridden), to name it in a message; None for any other.

    >>> preset_name(TableMapping.preset("annomi").with_overrides(text_col="text")), preset_name(TableMapping())
    ('annomi', None)
    """
    if mapping is None or not mapping.roles:
        return None
    return next((name for name, preset in PRESETS.items() if preset.roles == mapping.roles), None)


def _fix(attr: str) -> str:
    """How to name the right column for ``attr``: its CLI option, or its key in corpus.yaml."""
    if attr in _OPTION_OF:
        return f"Pass {_OPTION_OF[attr]} with the right column name"
    return f"Set '{attr}' under 'table:' in corpus.yaml to the right column name"


def header_key(header: object) -> str:
    """A column header as tr_nlp compares it: any case, spaces, hyphens and underscores alike.

    >>> header_key(" Start-Time "), header_key("Interview ID")
    ('start_time', 'interview_id')
    """
    return "_".join(str(header).replace("-", " ").replace("_", " ").split()).casefold()


def load_frame(path: str | Path, encoding: str | None = None, tabs: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Read a CSV/TSV/JSONL/Parquet/Excel (or LibreOffice Calc) table with every value as a string.

    A text table is read as a .tsv (tabs between its cells) where ``tabs`` says so, whatever
    its name.

    Returns
    -------
    frame, warnings
        ``warnings`` says when the file was not UTF-8 and was read as cp1252 or Mac Roman.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    with _table_errors(path):
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in WORKBOOK_SUFFIXES:
            [(first, frame)], sheets = _read_workbook(path, every=False)
            if len(sheets) > 1:
                warnings.append(f"read the first of {len(sheets)} sheets, '{first}'")
        else:
            data = path.read_bytes()
            if data.startswith(COMPOUND_FILE):  # Excel 97-2003's .xls, or any name on an encrypted workbook
                raise compound_file_error(path, ".xlsx", data)
            decoded = decode_bytes(data, path, encoding)
            text = decoded.text
            if decoded.warning:
                warnings.append(decoded.warning)
            if suffix in {".jsonl", ".ndjson"}:
                frame = _read_jsonl(text, path)
            else:
                sep, top, above = _layout(text, tabs or suffix == ".tsv")
                frame = _read_csv(text, sep, top, warnings)
                if above:
                    frame.attrs["above"] = above
    if frame.attrs.get("above"):
        title = " / ".join(frame.attrs["above"])
        warnings.append(f"the {len(frame.attrs['above'])} line(s) above the table's header row are its title, "
                        f"not part of it: {title[:80]!r}")
    if frame.empty:
        raise InputError("E134", path, what="rows")
    if suffix not in {".parquet", ".jsonl", ".ndjson"}:  # a CSV, or one of tr_nlp's saved as a workbook
        frame = unguard_frame(frame)
    return _as_text(frame), warnings


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every value a string, a missing one empty.

    Its values are taken out as one array, not column by column: a CSV's columns are read
    as one array each, and handling each of 200 took 0.1 s where this takes 0.01 s.
    """
    values = frame.to_numpy(dtype=object, na_value="")
    text = pd.DataFrame(values, index=frame.index, columns=frame.columns).astype(str)
    text.attrs.update(frame.attrs)
    return text


def load_sheets(path: str | Path) -> list[tuple[str, pd.DataFrame]]:
    """Every sheet of an Excel workbook (or a LibreOffice Calc spreadsheet) that holds a
    table, by name, each value a string (as :func:`load_frame` reads the first).

    Raises
    ------
    InputError
        As :func:`load_frame`: E100 for a missing file, E131 for one that cannot be
        parsed, E134 when no sheet holds anything.
    """
    path = Path(path)
    with _table_errors(path):
        sheets, _ = _read_workbook(path, every=True)
    found = [(name, _as_text(unguard_frame(frame))) for name, frame in sheets if not frame.empty]
    if not found:
        raise InputError("E134", path, what="rows")
    return found


@contextmanager
def _table_errors(path: Path) -> Iterator[None]:
    """Reading a table, its library's errors as tr_nlp's: E100 for a missing file, E131 for
    one that cannot be parsed (pandas, pyarrow and openpyxl raise many types)."""
    try:
        yield
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError("E100", path) from None
    except Exception as exc:
        raise InputError("E131", path, detail=f"{type(exc).__name__}: {exc}") from None


def _read_workbook(path: Path, every: bool) -> tuple[list[tuple[str, pd.DataFrame]], list[str]]:
    """The first sheet of an Excel workbook (or ``every`` sheet), by name, every cell as
    text; and the names of all its sheets. A ``.ods`` is read by :func:`~tr_nlp.ingest.ods.read_ods`.

    The archive is checked first (zip bomb, truncated file); openpyxl parses its XML with
    defusedxml, so entities and external references are refused.
    """
    if path.suffix.lower() in (".ods", ".fods"):
        # imported here: it reads cells as .odt's paragraphs, and .odt's reader reads tables
        from tr_nlp.ingest.ods import read_ods

        return read_ods(path, every)
    check_office_archive(path, ".xlsx")
    with pd.ExcelFile(path, engine="openpyxl") as book:
        names = [str(name) for name in book.sheet_names]
        read = book.sheet_names if every else book.sheet_names[:1]
        sheets = [(name, _sheet_rows(book.book[name], path)) for name in read]
        return [(str(name), _sheet_frame(book.book[name], rows, path)) for name, rows in sheets], names


def _sheet_frame(sheet: Any, rows: list[list[str]], path: Path) -> pd.DataFrame:
    """A workbook's sheet (its ``rows``, :func:`_sheet_rows`) as a table of text whose header
    is its first row with a value (the empty rows above a table are left out, as a ``.ods``
    sheet's are), each merged cell's value standing in the rows it is merged down over
    (:func:`merged_down`)."""
    top = next((i for i, row in enumerate(rows) if any(row)), len(rows))
    merges = [(first - 1 - top, column - 1, last - 1 - top)
              for first, column, last, right in _merged_cells(path, sheet) if right == column]
    return frame_of_rows(merged_down(rows[top:], merges))


def frame_of_rows(rows: list[list[str]]) -> pd.DataFrame:
    """A table of ``rows`` whose first is the header, as pandas reads a workbook's sheet: an
    empty header cell ``Unnamed: N``, a repeated one numbered (``code.1``). A title of a
    row or a few above the table (each of one value, where the rows below hold two or more)
    is left out of it, and kept as the frame's ``attrs["above"]``, one line per row.

    >>> frame = frame_of_rows([["Interview 7"], ["12 May"], ["speaker", "text"], ["I", "So?"], ["P", "Yes."]])
    >>> list(frame.columns), frame.attrs["above"]
    (['speaker', 'text'], ['Interview 7', '12 May'])
    """
    if not rows:
        return pd.DataFrame()
    top = _below_title(rows)
    above = [" ".join(str(c).strip() for c in row if str(c).strip()) for row in rows[:top]]
    rows = rows[top:]
    width = max(map(len, rows))
    header: list[str] = []
    taken: Counter[str] = Counter()
    for j, name in enumerate(rows[0] + [""] * (width - len(rows[0]))):
        name = name or f"Unnamed: {j}"
        header.append(f"{name}.{taken[name]}" if taken[name] else name)
        taken[name] += 1
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows[1:]], columns=header, dtype=object)
    if above:
        frame.attrs["above"] = [line for line in above if line]
    return frame


def _below_title(rows: Sequence[Sequence[Any]]) -> int:
    """Where a sheet's table starts below a title: the first of its first five rows to hold
    two values or more, where the rows above hold one at most and at least half of the (up to
    20) rows below hold two or more too; else 0."""
    def values(row: Sequence[Any]) -> int:
        return sum(bool(str(cell).strip()) for cell in row)

    top = next((i for i, row in enumerate(rows[:5]) if values(row) >= 2), 0)
    below = rows[top + 1 : top + 21]
    return top if top and below and sum(values(row) >= 2 for row in below) * 2 >= len(below) else 0


#: a sheet's merged cells, as its XML lists them (``<mergeCell ref="A3:A5"/>``)
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})[\"']")


def _merged_cells(path: Path, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged cells of an .xlsx sheet, each as its first row and column and its last
    (counting from 1), read from the sheet's XML: a workbook opened to read only, as pandas
    opens it, does not say. None are found where the sheet's part is not known."""
    import zipfile

    from openpyxl.utils import column_index_from_string

    part = getattr(sheet, "_worksheet_path", None)
    if not part:
        return []
    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read(part)
        except KeyError:
            return []
    return [(int(r1), column_index_from_string(c1.decode()), int(r2), column_index_from_string(c2.decode()))
            for c1, r1, c2, r2 in _MERGE.findall(data)]


def merged_down(rows: list[list[str]], merges: Iterable[tuple[int, int, int]]) -> list[list[str]]:
    """``rows`` (a sheet's, from its header down) with the value of each cell merged down over
    rows below it in each of those rows' empty cells, as the sheet shows it: a speaker's or an
    interview's name merged down the rows of its turns. Each merge is its first row, its
    column and its last row, counting from 0; one that starts at the header row or above it
    fills nothing, and none fills more cells than ``rows`` could hold, whatever a file says.
    Both workbook readers fill their merged cells here: ``.xlsx`` (:func:`_sheet_frame`) and
    ``.ods`` (:func:`tr_nlp.ingest.ods.sheet_rows`).

    >>> rows = [["speaker", "text"], ["I", "So?"], ["P", "Yes."], [], ["", "then."]]
    >>> merged_down(rows, [(2, 0, 4), (0, 1, 1)])
    [['speaker', 'text'], ['I', 'So?'], ['P', 'Yes.'], ['P'], ['P', 'then.']]
    """
    budget = len(rows) * max(map(len, rows), default=0)
    for first, column, last in merges:
        if first <= 0 or first >= len(rows) or column >= len(rows[first]):
            continue
        value = rows[first][column]
        for row in rows[first + 1 : last + 1]:
            budget -= 1
            if budget < 0:
                return rows
            if len(row) <= column:
                row += [""] * (column + 1 - len(row))
            row[column] = row[column] or value
    return rows


#: Most cells of the table a spreadsheet's sheet makes: its rows down to the last with a value,
#: by its widest row (a 5 kB workbook with one cell at A1 and one at XFD1048576 makes 17 billion)
MAX_SHEET_CELLS = 20_000_000


def _sheet_rows(sheet: Any, path: Path) -> list[list[str]]:
    """The rows of an .xlsx sheet, down to its last with a value, each cell as text (a number
    ``12``, a date ``2024-01-05 00:00:00``; :func:`_cell_text`), every row as wide as the widest.

    Each row is cut after its last value before its cells are read. A row that a team
    formatted out to the sheet's last column (XFD) holds 16,384 cells, which pandas read one
    by one: a sheet of 200 such rows took 5 s. A sheet whose table would hold more than
    :data:`MAX_SHEET_CELLS` cells is refused (E131).
    """
    if hasattr(sheet, "reset_dimensions"):  # the size a file states may be wrong; the cells tell
        sheet.reset_dimensions()
    rows: list[list[str]] = []
    width = filled = 0
    no_cells: list[str] = []  # every empty row's, padded to a list of its own below
    for values in sheet.iter_rows(values_only=True):
        end = _last_value(values, width) if values else 0
        rows.append([_cell_text(value) for value in values[:end]] if end else no_cells)
        if end:
            filled, width = len(rows), max(width, end)
            if filled * width > MAX_SHEET_CELLS:
                raise InputError("E131", path, detail=f"a sheet of more than {MAX_SHEET_CELLS:,} cells")
    return [row + [""] * (width - len(row)) for row in rows[:filled]]


def _last_value(values: Sequence[Any], width: int) -> int:
    """How many of a row's ``values`` there are up to its last that is not empty; ``width``,
    the widest row so far, is where to look first: the empty cells after it are counted at
    once, not one by one.

    >>> _last_value(("I", "So?", None, "") + (None,) * 16380, 3), _last_value((None, ""), 0)
    (2, 0)
    """
    end = len(values)
    if end > width:
        tail = values[width:]
        empty = tail.count(None)  # counting None is quick; "" is seldom there, and slow to count
        if empty == len(tail) or empty + tail.count("") == len(tail):
            end = width
    while end and values[end - 1] in (None, ""):
        end -= 1
    return end


#: what a cell holding an error says (``#N/A``, ``#DIV/0!``): no value, as pandas read it. Its
#: value alone does not tell it from a text cell of the same words, which is read so too.
_CELL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _cell_text(value: Any) -> str:
    """A cell's value as text, as ``pandas.read_excel(dtype=str)`` reads it: a whole number
    without its ``.0``, a date as ``2024-01-05 00:00:00``; no value or an error as ``""``.

    >>> [_cell_text(v) for v in (None, 12.0, 1.5, 1e20, True, "#N/A", " so ")]
    ['', '12', '1.5', '100000000000000000000', 'True', '', ' so ']
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return "" if value in _CELL_ERRORS else value
    return str(value)


_DELIMITERS = (",", ";", "\t", "|")


def _delimiter(text: str) -> str:
    """The delimiter of a .csv: the one of ``, ; tab |`` its header line uses most.

    Spreadsheets in many European locales save "CSV" with semicolons; column names hold
    none of these characters, so the header tells.
    """
    header = _header_line(text, 0)
    return max(_DELIMITERS, key=header.count) if header else ","


#: the first line of a CSV that names its delimiter for Excel (``sep=;``)
_SEP_LINE = re.compile(r"\"?sep=([^\r\n])\"?[ \t\r]*(?:\n|$)", re.IGNORECASE)


def _layout(text: str, tsv: bool) -> tuple[str, int, list[str]]:
    """A .csv's (or .tsv's) delimiter, how many lines above its header are a title, and the
    title's lines (:func:`_csv_title`). A title line with no delimiter (``Interview 7``) says
    nothing of the delimiter: the first of the next lines with one tells, where the table
    then starts below a title. A first line ``sep=;``, as Excel writes and reads, names the
    delimiter and is no title.

    >>> _layout("speaker;text\\nI;Who, then?", False), _layout("Interview 7\\n\\nspeaker;text\\nI;So?\\nP;Yes.", False)
    ((';', 0, []), (';', 2, ['Interview 7']))
    >>> _layout("sep=;\\nspeaker;text\\nI;Who, then?", False)
    (';', 1, [])
    """
    if (directive := _SEP_LINE.match(text)) is not None:
        top, above = _csv_title(text[directive.end() :], directive[1])
        return directive[1], top + 1, above
    sep = "\t" if tsv else _delimiter(text)
    top, above = _csv_title(text, sep)
    lines = text.split("\n", 6)
    if top or tsv or any(d in lines[0] for d in _DELIMITERS):
        return sep, top, above
    header = next((line for line in lines[1:6] if any(d in line for d in _DELIMITERS)), "")
    other = max(_DELIMITERS, key=header.count)
    top, above = _csv_title(text, other)
    return (other, top, above) if top else (sep, 0, [])


#: what each delimiter of a .csv is called, in a message
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def _read_csv(text: str, sep: str, top: int, warnings: list[str]) -> pd.DataFrame:
    """A .csv's (or .tsv's) table below its ``top`` title lines, every value a string.

    Where rows hold more cells than the header names and the header's last column is the
    speech (``speaker,text`` above ``P,Well, she listened.``: a comma in speech that is not
    in quotes), each such row's cells past the last column are joined to it again, and
    ``warnings`` says so. Other tables with such rows are refused, as pandas refuses them.
    """
    options: dict[str, Any] = {"sep": sep, "dtype": str, "keep_default_na": False, "skiprows": top}
    try:
        return pd.read_csv(io.StringIO(text), usecols=_columns_to_read(text, sep, top), **options)
    except pd.errors.ParserError:
        names = next(csv.reader([_header_line(text, top)], delimiter=sep), [])
        if not names or not headers.names_speech(names[-1]):
            raise
    joined: list[list[str]] = []

    def join(cells: list[str]) -> list[str]:
        joined.append(cells)
        return [*cells[: len(names) - 1], sep.join(cells[len(names) - 1 :])]

    frame = pd.read_csv(io.StringIO(text), engine="python", index_col=False, on_bad_lines=join, **options)
    if not joined:  # the C parser's error was another, which this one does not raise
        return frame
    delimiter = _DELIMITER_NAMES.get(sep, repr(sep))
    warnings.append(f"{len(joined)} row(s) held more cells than the header names, as a {delimiter} in speech that is "
                    f"not in quotes makes them (the first: {sep.join(joined[0])[:60]!r}); the cells past the last "
                    f"column, {names[-1]!r}, were joined to it again: check them, or put each speech in quotes")
    return frame


def _header_line(text: str, top: int) -> str:
    """The line of a .csv's ``text`` below its ``top`` title lines: its table's header."""
    start = 0
    for _ in range(top):
        start = text.find("\n", start) + 1
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)].rstrip("\r")


#: How many columns with no header a .csv's table keeps after its header's last name, where
#: its header line ends with more empty cells than that (:func:`_columns_to_read`)
UNNAMED_COLUMNS_KEPT = 64


def _columns_to_read(text: str, sep: str, top: int) -> range | None:
    """The columns of a .csv table to read: where its header line (below ``top`` title lines)
    ends with more than :data:`UNNAMED_COLUMNS_KEPT` empty cells, those up to its last name
    and that many more; else None, all of them.

    A sheet formatted out to its last column, saved as CSV, has 16,384 cells a line, most of
    them empty: pandas made a column of each, and a table of 5,000 utterances took minutes
    to read. A value that far to the right of the header's names, under none, is not read.

    >>> _columns_to_read("speaker,text" + "," * 100 + "\\nI,So?", ",", 0), _columns_to_read("a,,b,,\\n1,2", ",", 0)
    (range(0, 66), None)
    """
    header = _header_line(text, top)
    empty = len(header) - len(header.rstrip(sep))
    if empty <= UNNAMED_COLUMNS_KEPT:
        return None
    return range(header.count(sep) + 1 - empty + UNNAMED_COLUMNS_KEPT)


def _csv_title(text: str, sep: str) -> tuple[int, list[str]]:
    """How many lines above a .csv table's header are its title (:func:`_below_title`: up to
    five rows of one value each), and the title's lines; (0, []) for a table that starts at
    its first line.

    >>> _csv_title("Interview 7,\\n12 May,\\nspeaker,text\\nI,So?\\nP,Yes.", ","), _csv_title("a,b\\n1,2", ",")
    ((2, ['Interview 7', '12 May']), (0, []))
    """
    reader = csv.reader(io.StringIO(text[:20_000]), delimiter=sep)
    rows, ends = [], []
    with contextlib.suppress(csv.Error):
        for row in itertools.islice(reader, 26):
            rows.append(row)
            ends.append(reader.line_num)
    top = _below_title(rows)
    if not top:
        return 0, []
    return ends[top - 1], [line for row in rows[:top] if (line := " ".join(c.strip() for c in row if c.strip()))]


def _read_jsonl(text: str, path: Path) -> pd.DataFrame:
    """One JSON object per non-blank line (:func:`tr_nlp.jsonfile.json_lines`); a broken
    line is named by its number."""
    records = []
    for number, line in enumerate(json_lines(text), 1):
        if not line.strip():
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            detail = f"line {number} is not valid JSON: {exc.msg} at column {exc.colno}"
            raise InputError("E131", path, detail=detail) from None
        except RecursionError:
            raise InputError("E131", path, detail=f"line {number} nests lists or objects too deeply to read") from None
        if not isinstance(record, dict):
            detail = f"line {number} is a JSON {type(record).__name__}; expected one object per line"
            raise InputError("E131", path, detail=detail)
        records.append(record)
    return pd.DataFrame.from_records(records)


#: Common names for the default columns, tried when a table lacks the default name.
STAND_INS = {
    "text_col": ("utterance_text", "turn_text", *sorted(map(header_key, headers.SPEECH - {"text"}))),
    "speaker_col": tuple(sorted(map(header_key, headers.SPEAKER_OR_PERSON - {"speaker"}))),
    # an interview as qualitative tools and teams name it: NVivo's case, a document's or file's name
    "group_col": ("interview", "interview_no", "interview_number", "transcript_id", "conversation_id", "session_id",
                  "case", "case_id", "case_name", "document", "document_name", "file", "file_name", "filename",
                  "source", "source_name"),
}


def _check_columns(frame: pd.DataFrame, mapping: TableMapping, path: Path) -> tuple[TableMapping, list[str]]:
    """The mapping fitted to the file's columns, and notes on columns chosen for the user."""
    available = ", ".join(map(str, frame.columns[:30]))
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for attr in ("text_col", "speaker_col", "group_col", "order_col", "timestamp_col", "coder_col"):
        column = getattr(mapping, attr)
        if column is None or column in frame.columns:
            continue
        stand_in = _stand_in(frame, attr) if column == getattr(TableMapping, attr) else None
        if stand_in is not None:
            changes[attr] = stand_in
            if header_key(stand_in) != header_key(column):
                notes.append(f"no '{column}' column; using '{stand_in}' (pass {_OPTION_OF[attr]} to choose another)")
            continue
        optional = attr in {"timestamp_col", "coder_col"} and mapping.lenient
        default_group = attr == "group_col" and column == TableMapping.group_col
        default_speaker = attr == "speaker_col" and column == TableMapping.speaker_col
        if optional or default_group or default_speaker:
            changes[attr] = None
            continue
        fix = _fix(attr)
        if attr == "text_col" and _speech_as_header(frame.columns):
            fix = ("Its first row reads as speech, not as the columns' names: add a row of names above it (such as "
                   "'speaker,text', or 'question,answer'), or " + fix[0].lower() + fix[1:])
        raise InputError("E130", path, column=column, available=available, fix=fix)
    for attr in ("code_cols", "metadata_cols"):
        kept = []
        for column in getattr(mapping, attr):
            if column in frame.columns:
                kept.append(column)
            elif not mapping.lenient:
                raise InputError("E130", path, column=column, available=available, fix=_fix(attr))
        changes[attr] = tuple(kept)
    return replace(mapping, **changes), notes


def _speech_as_header(columns: Iterable[object]) -> bool:
    """Whether the names a table's columns were given read as the speech of a table with no
    row of names: each (but the unnamed) a sentence, of four words or more or closed by its
    punctuation.

    >>> _speech_as_header(["How long have you used services?", "About six years.", "Unnamed: 2"])
    True
    >>> _speech_as_header(["Speaker", "Utterance"]), _speech_as_header(["Unnamed: 0"])
    (False, False)
    """
    names = [str(name).strip() for name in columns if not str(name).startswith("Unnamed: ")]
    return bool(names) and all(len(name.split()) >= 4 or name[-1:] in ".?!\u2026" for name in names)


def find_column(columns: Iterable[object], name: str, others: Iterable[str] = ()) -> str | None:
    """The column that stands for ``name`` where none is called exactly that: ``name`` written
    another way (``Text``, ``Interview ID``: :func:`header_key`), else the one column called one
    of ``others``; None when there is none, or several.

    >>> find_column(["Speaker Name", "Text"], "text"), find_column(["who", "speaker_id"], "speaker", ["who", "speaker_id"])
    ('Text', None)
    """
    columns = list(columns)
    for names in ((name,), others):
        folded = {header_key(n) for n in names}
        found = [str(col) for col in columns if header_key(col) in folded]
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _stand_in(frame: pd.DataFrame, attr: str) -> str | None:
    """The column for ``attr`` when its default name is missing (:func:`find_column`)."""
    return find_column(frame.columns, getattr(TableMapping, attr), STAND_INS.get(attr, ()))


#: Names (any case; spaces, hyphens or underscores alike) of a column read as each row's time
#: when no ``timestamp_col`` is set.
TIME_COLUMNS = ("timestamp", "start_time", "starttime", "start_timestamp", "time", "start", "begin", "timecode", "timespan", "time_span",
                "timecode_in", "start_timecode", "tc_in")
#: a video timecode, hours to frames (``;`` before the frame: drop-frame timecode)
_TIMECODE = re.compile(r"\d{2}:\d{2}:\d{2}[:;]\d{2}")
#: a clock time or a span of two, NVivo's timespan (``0:00:01.0 - 0:00:03.2``: its start is the row's time)
_CLOCK_OR_SPAN = re.compile(TIME_CELL)
#: Whisper's .tsv: start and end in whole milliseconds
_WHISPER_TSV = ("start", "end", "text")


def _time_column(frame: pd.DataFrame) -> tuple[str | None, float]:
    """The one column named as a time (:data:`TIME_COLUMNS`), and the seconds per unit of it.

    A bare ``start`` or ``begin`` of whole numbers could be milliseconds or seconds, so it is
    taken only in Whisper's ``.tsv`` (columns ``start``, ``end``, ``text``: milliseconds).
    """
    found = [col for col in frame.columns if header_key(col) in TIME_COLUMNS]
    if len(found) != 1:
        return None, 1.0
    column = str(found[0])
    if header_key(column) in {"start", "begin"}:
        values = [v.strip() for v in frame[column] if v.strip()]
        if values and all(v.isdigit() for v in values):
            whisper = tuple(header_key(c) for c in frame.columns) == _WHISPER_TSV
            return (column, 0.001) if whisper else (None, 1.0)
    return column, 1.0


def _code_namer(frame: pd.DataFrame, code_cols: Sequence[str]) -> tuple[dict[str, bool], dict[tuple[str, str], str]]:
    """Decide which columns are binary and how each (column, value) is named."""
    binary: dict[str, bool] = {}
    values: dict[str, list[str]] = {}
    for col in code_cols:
        present = [v for v in dict.fromkeys(frame[col].str.strip()) if v.casefold() not in MISSING]
        binary[col] = bool(present) and all(v.casefold() in _TRUE | _FALSE for v in present)
        values[col] = [] if binary[col] else present
    seen: list[str] = [v for col in code_cols for v in values[col]]
    clash = len(seen) != len(set(seen)) or any(v in code_cols for v in seen)
    names = {(col, v): (f"{col}:{v}" if clash else v) for col in code_cols for v in values[col]}
    return binary, names


def read_table(path: str | Path, options: ReadOptions = ReadOptions(), tabs: bool = False) -> ReadResult:
    """Read an utterance table into interviews, codings and a derived codebook (a text table
    with tabs between its cells where ``tabs`` says so: :func:`load_frame`)."""
    path = Path(path)
    frame, warnings = load_frame(path, options.encoding, tabs)
    if options.table is None:  # a table named for what it is (--text-col, a preset, corpus.yaml) is read as told
        frame = _speech_under_no_header(frame)
        _refuse_other_tables(frame, path)
        frame, note = _questions_and_answers(frame)
        warnings += note
    mapping, notes = _check_columns(frame, options.table or TableMapping(), path)
    warnings += notes
    seconds_per_unit = 1.0
    if mapping.timestamp_col is None:
        time_col, seconds_per_unit = _time_column(frame)
        mapping = replace(mapping, timestamp_col=time_col)
    if mapping.group_col is None:
        frame = frame.assign(__group=path.stem)
        group_col = "__group"
        warnings.append(f"no '{TableMapping.group_col}' column; the whole table is one interview (pass --group-col "
                        "to name the column that tells interviews apart)")
    else:
        group_col = mapping.group_col
    frame = frame.reset_index(drop=True)
    if group_col != "__group":
        frame[group_col], note = _fill_blank_ids(frame[group_col], path)
        warnings += note
    roles = table_roles(mapping).merged(options.roles)
    unnamed_at = len(warnings)  # where the warning of no speaker column goes
    if mapping.speaker_col is None:  # like text and captions that name no speaker
        roles = unlabelled_roles(roles)
    else:
        warnings += _blank_speakers(frame, mapping)
    frame["__row"] = range(len(frame))
    frame, note = _with_speech(frame, mapping, path)
    warnings += note
    if mapping.order_col:
        frame["__order"] = pd.to_numeric(frame[mapping.order_col], errors="coerce")
        frame["__order"] = frame["__order"].fillna(frame["__row"])
        key_cols = [group_col, mapping.order_col]
    else:
        frame["__order"] = frame["__row"]
        key_cols = [group_col, "__row"]
    # numeric group ids sort numerically, others by first appearance
    group_num = pd.to_numeric(frame[group_col], errors="coerce")
    first_seen = frame.groupby(group_col, sort=False)["__row"].transform("min")
    frame["__gsort"] = group_num.fillna(first_seen + 1e12)
    frame = frame.sort_values(["__gsort", "__order", "__row"], kind="stable")
    binary, code_names = _code_namer(frame, mapping.code_cols)

    interviews: list[Interview] = []
    codings: list[Coding] = []
    labelled: list[str] = []  # interviews whose text names its speakers, in a table with no speaker column

    def time(r: dict[str, Any]) -> float | None:
        return _timestamp(r.get(mapping.timestamp_col), seconds_per_unit) if mapping.timestamp_col else None

    for group, rows in frame.groupby(group_col, sort=False):
        interview_id = str(group)
        utterances = rows.drop_duplicates(subset=key_cols, keep="first")
        if len(utterances) < len(rows):
            texts = rows.groupby(key_cols, sort=False)[mapping.text_col].nunique()
            conflicting = texts[texts > 1]
            if len(conflicting):
                key = conflicting.index[0]
                raise InputError("E133", path, key=key, n=int(conflicting.iloc[0]))
        records = utterances.to_dict("records")
        first = utterances.iloc[0]
        metadata = {col: first[col] for col in mapping.metadata_cols if first[col].strip()}
        found = None if mapping.speaker_col else _labelled_cells(records, path, roles, interview_id, metadata, time)
        if found is not None:
            interview, row_spans, notes = found
            labelled.append(interview_id)
            warnings.extend(f"interview {interview_id}: {w}" for w in notes)
            interviews.append(interview)
            span_of = {tuple(r[c] for c in key_cols): span for r, span in zip(records, row_spans)}
        else:
            text, spans = labelled_lines(
                (str(r.get(mapping.speaker_col, "")).strip() or UNKNOWN_SPEAKER, " ".join(r["__said"].split()), time(r))
                for r in records
            )
            span_of = {tuple(r[c] for c in key_cols): (a, b) for r, (_, a, b, _) in zip(records, spans)}
            turns, role_warnings = turns_with_roles(text, spans, roles)
            warnings.extend(f"interview {interview_id}: {w}" for w in role_warnings)
            interviews.append(Interview(interview_id, text, turns, metadata, str(path), "table"))
        if mapping.code_cols:
            codings.extend(_row_codings(rows, mapping, key_cols, span_of, binary, code_names, interview_id))
    codebook = _derived_codebook(mapping, binary, code_names) if mapping.code_cols else None
    if mapping.speaker_col is None:
        warnings[unnamed_at:unnamed_at] = _unnamed_speakers(labelled, len(interviews), roles)
    return ReadResult(interviews, codings, codebook, warnings)


#: The column of who answered, in a table of questions and answers with no column of interviews
_RESPONDENT = frozenset({"participant", "participant_id", "participant_no", "respondent", "respondent_id",
                         "respondent_no", "interviewee", "response_id", "responseid"})


def _questions_and_answers(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` as a table of utterances where it is one of questions and answers (a column
    named as questions are, one named as answers are: :data:`~tr_nlp.ingest.headers.QUESTION`,
    :data:`~tr_nlp.ingest.headers.ANSWER`; none of speech or of speakers), as a written
    interview or a form's replies are kept: each row the interviewer's question, then the
    participant's answer, the row's other cells with each (a blank cell is no turn); with no
    column of interviews, one of who answered (:data:`_RESPONDENT`) tells them apart. With
    the note that says so; else ``frame`` as it is, and no note.

    >>> rows = pd.DataFrame({"id": ["p1", "p1"], "Question": ["Who helped?", "And the ward?"], "Answer": ["Dee.", ""]})
    >>> read, note = _questions_and_answers(rows)
    >>> read.values.tolist()
    [['p1', 'Interviewer', 'Who helped?'], ['p1', 'Participant', 'Dee.'], ['p1', 'Interviewer', 'And the ward?']]
    """
    keys = [header_key(col).replace("_", " ") for col in frame.columns]
    asked = [col for col, key in zip(frame.columns, keys) if key in headers.QUESTION]
    answered = [col for col, key in zip(frame.columns, keys) if key in headers.ANSWER]
    said = any(key in headers.SPEECH or key in headers.SPEAKER for key in keys)
    if len(asked) != 1 or len(answered) != 1 or said:
        return frame, []
    question, answer = asked[0], answered[0]
    rest = frame.drop(columns=[question, answer])
    notes = []
    who = [col for col in rest.columns if header_key(col) in _RESPONDENT]
    if _stand_in(rest, "group_col") is None and len(who) == 1:  # who answered: each one's answers an interview
        rest = rest.rename(columns={who[0]: TableMapping.group_col})
        notes.append(f"its '{who[0]}' column tells the interviews apart")
    turns = pd.concat([rest.assign(speaker=speaker, text=frame[cell], __turn=range(k, 2 * len(frame), 2))
                       for k, (speaker, cell) in enumerate((("Interviewer", question), ("Participant", answer)))])
    turns = turns.sort_values("__turn", kind="stable").drop(columns="__turn")
    read = turns[turns["text"].fillna("").str.strip().ne("")].reset_index(drop=True)
    return read, [f"read as a table of questions and answers: each row's '{question}' is the interviewer's turn, "
                  f"its '{answer}' the participant's" + "".join(f"; {note}" for note in notes)]


def _speech_under_no_header(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a table of one column named ``text`` whose first row is its header, where
    it has one column and that header is a speaker's line (``Interviewer: How was it?``) whose
    label names an interviewer or a participant or starts a row below: a transcript pasted
    into a sheet a line a row, with no header above it. Else ``frame`` as it is.

    >>> rows = pd.DataFrame({"Interviewer: How was it?": ["Participant: Loud.", "Interviewer: Why?"]})
    >>> _speech_under_no_header(rows)["text"].tolist()
    ['Interviewer: How was it?', 'Participant: Loud.', 'Interviewer: Why?']
    """
    if len(frame.columns) != 1:
        return frame
    header = str(frame.columns[0])
    found = match_label(header)
    if found is None or not header[found.end :].strip():
        return frame
    labels = {m.label for cell in frame.iloc[:20, 0].astype(str) if (m := match_label(cell)) is not None}
    if builtin_role(found.label) not in ("interviewer", "participant") and found.label not in labels:
        return frame
    out = pd.DataFrame({"text": [header, *frame.iloc[:, 0].astype(str)]}).astype(str)
    out.attrs.update(frame.attrs)
    return out


def _labelled_cells(records: Sequence[dict[str, Any]], path: Path, roles: RoleMap, interview_id: str,
                    metadata: dict[str, Any], time: Callable[[dict[str, Any]], float | None],
                    ) -> tuple[Interview, list[tuple[int, int]], list[str]] | None:
    """An interview whose rows hold a transcript with its speaker labels, in a table with no
    speaker column (a transcript pasted into one cell per interview, or a cell per
    paragraph): its rows' text, a line or more each, read as plain text is
    (:func:`~tr_nlp.ingest.text.interview_from_text`: labels at line starts, or run on
    within them), with each row's span and the reading's warnings. None where fewer than two
    turns have a speaker's label, or where the reading changed the text's length (line
    numbers or subtitle cues in the cells), so the rows are read as one speaker's speech."""
    # imported here: tr_nlp.ingest.text reads documents' tables with this module's helpers
    from tr_nlp.ingest.text import interview_from_text

    bodies = [r["__said"].strip() for r in records]
    text = "\n".join(bodies)
    result = interview_from_text(text, path, roles, {**metadata, "interview_id": interview_id}, "table")
    interview = result.interviews[0]
    if len(interview.text) != len(text) or sum(t.speaker != UNKNOWN_SPEAKER for t in interview.turns) < 2:
        return None
    starts = [0, *accumulate(len(body) + 1 for body in bodies)]
    spans = [(start, start + len(body)) for start, body in zip(starts, bodies)]
    times = {(start, seconds) for start, r in zip(starts, records) if (seconds := time(r)) is not None}
    if times:
        interview = replace(interview, times=tuple(sorted({*interview.times, *times})))
    return interview, spans, result.warnings


def _unnamed_speakers(labelled: Sequence[str], interviews: int, roles: RoleMap) -> list[str]:
    """The warning for a table with no speaker column: which interviews' text named their
    speakers with labels, and that the other rows are speech of an unknown speaker."""
    shown = ", ".join(labelled[:3]) + (f" and {len(labelled) - 3} more" if len(labelled) > 3 else "")
    named = (f"no '{TableMapping.speaker_col}' column; the speaker labels in the text of {shown} name the speakers "
             "(read as a plain-text transcript is)")
    if len(labelled) == interviews:
        return [named]
    unknown = (f"no '{TableMapping.speaker_col}' column; every row{' of the others' if labelled else ''} is speech of "
               f"speaker {UNKNOWN_SPEAKER!r}, taken as {roles.get(UNKNOWN_SPEAKER)} (pass --speaker-col to name the "
               "column)")
    return [named, unknown] if labelled else [unknown]


#: how to give a codings table found among the transcripts (E136)
_CODINGS_FIX = "give it as --codings, or name it under 'codings:' in the folder's corpus.yaml"


def _refuse_other_tables(frame: pd.DataFrame, path: Path) -> None:
    """E136 for a table of codings (with offsets, or coded quotes), of segments or turns that
    tr_nlp wrote, or a pseudonymisation mapping, kept among the transcripts: read as
    utterances, its rows would make each interview again, from quotes or sentences, and the
    interview's own file would then fail as a duplicate (E166)."""
    from tr_nlp.ingest.codings import STAND_INS as CODINGS_STAND_INS  # codings.py reads tables with this module

    columns = {header_key(col): col for col in frame.columns}

    def has(name: str, others: Iterable[str]) -> bool:
        return find_column(frame.columns, name, others) is not None

    def offsets() -> bool:  # character offsets, where an utterance table's start and end are times
        return {"start", "end"} <= columns.keys() and all(
            frame[columns[key]].str.strip().str.fullmatch(r"\d+").all() for key in ("start", "end"))

    ours = "keep tr_nlp's outputs out of the folders it reads transcripts from"
    if {"placeholder", "kind", "original"} <= columns.keys():
        raise InputError("E136", path, kind="a pseudonymisation mapping (placeholder, kind, original), which "
                         "can re-identify participants", fix=ours + ", and keep it private")

    def our_id(interview: str, segment: str) -> bool:  # demo01:s12, :t3, :w0; a passage demo01:s0..demo01:s3
        return all(part.startswith(f"{interview}:") and part[len(interview) + 1:len(interview) + 2] in ("s", "t", "w")
                   and part[len(interview) + 2:].isdigit() for part in segment.split(".."))

    if "interview_id" in columns and "segment_id" in columns and all(
            map(our_id, frame[columns["interview_id"]], frame[columns["segment_id"]])):
        kind = "a table of segments that tr_nlp wrote (a row per segment"
        raise InputError("E136", path, kind=kind + (", with its code)" if "code" in columns else ")"), fix=ours)
    if {"interview_id", "turn_index", "role"} <= columns.keys() and offsets():
        raise InputError("E136", path, kind="a table of turns that tr_nlp wrote (turns.parquet)", fix=ours)
    # a "Name", "Person" or "Role" column stands in for the speaker in a transcript table, but in a
    # spreadsheet of coded quotes it names the participant: it does not make the table one of utterances
    speaker_names = tuple(sorted(map(header_key, headers.SPEAKER - {"speaker"})))
    if has("speaker", speaker_names) or not has("code", CODINGS_STAND_INS["code"]):
        return
    if "interview_id" in columns and offsets():
        raise InputError("E136", path, kind="a codings table (interview_id, start, end, code)", fix=_CODINGS_FIX)
    # coded quotes (interview, code, coder, quote), as a team keeps them in a spreadsheet
    if has("interview_id", CODINGS_STAND_INS["interview_id"]) and has("coder", CODINGS_STAND_INS["coder"]):
        raise InputError("E136", path, kind="a codings table (an interview, a code and a coder on each row)",
                         fix=_CODINGS_FIX)


def _fill_blank_ids(ids: pd.Series, path: Path) -> tuple[pd.Series, list[str]]:
    """Interview ids with the blanks filled from the row above, and a note when any were.

    A spreadsheet often writes each interview's id once, on its first row (or in merged
    cells, which read as blanks below the first); a table whose id column is empty
    throughout is one interview, as a table without the column is.

    Raises
    ------
    InputError
        E135 when blank ids come before the first id: no row says whose they are.
    """
    blank = ids.str.strip() == ""
    if not blank.any():
        return ids, []
    if blank.all():
        return ids.where(~blank, path.stem), [f"column '{ids.name}' is empty; the whole table is one interview"]
    filled = ids.mask(blank).ffill()
    if filled.isna().any():
        raise InputError("E135", path, row=int(filled.isna().to_numpy().argmax()) + 1, column=ids.name)
    first = int(blank.to_numpy().argmax()) + 1
    return filled, [(f"{int(blank.sum())} row(s) with no '{ids.name}' (the first is data row {first}) "
                     "were read as part of the interview on the row above them")]


def _blank_speakers(frame: pd.DataFrame, mapping: TableMapping) -> list[str]:
    """A note naming the rows of speech that say nothing of who spoke."""
    blank = (frame[mapping.speaker_col].str.strip() == "") & (frame[mapping.text_col].str.strip() != "")
    if not blank.any():
        return []
    first = int(blank.to_numpy().argmax()) + 1
    return [(f"{int(blank.sum())} row(s) with text but no '{mapping.speaker_col}' (the first is data row {first}) "
             f"were read as speaker {UNKNOWN_SPEAKER!r}; fill them in, or give it a role with --speaker-role "
             f"{UNKNOWN_SPEAKER}=ROLE")]


def _with_speech(frame: pd.DataFrame, mapping: TableMapping, path: Path) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with each row's text normalised (``__said``), without its rows of no text
    (each was an empty turn: a line of a label alone, the neighbour the context model read),
    and a note counting those and the codes on them; E134 when no row has text."""
    frame = frame.assign(__said=frame[mapping.text_col].map(lambda value: normalise_text(str(value))))
    blank = frame["__said"].str.strip() == ""
    if not blank.any():
        return frame, []
    if blank.all():
        raise InputError("E134", path, what=f"text: the '{mapping.text_col}' column is empty on every row")
    coded = sum(int((~frame.loc[blank, col].str.strip().str.casefold().isin(MISSING | _FALSE)).sum())
                for col in mapping.code_cols)
    first = int(blank.to_numpy().argmax()) + 1
    codes = f", and with them {coded} code value(s)" if coded else ""
    note = (f"{int(blank.sum())} row(s) with no '{mapping.text_col}' (the first is data row {first}) were left "
            f"out{codes}: a passage of no words can be neither read nor coded")
    return frame[~blank], [note]


def _row_codings(
    rows: pd.DataFrame,
    mapping: TableMapping,
    key_cols: list[str],
    span_of: Mapping[Any, tuple[int, int]],
    binary: Mapping[str, bool],
    code_names: Mapping[tuple[str, str], str],
    interview_id: str,
) -> list[Coding]:
    out: list[Coding] = []
    coders = (
        (mapping.coder_prefix + rows[mapping.coder_col].str.strip()).tolist()
        if mapping.coder_col else [mapping.default_coder] * len(rows)
    )
    keys = list(zip(*(rows[c].tolist() for c in key_cols)))
    for col in mapping.code_cols:
        for key, coder, value in zip(keys, coders, rows[col].str.strip().tolist()):
            start, end = span_of[key]
            if end <= start:
                continue
            if binary[col]:
                if value.casefold() in _TRUE:
                    out.append(Coding(interview_id, start, end, col, coder))
            elif value.casefold() not in MISSING:
                out.append(Coding(interview_id, start, end, code_names[(col, value)], coder))
    return out


def _derived_codebook(
    mapping: TableMapping, binary: Mapping[str, bool], code_names: Mapping[tuple[str, str], str]
) -> Codebook:
    codes = [Code(col, description=f"true in column '{col}'") for col in mapping.code_cols if binary[col]]
    groups: dict[str, tuple[str, ...]] = {}
    for col in mapping.code_cols:
        if not binary[col]:
            names = tuple(name for (c, _), name in code_names.items() if c == col)
            codes.extend(Code(n, description=f"value of column '{col}'") for n in names)
            groups[col] = names
    return Codebook(tuple(codes), groups, name="derived from table columns")


def _timestamp(value: Any, seconds_per_unit: float = 1.0) -> float | None:
    """A row's time in seconds (a number counts ``seconds_per_unit`` each, ``01:02`` is a clock,
    a video timecode ``00:01:02:12`` its whole seconds, its frame left out, a span its start);
    None for a blank, unreadable, negative or infinite one.

    >>> _timestamp("00:01:02:12"), _timestamp("00:01:02;12"), _timestamp("1:02"), _timestamp("1500", 0.001)
    (62.0, 62.0, 62.0, 1.5)
    >>> _timestamp("0:00:05.3 - 0:00:09.1")
    5.3
    """
    text = str(value or "").strip()
    if not text or text.casefold() in MISSING:
        return None
    if _TIMECODE.fullmatch(text):
        text = text[:8]
    elif span := _CLOCK_OR_SPAN.fullmatch(text):
        text = span.group("ts")
    try:
        seconds = parse_timestamp(text) * (1.0 if ":" in text else seconds_per_unit)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
