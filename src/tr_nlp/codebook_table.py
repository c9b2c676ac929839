"""Codebooks kept as a spreadsheet (.xlsx, .csv, .tsv) or a table in a Word document
(.docx, or LibreOffice's .odt): one row per code.

Columns are found by their header, in any case: the code's name (``Code``, ``Name``, ``Code
name``; else ``Sub-theme`` or ``Subcode``, beside a ``Theme``), ``Description`` (or
``Definition``), ``Include`` (``Inclusion criteria``, ``When to use``), ``Exclude``
(``Exclusion criteria``, ``When not to use``), ``Examples`` (one quote per line of the
cell), ``Parent`` (or ``Theme``, ``Category``: the code it sits under, added as a code when
no row names it), ``Colour``, ``Group`` (codes of one group are mutually
exclusive; several parted by ``;``) and ``Status`` (``candidate`` for a code topic
discovery proposed, ``active``; a team's own words there, such as ``agreed``, are not
read). Other columns, such as notes, are not read. A row with no name continues the code
above it (a second example, a longer definition), as spreadsheets are often laid out.

A ``Code`` column beside a ``Name`` (or ``Label``) column holds each code's number or
abbreviation (``2.1``, ``BR``; several parted by ``;``): the name names the code, and the
number is its alias (codings may name it either way). Numbers in outline (``2``, ``2.1``,
``2.1.3``) place a code under the code numbered one level up, where no ``Parent`` column
says otherwise.

In a Word document, every table whose header row names a column of codes is read, one
after the other (a codebook laid out as a table per theme: with no parent column, each
table's heading is its codes' parent), and so is every table that holds one code, its
first column naming the fields (``Code``, ``Definition``, ``When to use``...: a table
per code); the rest of the document (an introduction, notes) is not. An ``.odt`` is read
so too. A Word (or ``.odt``) codebook kept among the transcripts is refused as one
(E116), not read as a transcript table.

:func:`write_codebook_table` writes a codebook as such a spreadsheet (``.xlsx``), which
reads back as the same codebook.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"Code": ["care", "", "time"], "Definition": ["Being cared for.", "", "Time given."],
...                       "Example": ["She listened.", "He called back.", ""], "Theme": ["support", "", "support"]})
>>> book = codebook_from_dict(codebook_data(frame))
>>> book.names, book["care"].examples, book["care"].parent
(['care', 'time', 'support'], ('She listened.', 'He called back.'), 'support')
>>> numbered = pd.DataFrame({"Code": ["1", "1.1", "1.2"], "Name": ["Support", "Care", "Time given"]})
>>> book = codebook_from_dict(codebook_data(numbered))
>>> book.names, book["Care"].parent, book["Care"].aliases
(['Support', 'Care', 'Time given'], 'Support', ('1.1',))
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from tr_nlp.codebook import codebook_from_dict
from tr_nlp.errors import CodebookError, InputError
from tr_nlp.export.tables import atomic_path
from tr_nlp.ingest.base import EXTENSIONS
from tr_nlp.ingest.table import header_key, load_frame
from tr_nlp.schema import Codebook

#: Headers (any case; spaces, hyphens and underscores alike) read as each field of a code.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "code", "code_name", "code_label", "label"),
    "description": ("description", "definition", "meaning", "code_description", "code_definition", "full_definition"),
    "include": ("include", "inclusion", "inclusion_criteria", "when_to_use", "use_when"),
    "exclude": ("exclude", "exclusion", "exclusion_criteria", "when_not_to_use", "do_not_use_when"),
    "examples": ("examples", "example", "example_quote", "example_quotes", "quotes", "quote"),
    "parent": ("parent", "parent_code", "theme", "category"),
    "color": ("color", "colour"),
    "group": ("group", "exclusive_group"),
    "status": ("status",),
}
_TEXT_FIELDS = ("description", "include", "exclude")
#: Headers of a column of codes' names where no header above names one: a thematic analysis's
#: ``Theme | Sub-theme | Description`` (the theme their parent).
_SUB_NAMES = ("sub_theme", "subtheme", "sub_code", "subcode", "sub_category", "subcategory")
#: The statuses a ``Status`` column may give (other words there are a team's notes).
_STATUSES = ("active", "candidate")
#: The header of a column of codes' numbers or abbreviations when a name column stands beside it.
_NUMBER_HEADER = "code"
#: A number in outline: ``2``, ``2.1``, ``2.1.3`` (a dot after it allowed).
_OUTLINE = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _columns(frame: pd.DataFrame, path: str | Path | None) -> dict[str, str]:
    """Field -> the header that holds it; a field two headers could hold is refused."""
    found: dict[str, str] = {}
    keys = {header_key(header) for header in frame.columns}
    named = _NUMBER_HEADER in keys and bool(keys & set(COLUMNS["name"]) - {_NUMBER_HEADER})
    for header in frame.columns:
        if named and header_key(header) == _NUMBER_HEADER:  # numbers beside names
            found["number"] = str(header)
            continue
        for field, names in COLUMNS.items():
            if header_key(header) in names:
                if field in found:
                    raise CodebookError("E144", path, found=f"two columns for a code's {field}, "
                                        f"'{found[field]}' and '{header}'; rename one")
                found[field] = str(header)
    sub = [str(header) for header in frame.columns if header_key(header) in _SUB_NAMES]
    if "name" not in found and len(sub) == 1:
        found["name"] = sub[0]
    if "name" not in found:
        headers = ", ".join(map(str, frame.columns[:20]))
        raise CodebookError("E144", path, found=f"a table with columns {headers}, none of them a code's name "
                            "(name it 'Code' or 'Name')")
    return found


def is_codebook_header(cells: list[str]) -> bool:
    """Whether a table's header row is a codebook's: a column of codes' names and one of
    what they mean (description, inclusion or exclusion criteria), and none of a
    transcript's speech.

    >>> is_codebook_header(["Code", "Definition", "Example"]), is_codebook_header(["Speaker", "Text", "Code"])
    (True, False)
    """
    keys = {header_key(cell) for cell in cells}
    meaning = set().union(*(COLUMNS[field] for field in _TEXT_FIELDS))
    return bool(keys & {*COLUMNS["name"], *_SUB_NAMES}) and bool(keys & meaning) and not keys & _SPEECH_HEADERS


def is_codebook_table(rows: list[list[str]]) -> Literal["rows", "card"] | None:
    """Whether a table holds codes: ``"rows"`` when its header row is a codebook's
    (:func:`is_codebook_header`), ``"card"`` when its first column is (one code's fields),
    else None."""
    if len(rows) < 2:
        return None
    if is_codebook_header(rows[0]):
        return "rows"
    if all(len(row) > 1 for row in rows) and is_codebook_header([row[0] for row in rows]):
        return "card"
    return None


#: Header cells of a transcript table's speech, which no codebook table has.
_SPEECH_HEADERS = frozenset({"speaker", "text", "utterance", "transcript", "speech", "dialogue", "said"})


def document_tables(path: str | Path) -> list[tuple[str, list[list[str]]]]:
    """The tables of a Word document (``.docx``), each with the heading above it (the last
    paragraph in a ``Heading`` style before it, else ``""``) and as a list of rows of cell
    texts (a cell merged over several columns or rows repeated in each, so cells stay
    under their header); an ``.odt``'s as :func:`~tr_nlp.ingest.odt.odt_tables` reads them.

    Raises
    ------
    InputError
        E110 for a damaged document, and what :func:`~tr_nlp.ingest.archive.check_office_archive`
        refuses (zip bombs, a binary ``.doc`` under the name).
    """
    import docx
    from docx.table import Table

    from tr_nlp.ingest.archive import check_office_archive
    from tr_nlp.ingest.docx import table_grid

    path = Path(path)
    if EXTENSIONS.get(path.suffix.lower()) == "odt":  # .odt, or a flat .fodt
        from tr_nlp.ingest.odt import odt_tables

        return odt_tables(path)
    check_office_archive(path, ".docx")
    try:
        tables, heading = [], ""
        for block in docx.Document(str(path)).iter_inner_content():
            if isinstance(block, Table):
                tables.append((heading, table_grid(block._tbl, spread=True)))
            elif block.style is not None and (block.style.name or "").startswith("Heading") and block.text.strip():
                heading = " ".join(block.text.split())
        return tables
    except Exception as exc:  # python-docx raises many types on damaged files
        raise InputError("E110", path, kind=".docx", app="Word", detail=f"{type(exc).__name__}: {exc}") from None


def codebook_tables(tables: list[tuple[str, list[list[str]]]]) -> pd.DataFrame | None:
    """The codes in ``tables`` (each with the heading above it), as one table of codes;
    None when there is none.

    A table whose header row is a codebook's (:func:`is_codebook_header`) holds a code on
    each row; where two or more such tables stand under headings of their own and no column
    names a parent (a table per theme), each heading is its codes' parent. A table whose
    first column is a codebook's header (``Code | BR``, ``Definition | ...``, ``When to use |
    ...``: a table per code, as MacQueen et al.'s codebook structure is often laid out)
    holds one code.

    >>> header = ["Code", "Definition"]
    >>> themes = [("Theme 1: Attitude", [header, ["Warmth", "Kindness."]]), ("Theme 2: Going further",
    ...           [header, ["Beyond routine", "More than asked."], ["Bending rules", "An exception."]])]
    >>> codebook_tables(themes)["Parent"].tolist()
    ['Theme 1: Attitude', 'Theme 2: Going further', 'Theme 2: Going further']
    >>> cards = [("", [["Code", "Beyond routine"], ["Definition", "Doing more than the job asks."]]),
    ...          ("", [["Code", "Care"], ["Definition", "Being cared for."], ["Example", "She listened."]])]
    >>> codebook_tables(cards).to_dict("records")[1]
    {'Code': 'Care', 'Definition': 'Being cared for.', 'Example': 'She listened.'}
    """
    frames = []
    rows_under: list[tuple[str, pd.DataFrame]] = []  # tables of codes in rows, and their headings
    for heading, rows in tables:
        kind = is_codebook_table(rows)
        if kind == "rows":
            headers = [cell.strip() or f"column {j + 1}" for j, cell in enumerate(rows[0])]
            headers = [h if h not in headers[:j] else f"{h} ({j + 1})" for j, h in enumerate(headers)]
            frame = pd.DataFrame([row[:len(headers)] + [""] * (len(headers) - len(row)) for row in rows[1:]],
                                 columns=headers)
            frames.append(frame)
            rows_under.append((heading, frame))
        elif kind == "card":
            card: dict[str, str] = {}
            for label, *cells in rows:  # a value merged over columns is repeated in each
                card.setdefault(label.strip(), "\n".join(dict.fromkeys(cell for cell in cells if cell)))
            frames.append(pd.DataFrame([card]))
    headings = [heading for heading, _ in rows_under]
    if len(rows_under) > 1 and all(headings) and len(set(headings)) == len(headings) and not any(
            header_key(h) in COLUMNS["parent"] for _, frame in rows_under for h in frame.columns):
        for heading, frame in rows_under:  # a table per theme, under its heading
            frame["Parent"] = heading
    return pd.concat(frames, ignore_index=True).fillna("") if frames else None


def read_codebook_document(path: str | Path) -> Codebook:
    """Load and validate a codebook kept as a table (or a table per theme) in a Word
    document (see the module's docstring).

    Raises
    ------
    CodebookError
        E144 when no table's header row names a column of codes and one of what they
        mean; as :func:`read_codebook_table` otherwise.
    """
    frame = codebook_tables(document_tables(path))
    if frame is None:
        suffix = Path(path).suffix.lower()
        kind = f"an {suffix} document" if EXTENSIONS.get(suffix) == "odt" else "a Word document"
        raise CodebookError("E144", path, found=f"{kind} without a table of codes (a header row naming a "
                            "column 'Code' or 'Name' and one 'Definition', 'Description' or 'Inclusion criteria')")
    return codebook_from_dict(codebook_data(frame, path), path=path)


def read_codebook_table(path: str | Path) -> Codebook:
    """Load and validate a codebook kept as a spreadsheet (see the module's docstring).

    Raises
    ------
    CodebookError
        When no column holds the codes' names, two columns hold one field, a row with no name
        comes first, or the codebook is invalid (duplicate codes, parent cycles...).
    InputError
        When the file cannot be read as a table.
    """
    frame, _ = load_frame(path)
    return codebook_from_dict(codebook_data(frame, path), path=path)


def codebook_data(frame: pd.DataFrame, path: str | Path | None = None) -> dict[str, Any]:
    """The codebook in a table of codes (every cell a string), as the mapping
    :func:`tr_nlp.codebook.codebook_from_dict` reads."""
    columns = _columns(frame, path)
    codes: list[dict[str, Any]] = []
    groups: dict[str, list[str]] = {}
    for number, row in enumerate(frame.fillna("").astype(str).to_dict("records"), start=2):
        cell = {field: row[header].strip() for field, header in columns.items()}
        if not any(cell.values()):
            continue
        if cell["name"]:
            codes.append({"name": cell["name"], "examples": [], "aliases": _parts(cell.get("number", ""))})
        elif not codes:
            raise CodebookError("E146", path, index=f"on row {number}",
                                detail="it has no code name and no code above it to continue")
        code = codes[-1]
        for field in _TEXT_FIELDS:  # a nameless row adds to the code above it
            if cell.get(field):
                code[field] = f"{code[field]}\n{cell[field]}" if code.get(field) else cell[field]
        code["examples"] += [line.strip() for line in cell.get("examples", "").splitlines() if line.strip()]
        for field in ("parent", "color"):
            if cell.get(field):
                code[field] = cell[field]
        if cell.get("status", "").lower() in _STATUSES:
            code["status"] = cell["status"].lower()
        for group in _parts(cell.get("group", "")):
            if group and code["name"] not in groups.setdefault(group, []):
                groups[group].append(code["name"])
    _outline_parents(codes, "parent" in columns)
    named = {code["name"] for code in codes}
    parents = dict.fromkeys(code["parent"] for code in codes if code.get("parent") and code["parent"] not in named)
    codes += [{"name": parent, "description": ""} for parent in parents]
    return {"name": Path(path).stem if path else "", "codes": codes, "groups": groups}


def _parts(cell: str) -> list[str]:
    """A cell's ``;``-parted values (at least one, maybe empty)."""
    return [part.strip() for part in cell.split(";")]


def _outline_parents(codes: list[dict[str, Any]], given: bool) -> None:
    """Each code's parent from its outline number (``2.1`` under ``2``) unless a parent
    column is ``given``; numbers that are no outline (``BR``) place nothing."""
    if given:
        return
    numbers = {code["aliases"][0].rstrip("."): code["name"] for code in codes
               if code["aliases"][0] and _OUTLINE.match(code["aliases"][0])}
    for code in codes:
        number = code["aliases"][0].rstrip(".")
        if number in numbers and "." in number:
            parent = numbers.get(number.rsplit(".", 1)[0])
            if parent is not None:
                code["parent"] = parent


#: The columns :func:`write_codebook_table` writes, each with the code's field it holds.
_WRITTEN = (("Name", "name"), ("Code", "aliases"), ("Description", "description"), ("Include", "include"),
            ("Exclude", "exclude"), ("Examples", "examples"), ("Parent", "parent"), ("Colour", "color"),
            ("Group", "group"), ("Status", "status"))


def codebook_frame(codebook: Codebook) -> pd.DataFrame:
    """``codebook`` as a table of codes, one row each, in the columns :func:`codebook_data`
    reads (empty columns left out; ``Parent`` kept beside ``Code``, so that numbers place
    no code on reading it back).

    >>> from tr_nlp.schema import Code
    >>> book = Codebook((Code("care", "Being cared for.", aliases=("1",)), Code("time", parent="care")),
    ...                 groups={"kind": ("care", "time")})
    >>> codebook_frame(book).to_dict("records")[1]
    {'Name': 'time', 'Code': '', 'Description': '', 'Parent': 'care', 'Group': 'kind'}
    """
    groups: dict[str, list[str]] = {}
    for group, members in codebook.groups.items():
        for member in members:
            groups.setdefault(member, []).append(group)
    rows = [{"name": code.name, "aliases": "; ".join(code.aliases), "description": code.description,
             "include": code.include, "exclude": code.exclude, "examples": "\n".join(code.examples),
             "parent": code.parent or "", "color": code.color or "", "group": "; ".join(groups.get(code.name, ())),
             "status": "" if code.status == "active" else code.status} for code in codebook.codes]
    frame = pd.DataFrame(rows, columns=[field for _, field in _WRITTEN])
    kept = [field for _, field in _WRITTEN if field == "name" or frame[field].ne("").any()
            or (field == "parent" and frame["aliases"].ne("").any())]
    return frame[kept].rename(columns={field: header for header, field in _WRITTEN})


def write_codebook_table(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` as a spreadsheet (``.xlsx``, atomically) that
    :func:`read_codebook_table` reads back as the same codebook: a header row in bold, long
    text wrapped, and every cell text (one starting ``=`` is no formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    frame = codebook_frame(codebook)
    book = Workbook()
    sheet = book.active
    sheet.title = "Codebook"
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([value or None for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even where it starts with "="
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, header in zip("ABCDEFGHIJ", frame.columns):
        sheet.column_dimensions[letter].width = 50 if header in ("Description", "Include", "Exclude", "Examples") else 24
    sheet.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        book.save(str(tmp))
    return Path(path)
