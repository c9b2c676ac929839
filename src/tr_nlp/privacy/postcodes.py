"""Postcodes as Britain and other countries write them.

A British postcode is one by its shape alone ("SW1A 1AA"); so are a Canadian ("K1A 0B1")
and an Irish one ("D02 X285"). Most other countries' postcodes are four or five digits
("123 45 Stockholm", "10115 Berlin", "0150 Oslo", "1012 AB Amsterdam", "1100-148
Lisboa", "00-950 Warszawa"), numbers like any other; such a number is a postcode in the
places a postcode is written or said:

- with its country's letter before it ("SE-123 45", "D-10115");
- after the word for a postcode, perhaps with "is" between ("postnummer 117 43",
  "PLZ ist 10115", "zip code 02115");
- after a US state ("Boston, MA 02115") or an Australian one ("NSW 2000");
- before a town's name (a capitalised word): after an address and a comma ("Storgatan
  12, 123 45 Stockholm"); Dutch ones anywhere ("1012 AB Amsterdam"); others after a comma
  or a place's preposition ("till 10115 Berlin"; four digits only after a comma), unless
  the number may be a year or is round ("in 2019 Anna", "in 10000 Jahren").

Only the number is replaced: the town, like the state, stays.

>>> text = "Storgatan 12, 123 45 Stockholm; SE-117 43; Boston, MA 02115; in 2019 Anna, 2019 Bo"
>>> [text[s:e] for s, e in find(text, re.compile(r"Storgatan 12"))]
['123 45', 'SE-117 43', '02115']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tr_nlp.privacy.numbers import BETWEEN, apart

# a full UK postcode (its district alone, "N15", names thousands of households), in
# capitals or all in lower case (not "b12 3rd": an inward code is no ordinal); a Canadian
# one; an Irish Eircode (a digit among its last four: not "D12 EXIT")
_BY_SHAPE = re.compile(
    r"(?<![\w-])(?:(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}"
    r"|[a-z]{1,2}\d[a-z\d]? ?(?!\d(?:st|nd|rd|th))\d[abd-hjlnp-uw-z]{2}"
    r"|[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"
    r"|(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?(?=[0-9AC-FHKNPRTV-Y]{0,3}\d)[0-9AC-FHKNPRTV-Y]{4})(?![\w-])")

# the letters of a country written before its postcode ("SE-123 45", "D-10115")
_COUNTRY = ("SE", "S", "DK", "NO", "N", "FI", "SF", "DE", "D", "AT", "A", "CH", "FR", "F", "BE", "B", "NL", "LU",
            "L", "ES", "E", "PT", "P", "IT", "I", "PL", "CZ", "SK", "HU", "H", "GR")
# a number a postcode of another country may be: five digits ("10115", "123 45", "02115-1234"),
# four ("0150", Dutch "1012 AB", Portuguese "1100-148"), Polish "00-950"
_NUMBER = re.compile(
    rf"(?<![\w+.,/-])(?P<country>(?:{'|'.join(_COUNTRY)})-)?"
    r"(?P<code>\d{5}(?:-\d{4})?|\d{3} \d{2}|\d{4}(?P<dutch> ?(?!S[ADS])[A-Z]{2})?|\d{4}-\d{3}|\d{2}-\d{3})"
    r"(?![\w-]|[.,:/]\d)(?P<town> [^\W\d_a-z])?")
_WORD_BEFORE = re.compile(
    r"(?:\b(?i:post ?codes?|postal codes?|zip(?: ?codes?)?|eircode|postnum(?:mer|ret)(?:et)?|postnr\.?|postleitzahl|plz"
    r"|code postal|c[oó]digo postal|codice postale|postinumero\w*|kod pocztowy|psč|irányítószám)"
    r"|(?<![\w.])(?:CP|C\.P\.|CEP|CAP|C\.A\.P\.))"  # words too in lower case: only in capitals
    rf"(?i:[ ,:]+(?:{'|'.join(map(re.escape, BETWEEN))})){{0,3}}[ ,:]+$")
# a state after its town ("Boston, MA", "Sydney NSW"); those that are words too ("OK 12345")
# only after a comma
_US_STATES = ("AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
              "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV",
              "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY")
_AUSTRALIAN_STATES = ("NSW", "VIC", "QLD", "SA", "WA", "NT", "ACT", "TAS")
_STATE_WORDS = ("OK", "ME", "OR", "IN", "HI", "OH", "ACT", "SA", "WA", "NT")
_STATE_BEFORE = re.compile(rf"(?:(?<![\w.'-])(?P<town>[^\W\d_a-z][\w.'-]*)(?P<comma>,)? )?"
                           rf"(?<![\w'-])(?P<state>{'|'.join(sorted({*_US_STATES, *_AUSTRALIAN_STATES}))}) $")
# where a town is named: "till 10115 Berlin", "à 75001 Paris" (not a round number there: "in 10000 Jahren")
_PLACE_BEFORE = re.compile(r"(?:,|(?<![\w'])(?i:in|to|from|at|i|till|från|til|fra|på|nach|aus|naar|uit|te|à|en|a"
                           r"|em|para|da|w|ve)) $")


def find(text: str, address: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Where postcodes occur in ``text``, as ``(start, end)``, in order and not overlapping;
    ``address`` finds the street addresses a postcode may follow.

    >>> text = "10115 Berlin, nach 10115 Berlin, PLZ 10115, 20 000 Menschen, 12345 views"
    >>> [text[s:e] for s, e in find(text, re.compile("(?!)"))]
    ['10115', '10115']
    """
    return apart([*(m.span() for m in _BY_SHAPE.finditer(text)),
                  *(m.span("code") if m["country"] is None else (m.start(), m.end("code"))
                    for m in _NUMBER.finditer(text) if _is_postcode(text, m, address))])


def _is_postcode(text: str, m: re.Match[str], address: re.Pattern[str]) -> bool:
    """Whether the number ``m`` found is a postcode where it stands (see the module's rules)."""
    if m["country"] is not None:
        return True
    start, code = m.start("code"), m["code"]
    before = text[max(0, start - 60):start]
    if _WORD_BEFORE.search(before):
        return True
    state = _STATE_BEFORE.search(before)
    if state and (state["comma"] or (state["town"] and state["state"] not in _STATE_WORDS)):
        return ((state["state"] in _US_STATES and re.fullmatch(r"\d{5}(?:-\d{4})?", code) is not None)
                or (state["state"] in _AUSTRALIAN_STATES and re.fullmatch(r"\d{4}", code) is not None))
    if m["town"] is None or m["town"] == " I":
        return False
    if before.endswith(", ") and _address_ends(text, start - 2, address):
        return True
    if code.endswith("000") or (code[:4].isdigit() and 1900 <= int(code[:4]) <= 2039 and len(code) != 5):
        return False  # a round number or a year ("in 2020 UK Government"): a postcode only after an address
    if m["dutch"] is not None:
        return True
    if len(code) == 4:
        return before.endswith(", ")
    return _PLACE_BEFORE.search(before) is not None


def _address_ends(text: str, at: int, address: re.Pattern[str]) -> bool:
    """Whether a street address ends at ``at`` in ``text``."""
    return any(m.end() == at for m in address.finditer(text, max(0, at - 80), at))
