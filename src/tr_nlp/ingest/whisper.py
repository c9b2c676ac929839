"""Speech-to-text JSON: transcripts from Whisper, WhisperX and whisper.cpp, run offline.

Teams that transcribe their recordings on their own machine have one of these shapes::

    {"text": "...", "segments": [{"start": 0.0, "end": 4.2, "text": " Hello."}], "language": "en"}
        openai-whisper --output_format json
    {"segments": [{"start": 0.0, "end": 4.2, "text": " Hello.", "speaker": "SPEAKER_00",
                   "words": [{"word": "Hello.", "start": 0.0, "speaker": "SPEAKER_00"}]}]}
        WhisperX after diarisation: a speaker per segment, and per word
    {"transcription": [{"offsets": {"from": 0, "to": 4200}, "text": " Hello."}]}
        whisper.cpp -oj (times in milliseconds)
    [{"start": 0.0, "end": 4.2, "text": "Hello.", "speaker": "A"}]
        a bare list of segments (read when the file is named, not found in a folder)

Teams whose recordings a transcription service transcribed under agreement have its JSON,
read here too (:func:`_service_segments`): AssemblyAI's and Deepgram's ``utterances``, Rev's
``monologues`` and Amazon Transcribe's ``audio_segments`` (or ``items``). Reading them sends nothing anywhere.

Each segment is read as a subtitle cue (see :mod:`tr_nlp.ingest.subtitles`), or as one cue
per speaker where WhisperX's words name more than one. A segment with no speaker
continues the one before, consecutive segments of one speaker make one turn
that keeps the first one's start time, and a transcript with no speakers at all (plain
Whisper) is the participant's speech, with a warning. ``language`` becomes metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.encoding import MAX_TEXT_MB, read_json_text
from tr_nlp.ingest.speakers import parse_timestamp
from tr_nlp.ingest.subtitles import Cue, interview_from_cues
from tr_nlp.jsonfile import is_number, parse_json

#: the key of a transcript's segment list, as a folder scan looks for it in a file that is not valid JSON
_SEGMENT_KEY = re.compile(rb'"(?:segments|transcription|utterances|monologues|audio_segments)"\s*:\s*\[')


def read_whisper_json(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a speech-to-text ``.json`` transcript into one :class:`Interview`."""
    path = Path(path)
    decoded = read_json_text(path, options.encoding)
    data = parse_json(decoded.text, path, InputError, "E123")
    segments = _segments(data)
    if segments is None:
        raise InputError("E123", path, detail=f"it holds {_describe(data)}")
    cues = [cue for index, item in enumerate(segments) for cue in _cues(item, index, path)]
    if not cues:
        raise InputError("E123", path, detail="no segment has any text")
    return interview_from_cues(cues, path, options, _metadata(data), "whisper", decoded.warning)


def is_speech_json(path: str | Path) -> bool:
    """Whether a ``.json`` file found in a folder is a transcript, not a companion file.

    A folder holds other JSON too (model cards, run summaries, settings). A file counts
    when it has a segment list of the shapes above; one that is not valid JSON counts when
    it names such a list, so that a broken transcript is reported rather than left out.
    """
    if not Path(path).is_file():  # a link to nothing, or a named pipe (reading one waits for a writer)
        return True  # the reader says what it is
    try:
        if Path(path).stat().st_size > MAX_TEXT_MB * 2**20:
            return True  # the reader refuses it unread
        raw = Path(path).read_bytes()
    except OSError:
        return True  # the reader says what is wrong with it
    try:
        data = json.loads(raw)
    except (RecursionError, ValueError):
        return _SEGMENT_KEY.search(raw) is not None
    return isinstance(data, dict) and _segments(data) is not None


def _segments(data: Any) -> Sequence[Any] | None:
    """The segment list of a transcript, or None when ``data`` is not one: Whisper's, or a
    transcription service's turned into Whisper's shape (:func:`_service_segments`)."""
    if isinstance(data, dict):
        found = data.get("segments", data.get("transcription"))
        if found is None:
            found = _service_segments(data)
    else:
        found = data
    if isinstance(found, list) and found and all(isinstance(s, dict) and "text" in s for s in found):
        return found
    return None


def _service_segments(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A transcription service's turns as Whisper's segments (``text``, ``start`` in seconds,
    ``speaker``), or None when ``data`` has none of their shapes:

    - AssemblyAI: ``utterances`` of ``speaker`` (``A``), ``text``, ``start`` (ms);
    - Deepgram (with utterances): ``results.utterances`` of ``speaker`` (0), ``transcript``, ``start``;
    - Rev: ``monologues`` of ``speaker`` (0) or ``speaker_name``, and ``elements`` whose
      ``value`` make the text, the first ``ts`` its start;
    - Amazon Transcribe: ``results.audio_segments`` of ``speaker_label`` (``spk_0``),
      ``transcript``, ``start_time`` (seconds, as text); or, in older output, its words
      (``results.items``) with their speakers (:func:`_amazon_items`).

    A speaker a service numbers or letters is ``Speaker 0``, ``Speaker A``: a bare ``A`` would
    read as a participant's label.

    >>> _service_segments({"utterances": [{"speaker": "A", "text": "Hi?", "start": 1500}]})
    [{'text': 'Hi?', 'start': 1.5, 'speaker': 'Speaker A'}]
    >>> _service_segments({"monologues": [{"speaker": 1, "elements": [
    ...     {"type": "text", "value": "Yes", "ts": 2.0}, {"type": "punct", "value": "."}]}]})
    [{'text': 'Yes.', 'start': 2.0, 'speaker': 'Speaker 1'}]
    """
    results = data.get("results") if isinstance(data.get("results"), dict) else {}
    if _turns_of(data.get("utterances"), "text"):  # AssemblyAI
        return [{"text": u["text"], "start": _scaled(u.get("start"), 1000), "speaker": _generic(u.get("speaker"))}
                for u in data["utterances"]]
    if _turns_of(results.get("utterances"), "transcript"):  # Deepgram
        return [{"text": u["transcript"], "start": u.get("start"), "speaker": _generic(u.get("speaker"))}
                for u in results["utterances"]]
    if _turns_of(results.get("audio_segments"), "transcript"):  # Amazon Transcribe
        return [{"text": u["transcript"], "start": _scaled(u.get("start_time"), 1), "speaker": u.get("speaker_label")}
                for u in results["audio_segments"]]
    if _turns_of(results.get("items"), "alternatives") and isinstance(results.get("speaker_labels"), dict):
        return _amazon_items(results)  # Amazon Transcribe before its audio segments
    if _turns_of(data.get("monologues"), "elements"):  # Rev
        out = []
        for m in data["monologues"]:
            elements = [e for e in m["elements"] if isinstance(e, dict)] if isinstance(m["elements"], list) else []
            if elements:
                text = "".join(e["value"] for e in elements if isinstance(e.get("value"), str))
                start = next((e["ts"] for e in elements if is_number(e.get("ts"))), None)
                out.append({"text": text, "start": start, "speaker": m.get("speaker_name") or _generic(m.get("speaker"))})
        return out
    return None


def _amazon_items(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Amazon Transcribe's words (``items``) as a segment per run of one speaker's, each word's
    speaker its own ``speaker_label`` or, in older output, that of the ``speaker_labels``
    segment item starting when it does; punctuation joins the word before it.

    >>> items = [{"type": "pronunciation", "start_time": "0.5", "alternatives": [{"content": "Hi"}]},
    ...          {"type": "punctuation", "alternatives": [{"content": "?"}]},
    ...          {"type": "pronunciation", "start_time": "1.5", "alternatives": [{"content": "Yes"}]}]
    >>> labels = {"segments": [{"items": [{"start_time": "0.5", "speaker_label": "spk_0"},
    ...                                   {"start_time": "1.5", "speaker_label": "spk_1"}]}]}
    >>> _amazon_items({"items": items, "speaker_labels": labels})
    [{'text': 'Hi?', 'start': 0.5, 'speaker': 'spk_0'}, {'text': 'Yes', 'start': 1.5, 'speaker': 'spk_1'}]
    """
    said_by = {item["start_time"]: item.get("speaker_label")
               for segment in results["speaker_labels"].get("segments") or () if isinstance(segment, dict)
               for item in segment.get("items") or () if isinstance(item, dict) and _is_key(item.get("start_time"))}
    out: list[dict[str, Any]] = []
    for item in results["items"]:
        alternatives = item["alternatives"]
        word = alternatives[0].get("content") if isinstance(alternatives, list) and alternatives and isinstance(
            alternatives[0], dict) else None
        if not isinstance(word, str):
            continue
        if item.get("type") == "punctuation":
            if out:
                out[-1]["text"] += word
            continue
        at = item.get("start_time")
        speaker = item.get("speaker_label") or (said_by.get(at) if _is_key(at) else None)
        if out and out[-1]["speaker"] == speaker:
            out[-1]["text"] += f" {word}"
        else:
            out.append({"text": word, "start": _scaled(item.get("start_time"), 1), "speaker": speaker})
    return out


def _is_key(value: Any) -> bool:
    """Whether ``value`` can name a word's start among others (text or a number, not a list)."""
    return isinstance(value, (str, int, float))


def _turns_of(found: Any, key: str) -> bool:
    """Whether ``found`` is a list of turns, each an object with ``key``."""
    return isinstance(found, list) and bool(found) and all(isinstance(u, dict) and key in u for u in found)


def _scaled(value: Any, per_second: float) -> Any:
    """A time in seconds from ``value`` counted ``per_second`` to the second (text too, as
    Amazon writes it); as given, for the segment's check to name, when it is no number."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return value
    return value / per_second if is_number(value) else value


def _generic(speaker: Any) -> Any:
    """A speaker a service numbers (0) or letters (``A``) as ``Speaker 0``, ``Speaker A``."""
    if isinstance(speaker, bool) or not isinstance(speaker, (int, str)) or isinstance(speaker, str) and len(speaker) > 2:
        return speaker
    return f"Speaker {speaker}"


def _metadata(data: Any) -> dict[str, Any]:
    """The transcript's language: Whisper's ``language``, or whisper.cpp's ``result.language``."""
    if not isinstance(data, dict):
        return {}
    result = data.get("result")
    language = (data.get("language") or data.get("language_code")  # AssemblyAI's
                or (result.get("language") if isinstance(result, dict) else None))
    return {"language": language} if isinstance(language, str) and language else {}


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        keys = ", ".join(repr(k) for k in list(data)[:8]) or "no keys"
        return f"an object with {keys}, and no list of segments with text"
    if isinstance(data, list):
        return "a list, but not of segments with text" if data else "an empty list"
    return f"a {type(data).__name__}"


def _cues(item: dict[str, Any], index: int, path: Path) -> list[Cue]:
    """A segment's cues: one, or one per speaker where WhisperX's words name several.

    WhisperX cuts segments before it diarises, so one segment may hold the end of a
    question and the start of its answer; its words then carry their own speakers, and
    the segment is split where they change. No cue for a segment with no text.
    """
    text = item["text"]
    if not isinstance(text, str):
        raise InputError("E124", path, index=index, detail=f"'text' is {_kind(text)}")
    start = _start(item, index, path)
    speaker = item.get("speaker")
    if isinstance(speaker, bool) or (speaker is not None and not isinstance(speaker, (str, int))):
        raise InputError("E124", path, index=index, detail=f"'speaker' is {_kind(speaker)}")
    pieces = _speaker_changes(text, item.get("words")) or [(0, speaker, start)]
    cues = []
    for (at, who, when), (end, _, _) in zip(pieces, [*pieces[1:], (len(text), None, None)]):
        said = " ".join("".join(c for c in text[at:end] if c.isprintable() or c.isspace()).split())
        name = str(who).strip() if who is not None else ""
        if said:
            at_time = start if when is None else when
            cues.append(Cue(at_time, at_time, name or None, said))  # a cue keeps its start time only
    return cues


def _speaker_changes(text: str, words: Any) -> list[tuple[int, str, float | None]] | None:
    """Where in ``text`` each word-level speaker starts, with the time of their first word.

    None unless the words name more than one speaker and each word is found in ``text``,
    in order (so the text is cut, never rebuilt from the words).
    """
    if not isinstance(words, list):
        return None
    if len({w["speaker"] for w in words if isinstance(w, dict) and isinstance(w.get("speaker"), str)}) < 2:
        return None
    changes: list[tuple[int, str, float | None]] = []
    pos = 0
    for word in words:
        token = word.get("word") if isinstance(word, dict) else None
        if not isinstance(token, str) or not token.strip():
            continue
        at = text.find(token.strip(), pos)
        if at < 0:
            return None
        pos = at + len(token.strip())
        who, when = word.get("speaker"), word.get("start")
        if isinstance(who, str) and (not changes or changes[-1][1] != who):
            timed = is_number(when) and when >= 0
            # the first speaker's part starts with the segment; the others with their first word
            changes.append((at, who, float(when) if timed else None) if changes else (0, who, None))
    return changes if len(changes) > 1 else None


def _start(item: dict[str, Any], index: int, path: Path) -> float:
    """A segment's start in seconds: ``start`` (seconds) or whisper.cpp's ``offsets.from`` (ms)."""
    if "start" in item:
        value, scale, name = item["start"], 1.0, "'start'"
    elif isinstance(item.get("offsets"), dict) and "from" in item["offsets"]:
        value, scale, name = item["offsets"]["from"], 1000.0, "'offsets.from'"
    elif isinstance(item.get("timestamps"), dict) and isinstance(item["timestamps"].get("from"), str):
        try:
            return parse_timestamp(item["timestamps"]["from"])
        except ValueError:
            raise InputError("E124", path, index=index,
                             detail=f"cannot read the time {item['timestamps']['from'][:30]!r}") from None
    else:
        raise InputError("E124", path, index=index, detail="it has no 'start' time")
    if not is_number(value) or value < 0:
        raise InputError("E124", path, index=index, detail=f"{name} is {_kind(value)}")
    return value / scale


def _kind(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 30 else f"a {type(value).__name__}"
