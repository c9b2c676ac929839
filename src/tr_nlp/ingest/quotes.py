"""Finding a copied quote in its transcript: where it stands, whatever its case, runs of
whitespace, quote marks, dashes and elisions (:class:`QuoteFinder`), and which of its places
a table row means, by the line (:func:`cited_lines`) or time (:func:`cited_time`) it cites
(:func:`cited_place`).

Teams keep coded quotes in spreadsheets and framework matrices, and margin comments
name the words they code; all are placed in the transcript here.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from tr_nlp.fillers import NON_SPEECH
from tr_nlp.ingest.speakers import TIME_MARK, TIMESTAMP, parse_timestamp, time_marks
from tr_nlp.schema import Interview

_QUOTE_MARKS = "\"'"
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u2026": "..."})


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` lower-cased, quote marks and dashes made plain, whitespace runs made one space;
    and, per character of the result, its offset in ``text``.

    >>> fold("\u201cOn her\\n  DAY off\u201d")
    ('"on her day off"', [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17])
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            folded = " "
        else:
            folded = ch.translate(_FOLD)
            lower = folded.lower()
            folded = lower if len(lower) == len(folded) else folded
        out.extend(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


#: a clock in a table cell (``12:30``, ``1:02:03.5``)
_CLOCK = re.compile(TIMESTAMP)


def cited_time(cell: str) -> float | None:
    """Seconds into the recording a table cell cites as a clock (``12:30``, ``[00:12:30]``,
    ``#00:12:30-4#``); None for anything else (a bare number says no unit).

    >>> cited_time("[00:12:30]"), cited_time("1:02:03.5"), cited_time("#00:00:09-2#"), cited_time("12:30-12:45")
    (750.0, 3723.5, 9.2, 750.0)
    >>> cited_time("90"), cited_time("")
    (None, None)
    """
    found = TIME_MARK.search(cell)
    if found is not None:
        return time_marks(found[0])[0][1]
    found = _CLOCK.search(cell)
    return parse_timestamp(found[0]) if found is not None else None


#: a line cited in a table cell: ``45``, ``l. 45-48``, ``lines 120-125``, ``line 40 ff.``, a
#: page before it (``p. 3, 12-15``, ``P07, lines 12-15``), once the brackets around it are off
#: (no two parts in a row may both take white space: a long run of it is read once, not again per space)
_CITED = re.compile(r"(?:(?:p|pp|pg|page)\.?\s*\d+(?:\s*[,;:/]\s*|\s+))?(?:(?:l|ll|line|lines|ln)\.?\s*)?"
                    r"(\d{1,9})(?:\.0+)?(?:\s*[-\u2013\u2014]\s*(\d{1,9}))?(?:\s*ff?\.?)?", re.IGNORECASE)


def cited_lines(cell: str) -> tuple[int, int] | None:
    """The first and last line a table cell cites, as :func:`~tr_nlp.schema.line_range`
    writes them and people do (a page before them is passed over); None for anything else.

    >>> cited_lines("45"), cited_lines("ll. 45-48"), cited_lines("[p. 3, 12\u201315]"), cited_lines("line 40 ff.")
    ((45, 45), (45, 48), (12, 15), (40, 40))
    >>> cited_lines("45.0"), cited_lines("118-6"), cited_lines("after the break"), cited_lines("")
    ((45, 45), (118, 6), None, None)
    >>> cited_lines("[P07]"), cited_lines("p. 3"), cited_lines("P07, lines 12-15"), cited_lines("p3 12")
    (None, None, (12, 15), (12, 12))
    """
    found = _CITED.fullmatch(cell.strip(" \t\r\n()[]"))
    if found is None:
        return None
    first = int(found[1])
    return first, int(found[2]) if found[2] else first


def _overlap(lines: tuple[int | None, int | None], cited: tuple[int, int]) -> bool:
    """Whether a passage on ``lines`` (first, last) shares a line with the ``cited`` ones;
    a range whose numbering starts again (``118-6``: a printout numbered on each page) holds
    the lines from its first on and those up to its last."""
    def holds(span: tuple[int, int], line: int) -> bool:
        low, high = span
        return low <= line <= high if low <= high else (line >= low or line <= high)

    first, last = lines
    if first is None or last is None:
        return False
    return holds((first, last), cited[0]) or holds(cited, first)


#: an elision in a (folded) quote: ..., [...], (...), . . . ("…" is folded to "...")
_ELISION = re.compile(r"\s*[\[(]?\s*\.(?:\s?\.){2,}\s*[\])]?\s*")
#: the most characters an elided quote may span, elisions included
MAX_ELIDED = 5000


#: Sounds of hesitation and transcribers' marks of non-speech, which a quote cleaned for a
#: report leaves out ("she, um, she stayed" quoted "she, she stayed")
HESITATIONS = NON_SPEECH | frozenset({"um", "umm", "uh", "uhm", "er", "erm", "ah", "eh", "ehm", "mm", "mmm", "hm",
                                      "hmm", "mhm", "öh", "äh", "euh"})
_ALNUM = re.compile(r"[^\W_]+")
#: words an editor of a quote added in square brackets: "she [the nurse] stayed"
_ADDED = re.compile(r"\[[^\[\]]*\]")


def words_only(folded: str, leave_out: frozenset[str] = frozenset()) -> tuple[str, list[int]]:
    """A :func:`fold`-ed text's words (letters and digits) alone, but those of
    ``leave_out``, each run of anything else (punctuation, quote marks, spaces) made one
    space; and, per character of the result, its offset in ``folded``.

    >>> words_only("on her day-off, well.")
    ('on her day off well', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19])
    >>> words_only("she, um, stayed", HESITATIONS)[0]
    'she stayed'
    """
    out: list[str] = []
    where: list[int] = []
    for word in _ALNUM.finditer(folded):
        if word[0] in leave_out:
            continue
        if out:
            out.append(" ")
            where.append(where[-1] + 1)
        out.append(word[0])
        where.extend(range(word.start(), word.end()))
    return "".join(out), where


class QuoteFinders(dict[str, "QuoteFinder"]):
    """Each interview's :class:`QuoteFinder` by its id, built the first time it is asked for
    (:meth:`of`): folding a transcript once serves every quote placed in it."""

    def of(self, interview: Interview) -> QuoteFinder:
        """The finder of ``interview``'s text."""
        if interview.id not in self:
            self[interview.id] = QuoteFinder(interview.text)
        return self[interview.id]


class QuoteFinder:
    """Finds quotes in one text the way people copy them: ignoring case, runs of whitespace
    and the kind of quote marks and dashes, with quote marks around the quote, and with
    elisions (``...``, ``[...]``, ``…``) standing for what was left out. A quote found no
    other way is found by its words alone, its punctuation left aside (a coder's copy often
    drops a comma or a full stop), then with the sounds of hesitation and marks of
    non-speech left aside too (:data:`HESITATIONS`: a quote cleaned for a report), and
    then without the words its editor added in square brackets ("she [the nurse] stayed"):
    :meth:`by_words_only` tells which.

    >>> finder = QuoteFinder("P: She came.\\nI: Mm.\\nP: She came — on her “day off”.")
    >>> finder.find("she came"), finder.find("she came", nth=1), finder.find('"on her"')
    ((3, 11, 2), (23, 31, 2), (34, 40, 1))
    >>> finder.find("she came ... day off"), finder.find("the ward") is None
    ((3, 49, 1), True)
    >>> finder.count_before("she came", 23), finder.count_before("she came", 24)
    (1, 2)
    >>> QuoteFinder("the the the").spans("the the")  # places may overlap
    [(0, 7), (4, 11)]
    >>> finder.spans("She came on her day off"), finder.by_words_only("She came on her day off")
    ([(23, 49)], True)
    """

    def __init__(self, text: str) -> None:
        self.folded, self._where = fold(text)
        self._places: dict[str, list[int]] = {}
        self._words: dict[frozenset[str], tuple[str, list[int]]] = {}  # words_only(self.folded, ...), when needed
        self._found_before: dict[str, tuple[list[tuple[int, int]], bool]] = {}

    def find(self, quote: str, nth: int = 0) -> tuple[int, int, int] | None:
        """Offsets of the quote's ``nth`` place in the text (counting from 0; its last place
        when it has fewer) and how many places it has (one for an elided quote), or None."""
        places = self._found(quote)[0]
        if not places:
            return None
        return *self._span(*places[min(nth, len(places) - 1)]), len(places)

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """Offsets of every place of the quote in the text, in order; one for a quote with
        elisions (its parts found in order); none when it is not there."""
        return [self._span(*place) for place in self._found(quote)[0]]

    def by_words_only(self, quote: str) -> bool:
        """Whether the quote is found by its words alone: not with its punctuation, nor as
        parts with elisions between them."""
        return self._found(quote)[1]

    def _found(self, quote: str) -> tuple[list[tuple[int, int]], bool]:
        """Where the quote stands in the folded text (start, end): each place, or the one
        place its parts are found in order (a quote with elisions), or, failing both, each
        place of its words alone; and whether it took its words alone. Remembered, as a
        table's quote is placed (:meth:`spans`) and then asked how (:meth:`by_words_only`)."""
        if quote not in self._found_before:
            self._found_before[quote] = self._search(quote)
        return self._found_before[quote]

    def _search(self, quote: str) -> tuple[list[tuple[int, int]], bool]:
        """:meth:`_found`, searched for."""
        needle = fold(quote.strip())[0]
        places = self.places(needle)
        if not places:  # a spreadsheet may put quote marks around the quote
            needle = needle.strip(_QUOTE_MARKS + " ")
            places = self.places(needle)
        if places:
            return [(at, at + len(needle)) for at in places], False
        elided = _find_elided(self.folded, needle)  # "she came ... on her day off": the parts, in order
        if elided is not None:
            return [elided], False
        # a quote cleaned of "um" and "[laughs]" too, and then without what its editor added in
        # square brackets ("she [the nurse] stayed")
        for said, leave_out in ((needle, frozenset()), (needle, HESITATIONS),
                                (_ADDED.sub(" ", needle), HESITATIONS)):
            words = words_only(said, leave_out)[0]
            if leave_out not in self._words:
                self._words[leave_out] = words_only(self.folded, leave_out)
            haystack, where = self._words[leave_out]
            found, at = [], haystack.find(words) if words else -1
            while at >= 0:
                end = at + len(words)
                if (at == 0 or haystack[at - 1] == " ") and (end == len(haystack) or haystack[end] == " "):
                    found.append((where[at], where[end - 1] + 1))  # whole words: "yes" is not in "yesterday"
                at = haystack.find(words, at + 1)
            if found:
                return found, True
        return [], False

    def _span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the text of the folded text's ``[start, end)``."""
        return self._where[start], self._where[end - 1] + 1

    def count_before(self, quote: str, offset: int) -> int:
        """How many places of ``quote`` in the text start before character ``offset``."""
        return bisect_left(self.places(fold(quote.strip())[0]), bisect_left(self._where, offset))

    def places(self, needle: str) -> list[int]:
        """Every place a folded quote starts in the folded text, those overlapping the one
        before too (``e the`` twice in ``naive the the``: a comment may be on either);
        remembered, as margin coding comments the same few words many times."""
        if needle not in self._places:
            found: list[int] = []
            at = self.folded.find(needle) if needle else -1
            while at >= 0:
                found.append(at)
                at = self.folded.find(needle, at + 1)
            self._places[needle] = found
        return self._places[needle]


def _find_elided(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where the parts of a quote with elisions occur in order, from its first part's start
    to its last part's end (at most :data:`MAX_ELIDED` characters), or None.

    >>> _find_elided("she came, and i mean it, on her day off", "she came ... on her day off")
    (0, 39)
    >>> _find_elided("on her day off she came", "she came [...] on her day off") is None
    True
    """
    parts = [p.strip(_QUOTE_MARKS + " ") for p in _ELISION.split(needle)]
    parts = [p for p in parts if p]
    if not parts:
        return None
    at = haystack.find(parts[0])
    while at >= 0:
        end = at + len(parts[0])
        for part in parts[1:]:
            found = haystack.find(part, end, at + MAX_ELIDED)
            if found < 0:
                break
            end = found + len(part)
        else:
            return at, end
        at = haystack.find(parts[0], at + 1)
    return None


def cited_place(interview: Interview, spans: list[tuple[int, int]], line: str, time: str) -> int | None:
    """Which of a quote's places (``spans``) the ``line`` and ``time`` cells of its row
    cite: the first on a cited line (:func:`cited_lines`), else the last said at or before
    the cited time (by the transcript's times: :meth:`~tr_nlp.schema.Interview.time_at`);
    None where neither says."""
    wanted = cited_lines(line)
    if wanted:
        for i, span in enumerate(spans):
            if _overlap(interview.lines_of(*span), wanted):
                return i
    seconds = cited_time(time)
    times = [interview.time_at(start) for start, _ in spans]
    if seconds is None or None in times:
        return None
    said = [i for i, at in enumerate(times) if at is not None and at <= seconds + 1]  # a second's rounding
    return max(said, key=lambda i: times[i] or 0.0) if said else None
