"""Theme classifiers trained on a team's hand coding: train, evaluate, suggest, rank next."""

from tr_nlp.coding.active import rank_next
from tr_nlp.coding.classifier import CodeClassifier, choose_threshold, make_theme_classifier
from tr_nlp.coding.evaluate import Evaluation, cross_validate, prescreen_table, reliability_table
from tr_nlp.coding.store import ThemeModel, load_model, read_card, save_model
from tr_nlp.coding.suggest import suggest
from tr_nlp.coding.train import CodedData, coded_data, train_model

__all__ = [
    "CodeClassifier", "CodedData", "Evaluation", "ThemeModel", "choose_threshold", "coded_data",
    "cross_validate", "load_model", "make_theme_classifier", "prescreen_table", "rank_next", "read_card", "reliability_table",
    "save_model", "suggest", "train_model",
]
