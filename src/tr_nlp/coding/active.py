"""Which uncoded segments a human should code next (active learning).

A segment is informative when the model is unsure about it: its probability for some code
lies near that code's threshold, or, for a mutually exclusive code group (which has no
thresholds: the most probable option wins), its two most probable options are close.
Picking greedily by that uncertainty would take many segments from one interview, so
each further pick from an interview already chosen is discounted (``spread`` per earlier
pick), which spreads the work across interviews.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.codebook import check_code_names
from tr_nlp.coding.store import ThemeModel
from tr_nlp.features.context import context_frame
from tr_nlp.ingest.encoding import letters_apart
from tr_nlp.schema import Interview, Segment, clock, seconds_cell

NEXT_COLUMNS = ["rank", "interview_id", "segment_id", "start", "end", "timestamp", "time", "line", "line_end", "text",
                "uncertainty", "code", "probability"]


def uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per segment and code: 1 at the threshold, falling to 0 at probability 0 or 1."""
    t = np.clip(thresholds, 1e-6, 1 - 1e-6)
    scale = np.where(proba >= t, 1 - t, t)
    return 1 - np.abs(proba - t) / scale


def group_uncertainty(proba: np.ndarray) -> np.ndarray:
    """Per segment and code of one exclusive group: 1 - (best - second best option), on one code.

    The options are the group's codes and "none" (1 minus their sum). The uncertainty is
    put on the code of the closest call (the best code, or the runner-up when "none" leads),
    so the ranked list names the code to check; the group's other codes get 0.
    """
    options = np.column_stack([np.clip(1 - proba.sum(axis=1), 0, 1), proba])
    order = np.argsort(-options, axis=1, kind="stable")
    rows = np.arange(len(proba))
    margin = options[rows, order[:, 0]] - options[rows, order[:, 1]]
    code = np.where(order[:, 0] == 0, order[:, 1], order[:, 0]) - 1
    out = np.zeros_like(proba)
    out[rows, code] = 1 - margin
    return out


def chosen_codes(model: ThemeModel, codes: Sequence[str] | None) -> list[str]:
    """``codes`` (all the model's codes when None), each checked to be one the model codes.

    Raises
    ------
    ConfigError
        E163 naming the codes the model does not code.
    """
    check_code_names(codes or (), model.codes, "coded by the model")
    return list(model.codes) if codes is None else list(codes)


def long_enough(segments: Sequence[Segment], min_words: int) -> np.ndarray:
    """Which ``segments`` have at least ``min_words`` words (a backchannel such as
    "Mm-hmm." or a lone "And" says too little to code)."""
    return np.array([len(letters_apart(s.text).split()) >= min_words for s in segments], dtype=bool)


def spread_picks(score: np.ndarray, segments: Sequence[Segment], available: np.ndarray, n: int,
                 spread: float) -> list[int]:
    """The places of ``n`` of the ``available`` segments, highest ``score`` first, each
    further pick from an interview already picked from discounted by ``spread``.

    >>> from tr_nlp.schema import Segment
    >>> segs = [Segment(iv, f"{iv}:s{k}", 0, 1, "P", "participant", "x") for iv, k in [("a", 0), ("a", 1), ("b", 0)]]
    >>> spread_picks(np.array([0.9, 0.8, 0.7]), segs, np.ones(3, bool), 3, 0.7)
    [0, 2, 1]
    """
    available = available.copy()
    _, interview = np.unique([s.interview_id for s in segments], return_inverse=True)
    taken = np.zeros(interview.max() + 1 if len(interview) else 0)  # picks so far, per interview
    picked: list[int] = []
    for _ in range(min(n, int(available.sum()))):
        k = int(np.argmax(np.where(available, score * spread ** taken[interview], -np.inf)))
        picked.append(k)
        available[k] = False
        taken[interview[k]] += 1
    return picked


def rank_next(model: ThemeModel, segments: Sequence[Segment], interviews: Mapping[str, Interview],
              n: int = 30, spread: float = 0.7, codes: Sequence[str] | None = None,
              runs: Sequence | np.ndarray | None = None, min_words: int = 1) -> pd.DataFrame:
    """The ``n`` segments (of ``interviews``) to code next, most informative first.

    Parameters
    ----------
    model : ThemeModel
        A trained model; its thresholds say where a code is a close call.
    segments : sequence of Segment
        The candidates (typically the segments no human has coded).
    interviews : mapping of str to Interview
        The segments' interviews, by id: the dialogue context the model reads.
    n : int
        How many to return.
    spread : float
        Factor applied to a segment's uncertainty for each segment already picked from
        its interview: 1 ranks by uncertainty alone, smaller values spread the picks.
    codes : sequence of str, optional
        Rank by these of the model's codes only (default: all), for a team coding one
        theme at a time.
    runs : array-like, optional
        Which segments follow each other, where read passages were left out of an
        interview (:func:`~tr_nlp.coding.chain.stretches`; default: each interview's).
    min_words : int
        Segments of fewer words are not proposed (a backchannel such as "Mm-hmm." or a
        lone "And" says too little to code), though they are scored with the rest: they
        are their neighbours' context.

    Returns
    -------
    DataFrame
        One row per pick (:data:`NEXT_COLUMNS`): rank, where the segment is (with its
        time in the recording, where known), its text, its uncertainty, and the code of
        the closest call with its probability.

    Raises
    ------
    ConfigError
        E163 for a code in ``codes`` that the model does not code.
    """
    codes = chosen_codes(model, codes)
    if not segments or n <= 0:
        return pd.DataFrame(columns=NEXT_COLUMNS)
    proba = model.predict_proba(context_frame(segments, interviews), runs=runs).to_numpy()
    u = uncertainty(proba, np.asarray(model.thresholds))
    head = model.pipeline.named_steps["head"]
    for group in getattr(head, "exclusive", ()):
        cols = sorted(group)
        u[:, cols] = group_uncertainty(proba[:, cols])
    u[:, [j for j, code in enumerate(model.codes) if code not in codes]] = -1.0
    best_code = u.argmax(axis=1)
    score = u.max(axis=1)
    picked = spread_picks(score, segments, long_enough(segments, min_words), n, spread)
    rows = [
        (rank, segments[k].interview_id, segments[k].segment_id, segments[k].start, segments[k].end,
         seconds_cell(segments[k].timestamp), clock(segments[k].timestamp), segments[k].line, segments[k].line_end,
         segments[k].text,
         float(score[k]),
         model.codes[best_code[k]],
         float(proba[k, best_code[k]]))
        for rank, k in enumerate(picked, start=1)
    ]
    return pd.DataFrame(rows, columns=NEXT_COLUMNS).astype({"line": "Int64", "line_end": "Int64"})
