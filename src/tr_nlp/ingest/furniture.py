"""Page furniture: the running headers, footers and page numbers of a printed transcript,
which are no one's speech.

A PDF's pages (:mod:`tr_nlp.ingest.pdf`) hold them around the speech, and so does a text
made of one: ``pdftotext`` writes a form feed between pages, and a copy out of a PDF viewer
keeps each page's ``Page 3 of 12`` line in the middle of whoever spoke across the page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, pairwise

#: lines at each end of a page where running headers, footers and page numbers sit
EDGE = 2
# (each run of whitespace taken whole, never shared between two ``\s*``: one pass over a long run)
_PAGE_NUMBER = re.compile(r"(?:page|seite|p\.)?\s*+[-–—]?\s*+\d{1,4}\s*+(?:(?:/|of|von)\s*+\d{1,4})?\s*+[-–—]?",
                          re.IGNORECASE)
#: a line of a text that names its page (``Page 3``, ``Page 3 of 12``, ``- Seite 3 -``, ``Sida 3 av 12``),
#: group ``page`` its number: the footer a copy out of a PDF viewer keeps (not ``P. 3``: a numbered
#: participant's label on the line above their words)
_NAMED_PAGE = re.compile(
    r"^[ \t]*+(?:[-–—][ \t]*+)?(?:page|seite|sida|side|pagina|página)[ \t]*+(?P<page>\d{1,4})"
    r"(?:[ \t]*+(?:/|of|von|av|af|de|di|van|sur)[ \t]*+\d{1,4})?(?:[ \t]*+[-–—])?[ \t]*+$",
    re.IGNORECASE | re.MULTILINE)
_DIGITS = re.compile(r"\d+")


def _key(line: str) -> str:
    """A line as running headers are compared: its runs of spaces as one, in lower case,
    every number as ``#`` (``Page 3 of 12`` is ``Page 4 of 12``)."""
    return _DIGITS.sub("#", " ".join(line.split()).casefold())


def furniture_lines(pages: Sequence[Sequence[str]]) -> list[list[int]]:
    """For each of ``pages`` (each a list of lines), the indexes of its lines that are running
    headers or footers, or page numbers.

    Lines among the first or last :data:`EDGE` non-blank lines of a page that recur there on
    at least half of the pages (three or more; numbers compared as equal) are running
    headers and footers; a line holding only a page number (``3``, ``- 3 -``, ``Page 3``,
    ``3/12``) there is a page number.

    >>> said = [["I: How was it?", "P: Loud."], ["I: And the nurse?", "P: Kind."], ["I: Why?", "P: Kind."]]
    >>> furniture_lines([["Study 7", *lines, f"Page {n} of 3"] for n, lines in enumerate(said, 1)])
    [[0, 3], [0, 3], [0, 3]]
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [line for line in lines if line.strip()]
        counts.update({_key(line) for line in filled[:EDGE] + filled[-EDGE:]})
    running = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}

    def furniture(line: str) -> bool:
        return _key(line) in running or _PAGE_NUMBER.fullmatch(line.strip()) is not None

    found = []
    for lines in pages:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        found.append(sorted({i for i in filled[:EDGE] + filled[-EDGE:] if furniture(lines[i])}))
    return found


def page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """``pages`` (each a list of lines) without their running headers, footers and page
    numbers (:func:`furniture_lines`), and the lines left out.

    >>> said = [["I: How was it?", "P: Loud."], ["I: And the nurse?", "P: Kind."], ["I: Why?", "P: She sat with me."]]
    >>> pages = [["Study 7, interview 12", *lines, f"Page {n} of 3"] for n, lines in enumerate(said, 1)]
    >>> kept, dropped = page_furniture(pages)
    >>> kept[1], dropped[:2]
    (['I: And the nurse?', 'P: Kind.'], ['Study 7, interview 12', 'Page 1 of 3'])
    """
    out, dropped = [], []
    for lines, found in zip(pages, furniture_lines(pages)):
        out.append([line for i, line in enumerate(lines) if i not in found])
        dropped += [lines[i] for i in found]
    return out, dropped


def furniture_warning(dropped: Sequence[str], pages: int, how: str = "") -> str:
    """The warning that names the ``dropped`` lines of furniture of ``pages`` pages, one of
    each kind (numbers aside), so that a line of speech taken for one is not lost unseen;
    ``how`` says how they were left out, if it needs saying.

    >>> furniture_warning(["Page 1 of 3", "Study 7", "Page 2 of 3", "Study 7"], 3)
    "left out 4 running header, footer and page-number line(s) of 3 page(s), such as 'Page 1 of 3', 'Study 7'"
    """
    kinds: dict[str, str] = {}
    for line in dropped:
        kinds.setdefault(_DIGITS.sub("#", line.strip()), line.strip())
    shown = ", ".join(repr(line) for line in list(kinds.values())[:3])
    more = f" and {len(kinds) - 3} other(s)" if len(kinds) > 3 else ""
    return (f"left out {len(dropped)} running header, footer and page-number line(s) of {pages} page(s), "
            f"such as {shown}{more}" + (f"; {how}" if how else ""))


def text_furniture(text: str, page_lines: Sequence[int] = ()) -> tuple[list[tuple[int, int]], int]:
    """Where the lines of ``text`` that are page furniture stand, ``(start, end)`` of each,
    and how many pages the text was found to have (none found: ``([], 0)``).

    With ``page_lines``, the indexes of the lines where a form feed started a page (two or
    more: three pages), the pages are read as a PDF's are (:func:`furniture_lines`). Without
    them, the text's pages are known only by the lines that name them (:data:`_NAMED_PAGE`:
    three or more, their numbers rising): those lines are furniture, and so are the lines
    beside them, up to :data:`EDGE` above and below, that recur beside at least half of
    them (numbers compared as equal), such as a running header below each page's footer. A
    line of a number alone is left alone there: it may be speech.

    >>> said = ("P: It was the nurse,", "I: Mm.", "P: who stayed late.")
    >>> text = "".join(f"{line}\\nPage {n} of 3\\nStudy 7\\n" for n, line in enumerate(said, 1))
    >>> spans, pages = text_furniture(text)
    >>> [text[a:b] for a, b in spans], pages
    (['Page 1 of 3', 'Study 7', 'Page 2 of 3', 'Study 7', 'Page 3 of 3', 'Study 7'], 3)
    >>> text_furniture("I: Page 3?\\nPage 3\\nPage 2\\nPage 4")  # not rising
    ([], 0)
    """
    paged = len(page_lines) >= 2
    if not paged:
        named = list(_NAMED_PAGE.finditer(text))
        numbers = [int(m["page"]) for m in named]
        if len(named) < 3 or any(b <= a for a, b in pairwise(numbers)):
            return [], 0
    lines = text.split("\n")
    offsets = list(accumulate((len(line) + 1 for line in lines), initial=0))
    if paged:
        starts = [0, *page_lines, len(lines)]
        found = [a + i for a, page in zip(starts, furniture_lines([lines[a:b] for a, b in pairwise(starts)]))
                 for i in page]
        pages = len(starts) - 1
    else:
        at = [bisect_right(offsets, m.start()) - 1 for m in named]
        found, pages = sorted({*at, *_running_beside(lines, at)}), len(at)
    return [(offsets[i], offsets[i] + len(lines[i])) for i in found], (pages if found else 0)


def _running_beside(lines: Sequence[str], named: Sequence[int]) -> set[int]:
    """Of the non-blank lines next to each line of ``named`` (up to :data:`EDGE` above and
    below) and at the top of the text (the first page's), those that recur there next to at
    least half of them (three or more), taken outwards from each while they do."""
    bounds = [-1, *named, len(lines)]
    # per side of a page's number, the non-blank lines there, nearest first; and the top of the first page
    beside: list[list[int]] = [[i for i in range(named[0]) if lines[i].strip()][:EDGE]]
    for before, at, after in zip(bounds, bounds[1:], bounds[2:]):  # (never past the next page's number)
        beside += [[i for i in range(at - 1, before, -1) if lines[i].strip()][:EDGE],
                   [i for i in range(at + 1, after) if lines[i].strip()][:EDGE]]
    counts = Counter(_key(lines[i]) for i in {i for side in beside for i in side})  # each line once
    running = {key for key, n in counts.items() if n >= max(3, len(named) / 2)}
    found = set()
    for side in beside:
        for i in side:
            if _key(lines[i]) not in running:
                break
            found.add(i)
    return found
