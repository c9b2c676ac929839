"""Human codings tables: ``interview_id, start, end, code, coder`` (CSV, JSONL, Parquet, Excel or LibreOffice Calc).

An optional ``text`` column holds what the coder saw; when present it is checked against
the interview text at the offsets. A coding whose offsets drifted (the transcript was edited
after it was coded) moves to where its text now stands, the place nearest the old one, with
a warning; one whose text is nowhere in its interview is an error (E152).

Teams that keep coded quotes in a spreadsheet have no offsets: a table with
``interview_id, code, coder, text`` and no ``start``/``end`` columns is located by
finding each quote in its interview (:mod:`tr_nlp.ingest.quotes`), ignoring case, runs of
whitespace and the kind of quote marks and dashes (or, failing that, its punctuation, and
then its "um"s and "[laughs]", and then words its editor added in square brackets, with a
warning naming its rows). A quote found more than once takes the
place its row's ``line`` column cites (``45``, ``l. 45-48``, ``p. 3, 12-15``,
``line 40 ff.``), where the transcript numbers its lines, or the place said at the time its
``time`` column gives (``00:12:30``), where it gives times; else its first place. A
warning counts each kind. A quote with elisions (``...``, ``[...]``, ``…``) codes the
passage from its first part to its last, the parts found in that order. A table without a
``coder`` column is one coder's, named ``human``.

Columns may also go by other names, in any case (:data:`STAND_INS`): ``Interview ID``,
``Document``, ``Participant`` for the interview; ``Theme``, ``Codes`` or ``Tag`` for the
code (a cell may list several, one per line, as ATLAS.ti's export does); ``Coded by``,
``Author`` or ``Created by`` (MAXQDA's and ATLAS.ti's exports; never ``Modified by``) for
the coder; ``Quote``, ``Excerpt`` or ``Segment`` for the text, with a
warning naming each column taken so. Dedoose's excerpt export marks each excerpt's codes
in a column per code (``Code: Warmth Applied``). A code written as its path in a code tree
(MAXQDA's ``Helping\\Beyond routine``, NVivo's ``Nodes/Care``) is the codebook's code of
its last name, and one in another case or spacing (``Beyond routine``) the codebook's
``beyond_routine`` (:func:`~tr_nlp.codebook.code_finder`), each with a warning.
``start`` and ``end`` are read only under those names: other tools' ``Start``
or ``Beginning`` count paragraphs or positions of their own, so such tables are located by
their quotes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from tr_nlp.codebook import code_finder, code_key, code_leaf, nearest_code
from tr_nlp.errors import CodingsError, InputError, counted, some
from tr_nlp.ingest.base import TRANSCRIPT_SUFFIXES
from tr_nlp.ingest.framework import code_columns, melted
from tr_nlp.ingest.quotes import QuoteFinders, cited_lines, cited_place, cited_time, fold
from tr_nlp.ingest.table import WORKBOOK_SUFFIXES, TableMapping, find_column, header_key, load_frame, load_sheets
from tr_nlp.schema import (
    CODING_COLUMNS,
    Codebook,
    Coding,
    Interview,
    Reviewed,
    codings_to_frame,
    composed,
    is_machine_coder,
    line_range,
)
from tr_nlp.wholes import whole_number

#: How many skipped interviews a warning names.
SHOWN = 5
#: Other names (:func:`~tr_nlp.ingest.table.header_key`) for a codings table's columns, as
#: QDA tools' exports and teams' spreadsheets head them; a lone one stands in for a missing column.
STAND_INS = {
    "interview_id": ("interview", "interview_name", "transcript", "transcript_id", "transcript_name", "document",
                     "document_name", "file", "file_name", "source", "source_name", "participant",
                     "participant_id", "case", "media_title"),
    "code": ("codes", "code_name", "theme", "node", "category", "tag", "tags"),
    "coder": ("coded_by", "annotator", "rater", "author", "user", "user_name", "coder_name", "created_by",
              "excerpt_creator"),
    "text": ("quote", "quotation", "quotation_content", "excerpt", "extract", "segment", "coded_segment",
             "coded_text", "passage", "content", "excerpt_copy"),
}
#: A column per code marking the rows it codes, and its weights (Dedoose's excerpt export).
_CODE_COLUMN = re.compile(r"^\s*code\s*:\s*(?P<name>.+?)\s+applied\s*$", re.IGNORECASE)
_WEIGHT_COLUMN = re.compile(r"^\s*code\s*:\s*.+\s+weight\s*$", re.IGNORECASE)
#: ATLAS.ti's number before a document's name (``D 1: demo01``; ``P 1:`` before version 8).
_ATLAS_NUMBER = re.compile(r"^[DP]\s*\d+\s*:\s*")
#: Other names (:func:`~tr_nlp.ingest.table.header_key`) of a quotes table's column citing
#: the line each quote stands on, which chooses among the places of a quote found more than once.
LINE_COLUMNS = ("lines", "line_no", "line_no.", "line_nos", "line_nos.", "line_number", "line_numbers",
                "line_ref", "line_reference", "line_range")
#: Other names of a quotes table's column giving when each quote is said in the recording,
#: which chooses among the places of a quote found more than once (never ``start``: an offset).
TIME_COLUMNS = ("timestamp", "time_stamp", "timecode", "time_code", "start_time", "starttime", "begin_time")
#: Cell values that mark a row as coded.
_MARKED = {"true", "1", "yes", "y", "x", "\u2713"}
#: What a codings table holds, for the error naming a missing column.
_COLUMNS_FIX = ("A codings table has the columns interview_id, start, end, code and coder (start and end may "
                "be left out when a text column holds each coded quote); a framework matrix (a column per theme) "
                "is read with a codebook naming its themes")


def standard_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with its columns under the names a codings table uses, and a note for each
    column taken for another (:data:`STAND_INS`). A name in another case (``Code``) is simply
    taken; two candidates for one column leave it missing.

    >>> frame, notes = standard_columns(pd.DataFrame(columns=["Interview ID", "Theme", "Quote"]))
    >>> list(frame.columns), notes[0]
    (['interview_id', 'code', 'text'], "no 'code' column; using 'Theme'")
    """
    renames: dict[str, str] = {}
    notes: list[str] = []
    for column, others in STAND_INS.items():
        if column in frame.columns:
            continue
        found = find_column(frame.columns, column, others)
        if found is not None and found not in renames:
            renames[found] = column
            if header_key(found) != column:
                notes.append(f"no '{column}' column; using '{found}'")
    return frame.rename(columns=renames), notes


def _marked_codes(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A table with a column per code that marks the rows it codes (Dedoose's excerpt
    export: ``Code: Warmth Applied``, ``True`` or ``False``) as a ``code`` column naming
    each row's marked codes, one per line; rows with none are left out, with a note.
    Unchanged when the table has a ``code`` column.

    >>> frame = pd.DataFrame({"Code: Warmth Applied": ["True", "False", "False"],
    ...                       "Code: Warmth Weight": ["", "", ""], "Code: Trust Applied": ["True", "True", "False"]})
    >>> found, notes = _marked_codes(frame)
    >>> found["code"].tolist(), notes
    (['Warmth\\nTrust', 'Trust'], ['codes read from 2 column(s) marking the rows each codes (Code: ... Applied); 1 row(s) with no code marked left out'])
    """
    named = {col: m["name"] for col in frame.columns if (m := _CODE_COLUMN.match(str(col)))}
    if not named or "code" in frame.columns:
        return frame, []
    marked = frame[list(named)].apply(lambda column: column.str.strip().str.casefold().isin(_MARKED))
    codes = ["\n".join(named[col] for col in named if row[col]) for row in marked.to_dict("records")]
    rest = [col for col in frame.columns if not (_CODE_COLUMN.match(str(col)) or _WEIGHT_COLUMN.match(str(col)))]
    found = frame[rest].assign(code=codes)
    found = found[found["code"] != ""]
    notes = [f"codes read from {len(named)} column(s) marking the rows each codes (Code: ... Applied)"
             + (f"; {len(frame) - len(found)} row(s) with no code marked left out" if len(found) < len(frame) else "")]
    return found, notes


def _one_code_per_row(frame: pd.DataFrame) -> pd.DataFrame:
    """A row whose code cell lists several codes, one per line, as one row per code."""
    if not frame["code"].str.contains("\n", regex=False).any():
        return frame
    frame = frame.assign(code=frame["code"].str.split("\n")).explode("code")
    return frame[frame["code"].str.strip() != ""]


def machine_codings_note(counts: Mapping[str, int], accept: str = "code that passage under your own name") -> str:
    """The warning for codings left out because tr_nlp's machine users made them; ``accept``
    says how a coder takes up a suggestion where they were read.

    >>> print(machine_codings_note({"tr_nlp model m 1": 3}))
    3 coding(s) by tr_nlp's own machine users left out (tr_nlp model m 1: 3): suggestions are not human coding; to accept one, code that passage under your own name
    """
    users = counted(counts)
    return (f"{sum(counts.values())} coding(s) by tr_nlp's own machine users left out ({users}): suggestions are "
            f"not human coding; to accept one, {accept}")


def read_codings(
    path: str | Path,
    interviews: Mapping[str, Interview] | None = None,
    codebook: Codebook | None = None,
    coder: str = TableMapping.default_coder,
) -> tuple[list[Coding], list[str]]:
    """Read and check a codings table.

    Parameters
    ----------
    path : str or Path
        The table.
    interviews : mapping of id to Interview, optional
        When given, spans are checked against the texts; rows naming an interview that
        is not here are dropped with a warning (its file may have failed to load).
    codebook : Codebook, optional
        When given, every code must be in it.
    coder : str
        The coder of every coding in a table without a ``coder`` column (one coder's
        own spreadsheet).

    Returns
    -------
    codings, warnings

    Notes
    -----
    Every sheet of an Excel workbook is read, each as a table of its own, and a sheet that
    is no codings table (notes, a codebook) is left out, with a warning. Sheets without a
    coder column are each their coder's, named by the sheet (``Anna``, ``Ben``), where two
    of them code a code in common; otherwise (a framework matrix's sheet per theme) they
    are one coder's.
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        sheets = load_sheets(path)
        if len(sheets) > 1:
            return _read_sheets(path, sheets, interviews, codebook, coder)
        frame, warnings = sheets[0][1], []
    else:
        frame, warnings = load_frame(path)
    codings, notes, _ = _read_table(frame, path, interviews, codebook, coder)
    return codings, warnings + notes


def _read_sheets(path: Path, sheets: list[tuple[str, pd.DataFrame]], interviews: Mapping[str, Interview] | None,
                 codebook: Codebook | None, coder: str) -> tuple[list[Coding], list[str]]:
    """The codings of a workbook's sheets (:func:`read_codings`)."""
    read: list[tuple[str, list[Coding], list[str], bool]] = []  # sheet, codings, notes, whether it names coders
    left_out: list[tuple[str, InputError]] = []
    for name, frame in sheets:
        try:
            read.append((name, *_read_table(frame, f"{path} (sheet '{name}')", interviews, codebook, coder)))
        except InputError as exc:
            if exc.code != "E130":
                raise
            left_out.append((name, exc))
    if not read:
        raise left_out[0][1]
    unnamed = [(name, {c.code for c in codings}) for name, codings, _, named in read if not named]
    by_sheet = any(a & b for i, (_, a) in enumerate(unnamed) for _, b in unnamed[i + 1:])
    warnings = [f"sheet '{name}' is no codings table (no '{exc.details['column']}' column) and was left out"
                for name, exc in left_out]
    found: list[Coding] = []
    for name, codings, notes, named in read:
        if by_sheet and not named:
            codings = [replace(c, coder=name) for c in codings]
            notes = [note for note in notes if note != no_coder_note(coder)]
        found += codings
        warnings += [f"sheet '{name}': {note}" for note in notes]
    if by_sheet:
        warnings.append(f"sheets {some([repr(name) for name, _ in unnamed])} have no coder column and code the "
                        "same codes: each is its coder's, named by the sheet")
    return found, warnings


def no_coder_note(coder: str) -> str:
    """The warning for a table without a coder column, all of whose codings are ``coder``'s."""
    return f"no 'coder' column; every coding is coder '{coder}'"


def _read_table(frame: pd.DataFrame, path: str | Path, interviews: Mapping[str, Interview] | None,
                codebook: Codebook | None, coder: str) -> tuple[list[Coding], list[str], bool]:
    """The codings of one table (one sheet of a workbook), warnings, and whether it has a
    coder column; ``path`` names it in errors."""
    frame, warnings = standard_columns(frame)
    named = "coder" in frame.columns
    if not named:  # a team with one coder need not name them
        frame["coder"] = coder
        warnings.append(no_coder_note(coder))
    frame = frame.reset_index(drop=True)  # row i is the file's row i + 2 (after the header), in errors too
    machine = frame["coder"].str.strip().map(is_machine_coder)
    if machine.any():
        warnings.append(machine_codings_note(frame.loc[machine, "coder"].str.strip().value_counts().to_dict()))
        frame = frame[~machine]
    frame, notes = _marked_codes(frame)
    warnings += notes
    if "code" not in frame.columns and "interview_id" in frame.columns and codebook is not None \
            and interviews is not None:
        others = [col for col in frame.columns if col not in (*CODING_COLUMNS, "text")]
        columns = code_columns(others, code_finder(codebook))
        if columns:
            frame, notes = _framework_quotes(frame, columns, interviews)
            warnings += notes
    quoted = "start" not in frame.columns and "end" not in frame.columns
    missing = [c for c in CODING_COLUMNS if c not in frame.columns and not (quoted and c in ("start", "end"))]
    if missing:
        raise InputError("E130", path, column=missing[0], available=", ".join(frame.columns), fix=_COLUMNS_FIX)
    frame = _one_code_per_row(frame)
    if interviews is not None:
        frame["interview_id"], renamed = known_ids(frame["interview_id"].str.strip(), interviews)
        if renamed:
            warnings.append(f"{len(renamed)} coding(s) name their interview another way (e.g. '{renamed[0]}': "
                            "its file name, ATLAS.ti's number, another case, or a number without its leading zeros); matched "
                            "to the interview of that name")
    if quoted:
        if "text" not in frame.columns or interviews is None:
            raise CodingsError("E155", path, **_no_quotes(frame.columns, "text" in frame.columns))
        frame["start"], frame["end"], notes = _locate_quotes(frame, interviews, path)
        warnings += notes
    codings: list[Coding] = []
    unknown: dict[str, int] = {}
    by_path: list[str] = []  # codes named by their place in the code tree
    find_code = code_finder(codebook) if codebook is not None else None
    respelled: list[str] = []  # codes in another case or spacing ("Beyond routine")
    not_in_book: dict[str, list[int]] = {}  # codes the codebook lacks, and the rows naming each
    has_text = "text" in frame.columns and not quoted  # located quotes match by construction
    finders = QuoteFinders()  # where a coding's text now stands, for offsets that drifted
    moved: list[int] = []  # rows of codings moved to where their text stands
    for row_no, row in zip(frame.index + 2, frame.to_dict("records")):  # header is row 1
        interview_id = row["interview_id"].strip()
        start, end = whole_offset(row["start"]), whole_offset(row["end"])
        if start is None or end is None:
            raise CodingsError("E150", path, row=row_no, start=row["start"], end=row["end"])
        code, coder = row["code"].strip(), row["coder"].strip()
        for column, value in (("interview_id", interview_id), ("code", code), ("coder", coder)):
            if not value:
                raise CodingsError("E156", path, row=row_no, column=column)
        if find_code is not None:
            found = find_code(code)
            if found is None:
                not_in_book.setdefault(code, []).append(row_no)
                continue
            if found != code:
                (by_path if code_leaf(code) != code else respelled).append(code)
                code = found
        if interviews is not None:
            interview = interviews.get(interview_id)
            if interview is None:
                unknown[interview_id] = unknown.get(interview_id, 0) + 1
                continue
            inside = 0 <= start < end <= len(interview.text)
            # a spreadsheet's autocorrect (curly quotes, dashes) or case is no sign of wrong offsets
            if has_text and row["text"] and (not inside or fold(row["text"])[0].strip() != fold(
                    interview.text[start:end])[0].strip()):
                # the transcript edited since it was coded
                place = _nearest(finders.of(interview).spans(row["text"]), start)
                if place is None and inside:
                    raise CodingsError("E152", path, row=row_no, interview_id=interview_id,
                                       start=start, end=end, found=interview.text[start:end][:40],
                                       expected=row["text"][:40])
                if place is not None:
                    (start, end), inside = place, True
                    moved.append(row_no)
            if not inside:
                raise CodingsError("E151", path, row=row_no, start=start, end=end,
                                   interview_id=interview_id, length=len(interview.text))
        codings.append(Coding(interview_id, start, end, code, coder))
    if not_in_book and codebook is not None:
        raise CodingsError("E153", path, **_codes_not_in_book(not_in_book, codebook))
    if moved:
        warnings.append(f"{len(moved)} coding(s) moved to where their 'text' now stands in the transcript (row(s) "
                        f"{', '.join(map(str, moved[:SHOWN]))}{' ...' if len(moved) > SHOWN else ''}): their offsets "
                        "pointed at other characters, as after the transcript was edited; the place nearest the "
                        "old one where the text is found is coded")
    if by_path:
        warnings.append(f"{len(by_path)} coding(s) name their code by its path in the code tree (e.g. "
                        f"'{by_path[0]}'); matched to the codebook's code of the last name in it")
    if respelled:
        warnings.append(f"{len(respelled)} coding(s) write their code's name another way (e.g. '{respelled[0]}'); "
                        "matched to the codebook's code of that name in other case, spacing or punctuation")
    if unknown:
        named = some([f"'{iid}' ({n})" for iid, n in sorted(unknown.items())], SHOWN)
        warnings.append(f"{sum(unknown.values())} coding(s) of {len(unknown)} interview(s) not in the corpus "
                        f"were skipped: {named}{_none_known(interviews) if not codings else ''}")
    return codings, warnings, named


#: Headers (:func:`~tr_nlp.ingest.table.header_key`) of other tools' places of a coding,
#: not read as character offsets: they count paragraphs, lines or positions of their own.
_OTHER_PLACES = {"start", "end", "begin", "beginning", "start_position", "end_position", "position"}


def codings_in_codebook(codings: Sequence[Coding], codebook: Codebook) -> tuple[list[Coding], list[str]]:
    """The codings the transcripts carry themselves (a REFI-QDA project's, those of a
    table's code columns) under a codebook given for them, and the warnings saying what changed.

    A code named another way (in another case or spacing, by an alias, by its path in a code
    tree) becomes the codebook's (:func:`~tr_nlp.codebook.code_finder`); the codings of a
    code the codebook lacks are left out. A codings table naming such a code is refused
    (E153), as it was made for the codebook; a project was coded with a code tree of its
    own, of which a team may train only some.

    >>> from tr_nlp.schema import Code
    >>> book = Codebook((Code("beyond_routine"),))
    >>> kept, notes = codings_in_codebook([Coding("i1", 0, 5, "Beyond routine", "Ann"),
    ...                                    Coding("i1", 0, 5, "question", "Ann")], book)
    >>> [c.code for c in kept]
    ['beyond_routine']
    >>> print(notes[1])
    1 coding(s) of 1 code(s) the codebook lacks are left out: 'question' (1, by Ann); add them to the codebook ...
    """
    find_code = code_finder(codebook)
    kept: list[Coding] = []
    respelled: dict[str, str] = {}
    lacking: dict[str, Counter[str]] = {}
    for coding in codings:
        found = find_code(coding.code)
        if found is None:
            lacking.setdefault(coding.code, Counter())[coding.coder] += 1
            continue
        if found != coding.code:
            respelled.setdefault(coding.code, found)
            coding = replace(coding, code=found)
        kept.append(coding)
    notes = []
    if respelled:
        pairs = [f"'{name}' as '{code}'" for name, code in respelled.items()]
        notes.append(f"{len(respelled)} code(s) of the transcripts' codings are named another way in the codebook, "
                     f"and are read as its codes: {some(pairs, SHOWN)}")
    if lacking:
        biggest = sorted(lacking.items(), key=lambda item: -item[1].total())
        named = [f"'{code}' ({by.total()}, by {', '.join(sorted(by))})" for code, by in biggest]
        notes.append(f"{sum(by.total() for by in lacking.values())} coding(s) of {len(lacking)} code(s) the codebook "
                     f"lacks are left out: {some(named, SHOWN)}; add them to the codebook (as codes, or aliases of "
                     "its codes) to learn and judge them")
    return kept, notes


def spelled_one_way(codings: Sequence[Coding], reviewed: Sequence[Reviewed] = (), codes: bool = False
                    ) -> tuple[list[Coding], list[Reviewed], list[str]]:
    """``codings`` and ``reviewed`` with each coder named one way (and, with ``codes``, each
    code), and a warning for each kind named several ways.

    A coder written in another case or spacing (``Anna`` and ``anna``, ``coder_a`` and
    ``Coder A``, in one table or in two) is one person, named as most of their codings
    name them. Taken for two, each would count as having read the other's interviews and
    coded nothing there, and their "disagreement" would lower the coders' agreement the
    machine's is judged by. So it is with a code (``codes``: where no codebook names them, as
    :func:`~tr_nlp.codebook.code_finder` does): ``Beyond routine`` in one coder's table and
    ``beyond_routine`` in another's would be two codes the coders never agree on. A coding
    kept under both names is kept once.

    >>> codings = [Coding("i1", 0, 5, "care", "Anna"), Coding("i2", 0, 5, "care", "Anna"),
    ...            Coding("i2", 0, 5, "Care", "anna "), Coding("i2", 6, 9, "care", "Ben")]
    >>> kept, _, notes = spelled_one_way(codings, codes=True)
    >>> [(c.interview_id, c.code, c.coder) for c in kept]
    [('i1', 'care', 'Anna'), ('i2', 'care', 'Anna'), ('i2', 'care', 'Ben')]
    >>> notes[0]
    "coders named in more than one way are read as one each: 'anna ' as 'Anna'"
    >>> notes[1]
    "codes named in more than one way are read as one each: 'Care' as 'care'"
    """
    coders = majority_spellings([c.coder for c in codings], [r.coder for r in reviewed if r.coder])
    named = majority_spellings([c.code for c in codings]) if codes else {}
    if not coders and not named:
        return list(codings), list(reviewed), []
    codings = list(dict.fromkeys(replace(c, coder=coders.get(c.coder, c.coder), code=named.get(c.code, c.code))
                                 for c in codings))
    reviewed = list(dict.fromkeys(replace(r, coder=coders[r.coder]) if r.coder in coders else r for r in reviewed))
    notes = [f"{kind} named in more than one way are read as one each: "
             f"{some([f'{name!r} as {one!r}' for name, one in found.items()], SHOWN)}"
             for kind, found in (("coders", coders), ("codes", named)) if found]
    return codings, reviewed, notes


def majority_spellings(names: Sequence[str], also: Sequence[str] = ()) -> dict[str, str]:
    """Each of ``names`` (and ``also``, counted as naming nothing) written another way than
    the most used of its spellings (:func:`~tr_nlp.codebook.code_key`: in another case or
    spacing), and that spelling: for coders, codes, and the values ``evaluate --by`` groups by.

    >>> majority_spellings(["Anna", "anna", "Anna", "Ben"], also=["ANNA"])
    {'anna': 'Anna', 'ANNA': 'Anna'}
    """
    spellings: dict[str, Counter[str]] = {}
    for name, weight in [*((n, 1) for n in names), *((n, 0) for n in also)]:
        spellings.setdefault(code_key(name), Counter())[name] += weight
    return {name: one for counts in spellings.values() if len(counts) > 1
            for one in [counts.most_common(1)[0][0]] for name in counts if name != one}


def _nearest(places: list[tuple[int, int]], start: int) -> tuple[int, int] | None:
    """Of a coding's text's ``places`` in its transcript, the one starting nearest ``start``
    (the first of two as near); None when there is none.

    >>> _nearest([(10, 20), (300, 310)], 180), _nearest([], 5) is None
    ((300, 310), True)
    """
    return min(places, key=lambda place: abs(place[0] - start), default=None)


def _no_quotes(columns: pd.Index, quoted: bool) -> dict[str, str]:
    """E155's values for a codings table without ``start`` and ``end`` that cannot be read by
    its quotes: it has none (``quoted`` False), or no transcripts were given to find them in.

    >>> _no_quotes(pd.Index(["interview_id", "Start", "End", "code"]), False)["fix"]  # doctest: +ELLIPSIS
    "its 'Start' and 'End' are not read as character offsets (...): rename them start and end if ..."
    """
    shown = {"columns": ", ".join(map(str, columns))}
    if quoted:
        return shown | {"problem": "but no transcripts were given to find the quotes in",
                        "fix": "read it with its interviews' transcripts"}
    places = [f"'{column}'" for column in columns if header_key(column) in _OTHER_PLACES]
    quotes = "add each coded quote in a 'text' column (a tool's Quote, Excerpt or Segment column is read as one)"
    if places:
        fix = (f"its {' and '.join(places)} {'is' if len(places) == 1 else 'are'} not read as character offsets "
               "(QDA tools count paragraphs, lines or positions of their own there): rename them start and end if "
               f"they count the characters of each transcript as tr_nlp reads it (as tr-nlp segment's are), or {quotes}")
    else:
        fix = f"{quotes}, or each coding's character offsets in the transcript in 'start' and 'end' columns"
    return shown | {"problem": "but the table has no 'text' column of quotes", "fix": fix}


def _none_known(interviews: Mapping[str, Interview] | None) -> str:
    """What a codings table none of whose interviews was read is told: the interviews that
    were, and how a transcript's is named.

    >>> _none_known({"demo01": None, "demo02": None})  # doctest: +ELLIPSIS
    "; it names none of the 2 interviews read ('demo01', 'demo02'): ... without its extension ..."
    """
    if not interviews:
        return ""
    return (f"; it names none of the {len(interviews)} interviews read ({some([repr(i) for i in interviews], 3)}): "
            "a transcript file's interview is named by the file's name without its extension (demo01.docx is "
            "'demo01'); name them so in its interview_id column, or check that these are the transcripts it codes")


def _codes_not_in_book(rows: Mapping[str, list[int]], codebook: Codebook) -> dict[str, str | int]:
    """E153's values for the codes a codings table names that the codebook lacks (each with
    the rows naming it, in order): the first, and the others with how many rows name each,
    each with the codebook's code most like it, so that one run names every code to mend.

    >>> from tr_nlp.schema import Code
    >>> book = Codebook((Code("beyond_routine"), Code("care")))
    >>> values = _codes_not_in_book({"going_beyond_routine": [3, 9], "made_up": [5]}, book)
    >>> values["row"], values["about"], values["others"]
    (3, " (and in row 9; did you mean 'beyond_routine'?)", "; nor is 'made_up' (row 5)")
    """

    def about(code: str, named_in: list[int], first: bool) -> str:
        more = some([str(row) for row in named_in[1:]], 3)
        where = [] if first else [f"row {named_in[0]}"]
        if len(named_in) > 1:
            where.append(f"and in row {more}" if len(named_in) == 2 else f"and in {len(named_in) - 1} more rows: {more}")
        near = nearest_code(codebook, code)
        parts = where + ([f"did you mean '{near}'?"] if near else [])
        return f" ({'; '.join(parts)})" if parts else ""

    (code, first), *rest = rows.items()
    others = [f"'{name}'{about(name, found, first=False)}" for name, found in rest]
    return {"row": first[0], "code": code, "about": about(code, first, first=True),
            "others": f"; nor {'is' if len(others) == 1 else 'are'} {some(others, 4)}" if others else "",
            "which": "each" if others else "it", "codes": some(list(codebook.names), 12)}


def _framework_quotes(frame: pd.DataFrame, columns: dict[str, str], interviews: Mapping[str, Interview],
                      ) -> tuple[pd.DataFrame, list[str]]:
    """A framework matrix (:mod:`~tr_nlp.ingest.framework`) as a table of quotes, each
    found in its interview; the passages not found there (the analyst's summaries) left
    out, with a note."""
    quotes = melted(frame, columns)
    finders = QuoteFinders()
    found, summaries = [], []
    for iid, quote in zip(known_ids(quotes["interview_id"].str.strip(), interviews)[0], quotes["text"], strict=True):
        interview = interviews.get(iid)
        kept = interview is None or finders.of(interview).find(quote) is not None  # an unknown interview is said later
        found.append(kept)
        if not kept:
            summaries.append(quote)
    notes = [f"read as a framework matrix: a column per code ({', '.join(columns)}), each cell's quotes (in "
             "quotation marks, else its lines) coded where they stand in its participant's interview"]
    if summaries:
        notes.append(f"{len(summaries)} passage(s) of its cells are not in the interview (the analyst's summaries?) "
                     f"and were left out, e.g. {summaries[0][:60]!r}")
    return quotes[found], notes


def known_ids(ids: pd.Series, interviews: Mapping[str, Interview]) -> tuple[pd.Series, list[str]]:
    """``ids`` with other names of known interviews made their ids, and the names changed.

    A team may leave a transcript's file suffix on its id in a codings table (``demo01.docx``),
    write it in another case (``P01`` for ``p01.docx``) or another Unicode form (a name
    copied from a file name on macOS, its accents decomposed), and ATLAS.ti names a document
    by its number too (``D 1: demo01``, ``P 3: demo03.rtf``). A spreadsheet reads an id of
    digits as a number, losing its leading zeros (``7`` or ``7.0`` for ``007``): such an id is
    the one interview numbered so.

    >>> interviews = {"demo01": None, "demo03": None}
    >>> fixed, renamed = known_ids(pd.Series(["demo01.docx", "D 1: demo01", "P3: Demo03.RTF", "x.csv"]), interviews)
    >>> fixed.tolist(), renamed
    (['demo01', 'demo01', 'demo03', 'x.csv'], ['demo01.docx', 'D 1: demo01', 'P3: Demo03.RTF'])
    >>> known_ids(pd.Series(["Zoe\u0308"]), {"Zo\u00eb": None})[0].tolist() == ["Zo\u00eb"]
    True
    >>> known_ids(pd.Series(["7", "12.0", "3"]), {"007": None, "012": None, "3b": None})[0].tolist()
    ['007', '012', '3']
    """
    folded: dict[str, str | None] = {}
    numbered: dict[int, str | None] = {}  # an id of digits by its number: 7 -> "007"
    for iid in interviews:  # an id two interviews share in other cases is matched in its own case only
        key = _folded(iid)
        folded[key] = iid if key not in folded else None
        number = whole_number(iid) if iid == iid.strip() else None
        if number is not None:
            numbered[number] = iid if number not in numbered else None

    def known(iid: str) -> str:
        if iid in interviews:
            return iid
        for name in dict.fromkeys((iid, _ATLAS_NUMBER.sub("", iid))):
            stem, suffix = name.rsplit(".", 1) if "." in name else (name, "")
            for found in (name, folded.get(_folded(name))):
                if found is not None and found in interviews:
                    return found
            if f".{suffix.lower()}" in TRANSCRIPT_SUFFIXES:
                for found in (stem, folded.get(_folded(stem))):
                    if found is not None and found in interviews:
                        return found
        number = whole_offset(iid) if iid.isascii() and _NUMBER.fullmatch(iid) else None
        found = numbered.get(number) if number is not None else None
        return found if found is not None else iid

    fixed = ids.map(known)
    return fixed, ids[fixed != ids].tolist()


#: an id a spreadsheet read as a number: ``7``, ``7.0``
_NUMBER = re.compile(r"\d+(?:\.0+)?")


def _folded(name: str) -> str:
    """An interview's name as :func:`known_ids` compares names: composed, any case."""
    return composed(name).casefold()


def whole_offset(value: str) -> int | None:
    """``"12"`` or ``"12.0"`` (a spreadsheet's float column) -> 12; anything else -> None."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _locate_quotes(
    frame: pd.DataFrame, interviews: Mapping[str, Interview], path: str | Path
) -> tuple[list[str], list[str], list[str]]:
    """Offsets of each row's quote in its interview, and notes on the quotes found more
    than once: placed by the line or time their row cites (a ``line`` or ``time`` column,
    or one of :data:`LINE_COLUMNS` or :data:`TIME_COLUMNS`: :func:`~tr_nlp.ingest.quotes.cited_place`), or at
    their first place.

    Rows of interviews not in the corpus get placeholder offsets; they are skipped, and
    counted in a warning, with the other rows of such interviews.
    """
    columns = {name: name if name in frame.columns else find_column(frame.columns, name, others)
               for name, others in (("line", LINE_COLUMNS), ("time", TIME_COLUMNS))}
    cells = {name: frame[column].tolist() if column is not None else [""] * len(frame)
             for name, column in columns.items()}
    finders = QuoteFinders()
    starts, ends = [], []
    first: list[int] = []  # rows of quotes found more than once, coded at their first place
    cited = 0
    unknown: Counter[str] = Counter()  # quotes citing a line or time their transcript does not give
    elsewhere: list[tuple[int, str, list[str]]] = []  # (row, line cited, lines of the places) where none fits
    missing: list[tuple[int, str, str]] = []  # (row, quote, interview): all of them in one error
    by_words: list[int] = []  # rows of quotes found only by their words (a comma dropped in the copy)
    for row_no, iid, quote, line, time in zip(frame.index + 2, frame["interview_id"].str.strip(), frame["text"],
                                              cells["line"], cells["time"], strict=True):
        interview = interviews.get(iid)
        if interview is None:  # reported with the other rows of unknown interviews
            starts.append("0")
            ends.append("1")
            continue
        finder = finders.of(interview)
        spans = finder.spans(quote)
        if not spans:
            missing.append((row_no, quote, iid))
            spans = [(0, 1)]
        elif finder.by_words_only(quote):
            by_words.append(row_no)
        at: int | None = 0
        if len(spans) > 1:
            at = cited_place(interview, spans, line, time)
            if at is not None:
                cited += 1
            else:
                lines = [interview.lines_of(*span) for span in spans]
                wanted = cited_lines(line)
                if wanted and lines[0][0] is None:
                    unknown["line"] += 1
                elif wanted:
                    elsewhere.append((row_no, line.strip(), list(dict.fromkeys(line_range(*span) for span in lines))))
                unknown["time"] += cited_time(time) is not None and interview.time_at(spans[0][0]) is None
                first.append(row_no)
                at = 0
        starts.append(str(spans[at][0]))
        ends.append(str(spans[at][1]))
    if missing:
        (row_no, quote, iid), rest = missing[0], [row for row, _, _ in missing[1:]]
        more = (f"; nor are the quotes of {len(rest)} more row(s): {', '.join(map(str, rest[:SHOWN]))}"
                f"{' ...' if len(rest) > SHOWN else ''}") if rest else ""
        raise CodingsError("E154", path, row=row_no, quote=quote[:60], interview_id=iid, more=more)
    notes = []
    if by_words:
        notes.append(f"{len(by_words)} quote(s) found by their words alone, their punctuation (or an 'um', a "
                     f"'[laughs]', an editor's [words]) not as in the transcript (row(s) "
                     f"{', '.join(map(str, by_words[:SHOWN]))}"
                     f"{' ...' if len(by_words) > SHOWN else ''})")
    if cited:
        which = " or ".join(name for name, column in columns.items() if column is not None)
        notes.append(f"{cited} quote(s) occur more than once in their interview; each is coded at the place "
                     f"the {which} beside it cites")
    if first:
        fixes = [] if any(columns.values()) else [
            ("a 'line' column citing the line each quote stands on (as the transcript numbers them), or a 'time' "
             "column giving when it is said in the recording, chooses the place")]
        if elsewhere:
            row_no, line, places = elsewhere[0]
            fixes.append(f"{len(elsewhere)} of them cite a line none of their places is on (row {row_no}: '{line}', "
                         f"found on {some(places, SHOWN)}): does the table number lines as the transcript does?")
        if unknown["line"]:
            fixes.append(f"{unknown['line']} of them cite a line, but their transcript numbers none (a text file's "
                         "lines are numbered, and a printout's numbers before its lines)")
        if unknown["time"]:
            fixes.append(f"{unknown['time']} of them give a time, but their transcript gives none there")
        notes.append(f"{len(first)} quote(s) occur more than once in their interview; the first place is coded"
                     + "".join(f"; {fix}" for fix in fixes))
    return starts, ends, notes


def codings_frame_with_text(codings: list[Coding], interviews: Mapping[str, Interview]) -> pd.DataFrame:
    """The codings table with the lines each coded passage runs over (``line``, ``line_end``,
    where its transcript numbers lines: :meth:`~tr_nlp.schema.Interview.lines_of`) and its
    ``text``, for writing an auditable file a reader can check against the transcript."""
    frame = codings_to_frame(codings)
    lines = [interviews[c.interview_id].lines_of(c.start, c.end) for c in codings]
    frame["line"] = pd.array([first for first, _ in lines], dtype="Int64")
    frame["line_end"] = pd.array([last for _, last in lines], dtype="Int64")
    frame["text"] = [interviews[c.interview_id].text[c.start : c.end] for c in codings]
    return frame
