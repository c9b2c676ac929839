"""Transcriber (``.trs``): transcripts from the annotation tool for speech recordings.

Transcriber keeps speakers (``<Speaker id="spk1" name="Interviewer"/>``) and turns
(``<Turn speaker="spk1" startTime="12.5">``) whose ``<Sync time="...">`` marks start
cues; a turn of two speakers at once (``speaker="spk1 spk2"``) switches between them at
each ``<Who nb="2"/>``. Events (noise, laughter), comments and background marks are not
speech and are left out. The turns are read as timed cues
(:func:`~tr_nlp.ingest.subtitles.interview_from_cues`): one ``Speaker: text`` line per
turn, keeping each cue's start time. The recording's name (``audio_filename``) and the
transcriber (``scribe``) become metadata. The file names its DTD, which is never fetched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.subtitles import Cue, interview_from_cues
from tr_nlp.ingest.xmldoc import descendants, local, parse_document, said
from tr_nlp.wholes import whole_number


def read_trs(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a Transcriber transcript (``.trs``) into one :class:`Interview`."""
    path = Path(path)
    root = parse_document(path, ".trs", "Transcriber")
    if local(root.tag) != "Trans":
        raise InputError("E128", path, detail=f"its root element is <{local(root.tag)}>")
    names = {s.get("id"): said(s.get("name")) or said(s.get("id")) for s in descendants(root, "Speaker")}
    cues = [cue for turn in descendants(root, "Turn") for cue in _turn_cues(turn, names, path)]
    if not cues:
        raise InputError("E128", path, detail="none of its turns holds any text")
    meta = {"media": said(root.get("audio_filename")), "scribe": said(root.get("scribe"))}
    return interview_from_cues(cues, path, options, {k: v for k, v in meta.items() if v}, "trs")


def _turn_cues(turn: Element, names: dict[str | None, str], path: Path) -> Iterator[Cue]:
    """A turn's cues: a new one at each ``Sync`` and each ``Who``."""
    speakers = [names.get(w) or said(w) for w in (turn.get("speaker") or "").split()] or [None]
    start = _seconds(turn.get("startTime"), path, "a turn's startTime")
    start = 0.0 if start is None else start
    speaker: str | None = speakers[0]
    pieces: list[str] = [turn.text or ""]

    def cue() -> Iterator[Cue]:
        text = said("".join(pieces))
        if text:
            yield Cue(start, start, speaker, text)

    for child in turn:
        tag = local(child.tag) if isinstance(child.tag, str) else ""
        if tag == "Sync":
            yield from cue()
            synced = _seconds(child.get("time"), path, "a Sync's time")
            pieces, start = [], start if synced is None else synced
        elif tag == "Who":
            yield from cue()
            number = whole_number(child.get("nb"))
            pieces = []
            if number is not None and 1 <= number <= len(speakers):
                speaker = speakers[number - 1]
        pieces.append(child.tail or "")
    yield from cue()


def _seconds(value: str | None, path: Path, what: str) -> float | None:
    """Seconds from a time attribute; None when it is missing."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError("E128", path, detail=f"{what} is {value[:40]!r}, not a number of seconds")
    return seconds
