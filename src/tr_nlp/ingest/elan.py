"""ELAN (``.eaf``): time-aligned transcripts, and codes kept on tiers.

Linguists and conversation analysts transcribe recordings in ELAN, and teams that code
interviews inherit their files. An ``.eaf`` keeps a time line (``TIME_ORDER``: slots in
milliseconds, some left unaligned) and tiers of annotations that point into it.

Speech: each independent tier (one with no ``PARENT_REF``) is one speaker's speech, named
by its ``PARTICIPANT``, else its ``TIER_ID``; a document of one such tier without a
participant, whose annotations start with speaker labels (``I: ...``), takes its speakers
from the labels. The annotations of all speech tiers, in the order they start, are read
as timed cues (:func:`~tr_nlp.ingest.subtitles.interview_from_cues`): one ``Speaker: text``
line per turn, each annotation keeping its start time. An unaligned slot takes the time
of the last aligned one before it. Dependent tiers (translations, glosses) are left out,
and so are independent tiers whose name or type says they hold notes, comments or
gestures, with a warning naming them.

Codes: a tier whose name or type says it holds codes or themes (``Codes``, ``Themes@P07``)
codes speech. An annotation that refers to a speech annotation (a symbolic association,
ELAN's usual tier under a speaker's) codes that annotation's text; a time-aligned one
codes the speech annotations it overlaps (of its own speaker's tier, for a tier under
one). Its value names the codes, one per line or ``;``-separated part, read as comments
that name codes are (:func:`~tr_nlp.ingest.comments.codes_from_comments`: with a
codebook, values naming none of its codes are memos). The coder is the tier's
``ANNOTATOR``; else, where two code tiers sit side by side (each coder's tier under the
same speaker's, as ELAN's inter-annotator comparison wants them), the tier's name; else
the document's ``AUTHOR``, else the file's name.

The recording's file name (``MEDIA_DESCRIPTOR``) and the document's ``AUTHOR`` become
metadata.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar
from xml.etree.ElementTree import Element

from tr_nlp.errors import InputError, some
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import note_labels
from tr_nlp.ingest.speakers import UNKNOWN_SPEAKER
from tr_nlp.ingest.subtitles import Cue, cue_spans, interview_from_cues, prefix_labelled
from tr_nlp.ingest.xmldoc import descendants, file_name, local, parse_document, said
from tr_nlp.schema import Coding, Interview
from tr_nlp.wholes import whole_number

#: words in a tier's name or type that say it holds codes
CODE_WORDS = frozenset({"code", "codes", "coding", "codings", "theme", "themes"})
#: words in an independent tier's name or type that say it holds no speech (nor codes)
NOT_SPEECH = frozenset({
    "comment", "comments", "note", "notes", "gesture", "gestures", "gaze", "translation", "gloss", "glosses",
    "topic", "topics", "memo", "memos",
})
_WORDS = re.compile(r"[^\W\d_]+")
_T = TypeVar("_T")
#: longest chain of annotations referring to annotations followed to the speech they code
_MAX_REFS = 100
#: the time of an annotation with none of its own (a symbolic one, or one whose slot is missing)
_UNTIMED = (0.0, -1)
#: the shortest time an annotation lasts when it is matched by time (seconds): one whose
#: start and end are one slot overlaps what is said at that moment
_MOMENT = 0.001


@dataclass(frozen=True)
class _Annotation:
    id: str
    tier: str
    start: tuple[float, int]  # seconds, place on the time line
    end: tuple[float, int]
    value: str
    ref: str | None  # the annotation a symbolic one refers to


def read_eaf(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ELAN annotation document (``.eaf``) into one :class:`Interview`, with the
    codes its code tiers hold as ``comment_codings`` (their value as written)."""
    return read_layout(path, options)[0]


class EafLayout(NamedTuple):
    """What :func:`read_eaf` reads, the document's parsed XML, and where the text of each
    speech annotation (by its id) lies in the interview's text: what a copy of the
    document with more tiers is written from (:mod:`tr_nlp.export.elan`)."""

    result: ReadResult
    root: Element
    spans: dict[str, tuple[int, int]]


def read_layout(path: str | Path, options: ReadOptions = ReadOptions()) -> EafLayout:
    """Read an ``.eaf`` as :func:`read_eaf` does, keeping its :class:`EafLayout`."""
    path = Path(path)
    root = parse_document(path, ".eaf", "ELAN")
    if local(root.tag) != "ANNOTATION_DOCUMENT":
        raise InputError("E127", path, detail=f"its root element is <{local(root.tag)}>")
    tiers = descendants(root, "TIER")
    if not tiers:
        raise InputError("E127", path, detail="it has no tiers")
    alignable = {t.get("LINGUISTIC_TYPE_ID"): t.get("TIME_ALIGNABLE", "true") != "false"
                 for t in descendants(root, "LINGUISTIC_TYPE")}
    parents = {t.get("TIER_ID") or "": t.get("PARENT_REF") for t in tiers}
    annotations = _annotations(root, tiers)
    speech, codes, left_out = [], [], []
    for tier in tiers:
        tier_id, kind = tier.get("TIER_ID") or "", tier.get("LINGUISTIC_TYPE_REF") or ""
        words = tier_words(f"{tier_id} {kind}")
        if words & CODE_WORDS:
            codes.append(tier)
        elif tier.get("PARENT_REF") or not alignable.get(kind, True):
            continue  # a dependent tier: translations, glosses, tags of the speech above
        elif words & NOT_SPEECH:
            left_out.append(tier_id)
        else:
            speech.append(tier)
    cues = _speech_cues(speech, annotations)
    if not cues:
        detail = "none of its independent tiers holds time-aligned text"
        not_speech = [repr(t.get("TIER_ID") or "") for t in codes] + [repr(t) for t in left_out]
        if not_speech:
            detail += f" (tiers left out as not speech: {some(not_speech)})"
        raise InputError("E127", path, detail=detail)
    result = interview_from_cues([cue for _, cue in cues], path, options, _metadata(root), "eaf")
    if left_out:
        result.warnings.append(f"tiers {some([repr(t) for t in left_out])} were left out: their name or type says "
                               "they hold no speech (notes, comments, gestures)")
    turns = [turn.start for turn in result.interviews[0].turns]
    spans = dict(zip((a for a, _ in cues), cue_spans(turns, [c for _, c in cues])))
    coders = _coders(codes, parents, root, path)
    result.comment_codings = _codings(result.interviews[0], codes, coders, annotations, spans, parents)
    return EafLayout(result, root, spans)


def _annotations(root: Element, tiers: list[Element]) -> dict[str, _Annotation]:
    """Every annotation with text, by id; a symbolic one, or one whose slot is missing, is
    :data:`_UNTIMED` (what a symbolic one tags is found through its ``ref``)."""
    times = _slot_times(root)
    found: dict[str, _Annotation] = {}
    for tier in tiers:
        for holder in tier:
            for element in holder if local(holder.tag) == "ANNOTATION" else ():
                key, value = element.get("ANNOTATION_ID") or "", said(_value(element))
                if local(element.tag) == "ALIGNABLE_ANNOTATION":
                    start = times.get(element.get("TIME_SLOT_REF1") or "")
                    end = times.get(element.get("TIME_SLOT_REF2") or "", start)
                    ref = None
                elif local(element.tag) == "REF_ANNOTATION":
                    ref = element.get("ANNOTATION_REF") or ""
                    start = end = None
                else:
                    continue
                if key and value:
                    start = start or _UNTIMED
                    found[key] = _Annotation(key, tier.get("TIER_ID") or "", start, end or start, value, ref)
    return found


def _speech_cues(tiers: list[Element], annotations: dict[str, _Annotation]) -> list[tuple[str, Cue]]:
    """(annotation id, cue) of the speech tiers' aligned annotations, in the order they start."""
    names = {t.get("TIER_ID") or "": said(t.get("PARTICIPANT")) or said(t.get("TIER_ID")) or UNKNOWN_SPEAKER
             for t in tiers}
    said_here = sorted((a for a in annotations.values() if a.tier in names and a.ref is None and a.start != _UNTIMED),
                       key=lambda a: a.start)
    cues = [(a.id, Cue(a.start[0], a.end[0], names[a.tier], a.value)) for a in said_here]
    if len(tiers) == 1 and not said(tiers[0].get("PARTICIPANT")):  # one tier: its speakers may be labels
        labelled = prefix_labelled([replace(cue, speaker=None) for _, cue in cues])
        if any(cue.speaker != UNKNOWN_SPEAKER for cue in labelled):
            cues = [(key, cue) for (key, _), cue in zip(cues, labelled)]
    return cues


def _coders(codes: list[Element], parents: dict[str, str | None], root: Element, path: Path) -> dict[str, str]:
    """Code tier id -> its coder (see the module's docstring)."""
    beside = Counter(parents.get(t.get("TIER_ID") or "") for t in codes)
    fallback = said(root.get("AUTHOR")) or path.stem
    return {t.get("TIER_ID") or "": said(t.get("ANNOTATOR"))
            or (said(t.get("TIER_ID")) if beside[parents.get(t.get("TIER_ID") or "")] > 1 else "") or fallback
            for t in codes}


def _codings(interview: Interview, codes: list[Element], coders: dict[str, str], annotations: dict[str, _Annotation],
             spans: dict[str, tuple[int, int]], parents: dict[str, str | None]) -> list[Coding]:
    """A coding per code a code tier's annotation names, on the speech it codes."""
    tiers = {t.get("TIER_ID") or "" for t in codes}
    speech = Overlaps([a for a in annotations.values() if a.id in spans], lambda a: a.start[0], _until)
    codings = []
    for note in (a for a in annotations.values() if a.tier in tiers):
        covered = _covered(note, annotations, spans, parents, speech)
        if covered:
            start, end = min(s for s, _ in covered), max(e for _, e in covered)
            codings += [Coding(interview.id, start, end, label, coders[note.tier]) for label in note_labels(note.value)]
    return codings


def tier_words(text: str | None) -> set[str]:
    """The words (letters only) of a tier's name or type, in lower case: what says it holds
    codes (:data:`CODE_WORDS`) or no speech (:data:`NOT_SPEECH`).

    >>> sorted(tier_words("P07 [codes]"))
    ['codes', 'p']
    """
    return {word.casefold() for word in _WORDS.findall(text or "")}


class Overlaps(Generic[_T]):
    """Things said between two points (of time, or places on a time line), by where they
    start, to find those a span overlaps without looking at every one (a code on each
    annotation of a long recording).

    >>> found = Overlaps([(0, 5), (5, 6), (9, 12)], lambda s: s[0], lambda s: s[1])
    >>> found.overlapping(4, 10)
    [(0, 5), (5, 6), (9, 12)]
    >>> found.overlapping(5, 9)
    [(5, 6)]
    """

    def __init__(self, items: Iterable[_T], start: Callable[[_T], float], end: Callable[[_T], float]) -> None:
        self.items = sorted(items, key=start)
        self.starts = [start(item) for item in self.items]
        self.end = end
        self.longest = max((end(item) - begin for item, begin in zip(self.items, self.starts)), default=0.0)

    def overlapping(self, begin: float, end: float) -> list[_T]:
        """The things said between ``begin`` and ``end`` (in part), in the order they start."""
        near = self.items[bisect_left(self.starts, begin - self.longest):bisect_left(self.starts, end)]
        return [item for item in near if begin < self.end(item)]


def _until(annotation: _Annotation) -> float:
    """When an annotation ends, a moment after it starts at the earliest."""
    return max(annotation.end[0], annotation.start[0] + _MOMENT)


def _covered(note: _Annotation, annotations: dict[str, _Annotation], spans: dict[str, tuple[int, int]],
             parents: dict[str, str | None], speech: Overlaps[_Annotation]) -> list[tuple[int, int]]:
    """The spans of the speech annotations a code annotation codes."""
    seen = 0
    while note.ref is not None and seen < _MAX_REFS:  # a symbolic annotation: follow it to what it tags
        if note.ref in spans:
            return [spans[note.ref]]
        if note.ref not in annotations:
            return []
        note, seen = annotations[note.ref], seen + 1
    if note.ref is not None or note.start == _UNTIMED:
        return []
    tier, hops = note.tier, 0
    while parents.get(tier) and hops < _MAX_REFS:
        tier, hops = parents[tier] or "", hops + 1
    own = tier if tier != note.tier else None  # the speech tier a dependent code tier sits under
    return [spans[a.id] for a in speech.overlapping(note.start[0], _until(note)) if own is None or a.tier == own]


def _slot_times(root: Element) -> dict[str, tuple[float, int]]:
    """Time slot id -> (seconds, place on the time line); an unaligned slot takes the time
    of the last aligned slot before it (0 before any)."""
    times: dict[str, tuple[float, int]] = {}
    last = 0.0
    for place, slot in enumerate(descendants(root, "TIME_SLOT")):
        value = whole_number(slot.get("TIME_VALUE"))
        if value is not None:
            last = value / 1000
        times[slot.get("TIME_SLOT_ID") or ""] = (last, place)
    return times


def _metadata(root: Element) -> dict[str, Any]:
    """The recording's file name and the document's author."""
    meta: dict[str, Any] = {}
    media = next(iter(descendants(root, "MEDIA_DESCRIPTOR")), None)
    url = (media.get("RELATIVE_MEDIA_URL") or media.get("MEDIA_URL") or "") if media is not None else ""
    name = file_name(url)
    if name:
        meta["media"] = name
    if said(root.get("AUTHOR")):
        meta["author"] = said(root.get("AUTHOR"))
    return meta


def _value(element: Element) -> str:
    found = next((e for e in element if local(e.tag) == "ANNOTATION_VALUE"), None)
    return "".join(found.itertext()) if found is not None else ""
