"""Evidence for a suggestion: the words of a segment that raised a code's score most.

A theme model's score for a code is linear in the features of the segment's text (with a
context model, also in those of the turns around it: not words of the segment, so not
evidence here). That part of the score is split over the segment's words (:data:`WORD`:
``doesn't``, ``I'll``, as written), every feature of the text counted:

- a word n-gram's part over the words it is made of;
- a character n-gram's part over the word it was read in;
- the sentence embedding's part over the word pieces the encoder read: the embedding is
  the unit-length mean of the encoder's word-piece vectors ``h_t``, so its part of the
  score, ``w . e``, is exactly the sum of ``w . h_t / (n |mean h|)`` over its ``n`` word
  pieces (those of ``[CLS]`` and ``[SEP]``, the sentence as a whole, go to no word).

A word said twice adds up. The evidence of a code is the words with the largest positive
parts, lower-cased. On AnnoMI's client utterances scored by the demo's model
(``benchmarks/evidence.py``), the words weighed account for a median 90% of the part of a
suggestion's score its segment's text gives, where word n-grams alone (what evidence was
read from before) accounted for 15%. The embedding's part costs one more pass of the
encoder over the segments with a suggestion.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tr_nlp.features.embeddings import (
    DIMENSIONS,
    SentenceEmbedder,
    alike_batches,
    load_encoder,
    pieces,
)

#: a word as a transcript writes it, its apostrophes inside it
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


@dataclass(frozen=True)
class TextFeatures:
    """Where the features of a segment's own text sit in a model's feature vector."""

    word: Any  # the fitted word n-gram TF-IDF, or None
    char: Any  # the fitted character n-gram TF-IDF, or None
    embedder: SentenceEmbedder | None
    at: tuple[int, int, int]  # where the word n-grams, the character n-grams and the embedding start
    weight: float  # the text's weight among the context model's parts


def text_features(model: Any) -> TextFeatures:
    """The parts of ``model`` (a :class:`~tr_nlp.coding.store.ThemeModel`) that read the segment's text."""
    features = model.linear.named_steps["features"]
    weight = 1.0
    if model.context:
        weight = float((features.transformer_weights or {}).get("text", 1.0))
        features = features.named_transformers_["text"]
    word = char = embedder = None
    at, where = [0, 0, 0], 0
    for name, part in features.transformer_list:
        if name == "tfidf":
            (_, word), (_, char) = part.transformer_list
            at[0], at[1] = where, where + len(word.get_feature_names_out())
            where = at[2] = at[1] + len(char.get_feature_names_out())  # the character n-grams end there
        elif name == "embeddings":
            embedder, at[2] = part, where
            where += DIMENSIONS
    return TextFeatures(word, char, embedder, (at[0], at[1], at[2]), weight)


def word_parts(model: Any, texts: Sequence[str], weights: np.ndarray) -> list[tuple[list[str], np.ndarray]]:
    """Per text: its words (lower-cased, each once) and what each adds to each code's score,
    shape (words, codes), from ``weights``, the head's weights per code (features x codes)."""
    parts = text_features(model)
    words = [_words(text) for text in texts]
    found = [np.zeros((len(spans), weights.shape[1])) for spans, _ in words]
    if parts.word is not None:
        _add_word_ngrams(parts.word, texts, words, found, weights[parts.at[0]:parts.at[1]])
    if parts.char is not None:
        _add_char_ngrams(parts.char, texts, words, found, weights[parts.at[1]:parts.at[2]])
    if parts.embedder is not None:
        _add_embedding(parts.embedder, texts, words, found, weights[parts.at[2]:parts.at[2] + DIMENSIONS])
    out = []
    for (spans, keys), values in zip(words, found, strict=True):
        merged: dict[str, np.ndarray] = {}
        for key, row in zip(keys, values * parts.weight, strict=True):
            merged[key] = merged[key] + row if key in merged else row
        out.append((list(merged), np.array(list(merged.values())).reshape(len(merged), weights.shape[1])))
    return out


def top_words(words: list[str], parts: np.ndarray, top: int) -> list[str]:
    """Per code (a column of ``parts``): its ``top`` words of largest positive part, "; "-joined."""
    out = []
    for j in range(parts.shape[1]):
        order = np.argsort(-parts[:, j], kind="stable")[:top]
        out.append("; ".join(words[k] for k in order if parts[k, j] > 0))
    return out


def _words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    spans = [m.span() for m in WORD.finditer(text)]
    return spans, [text[s:e].lower().replace("\u2019", "'") for s, e in spans]


def _word_at(spans: list[tuple[int, int]], start: int, end: int) -> int | None:
    """The word of ``spans`` that overlaps ``start:end`` most (None: none does)."""
    k = bisect.bisect_right([s for s, _ in spans], start) - 1
    best, most = None, 0
    for i in range(max(k, 0), min(k + 3, len(spans))):
        overlap = min(end, spans[i][1]) - max(start, spans[i][0])
        if overlap > most:
            best, most = i, overlap
    return best


def _add_word_ngrams(vectorizer: Any, texts: Sequence[str], words: list[Any], found: list[np.ndarray],
                     weights: np.ndarray) -> None:
    """Each word n-gram's part, shared among the words it is made of (and its repeats)."""
    X = vectorizer.transform(texts).tocsr()
    preprocess, pattern = vectorizer.build_preprocessor(), re.compile(vectorizer.token_pattern)
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    for i, text in enumerate(texts):
        lowered = preprocess(text)
        if len(lowered) != len(text):  # a letter whose lower case is longer: places no longer match
            continue
        tokens = [m.span() for m in pattern.finditer(lowered)]
        owners = [_word_at(words[i][0], s, e) for s, e in tokens]
        row = dict(zip(X.indices[X.indptr[i]:X.indptr[i + 1]], X.data[X.indptr[i]:X.indptr[i + 1]], strict=True))
        grams = [(f, range(k, k + n)) for n in range(low, high + 1) for k in range(len(tokens) - n + 1)
                 if (f := vocabulary.get(" ".join(lowered[s:e] for s, e in tokens[k:k + n]))) is not None and f in row]
        _share(grams, row, owners, found[i], weights)


def _add_char_ngrams(vectorizer: Any, texts: Sequence[str], words: list[Any], found: list[np.ndarray],
                     weights: np.ndarray) -> None:
    """Each character n-gram's part, given to the word it was read in (as ``char_wb`` reads
    them: within each run of non-space characters, a space added either side)."""
    X = vectorizer.transform(texts).tocsr()
    preprocess = vectorizer.build_preprocessor()
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    for i, text in enumerate(texts):
        lowered = preprocess(text)
        if len(lowered) != len(text):
            continue
        row = dict(zip(X.indices[X.indptr[i]:X.indptr[i + 1]], X.data[X.indptr[i]:X.indptr[i + 1]], strict=True))
        grams, owners = [], []
        for run in re.finditer(r"\S+", lowered):
            padded = f" {run.group()} "
            for first, n in _char_grams(len(padded), low, high):
                f = vocabulary.get(padded[first:first + n])
                if f is None or f not in row:
                    continue
                start = run.start() + max(first - 1, 0)
                owner = _word_at(words[i][0], start, min(run.start() + first + n - 1, run.end()))
                if owner is not None:
                    grams.append((f, range(len(owners), len(owners) + 1)))
                    owners.append(owner)
        _share(grams, row, owners, found[i], weights)


def _char_grams(length: int, low: int, high: int) -> Iterator[tuple[int, int]]:
    """(start, n) of the character n-grams scikit-learn's ``char_wb`` reads in a padded run of ``length``."""
    for n in range(low, high + 1):
        if length <= n:  # a run shorter than n is read once, whole
            yield 0, length
            return
        for first in range(length - n + 1):
            yield first, n


def _share(grams: list[tuple[int, range]], row: dict[int, float], owners: list[int | None], out: np.ndarray,
           weights: np.ndarray) -> None:
    """Add each n-gram's part (its value times its weights), split among its repeats and its words."""
    counts: dict[int, int] = {}
    for f, _ in grams:
        counts[f] = counts.get(f, 0) + 1
    for f, at in grams:
        part = row[f] * weights[f] / (counts[f] * len(at))
        for k in at:
            if owners[k] is not None:
                out[owners[k]] += part


def _add_embedding(embedder: SentenceEmbedder, texts: Sequence[str], words: list[Any], found: list[np.ndarray],
                   weights: np.ndarray) -> None:
    """The sentence embedding's part, given to the word of each word piece."""
    for i, placed in enumerate(embedding_parts(texts, weights, embedder.batch_size)):
        for start, end, value in placed:
            if end > start and (owner := _word_at(words[i][0], start, end)) is not None:
                found[i][owner] += value


def embedding_parts(texts: Sequence[str], weights: np.ndarray,
                    batch_size: int = 16) -> list[list[tuple[int, int, np.ndarray]]]:
    """Per text: each word piece the encoder read, as ``(start, end, part)``, where ``part``
    is what it adds to ``embedding . weights`` (``weights``: 384 x codes); ``[CLS]`` and
    ``[SEP]`` have ``start == end``. The parts of a text add up to its embedding's score
    exactly, for a text cut into pieces too (:func:`~tr_nlp.features.embeddings.encode_whole`:
    the unit-length mean of its pieces' embeddings, weighted by their word pieces)."""
    encoder = load_encoder()
    cut = [pieces(text, encoder.tokenizer, encoder.max_seq_length - 2) for text in texts]
    flat = [(i, piece) for i, (piece_list, _) in enumerate(cut) for piece in piece_list]
    starts, at = [], {}
    for i, piece in flat:  # where each piece starts in its text (the encoder reads it stripped)
        begin = texts[i].find(piece, at.get(i, 0))
        at[i] = begin + len(piece)
        starts.append(begin + len(piece) - len(piece.lstrip()))
    read: list[Any] = [None] * len(flat)  # per piece: its word pieces' parts of w . e_piece, and e_piece
    for chunk, output in alike_batches(encoder, [piece for _, piece in flat], batch_size):
        for row, k in enumerate(chunk):
            tokens = output["token_embeddings"][row][output["attention_mask"][row].bool()].double().numpy()
            mean = tokens.mean(axis=0)
            read[k] = (tokens @ weights / (len(tokens) * np.linalg.norm(mean)), mean / np.linalg.norm(mean))
    out, k = [], 0
    for piece_list, sizes in cut:
        share = np.asarray(sizes, dtype=float) / sum(sizes)
        norm = np.linalg.norm(sum(s * read[k + p][1] for p, s in enumerate(share)))
        placed = []
        for p, piece in enumerate(piece_list):
            offsets = encoder.tokenizer(piece.strip(), return_offsets_mapping=True, truncation=True,
                                        max_length=encoder.max_seq_length)["offset_mapping"]
            if len(offsets) == len(read[k + p][0]):  # else not as the encoder read it: no part to place
                placed += [(starts[k + p] + s, starts[k + p] + e, value * share[p] / norm)
                           for (s, e), value in zip(offsets, read[k + p][0], strict=True)]
        out.append(placed)
        k += len(piece_list)
    return out
