"""How ``tr-nlp evaluate`` prints an evaluation: a rich table per table of it.

Agreement per code (machine against each coder beside the coders against each other), on
characters, on interviews, of all coders at once, per subgroup; the learning curve; the
pre-screening; two models side by side (``--against``). Each prints nothing for an empty
table, and the notes under a table say what its figures mean. The statistics come from
:mod:`tr_nlp.agreement` and :mod:`tr_nlp.coding.evaluate`, imported where a table is
printed, so that loading the CLI does not wait for them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.cli import common as c


def _with_ci(row, stat: str) -> str:  # type: ignore[no-untyped-def]
    """``0.61 [0.48, 0.72]``, or the figure alone where it has no interval."""
    from tr_nlp.agreement.tables import with_interval

    return with_interval(getattr(row, stat), getattr(row, stat + "_lo"), getattr(row, stat + "_hi"))


def _without_interval(table: pd.DataFrame) -> str:
    """A line naming the codes whose kappa has no interval while others have one; empty when none."""
    from tr_nlp.agreement.tables import without_interval

    if not (few := without_interval(table)):
        return ""
    named = ", ".join(f"{code} ({counts})" for code, counts in few.items())
    return (f"  no 95% CI for {named}: coded in so few interviews (in brackets) that more than one resample of "
            "interviews in 20 draws none of them, where the figure is undefined")


def _too_few(table: pd.DataFrame, interviews: str = "n_interviews") -> str:
    """A line naming the raters compared on too few interviews for an interval; empty when none."""
    from tr_nlp.agreement.stats import MIN_INTERVIEWS
    from tr_nlp.agreement.tables import too_few_interviews, too_few_named

    if not (few := too_few_interviews(table, interviews=interviews)):
        return ""
    named, alike = too_few_named(few, table, interviews=interviews)
    named = f": {named} compared, and" if alike else f" for {named}:"
    return (f"  no 95% CI{named} an interval needs {MIN_INTERVIEWS} interviews or more (resampling fewer shows too "
            "little of how figures vary between interviews)")


def _print_pairs(view: c.Table, table: pd.DataFrame, shown: pd.DataFrame) -> None:
    """Print ``view``, and say where every coder pair is when ``shown`` summarised them."""
    c.out.print(view)
    if len(shown) < len(table):
        c.out.print("  coder pairs: the median pair, with the lowest and highest pair in brackets; every pair is "
                    "in the table that -o writes", highlight=False)


def _print_notes(*notes: str) -> None:
    """Print each of ``notes`` that says something, under a table."""
    for note in notes:
        if note:
            c.out.print(note, highlight=False)


#: Printed under a table with the machine's kappa minus the other coder's.
_DIFFERENCE_NOTE = ("  kappa - coders': the machine's kappa with the coder minus the other coder's with that coder "
                    "(with several, their mean), on the {unit} they all rated; its 95% CI resamples interviews for "
                    "all at once")
#: Printed under a table holding rows of a mutually exclusive group.
_ONE_OF_NOTE = "  one of ...: a group of codes that exclude each other, as one variable (which of them a segment has, or none)"


def print_agreement(table: pd.DataFrame) -> None:
    """Agreement rows as a rich table on stdout: machine vs human beside human vs human."""
    from tr_nlp.agreement.tables import EXCLUSIVE_PREFIX, condensed_pairs, rounded, signed

    view = c.Table(title="Agreement per code (95% CIs resample interviews)")
    paired = "kappa_diff" in table.columns and table["kappa_diff"].notna().any()
    for col in ("code", "comparison", "raters", "n", "agree %", "kappa", "alpha", "AC1", "F1", "P", "R",
                *(("kappa - coders'",) if paired else ())):
        view.add_column(col, justify="left" if col in {"code", "comparison", "raters"} else "right")
    shown = condensed_pairs(table)
    for r in shown.itertuples():
        difference = signed(r.kappa_diff, r.kappa_diff_lo, r.kappa_diff_hi) if paired else ""
        view.add_row(r.code, r.comparison, r.raters, f"{r.n_segments:.0f}",
                     "n/a" if math.isnan(r.percent) else f"{100 * r.percent:.1f}",
                     *(_with_ci(r, k) for k in ("kappa", "alpha", "ac1")),
                     rounded(r.f1), rounded(r.precision), rounded(r.recall), *((difference,) if paired else ()))
    _print_pairs(view, table, shown)
    _print_notes(_without_interval(table), _too_few(table), _DIFFERENCE_NOTE.format(unit="segments") if paired else "")
    if table["code"].str.startswith(EXCLUSIVE_PREFIX).any():
        c.out.print(_ONE_OF_NOTE + "; its F1 is the macro-F1 over them", highlight=False)


def print_character_agreement(table: pd.DataFrame) -> None:
    """Agreement on characters (:func:`tr_nlp.agreement.character_table`) as a rich table on stdout."""
    from tr_nlp.agreement.tables import condensed_pairs, signed

    view = c.Table(title="Agreement per code on characters, as NVivo's coding comparison counts it, and "
                       "Krippendorff's u-alpha on where coded passages lie (95% CIs resample interviews)")
    paired = "kappa_diff" in table.columns and table["kappa_diff"].notna().any()
    for col in ("code", "comparison", "raters", "characters", "agree %", "kappa", "u-alpha",
                *(("kappa - coders'",) if paired else ())):
        view.add_column(col, justify="left" if col in {"code", "comparison", "raters"} else "right")
    shown = condensed_pairs(table)
    for r in shown.itertuples():
        difference = (signed(r.kappa_diff, r.kappa_diff_lo, r.kappa_diff_hi),) if paired else ()
        view.add_row(r.code, r.comparison, r.raters, f"{r.n_characters:.0f}",
                     "n/a" if math.isnan(r.percent) else f"{100 * r.percent:.1f}", _with_ci(r, "kappa"),
                     _with_ci(r, "alpha_u"), *difference)
    _print_pairs(view, table, shown)
    _print_notes(_without_interval(table), _too_few(table),
                 _DIFFERENCE_NOTE.format(unit="characters of the interviews") if paired else "")


def print_interview_agreement(table: pd.DataFrame) -> None:
    """Agreement on which interviews voice each code (:func:`tr_nlp.agreement.interview_table`) on stdout."""
    from tr_nlp.agreement.interviews import without_interval_on_interviews
    from tr_nlp.agreement.tables import OVERALL, condensed_pairs, rounded, signed

    if table.empty:
        c.out.print("Agreement on interviews: none, as no two raters rated any interview whole (an interview read "
                    "only in part cannot say a code is missing from it)", highlight=False)
        return
    view = c.Table(title="Agreement per code on interviews: whether each voices the code anywhere "
                       "(95% CIs resample interviews)")
    paired = "kappa_diff" in table.columns and table["kappa_diff"].notna().any()
    for col in ("code", "comparison", "raters", "interviews", "in each", "agree %", "kappa", "AC1", "R",
                *(("kappa - coders'",) if paired else ())):
        view.add_column(col, justify="left" if col in {"code", "comparison", "raters"} else "right")
    shown = condensed_pairs(table)
    for r in shown.itertuples():
        difference = (signed(r.kappa_diff, r.kappa_diff_lo, r.kappa_diff_hi),) if paired else ()
        each = "" if r.code == OVERALL else f"{_count(r.interviews_a)} / {_count(r.interviews_b)}"
        view.add_row(r.code, r.comparison, r.raters, f"{r.n_interviews:.0f}", each,
                     "n/a" if math.isnan(r.percent) else f"{100 * r.percent:.0f}", _with_ci(r, "kappa"),
                     _with_ci(r, "ac1"), _with_ci(r, "recall") if hasattr(r, "recall_lo") else rounded(r.recall),
                     *difference)
    _print_pairs(view, table, shown)
    c.out.print("  in each: of the interviews compared, those each rater gives the code to a segment of (the "
                "machine: above its threshold); R: of the second rater's, the share the first finds too (its "
                "interval Wilson's on the interviews, which resampling gives no width at 100%)",
                highlight=False)
    if table["kappa"].isna().any():
        c.out.print("  kappa n/a: both raters find the code in every interview compared (or in none), where kappa "
                    "is undefined; agree % and AC1 still read", highlight=False)
    if few := without_interval_on_interviews(table):
        named = ", ".join(f"{code} ({counts})" for code, counts in few.items())
        c.out.print(f"  no 95% CI for {named}: in so few of the interviews compared (in brackets, by either "
                    "rater), or in so nearly all, that more than one resample of interviews in 20 draws none of the "
                    "others, where kappa is undefined", highlight=False)
    if note := _too_few(table):
        c.out.print(note, highlight=False)
    if paired:
        c.out.print(_DIFFERENCE_NOTE.format(unit="interviews"), highlight=False)


def _count(value: object) -> str:
    """A count of interviews, blank where there is none (a summary row's median may be a half)."""
    return "" if pd.isna(value) else f"{float(value):g}"


def print_group_alpha(table: pd.DataFrame) -> None:
    """Krippendorff's alpha of all coders, and with the machine, as a rich table (nothing with one coder)."""
    if table.empty:
        return
    from tr_nlp.agreement.tables import EXCLUSIVE_PREFIX, signed

    unitized = "alpha_u" in table.columns and table["alpha_u"].notna().any()
    view = c.Table(title="Krippendorff's alpha of all coders at once, and with the machine as one coder more "
                       "(95% CIs resample interviews)" + ("; u-alpha on the characters of the interviews every "
                                                         "coder coded" if unitized else ""))
    paired = "alpha_diff" in table.columns and table["alpha_diff"].notna().any()
    for col in ("code", "raters", "segments", "alpha", *(("alpha - coders'",) if paired else ()),
                *(("interviews", "u-alpha") if unitized else ())):
        view.add_column(col, justify="left" if col in {"code", "raters"} else "right")
    for r in table.itertuples():
        one_of = r.code.startswith(EXCLUSIVE_PREFIX)  # u-alpha is of single codes' passages
        extra = (str(int(r.n_interviews_u)) if pd.notna(r.n_interviews_u) else "",
                 "" if one_of else _with_ci(r, "alpha_u")) if unitized else ()
        difference = (signed(r.alpha_diff, r.alpha_diff_lo, r.alpha_diff_hi),) if paired else ()
        view.add_row(r.code, f"{r.raters} ({r.n_raters})", str(r.n_units), _with_ci(r, "alpha"), *difference, *extra)
    c.out.print(view)
    for note in dict.fromkeys((_too_few(table), _too_few(table, "n_interviews_u") if unitized else "")):
        if note:
            c.out.print(note, highlight=False)
    if paired:
        c.out.print("  alpha - coders': alpha with the machine minus the coders' alone; its 95% CI resamples "
                    "interviews for both at once", highlight=False)
    if table["code"].str.startswith(EXCLUSIVE_PREFIX).any():
        c.out.print(_ONE_OF_NOTE, highlight=False)


def print_subgroups(table: pd.DataFrame, key: str) -> None:
    """Agreement per subgroup of interviews (:func:`tr_nlp.agreement.subgroups.subgroup_table`)
    as a rich table: each code's subgroups in turn, the machine against each coder and the
    coders against each other (nothing without subgroups)."""
    if table.empty:
        return
    from tr_nlp.agreement.stats import MIN_INTERVIEWS
    from tr_nlp.agreement.subgroups import shown_subgroups, too_few_in_subgroups
    from tr_nlp.agreement.tables import EXCLUSIVE_PREFIX, MACHINE_VS_HUMAN_DOUBLE, signed

    main, shown = table[table["comparison"] != MACHINE_VS_HUMAN_DOUBLE], shown_subgroups(table)
    view = c.Table(title=f"Agreement by {key} (95% CIs resample the subgroup's interviews)")
    for col in ("code", key, "raters", "interviews", "n", "kappa", "F1", "kappa - rest's"):
        view.add_column(col, justify="left" if col in {"code", key, "raters"} else "right")
    for r in shown.itertuples():
        view.add_row(r.code, str(r.subgroup), r.raters, f"{r.n_interviews:.0f}", f"{r.n_segments:.0f}",
                     _with_ci(r, "kappa"), _with_ci(r, "f1"),
                     signed(r.kappa_vs_rest, r.kappa_vs_rest_lo, r.kappa_vs_rest_hi))
    _print_pairs(view, main, shown)
    if note := _without_interval(main):
        c.out.print(note, highlight=False)
    if few := too_few_in_subgroups(table):
        c.out.print(f"  no 95% CI where raters compared fewer than {MIN_INTERVIEWS} interviews ({few}): an interval "
                    f"needs {MIN_INTERVIEWS} or more, and one of kappa - rest's {MIN_INTERVIEWS} or more on either "
                    "side", highlight=False)
    c.out.print(f"  kappa - rest's: the raters' kappa on this subgroup's interviews minus on the interviews of the "
                f"other values of {key}; its 95% CI resamples each side's interviews apart: an interval holding 0 means "
                "these interviews cannot tell the subgroup apart", highlight=False)
    if table["code"].str.startswith(EXCLUSIVE_PREFIX).any():
        c.out.print(_ONE_OF_NOTE + "; its F1 is the macro-F1 over them", highlight=False)


def print_against(table: pd.DataFrame, output: Path | None = None) -> None:
    """Two models' kappas and F1 with each coder on the same segments, and their
    differences (:func:`tr_nlp.agreement.models.model_difference_table`) as a rich table
    (nothing without one); with many coders, against their codings combined, each coder's
    rows being in the run folder ``output``."""
    if table.empty:
        return
    from tr_nlp.agreement.models import own_coders, shown_differences
    from tr_nlp.agreement.tables import EXCLUSIVE_PREFIX, rounded, signed

    new, old = table["model"].iloc[0], table["baseline"].iloc[0]
    shown = shown_differences(table)
    with_f1 = "f1_diff" in table.columns  # (a run folder written before F1 was compared has none)
    view = c.Table(title=f"{new} against {old} on the same segments (95% CIs resample interviews alike for both)")
    for col in ("code", "coder", "interviews", "n", f"kappa {new}", f"kappa {old}", "difference",
                *((f"F1 {new} / {old}", "F1 difference") if with_f1 else ())):
        view.add_column(col, justify="left" if col in {"code", "coder"} else "right")
    for r in shown.itertuples():
        f1 = (f"{rounded(r.f1)} / {rounded(r.f1_baseline)}", signed(r.f1_diff, r.f1_diff_lo, r.f1_diff_hi))
        view.add_row(r.code, r.coder, f"{r.n_interviews:.0f}", f"{r.n_segments:.0f}", rounded(r.kappa),
                     rounded(r.kappa_baseline), signed(r.kappa_diff, r.kappa_diff_lo, r.kappa_diff_hi),
                     *(f1 if with_f1 else ()))
    c.out.print(view)
    if len(shown) < len(table):
        where = output / "model_difference.csv" if output is not None else "model_difference.csv (give -o)"
        c.out.print(f"  against each of the {len(own_coders(table))} coders alone: {where}", highlight=False)
    if note := _too_few(shown.rename(columns={"coder": "raters"})):  # each coder's rows as a pair's
        c.out.print(note, highlight=False)
    c.out.print(f"  difference: the kappa of {new} minus that of {old}, with the same coder on the same segments; its "
                "95% CI resamples interviews alike for both: an interval above 0 means the first agrees better, one "
                "holding 0 that these interviews cannot tell the two apart"
                + ("; F1 difference: the same of their F1 with the coder as the reference (finding what the coder "
                   "coded, without false alarms)" if with_f1 else ""), highlight=False)
    if table["code"].str.startswith(EXCLUSIVE_PREFIX).any():
        c.out.print(_ONE_OF_NOTE + ("; its F1 is the macro-F1 over them" if with_f1 else ""), highlight=False)


def print_learning_curve(curve: pd.DataFrame) -> None:
    """Kappa per code as more interviews are coded, and what the last step gained (nothing without a curve)."""
    if curve.empty:
        return
    from tr_nlp.agreement.tables import rounded, signed

    sizes = curve.drop_duplicates("train_share")["train_interviews"]
    view = c.Table(title="Learning curve: kappa per code as more interviews are coded (cross-validated; each fold "
                       "trained on a sample of its interviews)")
    view.add_column("code")
    for size in sizes:
        view.add_column(f"{size:.3g} interviews", justify="right")
    view.add_column("last step gained [95% CI]", justify="right")
    for code, rows in curve.groupby("code", sort=False):
        last = rows.iloc[-1]
        view.add_row(str(code), *(_with_ci(r, "kappa") for r in rows.itertuples()),
                     signed(last.kappa_gain, last.kappa_gain_lo, last.kappa_gain_hi) or rounded(float("nan")))
    c.out.print(view)
    c.out.print("  last step gained: kappa with every interview of a fold minus with the sample before; an interval "
                "wholly above 0 means coding more interviews still helped, one holding 0 that these interviews cannot "
                "tell; intervals resample the interviews scored and the samples drawn", highlight=False)


def print_prescreen(table: pd.DataFrame) -> None:
    """Per code, the share of segments to read in the model's order to find 80/90/95% of
    what coders coded, with its interval (nothing without a pre-screening table)."""
    if table.empty:
        return
    from tr_nlp.agreement.tables import with_interval

    intervals = "read_share_lo" in table.columns and table["read_share_lo"].notna().any()
    view = c.Table(title="Pre-screening: share of segments to read, in the model's order, to find what coders coded"
                       + (" (95% CIs resample interviews)" if intervals else ""))
    view.add_column("code")
    recalls = list(dict.fromkeys(table["recall"]))
    for recall in recalls:
        view.add_column(f"to find {recall:.0%}", justify="right")
    view.add_column("coded / segments", justify="right")

    def share(r) -> str:  # type: ignore[no-untyped-def]
        return with_interval(r.read_share, getattr(r, "read_share_lo", None), getattr(r, "read_share_hi", None),
                             "{:.0%}".format)

    for code, rows in table.groupby("code", sort=False):
        first = rows.iloc[0]
        view.add_row(str(code), *(share(r) for r in rows.itertuples()), f"{first.positives:.0f} / {first.segments:.0f}")
    c.out.print(view)


def print_prescreen_against(table: pd.DataFrame) -> None:
    """Two models' pre-screening side by side (:func:`tr_nlp.coding.evaluate.prescreen_difference_table`):
    per code, the share of segments to read in each one's order to find 80/90/95% of what
    coders coded and the difference in percentage points (nothing without the table)."""
    if table.empty:
        return
    new, old = table["model"].iloc[0], table["baseline"].iloc[0]
    view = c.Table(title=f"Pre-screening, {new} against {old}: share of segments to read, in each model's order, to "
                       "find what coders coded")
    view.add_column("code")
    for recall in dict.fromkeys(table["recall"]):
        view.add_column(f"to find {recall:.0%}", justify="right")
    for code, rows in table.groupby("code", sort=False):
        view.add_row(str(code), *(read_share_difference(r) for r in rows.itertuples()))
    c.out.print(view)
    c.out.print(f"  a cell: the share to read in the order of {new} / of {old}, then the first minus the second in "
                "percentage points with its 95% CI from resampling interviews alike for both: an interval below 0 "
                f"means {new} lets a team leave more unread, one holding 0 that these interviews cannot tell",
                highlight=False)


def read_share_difference(row: Any) -> str:
    """A cell of :func:`print_prescreen_against`: both shares to read, then their difference
    in percentage points with its interval, where it has one.

    >>> from types import SimpleNamespace as Row
    >>> read_share_difference(Row(read_share=0.26, read_share_baseline=0.31, read_share_diff=-0.05,
    ...                           read_share_diff_lo=-0.112, read_share_diff_hi=0.01))
    '26% / 31%: -5 [-11, +1]'
    >>> read_share_difference(Row(read_share=0.26, read_share_baseline=0.31, read_share_diff=-0.05,
    ...                           read_share_diff_lo=float("nan"), read_share_diff_hi=float("nan")))
    '26% / 31%: -5'
    >>> read_share_difference(Row(read_share=0.58, read_share_baseline=0.62, read_share_diff=-0.04,
    ...                           read_share_diff_lo=-0.07, read_share_diff_hi=-0.004))
    '58% / 62%: -4 [-7, +0]'
    """
    cell = f"{row.read_share:.0%} / {row.read_share_baseline:.0%}: {round(100 * row.read_share_diff):+d}"
    lo, hi = row.read_share_diff_lo, row.read_share_diff_hi  # (whole points: -0.4 is +0, not -0)
    return cell if pd.isna(lo) or pd.isna(hi) else f"{cell} [{round(100 * lo):+d}, {round(100 * hi):+d}]"


#: How many rows of codes mixed up are printed (the file has every pair).
SHOWN_MIX_UPS = 12


def print_crossings(table: pd.DataFrame, groups: list[list[str]]) -> None:
    """Codes the raters mix up (:func:`tr_nlp.agreement.mix_ups`), each machine row beside
    the coders' figure for the same two codes, and for each group of codes that exclude each
    other, each pair of raters' confusion matrix (nothing without a crossings table)."""
    if table.empty:
        return
    from tr_nlp.agreement import group_matrices, mix_ups
    from tr_nlp.agreement.crossings import many_coders
    from tr_nlp.agreement.tables import exclusive_label

    found = mix_ups(table, groups)
    if not found.empty:
        view = c.Table(title="Codes mixed up: where one rater gives a code and the other does not, a code the other "
                           "gives instead")
        for column in ("code", "given by", "missed by", "given instead", "of the missed"):
            view.add_column(column, justify="right" if column == "of the missed" else "left")
        alike = found["coders_missed"].notna().any()
        intervals = found[["share_lo", "coders_share_lo"]].notna().any(axis=None)
        if alike:
            view.add_column("the coders, alike", justify="right")
        for row in found.head(SHOWN_MIX_UPS).itertuples():
            cells = [row.code_a, row.rater_a, row.rater_b, row.code_b,
                     of_missed(row.instead, row.missed, row.share_lo, row.share_hi)]
            if alike:
                cells.append("" if math.isnan(row.coders_missed) else
                             of_missed(row.coders_instead, row.coders_missed, row.coders_share_lo, row.coders_share_hi))
            view.add_row(*map(str, cells))
        c.out.print(view)
        order = "the surest (the highest lower ends of their intervals)" if intervals else "the largest shares"
        first = f"; the first {SHOWN_MIX_UPS}, {order} first" if len(found) > SHOWN_MIX_UPS else ""
        brackets = ("; in brackets, its 95% interval, which allows for segments of one interview being alike"
                    if intervals else "")
        _print_notes("  of the missed: of the segments the first rater gave the code and the second did not, those "
                     "the second gave the other code (it may give several); shown where that is 2 or more and 20% or "
                     f"more{first}{brackets}",
                     "  the coders, alike: the same share between the coder and the other coders, on the segments "
                     "they both rated" if alike else "",
                     "  code_crossings.csv (-o) has every pair of codes and raters")
    pooled = many_coders(table)
    for group in groups:
        for a, b, matrix in group_matrices(table, group, pooled=pooled):
            view = c.Table(title=f"{exclusive_label(group)}: {a}'s code (rows) against {b}'s, segments (share of the "
                               "row)")
            view.add_column(f"{a} \\ {b}")
            for column in matrix.columns:
                view.add_column(str(column), justify="right")
            for code, counts in matrix.iterrows():
                view.add_row(str(code), *(f"{n} ({n / counts.sum():.0%})" for n in counts))
            c.out.print(view)
    if groups and pooled:
        c.out.print("  with many coders: every coder's segments against the machine's together, and every pair of "
                    "coders' both ways round; each pair's counts are in code_crossings.csv (-o)", highlight=False)


def of_missed(instead: float, missed: float, lo: float | None = None, hi: float | None = None) -> str:
    """``6 of 14 (43%)``, with the share's interval where it has one (``6 of 14 (43% [19%,
    68%])``), or "none missed".

    >>> of_missed(6, 14), of_missed(6, 14, 0.19, 0.68), of_missed(0, 0)
    ('6 of 14 (43%)', '6 of 14 (43% [19%, 68%])', 'none missed')
    """
    if not missed:
        return "none missed"
    bounds = "" if lo is None or hi is None or math.isnan(lo) or math.isnan(hi) else f" [{lo:.0%}, {hi:.0%}]"
    return f"{instead:.0f} of {missed:.0f} ({instead / missed:.0%}{bounds})"
