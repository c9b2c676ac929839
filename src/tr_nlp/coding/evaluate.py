"""Evaluate a theme model as methodologists would: on interviews it never saw.

Cross-validation splits by interview (``StratifiedGroupKFold``). The out-of-fold machine
codes are compared with every human coder beside the coders' agreement with each other
(:func:`tr_nlp.agreement.agreement_table`), with a reliability (calibration) table and
Brier score, a learning curve over the number of coded interviews, and the pre-screening
workload: the share of segments a coder must read, in the model's order, to find 95% of
the coded ones, and examples per code (the model's surest hits, its surest calls no coder
made, and the coded passages it missed most clearly).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from tr_nlp.agreement import (
    GROUP_COLUMNS,
    MACHINE_VS_HUMAN,
    agreement_table,
    binary_stats_from_counts,
    character_table,
    character_table_by_interview,
    code_crossings,
    count_characters,
    group_alpha_table,
    group_unitizing_table,
    interview_table,
)
from tr_nlp.agreement.models import ALL_CODERS, model_difference_table
from tr_nlp.agreement.stats import paired_difference, statistic_range, t_interval
from tr_nlp.agreement.subgroups import subgroup_table
from tr_nlp.agreement.tables import interview_draws, resampled_totals, segment_weights, surest_disagreements
from tr_nlp.coding.classifier import make_theme_classifier, reads_context
from tr_nlp.coding.store import ThemeModel
from tr_nlp.coding.suggest import suggested_evidence
from tr_nlp.coding.train import CodedData
from tr_nlp.coding.trained import LeftOut, among_training
from tr_nlp.errors import ConfigError, ModelError
from tr_nlp.export import write_json, write_table
from tr_nlp.ingest import Corpus
from tr_nlp.progress import about
from tr_nlp.schema import SHOWN_DISAGREEMENTS, SHOWN_RANKED, wording
from tr_nlp.segment import coder_coverage

log = logging.getLogger(__name__)

MACHINE = "machine"
#: Shares of each fold's training interviews the learning curve trains on.
CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
#: Draws of training interviews per fold at each share of the learning curve below 1.
CURVE_REPEATS = 3


@dataclass
class Evaluation:
    """Everything :func:`cross_validate` measured."""

    proba: pd.DataFrame          # out-of-fold probabilities, segment_id x codes
    predicted: pd.DataFrame      # out-of-fold 0/1 at the fold models' thresholds
    agreement: pd.DataFrame
    calibration: pd.DataFrame
    prescreen: pd.DataFrame
    learning_curve: pd.DataFrame = field(default_factory=pd.DataFrame)
    confusion: pd.DataFrame = field(default_factory=pd.DataFrame)
    examples: pd.DataFrame = field(default_factory=pd.DataFrame)
    characters: pd.DataFrame = field(default_factory=pd.DataFrame)  # agreement on characters, as NVivo's
    characters_by_interview: pd.DataFrame = field(default_factory=pd.DataFrame)  # the same per interview
    group: pd.DataFrame = field(default_factory=pd.DataFrame)  # Krippendorff's alpha of all coders (+ machine)
    #: segment_id x codes: the passages that raised the score of each code the machine gave a
    #: segment (its fold model's, or the judged model's), blank for the others
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    interviews: pd.DataFrame = field(default_factory=pd.DataFrame)  # agreement on which interviews voice a code
    subgroups: pd.DataFrame = field(default_factory=pd.DataFrame)  # agreement per subgroup of interviews (by_subgroup)
    against: pd.DataFrame = field(default_factory=pd.DataFrame)  # the model beside another on the same segments
    #: the share to read in each model's order to find what coders coded, and the difference
    against_prescreen: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: which code each rater gives where another gives a code it does not (code_crossings)
    crossings: pd.DataFrame = field(default_factory=pd.DataFrame)
    protocol: str = ""  # how the machine's codes were made: cross-validation, or a held-out test of a model
    folds: int = 0  # cross-validation's folds: those asked for, or one per interview where there are fewer


def _folds(data: CodedData, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if n_splits < 2:
        raise ConfigError("E163", detail=f"{n_splits} cross-validation fold(s); expected 2 or more")
    groups = data.groups
    n_groups = len(set(groups))
    if n_groups < 2:
        raise ModelError("E185", detail=f"cross-validation needs 2 or more coded interviews, found {n_groups}")
    y = data.target.to_numpy()
    strat = np.where(y.any(axis=1), y.argmax(axis=1) + 1, 0)
    splitter = StratifiedGroupKFold(n_splits=min(n_splits, n_groups), shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # stratifying is best effort; rare codes are reported by the CLI
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(splitter.split(np.zeros(len(y)), strat, groups))


def _fit_predict(data: CodedData, train: np.ndarray, test: np.ndarray, features: str, objective: str,
                 C: float, cache_dir: str | None, context: bool, seed: int) -> tuple[np.ndarray, np.ndarray, Pipeline]:
    """A model fitted on the ``train`` rows: its probabilities and decisions on the ``test``
    rows, and the model."""
    y = data.target.to_numpy()
    pipe = make_theme_classifier(features, cache_dir, context, C=C, objective=objective,
                                 exclusive=data.exclusive, random_state=seed)
    context = reads_context(features, context)
    pipe.fit(data.inputs(context, train), y[train], head__groups=data.groups[train], head__runs=data.runs[train])
    x_test, groups = data.inputs(context, test), data.runs[test]
    proba = pipe.predict_proba(x_test, groups=groups)
    return proba, pipe.named_steps["head"].decide(proba), pipe


def _fit_work(share: float) -> float:
    """How long a fit on ``share`` of a fold's training interviews takes, as a share of the
    fold's own: part of it is fixed (scoring the fold, the features' setup); on the demo a
    quarter's fit took about half a fold's time."""
    return 0.3 + 0.7 * share


#: The learning curve's fits, in folds' worth of work (:func:`_fit_work`; at share 1 the
#: folds' own decisions are taken).
CURVE_WORK = CURVE_REPEATS * sum(_fit_work(share) for share in CURVE_SHARES if share < 1)


#: One cross-validation fold's rows scored and the model that scored them.
Fold = tuple[np.ndarray, ThemeModel]


def _out_of_fold(data: CodedData, folds: list[tuple[np.ndarray, np.ndarray]], features: str, objective: str,
                 C: float, cache_dir: str | None, context: bool, seed: int,
                 curve: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, float, list[Fold]]:
    """Each segment's probabilities and 0/1 per code from the model of the fold that left
    its interview out, the folds' mean time in seconds, and each fold's rows scored with its
    model; each fold's log line says about how long the rest will take (the learning curve's
    too, where ``curve``)."""
    index, codes = data.target.index, data.codes
    proba = pd.DataFrame(np.nan, index=index, columns=codes)
    predicted = pd.DataFrame(np.nan, index=index, columns=codes)
    models: list[Fold] = []
    first = time.perf_counter()
    for k, (train, test) in enumerate(folds, 1):
        started = time.perf_counter()
        p, y_hat, pipe = _fit_predict(data, train, test, features, objective, C, cache_dir, context, seed)
        proba.iloc[test], predicted.iloc[test] = p, y_hat
        models.append((test, ThemeModel(pipe, list(codes), {"context": reads_context(features, context)})))
        each = (time.perf_counter() - first) / k
        left = [f"{about(each * (len(folds) - k))} left for the folds"] if k < len(folds) else []
        left += [f"{about(each * CURVE_WORK * len(folds))} for the learning curve"] if curve else []
        log.info("fold %d/%d: trained on %d segments, scored %d, in %.1f s (features %s)%s", k, len(folds), len(train),
                 len(test), time.perf_counter() - started, features, "; " + ", then ".join(left) if left else "")
    return proba, predicted, (time.perf_counter() - first) / max(1, len(folds)), models


def cross_validate(
    data: CodedData,
    features: str = "both",
    objective: str = "f1",
    C: float = 4.0,
    n_splits: int = 5,
    seed: int = 0,
    n_boot: int = 1000,
    learning_curve: bool = True,
    cache_dir: str | None = None,
    context: bool = False,
) -> Evaluation:
    """Grouped cross-validation of the theme model on ``data``."""
    folds = _folds(data, n_splits, seed)
    proba, predicted, each, models = _out_of_fold(data, folds, features, objective, C, cache_dir, context, seed,
                                                  curve=learning_curve)
    evidence = shown_evidence(proba, predicted, data, models)
    del models  # (fine-tuned encoders among them: not kept through the learning curve)
    if learning_curve:
        log.info("learning curve: %d training sizes x %d folds", len(CURVE_SHARES), len(folds))
    curve = (_learning_curve(data, folds, features, objective, C, seed, cache_dir, context, predicted.to_numpy(),
                             n_boot, fold_seconds=each) if learning_curve else pd.DataFrame())
    return replace(_judged(data, proba, predicted, n_boot, seed, curve, evidence), folds=len(folds),
                   protocol=f"cross-validation: {len(folds)} folds grouped by interview")


def judge_model(model: ThemeModel, data: CodedData, n_boot: int = 1000, seed: int = 0) -> Evaluation:
    """A trained ``model`` judged on hand-coded interviews it never saw (a held-out test).

    Cross-validation estimates how a model trained *like this* would do; this measures the
    model a team uses, on interviews coded after it was trained (leave its training
    interviews out first: :func:`held_out`). The tables are those of
    :func:`cross_validate`, without the learning curve. The codes judged are the model's
    among ``data.codes``; build ``data`` with ``keep_uncoded=True`` so that a code no coder
    gave in these interviews is judged too (each of the model's calls of it is then a
    disagreement).

    Raises
    ------
    ModelError
        E185 when ``data`` has none of the model's codes.
    """
    shared = [code for code in data.codes if code in model.codes]
    if not shared:
        raise ModelError("E185", detail=f"none of the model's codes ({', '.join(model.codes)}) is among these "
                                        f"interviews' codes ({', '.join(data.codes) or 'none'})")
    data = data.restricted(shared)
    scored = model.predict_proba(data.frame, runs=data.runs)
    proba = scored.set_axis(data.target.index)[shared]
    predicted = model.decide(scored).set_axis(data.target.index)[shared].astype(float)
    evidence = shown_evidence(proba, predicted, data, [(np.arange(len(data.segments)), model)])
    return replace(_judged(data, proba, predicted, n_boot, seed, pd.DataFrame(), evidence),
                   protocol=f"held-out test of {model.label} on {len(set(data.groups))} interview(s)")


def held_out(corpus: Corpus, card: Mapping[str, Any]) -> tuple[Corpus, LeftOut]:
    """``corpus`` without the interviews a model was trained on, and those left out, as
    :func:`~tr_nlp.coding.trained.among_training` knows them: by their words, in whatever
    file format, and edited copies of them."""
    left = among_training(card, corpus.interviews)
    if not left.ids:
        return corpus, left
    out = set(left.ids)
    return replace(corpus, interviews=[iv for iv in corpus.interviews if iv.id not in out],
                   codings=[c for c in corpus.codings if c.interview_id not in out],
                   reviewed=[r for r in corpus.reviewed if r.interview_id not in out]), left


def _judged(data: CodedData, proba: pd.DataFrame, predicted: pd.DataFrame, n_boot: int, seed: int,
            curve: pd.DataFrame, evidence: pd.DataFrame) -> Evaluation:
    """Every table of an :class:`Evaluation` from the machine's probabilities and decisions."""
    codes = data.codes
    log.info("agreement with %d bootstrap resamples of interviews", n_boot)
    exclusive = [[codes[j] for j in g] for g in data.exclusive]
    agreement = agreement_table({MACHINE: predicted, **data.humans}, data.interview_of, codes,
                                machines=[MACHINE], scores={MACHINE: proba}, n_boot=n_boot, seed=seed,
                                exclusive=exclusive)
    group = group_alpha_table({MACHINE: predicted, **data.humans}, data.interview_of, codes, machines=[MACHINE],
                              n_boot=n_boot, seed=seed, exclusive=exclusive)
    characters, by_interview, group_u = character_agreement(data, predicted, n_boot, seed)
    interviews = interview_table({MACHINE: predicted, **data.humans}, data.interview_of, codes, machines=[MACHINE],
                                 scores={MACHINE: proba}, n_boot=n_boot, seed=seed)
    if not group.empty:  # beside alpha on segments, u-alpha on the characters of the interviews all coders coded
        group = group.merge(group_u.drop(columns=["n_raters"]), on=["code", "raters"], how="left",
                            suffixes=("", "_u")).reindex(columns=GROUP_COLUMNS + GROUP_UNITIZING_EXTRA)
    return Evaluation(proba, predicted, agreement, reliability_table(proba, data.target),
                      prescreen_table(proba, data.target, interview_of=data.interview_of, n_boot=n_boot, seed=seed),
                      curve, confusion_table(predicted, data.humans),
                      examples_table(proba, data, evidence=evidence), characters=characters,
                      characters_by_interview=by_interview, group=group, interviews=interviews, evidence=evidence,
                      crossings=code_crossings({MACHINE: predicted, **data.humans}, codes, machines=[MACHINE],
                                                interview_of=data.interview_of if n_boot else None))


def by_subgroup(ev: Evaluation, data: CodedData, subgroup_of: Mapping[str, str], n_boot: int = 1000,
                seed: int = 0) -> Evaluation:
    """``ev`` with its agreement per subgroup of the interviews (``subgroup_of``: interview
    -> subgroup; :func:`tr_nlp.agreement.subgroups.subgroup_table`), for the codes ``ev``
    judged: does the machine, or do the coders, agree less on some interviews than on the rest?"""
    codes = list(ev.predicted.columns)
    table = subgroup_table({MACHINE: ev.predicted, **data.humans}, data.interview_of, subgroup_of, codes,
                           machines=[MACHINE], scores={MACHINE: ev.proba}, n_boot=n_boot, seed=seed,
                           exclusive=_groups_within(data, codes))
    return replace(ev, subgroups=table)


def _groups_within(data: CodedData, codes: Sequence[str]) -> list[list[str]]:
    """``data``'s mutually exclusive code groups (as code names) whose codes are all among ``codes``."""
    return [members for g in data.exclusive if set(members := [data.codes[j] for j in g]) <= set(codes)]


def judge_against(ev: Evaluation, model: ThemeModel, baseline: ThemeModel, data: CodedData, n_boot: int = 1000,
                  seed: int = 0, names: tuple[str, str] | None = None) -> Evaluation:
    """``ev`` (``model`` judged on ``data`` by :func:`judge_model`) with ``baseline``
    judged on the same segments beside it (:func:`with_difference`). Leave both models'
    training interviews out of ``data`` first (:func:`held_out`). ``names`` tell the two
    apart in the table (default :func:`model_names`).

    Raises
    ------
    ModelError
        E185 when ``baseline`` codes none of the codes ``ev`` judged.
    """
    codes = [code for code in ev.predicted.columns if code in baseline.codes]
    if not codes:
        raise ModelError("E185", detail=f"{baseline.label} codes none of the codes {model.label} is judged on "
                                        f"({', '.join(ev.predicted.columns)}): nothing to compare")
    scored = baseline.predict_proba(data.frame, runs=data.runs)
    theirs = baseline.decide(scored).set_axis(data.target.index)[codes].astype(float)
    return with_difference(ev, theirs, data, names or model_names(model, baseline), n_boot, seed,
                           their_proba=scored.set_axis(data.target.index))


def cross_validate_against(ev: Evaluation, data: CodedData, features: str, objective: str = "f1", C: float = 4.0,
                           n_splits: int = 5, seed: int = 0, n_boot: int = 1000, cache_dir: str | None = None,
                           context: bool = False, names: tuple[str, str] = ("model", "baseline")) -> Evaluation:
    """``ev`` (from :func:`cross_validate`) with the same cross-validation, on the same
    folds, run with other ``features`` beside it (:func:`with_difference`): does MiniLM's
    part help on these interviews (``both`` against ``tfidf``), more than chance would?"""
    proba, theirs, _, _ = _out_of_fold(data, _folds(data, n_splits, seed), features, objective, C, cache_dir, context,
                                       seed)
    return with_difference(ev, theirs, data, names, n_boot, seed, their_proba=proba)


def with_difference(ev: Evaluation, theirs: pd.DataFrame, data: CodedData, names: tuple[str, str],
                    n_boot: int = 1000, seed: int = 0, their_proba: pd.DataFrame | None = None) -> Evaluation:
    """``ev`` with another machine's 0/1 per segment and code (``theirs``, on ``ev``'s
    segments) beside its own (:attr:`Evaluation.against`): per code both have and coder
    (and, with several coders, their codings combined as the models learn them,
    :data:`~tr_nlp.agreement.models.ALL_CODERS`), each one's kappa and ``ev``'s minus
    theirs, with an interval from resampling interviews alike for both
    (:func:`tr_nlp.agreement.models.model_difference_table`). With ``their_proba`` (its
    probabilities), the two pre-screenings too (:attr:`Evaluation.against_prescreen`,
    :func:`prescreen_difference_table`, against the codings the models learn). ``names``:
    ``ev``'s machine's and theirs, as the tables name them."""
    codes = [code for code in ev.predicted.columns if code in theirs.columns]
    references = dict(data.humans)
    if len(data.humans) > 1 and data.rule in ("union", "majority"):  # what the models learn, on every segment
        references[f"{ALL_CODERS} ({data.rule})"] = data.target[codes].astype(float)
    table = model_difference_table({names[0]: ev.predicted[codes], names[1]: theirs[codes], **references},
                                   data.interview_of, codes, *names, list(references), n_boot=n_boot, seed=seed,
                                   exclusive=_groups_within(data, codes))
    screened = pd.DataFrame() if their_proba is None else prescreen_difference_table(
        ev.proba[codes], their_proba[codes], data.target, names, interview_of=data.interview_of, n_boot=n_boot,
        seed=seed)
    return replace(ev, against=table, against_prescreen=screened)


def model_names(model: ThemeModel, baseline: ThemeModel,
                folders: tuple[str | Path, str | Path] | None = None) -> tuple[str, str]:
    """How two models are told apart in tables: their labels (name and version), or, where
    those are alike, their ``folders``' names, else their labels with ``(new)`` and ``(old)``.

    >>> def named(name, version="1"):
    ...     return ThemeModel(None, [], {"name": name, "version": version})
    >>> model_names(named("care"), named("care", "2"))
    ('care 1', 'care 2')
    >>> model_names(named("care"), named("care"), ("models/v2", "models/v1"))
    ('v2', 'v1')
    >>> model_names(named("care"), named("care"))
    ('care 1 (new)', 'care 1 (old)')
    """
    if model.label != baseline.label:
        return model.label, baseline.label
    if folders is not None and Path(folders[0]).name != Path(folders[1]).name:
        return Path(folders[0]).name, Path(folders[1]).name
    return f"{model.label} (new)", f"{baseline.label} (old)"


#: the columns the group table gains from :func:`tr_nlp.agreement.group_unitizing_table`
GROUP_UNITIZING_EXTRA = ["n_characters", "n_interviews_u", "alpha_u", "alpha_u_lo", "alpha_u_hi"]


def character_agreement(data: CodedData, predicted: pd.DataFrame, n_boot: int = 1000,
                        seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Machine (``predicted`` 0/1 per segment) and coders compared on the characters of the
    segments, pooled with CIs and per interview (:func:`tr_nlp.agreement.character_table`,
    :func:`~tr_nlp.agreement.character_table_by_interview`), and u-alpha of all coders at
    once with and without the machine (:func:`~tr_nlp.agreement.group_unitizing_table`):
    the machine marks the characters of the segments it coded, a coder those of their codings;
    for u-alpha, no passage runs from one turn into another."""
    units = pd.DataFrame([(s.interview_id, s.start, s.end) for s in data.segments],
                         columns=["interview_id", "start", "end"])
    rows, cols = np.nonzero(predicted.reindex(columns=data.codes).to_numpy(dtype=float) > 0.5)
    machine = units.iloc[rows].assign(code=np.asarray(data.codes, dtype=object)[cols], rater=MACHINE)
    humans = pd.DataFrame([(c.coder, c.interview_id, c.start, c.end, c.code) for c in data.codings],
                          columns=["rater", "interview_id", "start", "end", "code"])
    coverage = coder_coverage(data.codings, data.reviewed)
    rated = {MACHINE: set(units["interview_id"]), **{coder: coverage[coder] for coder in sorted(coverage)}}
    # in an interview coded in part, a coder is compared only on the segments they read
    unread = {coder: data.humans[coder].isna().all(axis=1).to_numpy() for coder in coverage}
    marked = pd.concat([machine, humans], ignore_index=True)
    counts = count_characters(marked, rated, units, data.codes, machines=[MACHINE], unread=unread,
                              turns=data.turn_starts)
    group = group_unitizing_table(marked, rated, units, data.codes, machines=[MACHINE], n_boot=n_boot, seed=seed,
                                  unread=unread, turns=data.turn_starts)
    return character_table(counts, n_boot, seed=seed), character_table_by_interview(counts), group


def card_metrics(agreement: pd.DataFrame) -> list[dict]:
    """Machine-vs-human rows of an agreement table, for a model card; where the coder has
    one other coder, with the machine's kappa minus that coder's (``kappa_diff``, from the
    row on the double-coded segments where there is one)."""
    keep = ["code", "rater_b", "n_segments", "n_interviews", "n_interviews_coded", "kappa", "kappa_lo", "kappa_hi",
            "alpha", "ac1", "f1", "f1_lo", "f1_hi", "precision", "precision_lo", "precision_hi", "recall", "recall_lo",
            "recall_hi", "pr_auc", "pr_auc_lo", "pr_auc_hi"]
    rows = agreement[agreement["comparison"] == MACHINE_VS_HUMAN][keep]
    paired = ["peer", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi"]
    if "kappa_diff" in agreement.columns:
        beside = agreement[agreement["kappa_diff"].notna()].drop_duplicates(["code", "rater_b"], keep="last")
        rows = rows.merge(beside[["code", "rater_b", *paired]], on=["code", "rater_b"], how="left")
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in rows.to_dict("records")]


def confusion_table(predicted: pd.DataFrame, humans: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per code and coder: machine yes/no x coder yes/no counts on the segments the coder coded."""
    rows = []
    for coder, labels in humans.items():
        for code in predicted.columns:
            y = labels[code]
            rated = y.notna()
            m = predicted.loc[rated.index[rated], code].astype(bool).to_numpy()
            h = y[rated].astype(bool).to_numpy()
            rows.append({"code": code, "coder": coder, "machine_yes_coder_yes": int((m & h).sum()),
                         "machine_yes_coder_no": int((m & ~h).sum()), "machine_no_coder_yes": int((~m & h).sum()),
                         "machine_no_coder_no": int((~m & ~h).sum())})
    return pd.DataFrame(rows)


#: What each kind of example in :func:`examples_table` shows.
EXAMPLE_KINDS = {
    "hit": "coded by a coder; the model's highest probabilities",
    "machine only": "coded by no coder; the model's highest probabilities (a coder's miss or a model error)",
    "missed": "coded by a coder; the model's lowest probabilities (how the code is voiced that it does not see)",
}


def shown_calls(proba: pd.DataFrame, predicted: pd.DataFrame, data: CodedData,
                top: int = SHOWN_DISAGREEMENTS, ranked: int = SHOWN_RANKED) -> np.ndarray:
    """Which of the machine's calls (segments x codes, ``predicted`` 1) a reader is shown:
    those among the :func:`examples_table`'s, and per code those among its ``top``
    disagreements with a coder who rated the segment, surest first (the report's list),
    and among its ``ranked`` highest-ranked segments, segments of the same words once (the
    report's pre-screening list).

    A fold's evidence is found for these alone: for every call of AnnoMI's 4,817 client
    turns it took 31 s, more than the evaluation's 21 s.
    """
    codes = list(proba.columns)
    called = predicted.to_numpy() == 1
    shown = np.zeros_like(called)
    row = {sid: i for i, sid in enumerate(proba.index)}
    examples = examples_table(proba, data)
    for sid, code in zip(examples["segment_id"], examples["code"]):
        shown[row[sid], codes.index(code)] = True
    words = [wording(t) for t in pd.Series({s.segment_id: s.text for s in data.segments}).reindex(proba.index)
             .fillna("")]
    for j, code in enumerate(codes):
        votes = np.column_stack([h[code].reindex(proba.index).to_numpy(dtype=float) for h in data.humans.values()])
        shown[surest_disagreements(proba[code].to_numpy(), called[:, j], votes)[:top], j] = True
        seen: set[str] = set()
        for i in np.argsort(-proba[code].to_numpy(), kind="stable"):
            if len(seen) >= ranked:
                break
            if words[i] not in seen or not words[i]:  # the first of each wording is the row shown
                shown[i, j] = True
            seen.add(words[i] or f"#{i}")
    return shown & called


def shown_evidence(proba: pd.DataFrame, predicted: pd.DataFrame, data: CodedData,
                   models: Sequence[Fold]) -> pd.DataFrame:
    """Segments x codes: for each call :func:`shown_calls` picks, the passages that raised
    its score most in the model that made it (each fold's rows with its model:
    :func:`~tr_nlp.coding.suggest.suggested_evidence`); blank elsewhere."""
    codes = list(proba.columns)
    shown = shown_calls(proba, predicted, data)
    evidence = pd.DataFrame("", index=proba.index, columns=codes)
    for rows, model in models:
        rows = rows[shown[rows].any(axis=1)]
        if not len(rows):
            continue
        at = [model.codes.index(code) for code in codes]
        above = np.zeros((len(rows), len(model.codes)), dtype=bool)
        above[:, at] = shown[rows]
        found = suggested_evidence(model, data.inputs(False, rows), above)  # the texts the model read
        evidence.iloc[rows] = [[cells[k] for k in at] for cells in found]
    return evidence


def examples_table(proba: pd.DataFrame, data: CodedData, n: int = 5,
                   evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per code, ``n`` examples of each kind in :data:`EXAMPLE_KINDS`, one per interview.

    ``proba`` holds out-of-fold probabilities, so every example comes from an interview the
    model did not see in training. Taking one segment per interview spreads the examples
    over participants. An example the machine gave the code holds its ``evidence`` (the
    passages that raised the score, from :class:`Evaluation`'s ``evidence``), if given.
    """
    segments = data.segments
    rows = []
    for code in data.codes:
        p = proba[code].to_numpy()
        coded = data.target[code].to_numpy().astype(bool)
        for kind, pool, descending in (("hit", coded, True), ("machine only", ~coded, True),
                                       ("missed", coded, False)):
            order = np.flatnonzero(pool)[np.argsort(-p[pool] if descending else p[pool], kind="stable")]
            seen: set[str] = set()
            for i in order:
                s = segments[i]
                if s.interview_id in seen:
                    continue
                seen.add(s.interview_id)
                coded_by = sorted(name for name, labels in data.humans.items() if labels.at[s.segment_id, code] == 1)
                rows.append({"code": code, "kind": kind, "rank": len(seen), "interview_id": s.interview_id,
                             "segment_id": s.segment_id, "start": s.start, "end": s.end, "line": s.line,
                             "line_end": s.line_end, "probability": float(p[i]), "coded_by": ", ".join(coded_by),
                             "evidence": "" if evidence is None or evidence.empty else evidence.at[s.segment_id, code],
                             "text": s.text})
                if len(seen) == n:
                    break
    return pd.DataFrame(rows, columns=["code", "kind", "rank", "interview_id", "segment_id", "start", "end", "line",
                                       "line_end", "probability", "coded_by", "evidence", "text"]
                        ).astype({"line": "Int64", "line_end": "Int64"})


def reliability_table(proba: pd.DataFrame, target: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Per code and probability bin: mean predicted, observed share, count; plus Brier score."""
    rows = []
    edges = np.linspace(0, 1, bins + 1)
    for code in proba.columns:
        p, y = proba[code].to_numpy(), target[code].to_numpy()
        brier = float(np.mean((p - y) ** 2))
        which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
        for b in range(bins):
            inside = which == b
            if inside.any():
                rows.append({"code": code, "bin_low": edges[b], "bin_high": edges[b + 1], "n": int(inside.sum()),
                             "mean_predicted": float(p[inside].mean()), "observed": float(y[inside].mean()),
                             "brier": brier})
    return pd.DataFrame(rows)


def prescreen_table(proba: pd.DataFrame, target: pd.DataFrame, recalls: tuple[float, ...] = (0.8, 0.9, 0.95),
                    interview_of: pd.Series | None = None, n_boot: int = 0, seed: int = 0,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Share of segments to read, in probability order, to find each share of coded ones.

    With ``interview_of`` (segment id -> interview) and ``n_boot`` resamples, each share to
    read has a ``confidence`` interval (``read_share_lo``, ``read_share_hi``) that resamples
    interviews, the model's order kept (widened for how few they are:
    :func:`~tr_nlp.agreement.t_interval`): a team deciding how much it can leave
    unread sees how much that depends on which interviews these happened to be.
    """
    rows = []
    interview, draws = _prescreen_draws(proba.index, interview_of, n_boot, (seed, 4))
    for code in proba.columns:
        y = target[code].to_numpy()
        if y.sum() == 0:
            continue
        points, shares = _read_shares(proba[code].to_numpy(), y, interview, draws, recalls)
        for i, r in enumerate(recalls):
            row = {"code": code, "recall": r, "read_share": points[i], "skip_share": 1 - points[i],
                   "positives": int(y.sum()), "segments": len(y)}
            row["read_share_lo"], row["read_share_hi"] = (np.nan, np.nan) if shares is None else t_interval(
                points[i], shares[:, i], confidence, draws.shape[1], statistic_range("read_share"))
            rows.append(row)
    return pd.DataFrame(rows)


#: The columns of :func:`prescreen_difference_table`.
PRESCREEN_DIFFERENCE_COLUMNS = ["code", "recall", "model", "baseline", "positives", "segments", "n_interviews",
                                "read_share", "read_share_baseline", "read_share_diff", "read_share_diff_lo",
                                "read_share_diff_hi"]


def prescreen_difference_table(proba: pd.DataFrame, baseline_proba: pd.DataFrame, target: pd.DataFrame,
                               names: tuple[str, str], recalls: tuple[float, ...] = (0.8, 0.9, 0.95),
                               interview_of: pd.Series | None = None, n_boot: int = 0, seed: int = 0,
                               confidence: float = 0.95) -> pd.DataFrame:
    """Two models' pre-screening side by side: per code both score and share of coded
    segments to find (``recalls``), the share of segments to read in each model's order
    (``proba``'s and ``baseline_proba``'s, on the same segments) to find it, and the first's
    minus the second's. A negative difference means the first model lets a team leave more
    unread. With ``interview_of`` and ``n_boot`` resamples, the difference has a
    ``confidence`` interval from resampling interviews alike for both (paired, and widened
    for how few they are: :func:`~tr_nlp.agreement.t_interval`).

    Examples
    --------
    >>> target = pd.DataFrame({"care": [1, 1, 0, 0, 0, 0]})
    >>> sharp = pd.DataFrame({"care": [0.9, 0.8, 0.3, 0.2, 0.1, 0.0]})
    >>> blunt = pd.DataFrame({"care": [0.9, 0.1, 0.8, 0.7, 0.3, 0.0]})
    >>> table = prescreen_difference_table(sharp, blunt, target, ("sharp", "blunt"), recalls=(1.0,))
    >>> table[["read_share", "read_share_baseline", "read_share_diff"]].round(2).values.tolist()
    [[0.33, 0.83, -0.5]]
    """
    rows = []
    interview, draws = _prescreen_draws(proba.index, interview_of, n_boot, (seed, 6))
    n_interviews = len(np.unique(interview)) if interview is not None else np.nan
    for code in (c for c in proba.columns if c in baseline_proba.columns):
        y = target[code].to_numpy()
        if y.sum() == 0:
            continue
        new, old = (_read_shares(p[code].to_numpy(), y, interview, draws, recalls) for p in (proba, baseline_proba))
        for i, r in enumerate(recalls):
            both = [(side[0][i], None if side[1] is None else side[1][:, i]) for side in (new, old)]
            groups = None if draws is None else draws.shape[1]
            rows.append((code, r, *names, int(y.sum()), len(y), n_interviews, both[0][0], both[1][0],
                         *paired_difference(*both, confidence, groups)))
    return pd.DataFrame(rows, columns=PRESCREEN_DIFFERENCE_COLUMNS)


def _prescreen_draws(index: pd.Index, interview_of: pd.Series | None, n_boot: int,
                     seed: tuple[int, int]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Each segment's interview (numbered) and the resamples of interviews a pre-screening
    table draws; both None without ``interview_of`` or resamples."""
    if interview_of is None or not n_boot:
        return None, None
    _, interview = np.unique(interview_of.reindex(index).to_numpy().astype(str), return_inverse=True)
    n_groups = int(interview.max()) + 1 if len(interview) else 0
    return interview, interview_draws(np.random.default_rng(seed), n_groups, n_boot)


def _read_shares(score: np.ndarray, y: np.ndarray, interview: np.ndarray | None, draws: np.ndarray | None,
                 recalls: Sequence[float]) -> tuple[list[float], np.ndarray | None]:
    """The share of segments to read in ``score``'s order to find each of ``recalls`` of
    the coded ones (``y``), and the same on each resample of ``draws`` (None without)."""
    order = np.argsort(-score, kind="stable")
    y = y[order]
    found = np.cumsum(y) / y.sum()
    points = [int(np.searchsorted(found, r - 1e-12) + 1) / len(y) for r in recalls]
    if draws is None or interview is None:
        return points, None
    return points, _resampled_read_shares(y, interview[order], draws, recalls)


def _resampled_read_shares(y: np.ndarray, interview: np.ndarray, draws: np.ndarray, recalls: Sequence[float],
                           chunk: int = 100) -> np.ndarray:
    """Per resample of interviews (``draws``) and recall: the share of segments read, in the
    model's order (``y``: coded or not, in that order; ``interview``: each segment's), to
    find that share of the coded ones; NaN where a resample drew none coded."""
    out = np.full((len(draws), len(recalls)), np.nan)
    for start in range(0, len(draws), chunk):  # resamples x segments weights, a chunk at a time
        part = draws[start:start + chunk]
        weights = segment_weights(part, interview)
        read, found = np.cumsum(weights, axis=1), np.cumsum(weights * y, axis=1)
        coded = found[:, -1]
        for i, r in enumerate(recalls):
            first = np.argmax(found >= r * coded[:, None] - 1e-9, axis=1)
            out[start:start + chunk, i] = np.where(coded > 0, read[np.arange(len(part)), first] / read[:, -1], np.nan)
    return out


#: The columns of a learning curve (:func:`cross_validate`'s ``learning_curve``).
CURVE_COLUMNS = ["code", "train_share", "train_interviews", "f1", "f1_lo", "f1_hi", "kappa", "kappa_lo", "kappa_hi",
                 "kappa_gain", "kappa_gain_lo", "kappa_gain_hi"]


def _learning_curve(data: CodedData, folds: list[tuple[np.ndarray, np.ndarray]], features: str,
                    objective: str, C: float, seed: int, cache_dir: str | None, context: bool,
                    predicted: np.ndarray, n_boot: int = 1000, confidence: float = 0.95,
                    fold_seconds: float | None = None) -> pd.DataFrame:
    """F1 and kappa against the training target as the number of coded interviews grows.

    Each size below all of a fold's training interviews is drawn :data:`CURVE_REPEATS`
    times per fold (which interviews a team happens to have coded matters as much as how
    many); a point pools its draws. Where a fold's sample holds all its training interviews
    (always at share 1), the model would be the cross-validation's own for that fold: its
    decisions (``predicted``, one row per segment) are taken instead of fitting it again.

    Each point has a 95% interval, and each point after the first the kappa it gained over
    the point before (``kappa_gain``) with an interval from the same resamples: whether
    coding more interviews still helped, or these interviews cannot tell. A resample draws
    the interviews scored (the interval widened for how few they are:
    :func:`~tr_nlp.agreement.t_interval`) and one of the point's draws of training
    interviews, so both kinds of chance are in the interval.

    Each draw's log line says about how long the curve has left: at first from
    ``fold_seconds`` (a cross-validation fold's time), then from the draws done.
    """
    rng = np.random.default_rng(seed)
    started, done = time.perf_counter(), 0.0  # the work done, in folds' worth (CURVE_WORK in all)
    rate = None if fold_seconds is None else fold_seconds * len(folds)  # seconds a fold's worth takes
    groups = data.groups
    y_all = data.target.to_numpy()
    ids, interview = np.unique(groups.astype(str), return_inverse=True)
    boot = np.random.default_rng((seed, 3))
    draws = interview_draws(boot, len(ids), n_boot)
    rows, before = [], None
    for share in CURVE_SHARES:
        repeats, sizes = [], []
        n_draws = 1 if share >= 1 else CURVE_REPEATS
        for draw in range(n_draws):
            counts = np.zeros((len(ids), len(data.codes), 4))  # per interview scored: (tp, fp, fn, tn) per code
            left = f" ({about(rate * (CURVE_WORK - done))} left)" if rate is not None and done < CURVE_WORK else ""
            log.info("learning curve: %.0f%% of the training interviews, draw %d/%d%s", 100 * share, draw + 1, n_draws,
                     left)
            for train, test in folds:
                train_groups = np.unique(groups[train])
                n = max(2, round(share * len(train_groups)))
                chosen = rng.choice(train_groups, size=min(n, len(train_groups)), replace=False)
                sub = train[np.isin(groups[train], chosen)]
                if y_all[sub].sum() == 0:
                    continue
                sizes.append(len(chosen))
                if len(chosen) == len(train_groups):  # sub is train, in its order: the same fit
                    y_hat = predicted[test]
                else:
                    _, y_hat, _ = _fit_predict(data, sub, test, features, objective, C, cache_dir, context, seed)
                y, y_hat = y_all[test].astype(bool), y_hat.astype(bool)
                np.add.at(counts, interview[test], np.stack([y_hat & y, y_hat & ~y, ~y_hat & y, ~y_hat & ~y], axis=-1))
            repeats.append(counts)
            if share < 1:
                done += _fit_work(share)
                rate = (time.perf_counter() - started) / done
        pooled = np.sum(repeats, axis=0)
        stats = binary_stats_from_counts(*pooled.sum(axis=0).T)
        scored = int((pooled.sum(axis=(1, 2)) > 0).sum())
        resampled = None
        if draws is not None and scored:
            which = boot.integers(0, len(repeats), size=n_boot)  # each resample: one draw of training interviews
            totals = np.zeros((n_boot, len(data.codes), 4))
            for r, counts in enumerate(repeats):
                totals[which == r] = resampled_totals(counts, draws[which == r])
            resampled = binary_stats_from_counts(*np.moveaxis(totals, -1, 0))
        for j, code in enumerate(data.codes):
            row = {"code": code, "train_share": share, "train_interviews": float(np.mean(sizes)) if sizes else 0.0}
            for stat in ("f1", "kappa"):
                row[stat] = float(stats[stat][j])
                row[f"{stat}_lo"], row[f"{stat}_hi"] = (
                    t_interval(row[stat], resampled[stat][:, j], confidence, scored, statistic_range(stat))
                    if resampled is not None else (np.nan, np.nan))
            if before is not None:
                now = (row["kappa"], None if resampled is None else resampled["kappa"][:, j])
                then = (before[0]["kappa"][j], None if before[1] is None else before[1]["kappa"][:, j])
                row["kappa_gain"], row["kappa_gain_lo"], row["kappa_gain_hi"] = paired_difference(now, then, confidence,
                                                                                                  scored)
            rows.append(row)
        before = (stats, resampled)
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def write_evaluation(ev: Evaluation, folder: str | Path) -> dict[str, Path]:
    """Write the evaluation tables into ``folder`` (atomically); return their paths."""
    folder = Path(folder)
    paths = {
        "agreement": write_table(ev.agreement, folder / "agreement.csv"),
        "calibration": write_table(ev.calibration, folder / "calibration.csv"),
        "prescreen": write_table(ev.prescreen, folder / "prescreen.csv"),
    }
    if not ev.learning_curve.empty:
        paths["learning_curve"] = write_table(ev.learning_curve, folder / "learning_curve.csv")
    if not ev.confusion.empty:
        paths["confusion"] = write_table(ev.confusion, folder / "confusion.csv")
    if not ev.crossings.empty:
        paths["crossings"] = write_table(ev.crossings, folder / "code_crossings.csv")
    if not ev.examples.empty:
        paths["examples"] = write_table(ev.examples, folder / "examples.csv")
    if not ev.characters.empty:
        paths["agreement_chars"] = write_table(ev.characters, folder / "agreement_characters.csv")
        paths["per_interview"] = write_table(ev.characters_by_interview,
                                             folder / "agreement_characters_by_interview.csv")
    if not ev.interviews.empty:
        paths["agreement_interviews"] = write_table(ev.interviews, folder / "agreement_interviews.csv")
    if not ev.group.empty:
        paths["agreement_group"] = write_table(ev.group, folder / "agreement_group.csv")
    if not ev.subgroups.empty:
        paths["agreement_by"] = write_table(ev.subgroups, folder / "agreement_by_subgroup.csv")
    if not ev.against.empty:
        paths["against"] = write_table(ev.against, folder / "model_difference.csv")
    if not ev.against_prescreen.empty:
        paths["against_prescreen"] = write_table(ev.against_prescreen, folder / "prescreen_difference.csv")
    oof = ev.proba.add_prefix("p_").join(ev.predicted.add_prefix("machine_"))
    if not ev.evidence.empty:
        oof = oof.join(ev.evidence.add_prefix("evidence_"))
    paths["cv_predictions"] = write_table(oof.reset_index(), folder / "cv_predictions.parquet")
    brier = ev.calibration.groupby("code")["brier"].first().to_dict() if not ev.calibration.empty else {}
    paths["evaluation"] = write_json({"protocol": ev.protocol, "brier": brier}, folder / "evaluation.json")
    return paths
