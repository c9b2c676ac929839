"""CHAT (``.cha``): transcripts in the format of CLAN and the TalkBank corpora.

Clinical and conversation-analytic studies (DementiaBank, AphasiaBank, CA transcripts)
keep interviews in CHAT: headers (``@Participants:``, ``@Languages:``...), a main tier
per utterance (``*PAR:`` and what was said, a tab-indented line continuing it), and
dependent tiers under it (``%mor:``, ``%com:``...). Each main tier is an utterance of
its speaker, named by its code (``PAR``, ``INV``: the names ``@Participants`` may give
are left out, being people's names); consecutive ones of a speaker make one turn, read as
timed cues (:func:`~tr_nlp.ingest.subtitles.interview_from_cues`), and the time its
bullet gives (``\\x15`` start_end in milliseconds ``\\x15``, where the transcript is
linked to its recording) starts the utterance. The utterance's text is kept as
transcribed, CHAT's codes with it (``&-uh``, ``[//]``, ``(.)``, its terminator); the
bullets, and the control characters CA transcripts mark underlining with, are left out.
``@Participants`` gives each code its role: an investigator, interviewer, examiner,
therapist or clinician is the interviewer, a participant, target child or adult,
patient, client or subject the participant, anyone else ``other`` (a role given in
``corpus.yaml`` or ``--speaker-role`` wins). Other dependent tiers and comments are left
out; the languages, recording, date, location and situation become metadata.

Codes: a ``%cod`` tier (CLAN's tier of codes: ``$BR $WARMTH``, each word a code, its
``$`` left off) codes its utterance's text, and so does a tier of a team's own whose name
says it holds codes or themes (``%xcod``, ``%xthemes``: its lines or ``;``-separated
parts each a code). They are read as comments naming codes are
(:func:`~tr_nlp.ingest.comments.codes_from_comments`: with a codebook, a value naming none
of its codes is a memo); the coder is the one ``@Coder`` names, else the file's name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import note_labels
from tr_nlp.ingest.encoding import MAX_TEXT_MB, decode_bytes, normalise_text, read_bytes
from tr_nlp.ingest.speakers import RoleMap
from tr_nlp.ingest.subtitles import Cue, cue_spans, interview_from_cues
from tr_nlp.schema import Coding, Role

#: A bullet (``\x15 5100_12000 \x15``; older files ``\x15%snd:"file"_5100_12000\x15``),
#: set apart in the bytes as ASCII before decoding, as decoding refuses control characters
_BULLET_BYTES = re.compile(rb"\x15([^\x15\r\n]{0,300})\x15")
_BULLET = re.compile(r"[^\S\n]*\[\[bullet ([^\]\n]*)\]\][^\S\n]*")
#: control characters CHAT's CA transcripts mark text with (underlining, a stray bullet's end)
_MARKS = re.compile(rb"[\x01-\x08\x0e-\x1f]")
_TIMES = re.compile(r"(\d+)_(\d+)\s*$")
_MAIN = re.compile(r"\*(?P<code>[^:\s]+):[^\S\n]*(?P<text>.*)")
_DEPENDENT = re.compile(r"%(?P<name>[^:\s]+):[^\S\n]*(?P<text>.*)")
#: a team's own tier (``%x...``) of codes or themes, by its name
_OWN_CODES = re.compile(r"x.*(?:cod|them)", re.IGNORECASE)
_HEADER = re.compile(r"@(?P<name>[^:\t]+)(?::[^\S\n]*(?P<value>.*))?")
#: ``@Participants`` roles (lower case), by the role tr_nlp gives them
_ROLES: dict[str, Role] = {
    **dict.fromkeys(("investigator", "interviewer", "examiner", "therapist", "clinician"), "interviewer"),
    **dict.fromkeys(("participant", "target_child", "target_adult", "patient", "client", "subject"), "participant"),
}
#: headers that become metadata, under their own (lower-case) names
_METADATA = ("languages", "media", "date", "location", "situation")


def read_cha(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a CHAT transcript (``.cha``) into one :class:`Interview`."""
    path = Path(path)
    data = _BULLET_BYTES.sub(lambda m: b" [[bullet " + m.group(1).replace(b"]", b"") + b"]] ",
                             read_bytes(path, max_mb=MAX_TEXT_MB))
    if b"\x00" not in data[:8192]:  # (not UTF-16) CA's marks of underlining and the like
        data = _MARKS.sub(b"", data)
    decoded = decode_bytes(data, path, options.encoding)
    headers, utterances = _tiers(normalise_text(decoded.text), path)
    roles = RoleMap.from_mapping(_participant_roles(headers.get("participants", ""))).merged(options.roles)
    cues, codes = [], []
    for utterance in utterances:
        times = [found for bullet in _BULLET.findall(utterance.text) if (found := _TIMES.search(bullet))]
        said = " ".join(_BULLET.sub(" ", utterance.text).split())
        if said:
            start, end = (int(times[0].group(1)) / 1000, int(times[-1].group(2)) / 1000) if times else (None, None)
            cues.append(Cue(start, end, utterance.speaker, said))  # type: ignore[arg-type]  # None: no bullet
            codes.append(_codes(utterance.tiers))
    if not cues:
        raise InputError("E110", path, kind=".cha", app="CLAN", detail="no main tier (*SPEAKER:) holds any text")
    metadata: dict[str, Any] = {name: " ".join(headers[name].split()) for name in _METADATA
                                if headers.get(name, "").strip()}
    if "media" in metadata:
        metadata["media"] = metadata["media"].split(",")[0].strip()
    result = interview_from_cues(cues, path, replace(options, roles=roles), metadata, "cha")
    (interview,) = result.interviews = [replace(iv, times=tuple(t for t in iv.times if t[1] is not None))
                                        for iv in result.interviews]
    coder = " ".join(headers.get("coder", "").split()) or path.stem
    spans = cue_spans([turn.start for turn in interview.turns], cues)
    result.comment_codings = [Coding(interview.id, start, end, label, coder)
                              for (start, end), labels in zip(spans, codes) for label in labels]
    if decoded.warning:
        result.warnings.insert(0, decoded.warning)
    return result


class _Utterance(NamedTuple):
    speaker: str
    text: str
    tiers: dict[str, str]  # its dependent tiers, by name


def _tiers(text: str, path: Path) -> tuple[dict[str, str], list[_Utterance]]:
    """A CHAT file's headers (by lower-case name) and utterances (main tiers with the
    dependent tiers under them), each with the tab-indented lines that continue it."""
    headers: dict[str, str] = {}
    utterances: list[_Utterance] = []
    current: tuple[str, str] | None = None  # ("header"|"main"|"dependent", its name)
    began = False
    for line in text.split("\n"):
        if line[:1] in ("\t", " ") and current is not None:
            kind, name = current
            if kind == "main":
                utterances[-1] = utterances[-1]._replace(text=f"{utterances[-1].text} {line.strip()}")
            elif kind == "dependent":
                utterances[-1].tiers[name] += f"\n{line.strip()}"
            else:
                headers[name] = f"{headers[name]} {line.strip()}"
            continue
        current = None
        if line.startswith("*") and (main := _MAIN.fullmatch(line)):
            utterances.append(_Utterance(main.group("code"), main.group("text"), {}))
            current = ("main", "")
        elif line.startswith("%") and utterances and (tier := _DEPENDENT.fullmatch(line)):
            name = tier.group("name").lower()
            utterances[-1].tiers[name] = tier.group("text")
            current = ("dependent", name)
        elif line.startswith("@") and (header := _HEADER.fullmatch(line.rstrip())):
            name = header.group("name").strip().lower()
            began = began or name == "begin"
            if name not in headers:  # a second @ID or @Comment adds nothing read
                headers[name] = header.group("value") or ""
                current = ("header", name)
    if not began:
        raise InputError("E110", path, kind=".cha", app="CLAN", detail="no @Begin line: no CHAT transcript")
    return headers, utterances


def _codes(tiers: dict[str, str]) -> list[str]:
    """The codes an utterance's tiers of codes name (see the module's docstring).

    >>> _codes({"cod": "$BR $WARMTH", "xthemes": "Beyond routine; warmth", "mor": "n|boy"})
    ['BR', 'WARMTH', 'Beyond routine', 'warmth']
    """
    found = [word.lstrip("$") for word in tiers.get("cod", "").split() if word.lstrip("$")]
    for name, value in tiers.items():
        if _OWN_CODES.match(name):
            found += note_labels(value)
    return found


def _participant_roles(value: str) -> dict[str, str]:
    """Each speaker code's role from ``@Participants`` (``INV Investigator, PAR Ann
    Participant``): the last word of each entry, as tr_nlp's roles name it.

    >>> _participant_roles("INV Investigator, PAR Ann Participant, MOT Mother")
    {'INV': 'interviewer', 'PAR': 'participant', 'MOT': 'other'}
    """
    roles: dict[str, str] = {}
    for entry in value.split(","):
        words = entry.split()
        if len(words) >= 2:
            roles[words[0]] = _ROLES.get(words[-1].lower(), "other")
    return roles
