"""The topic model: BERTopic from explicit sub-models, scaled to the corpus, seeded.

* embeddings: MiniLM through tr_nlp's cache (:class:`CachedEmbedder`), so text the
  classifier already embedded is never embedded again;
* UMAP (5 dimensions, cosine) with ``n_neighbors`` scaled to the number of segments;
* :class:`ScaledClusterer`: HDBSCAN with ``min_cluster_size`` scaled to the corpus; when
  it finds fewer than two clusters or lumps most passages into one (common below a few
  hundred passages), its finer "leaf" clusters, and as the documented last resort
  agglomerative (Ward) clustering of the same UMAP space;
* ``CountVectorizer`` with English stop words and interview fillers removed, c-TF-IDF
  that down-weights words frequent in every topic, and maximal marginal relevance over
  the c-TF-IDF words (diverse keywords rather than five forms of one word); people's
  names (:func:`proper_names`) are never keywords. On the demo
  corpus this gave clearer labels than ``KeyBERTInspired``, which favoured words close to
  the whole domain ("nurse", "psychiatrist") in every topic.

The same texts, embeddings and seed give the same topics.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from tr_nlp.features.embeddings import EmbeddingCache, embed_texts
from tr_nlp.topics.remainder import FILLERS

STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FILLERS)


@dataclass(frozen=True)
class TopicSettings:
    """Sub-model parameters for ``n`` segments (see :func:`scaled_settings`)."""

    n_neighbors: int
    min_cluster_size: int
    min_samples: int
    fallback_clusters: int
    min_df: int


def scaled_settings(n: int) -> TopicSettings:
    """Parameters that still give useful topics from a few hundred segments up to many thousands.

    ``n_neighbors`` grows with sqrt(n) between 5 and 15 (UMAP's default); a topic needs at
    least ``max(5, sqrt(n) / 6)`` passages (5 for a few hundred, 9 for 2,700, 37 for
    50,000), so a small corpus still yields topics and a large one does not shatter; the
    fallback cuts the tree into about sqrt(n / 4) clusters (between 2 and 30).
    """
    min_cluster = max(5, round(math.sqrt(n) / 6))
    return TopicSettings(
        n_neighbors=int(min(15, max(5, round(math.sqrt(n) / 1.5)), n - 1)),
        min_cluster_size=min_cluster,
        min_samples=min_cluster,
        fallback_clusters=int(min(30, max(2, round(math.sqrt(n / 4))))),
        min_df=1 if n < 300 else 2,
    )


class ScaledClusterer(ClusterMixin, BaseEstimator):
    """HDBSCAN, refined when it lumps, with agglomerative clustering as the last resort.

    HDBSCAN's default "excess of mass" selection often returns one dominant cluster on
    small corpora (a few hundred passages). When it finds fewer than two clusters, or its
    largest holds more than ``max_share`` of the points, the "leaf" selection (the finest
    clusters of the same tree) is tried; when that fails the same test too, the UMAP
    space is cut into ``fallback_clusters`` by Ward agglomerative clustering.

    Parameters
    ----------
    min_cluster_size, min_samples : int
        HDBSCAN's parameters.
    fallback_clusters : int
        Clusters for the agglomerative fallback.
    max_share : float
        Largest acceptable share of the points in one cluster.

    Attributes
    ----------
    labels_ : ndarray
        Cluster per row; -1 marks HDBSCAN outliers.
    method_ : str
        ``"hdbscan"``, ``"hdbscan-leaf"`` or ``"agglomerative"``.
    """

    def __init__(self, min_cluster_size: int = 10, min_samples: int = 3, fallback_clusters: int = 8,
                 max_share: float = 0.4):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.fallback_clusters = fallback_clusters
        self.max_share = max_share

    def _acceptable(self, labels: np.ndarray) -> bool:
        found = labels[labels != -1]
        return len(set(found)) >= 2 and np.bincount(found).max() <= self.max_share * len(labels)

    def fit(self, X: Any, y: Any = None) -> ScaledClusterer:
        from hdbscan import HDBSCAN
        from sklearn.cluster import AgglomerativeClustering

        X = np.asarray(X, dtype=np.float64)
        for selection in ("eom", "leaf"):
            labels = HDBSCAN(min_cluster_size=self.min_cluster_size, min_samples=self.min_samples,
                             metric="euclidean", cluster_selection_method=selection).fit(X).labels_
            if self._acceptable(labels):
                self.labels_, self.method_ = np.asarray(labels), "hdbscan" if selection == "eom" else "hdbscan-leaf"
                return self
        k = min(self.fallback_clusters, len(X))
        self.labels_ = np.asarray(AgglomerativeClustering(n_clusters=k, linkage="ward").fit(X).labels_)
        self.method_ = "agglomerative"
        return self


def cached_embedder(cache: EmbeddingCache) -> Any:
    """A BERTopic embedding backend that reads and fills tr_nlp's embedding cache."""
    from bertopic.backend import BaseEmbedder

    class CachedEmbedder(BaseEmbedder):  # type: ignore[misc]
        """BERTopic backend over tr_nlp's embedding cache (texts and topic words)."""

        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            return embed_texts(list(documents), cache)

    return CachedEmbedder()


_TOKEN = re.compile(r"[A-Za-z][A-Za-z']+")
_SENTENCE_END = re.compile(r"[.!?:;\"\u201c\u2018(\[\]]\s*$")


def proper_names(texts: Sequence[str], share: float = 0.8) -> set[str]:
    """Lower-cased words written Titlecase in at least ``share`` of their mid-sentence uses.

    People's names ("Karen", "Dr Shah") make poor topic keywords and should not travel into
    a codebook; acronyms such as "PIP" or "NHS" are kept.

    >>> sorted(proper_names(["Then Karen came.", "I told karen. Karen said no.", "She came then."]))
    []
    >>> sorted(proper_names(["And Karen came.", "I told Karen and then Karen left."]))
    ['karen']
    """
    title: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for text in texts:
        for match in _TOKEN.finditer(text):
            word = match.group()
            if _SENTENCE_END.search(text[max(0, match.start() - 3):match.start()]) or match.start() == 0:
                continue  # sentence-initial: capitalised anyway
            key = word.lower()
            total[key] += 1
            title[key] += word[0].isupper() and not word.isupper()
    return {w for w, n in total.items() if title[w] >= share * n and w != "i"}


def build_topic_model(n: int, seed: int = 0, cache: EmbeddingCache | None = None,
                      extra_stop_words: Sequence[str] = ()) -> Any:
    """A BERTopic with tr_nlp's sub-models for ``n`` segments."""
    with warnings.catch_warnings():  # umap says at import that TensorFlow (unused here) is missing
        warnings.simplefilter("ignore", ImportWarning)
        from bertopic import BERTopic
        from bertopic.representation import MaximalMarginalRelevance
        from bertopic.vectorizers import ClassTfidfTransformer
        from umap import UMAP

    settings = scaled_settings(n)
    return BERTopic(
        embedding_model=cached_embedder(cache or EmbeddingCache()),
        umap_model=UMAP(n_neighbors=settings.n_neighbors, n_components=5, min_dist=0.0, metric="cosine",
                        random_state=seed, n_jobs=1,  # a seed makes UMAP single-threaded anyway
                        init="spectral" if n > 60 else "random"),
        hdbscan_model=ScaledClusterer(settings.min_cluster_size, settings.min_samples, settings.fallback_clusters),
        vectorizer_model=CountVectorizer(stop_words=sorted(set(STOP_WORDS) | set(extra_stop_words)), ngram_range=(1, 1), min_df=settings.min_df,
                                         token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b"),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=MaximalMarginalRelevance(diversity=0.3, top_n_words=10),
        top_n_words=10,
        calculate_probabilities=False,
    )


@dataclass
class TopicFit:
    """Topic per segment and the words of each topic."""

    labels: np.ndarray                 # topic per segment, -1 = none
    keywords: dict[int, list[str]]     # topic -> keywords, best first
    method: str                        # clustering used: hdbscan or agglomerative
    settings: TopicSettings


def fit_topics(texts: Sequence[str], embeddings: np.ndarray, seed: int = 0,
               cache: EmbeddingCache | None = None) -> TopicFit:
    """Fit the topic model on ``texts`` with their precomputed ``embeddings``."""
    model = build_topic_model(len(texts), seed, cache, extra_stop_words=proper_names(texts))
    topics, _ = model.fit_transform(list(texts), embeddings)
    keywords = {int(t): [w for w, score in words if w] for t, words in model.get_topics().items() if t != -1}
    return TopicFit(np.asarray(topics, dtype=int), keywords, model.hdbscan_model.method_,
                    scaled_settings(len(texts)))

