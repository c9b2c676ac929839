"""EXMARaLDA basic transcriptions (``.exb``): the Partitur-Editor's and FOLKER's files.

Discourse and conversation analysts (GAT 2 transcripts, FOLK) keep a transcript as a
common time line (``<tli id="T3" time="4.2"/>``, some points without a time) and, per
speaker, tiers of events between two of its points. Each transcription tier
(``type="t"``) holds its speaker's speech, named by the speaker table's abbreviation
(``INT``, ``P07``), else the speaker's id; description and annotation tiers (``type="d"``,
``type="a"``: non-verbal behaviour, translations) are left out. The events of all
speakers, in the order of the time line, are read as timed cues
(:func:`~tr_nlp.ingest.subtitles.interview_from_cues`): an event that starts at a point
with a time starts a cue with that time, and one that starts at a point without a time
continues its speaker's cue (events often hold a word or a phrase each; their text keeps
its own spaces). The transcription's name and the recording it refers to become metadata.
The file is parsed with ``defusedxml``.

An annotation or description tier whose category or name says codes (``code``,
``coding``, ``theme``: :data:`~tr_nlp.ingest.elan.CODE_WORDS`) codes speech: each of its
events codes the events of its speaker's speech (any speaker's, for a tier of no speaker)
that overlap it on the time line, its value naming codes (one per line or ``;`` part) as
a comment's does (``comment_codings``, matched to the codebook as Word comments are). The
coder is the tier's name where a coder gave it one (not the editor's ``P07 [code]``) or
where one speaker has two code tiers (two coders' annotations), else the file's name.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import note_labels
from tr_nlp.ingest.elan import CODE_WORDS, Overlaps, tier_words
from tr_nlp.ingest.speakers import UNKNOWN_SPEAKER
from tr_nlp.ingest.subtitles import Cue, cue_spans, interview_from_cues
from tr_nlp.ingest.xmldoc import descendants, file_name, local, parse_document, said
from tr_nlp.schema import Coding


class _Event(NamedTuple):
    """An event of a tier: where it starts and ends on the time line (places), its tier's
    number and speaker, its text, and whether its start has a time of its own."""

    place: int
    end: int
    tier: int
    speaker: str
    text: str
    timed: bool


def read_exb(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an EXMARaLDA basic transcription (``.exb``) into one :class:`Interview`."""
    path = Path(path)
    root = parse_document(path, ".exb", "the EXMARaLDA Partitur-Editor")
    if local(root.tag) != "basic-transcription":
        raise InputError("E129", path, detail=f"its root element is <{local(root.tag)}>")
    points = _timeline(root)
    names = {s.get("id"): said(_text(s, "abbreviation")) or said(s.get("id")) for s in descendants(root, "speaker")}
    speech: list[_Event] = []
    codes: dict[Element, list[_Event]] = {}  # code tiers and their events
    for number, tier in enumerate(descendants(root, "tier")):
        kind = tier.get("type") or "t"
        if kind != "t" and not tier_words(f"{tier.get('category') or ''} {tier.get('display-name') or ''}") & CODE_WORDS:
            continue  # descriptions, annotations: not speech
        speaker = names.get(tier.get("speaker")) or said(tier.get("speaker")) or UNKNOWN_SPEAKER
        if kind != "t" and not tier.get("speaker"):
            speaker = ""  # codes of any speaker's speech
        found = [_Event(start[0], points.get(event.get("end") or "", (start[0] + 1,))[0], number, speaker,
                        "".join(event.itertext()), start[2])
                 for event in descendants(tier, "event")
                 if (start := points.get(event.get("start") or "")) is not None and "".join(event.itertext()).strip()]
        if kind == "t":
            speech += found
        else:
            codes[tier] = found
    if not speech:
        raise InputError("E129", path, detail="none of its transcription tiers holds an event with text")
    times = {place: seconds for place, seconds, _ in points.values()}
    cues: list[tuple[float, str, list[_Event]]] = []
    for event in sorted(speech, key=lambda e: (e.place, e.tier)):
        if cues and cues[-1][1] == event.speaker and not event.timed:
            cues[-1][2].append(event)
        else:
            cues.append((times[event.place], event.speaker, [event]))
    kept = [(Cue(start, start, speaker, said("".join(e.text for e in events))), events)
            for start, speaker, events in cues]
    kept = [(cue, events) for cue, events in kept if cue.text]
    result = interview_from_cues([cue for cue, _ in kept], path, options, _metadata(root), "exb")
    if codes:
        interview = result.interviews[0]
        spans = cue_spans([turn.start for turn in interview.turns], [cue for cue, _ in kept])
        where = {event: span for (cue, events), cue_span in zip(kept, spans, strict=True)
                 for event, span in _event_spans(cue, events, cue_span[0])}
        result.comment_codings = _codings(interview.id, codes, where, names, path)
    return result


def _until(event: _Event) -> int:
    """Where an event ends on the time line, a place after it starts at the earliest."""
    return max(event.end, event.place + 1)


def _event_spans(cue: Cue, events: list[_Event], offset: int) -> list[tuple[_Event, tuple[int, int]]]:
    """Where each of a cue's ``events`` lies in the text (the cue's starting at ``offset``),
    found in order in the cue's text (which has their spaces made one)."""
    found, at = [], 0
    for event in events:
        text = said(event.text)
        place = cue.text.find(text, at) if text else -1
        if place >= 0:
            found.append((event, (offset + place, offset + place + len(text))))
            at = place + len(text)
    return found


def _codings(interview_id: str, codes: dict[Element, list[_Event]], where: dict[_Event, tuple[int, int]],
             names: dict[str | None, str], path: Path) -> list[Coding]:
    """A coding per code a code tier's event names, on the speech events it overlaps (of its
    tier's speaker, when the tier has one)."""
    per_speaker = Counter(tier.get("speaker") for tier in codes)
    spoken = Overlaps(where.items(), lambda item: item[0].place, lambda item: _until(item[0]))
    codings = []
    for tier, events in codes.items():
        name = said(tier.get("display-name"))
        speaker_words = tier_words(names.get(tier.get("speaker")))
        # a name of its coder's, not the editor's 'P07 [code]' or one of the speaker and code words alone
        named = not name.endswith("]") and bool(tier_words(name) - CODE_WORDS - speaker_words)
        coder = ((name or said(tier.get("category")) or said(tier.get("id")))
                 if named or per_speaker[tier.get("speaker")] > 1 else "") or path.stem
        for note in events:
            covered = [span for event, span in spoken.overlapping(note.place, _until(note))
                       if not note.speaker or event.speaker == note.speaker]
            if covered:
                start, end = min(s for s, _ in covered), max(e for _, e in covered)
                codings += [Coding(interview_id, start, end, label, coder) for label in note_labels(note.text)]
    return codings


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
