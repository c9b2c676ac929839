"""What is left to discover: participant passages no human and no model coded.

Uncoded segments that follow each other inside a turn are joined into one passage.

Backchannels and fillers ("yeah", "mm-hm", "right, right") and segments shorter than
``min_words`` words carry no topic and are dropped, so they do not pile up into a
"yeah / mm / okay" cluster.

Examples
--------
>>> is_filler("Mm-hm. Yeah, right.")
True
>>> is_filler("Yeah, the tablets made me put on weight.")
False
>>> is_filler("Она мне позвонила в свой выходной.")  # any alphabet
False
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tr_nlp.features.context import context_frame
from tr_nlp.fillers import FILLERS
from tr_nlp.ingest.encoding import letters_apart
from tr_nlp.language import LETTER
from tr_nlp.schema import Interview, Segment

if TYPE_CHECKING:
    from tr_nlp.coding.store import ThemeModel

_WORD = re.compile(rf"{LETTER}+(?:['\u2019]{LETTER}+)*")


def words(text: str) -> list[str]:
    """Lower-cased words: letters of any alphabet, with inner apostrophes, a typographic
    one written ``'``.

    >>> words("Die Ärztin hat für mich angerufen. I don’t know, 2 times.")
    ['die', 'ärztin', 'hat', 'für', 'mich', 'angerufen', 'i', "don't", 'know', 'times']
    """
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def is_filler(text: str) -> bool:
    """True when every word of ``text`` is a filler or backchannel (or there is none)."""
    return all(w.replace("'", "") in FILLERS for w in words(text.replace("-", " ")))


@dataclass
class Remainder:
    """The passages left for discovery, and what was removed on the way."""

    segments: list[Segment]
    removed: dict[str, int] = field(default_factory=dict)
    #: Segments no human coded, before the model's and the length's cuts.
    uncoded: int = 0
    #: Passages there would be with each segment apart (``merge=False``); 0 where they are apart.
    apart: int = 0

    def summary(self) -> str:
        return f"{len(self.segments)} passage(s) left{self.after_removing()}"

    def after_removing(self) -> str:
        """What was removed, as ``" after removing 40 human-coded, ..."``; empty where nothing was."""
        gone = ", ".join(f"{n} {why}" for why, n in self.removed.items() if n)
        return f" after removing {gone}" if gone else ""

    def advice(self, need: int = 0) -> str:
        """How to leave more to discover (``need`` passages at least): each segment apart
        where that leaves enough, else from what removed the most."""
        if self.apart >= need > len(self.segments):
            return f"Pass --no-merge: with each uncoded segment a passage of its own, {self.apart} are left"
        why, n = max(self.removed.items(), key=lambda item: item[1], default=("", 0))
        if n == 0 or why in ("human-coded", "fillers or backchannels"):
            return "Add interviews that nobody has coded"
        if why == "machine-coded":
            if n < self.uncoded:
                return f"The model codes {n} of the {self.uncoded} segments no human coded: run 'tr-nlp discover' without --model"
            return (f"The model codes all {n} segments no human coded (codes that cover all speech, such as a mutually "
                    "exclusive group, leave nothing uncoded): run 'tr-nlp discover' without --model")
        return "Lower --min-words"


def _turn_index(interview: Interview) -> list[int]:
    return [t.start for t in interview.turns]


def merge_runs(segments: Sequence[Segment], keep: Sequence[bool],
               interviews: Mapping[str, Interview]) -> list[Segment]:
    """Join kept segments that follow each other inside one speaker turn into one passage.

    A segment that is not kept (coded) ends a run, so a passage never spans coded text.
    """
    passages: list[Segment] = []
    run: list[Segment] = []

    def close() -> None:
        if run:
            first, last = run[0], run[-1]
            text = interviews[first.interview_id].text[first.start:last.end] if len(run) > 1 else first.text
            sid = first.segment_id if len(run) == 1 else f"{first.segment_id}..{last.segment_id}"
            passages.append(Segment(first.interview_id, sid, first.start, last.end, first.speaker, first.role, text,
                                    first.timestamp, first.line, last.line_end))
            run.clear()

    starts: dict[str, list[int]] = {}
    previous_turn: tuple[str, int] | None = None
    for segment, kept in zip(segments, keep):
        iv = interviews[segment.interview_id]
        turn_starts = starts.setdefault(iv.id, _turn_index(iv))
        turn = (iv.id, bisect_right(turn_starts, segment.start) - 1)
        if not kept or turn != previous_turn:
            close()
        if kept:
            run.append(segment)
        previous_turn = turn
    close()
    return passages


def select_remainder(
    segments: Sequence[Segment],
    coded_segment_ids: set[str],
    interviews: Mapping[str, Interview],
    min_words: int = 6,
    model: ThemeModel | None = None,
    merge: bool = True,
) -> Remainder:
    """Passages nobody coded: no human code, and no code above threshold for ``model``.

    Parameters
    ----------
    segments
        Segments in document order, already filtered to the wanted speaker roles.
    coded_segment_ids
        Segments carrying any human code (from :func:`tr_nlp.segment.map_codings`).
    interviews
        The interviews of ``segments`` by id.
    min_words
        Shorter passages are dropped.
    model
        When given, segments it codes above a threshold are dropped too.
    merge
        Join uncoded segments that follow each other in one turn (a sentence says little
        about its topic alone); with ``False`` each segment stands alone.
    """
    removed = {"human-coded": 0, "machine-coded": 0, "fillers or backchannels": 0, f"under {min_words} words": 0}
    keep = np.array([s.segment_id not in coded_segment_ids for s in segments], dtype=bool)
    removed["human-coded"] = int((~keep).sum())
    uncoded = int(keep.sum())
    if model is not None and keep.any():
        rows = np.nonzero(keep)[0]
        above = model.predict(context_frame([segments[i] for i in rows], interviews)).to_numpy().any(axis=1)
        keep[rows[above]] = False
        removed["machine-coded"] = int(above.sum())
    apart = [s for s, k in zip(segments, keep) if k]
    passages = merge_runs(segments, keep, interviews) if merge else apart
    kept = []
    for s in passages:
        why = _left_out(s.text, min_words)
        if why is None:
            kept.append(s)
        else:
            removed[why] += 1
    alone = sum(_left_out(s.text, min_words) is None for s in apart) if merge else 0
    return Remainder(kept, removed, uncoded, alone)


def _left_out(text: str, min_words: int) -> str | None:
    """Why a passage carries no topic (one of :func:`select_remainder`'s ``removed`` keys), or None."""
    if is_filler(text):
        return "fillers or backchannels"
    if len(words(letters_apart(text))) < min_words:
        return f"under {min_words} words"
    return None


def coded_ids(mapped: pd.DataFrame) -> set[str]:
    """Segment ids with at least one human code, from a :func:`map_codings` table."""
    return set(mapped["segment_id"].astype(str)) if len(mapped) else set()
