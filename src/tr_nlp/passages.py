"""Where a suggestion's evidence stands in its segment's text.

A suggestion's ``evidence`` cell holds passages of its segment, "; "-joined, as
:func:`tr_nlp.coding.evidence.top_passages` writes them (cells written before passages
were hold single words, lower-cased). Reports mark them in the segment and pseudonymised
outputs cut them again from the new text, so this module is kept light: commands that
only read and write transcripts import it without the model libraries.
"""

from __future__ import annotations

import re

from tr_nlp.ingest.speakers import blank_time_marks
from tr_nlp.schema import evidence_passages

#: a word as a transcript writes it, its apostrophes inside it
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
_ENDS = ".!?;:\u2026\n"
#: what a passage of evidence does not reach across: the end of a sentence, a colon or
#: semicolon (a cell's passages are "; "-joined), a line break
BREAK = re.compile(f"[{re.escape(_ENDS)}]")


def passage_places(text: str, evidence: object) -> list[tuple[int, int]]:
    """Where the passages of an ``evidence`` cell (as :func:`~tr_nlp.coding.evidence.top_passages` writes them; the
    words of older cells, too) stand in ``text``: each place their words stand in, in any
    case, either apostrophe, any spacing, within a sentence, across a transcriber's time
    marks (the model read the text without them); in order of where they start.

    >>> passage_places("Then she stayed  late. She stayed", "She stayed late; she")
    [(5, 8), (5, 21), (23, 26)]
    >>> passage_places("She stayed [00:01:02] late.", "stayed late")
    [(4, 26)]
    """
    text = blank_time_marks(text)
    return sorted(found.span() for passage in evidence_passages(evidence)
                  if (pattern := _passage_pattern(passage)) for found in pattern.finditer(text))


def marked(text: str, evidence: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is in a passage of ``evidence``
    (:func:`passage_places`), so a reader can be shown where they are; overlapping
    passages are one marked piece.

    >>> marked("She stayed. SHE didn\u2019t go", "she; didn't")
    [('She', True), (' stayed. ', False), ('SHE', True), (' ', False), ('didn\u2019t', True), (' go', False)]
    >>> marked("Then she stayed  late. She stayed", "She stayed late")
    [('Then ', False), ('she stayed  late', True), ('. She stayed', False)]
    """
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in passage_places(text, evidence):
        if end <= at:
            continue
        if start < at:  # overlapping the piece marked last: one marked piece
            pieces[-1] = (pieces[-1][0] + text[at:end], True)
        else:
            pieces += [(text[at:start], False)] if start > at else []
            pieces.append((text[start:end], True))
        at = end
    return pieces + ([(text[at:], False)] if at < len(text) else [])


def _passage_pattern(passage: str) -> re.Pattern[str] | None:
    """Where ``passage``'s words stand in a text, in any case, either apostrophe, whatever
    lies between them but a :data:`BREAK`."""
    said = [re.escape(word).replace("'", "['\u2019]")
            for word in WORD.findall(passage.replace("\u2019", "'"))]
    between = rf"[^\w{re.escape(_ENDS)}]+"
    return re.compile(rf"(?<!\w){between.join(said)}(?!\w)", re.IGNORECASE) if said else None
