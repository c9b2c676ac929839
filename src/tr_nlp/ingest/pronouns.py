"""Who says "you" and who says "I": a cue to which of two unnamed speakers interviews the other.

An interviewer addresses the participant ("how did you feel?", "you said...") and a
participant speaks of themselves ("I was...", "my nurse"), whatever the share of their
turns that end in a question mark. With the speakers of AnnoMI's 133 therapy sessions
renamed, these two cues beside the question marks tell the therapist in 132, the question
marks alone in 123 (``benchmarks/role_guess.py``).

Each language's pronouns are listed in :data:`PRONOUNS`; a transcript's language is the one
whose pronouns its speakers use most (pronouns are among any language's most frequent
words), so no language has to be told first. Words shared by two lists with other meanings
("je" is French's "I" and Dutch's "you") are counted by the list of the language found.

Examples
--------
>>> rates = address_rates({"A": "How did you feel? Did your nurse call you? What did you do?",
...                        "B": "I was scared, my mum said I should ring her. I did, and my nurse came to me."})
>>> {speaker: (round(you, 2), round(me, 2)) for speaker, (you, me) in rates.items()}
{'A': (0.31, 0.0), 'B': (0.0, 0.33)}
>>> address_rates({"A": "Bonjour.", "B": "Oui."}) is None  # too few pronouns to tell
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

#: Second-person (addressing the other) and first-person (speaking of oneself) words of the
#: languages whose role labels :mod:`tr_nlp.ingest.speakers` knows, lower case; a French
#: elision as written before its apostrophe (``j'``).
PRONOUNS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    language: (frozenset(you.split()), frozenset(me.split())) for language, (you, me) in {
        "en": ("you you're your yours yourself yourselves you've you'd you'll",
               "i i'm i've i'd i'll me my mine myself"),
        "sv": ("du dig dej din ditt dina ni er era", "jag mig mej min mitt mina"),
        "da": ("du dig din dit dine jer jeres", "jeg mig min mit mine"),
        "nb": ("du deg din ditt dine dere", "jeg meg min mitt mine"),
        "de": ("du dich dir dein deine deinen deinem deiner deines euch euer eure",
               "ich mich mir mein meine meinen meinem meiner meines"),
        "nl": ("jij je jou jouw u uw jullie", "ik mij me mijn"),
        "es": ("tú tu te ti tus usted ustedes contigo vosotros os", "yo me mí mi mis conmigo"),
        "fr": ("tu te t' toi ton ta tes vous votre vos", "je j' me m' moi mon ma mes"),
        "it": ("tu te ti tuo tua tuoi tue voi vi", "io mi me mio mia miei mie"),
        "pt": ("você vocês tu te ti teu tua contigo", "eu me mim meu minha comigo"),
        "fi": ("sinä sä sinua sua sinun sun sinulle sulle sinulla sulla te teidän",
               "minä mä minua mua minun mun minulle mulle minulla mulla"),
    }.items()
}
#: Each language's pronouns of either person, the words its use is counted by.
_EITHER = {language: you | me for language, (you, me) in PRONOUNS.items()}
#: The fewest pronouns of the language found, over all speakers, for the cue to be read.
MIN_PRONOUNS = 10

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*'?")


def _words(text: str) -> list[str]:
    """Lower-cased words, inner apostrophes kept (``i'm``), and an elided French word as
    its part up to the apostrophe (``j'ai`` also gives ``j'``)."""
    found = _WORD.findall(text.lower().replace("\u2019", "'"))
    return found + [word[: word.index("'") + 1] for word in found if "'" in word]


def word_counts(text: str) -> Counter[str]:
    """How often each word of ``text`` is said, as :func:`rates_from_counts` reads them."""
    return Counter(_words(text))


def address_rates(texts: Mapping[str, str]) -> dict[str, tuple[float, float]] | None:
    """Per speaker (of ``texts``, all their speech), the share of their words that address
    the other (second person) and that speak of themselves (first person), in the language
    of :data:`PRONOUNS` whose words they use most; None when fewer than
    :data:`MIN_PRONOUNS` of them are used in all."""
    return rates_from_counts({speaker: word_counts(text) for speaker, text in texts.items()})


def rates_from_counts(counts: Mapping[str, Counter[str]]) -> dict[str, tuple[float, float]] | None:
    """:func:`address_rates` of each speaker's :func:`word_counts`, so that words counted
    once serve several comparisons (each speaker of a group against the others)."""
    used = {language: sum(n for said in counts.values() for word, n in said.items() if word in words)
            for language, words in _EITHER.items()}
    language = max(used, key=used.__getitem__)
    if used[language] < MIN_PRONOUNS:
        return None
    you, me = PRONOUNS[language]
    rates = {}
    for speaker, said in counts.items():
        total = sum(n for word, n in said.items() if not word.endswith("'")) or 1
        rates[speaker] = (sum(said[word] for word in you) / total, sum(said[word] for word in me) / total)
    return rates
