"""The batch manifest: what was done to which input, keyed so a re-run skips finished work.

One SQLite file in the output folder. A file's row says which content (sha256), model and
segmentation settings it was coded with, and where its results are. A re-run skips a
file whose row matches all three; an edited file, a new model or other settings redo it.
Every row is committed only after the file's outputs are on disk, so a run killed at any
moment leaves either a finished row with its outputs, or no row and work to redo.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from tr_nlp.errors import OutputError

MANIFEST_NAME = "manifest.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,      -- the input, resolved
    sha TEXT NOT NULL,          -- sha256 of its bytes
    job TEXT NOT NULL,          -- hash of model + settings
    status TEXT NOT NULL,       -- done | failed
    part TEXT,                  -- results file under suggestions/, when done
    interviews TEXT NOT NULL,   -- JSON list of interview ids
    segments INTEGER NOT NULL,
    code TEXT,                  -- error code, when failed
    message TEXT,
    seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS interviews (
    interview_id TEXT PRIMARY KEY,
    path TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    """One input's row in the manifest."""

    path: str
    sha: str
    job: str
    status: str
    part: str | None
    interviews: tuple[str, ...]
    segments: int
    code: str | None = None
    message: str | None = None
    seconds: float = 0.0


_COLUMNS = {"files": [f.name for f in fields(Entry)], "interviews": ["interview_id", "path"]}


class Manifest:
    """The manifest of one output folder (see the module docstring).

    Parameters
    ----------
    folder : path
        The batch's output folder.
    replace_damaged : bool
        When the manifest there is damaged (not SQLite, corrupt, or tables of another
        shape), delete it and start an empty one rather than raise E175. Every input is
        then coded again (``--force``).

    Raises
    ------
    OutputError
        E170 when the file cannot be opened or written; E175 when it is damaged.
    """

    def __init__(self, folder: str | Path, replace_damaged: bool = False):
        self.path = Path(folder) / MANIFEST_NAME
        try:
            self._db = self._open()
        except OutputError as exc:
            if exc.code != "E175" or not replace_damaged:
                raise
            for leftover in (self.path, self.path.with_name(self.path.name + "-journal")):
                leftover.unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=60)
        except sqlite3.Error as exc:
            raise OutputError("E170", self.path, detail=exc) from None
        try:
            db.executescript(_SCHEMA)
            problem = _damage(db)
            if not problem:  # for done_with (inputs moved since): on tables of the shape checked
                db.execute("CREATE INDEX IF NOT EXISTS files_by_sha ON files (sha)")
        except sqlite3.OperationalError as exc:  # locked, read-only, disk full...
            db.close()
            raise OutputError("E170", self.path, detail=exc) from None
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
            problem = str(exc)
        if problem:
            db.close()
            raise OutputError("E175", self.path, detail=problem)
        return db

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def get(self, path: str) -> Entry | None:
        """The row for ``path``, if any."""
        row = self._db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()
        return None if row is None else _entry(row)

    def owner(self, interview_id: str) -> str | None:
        """The input that produced ``interview_id``, if any."""
        row = self._db.execute("SELECT path FROM interviews WHERE interview_id = ?", (interview_id,)).fetchone()
        return None if row is None else str(row[0])

    def interview_ids(self) -> list[str]:
        """Every interview id a done input produced."""
        return [str(row[0]) for row in self._db.execute("SELECT interview_id FROM interviews")]

    def record(self, entry: Entry, replaces: Sequence[str] = ()) -> None:
        """Replace ``entry.path``'s row and its interviews, and delete the rows of the
        inputs ``replaces`` names (inputs moved away, whose work ``entry`` takes over),
        in one transaction."""
        with self._db:
            for path in replaces:
                self._db.execute("DELETE FROM files WHERE path = ?", (path,))
                self._db.execute("DELETE FROM interviews WHERE path = ?", (path,))
            self._db.execute("DELETE FROM interviews WHERE path = ?", (entry.path,))
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.path, entry.sha, entry.job, entry.status, entry.part, json.dumps(list(entry.interviews)),
                 entry.segments, entry.code, entry.message, entry.seconds),
            )
            if entry.status == "done":
                self._db.executemany("INSERT INTO interviews VALUES (?, ?)",
                                     [(iid, entry.path) for iid in entry.interviews])

    def done_with(self, sha: str, job: str) -> list[Entry]:
        """The done rows of inputs of these bytes (sha256) coded for this job, by path."""
        rows = self._db.execute("SELECT * FROM files WHERE sha = ? AND job = ? AND status = 'done' ORDER BY path",
                                (sha, job))
        return [_entry(row) for row in rows]

    def entries(self) -> Iterator[Entry]:
        """Every row, ordered by input path (so combined outputs do not depend on timing)."""
        for row in self._db.execute("SELECT * FROM files ORDER BY path"):
            yield _entry(row)


def _damage(db: sqlite3.Connection) -> str:
    """What is wrong with an opened manifest ("" when nothing is): its integrity, then its tables' columns."""
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        return f"integrity check: {check}"
    for table, expected in _COLUMNS.items():
        found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        if found != expected:
            return f"table '{table}' has columns {', '.join(found)}, expected {', '.join(expected)}"
    return ""


def _entry(row: tuple) -> Entry:
    path, sha, job, status, part, interviews, segments, code, message, seconds = row
    return Entry(path, sha, job, status, part, tuple(json.loads(interviews)), int(segments), code, message,
                 float(seconds))
