"""Reference cycles a block leaves are freed as it ends (python-docx's documents hold them)."""

import gc
import weakref

import pytest

from tr_nlp.memory import freeing_cycles


class Node:
    """An object that can sit in a reference cycle and be watched with a weak reference."""


def _cycle() -> weakref.ref:
    """Make two objects that refer to each other, drop them; a weak reference to one."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_cycles_made_in_the_block_are_freed_as_it_ends(no_automatic_collection):
    before = _cycle()  # made before the block: set aside, not looked at, not lost
    with freeing_cycles():
        inside = _cycle()
        assert inside() is not None
        kept = Node()
        kept.self = kept  # a cycle still in use
    assert inside() is None
    assert before() is not None
    assert kept.self is kept
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert before() is None


def test_an_error_in_the_block_still_frees_and_unfreezes(no_automatic_collection):
    with pytest.raises(KeyError), freeing_cycles():
        inside = _cycle()
        raise KeyError("x")
    assert inside() is None
    assert gc.get_freeze_count() == 0


def test_a_caller_s_frozen_objects_and_disabled_collector_are_left_as_they_are(no_automatic_collection):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with freeing_cycles():
            inside = _cycle()
        # still frozen (an object of the frozen heap that dies meanwhile leaves it: the count may fall)
        assert 0 < gc.get_freeze_count() <= frozen
        assert inside() is not None  # the caller froze the heap: no collection of ours
    finally:
        gc.unfreeze()
    gc.collect()
    assert inside() is None

    gc.disable()
    try:
        with freeing_cycles():
            inside = _cycle()
        assert not gc.isenabled()
        assert inside() is not None
    finally:
        gc.enable()


def test_objects_python_itself_froze_are_no_caller_s(no_automatic_collection, monkeypatch):
    # CPython 3.12.1 starts with 375 objects of its own frozen: taken for a caller's choice,
    # no block freed anything there (a batch's Word documents stayed in memory)
    from tr_nlp import memory

    real = gc.get_freeze_count
    monkeypatch.setattr(memory, "_FROZEN_AT_IMPORT", memory._FROZEN_AT_IMPORT + 375)
    monkeypatch.setattr(gc, "get_freeze_count", lambda: real() + 375)
    with freeing_cycles():
        inside = _cycle()
    assert inside() is None
    monkeypatch.undo()
    assert gc.get_freeze_count() == 0


def test_a_block_inside_another_does_not_count_the_frozen_heap(no_automatic_collection, monkeypatch):
    # counting walks every frozen object: with a model loaded, 19 ms for each Word document's inner block
    with freeing_cycles():
        monkeypatch.setattr(gc, "get_freeze_count", lambda: pytest.fail("the frozen heap was counted"))
        with freeing_cycles():
            inner = _cycle()
        monkeypatch.undo()
        assert gc.get_freeze_count() > 0  # the inner block left the outer one's freeze alone
    assert inner() is None and gc.get_freeze_count() == 0


def test_blocks_nest(no_automatic_collection):
    with freeing_cycles():
        with freeing_cycles():
            inner = _cycle()
        assert inner() is not None  # the outer block collects
        outer = _cycle()
    assert inner() is None
    assert outer() is None
    assert gc.get_freeze_count() == 0
