"""``tr-nlp pseudonymise``: a copy of a corpus with names and contact details replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tr_nlp.cli import common as c
from tr_nlp.errors import ConfigError, some
from tr_nlp.export.folder import write_corpus_folder
from tr_nlp.export.tables import write_text
from tr_nlp.privacy import name_candidates, names_file, one_case_interviews, pseudonymise_corpus


@c.handle_errors
def pseudonymise_cmd(
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder for the pseudonymised corpus (interviews/, codings.csv, corpus.yaml).")] = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    reviewed: c.ReviewedOpt = None,
    names: c.NamesOpt = None,
    mapping: c.MappingOpt = None,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    encoding: c.Encoding = None,
    list_names: Annotated[Path | None, typer.Option("--list-names", help="Instead: write the words that may be names --names lacks to this file, to review and pass as --names (private!).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files.")] = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Replace names, contact details, identity and account numbers, addresses and dates with placeholders.

    Speaker names, listed names, e-mail and web addresses, handles, phone, NHS and
    other identity numbers (also any number after its label: "hospital number
    ..."), bank accounts and payment cards, street addresses, postcodes and dates.
    Writes a corpus folder any tr-nlp command reads; codings move with the text,
    so each still covers the same words. The same detail gets the same placeholder
    everywhere; --mapping keeps the placeholder -> original table (store it
    privately). Names said in passing are replaced only when listed: --list-names
    first writes the words that may be names (capitalised inside a sentence, never
    in lower case).
    """
    paths = c.transcripts(paths, corpus)
    if (output is None) == (list_names is None):
        raise ConfigError("E163", detail="give -o/--output for the pseudonymised corpus, or --list-names FILE "
                                         "to list the names to review first (not both)")
    if output is not None:
        c.corpus_output(output, "the pseudonymised corpus", force)
    loaded = c.load_and_report(paths, c.read_options(preset, speaker_roles=speaker_role, encoding=encoding),
                               None, codings, codebook, quiet, reviewed=reviewed, output=output)
    p = c.pseudonymiser(names, mapping)
    if (one_case := one_case_interviews(loaded)) and not quiet:
        c.warn(f"{len(one_case)} interview(s) are written without capital letters or all in capitals (a speech "
               f"recogniser's or captions' output?): {some(one_case)}; in them a name of --names or a speaker's is "
               "replaced in any case (one that is also a word, such as Will, wherever the word stands), and dates "
               "and addresses are found in either case, but --list-names cannot tell a name by its capital there: "
               "read them for names said in passing and add those to --names")
    if list_names is not None:
        found = name_candidates(loaded, p)
        written = write_text(names_file(found), list_names, private=True)
        c.out.print(f"{len(found)} word(s) that may be names, to review (keep private): {written}", highlight=False)
        raise typer.Exit(c.exit_code(loaded))
    pseudo, _ = pseudonymise_corpus(loaded, p)
    written = write_corpus_folder(output, pseudo.interviews, pseudo.codings, pseudo.codebook,
                                  name=f"{output.name} (pseudonymised)", reviewed=pseudo.reviewed)
    kinds: dict[str, int] = {}
    for _, kind, _ in p.mapping:
        kinds[kind] = kinds.get(kind, 0) + 1
    c.out.print(f"{len(pseudo.interviews)} interviews, {len(pseudo.codings)} codings; distinct details replaced: "
                + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"), highlight=False)
    for name, path in written.items():
        c.out.print(f"{name}: {path}", highlight=False)
    left = [] if quiet else name_candidates(loaded, p)  # what the copy still holds that may name someone
    if left:
        c.warn(f"{len(left)} word(s) that may be names were left as written (capitalised inside a sentence, never in "
               "lower case)" + ("" if names else ": no --names list was given") + "; review them with --list-names "
               "FILE, then pass that file as --names")
    c.save_mapping(p, mapping, quiet)
    raise typer.Exit(c.exit_code(loaded))
