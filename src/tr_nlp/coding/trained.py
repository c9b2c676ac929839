"""Which interviews a model was trained on, known by their words.

A model card lists its training interviews as fingerprints of their text
(:func:`~tr_nlp.hashing.text_fingerprint`), so one read from another file format still
counts, and as sketches of their four-word runs (:func:`~tr_nlp.hashing.text_sketch`), so
one edited after training (typos corrected, names replaced) still counts when at least
:data:`~tr_nlp.hashing.NEAR_COPY` of its runs are a training interview's. A held-out test
leaves them out (:func:`~tr_nlp.coding.evaluate.held_out`); ``code``, ``next`` and ``batch``
say which interviews given them were among them (:func:`training_warnings`): a model's
suggestions on the interviews it learned from repeat their coding.

Examples
--------
>>> from tr_nlp.hashing import text_fingerprint, text_sketch
>>> from tr_nlp.schema import Interview
>>> said = "She rang me on her day off, and she did not have to do that, you know, nobody asked her to. " * 3
>>> card = {"training_fingerprints": [text_fingerprint(said)], "training_sketches": [text_sketch(said)]}
>>> among_training(card, [Interview("copy", said), Interview("new", "We talked about the weather mostly.")])
LeftOut(same=['copy'], edited={})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tr_nlp.hashing import copies_of, text_fingerprint, text_sketch
from tr_nlp.schema import Interview


@dataclass(frozen=True)
class LeftOut:
    """The interviews among a model's training ones: those with a training interview's very
    words, and edited copies of one with the share of their four-word runs found in it."""

    same: list[str] = field(default_factory=list)
    edited: dict[str, float] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [*self.same, *self.edited]


def among_training(card: Mapping[str, Any], interviews: Iterable[Interview]) -> LeftOut:
    """The ``interviews`` that were among ``card``'s model's training interviews, or are
    edited copies of one; none for a card that lists none (a model trained before tr_nlp
    recorded them)."""
    interviews = list(interviews)
    trained = set(card.get("training_fingerprints") or ())
    same = [iv.id for iv in interviews if text_fingerprint(iv.text) in trained]
    sketches, seen = card.get("training_sketches") or (), set(same)
    rest = [iv for iv in interviews if iv.id not in seen] if sketches else []
    return LeftOut(same, copies_of({iv.id: text_sketch(iv.text) for iv in rest}, sketches))


def training_warnings(card: Mapping[str, Any], interviews: Iterable[Interview]) -> list[tuple[Interview, str]]:
    """Each of ``interviews`` that was among ``card``'s model's training interviews (or is
    an edited copy of one), with what that means for its suggestions.

    >>> from tr_nlp.hashing import text_fingerprint
    >>> said = "She rang me on her day off, and she did not have to do that. " * 3
    >>> [(iv.id, why[:58]) for iv, why in training_warnings({"training_fingerprints": [text_fingerprint(said)]},
    ...                                                      [Interview("copy", said)])]
    [('copy', 'was among the interviews the model was trained on: its sug')]
    """
    interviews = list(interviews)
    found = among_training(card, interviews)
    if not found.ids:
        return []
    why = (": its suggestions here repeat what it learned from the coding of that interview, so they are no guide "
           "to what it finds in new ones (nor a test of it: judge it on interviews it never saw, with evaluate "
           "--model)")
    said = []
    for interview in interviews:
        if interview.id in found.same:
            said.append((interview, f"was among the interviews the model was trained on{why}"))
        elif interview.id in found.edited:
            share = found.edited[interview.id]
            copy = (f"is an edited copy of an interview the model was trained on ({share:.0%} of its four-word "
                    f"runs are that one's){why}")
            said.append((interview, copy))
    return said
