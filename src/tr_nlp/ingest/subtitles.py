"""WebVTT (.vtt) and SubRip (.srt) transcripts from recorded calls.

The speaker of a cue comes from a voice tag (``<v Dr Lee>``) or a prefix (``Name:``,
``>> Name:``, ``[Interviewer]``); a cue with neither continues the previous speaker, unless
the captions mark a change of speaker there (``>>``, or a dash before a line of a cue:
``- Really?`` / ``- Yes.``), which passes the turn back to the speaker before (captions that
name no one: two people, ``Speaker 1`` and ``Speaker 2``, taking turns), as subtitles start a
new cue where a new speaker starts.
A cue of several voice tags is a turn of each.
Consecutive cues of one speaker are merged into one turn, and the stored text is rebuilt
as one ``Speaker: text`` line per turn, so it reads like a transcript and exports cleanly.
Each turn keeps the start time of its first cue, and the interview the start of every
other cue (:attr:`~tr_nlp.schema.Interview.times`), so a sentence in a long turn has its
own time. ``key: value`` lines in the WEBVTT header or a NOTE block before the first cue
become metadata.

Timed cues also come written out as text: Microsoft Teams' older transcripts (.docx) put
each cue's timing on a line of its own (``0:0:3.0 --> 0:0:10.0``), the speaker's name on
the next and what they said below; :func:`cues_in_text` finds them in a document's text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import read_text
from tr_nlp.ingest.speakers import (
    NAME_LINE,
    UNKNOWN_SPEAKER,
    LabelMatch,
    is_known_label,
    labelled_lines,
    match_label,
    parse_timestamp,
    turns_with_roles,
    unlabelled_roles,
)
from tr_nlp.schema import Interview

_CUE_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_CUE_TIME})\s*-->\s*(?P<end>{_CUE_TIME})(?:\s+.*)?$")
# no "<" inside a tag: tried from each "<" of a long run of them, "[^>]+" ran to the line's
# end every time (quadratic: minutes for a cue of 200,000)
_VOICE = re.compile(r"<v(?:\.[^\s<>]+)*\s+(?P<name>[^<>]+)>")
#: a cue's markup: WebVTT's and SubRip's tags (``<i>``, ``</b>``, ``<c.yellow>``, ``<v Jo>``,
#: ``<lang en>``, ``<font color="#fff">``) and karaoke times (``<00:01.500>``); not a ``<`` of
#: speech ("I <3 it", "x<5 and y>3", "< 5 mg", "a<b and c>d")
_TAG = re.compile(r"</?(?:(?:[ibuc]|ruby|rt|span)(?:\.[\w-]+)*|(?:v|lang)(?:\.[\w-]+)*(?:\s[^<>]*)?"
                  r"|font(?:\s+[\w-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s<>]+))*\s*"
                  rf"|{_CUE_TIME})>", re.IGNORECASE)
_META = re.compile(r"^(?P<key>[A-Za-z_][\w\- ]*):\s*(?P<value>.*)$")
_CHANGE = re.compile(r"^>>\s*")  # caption convention: a new speaker starts here
#: where captions mark a new speaker inside a cue's text: ``>>`` (escaped or not), a voice tag
#: (white space before a marker is tried only where it starts, or a marker alone: tried from
#: each space of a long run, the pattern ran to the run's end every time)
_CHANGES = re.compile(r"(?<!\s)\s*(?:>>|&gt;&gt;)\s*|(?:>>|&gt;&gt;)\s*|(?=<v[\s.])")
#: a dialogue dash before a line of a cue: a hyphen (Netflix writes no space after it), or an en
#: or em dash and a space; not a minus ("-5 degrees") or an em dash before a word (speech broken off)
_DIALOGUE_DASH = re.compile(r"^(?:-\s?|[\u2013\u2014]\s)(?=[^\s\d\-\u2013\u2014])")
#: the two speakers of captions that mark changes of speaker but name no one
GENERIC_SPEAKERS = ("Speaker 1", "Speaker 2")
_BRACKET = re.compile(r"\[(?P<label>[^\[\]\n]{1,30})\]\s*:?\s+")
# a cue's timing written as text, as loosely as Teams writes it ("0:0:3.0 --> 0:0:10.0")
_TEXT_TIME = r"\d{1,3}:\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_TEXT_TIMING = re.compile(rf"^\s*(?P<start>{_TEXT_TIME})\s*-->\s*(?P<end>{_TEXT_TIME})\s*$")
#: fewest timing lines that make a document's text a transcript of cues
MIN_TEXT_CUES = 2
#: most lines above the first cue of such a transcript (a title, a date: its ``header``)
MAX_HEADER_LINES = 5


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str
    #: the captions mark a change of speaker before it (``>>``, a dialogue dash)
    changed: bool = False


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the 1-based line number where each starts.

    A second timing line in a block starts a new one (with the cue number above it), so
    cues that no blank line separates are still cues, not text of the cue before. A blank
    line just under a timing line does not end its cue: YouTube's automatic captions open
    each cue with a line of a space, which WebVTT counts as text (an empty line ends a cue).
    """
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first, timed = 0, False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() and current and _TIMING.match(current[-1]):
            continue  # a blank line before a cue's text is no end of it (YouTube's line of a space)
        if not line.strip():
            if current:
                blocks.append((first, current))
            current, timed = [], False
            continue
        if _TIMING.match(line):
            if timed:
                carry = [current.pop()] if len(current) > 1 and current[-1].strip().isdigit() else []
                blocks.append((first, current))
                first, current = number - len(carry), carry
            timed = True
        if not current:
            first = number
        current.append(line)
    if current:
        blocks.append((first, current))
    return blocks


def _parse_cue(lines: list[str], line_no: int, path: Path, srt: bool) -> list[Cue]:
    timing_at = min(_timing_at(lines), 1)
    if timing_at >= len(lines) or "-->" not in lines[timing_at]:
        found = lines[min(timing_at, len(lines) - 1)]
        raise InputError(
            "E120", path, line=line_no + timing_at,
            detail=f"expected a timing line 'HH:MM:SS.mmm --> HH:MM:SS.mmm', found {found[:60]!r}",
        )
    if srt and timing_at == 1 and not lines[0].strip().isdigit():
        raise InputError("E120", path, line=line_no,
                         detail=f"expected a cue number, found {lines[0][:60]!r}")
    m = _TIMING.match(lines[timing_at])
    if m is None:
        raise InputError("E120", path, line=line_no + timing_at,
                         detail=f"cannot read the times in {lines[timing_at][:60]!r}; "
                         "expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm'")
    start, end = parse_timestamp(m.group("start")), parse_timestamp(m.group("end"))
    if end < start:
        raise InputError("E120", path, line=line_no + timing_at,
                         detail=f"the cue ends ({m.group('end')}) before it starts ({m.group('start')})")
    cues = []
    for changed, piece in _spoken(lines[timing_at + 1 :]):
        speaker, text = _voiced(piece)
        if text:
            cues.append(Cue(start, end, speaker, text, changed))
    return cues


def _spoken(lines: list[str]) -> list[tuple[bool, str]]:
    """A cue's text lines as pieces of one speaker each, and whether the captions mark a
    change of speaker before each: a dialogue dash before a line, ``>>``, a voice tag.

    >>> _spoken(["- How was it", "for you?", "- >> Fine. <v Jo>Mm.</v>"])
    [(True, 'How was it for you?'), (True, 'Fine.'), (True, '<v Jo>Mm.</v>')]
    """
    pieces: list[tuple[bool, str]] = []
    for line in (line.strip() for line in lines):
        dash = _DIALOGUE_DASH.match(line)
        changed = bool(dash)
        for k, part in enumerate(_CHANGES.split(line[dash.end():] if dash else line)):
            if part.strip():
                if not pieces or changed or k > 0:
                    pieces.append((changed or k > 0, part.strip()))
                else:
                    pieces[-1] = (pieces[-1][0], f"{pieces[-1][1]} {part.strip()}")
            changed = False
    return pieces


def _voiced(payload: str) -> tuple[str | None, str]:
    """A cue's speaker from its voice tag (``<v Dr Lee>``), if any, and its text without tags.

    >>> _voiced("<v.loud Dr Lee>Fish &amp;  <i>chips</i></v>")
    ('Dr Lee', 'Fish & chips')
    >>> _voiced('<font color="#ff0">I <3 it</font>, <00:01.500>x<5 and y>3')
    (None, 'I <3 it, x<5 and y>3')
    """
    voice = _VOICE.search(payload)
    text = html.unescape(_TAG.sub("", payload)).replace("\u00a0", " ")
    return (voice.group("name").strip() if voice else None), re.sub(r"\s+", " ", text).strip()


def _caption_label(text: str) -> LabelMatch | None:
    """A speaker prefix in a cue: ``Name: text``, ``>> Name: text`` or ``[Interviewer] text``.

    ``>>`` marks a change of speaker in captions. A bracketed label counts only in a known
    shape (``[Speaker 2]``, ``[P01]``), since captions also bracket sounds (``[Laughter]``).
    """
    marker = _CHANGE.match(text)
    skip = marker.end() if marker else 0
    found = match_label(text[skip:])
    if found is None:
        bracket = _BRACKET.match(text, skip)
        if bracket is None or not is_known_label(bracket.group("label").strip()):
            return None
        return LabelMatch(bracket.group("label").strip(), bracket.end(), None)
    return LabelMatch(found.label, found.end + skip, found.timestamp)


def prefix_labelled(cues: list[Cue]) -> list[Cue]:
    """``cues``, each with a speaker: its ``Name: text`` prefix where no voice tag gave one
    and the file uses prefixes (one recurs, or is a known label), else the speaker before
    (:data:`~tr_nlp.ingest.speakers.UNKNOWN_SPEAKER` at the start), or where the captions
    mark a change of speaker (:attr:`Cue.changed`), the speaker before that one (none
    known yet: the speaker before goes on). Captions that name no speaker but mark changes
    are two people taking turns, :data:`GENERIC_SPEAKERS`.

    >>> [c.speaker for c in prefix_labelled([Cue(0, 1, None, "Hi?"), Cue(1, 2, None, "Yes.", True)])]
    ['Speaker 1', 'Speaker 2']
    """
    matches = [_caption_label(c.text) if c.speaker is None else None for c in cues]
    counts = Counter(m.label for m in matches if m is not None)
    # once a file is seen to use prefixes (a recurring or known label), each prefix counts
    uses_prefixes = any(n >= 2 or is_known_label(label) for label, n in counts.items())
    named = uses_prefixes or any(c.speaker is not None for c in cues)
    out: list[Cue] = []
    previous = None if named or not any(c.changed for c in cues) else GENERIC_SPEAKERS[0]
    before: str | None = GENERIC_SPEAKERS[1] if previous else None  # the speaker before the one speaking
    for cue, m in zip(cues, matches):
        speaker, text = cue.speaker, cue.text
        if m is not None and uses_prefixes and text[m.end:].strip():
            speaker, text = m.label, text[m.end :].strip()
        if speaker is None and cue.changed and out:  # a change before anyone spoke changes nothing
            speaker = before
        speaker = speaker or previous or UNKNOWN_SPEAKER
        if speaker != previous:
            before, previous = previous, speaker
        out.append(Cue(cue.start, cue.end, speaker, text))
    return out


def _metadata_lines(lines: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for line in lines:
        m = _META.match(line.strip())
        if m:
            value: Any = m.group("value").strip()
            if value.lower() in {"true", "false"}:
                value = value.lower() == "true"
            meta[m.group("key").strip()] = value
    return meta


def cues_in_text(text: str) -> tuple[str, list[Cue]] | None:
    """The cues of a transcript written as timing lines, each followed by what was said, or
    None when ``text`` is not one (fewer than :data:`MIN_TEXT_CUES` timing lines, or more than
    :data:`MAX_HEADER_LINES` lines above the first).

    Returns the text before the first cue (a title, a date) and the cues. Where the first
    line under most timings is a name that recurs (Teams: timing, speaker, speech), or every
    cue has a name line above its speech, that line is the cue's speaker; otherwise cues name
    no speaker (``Name:`` prefixes and ``<v Name>`` voice tags still can, and ``>>`` and dialogue
    dashes mark changes of speaker, as in captions). A cue number line just above a timing line
    is not speech.

    Examples
    --------
    >>> header, cues = cues_in_text("Transcript\\n0:0:1.0 --> 0:0:4.5\\nJane Doe\\nHow are you?\\n\\n"
    ...                             "0:0:5.0 --> 0:0:7.0\\nSam Roe\\nFine.\\n\\n0:0:8.0 --> 0:0:9.0\\nJane Doe\\nGood.")
    >>> header, [(c.start, c.speaker, c.text) for c in cues]
    ('Transcript', [(1.0, 'Jane Doe', 'How are you?'), (5.0, 'Sam Roe', 'Fine.'), (8.0, 'Jane Doe', 'Good.')])
    """
    lines = text.split("\n")
    timings = [(i, m) for i, line in enumerate(lines) if (m := _TEXT_TIMING.match(line))]
    if len(timings) < MIN_TEXT_CUES:
        return None
    first = timings[0][0]
    if first and lines[first - 1].strip().isdigit():
        first -= 1
    header = [line.strip() for line in lines[:first] if line.strip()]
    if len(header) > MAX_HEADER_LINES:  # a transcript that quotes some timings, not one of cues
        return None
    bodies: list[list[str]] = []
    for k, (i, _) in enumerate(timings):
        stop = timings[k + 1][0] if k + 1 < len(timings) else len(lines)
        body = [line.strip() for line in lines[i + 1 : stop] if line.strip()]
        if k + 1 < len(timings) and body and body[-1].isdigit():
            body.pop()  # the next cue's number
        bodies.append(body)
    names = [m.group("label") if body and (m := NAME_LINE.match(body[0])) else None for body in bodies]
    counts = Counter(name for name in names if name is not None)
    accepted = {name for name, n in counts.items() if n >= 2 or is_known_label(name)}
    # once most cues start with a recurring name (or every cue with a name above speech), each
    # name line above speech is a speaker
    named = (sum(name in accepted for name in names) * 2 >= len(bodies)
             or all(name is not None and len(body) > 1 for name, body in zip(names, bodies)))
    cues: list[Cue] = []
    for (_, m), body, name in zip(timings, bodies, names):
        speaker = name if named and name is not None and (name in accepted or len(body) > 1) else None
        start, end = parse_timestamp(m.group("start")), parse_timestamp(m.group("end"))
        for k, (changed, piece) in enumerate(_spoken(body[1:] if speaker else body)):  # ">>", dashes, as in captions
            said, voice = re.sub(r"\s+", " ", piece).strip(), None
            if _VOICE.search(said):  # a .vtt's cues pasted into a document: "<v Jane Doe>Hello</v>"
                voice, said = _voiced(said)
            if said:
                cues.append(Cue(start, end, (speaker or voice) if k == 0 else voice, said, changed))
    if not cues:
        return None
    return "\n".join(header), cues


def read_srt(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a SubRip file into one :class:`Interview`, whatever its suffix."""
    return read_subtitles(path, options, srt=True)


def read_vtt(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a WebVTT file into one :class:`Interview`, whatever its suffix."""
    return read_subtitles(path, options, srt=False)


def read_subtitles(path: str | Path, options: ReadOptions = ReadOptions(), srt: bool | None = None) -> ReadResult:
    """Read a ``.vtt`` or ``.srt`` file into one :class:`Interview` (SubRip when ``srt``,
    which defaults to the file's suffix saying so)."""
    path = Path(path)
    srt = path.suffix.lower() == ".srt" if srt is None else srt
    text = read_text(path, options.encoding)
    blocks = _blocks(text.text)
    metadata: dict[str, Any] = {}
    headless = False  # cues with no WEBVTT line above them, as some tools save them
    if not srt:
        headless = bool(blocks) and not blocks[0][1][0].startswith("WEBVTT")
        if not blocks or headless and "-->" not in " ".join(blocks[0][1][:2]):
            raise InputError("E121", path)
        if not headless:
            metadata.update(_metadata_lines(blocks[0][1][1:]))
            blocks = blocks[1:]
    cues: list[Cue] = []
    timed: list[tuple[int, list[str]]] = []
    for line_no, lines in blocks:
        head = lines[0].strip()
        if not srt and head.startswith(("NOTE", "STYLE", "REGION")):
            if head.startswith("NOTE") and not timed:
                metadata.update(_metadata_lines([head[4:], *lines[1:]]))
            continue
        timed.append((line_no, lines))
    timed, rolled = without_rolled_lines(timed)
    for line_no, lines in timed:
        cues.extend(_parse_cue(lines, line_no, path, srt))
    if not cues:
        raise InputError("E122", path)
    result = interview_from_cues(cues, path, options, metadata, "srt" if srt else "vtt", text.warning)
    if headless:
        result.warnings.insert(0, "no 'WEBVTT' line opens the file, as WebVTT asks; its cues were read all the same")
    if rolled:
        result.warnings.append(f"the captions roll up ({rolled} cues repeat the line before them, as YouTube's "
                               "automatic captions and live captions do): each line was read once")
    return result


#: The fewest cues that must repeat the line before them, and the least share of the cues, for
#: captions to be taken as rolling up (a speaker saying a line twice, "No." "No.", is not that).
MIN_ROLLED, MIN_ROLLED_SHARE = 3, 0.3


def without_rolled_lines(blocks: list[tuple[int, list[str]]]) -> tuple[list[tuple[int, list[str]]], int]:
    """Cue ``blocks`` of captions that roll up with each line kept once, and how many cues
    repeated lines; ``blocks`` as they are (and 0) where the captions do not roll up.

    Captions that roll up show each line twice: a cue's first lines are the last lines of
    the cue before (live captions; YouTube's automatic ones also show each finished line
    alone for 10 ms), so read whole, every line would be said twice. They are taken to roll
    up where at least :data:`MIN_ROLLED` cues, and :data:`MIN_ROLLED_SHARE` of them, open
    with the last line of the cue before (lines compared without their markup). A timing
    line keeps its place; a cue left without text is dropped by the reader as empty.

    >>> blocks = [(1, ["00:01.000 --> 00:02.000", "so i went"]), (4, ["00:02.000 --> 00:03.000", "so i went",
    ...           "to the clinic"]), (8, ["00:03.000 --> 00:04.000", "to the clinic", "and the nurse"]),
    ...           (12, ["00:04.000 --> 00:05.000", "and the nurse"])]
    >>> kept, rolled = without_rolled_lines(blocks)
    >>> [lines[1:] for _, lines in kept], rolled
    ([['so i went'], ['to the clinic'], ['and the nurse'], []], 3)
    """
    texts = [[text for line in lines[_timing_at(lines) + 1 :] if (text := _voiced(line)[1])] for _, lines in blocks]
    overlaps = [_overlap(before, now) for before, now in zip([[], *texts], texts)]
    rolled = sum(n > 0 for n in overlaps)
    if rolled < MIN_ROLLED or rolled < MIN_ROLLED_SHARE * len(blocks):
        return blocks, 0
    kept = []
    for (line_no, lines), n in zip(blocks, overlaps):
        timing_at = _timing_at(lines)
        body = lines[timing_at + 1 :]
        while n and body:  # drop the first n lines of text (and the lines of spaces among them)
            n -= bool(_voiced(body.pop(0))[1])
        kept.append((line_no, [*lines[: timing_at + 1], *body]))
    return kept, rolled


def _timing_at(lines: list[str]) -> int:
    """Where a cue block's timing line is: first, or under its number (past the end: none)."""
    return next((k for k, line in enumerate(lines[:2]) if "-->" in line), len(lines))


def _overlap(before: list[str], now: list[str]) -> int:
    """How many lines that open ``now`` end ``before`` (the most that do)."""
    return next((n for n in range(min(len(before), len(now)), 0, -1) if before[-n:] == now[:n]), 0)


def interview_from_cues(
    cues: list[Cue],
    path: Path,
    options: ReadOptions,
    metadata: dict[str, Any],
    fmt: str,
    warning: str | None = None,
) -> ReadResult:
    """One interview of timed cues: a cue with no speaker continues the one before.

    Consecutive cues of one speaker merge into a turn that keeps the first cue's start
    time, and the start of each later cue is kept in :attr:`Interview.times`; the stored
    text is one ``Speaker: text`` line per turn. Cues that name no speaker at all are the
    participant's speech, with a warning, unless they mark changes of speaker: then two
    people take turns (:func:`prefix_labelled`), also with a warning. An ``interview_id`` in
    ``metadata`` names the interview, else the file name does.
    """
    marked = any(cue.changed for cue in cues)
    cues = prefix_labelled(cues)
    taking_turns = marked and all(cue.speaker in GENERIC_SPEAKERS for cue in cues)
    merged: list[tuple[str, list[Cue]]] = []
    for cue in cues:
        assert cue.speaker is not None
        if merged and merged[-1][0] == cue.speaker:
            merged[-1][1].append(cue)
        else:
            merged.append((cue.speaker, [cue]))
    stored, spans = labelled_lines((speaker, " ".join(cue.text for cue in said), said[0].start)
                                   for speaker, said in merged)
    located = cue_spans([start for _, start, _, _ in spans], cues)
    times = tuple((at, cue.start) for (at, _), cue, before in zip(located, cues, [None, *cues])
                  if before is not None and before.speaker == cue.speaker)  # a turn's first cue is its timestamp
    unlabelled = all(cue.speaker == UNKNOWN_SPEAKER for cue in cues)  # plain captions: as unlabelled text
    roles = unlabelled_roles(options.roles) if unlabelled else options.roles
    turns, warnings = turns_with_roles(stored, spans, roles)
    if unlabelled:
        warnings.insert(0, f"no speaker labels found; every cue is speech of speaker {UNKNOWN_SPEAKER!r}, "
                           f"taken as {roles.get(UNKNOWN_SPEAKER)}")
    if taking_turns:
        warnings.insert(0, "no speaker labels found; the changes of speaker the captions mark ('>>', a dash before "
                           f"a line) were read as two people taking turns, {GENERIC_SPEAKERS[0]!r} and "
                           f"{GENERIC_SPEAKERS[1]!r}")
    if warning:
        warnings.insert(0, warning)
    metadata = dict(metadata)
    interview_id = str(metadata.pop("interview_id", None) or path.stem)
    return ReadResult([Interview(interview_id, stored, turns, metadata, str(path), fmt, times)], warnings=warnings)


def cue_spans(turn_starts: Sequence[int], cues: Sequence[Cue]) -> list[tuple[int, int]]:
    """Where each cue's text lies in the text :func:`interview_from_cues` writes of ``cues``
    (each with its speaker, as :func:`prefix_labelled` gives them): a run of one speaker's
    cues is a turn, whose speech starts at the next of ``turn_starts``, its cues one space apart.

    >>> cue_spans([3, 16], [Cue(0, 0, "I", "Hi."), Cue(1, 1, "I", "Well?"), Cue(2, 2, "P", "Yes.")])
    [(3, 6), (7, 12), (16, 20)]
    """
    spans: list[tuple[int, int]] = []
    starts, previous, at = iter(turn_starts), None, 0
    for cue in cues:
        if cue.speaker != previous:
            at, previous = next(starts), cue.speaker
        spans.append((at, at + len(cue.text)))
        at += len(cue.text) + 1
    return spans
