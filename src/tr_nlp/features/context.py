"""Dialogue context for segments: what the other speaker said around it, and where.

A participant's sentence is easier to code when one can see the question it answers and
how the interviewer took it up. :func:`context_frame` gives each segment its text, the
previous turn of another speaker (and the turn before that), the next turn of another
speaker (and the one after that), its role and its position in the interview;
:func:`make_context_features` turns that frame into features. Coding works on whole
transcripts, so the next turns are known when a segment is coded.

Examples
--------
>>> from tr_nlp.schema import Interview, Segment, Turn
>>> iv = Interview("i", "I: Who helped?\\nP: Sam did.", (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, 26)))
>>> frame = context_frame([Segment("i", "i:s0", 3, 14, "I", "interviewer", "Who helped?")], {"i": iv})
>>> frame.prev_text.tolist(), frame.next_text.tolist()
([''], ['Sam did.'])
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer

from tr_nlp.ingest.speakers import QUESTION, QUESTION_AT_END, without_time_marks
from tr_nlp.schema import Interview, Segment

CONTEXT_COLUMNS = ["text", "prev_text", "prev2_text", "next_text", "next2_text", "role", "position",
                   "prev_same_speaker"]
#: How many turns to look back or ahead for another speaker's turn.
REACH = 6


def context_frame(segments: Sequence[Segment], interviews: Mapping[str, Interview]) -> pd.DataFrame:
    """One row per segment with the columns in ``CONTEXT_COLUMNS``, then ``interview_id``;
    its texts are without time marks (:func:`without_time_marks`).

    The features read only ``CONTEXT_COLUMNS``; ``interview_id`` tells a model which rows
    follow each other (:meth:`tr_nlp.coding.ThemeModel.predict_proba`).
    """
    rows = []
    starts: dict[str, list[int]] = {iid: [t.start for t in iv.turns] for iid, iv in interviews.items()}
    for s in segments:
        iv = interviews[s.interview_id]
        k = bisect.bisect_right(starts[s.interview_id], s.start) - 1  # the segment's own turn
        previous = [t for t in iv.turns[max(0, k - REACH) : max(0, k)] if t.speaker != s.speaker]
        following = [t for t in iv.turns[k + 1 : k + 1 + REACH] if t.speaker != s.speaker]
        prev = iv.text[previous[-1].start : previous[-1].end] if previous else ""
        prev2 = iv.text[previous[-2].start : previous[-2].end] if len(previous) > 1 else ""
        after = iv.text[following[0].start : following[0].end] if following else ""
        after2 = iv.text[following[1].start : following[1].end] if len(following) > 1 else ""
        same = k > 0 and iv.turns[k - 1].speaker == s.speaker
        rows.append((*map(without_time_marks, (s.text, prev, prev2, after, after2)), s.role,
                     s.start / max(1, len(iv.text)), float(same), s.interview_id))
    return pd.DataFrame(rows, columns=[*CONTEXT_COLUMNS, "interview_id"])


class DialogueShape(TransformerMixin, BaseEstimator):
    """Small dense cues: question marks (of any script: :data:`tr_nlp.ingest.speakers.QUESTION`),
    lengths, position, role, speaker change."""

    def fit(self, X: pd.DataFrame, y: Any = None) -> DialogueShape:
        self.n_features_out_ = 8
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        text, prev = X["text"].astype(str), X["prev_text"].astype(str)
        return np.c_[
            text.str.contains(QUESTION), text.str.contains(QUESTION_AT_END),
            np.log1p(text.str.len()) / 6, prev.str.contains(QUESTION),
            np.log1p(prev.str.len()) / 6, X["position"].astype(float),
            X["prev_same_speaker"].astype(float), (X["role"] == "interviewer"),
        ].astype(float)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(["has_q", "ends_q", "len", "prev_has_q", "prev_len", "position",
                         "prev_same_speaker", "is_interviewer"], dtype=object)


def make_context_features(kind: str = "both", cache_dir: str | None = None, dialogue: bool = True) -> ColumnTransformer:
    """Features of the segment text, the other speaker's turns around it, and shape cues.

    The segment's own text weighs most; the other speaker's previous turn (0.6), next
    turn (0.5), and the turn before the previous and the one after the next (0.35 each,
    embeddings only) less. On AnnoMI (``benchmarks/annomi.py``) the next turn raised
    macro-F1 by about 0.008 on both tasks; the one after it raised client talk type by
    0.006 and lowered therapist behaviour by 0.002.
    With ``dialogue=False`` only the segment text is used (a context frame in, the
    features :func:`tr_nlp.features.make_features` gives for its text out).
    """
    from tr_nlp.features.text import make_features

    if not dialogue:
        return ColumnTransformer([("text", make_features(kind, cache_dir), "text")], sparse_threshold=1.0)
    far = "embeddings" if kind != "tfidf" else "tfidf"  # the turns two away
    return ColumnTransformer(
        [("text", make_features(kind, cache_dir), "text"),
         ("prev", make_features(kind, cache_dir, max_features=20_000), "prev_text"),
         ("prev2", make_features(far, cache_dir, max_features=10_000), "prev2_text"),
         ("next", make_features(kind, cache_dir, max_features=20_000), "next_text"),
         ("next2", make_features(far, cache_dir, max_features=10_000), "next2_text"),
         ("shape", DialogueShape(), ["text", "prev_text", "role", "position", "prev_same_speaker"])],
        transformer_weights={"text": 1.0, "prev": 0.6, "prev2": 0.35, "next": 0.5, "next2": 0.35, "shape": 1.0},
        sparse_threshold=1.0,
    )
