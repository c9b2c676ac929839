"""Free at once the memory a block leaves in reference cycles.

python-docx's objects refer to each other in cycles (a package holds its parts, each part
its package), so a Word document's XML trees, held in lxml's own memory, are freed only by
Python's full garbage collection. A process holding a model or a large corpus runs that
rarely: writing the demo's interviews as 1,500 Word documents beside the sentence encoder
grew a process from 586 to 764 MB (``benchmarks/word_memory.py``). :func:`freeing_cycles`
collects what a block leaves in cycles as it ends, looking only at the objects made inside
it (the rest of the heap is set aside with :func:`gc.freeze` meanwhile), so it costs next to
nothing: the same 1,500 documents left 588 MB (from 582), in the same 40 s.

Examples
--------
>>> import gc
>>> class Node:
...     pass
>>> with freeing_cycles():
...     a, b = Node(), Node()
...     a.other, b.other = b, a
...     del a, b
>>> [o for o in gc.get_objects() if type(o) is Node]
[]
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeing_cycles"]

# how many blocks are open (in any thread): a block inside another leaves the freezing and
# the collection to the outermost one, without counting the frozen heap, which walks all of
# it (19 ms a call with the sentence encoder loaded: 40% of what a batch's Word document cost)
_open = 0
_lock = threading.Lock()
#: Objects in the permanent generation as this module was imported: none on most Pythons,
#: but CPython 3.12 starts with some of its own there (375 on 3.12.1), frozen by no caller.
_FROZEN_AT_IMPORT = gc.get_freeze_count()


@contextmanager
def freeing_cycles() -> Iterator[None]:
    """Collect, as the block ends, the reference cycles made inside it and no longer used.

    Objects alive before the block are frozen (:func:`gc.freeze`) while it runs, so the
    collection at its end scans only what the block made, then unfrozen into the oldest
    generation. A block inside another (in any thread) leaves that to the outermost one.
    Nothing is done where the garbage collector is disabled or objects are already frozen by
    the caller (more than were as this module was imported), whose choice it leaves as it is.
    """
    global _open
    with _lock:
        outermost = _open == 0 and gc.isenabled() and gc.get_freeze_count() <= _FROZEN_AT_IMPORT
        _open += 1
        if outermost:
            gc.freeze()
    try:
        yield
    finally:
        try:
            if outermost:
                try:
                    gc.collect()
                finally:
                    gc.unfreeze()
        finally:
            with _lock:
                _open -= 1
