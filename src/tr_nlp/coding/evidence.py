"""Evidence for a suggestion: the passage of a segment that raised a code's score most.

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

The evidence of a code is the passage of the segment whose words' parts weigh most (a run
of words within a sentence, its sum over the square root of its length: :func:`top_passages`),
and a second one where another place weighs at least half as much, each as written: single
words, a pronoun or a verb's "doesn't" often among those of largest part, told a coder
little. On AnnoMI's client utterances scored by the demo's model
(``benchmarks/evidence.py``), the words weighed account for a median 90% of the part of a
suggestion's score its segment's text gives, where word n-grams alone (what evidence was
read from before) accounted for 15%. The embedding's part comes from the encoder's pass
that embeds the segments for scoring (:func:`read_new_texts`) and is kept in the
embedding cache beside the embedding, shared by a batch's workers and later runs; a text
embedded before without it (by training or discovery) is read again only if it has a
suggestion.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tr_nlp.features.embeddings import (
    DIMENSIONS,
    EmbeddingCache,
    SentenceEmbedder,
    embed_texts,
    encode_whole,
    load_encoder,
)
from tr_nlp.passages import BREAK, WORD


@dataclass(frozen=True)
class TextFeatures:
    """Where the features of a segment's own text sit in a model's feature vector."""

    word: Any  # the fitted word n-gram TF-IDF, or None
    char: Any  # the fitted character n-gram TF-IDF, or None
    embedder: SentenceEmbedder | None
    at: tuple[int, int, int]  # where the word n-grams, the character n-grams and the embedding start
    weight: float  # the text's weight among the context model's parts


def text_features(model: Any) -> TextFeatures:
    """The parts of ``model`` (a :class:`~tr_nlp.coding.store.ThemeModel`) that read the
    segment's text; none where its features are not of the shapes tr_nlp builds."""
    try:
        return _text_features(model)
    except (AttributeError, KeyError, TypeError, ValueError):
        return TextFeatures(None, None, None, (0, 0, 0), 1.0)


def _text_features(model: Any) -> TextFeatures:
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
            at[0], at[1] = where, where + _width(word)
            where = at[2] = at[1] + _width(char)  # the character n-grams end there
        elif name == "embeddings":
            embedder, at[2] = part, where
            where += DIMENSIONS
    return TextFeatures(word, char, embedder, (at[0], at[1], at[2]), weight)


def _width(vectorizer: Any) -> int:
    """How many features a fitted TF-IDF gives (one all-zero feature when it learnt no term)."""
    return 1 if getattr(vectorizer, "empty_", False) else len(vectorizer.vocabulary_)


def code_weights(head: Any) -> list[np.ndarray | None]:
    """Per code, the linear weights of the score that speaks for it (None: no model).

    A code of a mutually exclusive group has no model of its own; its weights are its row
    of the group's one-vs-rest SVM (for a two-option group, the one score with the sign
    that favours the code).
    """
    weights: list[np.ndarray | None] = [m.coef_[0] if m is not None else None for m in head.models_]
    for group, model in zip(head.exclusive, getattr(head, "group_models_", [])):
        if model is None:
            continue
        for j in group:
            hit = np.flatnonzero(model.classes_ == j)
            if not len(hit):
                continue
            if model.coef_.shape[0] == 1:  # two options: the score is for classes_[1]
                weights[j] = model.coef_[0] if hit[0] == 1 else -model.coef_[0]
            else:
                weights[j] = model.coef_[hit[0]]
    return weights


def weight_matrix(model: Any) -> np.ndarray | None:
    """The head's weights of ``model``, features x codes (a code with no model: zeros), or None if no code has one."""
    weights = code_weights(model.linear.named_steps["head"])
    size = next((len(w) for w in weights if w is not None), None)
    return None if size is None else np.column_stack([w if w is not None else np.zeros(size) for w in weights])


def placed_parts(model: Any, texts: Sequence[str], weights: np.ndarray) -> list[tuple[Words, np.ndarray]]:
    """Per text: its words, where each stands, and what each adds to each code's score,
    shape (words, codes), from ``weights``, the head's weights per code (features x codes)."""
    parts = text_features(model)
    words = [_words(text) for text in texts]
    found = [np.zeros((len(w.spans), weights.shape[1])) for w in words]
    if parts.word is not None:
        _add_word_ngrams(parts.word, texts, words, found, weights[parts.at[0]:parts.at[1]])
    if parts.char is not None:
        _add_char_ngrams(parts.char, texts, words, found, weights[parts.at[1]:parts.at[2]])
    if parts.embedder is not None:
        _add_embedding(parts.embedder, texts, words, found, weights[parts.at[2]:parts.at[2] + DIMENSIONS])
    return [(w, values * parts.weight) for w, values in zip(words, found, strict=True)]


#: the most words a passage of evidence holds
PASSAGE_WORDS = 8
def top_passages(text: str, words: Words, parts: np.ndarray, top: int = 2,
                codes: Sequence[int] | None = None) -> list[str]:
    """Per code (a column of ``parts``, as :func:`placed_parts` gives them; only those of
    ``codes`` when given, the others blank): the passages of ``text`` that raised its score
    most, "; "-joined, each as written (its spaces made single).

    A passage is a run of up to :data:`PASSAGE_WORDS` words within a sentence, weighed by the
    sum of its words' parts over the square root of its length: a word that adds little
    makes a passage longer only if it joins words that add much, and a passage never starts
    or ends with a word that lowers the score. The first passage is the heaviest; each other
    one (up to ``top``) is the heaviest left that neither overlaps nor touches those taken
    (within a sentence), if it weighs at least half as much as the first and its words add
    at least half as much to the score (a lone word beside a long passage seldom does), and
    does not say the same words again (nor those of a taken passage with others).

    >>> words = _words("Well. She stayed late, on her day off.")
    >>> parts = np.array([[0.1], [0.5], [0.9], [0.8], [0.1], [0.3], [0.2], [0.6]])
    >>> top_passages("Well. She stayed late, on her day off.", words, parts)
    ['She stayed late, on her day off']
    """
    n = len(words.spans)
    out = [""] * parts.shape[1]
    if not n:
        return out
    gaps = np.array([bool(BREAK.search(text, words.spans[k][1], words.spans[k + 1][0])) for k in range(n - 1)])
    broken = np.concatenate([[0], np.cumsum(gaps)])  # breaks before word k
    total = np.vstack([np.zeros((1, parts.shape[1])), np.cumsum(parts, axis=0)])
    starts, lengths, sums = [], [], []
    for size in range(1, min(PASSAGE_WORDS, n) + 1):
        first = np.arange(n - size + 1)
        first = first[broken[first + size - 1] == broken[first]]  # within a sentence
        starts.append(first)
        lengths.append(np.full(len(first), size))
        sums.append(total[first + size] - total[first])
    start, length, summed = np.concatenate(starts), np.concatenate(lengths), np.vstack(sums)
    weight = summed / np.sqrt(length)[:, None]
    for j in range(parts.shape[1]) if codes is None else codes:
        order = np.lexsort((length, start, -weight[:, j]))
        best = order[0]  # another passage weighs at least half as much as it, and adds half as much
        taken: list[tuple[int, int]] = []
        for c in order:
            if weight[c, j] <= 0 or len(taken) == top or (taken and weight[c, j] < weight[best, j] / 2):
                break
            a, b = int(start[c]), int(start[c] + length[c])
            if (all(_apart(a, b, s, e, gaps) and not _repeats(words.keys[a:b], words.keys[s:e]) for s, e in taken)
                    and (not taken or summed[c, j] >= summed[best, j] / 2)):
                taken.append((a, b))
        out[j] = "; ".join(" ".join(text[words.spans[a][0]:words.spans[b - 1][1]].split()) for a, b in taken)
    return out


def _repeats(one: list[str], other: list[str]) -> bool:
    """Whether the words ``one`` are a run of the words ``other`` or the other way round:
    a passage that says the same words again says nothing more."""
    short, long = sorted((one, other), key=len)
    return any(long[k:k + len(short)] == short for k in range(len(long) - len(short) + 1))


def _apart(a: int, b: int, s: int, e: int, gaps: np.ndarray) -> bool:
    """Whether words ``a:b`` neither overlap nor touch words ``s:e`` (touching across a
    sentence's end is apart: the two could not be one passage)."""
    return b < s or a > e or (b == s and bool(gaps[b - 1])) or (a == e and bool(gaps[a - 1]))


@dataclass(frozen=True)
class Words:
    """A text's words: where each is, and how it reads in any case (lower case, a plain apostrophe)."""

    spans: list[tuple[int, int]]
    starts: list[int]
    keys: list[str]

    def exactly(self, start: int, end: int) -> int | None:
        """The word that is ``start:end`` (None: no word is)."""
        k = bisect.bisect_left(self.starts, start)
        return k if k < len(self.spans) and self.spans[k] == (start, end) else None

    def at(self, start: int, end: int) -> int | None:
        """The word that overlaps ``start:end`` most (None: none does)."""
        k = bisect.bisect_right(self.starts, start) - 1
        best, most = None, 0
        for i in range(max(k, 0), min(k + 3, len(self.spans))):
            overlap = min(end, self.spans[i][1]) - max(start, self.spans[i][0])
            if overlap > most:
                best, most = i, overlap
        return best


def _words(text: str) -> Words:
    spans = [m.span() for m in WORD.finditer(text)]
    return Words(spans, [s for s, _ in spans], [text[s:e].lower().replace("\u2019", "'") for s, e in spans])


def _add_word_ngrams(vectorizer: Any, texts: Sequence[str], words: list[Words], found: list[np.ndarray],
                     weights: np.ndarray) -> None:
    """Each word n-gram's part, shared among the words it is made of (and its repeats)."""
    pattern = re.compile(vectorizer.token_pattern)
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    for i, lowered, row in _rows(vectorizer, texts):
        tokens = [m.span() for m in pattern.finditer(lowered)]
        owners = [k if (k := words[i].exactly(s, e)) is not None else words[i].at(s, e) for s, e in tokens]
        grams = [(f, range(k, k + n)) for n in range(low, high + 1) for k in range(len(tokens) - n + 1)
                 if (f := vocabulary.get(" ".join(lowered[s:e] for s, e in tokens[k:k + n]))) is not None and f in row]
        _share(grams, row, owners, found[i], weights)


def _add_char_ngrams(vectorizer: Any, texts: Sequence[str], words: list[Words], found: list[np.ndarray],
                     weights: np.ndarray) -> None:
    """Each character n-gram's part, given to the word it was read in (as ``char_wb`` reads
    them: within each run of non-space characters, a space added either side)."""
    low, high = vectorizer.ngram_range
    vocabulary = vectorizer.vocabulary_
    known: dict[str, list[tuple[int, int, int]]] = {}  # by run: its n-grams of the vocabulary, where in it
    for i, lowered, row in _rows(vectorizer, texts):
        grams, owners = [], []
        for run in re.finditer(r"\S+", lowered):
            if (in_run := known.get(run.group())) is None:
                in_run = known[run.group()] = _run_grams(run.group(), vocabulary, low, high)
            whole = words[i].exactly(*run.span())  # a run that is one word owns each of its n-grams
            for f, a, b in in_run:
                owner = whole if whole is not None else words[i].at(run.start() + a, run.start() + b)
                if owner is not None and f in row:
                    grams.append((f, range(len(owners), len(owners) + 1)))
                    owners.append(owner)
        _share(grams, row, owners, found[i], weights)


def _run_grams(run: str, vocabulary: dict[str, int], low: int, high: int) -> list[tuple[int, int, int]]:
    """The character n-grams of ``run`` (padded with a space either side) that ``vocabulary``
    holds: (feature, start, end), where start:end is the part of ``run`` it was read from."""
    padded = f" {run} "
    return [(f, max(first - 1, 0), min(first + n - 1, len(run))) for first, n in _char_grams(len(padded), low, high)
            if (f := vocabulary.get(padded[first:first + n])) is not None]


def _rows(vectorizer: Any, texts: Sequence[str]) -> Iterator[tuple[int, str, dict[int, float]]]:
    """Per text that lower case leaves its places to (not one with a letter whose lower case
    is longer): its number, its lower-cased text, and its n-grams' values by feature."""
    X = vectorizer.transform(texts).tocsr()
    preprocess = vectorizer.build_preprocessor()
    for i, text in enumerate(texts):
        if len(lowered := preprocess(text)) == len(text):
            yield i, lowered, dict(zip(X.indices[X.indptr[i]:X.indptr[i + 1]], X.data[X.indptr[i]:X.indptr[i + 1]],
                                       strict=True))


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
    counts = Counter(f for f, _ in grams)
    given = [(f, owners[k], counts[f] * len(at)) for f, at in grams for k in at if owners[k] is not None]
    if given:
        features, to, shares = (np.asarray(column) for column in zip(*given, strict=True))
        values = np.asarray([row[f] for f in features.tolist()])
        np.add.at(out, to, values[:, None] * weights[features] / shares[:, None])


def _add_embedding(embedder: SentenceEmbedder, texts: Sequence[str], words: list[Words], found: list[np.ndarray],
                   weights: np.ndarray) -> None:
    """The sentence embedding's part, given to the word of each word piece."""
    readings = embedding_parts(texts, weights, embedder.batch_size, EmbeddingCache(embedder.cache_dir))
    for i, (spans, parts) in enumerate(readings):
        for (start, end), value in zip(spans, parts, strict=True):
            if end > start and (owner := words[i].at(int(start), int(end))) is not None:
                found[i][owner] += value


#: what the encoder's pass over a text leaves for its evidence: where each word piece it read is
#: in the text (``start, end``; ``[CLS]`` and ``[SEP]`` empty), and what it adds to each code's
#: ``embedding . weights`` (word pieces x codes)
Reading = tuple[np.ndarray, np.ndarray]


def _digest(weights: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(weights, dtype=np.float64).tobytes()).hexdigest()


def read_texts(texts: Sequence[str], weights: np.ndarray, batch_size: int = 16) -> tuple[np.ndarray, list[Reading]]:
    """Embed ``texts`` once (:func:`~tr_nlp.features.embeddings.encode_whole`): their
    embeddings, exactly as the encoder gives them, and their :data:`Reading` for ``weights``
    (384 x codes). The parts of a text add up to its embedding's score exactly, for a text
    cut into pieces too (the unit-length mean of its pieces' embeddings, weighted by their
    word pieces)."""
    encoder = load_encoder()
    read: list[dict[int, tuple[str, int, np.ndarray, np.ndarray]]] = [{} for _ in texts]

    def keep(i: int, p: int, piece: str, size: int, states: Any) -> None:  # its parts of w . e_piece, e_piece
        tokens = states.double().numpy()
        mean = tokens.mean(axis=0)
        norm = np.linalg.norm(mean)
        read[i][p] = (piece, size, tokens @ weights / (len(tokens) * norm), mean / norm)

    vectors = encode_whole(encoder, texts, batch_size, keep)
    readings = []
    for text, by_piece in zip(texts, read, strict=True):
        cut = [by_piece[p] for p in range(len(by_piece))]
        share = np.asarray([size for _, size, _, _ in cut], dtype=float)
        share /= share.sum()
        norm = np.linalg.norm(sum(s * unit for s, (*_, unit) in zip(share, cut, strict=True)))
        spans, found, at = [], [], 0
        for s, (piece, _, parts, _) in zip(share, cut, strict=True):
            begin = text.find(piece, at)
            at = begin + len(piece)
            begin += len(piece) - len(piece.lstrip())  # the encoder reads the piece stripped
            offsets = encoder.tokenizer(piece.strip(), return_offsets_mapping=True, truncation=True,
                                        max_length=encoder.max_seq_length)["offset_mapping"]
            if len(offsets) == len(parts):  # else not as the encoder read it: no part to place
                spans += [(begin + a, begin + b) for a, b in offsets]
                found.append(parts * s / norm)
        readings.append((np.asarray(spans, dtype=np.int64).reshape(-1, 2),
                         np.vstack(found) if found else np.zeros((0, weights.shape[1]))))
    return vectors, readings


def read_new_texts(model: Any, texts: Sequence[str], weights: np.ndarray) -> None:
    """Before a model scores ``texts``: embed those its embedding cache does not hold in one
    pass that puts both their embeddings (so scoring finds them there) and their
    :data:`Reading` for ``weights`` (:func:`weight_matrix`) in the cache, so their evidence
    costs no second pass."""
    parts = text_features(model)
    embedder = parts.embedder
    if embedder is None:
        return
    weights = weights[parts.at[2]:parts.at[2] + DIMENSIONS]
    cache, digest = EmbeddingCache(embedder.cache_dir), _digest(weights)

    def read(new: list[str]) -> np.ndarray:
        vectors, readings = read_texts(new, weights, embedder.batch_size)
        keys = [_key(digest, embedder.batch_size, text) for text in new]
        cache.put_parts(dict(zip(keys, readings, strict=True)))
        return vectors

    embed_texts(texts, cache, embedder.batch_size, encode=read)


def embedding_parts(texts: Sequence[str], weights: np.ndarray, batch_size: int = 16,
                    cache: EmbeddingCache | None = None) -> list[Reading]:
    """Per text, its :data:`Reading` for ``weights`` (384 x codes): from ``cache`` (the
    default folder's when not given) where a run, this one or an earlier one, in this
    process or another, read it (:func:`read_new_texts`), else from one pass of the encoder."""
    cache, digest = cache or EmbeddingCache(), _digest(weights)
    keys = {text: _key(digest, batch_size, text) for text in texts}
    stored = cache.get_parts(list(keys.values()))
    found = {text: stored[key] for text, key in keys.items() if key in stored}
    if unread := [text for text in keys if text not in found]:
        read = dict(zip(unread, read_texts(unread, weights, batch_size)[1], strict=True))
        cache.put_parts({keys[text]: reading for text, reading in read.items()})
        found.update(read)
    return [found[text] for text in texts]


def _key(digest: str, batch_size: int, text: str) -> bytes:
    """The cache's key of the reading of ``text`` for the weights of ``digest``."""
    return hashlib.sha256(f"reading\0{digest}\0".encode() + EmbeddingCache.key(text, batch_size)).digest()
