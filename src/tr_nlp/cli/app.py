"""The ``tr-nlp`` Typer application: thin commands over the library."""

from __future__ import annotations

import typer

from tr_nlp.cli.batch_cmd import batch
from tr_nlp.cli.coding_cmds import code, evaluate, next_segments, train
from tr_nlp.cli.demo_cmd import demo
from tr_nlp.cli.discover_cmd import discover_cmd
from tr_nlp.cli.inspect_cmd import inspect
from tr_nlp.cli.privacy_cmd import pseudonymise_cmd
from tr_nlp.cli.refi_cmds import export_cmd, import_cmd
from tr_nlp.cli.report_cmd import report
from tr_nlp.cli.segment_cmd import segment

app = typer.Typer(
    name="tr-nlp",
    help="Machine-assisted coding of qualitative interview transcripts (offline, CPU).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(inspect)
app.command()(segment)
app.command()(train)
app.command()(evaluate)
app.command()(code)
app.command(name="next")(next_segments)
app.command(name="discover")(discover_cmd)
app.command(name="import")(import_cmd)
app.command(name="export")(export_cmd)
app.command()(batch)
app.command()(report)
app.command(name="pseudonymise")(pseudonymise_cmd)
app.command()(demo)
