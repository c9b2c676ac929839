"""One batch at a time per output folder.

Two runs into one folder (a scheduled job that overlaps the previous one, a second
terminal) would code the same files twice, and one run's clean-up of unrecorded part
files could delete a part the other has written but not yet recorded. A run therefore
holds an exclusive lock on ``OUT/.lock`` while it works; a second run fails at once with
E176. The operating system drops the lock when the process ends, however it ends
(``kill -9`` included), so a crashed run never leaves the folder locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tr_nlp.errors import OutputError

LOCK_NAME = ".lock"


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[Path]:
    """Hold the exclusive lock of ``folder`` for the duration of the ``with`` block.

    Raises
    ------
    OutputError
        E176 when another process holds it; E170 when the lock file cannot be opened.
    """
    path = Path(folder) / LOCK_NAME
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the block
    except OSError as exc:
        raise OutputError("E170", path, detail=exc.strerror or exc) from None
    try:
        if not _try_lock(handle):
            raise OutputError("E176", Path(folder), pid=_holder(handle))
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing the file releases the lock


def _holder(handle: IO[str]) -> str:
    """The process id the lock's holder wrote, when it can be read (Windows locks the byte)."""
    try:
        handle.seek(0)
        return handle.read().strip() or "unknown"
    except OSError:
        return "unknown"


def _try_lock(handle: IO[str]) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
