"""``tr-nlp inspect``: what tr_nlp reads from each file."""

from __future__ import annotations

import json

import typer

from tr_nlp.cli import common as c
from tr_nlp.schema import clock, line_range
from tr_nlp.segment import Segmenter


@c.handle_errors
def inspect(
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    fmt: c.Format = None,
    preset: c.Preset = None,
    text_col: c.TextCol = None,
    speaker_col: c.SpeakerCol = None,
    group_col: c.GroupCol = None,
    order_col: c.OrderCol = None,
    timestamp_col: c.TimestampCol = None,
    speaker_role: c.SpeakerRole = None,
    encoding: c.Encoding = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON records instead of a table."),
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Per file: detected format, interviews, speakers and roles, turns, words, times, codings by coder, passages marked read, warnings."""
    paths = c.transcripts(paths, corpus)
    options = c.read_options(preset, text_col, speaker_col, group_col, order_col, timestamp_col=timestamp_col,
                             speaker_roles=speaker_role, encoding=encoding)
    corpus = c.load_and_report(paths, options, fmt, codings, codebook, quiet=quiet, required=False)  # it reports failures
    c.warn_near_copies(corpus.interviews, quiet)
    # what segmenting them as every command does by default would meet: no participant speech, no punctuation
    cut = Segmenter().warnings(corpus.interviews)
    records = corpus.describe()
    if as_json:
        warnings = {f.path: list(f.warnings) for f in corpus.files if f.warnings}
        for interview, said in cut:
            warnings.setdefault(interview.source or interview.id, []).append(said)
        c.out.print_json(json.dumps({
            "interviews": records,
            "failed": [{"file": f.path, "code": f.error.code, "message": f.error.message}
                       for f in corpus.failures if f.error is not None],
            "warnings": warnings,
        }, ensure_ascii=False))
    else:
        table = c.Table(title=None, show_lines=False)
        timed = any(r["time_span"] for r in records)
        numbered = any(r["line_span"] for r in records)
        coded = any(r["codings"] for r in records)
        marked = any(r["read"] for r in records)
        for column in ("file", "format", "interview", "speakers (role)", "turns", "words", *(["times"] if timed else []),
                       *(["lines"] if numbered else []), *(["codings"] if coded else []), *(["read"] if marked else [])):
            table.add_column(column, justify="right" if column in {"turns", "words", "read"} else "left")
        for r in records:
            speakers = ", ".join(f"{s} ({role})" for s, role in r["speakers"].items())
            span, lines = r["time_span"], r["line_span"]
            table.add_row(r["file"], r["format"], r["interview_id"], speakers, str(r["turns"]), str(r["words"]),
                          *([f"{clock(span[0])}-{clock(span[1])}" if span else ""] if timed else []),
                          *([line_range(*lines) if lines else ""] if numbered else []),
                          *([", ".join(f"{coder} {n}" for coder, n in r["codings"].items())] if coded else []),
                          *([str(r["read"])] if marked else []))
        c.out.print(table)
        if not quiet:
            c.warn_files((interview.source or interview.id, said) for interview, said in cut)
        words = sum(r["words"] for r in records)
        c.out.print(
            f"{len(corpus.files)} file(s), {len(records)} interview(s), {words} words, "
            f"{len(corpus.failures)} failed", highlight=False,
        )
        if keys := _grouping_keys(records):
            c.out.print(f"metadata that groups the interviews (tr-nlp evaluate --by KEY): {keys}", highlight=False)
    raise typer.Exit(c.exit_code(corpus))


def _grouping_keys(records: list[dict]) -> str:
    """The metadata keys whose values group the interviews, as ``evaluate --by`` takes them
    (2 to :data:`~tr_nlp.cli.coding_cmds.MAX_SUBGROUPS` values, one at least shared by two
    interviews; any case of a key as one), each with how many values and interviews:
    ``site (2 values, 18 interviews)``."""
    from tr_nlp.cli.coding_cmds import MAX_SUBGROUPS
    from tr_nlp.ingest.metadata import values_by_key

    found = values_by_key({r["interview_id"]: r["metadata"] for r in records}).values()
    return ", ".join(f"{name} ({len(set(v.values()))} values, {len(v)} interviews)"
                     for name, v, _ in found if 2 <= len(set(v.values())) <= min(MAX_SUBGROUPS, len(v) - 1))
