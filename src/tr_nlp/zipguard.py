"""One zip-bomb policy for every archive tr_nlp opens: .docx, .xlsx and .qdpx.

An archive is refused before anything in it is unpacked when one entry over 1 MB
compresses better than :data:`MAX_RATIO` to 1 (:func:`bomb_reason`). Text and XML written
by Word, Excel or QDA software compress about 5-20 to 1; a bomb of repeated bytes
compresses about 1000 to 1. Reading an entry never yields more than it declares (Python's
``zipfile`` stops there), so the declared sizes bound what is unpacked, and each caller
caps the declared total of what it unpacks: a Word or Excel file's every entry, as their
libraries unpack them all (:func:`declared_size`); of a REFI-QDA project, only the
members read as they are read (its document and text sources: its audio, video and
pictures are never read).

Examples
--------
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
...     archive.writestr("zeros.txt", bytes(2 * 2**20))
>>> entry, reason = bomb_reason(zipfile.ZipFile(buffer).infolist())
>>> entry, reason.endswith("bytes (over 100:1)")
('zeros.txt', True)
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath

#: What Python raises on a damaged archive: a bad directory, a truncated file, a damaged
#: deflate stream (``zlib.error``), a bad checksum or header, an entry flagged as encrypted,
#: an unknown zip version or compression method (``RuntimeError`` and its
#: ``NotImplementedError``).
CORRUPT_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError)

#: Largest compression ratio accepted for an entry over :data:`RATIO_FLOOR` bytes.
MAX_RATIO = 100
#: Entries up to this size are never refused for their ratio (tiny files compress oddly).
RATIO_FLOOR = 2**20
#: Suffixes of pictures, audio and video, which documents and projects may hold by the gigabyte
MEDIA_SUFFIXES = frozenset({
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".emf", ".wmf",
    ".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wma", ".aif", ".aiff", ".amr",
    ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".wmv", ".mpg", ".mpeg", ".3gp",
})


def bomb_reason(infos: Iterable[zipfile.ZipInfo]) -> tuple[str, str] | None:
    """The entry and the reason an archive looks like a zip bomb, or None when it does not.

    Parameters
    ----------
    infos : iterable of zipfile.ZipInfo
        The archive's entries (``ZipFile.infolist()``).

    Returns
    -------
    (entry, reason) or None
        The first entry over :data:`RATIO_FLOOR` bytes that compresses better than
        :data:`MAX_RATIO` to 1.
    """
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return info.filename, (f"{info.file_size // 2**20} MB packed into {info.compress_size:,} bytes "
                                   f"(over {MAX_RATIO}:1)")
    return None


def is_media(name: str) -> bool:
    """Whether an archive entry is a picture, audio or video file, by its suffix.

    >>> is_media("word/media/image1.JPEG"), is_media("sources/interview.txt")
    (True, False)
    """
    return PurePosixPath(name).suffix.lower() in MEDIA_SUFFIXES


def declared_size(infos: Iterable[zipfile.ZipInfo]) -> tuple[int, int]:
    """The uncompressed sizes the entries declare: in all, and of pictures, audio and video
    (:func:`is_media`), in bytes.

    >>> info = zipfile.ZipInfo("word/media/image1.png")
    >>> info.file_size = 300
    >>> declared_size([info, zipfile.ZipInfo("word/document.xml")])
    (300, 300)
    """
    total = media = 0
    for info in infos:
        total += info.file_size
        media += info.file_size if is_media(info.filename) else 0
    return total, media
