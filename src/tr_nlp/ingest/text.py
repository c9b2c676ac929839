"""Plain-text and markdown transcripts with speaker labels.

A turn starts at a line with a speaker label (see :mod:`tr_nlp.ingest.speakers`) and runs
over its continuation lines until the next label. An optional YAML front matter block
(``---`` ... ``---`` at the very top) becomes the interview's metadata and is not part of
the stored text; its ``interview_id`` names the interview and its ``speakers`` mapping
(``Jo: participant``) sets roles for this file. A label that is not a known shape (``I``,
``P01``, ``Interviewer``...) counts as a speaker only when it opens at least two lines,
so a stray ``Note:`` or ``And she said:`` inside speech is not taken for a speaker. A label
may follow a list item's marker (``- I: ...``, ``1. I: ...``). Time
marks are not speech: a line of one alone belongs to no turn, and one that closes a line
(f4's ``#00:01:02-3#``, ``[00:01:02]``) is left out of the turn's end. Wherever they stand,
they give the interview its :attr:`~tr_nlp.schema.Interview.times`
(:func:`tr_nlp.ingest.speakers.time_marks`). Text written as timed cues (a timing line, the
speaker's name, what was said: Microsoft Teams' older transcripts) is read as subtitles are
(:func:`tr_nlp.ingest.subtitles.cues_in_text`). The numbers starting each line of a
transcript numbered for citing are not speech (:func:`without_line_numbers`), nor are the
running headers, footers and page numbers of a text made of a PDF
(:func:`~tr_nlp.ingest.furniture.text_furniture`), which become spaces.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

import yaml

from tr_nlp.errors import ConfigError, InputError, some
from tr_nlp.ingest import headers
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.doctables import header_at, speaker_after_speech, table_lines
from tr_nlp.ingest.encoding import normalise_text, read_text
from tr_nlp.ingest.furniture import furniture_warning, text_furniture
from tr_nlp.ingest.speakers import (
    NAME_LINE,
    QUESTION_AT_END,
    TIMESTAMP,
    UNKNOWN_SPEAKER,
    UNLABELLED_ROLE,
    LabelMatch,
    RoleMap,
    any_case_matcher,
    builtin_role,
    folded_name,
    is_known_label,
    label_parts,
    match_label,
    match_loose_label,
    name_spellings,
    parse_timestamp,
    speech_end,
    spellings_warning,
    time_line,
    time_lines,
    time_marks,
    turns_with_roles,
    unmatched_roles_warnings,
)
from tr_nlp.ingest.subtitles import cues_in_text, interview_from_cues
from tr_nlp.schema import Interview, Role, Turn
from tr_nlp.yamlfile import UnsafeYAML, parse_yaml

#: a time just after a document's styled label: ``(00:01:02):`` or ``[0:03]`` before speech, or a bare
#: ``0:03`` ending the line (Otter's bold "Speaker 1" and time, the speech on the next lines; after
#: ``Label:`` a bare time is speech, as a table's answer "10:30" is)
_TIME_AFTER_LABEL = re.compile(rf"(?:[(\[](?P<bracketed>{TIMESTAMP})[)\]]\s*:?(?:\s+|$)|(?P<bare>{TIMESTAMP})\s*$)")
#: a document's line as its reader reads it: (text, speaker label its styling marks or None), and for
#: a table's row, its line number or None (:func:`text_with_labels`)
DocLine = tuple[str, str | None] | tuple[str, str | None, int | None]
#: a :data:`DocLine`'s label that marks its line a heading (a Word heading's style), no speech:
#: :func:`text_with_labels` passes it on, as it does a styled line alone that is no speaker's label
HEADING = "\x00heading"
#: a number starting a line, as in a transcript numbered for citing (``12   P: ...``)
_LINE_NUMBER_PREFIX = re.compile(r"^[ \t]*(?P<n>\d{1,6})(?:[ \t]+|$)")
#: share of a text's non-blank lines that start with a number for it to be numbered for citing
NUMBERED_SHARE = 0.8
#: a time mark before a label the document styles: ``[00:01:02] `` (a table's time column), or a
#: bare ``0:12 `` (oTranscribe's time stamp before a bold name)
_LEADING_MARK = re.compile(rf"\[({TIMESTAMP})\] |({TIMESTAMP}) ")
#: A list item's marker before a label: "- I: ...", "* **P:** ...", "• I: ...", "3. I: ...", and the
#: bullets Word's lists leave in .rtf and pasted text: "·" (Symbol font), "●", "◦", "▪", "‣", "⁃", "–"
_LIST_ITEM = re.compile(r"\s*(?:[-*+\u2022\u00b7\u25cf\u25e6\u25aa\u2023\u2043\u2013]|\d{1,3}[.)])\s+")


def split_front_matter(text: str, path: str | Path) -> tuple[dict[str, Any], str]:
    """Split a leading ``---`` YAML block off ``text``; return (metadata, rest).

    A block that is not YAML, or not a mapping, is left in the text. One that PyYAML could
    read only by expanding aliases without end or recursing thousands deep
    (:func:`~tr_nlp.yamlfile.parse_yaml`) is refused: InputError E149 naming ``path``.
    """
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    block = text[4:end]
    rest_start = end + 4
    try:
        meta = metadata_yaml(block) or {}
    except UnsafeYAML as exc:
        raise InputError("E149", path, part=" front matter", detail=exc) from None
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, Mapping):
        return {}, text
    rest = text[rest_start:].lstrip("\n")
    if not rest.strip():
        raise InputError("E107", path)
    return dict(meta), rest


def metadata_yaml(block: str) -> Any:
    """An interview's metadata written as YAML (front matter, a document's comments
    property), read with :func:`~tr_nlp.yamlfile.parse_yaml`: a mapping's values each as
    written where YAML would read them as another value (:func:`_as_written`), and its
    ``interview_id`` as text, whatever it looks like (``interview_id: 13`` too).

    Raises
    ------
    UnsafeYAML, yaml.YAMLError
        As :func:`~tr_nlp.yamlfile.parse_yaml` does.
    """
    meta = parse_yaml(block)
    if not isinstance(meta, Mapping):
        return meta
    written = _written(block)
    meta = {str(k): _as_written(v, written.get(str(k))) for k, v in meta.items()}
    if meta.get("interview_id") is not None and not isinstance(meta["interview_id"], str):
        meta["interview_id"] = written.get("interview_id")
    return meta


def _written(block: str) -> dict[str, str]:
    """The plain (unquoted) scalar values of the YAML mapping ``block``'s keys, as written.
    ``block`` was parsed safely already."""
    root = yaml.compose(block, Loader=yaml.SafeLoader)
    return {str(key.value): value.value for key, value in (root.value if isinstance(root, yaml.MappingNode) else ())
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) and value.style is None}


def _as_written(value: Any, written: str | None) -> Any:
    """A front matter value as YAML read it where that is what was written (``age: 34``,
    ``consent: true``, ``score: 2.5``), else the text written: YAML reads ``site: 01`` as 1,
    ``interview_id: 013`` as the octal number 11, ``country: NO`` as false, ``time: 10:30``
    as 630 and ``version: 1.10`` as 1.1, and a date as a date, yet each is the team's value,
    to group interviews by as written (``evaluate --by site``) and to export unchanged.

    >>> [_as_written(v, w) for v, w in ((34, "34"), (1, "01"), (False, "NO"), (True, "true"), (630, "10:30"))]
    [34, '01', 'NO', True, '10:30']
    """
    if written is None or value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return value if written.lower() in ("true", "false") else written
    if isinstance(value, (int, float)):
        return value if written in (str(value), repr(value)) else written
    return written  # a date, a time: the text written


def assemble_turns(
    text: str,
    roles: RoleMap,
    forced: Mapping[int, LabelMatch] | None = None,
    headings: Collection[int] = (),
) -> tuple[tuple[Turn, ...], list[str]]:
    """Find speaker turns in labelled transcript text.

    Parameters
    ----------
    text : str
        Normalised text (``\\n`` line breaks).
    roles : RoleMap
        Speaker -> role overrides.
    forced : mapping, optional
        Line start offset -> label found by other means (e.g. a bold run in a .docx);
        these lines are labels whatever their text says.
    headings : collection of int, optional
        Line start offsets of a document's headings (:data:`HEADING`): no one's speech, so
        a turn above one ends before it unless speech follows it with no label.

    Returns
    -------
    turns, warnings
    """
    forced = forced or {}
    lines = _labelled_lines(text, forced, roles.label_matcher())
    counts = Counter(m.label for _, _, m in lines if m is not None)
    # a timestamp beside a label is evidence enough, as is a speaker the team named; a bare "Name:" must recur
    stamped = {m.label for _, _, m in lines if m is not None and m.timestamp is not None}
    accepted = {
        label for label, n in counts.items()
        if n >= 2 or is_known_label(label) or label in stamped or roles.get(label) is not None
        or any(f.label == label for f in forced.values())
    }
    if any(_NUMBERED_LABEL.match(label) for label in accepted):  # F1, M2: a focus group's quiet speaker speaks once
        accepted |= {label for label in counts if _NUMBERED_LABEL.match(label)}
    # FG1-P4 once beside FG1-P3, SU4 beside SU3: a label numbered as a speaker's is a speaker's
    shapes = {_DIGITS.sub("#", label) for label in accepted if _DIGITS.search(label)}
    accepted |= {label for label in counts if _DIGITS.sub("#", label) in shapes}
    spelled: list[str] = []
    if accepted:  # "JANE:" or "jane:" once where "Jane:" recurs: Jane's words, not the speaker's before
        lines, accepted, spelled = _one_spelling(lines, counts, accepted)
    lowercase = _lowercase_roles(text) if not forced and all(label.islower() for label in accepted) else None
    if lowercase is not None:  # "int:" and "resp:": an interviewer's and a participant's labels in lower case
        roles = lowercase.merged(roles)
        lines = _labelled_lines(text, forced, roles.label_matcher())
        accepted = {m.label for _, _, m in lines if m is not None and roles.get(m.label) is not None}
        read = ", ".join(f"{label!r} ({roles.get(label)})" for label in lowercase.overrides)
        spelled = [f"speaker labels in lower case read as labels: {read}"]
    if not accepted and not forced:  # no label of the usual shapes: "[Interviewer] ...", "I - ...", "Q. ..."
        lines = _labelled_lines(text, forced, match_loose_label)
        counts = Counter(m.label for _, _, m in lines if m is not None)
        accepted = set(counts) if counts.total() >= 2 else set()
    if not accepted and not forced:  # nor those: a name alone above each paragraph of speech
        named = name_line_labels(text)
        lines = _labelled_lines(text, named, lambda line: None)
        accepted = {m.label for m in named.values()}
    raw: list[tuple[str, int, int, float | None]] = []  # speaker, start, end, timestamp
    current: list[Any] | None = None  # [speaker, start or None, end, timestamp]
    preamble, timed = 0, ""  # lines before the first label, and the first of them to start with a time
    for start, line, match in lines:
        if start in headings:
            continue
        if match is not None and match.label in accepted:
            if current is not None and current[1] is not None:
                raw.append(tuple(current))  # type: ignore[arg-type]
            content = start + match.end
            end = speech_end(line)
            has_text = bool(line[match.end : end].strip())
            current = [match.label, content if has_text else None, start + end, match.timestamp]
        elif line.strip():
            if current is None:
                if speech_end(line) and not _DURATION.fullmatch(line.strip()):  # not "31m 5s" under a title
                    preamble += 1
                    if not timed and _TIMED_LINE.match(line):
                        timed = line.strip()
                continue
            end = speech_end(line)
            if end == 0:
                continue  # a time mark alone
            if current[1] is None:
                current[1] = start + len(line) - len(line.lstrip())
            current[2] = start + end
    if current is not None and current[1] is not None:
        raw.append(tuple(current))  # type: ignore[arg-type]

    warnings: list[str] = []
    if not raw:
        return _paragraph_turns(text, roles), [
            f"no speaker labels found; each paragraph is a turn of speaker {UNKNOWN_SPEAKER!r}"
            + _lowercase_labels_hint(text)
        ] + _unread_labels(lines, accepted)
    if preamble > 2:  # a title or a date line is normal; more may be missed labels
        warnings.append(f"{preamble} lines before the first speaker label belong to no turn")
    elif timed:  # a time and words: a speaker's line of a shape not read, whose speech would be lost
        warnings.append(f"{preamble} line(s) before the first speaker label belong to no turn, and {timed[:60]!r} "
                        "starts with a time as a speaker's line does: if it names a speaker, that speech is lost "
                        "unless the line is written as '[00:01:02] Name: ...'")
    warnings += spelled + _unread_labels(lines, accepted)
    raw = _without_headings(text, _without_closing(text, raw))
    raw, roles = _cast_list(text, raw, roles)
    raw, answered = _unlabelled_answers(text, raw, roles)
    turns, role_warnings = turns_with_roles(text, raw, roles)
    return turns, warnings + answered + role_warnings


#: what a line that closes a transcript says: ``End of recording``, ``Interview ends``, ``END``,
#: ``Ende des Interviews``... (group ``rest``: words after it, as ``End of interview 7`` has)
_CLOSING_WORDS = re.compile(
    r"(?:end(?: of)?(?: the)? (?:recording|interview|transcript|transcription|tape|session|audio|file|conversation"
    r"|focus group)|(?:the )?(?:recording|interview|tape|audio|transcript|session) (?:ends|ended|stops|stopped"
    r"|finishes|finished|concluded)|ende (?:des|der) \w+|slut på \w+|einde(?: van)?(?: het| de)? \w+"
    r"|fin de (?:la |l'|l\u2019)?\w+|end|ende|slut|einde|fin)(?P<rest>[^\n.?!]{0,40})", re.IGNORECASE)
#: the symbols that wrap a closing line (``[END OF RECORDING]``, ``--- End of transcript ---``) or make
#: one alone (``***``)
_WRAP = "[]()*#=_~-\u2013\u2014 "
#: a transcriber's credit or the recording's length below the last turn (``Transcribed by: Acme``)
_CREDIT = re.compile(r"(?:transcribed|transcription|transcriber|typed|proof-?read|checked|total duration|duration"
                     r"|length of (?:the )?(?:recording|interview)|running time)\b[^:\n]{0,20}:", re.IGNORECASE)


def _closes_transcript(line: str, after_blank: bool) -> bool:
    """Whether ``line`` closes a transcript (a line below its last turn): wrapped in brackets or
    symbols (``[END OF RECORDING]``, ``--- End of transcript ---``, ``(Interview ends)``), in
    capitals (``END OF INTERVIEW``), symbols alone (``***``), or, below a blank line,
    ``End of interview 7`` with a capital or a transcriber's credit (``Transcribed by: Acme``).

    >>> [_closes_transcript(line, False) for line in ("[END OF RECORDING]", "--- End of transcript ---", "***",
    ...                                              "END", "end.", "end of the recording twice")]
    [True, True, True, True, False, False]
    >>> [_closes_transcript(line, True) for line in ("End of interview 7", "Transcribed by: Acme",
    ...                                             "End of the recording was the worst part.", "Ende")]
    [True, True, False, True]
    """
    line = line.strip()
    inner = line.strip(_WRAP)
    wrapped = inner != line.rstrip(".") and len(line) - len(inner) >= 2
    if not inner:
        return len(line) >= 3
    found = _CLOSING_WORDS.fullmatch(inner.rstrip("."))
    if found is not None and (wrapped or inner.isupper()):
        return True
    if not after_blank or not inner[0].isupper():
        return False
    if found is not None:  # "End of interview 7", not a sentence that starts so ("End of it was sad.")
        return not (found["rest"].strip() and line.endswith("."))
    return _CREDIT.match(inner) is not None


def _without_closing(text: str, raw: list[tuple[str, int, int, float | None]]
                     ) -> list[tuple[str, int, int, float | None]]:
    """``raw`` turns (speaker, start, end, time) with the last one ending before a line that
    closes the transcript (:func:`_closes_transcript`), below its first line: that line and all
    below it were the last speaker's words.

    >>> text = "P: She rang.\\nShe did.\\n\\n[END OF RECORDING]\\nTranscribed by: Acme\\n"
    >>> [text[a:b] for _, a, b, _ in _without_closing(text, [("P", 3, 66, None)])]
    ['She rang.\\nShe did.']
    """
    if not raw:
        return raw
    speaker, start, end, time = raw[-1]
    lines = text[start:end].split("\n")
    at = start + len(lines[0]) + 1
    for before, line in pairwise(lines):
        if line.strip() and _closes_transcript(line, not before.strip()):
            return [*raw[:-1], (speaker, start, start + len(text[start:at].rstrip()), time)]
        at += len(line) + 1
    return raw


#: a heading between turns, as a semi-structured interview's transcript marks its guide's parts:
#: ``## Topic 4``, ``Section 2: Experiences of crisis``, ``Part 3 - Looking ahead``, ``Teil 2``
_SECTION_HEADING = re.compile(
    r"#{1,6}\s+\S[^\n]*|(?:section|part|topic|theme|block|module|phase|stage|domain|teil|abschnitt|thema|del|avsnitt"
    r"|tema|deel|onderdeel|sección|parte|partie|osa|osio)\s+(?:\d{1,2}[a-z]?|[IVX]{1,4}|[A-H])\b"
    r"(?:\s*[:.\-\u2013\u2014)]\s*[^\n]{0,80})?", re.IGNORECASE)


def _is_heading(line: str, after_blank: bool) -> bool:
    """Whether ``line``, the last of a turn, is a heading between turns, not speech: a
    markdown heading, a part of the interview named and numbered with a capital (``Section 2:
    Experiences of crisis``), or, below a blank line, a line in capitals of two to twelve
    words (``EXPERIENCES OF CRISIS``) or in title case, of two to eight words
    (``Relationships with Staff``, ``Looking Back``: :func:`_title_case`); none ends a
    sentence.

    >>> [_is_heading(line, True) for line in ("## Topic 4", "Part 3 - Looking ahead", "SECTION 2: CRISIS",
    ...                                       "I WAS SO ANGRY!", "Part 2 of it was worse.", "part 2 of it")]
    [True, True, True, False, False, False]
    >>> _is_heading("EXPERIENCES OF CRISIS", False), _is_heading("EXPERIENCES OF CRISIS", True)
    (False, True)
    >>> [_is_heading(line, True) for line in ("Experiences of Crisis", "Looking Back", "Not really", "Sarah",
    ...                                       "Then Sarah came")]
    [True, True, False, False, False]
    """
    line = line.strip()
    if not line or line.endswith((".", "?", "!", "\u2026", ",")) or len(line.split()) > 14:
        return False
    if (line.startswith("#") or line[0].isupper()) and _SECTION_HEADING.fullmatch(line):
        return True
    return after_blank and (line.isupper() and 2 <= len(line.split()) <= 12 or _title_case(line))


#: the short words a title leaves in lower case (``Relationships with Staff``)
_TITLE_LOWER = frozenset({"with", "from", "into", "onto", "upon", "about", "after", "over", "than", "that", "when",
                          "your", "their", "this", "what"})


def _title_case(line: str) -> bool:
    """Whether ``line`` is two to eight words in title case: the first and at least one more
    capitalised, and every other a short word (``of``, ``and``, ``with``: :data:`_TITLE_LOWER`).

    >>> _title_case("Relationships with Staff"), _title_case("Then Sarah came"), _title_case("Looking Back")
    (True, False, True)
    """
    words = line.split()
    if not 2 <= len(words) <= 8 or not words[0][:1].isupper():
        return False
    return all(word[:1].isupper() or (word.isalpha() and (len(word) < 4 or word in _TITLE_LOWER))
               for word in words) and sum(word[:1].isupper() for word in words) >= 2


def _without_headings(text: str, raw: list[tuple[str, int, int, float | None]]
                      ) -> list[tuple[str, int, int, float | None]]:
    """``raw`` turns (speaker, start, end, time), each ending before the headings its last
    lines are (:func:`_is_heading`): a transcript's headings between the parts of its interview
    were the words of the speaker above them. A turn's first line is always its own.

    >>> text = "P: A nurse.\\n\\nSECTION 2: CRISIS\\nI: And then?"
    >>> [text[a:b] for _, a, b, _ in _without_headings(text, [("P", 3, 30, None), ("I", 34, 43, None)])]
    ['A nurse.', 'And then?']
    """
    out = []
    for speaker, start, end, time in raw:
        lines = text[start:end].rstrip().split("\n")
        while len(lines) > 1 and _is_heading(lines[-1], not lines[-2].strip()):
            lines.pop()
            while len(lines) > 1 and not lines[-1].strip():
                lines.pop()
        out.append((speaker, start, start + len("\n".join(lines).rstrip()), time))
    return out


#: where a line saying who is who splits into its entries: ``Interviewer: JD   Participant: P07``
_CAST_ENTRIES = re.compile(r"\s{2,}|\t+|\s*[;|]\s*|,\s+(?=[^,:\n]{1,30}:)")


def _cast_list(text: str, raw: list[tuple[str, int, int, float | None]], roles: RoleMap
               ) -> tuple[list[tuple[str, int, int, float | None]], RoleMap]:
    """``raw`` turns (speaker, start, end, time) without the lines above the speech that say
    who is who (``Interviewer: JD`` and ``Participant: P07`` on lines of their own, or on one,
    ``Interviewer: JD   Participant: P07``), and ``roles`` with the role each such line gives
    the speaker it names, where ``roles`` gives them none.

    Such a line is a turn whose label is an interviewer's or a participant's, whose first
    line names a speaker (``JD``, ``Jane Doe (JD)``) who first speaks below it, or names
    someone (``Interviewer: Jane Doe``) where a speaker of that role (``I``) speaks below.
    Only where none of those labels speaks below them: ``Interviewer: Jo`` followed by a
    question of the interviewer's is speech.

    >>> text = "Interviewer: JD\\nParticipant: Sam Roe (SR)\\n\\nJD: Who helped?\\nSR: A nurse."
    >>> raw = [("Interviewer", 13, 15, None), ("Participant", 29, 41, None), ("JD", 47, 59, None),
    ...        ("SR", 64, 72, None)]
    >>> kept, roles = _cast_list(text, raw, RoleMap())
    >>> [speaker for speaker, *_ in kept], roles.get("JD"), roles.get("SR")
    (['JD', 'SR'], 'interviewer', 'participant')
    """
    first: dict[str, int] = {}
    for k, (speaker, *_) in enumerate(raw):
        first.setdefault(folded_name(speaker), k)

    def below(value: str, k: int) -> str | None:  # the speaker ``value`` names who first speaks below turn k
        return next((key for name in (value, *label_parts(value)) if first.get(key := folded_name(name), -1) > k),
                    None)

    def held_below(role: Role | None, k: int) -> bool:  # whether a speaker of ``role`` speaks below turn k
        return any((roles.get(speaker) or builtin_role(speaker)) == role for speaker, *_ in raw[k + 1:])

    cast: dict[str, Role] = {}
    listed = 0
    for k, (speaker, start, end, _) in enumerate(raw):
        entries = _CAST_ENTRIES.split(text[start:end].split("\n", 1)[0].strip())
        pairs = [(speaker, entries[0])]
        pairs += [(m.label, entry[m.end:].strip()) for entry in entries[1:] if (m := match_label(entry))]
        named = {who: role for label, value in pairs
                 if (role := builtin_role(label)) in ("interviewer", "participant") and (who := below(value, k))}
        role = builtin_role(speaker)
        if not (below(entries[0], k) in named or role in ("interviewer", "participant")
                and NAME_LINE.fullmatch(entries[0]) and held_below(role, k)):
            break  # the line's own label names no one: speech
        cast.update(named)
        listed = k + 1
    lister = {folded_name(speaker) for speaker, *_ in raw[:listed]}
    if not listed or any(folded_name(speaker) in lister for speaker, *_ in raw[listed:]):
        return raw, roles
    found = RoleMap.from_mapping({speaker: cast[key] for speaker, *_ in raw[listed:]
                                  if (key := folded_name(speaker)) in cast})
    return raw[listed:], found.merged(roles)


def _unlabelled_answers(text: str, raw: list[tuple[str, int, int, float | None]], roles: RoleMap
                        ) -> tuple[list[tuple[str, int, int, float | None]], list[str]]:
    """``raw`` turns (speaker, start, end, time) with each answer written below its question
    in a transcript that labels only questions (``Q1. ...``, ``Q: ...``, ``Interviewer: ...``,
    an answer on the lines below each, unlabelled) as a turn of speaker ``unknown`` (the
    participant's); and a warning saying how many. Only where every speaker is an
    interviewer, so that the transcript would have no participant speech otherwise.

    >>> text = "Q1. Who helped?\\nMy nurse.\\nShe stayed.\\nQ2. Anything else?\\nNo."
    >>> [(s, text[a:b]) for s, a, b, _ in _unlabelled_answers(text, [("Q1", 4, 37, None), ("Q2", 42, 61, None)],
    ...                                                        RoleMap())[0]]
    [('Q1', 'Who helped?'), ('unknown', 'My nurse.\\nShe stayed.'), ('Q2', 'Anything else?'), ('unknown', 'No.')]
    """
    asked = {speaker for speaker, *_ in raw}
    if not asked or any((roles.get(s) or builtin_role(s)) != "interviewer" for s in asked):
        return raw, []
    out: list[tuple[str, int, int, float | None]] = []
    for speaker, start, end, time in raw:
        cut = _question_end(text, start, end)
        answer = cut + len(text[cut:end]) - len(text[cut:end].lstrip()) if cut is not None else end
        out.append((speaker, start, cut if cut is not None else end, time))
        if answer < end:
            out.append((UNKNOWN_SPEAKER, answer, end, None))
    split = len(out) - len(raw)
    if not split:
        return raw, []
    return out, [(f"only questions are labelled ({some(sorted(asked))}): the {split} unlabelled answer(s) on the "
                  f"lines below them are read as speaker {UNKNOWN_SPEAKER!r}, taken as participant")]


def _question_end(text: str, start: int, end: int) -> int | None:
    """Where a turn's question ends and an answer on the lines below it starts: after the
    first of its first three lines to end in a question mark, or else after its first line
    if that ends a sentence; None where no text follows."""
    lines = text[start:end].split("\n")[:3]
    ends = [at + len(line.rstrip()) for at, line in zip(accumulate((len(line) + 1 for line in lines), initial=start),
                                                         lines)]
    asked = [k for k, line in enumerate(lines) if QUESTION_AT_END.search(line.rstrip())]
    if asked:
        cut = ends[asked[0]]
    elif lines[0].rstrip().endswith((".", "!", ":", "\u2026")):
        cut = ends[0]
    else:
        return None
    return cut if text[cut:end].strip() else None


def _one_spelling(
    lines: list[tuple[int, str, LabelMatch | None]],
    counts: Mapping[str, int],
    accepted: set[str],
) -> tuple[list[tuple[int, str, LabelMatch | None]], set[str], list[str]]:
    """``lines`` (:func:`_labelled_lines`; ``counts``, their labels') with each speaker's
    labels in one spelling, whatever their case or spacing, and without a note of manner
    (:func:`~tr_nlp.ingest.speakers.name_spellings`): a label the transcript writes
    ``Jane:``, ``JANE:``, ``jane:`` and ``Jane (laughs):`` is one speaker, spelled as most of
    its lines spell it.

    A label is a speaker where one of its spellings is (``accepted``) or its spellings
    together recur (``Jane:`` once and ``jane:`` once), and a lowercase line (which
    :func:`~tr_nlp.ingest.speakers.match_label` does not read) starts a turn only when it
    spells such a speaker. Returns the lines, the speakers, and a warning naming the other
    spellings read (none when there are none).
    """
    spelling = name_spellings(counts)
    # the lines that start with a label read, in a case no shape reads: "jane:" beside "Jane:"
    any_case = any_case_matcher(spelling.values(), lambda line: None)
    lowered = {k: found for k, (_, line, match) in enumerate(lines)
               if match is None and (found := _line_label(line, any_case)) is not None}
    together = Counter(folded_name(found.label) for found in lowered.values())
    for label, n in counts.items():
        together[folded_name(label)] += n
    speakers = {folded_name(label) for label in accepted} | {key for key, n in together.items() if n >= 2}
    renamed = {label: spelling[key] for label in counts if (key := folded_name(label)) in speakers}
    typos = {label: spelling[near] for label in counts if (near := _typo_of(label, together, speakers))}
    renamed |= typos
    lines = list(lines)
    others: dict[str, list[str]] = {}
    for k, (start, line, match) in enumerate(lines):
        if match is None and k in lowered and (key := folded_name(lowered[k].label)) in speakers:
            match, name = lowered[k], spelling[key]
        elif match is None or (name := renamed.get(match.label, match.label)) == match.label:
            continue
        if match.label != name and match.label not in others.setdefault(name, []):
            others[name].append(match.label)
        lines[k] = (start, line, LabelMatch(name, match.end, match.timestamp))
    for name in set(typos.values()):  # told apart from the other spellings, which are surely the speaker's
        others[name] = [label for label in others.get(name, []) if label not in typos]
    warnings = spellings_warning({name: spelled for name, spelled in others.items() if spelled})
    if typos:
        warnings.append("speaker labels written once, a letter apart from a speaker's, read as that speaker's: "
                        + ", ".join(f"{label!r} as {name!r}" for label, name in typos.items()))
    return lines, {spelling[key] for key in speakers}, warnings


def _typo_of(label: str, together: Mapping[str, int], speakers: set[str]) -> str | None:
    """The one speaker (of ``speakers``, folded names) a label written once is a typo of:
    of six letters or more, no known label, a letter apart from it (one left out, added,
    changed, or two swapped) and with the same numbers (``Interviwer``, ``Particpant``; not
    ``Interviewee``, ``Speaker 2``); else None.

    >>> _typo_of("Interviwer", {"interviwer": 1}, {"interviewer", "participant"})
    'interviewer'
    >>> [_typo_of(x, {x.lower(): 1}, {"interviewer", "speaker 1"}) for x in ("Interviewee", "Speaker 2", "Intrvwer")]
    [None, None, None]
    """
    key = folded_name(label)
    if key in speakers or together[key] > 1 or len(key) < 6 or is_known_label(label):
        return None
    near = [name for name in speakers if _letter_apart(key, name)
            and re.findall(r"\d+", key) == re.findall(r"\d+", name)]
    return near[0] if len(near) == 1 else None


def _letter_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter: one left out or added, one changed, or
    two side by side swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]


#: the start of a line as a speaker's label starts one: up to 40 characters from a capital or a digit
#: (or a bracket) to the first colon, a space after it (group ``label``)
_LABEL_LIKE = re.compile(r"[ \t]*(?:\*\*|__)?(?P<label>[\[(]?[^\W_a-z][^:\n]{0,39}?)(?:\*\*|__)?[ \t]*:(?:[ \t]|$)")


def _unread_labels(lines: Sequence[tuple[int, str, LabelMatch | None]], accepted: set[str]) -> list[str]:
    """A warning for the labels no shape reads (``P1 {f}: ...``, ``Participant #3: ...``) that
    start two lines or more: their lines are read as speech (of the speaker before, if any),
    so their speaker's words would go to another. The role it suggests is the one the
    label's words name (``Interviewer #1``), else a participant's.

    >>> lines = [(0, "I: So?", LabelMatch("I", 3, None)), (7, "Participant #3: Well.", None),
    ...          (29, "I: And?", LabelMatch("I", 3, None)), (37, "Participant #3: Yes.", None)]
    >>> _unread_labels(lines, {"I"})
    ["2 lines start with 'Participant #3:', read as speech, not as a speaker's label: if it names a speaker, give it a role (--speaker-role 'Participant #3=participant', or speakers: in corpus.yaml) or write it as 'Name: ...'"]
    """
    counts = Counter(m["label"].rstrip() for _, line, match in lines if match is None or match.label not in accepted
                     if (m := _LABEL_LIKE.match(line)) and any(c.isalpha() for c in m["label"])
                     and len(m["label"].split()) <= 5)
    return [f"{n} lines start with '{label}:', read as speech, not as a speaker's label: if it names a speaker, "
            f"give it a role (--speaker-role '{label}={_named_role(label)}', or speakers: in corpus.yaml) or write it "
            "as 'Name: ...'" for label, n in counts.most_common(3) if n >= 2]


def _named_role(label: str) -> str:
    """The role the words of a label no shape reads name, else ``participant``.

    >>> _named_role("Interviewer #1"), _named_role("Resp/3"), _named_role("Jo {f}")
    ('interviewer', 'participant', 'participant')
    """
    return builtin_role(" ".join(re.findall(r"[^\W_]+", label))) or "participant"


#: a line that starts with a time, as a speaker's line of many tools does (``[00:00:03] ...``)
_TIMED_LINE = re.compile(rf"\s*[\[(]?{TIMESTAMP}")
#: a recording's length, as Microsoft Teams writes it under a transcript's title and date
_DURATION = re.compile(r"(?:\d+h )?\d+m \d+s|\d+h \d+m|\d+[hms]")
#: a speaker code of capitals and a number (``F1``, ``M2``, ``FG3``): where one is a speaker, so is one said once
_NUMBERED_LABEL = re.compile(r"[A-Z]{1,3} ?\d{1,3}$")
#: the numbers in a label, which :func:`assemble_turns` compares labels without ("FG1-P3" ~ "FG1-P4")
_DIGITS = re.compile(r"\d+")
#: a line that starts like a label but in lowercase ("client: Okay."), which only a speaker's role makes one
_LOWERCASE_LABEL = re.compile(r"^[ \t]*([^\W\d_A-Z][\w'\u2019\-]*(?: [\w'\u2019\-]+)?)[ \t]*:[ \t]", re.MULTILINE)


def _lowercase_roles(text: str) -> RoleMap | None:
    """The roles of the lowercase labels of a text that has no capitalised ones, where each
    starts two lines or more and they name an interviewer and a participant by their role
    (``int:`` and ``resp:``, ``interviewer:`` and ``participant:``); None otherwise (a word
    that names no role, ``therapist:``, is a label only once the team gives it one).

    >>> _lowercase_roles("int: Hi?\\nresp: Hi.\\nint: So?\\nresp: Well.").overrides
    {'int': 'interviewer', 'resp': 'participant'}
    >>> _lowercase_roles("therapist: Hi?\\nclient: Hi.\\ntherapist: So?\\nclient: Well.") is None
    True
    """
    counts = Counter(m.group(1) for m in _LOWERCASE_LABEL.finditer(text))
    found = {label: role for label, n in counts.items() if n >= 2
             and (role := builtin_role(label)) in ("interviewer", "participant")}
    return RoleMap.from_mapping(found) if set(found.values()) == {"interviewer", "participant"} else None


def _lowercase_labels_hint(text: str) -> str:
    """For a text without speaker labels: the lowercase words that start several of its
    lines before a colon, which name speakers only once the team says so.

    >>> _lowercase_labels_hint("therapist: Hi.\\nclient: Hi.\\ntherapist: So?\\nclient: Well.")
    "; 2 lines start with 'therapist:' and 2 with 'client:', not capitalised: if they name speakers, give them roles (--speaker-role therapist=interviewer, or speakers: in corpus.yaml)"
    """
    counts = Counter(m.group(1) for m in _LOWERCASE_LABEL.finditer(text))
    common = [(label, n) for label, n in counts.most_common(4) if n >= 2]
    if not common:
        return ""
    said = " and ".join(f"{n} with '{label}:'" if i else f"{n} lines start with '{label}:'"
                        for i, (label, n) in enumerate(common))
    return (f"; {said}, not capitalised: if they name speakers, give them roles (--speaker-role "
            f"{common[0][0]}=interviewer, or speakers: in corpus.yaml)")


def name_line_labels(text: str) -> dict[int, LabelMatch]:
    """Labels of a transcript that puts each speaker's name on a line of its own, above a
    paragraph of speech (``Speaker 1`` or ``Jane Doe``, a blank line before it), as offset of
    the line -> its label; empty unless such names open at least half of the paragraphs and
    each recurs (or is a known label such as ``Interviewer``). A time alone on the line above
    the name (``00:00:03``, then ``Jane Doe``) is the turn's time.

    >>> sorted(m.label for m in name_line_labels("Jane Doe\\nHow was it?\\n\\nSam\\nHard.\\n\\nJane Doe\\nOh?"
    ...                                                 "\\n\\nSam\\nYes.").values())
    ['Jane Doe', 'Jane Doe', 'Sam', 'Sam']
    >>> name_line_labels("Yes\\nI think so.\\n\\nWell, it was hard.\\n\\nAnd then\\nshe came.")
    {}
    """
    lines = text.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    found: dict[int, LabelMatch] = {}  # the turn's text starts on the next line
    paragraphs = 0
    for i, line in enumerate(lines):
        opens = bool(line.strip()) and (i == 0 or not lines[i - 1].strip())
        paragraphs += opens
        time = time_line(line) if opens else None
        at = i + 1 if time is not None else i  # the name's line
        if not opens or at + 1 >= len(lines) or not lines[at].strip() or not lines[at + 1].strip():
            continue
        m = NAME_LINE.match(lines[at])
        if m and lines[at].rstrip()[-1] not in ".,;:!?\u2026":
            found[starts[at]] = LabelMatch(m.group("label"), len(lines[at]), time)
    counts = Counter(m.label for m in found.values())
    kept = {offset: m for offset, m in found.items() if counts[m.label] >= 2 or is_known_label(m.label)}
    return kept if len(kept) >= 2 and len(kept) * 2 >= paragraphs else {}


def _labelled_lines(
    text: str, forced: Mapping[int, LabelMatch], matcher: Callable[[str], LabelMatch | None]
) -> list[tuple[int, str, LabelMatch | None]]:
    """``(offset, line, label or None)`` for each line of ``text``: a ``forced`` label, else the
    one ``matcher`` finds after any indent or list marker."""
    lines: list[tuple[int, str, LabelMatch | None]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line, forced.get(pos) or _line_label(line, matcher)))
        pos += len(line) + 1
    return lines


def _line_label(line: str, matcher: Callable[[str], LabelMatch | None]) -> LabelMatch | None:
    """The label ``matcher`` finds at the start of ``line`` after any indent or list marker."""
    item = _LIST_ITEM.match(line)
    indent = item.end() if item else len(line) - len(line.lstrip())
    found = matcher(line[indent:])
    return None if found is None else LabelMatch(found.label, found.end + indent, found.timestamp)


def _speaker_last_table(text: str, first_line: int) -> list[tuple[str, str | None, int | None]] | None:
    """The rows of a tab-separated table whose speaker column comes after the speech, as
    NVivo imports and exports a transcript (``Timespan<tab>Content<tab>Speaker``), as a
    Word table's lines (:func:`~tr_nlp.ingest.doctables.table_lines`), each with its line of
    the file (the text's first is ``first_line``); None for any other text. Every line that
    is not blank holds a tab (a row whose last cells are empty may have lost their tabs),
    but for a title of up to three lines above the table.

    >>> rows = _speaker_last_table("0:00:01\\tWho helped?\\tJane\\n0:00:04\\tJo did.\\tSam\\n0:00:09\\tOh.\\tJane", 1)
    >>> rows[1], _speaker_last_table("Jane\\tWho helped?\\nSam\\tJo did.\\nJane\\tOh.", 1)
    (('[0:00:04] Sam: Jo did.', 'Sam', 2), None)
    """
    kept = [(number, line) for number, line in enumerate(text.split("\n"), first_line) if line.strip()]
    title = next((k for k, (_, line) in enumerate(kept) if "\t" in line), len(kept))
    titles, kept = kept[:title], kept[title:]
    if len(kept) < 2 or title > 3 or not all("\t" in line for _, line in kept):
        return None
    last = [line.rsplit("\t", 1)[1].strip() for _, line in kept[:20]]
    if sum(len(cell) <= 40 for cell in last) * 2 < len(last):  # speech last, as most such tables have it
        return None
    rows = [line.split("\t") for _, line in kept]
    width = max(map(len, rows))
    rows = [cells + [""] * (width - len(cells)) for cells in rows]
    if not speaker_after_speech(rows):
        return None
    lines = list(table_lines(rows))
    numbers: list[int | None] = [number for number, _ in kept]
    at = header_at(rows)
    if at is not None:  # the header row gives no line; each row under it gives one, or two (a question and its answer)
        above, under = numbers[:at], numbers[at + 1 :]
        each = (len(lines) - len(above)) // max(len(under), 1)
        numbers = above + [number for number in under for _ in range(each)]
    if len(numbers) != len(lines):
        numbers = [None] * len(lines)
    return [(line, None, number) for number, line in titles] + [
        (line, label, number) for (line, label, _), number in zip(lines, numbers)]


def _paragraph_turns(text: str, roles: RoleMap) -> tuple[Turn, ...]:
    role = roles.get(UNKNOWN_SPEAKER) or UNLABELLED_ROLE
    turns = []
    pos = 0
    for block in text.split("\n\n"):
        stripped = block.strip()
        if stripped:
            start = pos + block.index(stripped[0])
            turns.append(Turn(UNKNOWN_SPEAKER, role, start, start + len(stripped)))
        pos += len(block) + 2
    return tuple(turns)


def read_text_file(path: str | Path, options: ReadOptions = ReadOptions(), fmt: str | None = None) -> ReadResult:
    """Read a ``.txt`` or ``.md`` transcript into one :class:`Interview`.

    ``fmt`` (``"text"`` or ``"markdown"``) is the format its interview records; by default
    the extension tells (``--format`` names it whatever the file is called).
    """
    path = Path(path)
    decoded = read_text(path, options.encoding)
    metadata, text = split_front_matter(decoded.text, path)
    fmt = fmt or ("markdown" if path.suffix.lower() in {".md", ".markdown"} else "text")
    above = decoded.text.count("\n", 0, len(decoded.text) - len(text))  # the front matter's lines

    def below_front_matter(lines: Sequence[int]) -> list[int]:  # lines of the decoded text, as lines of ``text``
        return [line - above for line in lines if line > above]

    first_line = decoded.lines_above + above + 1
    text, furniture = _without_furniture(text, below_front_matter(decoded.page_lines))
    table = _speaker_last_table(text, first_line) if fmt == "text" else None
    if table is not None:  # NVivo's layout, time | speech | speaker: read as a Word table is
        joined, forced, lines = text_with_labels(table)
        result = interview_from_text(joined, path, options.roles, metadata, fmt, forced, lines)
    else:
        lines = _file_lines(text, first_line, below_front_matter(decoded.inline_lines))
        result = interview_from_text(text, path, options.roles, metadata, fmt, lines=lines)
        header = _tab_separated_header(text) if fmt == "text" and not metadata else None
        if header is not None and (_unlabelled(result) or headers.names_questions_and_answers(header.split("\t"))):
            return _utterance_table(path, options, header)
    if fmt == "text" and not metadata and _names_list(text, result):
        raise InputError("E137", path)
    if furniture:
        result.warnings.insert(0, furniture)
    if decoded.warning:
        result.warnings.insert(0, decoded.warning)
    return result


def _file_lines(text: str, first: int, inline: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """The line numbers of ``text`` as an editor shows its file (:attr:`~tr_nlp.schema.Interview.lines`):
    its first line is the file's line ``first``, and each of its ``inline`` lines (begun by a
    form feed, as ``pdftotext`` writes one between pages, or a vertical tab) is shown on the
    line before it.

    >>> _file_lines("I: So?\\nP: Well.\\nI: Mm.\\nP: Yes.", 3, [1, 3])
    ((0, 3), (7, 3), (23, 4))
    """
    if not inline:
        return ((0, first),)
    starts = list(accumulate((len(line) + 1 for line in text.split("\n")), initial=0))
    return ((0, first), *((starts[line], first + line - k) for k, line in enumerate(inline, 1)))


#: The documents (besides text files) whose text may be pasted out of a PDF with its pages' footers
PASTED_FORMATS = frozenset({"docx", "doc", "odt", "rtf", "html", "mht"})


def _without_furniture(text: str, page_lines: Sequence[int]) -> tuple[str, str | None]:
    """``text`` with its page furniture (:func:`~tr_nlp.ingest.furniture.text_furniture`: a
    PDF's running headers, footers and page numbers, copied out of it with the speech) made
    spaces, so that no one says it and every offset and line stays the file's; and the
    warning naming what was left out (None when nothing was).

    >>> text = "".join(f"P: Said {w}.\\nPage {n}\\n" for n, w in enumerate(("this", "that", "it"), 1))
    >>> _without_furniture(text, [])
    ('P: Said this.\\n      \\nP: Said that.\\n      \\nP: Said it.\\n      \\n', \
"left out 3 running header, footer and page-number line(s) of 3 page(s), such as 'Page 1'; they are spaces \
in the stored text, so offsets and line numbers stay the file's")
    """
    spans, pages = text_furniture(text, page_lines)
    if not spans:
        return text, None
    parts, at = [], 0
    for start, end in spans:
        parts += [text[at:start], " " * (end - start)]
        at = end
    warning = furniture_warning([text[start:end] for start, end in spans], pages,
                                "they are spaces in the stored text, so offsets and line numbers stay the file's")
    return "".join([*parts, text[at:]]), warning


def _unlabelled(result: ReadResult) -> bool:
    """Whether no turn of ``result`` has a speaker's label (each paragraph was a turn of
    :data:`UNKNOWN_SPEAKER`)."""
    return all(turn.speaker == UNKNOWN_SPEAKER for iv in result.interviews for turn in iv.turns)


def _tab_separated_header(text: str) -> str | None:
    """The header line of ``text`` where it is a table of utterances with tabs between its
    cells, as Excel saves a sheet as "Unicode Text" or "Text (Tab delimited)" (``.txt``);
    else None. Such a line is among the first four, names the columns, one of them the
    speech, or the questions and the answers (``interview_id<tab>speaker<tab>text``; the
    lines above it are a title), and at least half of the (up to 20) lines below it hold a
    tab.

    >>> _tab_separated_header("Interview 7\\n\\nid\\tText\\ni1\\tI: So?\\ni1\\tP: Well."), _tab_separated_header("I:\\tSo?\\nP:\\tWell.")
    ('id\\tText', None)
    """
    lines = [line for line in text.split("\n", 40)[:40] if line.strip()]
    for at, line in enumerate(lines[:4]):
        below = lines[at + 1 : at + 21]
        cells = line.split("\t")[:50]
        if "\t" in line and below and (any(map(headers.names_speech, cells)) or headers.names_questions_and_answers(cells)):
            return line if sum("\t" in row for row in below) * 2 >= len(below) else None
    return None


def _utterance_table(path: Path, options: ReadOptions, header: str) -> ReadResult:
    """``path``, a tab-separated table under ``header`` (:func:`_tab_separated_header`), read
    as an utterance table is (:func:`~tr_nlp.ingest.table.read_table`), with a warning that
    says so."""
    from tr_nlp.ingest.table import read_table  # imported here: it brings pandas

    result = read_table(path, options, tabs=True)
    named = " | ".join(cell.strip() for cell in header.split("\t") if cell.strip())
    result.warnings.insert(0, f"read as a table of utterances, as Excel saves a sheet as text: a line names "
                              f"its tab-separated columns ({named[:80]!r}); a .tsv is read so without this warning")
    return result


def _names_list(text: str, result: ReadResult) -> bool:
    """Whether ``text`` is a list of names for pseudonymising (``--list-names`` writes one, a
    team keeps one beside the transcripts): a ``#`` comment first, then lines of at most
    four words each (before any ``#``), and no speaker label. Read as a transcript, its
    names and quotes would be one more participant's speech."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    names = [line.split("#", 1)[0].split() for line in lines if not line.startswith("#")]
    return (lines[0].startswith("#") and bool(names) and all(0 < len(name) <= 4 for name in names)
            and _unlabelled(result))


def number_runs(numbers: Sequence[int], shown: int = 3) -> str:
    """Line numbers as runs that rise, for a message: ``1-6``, or ``118-126, 1-6`` where the
    numbering starts again (a printout numbered on each page), the first ``shown`` runs and
    how many more.

    >>> number_runs([1, 2, 3]), number_runs([118, 119, 1, 2]), number_runs([1, 2, 1, 2, 1, 2, 1, 2, 1])
    ('1-3', '118-119, 1-2', '1-2, 1-2, 1-2 and 2 more runs')
    """
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number > runs[-1][-1]:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs[:shown])
    return text + (f" and {len(runs) - shown} more runs" if len(runs) > shown else "")


def without_line_numbers(text: str) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """``text`` without the numbers that start its lines, and where each numbered line starts
    in it with its number (:attr:`~tr_nlp.schema.Interview.lines`), when it is numbered for
    citing; else None.

    A text is numbered when at least three lines, and :data:`NUMBERED_SHARE` of its non-blank
    lines, start with a number followed by a space, a tab or the line's end, and the numbers
    rise (nine steps in ten: a printout may start again on each page).

    Examples
    --------
    >>> without_line_numbers("1  I: How?\\n2  P: Well,\\n3     slowly.\\n4")
    ('I: How?\\nP: Well,\\nslowly.', ((0, 1), (8, 2), (17, 3)))
    >>> without_line_numbers("I: How often?\\nP: Well\\n3 times.") is None
    True
    >>> without_line_numbers("1\\n2\\n3\\n4\\n") is None  # numbers alone: no numbered line holds text
    True
    """
    prefixes = line_number_prefixes(text)
    if prefixes is None:
        return None
    kept, moved = remove_spans(text, prefixes)
    stripped = kept.strip("\n")
    lead = len(kept) - len(kept.lstrip("\n"))
    marks = tuple((moved(start) - lead, number) for start, _, number in prefixes
                  if 0 <= moved(start) - lead <= len(stripped))
    return (stripped, marks) if marks else None


def line_number_prefixes(text: str) -> list[tuple[int, int, int]] | None:
    """Where the numbers that start the lines of a text numbered for citing stand (see
    :func:`without_line_numbers`): ``(start, end, number)``, the number and the spaces
    around it; None when the text is not numbered.

    >>> line_number_prefixes("1  I: How?\\n2  P: Well,\\n 3\\tslowly.")
    [(0, 3, 1), (11, 14, 2), (23, 26, 3)]
    """
    found, pos = [], 0
    filled = 0
    for line in text.split("\n"):
        m = _LINE_NUMBER_PREFIX.match(line)
        if m:
            found.append((pos, pos + m.end(), int(m.group("n"))))
        filled += bool(line.strip())
        pos += len(line) + 1
    numbers = [number for _, _, number in found]
    if len(numbers) < 3 or len(numbers) < NUMBERED_SHARE * filled:
        return None
    if sum(b > a for a, b in pairwise(numbers)) < 0.9 * (len(numbers) - 1):
        return None
    return found


def remove_spans(text: str, cuts: Sequence[tuple[int, int, int]]) -> tuple[str, Callable[[int], int]]:
    """``text`` without the ``(start, end, _)`` spans ``cuts`` (in order, apart), and where an
    offset of ``text`` falls in what is left (one inside a cut: where the cut was)."""
    kept = "".join(text[end:start] for (_, end, _), (start, _, _) in pairwise([(0, 0, 0), *cuts, (len(text), 0, 0)]))
    starts = [start for start, _, _ in cuts]
    removed = list(accumulate((end - start for start, end, _ in cuts), initial=0))

    def moved(offset: int) -> int:
        k = bisect.bisect_right(starts, offset)
        if k and offset < cuts[k - 1][1]:  # inside a cut
            return cuts[k - 1][0] - removed[k - 1]
        return offset - removed[k]

    return kept, moved


def interview_from_text(
    text: str,
    path: Path,
    roles: RoleMap,
    metadata: dict[str, Any],
    fmt: str,
    forced: Mapping[int, LabelMatch] | None = None,
    lines: tuple[tuple[int, int], ...] = (),
) -> ReadResult:
    """One interview of transcript text read from ``path`` by the reader ``fmt``.

    Its turns are found as in plain text (:func:`assemble_turns`, with ``forced`` labels; those
    of :data:`HEADING` mark a document's headings, no one's speech);
    an ``interview_id`` in ``metadata`` names it, else the file name does, and a ``speakers``
    mapping there (``Jo: participant``) sets roles for it over ``roles``. Readers of
    documents (.docx, .odt, .rtf, .pdf) hand their text here. Text of timed cues (Teams'
    older transcripts: :func:`~tr_nlp.ingest.subtitles.cues_in_text`) is read as subtitles
    are: one ``Speaker: text`` line per turn is stored, and the lines above the first cue
    (a title, a date) become the metadata ``header``. Numbers that start the lines of a
    transcript numbered for citing (:func:`without_line_numbers`) are left out of the stored
    text, with a warning, and number its lines (:attr:`~tr_nlp.schema.Interview.lines`);
    else ``lines`` do: the line numbers a document's table gives, or a plain-text file's first
    line's (the lines after it count on), as a reader sees them; line numbers the metadata
    gives (``lines``, as tr_nlp writes them) come first. Labels that run on within a line
    after another speaker's sentence (:func:`run_on_labels`) start lines of their own, a
    line break standing for the space before each, with a warning. A document's text pasted
    out of a PDF (:data:`PASTED_FORMATS`) has the lines naming its pages, and what recurs
    beside them, made spaces (:func:`_without_furniture`), with a warning.
    """
    notes = []
    if fmt in PASTED_FORMATS:
        text, furniture = _without_furniture(text, [])
        notes += [furniture] if furniture else []
    headings = frozenset(at for at, match in (forced or {}).items() if match.label == HEADING)
    forced = {at: match for at, match in (forced or {}).items() if match.label != HEADING}
    own = _own_roles(metadata, path, strict=fmt in ("text", "markdown"))
    roles, where = roles.merged(own), "its front matter" if fmt in ("text", "markdown") else "its document properties"
    numbered = None if forced else without_line_numbers(text)
    if numbered is not None:
        text, lines = numbered
        notes.append(f"read as a transcript numbered for citing: the numbers {number_runs([n for _, n in lines])} "
                     "that start its lines are not part of its text (offsets count without them); segments carry "
                     "them as their line and line_end")
    found = cues_in_text(text)
    if found is not None:
        header, cues = found
        if header:
            metadata = {"header": header, **metadata}
        result = interview_from_cues(cues, path, ReadOptions(roles=roles), metadata, fmt)
        result.warnings[:0] = notes
        result.warnings += unmatched_roles_warnings(own, result.interviews, where)
        return result
    run_on = run_on_labels(text, roles, forced)
    if run_on:
        lines = _numbered_on(text, lines, run_on)
        text = _broken_at(text, run_on)
        notes.append(f"{len(run_on)} speaker labels ran on after another speaker's words within a line, as in a "
                     "transcript whose line breaks were lost: each now starts a line of its own (offsets unchanged)")
    turns, warnings = assemble_turns(text, roles, forced, headings)
    warnings = notes + warnings
    interview_id = str(metadata.pop("interview_id", None) or path.stem)
    times = tuple(sorted({*time_marks(text), *time_lines(text), *_own_marks(metadata, "times", len(text))}))
    lines = tuple(_own_marks(metadata, "lines", len(text))) or lines
    interview = Interview(interview_id, text, turns, metadata, str(path), fmt, times, lines)
    return ReadResult([interview], warnings=warnings + unmatched_roles_warnings(own, [interview], where))


def _own_marks(metadata: dict[str, Any], key: str, length: int) -> list[tuple[int, Any]]:
    """The times in the recording (``key`` ``times``: ``[[offset, seconds], ...]``) or line
    numbers (``lines``: ``[[offset, number], ...]``) a file's metadata gives for its text
    (taken out of it), in order of offset, as tr_nlp writes them into the Word documents and
    text files it makes of interviews whose text does not show them (a subtitle's cue
    times, a transcript's numbers for citing); any other such value stays metadata.

    >>> meta = {"times": [[25, 7.5], [0, 3.0]], "lines": [[0, 12]], "site": "Leeds"}
    >>> _own_marks(meta, "times", 40), _own_marks(meta, "lines", 40), meta
    ([(0, 3.0), (25, 7.5)], [(0, 12)], {'site': 'Leeds'})
    >>> _own_marks({"times": 3}, "times", 40), _own_marks({"lines": [[0, 1], [0, 2]]}, "lines", 40)
    ([], [])
    """
    marks = metadata.get(key)
    if not isinstance(marks, list) or not marks:
        return []
    found: list[tuple[int, Any]] = []
    for mark in marks:
        if not (isinstance(mark, list) and len(mark) == 2 and type(mark[0]) is int and 0 <= mark[0] <= length):
            return []
        value = mark[1]
        if key == "lines" and type(value) is int and value >= 0:
            found.append((mark[0], value))
        elif key == "times" and type(value) in (int, float) and value >= 0:
            found.append((mark[0], float(value)))
        else:
            return []
    if key == "lines" and len({offset for offset, _ in found}) < len(found):  # a line starts once
        return []
    del metadata[key]
    return sorted(found)


def _own_roles(metadata: dict[str, Any], path: Path, strict: bool) -> RoleMap:
    """A file's own ``speakers`` mapping, taken out of its ``metadata``. Other ``speakers``
    metadata is refused in a transcript's front matter (``strict``, where it can only mean
    roles) and kept as metadata elsewhere (a document's properties may say ``speakers: 2``)."""
    speakers = metadata.get("speakers")
    if not speakers or not (strict or isinstance(speakers, Mapping)):
        return RoleMap()
    if not isinstance(speakers, Mapping):
        raise ConfigError("E162", path, detail=f"front matter 'speakers' is {type(speakers).__name__}; "
                                               "expected 'NAME: interviewer|participant|other' lines")
    del metadata["speakers"]
    return RoleMap.from_mapping(speakers)


def styled_label(prefix: str) -> str | None:
    """``prefix`` (a paragraph's leading bold text) if it can be a speaker label: at most 40
    characters and 4 words once a trailing colon is dropped, and no sentence (``Thank you.``).
    """
    label = prefix.strip().rstrip(":\uff1a").strip()
    fits = label and len(label) <= 40 and len(label.split()) <= 4 and label[-1] not in ".!?\u2026"
    return prefix if fits else None


#: a sentence's end and the one space after it, where a label may run on in a line
_SENTENCE_END = re.compile(r"(?<=[.?!\u2026\"\u201d)\]]) (?=\S)")
#: a space before a capitalised word of up to three and a colon: where a label may run on in a
#: line without a sentence's end, as a speech recogniser writes speech without punctuation
_BEFORE_CAPITAL = re.compile(r" (?=[^\W\d_a-z][\w'\u2019.-]*(?: [\w'\u2019.-]+){0,2} ?:)")
#: what ends a sentence, anywhere in a line
_SENTENCE_MARK = re.compile(r"[.?!\u2026]")
#: the most characters a run-on label's line is looked at (a label and its colon are shorter)
_LABEL_WINDOW = 80


def run_on_labels(text: str, roles: RoleMap | None = None, forced: Mapping[int, LabelMatch] | None = None,
                  ) -> list[int]:
    """Where a transcript whose line breaks were lost (pasted from a web form or an email, or
    a table cell's text) runs one speaker's label on after another's sentence: the offsets
    of the spaces before those labels, which :func:`interview_from_text` makes line breaks.

    A label counts when it is a known label (``Participant``), starts a line of the text,
    is one ``roles`` (speaker -> role settings) names, or runs on three times or more; the
    text must hold three such labels at least, and twice as many as lines that start with
    a label (``forced`` ones too, a document's bold labels by the offset of their line), so
    that a transcript whose lines keep their labels is left as it is. In a line with no
    sentence's end (speech written without punctuation), a label runs on after any word
    where it is a known label of three letters or more (``Participant``, ``Speaker 2``,
    not ``I``) or one ``roles`` names.

    >>> text = "Interviewer: How was it? Participant: Loud. Interviewer: And the nurse? Participant: Kind. She sat."
    >>> [text[k + 1:k + 5] for k in run_on_labels(text)]
    ['Part', 'Inte', 'Part']
    >>> run_on_labels("Interviewer: How was it? Participant: Loud.\\nInterviewer: And?\\nParticipant: Kind.")
    []
    >>> text = "Interviewer: how was it Participant: loud Interviewer: and then Participant: kind she sat"
    >>> [text[k + 1:k + 5] for k in run_on_labels(text)]
    ['Part', 'Inte', 'Part']
    """
    roles = roles or RoleMap()
    matcher = roles.label_matcher()
    starting: Counter[str] = Counter()
    inline: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        found = (forced or {}).get(pos) or _line_label(line, matcher)
        if found is not None:
            starting[found.label] += 1
        for end in _SENTENCE_END.finditer(line):
            label = matcher(line[end.end():end.end() + _LABEL_WINDOW])
            if label is not None and label.end > 0:
                inline.append((pos + end.start(), label.label))
        if ":" in line[1:] and _SENTENCE_MARK.search(line) is None:  # unpunctuated: after any word
            for space in _BEFORE_CAPITAL.finditer(line):
                label = matcher(line[space.end():space.end() + _LABEL_WINDOW])
                if label is not None and label.end > 0 and (
                        roles.get(label.label) is not None or (len(label.label) >= 3 and is_known_label(label.label))):
                    inline.append((pos + space.start(), label.label))
        pos += len(line) + 1
    counts = Counter(label for _, label in inline)
    kept = [at for at, label in inline if is_known_label(label) or label in starting
            or roles.get(label) is not None or counts[label] >= 3]
    return kept if len(kept) >= 3 and len(kept) >= 2 * starting.total() else []


def _numbered_on(text: str, lines: tuple[tuple[int, int], ...], spaces: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """``lines`` (:attr:`~tr_nlp.schema.Interview.lines` of ``text``) once a line break
    stands for the space at each of ``spaces``: each line so made has the number of the
    line it was part of, so a passage is still cited by the line the file shows it on."""
    if not lines:
        return lines
    starts = [offset for offset, _ in lines]
    made = []
    seen, counted, breaks = -1, 0, 0  # the last entry of ``lines`` met, where counting stood, breaks since the entry
    for at in spaces:  # in order: each stretch of the text is counted once
        k = bisect.bisect_right(starts, at) - 1
        if k < 0:
            continue
        if k != seen:
            seen, counted, breaks = k, starts[k], 0
        breaks += text.count("\n", counted, at)
        counted = at
        made.append((at + 1, lines[k][1] + breaks))
    return tuple(sorted({*lines, *made}))


def _broken_at(text: str, spaces: Sequence[int]) -> str:
    """``text`` with a line break for the space at each of ``spaces``."""
    chars = list(text)
    for at in spaces:
        chars[at] = "\n"
    return "".join(chars)


def text_with_labels(
    blocks: Iterable[DocLine],
) -> tuple[str, dict[int, LabelMatch], tuple[tuple[int, int], ...]]:
    """A document's text from its lines, the speaker labels its styling marks, and the line
    numbers its tables give.

    ``blocks`` are (line, label or None), or (line, label or None, line number or None) for
    a table's rows (:func:`~tr_nlp.ingest.doctables.table_lines`): the label is text the line starts with that the
    document sets apart (a leading bold run, a table's speaker cell), taken as a speaker
    label even without a colon; a time mark may come first (``[00:01:02] label``, from a
    table's time column) or follow it (``label (00:01:02): speech``, or ``label 0:03`` with
    the speech on the next lines) and becomes the turn's time. A label that is the whole line must
    recur or be a known label (``Interviewer``): once, it is more likely a heading
    (``Interview 12``) than a speaker whose speech follows on the next lines. Returns the text (lines joined, leading
    blank ones dropped), per offset of a labelled line its :class:`LabelMatch`, and the line
    numbers (:attr:`~tr_nlp.schema.Interview.lines`: a numbered row's number on each line
    of its text) for :func:`interview_from_text`.
    """
    lines: list[str] = []
    found: dict[int, tuple[LabelMatch, bool]] = {}  # and whether speech follows on its line
    numbers: list[tuple[int, int]] = []
    pos = 0
    for raw, label, *numbered in blocks:
        line = normalise_text(raw)
        if not lines and not line:
            continue  # leading empty paragraphs
        if numbered and numbered[0] is not None:
            numbers += [(start, numbered[0]) for start in _line_starts(line, pos)]
        if label == HEADING:
            found[pos] = LabelMatch(HEADING, 0, None), False
            lines.append(line)
            pos += len(line) + 1
            continue
        marked = normalise_text(label).strip() if label is not None else ""
        stamp = _LEADING_MARK.match(line) if marked else None
        start = stamp.end() if stamp else 0
        if marked and line.startswith(marked, start):
            start += len(marked)
            label_end = start
            start = _after_colon(line, start, colon=not marked.endswith((":", "\uff1a")))
            time = parse_timestamp(stamp.group(1) or stamp.group(2)) if stamp else None
            after = _TIME_AFTER_LABEL.match(line, start)
            if after and (after.group("bracketed") or ":" not in line[label_end:start]):  # the turn's time
                start = after.end()
                time = time if time is not None else parse_timestamp(after.group("bracketed") or after.group("bare"))
            found[pos] = LabelMatch(marked.rstrip(":\uff1a").strip(), start, time), bool(line[start:].strip())
        lines.append(line)
        pos += len(line) + 1
    counts = Counter(match.label for match, _ in found.values())
    # a styled line alone that is no speaker's (it does not recur) is a heading
    forced = {pos: match if speech or counts[match.label] >= 2 or is_known_label(match.label) else LabelMatch(
        HEADING, 0, None) for pos, (match, speech) in found.items()}
    text = "\n".join(lines).rstrip()
    return text, forced, tuple((start, n) for start, n in numbers if start <= len(text))


def _after_colon(line: str, start: int, colon: bool) -> int:
    """Where a turn's text starts after a styled label ending at ``start``: past spaces, and,
    when ``colon`` (the label holds none), one colon (``:`` right after the label, or after a
    space and before one, as French sets it; Chinese's full-width ``\uff1a``) and the spaces
    after it. A colon the speech starts with is speech (a chat interview's ``:)``).

    >>> _after_colon("I: : Ratio", 1, True), _after_colon("I: : Ratio", 2, False), _after_colon("I :) Yes", 1, True)
    (3, 3, 2)
    >>> _after_colon("I : Oui", 1, True), _after_colon("I:Yes", 1, True), _after_colon("I Yes", 1, True)
    (4, 2, 2)
    """
    adjacent = line.startswith((":", "\uff1a"), start)
    while start < len(line) and line[start] in " \t":
        start += 1
    spaced = line.startswith(":", start) and (start + 1 == len(line) or line[start + 1] in " \t")
    if colon and (adjacent or spaced or line.startswith("\uff1a", start)):
        start += 1
        while start < len(line) and line[start] in " \t":
            start += 1
    return start


def _line_starts(line: str, pos: int) -> Iterator[int]:
    """Where each line of ``line`` (text that may hold line breaks) starts, it starting at ``pos``."""
    yield pos
    for m in re.finditer("\n", line):
        yield pos + m.end()
