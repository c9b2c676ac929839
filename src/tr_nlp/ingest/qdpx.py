"""REFI-QDA projects: a ``.qdpx`` archive, or a bare ``.qde`` file beside its sources folder.

What is read: Users (each becomes a coder; codings by tr_nlp's own machine users, from an
earlier export of suggestions, are kept apart as ``machine_codings``), the CodeBook (nested codes, colours,
descriptions; see :mod:`tr_nlp.refi`; passages marked read for coding become
``reviewed`` passages, see :mod:`tr_nlp.refi.vocab`), TextSources with their text (``internal://``
files in the archive, relative paths, or inline ``PlainTextContent``), each
``PlainTextSelection`` with its ``Coding``/``CodeRef``, and Cases with their Variables as
interview metadata. An audio or video source's ``Transcript`` is read like a text source:
its ``TranscriptSelection`` spans run between two of its ``SyncPoint`` positions, and a
coded stretch of the recording (``AudioSelection``, ``VideoSelection``, times in
milliseconds) codes the transcript from the sync point at or before its start to the one
at or after its end; codings of the whole recording code the whole transcript. Sync points
with a ``timeStamp`` become the interview's :attr:`~tr_nlp.schema.Interview.times`, as do
time marks in any source's text (:func:`tr_nlp.ingest.speakers.time_marks`). A PDF
source's text ``Representation`` is read like a text source too (codings of regions of its
pages cannot be placed in the text and are counted in a warning). Pictures, and PDFs and
recordings with no text, are skipped with a warning.

Positions. REFI counts Unicode code points of the plain text from 0, end exclusive; some
tools count a CRLF as one character, or count UTF-16 units (an emoji is two). When a
source's text makes these readings differ, each is tried, and the one under which the
selections fit the text best wins: all inside the text, the selection's ``name`` (most
tools store the selected text there) matching the text it points at, and start and end
on word boundaries. A warning says when the winner is not the standard reading. Offsets
are then carried through tr_nlp's text normalisation (BOM, CRLF, NFC...), so every
coding still covers the same characters.

:func:`read_project` also keeps the project's XML and, for each interview, where its text
lies in it and how tr_nlp's offsets turn back into the project's positions, so that
:mod:`tr_nlp.export.augment` can add codings to the project as it is.

Everything in the file is untrusted: see :mod:`tr_nlp.refi.safety`.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

from tr_nlp.errors import ArchiveError, ConfigError, InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.codings import machine_codings_note
from tr_nlp.ingest.encoding import decode_bytes, normalise_with_offsets, read_bytes
from tr_nlp.ingest.speakers import RoleMap, time_marks
from tr_nlp.ingest.text import assemble_turns
from tr_nlp.refi.codes import codebook_meta, codes_from_xml
from tr_nlp.refi.safety import MAX_MB, SafeZip, parse_xml, unsafe_reason
from tr_nlp.refi.vocab import (
    READ_CODE,
    SPEAKERS_VARIABLE,
    child,
    child_text,
    children,
    local,
    reader_of,
)
from tr_nlp.schema import Coding, Interview, Reviewed, is_machine_coder

_SOURCE_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".qdpx", ".mp3", ".wav", ".m4a",
                    ".mp4", ".mov", ".avi", ".wma", ".ogg")
_SPACES = re.compile(r"\s+")
_OTHER_SOURCES = {"PDFSource", "PictureSource", "AudioSource", "VideoSource"}
_MEDIA_SOURCES = {"AudioSource": "AudioSelection", "VideoSource": "VideoSelection"}
#: the reading of selection positions as Unicode code points, as tr_nlp itself counts them
_CODE_POINTS = "Unicode code points"


# --- where the project's files come from ---------------------------------------------


class _Files:
    """Project files inside a zip, or in a folder; both refuse paths leaving the project."""

    def __init__(self, path: Path, zipped: SafeZip | None, base: str):
        self.path, self.zip, self.base = path, zipped, base
        self._listing: list[str] | None = None

    def find(self, ref: str) -> str | None:
        """Resolve a ``plainTextPath`` to a member name (zip) or a path (folder)."""
        internal = ref[len("internal://"):] if ref.startswith("internal://") else None
        name = internal if internal is not None else ref
        tries = [f"sources/{name}", name] if internal is not None else [name, f"sources/{name}"]
        tries = [str(PurePosixPath(self.base, t)) if self.base else t for t in tries]
        for attempt in tries:
            found = self._lookup(attempt)
            if found:
                return found
        basename = PurePosixPath(name.replace("\\", "/")).name.casefold()
        matches = [n for n in self._names() if PurePosixPath(n).name.casefold() == basename]
        return matches[0] if len(matches) == 1 else None

    def read(self, found: str) -> bytes:
        return self.zip.read(found) if self.zip is not None else read_bytes(found)

    def _lookup(self, name: str) -> str | None:
        if self.zip is not None:
            return self.zip.find(name)
        folded = name.casefold()
        for candidate in self._names():
            if candidate.casefold() == folded:
                found = self.path / candidate
                if not found.resolve().is_relative_to(self.path.resolve()):  # a symlink leading out
                    raise ArchiveError("E201", self.path, entry=candidate, reason="it links outside the project folder")
                return str(found)
        return None

    def _names(self) -> list[str]:
        if self.zip is not None:
            return self.zip.names
        if self._listing is None:  # walk the folder once, not once per source
            self._listing = sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        return self._listing


def _open_project(path: Path, max_mb: int) -> tuple[Element, _Files, str, str]:
    """Parse the project's ``.qde``; return it with access to its files, the name errors
    give it, and its member name in the archive (its path when not archived)."""
    if path.is_dir() or path.suffix.lower() == ".qde":
        folder = path if path.is_dir() else path.parent
        qde_path = folder / _pick_qde(sorted(p.name for p in folder.glob("*.qde")), path) if path.is_dir() else path
        return parse_xml(read_bytes(qde_path), str(qde_path)), _Files(folder, None, ""), str(qde_path), str(qde_path)
    zipped = SafeZip(path, max_mb)
    try:
        name = _pick_qde(zipped.names, path)
        root = parse_xml(zipped.read(name), f"{path}!{name}")
    except Exception:
        zipped.close()
        raise
    return root, _Files(path, zipped, str(PurePosixPath(name).parent).strip(".")), f"{path}!{name}", name


def _pick_qde(names: Sequence[str], path: Path) -> str:
    qdes = [n for n in names if n.casefold().endswith(".qde")]
    if not qdes:
        raise InputError("E200", path, detail="no .qde project file inside; export the project as REFI-QDA (.qdpx)")
    exact = [n for n in qdes if n.casefold() == "project.qde"]
    if exact:
        return exact[0]
    top = [n for n in qdes if "/" not in n]
    if len(top) == 1 or len(qdes) == 1:
        return (top or qdes)[0]
    raise InputError("E200", path, detail=f"several .qde files inside ({', '.join(sorted(qdes))}); expected one")


# --- positions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where an interview read from a project lies in it, and the way back to its positions.

    Parameters
    ----------
    element : Element
        The element holding the text: a ``TextSource``, a PDF's ``Representation`` or a
        recording's ``Transcript``.
    to_text : sequence of int
        Raw text index -> tr_nlp text offset (from text normalisation).
    to_raw : sequence of int
        Project position -> raw text index, under the reading the project's selections use
        (Unicode code points, CRLF as one character, or UTF-16 units).
    """

    element: Element
    to_text: Sequence[int]
    to_raw: Sequence[int]

    def position(self, offset: int) -> int:
        """The project's position of tr_nlp text offset ``offset``: reading the project back
        turns it into ``offset`` again."""
        return bisect_left(self.to_raw, bisect_left(self.to_text, offset))


@dataclass
class _Selection:
    guid: str
    start: int
    end: int
    name: str
    codes: list[tuple[str, str]] = field(default_factory=list)  # (code guid, user guid)


def _readings(raw: str, others: bool = True) -> list[tuple[str, list[int]]]:
    """Ways a tool may have counted positions in ``raw``: (label, position -> raw index);
    :data:`_CODE_POINTS` alone unless ``others``."""
    everything = list(range(len(raw)))
    out = [(_CODE_POINTS, [*everything, len(raw)])]
    if not others:
        return out
    crlf = [i for i in everything if not (raw[i] == "\n" and i and raw[i - 1] == "\r")] if "\r\n" in raw else None
    if crlf is not None:
        out.append(("CRLF counted as one character", [*crlf, len(raw)]))
    if any(ord(ch) > 0xFFFF for ch in raw):
        out.append(("UTF-16 code units", _units(raw, everything)))
        if crlf is not None:  # a Qt-based tool: UTF-16 strings, and a paragraph's end one character
            out.append(("UTF-16 code units, CRLF counted as one", _units(raw, crlf)))
    return out


def _units(raw: str, counted: list[int]) -> list[int]:
    """Position -> raw index where each ``counted`` character of ``raw`` is as many positions
    as its UTF-16 code units (two beyond 16 bits)."""
    units: list[int] = []
    for i in counted:
        units.extend([i] * (2 if ord(raw[i]) > 0xFFFF else 1))
    return [*units, len(raw)]


def _fit(raw: str, mapping: list[int], selections: Sequence[_Selection]) -> tuple[int, int, int]:
    """How well ``selections`` fit ``raw`` under one reading: in range, names matching, word edges."""
    inside = names = edges = 0
    limit = len(mapping) - 1
    for sel in selections:
        if not 0 <= sel.start <= sel.end <= limit:
            continue
        inside += 1
        start, end = mapping[sel.start], mapping[sel.end]
        names += _name_matches(sel.name, raw[start:end])
        edges += _word_edges(raw, start, end)
    return inside, names, edges


def _name_matches(name: str, found: str) -> bool:
    """Whether a selection's ``name`` is the text it points at (tools often truncate it), in
    any Unicode normalisation (a source's decomposed accents, a name's composed ones)."""
    label, found = (_SPACES.sub(" ", unicodedata.normalize("NFC", s)) for s in (name, found))
    if len(label.strip()) < 5:
        return False
    if label.endswith(("…", "...")):
        return found.startswith(label.rstrip(".…"))
    return found == label or (len(found) > len(label) and found.startswith(label))


def _word_edges(raw: str, start: int, end: int) -> int:
    """0-2: a selection starts at a word's start and ends at a word's end, not in space or mid-word."""
    if start >= end:
        return 0
    good_start = not raw[start].isspace() and (start == 0 or not (raw[start - 1].isalnum() and raw[start].isalnum()))
    good_end = not raw[end - 1].isspace() and (end == len(raw) or not (raw[end].isalnum() and raw[end - 1].isalnum()))
    return good_start + good_end


# --- the project -------------------------------------------------------------------------


@dataclass
class Project:
    """A REFI-QDA project as read: what tr_nlp takes from it, and the XML it came in.

    Attributes
    ----------
    path : Path
        The ``.qdpx`` archive, ``.qde`` file or folder read.
    qde : str
        The project document: its member name in the archive, or its path.
    root : Element
        The parsed project document.
    result : ReadResult
        Interviews, codings, codebook and warnings, as :func:`read_qdpx` returns them.
    places : dict
        Interview id -> :class:`Placement`.
    code_guids : dict
        tr_nlp code name -> the GUID the project gives that code.
    """

    path: Path
    qde: str
    root: Element
    result: ReadResult
    places: dict[str, Placement] = field(default_factory=dict)
    code_guids: dict[str, str] = field(default_factory=dict)


def read_qdpx(path: str | Path, options: ReadOptions = ReadOptions(), max_mb: int = MAX_MB) -> ReadResult:
    """Read a REFI-QDA project into interviews, codings and a codebook.

    Parameters
    ----------
    path : str or Path
        A ``.qdpx`` archive, a ``.qde`` file, or a folder holding one ``.qde`` and its
        ``sources/`` folder.
    options : ReadOptions
        Speaker roles (merged with each source's ``tr_nlp:speakers`` variable) and a
        forced encoding for the source files.
    max_mb : int
        Largest uncompressed archive accepted.

    Raises
    ------
    ArchiveError
        Zip-slip entries, zip bombs, unsafe XML (entities, external references).
    InputError
        Not a project, missing source files, selections outside the text, codings of
        unknown codes.
    """
    return read_project(path, options, max_mb).result


def read_project(path: str | Path, options: ReadOptions = ReadOptions(), max_mb: int = MAX_MB) -> Project:
    """Read a REFI-QDA project as :func:`read_qdpx` does, keeping its XML and where each
    interview lies in it (same parameters and errors)."""
    path = Path(path)
    if not path.exists():
        raise InputError("E100", path)
    root, files, where, qde = _open_project(path, max_mb)
    try:
        project = Project(path, qde, root, ReadResult())
        _read_project(project, files, where, options)
        return project
    finally:
        if files.zip is not None:
            files.zip.close()


def _read_project(project: Project, files: _Files, where: str, options: ReadOptions) -> None:
    root = project.root
    if local(root.tag) != "Project":
        raise InputError("E200", where, detail=f"the root element is <{local(root.tag)}>, expected <Project>")
    book = child(root, "CodeBook")
    codes = child(book, "Codes") if book is not None else None
    codebook, code_names, warnings = codes_from_xml(codes, child(root, "Sets"), where)
    written = {(e.get("guid") or "").upper(): e.get("guid") or ""
               for e in (codes.iter() if codes is not None else ()) if local(e.tag) == "Code"}
    project.code_guids = {name: written[key] for key, name in code_names.items()}
    name, version = codebook_meta(child_text(root, "Description"))
    codebook = replace(codebook, name=name or root.get("name") or "", version=version)
    users = _users(root)
    variables = _case_variables(root)
    ours = (root.get("origin") or "").startswith("tr_nlp ")  # a project tr_nlp wrote counts code points
    result = project.result
    result.codebook, result.warnings = codebook, warnings
    sources = child(root, "Sources")
    skipped: dict[str, int] = {}
    taken: set[str] = set()
    for source in sources if sources is not None else ():
        kind = local(source.tag)
        case = variables.get((source.get("guid") or "").upper(), {})
        texts = ([(source, None)] if kind == "TextSource"
                 else [(t, source) for t in children(source, "Transcript")] if kind in _MEDIA_SOURCES
                 else [(r, source) for r in children(source, "Representation")] if kind == "PDFSource" else [])
        if not texts and kind in _OTHER_SOURCES:
            skipped[kind] = skipped.get(kind, 0) + 1
        for element, holder in texts:
            read = _read_source(element, files, where, options, code_names, users, case, taken, holder, ours)
            if read is None:
                named = element.get("name") or (holder if holder is not None else element).get("name")
                result.warnings.append(f"source {named or element.get('guid')!r} has no text and was skipped")
                continue
            interview, codings, source_warnings, project.places[interview.id] = read
            taken.add(interview.id)
            result.interviews.append(interview)
            for coding in codings:
                if coding.code == READ_CODE:  # a passage marked read for coding, not a coding
                    result.reviewed.append(Reviewed(coding.interview_id, coding.start, coding.end, reader_of(coding.coder)))
                else:
                    (result.machine_codings if is_machine_coder(coding.coder) else result.codings).append(coding)
            result.warnings.extend(f"source {interview.id!r}: {w}" for w in source_warnings)
    if result.machine_codings:
        result.warnings.append(machine_codings_note(Counter(c.coder for c in result.machine_codings)))
    result.warnings.extend(f"{n} {kind}(s) skipped: tr_nlp reads text sources, the text of PDFs and the "
                           "transcripts of recordings"
                           for kind, n in sorted(skipped.items()))
    if not result.interviews:
        raise InputError("E200", where, detail="it holds no text sources and no transcripts")


def _users(root: Element) -> dict[str, str]:
    users = child(root, "Users")
    out: dict[str, str] = {}
    for user in children(users, "User") if users is not None else ():
        key = (user.get("guid") or "").upper()
        out[key] = (user.get("name") or user.get("id") or key).strip() or key
    return out


def _case_variables(root: Element) -> dict[str, dict[str, Any]]:
    """Source GUID -> metadata from the Cases that refer to it (first case wins a clash)."""
    declared = child(root, "Variables")
    names = {(v.get("guid") or "").upper(): v.get("name") or "" for v in
             (children(declared, "Variable") if declared is not None else ())}
    cases = child(root, "Cases")
    out: dict[str, dict[str, Any]] = {}
    for case in children(cases, "Case") if cases is not None else ():
        values = _values(case, names)
        if case.get("name"):
            values.setdefault("case", case.get("name"))
        for ref in children(case, "SourceRef"):
            target = out.setdefault((ref.get("targetGUID") or "").upper(), {})
            for key, value in values.items():
                target.setdefault(key, value)
    return out


def _values(element: Element, names: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in children(element, "VariableValue"):
        ref = child(value, "VariableRef")
        name = names.get((ref.get("targetGUID") or "").upper()) if ref is not None else None
        for holder in value:
            kind = local(holder.tag)
            if name and kind.endswith("Value") and holder.text is not None:
                out[name] = _typed(kind, holder.text.strip())
    return out


def _typed(kind: str, text: str) -> Any:
    try:
        if kind == "BooleanValue":
            return text.lower() in {"true", "1"}
        if kind == "IntegerValue":
            return int(text)
        if kind == "FloatValue":
            return float(text)
    except ValueError:
        return text
    return text


def _interview_id(source: Element, taken: set[str]) -> str:
    name = (source.get("name") or source.get("guid") or "source").strip()
    if name.casefold().endswith(_SOURCE_SUFFIXES):
        name = name.rsplit(".", 1)[0]
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _source_text(source: Element, name: str, files: _Files, where: str, encoding: str | None) -> str:
    content = child(source, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    ref = (source.get("plainTextPath") or "").strip()
    if not ref and content is not None:
        return ""  # an empty document: skipped with a warning, not the whole project refused
    if not ref:
        detail = ("it has only rich text (richTextPath); export plain text as well" if source.get("richTextPath")
                  else "it has neither plainTextPath nor PlainTextContent")
        raise InputError("E208", where, source=name, detail=detail)
    relative = ref.removeprefix("internal://")
    reason = "it is a URL" if "://" in relative or relative.startswith("file:") else unsafe_reason(relative)
    if reason:
        raise ArchiveError("E208", where, source=name,
                           detail=f"its text file {ref!r} lies outside the project ({reason}); "
                                  "tr_nlp reads only files inside the project")
    found = files.find(ref)
    if found is None:
        hint = "" if files.zip is None else " (looked in sources/ inside the archive)"
        raise InputError("E207", where, source=name, target=ref, hint=hint)
    try:
        return decode_bytes(files.read(found), f"{where} ({found})", encoding).text
    except InputError as exc:
        if exc.code == "E101":  # an empty document, as above
            return ""
        raise


def _read_source(
    source: Element, files: _Files, where: str, options: ReadOptions, code_names: dict[str, str],
    users: dict[str, str], metadata: dict[str, Any], taken: set[str], holder: Element | None = None,
    code_points: bool = False,
) -> tuple[Interview, list[Coding], list[str], Placement] | None:
    """A text source, or the text ``source`` (a ``Transcript``, a PDF's ``Representation``) of ``holder``;
    its selections' positions counted as fits them best (:func:`_readings`), or as ``code_points``."""
    # a recording's or PDF's name names the interview (tools call its transcript "Transcript")
    interview_id = _interview_id(holder if holder is not None and holder.get("name") else source, taken)
    raw = _source_text(source, interview_id, files, where, options.encoding)
    text, to_text = normalise_with_offsets(raw)
    if not text.strip():
        return None
    warnings: list[str] = []
    metadata = {**metadata, **_values(source if holder is None else holder, {})}
    roles = options.roles
    speakers = metadata.pop(SPEAKERS_VARIABLE, None)
    if speakers:
        try:
            roles = RoleMap.from_pairs([p for p in str(speakers).split(";") if p.strip()]).merged(options.roles)
        except ConfigError as exc:
            warnings.append(f"ignored the {SPEAKERS_VARIABLE} variable: {exc}")
    if metadata.get("case") == interview_id:
        metadata.pop("case")
    turns, turn_warnings = assemble_turns(text, roles)
    interview = Interview(interview_id, text, turns, metadata, where, "qdpx", time_marks(text))
    if holder is None:
        selections, unplaced = _selections(source, len(raw), where, interview_id), 0
    elif local(holder.tag) == "PDFSource":
        selections, unplaced = _pdf_selections(source, holder, len(raw), where, interview_id)
        if unplaced:
            warnings.append(f"{unplaced} coded region(s) of PDF pages could not be placed in the PDF's text and "
                            "were skipped; code the text instead")
    else:
        selections, unplaced = _transcript_selections(source, holder, len(raw))
        if unplaced:
            warnings.append(f"{unplaced} coded selection(s) could not be placed in the transcript (no sync point "
                            "they refer to, or none with a time) and were skipped")
    readings = _readings(raw, others=not code_points)
    # the people's selections say how the tool counted: tr_nlp's own suggestions, added to the
    # project in its counting, must not tip it to another
    people = [sel for sel in selections
              if not sel.codes or not all(is_machine_coder(users.get(user.upper(), user)) for _, user in sel.codes)]
    label, mapping = max(readings, key=lambda r: _fit(raw, r[1], people or selections))
    if label != _CODE_POINTS and selections:
        warnings.append(f"selection positions read as {label}: they fit the text better that way")
    if holder is not None and local(holder.tag) != "PDFSource":
        interview = replace(interview, times=tuple(sorted({*interview.times, *_sync_times(source, mapping, to_text)})))
    codings: list[Coding] = []
    empty = 0
    for sel in selections:
        if not 0 <= sel.start <= sel.end < len(mapping):
            raise InputError("E205", where, selection=sel.guid, source=interview_id, start=sel.start,
                             end=sel.end, length=len(mapping) - 1)
        start, end = to_text[mapping[sel.start]], to_text[mapping[sel.end]]
        if not text[start:end].strip():  # empty, or only spaces and line breaks
            empty += 1
            continue
        for code_guid, user in sel.codes:
            code = code_names.get(code_guid.upper())
            if code is None:
                raise InputError("E206", where, source=interview_id, target=code_guid)
            codings.append(Coding(interview_id, start, end, code, users.get(user.upper(), user or "unknown")))
    if empty:
        warnings.append(f"{empty} selection(s) are empty or hold only spaces or line breaks and were skipped")
    # kept for every interview while a project is read: 4 bytes per character, not a list's 36
    return interview, codings, warnings + turn_warnings, Placement(source, array("i", to_text), array("i", mapping))


def _selections(source: Element, length: int, where: str, interview_id: str) -> list[_Selection]:
    out = _whole(source, length, "source")
    for element in children(source, "PlainTextSelection"):
        positions = element.get("startPosition"), element.get("endPosition")
        start, end = _integer(positions[0]), _integer(positions[1])
        if start is None or end is None:
            raise InputError("E208", where, source=interview_id, detail=(
                f"selection {element.get('guid') or '?'} has startPosition {positions[0]!r} and endPosition "
                f"{positions[1]!r}; expected whole numbers (export the project again from your QDA software)"))
        sel = _Selection(element.get("guid") or "?", start, end, element.get("name") or "")
        user = element.get("creatingUser") or ""
        sel.codes = [_code_ref(coding, user) for coding in children(element, "Coding")]
        out.append(sel)
    return out


def _pdf_selections(representation: Element, pdf: Element, length: int, where: str,
                    interview_id: str) -> tuple[list[_Selection], int]:
    """Coded spans of a PDF's text, codings of the whole PDF, and how many coded page regions there are."""
    regions = sum(1 for region in children(pdf, "PDFSelection") if child(region, "Coding") is not None)
    return _whole(pdf, length, "PDF") + _selections(representation, length, where, interview_id), regions


def _sync_times(transcript: Element, mapping: Sequence[int], to_text: Sequence[int]) -> tuple[tuple[int, float], ...]:
    """``(offset, seconds)`` of a recording's transcript's timed sync points, read as its
    selections are (``mapping``: position to raw offset, ``to_text``: raw to stored)."""
    marks = set()
    for point in children(transcript, "SyncPoint"):
        position, time = _integer(point.get("position")), _integer(point.get("timeStamp"))
        if position is not None and time is not None and 0 <= position < len(mapping) and time >= 0:
            marks.add((to_text[mapping[position]], time / 1000))
    return tuple(sorted(marks))


def _transcript_selections(transcript: Element, media: Element, length: int) -> tuple[list[_Selection], int]:
    """Coded spans of a recording's transcript, and how many coded selections had no place in it.

    A ``TranscriptSelection`` runs from its ``fromSyncPoint``'s position to its
    ``toSyncPoint``'s; a coded stretch of the recording from the position of the last sync
    point at or before its start (the text's start if none) to that of the first at or after
    its end (the text's end if none); codings of the recording itself cover the whole text.
    """
    positions: dict[str, int] = {}
    timed: list[tuple[int, int]] = []  # (time in ms, position)
    for point in children(transcript, "SyncPoint"):
        position, time = _integer(point.get("position")), _integer(point.get("timeStamp"))
        if position is not None:
            positions[(point.get("guid") or "").upper()] = position
            if time is not None:
                timed.append((time, position))
    timed.sort()
    out, unplaced = _whole(media, length, "recording"), 0
    spans: list[tuple[Element, int | None, int | None]] = [
        (element, positions.get((element.get("fromSyncPoint") or "").upper()),
         positions.get((element.get("toSyncPoint") or "").upper()))
        for element in children(transcript, "TranscriptSelection")]
    for element in children(media, _MEDIA_SOURCES[local(media.tag)]):
        begin, end = _integer(element.get("begin")), _integer(element.get("end"))
        if not timed or begin is None or end is None:
            spans.append((element, None, None))
            continue
        before = [p for t, p in timed if t <= begin]
        after = [p for t, p in timed if t >= end]
        spans.append((element, before[-1] if before else 0, after[0] if after else length))
    for element, start, end in spans:
        codes = [_code_ref(coding, element.get("creatingUser") or "") for coding in children(element, "Coding")]
        if not codes:
            continue
        if start is None or end is None:
            unplaced += 1
            continue
        out.append(_Selection(element.get("guid") or "?", start, end, element.get("name") or "", codes))
    return out, unplaced


def _whole(source: Element, length: int, what: str) -> list[_Selection]:
    """The codings of ``source`` itself as one selection of all its ``length`` characters (or none)."""
    codes = [_code_ref(coding, source.get("creatingUser") or "") for coding in children(source, "Coding")]
    return [_Selection(f"{source.get('guid')} (whole {what})", 0, length, "", codes)] if codes else []


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _code_ref(coding: Element, fallback_user: str) -> tuple[str, str]:
    ref = child(coding, "CodeRef")
    return (ref.get("targetGUID") or "") if ref is not None else "", coding.get("creatingUser") or fallback_user

