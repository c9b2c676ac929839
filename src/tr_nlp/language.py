"""Which language a text is in, told by its stop words.

The language is the one whose stop-word list covers the most of the words: English's
(scikit-learn's list) or another's (spaCy's lists, which ship with spaCy: nothing is
downloaded). English interviews have 53-55% of their words in the English list (the demo
corpus and AnnoMI), and at most 9% in any other; German and Swedish samples 69% and 75% in
their own. The written lists lack the fillers of speech (Swedish "precis", "liksom", German
"genau"): :data:`~tr_nlp.fillers.SPOKEN_FILLERS` adds them for twelve languages.

Topic keywords leave out the stop words of their passages' language
(:mod:`tr_nlp.topics.model`); a model's card records the languages of the interviews it was
trained on, each interview's told alone, so that coding interviews in another one is said
(:mod:`tr_nlp.coding.language`).

Examples
--------
>>> stop_word_language(["Hon ringde mig på sin lediga dag, och det var ju inte något hon behövde göra."])
'sv'
>>> stop_word_language(["She rang me on her day off, and she didn't have to do that."])
'en'
>>> text_language(["非常感谢你的帮助"]) is None  # no list of this spaCy covers it
True
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from tr_nlp.fillers import SPOKEN_FILLERS

#: A letter of any alphabet (``\\w`` but digits and ``_``).
LETTER = r"[^\W\d_]"
#: The words topic keywords are made of, and languages are told by: two letters or more, cut at apostrophes.
KEYWORD_PATTERN = rf"(?u)\b{LETTER}{LETTER}+\b"
KEYWORD = re.compile(KEYWORD_PATTERN)

#: Languages written with spaces between words whose stop words (spaCy's lists) tell them,
#: besides English.
LANGUAGES = ("ar", "cs", "da", "de", "el", "es", "fa", "fi", "fr", "he", "hi", "hu", "it", "nb", "nl", "pl", "pt",
             "ro", "ru", "sv", "tr", "uk")
#: The least share of the words a language's stop words must cover to be taken for it.
MIN_COVER = 0.2


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """``language``'s stop words (``"en"``: scikit-learn's list; else spaCy's, with the
    fillers of its speech, :data:`~tr_nlp.fillers.SPOKEN_FILLERS`), cut into words as
    keywords are (``qu'il`` gives ``qu`` and ``il``), lower-cased. Empty when this spaCy
    has no list for ``language``."""
    listed = ENGLISH_STOP_WORDS if language == "en" else _spacy_list(language)
    if listed and language != "en":
        listed |= SPOKEN_FILLERS.get(language, set())
    return frozenset(word.lower() for entry in listed for word in KEYWORD.findall(entry))


def _spacy_list(language: str) -> set[str]:
    """spaCy's ``spacy/lang/LANGUAGE/stop_words.py``, run alone: importing it as a module
    would first import its language (French's takes 5.8 s, for its tokenizer's rules).
    Empty when this spaCy has no such file: that language is then never told."""
    spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return set()
    path = Path(spec.submodule_search_locations[0]) / "lang" / language / "stop_words.py"
    found = importlib.util.spec_from_file_location(f"_tr_nlp_stop_words_{language}", path)
    if not path.is_file() or found is None or found.loader is None:
        return set()
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return set(module.STOP_WORDS)


def text_language(texts: Sequence[str], languages: Sequence[str] = LANGUAGES) -> str | None:
    """The language of ``texts``: English or the one of ``languages`` whose stop words cover
    the most of their words, if that is at least :data:`MIN_COVER` (English where it ties);
    None where none does (too few stop words to tell, or a language with no list here)."""
    counts = Counter(word.lower() for text in texts for word in KEYWORD.findall(text))
    total = counts.total()
    if not total:
        return None
    candidates = ("en", *languages)
    covered = dict.fromkeys(candidates, 0)
    lists = _lists_holding(candidates)
    for word, n in counts.items():
        for language in lists.get(word, ()):
            covered[language] += n
    best = max(candidates, key=covered.__getitem__)
    return best if covered[best] / total >= MIN_COVER else None


@functools.cache
def _lists_holding(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each stop word of ``languages`` and the languages whose lists hold it, so that a
    text's words are looked up once, not once per language."""
    holding: dict[str, list[str]] = {}
    for language in languages:
        for word in stop_words(language):
            holding.setdefault(word, []).append(language)
    return {word: tuple(held) for word, held in holding.items()}


def stop_word_language(texts: Sequence[str], languages: Sequence[str] = LANGUAGES) -> str:
    """The language whose stop words topic keywords of ``texts`` leave out besides English
    ones: :func:`text_language`, or ``"en"`` where that cannot tell."""
    return text_language(texts, languages) or "en"
