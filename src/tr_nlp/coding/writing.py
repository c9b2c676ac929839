"""How a model's training transcripts were written, and new interviews written otherwise.

People transcribe speech with capital letters and sentence punctuation; offline speech
recognisers and automatic captions often write neither. A model learns how its
transcripts are written, a question mark above all: on AnnoMI
(``benchmarks/annomi.py --tested-as-recognised``), a model trained on the human transcripts
told the therapist's codes of the same utterances, written in lower case without
punctuation, with macro-F1 0.618 instead of 0.767 (its questions' F1 0.41 instead of
0.84), below the TF-IDF baseline's 0.683; trained on them written so, it gave 0.736. A
model card records how its training transcripts were written (:func:`writing`), and
interviews written otherwise are named (:func:`writing_warnings`; with those in another
language, :func:`unlike_training`).

Examples
--------
>>> said = "so she rang me and we talked about the flat and she stayed with me the whole time "
>>> writing([said * 10]), writing(["So she rang me. We talked about the flat, and she stayed. " * 10])
({'capitals': False, 'punctuation': False}, {'capitals': True, 'punctuation': True})
>>> writing(["Too few words to tell."])
{}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tr_nlp.coding.language import language_warnings
from tr_nlp.coding.trained import training_warnings
from tr_nlp.privacy.case import in_lower_case
from tr_nlp.schema import Interview
from tr_nlp.segment.segmenter import SENTENCE_END

#: The fewest words that tell how a text is written.
MIN_WORDS = 100
#: The fewest marks ending a sentence per 100 words of a punctuated text: people's
#: sentences of speech hold 7-25 words, a recogniser without punctuation writes none.
MIN_MARKS = 1.0
#: The card's names of how a text is written, as a warning says them.
_SAID = {"capitals": "capital letters", "punctuation": "sentence punctuation"}
#: What writing otherwise cost on AnnoMI (see the module's docstring), as a warning says it.
_COST = ("on AnnoMI a model trained on human transcripts told the therapist's codes of the same utterances written in "
         "lower case without punctuation with macro-F1 0.62 instead of 0.77")


def writing(texts: Iterable[str]) -> dict[str, bool]:
    """Whether ``texts`` are written with capital letters (:func:`~tr_nlp.privacy.case.in_lower_case`)
    and with sentence punctuation (at least :data:`MIN_MARKS` full stops, question or
    exclamation marks per 100 words), as ``{"capitals": ..., "punctuation": ...}``; ``{}``
    for fewer than :data:`MIN_WORDS` words."""
    joined = " ".join(texts)
    words = len(joined.split())
    if words < MIN_WORDS:
        return {}
    marks = len(SENTENCE_END.findall(joined))
    return {"capitals": not in_lower_case(joined), "punctuation": marks * 100 >= MIN_MARKS * words}


def writing_warnings(card: Mapping[str, Any], interviews: Iterable[Interview]) -> list[tuple[Interview, str]]:
    """Each interview whose speech is written without capital letters or sentence
    punctuation where ``card``'s model's training transcripts had them, or with them where
    they had none, with what that means; none for a card that records no ``writing`` (a
    model trained before tr_nlp recorded it) or an interview of fewer than
    :data:`MIN_WORDS` words.

    >>> card = {"writing": {"capitals": True, "punctuation": True}}
    >>> said = "so she rang me and we talked about the flat and she stayed with me the whole time "
    >>> iv = Interview("iv1", said * 10, ())
    >>> [message for _, message in writing_warnings(card, [iv])]  # doctest: +ELLIPSIS
    ["is written without capital letters or sentence punctuation (a speech recogniser's output?), unlike ..."]
    """
    trained = card.get("writing")
    if not isinstance(trained, Mapping) or not trained:
        return []
    said = []
    for interview in interviews:
        now = writing([interview.text[t.start : t.end] for t in interview.turns] or [interview.text])
        lost = [_SAID[key] for key in _SAID if trained.get(key) is True and now.get(key) is False]
        found = [_SAID[key] for key in _SAID if trained.get(key) is False and now.get(key) is True]
        if lost:
            said.append((interview, (
                f"is written without {' or '.join(lost)} (a speech recogniser's output?), unlike the transcripts the "
                f"model was trained on: a model learns how its transcripts are written, a question mark above all "
                f"({_COST}), so its suggestions here are less reliable; code these with a model trained on "
                "transcripts written alike")))
        elif found:
            said.append((interview, (
                f"is written with {' and '.join(found)}, unlike the transcripts the model was trained on (as a "
                "speech recogniser writes them, without): a model learns how its transcripts are written, so its "
                "suggestions here may be less reliable; code these with a model trained on transcripts written "
                "alike")))
    return said


def unlike_training(card: Mapping[str, Any], interviews: Iterable[Interview],
                    training: bool = True) -> list[tuple[Interview, str]]:
    """Each interview unlike ``card``'s model's training ones, with what that means: in
    another language (:func:`~tr_nlp.coding.language.language_warnings`), or written
    otherwise (:func:`writing_warnings`), or, with ``training``, among them after all
    (:func:`~tr_nlp.coding.trained.training_warnings`); what ``code``, ``next``,
    ``evaluate --model`` and ``batch`` say of the interviews they are given. Without
    ``training`` where they are known to be none of them already (``evaluate --model``
    left those out), so that their words are not sketched twice."""
    interviews = list(interviews)
    return [*(training_warnings(card, interviews) if training else ()), *language_warnings(card, interviews),
            *writing_warnings(card, interviews)]
