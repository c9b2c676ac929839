"""Time-aligned annotation tools: ELAN (``.eaf``) and Transcriber (``.trs``).

Linguists and conversation analysts transcribe recordings in these tools, and teams that
code interviews inherit their files. Both are XML, parsed with ``defusedxml`` (no
entities, no external references), and both are read as timed cues
(:func:`~tr_nlp.ingest.subtitles.interview_from_cues`): one ``Speaker: text`` line per
turn, each turn keeping its first cue's start time and each later cue its own.

ELAN keeps a time line (``TIME_ORDER``: slots in milliseconds, some left unaligned) and
tiers of annotations that point into it. Each independent tier (one with no
``PARENT_REF``) is one speaker's speech, named by its ``PARTICIPANT``, else its
``TIER_ID``; dependent tiers (translations, glosses, part-of-speech) are left out, and so
are independent tiers whose name or type says they hold notes, comments, gestures or
codes, with a warning naming them. The annotations of all speech tiers, in time order,
are the cues. An unaligned slot takes the time of the last aligned one before it. The
recording's file name (``MEDIA_DESCRIPTOR``) and the document's ``AUTHOR`` become metadata.

Transcriber keeps speakers (``<Speaker id="spk1" name="Interviewer"/>``) and turns
(``<Turn speaker="spk1" startTime="12.5">``) whose ``<Sync time="...">`` marks start
cues; a turn of two speakers at once (``speaker="spk1 spk2"``) switches between them at
each ``<Who nb="2"/>``. Events (noise, laughter), comments and background marks are not
speech and are left out. The recording's name (``audio_filename``) and the transcriber
(``scribe``) become metadata.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import normalise_text, read_bytes
from tr_nlp.ingest.subtitles import Cue, interview_from_cues

#: words in an independent ELAN tier's id or type that say it holds no speech
NOT_SPEECH = frozenset({
    "comment", "comments", "note", "notes", "gesture", "gestures", "gaze", "translation", "gloss", "glosses",
    "code", "codes", "coding", "theme", "themes", "topic", "topics", "memo", "memos", "annotation",
})
_WORDS = re.compile(r"[^\W\d_]+")
_APPS = {".eaf": "ELAN", ".trs": "Transcriber"}


def read_eaf(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ELAN annotation document (``.eaf``) into one :class:`Interview`."""
    path = Path(path)
    root = _parse(path)
    if _local(root.tag) != "ANNOTATION_DOCUMENT":
        raise InputError("E127", path, detail=f"its root element is <{_local(root.tag)}>")
    times = _slot_times(root)
    kinds = {t.get("LINGUISTIC_TYPE_ID"): t.get("TIME_ALIGNABLE", "true") for t in _all(root, "LINGUISTIC_TYPE")}
    tiers = _all(root, "TIER")
    if not tiers:
        raise InputError("E127", path, detail="it has no tiers")
    cues: list[tuple[float, int, Cue]] = []
    left_out: list[str] = []
    for tier in tiers:
        tier_id = tier.get("TIER_ID") or ""
        kind = tier.get("LINGUISTIC_TYPE_REF") or ""
        if tier.get("PARENT_REF") or kinds.get(kind) == "false":
            continue  # a dependent tier: translations, glosses, tags of the speech above
        if not NOT_SPEECH.isdisjoint(w.casefold() for w in _WORDS.findall(f"{tier_id} {kind}")):
            left_out.append(tier_id)
            continue
        speaker = _name(tier.get("PARTICIPANT")) or _name(tier_id) or None
        for annotation in _all(tier, "ALIGNABLE_ANNOTATION"):
            text = _said(_child_text(annotation, "ANNOTATION_VALUE"))
            start = times.get(annotation.get("TIME_SLOT_REF1", ""))
            if text and start is not None:
                end = times.get(annotation.get("TIME_SLOT_REF2", ""), start)
                cues.append((start[0], start[1], Cue(start[0], end[0], speaker, text)))
    if not cues:
        detail = "none of its independent tiers holds time-aligned text"
        if left_out:
            detail += f" (tiers left out as not speech: {_listed(left_out)})"
        raise InputError("E127", path, detail=detail)
    cues.sort(key=lambda item: item[:2])
    result = interview_from_cues([cue for *_, cue in cues], path, options, _eaf_metadata(root), "eaf")
    if left_out:
        result.warnings.append(f"tiers {_listed(left_out)} were left out: their name or type says they hold "
                               "no speech (notes, comments, gestures, codes)")
    return result


def read_trs(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a Transcriber transcript (``.trs``) into one :class:`Interview`."""
    path = Path(path)
    root = _parse(path)
    if _local(root.tag) != "Trans":
        raise InputError("E128", path, detail=f"its root element is <{_local(root.tag)}>")
    names = {s.get("id"): _name(s.get("name")) or _name(s.get("id")) for s in _all(root, "Speaker")}
    cues = [cue for turn in _all(root, "Turn") for cue in _turn_cues(turn, names, path)]
    if not cues:
        raise InputError("E128", path, detail="none of its turns holds any text")
    meta = {key: _name(root.get(attribute)) for key, attribute in (("media", "audio_filename"), ("scribe", "scribe"))}
    return interview_from_cues(cues, path, options, {k: v for k, v in meta.items() if v}, "trs")


def _turn_cues(turn: Element, names: dict[str | None, str], path: Path) -> Iterator[Cue]:
    """A Transcriber turn's cues: a new one at each ``Sync`` and each ``Who``."""
    who = (turn.get("speaker") or "").split()
    speakers = [names.get(w) or _name(w) for w in who] or [None]
    start = _seconds(turn.get("startTime"), path, "a turn's startTime")
    start = 0.0 if start is None else start
    speaker: str | None = speakers[0]
    pieces: list[str] = [turn.text or ""]

    def cue() -> Iterator[Cue]:
        text = _said("".join(pieces))
        if text:
            yield Cue(start, start, speaker, text)

    for child in turn:
        tag = _local(child.tag)
        if tag == "Sync":
            yield from cue()
            synced = _seconds(child.get("time"), path, "a Sync's time")
            pieces, start = [], start if synced is None else synced
        elif tag == "Who":
            yield from cue()
            number = child.get("nb", "")
            pieces = []
            if number.isdigit() and 1 <= int(number) <= len(speakers):
                speaker = speakers[int(number) - 1]
        pieces.append(child.tail or "")
    yield from cue()


def _parse(path: Path) -> Element:
    """The file's XML, parsed without entities or external references."""
    kind = path.suffix.lower() if path.suffix.lower() in _APPS else ".eaf"
    app = _APPS[kind]
    data = read_bytes(path)
    try:
        return DefusedET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise InputError("E110", path, kind=kind, app=app,
                         detail=f"it declares entities or external references ({type(exc).__name__})") from None
    except (ParseError, LookupError) as exc:  # LookupError: an unknown declared encoding
        if not data.strip():
            raise InputError("E101", path) from None
        raise InputError("E110", path, kind=kind, app=app, detail=f"XML syntax error: {exc}") from None


def _slot_times(root: Element) -> dict[str, tuple[float, int]]:
    """Time slot id -> (seconds, place on the time line); an unaligned slot takes the time
    of the last aligned slot before it (0 before any)."""
    times: dict[str, tuple[float, int]] = {}
    last = 0.0
    for place, slot in enumerate(_all(root, "TIME_SLOT")):
        value = slot.get("TIME_VALUE")
        if value is not None and value.strip().isdigit():
            last = int(value) / 1000
        times[slot.get("TIME_SLOT_ID", "")] = (last, place)
    return times


def _eaf_metadata(root: Element) -> dict[str, Any]:
    """The recording's file name and the document's author."""
    meta: dict[str, Any] = {}
    media = next(iter(_all(root, "MEDIA_DESCRIPTOR")), None)
    url = (media.get("RELATIVE_MEDIA_URL") or media.get("MEDIA_URL") or "") if media is not None else ""
    name = PureWindowsPath(PurePosixPath(url.split("://", 1)[-1]).name).name  # the file, not the folders around it
    if name:
        meta["media"] = name
    if _name(root.get("AUTHOR")):
        meta["author"] = _name(root.get("AUTHOR"))
    return meta


def _seconds(value: str | None, path: Path, what: str) -> float | None:
    """Seconds from a Transcriber time attribute; None when it is missing."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise InputError("E128", path, detail=f"{what} is {value[:40]!r}, not a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError("E128", path, detail=f"{what} is {value[:40]!r}, not a number of seconds")
    return seconds


def _said(text: str) -> str:
    """Annotated text as one line: printable characters, white space runs one space."""
    return " ".join("".join(c for c in normalise_text(text) if c.isprintable() or c.isspace()).split())


def _name(value: str | None) -> str:
    """A speaker's or file's name on one line ('' for none)."""
    return _said(value or "")


def _listed(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: Element, tag: str) -> list[Element]:
    """Every element named ``tag`` below ``element``, in document order, in any namespace."""
    return [e for e in element.iter() if isinstance(e.tag, str) and _local(e.tag) == tag]


def _child_text(element: Element, tag: str) -> str:
    found = next((e for e in element if _local(e.tag) == tag), None)
    return "".join(found.itertext()) if found is not None else ""
