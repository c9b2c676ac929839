"""Transcript tables in word-processor documents (.docx, .odt): rows of cells to lines.

Transcription services deliver a transcript as a table: speaker | text, or with a time
and a line-number column (time | speaker | text, speaker | time | text, # | speaker |
text), often under a header row (``Time | Speaker | Text | Notes``). :func:`table_lines`
turns its rows into the ``Speaker: text`` lines (``[time] Speaker: text`` with a time)
that :func:`tr_nlp.ingest.text.text_with_labels` reads, each with the speaker label it
forces (or None) and its line number (or None), whichever document the table came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from tr_nlp.ingest.speakers import TIME_CELL, is_known_label

#: words a table's header row names a column of codes with (coding in a Word table)
CODE_HEADERS = {"codes", "code", "coding", "codings", "theme", "themes", "category", "categories", "node", "nodes"}
#: words a table's header row names a column that is not speech with
NOTE_HEADERS = {"notes", "note", "comments", "comment", "memo", "memos", "remarks", *CODE_HEADERS}
HEADER_CELLS = {"speaker", "name", "who", "person", "role", "time", "timecode", "time code", "timestamp",
                "start", "start time", "in", "#", "no", "line", "text", "transcript", "transcription",
                "utterance", "speech", "dialogue", "content", "said", *NOTE_HEADERS}
_TIME_CELL = re.compile(TIME_CELL)
_NUMBER_CELL = re.compile(r"\d{1,5}\.?")


def table_lines(rows: Sequence[Sequence[str]]) -> Iterator[tuple[str, str | None, int | None]]:
    """A table's rows (cell texts, a merged cell once) as ``Speaker: text`` lines, each
    with the speaker label it forces or None, and the row's line number or None.

    The speaker is the first cell left once time marks (``00:01:02``, ``[0:03]``, a span
    ``00:00:03 - 00:00:07``) and line numbers (a first column of numbers none of which
    recurs, beside two or more others: the row's line number) are set aside; a row's time mark leads its line
    (``[00:01:02] Speaker: text``) and becomes the turn's time. The first cell is a speaker
    label in a transcript table (one where a label recurs) and wherever it is a known label
    (``Interviewer``), so a table of details (``Date``, ``Location``) above a transcript
    gives no speakers. A header row (``Time | Speaker | Text``) is not speech, and a column
    it names as notes or codes (``Notes``, ``Comments``, ``Codes``, ``Themes``) is left out
    (:func:`table_codes` reads the codes).

    >>> rows = [["Time", "Speaker", "Text", "Notes"], ["00:00:03", "I", "Who helped?", "opening"],
    ...         ["00:00:12", "P07", "Karen did.", ""], ["00:01:02", "I", "Mm.", ""]]
    >>> for line in table_lines(rows):
    ...     print(line)
    ('[00:00:03] I: Who helped?', 'I', None)
    ('[00:00:12] P07: Karen did.', 'P07', None)
    ('[00:01:02] I: Mm.', 'I', None)
    >>> list(table_lines([["#", "Speaker", "Text"], ["12", "I", "Who?"], ["13.", "P", "Jo."]]))
    [('I: Who?', 'I', 12), ('P: Jo.', 'P', 13)]
    """
    rows = [list(cells) for cells in rows]
    dropped: set[int] = set()
    if rows and _is_header(rows[0]):
        dropped = {j for j, cell in enumerate(rows[0]) if _header_word(cell) in NOTE_HEADERS}
        rows = rows[1:]
    rows = [[cell for j, cell in enumerate(cells) if j not in dropped] for cells in rows]
    # a first column of numbers is line numbers when no number recurs; else it names speakers (1, 2)
    firsts = [cells[0].strip() for cells in rows if len(cells) >= 3]
    numbered = bool(firsts) and all(_NUMBER_CELL.fullmatch(f) for f in firsts) and len(set(firsts)) == len(firsts)
    parts = [_row_parts(cells, numbered) for cells in rows]
    transcript = any(n >= 2 for n in Counter(cells[0] for _, cells in parts if len(cells) >= 2).values())
    for row, (stamp, cells) in zip(rows, parts):
        number = int(row[0].strip().rstrip(".")) if numbered and len(row) >= 3 else None
        if len(cells) < 2:
            yield (cells[0] if cells else ""), None, number
        elif cells[0] and len(cells[0]) <= 40:
            speaker = transcript or is_known_label(cells[0])
            mark = f"[{stamp}] " if stamp and speaker else ""
            yield f"{mark}{cells[0]}: {' '.join(cells[1:])}", cells[0] if speaker else None, number
        else:
            yield " ".join(cells), None, number


def table_codes(rows: Sequence[Sequence[str]]) -> dict[int, str]:
    """A transcript table's codes column: for each row with codes, the index of its line
    among :func:`table_lines`' lines, and its codes cell (several columns' joined by line
    breaks). Only a table whose header row names a column as codes (:data:`CODE_HEADERS`)
    has one.

    >>> table_codes([["Speaker", "Text", "Themes"], ["I", "Who helped?", ""], ["P", "Jo.", "trust, warmth"]])
    {1: 'trust, warmth'}
    >>> table_codes([["I", "Who helped?", "trust"]])
    {}
    """
    if not rows or not _is_header(list(rows[0])):
        return {}
    columns = [j for j, cell in enumerate(rows[0]) if _header_word(cell) in CODE_HEADERS]
    found = {}
    for i, cells in enumerate(rows[1:]):
        codes = "\n".join(cells[j].strip() for j in columns if j < len(cells) and cells[j].strip())
        if codes:
            found[i] = codes
    return found


def _header_word(cell: str) -> str:
    return cell.strip().rstrip(":.").casefold()


def _is_header(cells: list[str]) -> bool:
    """Whether a table's first row names its columns (``Speaker | Text``, ``Time | Name | Transcript``)."""
    words = [_header_word(cell) for cell in cells if cell.strip()]
    return len(cells) >= 2 and bool(words) and all(w in HEADER_CELLS for w in words) and (
        _header_word(cells[0]) in HEADER_CELLS)


def _row_parts(cells: list[str], numbered: bool) -> tuple[str | None, list[str]]:
    """A row's time mark (its first, as written) and its other cells, its line number left
    out when the table is ``numbered``. Only cells before the speech can be marks: the last
    cell is always speech."""
    stamp = None
    kept: list[str] = []
    for j, cell in enumerate(cells):
        last = j == len(cells) - 1
        time = _TIME_CELL.fullmatch(cell.strip())
        if time and not last and len(kept) <= 1:
            stamp = stamp or time.group("ts")
        elif not (numbered and j == 0 and not last):
            kept.append(cell)
    return stamp, kept
