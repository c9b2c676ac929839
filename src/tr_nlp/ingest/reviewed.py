"""Reviewed-passages tables: which passages of partly coded interviews coders read.

A team that codes whole interviews needs none: every passage of a coded interview was
read, so one without a code is a passage the code does not fit. A team that codes the
passages ``tr-nlp next`` proposed reads a few passages of many interviews; the rest of
those interviews was never read, and must not teach a model that no code fits it. The
list ``tr-nlp next -o FILE`` wrote is such a table (``interview_id, start, end``, any
other columns ignored); pass it back with ``--reviewed FILE`` once its passages are coded.
An optional ``coder`` column says who read each passage (default: every coder). In a
REFI-QDA project the passages read are marked instead (``tr-nlp next -o FILE.qdpx``; see
:mod:`tr_nlp.refi.vocab`), and read with the project.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tr_nlp.errors import CodingsError, InputError
from tr_nlp.ingest.codings import known_ids, whole_offset
from tr_nlp.ingest.table import load_frame
from tr_nlp.schema import Interview, Reviewed

REVIEWED_COLUMNS = ("interview_id", "start", "end")


def read_reviewed(path: str | Path, interviews: Mapping[str, Interview]) -> tuple[list[Reviewed], list[str]]:
    """Read and check a table of reviewed passages.

    Parameters
    ----------
    path : str or Path
        A CSV, TSV, JSONL, Parquet or Excel table with ``interview_id, start, end`` and
        optionally ``coder``.
    interviews : mapping of id to Interview
        The corpus: spans are checked against the texts; rows naming an interview that is
        not here are dropped with a warning.

    Returns
    -------
    reviewed, warnings

    Raises
    ------
    InputError
        E130 for a missing column; E157 for a row whose offsets are not whole numbers or
        lie outside its interview's text, or that names no interview.
    """
    path = Path(path)
    frame, warnings = load_frame(path)
    missing = [c for c in REVIEWED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("E130", path, column=missing[0], available=", ".join(frame.columns),
                         fix="A reviewed table has the columns " + ", ".join(REVIEWED_COLUMNS) + " (and coder)")
    frame = frame.reset_index(drop=True).astype({c: str for c in REVIEWED_COLUMNS})
    frame["interview_id"], _ = known_ids(frame["interview_id"].str.strip(), interviews)
    has_coder = "coder" in frame.columns
    reviewed: list[Reviewed] = []
    unknown: set[str] = set()
    for row_no, row in zip(frame.index + 2, frame.to_dict("records")):  # header is row 1
        interview_id = row["interview_id"]
        start, end = whole_offset(row["start"]), whole_offset(row["end"])
        if not interview_id:
            raise CodingsError("E157", path, row=row_no, detail="no interview_id")
        if start is None or end is None:
            raise CodingsError("E157", path, row=row_no,
                               detail=f"start and end must be whole numbers, found {row['start']!r} and {row['end']!r}")
        interview = interviews.get(interview_id)
        if interview is None:
            unknown.add(interview_id)
            continue
        if start >= end:
            raise CodingsError("E157", path, row=row_no, detail=f"span {start}-{end} holds no characters (end must be after start)")
        if start < 0 or end > len(interview.text):
            raise CodingsError("E157", path, row=row_no,
                               detail=f"span {start}-{end} lies outside interview '{interview_id}' "
                                      f"({len(interview.text)} characters)")
        coder = str(row["coder"]).strip() if has_coder and not pd.isna(row["coder"]) else ""
        reviewed.append(Reviewed(interview_id, start, end, coder or None))
    if unknown:
        warnings.append(f"reviewed passages of {len(unknown)} interview(s) not in the corpus were skipped: "
                        + ", ".join(f"'{iid}'" for iid in sorted(unknown)[:5]))
    return reviewed, warnings
