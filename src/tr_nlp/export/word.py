"""Write interviews as Word documents, codings and suggestions as comments in the margin.

For teams that code in Word rather than QDA software: each interview becomes a ``.docx``
whose paragraphs are the lines of its stored text, and each coding a comment on the
passage it covers. A human coder's comment is theirs (its author) and names the code;
a machine layer's comment (a model's suggestion, a candidate code's passage) is by the
layer's user (``tr_nlp model NAME VERSION``) and says what it found (``beyond_routine:
p=0.82``). The document's properties hold the interview's id, metadata and speaker roles
(as ``key: value`` lines, which the ``.docx`` reader reads back).

Reading such a document back (:mod:`tr_nlp.ingest.docx`) gives the same text, offsets and
human codings; the machine's comments are left out, as suggestions are not human coding.
A coder accepts a suggestion by commenting that passage under their own name.

Examples
--------
>>> from tr_nlp.schema import Coding, Interview
>>> interview = Interview("p1", "I: Tell me.\\nP: She rang on her day off.")
>>> notes = margin_notes(interview, [Coding("p1", 15, 39, "beyond_routine", "Anna")])
>>> notes
[MarginNote(start=15, end=39, text='beyond_routine', author='Anna')]
>>> [run.text for run in word_document(interview, notes).paragraphs[1].runs]
['P: ', 'She rang on her day off.', '']
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tr_nlp.export.folder import interview_header
from tr_nlp.export.qdpx import MachineCoding, MachineLayer
from tr_nlp.export.tables import atomic_path, check_file_path
from tr_nlp.ingest.docx import parsed_comments
from tr_nlp.memory import freeing_cycles
from tr_nlp.refi.vocab import READ_CODE
from tr_nlp.schema import Coding, Interview
from tr_nlp.wholes import whole_number

#: The longest label shown in bold: a name, a role or a time and a name (``[00:01:02] Interviewer:``).
MAX_LABEL = 60
#: Characters XML 1.0 cannot hold (control characters but tab): a space each in the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class MarginNote:
    """A comment to write: ``text`` by ``author`` on ``text[start:end]`` of an interview."""

    start: int
    end: int
    text: str
    author: str


def margin_notes(interview: Interview, codings: Iterable[Coding] = (),
                 layers: Sequence[MachineLayer] = ()) -> list[MarginNote]:
    """The comments for ``interview``: one per human coding (the code, by its coder) and
    per machine coding (its note, by its layer's user; a passage marked read for coding
    says so first), in order of place.

    A span's line breaks at its ends are left off (a comment covers text, and a
    paragraph's end is none); a span of line breaks alone gets no comment.
    """
    notes = [(c.start, c.end, c.code, c.coder) for c in codings if c.interview_id == interview.id]
    notes += [(m.start, m.end, _machine_text(m), layer.user) for layer in layers for m in layer.codings
              if m.interview_id == interview.id]
    out = []
    for start, end, note, author in notes:
        start, end = without_line_ends(interview.text, start, end)
        if start < end:
            out.append(MarginNote(start, end, note, author))
    return sorted(set(out), key=lambda n: (n.start, -n.end, n.author, n.text))


def without_line_ends(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` (kept inside ``text``) less the line breaks at its ends: a comment
    covers text, and a paragraph's end is none.

    >>> without_line_ends("a\\n\\nb\\n", 1, 5), without_line_ends("a\\n", 1, 9)
    ((3, 4), (2, 2))
    """
    start, end = max(start, 0), min(end, len(text))
    while start < end and text[start] == "\n":
        start += 1
    while end > start and text[end - 1] == "\n":
        end -= 1
    return start, end


def _machine_text(coding: MachineCoding) -> str:
    """What a machine coding's comment says: its note; for a passage marked read for coding
    (:data:`~tr_nlp.refi.vocab.READ_CODE`), the mark first, as the ``.docx`` reader knows it.

    >>> _machine_text(MachineCoding("p1", 0, 5, READ_CODE, "#3: unsure about care (p=0.52)"))
    'tr_nlp: read for coding (#3: unsure about care (p=0.52))'
    """
    if coding.code != READ_CODE:
        return coding.note or coding.code
    return READ_CODE if coding.note in ("", "read") else f"{READ_CODE} ({coding.note})"


def word_document(interview: Interview, notes: Sequence[MarginNote] = ()) -> Any:
    """A python-docx ``Document`` of ``interview``'s text, a paragraph per line, ``notes``
    as comments, and the label before each turn's speech in bold, as Word transcripts show it.

    Each line is cut into runs where a note starts or ends, as a comment spans whole runs.
    """
    import docx

    document = docx.Document()
    _properties(document, interview)
    labels = _labels(interview)
    cuts = sorted({n.start for n in notes} | {n.end for n in notes} | set(labels.values()))
    starting: dict[int, Any] = {}  # offset -> the run that starts there
    ending: dict[int, Any] = {}  # offset -> the run that ends there
    line_start = 0
    for line in interview.text.split("\n"):
        paragraph = document.add_paragraph()
        line_end = line_start + len(line)
        inner = cuts[bisect_right(cuts, line_start):bisect_left(cuts, line_end)]
        for a, b in zip([line_start, *inner], [*inner, line_end]):
            if a < b:
                run = paragraph.add_run(_NOT_XML.sub(" ", interview.text[a:b]))
                run.bold = True if b <= labels.get(line_start, line_start) else None
                starting[a], ending[b] = run, run
        line_start = line_end + 1
    add_comments_on(document, [(starting[note.start], ending[note.end], note) for note in notes])
    return document


def add_comments_on(document: Any, placed: Sequence[tuple[Any, Any, MarginNote]]) -> None:
    """Add each ``(first run, last run, note)`` of ``placed`` to a python-docx ``document`` as
    a comment on the runs from the first to the last, by the note's author.

    Comments are numbered on from the highest id in the document, as python-docx numbers
    them, but counted here: python-docx reads every comment's id again for each one it adds,
    which made a document's comments cost the square of their number (a document of 4,000
    comments took 17.0 s to build, 2.1 s counted here: ``benchmarks/word_comments.py``).
    """
    if not placed:
        return  # no comments part where there are no comments
    from docx.opc.constants import RELATIONSHIP_TYPE

    document.comments  # noqa: B018 - adds the comments part when the document has none
    comments = document.part.part_related_by(RELATIONSHIP_TYPE.COMMENTS).element
    ids = [whole_number(i) for i in comments.xpath("./w:comment/@w:id")]
    first = max((i for i in ids if i is not None), default=-1) + 1
    counted = first + len(placed) <= 2**31 - 1  # past that, python-docx fills gaps in the ids
    if counted:  # python-docx asks this element for each new id: answered for this document only
        comments._next_available_comment_id = itertools.count(first).__next__
    try:
        for start, end, note in placed:
            document.add_comment([start, end], text=note.text, author=note.author, initials=initials(note.author))
    finally:
        if counted:
            del comments._next_available_comment_id


def _labels(interview: Interview) -> dict[int, int]:
    """Where each line that opens a turn with a plain label starts, and where its label
    ends (the turn's speech starts).

    A plain label is the speaker's name and a colon, a time mark before it or not
    (``[00:01:02] Jo: ``), at most :data:`MAX_LABEL` characters: one that the ``.docx``
    reader reads as the same speaker when it is bold. Others (markdown's ``**Jo:**``) stay
    as they are.
    """
    found = {}
    for turn in interview.turns:
        line_start = interview.text.rfind("\n", 0, turn.start) + 1
        label = interview.text[line_start:turn.start]
        if len(label) <= MAX_LABEL and label.rstrip().endswith(f"{turn.speaker}:"):
            found[line_start] = turn.start
    return found


@freeing_cycles()  # a document's objects refer to each other: free its XML as it is written
def write_docx(path: str | Path, interview: Interview, codings: Iterable[Coding] = (),
               layers: Sequence[MachineLayer] = ()) -> Path:
    """Write ``interview`` as a ``.docx`` at ``path`` (atomically), its codings and the
    machine ``layers`` as comments (:func:`margin_notes`)."""
    path = check_file_path(path, (".docx",))
    document = word_document(interview, margin_notes(interview, codings, layers))
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return path


def _properties(document: Any, interview: Interview) -> None:
    """The interview's id, metadata, speakers' roles, and the times in the recording and line
    numbers its text does not show (:func:`~tr_nlp.export.folder.interview_header`), as YAML
    in the document's comments property (what the ``.docx`` reader reads as metadata); no
    author or dates of the template's."""
    write_header(document, interview_header(interview, marks=True))
    props = document.core_properties
    props.author = ""
    props._element._remove_created()  # the template's date; the metadata has the interview's own
    props._element._remove_modified()


def keep_identity(document: Any, interview: Interview) -> bool:
    """Add ``interview``'s id and speakers' roles to a team's own document's comments
    property, so that a copy reads back as the same interview whatever its file is called,
    when the property is empty or ``key: value`` lines (kept); free text there is left as it
    is. Whether they were added."""
    text = document.core_properties.comments or ""
    parsed = parsed_comments(text) if text.strip() else {}
    if not isinstance(parsed, dict):
        return False
    write_header(document, interview_header(interview, parsed))
    return True


def write_header(document: Any, header: dict[str, Any]) -> None:
    """``header`` as ``key: value`` lines (YAML) in the document's comments property."""
    # python-docx's setter refuses more than 255 characters, which Word does not
    document.core_properties._element.get_or_add_description().text = yaml.safe_dump(
        header, sort_keys=False, allow_unicode=True, width=1000)


def initials(author: str) -> str:
    """A comment author's initials, as Word shows them (``Anna Smith``: ``AS``).

    >>> initials("Anna Smith"), initials("tr_nlp model demo 1.0")
    ('AS', 'tmd1')
    """
    return "".join(word[0] for word in author.split())[:4]
