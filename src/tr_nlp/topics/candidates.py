"""From topics to candidate codes a reviewer can judge in a minute.

Each candidate carries its keywords, 3-5 quotes (exact offsets, spread over interviews),
its size and interview spread, and its **novelty**: the cosine distance between the
topic's centroid and the nearest existing code's centroid (mean embedding of the segments
humans coded with it), so a reviewer sees "new" or "a variant of emotional_climate".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tr_nlp.schema import Segment
from tr_nlp.topics.remainder import words

#: Below this cosine distance to an existing code's centroid a candidate reads as its variant.
#: A heuristic, so the distance and the nearest code are always reported beside it. On the
#: demo corpus the three planted, uncoded themes lay 0.34-0.72 from the nearest code, and
#: uncoded talk of the non-stigmatizing kind ("she'd talk to me about normal things") 0.22.
VARIANT_DISTANCE = 0.25


@dataclass(frozen=True)
class Quote:
    """A passage quoted as evidence: ``text == interview.text[start:end]``."""

    interview_id: str
    start: int
    end: int
    text: str


@dataclass
class Candidate:
    """A proposed code with its evidence."""

    name: str
    topic: int
    keywords: list[str]
    quotes: list[Quote]
    size: int
    interviews: list[str]
    novelty: float | None = None         # cosine distance to the nearest code centroid
    nearest_code: str | None = None
    segment_ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ", ".join(self.keywords[:3])

    @property
    def single_interview(self) -> bool:
        return len(self.interviews) == 1

    @property
    def reading(self) -> str:
        """``"new"`` or ``"variant of CODE"``."""
        if self.novelty is None or self.nearest_code is None or self.novelty >= VARIANT_DISTANCE:
            return "new"
        return f"variant of {self.nearest_code}"


def _unit(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def code_centroids(codes_of: Mapping[str, set[str]], embedding_of: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Unit-length mean embedding of each code's human-coded segments.

    ``codes_of`` maps a code to its segment ids; ``embedding_of`` a segment id to its vector.
    """
    out = {}
    for code, ids in codes_of.items():
        vectors = [embedding_of[i] for i in sorted(ids) if i in embedding_of]
        if vectors:
            out[code] = _unit(np.vstack(vectors))
    return out


def pick_quotes(rows: np.ndarray, segments: Sequence[Segment], embeddings: np.ndarray, centroid: np.ndarray,
                n: int = 5, per_interview: int = 2) -> list[Quote]:
    """The passages nearest the topic centroid, at most ``per_interview`` from one interview."""
    order = rows[np.argsort(-(embeddings[rows] @ centroid), kind="stable")]
    taken: dict[str, int] = {}
    quotes = []
    for i in order:
        s = segments[i]
        if taken.get(s.interview_id, 0) >= per_interview:
            continue
        taken[s.interview_id] = taken.get(s.interview_id, 0) + 1
        quotes.append(Quote(s.interview_id, s.start, s.end, s.text))
        if len(quotes) == n:
            break
    return quotes


def spread_first(keywords: Sequence[str], texts_by_interview: Mapping[str, str]) -> list[str]:
    """Keywords used in two or more of the topic's interviews first, in their order.

    A word one participant repeats ("dad", a place) can top a topic's c-TF-IDF words while
    saying nothing about the theme the topic shares across interviews; it stays among the
    keywords but does not name the candidate. A topic from a single interview keeps its order.

    >>> spread_first(["dad", "calm", "room"], {"a": "my dad, so calm", "b": "calm room", "c": "the room"})
    ['calm', 'room', 'dad']
    """
    if len(texts_by_interview) < 2:
        return list(keywords)
    vocab = [set(words(text)) for text in texts_by_interview.values()]
    shared = {w for w in keywords if sum(w.lower() in v for v in vocab) >= 2}
    return [w for w in keywords if w in shared] + [w for w in keywords if w not in shared]


def _slug(words: Sequence[str]) -> str:
    return "_".join(re.sub(r"[^a-z0-9]+", "_", w.lower()).strip("_") for w in words if w) or "topic"


def make_candidates(
    segments: Sequence[Segment],
    labels: np.ndarray,
    embeddings: np.ndarray,
    keywords: Mapping[int, list[str]],
    centroids: Mapping[str, np.ndarray] | None = None,
    n_quotes: int = 5,
) -> list[Candidate]:
    """One candidate per topic (outliers, topic -1, get none), largest topic first."""
    candidates = []
    topics = sorted({int(t) for t in labels if t != -1}, key=lambda t: (-int((labels == t).sum()), t))
    for k, topic in enumerate(topics, start=1):
        rows = np.nonzero(labels == topic)[0]
        centroid = _unit(embeddings[rows])
        parts: dict[str, list[str]] = {}
        for i in rows:
            parts.setdefault(segments[i].interview_id, []).append(segments[i].text)
        texts = {iid: " ".join(p) for iid, p in parts.items()}
        ordered = spread_first(keywords.get(topic, []), texts)
        candidate = Candidate(
            name=f"candidate_{k:02d}_{_slug(ordered[:2])}",
            topic=topic,
            keywords=ordered,
            quotes=pick_quotes(rows, segments, embeddings, centroid, n_quotes),
            size=len(rows),
            interviews=sorted(texts),
            segment_ids=[segments[i].segment_id for i in rows],
        )
        if centroids:
            names = sorted(centroids)
            similarity = np.array([float(centroid @ centroids[c]) for c in names])
            best = int(np.argmax(similarity))
            candidate.nearest_code, candidate.novelty = names[best], round(1.0 - float(similarity[best]), 3)
        candidates.append(candidate)
    return candidates


def candidates_to_dict(candidates: Sequence[Candidate], name: str = "Candidate codes (machine)") -> dict[str, Any]:
    """The ``candidates.yaml`` content: a codebook whose codes are ``status: candidate``."""
    codes = []
    for c in candidates:
        evidence: dict[str, Any] = {
            "label": c.label,
            "keywords": c.keywords,
            "size": c.size,
            "interviews": len(c.interviews),
            "single_interview": c.single_interview,
            "novelty": c.novelty,
            "nearest_code": c.nearest_code,
            "reading": c.reading,
            "quotes": [{"interview_id": q.interview_id, "start": q.start, "end": q.end, "text": q.text}
                       for q in c.quotes],
        }
        codes.append({
            "name": c.name,
            "description": f"Proposed by topic discovery from uncoded passages: {c.label}. "
                           "A person decides whether it becomes a code.",
            "status": "candidate",
            "evidence": evidence,
        })
    return {"name": name, "codes": codes}


def assignments_frame(segments: Sequence[Segment], labels: np.ndarray, embeddings: np.ndarray,
                      candidates: Sequence[Candidate]) -> pd.DataFrame:
    """Passage -> topic table (``topics.parquet``): candidate name and similarity to its centroid."""
    by_topic = {c.topic: c for c in candidates}
    centroid = {c.topic: _unit(embeddings[labels == c.topic]) for c in candidates}
    rows = []
    for i, s in enumerate(segments):
        topic = int(labels[i])
        c = by_topic.get(topic)
        rows.append((s.interview_id, s.segment_id, s.start, s.end, s.speaker, s.text, topic,
                     c.name if c else "", round(float(embeddings[i] @ centroid[topic]), 4) if c else np.nan))
    return pd.DataFrame(rows, columns=["interview_id", "segment_id", "start", "end", "speaker", "text", "topic",
                                       "candidate", "similarity"])
