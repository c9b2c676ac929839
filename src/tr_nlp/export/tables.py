"""Write tables (CSV, Parquet, JSONL) and JSON atomically: a temp file, then a rename.

A reader never sees a half-written file, and an interrupted run leaves the previous
output (or nothing) in place.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.csvsafe import write_csv
from tr_nlp.errors import OutputError

TABLE_SUFFIXES = (".csv", ".parquet", ".jsonl")


def check_file_path(path: str | Path, suffixes: tuple[str, ...]) -> Path:
    """``path`` if it can become a file of one of ``suffixes``, so a run can refuse it before any work.

    Raises
    ------
    OutputError
        E171 when the extension is not one of ``suffixes``; E174 when ``path`` is a folder;
        E173 when a folder it would go into is a file.
    """
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise OutputError("E171", path, suffix=path.suffix or "(none)", expected=", ".join(suffixes))
    if path.is_dir():
        raise OutputError("E174", path)
    _refuse_a_file_above(path)
    return path


def check_table_path(path: str | Path) -> Path:
    """``path`` if it can become a table (:data:`TABLE_SUFFIXES`); see :func:`check_file_path`."""
    return check_file_path(path, TABLE_SUFFIXES)


def check_folder_path(path: str | Path, what: str) -> Path:
    """``path`` unless it is an existing file, so a run can refuse it before any work.

    ``what`` says what goes into the folder (``"the model"``), for the message.

    Raises
    ------
    OutputError
        E173 when ``path``, or a folder it would go into, is a file.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError("E173", path, what=what)
    _refuse_a_file_above(path)
    return path


def _refuse_a_file_above(path: Path) -> None:
    """E173 naming the nearest folder above ``path`` that is a file (``notes.txt/out.csv``),
    where writing would fail with an unhelpful "File exists" or "Not a directory"."""
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError("E173", parent, what=str(path))
            return


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()  # once, at import: os.umask can only be read by setting it


@contextmanager
def atomic_path(path: str | Path, private: bool = False) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path`` in one rename.

    The file gets the permissions a plain ``open(path, "w")`` would give it: those of the
    file it replaces, else what the umask allows (a temp file alone would be owner-only,
    unreadable to a team sharing the output folder). ``private`` makes it owner-only
    (``0o600``), as for the pseudonymisation mapping, which can re-identify participants.
    """
    path = Path(path)
    _refuse_a_file_above(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        mode = 0o600 if private else stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_UMASK
    except OSError as exc:
        raise OutputError("E170", path, detail=exc.strerror or exc) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # after the writer: some (safetensors) replace the temp file with one of their own
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except OSError as exc:
        raise OutputError("E170", path, detail=exc.strerror or exc) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path``; the format comes from the extension."""
    path = check_table_path(path)
    suffix = path.suffix.lower()
    writers: dict[str, Callable[[Path], Any]] = {
        ".csv": lambda p: write_csv(frame, p),
        ".parquet": lambda p: frame.to_parquet(p, index=False),
        ".jsonl": lambda p: frame.to_json(p, orient="records", lines=True, force_ascii=False),
    }
    with atomic_path(path) as tmp:
        writers[suffix](tmp)
    return path


def write_json(data: Any, path: str | Path) -> Path:
    """Write ``data`` as indented UTF-8 JSON, atomically; a missing figure (NaN, an
    infinity) is ``null``, as strict JSON readers (jq, JavaScript) need.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run.json"
    >>> print(write_json({"kappa": float("nan"), "ci": [0.5, float("inf")]}, out).read_text(), end="")
    {
      "kappa": null,
      "ci": [
        0.5,
        null
      ]
    }
    """
    return write_text(json.dumps(_strict(data), indent=2, ensure_ascii=False, default=str) + "\n", path)


def _strict(data: Any) -> Any:
    """``data`` with every non-finite float as None."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _strict(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_strict(value) for value in data]
    return data


def write_text(text: str, path: str | Path, private: bool = False) -> Path:
    """Write UTF-8 text atomically (owner-only if ``private``: see :func:`atomic_path`)."""
    path = Path(path)
    with atomic_path(path, private) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return path
