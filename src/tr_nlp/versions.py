"""Versions of the libraries that shape results, for run.json and model cards."""

from __future__ import annotations

import platform
from importlib import metadata

from tr_nlp import __version__

_VERSIONED = ("spacy", "pandas", "pyarrow", "numpy", "python-docx", "scikit-learn", "skops",
              "sentence-transformers", "torch")


def library_versions() -> dict[str, str]:
    """Versions of tr_nlp, Python and the libraries that shape results."""
    versions = {"tr_nlp": __version__, "python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
