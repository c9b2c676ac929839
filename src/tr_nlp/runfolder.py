"""What every run folder holds besides a stage's own tables (layout in ../shared/CLI.md).

``tr-nlp demo`` and ``tr-nlp evaluate -o`` both write the corpus as it was read and cut
(turns, segments, the coders' codings, each coder's codes per segment) and a ``run.json``
with versions, settings, timings and a summary, so that ``tr-nlp report --run`` can show
any of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tr_nlp import __version__
from tr_nlp.agreement.tables import MACHINE_VS_HUMAN_DOUBLE, OVERALL, groups_of
from tr_nlp.export import write_table
from tr_nlp.ingest import Corpus
from tr_nlp.ingest.codings import codings_frame_with_text
from tr_nlp.schema import Coding, Interview, Segment, segments_to_frame, turns_to_frame
from tr_nlp.segment import coder_coverage
from tr_nlp.versions import library_versions

if TYPE_CHECKING:
    from tr_nlp.coding.evaluate import Evaluation


def write_corpus_tables(folder: str | Path, interviews: Sequence[Interview], segments: Sequence[Segment],
                        codings: Sequence[Coding], segment_codes: pd.DataFrame) -> dict[str, Path]:
    """Write the corpus as read and cut into ``folder``; return the paths by name.

    Parameters
    ----------
    folder : str or Path
        The run folder.
    interviews : sequence of Interview
        Their turns go to ``turns.parquet`` (the report's transcripts).
    segments : sequence of Segment
        ``segments.parquet`` and ``segments.csv``.
    codings : sequence of Coding
        ``codings.csv``, with the lines and the text of each coded passage.
    segment_codes : DataFrame
        Each coder's codes per segment (``segment_id, interview_id, code, coder``):
        ``segment_codes.parquet``.
    """
    folder = Path(folder)
    by_id = {iv.id: iv for iv in interviews}
    frame = segments_to_frame(segments)
    return {
        "segments": write_table(frame, folder / "segments.parquet"),
        "segments_csv": write_table(frame, folder / "segments.csv"),
        "turns": write_table(turns_to_frame(interviews), folder / "turns.parquet"),
        "codings": write_table(codings_frame_with_text(list(codings), by_id), folder / "codings.csv"),
        "segment_codes": write_table(segment_codes, folder / "segment_codes.parquet"),
    }


def corpus_summary(corpus: Corpus, segments: int, segment_codes: pd.DataFrame) -> dict[str, Any]:
    """``run.json``'s account of the corpus: interviews, files that failed, segments,
    codings, each coder's interviews, and how many segments carry each code."""
    coded = segment_codes.drop_duplicates(["segment_id", "code"]).groupby("code").size()
    return {
        "interviews": len(corpus.interviews),
        "failed_files": [str(f.error) for f in corpus.failures],
        "segments": segments,
        "codings": len(corpus.codings),
        "coders": {coder: sorted(ids) for coder, ids in sorted(coder_coverage(corpus.codings, corpus.reviewed).items())},
        "segments_per_code": {str(k): int(v) for k, v in coded.items()},
    }


def pooled_agreement(evaluation: Evaluation) -> dict[str, list[dict[str, Any]]]:
    """``run.json``'s account of an evaluation: the pooled rows of its agreement on
    segments, on characters and on interviews (:func:`pooled_rows`), and the codes the
    machine mixes up most (:func:`machine_mix_ups`)."""
    return {"agreement_pooled": pooled_rows(evaluation.agreement),
            "agreement_characters_pooled": pooled_rows(evaluation.characters),
            "agreement_interviews_pooled": pooled_rows(evaluation.interviews),
            "codes_mixed_up": machine_mix_ups(evaluation.crossings, groups_of(evaluation.agreement))}


def machine_mix_ups(crossings: pd.DataFrame, groups: Sequence[Sequence[str]] = (), top: int = 3,
                    ) -> list[dict[str, Any]]:
    """The ``top`` rows of :func:`~tr_nlp.agreement.mix_ups` that compare the machine with a
    coder: where one gave a code the other did not, the other code given instead, how often
    (``instead`` of ``missed``, ``share_ci`` its interval), and the same between the coders
    (``coders``, ``coders_ci``; None without them or without intervals); two
    codes of one of ``groups`` (codes that exclude each other) are left to its matrix."""
    if crossings.empty:
        return []
    from tr_nlp.agreement import MACHINE_VS_HUMAN, mix_ups

    found = mix_ups(crossings, groups)
    rows = []
    for r in found[found["comparison"] == MACHINE_VS_HUMAN].head(top).itertuples():
        rows.append({"code": r.code_a, "given_by": r.rater_a, "missed_by": r.rater_b, "instead": r.code_b,
                     "segments": int(r.instead), "missed": int(r.missed), "share_ci": _interval(r.share_lo, r.share_hi),
                     "coders": None if pd.isna(r.coders_missed) else [int(r.coders_instead), int(r.coders_missed)],
                     "coders_ci": _interval(r.coders_share_lo, r.coders_share_hi)})
    return rows


def _interval(lo: float, hi: float) -> list[float] | None:
    """An interval for ``run.json`` (:func:`_figure`), None where it has none."""
    return None if pd.isna(lo) or pd.isna(hi) else [_figure(lo), _figure(hi)]


def _figure(value: float) -> float:
    """A figure for ``run.json``: six decimals, so that one shown to two (as ``demo`` prints
    it) reads as the tables show it (0.5547 rounded to 0.555 first would show as 0.56)."""
    return round(float(value), 6)


def pooled_rows(agreement: pd.DataFrame) -> list[dict[str, Any]]:
    """The pooled rows of an agreement table: raters, kappa with its CI, F1 (on segments,
    where a coder has one other coder, the machine's kappa minus that coder's with its
    paired CI; on characters, Krippendorff's u-alpha with its CI)."""
    rows = []
    for r in agreement[agreement["code"] == OVERALL].itertuples():
        row = {"raters": f"{r.rater_a} ~ {r.rater_b}" + (" (double-coded)" if r.comparison == MACHINE_VS_HUMAN_DOUBLE
                                                         else ""),
               "kappa": _figure(r.kappa), "kappa_ci": [_figure(r.kappa_lo), _figure(r.kappa_hi)], "f1": _figure(r.f1)}
        if pd.notna(getattr(r, "kappa_diff", None)):
            row |= {"peer": r.peer, "kappa_diff": _figure(r.kappa_diff),
                    "kappa_diff_ci": [_figure(r.kappa_diff_lo), _figure(r.kappa_diff_hi)]}
        if hasattr(r, "alpha_u"):
            row |= {"alpha_u": _figure(r.alpha_u), "alpha_u_ci": [_figure(r.alpha_u_lo), _figure(r.alpha_u_hi)]}
        rows.append(row)
    return rows


def run_record(corpus: str | Sequence[str], settings: Mapping[str, Any], timings: Mapping[str, float],
               summary: Mapping[str, Any], outputs: Mapping[str, Path], **more: Any) -> dict[str, Any]:
    """The contents of ``run.json``: what ran on what, with which libraries, how long each
    stage took (seconds), what it found and where it wrote; ``more`` adds keys (a held-out
    test names its ``model``)."""
    return {
        "tr_nlp_version": __version__,
        "corpus": corpus if isinstance(corpus, str) else [str(p) for p in corpus],
        **more,
        "settings": dict(settings),
        "versions": library_versions(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "summary": dict(summary),
        "outputs": {k: str(v) for k, v in outputs.items()},
    }
