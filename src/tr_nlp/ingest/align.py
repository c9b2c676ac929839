"""Offsets moved from one version of a transcript onto another that differs a little.

Coders who each code their own copy of a transcript now and then correct it as they go
(a typo, a misheard word). Offsets into one copy are moved onto the other where the two
are nearly the same text: matched line by line, and character by character within lines
that differ, so a coding keeps covering the same words (a long stretch of lines that all
differ, as in a copy with spaces at every line end, is matched by the lines alike in their
words first, then by words: :func:`_changed_lines`). A position inside a changed
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

import re
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
        lines that differ (character matching alone is slow on a long transcript; see
        :func:`_changed_lines` for a long stretch of lines that all differ)."""
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        old_at, new_at = _starts(old_lines), _starts(new_lines)
        blocks: list[tuple[str, int, int, int, int]] = []
        # lines a long text holds very often (blank ones) only extend matches of others
        # (``autojunk``): matched each against each, they cost the square of their number
        by_line = SequenceMatcher(None, old_lines, new_lines)
        for tag, i1, i2, j1, j2 in by_line.get_opcodes():
            if tag == "replace":
                blocks += _changed_lines(old_lines[i1:i2], new_lines[j1:j2], old_at[i1], new_at[j1])
            else:
                blocks.append((tag, old_at[i1], old_at[i2], new_at[j1], new_at[j2]))
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


#: Stretches that differ are matched character by character at once up to this many pairs of
#: characters (old times new, about 0.1 s); past it, line by line (:func:`_changed_lines`)
#: and by words (:func:`_by_words`).
_CHAR_PAIRS = 2_000_000
_WORD = re.compile(r"\w+")

_Block = tuple[str, int, int, int, int]


def _matched(old: str, new: str, a: int, b: int) -> list[_Block]:
    """The blocks of ``old`` (at ``a`` in the old text) matched onto ``new`` (at ``b``):
    character by character where that is cheap, else by words (:func:`_by_words`)."""
    if old == new:
        return [("equal", a, a + len(old), b, b + len(new))] if old else []
    if len(old) * len(new) <= _CHAR_PAIRS:
        by_char = SequenceMatcher(None, old, new, autojunk=False)
        return [(t, a + x1, a + x2, b + y1, b + y2) for t, x1, x2, y1, y2 in by_char.get_opcodes()]
    return _by_words(old, new, a, b)


def _by_words(old: str, new: str, a: int, b: int) -> list[_Block]:
    """Long stretches matched by their words (in lower case; the words a text uses most
    only extend matches of others, as :class:`~difflib.SequenceMatcher`'s ``autojunk``
    has it, which keeps it fast; all words alike where that matches too few), then
    character by character between matched words; a stretch between them too long for
    that is one changed stretch."""
    old_words = [(m.start(), m.end()) for m in _WORD.finditer(old)]
    new_words = [(m.start(), m.end()) for m in _WORD.finditer(new)]
    words = [old[s:e].casefold() for s, e in old_words], [new[s:e].casefold() for s, e in new_words]
    matching = SequenceMatcher(None, *words).get_matching_blocks()
    if 2 * sum(size for _, _, size in matching) < MIN_SIMILAR * (len(old_words) + len(new_words)):
        matching = SequenceMatcher(None, *words, autojunk=False).get_matching_blocks()  # few words, used often
    blocks: list[_Block] = []
    x = y = 0  # where the old and new text not yet matched start
    for i, j, size in matching:
        for k in range(size):
            (s1, e1), (s2, e2) = old_words[i + k], new_words[j + k]
            blocks += _between(old[x:s1], new[y:s2], a + x, b + y) + _between(old[s1:e1], new[s2:e2], a + s1, b + s2)
            x, y = e1, e2
    return blocks + _between(old[x:], new[y:], a + x, b + y)


def _between(old: str, new: str, a: int, b: int) -> list[_Block]:
    """The blocks of a stretch between matched words (or of a pair of matched words, alike
    but for case): matched character by character where that is cheap, else one changed
    stretch."""
    if old != new and len(old) * len(new) > _CHAR_PAIRS:
        tag = "replace" if old and new else "delete" if old else "insert"
        return [(tag, a, a + len(old), b, b + len(new))]
    return _matched(old, new, a, b)


def _changed_lines(old_lines: list[str], new_lines: list[str], a: int, b: int) -> list[_Block]:
    """The blocks of a stretch of lines that all differ (at ``a`` in the old text, ``b`` in
    the new one).

    Short, it is matched character by character at once. Long (a copy whose every line
    differs: spaces at the line ends, curly quotes, speaker labels renamed), that took
    minutes, as matching characters costs about the square of their number: the lines
    alike but for case, spaces and punctuation are paired and matched each with its pair;
    as many lines on both sides between such pairs are paired in order; the rest is
    matched character by character as far as :data:`_CHAR_PAIRS` allows, else by words.
    """
    old_text, new_text = "".join(old_lines), "".join(new_lines)
    if len(old_text) * len(new_text) <= _CHAR_PAIRS:
        return _matched(old_text, new_text, a, b)
    old_at, new_at = _starts(old_lines), _starts(new_lines)
    blocks: list[_Block] = []
    by_gist = SequenceMatcher(None, [_gist(line) for line in old_lines], [_gist(line) for line in new_lines])
    for tag, i1, i2, j1, j2 in by_gist.get_opcodes():
        if tag == "equal" or i2 - i1 == j2 - j1:  # lines alike, or as many on both sides: paired in order
            for i, j in zip(range(i1, i2), range(j1, j2)):
                blocks += _matched(old_lines[i], new_lines[j], a + old_at[i], b + new_at[j])
        else:  # lines added, removed or rewrapped
            a1, a2, b1, b2 = old_at[i1], old_at[i2], new_at[j1], new_at[j2]
            blocks += _matched(old_text[a1:a2], new_text[b1:b2], a + a1, b + b1)
    return blocks


def _gist(line: str) -> str:
    """A line's letters and digits in lower case: what a line keeps through changes of
    spacing, punctuation, quote marks and case."""
    return "".join(ch for ch in line.casefold() if ch.isalnum())


def _starts(lines: list[str]) -> list[int]:
    """Where each line starts, and where the text ends."""
    at = [0]
    for line in lines:
        at.append(at[-1] + len(line))
    return at
