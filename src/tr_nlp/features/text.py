"""Text features: TF-IDF word 1-2-grams + character 3-5-grams, and their union with embeddings."""

from __future__ import annotations

from typing import Literal

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from tr_nlp.errors import ConfigError
from tr_nlp.features.embeddings import SentenceEmbedder

FeatureKind = Literal["tfidf", "embeddings", "both"]
FEATURE_KINDS: tuple[FeatureKind, ...] = ("tfidf", "embeddings", "both")


def tfidf_features(max_features: int = 50_000) -> FeatureUnion:
    """Word 1-2-gram and char_wb 3-5-gram TF-IDF, sublinear tf, each L2-normalised."""
    return FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                 max_features=max_features, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
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
