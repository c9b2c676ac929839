"""One zip-bomb policy for every archive tr_nlp opens: .docx, .xlsx and .qdpx.

An archive is refused before anything in it is unpacked when the sizes its entries
declare add up to more than the caller's limit, or when one entry over 1 MB compresses
better than :data:`MAX_RATIO` to 1. Text and XML written by Word, Excel or QDA software
compress about 5-20 to 1; a bomb of repeated bytes compresses about 1000 to 1. Reading an
entry never yields more than it declares (Python's ``zipfile`` stops there), so the
declared sizes bound what is unpacked.

Examples
--------
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
...     archive.writestr("zeros.txt", bytes(2 * 2**20))
>>> entry, reason = bomb_reason(zipfile.ZipFile(buffer).infolist(), max_mb=100)
>>> entry, reason.endswith("bytes (over 100:1)")
('zeros.txt', True)
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable

#: What Python raises on a damaged archive: a bad directory, a truncated file, a damaged
#: deflate stream (``zlib.error``), a bad checksum or header, an entry flagged as encrypted,
#: an unknown zip version or compression method (``RuntimeError`` and its
#: ``NotImplementedError``).
CORRUPT_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError)

#: Largest compression ratio accepted for an entry over :data:`RATIO_FLOOR` bytes.
MAX_RATIO = 100
#: Entries up to this size are never refused for their ratio (tiny files compress oddly).
RATIO_FLOOR = 2**20


def bomb_reason(infos: Iterable[zipfile.ZipInfo], max_mb: int) -> tuple[str, str] | None:
    """The entry and the reason an archive looks like a zip bomb, or None when it does not.

    Parameters
    ----------
    infos : iterable of zipfile.ZipInfo
        The archive's entries (``ZipFile.infolist()``).
    max_mb : int
        Largest declared uncompressed total accepted, in MB.

    Returns
    -------
    (entry, reason) or None
        ``entry`` is ``"(all entries)"`` when the total is over ``max_mb``.
    """
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return info.filename, (f"{info.file_size // 2**20} MB packed into {info.compress_size:,} bytes "
                                   f"(over {MAX_RATIO}:1)")
    if total > max_mb * 2**20:
        return "(all entries)", f"{total // 2**20} MB uncompressed in total, over the {max_mb} MB limit"
    return None
