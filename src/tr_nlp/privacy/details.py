"""What a personal detail other than a name looks like: the patterns a pseudonymiser looks for.

:func:`find` gives where each kind of detail (:data:`PATTERN_KINDS`) occurs in a text.
Dates are found as written in English and in the other languages whose transcripts
tr_nlp reads (:data:`MONTHS`: "12 mars 2021", "5 de mayo de 2020", "12. März",
"2021年3月12日"), phone numbers as grouped in Britain and elsewhere ("0161 496 0000",
"070-123 45 67", "06 12 34 56 78", "+33 6 12 34 56 78", "(555) 123-4567"), street
addresses with their house numbers as each country writes them ("14 Elm Road",
"Storgatan 12", "12, rue de la Paix"), identity numbers of several countries. Other
modules find what needs more than a pattern: postcodes (:mod:`tr_nlp.privacy.postcodes`),
bank accounts and numbers after their label (:mod:`tr_nlp.privacy.numbers`), e-mail and
web addresses said aloud (:mod:`tr_nlp.privacy.spoken`), days said in words
(:mod:`tr_nlp.privacy.daywords`).

>>> [text[s:e] for text in ["call 070-123 45 67 on 3 mars 2021"] for s, e in find("PHONE", text)]
['070-123 45 67']
>>> [text[s:e] for text in ["call 070-123 45 67 on 3 mars 2021"] for s, e in find("DATE", text)]
['3 mars 2021']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from tr_nlp.privacy import daywords, numbers, postcodes, spoken
from tr_nlp.privacy.trie import trie_pattern

# in the order that wins where two kinds find the same words (a US zip code "02139-4307" is
# a postcode, not a phone number)
PATTERN_KINDS: tuple[str, ...] = ("URL", "EMAIL", "HANDLE", "NHS_NUMBER", "ID_NUMBER", "ACCOUNT", "POSTCODE", "PHONE",
                                  "ADDRESS", "DATE")

#: the months' names a date may be written with, by language: whole names, in the form a
#: date takes after its day (the genitive of Finnish, Polish, Czech, Russian, Ukrainian,
#: Greek); matched in any case
MONTHS: dict[str, tuple[str, ...]] = {
    "Swedish": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                "oktober", "november", "december"),
    "Norwegian": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
                  "oktober", "november", "desember"),
    "Danish": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
               "oktober", "november", "december"),
    "German": ("januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
               "oktober", "november", "dezember"),
    "Dutch": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"),
    "French": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
               "octobre", "novembre", "décembre"),
    "Spanish": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                "setiembre", "octubre", "noviembre", "diciembre"),
    "Portuguese": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                   "outubro", "novembro", "dezembro"),
    "Italian": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                "ottobre", "novembre", "dicembre"),
    "Finnish": tuple(f"{stem}kuu{end}" for stem in ("tammi", "helmi", "maalis", "huhti", "touko", "kesä",
                                                   "heinä", "elo", "syys", "loka", "marras", "joulu")
                     for end in ("ta", "")),
    "Polish": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
               "października", "listopada", "grudnia"),
    "Czech": ("ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října",
              "listopadu", "prosince"),
    "Hungarian": ("január", "február", "március", "április", "május", "június", "július", "augusztus",
                  "szeptember", "október", "november", "december"),
    "Turkish": ("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim",
                "kasım", "aralık"),
    "Russian": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                "октября", "ноября", "декабря"),
    "Ukrainian": ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
                  "жовтня", "листопада", "грудня"),
    "Greek": ("ιανουαρίου", "φεβρουαρίου", "μαρτίου", "απριλίου", "μαΐου", "ιουνίου", "ιουλίου", "αυγούστου",
              "σεπτεμβρίου", "οκτωβρίου", "νοεμβρίου", "δεκεμβρίου"),
    # Egypt's and the Gulf's names, the Levant's and Iraq's, the Maghreb's
    "Arabic": ("يناير", "فبراير", "مارس", "أبريل", "إبريل", "مايو", "يونيو", "يونية", "يوليو", "يولية", "أغسطس",
               "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر", "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
               "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول", "جانفي", "فيفري", "أفريل", "ماي",
               "جوان", "جويلية", "أوت"),
    # the Gregorian calendar's names and the Solar Hijri calendar's
    "Persian": ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر",
                "دسامبر", "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
                "بهمن", "اسفند"),
    # with "in" written on to it too: "12 במרץ"
    "Hebrew": tuple(f"{prefix}{month}" for month in ("ינואר", "פברואר", "מרץ", "מרס", "אפריל", "מאי", "יוני", "יולי",
                                                       "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר", "דצמבר")
                    for prefix in ("", "ב")),
    "Hindi": tuple(unicodedata.normalize("NFC", month) for month in (
        "जनवरी", "फ़रवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "सितम्बर", "अक्टूबर",
        "नवंबर", "नवम्बर", "दिसंबर", "दिसम्बर")),
}

# an English month's name, or its abbreviation with or without a full stop (a full stop
# after a whole name ends the sentence: it is not part of the date); capitalised, since
# "may" and "march" are words too
_ENGLISH_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
                  r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_OTHER_MONTH = f"(?i:{trie_pattern(sorted({m for ms in MONTHS.values() for m in ms}))})"
_MONTH = f"(?:{_ENGLISH_MONTH}|{_OTHER_MONTH})"
#: what ends a street's name: "14 Elm Road", "3a Hill St"
STREET_WORDS: tuple[str, ...] = (
    "Road", "Rd", "Street", "St", "Avenue", "Ave", "Lane", "Close", "Drive", "Way", "Crescent", "Place", "Gardens",
    "Terrace", "Court", "Grove", "Square", "Row", "Walk", "Mews", "Hill", "Park", "Parade", "Rise", "View", "Green",
    "Gate")
_STREET = f"(?:{'|'.join(STREET_WORDS)})"
# the endings of a street's name where it is one word with its kind (Storgatan, Hauptstraße,
# Kerkstraat, Mannerheimintie), and the kinds written apart (Berliner Straße, Karl Johans gate)
_STREET_ENDINGS = ("gatan", "gata", "vägen", "väg", "gränd", "gränden", "torget", "backe", "backen", "stigen",
                   "gaten", "veien", "vegen", "vei", "veg", "plass", "gade", "vej", "vænge", "stræde", "plads",
                   "straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "damm", "ufer", "straat", "laan",
                   "plein", "gracht", "kade", "singel", "dijk", "steeg", "katu", "tie", "kuja", "polku", "tori")
_STREET_APART = ("Straße", "Strasse", "Str.", "Allee", "Allé", "Platz", "Weg", "gate", "gata", "vei", "vej", "gade")
# a street's kind before its name (rue de la Paix, calle Mayor, Rua Augusta, Via Roma); "via",
# "place", "route", "avenue", "boulevard" and "plaza" are English words too, so they start a
# street only capitalised or before de, della...
_STREET_FIRST = ("rue", "boulevard", "chemin", "impasse", "allée", "quai", "calle", "avenida", "paseo", "carrer",
                 "camino", "rua", "travessa", "praça", "alameda", "estrada", "viale", "piazza", "piazzale", "corso",
                 "vicolo")
_STREET_FIRST_ENGLISH = ("via", "place", "route", "avenue", "plaza", "boulevard")
_PARTICLES = r"(?:de|del|della|delle|dei|degli|di|du|des|da|do|dos|das|la|le|les|los|las|[dl]['\u2019])"
_CAPITALISED = r"[^\W\d_a-z][\w'\u2019-]*"  # not "a lower-case word": a capital, or a script without case
_HOUSE = r"\d{1,4}(?: ?[A-Za-z](?![\w'])|[-/]\d{1,4})?"  # 12, 12a, 12 B, 12-14
_NAMED_STREET = (rf"(?:(?i:{trie_pattern(_STREET_FIRST)})(?: {_PARTICLES}){{0,2}}"
                 rf"|(?:{'|'.join(w.capitalize() for w in _STREET_FIRST_ENGLISH)})(?: {_PARTICLES}){{0,2}}"
                 rf"|(?:{'|'.join(_STREET_FIRST_ENGLISH)})(?: {_PARTICLES}){{1,2}})"
                 rf" ?{_CAPITALISED}(?: (?:{_PARTICLES} ?)?{_CAPITALISED}){{0,3}}")
# a day of the month: 3, 03, 3rd, French 1er, Swedish 3:e and 21:a, Spanish 1º
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|:[ae]|º)?"
# a day as said and transcribed: "the twenty-first of March", "March the first"
_SPOKEN_DAY = (r"(?i:(?:(?:twenty|thirty)[- ]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
               r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
               r"|nineteenth|twentieth|thirtieth)")
# a year after a day and month: "3 March 2021", "March 3, 2021", "5 de mayo de 2020"
# (or said in English: "nineteen eighty-five", "two thousand and three", "twenty twenty-one")
_UNIT = "(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN = "(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_LATER = rf"(?:(?:twenty|thirty)(?:[- ]{_UNIT})?)"
_SAID_YEAR = (rf"(?i:nineteen (?:oh {_UNIT}|{_TEEN}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
              rf"(?:[- ]{_UNIT})?|hundred)|twenty (?:oh {_UNIT}|{_TEEN}|{_LATER})"
              rf"|two thousand(?:(?: and)? (?:{_UNIT}|{_TEEN}|{_LATER}))?)")
_YEAR = rf"(?:,? (?:de |del )?\d{{4}}|,? {_SAID_YEAR})"
_NUMERIC_MONTH, _NUMERIC_DAY = r"(?:1[0-2]|0?[1-9])", r"(?:[12]\d|3[01]|0?[1-9])"
_NUMERIC_DATE = (
    # 12/03/2021, 12.3.21, 2021-03-12, 2021/3/12, Hungarian 2021.03.12. and 2021. 03. 12.
    rf"(?:{_NUMERIC_DAY}[/.-]{_NUMERIC_MONTH}[/.-](?:\d{{4}}|\d{{2}})"
    rf"|\d{{4}}(?:[/-]{_NUMERIC_MONTH}[/-]{_NUMERIC_DAY}|\.{_NUMERIC_MONTH}\.{_NUMERIC_DAY}\.?"
    rf"|\. {_NUMERIC_MONTH}\. {_NUMERIC_DAY}\.))")
# a web address typed without "www" or "http": labels and a top-level domain of a list in
# lower case (a country's two letters only where they are no English word, or before a
# path), so that "e.g.", "3.5", "notes.docx", "fine.it was" and a sentence typed on without
# its space ("där.De var") are no addresses
_TOP_DOMAINS = ("com", "org", "net", "edu", "gov", "info", "io", "eu", "uk", "se", "dk", "fi", "de", "nl", "fr", "es",
                "pt", "ch", "ie", "pl", "ca", "au", "nz", "cz", "hu", "gr", "ru", "ua", "jp", "cn", "kr", "br", "mx",
                "za", "nu", "tv")
_TOP_END = rf"(?:(?:{'|'.join(_TOP_DOMAINS)})(?![\w-])|[a-z]{{2,3}}(?=/\w))"
_BARE_URL = re.compile(rf"(?<![\w@.-])(?:[^\W_](?:[\w-]*[^\W_])?\.)+{_TOP_END}"
                       r"(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]'\u2019])?(?![\w@-])")
# where one may end: looked for first, as there are few ("facebook.com/anna.smith.77")
_BARE_END = re.compile(rf"\.{_TOP_END}")


def _bare_urls(text: str) -> Iterator[tuple[int, int]]:
    """Web addresses typed without "www" or "http" ("facebook.com/anna.smith.77",
    "annasmith.co.uk"), read back from each top-level domain to the word's start.

    >>> text = "on facebook.com/anna.smith.77, not notes.docx or e.g. this"
    >>> [text[s:e] for s, e in _bare_urls(text)]
    ['facebook.com/anna.smith.77']
    """
    edge = 0
    for end in _BARE_END.finditer(text):
        if end.start() < edge:
            continue
        begin = end.start()
        while begin > 0 and not text[begin - 1].isspace() and end.start() - begin < 250:
            begin -= 1
        if (m := _BARE_URL.search(text, begin, len(text))) is not None and m.start() <= end.start() < m.end():
            edge = m.end()
            yield m.span()


def _web_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Web addresses said ("www dot anna-smith dot co dot uk") or typed without "www"."""
    yield from spoken.web_addresses(text)
    yield from _bare_urls(text)


_PATTERNS: dict[str, re.Pattern[str]] = {
    # a web address up to the first space, less the punctuation that ends the sentence
    "URL": re.compile(r"(?<!\w)(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'\u2019]"),
    # an e-mail address; its domain may hold letters of any alphabet ("zoë@exämple.de")
    "EMAIL": re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[^\W_]|-)+(?:\.(?:[^\W_]|-)+)+"),
    "HANDLE": re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,30}(?![\w@])"),
    # 3-3-4 digits not starting with 0 (UK phone numbers start with 0 or +44)
    "NHS_NUMBER": re.compile(r"(?<![\d+])[1-9]\d{2}([ -]?)\d{3}\1\d{4}(?!\d)"),
    # a personal identity number of another country, in its usual shapes (each with a date of
    # birth or checked letters in it, unlike a count or a year's range)
    "ID_NUMBER": re.compile(
        # Sweden (personnummer, samordningsnummer: day + 60), Denmark (CPR), Finland (HETU)
        r"(?<![\w+-])(?:(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+]\d{4}"
        r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]|6[1-9]|[78]\d|9[01])\d{4}"
        r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}(?:-\d{4}|[-+A-FU-Y]\d{3}[\dA-FHJ-NPR-Y])"
        # Norway (fødselsnummer, D-nummer: day + 40)
        r"|(?:0[1-9]|[1-6]\d|7[01])(?:0[1-9]|1[0-2])\d{2} ?\d{5}"
        # United States (SSN)
        r"|(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}"
        # France (NIR), spaced or not
        r"|[12] \d{2} (?:0[1-9]|1[0-2]|[2-9]\d) (?:\d{2}|2[AB]) \d{3} \d{3}(?: \d{2})?"
        r"|[12]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2[AB])\d{6}(?:\d{2})?"
        # Spain (DNI, NIE) and Italy (codice fiscale)
        r"|[XYZ]?\d{7,8}-?[A-HJ-NP-TV-Z]|[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]"
        # Britain's National Insurance number
        r"|(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])(?![\w-])"),
    # digits in groups, after a country code or an area code in brackets or neither; which of
    # these runs is a phone number, :func:`_phone_ends` says
    "PHONE": re.compile(r"(?<![\w+.,/-])(?:\+\d{1,3}(?:[ .-]?\(0\))?[ .-]?|\(\d{2,5}\)[ .-]?)?"
                        r"\d+(?:[ ./-]\d+){0,7}(?!\w|[.,/:-]\d)"),
    # a house number and one to three capitalised words ending in a street's kind
    "ADDRESS": re.compile(
        rf"(?<![\w.,])\d{{1,4}}[A-Za-z]?,? (?:[A-Z][\w'-]* ){{1,3}}{_STREET}(?![\w-])"
        # in Scandinavia, Germany, the Netherlands, Finland: the street, then the number
        # (looked for only at a capitalised word up to three before a number, from a run's start)
        rf"|(?<![\w.'\u2019-])(?=[^\W\d_a-z][\w.'\u2019-]*(?: [^\W\d_][\w.'\u2019-]*){{0,2}} \d)"
        rf"(?:{_CAPITALISED} )?"
        rf"(?:[^\W\d_a-z][^\W\d_]*(?i:{trie_pattern(_STREET_ENDINGS)})"
        rf"|{_CAPITALISED} (?:{'|'.join(map(re.escape, _STREET_APART))})) {_HOUSE}(?![\w-])"
        # in France, Spain, Portugal, Italy: the street's kind, its name, and the number before or after
        rf"|(?<![\w.,])\d{{1,4}}(?: ?(?:bis|ter))?,? {_NAMED_STREET}(?![\w-])"
        rf"|(?<![\w.,]){_NAMED_STREET},? (?:n[.º°o]{{1,2}} ?)?{_HOUSE}(?![\w-])"
    ),
    "DATE": re.compile(
        # (each alternative first looks at one character: it is tried at every place)
        rf"(?<!\d)(?=\d){_NUMERIC_DATE}(?!\d)"
        # a day and a month's name, in any order: "the 3rd of March", "12. März 2021", "March 3"
        # (or days: "the 10-12 May"), not a time or an amount after it ("March 9.30")
        rf"|\b(?=\d)(?:{_DAY} ?[-\u2013] ?)?{_DAY}(?: of| de| di)? {_MONTH}{_YEAR}?(?!\w)"
        rf"|\b(?=\d)(?:{_NUMERIC_DAY}\.[-\u2013])?{_NUMERIC_DAY}\. {_OTHER_MONTH}{_YEAR}?(?!\w)"
        rf"|\b(?=[tfsenTFSEN][^\W\d_]*(?:[- ][^\W\d_]+)? of ){_SPOKEN_DAY} of {_MONTH}{_YEAR}?(?!\w)"
        # said in another language: "tredje mars", "dritten März", "trois mars", "tres de marzo"
        rf"|{daywords.pattern(MONTHS)}{_YEAR}?(?!\w)"
        # a month's name first (read once, and only before a number or "the": there are
        # many), then its day, or a year ("March 2021", "mars 2021", "marzo de 2021")
        rf"|\b(?=[^\W\d_]+\.? (?:\d|the |del? \d)){_MONTH}"
        rf"(?:(?: {_DAY}(?:[-\u2013]{_DAY})?| the (?:{_DAY}|{_SPOKEN_DAY})){_YEAR}?(?!\w|[.:,]\d)"
        rf"|(?: de| del)? \d{{4}}(?!\d))"
        # an English month's name, then "of" and its year, or its day or year said: "March of
        # 2019", "March twenty nineteen", "June nineteenth" (but "May first" and "June second"
        # are said of other things, "May first thing": a date with its year, "May first, 1985")
        rf"|\b(?=[A-Z][a-z]+\.? [efnostEFNOST]){_ENGLISH_MONTH}"
        rf"(?: of \d{{4}}(?!\d)| (?:of )?{_SAID_YEAR}(?!\w)"
        rf"| (?:(?!(?i:first|second)\b){_SPOKEN_DAY}{_YEAR}?|(?i:first|second){_YEAR})(?!\w|[.:,]\d))"
        # Hungarian writes the year first
        rf"|\b\d{{4}}\. {_OTHER_MONTH}(?: {_NUMERIC_DAY}\.?)?(?!\w)"
        # Chinese and Japanese 2021年3月12日, 3月12日; Korean 2021년 3월 12일
        rf"|(?<!\d)(?:\d{{2,4}}年{_NUMERIC_MONTH}月(?:{_NUMERIC_DAY}日)?|{_NUMERIC_MONTH}月{_NUMERIC_DAY}日"
        rf"|\d{{2,4}}년 ?{_NUMERIC_MONTH}월(?: ?{_NUMERIC_DAY}일)?|{_NUMERIC_MONTH}월 ?{_NUMERIC_DAY}일)"
    ),
}
# what finds a kind besides its pattern: an address said aloud ("jo dot smith at gmail dot
# com"), an identity number after its label ("hospital number RXH 123456")
_ALSO: dict[str, Callable[[str], Iterable[tuple[int, int]]]] = {
    "EMAIL": spoken.emails, "URL": _web_addresses, "ID_NUMBER": numbers.labelled_ids}
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
# a number of ten digits grouped as North America writes it: (555) 123-4567, 555.123.4567
_NORTH_AMERICAN = re.compile(r"\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}([ .-])\d{3}\1\d{4}")


def find(kind: str, text: str) -> Iterator[tuple[int, int]]:
    """Where details of ``kind`` (one of :data:`PATTERN_KINDS`) occur in ``text``, as
    ``(start, end)``, in order and not overlapping.

    Digits of other scripts are read as the digits they are ("２０２１年３月１２日",
    "١٢/٠٣/٢٠٢١").

    >>> list(find("PHONE", "ring 0161 496 0000 0161 496 0001, not 10 mg at 0.5"))
    [(5, 18), (19, 32)]
    """
    text = ascii_digits(text)
    if kind == "POSTCODE":
        yield from postcodes.find(text, _PATTERNS["ADDRESS"])
    elif kind == "ACCOUNT":
        yield from numbers.accounts(text)
    elif kind == "PHONE":  # in digits, or said digit by digit ("oh seven seven double oh ...")
        yield from numbers.apart([*_phones(text), *spoken.phone_numbers(text)])
    else:
        found = (m.span() for m in _PATTERNS[kind].finditer(text))
        yield from numbers.apart([*found, *_ALSO[kind](text)]) if kind in _ALSO else found


@functools.lru_cache(maxsize=4)  # each kind's find() reads the same text
def ascii_digits(text: str) -> str:
    """``text`` with each decimal digit of another script (Arabic-Indic, Persian,
    Devanagari, full-width...) written as its ASCII digit: one character for one, so
    places in it are places in ``text``.

    >>> ascii_digits("٢٠٢١年３月 ۱۲")
    '2021年3月 12'
    """
    if text.isascii() or _OTHER_DIGIT.search(text) is None:
        return text
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def _phones(text: str) -> Iterator[tuple[int, int]]:
    """Where phone numbers occur in ``text`` (:func:`_phone_ends` says which runs of
    grouped digits are one)."""
    pattern = _PATTERNS["PHONE"]
    at = 0
    while (m := pattern.search(text, at)) is not None:
        end = _phone_ends(m.group())
        if end is None:  # none starts here: perhaps after the next space ("room 12 0161 496 0000")
            gap = re.search(r" (?=\d)", m.group())
            at = m.start() + gap.end() if gap else m.end()
        else:
            yield m.start(), m.start() + end
            at = m.start() + end


def _phone_ends(run: str) -> int | None:
    """Where the phone number that ``run`` of grouped digits starts with ends, before a
    space or at the run's end, or None if it starts with none.

    A phone number starts with ``+`` and a country code (10 to 15 digits in all, not
    counting the ``(0)`` of "+44 (0)161 496 0000"), or with a 0 (9 to 14 digits: "0161 496
    0000", "070-123 45 67", "06 12 34 56 78", "030/12345678"), or is written as North
    America writes one. Its groups are parted by spaces and hyphens,
    by full stops alone ("06.12.34.56.78", not "0.5 0.25 0.75") and by at most one slash.
    Where a number follows (a date, a count), the end is the one nearest the digits most
    phone numbers have (11, with a country code 12), and not after a group of one digit if
    another end will do (of two as near, the longer).

    >>> [_phone_ends(r) for r in ("0161 496 0000", "0.5 0.25 0.75 0.125", "12 345 678 901", "(555) 123-4567")]
    [13, None, None, 14]
    >>> [run[:_phone_ends(run)] for run in ("07700 900123 12", "020 7946 0958 2")]  # "... 12/03/2021"
    ['07700 900123', '020 7946 0958']
    """
    if sum(ch.isdigit() for ch in run) < 9 or not (run[0] in "+(0" or _NORTH_AMERICAN.match(run)):
        return None
    ends: list[tuple[bool, int, int]] = []  # (the last group of one digit, digits from the usual count, -end)
    for cut in re.finditer(r" (?=\d)|$", run):  # not inside "12/03/2021" or "2021-03-12"
        number = run[:cut.start()]
        digits = sum(ch.isdigit() for ch in number.replace("(0)", "", 1))
        gaps = re.sub(r"^\+\d{1,3}(?:[ .-]?\(0\))?[ .-]?|^\(\d+\)[ .-]?|\d", "", number)
        if ("." in gaps and set(gaps) != {"."}) or gaps.count("/") > 1:
            continue
        international = number.startswith("+")
        if ((international and 10 <= digits <= 15)
                or (number.lstrip("(").startswith("0") and 9 <= digits <= 14)
                or _NORTH_AMERICAN.fullmatch(number)):
            last = re.search(r"\d+$", number)
            usual = 12 if international else 11
            ends.append((last is not None and len(last.group()) == 1, abs(digits - usual), -cut.start()))
    return -min(ends)[2] if ends else None
