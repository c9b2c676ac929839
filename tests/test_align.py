"""Offsets moved between two versions of one transcript."""

from __future__ import annotations

import pytest

from tr_nlp.ingest.align import TextMap
from tr_nlp.ingest.base import ReadResult
from tr_nlp.ingest.combine import moved_onto
from tr_nlp.schema import Coding, Interview, Reviewed

OLD = ("I: Who helped?\nP: The nurse. She rang on her day-off.\nI: And the ward?\n"
       "P: Loud. Um, I mean, nobody had time. Nobody.\n")
NEW = ("I: Who helped you?\nP: The nurse, Jo. She rang on her day off.\nI: Mm.\nI: And the ward?\n"
       "P: Loud. Nobody had time. Nobody.\n")


@pytest.mark.parametrize("phrase", ["The nurse", "She rang on her day", "And the ward?", "Nobody had time"[:6],
                                    "Loud.", "had time. Nobody."])
def test_a_phrase_both_versions_hold_keeps_its_words(phrase):
    moved = TextMap.between(OLD, NEW)
    start = OLD.index(phrase)
    assert NEW[moved.start(start):moved.end(start + len(phrase))] == phrase


def test_a_span_over_a_change_covers_the_new_wording_and_one_inside_a_deletion_is_empty():
    moved = TextMap.between(OLD, NEW)
    start, end = OLD.index("day-off"), OLD.index("day-off") + len("day-off")
    assert NEW[moved.start(start):moved.end(end)] == "day off"
    start = OLD.index("Um, I mean, ")
    assert moved.span(start, start + len("Um, I mean,")) is None  # deleted: nothing left to code
    assert NEW[slice(*moved.span(start - 6, start + 8))] == "Loud. N"  # the words kept, and the new wording
    assert TextMap.between(OLD, OLD).similarity == 1.0 and TextMap.between(OLD, OLD).changes == 0


def test_codings_and_read_passages_are_moved_and_those_on_deleted_words_left_out():
    moved = {"p1": TextMap.between(OLD, NEW)}
    um = OLD.index("Um, I mean,")
    day = OLD.index("day-off")
    read = ReadResult([Interview("p1", OLD)],
                      [Coding("p1", day, day + 7, "beyond_routine", "Ben"), Coding("p1", um, um + 11, "x", "Ben"),
                       Coding("p2", 0, 3, "x", "Ben")],
                      reviewed=[Reviewed("p1", 0, len(OLD), "Ben")])
    found, lost = moved_onto(read, moved)
    assert [(c.interview_id, NEW[c.start:c.end] if c.interview_id == "p1" else c.start) for c in found.codings] == [
        ("p1", "day off"), ("p2", 0)]
    assert lost == 1 and (found.reviewed[0].start, found.reviewed[0].end) == (0, len(NEW))


def _copy(lines: list[str], kind: str) -> tuple[str, str, list[int]]:
    """The text of ``lines``, a copy of it whose every line differs (``kind``), and where each
    character of the text stands in the copy (-1: changed)."""
    text, copy, where = [], [], []
    at = 0
    for k, line in enumerate(lines):
        label, speech = line.split(" ", 1)
        if kind == "labels":
            label_copy = {"I:": "Interviewer:", "P:": "Participant:"}[label]
        else:
            label_copy = label
        if kind == "edited" and k % 7 == 3:  # a word corrected here and there, spaces everywhere
            speech_copy = speech.replace("nurse", "nurses", 1)
        else:
            speech_copy = speech
        sep = "\n" if k < len(lines) - 1 else ""
        sep_copy = {"spaces": "  \n", "edited": " \n", "rewrapped": " " if k % 2 else "\n"}.get(kind, "\n") if sep else ""
        text.append(f"{label} {speech}{sep}")
        copy.append(f"{label_copy} {speech_copy}{sep_copy}")
        where += [-1] * (len(label) + 1)
        same = speech_copy == speech
        start = at + len(label_copy) + 1
        where += [start + i if same else -1 for i in range(len(speech))] + [-1] * len(sep)
        at += len(label_copy) + 1 + len(speech_copy) + len(sep_copy)
    return "".join(text), "".join(copy), where


@pytest.mark.parametrize("char_pairs", [None, 60])  # as it is, and every stretch past characters at once
@pytest.mark.parametrize("kind", ["spaces", "labels", "rewrapped", "edited"])
def test_a_long_copy_whose_every_line_differs_keeps_each_passage_on_its_words(kind, char_pairs, monkeypatch):
    # a copy whose every line differs (spaces at the line ends, labels written out, lines
    # joined) was one changed stretch, matched character by character at once: 80,000
    # characters took 305 s (benchmarks/align_copies.py); lines and words anchor it now
    import random
    import re

    from tr_nlp.ingest import align

    if char_pairs is not None:
        monkeypatch.setattr(align, "_CHAR_PAIRS", char_pairs)
    rng = random.Random(1)
    vocabulary = ["the", "nurse", "came", "back", "on", "her", "day", "off", "and", "she", "rang", "me", "you", "know",
                  "um", "I", "mean", "it", "was", "kind", "Karen", "ward", "honestly", "never", "felt", "rushed"]
    lines = [f"{rng.choice(['I:', 'P:'])} " + " ".join(rng.choices(vocabulary, k=rng.randint(4, 20))) + "."
             for _ in range(300)]
    old, new, where = _copy(lines, kind)
    moved = TextMap.between(old, new)
    at = (0, 0)  # the blocks tile both texts in order, an equal block on equal characters
    for tag, i1, i2, j1, j2 in moved.blocks:
        assert (i1, j1) == at and (tag != "equal" or old[i1:i2] == new[j1:j2])
        at = (i2, j2)
    assert at == (len(old), len(new))
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", old)]
    checked = 0
    while checked < 150:
        i = rng.randrange(len(words) - 6)
        start, end = words[i][0], words[i + rng.randrange(6)][1]
        if "\n" in old[start:end] or -1 in where[start:end]:
            continue
        checked += 1
        assert moved.span(start, end) == (where[start], where[end - 1] + 1), (kind, old[start:end])
