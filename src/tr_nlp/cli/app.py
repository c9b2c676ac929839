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


def option_for_a_value(command: click.Command, args: list[str]) -> tuple[str, str] | None:
    """The first option of ``command`` in ``args`` that takes a value but is followed by
    another of its options, and that option: ``--list-names -o out`` would name a file
    ``-o``. None when every option has its value.

    >>> cmd = click.Command("c", params=[click.Option(["--names"]), click.Option(["-o", "--output"]),
    ...                                  click.Option(["--quiet"], is_flag=True)])
    >>> option_for_a_value(cmd, ["--names", "-o", "x"]), option_for_a_value(cmd, ["--names", "-x.txt", "--quiet"])
    (('--names', '-o'), None)
    >>> option_for_a_value(cmd, ["--names", "--help"]), option_for_a_value(cmd, ["--", "--names", "-o"])
    (('--names', '--help'), None)
    """
    takes_value: set[str] = set()
    options = {"--help"}
    for param in command.params:  # typer may bring its own copy of click: its classes are not click's
        if param.param_type_name == "option":
            options |= {*param.opts, *param.secondary_opts}
            if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
                takes_value |= set(param.opts)
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word in takes_value:
            value = next(words, None)
            if value in options:
                return word, value
    return None


class _Commands(TyperGroup):
    """The command group, reading several paths after one ``--corpus`` (:func:`spread_corpus`),
    and refusing an option whose value is missing, another option in its place
    (:func:`option_for_a_value`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, spread_corpus(args))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and (missing := option_for_a_value(command, rest)) is not None:
            option, other = missing
            ctx.fail(f"{option} needs a value, but {other} follows it; give {option} its value first "
                     f"(tr-nlp {name} {option} VALUE {other} ...)")
        return name, command, rest


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
