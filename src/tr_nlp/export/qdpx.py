"""Write a REFI-QDA project (``.qdpx``) that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

The archive holds ``project.qde`` and one UTF-8 text file per interview under
``sources/``. Inside the project:

- every human coder is a User whose codings are their own selections;
- each machine layer (a model's suggestions, topic discovery's candidate passages) is a
  separate User named after what produced it, with the confidence in each selection's
  ``Description``, so a team can filter it in or out beside their own coding;
- candidate codes sit under the non-codable parent :data:`~tr_nlp.refi.CANDIDATE_PARENT`;
- passages read (or to read) for coding in interviews coded in part are layers of
  :data:`READ_MARK` selections (:func:`reviewed_layers`, :func:`next_layer`);
- each interview is a Case whose Variables hold its metadata and speaker roles.

GUIDs are uuid5 hashes of stable keys and archive entries carry a fixed date, so
exporting the same project twice gives the same bytes apart from the project's
``creationDateTime``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pandas as pd

from tr_nlp import __version__
from tr_nlp.errors import ConfigError
from tr_nlp.export.tables import atomic_path
from tr_nlp.refi.codes import code_elements, code_guid, codebook_line, group_sets
from tr_nlp.refi.vocab import (
    CANDIDATE_PARENT,
    NEXT_USER,
    NS,
    READ_CODE,
    READ_USER,
    SPEAKERS_VARIABLE,
    guid,
    machine_note,
    qualified,
)
from tr_nlp.schema import (
    MACHINE_CODER_PREFIX,
    Code,
    Codebook,
    Coding,
    Interview,
    Reviewed,
    evidence_passages,
)

DISCOVERY_USER = f"{MACHINE_CODER_PREFIX}topic discovery"
#: The code candidate codes sit under (not codable itself).
CANDIDATE_PARENT_CODE = Code(CANDIDATE_PARENT, description="Proposed by tr_nlp topic discovery from passages no "
                                                           "code covers; review them before use.")
#: The code of passages read, or to read, for coding (see :mod:`tr_nlp.refi.vocab`).
READ_MARK = Code(READ_CODE, description=(
    "Passages tr-nlp next proposed for coding, and passages coders have read, in interviews coded in part. "
    "Code them under your own name and leave these markings: tr_nlp reads them back as the passages read, "
    "so the unread rest of an interview is not taken as a passage no code fits. Delete the marking of a "
    "passage nobody read."))
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_NAME_CHARS = 100


@dataclass(frozen=True)
class MachineCoding:
    """One machine-made coding: ``code`` on ``text[start:end]`` with a note (its confidence)."""

    interview_id: str
    start: int
    end: int
    code: str
    note: str = ""


@dataclass(frozen=True)
class MachineLayer:
    """Codings made by one machine source, exported as their own REFI User."""

    user: str
    codings: Sequence[MachineCoding] = field(default_factory=tuple)


def model_user(card: dict[str, Any]) -> str:
    """The REFI user name for a model's suggestions: its name and version from the model card."""
    # not with this module: writing a project needs no scikit-learn
    from tr_nlp.coding.store import card_label

    return f"{MACHINE_CODER_PREFIX}model {card_label(card)}"


def suggestions_layer(suggestions: pd.DataFrame, user: str) -> MachineLayer:
    """The suggestions a model makes (``above_threshold``) as a layer, probability and
    evidence in the note (:func:`suggestion_note`)."""
    flags = suggestions["above_threshold"]
    if flags.dtype != bool:  # read back from CSV: "True" / "False" strings
        flags = flags.astype(str).str.strip().str.lower().isin({"true", "1", "yes"})
    rows = suggestions[flags]
    return MachineLayer(user, tuple(
        MachineCoding(str(r.interview_id), int(r.start), int(r.end), str(r.code),
                      suggestion_note(str(r.code), float(r.probability), getattr(r, "evidence", "")))
        for r in rows.itertuples(index=False)
    ))


def suggestion_note(code: str, probability: float, evidence: object = "") -> str:
    """A suggestion's note, as a coder sees it in a QDA tool or a Word comment: its code, how
    sure the model is, and the passages that raised the score most, quoted (``evidence`` as
    ``tr-nlp code`` writes it, "; "-joined; blank or missing in older outputs).

    >>> suggestion_note("beyond_routine", 0.834, "she stayed late; her day off")
    'beyond_routine: p=0.83 (evidence: "she stayed late", "her day off")'
    >>> suggestion_note("care", 0.61, float("nan"))
    'care: p=0.61'
    """
    said = ", ".join(f'"{passage}"' for passage in evidence_passages(evidence))
    return machine_note(code, f"p={probability:.2f}" + (f" (evidence: {said})" if said else ""))


def reviewed_layers(reviewed: Iterable[Reviewed]) -> list[MachineLayer]:
    """Passages coders read, as layers of :data:`READ_MARK` selections: those every coder
    read under :data:`~tr_nlp.refi.vocab.READ_USER`, one coder's under ``READ_USER by NAME``."""
    by_user: dict[str, list[MachineCoding]] = {}
    for r in sorted(set(reviewed), key=lambda r: (r.interview_id, r.start, r.end, r.coder or "")):
        user = READ_USER if r.coder is None else f"{READ_USER} by {r.coder}"
        by_user.setdefault(user, []).append(MachineCoding(r.interview_id, r.start, r.end, READ_CODE, "read"))
    return [MachineLayer(user, tuple(marks)) for user, marks in sorted(by_user.items())]


def next_layer(ranked: pd.DataFrame, when: datetime) -> MachineLayer:
    """The passages ``tr-nlp next`` proposed (:data:`~tr_nlp.coding.active.NEXT_COLUMNS`, or
    :data:`~tr_nlp.coding.guided.GUIDED_COLUMNS` before anything was coded) as
    :data:`READ_MARK` selections of a user named for the list's time, ``when``, each with
    its rank and the code the model is least sure of (or whose guidance it is most like) in
    its note."""
    guided = "similarity" in ranked.columns
    return MachineLayer(f"{NEXT_USER} {when:%Y-%m-%d %H:%M}", tuple(
        MachineCoding(str(r.interview_id), int(r.start), int(r.end), READ_CODE,
                      f"#{r.rank}: like {r.code} as the codebook describes it (similarity {float(r.similarity):.2f})"
                      if guided else f"#{r.rank}: unsure about {r.code} (p={float(r.probability):.2f})")
        for r in ranked.itertuples(index=False)
    ))


def candidate_codes(entries: Sequence[Mapping[str, Any]]) -> list[Code]:
    """Codes for the entries of ``candidates.yaml``, with their evidence in the description."""
    codes = []
    for entry in entries:
        evidence = entry.get("evidence") or {}
        lines = [str(entry.get("description") or "").strip()]
        if evidence.get("keywords"):
            lines.append("Keywords: " + ", ".join(map(str, evidence["keywords"])))
        if "size" in evidence:
            lines.append(f"Evidence: {evidence['size']} passages in {evidence.get('interviews', '?')} interview(s); "
                         f"{evidence.get('reading', '')}, novelty {evidence.get('novelty', '?')}".rstrip(", "))
        quotes = evidence.get("quotes") or []
        if quotes:
            lines.append("Quotes:\n" + "\n".join(f"- [{q['interview_id']}] {q['text']}" for q in quotes))
        codes.append(Code(str(entry["name"]), description="\n\n".join(x for x in lines if x),
                          parent=CANDIDATE_PARENT, status="candidate"))
    return codes


def candidates_layer(topics: pd.DataFrame | None, entries: Sequence[Mapping[str, Any]],
                     user: str = DISCOVERY_USER) -> MachineLayer:
    """Passages topic discovery put in each candidate (``topics.parquet``), else its quotes.

    A passage belongs to the entry whose ``evidence: topics`` lists its topic number, under
    that entry's name as it is now: a reviewer who renames a candidate keeps its passages,
    and one who merges two (both numbers in one entry) gets both sets. An entry that lists
    no topics (a file written before they were listed) takes the passages still bearing its
    name.
    """
    if topics is not None:
        listed = [(str(e["name"]), (e.get("evidence") or {}).get("topics") or []) for e in entries]
        owner = {int(t): name for name, its_topics in listed for t in its_topics}
        unlisted = {name for name, its_topics in listed if not its_topics}
        numbers = topics["topic"] if "topic" in topics.columns else pd.Series(-1, index=topics.index)
        names = [owner.get(int(t)) or (str(c) if str(c) in unlisted else None)
                 for t, c in zip(numbers, topics["candidate"])]
        return MachineLayer(user, tuple(
            MachineCoding(str(r.interview_id), int(r.start), int(r.end), name,
                          machine_note(name, f"similarity {float(r.similarity):.2f}", candidate=True))
            for r, name in zip(topics.itertuples(index=False), names) if name is not None
        ))
    return MachineLayer(user, tuple(
        MachineCoding(str(q["interview_id"]), int(q["start"]), int(q["end"]), str(e["name"]),
                      machine_note(str(e["name"]), "representative quote", candidate=True))
        for e in entries for q in (e.get("evidence") or {}).get("quotes") or []
    ))


def codebook_of(codings: Iterable[Coding | MachineCoding]) -> Codebook:
    """A flat codebook of the codes ``codings`` (human or machine) use, for a corpus that
    came without one."""
    return Codebook(tuple(Code(n) for n in sorted({c.code for c in codings})))


def project_xml(
    interviews: Sequence[Interview],
    codebook: Codebook | None,
    codings: Iterable[Coding] = (),
    layers: Sequence[MachineLayer] = (),
    candidates: Sequence[Code] = (),
    name: str = "tr_nlp project",
    created: datetime | None = None,
) -> bytes:
    """The ``project.qde`` document for a corpus, as UTF-8 bytes.

    Parameters
    ----------
    interviews : sequence of Interview
        Become TextSources (and Cases for their metadata).
    codebook : Codebook, optional
        Becomes the CodeBook; exclusive groups become Sets. Without one, the codes the
        human codings use become a flat codebook.
    codings : iterable of Coding
        Human codings; each coder becomes a User.
    layers : sequence of MachineLayer
        Machine codings, one User per layer.
    candidates : sequence of Code
        Candidate codes (see :func:`candidate_codes`), placed under a parent code.
    name : str
        The project name shown by QDA software.
    created : datetime, optional
        The project's creation time (default: now, UTC).
    """
    ET.register_namespace("", NS)
    created = (created or datetime.now(timezone.utc)).replace(microsecond=0)
    root = ET.Element(_tag("Project"), {"name": name, "origin": f"tr_nlp {__version__}",
                                        "creationDateTime": created.isoformat()})
    codings = sorted(set(codings), key=lambda c: (c.interview_id, c.start, c.end, c.coder, c.code))
    machine = [m for layer in layers for m in layer.codings]
    # new interviews coded by a model have no codebook of their own: the suggested codes make one
    codebook = codebook or codebook_of([*codings, *(m for m in machine if m.code != READ_CODE)])
    human = list(dict.fromkeys(c.coder for c in sorted(codings, key=lambda c: c.coder)))
    users = {coder: guid("user", coder) for coder in [*human, *(layer.user for layer in layers)]}
    if users:
        element = ET.SubElement(root, _tag("Users"))
        for user, key in users.items():
            ET.SubElement(element, _tag("User"), {"guid": key, "name": user})
    codes = list(codebook.codes)
    if any(m.code == READ_CODE for m in machine):
        codes.append(READ_MARK)
    known = {c.name for c in codes} | {c.name for c in candidates}
    unknown = sorted({c.code for c in codings} - known) + sorted({m.code for m in machine} - known)
    if unknown:
        raise ConfigError("E163", detail=f"codes {unknown[:5]} are coded but not in the codebook; "
                                         "pass the codebook they belong to")
    if candidates:
        codes += [CANDIDATE_PARENT_CODE, *candidates]
    if codes:
        code_elements(ET.SubElement(ET.SubElement(root, _tag("CodeBook")), _tag("Codes")), codes, NS,
                      not_codable=[CANDIDATE_PARENT])
    _variables_and_cases(root, interviews)
    by_source = selections_by_interview(codings, layers)
    sources = ET.SubElement(root, _tag("Sources"))
    for interview in interviews:
        _text_source(sources, interview, by_source.get(interview.id, {}), users)
    if codebook.groups:
        group_sets(ET.SubElement(root, _tag("Sets")), codebook.groups, NS)
    ET.SubElement(root, _tag("Description")).text = f"{codebook_line(codebook)}\nExported by tr_nlp {__version__}."
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_qdpx(path: str | Path, interviews: Sequence[Interview], codebook: Codebook | None, **kwargs: Any) -> Path:
    """Write a ``.qdpx`` archive atomically; keyword arguments go to :func:`project_xml`."""
    document = project_xml(interviews, codebook, **kwargs)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        _add(archive, "project.qde", document)
        for interview in interviews:
            _add(archive, f"sources/{_source_guid(interview.id)}.txt", interview.text.encode("utf-8"))
    return Path(path)


# --- pieces --------------------------------------------------------------------------


def _tag(name: str) -> str:
    return qualified(NS, name)


def _source_guid(interview_id: str) -> str:
    return guid("source", interview_id)


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _variable_type(values: Sequence[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "Float"
    return "Text"


def _value_text(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind in {"Integer", "Float"} or isinstance(value, str):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _variables_and_cases(root: Element, interviews: Sequence[Interview]) -> None:
    rows = []
    for interview in interviews:
        values = dict(interview.metadata)
        if interview.speakers:
            values[SPEAKERS_VARIABLE] = "; ".join(f"{s}={r}" for s, r in interview.speakers.items())
        rows.append((interview, values))
    names = list(dict.fromkeys(key for _, values in rows for key in values))
    kinds = {n: _variable_type([v[n] for _, v in rows if n in v]) for n in names}
    if names:
        declared = ET.SubElement(root, _tag("Variables"))
        for n in names:
            ET.SubElement(declared, _tag("Variable"), {"guid": guid("variable", n), "name": n,
                                                       "typeOfVariable": kinds[n]})
    if not interviews:
        return
    cases = ET.SubElement(root, _tag("Cases"))
    for interview, values in rows:
        case = ET.SubElement(cases, _tag("Case"), {"guid": guid("case", interview.id), "name": interview.id})
        for key, value in values.items():
            holder = ET.SubElement(case, _tag("VariableValue"))
            ET.SubElement(holder, _tag("VariableRef"), {"targetGUID": guid("variable", key)})
            ET.SubElement(holder, _tag(f"{kinds[key]}Value")).text = _value_text(value, kinds[key])
        ET.SubElement(case, _tag("SourceRef"), {"targetGUID": _source_guid(interview.id)})


_Span = tuple[int, int, str]  # start, end, user


def selections_by_interview(codings: Sequence[Coding], layers: Sequence[MachineLayer],
                            ) -> dict[str, dict[_Span, list[tuple[str, str]]]]:
    """Interview -> (start, end, user) -> [(code, note)], machine layers after human coders."""
    out: dict[str, dict[_Span, list[tuple[str, str]]]] = {}
    for c in codings:
        out.setdefault(c.interview_id, {}).setdefault((c.start, c.end, c.coder), []).append((c.code, ""))
    for layer in layers:
        for m in sorted(layer.codings, key=lambda m: (m.interview_id, m.start, m.end, m.code)):
            out.setdefault(m.interview_id, {}).setdefault((m.start, m.end, layer.user), []).append((m.code, m.note))
    return out


def _text_source(sources: Element, interview: Interview, spans: Mapping[_Span, list[tuple[str, str]]],
                 users: Mapping[str, str]) -> None:
    key = _source_guid(interview.id)
    source = ET.SubElement(sources, _tag("TextSource"), {"guid": key, "name": interview.id,
                                                         "plainTextPath": f"internal://{key}.txt"})
    order = {user: i for i, user in enumerate(users)}
    for (start, end, user), entries in sorted(spans.items(), key=lambda kv: (kv[0][0], kv[0][1], order[kv[0][2]])):
        if not 0 <= start < end <= len(interview.text):
            raise ValueError(f"coding {start}-{end} lies outside interview {interview.id!r}")
        source.append(coded_selection(NS, "PlainTextSelection", (interview.id, start, end, user),
                                      selection_label(interview.text[start:end]),
                                      {"startPosition": str(start), "endPosition": str(end)},
                                      users[user], entries))


def selection_label(text: str) -> str:
    """A selection's ``name``: its text on one line, cut at 100 characters (as tools show it)."""
    label = " ".join(text.split())
    return label if len(label) <= _NAME_CHARS else label[: _NAME_CHARS - 1] + "…"


def coded_selection(ns: str, kind: str, key: tuple[object, ...], label: str, where: Mapping[str, str],
                    user: str, entries: Sequence[tuple[str, str]], code_guids: Mapping[str, str] | None = None,
                    ) -> Element:
    """A selection element coding one span for one user.

    Parameters
    ----------
    ns : str
        The project's namespace.
    kind : str
        ``PlainTextSelection``, or ``TranscriptSelection`` in a recording's transcript.
    key : tuple
        What identifies the span (interview, positions, user): its GUIDs derive from it.
    label : str
        The selection's ``name`` (see :func:`selection_label`).
    where : mapping
        The attributes placing it (start and end positions, or sync points).
    user : str
        The creating user's GUID.
    entries : sequence of (code, note)
        The codes it carries; notes (a confidence) go into its ``Description``.
    code_guids : mapping, optional
        Code name -> the GUID a project gives it; other codes get tr_nlp's.
    """
    selection = Element(qualified(ns, kind), {"guid": guid("selection", *key), "name": label, **where,
                                              "creatingUser": user})
    notes = [note for _, note in entries if note]
    if notes:
        ET.SubElement(selection, qualified(ns, "Description")).text = "\n".join(notes)
    for code, _ in entries:
        coding = ET.SubElement(selection, qualified(ns, "Coding"), {"guid": guid("coding", *key, code),
                                                                    "creatingUser": user})
        target = (code_guids or {}).get(code) or code_guid(code)
        ET.SubElement(coding, qualified(ns, "CodeRef"), {"targetGUID": target})
    return selection
