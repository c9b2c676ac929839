"""Apply a theme model to new interviews: suggestions, never codings.

One row per (segment, code) with the calibrated probability, whether the model codes it
(``above_threshold``: the code's threshold, or for a code in an exclusive group, being the
group's winner), and for a code it suggests, the passage of the segment that raised its
score most, a second one where another place weighs at least half as much (``evidence``,
for a quick audit: every feature of the segment's text counted, its sentence embedding
too, :mod:`tr_nlp.coding.evidence`). Where
the transcript had times (subtitles, a recording's sync points, timed table rows, labels
or time marks), ``timestamp`` says how many seconds into the recording the segment began,
and ``time`` the same as a transcript shows it (``3:12``, ``1:02:05``), so a coder can
listen to it; elsewhere both are empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from tr_nlp.coding.card import measured_recall
from tr_nlp.coding.evidence import (
    code_weights,
    placed_parts,
    read_new_texts,
    text_features,
    top_passages,
    weight_matrix,
)
from tr_nlp.coding.store import ThemeModel
from tr_nlp.features.context import context_frame
from tr_nlp.jsonfile import is_number
from tr_nlp.schema import Interview, Segment, clock, seconds_cell

SUGGESTION_COLUMNS = ["interview_id", "segment_id", "start", "end", "timestamp", "time", "line", "line_end", "speaker",
                      "text", "code", "probability", "above_threshold", "evidence"]
_TYPES = {"start": "int64", "end": "int64", "timestamp": "float64", "line": "Int64", "line_end": "Int64",
          "probability": "float64", "above_threshold": "bool"}
#: Decimals a suggestion's probability keeps: more mean nothing for a calibrated probability,
#: and would fill a spreadsheet cell with 17 digits.
PROBABILITY_DIGITS = 6


def _word_vectorizer(model: ThemeModel) -> Any:
    """The fitted word n-gram TF-IDF of the segment text, or None (embeddings-only models)."""
    return text_features(model).word


def informative_terms(model: ThemeModel, n: int = 15, texts: Sequence[str] | None = None,
                      groups: Sequence[str] | None = None, min_interviews: int = 3) -> dict[str, list[str]]:
    """Per code, the word n-grams whose weights push hardest towards the code.

    With the training ``texts`` and their interview ``groups``, only n-grams used in at
    least ``min_interviews`` interviews are listed, so a model card never quotes a phrase
    (or a name) that only one or two participants said.
    """
    word = _word_vectorizer(model)
    head = model.linear.named_steps["head"]
    if word is None:
        return {code: [] for code in model.codes}
    names = word.get_feature_names_out()
    n_word = len(names)
    allowed = np.ones(n_word, dtype=bool)
    if texts is not None and groups is not None and len(texts):
        present = (word.transform(texts) > 0).astype(np.int32)
        _, which = np.unique(np.asarray(groups), return_inverse=True)
        membership = sparse.csr_matrix((np.ones(len(which), dtype=np.int32), (which, np.arange(len(which)))))
        allowed = np.asarray(((membership @ present) > 0).sum(axis=0)).ravel() >= min_interviews
    out = {}
    for code, coef in zip(model.codes, code_weights(head)):
        if coef is None:
            out[code] = []
            continue
        weights = np.where(allowed, coef[:n_word], -np.inf)
        out[code] = [str(names[j]) for j in np.argsort(-weights)[:n] if np.isfinite(weights[j]) and weights[j] > 0]
    return out


def suggested_evidence(model: ThemeModel, texts: Sequence[str], above: np.ndarray, top: int = 2,
                       weights: np.ndarray | None = None) -> list[list[str]]:
    """Per text and code: for a code the model suggests (``above``), the passages of the
    text that raised its score most (:func:`~tr_nlp.coding.evidence.top_passages`); else
    blank. ``weights``: the model's :func:`~tr_nlp.coding.evidence.weight_matrix` if known."""
    weights = weight_matrix(model) if weights is None else weights
    out = [[""] * len(model.codes) for _ in texts]
    rows = np.flatnonzero(above.any(axis=1))
    if not len(rows) or weights is None:
        return out
    for i, (words, parts) in zip(rows, placed_parts(model, [texts[i] for i in rows], weights), strict=True):
        out[i] = top_passages(texts[i], words, parts, top, codes=np.flatnonzero(above[i]).tolist())
    return out


def suggest(model: ThemeModel, segments: Sequence[Segment], interviews: Mapping[str, Interview],
            passages: int = 2) -> pd.DataFrame:
    """Suggestions for ``segments`` (of ``interviews``): one row per segment and code.

    Probabilities are rounded to :data:`PROBABILITY_DIGITS` decimals; ``above_threshold``
    is decided on the unrounded ones. A suggestion's ``evidence`` names up to ``passages``
    passages of its segment.
    """
    if not segments:  # typed as a full frame is, so ``frame[frame["above_threshold"]]`` selects rows
        return pd.DataFrame(columns=SUGGESTION_COLUMNS).astype(_TYPES)
    frame = context_frame(segments, interviews)
    texts = frame["text"].tolist()  # without time marks, as the model reads them
    weights = weight_matrix(model)
    # texts not embedded before: one encoder pass gives their embeddings and their evidence's part
    if weights is not None:
        read_new_texts(model, texts, weights)
    scored = model.predict_proba(frame)
    above = model.decide(scored).to_numpy().astype(bool)
    proba = scored.to_numpy()
    evidence = suggested_evidence(model, texts, above, passages, weights)
    rows = []
    for i, s in enumerate(segments):
        at, time = seconds_cell(s.timestamp), clock(s.timestamp)
        for j, code in enumerate(model.codes):
            rows.append((s.interview_id, s.segment_id, s.start, s.end, at, time, s.line, s.line_end, s.speaker, s.text,
                         code, round(float(proba[i, j]), PROBABILITY_DIGITS), bool(above[i, j]), evidence[i][j]))
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS).astype(_TYPES)
    return frame.sort_values(["interview_id", "start", "probability"], ascending=[True, True, False],
                             kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Screening:
    """What pre-screening with a model's suggestions asks of a team on new interviews."""

    segments: int  #: segments scored
    flagged: int  #: those holding at least one suggestion above its code's threshold
    #: the lowest and highest cross-validated recall of the model's codes against any
    #: coder (its card's ``cv_metrics``): the share of a coder's segments those thresholds
    #: found; None where the card has none
    recall: tuple[float, float] | None = None
    #: the model's groups of codes that exclude each other (a segment gets one code of each)
    groups: tuple[tuple[str, ...], ...] = ()
    #: the code of the lowest recall, and the coder whose segments it found least of
    lowest: tuple[str, str] | None = None
    #: that recall's 95% interval on the card, where it has one
    lowest_interval: tuple[float, float] | None = None

    @property
    def skipped(self) -> int:
        """The segments a team may leave unread: those holding no suggestion."""
        return self.segments - self.flagged


def screening(frame: pd.DataFrame, card: Mapping[str, Any]) -> Screening:
    """How many of the segments of ``frame`` (from :func:`suggest`, every code's row) hold
    a suggestion above threshold, and the range of the model's cross-validated recall per
    code (``card``'s ``cv_metrics``, the codes its ``codes`` names): reading the flagged
    segments alone found that share of what a coder coded, in cross-validation.

    >>> frame = pd.DataFrame({"segment_id": ["s1", "s1", "s2", "s2", "s3", "s3"], "code": ["a", "b"] * 3,
    ...                       "above_threshold": [True, False, False, True, False, False]})
    >>> card = {"codes": ["a", "b"], "cv_metrics": [{"code": "a", "recall": 0.9}, {"code": "b", "recall": 0.8},
    ...                                             {"code": "(all codes, pooled)", "recall": 0.85}]}
    >>> found = screening(frame, card)
    >>> found.flagged, found.segments, found.skipped, found.recall, found.lowest, found.lowest_interval
    (2, 3, 1, (0.8, 0.9), ('b', ''), None)
    >>> card["cv_metrics"][1] |= {"recall_lo": 0.7, "recall_hi": 0.88}
    >>> screening(frame, card).lowest_interval
    (0.7, 0.88)
    >>> screening(frame, {**card, "exclusive_groups": [["a", "b"]]}).groups
    (('a', 'b'),)
    """
    key = [c for c in ("source", "segment_id") if c in frame.columns]  # a batch's inputs may share interview ids
    segments = frame[key].drop_duplicates()
    flagged = frame.loc[frame["above_threshold"].astype(bool), key].drop_duplicates()
    measured = measured_recall(card, set(card.get("codes") or ()))
    recalls = [float(m["recall"]) for m in measured]
    groups = tuple(tuple(str(code) for code in group) for group in card.get("exclusive_groups") or ())
    least = min(measured, key=lambda m: float(m["recall"])) if measured else None
    bounds = (least.get("recall_lo"), least.get("recall_hi")) if least else (None, None)
    interval = (float(bounds[0]), float(bounds[1])) if all(is_number(b) for b in bounds) else None
    return Screening(len(segments), len(flagged), (min(recalls), max(recalls)) if recalls else None, groups,
                     (str(least["code"]), str(least.get("rater_b") or "")) if least else None, interval)

