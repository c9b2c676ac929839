"""E-mail and web addresses, and phone numbers, as a transcript of speech writes them: said, not typed.

A transcriber writes what was said: "jo dot smith at gmail dot com", "www dot
anna-smith dot co dot uk", Swedish "anna punkt svensson snabel-a telia punkt se", German
"jo punkt smith ät web punkt de", French "jo point smith arobase orange point fr". Such
an address is found by its shape: names joined by "dot" (or "."), "at" (or "@"), and a
domain ending in a top-level domain said or written ("dot com", ".se"); a web address
starts with "www" or "http", or is said with "dot" and ends in a top-level domain that is no
word ("annasmith dot co dot uk", not "a dot in the margin"). A phone number said digit by
digit ("oh seven seven double oh, nine double oh one two three", Swedish "noll sju noll ett
två tre ...") is nine digits or more from a zero and a digit (or from "plus"), in the
words of one language, some of them said in pairs in Scandinavian languages, German and
Dutch ("noll sju noll, tjugotre, fyrtiofem, sextiosju"); French says it all in pairs
("zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit").

>>> text = "email jo dot smith at gmail dot com or www dot anna-smith dot co dot uk, not the dot com bubble"
>>> [text[s:e] for s, e in emails(text)], [text[s:e] for s, e in web_addresses(text)]
(['jo dot smith at gmail dot com'], ['www dot anna-smith dot co dot uk'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tr_nlp.privacy.numbers import apart

# the words said for "@" and for "." together, by language: an "at" is said with a "dot",
# never with French "point" ("I was at the point in time" is no address)
_SAID = (
    (("at", "ät", "at-merkki"), ("dot", "punkt", "piste")),  # English, German, Finnish
    (("snabel-a", "snabela"), ("punkt", "prik", "dot")),  # Swedish, Danish
    (("krøllalfa",), ("punktum", "punkt", "dot")),  # Norwegian
    (("arobase", "arobas"), ("point",)),  # French
    (("arroba",), ("punto", "ponto")),  # Spanish, Portuguese
    (("chiocciola",), ("punto",)),  # Italian
    (("apenstaartje",), ("punt",)),  # Dutch
)
_OTHER_JOINS = ("underscore", "dash", "hyphen", "understreck", "bindestreck", "unterstrich", "bindestrich", "tiret")
_TOP = ("com", "org", "net", "edu", "gov", "info", "io", "me", "eu", "uk", "co", "ac", "nhs", "se", "nu", "no", "dk",
        "fi", "de", "nl", "be", "fr", "es", "it", "pt", "ie", "ch", "at", "pl", "us", "ca", "au", "nz", "is", "ee",
        "cz", "hu", "gr", "tr", "ru", "ua", "in", "jp", "cn", "kr", "br", "mx", "za")
# a name of letters and digits (a domain's with hyphens inside): what joins names is apart
# from them, so a run of "a_a_a..." is read once, not in every way it could be cut
_NAME = r"[^\W_]+"
_LABEL = r"[^\W_]+(?:-[^\W_]+)*"
# a domain's first name is no pronoun or article ("look at me dot com")
_NOT_A_WORD = r"(?!(?i:the|a|an|this|that|my|your|his|her|its|our|their|me|you|him|us|them)(?:\s|\.))"


def _words(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words))


def _domain(dot: str) -> str:
    return rf"{_NOT_A_WORD}{_LABEL}(?:{dot}{_LABEL}){{0,3}}{dot}(?i:{'|'.join(_TOP)})(?![\w-])"


def _email(at_words: tuple[str, ...], dot_words: tuple[str, ...]) -> str:
    dot = rf"(?:\s+(?i:{_words(dot_words)})\s+|\.)"
    join = rf"(?:{dot}|\s+(?i:{_words(_OTHER_JOINS)})\s+|[_-])"
    return rf"{_NAME}(?:{join}{_NAME}){{0,4}}?(?:\s+(?i:{_words(at_words)}|@)\s+|@){_domain(dot)}"


_EMAIL = re.compile(rf"(?<![\w.@+-])(?:{'|'.join(_email(at, dot) for at, dot in _SAID)})")
_ANY_DOT = rf"(?:\s+(?i:{_words(tuple({d for _, dots in _SAID for d in dots}))})\s+|\.)"
# where an address said may end: a top-level domain after a dot ("dot com", ".se"); an
# address is looked for only before one of these (there are few), within :data:`_REACH`
_ENDING = re.compile(rf"{_ANY_DOT}(?i:{'|'.join(_TOP)})(?![\w-])")
_REACH = 300
_WEB = re.compile(rf"(?<![\w./])(?:(?i:https?)(?:://|\s+(?i:colon\s+slash\s+slash)\s+)(?:(?i:www){_ANY_DOT})?"
                  rf"|(?i:www){_ANY_DOT}){_domain(_ANY_DOT)}(?:(?:/|\s+(?i:slash)\s+)[\w-]+){{0,3}}")
# a web address said without "www" or "http" ("annasmith dot co dot uk", "mind dot org dot uk"):
# its dots said "dot", its top-level domain one that no language whose speakers say "dot" has
# as a word ("a dot in the margin", "a dot at the end" are no addresses)
_PLAIN_TOP = ("com", "org", "net", "edu", "gov", "info", "uk", "eu", "de", "fr", "se", "dk", "fi", "nl", "es", "ie",
              "ch", "pl", "ca", "au", "nz")
_PLAIN_DOT = r"\s+(?i:dot)\s+"
# (nor is an e-mail address's domain: "jo at gmail dot com", "jo @ gmail dot com")
_NOT_AFTER_AT = "".join(rf"(?<!(?i:\b{re.escape(word)})\s)" for at, dots in _SAID if "dot" in dots for word in at)
_PLAIN_WEB = re.compile(rf"(?<![\w./@-])(?<!@\s){_NOT_AFTER_AT}{_NOT_A_WORD}{_LABEL}(?:{_PLAIN_DOT}{_LABEL}){{0,3}}"
                        rf"{_PLAIN_DOT}(?i:{'|'.join(_PLAIN_TOP)})(?![\w-])")


# the words for the digits 0 to 9, by language (each digit's words in one group); English
# says "double oh", "triple seven"
_DIGITS = (
    ("zero|oh|o|nought", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),  # English
    ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"),  # Swedish
    ("null", "en|ett", "to", "tre", "fire", "fem", "seks", "sju|syv", "åtte", "ni"),  # Norwegian
    ("nul", "en|et", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"),  # Danish
    ("null", "eins", "zwei|zwo", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),  # German
    ("nul", "een|één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),  # Dutch
    ("zéro|zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),  # French
)
# French says a phone number in pairs of digits, "zéro six, douze, trente-quatre,
# cinquante-six, soixante-dix-huit" (06 12 34 56 78), or after "plus trente-trois" (+33);
# Belgian and Swiss French count "septante", "huitante" or "octante", "nonante"
_FR_UNIT = "un|deux|trois|quatre|cinq|six|sept|huit|neuf"
_FR_TEEN = "dix[- ]sept|dix[- ]huit|dix[- ]neuf|dix|onze|douze|treize|quatorze|quinze|seize"
_FR_TENS = "vingt|trente|quarante|cinquante|soixante|septante|huitante|octante|nonante|quatre[- ]vingts?"
_FR_PAIR = (rf"(?:z[ée]ro[- ](?:z[ée]ro|{_FR_UNIT})|(?:{_FR_TENS})(?:(?:[- ]et)?[- ](?:{_FR_TEEN}|{_FR_UNIT}))?"
            rf"|{_FR_TEEN})")
_FR_PAIRS = re.compile(rf"(?i:(?<![\w-])(?:z[ée]ro[- ](?:{_FR_UNIT})|plus[- ]trente[- ]trois[\s,]+(?:{_FR_UNIT}))"
                       rf"(?:[\s,.-]+{_FR_PAIR}(?![\w-])){{4}})")


# the numbers 10 to 99 in one word, by language as in :data:`_DIGITS` (English none):
# Scandinavians, Germans and the Dutch say a phone number's digits in pairs too ("noll sju
# noll, tjugotre, fyrtiofem, sextiosju"; "null eins sieben eins, zweiundzwanzig, ...")
_SV_UNITS, _NO_UNITS = "ett|en|två|tre|fyra|fem|sex|sju|åtta|nio", "en|ett|to|tre|fire|fem|seks|sju|syv|åtte|ni"
_DE_TENS, _NL_TENS = ("zwanzig|dreißig|dreissig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig",
                      "twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig")
_DA_TENS = "tyve|tredive|fyrre|halvtreds|tres|halvfjerds|firs|halvfems"
_TWO_DIGITS = (
    "",
    (rf"(?:tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio)(?:{_SV_UNITS})?"
     "|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|nitton"),
    (rf"(?:tjue|tyve|tretti|tredve|førti|femti|seksti|sytti|åtti|nitti)(?:{_NO_UNITS})?"
     "|ti|elleve|tolv|tretten|fjorten|femten|seksten|sytten|atten|nitten"),
    (rf"(?:(?:en|et|to|tre|fire|fem|seks|syv|otte|ni)og)?(?:{_DA_TENS})"
     "|ti|elleve|tolv|tretten|fjorten|femten|seksten|sytten|atten|nitten"),
    (rf"(?:(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und)?(?:{_DE_TENS})"
     "|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn"),
    (rf"(?:(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën))?(?:{_NL_TENS})"
     "|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien"),
    "",  # French: said in pairs of words (:data:`_FR_PAIRS`)
)


def _said_digits(words: tuple[str, ...], pairs: str) -> re.Pattern[str]:
    """Five or more of a language's digit words (or its numbers 10-99, ``pairs``) in a
    row, from a zero or "plus" (the digits are counted after: "double oh" is two)."""
    again = r"(?:(?:double|triple)\s+)?" if words[1] == "one" else ""
    digit = f"{again}(?:{'|'.join(filter(None, (pairs, *words)))})"
    return re.compile(rf"(?i:(?<![\w-])(?:plus\s+{digit}|{again}(?:{words[0]}))(?:[\s,-]+{digit}){{4,}})(?![\w-])")


_SAID_PHONES = [(_said_digits(words, pairs), [set(w.split("|")) for w in words])
                for words, pairs in zip(_DIGITS, _TWO_DIGITS, strict=True)]
# where a phone number said may start: a zero (or "plus") of any of those languages
_SAID_START = re.compile(rf"(?i:(?<![\w-])(?:(?:double|triple)\s+)?(?:plus|{'|'.join(w[0] for w in _DIGITS)})(?![\w-]))")


def phone_numbers(text: str) -> Iterator[tuple[int, int]]:
    """Where a phone number said digit by digit occurs in ``text``: nine digits or more
    (some of them said in pairs, as numbers 10-99), the first a zero and then a digit (or
    after "plus"); or said in French, all in pairs of digits.

    >>> text = "ring oh seven seven double oh, nine double oh one two three; one two three four five six seven eight nine"
    >>> [text[s:e] for s, e in phone_numbers(text)]
    ['oh seven seven double oh, nine double oh one two three']
    >>> text = "c'est le zéro six, douze, trente-quatre, quatre-vingt-dix-neuf, soixante et onze, voilà"
    >>> [text[s:e] for s, e in phone_numbers(text)]
    ['zéro six, douze, trente-quatre, quatre-vingt-dix-neuf, soixante et onze']
    """
    found, edge = [], 0
    for start in (s.start() for s in _SAID_START.finditer(text)):
        if start < edge:
            continue  # inside digit words read from an earlier zero ("oh oh oh ..." is read once)
        if (m := _FR_PAIRS.match(text, start)) is not None:
            found.append(m.span())
            edge = m.end()
            continue
        for pattern, values in _SAID_PHONES:
            if (m := pattern.match(text, start)) is not None:
                edge = max(edge, m.end())
                if _digit_count(m.group(), values) >= 9:
                    found.append(m.span())
    return apart(found)


def _digit_count(said: str, values: list[set[str]]) -> int:
    """How many digits the digit words ``said`` say ("double oh" two; a number 10-99 two),
    if they start with "plus", or with a zero and a digit; else 0."""
    words = re.findall(r"[^\W\d_]+", said.casefold())
    plus = words[0] == "plus"
    digits, times = [], 1
    for word in words[plus:]:
        if word in ("double", "triple"):
            times = 2 if word == "double" else 3
            continue
        digit = next((d for d, names in enumerate(values) if word in names), None)
        digits += [digit] * times if digit is not None else [None, None]  # a number 10-99
        times = 1
    # a zero and then a digit, as area codes start ("noll sju"): "noll, tio, tjugo" counts
    return len(digits) if plus or (digits[0] == 0 and digits[1] is not None) else 0


def emails(text: str) -> Iterator[tuple[int, int]]:
    """Where an e-mail address said or written occurs in ``text``, as ``(start, end)``, in
    order and not overlapping."""
    return apart(_before_endings(text, _EMAIL))


def web_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Where a web address said ("www dot ...", "annasmith dot co dot uk") occurs in
    ``text``, as ``(start, end)``, in order and not overlapping.

    >>> text = "www dot mind dot org dot uk, or leeds mind dot org dot uk; the dot com bubble, a dot in it"
    >>> [text[s:e] for s, e in web_addresses(text)]
    ['www dot mind dot org dot uk', 'mind dot org dot uk']
    """
    return apart(_before_endings(text, _WEB, _PLAIN_WEB))


def _before_endings(text: str, *patterns: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where any of ``patterns`` matches up to a top-level domain (:data:`_ENDING`): looked
    for only there, not at every word of the text."""
    found = []
    for end in _ENDING.finditer(text):
        found += [m.span() for pattern in patterns
                  for m in pattern.finditer(text, max(0, end.start() - _REACH), end.end()) if m.end() == end.end()]
    return found
