"""Numbers that identify a person by what stands beside them or by their check digits.

- bank accounts: an IBAN ("SE45 5000 0000 0583 9825 7466"), its check digits right;
  a payment card's number ("4111 1111 1111 1111"), its Luhn digit right and its
  first digits those of a card scheme; an account number or sort code after its label
  ("sort code 12-34-56", "kontonummer 1234 56 78901");
- any other identifier after its label: "hospital number RXH 123456", "MRN: 12345678",
  "case no. 2021/4471", "journalnummer 2021-1234", "Versichertennummer A123456780",
  "passport number 123456789", "my passport is 123456789".

A number after its label is one to six groups of letters and digits holding four digits
or more (six after a label that also names the document, "passport"); the label and what
is said between ("is", "um", a colon) stay.

>>> text = "hospital number is RXH 123456, card 4111 1111 1111 1111, 2019 2020 2021 2022"
>>> [text[s:e] for s, e in labelled_ids(text)], [text[s:e] for s, e in accounts(text)]
(['RXH 123456'], ['4111 1111 1111 1111'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from tr_nlp.privacy.trie import trie_pattern

Span = TypeVar("Span", bound=tuple[Any, ...])

#: what may be said between a label and its number: "is", a hesitation
BETWEEN = ("is", "was", "'s", "är", "var", "väl", "ju", "er", "ist", "war", "lautet", "est", "c'est", "es", "era",
           "è", "on", "oli", "jest", "je", "um", "uh", "erm", "eh", "öh", "äh", "euh", "alltså", "nog", "liksom",
           "no", "no.", "nr", "nr.", "number", "nummer", "numéro", "número", "numero")

# the labels of identity, patient and case numbers, in the languages tr_nlp reads roles in
_ID_LABELS = (
    "hospital number", "hospital no", "patient number", "patient no", "patient id", "mrn", "medical record number",
    "record number", "case number", "case no", "case reference", "reference number", "ref number", "ref no",
    "client number", "client id", "ni number", "national insurance number", "passport number", "passport no",
    "nhs number", "driving licence number", "driver's license number", "licence number", "license number", "chi number",
    "h&c number", "membership number", "member number", "social security number", "tax number",
    "journalnummer", "patientnummer", "pasientnummer", "ärendenummer", "diarienummer", "saksnummer",
    "samordningsnummer", "passnummer", "kundnummer", "medlemsnummer", "cpr-nummer", "cpr nummer",
    "versichertennummer", "krankenversichertennummer", "patientennummer", "fallnummer", "aktenzeichen",
    "sozialversicherungsnummer", "steuer-id", "steuernummer", "bsn", "burgerservicenummer", "patiëntnummer",
    "dossiernummer", "numéro de sécurité sociale", "numéro de dossier", "numéro de patient", "numéro de passeport",
    "número de historia", "número de historia clínica", "número de expediente", "número de la seguridad social",
    "número de pasaporte", "numero di tessera sanitaria", "numero di pratica", "numero di passaporto",
    "henkilötunnus", "potilasnumero", "asiakasnumero")
_ACCOUNT_LABELS = (
    "sort code", "account number", "account no", "bank account", "kontonummer", "clearingnummer", "bankgiro",
    "plusgiro", "bankkonto", "numéro de compte", "número de cuenta", "numero di conto", "rekeningnummer", "tilinumero")


# labels that also stand for the thing itself ("my passport expired in 2019"): their
# number needs six digits or more
_WEAK_ID_LABELS = ("passport", "driving licence", "driving license", "driver's licence", "driver's license")


def _after_labels(labels: Iterable[str]) -> re.Pattern[str]:
    """Groups of digits and letters after one of ``labels`` (or its abbreviation's full
    stop: "case no."), perhaps with a few capitals before them ("RXH 123456", a UK driving
    licence's "SMITH801231JJ9AB") or a capital after ("QQ 12 34 56 C"); :func:`_numbers`
    keeps those with enough digits."""
    between = "|".join(map(re.escape, BETWEEN))
    return re.compile(
        rf"(?i:(?<![\w-])(?=[{''.join(sorted({label[0] for label in labels}))}])(?P<label>{trie_pattern(labels)})\.?(?![\w-])(?:[ \t,:]+(?:{between})(?![\w.]))*[ \t,:#]*)"
        r"(?P<number>(?:[A-Z]{1,5}[ -]?)?\d[\dA-Za-z]*(?:[ /.-]\d[\dA-Za-z]*){0,5}(?: [A-HJ-Z](?![\w'\u2019]))?)"
        r"(?![\w/-]|[.,]\w)")


def _numbers(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Where ``pattern`` finds a number of four digits or more after its label (six after
    one of :data:`_WEAK_ID_LABELS`)."""
    for m in pattern.finditer(text):
        weak = " ".join(m["label"].casefold().split()) in _WEAK_ID_LABELS
        if sum(ch.isdigit() for ch in m["number"]) >= (6 if weak else 4):
            yield m.span("number")


_LABELLED_IDS = _after_labels(_ID_LABELS + _WEAK_ID_LABELS)
_LABELLED_ACCOUNTS = _after_labels(_ACCOUNT_LABELS)
# an IBAN: a country, two check digits, then letters and digits in groups of four
_IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z\d]{4}){2,7}(?: ?[A-Z\d]{1,3})?(?![\w-])")
# a payment card: 4-4-4-4 (to 19 digits), American Express's 4-6-5, or written unspaced
_CARD = re.compile(r"(?<![\w+.,/-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5}|\d{13,19})"
                   r"(?![\w-]|[.,]\d)")
# the first digits of a card scheme's numbers (Visa, Mastercard, American Express, Discover,
# Maestro, JCB, UnionPay, Diners)
_CARD_START = re.compile(r"4|5[0-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6|35|3(?:0[0-5]|[68])")


def labelled_ids(text: str) -> Iterator[tuple[int, int]]:
    """Where an identity, patient or case number follows its label in ``text`` (six digits
    or more after a label that names the document, "passport", "driving licence")."""
    return _numbers(_LABELLED_IDS, text)


def accounts(text: str) -> Iterator[tuple[int, int]]:
    """Where a bank account or payment card's number occurs in ``text``, in order and not
    overlapping: an IBAN or card number whose check digits are right, or a number after an
    account's label.

    >>> [m for m in accounts("GB82 WEST 1234 5698 7654 32 or GB82 WEST 1234 5698 7654 33")]
    [(0, 27)]
    """
    spans = [(m.start(), m.start() + end) for m in _IBAN.finditer(text) if (end := _iban_end(m.group()))]
    spans += [m.span() for m in _CARD.finditer(text)
              if _CARD_START.match(m.group()) and _luhn_valid(re.sub(r"\D", "", m.group()))]
    spans += _numbers(_LABELLED_ACCOUNTS, text)
    return apart(spans)


def apart(spans: Iterable[Span]) -> Iterator[Span]:
    """``spans`` (``(start, end, ...)``) in order, each dropped that overlaps one before it:
    of two at one start the longer is kept, of two alike the one whose further fields
    (a rank) sort first.

    >>> list(apart([(5, 9), (0, 3), (0, 6), (8, 12)]))
    [(0, 6), (8, 12)]
    >>> list(apart([(0, 4, 2, "DATE"), (0, 4, 1, "PHONE")]))
    [(0, 4, 1, 'PHONE')]
    """
    edge = 0
    for span in sorted(spans, key=lambda span: (span[0], -span[1], *span[2:])):
        if span[0] >= edge:
            yield span
            edge = span[1]


def _iban_end(run: str) -> int:
    """Where the IBAN ``run`` starts with ends, or 0 if its check digits are wrong for each
    end (a group of four digits may follow it: "... 7466 1234").

    >>> _iban_end("SE45 5000 0000 0583 9825 7466 1234"), _iban_end("SE45 5000 0000 0583 9825 7467")
    (29, 0)
    """
    while run:
        compact = run.replace(" ", "")
        moved = compact[4:] + compact[:4]
        if len(compact) >= 15 and int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1:
            return len(run)
        run = run.rpartition(" ")[0]
    return 0


def _luhn_valid(digits: str) -> bool:
    """Whether the last of ``digits`` is their Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0
