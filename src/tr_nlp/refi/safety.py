"""Reading untrusted REFI-QDA projects: a guarded zip and a defused XML parser.

A ``.qdpx`` is a zip written by someone else's software. Nothing in it is extracted to
disk: the members tr_nlp needs are read into memory, each read capped, after the whole
archive has passed these checks:

- no entry with an absolute path, a drive letter or a ``..`` part (zip-slip);
- no zip bomb: the declared uncompressed total stays under ``max_mb`` and no entry over
  1 MB compresses better than 100 to 1 (:func:`tr_nlp.zipguard.bomb_reason`, the policy
  .docx and .xlsx files are read under too);
- XML is parsed with ``defusedxml``: entity declarations (billion laughs) and external
  entities or DTDs are refused.

Every refusal is an :class:`~tr_nlp.errors.ArchiveError` naming the file and the reason.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import ArchiveError, InputError
from tr_nlp.zipguard import CORRUPT_ZIP_ERRORS, bomb_reason

#: Largest declared uncompressed total of a project (sources may include audio and video).
MAX_MB = 500


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
        Largest declared uncompressed total accepted.
    """

    def __init__(self, path: str | Path, max_mb: int = MAX_MB):
        self.path = Path(path)
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
        bomb = bomb_reason(infos, max_mb)
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
        """Read one member, never more than it declared."""
        info = self._infos[name]
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except CORRUPT_ZIP_ERRORS as exc:
            raise ArchiveError("E200", self.path, detail=f"entry {name!r} is corrupt ({exc})") from None
        if len(data) > info.file_size:
            raise ArchiveError("E202", self.path, entry=name, detail="it holds more data than it declares")
        return data


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
