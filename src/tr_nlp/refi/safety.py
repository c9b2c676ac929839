"""Reading untrusted REFI-QDA projects: a guarded zip and a defused XML parser.

A ``.qdpx`` is a zip written by someone else's software. Nothing in it is extracted to
disk: the members tr_nlp needs are read into memory, each read capped, after the whole
archive has passed these checks:

- no entry with an absolute path, a drive letter or a ``..`` part (zip-slip);
- no zip bomb: no entry over 1 MB compresses better than 100 to 1
  (:func:`tr_nlp.zipguard.bomb_reason`, the policy .docx and .xlsx files are read under
  too), and what is read into memory stays under ``max_mb`` in all, counted by the sizes
  the members declare before each is read. A project's audio, video and pictures are never
  read (a copy of the project streams them), so a project holding gigabytes of interview
  recordings is read;
- XML is parsed with ``defusedxml``: entity declarations (billion laughs) and external
  entities or DTDs are refused.

Every refusal is an :class:`~tr_nlp.errors.ArchiveError` naming the file and the reason.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import ArchiveError, InputError
from tr_nlp.zipguard import CORRUPT_ZIP_ERRORS, bomb_reason

#: Largest declared uncompressed total of the members read from one project (its document
#: and text sources; audio and video are streamed when a project is copied, never read).
MAX_MB = 500
#: bytes per chunk when a member is streamed
_CHUNK = 2**20


def unsafe_reason(name: str) -> str | None:
    """Why a member or referenced path may not be used, or None when it is safe."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "it is an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "it climbs out of the archive with '..'"
    return None


class SafeZip:
    """A zip archive checked against zip-slip and zip bombs, read member by member.

    Parameters
    ----------
    path : path
        The ``.qdpx`` file.
    max_mb : int
        Largest declared uncompressed total of the members :meth:`read` reads.
    """

    def __init__(self, path: str | Path, max_mb: int = MAX_MB):
        self.path, self.max_mb, self._unpacked = Path(path), max_mb, 0
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except CORRUPT_ZIP_ERRORS as exc:
            raise ArchiveError("E200", self.path, detail=f"not a readable zip archive ({exc})") from None
        for info in infos:
            reason = unsafe_reason(info.filename)
            if reason:
                self.close()
                raise ArchiveError("E201", self.path, entry=info.filename, reason=reason)
        bomb = bomb_reason(infos)
        if bomb:
            self.close()
            raise ArchiveError("E202", self.path, entry=bomb[0], detail=bomb[1])
        self._infos = {i.filename: i for i in infos if not i.is_dir()}
        self._folded = {name.casefold(): name for name in self._infos}

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self._zip.close()

    @property
    def names(self) -> list[str]:
        """Member file names, in archive order."""
        return list(self._infos)

    def find(self, name: str) -> str | None:
        """The member called ``name``, compared case-insensitively (NVivo writes ``Sources/``)."""
        return self._folded.get(name.replace("\\", "/").lstrip("./").casefold())

    def info(self, name: str) -> zipfile.ZipInfo:
        """The archive's record of one member (its date, compression, attributes)."""
        return self._infos[name]

    def read(self, name: str) -> bytes:
        """Read one member, never more than it declared, nor past ``max_mb`` read in all."""
        info = self._infos[name]
        if self._unpacked + info.file_size > self.max_mb * 2**20:
            raise InputError("E210", self.path, entry=name, size=f"{(self._unpacked + info.file_size) / 2**20:,.0f}",
                               limit=self.max_mb)
        self._unpacked += info.file_size
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except CORRUPT_ZIP_ERRORS as exc:
            raise ArchiveError("E200", self.path, detail=f"entry {name!r} is corrupt ({exc})") from None
        if len(data) > info.file_size:
            raise ArchiveError("E202", self.path, entry=name, detail="it holds more data than it declares")
        return data

    def copy(self, name: str, target: IO[bytes]) -> None:
        """Stream one member into ``target`` in chunks (audio and video of any size), never
        more than it declared; what is copied does not count towards ``max_mb``."""
        try:
            with self._zip.open(self._infos[name]) as handle:
                shutil.copyfileobj(handle, target, _CHUNK)
        except CORRUPT_ZIP_ERRORS as exc:
            raise ArchiveError("E200", self.path, detail=f"entry {name!r} is corrupt ({exc})") from None


def parse_xml(data: bytes, where: str) -> Element:
    """Parse untrusted XML; entities, external references and DTDs with entities are refused."""
    try:
        return DefusedET.fromstring(data)
    except defusedxml.EntitiesForbidden as exc:
        raise ArchiveError("E203", where, detail=f"it declares the entity {exc.name!r}") from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise ArchiveError("E203", where, detail=f"it refers to an external resource ({exc.sysid})") from None
    except defusedxml.DefusedXmlException as exc:
        raise ArchiveError("E203", where, detail=str(exc)) from None
    except ParseError as exc:
        raise InputError("E204", where, detail=exc) from None
    except LookupError as exc:  # an XML declaration naming an encoding Python does not know
        raise InputError("E204", where, detail=f"its declaration names an unknown encoding ({exc})") from None
