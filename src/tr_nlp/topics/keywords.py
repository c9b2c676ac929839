"""Topic keywords: which words may be keywords, and how many of a topic's passages its label names.

BERTopic fits its ``CountVectorizer`` on each topic's passages joined into one text, so
the vectorizer's ``min_df`` counts *topics*: with ``min_df=2`` a word that only one
topic's passages hold can never be a keyword, and those are the most telling ones. On
AnnoMI's client talk, a topic about medication lost "medication", "pills" and
"cholesterol" that way and was labelled *medicine, muscle, driver*.
:func:`passage_vocabulary` chooses the words from the passages instead, a word held by at
least ``min_df`` passages, and BERTopic is given that vocabulary.

Maximal marginal relevance keeps c-TF-IDF's order among the words it picks, so a topic on
drink was labelled *drink, drinks, drinking*: :func:`forms_last` moves a word's other
forms behind the words of other stems, so the label names three things.

A topic whose label words (its first three keywords) few of its passages hold shares no
words: its passages share a meaning said in different words, or only a manner of
speaking. :func:`label_share` measures it, and a candidate below :data:`WEAK_LABEL_SHARE`
says so instead of being named after words that misdescribe it.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence

from tr_nlp.language import KEYWORD, KEYWORD_PATTERN

#: Below this share of its passages holding one of its label words, a candidate's passages
#: share few words, and its label would misdescribe it. On AnnoMI's client talk with no codes
#: given, 3 of 45 candidates fell below it (4%, 6%, 12%; the largest, 167 passages of generic
#: talk such as "I don't know what I'm going to do about it"), the others held 16-91%; on the
#: demo corpus, 27-78% (``benchmarks/discovery.py``).
WEAK_LABEL_SHARE = 0.15


def one_word(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` look like forms of one word: they begin alike for at least four
    letters and for all but two letters of the shorter (no stemmer is at hand offline; a
    false match such as *part* and *party* only moves a keyword down the list).

    >>> [one_word("drink", w) for w in ["drinks", "drinking", "smoke", "drug"]]
    [True, True, False, False]
    >>> one_word("smoker", "smoking"), one_word("family", "families"), one_word("medicine", "medication")
    (True, True, False)
    """
    a, b = a.lower(), b.lower()
    shared = len(os.path.commonprefix([a, b]))
    return shared >= max(4, min(len(a), len(b)) - 2)


def forms_last(keywords: Sequence[str]) -> list[str]:
    """``keywords`` in their order, each word that is :func:`one_word` with an earlier one
    moved behind the others (in its order).

    >>> forms_last(["drink", "drinks", "drinking", "alcohol", "beer"])
    ['drink', 'alcohol', 'beer', 'drinks', 'drinking']
    """
    first: list[str] = []
    later: list[str] = []
    for word in keywords:
        (later if any(one_word(word, w) for w in first) else first).append(word)
    return first + later


def passage_vocabulary(texts: Sequence[str], stop_words: Collection[str], min_df: int) -> list[str] | None:
    """The words at least ``min_df`` of ``texts`` hold, as keywords are cut
    (:data:`~tr_nlp.language.KEYWORD_PATTERN`, lower-cased), less ``stop_words``; None when
    there are none (BERTopic then fits its own).

    >>> passage_vocabulary(["the ward nurse", "a nurse on the ward", "waiting list"], {"the", "on"}, 2)
    ['nurse', 'ward']
    """
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words=sorted(stop_words), token_pattern=KEYWORD_PATTERN, min_df=min_df)
    try:
        vectorizer.fit(texts)
    except ValueError:  # no word is left: stop words only, or no word in min_df passages
        return None
    return [str(w) for w in vectorizer.get_feature_names_out()]


def holds(text: str, label: Collection[str]) -> bool:
    """Whether ``text`` holds one of the ``label`` words, or another form of one
    (:func:`one_word`), as keywords are cut (:data:`~tr_nlp.language.KEYWORD`), in any case.

    >>> holds("I was drinking a lot", ["drink"]), holds("my nurse", ["drink", "ward"])
    (True, False)
    """
    wanted = {w.lower() for w in label}
    return any(word in wanted or any(one_word(word, w) for w in wanted)
               for word in {w.lower() for w in KEYWORD.findall(text)})


def label_share(texts: Sequence[str], label: Collection[str]) -> float:
    """The share of ``texts`` that hold one of the ``label`` words or another form of one
    (:func:`holds`), rounded to 3 places.

    >>> label_share(["Waiting lists again", "the list", "my nurse"], ["waiting", "list"])
    0.667
    """
    if not texts:
        return 0.0
    return round(sum(holds(text, label) for text in texts) / len(texts), 3)
