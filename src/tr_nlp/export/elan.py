"""ELAN copies of interviews: a team's own ``.eaf`` with tiers of codes added.

A team that transcribes and codes in ELAN reviews suggestions where it codes: a copy of
the ``.eaf`` an interview was read from, with tiers of codes added for each author (a
model's suggestions, a coder whose codings came from elsewhere): one under each
speaker's tier, as ELAN's symbolic association, so that each of its annotations tags one
speech annotation (ELAN codes annotations, not characters: a coding tags each one it
touches) and names its codes (``beyond_routine: p=0.91; continuity: p=0.62`` where two
fall on one annotation). Each tier's name says ``codes`` and its annotator is the author,
so the copy reads back with a coder's codings as codings and a model's suggestions left
out as machine work (:mod:`tr_nlp.ingest.elan`). Nothing else of the document changes.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from tr_nlp.export.tables import atomic_path
from tr_nlp.export.word import MarginNote
from tr_nlp.ingest.elan import EafLayout
from tr_nlp.ingest.xmldoc import descendants, local
from tr_nlp.refi.vocab import noted_code
from tr_nlp.schema import Interview
from tr_nlp.wholes import whole_number

#: the linguistic type of the tiers tr_nlp adds: a symbolic association with a speaker's annotations
CODE_TYPE = "tr_nlp codes"
_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,18}(?![0-9])")
_PROBABILITY = re.compile(r"\bp=(\d+(?:\.\d+)?)")

ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")  # as ELAN writes its schema's place


def annotate_eaf(layout: EafLayout, output: str | Path, interview: Interview,
                 notes: Sequence[MarginNote]) -> int | None:
    """Write the ``.eaf`` ``interview`` was read from (its ``layout``, as
    :func:`~tr_nlp.ingest.elan.read_layout` reads it now) to ``output`` with ``notes`` on
    added tiers; how many annotations were added, or None, with nothing written, when the
    document no longer reads as the interview's text."""
    result, root, spans = layout
    if result.interviews[0].text != interview.text:
        return None
    speech = sorted(spans, key=spans.__getitem__)  # speech annotation ids, in the order of their text
    starts, ends = [spans[key][0] for key in speech], [spans[key][1] for key in speech]
    tagged: dict[str, dict[str, list[str]]] = {}  # author -> speech annotation -> texts
    for note in notes:
        for k in range(bisect_right(ends, note.start), bisect_left(starts, note.end)):
            tagged.setdefault(note.author, {}).setdefault(speech[k], []).append(note.text)
    tier_of = {a.get("ANNOTATION_ID"): t.get("TIER_ID") or "" for t in descendants(root, "TIER")
               for a in descendants(t, "ALIGNABLE_ANNOTATION")}
    next_id, added = _next_annotation_id(root), 0
    tiers = descendants(root, "TIER")
    taken = {t.get("TIER_ID") for t in tiers}
    last = tiers[-1]
    for author, by_annotation in tagged.items():
        for parent in dict.fromkeys(tier_of[key] for key in speech if key in by_annotation):
            tier = Element("TIER", {"ANNOTATOR": author, "LINGUISTIC_TYPE_REF": CODE_TYPE, "PARENT_REF": parent,
                                    "TIER_ID": _unique(f"{author} codes@{parent}", taken)})
            for key in (k for k in speech if k in by_annotation and tier_of[k] == parent):
                holder = ET.SubElement(tier, "ANNOTATION")
                ref = ET.SubElement(holder, "REF_ANNOTATION", {"ANNOTATION_ID": f"a{next_id}", "ANNOTATION_REF": key})
                ET.SubElement(ref, "ANNOTATION_VALUE").text = "; ".join(strongest(by_annotation[key]))
                next_id, added = next_id + 1, added + 1
            ET.indent(tier, "    ", level=1)
            last = _put_after(root, last, tier)
    if tagged and not any(t.get("LINGUISTIC_TYPE_ID") == CODE_TYPE for t in descendants(root, "LINGUISTIC_TYPE")):
        types = descendants(root, "LINGUISTIC_TYPE")
        _put_after(root, types[-1] if types else last, Element("LINGUISTIC_TYPE", {
            "CONSTRAINTS": "Symbolic_Association", "GRAPHIC_REFERENCES": "false", "LINGUISTIC_TYPE_ID": CODE_TYPE,
            "TIME_ALIGNABLE": "false"}))
    if tagged and not any(c.get("STEREOTYPE") == "Symbolic_Association" for c in descendants(root, "CONSTRAINT")):
        before = [e for e in root if local(e.tag) in {"LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT"}]
        _put_after(root, before[-1], Element("CONSTRAINT", {  # (a linguistic type was added, at the latest)
            "DESCRIPTION": "1-1 association with a parent annotation", "STEREOTYPE": "Symbolic_Association"}))
    _last_used_id(root, next_id - 1)
    with atomic_path(output) as tmp:
        ET.ElementTree(root).write(tmp, encoding="UTF-8", xml_declaration=True)
    return added


def strongest(texts: Sequence[str]) -> list[str]:
    """One text per code: of the notes naming one code (a machine note's code,
    :func:`~tr_nlp.refi.vocab.noted_code`, or a coder's whole note), the one with the
    highest ``p=``, in the order the codes came.

    >>> strongest(["care: p=0.65", "care: p=0.91", "trust: p=0.70", "care"])
    ['care: p=0.91', 'trust: p=0.70']
    >>> strongest(["Attitude: stigmatizing", "Attitude: not stigmatizing", "Attitude: warm: p=0.7"])
    ['Attitude: stigmatizing', 'Attitude: not stigmatizing', 'Attitude: warm: p=0.7']
    """
    best: dict[tuple[str, bool], tuple[float, str]] = {}
    for text in texts:
        code = noted_code(text)
        head = (text.strip(), False) if code is None else (code, text.startswith("candidate "))
        found = _PROBABILITY.search(text)
        score = float(found.group(1)) if found else -1.0
        if head not in best or score > best[head][0]:
            best[head] = (score, text)
    return [text for _, text in best.values()]


def _put_after(root: Element, before: Element, element: Element) -> Element:
    """Put ``element`` into ``root`` just after ``before``, on a line of its own; return it."""
    root.insert(list(root).index(before) + 1, element)
    element.tail, before.tail = before.tail, "\n    "
    return element


def _next_annotation_id(root: Element) -> int:
    """A number above every annotation id's (``a12``) and the header's last used one."""
    numbers = [int(m.group()) for e in root.iter() if isinstance(e.tag, str) and local(e.tag).endswith("ANNOTATION")
               for m in [_NUMBER.search(e.get("ANNOTATION_ID") or "")] if m]
    numbers += [n for p in descendants(root, "PROPERTY")
                if p.get("NAME") == "lastUsedAnnotationId" and (n := whole_number(p.text)) is not None]
    return max(numbers, default=0) + 1


def _last_used_id(root: Element, number: int) -> None:
    """Set the header's ``lastUsedAnnotationId``, as ELAN keeps it, where it has one."""
    for prop in descendants(root, "PROPERTY"):
        if prop.get("NAME") == "lastUsedAnnotationId":
            prop.text = str(number)


def _unique(name: str, taken: set[str | None]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    taken.add(candidate)
    return candidate
