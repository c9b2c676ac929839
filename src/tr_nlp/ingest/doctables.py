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

from tr_nlp.ingest import headers
from tr_nlp.ingest.speakers import TIME_CELL, is_known_label

#: words a table's header row names a column of codes with (coding in a Word table)
CODE_HEADERS = {"codes", "code", "coding", "codings", "theme", "themes", "category", "categories", "node", "nodes"}
#: words a table's header row names a column that is not speech with
NOTE_HEADERS = {"notes", "note", "comments", "comment", "memo", "memos", "remarks", *CODE_HEADERS}
#: words a table's header row names the column of speech with
ANSWER_HEADERS = headers.ANSWER
SPEECH_HEADERS = headers.SPEECH | headers.ANSWER
#: words a header row names the questions of a table of questions and answers with
QUESTION_HEADERS = headers.QUESTION
#: words a header row names the column of who answered with, in a table of questions and answers
ANSWERER_HEADERS = headers.SPEAKER_OR_PERSON - {"role"} | {"participant", "respondent", "interviewee"}
HEADER_CELLS = {*headers.SPEAKER_OR_PERSON, *headers.TIME, "#", "no", "line", *SPEECH_HEADERS, *NOTE_HEADERS,
                *QUESTION_HEADERS}
#: the speakers of a table of questions and answers that names none
ASKER, ANSWERER = "Interviewer", "Participant"
_SENTENCE = re.compile(r"[?!.,;]")
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
    gives no speakers. A header row (``Time | Speaker | Text``, under a title row or not) is not speech, and a column
    it names as notes or codes (``Notes``, ``Comments``, ``Codes``, ``Themes``) is left out
    (:func:`table_codes` reads the codes). A first column that names the interview or the
    question rather than the speaker (``P07 | Interviewer | text``, ``Q1 | Participant | text``)
    is left out too (:func:`_without_row_ids`), and a speaker column after the speech, as
    NVivo lays out a transcript (``Timespan | Content | Speaker``), is read as if it came first
    (:func:`speaker_after_speech`). A table whose header names a column of questions and
    one of answers (``Question | Answer``, ``No. | Question | Response``) gives two lines a
    row, the interviewer's question and the participant's answer (the answerer named in a
    column such as ``Participant``, where there is one).

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
    above, header, rows, numbered, parts = _body(rows)
    for cells in above:  # a title over the header row
        yield " ".join(cell.strip() for cell in cells if cell.strip()), None, None
    asked = _question_answer(header)
    if asked is not None:
        yield from _question_answer_lines(rows, *asked)
        return
    if _speaks_last(parts):
        parts = [(stamp, [cells[-1], *cells[:-1]] if len(cells) >= 2 else cells) for stamp, cells in parts]
    transcript = any(n >= 2 for n in Counter(cells[0] for _, cells in parts if len(cells) >= 2).values())
    for row, (stamp, cells) in zip(rows, parts):
        number = int(row[0].strip().rstrip(".")) if numbered and len(row) >= 3 else None
        if len(cells) < 2:
            yield (cells[0] if cells else ""), None, number
        elif cells[0] and len(cells[0]) <= 40:
            name = cells[0].strip().rstrip(":\uff1a").rstrip() or cells[0]  # "I:" in the cell is "I"
            speaker = transcript or is_known_label(name)
            mark = f"[{stamp}] " if stamp and speaker else ""
            yield f"{mark}{name}: {' '.join(cells[1:])}", name if speaker else None, number
        else:
            yield " ".join(cell for cell in cells if cell), None, number


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
    at = header_at(rows)
    if at is None:
        return {}
    columns = [j for j, cell in enumerate(rows[at]) if _header_word(cell) in CODE_HEADERS]
    paired = _question_answer(list(rows[at])) is not None  # a row's codes code its answer, its second line
    found = {}
    for i, cells in enumerate(rows[at + 1 :]):
        codes = "\n".join(cells[j].strip() for j in columns if j < len(cells) and cells[j].strip())
        if codes:
            found[at + (2 * i + 1 if paired else i)] = codes
    return found


def header_at(rows: Sequence[Sequence[str]]) -> int | None:
    """The index of a table's header row (:func:`_is_header`): its first, or its second under
    a title row (one cell, or one merged across: ``Interview 7``); None for none.

    >>> header_at([["Interview 7"], ["Speaker", "Text"], ["I", "So?"]]), header_at([["I", "So?"]])
    (1, None)
    """
    if rows and _is_header(list(rows[0])):
        return 0
    titled = len(rows) > 1 and sum(bool(cell.strip()) for cell in rows[0]) <= 1
    return 1 if titled and _is_header(list(rows[1])) else None


def _question_answer(header: list[str] | None) -> tuple[int, int, int | None] | None:
    """The columns of questions, of answers and of who answered (or None) that a header row
    names, if it names the first two; else None."""
    words = [_header_word(cell) for cell in header or []]
    question = next((j for j, w in enumerate(words) if w in QUESTION_HEADERS), None)
    answer = next((j for j, w in enumerate(words) if w in ANSWER_HEADERS), None)
    if question is None or answer is None:
        return None
    return question, answer, next((j for j, w in enumerate(words) if w in ANSWERER_HEADERS), None)


def _question_answer_lines(rows: list[list[str]], question: int, answer: int,
                           answerer: int | None) -> Iterator[tuple[str, str | None, int | None]]:
    """Two lines for each row of a table of questions and answers: the question, asked by
    :data:`ASKER`, and the answer, by the row's answerer or else :data:`ANSWERER`.

    >>> list(_question_answer_lines([["1", "Who helped?", "Jo."]], 1, 2, None))
    [('Interviewer: Who helped?', 'Interviewer', None), ('Participant: Jo.', 'Participant', None)]
    """
    for cells in rows:
        asked, said, named = (_cell(cells, j) for j in (question, answer, answerer))
        who = named if 0 < len(named) <= 40 else ANSWERER
        yield f"{ASKER}: {asked}", ASKER, None
        yield f"{who}: {said}", who, None


def _cell(cells: list[str], j: int | None) -> str:
    """Column ``j``'s cell of a row (stripped), or "" where there is none."""
    return cells[j].strip() if j is not None and j < len(cells) else ""


def _without_row_ids(parts: list[tuple[str | None, list[str]]]) -> list[tuple[str | None, list[str]]]:
    """Rows' parts without their first cell where it identifies the row, not its speaker: in
    every row of three cells or more the second is a known speaker label (``Interviewer``,
    ``P``), one of which recurs, while the first is the same in every row (the interview's id,
    often merged down the table) or different in each (a question's or a line's number).

    >>> [cells for _, cells in _without_row_ids([(None, ["P07", "I", "So?"]), (None, ["P07", "P", "Yes."]),
    ...                                          (None, ["P07", "I", "Oh."])])]
    [['I', 'So?'], ['P', 'Yes.'], ['I', 'Oh.']]
    >>> [cells[0] for _, cells in _without_row_ids([(None, ["Jane", "I", "So?"]), (None, ["Sam", "P", "Yes."]),
    ...                                             (None, ["Jane", "I", "Oh."])])]
    ['Jane', 'Sam', 'Jane']
    """
    rows = [cells for _, cells in parts if len(cells) >= 3]
    firsts = Counter(cells[0].strip() for cells in rows)
    seconds = Counter(cells[1].strip() for cells in rows)
    if len(rows) < 2 or max(seconds.values()) < 2 or not all(map(is_known_label, seconds)):
        return parts
    if len(firsts) != 1 and max(firsts.values()) != 1:
        return parts
    return [(stamp, cells[1:] if len(cells) >= 3 else cells) for stamp, cells in parts]


def _body(rows: Sequence[Sequence[str]]) -> tuple[
        list[list[str]], list[str] | None, list[list[str]], bool, list[tuple[str | None, list[str]]]]:
    """A table's title rows above its header row (:func:`header_at`), its header row (or
    None) and the rows under it, both without the columns it names as notes or codes;
    whether the rows' first column numbers the lines; and each row's time mark and other
    cells (:func:`_row_parts`), without a first column of row ids (:func:`_without_row_ids`)."""
    rows = [list(cells) for cells in rows]
    dropped: set[int] = set()
    above: list[list[str]] = []
    header = None
    at = header_at(rows)
    if at is not None:
        dropped = {j for j, cell in enumerate(rows[at]) if _header_word(cell) in NOTE_HEADERS}
        above, header, rows = rows[:at], [cell for j, cell in enumerate(rows[at]) if j not in dropped], rows[at + 1 :]
    rows = [[cell for j, cell in enumerate(cells) if j not in dropped] for cells in rows]
    # a first column of numbers is line numbers when no number recurs; else it names speakers (1, 2)
    firsts = [cells[0].strip() for cells in rows if len(cells) >= 3]
    numbered = bool(firsts) and all(_NUMBER_CELL.fullmatch(f) for f in firsts) and len(set(firsts)) == len(firsts)
    return above, header, rows, numbered, _without_row_ids([_row_parts(cells, numbered) for cells in rows])


def speaker_after_speech(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table names each row's speaker after its speech, as NVivo lays out a
    transcript (``Timespan | Content | Speaker``): its last column holds speakers and its
    first (once times and line numbers are set aside) does not. A column holds speakers
    when its cells are short names, not sentences, one of which recurs; :func:`table_lines`
    reads such a row's speaker first, and a row whose speaker cell is empty goes on the
    turn before.

    >>> speaker_after_speech([["Who helped?", "Jane"], ["Jo did.", "Sam"], ["When?", "Jane"], ["and then", ""]])
    True
    >>> speaker_after_speech([["Jane", "Who helped?"], ["Sam", "Jo did."], ["Jane", "Yes"], ["Sam", "Yes"]])
    False
    """
    return _speaks_last(_body(rows)[4])


def _speaks_last(parts: Sequence[tuple[str | None, list[str]]]) -> bool:
    rows = [cells for _, cells in parts if len(cells) >= 2]
    return len(rows) >= 2 and _speakers([cells[-1] for cells in rows]) and not _speakers([cells[0] for cells in rows])


def _speakers(column: list[str]) -> bool:
    """Whether a column's cells are speakers: short, no sentence's end, one recurring."""
    names = Counter(cell.strip() for cell in column if cell.strip())
    return bool(names) and max(names.values()) >= 2 and all(
        len(name) <= 40 and name[-1] not in ".?!\u2026" for name in names)


def _header_word(cell: str) -> str:
    return cell.strip().rstrip(":.").casefold()


def _is_header(cells: list[str]) -> bool:
    """Whether a table's first row names its columns (``Speaker | Text``, ``Time | Name | Transcript``),
    beside other columns of short names (``ID | Speaker | Text``, ``Question | Role | Answer``).

    >>> _is_header(["Interview ID", "Speaker", "Text"]), _is_header(["Speaker", "Text"])
    (True, True)
    >>> _is_header(["Interviewer", "Text of it?"]), _is_header(["Jo", "Speaker text"])
    (False, False)
    """
    words = [_header_word(cell) for cell in cells if cell.strip()]
    if len(cells) < 2 or not words:
        return False
    if all(w in HEADER_CELLS for w in words) and _header_word(cells[0]) in HEADER_CELLS:
        return True
    named = [w for w in words if w in HEADER_CELLS]
    return (len(named) >= 2 and any(w in SPEECH_HEADERS for w in named)
            and all(len(w.split()) <= 3 and not _SENTENCE.search(w) for w in words))


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
