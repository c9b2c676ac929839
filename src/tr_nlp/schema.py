"""The data model: interviews, turns, segments, codes, codings, and their table contracts.

Character offsets into :attr:`Interview.text` are the ground truth. Everything else
(turns, sentences, windows) is derived from them, and every span obeys
``interview.text[span.start:span.end] == span.text``.

The DataFrame column contracts (names and dtypes) are stated once here, in
``TURN_COLUMNS``, ``SEGMENT_COLUMNS`` and ``CODING_COLUMNS``; every reader and writer
converts through the functions below.

Examples
--------
>>> iv = Interview(id="i1", text="I: Hi.\\nP: Hello there.",
...                turns=(Turn("I", "interviewer", 3, 6), Turn("P", "participant", 10, 22)))
>>> iv.turn_text(iv.turns[1])
'Hello there.'
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import pandas as pd

Role = Literal["interviewer", "participant", "other"]
ROLES: tuple[Role, ...] = ("interviewer", "participant", "other")

TURN_COLUMNS: dict[str, str] = {
    "interview_id": "string",
    "turn_index": "int64",
    "speaker": "string",
    "role": "string",
    "start": "int64",
    "end": "int64",
    "timestamp": "float64",
    "line": "Int64",
    "line_end": "Int64",
    "text": "string",
}
SEGMENT_COLUMNS: dict[str, str] = {
    "interview_id": "string",
    "segment_id": "string",
    "start": "int64",
    "end": "int64",
    "speaker": "string",
    "role": "string",
    "timestamp": "float64",
    "line": "Int64",
    "line_end": "Int64",
    "text": "string",
}
CODING_COLUMNS: dict[str, str] = {
    "interview_id": "string",
    "start": "int64",
    "end": "int64",
    "code": "string",
    "coder": "string",
}


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn: ``text[start:end]`` is what the speaker said, without the label.

    ``timestamp`` is the turn's start in seconds when the source had one.
    """

    speaker: str
    role: Role
    start: int
    end: int
    timestamp: float | None = None


def composed(name: str) -> str:
    """``name`` (an interview's id, a code's or a coder's name) in Unicode's composed form
    (NFC), as tr_nlp stores every text: a name from a file name on macOS ("Zoe" and a
    combining diaeresis) is then the name a person types ("Zo\u00eb").

    >>> composed("Zoe\u0308") == "Zo\u00eb", composed(7)
    (True, 7)
    """
    if isinstance(name, str) and not unicodedata.is_normalized("NFC", name):
        return unicodedata.normalize("NFC", name)
    return name


@dataclass(frozen=True)
class Interview:
    """One transcript in tr_nlp's model.

    Parameters
    ----------
    id : str
        Unique within a corpus.
    text : str
        The stored (normalised) text; all offsets refer to it.
    turns : tuple of Turn
        Speaker turns in order, non-overlapping.
    metadata : mapping
        Free key/value metadata (e.g. ``synthetic: true``, site, date).
    source : str, optional
        Path of the file it was read from.
    format : str
        Reader that produced it (``text``, ``docx``, ``odt``, ``rtf``, ``vtt``, ``srt``, ``whisper``, ``table``...).
    times : tuple of (int, float)
        Times in the recording the source gave besides its turns' timestamps:
        ``(offset, seconds)``, the text from ``offset`` on was said from ``seconds`` on (a
        subtitle cue's start, a REFI-QDA sync point, a time mark in the text), in order
        of offset. See :meth:`time_at`.
    lines : tuple of (int, int)
        Line numbers the source gives, for citing a passage where a reader finds it:
        ``(offset, number)``, the line starting at ``offset`` is numbered ``number`` and
        the lines after it count on from there, in order of offset (a plain-text file's
        first line; each line of a transcript numbered for citing). See :meth:`line_at`.
    """

    id: str
    text: str
    turns: tuple[Turn, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None
    format: str = "text"
    times: tuple[tuple[int, float], ...] = ()
    lines: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", composed(self.id))
        previous_end = 0
        for turn in self.turns:
            if not 0 <= turn.start <= turn.end <= len(self.text):
                raise ValueError(f"turn {turn} lies outside interview {self.id!r}")
            if turn.start < previous_end:
                raise ValueError(f"turns overlap in interview {self.id!r} at {turn.start}")
            previous_end = turn.end
        offsets = [offset for offset, _ in self.times]
        if offsets != sorted(offsets) or any(not 0 <= offset <= len(self.text) for offset in offsets):
            raise ValueError(f"times of interview {self.id!r} are out of order or outside its text")
        starts = [offset for offset, _ in self.lines]
        if starts != sorted(set(starts)) or any(not 0 <= offset <= len(self.text) for offset in starts):
            raise ValueError(f"line numbers of interview {self.id!r} are out of order or outside its text")

    def line_at(self, offset: int) -> int | None:
        """The number of the line holding the text at ``offset``, as the source numbers its
        lines (:attr:`lines`): the last numbered line starting at or before it, counted on
        by the line breaks between; None when the source numbers no line there.

        >>> iv = Interview("i1", "P: One.\\nTwo.\\nThree.", lines=((0, 1),))
        >>> iv.line_at(0), iv.line_at(8), iv.line_at(14), Interview("i2", "Hi.").line_at(0)
        (1, 2, 3, None)
        >>> Interview("i3", "I: Why?\\nP: Oh.", lines=((0, 40), (8, 42))).line_at(11)
        42
        """
        starts, breaks = self._line_marks
        at = bisect.bisect_right(starts, offset)
        if not at:
            return None
        start, number = self.lines[at - 1]
        return number + bisect.bisect_left(breaks, offset) - bisect.bisect_left(breaks, start)

    def lines_of(self, start: int, end: int) -> tuple[int | None, int | None]:
        """The numbers of the first and last lines the text ``[start, end)`` runs over, as
        the source numbers them (:meth:`line_at` of its first and last characters); None
        where the source numbers none.

        >>> iv = Interview("i1", "P: One,\\ntwo.\\nThree.", lines=((0, 7),))
        >>> iv.lines_of(3, 12), iv.lines_of(14, 20), Interview("i2", "Hi.").lines_of(0, 3)
        ((7, 8), (9, 9), (None, None))
        """
        return self.line_at(start), self.line_at(max(start, end - 1))

    @cached_property
    def _line_marks(self) -> tuple[list[int], list[int]]:
        """Where :attr:`lines`'s numbered lines start, and every line break of the text."""
        if not self.lines:
            return [], []
        return [start for start, _ in self.lines], [m.start() for m in re.finditer("\n", self.text)]

    def time_at(self, offset: int) -> float | None:
        """Seconds into the recording at which the text at ``offset`` was said, as far as
        the source tells: the last time known at or before it (a turn's timestamp or one of
        :attr:`times`), None when none is.

        >>> iv = Interview("i1", "P: One. Two.", (Turn("P", "participant", 3, 12, 61.0),), times=((8, 64.5),))
        >>> iv.time_at(3), iv.time_at(8), Interview("i2", "Hi.").time_at(0)
        (61.0, 64.5, None)
        """
        offsets, seconds = self._marks
        at = bisect.bisect_right(offsets, offset)
        return seconds[at - 1] if at else None

    @property
    def timeline(self) -> list[tuple[int, float]]:
        """Every time the source gave, with the offset it holds from: ``(offset, seconds)``
        in order of offset (what :meth:`time_at` reads)."""
        return list(zip(*self._marks))

    @property
    def known_times(self) -> list[float]:
        """Every time the source gave (turns' timestamps and :attr:`times`), in order of offset."""
        return list(self._marks[1])

    @cached_property
    def _marks(self) -> tuple[list[int], list[float]]:
        """Every known time in order of offset (at one offset, :attr:`times` over a turn's)."""
        marks = sorted([(t.start, 0, t.timestamp) for t in self.turns if t.timestamp is not None]
                       + [(offset, 1, seconds) for offset, seconds in self.times])
        return [offset for offset, _, _ in marks], [float(seconds) for _, _, seconds in marks]

    def turn_text(self, turn: Turn) -> str:
        """Return what was said in ``turn``."""
        return self.text[turn.start : turn.end]

    @property
    def speakers(self) -> dict[str, Role]:
        """Speakers in order of first appearance, with their roles."""
        out: dict[str, Role] = {}
        for turn in self.turns:
            out.setdefault(turn.speaker, turn.role)
        return out


def clock(seconds: float | None) -> str:
    """A time in a recording as a transcript shows it: ``M:SS``, or ``H:MM:SS`` from an
    hour on; empty for no time (None, NaN, NA or infinite).

    >>> clock(65.4), clock(3725), clock(None)
    ('1:05', '1:02:05', '')
    """
    if seconds is None or pd.isna(seconds) or not math.isfinite(seconds):
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def line_range(first: Any, last: Any) -> str:
    """The numbers of the lines a passage runs over, from ``first`` to ``last``: ``12``,
    ``12-15``; ``40 ff.`` where the numbering starts again before its end (a printout
    numbered on each page); empty where the source numbers no line (None or NA).

    >>> line_range(12, 12), line_range(12, 15), line_range(40, 3), line_range(None, None), line_range(7, None)
    ('12', '12-15', '40 ff.', '', '7')
    """
    if first is None or pd.isna(first):
        return ""
    first = int(first)
    last = first if last is None or pd.isna(last) else int(last)
    if last == first:
        return str(first)
    return f"{first}-{last}" if last > first else f"{first} ff."


def lines_label(first: Any, last: Any) -> str:
    """:func:`line_range` as a reader cites it: ``line 12``, ``lines 12-15``, ``line 40 ff.``;
    empty where the source numbers no line.

    >>> lines_label(12, 12), lines_label(12, 15), lines_label(40, 3), lines_label(None, None)
    ('line 12', 'lines 12-15', 'line 40 ff.', '')
    """
    numbers = line_range(first, last)
    if not numbers:
        return ""
    return f"{'lines' if '-' in numbers else 'line'} {numbers}"


def evidence_passages(cell: object) -> list[str]:
    """The passages of a suggestion's ``evidence`` cell ("; "-joined, as ``tr-nlp code``
    writes it; single words in cells written before passages were); none for a blank cell,
    or a missing one (NaN in a table read back).

    >>> evidence_passages("she stayed late; her day off"), evidence_passages(""), evidence_passages(float("nan"))
    (['she stayed late', 'her day off'], [], [])
    """
    return [passage for passage in cell.split("; ") if passage.strip()] if isinstance(cell, str) else []


def seconds_cell(seconds: float | None) -> float:
    """A time for a table's float column: the seconds, or NaN for no time.

    >>> seconds_cell(12.5), seconds_cell(None)
    (12.5, nan)
    """
    return float("nan") if seconds is None else float(seconds)


@dataclass(frozen=True, slots=True)
class Segment:
    """A unit of analysis (turn, sentence or window): ``text == interview.text[start:end]``."""

    interview_id: str
    segment_id: str
    start: int
    end: int
    speaker: str
    role: Role
    text: str
    #: seconds into the recording when the segment's text began, as far as the source
    #: tells (:meth:`Interview.time_at` of its start); None without times
    timestamp: float | None = None
    #: the number of the line it starts on, as the source numbers lines
    #: (:meth:`Interview.line_at` of its start); None where it numbers none
    line: int | None = None
    #: the number of the line it ends on (the line of its last character); None where
    #: the source numbers none
    line_end: int | None = None


@dataclass(frozen=True, slots=True)
class Coding:
    """One human (or machine) coding: ``code`` applied by ``coder`` to ``text[start:end]``."""

    interview_id: str
    start: int
    end: int
    code: str
    coder: str

    def __post_init__(self) -> None:
        for name in ("interview_id", "code", "coder"):
            object.__setattr__(self, name, composed(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A passage a coder read for coding, whether or not any code applied: ``text[start:end]``.

    Where a team codes the passages ``tr-nlp next`` proposed rather than whole interviews,
    these say which passages of an interview were read: the rest of it was not, so it is
    no evidence that a code is absent. ``coder`` None: every coder of the codings read it.
    """

    interview_id: str
    start: int
    end: int
    coder: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "interview_id", composed(self.interview_id))
        if self.coder is not None:
            object.__setattr__(self, "coder", composed(self.coder))


#: How every coder name tr_nlp gives machine work starts when it writes codings out (a
#: model's suggestions, topic discovery's passages). Read back, such codings are left out:
#: they are not human coding, and a model trained or judged on them would learn from itself.
MACHINE_CODER_PREFIX = "tr_nlp "

#: How many of a code's disagreements between machine and coders a report lists (surest
#: first); an evaluation finds the evidence of the machine's calls among them.
SHOWN_DISAGREEMENTS = 30
#: How many of a code's highest-ranked segments a report's pre-screening lists (segments of
#: the same words once: :func:`wording`); an evaluation finds the evidence of the machine's
#: calls among them too.
SHOWN_RANKED = 25


def wording(text: str) -> str:
    """The words of a segment, case and punctuation aside: segments alike in it (``Mm-hmm.``,
    ``mm hmm``) are one row of a ranked list.

    >>> wording("Mm-hmm."), wording("mm  HMM"), wording("...")
    ('mm hmm', 'mm hmm', '')
    """
    return " ".join(re.findall(r"\w+", text.casefold()))


def is_machine_coder(coder: str) -> bool:
    """Whether ``coder`` names machine work tr_nlp wrote (see :data:`MACHINE_CODER_PREFIX`).

    >>> is_machine_coder("tr_nlp model study 1"), is_machine_coder("coder_a")
    (True, False)
    """
    return coder.startswith(MACHINE_CODER_PREFIX)


@dataclass(frozen=True)
class Code:
    """A code in a codebook, with the guidance a human coder reads.

    ``status`` is ``"active"`` for codebook codes and ``"candidate"`` for codes proposed
    by topic discovery. ``aliases`` are other names coders write for the code (its number
    in the codebook, ``2.1``, or an abbreviation, ``BR``); tables and comments naming one
    mean the code.
    """

    name: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    parent: str | None = None
    color: str | None = None
    status: str = "active"
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", composed(self.name))
        object.__setattr__(self, "parent", composed(self.parent) if self.parent is not None else None)
        object.__setattr__(self, "aliases", tuple(composed(alias) for alias in self.aliases))


@dataclass(frozen=True)
class Codebook:
    """An ordered set of codes and mutually exclusive groups.

    Build one with :func:`tr_nlp.codebook.load_codebook` (validated) or directly.
    ``groups`` maps a group name to codes of which a segment may carry at most one.
    """

    codes: tuple[Code, ...]
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    name: str = ""
    version: str = ""

    def __post_init__(self) -> None:  # the names its codes have (:class:`Code`)
        if any(composed(n) != n for group, members in self.groups.items() for n in (group, *members)):
            object.__setattr__(self, "groups", {composed(group): tuple(composed(n) for n in members)
                                                for group, members in self.groups.items()})

    @property
    def names(self) -> list[str]:
        """Code names in codebook order."""
        return [code.name for code in self.codes]

    def __getitem__(self, name: str) -> Code:
        for code in self.codes:
            if code.name == name:
                return code
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(code.name == name for code in self.codes)

    def __len__(self) -> int:
        return len(self.codes)


# --- DataFrame conversions ---------------------------------------------------------


def _frame(rows: Iterable[Sequence[Any]] | Iterable[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(columns))
    return frame.astype(dict(columns))


def turns_to_frame(interviews: Iterable[Interview]) -> pd.DataFrame:
    """One row per turn, columns ``TURN_COLUMNS``."""
    rows = (
        (iv.id, i, t.speaker, t.role, t.start, t.end, t.timestamp, *iv.lines_of(t.start, t.end),
         iv.text[t.start : t.end])
        for iv in interviews
        for i, t in enumerate(iv.turns)
    )
    return _frame(rows, TURN_COLUMNS)


def segments_to_frame(segments: Iterable[Segment]) -> pd.DataFrame:
    """One row per segment, columns ``SEGMENT_COLUMNS``."""
    rows = (
        (s.interview_id, s.segment_id, s.start, s.end, s.speaker, s.role, s.timestamp, s.line, s.line_end, s.text)
        for s in segments
    )
    return _frame(rows, SEGMENT_COLUMNS)


def segments_from_frame(frame: pd.DataFrame) -> list[Segment]:
    """Inverse of :func:`segments_to_frame`; extra columns are ignored, and a frame
    without ``timestamp``, ``line`` or ``line_end`` (one written before segments had them)
    reads as none."""
    if "timestamp" not in frame.columns:
        frame = frame.assign(timestamp=float("nan"))
    for column in ("line", "line_end"):
        if column not in frame.columns:
            frame = frame.assign(**{column: pd.NA})
    cols = list(SEGMENT_COLUMNS)
    return [
        Segment(str(a), str(b), int(c), int(d), str(e), f, str(j),  # type: ignore[arg-type]
                None if pd.isna(g) else float(g), None if pd.isna(h) else int(h), None if pd.isna(i) else int(i))
        for a, b, c, d, e, f, g, h, i, j in frame[cols].itertuples(index=False, name=None)
    ]


def codings_to_frame(codings: Iterable[Coding]) -> pd.DataFrame:
    """One row per coding, columns ``CODING_COLUMNS``."""
    rows = ((c.interview_id, c.start, c.end, c.code, c.coder) for c in codings)
    return _frame(rows, CODING_COLUMNS)


def codings_from_frame(frame: pd.DataFrame) -> list[Coding]:
    """Inverse of :func:`codings_to_frame`; extra columns are ignored."""
    cols = list(CODING_COLUMNS)
    return [
        Coding(str(a), int(b), int(c), str(d), str(e))
        for a, b, c, d, e in frame[cols].itertuples(index=False, name=None)
    ]
