"""CSV files a spreadsheet opens as they are: accents intact, no cell run as a formula.

A CSV file that tr_nlp writes starts with the UTF-8 byte-order mark, as Excel's own
"CSV UTF-8" does: without it Excel reads the file as the local code page and shows
``å`` as ``Ã¥``. pandas and tr_nlp skip the mark; Python's ``csv`` module needs
``encoding="utf-8-sig"``. CSV written to stdout (a pipe) has none.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-``
or ``@`` (or a tab or carriage return) as a formula. A transcript can hold such text
(a conversation-analysis latch ``=``, a turn that starts ``- yeah``, or a planted
``=HYPERLINK(...)`` that would send a participant's words to a web address), and a
spreadsheet would show it as ``#NAME?``, lose it on saving, or run it. Every CSV that
tr_nlp writes therefore starts such a text cell with an apostrophe, as OWASP advises
against CSV injection; so that the change can be undone exactly, a text cell that
already starts with an apostrophe followed by one of those characters (or by a second
apostrophe) gets one more. tr_nlp undoes it when it reads a CSV (or a CSV saved as an
``.xlsx``) back: a run's tables, codings, utterance tables; so a round trip keeps every
character. Parquet and JSONL outputs hold the text as it is.

Examples
--------
>>> guard_cell("=SUM(A1:A9)"), guard_cell("- yeah"), guard_cell("'cause I was")
("'=SUM(A1:A9)", "'- yeah", "'cause I was")
>>> all(unguard_cell(guard_cell(t)) == t for t in ["=x", "'=x", "''", "'", "'cause", "", "-3"])
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = (*FORMULA_STARTS, "'")  # what may follow the apostrophe tr_nlp adds


def guard_cell(text: str) -> str:
    """``text`` with an apostrophe before it if a spreadsheet would read it as a formula
    (or if it already starts with an apostrophe that :func:`unguard_cell` would remove)."""
    if text.startswith(FORMULA_STARTS) or (text.startswith("'") and text[1:].startswith(_GUARDED)):
        return "'" + text
    return text


def unguard_cell(text: str) -> str:
    """The text :func:`guard_cell` was given; other text is returned as it is."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_GUARDED) else text


def _map_text(frame: pd.DataFrame, function: Any) -> pd.DataFrame:
    """``frame`` with ``function`` applied to the string cells of its text columns (a copy
    when any column changes; numbers, missing values and other types stay as they are)."""
    text = [j for j, dtype in enumerate(frame.dtypes) if dtype == object or pd.api.types.is_string_dtype(dtype)]
    if not text:
        return frame
    values = frame.iloc[:, text].to_numpy(dtype=object)  # one array: looking at each column on its own costs more
    changed = [j for k, j in enumerate(text) if any(isinstance(v, str) and function(v) != v for v in values[:, k])]
    if not changed:
        return frame
    frame = frame.copy()
    for j in changed:  # by position: two columns may share a name
        frame.isetitem(j, frame.iloc[:, j].map(lambda v: function(v) if isinstance(v, str) else v))
    return frame


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through :func:`guard_cell`, ready for a CSV."""
    return _map_text(frame, guard_cell)


def unguard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` read from a CSV with every text cell passed through :func:`unguard_cell`."""
    return _map_text(frame, unguard_cell)


def write_csv(frame: pd.DataFrame, target: Any, append: bool = False, **options: Any) -> None:
    """``frame.to_csv(target, index=False, **options)`` with text cells guarded.

    A file ``target`` starts with the UTF-8 byte-order mark; ``append`` adds rows (no
    header, no mark) to a file written so. A stream such as stdout gets no mark.
    """
    if isinstance(target, (str, Path)):
        options.setdefault("encoding", "utf-8" if append else "utf-8-sig")
        options.setdefault("mode", "a" if append else "w")
        options.setdefault("header", not append)
    guard_frame(frame).to_csv(target, index=False, **options)
