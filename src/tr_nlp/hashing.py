"""Content hashes: how tr_nlp tells that a file (a model, an input, weights) changed."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes (hex), read in 1 MB blocks."""
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
