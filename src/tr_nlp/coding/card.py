"""The model card for people (``README.md``), rendered from ``card.json``."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from tr_nlp.agreement.stats import MIN_INTERVIEWS
from tr_nlp.agreement.tables import signed, too_few_interviews, with_interval, without_interval
from tr_nlp.coding.language import card_languages, language_name


def known(value: Any) -> bool:
    """Whether a figure read from a model card is one: not missing (JSON's null), not NaN.

    >>> known(0.8), known(None), known(float("nan"))
    (True, False, False)
    """
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def measured_recall(card: Mapping[str, Any], codes: Collection[str]) -> list[dict[str, Any]]:
    """The card's cross-validated figures (``cv_metrics``: a row per code and coder) of
    ``codes`` that have a recall, the share of a coder's segments the code's threshold found.

    >>> card = {"cv_metrics": [{"code": "a", "recall": 0.9}, {"code": "b", "recall": None},
    ...                        {"code": "(all codes, pooled)", "recall": 0.85}]}
    >>> measured_recall(card, ["a", "b"])
    [{'code': 'a', 'recall': 0.9}]
    """
    return [m for m in card.get("cv_metrics") or () if m.get("code") in codes and known(m.get("recall"))]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _stat(metrics: dict[str, Any], key: str) -> str:
    """``0.61 [0.48, 0.72]``: a statistic with its CI when it has one; ``n/a`` when undefined."""
    value, lo, hi = (metrics.get(k) for k in (key, f"{key}_lo", f"{key}_hi"))
    return "n/a" if value is None else with_interval(value, lo, hi)


def _difference(metrics: dict[str, Any]) -> str:
    """``-0.38 [-0.49, -0.28] (coder_b)``: the paired kappa difference, or empty without one."""
    text = signed(*(metrics.get(k) for k in ("kappa_diff", "kappa_diff_lo", "kappa_diff_hi")))
    return f"{text} ({metrics.get('peer')})" if text else ""


def render_card(card: dict[str, Any]) -> str:
    """Markdown model card: data, codebook, features, thresholds, CV metrics, use and limits."""
    lines = [f"# Model card: {card.get('name', 'tr_nlp theme model')}", ""]
    lines += [f"Trained {card.get('created', '')} with tr_nlp {card.get('versions', {}).get('tr_nlp', '')}.", ""]
    data = card.get("training_data", {})
    lines += ["## Training data", ""]
    for key, value in data.items():
        lines.append(f"- {key.replace('_', ' ')}: {_fmt(value)}")
    if languages := card_languages(card):
        told = ", ".join(map(language_name, languages))
        lines.append(f"- languages, each interview's told by its stop words: {told}; `tr-nlp code` and `batch` "
                     "name interviews that read as another")
    if written := card.get("writing"):
        how = ", ".join(f"{name} {'yes' if written.get(key) else 'no'}" for key, name in
                        (("capitals", "capital letters"), ("punctuation", "sentence punctuation")) if key in written)
        lines.append(f"- written with: {how}; `tr-nlp code` and `batch` name interviews written otherwise (a speech "
                     "recogniser's, without them)")
    if card.get("training_fingerprints"):
        sketched = ", and sketches of their hashed four-word runs" if card.get("training_sketches") else ""
        lines.append(f"- fingerprints of the {len(card['training_fingerprints'])} training interviews (hashes of "
                     f"their words{sketched}; nothing readable) in card.json: `tr-nlp evaluate --model` leaves "
                     "these interviews" + (", and edited copies of them," if sketched else "")
                     + " out of a held-out test")
    lines += ["", f"Codebook: {card.get('codebook_name', '')} (sha256 `{card.get('codebook_sha256', '')}`)", ""]
    lines += ["## Model", "", f"- features: {card.get('features')}", f"- classifier: {card.get('classifier')}",
              f"- threshold objective: {card.get('objective')}", f"- seed: {card.get('seed', 0)}", ""]
    lines += ["| code | training positives | threshold | decoded along the interview |", "|---|---:|---:|---:|"]
    codes = card.get("codes", [])
    strengths = card.get("code_chain_strengths") or [None] * len(codes)
    for code, n, t, s in zip(codes, card.get("positives", []), card.get("thresholds", []), strengths):
        decoded = "with its group" if t is None else ("-" if s is None else f"strength {_fmt(s)}")
        lines.append(f"| {code} | {n} | {'most probable in its group' if t is None else f'{t:.3f}'} | {decoded} |")
    chains = zip(card.get("exclusive_groups", []), card.get("chain_strengths", []))
    lines += [f"\nExclusive group {', '.join(group)}: decoded along each interview with strength {_fmt(s)}"
              f"{' (off)' if s == 0 else ''}." for group, s in chains]
    tuned = card.get("finetune")
    if tuned:
        lines += ["", "## Fine-tuning", "",
                  (f"- epochs: {tuned.get('epochs')}, batch size: {tuned.get('batch_size')}, encoder lr: "
                   f"{tuned.get('lr')}, head lr: {tuned.get('head_lr')}, max tokens: {tuned.get('max_length')}"),
                  (f"- {_fmt(float(tuned.get('validation_fraction', 0)))} of the interviews were held out of "
                   "fine-tuning to calibrate each code and choose the thresholds of the blend"),
                  (f"- blend: {_fmt(float(tuned.get('blend_weight', 0)))} fine-tuned encoder + "
                   f"{_fmt(1 - float(tuned.get('blend_weight', 0)))} linear model (`{card.get('model_file')}`)"),
                  f"- weights: `{tuned.get('weights_file')}` (safetensors, sha256 `{tuned.get('weights_sha256', '')}`)"]
    terms = card.get("top_terms") or {}
    if any(terms.values()):
        lines += ["", "## Most informative terms per code", ""]
        lines += [f"- **{code}**: {', '.join(words)}" for code, words in terms.items() if words]
    metrics = card.get("cv_metrics") or []
    if metrics:
        how = card.get("cv_protocol", "cross-validation: grouped by interview").removeprefix("cross-validation: ")
        paired = any(m.get("kappa_diff") is not None for m in metrics)
        lines += ["", f"## Cross-validated agreement ({how})", "",
                  "| code | vs | kappa [95% CI] | F1 [95% CI] | precision [95% CI] | recall [95% CI] |"
                  + (" kappa minus the other coder's [95% CI] |" if paired else ""),
                  "|---|---|---|---|---|---|" + ("---|" if paired else "")]
        lines += [f"| {m['code']} | {m['rater_b']} | {_stat(m, 'kappa')} | {_stat(m, 'f1')} | "
                  f"{_stat(m, 'precision')} | {_stat(m, 'recall')} |" + (f" {_difference(m)} |" if paired else "")
                  for m in metrics]
        if few := without_interval(pd.DataFrame(metrics).reindex(columns=["code", "kappa", "kappa_lo", "n_interviews",
                                                                         "n_interviews_coded"])):
            named = ", ".join(f"{code} (coded in {n} interview{'' if n == '1' else 's'})" for code, n in few.items())
            lines += ["", (f"No interval for {named}: in more than one resample of interviews in 20 none of them is "
                           "drawn, and the figures are undefined there.")]
        if few := too_few_interviews(pd.DataFrame(metrics).reindex(columns=["rater_b", "n_interviews"])
                                     .assign(rater_a="model")):
            named = ", ".join(f"{n} coded by {raters.removeprefix('model ~ ')}" for raters, n in few.items())
            lines += ["", (f"No interval where the model was scored on too few interviews ({named}): an interval "
                           f"needs {MIN_INTERVIEWS} or more; resampling fewer shows too little of how figures vary "
                           "between interviews.")]
        if paired:
            lines += ["", ("The last column: the model's kappa with the coder minus the other coder's kappa with "
                           "that coder (with several other coders, their mean), on the interviews they all coded; its "
                           "interval resamples interviews for all kappas at once (an interval wholly below 0: the "
                           "model agrees less well than the coders do).")]
    lines += ["", "## Versions", ""] + [f"- {k}: {v}" for k, v in card.get("versions", {}).items()]
    lines += ["", "## Intended use", "", card.get("intended_use", ""), "", "## Limits", "", card.get("limits", ""), ""]
    return "\n".join(lines)
