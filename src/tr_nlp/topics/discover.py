"""Candidate-code discovery end to end: remainder -> embeddings -> topics -> candidates.

Examples
--------
>>> from tr_nlp.ingest import load_corpus                      # doctest: +SKIP
>>> found = discover(load_corpus(["corpora/demo"]))             # doctest: +SKIP
>>> [c.label for c in found.candidates][:2]                     # doctest: +SKIP
['nurse, community, clinic', 'appointment, coffee, book']
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from tr_nlp.coding.guided import guidance_means, ranked_codes
from tr_nlp.errors import DiscoveryError
from tr_nlp.export import write_json, write_table, write_text
from tr_nlp.features.context import context_frame, without_time_marks
from tr_nlp.features.embeddings import EmbeddingCache, embed_texts
from tr_nlp.ingest import Corpus
from tr_nlp.segment import Segmenter, map_codings
from tr_nlp.topics.candidates import (
    Candidate,
    assignments_frame,
    candidates_to_dict,
    code_centroids,
    make_candidates,
)
from tr_nlp.topics.centring import SUBJECT_SHARE, between_interview_share, centre_within_interviews
from tr_nlp.topics.model import TopicSettings, fit_topics
from tr_nlp.topics.remainder import Remainder, coded_ids, select_remainder, words

if TYPE_CHECKING:
    from tr_nlp.coding.store import ThemeModel
    from tr_nlp.schema import Codebook

log = logging.getLogger(__name__)

#: Fewer passages than this give no meaningful topics.
MIN_PASSAGES = 20
#: Weight of each of the two previous turns of the other speaker (see :func:`dialogue_embeddings`).
DEFAULT_CONTEXT = 0.5
#: Passages longer than this many words get proportionally less context weight.
CONTEXT_WORDS = 15


@dataclass
class Discovery:
    """What :func:`discover` found."""

    candidates: list[Candidate]
    assignments: pd.DataFrame      # passage -> topic / candidate
    remainder: Remainder
    method: str                    # hdbscan, or the agglomerative fallback
    settings: TopicSettings
    seconds: float
    layout: list[dict[str, Any]] = field(default_factory=list)  # the topic map: see topic_map()
    centring: dict[str, Any] = field(default_factory=dict)       # see tr_nlp.topics.centring
    interviews: list[str] = field(default_factory=list)          # ids of every interview searched
    language: str = "en"  # whose stop words keywords leave out besides English ones (see tr_nlp.language)

    def centring_note(self) -> str:
        """How passages were clustered, e.g. "centred within interviews (between-interview share 0.034, limit 0.08)"."""
        how = self.centring
        said = "centred within interviews" if how.get("centred") else "not centred"
        if how.get("decided") != "auto":
            return f"{said} (as asked)"
        share, limit = how["between_interview_share"], how["subject_share_limit"]
        return f"{said} (between-interview share {share:.3f}, limit {limit})"

    def summary(self) -> dict[str, Any]:
        return {
            "candidates": len(self.candidates),
            "passages": len(self.remainder.segments),
            "removed": self.remainder.removed,
            "without_topic": int((self.assignments["topic"] == -1).sum()),
            "clustering": self.method,
            "settings": asdict(self.settings),
            "seconds": round(self.seconds, 1),
            "centring": self.centring,
            "map": self.layout,
            "interview_ids": self.interviews,
            "stop_words": self.language,
        }


def discover(
    corpus: Corpus,
    segmenter: Segmenter | None = None,
    model: ThemeModel | None = None,
    min_words: int = 6,
    seed: int = 0,
    merge: bool = True,
    context: float = DEFAULT_CONTEXT,
    cache: EmbeddingCache | None = None,
    centre: bool | None = None,
    layouts: int | None = None,
) -> Discovery:
    """Topic-model the passages of ``corpus`` nobody coded and propose candidate codes.

    Parameters
    ----------
    corpus
        Interviews with their human codings (codings may be empty).
    segmenter
        Segmentation and speaker roles (default: participant sentences).
    model
        A theme model: passages it codes above threshold are left out too. Where
        ``corpus`` has no codebook (new interviews in a batch), each candidate is compared
        with the entries of the codebook the model was trained with, so that it reads as
        new or as a variant of one of the team's codes the model missed there.
    min_words
        Passages shorter than this are dropped.
    seed
        Same input and seed, same topics.
    merge
        Join uncoded segments that follow each other in a turn into one passage.
    context
        Weight of the other speaker's two previous turns in the embedding that is
        clustered (see :func:`dialogue_embeddings`); 0 clusters the passages alone.
    cache
        The embedding cache (default: the shared one).
    centre
        Subtract each interview's mean embedding before clustering, so topics are what
        recurs across interviews rather than each interview's own story (see
        :mod:`tr_nlp.topics.centring`). ``None`` decides from the data: centre unless
        interviews differ in subject (between-interview share above ``SUBJECT_SHARE``).
    layouts
        How many seeded UMAP layouts the clustering reads side by side (see
        :class:`~tr_nlp.topics.model.LayoutEnsemble`; default 5); 1 is a single layout.

    Raises
    ------
    DiscoveryError
        Too few passages left (E190) or too few distinct ones (E191).
    """
    t0 = time.perf_counter()
    cache = cache or EmbeddingCache()
    interviews = corpus.by_id()
    segments = (segmenter or Segmenter()).segment(corpus.interviews)
    mapped = map_codings(segments, corpus.codings)
    remainder = select_remainder(segments, coded_ids(mapped), interviews, min_words, model, merge)
    passages = remainder.segments
    if len(passages) < MIN_PASSAGES:
        raise DiscoveryError("E190", n=len(passages), removed=remainder.after_removing(), need=MIN_PASSAGES,
                             advice=remainder.advice(MIN_PASSAGES))
    texts = [s.text for s in passages]
    distinct = len({" ".join(t.lower().split()) for t in texts})
    if distinct < MIN_PASSAGES:
        raise DiscoveryError("E191", n=len(passages), distinct=distinct, need=MIN_PASSAGES)
    log.info("topic discovery on %d uncoded passage(s) of %d interview(s)", len(passages),
             len({s.interview_id for s in passages}))
    embeddings = embed_texts([without_time_marks(t) for t in texts], cache)
    clustered = dialogue_embeddings(passages, interviews, embeddings, context, cache)
    ids = np.array([s.interview_id for s in passages])
    share = between_interview_share(clustered, ids)
    centred = bool(centre) if centre is not None else (share < SUBJECT_SHARE and len(set(ids)) > 1)
    if centred:
        clustered = centre_within_interviews(clustered, ids)
    log.info("clustering %s interviews", "centred within" if centred else "not centred within")
    fit = fit_topics(texts, clustered, seed, cache, layouts, names_in=[iv.text for iv in corpus.interviews])
    centroids = _centroids(segments, mapped, cache)
    described = _described(corpus.codebook or _model_codebook(model), set(centroids), cache)
    candidates = make_candidates(passages, fit.labels, embeddings, fit.keywords, {**described, **centroids},
                                 guided=described.keys())
    return Discovery(candidates, assignments_frame(passages, fit.labels, embeddings, candidates), remainder,
                     fit.method, fit.settings, time.perf_counter() - t0,
                     topic_map(candidates, np.asarray(fit.labels), embeddings, centroids, described),
                     {"centred": centred, "decided": "auto" if centre is None else "given",
                      "between_interview_share": round(share, 4), "subject_share_limit": SUBJECT_SHARE},
                     sorted(interviews), fit.language)


def topic_map(candidates: list[Candidate], labels: np.ndarray, embeddings: np.ndarray,
              centroids: dict[str, np.ndarray], described: dict[str, np.ndarray] | None = None) -> list[dict[str, Any]]:
    """2-D positions of candidate topics beside the existing codes, for a topic map.

    Each candidate's centroid (mean embedding of its passages) and each code's centroid
    are projected on their first two principal components, so nearby points talk about
    similar things; signs are fixed so the same input always draws the same map. A code
    nobody coded is placed by its codebook entry (``described``, kind ``code_entry``), as
    candidates were compared with it.
    """
    points = [(c.name, "candidate", c.size, embeddings[labels == c.topic].mean(axis=0)) for c in candidates
              if (labels == c.topic).any()]
    points += [(code, "code", 0, vector) for code, vector in sorted(centroids.items())]
    points += [(code, "code_entry", 0, vector) for code, vector in sorted((described or {}).items())
               if code not in centroids]
    if len(points) < 2:
        return []
    matrix = np.stack([p[3] for p in points]).astype(np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    centred = matrix - matrix.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)  # two or more points: at least two components
    xy = u[:, :2] * s[:2]
    for k in range(xy.shape[1]):  # deterministic orientation
        if xy[np.argmax(np.abs(xy[:, k])), k] < 0:
            xy[:, k] *= -1
    return [{"name": name, "kind": kind, "size": int(size), "x": round(float(x), 4), "y": round(float(y), 4)}
            for (name, kind, size, _), (x, y) in zip(points, xy)]


def dialogue_embeddings(passages: list, interviews: dict, own: np.ndarray, weight: float,
                        cache: EmbeddingCache) -> np.ndarray:
    """A passage's embedding plus those of the two turns of the other speaker before it.

    Each context turn counts ``weight`` for passages up to ``CONTEXT_WORDS`` words and
    proportionally less for longer ones.

    What a participant talks about is often named only in the question they answer ("And
    the drinking?" - "I cut down a bit."), so passages are clustered by what was said and
    what it answered. Quotes, centroids and novelty use the passage's own embedding. On
    AnnoMI client talk (benchmarks/discovery.py) this raised the alignment of topics with
    the transcripts' subjects well above clustering the utterances alone.
    """
    if weight <= 0:
        return own
    frame = context_frame(passages, interviews)
    mixed = own.astype(np.float64)
    # a long passage names its own topic; a short answer leans on its question
    lengths = np.array([max(1, len(words(p.text))) for p in passages])
    scaled = weight * np.minimum(1.0, CONTEXT_WORDS / lengths)[:, None]
    for column in ("prev_text", "prev2_text"):
        texts = frame[column].tolist()
        present = np.array([bool(t.strip()) for t in texts])
        if present.any():
            mixed[present] += scaled[present] * embed_texts([t for t in texts if t.strip()], cache)
    return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)


def _centroids(segments: list, mapped: pd.DataFrame, cache: EmbeddingCache) -> dict[str, np.ndarray]:
    """Centroid per code of the segments humans coded with it (any coder)."""
    codes_of: dict[str, set[str]] = defaultdict(set)
    for sid, code in zip(mapped["segment_id"].astype(str), mapped["code"].astype(str)):
        codes_of[code].add(sid)
    wanted = set().union(*codes_of.values()) if codes_of else set()
    coded = [s for s in segments if s.segment_id in wanted]
    vectors = embed_texts([without_time_marks(s.text) for s in coded], cache)
    return code_centroids(codes_of, {s.segment_id: v for s, v in zip(coded, vectors)})


def _model_codebook(model: ThemeModel | None) -> Codebook | None:
    """The codebook ``model`` was trained with, as its card keeps it (None without a model, or
    for one whose card keeps none)."""
    if model is None:
        return None
    from tr_nlp.coding.store import card_codebook

    return card_codebook(model.card)


def _described(codebook: Codebook | None, coded: set[str], cache: EmbeddingCache) -> dict[str, np.ndarray]:
    """Centroid per active code of ``codebook`` nobody coded (not in ``coded``): the mean
    embedding of its codebook entry (:func:`~tr_nlp.coding.guided.guidance_means`), made unit length."""
    codes = [c for c in (ranked_codes(codebook, None) if codebook else ()) if c.name not in coded]
    if not codes:
        return {}
    means = guidance_means(codes, lambda texts: embed_texts(texts, cache))
    return {c.name: mean / max(float(np.linalg.norm(mean)), 1e-12) for c, mean in zip(codes, means, strict=True)}


def undiscovered(summary: dict[str, Any], interview_ids: Iterable[str]) -> list[str]:
    """The ``interview_ids`` a discovery did not search, from its ``summary`` (``discovery.json``).

    Empty when it searched them all, or when the summary was written before discovery
    named the interviews it searched.
    """
    searched = summary.get("interview_ids")
    if not isinstance(searched, list):
        return []
    return sorted(set(interview_ids) - set(map(str, searched)))


def dump_candidates(candidates: list[Candidate]) -> str:
    """``candidates.yaml`` text (codebook format, ``status: candidate``, with evidence)."""
    header = ("# Candidate codes proposed by tr-nlp discover from passages nobody coded.\n"
              "# Machine suggestions for review: keep, rename or drop each one. To merge two, add the\n"
              "# other's 'topics' numbers to one entry's and drop the other: the passages follow.\n")
    return header + yaml.safe_dump(candidates_to_dict(candidates), sort_keys=False, allow_unicode=True, width=100)


def write_discovery(found: Discovery, folder: str | Path) -> dict[str, Path]:
    """Write ``candidates.yaml``, ``topics.parquet`` and ``discovery.json`` into ``folder``."""
    folder = Path(folder)
    paths = {"candidates": folder / "candidates.yaml", "topics": folder / "topics.parquet",
             "summary": folder / "discovery.json"}
    write_text(dump_candidates(found.candidates), paths["candidates"])
    write_table(found.assignments, paths["topics"])
    write_json(found.summary(), paths["summary"])
    return paths
