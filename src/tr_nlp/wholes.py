"""Whole numbers written in files: attributes, ids and counts, read without surprises.

``str.isdigit`` admits superscripts (``"\u00b2"``), which ``int`` refuses, and ``int``
refuses more than 4,300 digits; a file's number checked one way and read the other way
raised ``ValueError`` inside a reader. :func:`whole_number` asks for what any file that
counts writes, plain digits, and says None for anything else.
"""

from __future__ import annotations

import re

#: the most digits a count, an id or a time in milliseconds has (a year of milliseconds has 11)
MAX_DIGITS = 18
_WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def whole_number(text: str | None) -> int | None:
    """``text``, spaces around it aside, as a whole number of ASCII digits; None for anything
    else: no text, a sign or a fraction, other digits than 0-9, more than :data:`MAX_DIGITS`.

    >>> whole_number(" 0042 "), whole_number("600"), whole_number("\u00b2"), whole_number("-3"), whole_number(None)
    (42, 600, None, None, None)
    >>> whole_number("9" * 5000) is None
    True
    """
    found = _WHOLE.fullmatch(text.strip()) if text else None
    return int(found.group()) if found else None
