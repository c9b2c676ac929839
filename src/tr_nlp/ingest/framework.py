"""A framework matrix read as codings: a row per participant, a column per theme.

Framework Analysis (Ritchie and Spencer), common in applied health research, charts coded
data into a matrix instead of coding in QDA software: each cell holds what one
participant said on one theme, as quotes and the analyst's summary. Read with a
codebook, a table without a code column whose columns name codes is such a matrix. Each
cell codes its participant's interview with its column's code, at the quotes it holds:
the passages in quotation marks (double, or single as British style has them), or, in a
cell with none, each of its lines; a reference such as ``(l. 45)`` or ``[p3, 12-15]`` after
a quote is kept as its ``line``, which says where a quote found more than once stands
(:func:`~tr_nlp.ingest.quotes.cited_lines`). A column named with a number first
(``1.2 Beyond routine``) is that code too. Summaries in the analyst's own words
are not in the interview; :func:`~tr_nlp.ingest.codings.read_codings` leaves them out,
with a warning.

Examples
--------
>>> from tr_nlp.codebook import code_finder
>>> from tr_nlp.schema import Code, Codebook
>>> find_code = code_finder(Codebook((Code("beyond_routine"), Code("trust"))))
>>> frame = pd.DataFrame({"interview_id": ["p01"], "coder": ["human"], "Age": ["34"],
...                       "1. Beyond routine": ['Came on her day off. "she rang me on her day off" (l. 45)']})
>>> melted(frame, code_columns(frame.columns, find_code)).to_dict("records")
[{'interview_id': 'p01', 'coder': 'human', 'code': 'beyond_routine', 'text': 'she rang me on her day off', 'line': 'l. 45'}]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd

#: a theme's number before its name: ``1.2 Beyond routine``, ``3) Trust``
_NUMBERED = re.compile(r"^\s*\d+(?:\.\d+)*[.):]?\s+")
#: a passage in quotation marks: double, straight, curly or low-high; or single (British
#: style), where an apostrophe inside a word (``didn't``) neither opens nor closes one
_QUOTED = re.compile(r"[\"\u201c\u201e]([^\"\u201c\u201d\u201e]+)[\"\u201d\u201c]"
                     r"|(?<!\w)['\u2018](.+?)['\u2019](?!\w)")
#: a reference to where a quote stands, after it: ``(l. 45)``, ``[p3, 12-15]``, ``(45-47)``
_BRACKETED = r"[(\[]([^()\[\]]{0,24}\d[^()\[\]]{0,24})[)\]]"
_REFERENCE = re.compile(r"\s*" + _BRACKETED)
#: such a reference ending a passage (searched without white space before it: a search tried
#: from each space of a long run of them would read the run again each time)
_LAST_REFERENCE = re.compile(_BRACKETED + "$")
#: the fewest words a quote has (shorter quoted words are a summary's scare quotes)
MIN_WORDS = 3


def code_columns(columns: Iterable[object], find_code: Callable[[str], str | None]) -> dict[str, str]:
    """The columns that name a code (by ``find_code``, a theme's number before it or not):
    column -> code.

    >>> from tr_nlp.codebook import code_finder
    >>> from tr_nlp.schema import Code, Codebook
    >>> code_columns(["Participant", "2.1 Trust", "Age"], code_finder(Codebook((Code("trust"),))))
    {'2.1 Trust': 'trust'}
    """
    found = {}
    for column in map(str, columns):
        code = find_code(column.strip()) or find_code(_NUMBERED.sub("", column).strip())
        if code is not None:
            found[column] = code
    return found


def cell_quotes(cell: str) -> list[tuple[str, str]]:
    """The quotes of a cell, each with the reference after it (empty where there is none):
    its passages in quotation marks, or its lines when it has none, each of at least
    :data:`MIN_WORDS` words.

    >>> cell_quotes('Felt judged by the GP: \u201che never looked at me like I was my diagnosis\u201d (l. 45), "nice"')
    [('he never looked at me like I was my diagnosis', 'l. 45')]
    >>> cell_quotes("she came on her day off (12-14)\\n\\nshe rang back after\\nok")
    [('she came on her day off', '12-14'), ('she rang back after', '')]
    >>> cell_quotes("Didn't feel judged: \u2018she didn\u2019t treat me like a case\u2019, 'I wasn't just a file' (p. 3)")
    [('she didn\u2019t treat me like a case', ''), ("I wasn't just a file", 'p. 3')]
    """
    quotes = []
    for found in _QUOTED.finditer(cell):
        quote, where = _referenced(found[1] or found[2])
        after = _REFERENCE.match(cell, found.end())
        quotes.append((quote, where or (after[1].strip() if after else "")))
    if not quotes:
        quotes = [_referenced(line) for line in cell.splitlines()]
    return [(quote.strip(), where) for quote, where in quotes if len(quote.split()) >= MIN_WORDS]


def _referenced(passage: str) -> tuple[str, str]:
    """A passage without the reference at its end, and the reference (empty for none)."""
    passage = passage.rstrip()
    found = _LAST_REFERENCE.search(passage)
    return (passage[: found.start()], found[1].strip()) if found else (passage, "")


def melted(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """One row per quote of each code column's cells (:func:`cell_quotes`): the
    ``interview_id`` and ``coder`` of its row, the column's ``code``, the quote as ``text``
    and the reference after it as ``line``."""
    rows = [(row["interview_id"], row["coder"], code, quote, where)
            for row in frame.to_dict("records") for column, code in columns.items()
            for quote, where in cell_quotes(str(row[column] or ""))]
    return pd.DataFrame(rows, columns=["interview_id", "coder", "code", "text", "line"], dtype=str)
