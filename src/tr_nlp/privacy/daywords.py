"""Days of the month in words, as a transcript of speech writes them in other languages.

A transcriber writes what was said: "den tredje mars" (Swedish), "am dritten März"
(German), "le trois mars" (French), "el tres de marzo" (Spanish), not always "3 mars".
:data:`DAYS` holds, by language, the words for the days 1 to 31 said before a month's
name; :func:`pattern` gives a regular expression for a day in words and a month's name
of the same language (so "tre" of Italian goes with "marzo", never with French "mars").

>>> import re
>>> [m.group() for m in re.finditer(pattern({"Swedish": ("mars",)}), "den tredje mars och tjugoförsta Mars")]
['tredje mars', 'tjugoförsta Mars']
"""

from __future__ import annotations

from tr_nlp.privacy.trie import trie_pattern


def _compound(tens: tuple[str, ...], units: tuple[str, ...], joins: tuple[str, ...] = ("", " ", "-")) -> list[str]:
    """Each of ``tens`` joined with each of ``units`` ("tjugo" + "första"), as written
    together, apart or hyphenated."""
    return [f"{ten}{join}{unit}" for ten in tens for unit in units for join in joins]


def _germanic_units_first(units: tuple[str, ...], link: str, tens: tuple[str, ...]) -> list[str]:
    """Days said units first ("einundzwanzigsten", "enogtyvende")."""
    return [f"{unit}{link}{ten}" for unit in units for ten in tens]


_SWEDISH_1_9 = ("första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde")
_NORWEGIAN_1_9 = ("første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "syvende", "åttende", "niende")
_GERMAN_STEMS = ("erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "siebent", "acht", "neunt", "zehnt",
                 "elft", "zwölft", "dreizehnt", "vierzehnt", "fünfzehnt", "sechzehnt", "siebzehnt", "achtzehnt",
                 "neunzehnt", "zwanzigst", "dreißigst", "dreissigst",
                 *_germanic_units_first(("ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
                                        "und", ("zwanzigst",)),
                 "einunddreißigst", "einunddreissigst")
_DUTCH_UNITS = ("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
_FRENCH_1_9 = ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
_SPANISH_21_29 = ("veintiuno", "veintiún", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis",
                  "veintisiete", "veintiocho", "veintinueve")
_PORTUGUESE_1_9 = ("um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove")
_ITALIAN_1_9 = ("uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove")

#: by language, the words for the days 1 to 31 said before a month's name, and what
#: comes between ("tres de marzo")
DAYS: dict[str, tuple[tuple[str, ...], str]] = {
    "Swedish": ((*_SWEDISH_1_9, "tionde", "elfte", "tolfte", "trettonde", "fjortonde", "femtonde", "sextonde",
                 "sjuttonde", "artonde", "nittonde", "tjugonde", "trettionde",
                 *_compound(("tjugo",), _SWEDISH_1_9), *_compound(("trettio",), ("första",))), " "),
    "Norwegian": ((*_NORWEGIAN_1_9, "tiende", "ellevte", "tolvte", "trettende", "fjortende", "femtende", "sekstende",
                   "syttende", "attende", "nittende", "tjuende", "tyvende", "trettiende", "tredevte",
                   *_compound(("tjue",), _NORWEGIAN_1_9), *_compound(("tretti",), ("første",))), " "),
    "Danish": (("første", "anden", "tredje", "fjerde", "femte", "sjette", "syvende", "ottende", "niende", "tiende",
                "ellevte", "tolvte", "trettende", "fjortende", "femtende", "sekstende", "syttende", "attende",
                "nittende", "tyvende", "tredivte", "enogtredivte",
                *_germanic_units_first(("en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"), "og",
                                       ("tyvende",))), " "),
    "German": (tuple(f"{stem}{end}" for stem in _GERMAN_STEMS for end in ("e", "en", "er", "es")), " "),
    "Dutch": (("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende",
               "elfde", "twaalfde", "dertiende", "veertiende", "vijftiende", "zestiende", "zeventiende",
               "achttiende", "negentiende", "twintigste", "dertigste", "eenendertigste",
               *_germanic_units_first(_DUTCH_UNITS, "en", ("twintigste",)),
               *_germanic_units_first(("twee", "drie"), "ën", ("twintigste",))), " "),
    "French": (("premier", *_FRENCH_1_9[1:], "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
                "dix-sept", "dix-huit", "dix-neuf", "vingt", "trente", "vingt et un", "vingt-et-un", "trente et un",
                "trente-et-un", *_compound(("vingt",), _FRENCH_1_9[1:], ("-", " "))), " "),
    "Spanish": (("primero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
                 "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte",
                 *_SPANISH_21_29, "treinta", "treinta y uno"), " de "),
    "Portuguese": (("primeiro", *_PORTUGUESE_1_9, "dez", "onze", "doze", "treze", "catorze", "quatorze", "quinze",
                    "dezasseis", "dezesseis", "dezassete", "dezessete", "dezoito", "dezanove", "dezenove", "vinte",
                    "trinta", "trinta e um", *_compound(("vinte",), _PORTUGUESE_1_9, (" e ",))), " de "),
    "Italian": (("primo", *_ITALIAN_1_9, "dieci", "undici", "dodici", "tredici", "quattordici", "quindici", "sedici",
                 "diciassette", "diciotto", "diciannove", "venti", "ventuno", "ventidue", "ventitré", "ventitre",
                 "ventiquattro", "venticinque", "ventisei", "ventisette", "ventotto", "ventinove", "trenta",
                 "trentuno"), " "),
}


def pattern(months: dict[str, tuple[str, ...]]) -> str:
    """A regular expression (any case) for a day in words and a month's name of the same
    language, for each language both :data:`DAYS` and ``months`` hold."""
    alternatives = [f"{trie_pattern(sorted(set(words)))}{between}{trie_pattern(sorted(set(months[language])))}"
                    for language, (words, between) in DAYS.items() if language in months]
    starts = sorted({word[0] for words, _ in DAYS.values() for word in words})
    return rf"(?i:\b(?=[{''.join(starts)}])(?:{'|'.join(alternatives)})(?!\w))"
