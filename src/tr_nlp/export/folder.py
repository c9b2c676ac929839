"""Write a corpus as a tr_nlp folder: interview files, a codings table, a codebook, a config.

This is what ``tr-nlp import`` writes from a REFI-QDA project, so that a team can keep
working with plain files. Reading the folder back (``load_corpus([folder])``) gives the
same interviews, codings and codebook::

    DIR/corpus.yaml          names the parts below
    DIR/interviews/*.txt     one file per interview; YAML front matter holds its id,
                             metadata, speaker roles, and the times in the recording
                             and line numbers its text does not show
    DIR/codings.csv          interview_id,start,end,code,coder,line,line_end,text
    DIR/codebook.yaml
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from tr_nlp.codebook import dump_codebook, load_yaml
from tr_nlp.errors import TrNlpError
from tr_nlp.export.tables import write_table, write_text
from tr_nlp.ingest.codings import codings_frame_with_text
from tr_nlp.schema import Codebook, Coding, Interview, Reviewed

_UNSAFE = re.compile(r"[^\w.\-]+")
#: Names Windows keeps for devices, whatever follows them after a dot: a file "Con.csv" is the console
_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(?=\.|$)", re.IGNORECASE)


def interview_header(interview: Interview, metadata: Mapping[str, Any] | None = None,
                     marks: bool = False) -> dict[str, Any]:
    """What a file tr_nlp writes of ``interview`` says of it besides its text, as its readers
    read it back (YAML front matter, a document's comments property): its id first, then
    ``metadata`` (by default its own), its speakers' roles; with ``marks``, the times in the
    recording (``times``: its :attr:`~tr_nlp.schema.Interview.timeline`) and line numbers
    (``lines``) its text does not show, as ``[offset, value]`` pairs.

    >>> from tr_nlp.schema import Turn
    >>> iv = Interview("p1", "P: Yes.", (Turn("P", "participant", 3, 7, 5.0),), {"site": "Leeds"}, lines=((0, 12),))
    >>> interview_header(iv, marks=True)
    {'interview_id': 'p1', 'site': 'Leeds', 'speakers': {'P': 'participant'}, 'times': [[3, 5.0]], 'lines': [[0, 12]]}
    """
    header: dict[str, Any] = {"interview_id": interview.id,
                              **{str(k): v for k, v in dict(interview.metadata if metadata is None else metadata).items()}}
    if interview.speakers:
        header["speakers"] = dict(interview.speakers)
    if marks and interview.timeline:
        header["times"] = [[offset, seconds] for offset, seconds in interview.timeline]
    if marks and interview.lines:
        header["lines"] = [[offset, number] for offset, number in interview.lines]
    return header


def interview_file_text(interview: Interview) -> str:
    """An interview as a ``.txt`` transcript whose front matter (:func:`interview_header`)
    keeps its id, metadata, roles, and the times and line numbers its text does not show."""
    front = yaml.safe_dump(interview_header(interview, marks=True), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{interview.text}\n"


def safe_stem(interview_id: str) -> str:
    """An interview id made safe as a file name stem (letters, digits, ``_ . -``; not a
    name Windows keeps for a device, such as ``Con`` or ``aux.old``).

    >>> safe_stem("site A/P07"), safe_stem("Con"), safe_stem("aux.old"), safe_stem("Connor")
    ('site_A_P07', 'Con_', 'aux_.old', 'Connor')
    """
    stem = _UNSAFE.sub("_", interview_id).strip("._")[:80] or "interview"
    return _DEVICE.sub(lambda device: device[0] + "_", stem, count=1) if _DEVICE.match(stem) else stem


def file_names(ids: Sequence[str]) -> list[str]:
    """Safe, unique ``.txt`` file names for interview ids."""
    names: list[str] = []
    taken: set[str] = set()
    for interview_id in ids:
        stem = safe_stem(interview_id)
        name, n = f"{stem}.txt", 2
        while name.casefold() in taken:
            name, n = f"{stem}_{n}.txt", n + 1
        taken.add(name.casefold())
        names.append(name)
    return names


def write_corpus_folder(
    folder: str | Path,
    interviews: Sequence[Interview],
    codings: Sequence[Coding],
    codebook: Codebook | None,
    name: str = "",
    machine_codings: Sequence[Coding] = (),
    reviewed: Sequence[Reviewed] = (),
) -> dict[str, Path]:
    """Write ``interviews``, ``codings`` and ``codebook`` as a tr_nlp corpus folder.

    ``machine_codings`` (a model's suggestions kept in a project) go into
    ``machine_codings.csv``, which ``corpus.yaml`` does not name: they are kept, and never
    read as human codings. ``reviewed`` passages (of interviews coded in part) go into
    ``reviewed.csv``, which ``corpus.yaml`` names.

    Returns
    -------
    dict
        What was written: ``corpus``, ``interviews`` (the folder), ``codings``, ``codebook``,
        ``machine codings``, ``reviewed``.
    """
    folder = Path(folder)
    written: dict[str, Path] = {}
    for interview, file_name in zip(interviews, file_names([iv.id for iv in interviews])):
        write_text(interview_file_text(interview), folder / "interviews" / file_name)
    written["interviews"] = folder / "interviews"
    config: dict[str, object] = {"name": name or (codebook.name if codebook else "") or folder.name,
                                 "interviews": ["interviews/"]}
    by_id = {iv.id: iv for iv in interviews}
    if codings:
        written["codings"] = write_table(codings_frame_with_text(list(codings), by_id), folder / "codings.csv")
        config["codings"] = "codings.csv"
    if reviewed:
        frame = pd.DataFrame([(r.interview_id, r.start, r.end, r.coder or "", by_id[r.interview_id].text[r.start:r.end])
                              for r in reviewed], columns=["interview_id", "start", "end", "coder", "text"])
        written["reviewed"] = write_table(frame, folder / "reviewed.csv")
        config["reviewed"] = "reviewed.csv"
    if machine_codings:
        written["machine codings"] = write_table(codings_frame_with_text(list(machine_codings), by_id),
                                                 folder / "machine_codings.csv")
    if codebook is not None and len(codebook):
        written["codebook"] = write_text(dump_codebook(codebook), folder / "codebook.yaml")
        config["codebook"] = "codebook.yaml"
    written["corpus"] = write_text(
        "# Written by tr-nlp import; see tr_nlp.ingest.corpus for the format.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), folder / "corpus.yaml")
    return written


#: The first line of the ``corpus.yaml`` :func:`write_word_config` writes: a file that opens
#: with it is tr_nlp's own, rewritten when Word documents are written into its folder again.
WORD_CONFIG_MARK = "# Written by tr-nlp beside its Word documents"


def write_word_config(folder: str | Path, codebook: Codebook | None) -> tuple[Path | None, str | None]:
    """Write ``codebook`` beside the Word documents in ``folder`` (``codebook.yaml``), and a
    ``corpus.yaml`` naming it, so that reading the folder back reads the codebook too.

    Comments are all a Word document keeps of its codings, and code names are all a
    comment holds. Without the codebook, a folder reads back without its groups (a
    mutually exclusive group is then judged code by code, not as one variable), its
    descriptions and its hierarchy, and every short comment is taken for a code. The
    ``corpus.yaml`` names no interviews, so documents added to the folder later are read
    too. A folder holding a ``corpus.yaml`` or ``codebook.yaml`` tr_nlp did not write (a
    team's own, written into with ``--force``) is left as it is.

    Returns
    -------
    tuple
        The codebook written, or None; and, when none was written for a codebook that
        does not read back otherwise, why and what to do (for a warning).
    """
    folder = Path(folder)
    if codebook is None or not len(codebook):
        return None, None
    config, book = folder / "corpus.yaml", folder / "codebook.yaml"
    if config.is_file() and not _word_config(config):
        try:
            data = load_yaml(config)  # safely: a team's file, whatever it holds
        except TrNlpError:
            data = None
        if isinstance(data, dict) and data.get("codebook"):
            return None, None  # the team's corpus.yaml names its codebook
        return None, f"{config} is not tr_nlp's and names no codebook, {_NOT_WRITTEN}"
    if book.is_file() and not config.is_file():
        return None, f"{book} is not tr_nlp's, {_NOT_WRITTEN}"
    written = write_text(dump_codebook(codebook), book)
    write_text(f"{WORD_CONFIG_MARK}: reading this folder reads its codebook with them.\n"
               "# See tr_nlp.ingest.corpus for the format.\n"
               + yaml.safe_dump({"name": codebook.name or folder.name, "codebook": "codebook.yaml"},
                                sort_keys=False, allow_unicode=True), config)
    return written, None


_NOT_WRITTEN = ("so the codebook was not written beside the documents: read the documents back with --codebook, "
                "or its groups and descriptions are lost and every short comment is taken for a code")


def _word_config(path: Path) -> bool:
    """Whether ``path`` is a ``corpus.yaml`` :func:`write_word_config` wrote."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read(len(WORD_CONFIG_MARK)) == WORD_CONFIG_MARK
