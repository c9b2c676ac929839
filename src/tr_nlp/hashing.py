"""Content hashes: how tr_nlp tells that a file (a model, an input, weights) changed."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes (hex), read in 1 MB blocks.

    Raises
    ------
    OSError
        For what cannot be read, and (without waiting) for a named pipe, socket or device,
        where opening or reading would wait for a writer that may never come.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a named pipe, socket or device)", str(path))
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_fingerprint(text: str) -> str:
    """A short hash of a text's words (case and spacing ignored): the same interview read
    from a .docx or a .txt, or with its lines wrapped differently, has the same one.

    It tells whether an interview was among a model's training interviews without keeping
    anything of its words.

    >>> text_fingerprint("I: Hello\\nP: Hi there.") == text_fingerprint("i:  hello P: hi\\n there.")
    True
    """
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()[:16]


#: Words per shingle of :func:`text_sketch`, and hashes a sketch keeps.
SHINGLE_WORDS, SKETCH_SIZE = 4, 64
#: Estimated share of four-word runs (:func:`sketch_similarity`) from which a text counts as
#: an edited copy of another. Distinct interviews share at most about 0.05 (AnnoMI's 133
#: sessions, the demo), a pseudonymised copy 0.70 or more.
NEAR_COPY = 0.4
_WORD = re.compile(r"\w+")


def text_sketch(text: str, size: int = SKETCH_SIZE) -> str:
    """A bottom-k sketch of a text's runs of four words (case and punctuation ignored).

    The ``size`` smallest 32-bit hashes of its 4-word shingles, as hex: two sketches
    estimate how many shingles their texts share (:func:`sketch_similarity`), so an
    interview edited after a model was trained on it (typos corrected, names replaced) is
    still recognised; like :func:`text_fingerprint`, nothing of the words can be read back.

    >>> len(text_sketch("so she just sat with me for a bit, you know")) // 8  # 8 shingles, all kept
    8
    """
    words = _WORD.findall(text.casefold())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(len(words) - SHINGLE_WORDS + 1, 1))}
    hashes = sorted({int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "big")
                     for s in shingles if s})
    return "".join(f"{h:08x}" for h in hashes[:size])


def sketch_similarity(a: str, b: str, size: int = SKETCH_SIZE) -> float:
    """Estimated Jaccard similarity of the shingles of two :func:`text_sketch` texts (0 to 1).

    >>> old = "I: So how was it? P: She was, um, she was just kind to me, she never rushed me out the door."
    >>> new = old.replace("um, ", "")
    >>> round(sketch_similarity(text_sketch(old), text_sketch(new)), 2)
    0.68
    >>> sketch_similarity(text_sketch(old), text_sketch("Nothing in common with that interview at all."))
    0.0
    """
    return _share(_hashes(a), _hashes(b), size)


def _share(first: set[int], second: set[int], size: int = SKETCH_SIZE) -> float:
    """:func:`sketch_similarity` of two sketches' hashes."""
    union = sorted(first | second)[:size]
    if not union:
        return 0.0
    return sum(1 for h in union if h in first and h in second) / len(union)


def _hashes(sketch: str) -> set[int]:
    return {int(sketch[i:i + 8], 16) for i in range(0, len(sketch), 8)}


def _holders(hashes: Mapping[str, set[int]]) -> dict[int, list[str]]:
    """An index of sketches' hashes: hash -> the keys of the sketches holding it."""
    holders: dict[int, list[str]] = {}
    for key, held in hashes.items():
        for h in held:
            holders.setdefault(h, []).append(key)
    return holders


def _can_reach(shared: int, first: set[int], second: set[int], threshold: float) -> bool:
    """Whether two sketches with ``shared`` hashes in common can share ``threshold`` of their
    runs: a share s of the lowest hashes of both means at least s times that many in common."""
    return shared >= threshold * min(SKETCH_SIZE, len(first), len(second))


def near_copies(sketches: Mapping[str, str], threshold: float = NEAR_COPY) -> list[tuple[str, str, float]]:
    """Pairs of texts whose sketches (:func:`text_sketch`) share at least ``threshold`` of
    their four-word runs: ``(id, other id, share)``, the most alike first.

    Only pairs holding enough hashes in common to reach ``threshold`` are compared (an
    index of the hashes), so texts that share a stock phrase or two, or a corpus of
    thousands of interviews, are not compared pair by pair.

    >>> text = "she never once made me feel like a case number, she just listened to me"
    >>> near_copies({"p01": text_sketch(text), "p01 final": text_sketch(text.replace("once ", "")),
    ...              "p02": text_sketch("the ward was loud and nobody had time for anyone really")})
    [('p01', 'p01 final', 0.64)]
    """
    hashes = {key: _hashes(sketch) for key, sketch in sketches.items()}
    shared = Counter((a, b) for keys in _holders(hashes).values() for i, a in enumerate(keys) for b in keys[i + 1:])
    found = []
    for (a, b), n in shared.items():
        if _can_reach(n, hashes[a], hashes[b], threshold):
            share = round(_share(hashes[a], hashes[b]), 2)
            if share >= threshold:
                found.append((*sorted((a, b)), share))
    return sorted(found, key=lambda t: (-t[2], t[0], t[1]))


def copies_of(sketches: Mapping[str, str], originals: Sequence[str], threshold: float = NEAR_COPY) -> dict[str, float]:
    """Which of ``sketches`` share at least ``threshold`` of their four-word runs with one
    of the ``originals`` (sketches too): id -> the highest such share, in the order of
    ``sketches``. Compared through an index of the originals' hashes, as in :func:`near_copies`.

    >>> text = "she never once made me feel like a case number, she just listened to me"
    >>> found = copies_of({"p01 final": text_sketch(text.replace("once ", "")),
    ...                    "p02": text_sketch("the ward was loud")}, [text_sketch(text)])
    >>> {key: round(share, 2) for key, share in found.items()}
    {'p01 final': 0.64}
    """
    known = {str(i): _hashes(sketch) for i, sketch in enumerate(originals)}
    holders = _holders(known)
    found = {}
    for key, sketch in sketches.items():
        held = _hashes(sketch)
        shared = Counter(original for h in held for original in holders.get(h, ()))
        best = max((_share(held, known[o]) for o, n in shared.items() if _can_reach(n, held, known[o], threshold)),
                   default=0.0)
        if best >= threshold:
            found[key] = best
    return found
