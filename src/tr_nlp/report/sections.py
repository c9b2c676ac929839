"""The report's sections as plain data (lists and dicts) for the template.

Each function takes a :class:`RunData` and returns what one section shows; none of
them writes anything. Text is included only when ``quotes`` is true.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve

from tr_nlp.agreement.characters import CHARACTER_COLUMNS
from tr_nlp.agreement.crossings import group_matrices, many_coders, mix_ups
from tr_nlp.agreement.interviews import INTERVIEW_COLUMNS
from tr_nlp.agreement.models import own_coders, shown_differences
from tr_nlp.agreement.stats import MIN_INTERVIEWS
from tr_nlp.agreement.subgroups import shown_subgroups, too_few_in_subgroups
from tr_nlp.agreement.tables import (
    EXCLUSIVE_PREFIX,
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN_DOUBLE,
    MAX_PAIRS,
    condensed_pairs,
    exclusive_label,
    groups_of,
    rounded,
    signed,
    surest_disagreements,
    too_few_interviews,
    too_few_named,
    with_interval,
)
from tr_nlp.agreement.tables import OVERALL as POOLED
from tr_nlp.coding.card import known, measured_recall
from tr_nlp.coding.evaluate import MACHINE
from tr_nlp.jsonfile import is_number
from tr_nlp.passages import marked
from tr_nlp.report.rundata import RunData
from tr_nlp.report.svg import Point, Series, line_chart, scatter_chart
from tr_nlp.schema import (
    SHOWN_DISAGREEMENTS,
    SHOWN_RANKED,
    clock,
    evidence_passages,
    lines_label,
    wording,
)
from tr_nlp.topics.candidates import FEW_SHARED_WORDS
from tr_nlp.topics.keywords import WEAK_LABEL_SHARE

#: Okabe-Ito and Tol colour-blind-safe colours, given to the codes in order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733",
           "#332288", "#AA4499", "#999933", "#44AA99")


def code_styles(codes: Sequence[str]) -> list[dict[str, str]]:
    """A colour and a short unique tag (e.g. ``NSA``) per code, so colour is never the only cue.

    >>> [s["tag"] for s in code_styles(["beyond_routine", "being_respected", "trust", "non_stigmatizing_attitude"])]
    ['BR', 'BR2', 'TRU', 'NSA']
    """
    styles, used = [], set()
    for i, code in enumerate(codes):
        words = [w for w in code.replace("-", "_").split("_") if w]
        tag = "".join(w[0] for w in words).upper()[:4] or f"C{i + 1}"
        if len(tag) < 2:
            tag = code[:3].upper()
        base, n = tag, 2
        while tag in used:
            tag, n = f"{base}{n}", n + 1
        used.add(tag)
        styles.append({"code": code, "tag": tag, "color": PALETTE[i % len(PALETTE)]})
    return styles


# --- overview ------------------------------------------------------------------------------


def overview(data: RunData, codes: Sequence[str]) -> dict[str, Any]:
    """Interviews, speakers, segments, and how much of the corpus each code covers."""
    turns = data.turns
    roles = turns.drop_duplicates(["interview_id", "speaker"]).groupby("role").size().to_dict() if not turns.empty else {}
    segments = data.segments
    if not segments.empty:
        n_segments = len(segments)
    elif "segment_id" in data.suggestions.columns:
        n_segments = int(data.suggestions["segment_id"].nunique())
    else:
        n_segments = 0
    coded = data.segment_codes
    human_segments = set(coded["segment_id"]) if "segment_id" in coded.columns else set()
    rated_segments = len(data.cv) if not data.cv.empty else len(human_segments)
    rows = []
    for code in codes:
        human = coded[coded["code"] == code]["segment_id"].nunique() if "code" in coded.columns else 0
        suggested = _above(data.suggestions, code)
        rows.append({"code": code, "human_segments": int(human),
                     "human_share": human / rated_segments if rated_segments else None,
                     "coders": _coders(coded[coded["code"] == code]) if "coder" in coded.columns else "none",
                     "machine_segments": suggested[0], "machine_share": suggested[1]})
    coders = sorted(set(data.codings["coder"])) if "coder" in data.codings.columns else []
    return {
        "interviews": len(data.texts),
        "speakers": {str(k): int(v) for k, v in roles.items()},
        "turns": len(turns),
        "segments": n_segments,
        "codings": len(data.codings),
        "coders": coders,
        "coded_interviews": int(data.codings["interview_id"].nunique()) if "interview_id" in data.codings.columns else 0,
        "suggested_interviews": int(data.suggestions["interview_id"].nunique())
        if "interview_id" in data.suggestions.columns else 0,
        "rated_segments": rated_segments,
        "suggested": "code" in data.suggestions.columns,  # the run coded new interviews (an evaluation does not)
        "codes": rows,
        "complete_turns": data.turns_complete,
    }


def _coders(rows: pd.DataFrame, listed: int = 4) -> str:
    names = sorted(set(rows["coder"].astype(str)))
    return ", ".join(names) if len(names) <= listed else f"{len(names)} coders"


def _above(suggestions: pd.DataFrame, code: str) -> tuple[int, float | None]:
    if suggestions.empty or "code" not in suggestions.columns:
        return 0, None
    rows = suggestions[suggestions["code"] == code]
    n = int(rows["above_threshold"].astype(bool).sum())
    return n, n / len(rows) if len(rows) else None


# --- agreement ---------------------------------------------------------------------------


def agreement(data: RunData, max_pairs: int = MAX_PAIRS) -> list[dict[str, Any]]:
    """Per code: machine-vs-human rows beside human-vs-human rows, each with a plain reading.

    With more than ``max_pairs`` coder pairs (ten annotators make 45), the table shows
    one summary row of the pairs (median and range) and ``pairs`` holds them all.
    """
    table = data.agreement
    if table.empty:
        return []
    groups = []
    for code, rows in table.groupby("code", sort=False):
        records = [{**_row(r), "double_coded": r["comparison"] == MACHINE_VS_HUMAN_DOUBLE}
                   for r in rows.to_dict("records")]
        machine = [r for r in records if r["comparison"] != HUMAN_VS_HUMAN]
        humans = [r for r in records if r["comparison"] == HUMAN_VS_HUMAN]
        twins = {(r["rater_a"], r["rater_b"]) for r in machine if r["comparison"] == MACHINE_VS_HUMAN_DOUBLE}
        for r in machine:
            if not r["double_coded"] and (r["rater_a"], r["rater_b"]) in twins:
                r["reading"] = _all_segments_sentence(r)
            else:
                r["reading"] = reading(r, humans)
        for r in humans:
            r["reading"] = _level_sentence(r)
        many = len(humans) > max_pairs
        groups.append({"code": str(code), "pooled": code == POOLED, "exclusive": str(code).startswith(EXCLUSIVE_PREFIX),
                       "rows": machine + ([] if many else humans),
                       "pairs": humans if many else [], "pair_summary": _pair_summary(humans) if many else None})
    groups.sort(key=lambda g: g["pooled"])  # codes first, the pooled summary last
    return groups


def _pooled_last(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as records (NaN as None), each code's in order, the pooled rows last."""
    records = [_row(r) | {"pooled": r["code"] == POOLED} for r in table.to_dict("records")]
    return sorted(records, key=lambda r: r["pooled"])


def character_agreement(data: RunData) -> list[dict[str, Any]]:
    """Rows of the agreement on characters (as NVivo counts it): :func:`_pair_rows`."""
    return _pair_rows(data.characters, CHARACTER_COLUMNS)


def interview_agreement(data: RunData) -> list[dict[str, Any]]:
    """Rows of the agreement on which interviews voice each code: :func:`_pair_rows`."""
    return _pair_rows(data.interviews, INTERVIEW_COLUMNS)


def _pair_rows(table: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """A pairwise agreement table's rows, codes first, pooled last, many coder pairs
    summarised per code (:func:`~tr_nlp.agreement.tables.condensed_pairs`)."""
    if table.empty:
        return []
    return [r | {"double_coded": r["comparison"] == MACHINE_VS_HUMAN_DOUBLE}
            for r in _pooled_last(condensed_pairs(table.reindex(columns=columns)))]


def group_alpha(data: RunData) -> list[dict[str, Any]]:
    """Rows of Krippendorff's alpha of all coders and with the machine, codes first (then
    exclusive groups, flagged ``exclusive``), pooled last."""
    return [r | {"exclusive": str(r["code"]).startswith(EXCLUSIVE_PREFIX)} for r in _pooled_last(data.group)]


def crossings(data: RunData, quotes: bool = True, top: int = 30) -> dict[str, Any]:
    """Which codes the raters mix up (``code_crossings.csv``): the first ``top`` rows of
    :func:`~tr_nlp.agreement.mix_ups` (``mix_ups``, each with ``examples`` of its segments:
    :func:`mix_up_examples`; ``found`` counts them all; ``intervals``, ``examples`` whether
    any shown has them), and each pair of raters' confusion matrix for each group of codes
    that exclude each other, the groups named by the agreement table's rows (``matrices``:
    group, raters, columns, rows of counts and shares of the row; with many coders,
    ``pooled``: the machine against them all, and coders against each other); empty
    without the table."""
    if data.crossings.empty:
        return {}
    groups = groups_of(data.agreement)
    pooled = many_coders(data.crossings)
    matrices = [{"group": exclusive_label(group), "a": a, "b": b, "columns": [str(col) for col in matrix.columns],
                 "rows": [{"code": str(code), "cells": [(int(n), n / counts.sum()) for n in counts]}
                          for code, counts in matrix.iterrows()]}
                for group in groups for a, b, matrix in group_matrices(data.crossings, group, pooled=pooled)]
    found = mix_ups(data.crossings, groups)
    shown = [_row(r) for r in found.head(top).to_dict("records")]
    for row, found_in in zip(shown, mix_up_examples(data, shown, quotes)):
        row["examples"] = found_in
    return {"mix_ups": shown, "found": len(found), "per_row": MIX_UP_EXAMPLES,
            "examples": any(row["examples"] for row in shown),
            "intervals": any(row.get(key) is not None for row in shown for key in ("share_lo", "coders_share_lo")),
            "matrices": matrices, "pooled": pooled and bool(groups)}


#: How many segments of each mix-up the report links to.
MIX_UP_EXAMPLES = 3


def mix_up_examples(data: RunData, rows: Sequence[dict[str, Any]], quotes: bool,
                    per_row: int = MIX_UP_EXAMPLES) -> list[list[dict[str, Any]]]:
    """For each mix-up (a row of :func:`~tr_nlp.agreement.mix_ups`), ``per_row`` of its
    segments, from as many interviews as there are: those ``rater_a`` gave ``code_a`` and
    ``rater_b``, who rated them, did not, giving ``code_b`` instead (the cross-validated
    segments; the machine's codes as ``cv_predictions.parquet`` has them, the coders' as
    ``segment_codes.parquet``), so a reader goes from a count to its passages. Where the
    machine is one of the two, its surest such calls come first (the highest probability
    of the code it gave); between coders, the first in the transcripts. Each has its
    interview, span, lines where the transcript numbers them, the time it is said where the
    transcript gives times, and (with ``quotes``) its text; no examples for a run without
    predictions."""
    cv = data.scored
    if cv.empty:
        return [[] for _ in rows]
    ids = cv["interview_id"].astype(str).to_numpy()
    _, rated, said = coded_segments(data)

    @cache  # (a rater's code recurs in rows)
    def gives(rater: str, code: str) -> np.ndarray:
        if rater == MACHINE:
            column = f"machine_{code}"
            return cv[column].to_numpy(dtype=float) > 0.5 if column in cv.columns else np.zeros(len(cv), dtype=bool)
        return np.array([(sid, code, rater) in said for sid in cv.index], dtype=bool)

    @cache
    def rates(rater: str) -> np.ndarray:
        return np.ones(len(cv), dtype=bool) if rater == MACHINE else np.isin(ids, list(rated.get(rater, ())))

    places = data.segments.set_index(data.segments["segment_id"].astype(str))
    lines = places[["line", "line_end"]] if {"line", "line_end"} <= set(places.columns) else None
    times = places["timestamp"] if "timestamp" in places.columns else None
    out = []
    for row in rows:
        a, b = str(row["rater_a"]), str(row["rater_b"])
        hit = (rates(a) & rates(b) & gives(a, row["code_a"]) & ~gives(b, row["code_a"]) & gives(b, row["code_b"]))
        positions = np.flatnonzero(hit)
        given = row["code_a"] if a == MACHINE else row["code_b"] if b == MACHINE else None
        if given is not None and f"p_{given}" in cv.columns:  # the machine's surest calls first
            positions = positions[np.argsort(-cv[f"p_{given}"].to_numpy(dtype=float)[positions], kind="stable")]
        first = list(dict.fromkeys(ids[positions]))  # one per interview first, then the rest in order
        chosen = [positions[ids[positions] == iid][0] for iid in first][:per_row]
        chosen += [i for i in positions if i not in chosen][:per_row - len(chosen)]
        examples = []
        for i in sorted(chosen, key=lambda i: (ids[i], int(cv["start"].iloc[i]))):
            iid, start, end = ids[i], int(cv["start"].iloc[i]), int(cv["end"].iloc[i])
            where = lines.loc[cv.index[i]] if lines is not None and cv.index[i] in lines.index else None
            at = times.get(cv.index[i]) if times is not None else None
            examples.append({"interview_id": iid, "start": start, "end": end,
                             "lines": lines_label(*(None if pd.isna(where[k]) else int(where[k])
                                                    for k in ("line", "line_end"))) if where is not None else "",
                             "at": clock(at) if _number(at) else "",
                             "text": data.span_text(iid, start, end) if quotes else None})
        out.append(examples)
    return out


def coded_segments(data: RunData) -> tuple[list[str], dict[str, set[str]], set[tuple[str, str, str]]]:
    """The coders of a run, the interviews each coded, and each ``(segment id, code,
    coder)`` a coding gives (from ``segment_codes.parquet``)."""
    coded = data.segment_codes
    coders = sorted(set(data.codings["coder"])) if "coder" in data.codings.columns else []
    rated = {coder: set(data.codings[data.codings["coder"] == coder]["interview_id"]) for coder in coders}
    said = {(str(s), str(c), str(k)) for s, c, k in zip(coded["segment_id"], coded["code"], coded["coder"])} \
        if "segment_id" in coded.columns else set()
    return coders, rated, said


def subgroups(data: RunData) -> list[dict[str, Any]]:
    """Rows of the agreement per subgroup of interviews (``evaluate --by``): each code's
    subgroups in turn, the machine against each coder and the coders against each other
    (many coder pairs summarised per subgroup), the pooled rows last."""
    if data.subgroups.empty:
        return []
    shown = shown_subgroups(data.subgroups)
    return [r | {"subgroup": str(r["subgroup"]), "exclusive": str(r["code"]).startswith(EXCLUSIVE_PREFIX)}
            for r in _pooled_last(shown)]


def against(data: RunData) -> dict[str, Any]:
    """The model judged beside another on the same segments (``evaluate --against``): the
    two models' names, the rows to show (:func:`~tr_nlp.agreement.models.shown_differences`),
    whether they compare F1 too (a run folder written before they did has kappa alone)
    and how many coders' own rows are left to the CSV; empty without one."""
    if data.against.empty:
        return {}
    table = data.against
    shown = shown_differences(table)
    coders = len(own_coders(table))
    how = ("Both models judged on the same segments of interviews neither was trained on." if data.held_out else
           "Both cross-validated on the same folds: each segment scored by the model of the fold that left its "
           "interview out.")
    return {"model": str(table["model"].iloc[0]), "baseline": str(table["baseline"].iloc[0]), "how": how,
            "rows": [r | {"code": str(r["code"]), "pooled": r["code"] == POOLED} for r in shown.to_dict("records")],
            "f1": "f1_diff" in table.columns, "prescreen": _prescreen_against(data.against_prescreen),
            "recalls": list(dict.fromkeys(data.against_prescreen.get("recall", ()))),
            "coders_left": coders if len(shown) < len(table) else 0}


def _prescreen_against(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The two models' pre-screening per code (``prescreen_difference.csv``): a row per code
    holding a cell per share of coded segments to find; empty without the table."""
    if table.empty:
        return []
    return [{"code": str(code), "cells": rows.to_dict("records")} for code, rows in table.groupby("code", sort=False)]


def subgroups_too_few_sentence(data: RunData) -> str:
    """Which rows of the agreement per subgroup have no intervals for too few interviews
    (:func:`~tr_nlp.agreement.subgroups.too_few_in_subgroups`); empty when none."""
    if data.subgroups.empty or not (few := too_few_in_subgroups(data.subgroups)):
        return ""
    return (f"No 95% intervals where raters compared fewer than {MIN_INTERVIEWS} interviews ({few}): an interval "
            f"needs {MIN_INTERVIEWS} interviews or more, and one of the difference from the rest {MIN_INTERVIEWS} "
            "or more on either side.")


def _all_segments_sentence(row: dict[str, Any]) -> str:
    """Reading of a machine row that has a double-coded twin (which carries the comparison)."""
    k = row["kappa"]
    if k is None:
        return f"On every segment {row['rater_b']} coded, kappa cannot be computed."
    return (f"On every segment {row['rater_b']} coded, the machine agrees {kappa_level(k)}ly with "
            f"{row['rater_b']} (kappa {rounded(k)}); the next row compares it with the coders on the same segments.")


def _pair_summary(humans: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def stat(key: str) -> tuple[float | None, float | None, float | None]:
        values = [h[key] for h in humans if h.get(key) is not None]
        if not values:
            return None, None, None
        return float(np.median(values)), min(values), max(values)

    kappa, alpha, ac1, f1 = stat("kappa"), stat("alpha"), stat("ac1"), stat("f1")
    return {"n": len(humans), "kappa": kappa, "alpha": alpha, "ac1": ac1, "f1": f1,
            "reading": f"Across the {len(humans)} coder pairs the median kappa is {rounded(kappa[0])} "
                       f"({kappa_level(kappa[0])}; range {rounded(kappa[1])} to {rounded(kappa[2])})."}


def _row(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}


def kappa_level(kappa: float | None) -> str:
    """Landis & Koch's words for a kappa (a convention, not a verdict)."""
    if kappa is None:
        return "not computable"
    for limit, word in ((0.0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return word
    return "almost perfect"


def _level_sentence(row: dict[str, Any]) -> str:
    return (f"{row['rater_a']} and {row['rater_b']} agree {kappa_level(row['kappa'])}ly beyond chance "
            f"(kappa {rounded(row['kappa'])}).").replace("poorly beyond chance", "no better than chance")


def reading(row: dict[str, Any], humans: Sequence[dict[str, Any]]) -> str:
    """A sentence comparing a machine-vs-coder row with how the coders agree with each other."""
    coder = row["rater_b"] if row["rater_a"] == MACHINE else row["rater_a"]
    peers = [h for h in humans if coder in (h["rater_a"], h["rater_b"]) and h["kappa"] is not None]
    k, lo, hi = row["kappa"], row.get("kappa_lo"), row.get("kappa_hi")
    if k is None:
        return f"Kappa cannot be computed for the machine and {coder} (a code nobody or everybody used)."
    if not peers:
        return (f"The machine agrees {kappa_level(k)}ly with {coder} (kappa {rounded(k)}); no second coder "
                "coded these interviews, so there is no human benchmark.")
    if len(peers) == 1:
        peer = peers[0]
        other = peer["rater_b"] if peer["rater_a"] == coder else peer["rater_a"]
        pk, plo, phi = peer["kappa"], peer.get("kappa_lo"), peer.get("kappa_hi")
        diff, dlo, dhi = row.get("kappa_diff"), row.get("kappa_diff_lo"), row.get("kappa_diff_hi")
        if row.get("peer") == other and None not in (diff, dlo, dhi):
            return _difference_sentence(coder, other, k, pk, diff, dlo, dhi)
        if pk is None or None in (lo, hi, plo, phi):
            return _no_interval_sentence(row, coder, other, k, pk)
        overlap = lo <= phi and plo <= hi
        verdict = "about as well as" if overlap else "less well than" if k < pk else "better than"
        return (f"The machine agrees with {coder} {verdict} {other} does (kappa {rounded(k)} vs {rounded(pk)}"
                + ("; the 95% intervals overlap)." if overlap else "; the 95% intervals do not overlap)."))
    kappas = sorted(p["kappa"] for p in peers)
    low, high, middle = kappas[0], kappas[-1], float(np.median(kappas))
    diff, dlo, dhi = row.get("kappa_diff"), row.get("kappa_diff_lo"), row.get("kappa_diff_hi")
    if None not in (diff, dlo, dhi):  # against the other coders' mean kappa with the coder, paired
        return _difference_sentence(coder, f"the other {len(peers)} coders", k, k - diff, diff, dlo, dhi, many=True)
    if k < low:
        verdict = "less well than any other coder does"
    elif k > high:
        verdict = "better than any other coder does"
    else:
        verdict = "within the range of the other coders"
    return (f"The machine agrees with {coder} {verdict} (kappa {rounded(k)}; the {len(peers)} other coders with "
            f"{coder}: {rounded(low)} to {rounded(high)}, median {rounded(middle)}).")


def _no_interval_sentence(row: dict[str, Any], coder: str, other: str, k: float, pk: float | None) -> str:
    """The machine's kappa with ``coder`` beside ``other``'s where either has no interval: too
    few interviews, or a code in too few of them (:func:`~tr_nlp.agreement.t_interval`),
    or none drawn."""
    few, n = row.get("n_interviews_coded"), row.get("n_interviews")
    if few is None or n is None:
        why = "Without 95% intervals"
    elif n < MIN_INTERVIEWS:
        why = f"These {n:.0f} interviews are too few for 95% intervals from resampling them"
    else:
        why = f"The code is in {few:.0f} of these {n:.0f} interviews, too few for 95% intervals from resampling them"
    return (f"The machine's kappa with {coder} is {rounded(k)}, {other}'s {rounded(pk)}. {why}: these figures "
            "cannot say which agrees better.")


def too_few_sentence(data: RunData) -> str:
    """Why the raters of the agreement tables (pairs, and all coders at once) compared on
    too few interviews have no intervals (:func:`~tr_nlp.agreement.tables.too_few_interviews`);
    empty when none were."""
    if not (few := too_few_interviews(data.agreement, data.group)):
        return ""
    why = (f"an interval needs {MIN_INTERVIEWS} interviews or more: resampling fewer shows too little of how figures "
           "vary between interviews (from three, a 95% interval held the true kappa in only about three studies in "
           "four).")
    named, alike = too_few_named(few, data.agreement, data.group)
    if alike:
        return f"No 95% intervals in this report: {named} compared, and {why}"
    return f"No 95% intervals for {named}: {why}"


def _difference_sentence(coder: str, other: str, k: float, pk: float, diff: float, lo: float, hi: float,
                         many: bool = False) -> str:
    """The machine's kappa with ``coder`` beside ``other``'s (``many``: the mean of several
    coders' kappas with ``coder``), read by the paired bootstrap interval of their
    difference (:func:`~tr_nlp.agreement.tables.peer_differences`)."""
    theirs, does = (f"{other}' mean", "do on average") if many else (f"{other}'s", "does")
    if lo <= 0 <= hi:  # no evidence of a difference, which is not evidence of none
        return (f"These interviews cannot tell the machine's agreement with {coder} from {theirs} (kappa "
                f"{rounded(k)} vs {rounded(pk)}; their difference, {diff:+.2f}, has a 95% interval from {lo:+.2f} "
                f"to {hi:+.2f}, which holds 0).")
    side = "lower" if diff < 0 else "higher"
    return (f"The machine agrees with {coder} {'less well than' if diff < 0 else 'better than'} {other} {does} "
            f"(kappa {rounded(k)} vs {rounded(pk)}: {abs(diff):.2f} {side}, 95% interval {min(abs(lo), abs(hi)):.2f} "
            f"to {max(abs(lo), abs(hi)):.2f} {side}, {'all' if many else 'the two'} kappas computed on the same "
            "resampled interviews).")


# --- plots -------------------------------------------------------------------------------------


def plots(data: RunData, styles: Sequence[dict[str, str]]) -> dict[str, str]:
    """Inline SVGs: calibration, learning curve, precision-recall, topic map (those the run has data for)."""
    color = {s["code"]: s["color"] for s in styles}
    number = {s["code"]: i for i, s in enumerate(styles)}  # each code's line style, as the legend names it
    out: dict[str, str] = {}
    if not data.calibration.empty:
        series = _series_by_code(data.calibration, "mean_predicted", "observed", color, number,
                                 "{code}: predicted {mean_predicted:.2f}, observed {observed:.2f} (n={n})")
        out["calibration"] = line_chart(series, "Reliability: predicted probability vs share coded by humans",
                                        "mean predicted probability", "observed share coded", (0, 1), diagonal=True)
    if not data.learning_curve.empty:
        curve = data.learning_curve
        if "f1_lo" in curve.columns:  # newer runs: a whisker per point
            series = [replace(s, low=g["f1_lo"].astype(float).tolist(), high=g["f1_hi"].astype(float).tolist())
                      for s, (_, g) in zip(_series_by_code(curve, "train_interviews", "f1", color, number,
                                                           _CURVE_NOTE),
                                           curve.groupby("code", sort=False))]
        else:
            series = _series_by_code(curve, "train_interviews", "f1", color, number, _CURVE_NOTE)
        out["learning_curve"] = line_chart(series, "Learning curve: F1 as more interviews are coded",
                                           "coded interviews used for training", "F1 (cross-validated)")
    pr = pr_curves(data)
    if pr:
        series = [Series(f"{code} (AP {ap:.2f})", r, p, color.get(code, "#555"), markers=False, style=number.get(code))
                  for code, (r, p, ap) in pr.items()]
        out["pr"] = line_chart(series, f"Precision-recall per code ({data.scoring})", "recall", "precision", (0, 1))
        out["pr_ap"] = "; ".join(f"{code} {ap:.2f}" for code, (_, _, ap) in pr.items())
    layout = data.discovery.get("map") or []
    if layout:
        points = [_map_point(p, color) for p in layout]
        entries = "; hollow: a code nobody coded, placed by its codebook entry" if any(p.hollow for p in points) else ""
        out["topic_map"] = scatter_chart(points, "Topic map: candidate codes (circles, area ~ passages) "
                                         f"beside existing codes (squares{entries})")
    return out


def _map_point(p: dict[str, Any], color: dict[str, str]) -> Point:
    """A topic-map bubble: a candidate (area ~ passages, labelled by its keywords) or an existing code."""
    name = str(p["name"])
    if p["kind"] == "candidate":  # candidate_03_waiting_list -> waiting_list
        number, _, words = name.replace("candidate_", "").partition("_")
        label = f"{number}: few shared words" if words == FEW_SHARED_WORDS else words or number
        return Point(label, float(p["x"]), float(p["y"]), float(p["size"]), "#E69F00",
                     note=f"{name} ({p['size']} passages)")
    if p["kind"] == "code_entry":
        return Point(name, float(p["x"]), float(p["y"]), 1.0, color.get(name, "#555"), square=True, hollow=True,
                     note=f"existing code {name}, nobody coded it: placed by its codebook entry")
    return Point(name, float(p["x"]), float(p["y"]), 1.0, color.get(name, "#555"), square=True,
                 note=f"existing code {name}")


#: The hover text of a learning curve's point.
_CURVE_NOTE = "{code}: {train_interviews:.0f} interviews, F1 {f1:.2f}, kappa {kappa:.2f}"


def learning_gains(data: RunData) -> list[dict[str, Any]]:
    """Per code: the kappa the learning curve's last step gained, with its interval and a
    reading (:func:`~tr_nlp.coding.evaluate.cross_validate`'s ``kappa_gain``); empty for
    runs without one."""
    curve = data.learning_curve
    if curve.empty or "kappa_gain" not in curve.columns:
        return []
    rows = []
    for code, g in curve.groupby("code", sort=False):
        if len(g) < 2:
            continue
        last, before = g.iloc[-1], g.iloc[-2]
        gain, lo, hi = (None if pd.isna(v) else float(v) for v in (last["kappa_gain"], last["kappa_gain_lo"],
                                                                    last["kappa_gain_hi"]))
        if gain is None:
            continue
        if lo is None or hi is None:
            reading = "no interval: too few interviews scored"
        elif lo > 0:
            reading = "still rising: coding more interviews should still help"
        elif hi < 0:
            reading = "lower with more interviews: more of the same has not helped"
        else:
            reading = "these interviews cannot tell whether coding more would help"
        rows.append({"code": str(code), "from": float(before["train_interviews"]),
                     "to": float(last["train_interviews"]),
                     "kappa_from": float(before["kappa"]), "kappa_to": float(last["kappa"]),
                     "gain": signed(gain, lo, hi), "reading": reading})
    return rows


def _series_by_code(frame: pd.DataFrame, x: str, y: str, color: dict[str, str], number: dict[str, int],
                    note: str) -> list[Series]:
    """One line per code of ``frame``, in its code's colour and line style (``number``, its
    place in the legend: a chart lacking a code draws the others as the legend says);
    ``note`` is formatted with each row for its hover text."""
    return [Series(str(code), g[x].tolist(), g[y].tolist(), color.get(str(code), "#555"),
                   notes=[note.format(**row) for row in g.to_dict("records")], style=number.get(str(code)))
            for code, g in frame.groupby("code", sort=False)]


def _target(data: RunData) -> pd.DataFrame | None:
    """Segment x code: 1 when any coder coded the segment with the code (the training target)."""
    if data.cv.empty or "segment_id" not in data.cv.columns:
        return None
    index = data.cv["segment_id"].astype(str)
    coded = data.segment_codes
    target = pd.DataFrame(0, index=index, columns=data.scored_codes)
    if "segment_id" in coded.columns:
        for sid, code in zip(coded["segment_id"].astype(str), coded["code"].astype(str)):
            if code in target.columns and sid in target.index:
                target.loc[sid, code] = 1
    return target


def pr_curves(data: RunData, points: int = 60) -> dict[str, tuple[list[float], list[float], float]]:
    """Per code: recall and precision along the ranking (thinned to ``points``) and average precision."""
    target = _target(data)
    if target is None:
        return {}
    out = {}
    for code in target.columns:
        y = target[code].to_numpy()
        if y.sum() == 0 or y.sum() == len(y):
            continue
        p = data.cv[f"p_{code}"].to_numpy()
        precision, recall, _ = precision_recall_curve(y, p)
        keep = np.unique(np.linspace(0, len(recall) - 1, min(points, len(recall))).astype(int))
        out[code] = (recall[keep].round(4).tolist(), precision[keep].round(4).tolist(),
                     float(average_precision_score(y, p)))
    return out


# --- pre-screening and disagreement -------------------------------------------------------------


def prescreen(data: RunData, codes: Sequence[str], quotes: bool, top: int = SHOWN_RANKED) -> list[dict[str, Any]]:
    """Per code: the workload sentence from cross-validation and the highest-ranked segments.

    Segments come from the interviews no human coded; when every interview was coded,
    from the cross-validated probabilities (each segment scored by a model that never
    saw its interview). Segments of the same words (``Mm-hmm.``, ``Yeah.``: backchannels
    top the ranking of a code such as neutral talk) are one row, the first of them, with
    how many more the ranking holds (``repeats``).
    """
    table = data.prescreen
    source, where = _ranked_source(data)
    out = []
    for code in codes:
        trade = table[table["code"] == code] if not table.empty else table
        sentences = [f"Reading the top {_share(r)} of segments, in the model's order, "
                     f"finds {r.recall:.0%} of what coders coded (so {r.skip_share:.0%} could be skipped)."
                     for r in trade.itertuples()] if not trade.empty else []
        rows = source[source["code"] == code] if not source.empty else source
        if not sentences and data.suggestions is source:  # new interviews alone (a batch): what the card measured
            sentences = card_tradeoff(data.card, code, rows)
        ranked = []
        if not source.empty:
            rows = rows.sort_values("probability", ascending=False, kind="stable")
            ranked = _once_per_wording(data, rows.to_dict("records"), top, quotes)
        out.append({"code": code, "tradeoff": sentences, "segments": ranked, "where": where,
                    "positives": _count(trade, "positives"), "total": _count(trade, "segments")})
    return out


def card_tradeoff(card: dict[str, Any], code: str, rows: pd.DataFrame) -> list[str]:
    """What pre-screening new interviews with ``code``'s suggestions (``rows``: each
    segment's, with ``above_threshold``) asks, from the model card's cross-validation: the
    share of each coder's segments the code's threshold found there, and how many segments
    here are above it; none where the card measured nothing of the code.

    >>> card = {"cv_metrics": [{"code": "care", "rater_b": "anna", "recall": 0.82, "recall_lo": 0.75,
    ...                         "recall_hi": 0.88, "precision": 0.6}]}
    >>> rows = pd.DataFrame({"above_threshold": [True, False, False, False]})
    >>> print(*card_tradeoff(card, "care", rows), sep="\\n")  # doctest: +NORMALIZE_WHITESPACE
    In the model's cross-validation, the segments above this code's threshold held 82% [75%, 88%]
    of what anna coded (precision 60%).
    Here 1 of 4 segments (25%) are above it: reading those alone would find about the share
    cross-validation found, and leave 75% unread.
    """
    measured = measured_recall(card, [code])
    if not measured or rows.empty:
        return []
    sentences = [f"In the model's cross-validation, the segments above this code's threshold held "
                 f"{with_interval(m['recall'], m.get('recall_lo'), m.get('recall_hi'), '{:.0%}'.format)} of what "
                 f"{m.get('rater_b', 'the coders')} coded"
                 + (f" (precision {m['precision']:.0%})." if known(m.get("precision")) else ".")
                 for m in measured]
    above, n = int(rows["above_threshold"].astype(bool).sum()), len(rows)
    return [*sentences, (f"Here {above} of {n} segments ({above / n:.0%}) are above it: reading those alone would "
                         f"find about the share cross-validation found, and leave {1 - above / n:.0%} unread.")]


def _share(row: Any) -> str:
    """``57% [22%, 69%]``: a pre-screening row's share to read, with its interval where it has one."""
    return with_interval(row.read_share, getattr(row, "read_share_lo", None), getattr(row, "read_share_hi", None),
                         "{:.0%}".format)


def _once_per_wording(data: RunData, rows: Sequence[dict[str, Any]], top: int, quotes: bool) -> list[dict[str, Any]]:
    """The first ``top`` of ranked ``rows`` whose words differ (case and punctuation aside),
    each with ``repeats``: the rows of the same words further down. A segment whose text
    the run does not hold is a row of its own."""
    first: dict[object, dict[str, Any]] = {}
    for r in rows:
        iid, start, end = str(r["interview_id"]), int(r["start"]), int(r["end"])
        key = wording(data.span_text(iid, start, end)) or (iid, start, end)
        if key in first:
            first[key]["repeats"] += 1
        elif len(first) < top:
            first[key] = {**_segment_row(data, r, quotes), "repeats": 0}
    return list(first.values())


def _count(table: pd.DataFrame, column: str) -> int | None:
    """The first row's value of a count column, or None when there is none (or it is blank)."""
    return None if table.empty or pd.isna(table[column].iloc[0]) else int(table[column].iloc[0])


def _ranked_source(data: RunData) -> tuple[pd.DataFrame, str]:
    """Scored segments in long form (interview_id, start, end, code, probability, ...) and what they are."""
    if not data.suggestions.empty and "code" in data.suggestions.columns:
        return data.suggestions, "Segments of the interviews no human coded"
    cv = data.scored
    if cv.empty:
        return pd.DataFrame(), ""
    long = [pd.DataFrame({"interview_id": cv["interview_id"], "start": cv["start"], "end": cv["end"], "code": code,
                          "probability": cv[f"p_{code}"], "above_threshold": cv[f"machine_{code}"].astype(float) > 0.5,
                          "evidence": cv.get(f"evidence_{code}", pd.Series("", index=cv.index))})
            for code in data.scored_codes]
    scored = ("held-out: scored by a model trained on other interviews" if data.held_out
              else "cross-validated: scored by a model that did not see their interview")
    return pd.concat(long, ignore_index=True), f"Segments of the coded interviews ({scored})"


def _segment_row(data: RunData, r: dict[str, Any], quotes: bool) -> dict[str, Any]:
    iid, start, end = str(r["interview_id"]), int(r["start"]), int(r["end"])
    evidence = "; ".join(evidence_passages(r.get("evidence")))
    text = data.span_text(iid, start, end) if quotes else None
    return {"interview_id": iid, "start": start, "end": end, "probability": float(r["probability"]),
            "above": bool(r.get("above_threshold", False)), "evidence": evidence, "text": text,
            "pieces": marked(text, evidence) if text is not None else None}


def disagreements(data: RunData, codes: Sequence[str], quotes: bool,
                  top: int = SHOWN_DISAGREEMENTS) -> list[dict[str, Any]]:
    """Per code: cross-validated segments where the machine and at least one coder differ, surest first,
    each with the other codes each rater gave it (``others``: where one gave the code and
    another did not, what the other gave instead)."""
    cv = data.scored
    if cv.empty:
        return []
    coders, rated, said = coded_segments(data)
    out = []
    for style, code in enumerate(codes):  # (its colour: the legend's for it, whatever codes are left out)
        if code not in data.scored_codes:
            continue
        ids, p, m = cv["interview_id"].astype(str).to_numpy(), cv[f"p_{code}"].to_numpy(dtype=float), \
            cv[f"machine_{code}"].to_numpy(dtype=float) > 0.5
        votes = np.array([[float((sid, code, coder) in said) if iid in rated[coder] else np.nan for coder in coders]
                          for sid, iid in zip(cv.index, ids)]).reshape(len(cv), len(coders))
        order = surest_disagreements(p, m, votes)
        why = cv[f"evidence_{code}"] if f"evidence_{code}" in cv.columns else pd.Series("", index=cv.index)
        others = [c for c in data.scored_codes if c != code]
        rows = []
        for i in order[:top]:  # (the segment's text and marks for those shown alone)
            iid, start, end = ids[i], int(cv["start"].iloc[i]), int(cv["end"].iloc[i])
            text = data.span_text(iid, start, end) if quotes else None
            evidence = why.iloc[i]
            sid = str(cv.index[i])
            given = [(MACHINE, [c for c in others if cv[f"machine_{c}"].iloc[i] > 0.5])]
            given += [(coder, [c for c in others if (sid, c, coder) in said]) for coder in coders if iid in rated[coder]]
            rows.append({"segment_id": cv.index[i], "interview_id": iid, "start": start, "end": end,
                         "probability": float(p[i]), "machine": bool(m[i]),
                         "coders": {coder: bool(v) for coder, v in zip(coders, votes[i]) if not np.isnan(v)},
                         "others": [(rater, names) for rater, names in given if names],
                         "text": text, "pieces": marked(text, evidence) if text is not None and m[i]
                         and evidence_passages(evidence) else None})
        machine_only = int(m[order].sum())
        out.append({"code": code, "style": style, "count": len(order), "machine_only": machine_only,
                    "human_only": len(order) - machine_only, "rows": rows, "coders": coders})
    return out


# --- candidate codes -----------------------------------------------------------------------------


def _number(value: Any) -> bool:
    return is_number(value) and value >= 0


def candidates(data: RunData, quotes: bool) -> list[dict[str, Any]]:
    """Candidate codes with their evidence; quotes point into the transcript viewer."""
    out = []
    for entry in data.candidates:
        ev = entry.get("evidence") or {}
        quoted = [{"interview_id": str(q["interview_id"]), "start": int(q["start"]), "end": int(q["end"]),
                   "at": clock(q["timestamp"]) if _number(q.get("timestamp")) else "",
                   "lines": lines_label(q["line"] if _number(q.get("line")) else None,
                                        q["line_end"] if _number(q.get("line_end")) else None),
                   "text": data.span_text(str(q["interview_id"]), int(q["start"]), int(q["end"])) if quotes else None}
                  for q in ev.get("quotes") or []]
        share = ev.get("label_share")
        out.append({"name": entry.get("name"), "label": ev.get("label", ""), "keywords": ev.get("keywords", []),
                    "label_share": share if _number(share) else None,
                    "few_shared_words": _number(share) and share < WEAK_LABEL_SHARE,
                    "size": ev.get("size"), "interviews": ev.get("interviews"),
                    "single_interview": ev.get("single_interview", False), "novelty": ev.get("novelty"),
                    "nearest_code": ev.get("nearest_code"), "compared_with": ev.get("compared_with"),
                    "reading": ev.get("reading", ""), "quotes": quoted})
    return out
