"""Read many files into one corpus, reporting each bad file and going on with the rest.

A folder may hold a ``corpus.yaml`` that says where its interviews, codings and codebook
are and how to read them::

    name: demo
    interviews: [interviews/]        # files, folders or globs, relative to this file
    codings: codings.csv             # or a list: [anna.csv, ben.csv], one per coder
    codebook: codebook.yaml
    reviewed: [round1.csv]           # passages read in interviews coded in part (tr-nlp next's lists)
    metadata: participants.xlsx      # a row per interview, a column per key (site, group...)
    speakers:                        # speaker -> role overrides
      interviewer: [Sam]
    preset: annomi                   # or a table mapping: {text_col: ..., speaker_col: ...}
    encoding: utf-8

Its settings hold for what is read below it, a file or subfolder given by name too; a
folder holding such folders (a project of several sites' corpora) reads each as a corpus.

Without one, a folder is searched recursively for files with a known extension, leaving
out hidden files, paths starting with ``_`` and README/LICENSE/CHANGELOG files; files of
other types (``.pages``, audio...) are left out with a warning naming them, and so is a
PDF or ``.doc`` beside a transcript of the same name in another format (its printout, or
the file it was saved from). The lock file Word keeps beside a document open in it
(``~$name.docx``, a few bytes naming who has it open) is never read, however it is named
(a folder, a glob, or the shell's expansion of one), with a warning: that document is
open, and what is not saved in it yet is not read.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from tr_nlp.codebook import load_codebook, load_yaml
from tr_nlp.errors import ConfigError, InputError, TrNlpError, path_text, some
from tr_nlp.ingest.archive import legacy_error
from tr_nlp.ingest.base import EXTENSIONS, ReadOptions, ReadResult, reader_of
from tr_nlp.ingest.chat import read_cha
from tr_nlp.ingest.codings import codings_in_codebook, no_coder_note, read_codings, spelled_one_way
from tr_nlp.ingest.combine import (
    Gathered,
    added_codes_note,
    extend_unseen,
    merged_codebook,
    moved_items,
    renamed_items,
)
from tr_nlp.ingest.comments import codes_from_comments, read_marks
from tr_nlp.ingest.doc import read_doc
from tr_nlp.ingest.docx import read_docx
from tr_nlp.ingest.elan import read_eaf
from tr_nlp.ingest.encoding import letters_apart
from tr_nlp.ingest.exmaralda import read_exb
from tr_nlp.ingest.metadata import read_metadata, single_values, with_metadata
from tr_nlp.ingest.nodes import (
    NODE_EXPORT_FORMATS,
    NodeExport,
    exports_note,
    node_code,
    node_codings,
    node_export,
)
from tr_nlp.ingest.odt import read_odt
from tr_nlp.ingest.pdf import read_pdf
from tr_nlp.ingest.qdpx import read_qdpx
from tr_nlp.ingest.reviewed import read_reviewed
from tr_nlp.ingest.rtf import read_rtf
from tr_nlp.ingest.speakers import RoleMap, unmatched_roles_warnings
from tr_nlp.ingest.subtitles import read_srt, read_vtt
from tr_nlp.ingest.table import TableMapping, read_table, table_roles
from tr_nlp.ingest.text import read_text_file
from tr_nlp.ingest.transcriber import read_trs
from tr_nlp.ingest.webpage import read_html, read_mht, read_otr
from tr_nlp.ingest.whisper import is_speech_json, read_whisper_json
from tr_nlp.schema import ROLES, Codebook, Coding, Interview, Reviewed

log = logging.getLogger(__name__)

CONFIG_NAME = "corpus.yaml"
READERS = {
    "text": partial(read_text_file, fmt="text"),
    "markdown": partial(read_text_file, fmt="markdown"),
    "docx": read_docx,
    "doc": read_doc,
    "rtf": read_rtf,
    "pdf": read_pdf,
    "odt": read_odt,
    "html": read_html,
    "otr": read_otr,
    "mht": read_mht,
    "vtt": read_vtt,
    "srt": read_srt,
    "table": read_table,
    "qdpx": read_qdpx,
    "whisper": read_whisper_json,
    "eaf": read_eaf,
    "trs": read_trs,
    "exb": read_exb,
    "cha": read_cha,
}
_SKIP_STEMS = {"readme", "license", "licence", "changelog", "notice", "source"}
#: files a corpus folder holds beside its transcripts, not worth a warning when passed over
_COMPANION_SUFFIXES = {".yaml", ".yml", ".qdc", ".json", ".qde", ".pfsx"}  # .pfsx: ELAN's settings for a .eaf
#: recordings, which a folder of transcripts often holds beside them
RECORDING_SUFFIXES = frozenset({
    ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff", ".amr", ".mp4",
    ".m4v", ".mov", ".avi", ".mkv", ".webm", ".wmv", ".mpg", ".mpeg", ".3gp",
})


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    format: str | None
    interview_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: TrNlpError | None = None


@dataclass
class Corpus:
    """Interviews, codings and codebook read from some paths, and a report per file."""

    interviews: list[Interview] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    codebook: Codebook | None = None
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: passages of partly coded interviews that coders read (see :mod:`tr_nlp.ingest.reviewed`)
    reviewed: list[Reviewed] = field(default_factory=list)
    #: the folders above the paths given whose ``corpus.yaml`` names codings that were not
    #: read, as they are only where the folder itself is given (see :func:`plan_inputs`)
    codings_above: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> list[FileReport]:
        """Reports of files that could not be read."""
        return [f for f in self.files if f.error is not None]

    def by_id(self) -> dict[str, Interview]:
        """Interviews keyed by id."""
        return {iv.id: iv for iv in self.interviews}

    def describe(self) -> list[dict[str, Any]]:
        """One record per interview: file, format, speakers with roles, turns, words, the
        times in the recording it gives (``times``: how many distinct ones, ``time_span``:
        first and last in seconds, or None), its codings by coder, and how many of its
        passages are marked read for coding (``read``; see :mod:`tr_nlp.ingest.reviewed`), and
        its metadata's single values as text (``metadata``: front matter, document properties,
        case variables, a metadata table's row...)."""
        source_of = {iid: f for f in self.files for iid in f.interview_ids}
        coded: dict[str, Counter[str]] = {}
        for coding in self.codings:
            coded.setdefault(coding.interview_id, Counter())[coding.coder] += 1
        read = Counter(r.interview_id for r in set(self.reviewed))
        records = []
        for iv in self.interviews:
            report = source_of.get(iv.id)
            known = iv.known_times
            records.append({
                "file": report.path if report else iv.source,
                "format": iv.format,
                "interview_id": iv.id,
                "speakers": dict(iv.speakers),
                "turns": len(iv.turns),
                "words": sum(len(letters_apart(iv.text[t.start:t.end]).split()) for t in iv.turns),
                "times": len(set(known)),
                "time_span": [min(known), max(known)] if known else None,
                "line_span": _line_span(iv),
                "synthetic": bool(iv.metadata.get("synthetic", False)),
                "codings": dict(sorted(coded.get(iv.id, Counter()).items())),
                "read": read[iv.id],
                "metadata": single_values(iv.metadata),
            })
        return records


def _line_span(interview: Interview) -> list[int] | None:
    """The lines an interview's turns run over, as its source numbers them: ``[first, last]``
    in the order of the text (a printout numbered again on each page may end on a smaller
    number), or None where the source numbers no lines.

    >>> from tr_nlp.schema import Turn
    >>> iv = Interview("i1", "Title\\nI: Hi.\\nP: Yes,\\nwell.", (Turn("I", "interviewer", 9, 12),
    ...                Turn("P", "participant", 16, 26)), lines=((0, 4),))
    >>> _line_span(iv), _line_span(Interview("i2", "Hi."))
    ([5, 7], None)
    """
    if not interview.turns:
        return None
    first, last = interview.lines_of(interview.turns[0].start, interview.turns[-1].end)
    return None if first is None or last is None else [first, last]


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The reader name for ``path``: ``fmt`` if given, else from the extension."""
    if fmt:
        if fmt not in READERS:
            raise InputError("E105", path, fmt=fmt, expected=sorted(READERS))
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":  # an utterance table in Excel 97-2003's format
        raise legacy_error(Path(path), ".xlsx")
    if suffix not in EXTENSIONS:
        raise InputError("E104", path, suffix=suffix or "(none)", expected=" ".join(sorted(EXTENSIONS)))
    return EXTENSIONS[suffix]


def read_file(path: str | Path, options: ReadOptions = ReadOptions(), fmt: str | None = None) -> ReadResult:
    """Read one file with the reader its format calls for.

    Raises
    ------
    InputError
        E139 for an NVivo node export: the references of a code, not a transcript (read
        it with :func:`read_node_export`).
    """
    result, fmt = _read(Path(path), options, fmt)
    if fmt in NODE_EXPORT_FORMATS and len(result.interviews) == 1:
        export = node_export(result.interviews[0].text)
        if export is not None:
            raise InputError("E139", path, what=export.describe(Path(path).stem))
    return result


def read_node_export(path: str | Path, options: ReadOptions = ReadOptions()) -> NodeExport:
    """Read an NVivo node export (:mod:`tr_nlp.ingest.nodes`) from a document of any format
    a transcript may have.

    Raises
    ------
    InputError
        E158 when the document is none.
    """
    result, _ = _read(Path(path), options, None, NODE_EXPORT_FORMATS)
    export = node_export(result.interviews[0].text) if len(result.interviews) == 1 else None
    if export is None:
        raise InputError("E158", path)
    return export


def _read(path: Path, options: ReadOptions, fmt: str | None,
          only: frozenset[str] | None = None) -> tuple[ReadResult, str]:
    """Read ``path`` with the reader of ``fmt`` (else its suffix's), and that format; a
    format not in ``only`` (when given) is read as nothing."""
    if not path.is_file():
        raise _not_a_file(path)
    if path_text(path) != str(path):  # every output that names it or its interview would fail to write
        raise InputError("E109", path, detail="its name, or a folder's above it, is not valid UTF-8: it was written on "
                                              "a system with another encoding, such as Latin-1; rename it (all at "
                                              "once: convmv -r -f latin1 -t utf8 --notest FOLDER)")
    fmt = detect_format(path, fmt)
    return (READERS[fmt](path, options) if only is None or fmt in only else ReadResult()), fmt


def _broken_link(path: Path) -> bool:
    """Whether ``path`` is a symbolic link to nothing (its file was moved or deleted, or
    the links lead round in a loop)."""
    return path.is_symlink() and not path.exists()


def real_path(path: str | Path) -> Path:
    """``path`` with every link followed, as far as the links lead: unlike
    :meth:`Path.resolve`, a loop of links is no error here (reading it is, E109)."""
    return Path(os.path.realpath(path))


def _not_a_file(path: Path) -> InputError:
    """The error for an input that is no file: where a broken link points, a loop of
    links, a named pipe or device, or E100."""
    if _broken_link(path):
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return InputError("E109", path, detail=f"it is a link to {os.readlink(path)}, and the links lead "
                                                       "round in a loop; link it to the transcript or remove it")
        return InputError("E109", path, detail=f"it is a link to {os.readlink(path)}, which does not exist; "
                                               "link it to the transcript or remove it")
    if path.exists() and not path.is_dir():
        return InputError("E109", path, detail="it is a named pipe, socket or device, not a regular "
                                               "file; give the transcript file itself")
    return InputError("E100", path)


def as_paths(paths: str | Path | Iterable[str | Path] | None) -> list[str | Path]:
    """``paths`` as a list, where one path may be given alone: ``"corpora/demo"`` is one
    path, not its characters (each taken for a path, ``"/"`` the whole file system).

    >>> as_paths("corpora/demo"), as_paths(Path("a.txt")), as_paths(["a.txt", "b.txt"]), as_paths(None)
    (['corpora/demo'], [PosixPath('a.txt')], ['a.txt', 'b.txt'], [])
    """
    if paths is None:
        return []
    return [paths] if isinstance(paths, str | Path) else list(paths)


def iter_input_files(paths: str | Path | Iterable[str | Path], passed_over: list[Path] | None = None) -> Iterator[Path]:
    """Expand files, folders (recursively, sorted) and globs into transcript files.

    A folder's files of a type no reader takes (``.pages``, audio...) are left
    out; pass a list as ``passed_over`` to collect them. A folder's ``.json`` files are
    read only when they are speech-to-text transcripts (the others are model cards,
    settings and the like).
    """
    for raw in as_paths(paths):
        path = Path(raw)
        if path.is_dir():
            for child in _folder_files(path):
                suffix = child.suffix.lower()
                if suffix in EXTENSIONS and (suffix != ".json" or is_speech_json(child)):
                    yield child
                elif passed_over is not None and suffix not in _COMPANION_SUFFIXES:
                    passed_over.append(child)
        elif path.exists():
            yield path
        else:
            matches = pattern_matches(raw)
            if not matches:
                yield path  # reported as missing by the reader
            for match in matches:
                if match.is_dir():  # a folder a pattern matches is read as a folder
                    yield from iter_input_files([match], passed_over)
                else:  # a file, or what the reader reports: a link to nothing, a named pipe or device
                    yield match


def pattern_matches(pattern: str | Path) -> list[Path]:
    """What a glob pattern (``**`` too) matches, sorted, but for what lies in a folder it
    also matches (read with that folder).

    >>> pattern_matches("no-such-folder/*")
    []
    """
    matches = sorted(_recursive_matches(str(pattern)) if "**" in Path(pattern).parts else map(Path, glob.glob(str(pattern))))
    folders = {m for m in matches if m.is_dir()}
    return [m for m in matches if not folders.intersection(m.parents)]


def _recursive_matches(pattern: str) -> Iterator[Path]:
    """What a pattern with ``**`` matches, as :func:`glob.glob` would but without following
    links to folders into the tree below (``glob.glob`` follows them, so a link to a parent
    folder on a shared drive made it run forever): the pattern's leading plain folders,
    then :meth:`Path.glob` below them. Names starting with a dot match only a pattern part
    that starts with one, as in ``glob``."""
    parts = Path(pattern).parts
    plain = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    anchor, rest = Path(*parts[:plain]) if plain else Path(), parts[plain:]
    dotted = any(part.startswith(".") for part in rest)
    for match in anchor.glob(str(Path(*rest))):
        if dotted or not any(part.startswith(".") for part in match.relative_to(anchor).parts):
            yield match


def _folder_files(folder: Path) -> Iterator[Path]:
    """A folder's files, sorted, but for hidden ones, README-like ones, a project's sources
    and the folder Word keeps a web page's parts in."""
    found = sorted(folder.rglob("*"))
    # a bare REFI-QDA project: its sources/ folder belongs to the .qde, not the corpus; and the
    # folder of a page Word saved as a web page ("p07_files/", "p07-Dateien/"...), whose
    # list of parts names it, holds its pictures, theme and headers (header.htm), no transcript
    elsewhere = {p.parent / "sources" for p in found if p.suffix.lower() == ".qde"}
    elsewhere |= {p.parent for p in found if p.name.lower() == "filelist.xml"}
    for child in found:
        rel = child.relative_to(folder).parts
        # not only files: the reader reports a link to nothing, a named pipe or device by name
        if (not child.is_dir() and not any(p.startswith((".", "_")) for p in rel)
                and child.stem.lower() not in _SKIP_STEMS and not _inside(child, elsewhere)):
            yield child


def passed_over_warnings(files: Sequence[Path], transcripts: Sequence[Path] = (), shown: int = 3) -> list[str]:
    """Lines saying which files of a folder were not read, and why: recordings, and files
    of types no reader takes. A recording beside a transcript of the same name (``P07.wav``
    beside ``P07.eaf``, as ELAN, noScribe and oTranscribe keep them) goes without a word.

    >>> for line in passed_over_warnings([Path("p1.mp3"), Path("p2.m4a"), Path("b.pages"), Path("c.pages")],
    ...                                  [Path("p1.docx")], shown=2):
    ...     print(line)
    1 recording(s) not read (.m4a 1): 'p2.m4a'; tr_nlp reads transcripts: transcribe the recordings first
    (offline: Whisper, WhisperX, noScribe or aTrain) and read their transcripts
    2 file(s) not read: no reader takes their type (.pages 2): 'b.pages', 'c.pages'; if they are
    transcripts, save them as .docx or .txt
    """
    transcribed = {(t.parent, t.stem.casefold()) for t in transcripts}
    recordings = [f for f in files if f.suffix.lower() in RECORDING_SUFFIXES
                  and (f.parent, f.stem.casefold()) not in transcribed]
    others = [f for f in files if f.suffix.lower() not in RECORDING_SUFFIXES]
    lines = []
    if recordings:
        lines.append(f"{len(recordings)} recording(s) not read ({_types(recordings)}): {_some(recordings, shown)}; "
                     "tr_nlp reads transcripts: transcribe the recordings first (offline: Whisper, WhisperX, "
                     "noScribe or aTrain) and read their transcripts")
    if others:
        lines.append(f"{len(others)} file(s) not read: no reader takes their type ({_types(others)}): "
                     f"{_some(others, shown)}; if they are transcripts, save them as .docx or .txt")
    return lines


def _types(files: Sequence[Path]) -> str:
    """How many files of each suffix, most first."""
    counts = Counter(f.suffix.lower() or "(no suffix)" for f in files)
    return ", ".join(f"{s} {n}" for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _some(files: Sequence[Path], shown: int) -> str:
    """The first ``shown`` of ``files``, quoted, and how many more there are."""
    return some([repr(str(f)) for f in files], shown)


#: what Whisper and WhisperX write beside their .json by default (``--output_format all``)
_TRANSCRIPTION_COPIES = {".txt", ".vtt", ".srt", ".tsv"}


def _without_other_formats(
    found: list[tuple[Path, ReadOptions, str | None]],
) -> tuple[list[tuple[Path, ReadOptions, str | None]], list[Path], list[Path], list[Path]]:
    """``found`` less the other formats of each speech-to-text transcript, the PDF and
    ``.doc`` copies of other transcripts and the subtitles beside them; and those three
    kinds of files.

    Whisper writes one recording's transcript as ``a.json``, ``a.txt``, ``a.vtt``,
    ``a.srt`` and ``a.tsv``: the same interview five times, which would fail as duplicate
    ids. The ``.json`` holds the most (WhisperX's speakers, times), so it is read alone.
    Likewise ``a.pdf`` beside ``a.docx`` (or ``a.doc``) is most likely its printout, and
    ``a.doc`` the file ``a.docx`` was saved from (``soffice --convert-to docx`` writes it
    beside it): the document is read. So is a transcript beside its subtitles (``a.vtt``,
    ``a.srt``: noScribe's and transcription services' other exports of one transcript,
    whose texts differ by the header and labels and would clash as two interviews of one id).
    """
    def stem(path: Path) -> tuple[Path, str]:
        return path.parent, path.stem

    speech = {stem(path) for path, _, fmt in found if reader_of(path, fmt) == "whisper"}
    documents = {stem(path) for path, _, fmt in found if reader_of(path, fmt) not in {"pdf", "doc", "table", "qdpx"}}
    originals = documents | {stem(path) for path, _, fmt in found if reader_of(path, fmt) == "doc"}
    transcripts = {stem(path) for path, _, fmt in found if reader_of(path, fmt) in _SUBTITLED}
    kept, copies, printouts, subtitles = [], [], [], []
    for item in found:
        path, _, fmt = item
        if stem(path) in speech and path.suffix.lower() in _TRANSCRIPTION_COPIES:
            copies.append(path)
        elif (reader_of(path, fmt) == "pdf" and stem(path) in originals) or (
                reader_of(path, fmt) == "doc" and stem(path) in documents):
            printouts.append(path)
        elif reader_of(path, fmt) in {"vtt", "srt"} and stem(path) in transcripts:
            subtitles.append(path)
        else:
            kept.append(item)
    return kept, copies, printouts, subtitles


#: Formats of a transcript that its subtitles beside it are another export of (not a PDF or
#: ``.doc``, which are left out themselves beside another format: the subtitles are read then).
_SUBTITLED = frozenset({"text", "markdown", "docx", "odt", "rtf", "html", "mht", "otr"})


def subtitles_warning(files: Sequence[Path], shown: int = 3) -> str:
    """One line saying which subtitle files were left out beside a transcript of the same name.

    >>> print(subtitles_warning([Path("P07.vtt")]))
    1 subtitle file(s) left out beside the transcript of the same name, which is read (another export of
    it): 'P07.vtt'
    """
    return (f"{len(files)} subtitle file(s) left out beside the transcript of the same name, which is read "
            f"(another export of it): {_some(files, shown)}")


def copies_warning(files: Sequence[Path], shown: int = 3) -> str:
    """One line saying which files were left out as copies of a speech-to-text transcript.

    >>> print(copies_warning([Path("a.srt"), Path("a.txt")]))
    2 file(s) left out as other formats of a speech-to-text transcript read from its .json
    beside them: 'a.srt', 'a.txt'
    """
    return (f"{len(files)} file(s) left out as other formats of a speech-to-text transcript read from its "
            f".json beside them: {_some(files, shown)}")


def printouts_warning(files: Sequence[Path], shown: int = 3) -> str:
    """One line saying which PDFs and ``.doc`` files were left out as copies of a transcript
    beside them.

    >>> print(printouts_warning([Path("a.pdf"), Path("b.doc")]))
    2 PDF or .doc file(s) left out as copies of the transcript of the same name beside them, which is read:
    'a.pdf', 'b.doc'
    """
    return (f"{len(files)} PDF or .doc file(s) left out as copies of the transcript of the same name beside "
            f"them, which is read: {_some(files, shown)}")


#: How the name of the lock file begins that Word (and Excel) keeps beside an open document.
LOCK_PREFIX = "~$"


def _without_lock_files(
    found: list[tuple[Path, ReadOptions, str | None]],
) -> tuple[list[tuple[Path, ReadOptions, str | None]], list[Path]]:
    """``found`` less Word's lock files of open documents, and those files."""
    locks = [path for path, _, _ in found if path.name.startswith(LOCK_PREFIX)]
    return [item for item in found if not item[0].name.startswith(LOCK_PREFIX)], locks


def lock_files_warning(files: Sequence[Path], shown: int = 3) -> str:
    """One line saying which lock files of documents open in Word were left out.

    >>> print(lock_files_warning([Path("~$01.docx")]))
    1 lock file(s) left out, which Word keeps beside a document while it is open: '~$01.docx'; what is not
    saved in such a document yet is not read
    """
    return (f"{len(files)} lock file(s) left out, which Word keeps beside a document while it is open: "
            f"{_some(files, shown)}; what is not saved in such a document yet is not read")


def _inside(path: Path, folders: set[Path]) -> bool:
    """Whether ``path`` lies in one of ``folders`` (folder names compared case-insensitively)."""
    return any(
        parent.parent == folder.parent and parent.name.casefold() == folder.name
        for folder in folders for parent in path.parents
    )


@dataclass(frozen=True)
class CorpusConfig:
    """Settings from a folder's ``corpus.yaml``."""

    root: Path
    interviews: tuple[Path, ...]
    codings: tuple[Path, ...] = ()
    codebook: Path | None = None
    options: ReadOptions = ReadOptions()
    fmt: str | None = None
    reviewed: tuple[Path, ...] = ()
    metadata: tuple[Path, ...] = ()
    #: its own ``speakers`` mapping (:attr:`options` holds it with the command's over it)
    speakers: RoleMap = field(default_factory=RoleMap)


#: corpus.yaml keys: the types each may have, and how to say so.
CONFIG_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "name": (str, "text"), "description": (str, "text"), "synthetic": (bool, "true or false"),
    "interviews": ((str, list), "a path or a list of paths"),
    "codings": ((str, list), "a path or a list of paths"),
    "codebook": (str, "a path"), "speakers": (dict, "a mapping of speaker to role"),
    "preset": (str, "a preset name"), "table": (dict, "a mapping of table settings"),
    "encoding": (str, "an encoding name"), "format": (str, "a reader name"),
    "reviewed": ((str, list), "a path or a list of paths"),
    "metadata": ((str, list), "a path or a list of paths"),
}


def load_config(folder: str | Path, options: ReadOptions = ReadOptions()) -> CorpusConfig | None:
    """Read ``folder/corpus.yaml`` if there is one."""
    folder = Path(folder)
    path = folder / CONFIG_NAME
    if not path.is_file():
        return None
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError("E160", path, detail="expected a mapping at the top level")
    unknown = set(data) - set(CONFIG_TYPES)
    if unknown:
        raise ConfigError("E160", path, detail=f"unknown keys {sorted(unknown)}; allowed: {sorted(CONFIG_TYPES)}")
    for key, value in data.items():
        kinds, expected = CONFIG_TYPES[key]
        if value is not None and not isinstance(value, kinds):
            raise ConfigError("E160", path, detail=f"'{key}' must be {expected}, found {type(value).__name__}")
    entries, codings, reviewed, metadata = (_listed(data.get(key))
                                            for key in ("interviews", "codings", "reviewed", "metadata"))
    table: TableMapping | None = options.table
    if data.get("preset"):
        table = TableMapping.preset(str(data["preset"]))
    if isinstance(data.get("table"), dict):
        table = (table or TableMapping()).with_overrides(**_table_fields(data["table"], path))
    speakers = RoleMap.from_mapping(data.get("speakers"))
    opts = ReadOptions(encoding=options.encoding or data.get("encoding"), roles=speakers.merged(options.roles),
                       table=table)

    def rel(p: Any) -> Path | None:
        return None if not p else folder / str(p)

    return CorpusConfig(
        root=folder,
        interviews=tuple(folder / str(e) for e in entries or ["."]),
        codings=tuple(folder / str(e) for e in codings),
        codebook=rel(data.get("codebook")),
        options=opts,
        fmt=data.get("format"),
        reviewed=tuple(folder / str(e) for e in reviewed),
        metadata=tuple(folder / str(e) for e in metadata),
        speakers=speakers,
    )


def _listed(value: str | list[Any] | None) -> list[Any]:
    return [value] if isinstance(value, str) else value or []


def _table_fields(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    allowed = set(TableMapping.__dataclass_fields__) - {"lenient"}
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError("E160", path, detail=f"unknown table keys {sorted(unknown)}")
    for key, value in raw.items():
        if key in ("code_cols", "metadata_cols"):
            ok, expected = isinstance(value, list) and all(isinstance(v, str) for v in value), "a list of column names"
        elif key == "roles":
            ok = isinstance(value, dict) and all(role in ROLES for role in value.values())
            expected = f"a mapping of speaker to one of {', '.join(ROLES)}"
        else:
            ok, expected = value is None or isinstance(value, str), "a column name" if key.endswith("_col") else "text"
        if not ok:
            found = repr(value)[:60] if isinstance(value, dict) else type(value).__name__
            raise ConfigError("E160", path, detail=f"table '{key}' must be {expected}, found {found}")
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


@dataclass
class InputPlan:
    """What to read: each file with its read options and format, and any codings/codebook."""

    files: list[tuple[Path, ReadOptions, str | None]] = field(default_factory=list)
    codings: list[Path] = field(default_factory=list)
    codebooks: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reviewed: list[Path] = field(default_factory=list)
    metadata: list[Path] = field(default_factory=list)
    #: those of :attr:`metadata` from a folder above those given: they describe more interviews than are read
    metadata_above: list[Path] = field(default_factory=list)
    #: each folder given whose ``corpus.yaml`` gives speakers roles, with the files it names
    speakers: list[tuple[CorpusConfig, list[Path]]] = field(default_factory=list)
    #: the folders above those given whose ``corpus.yaml`` names codings, not taken
    codings_above: list[Path] = field(default_factory=list)


def plan_inputs(paths: str | Path | Sequence[str | Path], options: ReadOptions = ReadOptions(), fmt: str | None = None,
                exclude: str | Path | None = None) -> InputPlan:
    """Expand ``paths`` into the files to read, honouring each folder's ``corpus.yaml``.

    A folder with a ``corpus.yaml`` contributes only the interviews it names, read with
    its settings; its codings, codebook and reviewed tables are returned, not read as
    transcripts, even where its interviews are the whole folder (no ``interviews:``); so
    does each such folder below a folder given (:func:`corpora_inside`). Files and folders
    given below a folder with a ``corpus.yaml`` (``study/interviews/p07.docx``) are read
    with its speakers, encoding and table settings (its ``format`` for the interviews it
    names), and its participants sheet describes them; its codings are not taken (give
    them, or the folder). A file named more than once (``a.txt`` and its folder) is read
    once, with the settings of its first mention. Files found in a folder under ``exclude`` (a run's own
    output folder inside an input folder) are neither read nor reported as passed over; a
    file named by itself is read wherever it is.
    """
    plan = InputPlan()
    seen: set[Path] = set()
    skip = real_path(exclude) if exclude is not None else None
    configs: dict[Path, CorpusConfig | None] = {}
    todo = list(_expanded(as_paths(paths)))
    while todo:
        raw = todo.pop(0)
        folder = Path(raw).is_dir()
        config = load_config(raw, options) if folder else None
        passed_over: list[Path] = []
        corpora: list[Path] = []  # folders below with their own corpus.yaml
        if config is not None:
            # its codings, codebook and reviewed tables are no transcripts, where its interviews are the whole folder
            companions = {real_path(p) for p in (*config.codings, *config.reviewed, *config.metadata, config.codebook)
                          if p is not None}
            found = [(f, config.options, fmt or config.fmt) for f in iter_input_files(config.interviews, passed_over)
                     if real_path(f) not in companions]
            plan.codings += [p for p in config.codings if p not in plan.codings]
            plan.codebooks += [config.codebook] if config.codebook and config.codebook not in plan.codebooks else []
            plan.reviewed += config.reviewed
            plan.metadata += [p for p in config.metadata if p not in plan.metadata]
            if config.speakers.overrides or table_roles(config.options.table).overrides:
                plan.speakers.append((config, [f for f, _, _ in found]))
        else:
            corpora = corpora_inside(raw) if folder else []
            todo[:0] = corpora  # each read as a folder given by name, after the rest of this one
            found = [(f, options, fmt) for f in iter_input_files([raw], passed_over)
                     if not any(root in f.parents for root in corpora)]
            passed_over = [f for f in passed_over if not any(root in f.parents for root in corpora)]
            if (above := _config_above(raw, options, configs)) is not None:
                log.info("%s: read with the settings of %s", raw, above.root / CONFIG_NAME)
                named = {real_path(f) for f in iter_input_files(above.interviews)} if above.fmt else set()
                found = [(f, above.options, fmt or (above.fmt if real_path(f) in named else None)) for f, _, _ in found]
                plan.metadata += [p for p in above.metadata if p not in plan.metadata]
                plan.metadata_above += above.metadata
                plan.codings_above += [above.root] if above.codings and above.root not in plan.codings_above else []
        found, locks = _without_lock_files(found)
        if locks:
            plan.warnings.append(f"{raw}: {lock_files_warning(locks)}" if folder else lock_files_warning(locks))
        if folder:  # (a file named by itself is read wherever it is)
            if skip is not None:
                found = [item for item in found if not real_path(item[0]).is_relative_to(skip)]
                passed_over = [f for f in passed_over if not real_path(f).is_relative_to(skip)]
            found, copies, printouts, subtitles = _without_other_formats(found)
            if copies:
                plan.warnings.append(f"{raw}: {copies_warning(copies)}")
            if printouts:
                plan.warnings.append(f"{raw}: {printouts_warning(printouts)}")
            if subtitles:
                plan.warnings.append(f"{raw}: {subtitles_warning(subtitles)}")
        passed_notes = passed_over_warnings(passed_over, [f for f, _, _ in found])
        plan.warnings += [f"{raw}: {note}" for note in passed_notes]
        if not passed_over and not found and folder and not corpora:
            plan.warnings.append(f"{raw}: no transcript files in this folder (expected "
                                 f"{' '.join(sorted(EXTENSIONS))})")
        for item in found:
            key = real_path(item[0])
            if key not in seen:
                seen.add(key)
                plan.files.append(item)
    return plan


def corpora_inside(folder: str | Path) -> list[Path]:
    """The folders below ``folder`` with a ``corpus.yaml`` (hidden ones and those starting
    with ``_`` left out, as :func:`iter_input_files` leaves them), but for those inside
    another of them: each is read as that folder given by name, so its codings table and
    participants sheet are not taken for transcripts, and its speakers, encoding and table
    settings hold.

    >>> corpora_inside("no-such-folder")
    []
    """
    folder = Path(folder)
    found = sorted(config.parent for config in folder.rglob(CONFIG_NAME) if config.parent != folder
                   and not any(part.startswith((".", "_")) for part in config.relative_to(folder).parts))
    return [root for root in found if not any(other in root.parents for other in found)]


def _config_above(path: str | Path, options: ReadOptions,
                  configs: dict[Path, CorpusConfig | None]) -> CorpusConfig | None:
    """The ``corpus.yaml`` of the nearest folder above ``path`` (one this user owns: a file
    another user left in ``/tmp`` sets nothing), read once per folder into ``configs``: its
    speakers, encoding and table settings say how the transcripts below it are read, as a
    tool's settings file does for the files below it."""
    for folder in Path(os.path.abspath(path)).parents:
        if folder not in configs:
            own = _owned(folder / CONFIG_NAME)
            configs[folder] = load_config(folder, options) if own else None
        if configs[folder] is not None:
            return configs[folder]
    return None


def _owned(path: Path) -> bool:
    """Whether ``path`` is a file this user owns (any file, where files have no owner)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return path.is_file() and (not hasattr(os, "getuid") or info.st_uid == os.getuid())


def _expanded(paths: Sequence[str | Path]) -> Iterator[str | Path]:
    """``paths`` with each pattern that names no file replaced by what it matches, so a
    folder it matches is read as a folder given by name (its ``corpus.yaml`` honoured)."""
    for raw in paths:
        path = Path(raw)
        yield from ([] if path.exists() or path.is_symlink() else pattern_matches(raw)) or [raw]


_T = TypeVar("_T")


def _known_as(corpus: Corpus, gathered: Gathered) -> dict[str, Interview]:
    """The corpus's interviews by id and by the other names of those read under several (a
    corrected copy's name: its own text, which a codings table naming it refers to)."""
    by_id = corpus.by_id()
    versions = {alias: interview for alias, (interview, _) in gathered.versions.items()}
    return by_id | {alias: versions.get(alias) or by_id[kept] for alias, kept in gathered.aliases.items()
                    if kept in by_id}


def _found_as_kept(items: list[_T], gathered: Gathered) -> tuple[list[_T], int]:
    """Codings or read passages of a table, those naming another name of an interview moved
    onto its kept text (a corrected copy's) and named by its kept id; and how many had no
    place there."""
    moved, lost = moved_items(items, {alias: found for alias, (_, found) in gathered.versions.items()})
    return renamed_items(moved, gathered.aliases), lost


def _add_codings(corpus: Corpus, gathered: Gathered, path: str | Path, read: list[Coding],
                 warnings: list[str]) -> None:
    """Add to ``corpus`` the codings ``read`` from ``path`` (a codings table, a node export),
    moved onto the interviews kept of corrected copies, and its ``warnings``."""
    read, lost = _found_as_kept(read, gathered)
    extend_unseen(corpus.codings, read)
    warnings = warnings + ([f"{lost} coding(s) of words a corrected copy changed were left out"] if lost else [])
    corpus.warnings.extend(f"{path}: {w}" for w in warnings)


def _coders_by_name(tables: Sequence[str | Path]) -> dict[Path, str]:
    """The coder of each of several codings tables, should it have no coder column: its
    file's name, or, where two share a name (``anna/codings.csv`` and ``ben/codings.csv``),
    its folder's (else its path's). Taken for one coder's, two people's codings would be
    one "coder" and their agreement never measured.

    >>> sorted(_coders_by_name(["anna/codings.csv", "ben/codings.csv", "carl.csv"]).values())
    ['anna', 'ben', 'carl']
    """
    paths = [Path(table) for table in tables]
    stems = Counter(path.stem for path in paths)
    named = {path: path.stem for path in paths}
    for stem in [stem for stem, n in stems.items() if n > 1]:
        sharing = [path for path in paths if path.stem == stem]
        folders = [path.parent.name for path in sharing]
        unique = len(set(folders)) == len(folders) and all(folders)
        for path, folder in zip(sharing, folders):
            named[path] = folder if unique else str(path.with_suffix(""))
    return named


def _shared_name_notes(unnamed: Sequence[Path], named: Mapping[Path, str]) -> list[str]:
    """A warning for each name shared by codings tables without a coder column (``unnamed``),
    saying which coder each was taken for (``named``)."""
    notes = []
    for stem, n in Counter(path.stem for path in unnamed).items():
        if n > 1:
            sharing = [path for path in unnamed if path.stem == stem]
            notes.append(f"{n} codings tables without a coder column share the name '{stem}' "
                         f"({_some(sharing, 3)}): each is taken for the coder its folder or path names "
                         f"({', '.join(repr(named[path]) for path in sharing)}); give them a coder column to name "
                         "them otherwise")
    return notes


def _node_exports(given: Sequence[str | Path], options: ReadOptions,
                  ) -> tuple[dict[Path, tuple[NodeExport, str]], list[str | Path], list[str]]:
    """The NVivo node exports among the codings inputs ``given`` (a document, or a folder of
    them), each with its coder, the other inputs (tables), and warnings: a folder's
    documents that are no node export are left out, with a warning naming them.

    An export does not name its coder (NVivo joins every user's coding of a node), so the
    exports are one coder's, ``human``, unless they lie in two or more folders that export
    a node in common (each coder's exports in a folder of their own): then each folder's
    are its coder's, named by the folder. A ``.txt`` that is no node export is a table.
    """
    exports: dict[Path, NodeExport] = {}
    tables: list[str | Path] = []
    warnings: list[str] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((LOCK_PREFIX, "."))
                            and reader_of(p) in NODE_EXPORT_FORMATS)
            found, others = {}, []
            for document in inside:
                try:
                    found[document] = read_node_export(document, options)
                except InputError as exc:
                    if exc.code != "E158":
                        raise
                    others.append(document)
            if not found:
                raise InputError("E158", path)
            exports.update(found)
            if others:
                warnings.append(f"{path}: {len(others)} document(s) left out, which are no NVivo node exports: "
                                f"{_some(others, 3)}")
        elif reader_of(path) not in NODE_EXPORT_FORMATS:
            tables.append(item)
        else:
            try:
                exports[path] = read_node_export(path, options)
            except InputError as exc:
                if exc.code != "E158" or reader_of(path) != "text":
                    raise
                tables.append(item)
    nodes: dict[Path, set[str]] = {}
    for path, export in exports.items():
        nodes.setdefault(path.parent, set()).add((export.node or path.stem).casefold())
    folders = list(nodes.values())
    by_folder = any(a & b for i, a in enumerate(folders) for b in folders[i + 1:])
    return {path: (export, path.parent.name if by_folder else TableMapping.default_coder)
            for path, export in exports.items()}, tables, warnings


def load_corpus(
    paths: str | Path | Sequence[str | Path],
    options: ReadOptions = ReadOptions(),
    fmt: str | None = None,
    codings: str | Path | Sequence[str | Path] | None = None,
    codebook: str | Path | None = None,
    reviewed: str | Path | Sequence[str | Path] = (),
    exclude: str | Path | None = None,
    metadata: str | Path | Sequence[str | Path] = (),
) -> Corpus:
    """Read every input into one :class:`Corpus`; a bad file is reported, not fatal.

    Parameters
    ----------
    paths : path or sequence of path
        Files, folders (a folder with ``corpus.yaml`` uses it) and globs; one may be given alone.
    options : ReadOptions
        Encoding, speaker roles and table mapping.
    fmt : str, optional
        Force a reader instead of choosing by extension.
    codings : path or sequence of path, optional
        Human codings tables (each coder's own, say), NVivo node exports or folders of them
        (:mod:`~tr_nlp.ingest.nodes`); override a ``corpus.yaml``'s. With more than one, a
        table without a ``coder`` column is coded by its file's stem.
    codebook : path, optional
        Codebook (YAML, ``.qdc``, a spreadsheet or a Word document); overrides a ``corpus.yaml``'s. Of
        several folders' codebooks, the first is taken, with the codes others add. The codings
        the transcripts carry (a project's, a table's code columns) take its codes' names, and
        those of codes it lacks are left out, with a warning
        (:func:`~tr_nlp.ingest.codings.codings_in_codebook`).
    reviewed : sequence of path
        Tables of the passages coders read in interviews they coded only in part (such as
        the lists ``tr-nlp next`` wrote), see :func:`~tr_nlp.ingest.reviewed.read_reviewed`;
        override a ``corpus.yaml``'s.
    exclude : path, optional
        A file or folder not to read from the inputs' folders: the command's own output
        (``code study/ -o study/suggestions.csv``, run again).
    metadata : path or sequence of path
        Tables of the interviews' metadata, a row per interview and a column per key
        (:mod:`~tr_nlp.ingest.metadata`); override a ``corpus.yaml``'s.

    Raises
    ------
    TrNlpError
        Only for problems with the codings table, the codebook or a config; a bad
        transcript is recorded in :attr:`Corpus.files` instead.
    """
    corpus = Corpus()
    gathered = Gathered()
    plan = plan_inputs(paths, options, fmt, exclude)
    corpus.warnings.extend(plan.warnings)
    given = as_paths(codings) or plan.codings
    node_exports, tables_of_codings, notes = _node_exports(given, options)
    corpus.warnings.extend(notes)
    codebooks = [codebook] if codebook is not None else plan.codebooks
    reviewed = as_paths(reviewed) or plan.reviewed
    described = as_paths(metadata) or plan.metadata
    # a codings (reviewed, metadata) table kept beside the transcripts is read as such, not as a transcript table
    tables = {real_path(p) for p in (*tables_of_codings, *node_exports, *codebooks, *reviewed, *described)}
    for path, opts, file_fmt in plan.files:
        if real_path(path) in tables:
            continue
        report = FileReport(str(path), None)
        corpus.files.append(report)
        try:
            if not path.is_file():  # a missing path is missing, whatever its suffix says
                raise _not_a_file(path)
            report.format = detect_format(path, file_fmt)
            result = read_file(path, opts, file_fmt)
            report.interview_ids, merged = gathered.add(str(path), result)
        except TrNlpError as exc:
            report.error = exc
            continue
        report.warnings = result.warnings + merged
    found = gathered.finish()
    corpus.warnings.extend(gathered.merge_notes())
    aliases = gathered.aliases
    for report in corpus.files:
        report.interview_ids = [aliases.get(iid, iid) for iid in report.interview_ids]
    corpus.interviews, corpus.codings, corpus.reviewed = found.interviews, found.codings, found.reviewed
    corpus.codebook = found.codebook
    if codebooks:
        corpus.codebook = None
        for path in codebooks:
            corpus.codebook, new = merged_codebook(corpus.codebook, load_codebook(path))
            if new:
                corpus.warnings.append(f"{path}: {added_codes_note(new)}")
        corpus.codings, notes = codings_in_codebook(corpus.codings, corpus.codebook)
        corpus.warnings.extend(f"{some([str(p) for p in codebooks], 2)}: {note}" for note in notes)
    marks, comment_codings = read_marks(found.comment_codings)  # passages tr-nlp next marked in Word
    corpus.reviewed.extend(marks)
    from_comments, notes = codes_from_comments(comment_codings, corpus.codebook)
    extend_unseen(corpus.codings, from_comments)
    corpus.warnings.extend(notes)
    named = _coders_by_name(tables_of_codings) if len(given) > 1 else {}
    unnamed: list[Path] = []  # tables without a coder column, whose coder the name gives
    for path in tables_of_codings:
        coder = named.get(Path(path), TableMapping.default_coder)
        read, warnings = read_codings(path, _known_as(corpus, gathered), corpus.codebook, coder)
        unnamed += [Path(path)] if no_coder_note(coder) in warnings else []
        _add_codings(corpus, gathered, path, read, warnings)
    corpus.warnings.extend(_shared_name_notes(unnamed, named))
    for path, (export, coder) in node_exports.items():
        _add_codings(corpus, gathered, path,
                     *node_codings(export, path, _known_as(corpus, gathered), corpus.codebook, coder))
    if node_exports:
        corpus.warnings.append(exports_note([(export, node_code(export, path, corpus.codebook), coder)
                                             for path, (export, coder) in node_exports.items()]))
    for path in reviewed:
        passages, warnings = read_reviewed(path, _known_as(corpus, gathered))
        corpus.reviewed.extend(_found_as_kept(passages, gathered)[0])
        corpus.warnings.extend(f"{path}: {w}" for w in warnings)
    for path in described:
        values, warnings = read_metadata(path, _known_as(corpus, gathered), some_read=path in plan.metadata_above)
        corpus.interviews, notes = with_metadata(corpus.interviews, values)
        corpus.warnings.extend(f"{path}: {w}" for w in warnings + notes)
    corpus.codings, corpus.reviewed, notes = spelled_one_way(corpus.codings, corpus.reviewed,
                                                             codes=corpus.codebook is None)
    corpus.warnings.extend(notes)
    corpus.warnings.extend(_unmatched_speakers(corpus, plan))
    corpus.codings_above = [] if given else plan.codings_above
    return corpus


def _unmatched_speakers(corpus: Corpus, plan: InputPlan) -> list[str]:
    """A warning for each ``corpus.yaml`` of a folder given that gives speakers roles who
    speak in none of the interviews read from it, in its ``speakers`` or its table settings'
    ``roles`` (those against the interviews read from tables); a folder below one, read
    alone, may lack some of its speakers: it is not checked."""
    by_file = {real_path(report.path): report.interview_ids for report in corpus.files if report.error is None}
    by_id = corpus.by_id()
    warnings = []
    for config, files in plan.speakers:
        ids = dict.fromkeys(iid for f in files for iid in by_file.get(real_path(f), []) if iid in by_id)
        read = [by_id[iid] for iid in ids]
        where = str(config.root / CONFIG_NAME)
        warnings += unmatched_roles_warnings(config.speakers, read, where)
        warnings += unmatched_roles_warnings(table_roles(config.options.table),
                                             [iv for iv in read if iv.format == "table"], f"{where} (its table roles)")
    return warnings

