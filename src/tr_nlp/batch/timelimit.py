"""A time limit on reading one input, so that a file that keeps a reader busy cannot stall a batch.

A damaged or hostile file can keep a parser looping for hours (a Word 97 document whose
properties declared two billion values held ``olefile`` for minutes while memory grew by
gigabytes). :func:`time_limit` ends such a read after a number of seconds with E169 for
that file, and the batch goes on with the others. The limit is enforced with a timer
signal, so it works where the batch runs its tasks on a process's main thread (in
process, local workers) and ends Python code only; on a Dask worker's threads, or off
Unix, it does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from tr_nlp.errors import InputError

#: Longest a batch spends reading and segmenting one input, in seconds. The largest
#: transcript tr_nlp reads (50 MB of text) reads and splits into sentences in about a minute.
READ_SECONDS = 600.0


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so that no reader's catch-all takes it for
    a damaged file and goes on."""


@contextmanager
def time_limit(seconds: float, path: str | Path) -> Iterator[None]:
    """Run the block with at most ``seconds`` to finish, else raise E169 for ``path``.

    Does nothing when ``seconds`` is not positive, off the main thread, or where there is
    no timer signal.

    >>> with time_limit(5, "p07.txt"):
    ...     total = sum(range(1000))
    >>> try:
    ...     with time_limit(0.05, "p07.doc"):
    ...         while True:
    ...             pass
    ... except InputError as error:
    ...     print(error.code)
    E169
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise InputError("E169", path, seconds=f"{seconds:g}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)  # None: set outside Python
