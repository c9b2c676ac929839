"""The document properties of a Word 97-2003 file: its SummaryInformation property set
([MS-OLEPS]), read within the stream's bounds.

Only the properties a transcript's metadata takes are read (:data:`WANTED`), each a single
value: a code page, text in the code page or in UTF-16, a time. A value of any other type,
or one that does not fit in its section, is left out. (``olefile``'s reader of property
sets follows the element count a vector-typed property declares: a damaged document that
declared two billion elements in a 300-byte stream kept it looping for minutes while its
memory grew by gigabytes: olefile issues #162 and #170, open in 0.47.)

Examples
--------
>>> import struct
>>> def entry(ident, kind, payload):
...     return ident, struct.pack("<HH", kind, 0) + payload
>>> values = [entry(1, 0x02, struct.pack("<hH", -535, 0)),  # the code page, UTF-8's 65001, stored signed
...           entry(2, 0x1E, struct.pack("<I", 12) + b"Interview 7\\x00"),
...           entry(4, 0x101E, struct.pack("<I", 2_000_000_000))]  # a vector, never read
>>> header = 8 + 8 * len(values)
>>> table, body = b"", b""
>>> for ident, value in values:
...     table, body = table + struct.pack("<II", ident, header + len(body)), body + value
>>> section = struct.pack("<II", header + len(body), len(values)) + table + body
>>> stream = bytes(28) + bytes(16) + struct.pack("<I", 48) + section
>>> summary_properties(stream)
{1: -535, 2: b'Interview 7'}
"""

from __future__ import annotations

import struct
from datetime import datetime, timedelta

#: the compound file's stream that holds the summary property set
SUMMARY_STREAM = "\x05SummaryInformation"
#: property ids: the code page of its text, title, subject, author, keywords, comments, created
CODEPAGE, TITLE, SUBJECT, AUTHOR, KEYWORDS, COMMENTS, CREATED = 1, 2, 3, 4, 5, 6, 12
WANTED = frozenset({CODEPAGE, TITLE, SUBJECT, AUTHOR, KEYWORDS, COMMENTS, CREATED})
_I2, _LPSTR, _LPWSTR, _FILETIME = 0x02, 0x1E, 0x1F, 0x40
#: where the offset of the first section lies: after the header (28 bytes) and its format id (16)
_FIRST_SECTION = 44
_FILETIME_ZERO = datetime(1601, 1, 1)


def summary_properties(stream: bytes) -> dict[int, int | bytes | str | datetime]:
    """The :data:`WANTED` properties of a SummaryInformation stream, by id.

    Text in the document's code page stays bytes (its code page is property
    :data:`CODEPAGE`, a signed 16-bit number), without its terminating NUL; UTF-16 text is
    a string; a time is a naive UTC :class:`~datetime.datetime`. A stream too short for its
    header gives no properties.
    """
    try:
        (start,) = struct.unpack_from("<I", stream, _FIRST_SECTION)
        size, count = struct.unpack_from("<II", stream, start)
    except struct.error:
        return {}
    section = stream[start:start + size]
    found: dict[int, int | bytes | str | datetime] = {}
    for i in range(min(count, max(len(section) - 8, 0) // 8)):  # a count past the section is cut to it
        ident, offset = struct.unpack_from("<II", section, 8 + 8 * i)
        if ident in WANTED and ident not in found:
            value = _value(section, offset)
            if value is not None:
                found[ident] = value
    return found


def _value(section: bytes, offset: int) -> int | bytes | str | datetime | None:
    """The typed value at ``offset``, or None when it is of another type or does not fit."""
    try:
        (kind,) = struct.unpack_from("<H", section, offset)
        at = offset + 4  # after the type and its padding
        if kind == _I2:
            return struct.unpack_from("<h", section, at)[0]
        if kind == _FILETIME:
            (ticks,) = struct.unpack_from("<Q", section, at)  # 100 ns since 1601
            return _FILETIME_ZERO + timedelta(microseconds=ticks // 10) if ticks else None
        if kind in (_LPSTR, _LPWSTR):
            (length,) = struct.unpack_from("<I", section, at)
            width = 2 if kind == _LPWSTR else 1  # LPWSTR counts characters, LPSTR bytes
            raw = section[at + 4:at + 4 + length * width]
            if len(raw) < length * width:
                return None
            return raw.decode("utf-16-le", "replace").rstrip("\x00") if width == 2 else raw.rstrip(b"\x00")
    except (struct.error, OverflowError):  # a time past the year 9999
        return None
    return None
