"""Ingest: one small reader per input format, all producing :class:`tr_nlp.schema.Interview`.

Use :func:`load_corpus` for many paths (bad files are reported, not fatal) and
:func:`read_file` for one.
"""

from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.codings import read_codings
from tr_nlp.ingest.corpus import (
    EXTENSIONS,
    READERS,
    Corpus,
    FileReport,
    detect_format,
    iter_input_files,
    load_corpus,
    read_file,
)
from tr_nlp.ingest.speakers import RoleMap
from tr_nlp.ingest.table import PRESETS, TableMapping

__all__ = [
    "EXTENSIONS", "PRESETS", "READERS", "Corpus", "FileReport", "ReadOptions", "ReadResult",
    "RoleMap", "TableMapping", "detect_format", "iter_input_files", "load_corpus",
    "read_codings", "read_file",
]
