"""``tr-nlp import`` and ``tr-nlp export``: REFI-QDA projects in and out.

Reading a model card, a run's tables and candidate codes (modules that load scikit-learn)
waits until an export is given them, so that ``import``, a plain ``export`` and
``tr-nlp --help`` start quickly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from tr_nlp.cli import common as c
from tr_nlp.codebook_table import write_codebook_table
from tr_nlp.errors import ConfigError, InputError, OutputError, counted
from tr_nlp.export import check_file_path
from tr_nlp.export.annotate import write_word, write_word_folder
from tr_nlp.export.augment import add_to_project
from tr_nlp.export.folder import write_corpus_folder, write_word_config
from tr_nlp.export.qdpx import (
    CANDIDATE_PARENT_CODE,
    MachineLayer,
    candidate_codes,
    candidates_layer,
    codebook_of,
    model_user,
    next_layer,
    reviewed_layers,
    suggestions_layer,
    write_qdpx,
)
from tr_nlp.ingest import Corpus
from tr_nlp.ingest.combine import Gathered
from tr_nlp.ingest.qdpx import read_project, read_qdpx
from tr_nlp.ingest.table import load_frame
from tr_nlp.privacy import Pseudonymiser, pseudonymise_corpus
from tr_nlp.refi.codes import write_qdc
from tr_nlp.refi.vocab import local, numbered
from tr_nlp.schema import MACHINE_CODER_PREFIX, Code, Codebook


@c.handle_errors
def import_cmd(
    projects: Annotated[list[Path], typer.Argument(help="A .qdpx file, a .qde file, or a folder with one .qde and its sources/; several (each coder's copy of one project) are read as one, each shared transcript (the same text, under any name) once with the codings of all.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for interviews/, codings.csv, codebook.yaml, corpus.yaml (and reviewed.csv, machine_codings.csv when the project has them).")],
    speaker_role: c.SpeakerRole = None,
    encoding: c.Encoding = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files.")] = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Read a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder), or coders' copies of one, into a tr_nlp corpus folder."""
    c.corpus_output(output, "the imported corpus", force)
    options = c.read_options(speaker_roles=speaker_role, encoding=encoding)
    gathered = Gathered()
    for project in projects:
        read = read_qdpx(project, options)
        merged = gathered.add(str(project), read)[1]
        if not quiet:
            for warning in read.warnings + merged:
                c.warn(f"{project}: {warning}")
    result = gathered.finish()
    for note in gathered.merge_notes() if not quiet else ():
        c.warn(note)
    written = write_corpus_folder(output, result.interviews, result.codings, result.codebook,
                                  name=projects[0].stem if len(projects) == 1 else output.name,
                                  machine_codings=result.machine_codings, reviewed=result.reviewed)
    per_coder = counted(Counter(coding.coder for coding in result.codings)) or "none"
    codes = len(result.codebook) if result.codebook else 0
    read = f", {len(result.reviewed)} passages marked read for coding" if result.reviewed else ""
    c.out.print(f"{len(result.interviews)} interviews, {codes} codes, {len(result.codings)} codings ({per_coder}){read}",
                highlight=False)
    for name, path in written.items():
        c.out.print(f"{name}: {path}", highlight=False)


@c.handle_errors
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="A .qdpx project; a .qdc or .xlsx for the codebook alone; or Word documents, codings and suggestions as comments: a .docx (one interview) or a folder (a name without extension) of one per interview.")],
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    suggestions: Annotated[Path | None, typer.Option("--suggestions", help="Suggestions table from 'tr-nlp code' (CSV/Parquet).")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="The model that made the suggestions (names their REFI user).")] = None,
    candidates: Annotated[Path | None, typer.Option("--candidates", help="candidates.yaml from 'tr-nlp discover' (topics.parquet beside it is used too).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Project name shown in the QDA software.")] = None,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    pseudonymise: c.PseudonymiseOpt = False,
    names: c.NamesOpt = None,
    mapping: c.MappingOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="With a .qdpx corpus: write a new project of what tr_nlp reads, instead of the project itself with the machine's work added.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write Word documents into a folder that already holds files.")] = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Write a REFI-QDA project (or Word documents): transcripts, codebook, each coder's codings, machine suggestions, candidate codes."""
    corpus = c.transcripts(paths, corpus)
    suffix = output_kind(output, force, (".qdpx", ".qdc", ".xlsx", ".docx"))
    user = _model_user(model, suggestions) if suggestions is not None else None  # a bad card fails before any work
    one = corpus[0] if len(corpus) == 1 else None
    if (suffix == ".qdpx" and one is not None and one.suffix.lower() == ".qdpx" and one.is_file()
            and not (rebuild or codings or codebook or speaker_role or pseudonymise)):
        _add_to_project(one, output, suggestions, user, candidates, name, quiet)
        return
    loaded = c.load_and_report(corpus, c.read_options(preset, speaker_roles=speaker_role), None, codings,
                               codebook, quiet, output=output)
    check_whole(loaded)
    if suffix in (".qdc", ".xlsx"):
        if pseudonymise:  # a codebook's examples can quote participants
            p = c.pseudonymiser(names, mapping)
            loaded = _pseudonymised(p, loaded, None, [], None)[0]
            c.save_mapping(p, mapping, quiet)
        book = loaded.codebook or codebook_of(loaded.codings)
        if candidates is not None:  # for a team to discuss beside its codes
            book = _with_candidates(book, candidates, in_tree=suffix == ".qdc")
        write = write_qdc if suffix == ".qdc" else write_codebook_table
        c.out.print(f"codebook: {write(book, output)}", highlight=False)
        return
    frame, entries, topics = _machine_tables(loaded.by_id(), suggestions, candidates, quiet)
    if pseudonymise:
        p = c.pseudonymiser(names, mapping)
        loaded, frame, entries, topics = _pseudonymised(p, loaded, frame, entries, topics)
        c.save_mapping(p, mapping, quiet)
    layers, found = _layers(frame, user, entries if candidates is not None else None, topics)
    if suffix in (".docx", ""):
        layers += reviewed_layers(loaded.reviewed)  # read back from the comments, as from a project
        how = _word(output, loaded, layers, originals=not pseudonymise)
        c.out.print(f"{len(loaded.interviews)} interviews, {len(loaded.codings)} human codings"
                    + _machine_summary(layers) + " " + _written_as(how)[1] + _copies(how), highlight=False)
        c.out.print(f"{'ELAN' if all_elan(how) else 'Word'}: {output}", highlight=False)
        return
    layers += reviewed_layers(loaded.reviewed)  # which passages of interviews coded in part were read
    path = _new_project(output, loaded, layers, found, name)
    c.out.print(f"{len(loaded.interviews)} interviews, {len(loaded.codings)} human codings" + _machine_summary(layers)
                + (f", {len(found)} candidate codes" if found else ""), highlight=False)
    c.out.print(f"project: {path}", highlight=False)


def _with_candidates(book: Codebook, path: Path, in_tree: bool) -> Codebook:
    """``book`` with the candidate codes of ``candidates.yaml`` after its codes, each with its
    evidence in its description: ``in_tree`` (a ``.qdc``), under their parent code, as a
    project holds them; else (a spreadsheet, whose ``Status`` says which are candidates)
    under none, as that parent's name is none a spreadsheet's codebook allows."""
    from tr_nlp.topics.candidates import read_candidates

    found = candidate_codes(read_candidates(path))
    if in_tree:
        return replace(book, codes=(*book.codes, CANDIDATE_PARENT_CODE, *found))
    return replace(book, codes=(*book.codes, *(replace(code, parent=None) for code in found)))


def output_kind(output: Path, force: bool, suffixes: tuple[str, ...]) -> str:
    """The kind of output a command writes, from its extension: one of ``suffixes``, or
    ``""`` for a folder of Word documents (empty unless ``force``); checked before any work."""
    suffix = output.suffix.lower()
    if suffix == "":
        c.corpus_output(output, "Word documents", force)
        return suffix
    if suffix not in suffixes:
        raise OutputError("E171", output, suffix=output.suffix,
                          expected=f"{', '.join(suffixes)}, or a folder (a name without extension)")
    return check_file_path(output, (suffix,)).suffix.lower()


def _word(output: Path, loaded: Corpus, layers: list[MachineLayer], originals: bool,
          codebook: Codebook | None = None) -> dict[str, str]:
    """Write the corpus as Word documents (see :mod:`tr_nlp.export.annotate`): one
    ``.docx``, or a folder of them with the corpus's codebook (else ``codebook``, a
    model's) beside them (:func:`~tr_nlp.export.folder.write_word_config`); how each
    interview was written."""
    if output.suffix == "":
        how = write_word_folder(output, loaded.interviews, loaded.codings, layers, originals)
        book, why = write_word_config(output, loaded.codebook or codebook)
        if book is not None:
            c.out.print(f"codebook: {book} (read with the documents)", highlight=False)
        if why is not None:
            c.warn(why)
        return how
    one_document(output, loaded)
    interview = loaded.interviews[0]
    return {interview.id: write_word(output, interview, loaded.codings, layers, originals)}


def one_document(output: Path, loaded: Corpus) -> None:
    """Refuse a ``.docx`` ``output`` for a corpus of other than one interview (E163): a
    folder holds a document each. Commands that work before they write call it first."""
    if output.suffix.lower() == ".docx" and len(loaded.interviews) != 1:
        raise ConfigError("E163", detail=f"a .docx holds one interview, and the corpus has {len(loaded.interviews)}; "
                                         f"give a folder (-o {output.with_suffix('')}) for one document each")


def _copies(how: dict[str, str]) -> str:
    """``; N in a copy of their own .docx, the rest written afresh`` for Word documents
    written as :func:`_word` says (nothing when none is a copy).

    >>> _copies({"a": "own document", "b": "written"}), _copies({"a": "written"})
    ('; 1 in a copy of their own .docx, the rest written afresh', '')
    >>> _copies({"a": "own document"}), _copies({"a": "own document", "b": "own document"})
    ('; in a copy of its own .docx', '; all 2 in a copy of their own .docx')
    >>> _copies({"a": "own document", "b": "own ELAN file", "c": "written"})
    '; 2 in a copy of their own .docx or .eaf, the rest written afresh'
    """
    kinds = [kind for kind, way in ((".docx", "own document"), (".eaf", "own ELAN file")) if way in how.values()]
    own, kind = sum(way.startswith("own ") for way in how.values()), " or ".join(kinds)
    if own and own == len(how):
        return f"; in a copy of its own {kind}" if own == 1 else f"; all {own} in a copy of their own {kind}"
    return f"; {own} in a copy of their own {kind}, the rest written afresh" if own else ""


def _new_project(output: Path, loaded: Corpus, layers: list[MachineLayer], candidates: list[Code] | None = None,
                 name: str | None = None) -> Path:
    """Write a new project of ``loaded`` with machine ``layers`` (and candidate codes),
    named ``name``, else its codebook's name."""
    book_name = loaded.codebook.name if loaded.codebook else ""
    return write_qdpx(output, loaded.interviews, loaded.codebook, codings=loaded.codings, layers=layers,
                      candidates=candidates or (), name=name or book_name or "tr_nlp project")


def _machine_summary(layers: list[MachineLayer]) -> str:
    """``, machine layers (USER: N, ...)`` for the layers that exist, for a summary line."""
    machine = ", ".join(f"{layer.user}: {len(layer.codings)}" for layer in layers)
    return f", machine layers ({machine})" if machine else ""


def check_whole(loaded: Corpus) -> None:
    """Refuse to write a project of a corpus some of whose files could not be read."""
    if loaded.failures:
        raise ConfigError("E163", detail=f"{len(loaded.failures)} input file(s) could not be read (see above); "
                                         "a project needs every interview, so nothing was written")


def next_project(corpus: list[Path], loaded: Corpus, ranked: pd.DataFrame, output: Path, rebuild: bool) -> str:
    """Write the passages ``tr-nlp next`` ranked into a project as markings (see
    :func:`~tr_nlp.export.qdpx.next_layer`); what was done, in words.

    From one ``.qdpx`` (and not ``rebuild``): that project as it is, with the markings
    added, and those of passages the ``--reviewed`` lists name that it does not mark
    yet. Otherwise a new project of ``loaded``, every passage read marked.
    """
    layer = next_layer(ranked, datetime.now())
    one = corpus[0] if len(corpus) == 1 else None
    if not rebuild and one is not None and one.suffix.lower() == ".qdpx" and one.is_file():
        project = read_project(one)
        earlier = set(loaded.reviewed) - set(project.result.reviewed)
        # a layer under a name the project has would replace that user's markings
        taken = {(e.get("name") or "").strip() for e in project.root.iter() if local(e.tag) == "User"}
        layers = [replace(x, user=numbered(x.user, taken)) for x in [*reviewed_layers(earlier), layer]]
        add_to_project(project, output, layers)
        return f"{one} as it is, with {len(ranked)} passages to code marked by '{layers[-1].user}'"
    check_whole(loaded)
    _new_project(output, loaded, [*reviewed_layers(loaded.reviewed), layer])
    return (f"{len(loaded.interviews)} interviews, {len(loaded.codings)} codings, {len(ranked)} passages to code "
            f"marked by '{layer.user}'" + (f", {len(set(loaded.reviewed))} read before" if loaded.reviewed else ""))


def next_word(loaded: Corpus, ranked: pd.DataFrame, output: Path,
              codebook: Codebook | None = None) -> tuple[str, dict[str, str]]:
    """Write the passages ``tr-nlp next`` ranked as comments in Word copies of ``loaded``
    (:func:`~tr_nlp.export.qdpx.next_layer`; on tiers in copies of its ELAN files), beside
    its codings and the passages read before (which the readers read back as read), and
    ``codebook`` (the model's) when the corpus has none; what was done, in words, and how
    each interview was written (:func:`_word`)."""
    check_whole(loaded)
    layer = next_layer(ranked, datetime.now())
    how = _word(output, loaded, [*reviewed_layers(loaded.reviewed), layer], originals=True, codebook=codebook)
    return (f"{len(how)} interviews, {len(loaded.codings)} codings, {len(ranked)} passages to code marked by "
            f"'{layer.user}'" + (f", {len(set(loaded.reviewed))} read before" if loaded.reviewed else "")), how


def suggestions_out(corpus: list[Path], loaded: Corpus, frame: pd.DataFrame, card: dict[str, Any],
                    output: Path) -> tuple[str, dict[str, str]]:
    """Write the suggestions ``tr-nlp code`` made (those above threshold) where a team codes,
    as ``export --suggestions`` does; what was done, in words, and how each interview was
    written as a document (:func:`_word`; none for a project).

    A ``.qdpx``: from one ``.qdpx`` corpus, that project as it is with the suggestions
    added (this model's earlier ones replaced), else a new project of ``loaded``. Word (a
    ``.docx`` or a folder): each interview as a Word document, a copy of its own ``.docx``
    where it was read from one (see :func:`_word`), the suggestions as comments, the
    model's codebook beside a folder of them when the corpus has none.
    """
    layer = suggestions_layer(frame, model_user(card))
    said = f"{len(layer.codings)} suggestions by '{layer.user}'"
    one = corpus[0] if len(corpus) == 1 else None
    project = output.suffix.lower() == ".qdpx"
    if project and one is not None and one.suffix.lower() == ".qdpx" and one.is_file():
        added = add_to_project(read_project(one), output, [layer])
        replaced = added.replaced.get(layer.user)
        return f"{one} as it is, with {said}" + (f" (replacing {replaced})" if replaced else ""), {}
    check_whole(loaded)
    layers = [*reviewed_layers(loaded.reviewed), layer]
    if project:
        _new_project(output, loaded, layers)
        return f"{len(loaded.interviews)} interviews, {len(loaded.codings)} codings, {said}", {}
    from tr_nlp.coding.store import card_codebook

    how = _word(output, loaded, layers, originals=True, codebook=card_codebook(card))
    noun, where = _written_as(how)
    return f"{len(how)} {noun}, {len(loaded.codings)} codings and {said} {where}" + _copies(how), how


def _written_as(how: dict[str, str]) -> tuple[str, str]:
    """What :func:`_word` wrote, and where the codings went in them, in words.

    >>> _written_as({"a": "own ELAN file"}), _written_as({"a": "own ELAN file", "b": "written"})
    (('ELAN file(s)', 'on tiers'), ('document(s)', 'as comments and on tiers'))
    >>> _written_as({"a": "own document", "b": "written"})
    ('Word document(s)', 'as comments')
    """
    if all_elan(how):
        return "ELAN file(s)", "on tiers"
    return ("document(s)", "as comments and on tiers") if "own ELAN file" in how.values() else (
        "Word document(s)", "as comments")


def all_elan(how: dict[str, str]) -> bool:
    """Whether every interview :func:`_word` wrote is a copy of its own ELAN file.

    >>> all_elan({"a": "own ELAN file"}), all_elan({"a": "own ELAN file", "b": "written"}), all_elan({})
    (True, False, False)
    """
    return bool(how) and set(how.values()) == {"own ELAN file"}


def _add_to_project(path: Path, output: Path, suggestions: Path | None, user: str | None,
                    candidates: Path | None, name: str | None, quiet: bool) -> None:
    """``export`` from one ``.qdpx``: the project as it is, with the machine's work added."""
    project = read_project(path)
    if not quiet:
        for warning in project.result.warnings:
            c.warn(f"{path}: {warning}")
    known = {iv.id: iv for iv in project.result.interviews}
    frame, entries, topics = _machine_tables(known, suggestions, candidates, quiet)
    layers, found = _layers(frame, user, entries if candidates is not None else None, topics)
    added = add_to_project(project, output, layers, found, name)
    work = ", ".join(f"{who}: {n}" + (f" (replacing {added.replaced[who]})" if who in added.replaced else "")
                     for who, n in added.codings.items())
    c.out.print(f"kept everything in {path} ({len(known)} interviews, {len(project.result.codings)} codings)"
                + (f"; added machine layers ({work})" if work else "; added nothing")
                + (f", {len(added.codes)} new codes" if added.codes else ""), highlight=False)
    c.out.print(f"project: {output}", highlight=False)


def _machine_tables(known: dict[str, Any], suggestions: Path | None, candidates: Path | None, quiet: bool,
                    ) -> tuple[pd.DataFrame | None, list[dict[str, Any]], pd.DataFrame | None]:
    """The suggestions table, the candidate entries and ``topics.parquet`` beside them, each
    row checked against the interviews ``known``."""
    frame = (_known_rows(load_frame(suggestions)[0], known, suggestions, quiet, SUGGESTION_COLUMNS)
             if suggestions is not None else None)
    if candidates is None:
        return frame, [], None
    from tr_nlp.report.rundata import read_run_table
    from tr_nlp.topics.candidates import read_candidates

    entries = read_candidates(candidates)
    topics_path = candidates.parent / "topics.parquet"
    topics = (_known_rows(read_run_table(topics_path), known, topics_path, quiet, TOPIC_COLUMNS)
              if topics_path.is_file() else None)
    return frame, entries, topics


def _layers(frame: pd.DataFrame | None, user: str | None, entries: list[dict[str, Any]] | None,
            topics: pd.DataFrame | None) -> tuple[list[MachineLayer], list[Code]]:
    """Machine layers (suggestions above threshold; candidate passages) and candidate codes;
    ``entries`` is None without ``--candidates``."""
    layers: list[MachineLayer] = []
    if frame is not None and user is not None:
        layers.append(suggestions_layer(frame, user))
    if entries is None:
        return layers, []
    return [*layers, candidates_layer(topics, entries)], candidate_codes(entries)


def _pseudonymised(p: Pseudonymiser, corpus: Corpus, suggestions: pd.DataFrame | None,
                   entries: list[dict[str, Any]], topics: pd.DataFrame | None,
                   ) -> tuple[Corpus, pd.DataFrame | None, list[dict[str, Any]], pd.DataFrame | None]:
    """The corpus and every table of spans over it, pseudonymised consistently."""
    corpus, moved = pseudonymise_corpus(corpus, p)
    return (corpus, moved.frame(suggestions) if suggestions is not None else None,
            [moved.candidate(e) for e in entries], moved.frame(topics) if topics is not None else None)


#: Columns export reads from a suggestions table (``tr-nlp code``) and from ``topics.parquet`` (``tr-nlp discover``).
SUGGESTION_COLUMNS = ("interview_id", "start", "end", "code", "probability", "above_threshold")
TOPIC_COLUMNS = ("interview_id", "start", "end", "candidate", "similarity")


def _known_rows(frame: pd.DataFrame, known: dict[str, Any], path: Path, quiet: bool,
                columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows whose interview is in the corpus and whose span fits its text; the rest dropped with a warning.

    A table without ``columns``, or with a cell that is not the number it should be
    (:func:`~tr_nlp.report.rundata.number_column`), is refused naming the file.
    """
    from tr_nlp.report.rundata import number_column

    for column in columns:
        if column not in frame.columns:
            raise InputError("E130", path, column=column, available=", ".join(map(str, frame.columns)),
                             fix="Pass the table written by tr-nlp code or tr-nlp discover")
    numbers = {column: number_column(frame[column], path, whole=column in ("start", "end"))
               for column in ("start", "end", "probability", "similarity") if column in columns}
    ids = frame["interview_id"].astype(str)
    starts, ends = numbers["start"], numbers["end"]
    fits = [iid in known and 0 <= s < e <= len(known[iid].text) for iid, s, e in zip(ids, starts, ends)]
    dropped = len(frame) - sum(fits)
    if dropped and not quiet:
        c.warn(f"{path}: {dropped} row(s) name an interview not in the corpus or a span outside its text; left out")
    kept = frame[fits].copy()
    for column, values in numbers.items():
        kept[column] = values[fits]
    return kept


def _model_user(model: Path | None, suggestions: Path) -> str:
    if model is None:
        return f"{MACHINE_CODER_PREFIX}suggestions ({suggestions.name})"
    from tr_nlp.coding.store import read_card

    return model_user({"name": model.name, **read_card(model)})

