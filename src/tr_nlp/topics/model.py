"""The topic model: BERTopic from explicit sub-models, scaled to the corpus, seeded.

* embeddings: MiniLM through tr_nlp's cache (:class:`CachedEmbedder`), so text the
  classifier already embedded is never embedded again;
* UMAP (5 dimensions, cosine) with ``n_neighbors`` scaled to the number of segments,
  fitted ``layouts`` times with different seeds and read side by side
  (:class:`LayoutEnsemble`), so a topic does not hinge on one random layout;
* :class:`ScaledClusterer`: HDBSCAN with ``min_cluster_size`` scaled to the corpus; when
  it finds fewer than two clusters or lumps most passages into one (common below a few
  hundred passages), its finer "leaf" clusters, and as the documented last resort
  agglomerative (Ward) clustering of the same UMAP space;
* ``CountVectorizer`` with English stop words and interview fillers removed, its words
  those ``min_df`` passages hold (:func:`~tr_nlp.topics.keywords.passage_vocabulary`: left
  to itself, BERTopic counts topics), c-TF-IDF that down-weights words frequent in every
  topic, and maximal marginal relevance over the c-TF-IDF words (it keeps their order, so
  a candidate moves other forms of a word behind itself:
  :func:`~tr_nlp.topics.keywords.forms_last`); people's
  names (:func:`proper_names`, told from the whole interviews) are never keywords. On the demo
  corpus this gave clearer labels than ``KeyBERTInspired``, which favoured words close to
  the whole domain ("nurse", "psychiatrist") in every topic.

The same texts, embeddings and seed give the same topics.
"""

from __future__ import annotations

import functools
import importlib
import logging
import math
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from tr_nlp.features.embeddings import EmbeddingCache, embed_texts
from tr_nlp.fillers import FILLERS
from tr_nlp.language import KEYWORD, KEYWORD_PATTERN, stop_word_language, stop_words
from tr_nlp.progress import about
from tr_nlp.topics.keywords import passage_vocabulary

log = logging.getLogger(__name__)

STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FILLERS)


@dataclass(frozen=True)
class TopicSettings:
    """Sub-model parameters for ``n`` segments (see :func:`scaled_settings`)."""

    n_neighbors: int
    min_cluster_size: int
    min_samples: int
    fallback_clusters: int
    min_df: int
    layouts: int = 5


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


#: Up to this many points the neighbour graph is exact (cosine, in blocks of rows); above,
#: UMAP's own approximate search (NN-descent), computed once for all layouts either way.
EXACT_NEIGHBOURS = 20_000


def cosine_neighbours(X: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows by cosine distance, itself first, and their distances.

    What UMAP computes for fewer than 4,096 points, but with one matrix product per block
    of rows instead of a Python call per pair (about 9 s for 2,700 passages).

    >>> idx, dist = cosine_neighbours(np.array([[1.0, 0], [1, 0.1], [0, 1]]), 2)
    >>> idx.tolist(), dist.astype(float).round(3).tolist()
    ([[0, 1], [1, 0], [2, 1]], [[0.0, 0.005], [0.0, 0.005], [0.0, 0.9]])
    """
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1)
    unit = X / np.where(norms > 0, norms, 1)[:, None]
    indices = np.empty((len(X), k), dtype=np.int32)
    distances = np.empty((len(X), k), dtype=np.float32)
    for lo in range(0, len(X), block):
        d = np.clip(1 - unit[lo:lo + block] @ unit.T, 0, 2)
        rows = np.arange(lo, min(lo + block, len(X)))
        d[rows - lo, rows] = -1  # each point is its own nearest neighbour, as in UMAP
        near = np.argpartition(d, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(d, near, axis=1), axis=1, kind="stable")
        indices[lo:lo + block] = np.take_along_axis(near, order, axis=1)
        distances[lo:lo + block] = np.take_along_axis(d, indices[lo:lo + block], axis=1)
    distances[:, 0] = 0  # itself; a zero vector lies at distance 1 from every other point, as in UMAP
    return indices, distances


#: UMAP's numba functions that it compiles afresh in every process (it caches others itself).
UMAP_UNCACHED = (("umap.umap_", "smooth_knn_dist"), ("umap.umap_", "compute_membership_strengths"),
                 ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch"),
                 ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch_parallel"))


def _umap(module: str = "umap") -> Any:
    """A module of umap, imported without umap's warning that TensorFlow (unused here) is missing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        return importlib.import_module(module)


@functools.cache
def cache_umap_compilation() -> list[str]:
    """Let numba keep UMAP's compiled functions on disk, as it does for those UMAP marks ``cache=True``.

    numba compiles them again in every process that fits a layout: most of the first
    discovery's time on a small corpus. Their machine code is cached beside UMAP's own
    (numba's user-wide cache folder where that is read-only); it holds no data. A
    function a UMAP release no longer has, or that cannot be cached there, is left
    uncached. Returns the names made cached (once per process).
    """
    cached = []
    for module, name in UMAP_UNCACHED:
        function = getattr(_umap(module), name, None)
        if function is None or not hasattr(function, "enable_caching"):
            continue
        try:
            function.enable_caching()
        except (RuntimeError, OSError):  # numba: no writable cache folder
            continue
        cached.append(f"{module}.{name}")
    return cached


class LayoutEnsemble(BaseEstimator):
    """Several seeded UMAP layouts of the same points, side by side.

    One UMAP layout of a few hundred passages is one random draw: passages that form a
    tight cluster in one layout can straddle two in another. (On the demo corpus one seed
    merged the planted waiting-list passages into a neighbouring topic under umap-learn
    0.5.12 and not under 0.5.11; one seed in ten missed the theme under either.) Each
    layout is centred and scaled to a root-mean-square norm of 1, and the layouts are
    concatenated: a Euclidean distance in the result is the root of the summed squared
    distances of the layouts, so passages stay close only where most layouts put them
    close. The layouts share one cosine neighbour graph (:func:`cosine_neighbours`, or
    UMAP's approximate search above ``EXACT_NEIGHBOURS`` points), so a further layout
    costs only UMAP's optimisation.

    Parameters
    ----------
    n_layouts : int
        How many layouts; 1 is a single UMAP, as BERTopic fits by default.
    n_neighbors, n_components, init
        UMAP's parameters (``metric="cosine"``, ``min_dist=0``).
    random_state : int
        Seed of the first layout; layout ``i > 0`` is seeded from ``(random_state, i)``.

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_layouts * n_components)
        The concatenated layouts of the points fitted.
    """

    def __init__(self, n_layouts: int = 5, n_neighbors: int = 15, n_components: int = 5, init: str = "spectral",
                 random_state: int = 0):
        self.n_layouts = n_layouts
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.init = init
        self.random_state = random_state

    def _neighbours(self, X: np.ndarray) -> tuple[Any, Any, Any]:
        if len(X) <= EXACT_NEIGHBOURS:
            return (*cosine_neighbours(X, self.n_neighbors), None)
        from umap.umap_ import nearest_neighbors

        return nearest_neighbors(X, self.n_neighbors, "cosine", {}, False, np.random.RandomState(self.random_state),
                                 low_memory=True, use_pynndescent=True, n_jobs=1)

    def fit(self, X: Any, y: Any = None) -> LayoutEnsemble:
        UMAP = _umap().UMAP
        cache_umap_compilation()
        X = np.asarray(X, dtype=np.float32)
        knn = self._neighbours(X)
        parts = []
        started = last = time.perf_counter()  # (each layout's time, and about how long the others take, are logged)
        for i in range(self.n_layouts):
            seed = self.random_state if i == 0 else int(np.random.SeedSequence([self.random_state, i])
                                                         .generate_state(1)[0] % 2**31)
            umap = UMAP(n_neighbors=self.n_neighbors, n_components=self.n_components, min_dist=0.0, metric="cosine",
                        init=self.init, random_state=seed, n_jobs=1,  # a seed makes UMAP single-threaded anyway
                        precomputed_knn=(knn[0].copy(), knn[1].copy(), knn[2]),  # UMAP edits them
                        force_approximation_algorithm=True)  # take the graph given
            with warnings.catch_warnings():  # no search index is kept: these layouts never transform new points
                warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
                layout = umap.fit_transform(X)
            layout = layout - layout.mean(axis=0)
            parts.append(layout / max(float(np.sqrt((layout**2).sum(axis=1).mean())), 1e-12))
            now, left = time.perf_counter(), self.n_layouts - i - 1
            log.info("layout %d/%d of %d passages in %.1f s%s", i + 1, self.n_layouts, len(X), now - last,
                     f"; {about((now - started) / (i + 1) * left)} left for the others" if left else "")
            last = now
        self.embedding_ = np.hstack(parts)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X, y).embedding_


def cached_embedder(cache: EmbeddingCache) -> Any:
    """A BERTopic embedding backend that reads and fills tr_nlp's embedding cache."""
    from bertopic.backend import BaseEmbedder

    class CachedEmbedder(BaseEmbedder):  # type: ignore[misc]
        """BERTopic backend over tr_nlp's embedding cache (texts and topic words)."""

        def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
            return embed_texts(list(documents), cache)

    return CachedEmbedder()


_SENTENCE_END = re.compile(r"[.!?:;\"\u201c\u2018(\[\]]\s*$")


def proper_names(texts: Sequence[str], share: float = 0.8, most: float = 0.12) -> set[str]:
    """Lower-cased words written Titlecase in at least ``share`` of their mid-sentence uses.

    People's names ("Karen", "Dr Shah") make poor topic keywords and should not travel into
    a codebook; acronyms such as "PIP" or "NHS" are kept. None when more than ``most`` of
    the words (of 50 or more) are: that is a language that capitalises its nouns, as German
    does, where the rule would take every noun for a name (in English interviews 3.5% of
    the words are names: the demo corpus and AnnoMI alike).

    >>> sorted(proper_names(["Then Karen came.", "I told karen. Karen said no.", "She came then."]))
    []
    >>> sorted(proper_names(["And Karen came.", "I told Karen and then Karen left."]))
    ['karen']
    """
    title: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for text in texts:
        for match in KEYWORD.finditer(text):  # the words keywords are made of
            word = match.group()
            if _SENTENCE_END.search(text[max(0, match.start() - 3):match.start()]) or match.start() == 0:
                continue  # sentence-initial: capitalised anyway
            key = word.lower()
            total[key] += 1
            title[key] += word[0].isupper() and not word.isupper()
    names = {w for w, n in total.items() if title[w] >= share * n and w != "i"}
    return set() if len(total) >= 50 and len(names) > most * len(total) else names


def build_topic_model(settings: TopicSettings, n: int, seed: int = 0, cache: EmbeddingCache | None = None,
                      extra_stop_words: Sequence[str] = (), vocabulary: Sequence[str] | None = None) -> Any:
    """A BERTopic with tr_nlp's sub-models, set up by ``settings``, for ``n`` segments.

    ``vocabulary`` fixes the words keywords are chosen from (see
    :func:`~tr_nlp.topics.keywords.passage_vocabulary`); without it, those of
    ``settings.min_df`` topics.
    """
    with warnings.catch_warnings():  # umap says at import that TensorFlow (unused here) is missing
        warnings.simplefilter("ignore", ImportWarning)
        from bertopic import BERTopic
        from bertopic.representation import MaximalMarginalRelevance
        from bertopic.vectorizers import ClassTfidfTransformer

    return BERTopic(
        embedding_model=cached_embedder(cache or EmbeddingCache()),
        umap_model=LayoutEnsemble(settings.layouts, settings.n_neighbors, n_components=5,
                                  init="spectral" if n > 60 else "random", random_state=seed),
        hdbscan_model=ScaledClusterer(settings.min_cluster_size, settings.min_samples, settings.fallback_clusters),
        vectorizer_model=CountVectorizer(stop_words=sorted(set(STOP_WORDS) | set(extra_stop_words)), ngram_range=(1, 1),
                                         min_df=settings.min_df if vocabulary is None else 1,
                                         vocabulary=None if vocabulary is None else list(vocabulary),
                                         token_pattern=KEYWORD_PATTERN),
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
    language: str = "en"               # whose stop words keywords leave out (see tr_nlp.language)


def fit_topics(texts: Sequence[str], embeddings: np.ndarray, seed: int = 0,
               cache: EmbeddingCache | None = None, layouts: int | None = None,
               names_in: Sequence[str] = ()) -> TopicFit:
    """Fit the topic model on ``texts`` with their precomputed ``embeddings``.

    ``layouts`` overrides how many UMAP layouts are read side by side (default:
    :attr:`TopicSettings.layouts`). Keywords leave out names (:func:`proper_names` of
    ``names_in``, the interviews ``texts`` are passages of, where given: a name a passage
    holds only at the start of its sentences is told by its uses elsewhere) and the stop
    words of the language of ``texts`` (:func:`~tr_nlp.language.stop_word_language`)
    besides English ones.
    """
    settings = scaled_settings(len(texts))
    if layouts is not None:
        settings = replace(settings, layouts=layouts)
    language = stop_word_language(texts)
    extra = proper_names(names_in or texts) | (stop_words(language) if language != "en" else set())
    vocabulary = passage_vocabulary(texts, set(STOP_WORDS) | extra, settings.min_df)
    model = build_topic_model(settings, len(texts), seed, cache, extra_stop_words=sorted(extra), vocabulary=vocabulary)
    topics, _ = model.fit_transform(list(texts), embeddings)
    keywords = {int(t): [w for w, score in words if w] for t, words in model.get_topics().items() if t != -1}
    return TopicFit(np.asarray(topics, dtype=int), keywords, model.hdbscan_model.method_, settings, language)

