"""A time limit on reading one input, so that a file that keeps a reader busy cannot stall a batch.

A damaged or hostile file can keep a parser looping for hours (a Word 97 document whose
properties declared two billion values held ``olefile`` for minutes while memory grew by
gigabytes). :func:`within_time_limit` ends such a read after a number of seconds with E169
for that file, and the batch goes on with the others. On a process's main thread (in
process, local workers) a timer signal ends the read, in Python code or in a regular
expression's match; on any other thread (a Dask worker's) a timer thread raises the same
exception in the reading thread, which ends Python code only: one C call (a regular
expression's match, a library's parser) runs to its end first.

That exception is sent with ``PyThreadState_SetAsyncExc``, which lands at any step of
Python code, so the timer thread's code holds no lock the reading thread also takes
through Python code (``threading.Timer``'s ``Event`` does: an exception landing in
``Condition.__enter__`` after its lock was taken leaves it taken for ever). Nor is a sent
exception taken back by sending ``None``: on CPython 3.11 (what CI runs) that leaves the
interpreter's flag of a pending exception raised, which only a delivered exception
lowers; every thread then stops at every few steps to look for it, and under a trace
function (a debugger, ``coverage``) no thread goes on at all. A fired timer's
exception is instead replaced by one the reading thread takes at once.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TypeVar

from tr_nlp.errors import InputError

#: Longest a batch spends reading and segmenting one input, in seconds. The largest
#: transcript tr_nlp reads (50 MB of text) reads and splits into sentences in about a minute.
READ_SECONDS = 600.0

_T = TypeVar("_T")


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so that no reader's catch-all takes it for
    a damaged file and goes on."""


def within_time_limit(seconds: float, path: str | Path, work: Callable[[], _T]) -> _T:
    """``work()``, given at most ``seconds`` to finish, else InputError E169 for ``path``.

    No limit when ``seconds`` is not positive. (A function rather than a ``with`` block:
    the timer can fire at any step of Python code, and a context manager's own exit code
    runs outside its block; here every step until the timer is stopped is guarded.)

    >>> within_time_limit(5, "p07.txt", lambda: sum(range(1000)))
    499500
    >>> def stuck() -> None:
    ...     while True:
    ...         pass
    >>> try:
    ...     within_time_limit(0.05, "p07.doc", stuck)
    ... except InputError as error:
    ...     print(error.code)
    E169
    """
    if seconds <= 0:
        return work()
    on_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    timer = _SignalTimer(seconds) if on_main else _ThreadTimer(seconds)
    try:
        try:
            timer.start()
            return work()
        finally:
            _stop(timer)
    except _Expired:
        raise InputError("E169", path, seconds=f"{seconds:g}") from None


def _stop(timer: _SignalTimer | _ThreadTimer) -> None:
    """Stop ``timer``; where it fired as the work ended, its exception reaches this thread
    at a later step of Python code, maybe in here: the work is done, so it is dropped and
    the timer stopped again (each stop may be repeated)."""
    while True:
        try:
            timer.stop()
            return
        except _Expired:
            continue


class _SignalTimer:
    """A ``SIGALRM`` timer (main thread only) whose handler raises :class:`_Expired`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.previous: Callable[[int, FrameType | None], object] | int | None = None

    def start(self) -> None:
        self.previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        previous = self.previous  # None: a handler set outside Python, which cannot be put back
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


def _expire(signum: int, frame: FrameType | None) -> None:
    raise _Expired


class _ThreadTimer:
    """A timer thread that raises :class:`_Expired` in the thread that started it
    (``PyThreadState_SetAsyncExc``), unless stopped first."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread = ctypes.c_ulong(threading.get_ident())
        self.lock = threading.Lock()  # taken by ``with`` only: no Python step between taking and guarding it
        self.wake = threading.Lock()  # held until stop() lets the timer thread end early
        self.wake.acquire()
        self.running = self.fired = self.woken = False

    def start(self) -> None:
        self.running = True
        threading.Thread(target=self._wait, name="tr-nlp-time-limit", daemon=True).start()

    def _wait(self) -> None:
        if not self.wake.acquire(timeout=self.seconds):
            with self.lock:
                if self.running:
                    self.fired = True
                    _send(self.thread, _Expired)

    def stop(self) -> None:
        """Stop the timer and, if it fired, put out its exception, whether that reached this
        thread yet or not. Safe to repeat where the exception lands in here."""
        with self.lock:
            self.running = False  # the timer thread sends nothing after this
        if not self.woken:
            self.woken = True  # before the release: a repeat never releases twice
            self.wake.release()
        if self.fired:
            _put_out(self.thread)
            self.fired = False


class _PutOut(BaseException):
    """Sent to a thread to replace its timer's exception, and taken at once."""


def _send(thread: ctypes.c_ulong, exception: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(exception))


def _put_out(thread: ctypes.c_ulong) -> None:
    """Replace an exception sent to this thread (``thread``) and not delivered yet with
    :class:`_PutOut`, and take that: a delivered exception is what lowers the interpreter's
    flag of a pending one."""
    try:  # it lands as the call that sends it returns, or at the loop's first jump back
        _send(thread, _PutOut)
        while True:
            pass
    except _PutOut:
        pass
