"""Office files (.docx, .xlsx, .odt) are zip archives: check one before a library unpacks it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tr_nlp.errors import InputError
from tr_nlp.zipguard import CORRUPT_ZIP_ERRORS, bomb_reason

#: Largest declared uncompressed total of an office file (the ratio limit is zipguard's).
MAX_UNPACKED_MB = 200
#: Office file suffix -> (the part every such file holds, the program that writes it)
OFFICE = {".docx": ("word/document.xml", "Word"), ".xlsx": ("xl/workbook.xml", "Excel"),
          ".odt": ("content.xml", "LibreOffice Writer")}


def check_office_archive(path: Path, kind: str) -> None:
    """Refuse a missing or empty file, a truncated zip, a zip bomb or an archive without
    the file type's main part.

    ``kind`` is the file type the caller reads (``".docx"``, ``".xlsx"``, ``".odt"``),
    which the file's own suffix need not be (``--format docx`` on ``a.bak``). The
    zip-bomb policy is :func:`tr_nlp.zipguard.bomb_reason`'s, with a
    :data:`MAX_UNPACKED_MB` total.

    Raises
    ------
    InputError
        E100 (no such file), E101 (empty), E110 (not a valid file of its type), E111 (looks
        like a zip bomb).
    """
    member, app = OFFICE[kind]
    if not path.exists():
        raise InputError("E100", path)
    if path.stat().st_size == 0:
        raise InputError("E101", path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except CORRUPT_ZIP_ERRORS as exc:
        raise InputError("E110", path, kind=kind, app=app, detail=f"corrupt or truncated zip: {exc}") from None
    bomb = bomb_reason(infos, MAX_UNPACKED_MB)
    if bomb:
        raise InputError("E111", path, kind=kind, entry=bomb[0], detail=bomb[1])
    if member not in {i.filename for i in infos}:
        raise InputError("E110", path, kind=kind, app=app, detail=f"no {member} inside")
