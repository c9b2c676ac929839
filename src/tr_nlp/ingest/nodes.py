"""NVivo's node exports: the references coded at one node, as NVivo lists them.

NVivo's *Export Node* (``.docx``, ``.rtf``, ``.txt``, ``.pdf`` or ``.html``) writes, for
each file coded at the node, a heading naming the file, how many references it holds and
how much of it they cover, then each reference with its share and the text coded::

    <Files\\Interviews\\P07> - § 2 references coded  [3.12% Coverage]

    Reference 1 - 1.84% Coverage

    She never talked to me like I was a file.

NVivo for Mac puts the count on a line of its own, NVivo 10 and 11 name ``Internals``,
and a passage two users coded reads ``References 1-2``; other languages translate the
words, which are therefore not read, only the shape. The node is named by a ``Name:``
line before the first heading, where the export has one, else by the file's name (NVivo
names the file after the node). Teams share these exports where the project is out of
reach; each reference codes its file's interview at its text, placed in the order NVivo
lists them (a phrase said twice is coded at the place after the reference before).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tr_nlp.codebook import code_finder, code_leaf
from tr_nlp.errors import CodingsError, some
from tr_nlp.ingest.codings import known_ids
from tr_nlp.ingest.quotes import QuoteFinders
from tr_nlp.schema import Codebook, Coding, Interview

#: Formats (readers) NVivo exports a node to, or a team saves one as.
NODE_EXPORT_FORMATS = frozenset({"text", "markdown", "docx", "doc", "rtf", "odt", "pdf", "html", "mht"})
#: How many places a message names.
SHOWN = 5

_S = r"[^\S\n]"  # a space within a line: every pattern matches within one line, in one pass over long runs
_WORD = r"[^\W\d_]+"
_SHARE = rf"\d+(?:[.,]\d+)?{_S}*%"
#: ``§ 2 references coded  [3.12% Coverage]`` (``2 references coded [...]`` on a line of its own on a Mac)
_COUNT = rf"§?{_S}*\d+{_S}+{_WORD}(?:{_S}+{_WORD})?{_S}*\[{_S}*{_SHARE}{_S}*{_WORD}{_S}*\]"
_COUNT_LINE = re.compile(rf"{_S}*{_COUNT}{_S}*")
_SOURCE = re.compile(rf"{_S}*<(?P<name>[^<>\n]+)>{_S}*(?:-{_S}*(?P<count>{_COUNT}))?{_S}*")
#: ``Reference 1 - 1.84% Coverage``, ``References 1-2 - 1.88% Coverage``, ``Referenz 1 - 1,84% Abdeckung``
_REFERENCE = re.compile(rf"{_S}*(?P<label>{_WORD}{_S}+\d+(?:{_S}*-{_S}*\d+)?){_S}+-{_S}+{_SHARE}{_S}*{_WORD}{_S}*")
_ANY_REFERENCE = re.compile(rf"^{_REFERENCE.pattern}$", re.MULTILINE)
# the name from its first to its last visible character (a lazy name before trailing space tried
# the space at each step: quadratic in a long run of spaces inside the name)
_NAME = re.compile(rf"{_S}*(?:Name|Node|Code){_S}*:{_S}*(?P<node>\S(?:.*\S)?){_S}*")


@dataclass(frozen=True)
class NodeReference:
    """One reference of a node export: the file it is in (its name, less NVivo's folders),
    the text coded, and its label (``Reference 2``, for messages)."""

    source: str
    text: str
    label: str


@dataclass(frozen=True)
class NodeExport:
    """A node's references as NVivo exported them; ``node`` is the ``Name:`` line's, or
    empty when the export has none (the file's name then names it)."""

    node: str
    references: tuple[NodeReference, ...]

    @property
    def files(self) -> set[str]:
        """The files its references are in."""
        return {r.source for r in self.references}

    def describe(self, name: str) -> str:
        """What the export holds, for messages: ``the 30 references of node 'Beyond routine'
        in 12 files``; ``name`` stands in for a node the export does not name."""
        return f"the {len(self.references)} reference(s) of node '{self.node or name}' in {len(self.files)} file(s)"


def node_export(text: str) -> NodeExport | None:
    """The references in ``text``, when it is an NVivo node export; else None.

    >>> export = node_export("Name: Nodes\\\\Care\\n<Files\\\\P07> - § 1 reference coded  [2.5% Coverage]\\n\\n"
    ...                      "Reference 1 - 2.5% Coverage\\n\\nShe rang me.\\nOn her day off.\\n")
    >>> export.node, export.references[0]
    ('Nodes\\\\Care', NodeReference(source='P07', text='She rang me.\\nOn her day off.', label='Reference 1'))
    >>> node_export("I: Reference 1 - that was it.\\nP: Yes.") is None
    True
    """
    if _ANY_REFERENCE.search(text) is None:  # every transcript read passes here: one search to rule most out
        return None
    lines = text.split("\n")
    node, source = "", ""
    references: list[NodeReference] = []
    current: tuple[str, list[str]] | None = None  # label, text lines of the reference being read

    def close() -> None:
        if current is not None:
            references.append(NodeReference(source, "\n".join(current[1]).strip(), current[0]))

    skip = -1  # a Mac export's count line after its heading
    for number, line in enumerate(lines):
        if number == skip:
            continue
        heading = _heading(lines, number)
        reference = _REFERENCE.fullmatch(line) if source else None
        if heading is not None:
            close()
            current, (source, skip) = None, heading
        elif reference is not None:
            close()
            current = (" ".join(reference["label"].split()), [])
        elif current is not None:
            current[1].append(line)
        elif not source and not node and (named := _NAME.fullmatch(line)):
            node = named["node"]
    close()
    return NodeExport(node, tuple(references)) if references else None


def _heading(lines: list[str], number: int) -> tuple[str, int] | None:
    """The file a source heading on line ``number`` names (less its folders) and the line of
    its count to pass over (-1 when the heading holds it), or None for no heading."""
    found = _SOURCE.fullmatch(lines[number])
    if found is None:
        return None
    if found["count"] is None:  # NVivo for Mac: the count on the next line
        following = next((n for n in range(number + 1, len(lines)) if lines[n].strip()), None)
        if following is None or not _COUNT_LINE.fullmatch(lines[following]):
            return None
        return _leaf(found["name"]), following
    return _leaf(found["name"]), -1


def _leaf(path: str) -> str:
    r"""A file's name less NVivo's folders (``Files\Interviews\P07``: ``P07``)."""
    parts = [part.strip() for part in re.split(r"[\\/]", path) if part.strip()]
    return parts[-1] if parts else ""


def exports_note(read: Sequence[tuple[NodeExport, str, str]]) -> str:
    """One line on the node exports read, each with its code and coder.

    >>> export = NodeExport("Care", (NodeReference("P07", "She rang.", "Reference 1"),))
    >>> print(exports_note([(export, "care", "human"), (export, "warmth", "human")]))
    2 NVivo node export(s) read as codings: 2 reference(s) of 2 code(s) in 1 file(s), coder 'human' (2 export(s));
    an export joins every user's coding of its node: to keep coders apart, export each one's nodes into a folder
    of their own and pass the folder above them
    """
    coders = Counter(coder for _, _, coder in read)
    files = set().union(*(export.files for export, _, _ in read))
    whose = ", ".join(f"{coder!r} ({n} export(s))" for coder, n in sorted(coders.items()))
    line = (f"{len(read)} NVivo node export(s) read as codings: {sum(len(e.references) for e, _, _ in read)} "
            f"reference(s) of {len({code for _, code, _ in read})} code(s) in {len(files)} file(s), "
            f"coder{'s' if len(coders) > 1 else ''} {whose}")
    if len(coders) == 1:
        line += ("; an export joins every user's coding of its node: to keep coders apart, export each one's nodes "
                 "into a folder of their own and pass the folder above them")
    return line


def node_code(export: NodeExport, path: str | Path, codebook: Codebook | None) -> str:
    """The code of ``export``'s node (named by the export, else by its file ``path``): the
    codebook's code it names (in any case or spacing, or by the last name of its path in the
    code tree), or without a codebook its last name.

    >>> from tr_nlp.schema import Code
    >>> node_code(NodeExport("Nodes\\\\Care\\\\Beyond routine", ()), "x.docx", Codebook((Code("beyond_routine"),)))
    'beyond_routine'
    >>> node_code(NodeExport("", ()), "exports/Beyond routine.docx", None)
    'Beyond routine'
    """
    node = export.node or Path(path).stem
    if codebook is None:
        return code_leaf(node)
    found = code_finder(codebook)(node)
    if found is None:
        raise CodingsError("E159", path, node=node, detail=(
            "it names no code of the codebook (in any case or spacing, or by the last name of its path); add it to "
            "the codebook, or leave this export out"))
    return found


def node_codings(export: NodeExport, path: str | Path, interviews: Mapping[str, Interview],
                 codebook: Codebook | None, coder: str) -> tuple[list[Coding], list[str]]:
    """The codings of a node export: each reference codes its file's interview at its text.

    Parameters
    ----------
    export : NodeExport
        The export (:func:`node_export`).
    path : str or Path
        The export's file: its name names a node the export does not name; errors name it.
    interviews : mapping of id to Interview
        The corpus; a file named another way (``P07.docx``, ``p07``) is matched to its
        interview, and references of files not in it are skipped, with a warning.
    codebook : Codebook, optional
        The node must name one of its codes (in any case or spacing, or by its last name in
        the code tree); without one the node's last name is the code.
    coder : str
        Whose coding it is (NVivo's export does not say: it joins every user's).

    Returns
    -------
    codings, warnings

    Raises
    ------
    CodingsError
        E159 when the node names no code of the codebook, or a reference's text is not in
        its interview (the transcript changed since it was coded).
    """
    path = Path(path)
    node, code = export.node or path.stem, node_code(export, path, codebook)
    warnings = []
    sources = [r.source for r in export.references]
    ids, renamed = known_ids(pd.Series(sources, dtype=str), interviews)
    if renamed:
        warnings.append(f"{len(renamed)} reference(s) name their file another way (e.g. '{renamed[0]}'); matched to "
                        "the interview of that name")
    codings: list[Coding] = []
    finders = QuoteFinders()
    after: dict[str, int] = {}  # where the reference before in each interview starts
    unknown: Counter[str] = Counter()
    empty = 0
    missing: list[NodeReference] = []
    for reference, iid in zip(export.references, ids, strict=True):
        interview = interviews.get(iid)
        if interview is None:
            unknown[iid] += 1
            continue
        if not reference.text:  # a region of a picture or a page: no text to place
            empty += 1
            continue
        spans = finders.of(interview).spans(reference.text)
        if not spans:
            missing.append(reference)
            continue
        start, end = next((span for span in spans if span[0] >= after.get(iid, 0)), spans[0])
        after[iid] = start
        codings.append(Coding(iid, start, end, code, coder))
    if missing:
        first = missing[0]
        more = f"; nor are the texts of {len(missing) - 1} more reference(s)" if len(missing) > 1 else ""
        raise CodingsError("E159", path, node=node, detail=(
            f"{first.label} of '{first.source}': its text {first.text[:60]!r} is not in that "
            f"interview{more}; was the transcript changed after it was coded in NVivo? Read the transcripts NVivo "
            "holds: export the project as REFI-QDA (.qdpx) and read that, or tr-nlp import it"))
    if empty:
        warnings.append(f"{empty} reference(s) hold no text (a region of a picture or a page) and were left out")
    if unknown:
        named = some([f"'{iid}' ({n})" for iid, n in sorted(unknown.items())], SHOWN)
        warnings.append(f"{sum(unknown.values())} reference(s) of {len(unknown)} file(s) not in the corpus were "
                        f"skipped: {named}")
    return codings, warnings
