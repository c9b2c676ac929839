"""Human codings tables: ``interview_id, start, end, code, coder`` (CSV, JSONL or Parquet).

An optional ``text`` column holds what the coder saw; when present it is checked against
the interview text at the offsets, so a table whose offsets drifted is caught at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from tr_nlp.errors import CodingsError, InputError
from tr_nlp.ingest.table import load_frame
from tr_nlp.schema import CODING_COLUMNS, Codebook, Coding, Interview, codings_to_frame

#: How many skipped interviews a warning names.
SHOWN = 5


def read_codings(
    path: str | Path,
    interviews: Mapping[str, Interview] | None = None,
    codebook: Codebook | None = None,
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

    Returns
    -------
    codings, warnings
    """
    path = Path(path)
    frame, warnings = load_frame(path)
    missing = [c for c in CODING_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("E130", path, column=missing[0],
                         available=", ".join(frame.columns), option="a codings table with "
                         + ", ".join(CODING_COLUMNS))
    codings: list[Coding] = []
    unknown: dict[str, int] = {}
    has_text = "text" in frame.columns
    for row_no, row in enumerate(frame.to_dict("records"), start=2):  # header is row 1
        interview_id = row["interview_id"].strip()
        try:
            start, end = int(row["start"]), int(row["end"])
        except ValueError:
            raise CodingsError("E150", path, row=row_no, start=row["start"], end=row["end"]) from None
        code, coder = row["code"].strip(), row["coder"].strip()
        if codebook is not None and code not in codebook:
            raise CodingsError("E153", path, row=row_no, code=code)
        if interviews is not None:
            interview = interviews.get(interview_id)
            if interview is None:
                unknown[interview_id] = unknown.get(interview_id, 0) + 1
                continue
            if not 0 <= start < end <= len(interview.text):
                raise CodingsError("E151", path, row=row_no, start=start, end=end,
                                   interview_id=interview_id, length=len(interview.text))
            if has_text and row["text"] and " ".join(row["text"].split()) != " ".join(
                interview.text[start:end].split()
            ):
                raise CodingsError("E152", path, row=row_no, interview_id=interview_id,
                                   start=start, end=end, found=interview.text[start:end][:40],
                                   expected=row["text"][:40])
        codings.append(Coding(interview_id, start, end, code, coder))
    if unknown:
        named = ", ".join(f"'{iid}' ({n})" for iid, n in sorted(unknown.items())[:SHOWN])
        more = f" and {len(unknown) - SHOWN} more" if len(unknown) > SHOWN else ""
        warnings.append(f"{sum(unknown.values())} coding(s) of {len(unknown)} interview(s) not in the corpus "
                        f"were skipped: {named}{more}")
    return codings, warnings


def codings_frame_with_text(codings: list[Coding], interviews: Mapping[str, Interview]) -> pd.DataFrame:
    """The codings table with a ``text`` column, for writing an auditable file."""
    frame = codings_to_frame(codings)
    frame["text"] = [
        interviews[c.interview_id].text[c.start : c.end] for c in codings
    ]
    return frame
