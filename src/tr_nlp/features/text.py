"""Text features: TF-IDF word 1-2-grams + character 3-5-grams, and their union with embeddings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from tr_nlp.errors import ConfigError
from tr_nlp.features.embeddings import SentenceEmbedder

FeatureKind = Literal["tfidf", "embeddings", "both"]
FEATURE_KINDS: tuple[FeatureKind, ...] = ("tfidf", "embeddings", "both")


class TolerantTfidf(TfidfVectorizer):
    """``TfidfVectorizer`` that gives one all-zero column instead of failing when no term is left.

    A context column can hold no words at all (no turn two back in any interview, a
    monologue with no other speaker); scikit-learn then raises "empty vocabulary" and
    training would stop. Here the column contributes a single constant feature (zero
    columns would be refused when the blocks are stacked).

    Saved (``skops.io``, pickle), the fitted ``vocabulary_`` is one JSON string: skops
    would otherwise store every term as a node of its own, and every NumPy integer index
    (scikit-learn leaves them once ``max_features`` or ``min_df`` prune terms) as an
    array file of its own, which made a model file thousands of small files that took
    seconds to write and read. States saved the old way still load.

    >>> TolerantTfidf().fit_transform(["", ""]).toarray().tolist()
    [[0.0], [0.0]]
    """

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> TolerantTfidf:
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        documents = list(raw_documents)
        try:
            matrix = super().fit_transform(documents)
        except ValueError as error:
            if "empty vocabulary" not in str(error) and "no terms remain" not in str(error):
                raise
            self.empty_, self.vocabulary_ = True, {}
            return sp.csr_matrix((len(documents), 1))
        self.empty_ = False
        return matrix

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # a copy: object.__getstate__ gives __dict__ itself
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state["vocabulary_json_"] = json.dumps({term: int(index) for term, index in vocabulary.items()})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        text = state.pop("vocabulary_json_", None)
        if text is not None:
            vocabulary = json.loads(text)
            if not isinstance(vocabulary, dict) or not all(
                    isinstance(term, str) and type(index) is int for term, index in vocabulary.items()):
                raise ValueError("TolerantTfidf vocabulary_json_ is not a mapping of terms to whole numbers")
            state["vocabulary_"] = vocabulary
        super().__setstate__(state)

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        if getattr(self, "empty_", False):
            return sp.csr_matrix((len(list(raw_documents)), 1))
        return super().transform(raw_documents)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        if getattr(self, "empty_", False):
            return np.array(["(no terms)"], dtype=object)
        return super().get_feature_names_out(input_features)


def tfidf_features(max_features: int = 50_000) -> FeatureUnion:
    """Word 1-2-gram and char_wb 3-5-gram TF-IDF, sublinear tf, each L2-normalised."""
    return FeatureUnion([
        ("word", TolerantTfidf(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                               max_features=max_features, lowercase=True)),
        ("char", TolerantTfidf(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                               min_df=2, max_features=max_features, lowercase=True)),
    ])


def make_features(kind: str = "both", cache_dir: str | None = None, max_features: int = 50_000) -> FeatureUnion:
    """The feature union for ``kind``: ``tfidf``, ``embeddings`` or ``both``."""
    if kind not in FEATURE_KINDS:
        raise ConfigError("E163", detail=f"features {kind!r}; expected one of {FEATURE_KINDS}")
    parts = []
    if kind in {"tfidf", "both"}:
        parts.append(("tfidf", tfidf_features(max_features)))
    if kind in {"embeddings", "both"}:
        parts.append(("embeddings", SentenceEmbedder(cache_dir=cache_dir)))
    return FeatureUnion(parts)
