"""Shared CLI options, consoles and error handling (see ../shared/CLI.md).

Data goes to files or stdout; messages, warnings and progress go to stderr.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich import table as rich_table
from rich.console import Console
from rich.markup import escape

from tr_nlp.errors import ConfigError, InputError, TrNlpError, said_of_files, some
from tr_nlp.export import TABLE_SUFFIXES, check_folder_path
from tr_nlp.hashing import near_copies, text_sketch
from tr_nlp.ingest import Corpus, ReadOptions, RoleMap, TableMapping, load_corpus
from tr_nlp.ingest.speakers import unmatched_roles_warnings
from tr_nlp.ingest.table import preset_name, table_roles
from tr_nlp.privacy import Pseudonymiser, read_names
from tr_nlp.schema import ROLES, Coding, Interview
from tr_nlp.segment import Segmenter

# piped or captured output gets wide tables instead of rich's 80-column default
_WIDTH = None if sys.stdout.isatty() else 200
# no console markup or emoji codes: what is printed holds the team's text, where "[inaudible]" or
# "P1 [female]" is no style and ":fire:" no emoji (only error and warning's coloured word is markup:
# error_line, warn)
out = Console(soft_wrap=True, width=_WIDTH, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, width=_WIDTH, markup=False, emoji=False)

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


class Table(rich_table.Table):
    """A rich table whose cells are never cut short: on a terminal too narrow for it, a word
    wider than its column (a code's name, ``non_stigmatizing_attitude``; a file's path) folds
    onto the next line, where rich would end it in an ellipsis and lose which code a row is of."""

    def add_column(self, *args: Any, overflow: Any = "fold", **kwargs: Any) -> None:
        super().add_column(*args, overflow=overflow, **kwargs)

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a :class:`TrNlpError` into one clear line on stderr and exit code 2; set up ``--verbose``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose_logging(bool(kwargs.get("verbose")))  # every command takes --verbose
        try:
            return func(*args, **kwargs)
        except TrNlpError as exc:
            error_line(exc)
            raise typer.Exit(EXIT_USAGE) from None

    return wrapper  # type: ignore[return-value]


def error_line(message: object) -> None:
    """One error line on stderr, ``message`` as written."""
    err.print(f"[bold red]error[/]: {escape(str(message))}", highlight=False, markup=True)


Paths = Annotated[list[Path] | None, typer.Argument(help="Transcript files, folders (recursive), globs, utterance tables or .qdpx projects (or give them with --corpus).", show_default=False, metavar="PATHS...")]
ModelOutput = Annotated[Path, typer.Option("--output", "-o", help="Model folder to write (model.skops, card.json, README.md).")]
TableOutput = Annotated[Path, typer.Option("--output", "-o", help="Table to write: .csv, .parquet or .jsonl.")]
Format = Annotated[str | None, typer.Option("--format", help="Force a reader: text, markdown, docx, doc, odt, rtf, pdf, html, mht, otr, vtt, srt, whisper, eaf, trs, exb, cha, table, qdpx.")]
Preset = Annotated[str | None, typer.Option("--preset", help="Named column mapping for a known table (annomi).")]
TextCol = Annotated[str | None, typer.Option("--text-col", help="Table column with the utterance text.")]
TimestampCol = Annotated[str | None, typer.Option("--timestamp-col", help="Table column with each row's time in the recording (seconds or a clock time); found by its name (timestamp, start time, time...) when not given.")]
SpeakerCol = Annotated[str | None, typer.Option("--speaker-col", help="Table column with the speaker.")]
GroupCol = Annotated[str | None, typer.Option("--group-col", help="Table column that groups rows into interviews.")]
OrderCol = Annotated[str | None, typer.Option("--order-col", help="Table column that orders utterances.")]
CoderCol = Annotated[str | None, typer.Option("--coder-col", help="Table column naming the coder of each row.")]
CodeCols = Annotated[list[str] | None, typer.Option("--code-col", help="Table column holding codes (repeatable).")]
SpeakerRole = Annotated[list[str] | None, typer.Option("--speaker-role", help="Set a speaker's role: NAME=interviewer|participant|other (repeatable).")]
Encoding = Annotated[str | None, typer.Option("--encoding", help="Force the text encoding instead of detecting it.")]
CorpusOpt = Annotated[list[Path] | None, typer.Option("--corpus", help="Transcripts, a corpus folder, a table or a .qdpx project (repeatable; or give them after the command, as paths).")]
Codings = Annotated[list[Path] | None, typer.Option("--codings", help="Human codings table: interview_id,start,end,code,coder; repeat for each coder's own table (one without a coder column is coded by its file name). Also NVivo node exports (.docx, .txt, .pdf, .html, .rtf), or a folder of them.")]
ReviewedOpt = Annotated[list[Path] | None, typer.Option(
    "--reviewed", help="Passages coders read in interviews they coded only in part, such as the list "
    "'tr-nlp next -o' wrote (interview_id,start,end[,coder]); the rest of those interviews counts as unread, "
    "not as uncoded (repeatable).")]
CodebookOpt = Annotated[Path | None, typer.Option("--codebook", help="Codebook: YAML, REFI-QDA .qdc, or a table of codes in a spreadsheet (.xlsx, .ods, .csv, .tsv) or a Word document (.docx, .odt).")]
Quiet = Annotated[bool, typer.Option("--quiet", help="Only errors on stderr.")]
Verbose = Annotated[bool, typer.Option("--verbose", help="Also log each stage (folds, embedding, fitting) with timings on stderr, and name each file a warning is about.")]
Unit = Annotated[str, typer.Option("--unit", help="turn, sentence or window.")]
Roles = Annotated[str, typer.Option("--roles", help="Comma-separated speaker roles to keep.")]
Window = Annotated[int | None, typer.Option("--window", help="Sentences per window (unit=window; default 3).")]
Stride = Annotated[int | None, typer.Option("--stride", help="Sentences between window starts (default: --window).")]
ModelUnit = Annotated[str | None, typer.Option("--unit", help="turn, sentence or window (default: what the model was trained on).")]
ModelRoles = Annotated[str | None, typer.Option("--roles", help="Comma-separated speaker roles to keep (default: what the model was trained on).")]
Seed = Annotated[int, typer.Option("--seed", help="Randomness (folds, inner CV, fine-tuning, bootstrap, topic model), so runs repeat.")]
ModelDir = Annotated[Path, typer.Option("--model", help="A trained model folder.")]
PseudonymiseOpt = Annotated[bool, typer.Option("--pseudonymise", help="Replace speaker names, --names, contact details, identity and account numbers, addresses and dates with placeholders.")]
NamesOpt = Annotated[Path | None, typer.Option("--names", help="Text file of names to replace, one per line (on export, report and train: with --pseudonymise).")]
MappingOpt = Annotated[Path | None, typer.Option("--mapping", help="CSV of placeholder -> original to keep (private!); an existing one is continued.")]


def corpus_output(output: Path, what: str, force: bool) -> None:
    """Check a corpus folder to write before any work: not a file (E173), and empty unless
    ``force`` (E163), since old interview files left beside new ones would silently join the corpus."""
    check_folder_path(output, what)
    if output.is_dir() and any(output.iterdir()) and not force:
        raise ConfigError("E163", detail=f"output folder {output} is not empty; choose a new folder or pass --force")


def pseudonymiser(names: Path | None, mapping: Path | None) -> Pseudonymiser:
    """A :class:`Pseudonymiser` from ``--names`` and an earlier ``--mapping``, if any."""
    result = Pseudonymiser(read_names(names) if names else ())
    if mapping is not None and mapping.is_file():
        result.load_mapping(mapping)
    return result


def save_mapping(p: Pseudonymiser, mapping: Path | None, quiet: bool) -> None:
    """Write the mapping where the user asked, or say that none was kept."""
    if mapping is not None:
        out.print(f"mapping (keep private): {p.save_mapping(mapping)}", highlight=False)
    elif not quiet:
        err.print(f"{len(p.mapping)} detail(s) replaced; no --mapping given, so placeholders cannot be traced back",
                  highlight=False)


def parse_roles(roles: str) -> tuple[str, ...]:
    """The ``--roles`` option value as a tuple: ``"participant, interviewer"`` -> two roles."""
    return tuple(r.strip() for r in roles.split(",") if r.strip())


def segmenter(unit: str, roles: str, window: int | None = None, stride: int | None = None,
              spacy_model: str | None = None) -> Segmenter:
    """A :class:`Segmenter` from the ``--unit``, ``--roles``, ``--window`` and ``--stride`` values."""
    _windows_only(unit, window, stride)
    return Segmenter(unit=unit, roles=parse_roles(roles),  # type: ignore[arg-type]
                     window=Segmenter.window if window is None else window, stride=stride, spacy_model=spacy_model)


def model_segmenter(card: dict[str, Any], unit: str | None, roles: str | None, quiet: bool = False,
                    window: int | None = None, stride: int | None = None) -> Segmenter:
    """Cut new interviews as the model's training data was cut, unless ``--unit``/``--roles`` say otherwise.

    A model's thresholds and calibration hold for the segments it was trained on; other
    segments get a warning. Models saved before the card recorded its segmenter get the
    default one (sentences of participant speech).
    """
    trained = Segmenter.from_settings(card.get("segmenter") or {})
    _windows_only(unit or trained.unit, window, stride)
    chosen = Segmenter(
        unit=unit or trained.unit,  # type: ignore[arg-type]
        roles=trained.roles if roles is None else parse_roles(roles),
        window=trained.window if window is None else window, stride=trained.stride if stride is None else stride,
        spacy_model=trained.spacy_model, max_words=trained.max_words,
    )
    if chosen != trained and "segmenter" in card and not quiet:
        warn(f"the model was trained on {describe(trained)} and these are {describe(chosen)}; its "
             "thresholds and calibration were not tuned for them")
    return chosen


def _windows_only(unit: str, window: int | None, stride: int | None) -> None:
    """ConfigError E163 for ``--window`` or ``--stride`` with another unit than windows,
    which would otherwise be ignored without a word."""
    if unit != "window" and (window is not None or stride is not None):
        named = [name for name, value in (("--window", window), ("--stride", stride)) if value is not None]
        raise ConfigError("E163", detail=f"the unit is {unit!r}, not 'window', so {' and '.join(named)} would be "
                                         f"ignored; add --unit window, or leave {'them' if len(named) > 1 else 'it'} out")


def describe(cut: Segmenter) -> str:
    """A segmenter in words.

    >>> describe(Segmenter())
    'sentences of participant speech'
    >>> describe(Segmenter(unit="window", window=3, stride=1, roles=("participant", "interviewer")))
    'windows of 3 sentences (stride 1) of participant and interviewer speech'
    """
    unit = f"{cut.unit}s"
    if cut.unit == "window":
        step = f" (stride {cut.stride})" if cut.stride not in (None, cut.window) else ""
        unit = f"windows of {cut.window} sentences{step}"
    return f"{unit} of {' and '.join(cut.roles)} speech"


def read_options(
    preset: str | None = None,
    text_col: str | None = None,
    speaker_col: str | None = None,
    group_col: str | None = None,
    order_col: str | None = None,
    coder_col: str | None = None,
    timestamp_col: str | None = None,
    code_cols: list[str] | None = None,
    speaker_roles: list[str] | None = None,
    encoding: str | None = None,
) -> ReadOptions:
    """Build :class:`ReadOptions` from the shared CLI options."""
    mapping: TableMapping | None = TableMapping.preset(preset) if preset else None
    overrides = dict(text_col=text_col, speaker_col=speaker_col, group_col=group_col,
                     order_col=order_col, coder_col=coder_col, timestamp_col=timestamp_col,
                     code_cols=tuple(code_cols) if code_cols else None)
    if any(v is not None for v in overrides.values()):
        mapping = (mapping or TableMapping()).with_overrides(**overrides)
    return ReadOptions(encoding=encoding, roles=RoleMap.from_pairs(speaker_roles or []), table=mapping)


#: The name of the handler ``--verbose`` adds to tr_nlp's logger.
_VERBOSE_HANDLER = "tr-nlp --verbose"


def verbose_logging(verbose: bool) -> None:
    """With ``--verbose``, tr_nlp's stage logs go to stderr; the library itself stays quiet.

    Set up per command run (a test runner calls many in one process, each with its own
    stderr), so an earlier run's handler is replaced, not added to.
    """
    root = logging.getLogger("tr_nlp")
    for handler in [h for h in root.handlers if h.get_name() == _VERBOSE_HANDLER]:
        root.removeHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.NOTSET)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_VERBOSE_HANDLER)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        root.addHandler(handler)


def _verbose() -> bool:
    """Whether this command runs with ``--verbose`` (:func:`verbose_logging` set it up)."""
    return any(h.get_name() == _VERBOSE_HANDLER for h in logging.getLogger("tr_nlp").handlers)


@contextmanager
def working(what: str, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while a long stage runs (cross-validation, training, topic
    discovery...), its line the stage's latest log (``fold 2/5: trained on...``,
    ``embedding 1200 new text(s)...``), so that minutes of work show they are moving; only
    on a terminal, and not with ``--quiet`` or with ``--verbose`` (which prints the log
    lines themselves). Warnings logged meanwhile are printed as they come."""
    logger = logging.getLogger("tr_nlp")
    if quiet or not err.is_terminal or _verbose():
        yield
        return
    with err.status(f"{what}...") as status:
        handler, level = _StatusLine(lambda line: status.update(f"{what}: {line}")), logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)


class _StatusLine(logging.Handler):
    """Each INFO log to ``show``, one line replacing the last; a warning printed on stderr
    (as Python prints a library's warnings when nothing else handles them)."""

    def __init__(self, show: Callable[[str], None]):
        super().__init__(logging.INFO)
        self.show = show

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            err.print(record.getMessage(), highlight=False)
        else:
            self.show(record.getMessage())


def warn(message: str) -> None:
    """One warning line on stderr."""
    err.print(f"[yellow]warning[/]: {escape(message)}", highlight=False, markup=True)


def warn_files(warnings: Iterable[tuple[str, str]]) -> None:
    """A warning line per distinct message of ``(path, message)`` pairs (:func:`said_of_files`),
    or, with ``--verbose``, a line per pair."""
    for line in ([f"{path}: {message}" for path, message in warnings] if _verbose() else said_of_files(warnings)):
        warn(line)


def warn_unlike_training(card: Mapping[str, Any], interviews: Sequence[Interview], quiet: bool,
                         training: bool = True) -> None:
    """A warning line for interviews unlike the model's training ones, in another language or
    written otherwise, or among them (unless not ``training``: see
    :func:`~tr_nlp.coding.writing.unlike_training`), many files alike in one."""
    from tr_nlp.coding.writing import unlike_training

    if not quiet:
        warn_files((interview.source or interview.id, said)
                   for interview, said in unlike_training(card, interviews, training=training))


def warn_no_segments(segmenter: Segmenter, interviews: Sequence[Interview], quiet: bool) -> None:
    """A warning line for the interviews with no speech of the roles ``segmenter`` keeps, or
    with speech cut into pieces for want of sentence punctuation (:meth:`Segmenter.warnings`),
    many files alike in one (:func:`warn_files`)."""
    if not quiet:
        warn_files((interview.source or interview.id, said) for interview, said in segmenter.warnings(interviews))


def warn_unplaced(unplaced: Sequence[Coding], roles: Sequence[str], segmenter: Segmenter, so: str = "") -> None:
    """A warning naming how many codings are on speech no segment holds (``unplaced``, on
    the turns of ``roles``: :func:`~tr_nlp.segment.mapping.unplaced_codings`), what that
    means for the command (``so``, if it needs saying), one of them, and the ``--roles``
    that would count them."""
    if not unplaced:
        return
    first = unplaced[0]
    left = [role for role in roles if role in ROLES and role not in segmenter.roles]
    hint = f"; pass --roles {','.join([*segmenter.roles, *left])} to count them" if left else ""
    so = f", {so}" if so else ""
    warn(f"{len(unplaced)} coding(s) are on {' and '.join(roles)} speech, which no segment ({describe(segmenter)}) "
         f"holds{so}: such as '{first.code}' by {first.coder} in {first.interview_id} at {first.start}-{first.end}{hint}")


def load_and_report(
    paths: list[Path],
    options: ReadOptions,
    fmt: str | None = None,
    codings: Sequence[Path] | None = None,
    codebook: Path | None = None,
    quiet: bool = False,
    required: bool = True,
    reviewed: Sequence[Path] | None = None,
    output: Path | None = None,
    metadata: Sequence[Path] | None = None,
) -> Corpus:
    """Load a corpus, printing one line per bad file, then the files' warnings (:func:`warn_files`), to stderr.

    The command's own ``-o``, a table or a folder (an evaluation's run folder, discovery's,
    Word documents), is not read when it lies among the transcripts: written there by the
    last run, its tables would fail as no transcript (E136), its documents be copies.

    Raises
    ------
    TrNlpError
        When files were named but none could be read (unless ``required`` is false), so
        that a command writes nothing rather than empty outputs over earlier ones: the
        file's own error for one file, else E108 after a line per file; E118 when the paths
        (an empty folder, say) hold no transcript file at all.
    """
    own = output if output is not None and (output.suffix.lower() in TABLE_SUFFIXES or output.suffix == ""
                                            or output.is_dir()) else None
    corpus = load_corpus(paths, options, fmt, codings, codebook, reviewed or (), exclude=own, metadata=metadata or ())
    none_read = required and bool(corpus.files) and len(corpus.failures) == len(corpus.files)
    if none_read and len(corpus.files) == 1:
        raise corpus.files[0].error  # type: ignore[misc]  # one bad file: its one line, as CLI.md asks
    for report in corpus.files:
        if report.error is not None:
            error_line(report.error)
    if not quiet:
        warn_files((str(report.path), warning) for report in corpus.files if report.error is None
                   for warning in report.warnings)
        for warning in corpus.warnings:
            warn(warning)
        _warn_unmatched_roles(options, corpus)
    if none_read:
        raise InputError("E108", n=len(corpus.files))
    if required and not corpus.files:  # the wrong folder, or one not filled yet: as a mistyped path
        raise InputError("E118")
    return corpus


def _warn_unmatched_roles(options: ReadOptions, corpus: Corpus) -> None:
    """Say which ``--speaker-role`` names are no speaker of the transcripts read (a name
    mistyped, or written as another tool writes it), and which speakers ``--preset`` gives
    roles are none of the tables read, naming the speakers there are."""
    tables = [iv for iv in corpus.interviews if iv.format == "table"]
    for warning in (unmatched_roles_warnings(options.roles, corpus.interviews, "--speaker-role")
                    + unmatched_roles_warnings(table_roles(options.table), tables,
                                               " ".join(filter(None, ("--preset", preset_name(options.table)))))):
        warn(warning)


def warn_near_copies(interviews: Sequence[Interview], quiet: bool, kind: str = "interviews") -> None:
    """Say on stderr which ``interviews`` are (nearly) the same text: one transcript read
    twice under two names, or an edited copy beside its original."""
    if quiet:
        return
    found = near_copies({iv.id: text_sketch(iv.text) for iv in interviews})
    if found:
        shown = some([f"{a} ~ {b} ({share:.0%})" for a, b, share in found])
        warn(f"{len(found)} pair(s) of {kind} are nearly the same text (the share of their four-word runs in "
             f"brackets): {shown}; one transcript read twice, or an edited copy beside its original? "
             "Cross-validation would test on copies of training interviews and agreement would count them twice: "
             "leave one of each pair out, or, for coders' copies of one transcript, make their texts the same "
             "(they are then read as one interview, with the codings of each)")


def transcripts(paths: Sequence[Path] | None, corpus: Sequence[Path] | None) -> list[Path]:
    """The transcripts a command was given, as paths after it or with ``--corpus`` (each
    command takes both, so that neither form has to be remembered per command).

    Raises
    ------
    ConfigError
        E163 when neither names any.
    """
    given = [*(paths or ()), *(corpus or ())]
    if not given:
        raise ConfigError("E163", detail="no transcripts given: name them after the command (files, folders, globs, "
                                         "a table or a .qdpx project) or with --corpus")
    return given


def exit_code(corpus: Corpus) -> int:
    """0 when every input file was read; 1 when some failed and the others were processed; 2 when none was read.

    This is ``../shared/CLI.md``'s rule: a run over many files that loses some of them is a
    partial success (1, with the summary printed); a run with nothing readable is an input
    error (2), like a single bad file.
    """
    if not corpus.failures:
        return EXIT_OK
    return EXIT_PARTIAL if len(corpus.failures) < len(corpus.files) else EXIT_USAGE
