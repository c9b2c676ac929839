"""Within-interview centring: cluster what recurs across interviews, not each interview's story.

In a study where every interview addresses the same question, much of what sets one
passage's embedding apart is its interview: the participant's own people, places and
history ("my dad", "the ward in 2019"). Clustered as they are, passages then group by
story, and a theme such as continuity of care ends up split over several interviews'
clusters. Subtracting each interview's mean embedding from its passages leaves what
varies within an interview and recurs across them, which is what a candidate code is.

When interviews differ in subject (each AnnoMI session is about one behaviour: alcohol,
smoking, exercise...), the interview mean *is* the topic, and centring would remove it.
:func:`between_interview_share` tells the two apart: the share of the embeddings'
variance that lies between interviews, beyond what chance gives for groups of these
sizes (0 when interviews differ no more than random groups, 1 when each interview is
one point). Measured on remainder passages: the synthetic demo corpus 0.03-0.04
(one research question), AnnoMI client talk 0.13 (one subject per session);
:data:`SUBJECT_SHARE` sits between them. Real sessions on a single subject carry more of
their own story than the synthetic demo: the AnnoMI alcohol and smoking sessions alone
measure 0.08-0.10, so they are not centred by default; on them centring did not
consistently improve how candidates line up with labels that recur across sessions
(therapist behaviour, client talk type: AMI -0.06 to +0.01). The limit is therefore
conservative; ``discover(centre=True)`` (``--centre``) forces centring.

Examples
--------
>>> E = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]])
>>> out = centre_within_interviews(E, np.array(["a", "a", "b", "b"]))
>>> bool(np.allclose(out[0], -out[1])), bool(np.allclose(np.linalg.norm(out, axis=1), 1))
(True, True)
"""

from __future__ import annotations

import numpy as np

#: Above this chance-adjusted between-interview share, interviews are taken to differ in
#: subject and are not centred (see the module docstring for measured values).
SUBJECT_SHARE = 0.08


def _interview_means(X: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean row per interview, each row's interview index, and passages per interview."""
    groups, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
    means = np.zeros((len(groups), X.shape[1]))
    np.add.at(means, inverse, X)
    return means / counts[:, None], inverse, counts


def between_interview_share(embeddings: np.ndarray, interview_ids: np.ndarray) -> float:
    """Chance-adjusted share of embedding variance between interviews (an intraclass R²).

    ``(R² - E[R²]) / (1 - E[R²])`` where R² is the between-interview sum of squares over
    the total and ``E[R²] = (k - 1) / (n - 1)`` its expectation for ``k`` random groups
    of ``n`` points. 0.0 when there are fewer than two interviews or no variance.
    """
    X = np.asarray(embeddings, dtype=np.float64)
    means, _, counts = _interview_means(X, np.asarray(interview_ids))
    n, k, grand = len(X), len(counts), X.mean(axis=0)
    total = float(((X - grand) ** 2).sum())
    if k < 2 or n <= k or total <= 0:
        return 0.0
    between = float((counts * ((means - grand) ** 2).sum(axis=1)).sum())
    chance = (k - 1) / (n - 1)
    return (between / total - chance) / (1 - chance)


def centre_within_interviews(embeddings: np.ndarray, interview_ids: np.ndarray) -> np.ndarray:
    """Each passage minus its interview's mean embedding, back to unit length.

    An interview with a single passage is left as it is (centring would leave nothing).
    """
    X = np.asarray(embeddings, dtype=np.float64)
    means, inverse, counts = _interview_means(X, np.asarray(interview_ids))
    means[counts < 2] = 0.0
    out = X - means[inverse]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    degenerate = norms[:, 0] < 1e-9  # a passage identical to its interview's mean: keep it as it was
    out[degenerate] = X[degenerate]
    norms[degenerate] = np.linalg.norm(X[degenerate], axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)
