"""Offsets moved from one version of a transcript onto another that differs a little.

Coders who each code their own copy of a transcript now and then correct it as they go
(a typo, a misheard word). Offsets into one copy are moved onto the other where the two
are nearly the same text: matched line by line, and character by character within lines
that differ, so a coding keeps covering the same words. A position inside a changed
stretch moves to that stretch's edge, so a coding that covers it covers its new wording;
a span inside one changed stretch, short of all of it, covers words the other text does
not hold, and has no place there.

Examples
--------
>>> old = "P: She rang me on her day-off.\\nI: Mm.\\nP: Four years.\\n"
>>> new = "P: She rang me on her day off.\\nI: Mm.\\nP: Five years.\\n"
>>> moved = TextMap.between(old, new)
>>> start, end = old.index("Four"), old.index("Four") + len("Four years")
>>> new[moved.start(start):moved.end(end)], moved.changes
('Five years', 2)
>>> moved.span(start, end), TextMap.between("I mean, um, yes", "I mean, yes").span(8, 10)
((41, 51), None)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

#: the least share of matched characters (of both texts) for two texts to be versions of one
MIN_SIMILAR = 0.95


@dataclass(frozen=True)
class TextMap:
    """Where each stretch of an old text stands in a new one: ``(tag, i1, i2, j1, j2)``
    blocks as :meth:`difflib.SequenceMatcher.get_opcodes` gives them, in order."""

    blocks: tuple[tuple[str, int, int, int, int], ...]
    #: the share of matched characters, ``2 * matched / (len(old) + len(new))``
    similarity: float

    @classmethod
    def between(cls, old: str, new: str) -> TextMap:
        """The map from ``old`` onto ``new``: lines matched first, then the characters of
        lines that differ (character matching alone is slow on a long transcript)."""
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        old_at, new_at = _starts(old_lines), _starts(new_lines)
        blocks: list[tuple[str, int, int, int, int]] = []
        by_line = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in by_line.get_opcodes():
            a1, a2, b1, b2 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
            if tag == "replace":
                by_char = SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
                blocks += [(t, a1 + x1, a1 + x2, b1 + y1, b1 + y2) for t, x1, x2, y1, y2 in by_char.get_opcodes()]
            else:
                blocks.append((tag, a1, a2, b1, b2))
        matched = sum(i2 - i1 for tag, i1, i2, _, _ in blocks if tag == "equal")
        total = len(old) + len(new)
        return cls(tuple(blocks), 2 * matched / total if total else 1.0)

    @property
    def changes(self) -> int:
        """How many stretches differ."""
        return sum(tag != "equal" for tag, *_ in self.blocks)

    def start(self, position: int) -> int:
        """Where a span starting at ``position`` of the old text starts in the new one."""
        tag, i1, _, j1, _ = self._block(position, after=True)
        return j1 + (position - i1) if tag == "equal" else j1

    def end(self, position: int) -> int:
        """Where a span ending at ``position`` of the old text ends in the new one."""
        tag, i1, _, j1, j2 = self._block(position, after=False)
        return j1 + (position - i1) if tag == "equal" else j2

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the old text's ``start:end`` stands in the new one, or None where none of
        its words are there (it lies in one changed stretch, short of all of it)."""
        first, last = self._block(start, after=True), self._block(end, after=False)
        if first is last and first[0] != "equal" and (start, end) != (first[1], first[2]):
            return None
        new = self.start(start), self.end(end)
        return new if new[0] < new[1] else None

    def _block(self, position: int, after: bool) -> tuple[str, int, int, int, int]:
        """The block holding the character after ``position`` (``after``) or before it."""
        spans, starts = self._spans
        if not spans:
            return ("equal", 0, 0, 0, 0)
        k = bisect_right(starts, position if after else position - 1) - 1
        return spans[min(max(k, 0), len(spans) - 1)]

    @cached_property
    def _spans(self) -> tuple[list[tuple[str, int, int, int, int]], list[int]]:
        """The blocks that hold old characters (an insertion holds none), and their starts."""
        spans = [b for b in self.blocks if b[2] > b[1]]
        return spans, [b[1] for b in spans]


def _starts(lines: list[str]) -> list[int]:
    """Where each line starts, and where the text ends."""
    at = [0]
    for line in lines:
        at.append(at[-1] + len(line))
    return at
