"""``tr-nlp segment``: ingest + segment, one row per segment."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tr_nlp.cli import common as c
from tr_nlp.csvsafe import write_csv
from tr_nlp.export import check_table_path, write_table
from tr_nlp.schema import segments_to_frame
from tr_nlp.segment import map_codings
from tr_nlp.segment.mapping import check_overlap, roles_under, unplaced_codings


@c.handle_errors
def segment(
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="segments.parquet, .csv or .jsonl; CSV on stdout when omitted.")] = None,
    unit: c.Unit = "sentence",
    roles: c.Roles = "participant",
    window: c.Window = None,
    stride: c.Stride = None,
    spacy_model: Annotated[str | None, typer.Option("--spacy-model", help="An installed spaCy pipeline, e.g. en_core_web_sm.")] = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    overlap: Annotated[float, typer.Option("--overlap", help="Share of a segment (or coding) a coding must cover.")] = 0.5,
    fmt: c.Format = None,
    preset: c.Preset = None,
    text_col: c.TextCol = None,
    speaker_col: c.SpeakerCol = None,
    group_col: c.GroupCol = None,
    order_col: c.OrderCol = None,
    timestamp_col: c.TimestampCol = None,
    speaker_role: c.SpeakerRole = None,
    encoding: c.Encoding = None,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Segment transcripts into turns, sentences or windows with exact offsets."""
    paths = c.transcripts(paths, corpus)
    if output is not None:
        check_table_path(output)
    check_overlap(overlap)  # before reading, and even when no codings are given
    segmenter = c.segmenter(unit, roles, window, stride, spacy_model)
    options = c.read_options(preset, text_col, speaker_col, group_col, order_col, timestamp_col=timestamp_col,
                             speaker_roles=speaker_role, encoding=encoding)
    corpus = c.load_and_report(paths, options, fmt, codings, codebook, quiet=quiet, output=output)
    segments = segmenter.segment(corpus.interviews)
    c.warn_no_segments(segmenter, corpus.interviews, quiet)
    frame = segments_to_frame(segments)
    if corpus.codings:
        mapped = map_codings(segments, corpus.codings, overlap)
        codes = {sid: ";".join(sorted(set(group))) for sid, group in mapped.groupby("segment_id")["code"]}
        frame["codes"] = [codes.get(sid, "") for sid in frame["segment_id"]]  # no coding on any segment: all ""
        if not quiet:
            unplaced = unplaced_codings(segments, corpus.codings, overlap)
            c.warn_unplaced(unplaced, roles_under(unplaced, corpus.by_id()), segmenter)
    if output is None:
        write_csv(frame, sys.stdout)
    else:
        write_table(frame, output)
        if not quiet:
            c.err.print(f"{len(frame)} segments from {len(corpus.interviews)} interview(s) -> {output}",
                        highlight=False)
    raise typer.Exit(c.exit_code(corpus))
