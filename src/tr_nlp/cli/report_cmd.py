"""``tr-nlp report``: the offline HTML report of a run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tr_nlp.cli import common as c
from tr_nlp.export import check_file_path

#: The report's default (:data:`tr_nlp.report.render.MAX_INTERVIEWS`, which a test holds equal),
#: written here so that ``tr-nlp --help`` need not load the report's libraries.
MAX_INTERVIEWS = 2000


@c.handle_errors
def report(
    run: Annotated[Path, typer.Option("--run", help="Run folder written by 'tr-nlp demo', 'tr-nlp batch' or 'tr-nlp evaluate -o'.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="HTML file to write (default: RUN/report.html).")] = None,
    quotes: Annotated[bool, typer.Option("--include-quotes/--no-quotes", help="Include transcript text (on for a local report; --no-quotes for one to share).")] = True,
    max_interviews: Annotated[int, typer.Option("--max-interviews", help="Most interviews in the transcript viewer (linked ones first).")] = MAX_INTERVIEWS,
    pseudonymise: c.PseudonymiseOpt = False,
    names: c.NamesOpt = None,
    mapping: c.MappingOpt = None,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Write one self-contained HTML file: agreement, plots, pre-screening, disagreements, candidates, transcripts."""
    from tr_nlp.report import write_report

    output = output or run / "report.html"
    check_file_path(output, (".html", ".htm"))
    p = c.pseudonymiser(names, mapping) if pseudonymise else None
    path = write_report(run, output, quotes=quotes, pseudonymiser=p, max_interviews=max_interviews)
    if p is not None:
        c.save_mapping(p, mapping, quiet)
    if not quiet:
        size = path.stat().st_size
        c.err.print((f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB")
                    + ("" if quotes else ", without transcript text"), highlight=False)
    c.out.print(f"report: {path}", highlight=False)
