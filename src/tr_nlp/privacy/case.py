"""Transcripts written in one case, without capital letters as speech recognisers and
automatic captions often write them (``so sarah rang me from 14 elm road on the 3rd of
march``), or all in capitals as broadcast captions do.

The pseudonymiser tells a name from a word, and a month or a street from a word, by its
capital letter ("Rose" and "rose", "May" and "may", "14 Elm Road"); in such a text there is
none to go by. :func:`in_one_case` says when a text is written so, and :func:`capitalised`
writes the months and streets in it as a cased text would, for the cased patterns to find.

Examples
--------
>>> in_lower_case("so sarah rang me and I said yes " * 4), in_lower_case("So Sarah rang me. I said yes. " * 4)
(True, False)
>>> in_one_case("SO SARAH RANG ME AND I SAID YES " * 4), in_one_case("So Sarah rang me. I said yes. " * 4)
(True, False)
>>> capitalised("on the 3rd of march at 14 elm road, we may 5 times, june 5")
'on the 3rd of March at 14 Elm Road, we may 5 times, June 5'
>>> capitalised("ON THE 3RD OF MARCH AT 14 ELM ROAD")
'on the 3rd of March at 14 Elm Road'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: the fewest words written in a script with case that tell how a text is written
MIN_WORDS = 20
#: the largest share of those words that begin with a capital in a text in lower case: a
#: cased text's sentence starts and names give it 5-15% ("I" is not counted: some
#: recognisers write it alone with a capital)
MAX_CAPITALISED = 0.02
#: a word's first letter, "I" ("I'm", "I've") left out
_CASED_WORD = re.compile(r"(?<![\w'\u2019])(?!I(?:['\u2019][a-z]+)?(?![\w'\u2019]))[^\W\d_]")
_CASED_LETTERS = re.compile(r"[^\W\d_]")
_MONTHS = ("january", "february", "april", "june", "july", "august", "september", "october", "november",
           "december")
#: "may" and "march" are words too ("we may 5 times", "march 5 miles"): months after "of",
#: or before "the", a day written as an ordinal ("may 5th") or a year
_MONTH = re.compile(rf"\b(?:{'|'.join(_MONTHS)})\b"
                    r"|\b(?:may|march)(?= (?:the |\d{1,2}(?:st|nd|rd|th)\b|\d{4}\b))"
                    r"|(?<=\bof )(?:may|march)\b")
#: the kinds of street that are no common word in lower case ("park", "way", "close", "drive",
#: "view" and "walk" are: "a 10 minute walk")
_STREETS = ("road", "street", "avenue", "lane", "crescent", "terrace", "grove", "mews", "gardens")
#: a house number, one or two words, and a street's kind: "14 elm road", "3a mill lane"
_ADDRESS = re.compile(rf"(?<![\w.,])\d{{1,4}}[a-z]?,? ((?:[a-z][\w'\u2019-]* ){{1,2}}(?:{'|'.join(_STREETS)}))\b")


def _cases(letters: Iterable[str]) -> tuple[int, int]:
    """How many of ``letters`` are lower case and how many capitals (a letter of a script
    without case, Chinese or Arabic, is neither)."""
    lower = upper = 0
    for letter in letters:
        lower += letter.islower()
        upper += letter.isupper()
    return lower, upper


def in_lower_case(text: str) -> bool:
    """Whether ``text`` is written without capital letters: at least :data:`MIN_WORDS`
    words of a script with case, and at most :data:`MAX_CAPITALISED` of them capitalised.
    A script without case (Chinese, Arabic) is never in lower case.
    """
    lower, upper = _cases(_CASED_WORD.findall(text))
    return lower + upper >= MIN_WORDS and upper <= MAX_CAPITALISED * (lower + upper)


def in_one_case(text: str) -> bool:
    """Whether ``text`` is written in one case: without capital letters (:func:`in_lower_case`),
    or all in capitals (at least :data:`MIN_WORDS` words of a script with case, and at most
    :data:`MAX_CAPITALISED` of their letters in lower case). A script without case is in
    neither.

    >>> in_one_case("这是 一个 测试 " * 10), in_one_case("مرحبا بك في المقابلة " * 10)
    (False, False)
    """
    lower, upper = _cases(_CASED_WORD.findall(text))
    if lower + upper < MIN_WORDS:
        return False
    if upper <= MAX_CAPITALISED * (lower + upper):  # in lower case
        return True
    lower, upper = _cases(_CASED_LETTERS.findall(text))
    return lower <= MAX_CAPITALISED * (lower + upper)


def capitalised(text: str) -> str:
    """``text`` in lower case but each English month's name, and each street of an address
    (a house number, one or two words and a street's kind), written with a capital; every
    character keeps its place, so offsets found in the result hold in ``text`` (a letter
    whose lower case is two letters, "İ", stays as it is). A month's name is capitalised
    wherever it stands ("june" alone too: a date's pattern still asks for its day or year),
    but "may" and "march" only where they are no verb (:data:`_MONTH`)."""
    lowered = text.lower()  # letter by letter only where one lowers to two ("İ"), which would move offsets
    text = lowered if len(lowered) == len(text) else "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    chars = list(text)
    for m in _MONTH.finditer(text):
        chars[m.start()] = chars[m.start()].upper()
    for m in _ADDRESS.finditer(text):
        for word in re.finditer(r"\S+", m.group(1)):
            chars[m.start(1) + word.start()] = chars[m.start(1) + word.start()].upper()
    return "".join(chars)


def lower_case_details(text: str) -> bool:
    """Whether ``text`` holds a month or a street address in lower case that
    :func:`capitalised` would write with its capital: in a cased transcript, a date or an
    address a transcriber wrote in lower case ("born on the 3rd of march", "14 baker street").

    >>> lower_case_details("Born on the 3rd of march."), lower_case_details("At 14 baker street."), \
lower_case_details("We may go on 3 March.")
    (True, True, False)
    """
    return _MONTH.search(text) is not None or _ADDRESS.search(text) is not None
