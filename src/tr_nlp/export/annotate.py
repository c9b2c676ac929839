"""Word copies of interviews: a team's own ``.docx`` with comments added, else one written afresh.

A team that codes in Word keeps its transcripts as it formatted them (headings, a
participant table, line numbering, its coders' comments). :func:`annotate_docx` writes a
copy of such a ``.docx`` with more comments in its margin (a model's suggestions, codings
from elsewhere), each on the passage of the stored text it covers: the stored text is
matched to the text the document shows (:class:`~tr_nlp.ingest.align.TextMap`), and a run
is cut where a comment starts or ends inside it, its formatting copied to both parts.
Nothing else of the document changes, but for the interview's id and speakers' roles,
added to its properties where they hold nothing or ``key: value`` lines (so that the copy
reads back as the same interview). :func:`write_word_folder` does so for each
interview read from a ``.docx`` that still shows its text, and writes the others afresh
(:func:`~tr_nlp.export.word.write_docx`).

Examples
--------
>>> import docx, io
>>> from tr_nlp.schema import Interview
>>> document = docx.Document()
>>> run = document.add_paragraph().add_run("P: She rang me on her day off.")
>>> run.bold = True
>>> interview = Interview("p1", "P: She rang me on her day off.")
>>> add_comments(document, interview, [MarginNote(3, 14, "beyond_routine: p=0.91", "tr_nlp model m 1")])
1
>>> [(r.text, r.bold) for r in document.paragraphs[0].runs]
[('P: ', True), ('She rang me', True), ('', None), (' on her day off.', True)]
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from tr_nlp.errors import TrNlpError
from tr_nlp.export.elan import annotate_eaf
from tr_nlp.export.folder import file_names
from tr_nlp.export.qdpx import MachineCoding, MachineLayer
from tr_nlp.export.tables import atomic_path
from tr_nlp.export.word import (
    MarginNote,
    add_comments_on,
    keep_identity,
    margin_notes,
    without_line_ends,
    write_docx,
)
from tr_nlp.ingest.align import MIN_SIMILAR, TextMap
from tr_nlp.ingest.docx import W, read_docx, shown_pieces
from tr_nlp.ingest.elan import read_layout
from tr_nlp.ingest.encoding import normalise_text
from tr_nlp.memory import freeing_cycles
from tr_nlp.refi.vocab import READ_CODE
from tr_nlp.schema import Coding, Interview

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def write_word_folder(folder: str | Path, interviews: Sequence[Interview], codings: Sequence[Coding] = (),
                      layers: Sequence[MachineLayer] = (), originals: bool = True) -> dict[str, str]:
    """Write each interview into ``folder`` as ``ID.docx``, its codings and the machine
    ``layers`` as comments (:func:`~tr_nlp.export.word.margin_notes`): with ``originals``,
    the ``.docx`` it was read from with the comments added (:func:`annotate_docx`; a coding
    that document already holds as a comment is not added twice), else, or when that
    document no longer shows its text, one written afresh. An interview read from an ELAN
    file is written, with ``originals``, as ``ID.eaf``: that file with tiers of codes added
    (:func:`~tr_nlp.export.elan.annotate_eaf`), where it still reads as its text.

    Returns
    -------
    dict
        Each interview's id and how it was written: ``"own document"``, ``"own ELAN file"``
        or ``"written"``.
    """
    folder = Path(folder)
    names = [name.removesuffix(".txt") + ".docx" for name in file_names([iv.id for iv in interviews])]
    coded: dict[str, list[Coding]] = {}
    for coding in codings:
        coded.setdefault(coding.interview_id, []).append(coding)
    marked: dict[str, dict[str, list[MachineCoding]]] = {}  # interview -> user -> codings
    for layer in layers:
        for machine in layer.codings:
            marked.setdefault(machine.interview_id, {}).setdefault(layer.user, []).append(machine)
    how = {}
    for interview, name in zip(interviews, names):
        own = [MachineLayer(user, tuple(found)) for user, found in marked.get(interview.id, {}).items()]
        mine = coded.get(interview.id, [])
        if originals and write_eaf_copy(folder / Path(name).with_suffix(".eaf"), interview, mine, own):
            how[interview.id] = "own ELAN file"
        else:
            how[interview.id] = write_word(folder / name, interview, mine, own, originals)
    return how


def write_eaf_copy(path: Path, interview: Interview, codings: Sequence[Coding] = (),
                   layers: Sequence[MachineLayer] = ()) -> bool:
    """Write the ELAN file ``interview`` was read from to ``path`` with its codings and the
    machine ``layers`` on added tiers (what its own code tiers hold not again); whether it
    could: it was read from an ``.eaf`` that still reads as its text."""
    source = Path(interview.source) if interview.source else None
    if source is None or source.suffix.lower() != ".eaf" or not source.is_file():
        return False
    try:
        layout = read_layout(source)
    except TrNlpError:  # damaged since it was read
        return False
    held = layout.result.comment_codings
    said = {(c.start, c.end, c.code, c.coder) for c in held}
    notes = [n for n in margin_notes(interview, *_not_held(held, codings, layers))
             if (n.start, n.end, n.text, n.author) not in said]
    return annotate_eaf(layout, path, interview, notes) is not None


@freeing_cycles()  # python-docx's documents, read and written, free their XML only in cycles
def write_word(path: str | Path, interview: Interview, codings: Sequence[Coding] = (),
               layers: Sequence[MachineLayer] = (), original: bool = True) -> str:
    """Write ``interview`` to ``path`` as :func:`write_word_folder` writes each; how:
    ``"own document"`` or ``"written"``."""
    source = Path(interview.source) if interview.source else None
    if original and source is not None and source.suffix.lower() == ".docx" and source.is_file():
        try:
            held = read_docx(source).comment_codings
        except TrNlpError:  # damaged since it was read
            held = None
        if held is not None:
            said = {(c.start, c.end, c.code, c.coder) for c in held}  # a comment as it stands, word for word
            notes = [n for n in margin_notes(interview, *_not_held(held, codings, layers))
                     if (n.start, n.end, n.text, n.author) not in said]  # a model's suggestions coded again, say
            if annotate_docx(source, path, interview, notes) is not None:
                return "own document"
    write_docx(path, interview, codings, layers)
    return "written"


def _not_held(held: Sequence[Coding], codings: Sequence[Coding], layers: Sequence[MachineLayer],
              ) -> tuple[list[Coding], list[MachineLayer]]:
    """``codings`` and ``layers`` less what a document's comments (``held``) already say:
    a coder's coding of a passage, a passage marked read."""
    coded = {(c.start, c.end, c.coder) for c in held}
    read = {(c.start, c.end) for c in held if c.code.startswith(READ_CODE)}
    return ([c for c in codings if (c.start, c.end, c.coder) not in coded],
            [replace(layer, codings=tuple(m for m in layer.codings if m.code != READ_CODE or (m.start, m.end) not in read))
             for layer in layers])


@freeing_cycles()
def annotate_docx(source: str | Path, output: str | Path, interview: Interview,
                  notes: Sequence[MarginNote]) -> int | None:
    """Write ``source`` (the ``.docx`` ``interview`` was read from) to ``output`` with
    ``notes`` added as comments; how many were placed, or None, with nothing written, when
    the document no longer shows the interview's text (edited since: less than
    :data:`~tr_nlp.ingest.align.MIN_SIMILAR` the same)."""
    import docx

    document = docx.Document(str(source))
    placed = add_comments(document, interview, notes)
    if placed is None:
        return None
    keep_identity(document, interview)
    with atomic_path(output) as tmp:
        document.save(str(tmp))
    return placed


def add_comments(document: Any, interview: Interview, notes: Sequence[MarginNote]) -> int | None:
    """Add ``notes`` (spans of ``interview``'s stored text) to a python-docx ``document`` as
    comments; how many were placed (a note on words the document does not show is not),
    or None when the document does not show the interview's text."""
    body = document.element.body
    shown = "".join(piece for piece, _ in shown_pieces(body))
    moved = TextMap.between(interview.text, shown)
    if moved.similarity < MIN_SIMILAR and TextMap.between(  # spaces at line ends, decomposed accents...
            interview.text, normalise_text(shown)).similarity < MIN_SIMILAR:
        return None
    spans = []
    for note in notes:
        span = moved.span(note.start, note.end)
        if span is not None:
            start, end = without_line_ends(shown, *span)
            if start < end:
                spans.append((start, end, note))
    _cut(body, {x for start, end, _ in spans for x in (start, end)})
    starting, ending = _runs_at(body)
    placed = [(starting[start], ending[end], note) for start, end, note in spans
              if start in starting and end in ending]  # not text outside runs (a field's result)
    add_comments_on(document, placed)
    return len(placed)


def _cut(body: Any, cuts: set[int]) -> None:
    """Cut runs so that each of ``cuts`` (offsets in the shown text) falls between two runs."""
    ordered = sorted(cuts)
    position = 0
    for piece, element in list(shown_pieces(body)):
        end = position + len(piece)
        inner = [x - position for x in ordered[bisect_right(ordered, position):bisect_left(ordered, end)]]
        if piece and element.tag != W + "p" and (inner or position in cuts or end in cuts):
            run = _alone(element)
            if inner:
                _split(run, element, inner)
        position = end


def _alone(element: Any) -> Any:
    """The run of ``element`` (a text element), made to hold only it: the run's other
    contents go into runs of their own, each with a copy of its formatting."""
    run = element.getparent()
    contents = _contents(run)
    if len(contents) == 1:
        return run
    mine = None
    for child in contents:
        part = _empty_copy(run)
        part.append(child)
        run.addprevious(part)
        mine = part if child is element else mine
    run.getparent().remove(run)
    return mine


def _split(run: Any, text: Any, at: list[int]) -> None:
    """Split ``run``, whose only content is the ``w:t`` ``text``, at offsets ``at`` into it."""
    value = text.text or ""
    bounds = [0, *at, len(value)]
    for a, b in pairwise(bounds):
        part = copy.deepcopy(run)
        t = part.find(W + "t")
        t.text = value[a:b]
        t.set(_XML_SPACE, "preserve")
        run.addprevious(part)
    run.getparent().remove(run)


def _empty_copy(run: Any) -> Any:
    """A run with ``run``'s formatting and no content."""
    part = copy.deepcopy(run)
    for child in _contents(part):
        part.remove(child)
    return part


def _contents(run: Any) -> list[Any]:
    """What a run holds but its formatting (``w:rPr``): text, tabs, breaks, drawings..."""
    return [child for child in run if child.tag != W + "rPr"]


def _runs_at(body: Any) -> tuple[dict[int, Any], dict[int, Any]]:
    """The runs that start and that end at each offset of the shown text (python-docx ``Run``s)."""
    from docx.text.run import Run

    starting: dict[int, Any] = {}
    ending: dict[int, Any] = {}
    position = 0
    for piece, element in shown_pieces(body):
        if piece and element.tag != W + "p":
            run = element.getparent()
            contents = _contents(run)
            if contents[0] is element:
                starting.setdefault(position, Run(run, None))
            if contents[-1] is element:
                ending[position + len(piece)] = Run(run, None)
        position += len(piece)
    return starting, ending
