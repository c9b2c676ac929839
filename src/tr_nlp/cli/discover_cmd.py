"""``tr-nlp discover``: candidate codes from the passages nobody coded."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tr_nlp.cli import common as c
from tr_nlp.export import check_folder_path

if TYPE_CHECKING:
    from tr_nlp.topics import Discovery


def print_candidates(found: Discovery) -> None:
    """Candidates as a rich table on stdout."""
    from tr_nlp.topics.candidates import compared_note
    from tr_nlp.topics.keywords import WEAK_LABEL_SHARE

    shares = (f"label in: the share of its passages holding one of its first three keywords; below "
              f"{WEAK_LABEL_SHARE:.0%} they share few words, so read its quotes")
    view = c.Table(title=f"Candidate codes from {len(found.remainder.segments)} uncoded passages",
                   caption="\n".join(filter(None, [compared_note(found.candidates), shares])))
    for col in ("candidate", "passages", "interviews", "novelty", "reading", "label in", "keywords"):
        view.add_column(col, justify="right" if col in {"passages", "interviews", "novelty", "label in"} else "left")
    for cand in found.candidates:
        novelty = "" if cand.novelty is None else f"{cand.novelty:.2f}"
        spread = f"{len(cand.interviews)}" + (" (one only)" if cand.single_interview else "")
        share = "" if cand.label_share is None else f"{cand.label_share:.0%}"
        view.add_row(cand.name, str(cand.size), spread, novelty, cand.reading, share, ", ".join(cand.keywords[:6]))
    c.out.print(view)


@c.handle_errors
def discover_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for candidates.yaml, topics.parquet, discovery.json.")],
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    model: Annotated[Path | None, typer.Option("--model", help="Also leave out passages this model codes above threshold.")] = None,
    unit: c.Unit = "sentence",
    roles: c.Roles = "participant",
    window: c.Window = None,
    stride: c.Stride = None,
    min_words: Annotated[int, typer.Option("--min-words", min=0, help="Drop passages shorter than this.")] = 6,
    no_merge: Annotated[bool, typer.Option("--no-merge", help="Keep each segment apart instead of joining uncoded neighbours in a turn.")] = False,
    centre: Annotated[bool | None, typer.Option(
        "--centre/--no-centre",
        help="Subtract each interview's mean before clustering (themes across interviews, not each one's story). "
             "Default: decided from the data; off when interviews differ in subject.")] = None,
    seed: c.Seed = 0,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Topic-model what no human (and no model) coded; propose candidate codes with evidence."""
    corpus = c.transcripts(paths, corpus)
    # BERTopic and scikit-learn load with the command, not with --help
    from tr_nlp.coding import load_model
    from tr_nlp.topics import discover, write_discovery

    check_folder_path(output, "discovery")
    theme_model = load_model(model) if model is not None else None
    loaded = c.load_and_report(corpus, c.read_options(preset, speaker_roles=speaker_role), None, codings, codebook, quiet,
                               output=output)
    with c.working("discovering candidate codes", quiet):
        found = discover(loaded, c.segmenter(unit, roles, window, stride), theme_model, min_words=min_words, seed=seed,
                         merge=not no_merge, centre=centre)
    paths = write_discovery(found, output)
    if not quiet:
        stops = f"; keywords leave out '{found.language}' stop words too" if found.language != "en" else ""
        c.err.print(f"{found.remainder.summary()}; clustering: {found.method}, {found.centring_note()}{stops}; "
                    f"{found.seconds:.0f} s", highlight=False)
    print_candidates(found)
    c.out.print(f"candidates: {paths['candidates']}", highlight=False)
    raise typer.Exit(c.exit_code(loaded))
