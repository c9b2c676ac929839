"""Save and load theme models: ``skops.io`` (no pickle) plus a model card.

A model folder holds ``model.skops``, ``card.json`` (machine-readable card, including the
sha256 of ``model.skops``) and ``README.md`` (the card for people). Loading checks the
sha256 against the card (a tampered or swapped file is refused) and lets skops build
only types on an explicit trusted list: skops' own safe defaults (scikit-learn
estimators, NumPy/SciPy containers) and tr_nlp's own estimators. Nothing in the file is executed.

A fine-tuned model (``--finetune``) holds ``finetune.safetensors`` instead of
``model.skops``: plain tensors, checked the same way, with its settings, calibration and
thresholds in ``card.json`` under ``finetune``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from tr_nlp.errors import ModelError
from tr_nlp.export import atomic_path, write_json, write_text
from tr_nlp.hashing import file_sha256

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
    def context(self) -> bool:
        """Whether the model reads dialogue context (a context frame) or text alone."""
        return bool(self.card.get("context", False))

    def inputs(self, frame: pd.DataFrame) -> Any:
        """What the pipeline takes, from a :func:`tr_nlp.features.context_frame`."""
        return frame if self.context else frame["text"].tolist()

    def predict_proba(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Calibrated probability per code, one row per segment of ``frame``."""
        return pd.DataFrame(self.pipeline.predict_proba(self.inputs(frame)), columns=self.codes)

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
    if hasattr(head, "save_weights"):  # a FineTunedClassifier: tensors + JSON state
        target = directory / FINETUNE_FILE
        with atomic_path(target) as tmp:
            head.save_weights(str(tmp))
        extra["finetune"] = head.state()
    else:
        target = directory / MODEL_FILE
        with atomic_path(target) as tmp:
            sio.dump(model.pipeline, tmp)
    card = {**model.card, **extra, "codes": model.codes, "model_file": target.name, "model_sha256": file_sha256(target)}
    write_json(card, directory / CARD_FILE)
    write_text(render_card(card), directory / README_FILE)
    model.card = card
    return directory


def verify_model_files(directory: str | Path) -> tuple[dict[str, Any], Path]:
    """Check a model folder without loading it: its card, and its model file's sha256.

    Returns
    -------
    card, model_path

    Raises
    ------
    ModelError
        Missing folder or card (E181), file changed since saving (E182), unreadable
        card (E184).
    """
    directory = Path(directory)
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise ModelError("E181", directory, detail=f"expected {MODEL_FILE} and {CARD_FILE}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError("E184", card_path, detail=exc) from None
    if not isinstance(card, dict):
        raise ModelError("E184", card_path, detail="expected a JSON object")
    model_path = directory / (FINETUNE_FILE if "finetune" in card else MODEL_FILE)
    if not model_path.is_file():
        raise ModelError("E181", directory, detail=f"expected {model_path.name} and {CARD_FILE}")
    found = file_sha256(model_path)
    if found != card.get("model_sha256"):
        raise ModelError("E182", model_path, found=found[:12], expected=str(card.get("model_sha256"))[:12])
    return card, model_path


def load_model(directory: str | Path) -> ThemeModel:
    """Load a model folder, refusing tampered files and untrusted types.

    Raises
    ------
    ModelError
        Missing folder or card (E181), file changed since saving (E182), types outside
        the trusted list (E183), unreadable file (E184).
    """
    import skops.io as sio

    card, model_path = verify_model_files(directory)
    if "finetune" in card:
        from tr_nlp.coding.finetune import FineTunedClassifier

        head = FineTunedClassifier.from_saved(card["finetune"], str(model_path))
        return ThemeModel(Pipeline([("head", head)]), list(card.get("codes", [])), card)
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
    return ThemeModel(pipeline, list(card.get("codes", [])), card)
