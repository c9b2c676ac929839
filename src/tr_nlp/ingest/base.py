"""What every reader takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tr_nlp.ingest.speakers import RoleMap
from tr_nlp.schema import Codebook, Coding, Interview, Reviewed

if TYPE_CHECKING:
    from tr_nlp.ingest.table import TableMapping

#: File suffix -> format (a key of :data:`tr_nlp.ingest.READERS`).
EXTENSIONS = {
    ".txt": "text", ".md": "markdown", ".markdown": "markdown", ".docx": "docx",
    ".vtt": "vtt", ".srt": "srt", ".csv": "table", ".tsv": "table", ".jsonl": "table",
    ".ndjson": "table", ".parquet": "table", ".xlsx": "table", ".ods": "table", ".fods": "table", ".qdpx": "qdpx", ".qde": "qdpx",
    ".json": "whisper", ".rtf": "rtf", ".odt": "odt", ".fodt": "odt", ".pdf": "pdf", ".doc": "doc", ".html": "html",
    ".htm": "html", ".xhtml": "html", ".otr": "otr", ".mht": "mht", ".mhtml": "mht",
    ".eaf": "eaf", ".trs": "trs", ".exb": "exb", ".cha": "cha",
}
#: Suffixes of files that hold one transcript, whose file name (minus the suffix) is its id.
TRANSCRIPT_SUFFIXES = tuple(s for s, fmt in EXTENSIONS.items() if fmt not in {"table", "qdpx"})


def reader_of(path: Path, fmt: str | None = None) -> str | None:
    """The reader for ``path``: ``fmt`` when one is forced, else its suffix's; None when no
    reader takes that suffix."""
    return fmt or EXTENSIONS.get(path.suffix.lower())


@dataclass(frozen=True)
class ReadOptions:
    """Settings shared by all readers.

    Parameters
    ----------
    encoding : str, optional
        Force a text encoding instead of detecting it.
    roles : RoleMap
        Speaker -> role overrides for this corpus.
    table : TableMapping, optional
        Column mapping for utterance tables (CSV/JSONL/Parquet).
    """

    encoding: str | None = None
    roles: RoleMap = field(default_factory=RoleMap)
    table: TableMapping | None = None


@dataclass
class ReadResult:
    """Interviews read from one file, with any codings and codebook it carried.

    ``machine_codings`` holds codings by tr_nlp's own machine users (suggestions exported
    to a project earlier: :func:`~tr_nlp.schema.is_machine_coder`), kept apart from the
    human ``codings``; ``reviewed``, the passages a project marks as read for coding
    (:data:`~tr_nlp.refi.vocab.READ_CODE`).
    """

    interviews: list[Interview] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    codebook: Codebook | None = None
    warnings: list[str] = field(default_factory=list)
    machine_codings: list[Coding] = field(default_factory=list)
    reviewed: list[Reviewed] = field(default_factory=list)
    #: codings kept as comments in a document, their code the comment's text as written
    #: (matched to the codebook by :func:`~tr_nlp.ingest.comments.codes_from_comments`)
    comment_codings: list[Coding] = field(default_factory=list)
