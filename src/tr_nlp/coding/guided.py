"""Where to start coding before anything is coded: segments ranked by their likeness to the codebook.

A team with a codebook and no coded interview yet has no model for :func:`rank_next`. Its
codes' guidance (description, inclusion criteria, examples) says what each code looks
like, so each segment is embedded (all-MiniLM-L6-v2, as the classifiers' features are) and
scored by its mean cosine similarity to a code's guidance texts. Similarities of different
codes are not on one scale (a long, general description is close to much), so each code's
are turned into ranks among the segments (1 for its closest), a segment's score is its best
rank over the codes, and the code is the one it is closest to by rank: the list takes the
closest segments of every code in turn, spread across interviews as :func:`rank_next`'s
is. On AnnoMI's client talk with a two-code codebook written from the MI literature, of
the first 100 segments proposed, 56% of those proposed as change talk are change talk (30%
of all segments) and 39% of those proposed as sustain talk are sustain talk (15%)
(``benchmarks/guided_start.py``). Once some are coded, train a model and rank with
:func:`rank_next`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from tr_nlp.codebook import check_code_names
from tr_nlp.coding.active import long_enough, spread_picks
from tr_nlp.features.context import without_time_marks
from tr_nlp.features.embeddings import embed_texts
from tr_nlp.schema import Code, Codebook, Segment, clock, seconds_cell

GUIDED_COLUMNS = ["rank", "interview_id", "segment_id", "start", "end", "timestamp", "time", "line", "line_end", "text",
                  "similarity", "code"]

Embed = Callable[[Sequence[str]], np.ndarray]


def guidance(code: Code) -> list[str]:
    """What the codebook says a code looks like: its description, inclusion criteria and
    examples, or, for a code with none of them, its name in words.

    >>> guidance(Code("beyond_routine", description="Does more than the role asks.", examples=("She drove me.",)))
    ['Does more than the role asks.', 'She drove me.']
    >>> guidance(Code("beyond_routine"))
    ['beyond routine']
    """
    said = [text.strip() for text in (code.description, code.include, *code.examples) if text and text.strip()]
    return said or [code.name.replace("_", " ").replace("-", " ")]


def guidance_means(codes: Sequence[Code], embed: Embed | None = None) -> np.ndarray:
    """Per code, the mean embedding of its :func:`guidance` texts (codes x dimensions): a
    unit vector's dot product with it is its mean cosine similarity to them. ``embed`` as
    :func:`rank_by_guidance` takes it."""
    said = [guidance(code) for code in codes]
    vectors = np.asarray((embed or embed_texts)([text for texts in said for text in texts]), dtype=np.float64)
    ends = np.cumsum([len(texts) for texts in said])
    return np.vstack([vectors[end - len(texts):end].mean(axis=0) for texts, end in zip(said, ends, strict=True)])


def ranked_codes(codebook: Codebook, codes: Sequence[str] | None) -> list[Code]:
    """The codes segments are ranked by: ``codes``, by default the codebook's (not
    discovery's candidates)."""
    return [c for c in codebook.codes if (c.name in codes if codes is not None else c.status == "active")]


def unguided(codebook: Codebook, codes: Sequence[str] | None = None) -> list[str]:
    """The codes ranked by (:func:`ranked_codes`) that have neither description, inclusion
    criteria nor examples, and so are ranked by their name alone."""
    return [c.name for c in ranked_codes(codebook, codes)
            if not any(t and t.strip() for t in (c.description, c.include, *c.examples))]


def rank_by_guidance(codebook: Codebook, segments: Sequence[Segment], n: int = 30,
                     codes: Sequence[str] | None = None, spread: float = 0.7, min_words: int = 1,
                     embed: Embed | None = None) -> pd.DataFrame:
    """The ``n`` segments to code first, closest to a code's guidance first.

    Parameters
    ----------
    codebook : Codebook
        The codes and what they look like (:func:`guidance`).
    segments : sequence of Segment
        The candidates (typically the segments of interviews no one has coded).
    n : int
        How many to return.
    codes : sequence of str, optional
        Rank by these codes only (default: the codebook's codes, not discovery's candidates).
    spread : float
        Factor applied to a segment's score for each segment already picked from its
        interview: 1 ranks by likeness alone, smaller values spread the picks.
    min_words : int
        Segments of fewer words are not proposed.
    embed : callable, optional
        Texts to unit-length vectors (default: all-MiniLM-L6-v2 through the embedding
        cache, :func:`~tr_nlp.features.embeddings.embed_texts`).

    Returns
    -------
    DataFrame
        One row per pick (:data:`GUIDED_COLUMNS`): rank, where the segment is (with its
        time in the recording, where known), its text, and the code whose guidance it is
        closest to, with its mean cosine similarity to that guidance.

    Raises
    ------
    ConfigError
        E163 for a code in ``codes`` that the codebook does not hold.
    """
    check_code_names(codes or (), [c.name for c in ranked_codes(codebook, None)], "in the codebook")
    chosen = ranked_codes(codebook, codes)
    available = long_enough(segments, min_words)
    if not chosen or n <= 0 or not available.any():
        return pd.DataFrame(columns=GUIDED_COLUMNS)
    texts = [without_time_marks(s.text) for s, ok in zip(segments, available) if ok]  # only those to propose
    embed = embed or embed_texts
    similarity = np.zeros((len(segments), len(chosen)))
    similarity[available] = np.asarray(embed(texts), dtype=np.float64) @ guidance_means(chosen, embed).T
    # each code's similarities as ranks among the segments that may be proposed: 1 for its closest
    rank = np.zeros_like(similarity)
    rank[available] = rankdata(similarity[available], axis=0) / available.sum()
    best = rank.argmax(axis=1)
    picked = spread_picks(rank.max(axis=1), segments, available, n, spread)
    rows = [
        (place, segments[k].interview_id, segments[k].segment_id, segments[k].start, segments[k].end,
         seconds_cell(segments[k].timestamp), clock(segments[k].timestamp), segments[k].line, segments[k].line_end,
         segments[k].text, float(similarity[k, best[k]]), chosen[best[k]].name)
        for place, k in enumerate(picked, start=1)
    ]
    return pd.DataFrame(rows, columns=GUIDED_COLUMNS).astype({"line": "Int64", "line_end": "Int64"})
