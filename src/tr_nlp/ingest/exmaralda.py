"""EXMARaLDA basic transcriptions (``.exb``): the Partitur-Editor's and FOLKER's files.

Discourse and conversation analysts (GAT 2 transcripts, FOLK) keep a transcript as a
common time line (``<tli id="T3" time="4.2"/>``, some points without a time) and, per
speaker, tiers of events between two of its points. Each transcription tier
(``type="t"``) holds its speaker's speech, named by the speaker table's abbreviation
(``INT``, ``P07``), else the speaker's id; description and annotation tiers (``type="d"``,
``type="a"``: non-verbal behaviour, translations, codes) are left out. The events of all
speakers, in the order of the time line, are read as timed cues
(:func:`~tr_nlp.ingest.subtitles.interview_from_cues`): an event that starts at a point
with a time starts a cue with that time, and one that starts at a point without a time
continues its speaker's cue (events often hold a word or a phrase each; their text keeps
its own spaces). The transcription's name and the recording it refers to become metadata.
The file is parsed with ``defusedxml``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.speakers import UNKNOWN_SPEAKER
from tr_nlp.ingest.subtitles import Cue, interview_from_cues
from tr_nlp.ingest.xmldoc import descendants, file_name, local, parse_document, said


def read_exb(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an EXMARaLDA basic transcription (``.exb``) into one :class:`Interview`."""
    path = Path(path)
    root = parse_document(path, ".exb", "the EXMARaLDA Partitur-Editor")
    if local(root.tag) != "basic-transcription":
        raise InputError("E129", path, detail=f"its root element is <{local(root.tag)}>")
    points = _timeline(root)
    names = {s.get("id"): said(_text(s, "abbreviation")) or said(s.get("id")) for s in descendants(root, "speaker")}
    events: list[tuple[int, int, str, str, bool]] = []  # place, tier, speaker, text, timed
    for number, tier in enumerate(descendants(root, "tier")):
        if (tier.get("type") or "t") != "t":
            continue  # descriptions, annotations: not speech
        speaker = names.get(tier.get("speaker")) or said(tier.get("speaker")) or UNKNOWN_SPEAKER
        for event in descendants(tier, "event"):
            start = points.get(event.get("start") or "")
            if start is not None and "".join(event.itertext()).strip():
                events.append((start[0], number, speaker, "".join(event.itertext()), start[2]))
    if not events:
        raise InputError("E129", path, detail="none of its transcription tiers holds an event with text")
    times = {place: seconds for place, seconds, _ in points.values()}
    cues: list[tuple[float, str, list[str]]] = []
    for place, _, speaker, text, timed in sorted(events, key=lambda e: e[:2]):
        if cues and cues[-1][1] == speaker and not timed:
            cues[-1][2].append(text)
        else:
            cues.append((times[place], speaker, [text]))
    found = [Cue(start, start, speaker, said("".join(texts))) for start, speaker, texts in cues]
    return interview_from_cues([cue for cue in found if cue.text], path, options, _metadata(root), "exb")


def _timeline(root: Element) -> dict[str, tuple[int, float, bool]]:
    """Time line point id -> (place, seconds, whether the point has a time of its own); a
    point without one takes the time of the last point before it that has one (0 at first)."""
    points: dict[str, tuple[int, float, bool]] = {}
    last = 0.0
    for place, point in enumerate(descendants(root, "tli")):
        try:
            seconds = float(point.get("time") or "nan")
        except ValueError:
            seconds = math.nan
        timed = math.isfinite(seconds) and seconds >= 0
        last = seconds if timed else last
        points[point.get("id") or ""] = (place, last, timed)
    return points


def _metadata(root: Element) -> dict[str, Any]:
    """The transcription's name and the recording's file name."""
    meta: dict[str, Any] = {}
    name = said(next((_text(m, "transcription-name") for m in descendants(root, "meta-information")), ""))
    if name:
        meta["title"] = name
    media = next(iter(descendants(root, "referenced-file")), None)
    recording = file_name(media.get("url") or "") if media is not None else ""
    if recording:
        meta["media"] = recording
    return meta


def _text(element: Element, tag: str) -> str:
    found = next((e for e in element if local(e.tag) == tag), None)
    return "".join(found.itertext()) if found is not None else ""
