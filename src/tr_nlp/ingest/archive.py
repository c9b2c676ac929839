"""Office files (.docx, .xlsx, .odt, .ods) are zip archives: check one before a library unpacks it.

Their forerunners (Word's ``.doc``, Excel's ``.xls``) and password-protected Office files
are Microsoft compound files instead (:data:`COMPOUND_FILE`); such a file, whatever its
name, is refused saying how to save it as one tr_nlp reads (:func:`compound_file_error`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tr_nlp.errors import InputError
from tr_nlp.zipguard import CORRUPT_ZIP_ERRORS, bomb_reason, declared_size

#: Largest declared uncompressed total of an office file (the ratio limit is zipguard's)
MAX_UNPACKED_MB = 200
#: Office files whose libraries (python-docx, openpyxl) unpack every part, pictures too;
#: an .odt's pictures are never read, so they do not count
_UNPACKS_MEDIA = frozenset({".docx", ".xlsx"})
#: Office file suffix -> how to save a copy that unpacks to less
_SMALLER = {".docx": ("save a copy with its pictures compressed or deleted (Word: Picture Format > Compress "
                      "Pictures), or save the transcript as plain text (.txt)"),
            ".xlsx": "save the sheet of utterances as CSV (.csv)",
            ".odt": "save a copy without its pictures, or save the transcript as plain text (.txt)",
            ".ods": "save the sheet as CSV (.csv)"}
#: Office file suffix -> (the part every such file holds, the program that writes it)
OFFICE = {".docx": ("word/document.xml", "Word"), ".xlsx": ("xl/workbook.xml", "Excel"),
          ".odt": ("content.xml", "LibreOffice Writer"), ".ods": ("content.xml", "LibreOffice Calc")}
#: The first bytes of a Microsoft compound file (OLE2): Word 97-2003's .doc, Excel 97-2003's
#: .xls, and any Office file encrypted with a password (the first four tell it, cut short too).
COMPOUND_FILE = b"\xd0\xcf\x11\xe0"
_WORD_UNLOCK = ("Word", "File > Info > Protect Document > Encrypt with Password, emptied")
#: file suffix -> the program that opens a password-protected one, and where it takes the password off
_UNLOCK = {".docx": _WORD_UNLOCK, ".doc": _WORD_UNLOCK,
           ".xlsx": ("Excel", "File > Info > Protect Workbook > Encrypt with Password, emptied"),
           ".odt": ("LibreOffice Writer", "File > Save As, with 'Save with password' unticked"),
           ".ods": ("LibreOffice Calc", "File > Save As, with 'Save with password' unticked"),
           ".pdf": ("Acrobat", ("File > Properties > Security > No Security; "
                                "or qpdf --password=PASSWORD --decrypt in.pdf out.pdf"))}
#: Office file suffix -> the format before it, and its suffix
_BEFORE = {".docx": ("Word 97-2003 (binary .doc)", ".doc"), ".xlsx": ("Excel 97-2003 (binary .xls)", ".xls"),
           ".odt": ("Microsoft Office 97-2003 (binary)", ".doc"), ".ods": ("Excel 97-2003 (binary .xls)", ".xls")}
#: an OpenDocument file's list of its parts, which says how each is encrypted
_MANIFEST = "META-INF/manifest.xml"


def compound_file_error(path: Path, kind: str, data: bytes | None = None) -> InputError:
    """The error for a compound file (:data:`COMPOUND_FILE`) where a ``kind`` file
    (``".docx"``, ``".xlsx"``, ``".odt"``) is read: E113 for an encrypted Office file (its
    ``EncryptedPackage`` stream), E115 for a Word 97-2003 document (its ``WordDocument``
    stream: :mod:`tr_nlp.ingest.word97` reads it under a ``.doc`` name), else E114 for the
    binary format before ``kind``.

    >>> compound_file_error(Path("p07.doc"), ".docx", COMPOUND_FILE).code
    'E114'
    >>> compound_file_error(Path("p07.docx"), ".docx", COMPOUND_FILE + "EncryptedPackage".encode("utf-16-le")).code
    'E113'
    """
    data = Path(path).read_bytes() if data is None else data
    if "EncryptedPackage".encode("utf-16-le") in data:
        return encrypted_error(path, kind)
    if kind not in (".xlsx", ".ods") and "WordDocument".encode("utf-16-le") in data:
        return InputError("E115", path, suffix=Path(path).suffix or "(no suffix)")
    return legacy_error(path, kind)


def encrypted_error(path: Path, kind: str) -> InputError:
    """E113: ``path`` is a password-protected ``kind`` file (``.docx``, ``.doc``, ``.xlsx``,
    ``.odt``, ``.pdf``), and where its program takes the password off.

    >>> print(encrypted_error(Path("p07.pdf"), ".pdf"))  # doctest: +ELLIPSIS
    p07.pdf: [E113] is password-protected (an encrypted .pdf), ... (File > Properties > Security > No Security; ...
    """
    app, how = _UNLOCK[kind]
    return InputError("E113", path, kind=kind, app=app, how=how)


def legacy_error(path: Path, kind: str, old: str | None = None) -> InputError:
    """E114: ``path`` is in ``old`` format (by default the binary one before ``kind``), to be
    saved as ``kind``."""
    before, suffix = _BEFORE[kind]
    _, app = OFFICE[kind]
    return InputError("E114", path, old=old or before, kind=kind, app=app, ext=kind[1:], suffix=suffix)


def check_office_archive(path: Path, kind: str) -> None:
    """Refuse a missing or empty file, a truncated zip, a zip bomb or an archive without
    the file type's main part.

    ``kind`` is the file type the caller reads (``".docx"``, ``".xlsx"``, ``".odt"``),
    which the file's own suffix need not be (``--format docx`` on ``a.bak``). The
    zip-bomb policy is :func:`tr_nlp.zipguard.bomb_reason`'s; the declared total is at most
    :data:`MAX_UNPACKED_MB`, pictures counted except in an ``.odt`` (whose pictures are never read).

    Raises
    ------
    InputError
        E100 (no such file), E101 (empty), E110 (not a valid file of its type), E111 (looks
        like a zip bomb), E113 (password-protected), E114 (the binary format before ``kind``),
        E119 (unpacks to more than :data:`MAX_UNPACKED_MB`).
    """
    member, app = OFFICE[kind]
    if not path.exists():
        raise InputError("E100", path)
    if path.stat().st_size == 0:
        raise InputError("E101", path)
    with path.open("rb") as file:
        if file.read(len(COMPOUND_FILE)) == COMPOUND_FILE:
            raise compound_file_error(path, kind)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            bomb = bomb_reason(infos)
            if bomb:
                raise InputError("E111", path, kind=kind, entry=bomb[0], detail=bomb[1])
            total, media = declared_size(infos)
            if kind not in _UNPACKS_MEDIA:
                total, media = total - media, 0
            if total > MAX_UNPACKED_MB * 2**20:
                raise InputError("E119", path, size=f"{total / 2**20:,.0f}", limit=MAX_UNPACKED_MB, kind=kind,
                                 media=f" ({media / 2**20:,.0f} MB of it pictures, audio or video)" if media else "",
                                 fix=_SMALLER[kind])
            names = {i.filename for i in infos}
            if member not in names:
                raise InputError("E110", path, kind=kind, app=app, detail=f"no {member} inside")
            # OpenDocument encrypts the parts inside the zip, and its manifest says so
            if kind in (".odt", ".ods") and _MANIFEST in names and b"encryption-data" in archive.read(_MANIFEST):
                raise encrypted_error(path, kind)
    except CORRUPT_ZIP_ERRORS as exc:
        raise InputError("E110", path, kind=kind, app=app, detail=f"corrupt or truncated zip: {exc}") from None
