"""Text -> vectors: TF-IDF and MiniLM sentence embeddings (cached by content hash)."""

from tr_nlp.features.context import (
    CONTEXT_COLUMNS, DialogueShape, context_frame, make_context_features, without_time_marks,
)
from tr_nlp.features.embeddings import (
    MODEL_SHA256, EmbeddingCache, SentenceEmbedder, default_cache_dir, embed_texts, model_dir,
)
from tr_nlp.features.text import FEATURE_KINDS, make_features, tfidf_features

__all__ = [
    "CONTEXT_COLUMNS", "DialogueShape", "context_frame", "make_context_features", "FEATURE_KINDS", "MODEL_SHA256", "EmbeddingCache", "SentenceEmbedder", "default_cache_dir",
    "embed_texts", "make_features", "model_dir", "tfidf_features", "without_time_marks",
]
