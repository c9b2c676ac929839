"""From topics to candidate codes a reviewer can judge in a minute.

Each candidate carries its keywords, 3-5 quotes (exact offsets, spread over interviews),
its size and interview spread, and its **novelty**: the cosine distance between the
topic's centroid and the nearest existing code's centroid, so a reviewer sees "new" or "a
variant of emotional_climate". A code's centroid is the mean embedding of the segments
humans coded with it; for a code of the codebook nobody has coded yet (a team's first
round, a code just added), the mean embedding of its codebook entry (description,
inclusion criteria, examples: :func:`~tr_nlp.coding.guided.guidance`), which is further
from speech, so a candidate reads as its variant within :data:`GUIDANCE_VARIANT_DISTANCE`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tr_nlp.codebook import code_entries, codebook_from_dict, load_yaml
from tr_nlp.errors import CodebookError
from tr_nlp.jsonfile import is_number
from tr_nlp.schema import Segment, seconds_cell
from tr_nlp.topics.keywords import WEAK_LABEL_SHARE, forms_last, label_share
from tr_nlp.topics.remainder import words

#: Below this cosine distance to an existing code's centroid a candidate reads as its variant.
#: A heuristic, so the distance and the nearest code are always reported beside it. On the
#: demo corpus the three planted, uncoded themes lay 0.34-0.72 from the nearest code, and
#: uncoded talk of the non-stigmatizing kind ("she'd talk to me about normal things") 0.22.
VARIANT_DISTANCE = 0.25
#: The same for a code compared by its codebook entry (no passage of it coded): a definition
#: and a few examples lie further from speech than the passages coded with it. On the demo
#: corpus with no codings, the topics of the codebook's themes lay 0.39-0.55 from the nearest
#: code's entry and the three planted, uncoded themes 0.69-0.84 (``benchmarks/discovery.py``).
GUIDANCE_VARIANT_DISTANCE = 0.6
#: The name of a candidate whose passages share few words, after its number: ``candidate_01_few_shared_words``.
FEW_SHARED_WORDS = "few_shared_words"
#: What a code's centroid was made of: its coded passages, or its codebook entry.
CODINGS, GUIDANCE = "codings", "guidance"


@dataclass(frozen=True)
class Quote:
    """A passage quoted as evidence: ``text == interview.text[start:end]``, said
    ``timestamp`` seconds into the recording and running over lines ``line`` to ``line_end``
    where the transcript numbers them."""

    interview_id: str
    start: int
    end: int
    text: str
    timestamp: float | None = None
    line: int | None = None
    line_end: int | None = None


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
    compared_with: str | None = None     # the nearest code's centroid: CODINGS or GUIDANCE
    label_share: float | None = None     # share of its passages holding one of its label words

    @property
    def label(self) -> str:
        return ", ".join(self.keywords[:3])

    @property
    def shares_words(self) -> bool:
        """False when few of its passages hold one of its label words (:data:`WEAK_LABEL_SHARE`):
        its passages share a meaning said in different words, or a manner of speaking, and
        its keywords misdescribe it."""
        return self.label_share is None or self.label_share >= WEAK_LABEL_SHARE

    @property
    def description(self) -> str:
        """What a reviewer reads of it in ``candidates.yaml`` and a REFI-QDA project."""
        if self.shares_words:
            return f"Proposed by topic discovery from uncoded passages: {self.label}. A person decides whether it becomes a code."
        return (f"Proposed by topic discovery from uncoded passages that share few words: its label words "
                f"({self.label}) are in {self.label_share:.0%} of them, so read its quotes. A person decides whether "
                "it becomes a code.")

    @property
    def single_interview(self) -> bool:
        return len(self.interviews) == 1

    @property
    def reading(self) -> str:
        """``"new"`` or ``"variant of CODE"``."""
        if self.novelty is None or self.nearest_code is None or self.novelty >= variant_distance(self.compared_with):
            return "new"
        return f"variant of {self.nearest_code}"


def variant_distance(compared_with: str | None) -> float:
    """Below what novelty a candidate reads as a variant of a code whose centroid was made
    of ``compared_with`` (:data:`CODINGS` or :data:`GUIDANCE`)."""
    return GUIDANCE_VARIANT_DISTANCE if compared_with == GUIDANCE else VARIANT_DISTANCE


def compared_note(candidates: Sequence[Candidate]) -> str:
    """What the novelty of ``candidates`` whose nearest code nobody coded was measured
    against, to print beside them; blank when there are none.

    >>> found = [Candidate("a", 0, [], [], 3, ["i1"], 0.4, "care", compared_with=GUIDANCE)]
    >>> print(compared_note(found))
    novelty against the codebook entry of codes nobody coded (care): a variant below 0.6 (against coded passages, 0.25)
    """
    codes = sorted({c.nearest_code for c in candidates if c.compared_with == GUIDANCE and c.nearest_code})
    if not codes:
        return ""
    return (f"novelty against the codebook entry of codes nobody coded ({', '.join(codes)}): a variant below "
            f"{GUIDANCE_VARIANT_DISTANCE} (against coded passages, {VARIANT_DISTANCE})")


def unit_mean(vectors: np.ndarray) -> np.ndarray:
    """The mean of ``vectors`` (rows), made unit length."""
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
            out[code] = unit_mean(np.vstack(vectors))
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
        quotes.append(Quote(s.interview_id, s.start, s.end, s.text, s.timestamp, s.line, s.line_end))
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
    return "_".join(re.sub(r"\W+", "_", w.lower()).strip("_") for w in words if w) or "topic"


def make_candidates(
    segments: Sequence[Segment],
    labels: np.ndarray,
    embeddings: np.ndarray,
    keywords: Mapping[int, list[str]],
    centroids: Mapping[str, np.ndarray] | None = None,
    n_quotes: int = 5,
    guided: Collection[str] = (),
) -> list[Candidate]:
    """One candidate per topic (outliers, topic -1, get none), largest topic first.

    Its nearest code is the one whose centroid (``centroids``; those of the codes in
    ``guided`` made of their codebook entries) is nearest for its kind: the least distance
    over :func:`variant_distance`."""
    candidates = []
    topics = sorted({int(t) for t in labels if t != -1}, key=lambda t: (-int((labels == t).sum()), t))
    for k, topic in enumerate(topics, start=1):
        rows = np.nonzero(labels == topic)[0]
        centroid = unit_mean(embeddings[rows])
        parts: dict[str, list[str]] = {}
        for i in rows:
            parts.setdefault(segments[i].interview_id, []).append(segments[i].text)
        texts = {iid: " ".join(p) for iid, p in parts.items()}
        ordered = forms_last(spread_first(keywords.get(topic, []), texts))
        share = label_share([segments[i].text for i in rows], ordered[:3])
        named = _slug(ordered[:2]) if share >= WEAK_LABEL_SHARE else FEW_SHARED_WORDS
        candidate = Candidate(
            name=f"candidate_{k:02d}_{named}",
            topic=topic,
            keywords=ordered,
            quotes=pick_quotes(rows, segments, embeddings, centroid, n_quotes),
            size=len(rows),
            interviews=sorted(texts),
            segment_ids=[segments[i].segment_id for i in rows],
            label_share=share,
        )
        if centroids:
            names = sorted(centroids)
            kinds = [GUIDANCE if c in guided else CODINGS for c in names]
            distance = np.array([1.0 - float(centroid @ centroids[c]) for c in names])
            best = int(np.argmin(distance / np.array([variant_distance(kind) for kind in kinds])))
            candidate.nearest_code, candidate.novelty = names[best], round(float(distance[best]), 3)
            candidate.compared_with = kinds[best]
        candidates.append(candidate)
    return candidates


def candidates_to_dict(candidates: Sequence[Candidate], name: str = "Candidate codes (machine)") -> dict[str, Any]:
    """The ``candidates.yaml`` content: a codebook whose codes are ``status: candidate``."""
    codes = []
    for c in candidates:
        evidence: dict[str, Any] = {
            "topics": [c.topic],
            "label": c.label,
            **({} if c.label_share is None else {"label_share": c.label_share}),
            "keywords": c.keywords,
            "size": c.size,
            "interviews": len(c.interviews),
            "single_interview": c.single_interview,
            "novelty": c.novelty,
            "nearest_code": c.nearest_code,
            **({} if c.compared_with is None else {"compared_with": c.compared_with}),
            "reading": c.reading,
            "quotes": [{"interview_id": q.interview_id, "start": q.start, "end": q.end,
                        **({} if q.timestamp is None else {"timestamp": q.timestamp}),
                        **({} if q.line is None else {"line": q.line}),
                        **({} if q.line_end is None else {"line_end": q.line_end}), "text": q.text}
                       for q in c.quotes],
        }
        codes.append({
            "name": c.name,
            "description": c.description,
            "status": "candidate",
            "evidence": evidence,
        })
    return {"name": name, "codes": codes}


def read_candidates(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a ``candidates.yaml``, as discovery wrote it or as a reviewer edited it.

    Each entry must be a valid code (:func:`~tr_nlp.codebook.codebook_from_dict`: names
    unique and well formed, known fields). Its ``evidence``, when there is one, must be a
    mapping whose ``quotes`` are passages (an ``interview_id``, whole-number offsets with
    ``start <= end``, their ``text``) and whose ``topics`` are the topic numbers of
    ``topics.parquet`` the candidate holds, each in one entry only. A file that proposes
    nothing (``codes: []``) has no entries.

    Raises
    ------
    CodebookError
        E146 naming the entry and what is wrong with it; E100, E109, E14x for a file that
        is missing, unreadable or not a codebook.
    """
    data = load_yaml(path)
    if isinstance(data, Mapping) and data.get("codes") == []:  # discovery may propose nothing
        return []
    codebook_from_dict(data, path=path)
    entries = [{"name": e} if isinstance(e, str) else dict(e)
               for e in code_entries(data if isinstance(data, Mapping) else {"codes": data})]
    owner: dict[int, int] = {}
    for index, entry in enumerate(entries, start=1):
        for topic in _evidence_topics(entry, index, path):
            if topic in owner:
                raise CodebookError("E146", path, index=index, detail=f"topic {topic} is also in entry {owner[topic]}; "
                                                                      "a topic's passages belong to one candidate")
            owner[topic] = index
    return entries


def _evidence_topics(entry: Mapping[str, Any], index: int, path: str | Path) -> list[int]:
    """The topic numbers of an entry's evidence, after checking the evidence's shape."""
    evidence = entry.get("evidence")
    if evidence is None:
        return []

    def refuse(detail: str) -> CodebookError:
        return CodebookError("E146", path, index=index, detail=detail)

    if not isinstance(evidence, Mapping):
        raise refuse(f"'evidence' must be a mapping (label, keywords, quotes...), found {type(evidence).__name__}")
    if not isinstance(evidence.get("keywords", []), list):
        raise refuse("'evidence: keywords' must be a list of words")
    quotes = evidence.get("quotes") or []
    if not isinstance(quotes, list):
        raise refuse("'evidence: quotes' must be a list of passages")
    for k, quote in enumerate(quotes, start=1):
        offsets = [quote.get(f) for f in ("start", "end")] if isinstance(quote, Mapping) else []
        if not (offsets and all(_whole(v) for v in offsets) and offsets[0] <= offsets[1]
                and quote.get("interview_id") not in (None, "") and isinstance(quote.get("text"), str)):
            raise refuse(f"quote {k} must have an interview_id, whole-number start and end (start <= end) "
                         "and its text")
    topics = evidence.get("topics", [])
    if not isinstance(topics, list) or not all(_whole(t) for t in topics):
        raise refuse("'evidence: topics' must be a list of topic numbers (the 'topic' column of topics.parquet)")
    return topics


def _whole(value: Any) -> bool:
    """Whether ``value`` is a whole number, 0 or more (YAML reads ``12`` as an int; ``true`` is no number)."""
    return is_number(value, whole=True) and value >= 0


def assignments_frame(segments: Sequence[Segment], labels: np.ndarray, embeddings: np.ndarray,
                      candidates: Sequence[Candidate]) -> pd.DataFrame:
    """Passage -> topic table (``topics.parquet``): candidate name and similarity to its centroid."""
    by_topic = {c.topic: c for c in candidates}
    centroid = {c.topic: unit_mean(embeddings[labels == c.topic]) for c in candidates}
    rows = []
    for i, s in enumerate(segments):
        topic = int(labels[i])
        c = by_topic.get(topic)
        rows.append((s.interview_id, s.segment_id, s.start, s.end, seconds_cell(s.timestamp), s.line,
                     s.line_end, s.speaker, s.text, topic, c.name if c else "",
                     round(float(embeddings[i] @ centroid[topic]), 4) if c else np.nan))
    return pd.DataFrame(rows, columns=["interview_id", "segment_id", "start", "end", "timestamp", "line", "line_end",
                                       "speaker", "text", "topic", "candidate", "similarity"]
                        ).astype({"line": "Int64", "line_end": "Int64"})
