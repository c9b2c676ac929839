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
