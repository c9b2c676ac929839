"""Office files (.docx, .xlsx) are zip archives: check one before a library unpacks it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tr_nlp.errors import InputError

MAX_UNPACKED_MB = 200
MAX_RATIO = 200
#: Office file suffix -> (the part every such file holds, the program that writes it)
OFFICE = {".docx": ("word/document.xml", "Word"), ".xlsx": ("xl/workbook.xml", "Excel")}


def check_office_archive(path: Path) -> None:
    """Refuse a truncated zip, a zip bomb or an archive without the file type's main part.

    Raises
    ------
    InputError
        E110 (not a valid file of its type), E111 (would unpack past the limit).
    """
    kind = path.suffix.lower()
    member, app = OFFICE[kind]
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError("E110", path, kind=kind, app=app, detail=f"corrupt or truncated zip: {exc}") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED_MB * 2**20 or (unpacked > 2**20 and unpacked / packed > MAX_RATIO):
        raise InputError("E111", path, kind=kind, size=unpacked // 2**20, limit=MAX_UNPACKED_MB)
    if member not in {i.filename for i in infos}:
        raise InputError("E110", path, kind=kind, app=app, detail=f"no {member} inside")
