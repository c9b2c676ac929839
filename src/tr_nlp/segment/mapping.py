"""Map human codings (character spans) onto segments.

A segment carries a code from a coder when their coding overlaps it by at least
``threshold`` of the segment's length, or by at least ``threshold`` of the coding's length
(a short coded phrase inside a long segment still counts). Several codes per segment are
kept (multi-label).

A coder is taken to have coded an interview when they left at least one coding in it;
a segment of an interview a coder never coded is *missing* for that coder, not negative.
Where a team codes chosen passages rather than whole interviews (:class:`Reviewed`
passages, such as the ones ``tr-nlp next`` proposed), a segment of such an interview is
missing too unless the coder read it (a reviewed passage or one of their codings covers
it as a coding would).

Examples
--------
>>> from tr_nlp.schema import Coding, Reviewed, Segment
>>> segs = [Segment("i", "i:s0", 0, 10, "P", "participant", "x" * 10)]
>>> map_codings(segs, [Coding("i", 2, 9, "care", "A")])[["segment_id", "code", "coder"]].values.tolist()
[['i:s0', 'care', 'A']]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from tr_nlp.errors import ConfigError
from tr_nlp.schema import Coding, Interview, Reviewed, Segment

MAPPED_COLUMNS = {"segment_id": "string", "interview_id": "string", "code": "string",
                  "coder": "string", "overlap": "float64"}


def check_overlap(threshold: float) -> float:
    """``threshold`` if it can be an overlap share (0 < t <= 1), else ConfigError E163."""
    if not 0 < threshold <= 1:
        raise ConfigError("E163", detail=f"overlap threshold {threshold}; expected 0 < t <= 1")
    return threshold


#: The most (segment, coding) pairs :func:`map_codings` weighs at once: a block's arrays of
#: 8-byte numbers then take about 8 MB each, whatever the size of an interview.
_CELLS = 2**20


def map_codings(segments: Sequence[Segment], codings: Iterable[Coding], threshold: float = 0.5) -> pd.DataFrame:
    """Long table of (segment_id, interview_id, code, coder, overlap share) assignments.

    ``overlap`` is the larger of the two shares (of the segment, of the coding).
    """
    rows: list[tuple[str, str, str, str, float]] = []
    for interview_id, segs, cods, pairs, shares in _overlaps(segments, codings, check_overlap(threshold)):
        seen: set[tuple[int, str, str]] = set()
        for (i, j), share in zip(pairs.tolist(), shares.tolist()):
            key = (i, cods[j].code, cods[j].coder)
            if key not in seen:
                seen.add(key)
                rows.append((segs[i].segment_id, interview_id, cods[j].code, cods[j].coder, share))
    frame = pd.DataFrame(rows, columns=list(MAPPED_COLUMNS)).astype(MAPPED_COLUMNS)
    return frame.sort_values(["segment_id", "coder", "code"], kind="stable").reset_index(drop=True)


def unplaced_codings(segments: Sequence[Segment], codings: Iterable[Coding], threshold: float = 0.5
                     ) -> list[Coding]:
    """The ``codings`` of the interviews ``segments`` come from that carry their code to none
    of them (:func:`map_codings`): codings of speech no segment holds, such as an
    interviewer's where only participants' turns were segmented.

    >>> segs = [Segment("i", "i:s0", 3, 10, "P", "participant", "x" * 7)]
    >>> unplaced_codings(segs, [Coding("i", 0, 2, "care", "A"), Coding("i", 4, 9, "care", "A"), Coding("j", 0, 2, "x", "A")])
    [Coding(interview_id='i', start=0, end=2, code='care', coder='A')]
    """
    segments_of = {segment.interview_id for segment in segments}
    codings = [coding for coding in codings if coding.interview_id in segments_of]
    placed = {id(cods[j]) for _, _, cods, pairs, _ in _overlaps(segments, codings, check_overlap(threshold))
              for j in set(pairs[:, 1].tolist())}
    return [coding for coding in codings if id(coding) not in placed]


def roles_under(codings: Sequence[Coding], interviews: Mapping[str, Interview]) -> tuple[str, ...]:
    """The roles of the turns ``codings`` are on, most codings first ("no one's" for a coding
    on no turn, such as a heading's).

    >>> from tr_nlp.schema import Turn
    >>> iv = Interview("i", "I: So?\\nP: Well.", (Turn("I", "interviewer", 3, 6), Turn("P", "participant", 10, 15)))
    >>> roles_under([Coding("i", 3, 6, "x", "A"), Coding("i", 0, 2, "x", "A")], {"i": iv})
    ('interviewer', "no one's")
    """
    roles: Counter[str] = Counter()
    for coding in codings:
        turns = interviews[coding.interview_id].turns if coding.interview_id in interviews else ()
        roles.update({t.role for t in turns if t.start < coding.end and coding.start < t.end} or {"no one's"})
    return tuple(role for role, _ in roles.most_common())


def _overlaps(segments: Sequence[Segment], codings: Iterable[Coding], threshold: float
              ) -> Iterator[tuple[str, list[Segment], list[Coding], np.ndarray, np.ndarray]]:
    """Per interview and block of its segments: its id, segments and codings, and the pairs
    ``(i, j)`` of a segment and a coding whose overlap share reaches ``threshold``, with
    their shares."""
    by_interview: dict[str, list[Coding]] = defaultdict(list)
    for coding in codings:
        by_interview[coding.interview_id].append(coding)
    seg_by_interview: dict[str, list[Segment]] = defaultdict(list)
    for segment in segments:
        seg_by_interview[segment.interview_id].append(segment)
    for interview_id, segs in seg_by_interview.items():
        cods = by_interview.get(interview_id)
        if not cods:
            continue
        c_start = np.array([c.start for c in cods])[None, :]
        c_end = np.array([c.end for c in cods])[None, :]
        block = max(1, _CELLS // len(cods))  # segments x codings at a time: memory stays bounded
        for first in range(0, len(segs), block):
            s_start = np.array([s.start for s in segs[first:first + block]])[:, None]
            s_end = np.array([s.end for s in segs[first:first + block]])[:, None]
            overlap = np.clip(np.minimum(s_end, c_end) - np.maximum(s_start, c_start), 0, None)
            share = np.maximum(overlap / np.maximum(s_end - s_start, 1), overlap / np.maximum(c_end - c_start, 1))
            i, j = np.nonzero((share >= threshold) & (overlap > 0))
            yield interview_id, segs, cods, np.column_stack([i + first, j]), share[i, j]


def coder_coverage(codings: Iterable[Coding], reviewed: Iterable[Reviewed] = ()) -> dict[str, set[str]]:
    """For each coder, the interviews they coded (left at least one coding in) or read
    passages of (``reviewed``; a passage with no coder was read by every coder).

    >>> coverage = coder_coverage([Coding("i1", 0, 5, "care", "A")], [Reviewed("i2", 0, 9), Reviewed("i3", 0, 9, "B")])
    >>> {coder: sorted(ids) for coder, ids in coverage.items()}
    {'A': ['i1', 'i2'], 'B': ['i2', 'i3']}
    """
    coverage: dict[str, set[str]] = defaultdict(set)
    for coding in codings:
        coverage[coding.coder].add(coding.interview_id)
    for coder, passage in _readers(reviewed, coverage):
        coverage[coder].add(passage.interview_id)
    return {coder: coverage[coder] for coder in sorted(coverage)}


def _readers(reviewed: Iterable[Reviewed], coders: Iterable[str]) -> list[tuple[str, Reviewed]]:
    """``(coder, passage)`` for each reviewed passage and each coder who read it: its own
    coder, or with none named every coder (of ``coders`` and those the passages name)."""
    reviewed = list(reviewed)
    everyone = sorted({*coders, *(r.coder for r in reviewed if r.coder)})
    return [(coder, passage) for passage in reviewed for coder in ([passage.coder] if passage.coder else everyone)]


def unread(segments: Sequence[Segment], codings: Iterable[Coding], reviewed: Iterable[Reviewed],
           threshold: float = 0.5) -> dict[str, np.ndarray]:
    """Per coder, which ``segments`` they did not read: those of an interview they neither
    coded nor read passages of, and those of an interview they read only passages of
    (``reviewed``) that neither such a passage nor one of their codings covers (by
    ``threshold``, as a coding marks a segment). Such segments are missing for the coder,
    not negative.

    >>> segs = [Segment("i", f"i:s{k}", 10 * k, 10 * k + 9, "P", "participant", "x" * 9) for k in range(3)]
    >>> segs.append(Segment("j", "j:s0", 0, 9, "P", "participant", "x" * 9))
    >>> unread(segs, [Coding("i", 21, 29, "care", "A")], [Reviewed("i", 0, 9)])["A"].tolist()
    [False, True, False, True]
    """
    codings, reviewed = list(codings), list(reviewed)
    coverage = coder_coverage(codings, reviewed)
    partly: dict[str, set[str]] = defaultdict(set)  # coder -> interviews they read passages of
    read: list[Coding] = []
    for coder, passage in _readers(reviewed, coverage):
        partly[coder].add(passage.interview_id)
        read.append(Coding(passage.interview_id, passage.start, passage.end, "", coder))
    read += [c for c in codings if c.interview_id in partly[c.coder]]
    seen = set(map_codings(segments, read, threshold)[["segment_id", "coder"]].itertuples(index=False, name=None))
    return {coder: np.array([s.interview_id not in ids or (s.interview_id in partly[coder]
                                                           and (s.segment_id, coder) not in seen)
                             for s in segments], dtype=bool)
            for coder, ids in coverage.items()}


def unread_by_anyone(segments: Sequence[Segment], codings: Iterable[Coding], reviewed: Iterable[Reviewed],
                     threshold: float = 0.5) -> np.ndarray:
    """Which ``segments`` no coder read (see :func:`unread`): what is left to code. A
    passage read before anyone coded anything (so no coder is known to have read it, as
    where ``tr-nlp next`` marked passages and nothing was coded yet) is read all the same.

    >>> segs = [Segment("i", f"i:s{k}", 10 * k, 10 * k + 9, "P", "participant", "x" * 9) for k in range(3)]
    >>> unread_by_anyone(segs, [], [Reviewed("i", 10, 19)]).tolist()
    [True, False, True]
    """
    codings, reviewed = list(codings), list(reviewed)
    masks = unread(segments, codings, reviewed, threshold)
    left = np.logical_and.reduce([np.ones(len(segments), dtype=bool), *masks.values()])
    if reviewed and not masks:
        read = [Coding(r.interview_id, r.start, r.end, "", "") for r in reviewed]
        seen = set(map_codings(segments, read, threshold).segment_id)
        left &= np.array([s.segment_id not in seen for s in segments], dtype=bool)
    return left


def label_matrix(
    segments: Sequence[Segment],
    mapped: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str] | None = None,
    coverage: dict[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Segments x codes matrix: 1 where any of ``coders`` applied the code, else 0.

    With ``coverage``, segments of interviews none of ``coders`` coded are NaN (missing).
    """
    index = pd.Index([s.segment_id for s in segments], name="segment_id")
    picked = mapped if coders is None else mapped[mapped["coder"].isin(list(coders))]
    matrix = pd.DataFrame(0.0, index=index, columns=list(codes))
    picked = picked[picked["code"].isin(list(codes)) & picked["segment_id"].isin(index)]
    for code, group in picked.groupby("code"):
        matrix.loc[group["segment_id"].unique(), code] = 1.0
    if coverage is not None:
        wanted = list(coders) if coders is not None else list(coverage)
        coded = set().union(*(coverage.get(c, set()) for c in wanted)) if wanted else set()
        uncoded = [s.interview_id not in coded for s in segments]
        matrix.loc[np.array(uncoded, dtype=bool)] = np.nan
    return matrix
