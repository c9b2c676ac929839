"""Apply a theme model to new interviews: suggestions, never codings.

One row per (segment, code) with the calibrated probability, whether it is above the
code's threshold, and the terms that pushed the score up most (for a quick audit).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tr_nlp.coding.store import ThemeModel
from tr_nlp.schema import Segment

SUGGESTION_COLUMNS = ["interview_id", "segment_id", "start", "end", "speaker", "text", "code",
                      "probability", "above_threshold", "evidence"]


def _evidence(model: ThemeModel, texts: Sequence[str], top: int) -> list[list[str]]:
    """Per text and code: the word features with the largest positive contribution."""
    features = model.pipeline.named_steps["features"]
    head = model.pipeline.named_steps["head"]
    try:
        word = features.transformer_list[0][1].transformer_list[0][1]  # tfidf -> word vectorizer
    except (AttributeError, IndexError, TypeError):
        return [[""] * len(model.codes) for _ in texts]
    if getattr(word, "vocabulary_", None) is None:
        return [[""] * len(model.codes) for _ in texts]
    names = word.get_feature_names_out()
    X = word.transform(texts)
    n_word = X.shape[1]
    out = []
    for i in range(X.shape[0]):
        row = X.getrow(i)
        per_code = []
        for m in head.models_:
            if m is None or not row.nnz:
                per_code.append("")
                continue
            contrib = row.data * m.coef_[0][:n_word][row.indices]
            best = row.indices[np.argsort(-contrib)[:top]]
            per_code.append("; ".join(names[j] for j, c in zip(best, np.sort(contrib)[::-1]) if c > 0))
        out.append(per_code)
    return out


def suggest(model: ThemeModel, segments: Sequence[Segment], top_terms: int = 3) -> pd.DataFrame:
    """Suggestions for ``segments``: one row per segment and code, most probable first."""
    if not segments:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    texts = [s.text for s in segments]
    proba = model.pipeline.predict_proba(texts)
    evidence = _evidence(model, texts, top_terms)
    thresholds = model.thresholds
    rows = []
    for i, s in enumerate(segments):
        for j, code in enumerate(model.codes):
            rows.append((s.interview_id, s.segment_id, s.start, s.end, s.speaker, s.text, code,
                         float(proba[i, j]), bool(proba[i, j] >= thresholds[j]), evidence[i][j]))
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
    return frame.sort_values(["interview_id", "start", "probability"], ascending=[True, True, False],
                             kind="stable").reset_index(drop=True)
