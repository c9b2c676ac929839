"""Add the machine's work to a team's own REFI-QDA project, keeping everything in it.

:func:`~tr_nlp.export.qdpx.write_qdpx` builds a new project from what tr_nlp reads, so
what tr_nlp does not read (memos, links, sets, graphs, pictures, PDFs and recordings with
their files, the tools' own GUIDs and dates) is not in it. :func:`add_to_project` instead
writes a copy of the project in which every archive member and every element stays as it
was, and adds:

- one User per machine layer (a model's suggestions, topic discovery's passages) with its
  selections: a ``PlainTextSelection`` in a text source or a PDF's text; in a recording's
  transcript a ``TranscriptSelection`` between two sync points (one the transcript has at
  that position, else a new one with the position and no time);
- the codes the layers use that the project lacks, and candidate codes under
  :data:`~tr_nlp.refi.CANDIDATE_PARENT`.

Positions are written as the project's own selections count them (see
:class:`~tr_nlp.ingest.qdpx.Placement`): reading the result back gives the same offsets.
A layer whose user the project already has (an earlier export of the same model) replaces
that user's selections, so exporting twice does not code twice.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree.ElementTree import Element

from tr_nlp.errors import ConfigError
from tr_nlp.export.qdpx import (
    CANDIDATE_PARENT_CODE,
    READ_MARK,
    MachineLayer,
    coded_selection,
    selection_label,
    selections_by_interview,
)
from tr_nlp.export.tables import atomic_path
from tr_nlp.ingest.qdpx import Placement, Project
from tr_nlp.refi.codes import code_elements
from tr_nlp.refi.safety import SafeZip
from tr_nlp.refi.vocab import (
    CANDIDATE_PARENT,
    READ_CODE,
    child,
    children,
    guid,
    local,
    namespace,
    qualified,
)
from tr_nlp.schema import Code

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# what comes before each kind of added element inside its parent (QDA-XML's sequences)
_BEFORE = {
    "User": ("User",),
    "Code": ("Description", "NoteRef", "Code"),
    "PlainTextSelection": ("Description", "PlainTextContent", "PlainTextSelection"),
    "SyncPoint": ("Description", "PlainTextContent", "SyncPoint"),
    "TranscriptSelection": ("Description", "PlainTextContent", "SyncPoint", "TranscriptSelection"),
}
_SELECTIONS = ("PlainTextSelection", "TranscriptSelection")


@dataclass(frozen=True)
class Added:
    """What :func:`add_to_project` added to a project.

    Attributes
    ----------
    codings : dict
        Machine user -> codings added.
    replaced : dict
        Machine user the project already had -> its codings removed first (with their
        selections).
    codes : tuple of str
        Codes the project did not have (candidate codes among them).
    """

    codings: dict[str, int]
    replaced: dict[str, int]
    codes: tuple[str, ...]


def add_to_project(project: Project, output: str | Path, layers: Sequence[MachineLayer],
                   candidates: Sequence[Code] = (), name: str | None = None) -> Added:
    """Write ``project`` with ``layers`` and ``candidates`` added, everything else as it was.

    Parameters
    ----------
    project : Project
        A ``.qdpx`` archive as :func:`~tr_nlp.ingest.qdpx.read_project` read it (it is not
        changed).
    output : path
        The ``.qdpx`` to write (atomically).
    layers : sequence of MachineLayer
        Machine codings, in the offsets of the interviews read from ``project``; each
        layer becomes one User.
    candidates : sequence of Code
        Candidate codes (see :func:`~tr_nlp.export.qdpx.candidate_codes`).
    name : str, optional
        A new project name; default: the project's own.

    Raises
    ------
    ConfigError
        When ``project`` was not read from a ``.qdpx`` archive, or a layer codes an
        interview the project does not hold or a span outside one.
    """
    if project.path.suffix.lower() != ".qdpx" or not project.path.is_file():
        raise ConfigError("E163", detail=f"{project.path} is not a .qdpx archive; codings can only be added to "
                                         "a project exported as one file")
    root = copy.deepcopy(project.root)
    places = _placements(project, root)  # before anything moves in the copy
    ns = namespace(root.tag)
    if name:
        root.set("name", name)
    users, replaced = _users(root, ns, [layer.user for layer in layers])
    new_codes = _codes(root, ns, project.code_guids, layers, candidates)  # these get tr_nlp's code GUIDs
    texts = {iv.id: iv.text for iv in project.result.interviews}
    added: dict[str, int] = {layer.user: 0 for layer in layers}
    for interview_id, spans in selections_by_interview((), layers).items():
        if interview_id not in places:
            raise ConfigError("E163", detail=f"interview {interview_id!r} is not in {project.path}; "
                                             "add codings only to the interviews read from it")
        place, text = places[interview_id], texts[interview_id]
        made: list[Element] = []
        for (start, end, user), entries in sorted(spans.items()):
            if not 0 <= start < end <= len(text):
                raise ConfigError("E163", detail=f"a coding at {start}-{end} lies outside interview {interview_id!r} "
                                                 f"({len(text)} characters)")
            key = (interview_id, place.position(start), place.position(end), user)
            label = selection_label(text[start:end])
            if local(place.element.tag) == "Transcript":
                where = {"fromSyncPoint": _sync_point(place.element, ns, key[1], interview_id),
                         "toSyncPoint": _sync_point(place.element, ns, key[2], interview_id)}
                kind = "TranscriptSelection"
            else:
                where, kind = {"startPosition": str(key[1]), "endPosition": str(key[2])}, "PlainTextSelection"
            made.append(coded_selection(ns, kind, key, label, where, users[user], entries, project.code_guids))
            added[user] += len(entries)
        _insert(place.element, made)
    _write(project, output, _serialise(root, ns))
    return Added(added, replaced, tuple(new_codes))


# --- users and codes -------------------------------------------------------------------


def _users(root: Element, ns: str, names: Iterable[str]) -> tuple[dict[str, str], dict[str, int]]:
    """User name -> GUID for each machine user (added, or the project's own with its
    selections removed) and how many codings were removed per user."""
    holder = child(root, "Users")
    if holder is None:
        holder = Element(qualified(ns, "Users"))
        root.insert(0, holder)
    known = {(u.get("name") or "").strip(): u.get("guid") or "" for u in children(holder, "User")}
    users: dict[str, str] = {}
    replaced: dict[str, int] = {}
    for user in names:
        if user in known:
            users[user] = known[user]
            replaced[user] = _drop_selections(root, known[user])
        else:
            users[user] = guid("user", user)
            _insert(holder, [Element(qualified(ns, "User"), {"guid": users[user], "name": user})])
    return users, replaced


def _drop_selections(root: Element, user: str) -> int:
    """Remove every selection ``user`` made; return how many codings they held."""
    dropped = 0
    for parent in list(root.iter()):
        kids = list(parent)
        gone = [i for i, e in enumerate(kids)
                if local(e.tag) in _SELECTIONS and (e.get("creatingUser") or "").upper() == user.upper()]
        for i in reversed(gone):
            if i:  # what followed it now follows the one before it (the closing tag's indent)
                kids[i - 1].tail = kids[i].tail
            dropped += sum(1 for _ in children(kids[i], "Coding"))
        if gone:
            removed = set(gone)
            parent[:] = [e for i, e in enumerate(kids) if i not in removed]
    return dropped


def _codes(root: Element, ns: str, known: dict[str, str], layers: Sequence[MachineLayer],
           candidates: Sequence[Code]) -> list[str]:
    """Add the codes the layers use that the project lacks, and new candidate codes."""
    fresh = [c for c in candidates if c.name not in known]
    names = {c.name for c in candidates}
    missing = sorted({m.code for layer in layers for m in layer.codings} - known.keys() - names)
    if not (missing or fresh):
        return []
    book = child(root, "CodeBook")
    if book is None:
        book = Element(qualified(ns, "CodeBook"))
        root.insert(1 if child(root, "Users") is not None else 0, book)
    codes = child(book, "Codes")
    if codes is None:
        codes = ET.SubElement(book, qualified(ns, "Codes"))
    _add_codes(codes, [READ_MARK if n == READ_CODE else Code(n) for n in missing], ns)
    if fresh:
        parent = next((c for c in children(codes, "Code") if (c.get("name") or "").strip() == CANDIDATE_PARENT), None)
        if parent is None:
            parent = _add_codes(codes, [CANDIDATE_PARENT_CODE], ns, not_codable=[CANDIDATE_PARENT])[0]
        _add_codes(parent, [replace(c, parent=None) for c in fresh], ns)
    return [*missing, *(c.name for c in fresh)]


def _add_codes(into: Element, codes: Sequence[Code], ns: str, not_codable: Iterable[str] = ()) -> list[Element]:
    """Add ``codes`` (with their children) to ``into``, a ``Codes`` or a ``Code`` element."""
    holder = Element("holder")
    code_elements(holder, codes, ns, not_codable)
    _insert(into, list(holder))
    return list(holder)


# --- placing selections ------------------------------------------------------------------


def _placements(project: Project, root: Element) -> dict[str, Placement]:
    """The project's placements, pointing into ``root`` (a copy of its XML) instead."""
    twins = dict(zip(project.root.iter(), root.iter()))
    return {iid: replace(place, element=twins[place.element]) for iid, place in project.places.items()}


def _sync_point(transcript: Element, ns: str, position: int, interview_id: str) -> str:
    """The GUID of a sync point of ``transcript`` at ``position``; one is added if none is there."""
    for point in children(transcript, "SyncPoint"):
        if point.get("position") == str(position) and point.get("guid"):
            return point.get("guid") or ""
    key = guid("sync point", interview_id, position)
    _insert(transcript, [Element(qualified(ns, "SyncPoint"), {"guid": key, "position": str(position)})])
    return key


def _insert(parent: Element, elements: Sequence[Element]) -> None:
    """Put ``elements`` (of one kind) where the standard's sequence wants them, after what
    comes before them, indented like their siblings when the document is indented."""
    if not elements:
        return
    before = _BEFORE[local(elements[0].tag)]
    index = max((i + 1 for i, e in enumerate(parent) if local(e.tag) in before), default=0)
    spacing = parent.text if len(parent) and parent.text and not parent.text.strip() else None
    if spacing is not None:
        unit = "\t" if "\t" in spacing else "  "
        for element in elements:
            ET.indent(element, space=unit, level=len(spacing.lstrip("\r\n")) // len(unit))
            element.tail = spacing
        if index:  # the last one takes over what followed the element before them
            elements[-1].tail, parent[index - 1].tail = parent[index - 1].tail, spacing
    parent[index:index] = list(elements)


# --- writing ------------------------------------------------------------------------------


def _serialise(root: Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.register_namespace("xsi", _XSI)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _write(project: Project, output: str | Path, document: bytes) -> None:
    """Copy every member of the project's archive, the project document replaced; the
    others (recordings of any size) are streamed, not read into memory."""
    with SafeZip(project.path) as source, atomic_path(output) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for member in source.names:
            old = source.info(member)
            info = zipfile.ZipInfo(member, date_time=old.date_time)
            info.compress_type, info.external_attr = old.compress_type, old.external_attr
            if member == project.qde:
                archive.writestr(info, document)
                continue
            info.file_size = old.file_size  # tells zipfile whether the member needs ZIP64
            with archive.open(info, "w") as target:
                source.copy(member, target)
