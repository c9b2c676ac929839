"""The language a model was trained on, and interviews to code in another one.

A model learns the words of its training interviews (TF-IDF), and its sentence encoder,
all-MiniLM-L6-v2, was trained on English text. Interviews in another language than the
training ones share few of those words: they get few suggestions, at probabilities
calibrated on other speech, and nothing in the output says so. A batch over them looks like
interviews with little to code. The card records the training interviews' languages
(:func:`training_languages`, each interview's told by its stop words,
:func:`tr_nlp.language.text_language`, or, for Chinese, Japanese and Korean, by its script,
:func:`script_language`), and interviews that read as another one are named
(:func:`language_warnings`).

Examples
--------
>>> card = {"languages": ["en"]}
>>> swedish = Interview("iv1", "Hon ringde mig på sin lediga dag, och det var ju inte något hon behövde göra. " * 5)
>>> [message for _, message in language_warnings(card, [swedish])]  # doctest: +ELLIPSIS
['reads as Swedish (sv), not English like the interviews the model was trained on: ...']
>>> english = Interview("iv2", "She rang me on her day off, and she didn't have to do that, you know. " * 5)
>>> language_warnings(card, [english])
[]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tr_nlp.ingest.encoding import UNSPACED_LETTER
from tr_nlp.language import KEYWORD, LETTER, text_language
from tr_nlp.schema import Interview

#: Names of the languages told (:data:`tr_nlp.language.LANGUAGES`, English, and those told by script).
NAMES = {"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
         "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
         "hu": "Hungarian", "it": "Italian", "nb": "Norwegian", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
         "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese",
         "ja": "Japanese", "ko": "Korean"}
#: An interview of fewer words than this is not judged: too few to tell its language.
MIN_WORDS = 50
#: The least share of a model's training interviews in a language for the card to record it.
MIN_SHARE = 0.1
#: The characters of a text its language is told by: a few thousand words tell it as well as all.
SAMPLE_CHARS = 20_000


def language_name(language: str) -> str:
    """``"Swedish (sv)"``; a code of no name here (one an interview's metadata gave) as it is."""
    return f"{NAMES[language]} ({language})" if language in NAMES else language


def _sample(texts: Iterable[str]) -> str:
    """The first :data:`SAMPLE_CHARS` characters of ``texts`` (joined by newlines): a few
    thousand words tell a language as well as all of them."""
    parts, size = [], 0
    for text in texts:
        if size >= SAMPLE_CHARS:
            break
        parts.append(text)
        size += len(text) + 1
    return "\n".join(parts)[:SAMPLE_CHARS]


def _long_enough(sample: str) -> bool:
    """Whether ``sample`` has :data:`MIN_WORDS` words, each letter of Chinese or Japanese
    counted as one (they are written without spaces between words)."""
    unspaced = len(UNSPACED_LETTER.findall(sample))
    return len(KEYWORD.findall(UNSPACED_LETTER.sub(" ", sample) if unspaced else sample)) + unspaced >= MIN_WORDS


_HANGUL = re.compile("[\uac00-\ud7a3]")
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")
_LETTERS = re.compile(LETTER)
_SCRIPTS = re.compile(f"{_HANGUL.pattern}|{UNSPACED_LETTER.pattern}")  # any letter of the three


def script_language(text: str) -> str | None:
    """Chinese, Japanese or Korean where most of ``text``'s letters are of their scripts
    (which no stop-word list here tells: Chinese and Japanese are written without spaces):
    Korean by its Hangul, Japanese by its kana among the Chinese characters; None otherwise.

    >>> script_language("她上个星期还打电话给我，其实她那天休息。"), script_language("先週、彼女は電話をくれました。")
    ('zh', 'ja')
    >>> script_language("지난주에 그녀가 전화를 했어요."), script_language("She rang me last week.")
    ('ko', None)
    """
    if not _SCRIPTS.search(text):  # most texts: one pass, no counting
        return None
    hangul, unspaced = len(_HANGUL.findall(text)), len(UNSPACED_LETTER.findall(text))
    if hangul + unspaced < 0.5 * max(len(_LETTERS.findall(text)), 1):
        return None
    if hangul >= unspaced:
        return "ko"
    return "ja" if len(_KANA.findall(text)) >= 0.1 * unspaced else "zh"


def told_language(sample: str) -> str | None:
    """The language of ``sample``: by its script (:func:`script_language`), else by its
    stop words (:func:`tr_nlp.language.text_language`); None where neither tells."""
    return script_language(sample) or text_language([sample])


def text_language_of(text: str) -> str | None:
    """The language of one interview's ``text`` (its first :data:`SAMPLE_CHARS` characters);
    None where it has fewer than :data:`MIN_WORDS` words or neither its script nor its stop
    words tell one (:func:`told_language`)."""
    sample = text[:SAMPLE_CHARS]
    return told_language(sample) if _long_enough(sample) else None


def training_languages(texts: Sequence[str], groups: Sequence[str]) -> list[str]:
    """The languages of a model's training interviews, most interviews first: each
    interview's (its segments' ``texts``, ``groups`` naming their interviews) told alone,
    and a language counted where at least :data:`MIN_SHARE` of the interviews told are in
    it (a stray one teaches a model too little of its language). Where no interview is long
    enough to tell, the texts together; empty where nothing tells a language.

    >>> training_languages(["She rang me on her day off, and she didn't have to do that. " * 5] * 2, ["a", "b"])
    ['en']
    """
    by_interview: dict[str, list[str]] = {}
    for text, group in zip(texts, groups):
        by_interview.setdefault(group, []).append(text)
    told = Counter(language for parts in by_interview.values()
                   if (language := text_language_of(_sample(parts))) is not None)
    if not told:
        language = told_language(_sample(texts))
        return [language] if language else []
    total = sum(told.values())
    return [language for language, n in told.most_common() if n >= MIN_SHARE * total]


def card_languages(card: Mapping[str, Any]) -> list[str]:
    """The languages a model's card records (none for a model trained before tr_nlp recorded them)."""
    return [str(language) for language in card.get("languages") or ()]


def language_warnings(card: Mapping[str, Any], interviews: Iterable[Interview]) -> list[tuple[Interview, str]]:
    """Each interview that reads as none of the languages ``card``'s model was trained on
    (its ``languages``), with what that means; none for a card that records no language (a
    model trained before tr_nlp recorded them) or an interview of fewer than
    :data:`MIN_WORDS` words. Where neither its script nor its stop words tell an
    interview's language (Vietnamese, Thai...), its metadata's (:func:`declared_language`,
    Whisper's) does."""
    trained = card_languages(card)
    if not trained:
        return []
    names = " or ".join(NAMES.get(language, language) for language in trained)
    said = []
    for interview in interviews:
        sample = interview.text[:SAMPLE_CHARS]
        if not _long_enough(sample):
            continue
        told = told_language(sample)
        language = told or declared_language(interview.metadata)
        if language in trained:
            continue
        read = ("does not read as" if language is None else f"reads as {language_name(language)}, not" if told
                else f"is in {language_name(language)} (its metadata says), not in")
        said.append((interview, (f"{read} {names} like the interviews the model was trained on: it learned {names} "
                                 "words, so its suggestions here are unreliable (few, at probabilities not calibrated "
                                 "for them); code these with a model trained on coded interviews in their language")))
    return said


def declared_language(metadata: Mapping[str, Any]) -> str | None:
    """The language an interview's metadata gives (a ``language`` key in any case: Whisper's
    JSON writes one, a front matter may), as a code: ``vi``, ``en-GB`` -> ``en``, or a name
    of :data:`NAMES` -> its code; None for none, or for a value that is neither.

    >>> declared_language({"language": "vi"}), declared_language({"Language": "en-GB"}), declared_language({})
    ('vi', 'en', None)
    >>> declared_language({"language": "Swedish"}), declared_language({"language": "the usual"})
    ('sv', None)
    """
    value = next((v for k, v in metadata.items() if str(k).casefold() == "language"), None)
    if not isinstance(value, str):
        return None
    code = re.split(r"[-_]", value.strip().casefold(), maxsplit=1)[0]
    by_name = {name.casefold(): language for language, name in NAMES.items()}
    return by_name.get(code) or (code if re.fullmatch(r"[a-z]{2,3}", code) else None)


def encoder_warning(languages: Sequence[str], features: str) -> str | None:
    """What to know when a model with MiniLM's sentence embeddings (``features`` other than
    ``tfidf``: ``embeddings``, ``both`` or ``finetune``) learns from interviews in other
    ``languages`` than English; None otherwise.

    >>> encoder_warning(["en"], "both") is None and encoder_warning(["sv"], "tfidf") is None
    True
    >>> encoder_warning(["sv"], "both")  # doctest: +ELLIPSIS
    'the coded interviews read as Swedish (sv); all-MiniLM-L6-v2, whose sentence embeddings --features both uses, ...'
    >>> encoder_warning(["en", "sv"], "both")  # doctest: +ELLIPSIS
    'some of the coded interviews read as Swedish (sv); all-MiniLM-L6-v2, ...'
    """
    others = [language for language in languages if language != "en"]
    if not others or features == "tfidf":
        return None
    option = "--finetune" if features == "finetune" else f"--features {features}"
    some_of = "some of " if "en" in languages else ""
    return (f"{some_of}the coded interviews read as {' and '.join(map(language_name, others))}; all-MiniLM-L6-v2, "
            f"whose sentence embeddings {option} uses, was trained on English text, so for them its part may add "
            "little: tr-nlp evaluate --against tfidf says whether it helps on them")


def guidance_warning(languages: Sequence[str], codebook_texts: Sequence[str]) -> str | None:
    """What to know when ``next`` ranks segments of interviews in ``languages`` by their
    likeness to a codebook's descriptions (``codebook_texts``) with all-MiniLM-L6-v2, an
    encoder of English: where the interviews are not in English, or not in the codebook's
    language; None otherwise.

    >>> guidance_warning(["en"], ["The participant says a professional listened."]) is None
    True
    >>> guidance_warning(["sv"], ["The participant says a professional listened to them and took them seriously."])
    ... # doctest: +ELLIPSIS
    'the interviews read as Swedish (sv) and the codebook as English (en): ... in their language'
    """
    written = told_language(_sample(codebook_texts))
    others = [language for language in languages if language != "en"]
    if not others and written in (None, "en"):
        return None
    spoken = " and ".join(map(language_name, languages)) or "no language told"
    if written is not None and written not in languages:
        return (f"the interviews read as {spoken} and the codebook as {language_name(written)}: ranking them by "
                "likeness to what the codebook says of each code reads across languages with all-MiniLM-L6-v2, an "
                "encoder of English text, so expect a poor list; describe the codes (and give examples) in their "
                "language")
    return (f"the interviews read as {spoken}: ranking them by likeness to the codebook uses all-MiniLM-L6-v2, an "
            "encoder of English text, so expect a weaker list than in English")
