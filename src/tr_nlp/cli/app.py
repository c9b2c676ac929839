"""The ``tr-nlp`` Typer application: thin commands over the library."""

from __future__ import annotations

from typing import Annotated

import click
import typer
from typer.core import TyperGroup

from tr_nlp import __version__
from tr_nlp.cli.batch_cmd import batch
from tr_nlp.cli.coding_cmds import code, evaluate, next_segments, train
from tr_nlp.cli.demo_cmd import demo
from tr_nlp.cli.discover_cmd import discover_cmd
from tr_nlp.cli.inspect_cmd import inspect
from tr_nlp.cli.privacy_cmd import pseudonymise_cmd
from tr_nlp.cli.refi_cmds import export_cmd, import_cmd
from tr_nlp.cli.report_cmd import report
from tr_nlp.cli.segment_cmd import segment


def spread_corpus(args: list[str]) -> list[str]:
    """``--corpus a.txt b.txt`` read as ``--corpus a.txt --corpus b.txt``.

    A shell turns ``--corpus interviews/*.txt`` into one path after the option and the rest
    as bare words, which an option taking one value at a time would refuse ("unexpected
    extra arguments"). The commands with ``--corpus`` take no bare arguments, so every bare
    word after it, up to the next option, is one more corpus path.

    >>> spread_corpus(["train", "--corpus", "a.txt", "b.txt", "-o", "m", "--corpus=c", "d"])
    ['train', '--corpus', 'a.txt', '--corpus', 'b.txt', '-o', 'm', '--corpus=c', '--corpus', 'd']
    """
    out: list[str] = []
    state = "other"  # "value": the next word is --corpus's own value; "more": bare words are more paths
    for arg in args:
        if state == "value":
            out.append(arg)
            state = "more"
            continue
        if state == "more" and not arg.startswith("-"):
            out += ["--corpus", arg]
            continue
        state = "value" if arg == "--corpus" else "more" if arg.startswith("--corpus=") else "other"
        out.append(arg)
    return out


class _Commands(TyperGroup):
    """The command group, reading several paths after one ``--corpus`` (:func:`spread_corpus`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_corpus(args))


app = typer.Typer(
    name="tr-nlp",
    cls=_Commands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tr-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Machine-assisted coding of qualitative interview transcripts (offline, CPU)."""


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
