"""The language a model was trained on, and interviews to code in another one.

A model learns the words of its training interviews (TF-IDF), and its sentence encoder,
all-MiniLM-L6-v2, was trained on English text. Interviews in another language than the
training ones share few of those words: they get few suggestions, at probabilities
calibrated on other speech, and nothing in the output says so. A batch over them looks like
interviews with little to code. The card records the training interviews' language
(:func:`training_language`, told by stop words, :func:`tr_nlp.language.text_language`), and
interviews that read as another one are named (:func:`language_warnings`).

Examples
--------
>>> card = {"language": "en"}
>>> swedish = Interview("iv1", "Hon ringde mig på sin lediga dag, och det var ju inte något hon behövde göra. " * 5)
>>> [message for _, message in language_warnings(card, [swedish])]  # doctest: +ELLIPSIS
['reads as Swedish (sv), not English like the interviews the model was trained on: ...']
>>> english = Interview("iv2", "She rang me on her day off, and she didn't have to do that, you know. " * 5)
>>> language_warnings(card, [english])
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tr_nlp.language import KEYWORD, text_language
from tr_nlp.schema import Interview

#: Names of the languages told (:data:`tr_nlp.language.LANGUAGES` and English).
NAMES = {"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
         "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
         "hu": "Hungarian", "it": "Italian", "nb": "Norwegian", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
         "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian"}
#: An interview of fewer words than this is not judged: too few to tell its language.
MIN_WORDS = 50
#: The characters of a text its language is told by: a few thousand words tell it as well as all.
SAMPLE_CHARS = 20_000


def language_name(language: str) -> str:
    """``"Swedish (sv)"``."""
    return f"{NAMES.get(language, language)} ({language})"


def training_language(texts: Sequence[str]) -> str | None:
    """The language of a model's training texts (the first :data:`SAMPLE_CHARS`
    characters of them), or None where their stop words do not tell it."""
    sample, size = [], 0
    for text in texts:
        if size >= SAMPLE_CHARS:
            break
        sample.append(text)
        size += len(text)
    return text_language(sample)


def language_warnings(card: Mapping[str, Any], interviews: Iterable[Interview]) -> list[tuple[Interview, str]]:
    """Each interview that reads as another language than the one ``card``'s model was
    trained on (its ``language``), with what that means; none for a card that records no
    language (a model trained before tr_nlp recorded it) or an interview of fewer than
    :data:`MIN_WORDS` words."""
    trained = card.get("language")
    if not trained:
        return []
    said = []
    for interview in interviews:
        sample = interview.text[:SAMPLE_CHARS]
        if len(KEYWORD.findall(sample)) < MIN_WORDS:
            continue
        language = text_language([sample])
        if language == trained:
            continue
        name = NAMES.get(trained, trained)
        read = f"reads as {language_name(language)}, not" if language else "does not read as"
        said.append((interview, (f"{read} {name} like the interviews the model was trained on: it learned {name} "
                                 "words, so its suggestions here are unreliable (few, at probabilities not calibrated "
                                 "for them); code these with a model trained on coded interviews in their language")))
    return said


def encoder_warning(language: str | None, features: str) -> str | None:
    """What to know when a model with MiniLM's sentence embeddings (``features`` other than
    ``tfidf``: ``embeddings``, ``both`` or ``finetune``) learns from interviews in another
    language than English; None otherwise.

    >>> encoder_warning("en", "both") is None and encoder_warning("sv", "tfidf") is None
    True
    >>> encoder_warning("sv", "both")  # doctest: +ELLIPSIS
    'the coded interviews read as Swedish (sv); all-MiniLM-L6-v2, whose sentence embeddings --features both uses, ...'
    """
    if language in (None, "en") or features == "tfidf":
        return None
    option = "--finetune" if features == "finetune" else f"--features {features}"
    return (f"the coded interviews read as {language_name(language)}; all-MiniLM-L6-v2, whose sentence embeddings "
            f"{option} uses, was trained on English text, so for them its part may add little: compare "
            "--features tfidf with tr-nlp evaluate")
