"""Save and load theme models: ``skops.io`` (no pickle) plus a model card.

A model folder holds ``model.skops``, ``card.json`` (machine-readable card, including the
sha256 of ``model.skops``) and ``README.md`` (the card for people). Loading checks the
sha256 against the card (a tampered or swapped file is refused) and lets skops build
only types on an explicit trusted list: skops' own safe defaults (scikit-learn
estimators, NumPy/SciPy containers) and tr_nlp's own estimators. Nothing in the file is executed.

A fine-tuned model (``--finetune``, :class:`~tr_nlp.coding.blend.BlendedClassifier`)
holds its linear model in ``model.skops`` as above, and the fine-tuned encoder in
``finetune.safetensors``: plain tensors, checked the same way against their own sha256,
with the encoder's settings and calibration, the blend weight and the blend's thresholds
in ``card.json`` under ``finetune``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from tr_nlp.codebook import codebook_from_dict
from tr_nlp.errors import CodebookError, ConfigError, ModelError
from tr_nlp.export import atomic_path, write_json, write_text
from tr_nlp.hashing import file_sha256
from tr_nlp.jsonfile import read_json_object
from tr_nlp.schema import Codebook
from tr_nlp.segment import Segmenter

MODEL_FILE, CARD_FILE, README_FILE = "model.skops", "card.json", "README.md"
FINETUNE_FILE = "finetune.safetensors"
TRUSTED_OWN_TYPES = (
    "tr_nlp.coding.classifier.CodeClassifier",
    "tr_nlp.features.embeddings.SentenceEmbedder",
    "tr_nlp.features.context.DialogueShape",
    "tr_nlp.features.text.TolerantTfidf",
)


@dataclass
class ThemeModel:
    """A fitted text -> codes pipeline with its codes and model card."""

    pipeline: Pipeline
    codes: list[str]
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def thresholds(self) -> np.ndarray:
        return self.pipeline.named_steps["head"].thresholds_

    @property
    def linear(self) -> Pipeline:
        """The features -> linear head pipeline (of a fine-tuned model: its linear part).

        Evidence and model-card terms are read off its weights.
        """
        return getattr(self.pipeline.named_steps["head"], "linear_", self.pipeline)

    @property
    def context(self) -> bool:
        """Whether the model reads dialogue context (a context frame) or text alone."""
        return bool(self.card.get("context", False))

    def inputs(self, frame: pd.DataFrame) -> Any:
        """What the pipeline takes, from a :func:`tr_nlp.features.context_frame`."""
        return frame if self.context else frame["text"].tolist()

    def predict_proba(self, frame: pd.DataFrame, runs: Any = None) -> pd.DataFrame:
        """Calibrated probability per code, one row per segment of ``frame``.

        Consecutive rows of one interview (``frame.interview_id``) are read as following
        each other, so codes are decoded along them
        (:mod:`tr_nlp.coding.chain`): pass an interview's segments in reading order.
        ``runs`` (an id per row) says instead which rows follow each other, where some
        segments of an interview are left out (:func:`~tr_nlp.coding.chain.stretches`).
        """
        groups = runs if runs is not None else frame["interview_id"].to_numpy() if "interview_id" in frame else None
        return pd.DataFrame(self.pipeline.predict_proba(self.inputs(frame), groups=groups), columns=self.codes)

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """0/1 per code: thresholds, and one winner (or none) per exclusive group."""
        return self.decide(self.predict_proba(frame))

    def decide(self, proba: pd.DataFrame) -> pd.DataFrame:
        """The decisions :meth:`predict` makes, from probabilities already computed."""
        head = self.pipeline.named_steps["head"]
        return pd.DataFrame(head.decide(proba.to_numpy()), columns=self.codes, index=proba.index)

    @property
    def label(self) -> str:
        """Name and version, e.g. for the machine coder in exports."""
        return card_label(self.card)


def card_label(card: dict[str, Any]) -> str:
    """A model's name and version from its card (what :attr:`ThemeModel.label` shows)."""
    return f"{card.get('name', 'model')} {card.get('version', '')}".strip()


def save_model(model: ThemeModel, directory: str | Path) -> Path:
    """Write ``model.skops``, ``card.json`` and ``README.md`` into ``directory``."""
    import skops.io as sio

    from tr_nlp.coding.card import render_card

    directory = Path(directory)
    head = model.pipeline.named_steps["head"]
    extra: dict[str, Any] = {}
    tuned = getattr(head, "finetuned_", None)
    if tuned is not None:  # a BlendedClassifier: the encoder's tensors + JSON state beside the linear part
        weights = directory / FINETUNE_FILE
        with atomic_path(weights) as tmp:
            tuned.save_weights(str(tmp))
        extra["finetune"] = {**tuned.state(), "blend_weight": float(head.weight),
                             "blend_thresholds": head.thresholds_.tolist() if head.multilabel_ else None,
                             "weights_file": weights.name, "weights_sha256": file_sha256(weights)}
    target = directory / MODEL_FILE
    with atomic_path(target) as tmp:
        sio.dump(model.linear, tmp)
    card = {**model.card, **extra, "codes": model.codes, "model_file": target.name, "model_sha256": file_sha256(target)}
    write_json(card, directory / CARD_FILE)
    write_text(render_card(card), directory / README_FILE)
    model.card = card
    return directory


def read_card(directory: str | Path) -> dict[str, Any]:
    """A model folder's ``card.json``, read without checking or loading the model.

    Raises
    ------
    ModelError
        Missing folder or card (E181), unreadable card (E184).
    """
    directory = Path(directory)
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise ModelError("E181", directory, detail=f"expected {MODEL_FILE} and {CARD_FILE}")
    return read_json_object(card_path, ModelError, "E184")


def card_codebook(card: dict[str, Any], directory: str | Path | None = None) -> Codebook | None:
    """The codebook a model was trained with, as its card keeps it (``codebook``); None
    for a model trained without one, or by a tr_nlp that did not keep it.

    Raises
    ------
    ModelError
        E184 when the card's ``codebook`` is not a codebook (the card is not covered by
        the model file's sha256, so what is read from it is checked).
    """
    raw = card.get("codebook")
    if raw is None:
        return None
    try:
        return codebook_from_dict(raw)
    except CodebookError as exc:
        where = Path(directory) / CARD_FILE if directory is not None else None
        raise ModelError("E184", where, detail=f"its 'codebook' is not what tr-nlp train wrote ({exc.message}); "
                         "retrain the model or restore its card.json") from None


def verify_model_files(directory: str | Path) -> tuple[dict[str, Any], Path]:
    """Check a model folder without loading it: its card, and its model files' sha256.

    Returns
    -------
    card, model_path
        ``model_path`` is ``model.skops``; a fine-tuned model's ``finetune.safetensors``
        is checked too.

    Raises
    ------
    ModelError
        Missing folder or card (E181), file changed since saving (E182), unreadable
        card (E184).
    """
    directory = Path(directory)
    card = read_card(directory)
    if card.get("model_file") == FINETUNE_FILE:
        raise ModelError("E184", directory, detail="a fine-tuned model from an earlier tr_nlp without its linear "
                         "part; retrain it with 'tr-nlp train --finetune'")
    model_path = directory / MODEL_FILE
    _check_sha(directory, model_path, card.get("model_sha256"))
    tuned = card.get("finetune")
    if tuned is not None:
        _check_sha(directory, directory / FINETUNE_FILE, tuned.get("weights_sha256") if isinstance(tuned, dict) else None)
    return card, model_path


def _check_sha(directory: Path, path: Path, expected: Any) -> None:
    if not path.is_file():
        raise ModelError("E181", directory, detail=f"expected {path.name} and {CARD_FILE}")
    found = file_sha256(path)
    if found != expected:
        raise ModelError("E182", path, found=found[:12], expected=str(expected)[:12])


def load_model(directory: str | Path) -> ThemeModel:
    """Load a model folder, refusing tampered files and untrusted types.

    Raises
    ------
    ModelError
        Missing folder or card (E181), file changed since saving (E182), types outside
        the trusted list (E183), unreadable file (E184).
    """
    card, model_path = verify_model_files(directory)
    pipeline = _load_pipeline(model_path)
    tuned = card.get("finetune")
    if tuned is not None:
        from tr_nlp.coding.blend import BlendedClassifier
        from tr_nlp.coding.finetune import FineTunedClassifier

        encoder = FineTunedClassifier.from_saved(tuned, str(Path(directory) / FINETUNE_FILE))
        try:
            head = BlendedClassifier.from_parts(pipeline, encoder, float(tuned["blend_weight"]),
                                                tuned.get("blend_thresholds"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError("E184", Path(directory) / CARD_FILE, detail=f"finetune section: {exc}") from None
        pipeline = Pipeline([("head", head)])
    return ThemeModel(pipeline, _card_codes(card, pipeline, Path(directory) / CARD_FILE), card)


def _card_codes(card: dict[str, Any], pipeline: Pipeline, card_path: Path) -> list[str]:
    """The card's code names, one per output of the model; E184 when they, its
    ``context`` flag (what input the model takes) or its ``segmenter`` (how new
    interviews are cut) are not what :func:`save_model` wrote.

    The card is not covered by the model file's sha256, so what loading reads from it is checked.
    """
    if not isinstance(card.get("context", False), bool):
        raise ModelError("E184", card_path, detail="its 'context' is not true or false; retrain the model "
                         "or restore its card.json")
    try:  # how new interviews are cut: as the training data was
        Segmenter.from_settings(card.get("segmenter") or {})
    except ConfigError as exc:
        raise ModelError("E184", card_path, detail=f"its 'segmenter' is not what tr-nlp train wrote ({exc.message}); "
                         "retrain the model or restore its card.json") from None
    codes = card.get("codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise ModelError("E184", card_path, detail="its 'codes' is not a list of code names; retrain the model "
                         "or restore its card.json")
    outputs = len(getattr(pipeline.named_steps["head"], "thresholds_", codes))
    if len(codes) != outputs:
        raise ModelError("E184", card_path, detail=f"its 'codes' names {len(codes)} code(s) but the model has "
                         f"{outputs} outputs; retrain the model or restore its card.json")
    return codes


def _load_pipeline(model_path: Path) -> Pipeline:
    """The skops pipeline, built only from trusted types (E183) or refused as unreadable (E184)."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=model_path)
    except Exception as exc:  # skops raises several types on damaged archives
        raise ModelError("E184", model_path, detail=f"{type(exc).__name__}: {exc}") from None
    # skops already trusts its own safe defaults (sklearn estimators, numpy arrays...);
    # beyond them only tr_nlp's own estimators are accepted
    refused = [t for t in untrusted if t not in TRUSTED_OWN_TYPES]
    if refused:
        raise ModelError("E183", model_path, types=", ".join(refused))
    try:
        pipeline = sio.load(model_path, trusted=list(untrusted))
    except Exception as exc:
        raise ModelError("E184", model_path, detail=f"{type(exc).__name__}: {exc}") from None
    if not isinstance(pipeline, Pipeline):
        raise ModelError("E184", model_path, detail=f"expected a Pipeline, found {type(pipeline).__name__}")
    return pipeline
