"""Candidate-code discovery end to end: remainder -> embeddings -> topics -> candidates.

Examples
--------
>>> from tr_nlp.ingest import load_corpus                      # doctest: +SKIP
>>> found = discover(load_corpus(["corpora/demo"]))             # doctest: +SKIP
>>> [c.label for c in found.candidates][:2]                     # doctest: +SKIP
['list, waiting, psychology', 'letters, month, housing']
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from tr_nlp.errors import DiscoveryError
from tr_nlp.export import write_json, write_table, write_text
from tr_nlp.features.embeddings import EmbeddingCache, embed_texts
from tr_nlp.ingest import Corpus
from tr_nlp.segment import Segmenter, map_codings
from tr_nlp.topics.candidates import (Candidate, assignments_frame, candidates_to_dict, code_centroids,
                                      make_candidates)
from tr_nlp.topics.model import TopicSettings, fit_topics
from tr_nlp.topics.remainder import Remainder, coded_ids, select_remainder

if TYPE_CHECKING:
    from tr_nlp.coding.store import ThemeModel

#: Fewer passages than this give no meaningful topics.
MIN_PASSAGES = 20


@dataclass
class Discovery:
    """What :func:`discover` found."""

    candidates: list[Candidate]
    assignments: pd.DataFrame      # passage -> topic / candidate
    remainder: Remainder
    method: str                    # hdbscan, or the agglomerative fallback
    settings: TopicSettings
    seconds: float

    def summary(self) -> dict[str, Any]:
        return {
            "candidates": len(self.candidates),
            "passages": len(self.remainder.segments),
            "removed": self.remainder.removed,
            "without_topic": int((self.assignments["topic"] == -1).sum()),
            "clustering": self.method,
            "settings": asdict(self.settings),
            "seconds": round(self.seconds, 1),
        }


def discover(
    corpus: Corpus,
    segmenter: Segmenter | None = None,
    model: ThemeModel | None = None,
    min_words: int = 6,
    seed: int = 0,
    merge: bool = True,
    cache: EmbeddingCache | None = None,
) -> Discovery:
    """Topic-model the passages of ``corpus`` nobody coded and propose candidate codes.

    Parameters
    ----------
    corpus
        Interviews with their human codings (codings may be empty).
    segmenter
        Segmentation and speaker roles (default: participant sentences).
    model
        A theme model: passages it codes above threshold are left out too.
    min_words
        Passages shorter than this are dropped.
    seed
        Same input and seed, same topics.
    merge
        Join uncoded segments that follow each other in a turn into one passage.

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
        raise DiscoveryError("E190", n=len(passages), summary=remainder.summary(), need=MIN_PASSAGES)
    texts = [s.text for s in passages]
    distinct = len({" ".join(t.lower().split()) for t in texts})
    if distinct < MIN_PASSAGES:
        raise DiscoveryError("E191", n=len(passages), distinct=distinct, need=MIN_PASSAGES)
    embeddings = embed_texts(texts, cache)
    fit = fit_topics(texts, embeddings, seed, cache)
    candidates = make_candidates(passages, fit.labels, embeddings, fit.keywords,
                                 _centroids(segments, mapped, cache))
    return Discovery(candidates, assignments_frame(passages, fit.labels, embeddings, candidates), remainder,
                     fit.method, fit.settings, time.perf_counter() - t0)


def _centroids(segments: list, mapped: pd.DataFrame, cache: EmbeddingCache) -> dict[str, np.ndarray]:
    """Centroid per code of the segments humans coded with it (any coder)."""
    codes_of: dict[str, set[str]] = defaultdict(set)
    for sid, code in zip(mapped["segment_id"].astype(str), mapped["code"].astype(str)):
        codes_of[code].add(sid)
    wanted = set().union(*codes_of.values()) if codes_of else set()
    coded = [s for s in segments if s.segment_id in wanted]
    vectors = embed_texts([s.text for s in coded], cache)
    return code_centroids(codes_of, {s.segment_id: v for s, v in zip(coded, vectors)})


def dump_candidates(candidates: list[Candidate]) -> str:
    """``candidates.yaml`` text (codebook format, ``status: candidate``, with evidence)."""
    header = ("# Candidate codes proposed by tr-nlp discover from passages nobody coded.\n"
              "# Machine suggestions for review: keep, rename, merge or drop each one.\n")
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
