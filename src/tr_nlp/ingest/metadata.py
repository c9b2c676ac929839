"""A table of the interviews' metadata: a row per interview, a column per key.

Teams keep a sheet of their participants (site, group, age band, interview date) beside the
transcripts, which in Word or subtitles have no front matter to hold them. Such a table,
named by ``corpus.yaml``'s ``metadata:`` (or ``tr-nlp evaluate --metadata``), gives each
interview its row's values as metadata, for ``evaluate --by KEY`` and for the case
variables of an exported project. Its interview column is ``interview_id`` or another name
a codings table's may have (``Participant``, ``Document``, ``Case``... or ``ID``); a row
names its interview as a codings table may (its file name, another case, a number without
its leading zeros: :func:`~tr_nlp.ingest.codings.known_ids`). An empty cell gives no value;
a value the table gives where the interview's own metadata has another is the table's,
with a warning.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "participants.csv"
>>> _ = path.write_text("Participant,Site,Group\\ndemo01.txt,north,service user\\np9,south,\\n", encoding="utf-8")
>>> values, warnings = read_metadata(path, {"demo01": Interview("demo01", "I: Hi\\nP: Hello")})
>>> values, warnings
({'demo01': {'Site': 'north', 'Group': 'service user'}}, ["1 row(s) name no interview of the corpus: 'p9'"])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from tr_nlp.errors import InputError, some
from tr_nlp.ingest.codings import STAND_INS, known_ids, majority_spellings
from tr_nlp.ingest.table import find_column, load_frame
from tr_nlp.schema import Interview

#: Other names of a metadata table's interview column, besides a codings table's.
ID_COLUMNS = (*STAND_INS["interview_id"], "id", "name", "interview_no", "participant_no")


def read_metadata(path: str | Path, interviews: Mapping[str, Interview],
                  some_read: bool = False) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Each known interview's values in the table at ``path`` (CSV, TSV, Excel...), by key,
    and warnings (rows naming no interview of ``interviews``, unless only ``some_read`` of
    the interviews the table describes were meant to be read; ids given twice).

    Raises
    ------
    InputError
        E130 naming the file when it has no interview column, or no other column.
    """
    frame, warnings = load_frame(path)
    column = "interview_id" if "interview_id" in frame.columns else find_column(frame.columns, "interview_id",
                                                                                 ID_COLUMNS)
    keys = [str(c) for c in frame.columns if c != column and str(c).strip()]
    if column is None:
        raise InputError("E130", path, column="interview_id", available=", ".join(map(str, frame.columns)),
                         fix="A metadata table has a column naming each interview (interview_id, Participant, "
                             "Document...) and a column per key (Site, Group...)")
    if not keys:
        raise InputError("E131", path, detail=f"it has no column besides '{column}'; expected a column per key of "
                                              "the interviews' metadata (Site, Group...)")
    ids, _ = known_ids(frame[column].str.strip(), interviews)
    values: dict[str, dict[str, str]] = {}
    unknown, twice = [], []
    for interview_id, row in zip(ids, frame[keys].to_dict("records")):
        if interview_id not in interviews:
            unknown.append(interview_id)
        elif (kept := interviews[interview_id].id) in values:  # (another name of a corrected copy: its kept id)
            twice.append(kept)
        else:
            values[kept] = {key: value.strip() for key, value in row.items() if value.strip()}
    if unknown and not some_read:
        warnings.append(f"{len(unknown)} row(s) name no interview of the corpus: {some([repr(u) for u in unknown])}")
    if twice:
        warnings.append(f"{len(twice)} interview(s) have more than one row; the first is read: {some(twice)}")
    return values, warnings


def with_metadata(interviews: Sequence[Interview],
                  values: Mapping[str, Mapping[str, str]]) -> tuple[list[Interview], list[str]]:
    """``interviews`` with the table's ``values`` in their metadata, and a warning where
    the table overrides values the interviews gave otherwise."""
    out, overridden = [], []
    for interview in interviews:
        given = values.get(interview.id)
        if not given:
            out.append(interview)
            continue
        # a key in another case is the same key (Site, site), as evaluate --by reads it
        own = {key.casefold(): (key, value) for key, value in interview.metadata.items()}
        overridden += [f"{interview.id}: {key}" for key, value in given.items()
                       if key.casefold() in own and str(own[key.casefold()][1]) != value]
        kept = {key: value for key, value in interview.metadata.items()
                if key.casefold() not in {given_key.casefold() for given_key in given}}
        out.append(replace(interview, metadata={**kept, **given}))
    notes = [f"{len(overridden)} value(s) the interviews gave otherwise are the table's: {some(overridden)}"] \
        if overridden else []
    return out, notes


def values_by_key(metadata: Mapping[str, Mapping[str, object]]
                  ) -> dict[str, tuple[str, dict[str, str], dict[str, str]]]:
    """Each key of the interviews' ``metadata`` (interview id -> its metadata), a key in any
    case as one (under its first spelling), with each interview's value as text: what
    ``evaluate --by`` groups by. Empty values, lists and mappings are no value. A value
    written in another case or spacing (``North`` beside two ``north``) is the one most
    interviews write (:func:`~tr_nlp.ingest.codings.majority_spellings`), so that one site is one
    subgroup; the third item of each key says which were read so.

    >>> values_by_key({"a": {"Site": "north", "tags": ["x"]}, "b": {"site": "south ", "n": 3}})
    {'site': ('Site', {'a': 'north', 'b': 'south'}, {}), 'n': ('n', {'b': '3'}, {})}
    >>> values_by_key({"a": {"site": "north"}, "b": {"site": "North"}, "c": {"site": "north"}})["site"]
    ('site', {'a': 'north', 'b': 'north', 'c': 'north'}, {'North': 'north'})
    """
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for interview_id, fields in metadata.items():
        for key, value in single_values(fields).items():
            if text := value.strip():
                found.setdefault(key.casefold(), (key, {}))[1].setdefault(interview_id, text)
    out = {}
    for folded, (name, values) in found.items():
        respelled = majority_spellings(list(values.values()))
        out[folded] = (name, {iid: respelled.get(value, value) for iid, value in values.items()}, respelled)
    return out


def single_values(fields: Mapping[str, object]) -> dict[str, str]:
    """An interview's metadata values that are single values, as text: not None, lists or
    mappings (``speakers``, a subtitle file's ``times``).

    >>> single_values({"site": "north", "age": 34, "speakers": {"Jo": "participant"}, "note": None})
    {'site': 'north', 'age': '34'}
    """
    return {key: str(value) for key, value in fields.items()
            if value is not None and not isinstance(value, (list, tuple, dict))}
