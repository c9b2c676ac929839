"""``tr-nlp train``, ``evaluate`` and ``code``: thin commands over :mod:`tr_nlp.coding`.

:mod:`tr_nlp.coding` and :mod:`tr_nlp.agreement` (scikit-learn, SciPy) are imported by the
commands that use them, not with this module, so that ``tr-nlp --help``, ``inspect`` and
shell completion do not wait for them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tr_nlp.cli import common as c
from tr_nlp.cli.evaluation_tables import (
    print_against,
    print_agreement,
    print_character_agreement,
    print_crossings,
    print_group_alpha,
    print_interview_agreement,
    print_learning_curve,
    print_prescreen,
    print_prescreen_against,
    print_subgroups,
)
from tr_nlp.cli.refi_cmds import (
    all_elan,
    next_project,
    next_word,
    one_document,
    output_kind,
    suggestions_out,
)
from tr_nlp.errors import ConfigError, ModelError, some
from tr_nlp.export import (
    TABLE_SUFFIXES,
    check_folder_path,
    write_table,
)
from tr_nlp.hashing import text_fingerprint, text_sketch
from tr_nlp.ingest import Corpus
from tr_nlp.privacy import pseudonymise_corpus
from tr_nlp.schema import Codebook, Coding, Interview, clock, line_range
from tr_nlp.segment import Segmenter, coder_coverage, unread_by_anyone

if TYPE_CHECKING:
    from tr_nlp.coding import CodedData, ThemeModel
    from tr_nlp.coding.evaluate import Evaluation

Features = Annotated[str, typer.Option("--features", help="tfidf, embeddings or both.")]
Objective = Annotated[str, typer.Option("--objective", help="Threshold objective: f1, kappa or recall:0.95.")]
Target = Annotated[str, typer.Option("--target", help="Training target: union, majority or coder:NAME.")]
Context = Annotated[bool, typer.Option("--context/--no-context", help="Use the other speaker's turns before and after each segment as features.")]
Codes = Annotated[str | None, typer.Option(
    "--codes", help="Comma-separated codes to learn (default: every code of the codebook that is coded).")]
Aggregate = Annotated[bool, typer.Option(
    "--aggregate", help="Count each coding for the codes above its code in a nested codebook too, so a theme "
    "coded through its sub-codes is learned (NVivo's aggregate).")]
Finetune = Annotated[bool, typer.Option("--finetune", help="Also fine-tune MiniLM end to end and average it with the "
                                        "linear model (slow on a CPU; uses a GPU when torch sees one).")]


#: Below this many coded interviews, cross-validated figures and their CIs (which resample
#: interviews) rest on too few interviews to read.
FEW_INTERVIEWS = 10
#: A code with fewer coded segments, or coded in fewer interviews, is learned unreliably.
FEW_SEGMENTS, FEW_CODE_INTERVIEWS = 10, 3


def _code_list(codes: str | None) -> list[str] | None:
    """``--codes a,b`` as a list (None: every code)."""
    if codes is None:
        return None
    names = [name.strip() for name in codes.split(",") if name.strip()]
    if not names:
        raise ConfigError("E163", detail=f"--codes {codes!r}; expected code names separated by commas")
    return names


def warn_thin_data(data: CodedData, quiet: bool, codebook: Codebook | None = None) -> None:
    """Say on stderr what the coded data is too thin for: CV figures, rare codes, codes never coded."""
    if quiet:
        return
    n = len(set(data.groups))
    if n < FEW_INTERVIEWS:
        c.warn(f"only {n} coded interview(s); cross-validated agreement and its CIs (which resample "
               f"interviews) need at least {FEW_INTERVIEWS} to be worth reading")
    y = data.target
    for code in data.codes:
        positives = int(y[code].sum())
        interviews = len(set(data.groups[y[code].to_numpy() == 1]))
        if positives < FEW_SEGMENTS or interviews < FEW_CODE_INTERVIEWS:
            c.warn(f"code '{code}' is on {positives} segment(s) in {interviews} interview(s); its threshold and "
                   "suggestions are unreliable until more of it is coded")
    c.warn_unplaced(data.unplaced, data.unplaced_roles, data.segmenter, "so they teach and test nothing")
    if codebook is None:
        for a, b, shared, codes in coders_apart(data.codings)[:3]:
            c.warn(f"coders {a} and {b} coded {shared} interview(s) in common but gave no code in common ({a}: "
                   f"{some(codes[a], 3)}; {b}: {some(codes[b], 3)}): read as one codebook's codes, each counts as "
                   "a coder who gave none of the other's; pass --codebook with the codes to learn")
    if data.absent:
        nesting = {code.parent for code in codebook.codes} if codebook is not None and not data.aggregated else set()
        hint = "; pass --aggregate to count their sub-codes' codings" if nesting & set(data.absent) else ""
        c.warn(f"none of the {c.describe(data.segmenter)} carries codebook code(s) {', '.join(data.absent)}; "
               f"not learned{hint}")


def coders_apart(codings: Sequence[Coding]) -> list[tuple[str, str, int, dict[str, list[str]]]]:
    """Each pair of coders who coded interviews in common but gave no code in common (two
    schemes in one corpus, such as a table's own codes beside a team's), with how many
    interviews they share and the codes each gave.

    >>> from tr_nlp.schema import Coding
    >>> apart = coders_apart([Coding("i", 0, 5, "question", "human"), Coding("i", 0, 5, "care", "Ann"),
    ...                       Coding("i", 6, 9, "care", "Ben")])
    >>> [(a, b, shared) for a, b, shared, _ in apart]
    [('Ann', 'human', 1), ('Ben', 'human', 1)]
    """
    interviews = coder_coverage(codings)
    codes: dict[str, set[str]] = {}
    for coding in codings:
        codes.setdefault(coding.coder, set()).add(coding.code)
    coders = list(interviews)  # (sorted)
    return [(a, b, len(interviews[a] & interviews[b]), {a: sorted(codes[a]), b: sorted(codes[b])})
            for i, a in enumerate(coders) for b in coders[i + 1:]
            if interviews[a] & interviews[b] and not codes[a] & codes[b]]


def warn_objective(data: CodedData, objective: str, quiet: bool) -> None:
    """Say on stderr that a recall objective sets no threshold inside a mutually exclusive
    group, whose most probable code is chosen, and where the trade-off is read instead."""
    if quiet or not objective.startswith("recall") or not data.exclusive:
        return
    from tr_nlp.agreement.tables import exclusive_label

    groups = ", ".join(f"'{exclusive_label([data.codes[j] for j in group])}'" for group in data.exclusive)
    c.warn(f"--objective {objective} sets the thresholds of codes outside groups; in {groups} the most probable "
           "code is chosen, for macro-F1, so fewer of each is found; prescreen.csv ('tr-nlp evaluate -o') gives "
           "the share of segments to read, most probable first, to find 80%, 90% or 95% of each")


@c.handle_errors
def train(
    output: c.ModelOutput,
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    reviewed: c.ReviewedOpt = None,
    features: Features = "both",
    objective: Objective = "f1",
    target: Target = "union",
    unit: c.Unit = "sentence",
    roles: c.Roles = "participant",
    window: c.Window = None,
    stride: c.Stride = None,
    name: Annotated[str | None, typer.Option("--name", help="Model name (default: the folder name).")] = None,
    codes: Codes = None,
    aggregate: Aggregate = False,
    context: Context = False,
    finetune: Finetune = False,
    cv_folds: Annotated[int | None, typer.Option(
        "--cv-folds", min=0, help="Grouped CV folds for the card's metrics (0: skip; default 5, or 0 with --finetune).")] = None,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    pseudonymise: Annotated[bool, typer.Option(
        "--pseudonymise", help="Train on a pseudonymised copy, so names, e-mails, numbers and dates stay out "
        "of the model file's vocabulary.")] = False,
    names: c.NamesOpt = None,
    seed: c.Seed = 0,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Fit classifiers on the human codings, choose thresholds, write skops + model card."""
    corpus = c.transcripts(paths, corpus)
    from tr_nlp.coding import coded_data, cross_validate, save_model, train_model
    from tr_nlp.coding.classifier import FINETUNE
    from tr_nlp.coding.evaluate import card_metrics

    if cv_folds == 1:  # before the (slow) training, not after it
        raise ConfigError("E163", detail="--cv-folds 1; expected 0 (skip) or 2 or more")
    check_folder_path(output, "the model")
    loaded = as_written = c.load_and_report(corpus, c.read_options(preset, speaker_roles=speaker_role), None, codings,
                                            codebook, quiet, reviewed=reviewed)
    if pseudonymise:  # the codebook stays as written, so the card's hash is the team's codebook's
        loaded = replace(pseudonymise_corpus(loaded, c.pseudonymiser(names, None))[0], codebook=loaded.codebook)
    segmenter = c.segmenter(unit, roles, window, stride)
    data = coded_data(loaded, segmenter, _code_list(codes), target, aggregate=aggregate)
    features = FINETUNE if finetune else features
    warn_thin_data(data, quiet, loaded.codebook)
    warn_objective(data, objective, quiet)
    c.warn_near_copies(_coded(loaded, data), quiet, "coded interviews")
    c.warn_no_segments(segmenter, _coded(loaded, data), quiet)  # speech cut for want of punctuation
    with c.working("training", quiet):
        model = train_model(data, features, objective, name=name or output.name, corpus=loaded, context=context,
                            seed=seed)
    if pseudonymise:  # a held-out test reads the interviews as written: know them by those words too
        trained_on = set(data.groups)
        written = [old.text for old, new in zip(as_written.interviews, loaded.interviews) if new.id in trained_on]
        for key, hashed in (("training_fingerprints", text_fingerprint), ("training_sketches", text_sketch)):
            model.card[key] = sorted({hashed(text) for text in written}.union(model.card[key]))
    if cv_folds is None:
        cv_folds = 0 if finetune else 5
    if cv_folds:
        with c.working("cross-validating the training data", quiet):
            ev = cross_validate(data, features, objective, n_splits=cv_folds, seed=seed, learning_curve=False,
                                context=context)
        model.card["cv_metrics"], model.card["cv_protocol"] = card_metrics(ev.agreement), ev.protocol
        _warn_fewer_folds("--cv-folds", cv_folds, ev.folds, quiet)
    model.card["training_data"]["pseudonymised"] = pseudonymise
    _warn_encoder_language(model.card["languages"], features, quiet)
    save_model(model, output)
    if not quiet:
        c.err.print(f"trained on {len(data.segments)} segments of {len(set(data.groups))} interviews; "
                    f"codes: {', '.join(data.codes)}", highlight=False)
    c.out.print(f"model: {output}", highlight=False)
    raise typer.Exit(c.exit_code(loaded))


@c.handle_errors
def evaluate(
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    reviewed: c.ReviewedOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Run folder for agreement.csv, agreement_characters.csv (and _by_interview), agreement_interviews.csv, agreement_group.csv, agreement_by_subgroup.csv (with --by), model_difference.csv and prescreen_difference.csv (with --against), calibration.csv, learning_curve.csv, prescreen.csv, confusion.csv, code_crossings.csv, examples.csv, cv_predictions.parquet, evaluation.json; the segments, turns and codings judged; run.json and report.html.")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Judge this trained model on the interviews (a held-out test: its training interviews are left out) instead of cross-validating; features, objective, context and folds are then the model's.")] = None,
    against: Annotated[str | None, typer.Option("--against", help=(
        "Judge a second machine on the same segments and give the first's kappa minus its per code and coder, with "
        "a paired 95% CI. With --model: a trained model folder, judged on the same interviews (held out from both): "
        "is a retrained model better than the one in use? Cross-validating: other features (tfidf, embeddings or "
        "both), cross-validated on the same folds: does MiniLM help on these interviews?"))] = None,
    features: Features = "both",
    objective: Objective = "f1",
    target: Target = "union",
    unit: Annotated[str | None, typer.Option("--unit", help="turn, sentence or window (default: sentence; with --model, what it was trained on).")] = None,
    roles: Annotated[str | None, typer.Option("--roles", help="Comma-separated speaker roles to keep (default: participant; with --model, what it was trained on).")] = None,
    window: c.Window = None,
    stride: c.Stride = None,
    codes: Codes = None,
    aggregate: Aggregate = False,
    by: Annotated[str | None, typer.Option("--by", help=(
        "Also give agreement per subgroup of interviews: the value of this key of the interviews' metadata (front "
        "matter, a project's case variables, a table's metadata column; site, participant group...), each subgroup "
        "beside the others."))] = None,
    metadata: Annotated[list[Path] | None, typer.Option("--metadata", help=(
        "A table of the interviews' metadata (CSV, Excel...): a column naming each interview (interview_id, "
        "Participant...) and a column per key (Site, Group...), for --by; overrides the corpus config's "
        "(repeatable)."))] = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds (grouped by interview).")] = 5,
    n_boot: Annotated[int, typer.Option("--bootstrap", min=0, help=(
        "Bootstrap resamples of interviews for 95% CIs (0: no CIs; fewer than 4 interviews give none)."))] = 1000,
    no_curve: Annotated[bool, typer.Option("--no-learning-curve", help="Skip the learning curve.")] = False,
    context: Context = False,
    finetune: Finetune = False,
    seed: c.Seed = 0,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    write_html: Annotated[bool, typer.Option("--report/--no-report", help="With -o, write report.html (the offline HTML report of the evaluation) into the folder.")] = True,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Grouped CV (or a trained model on held-out interviews): machine vs each coder beside coders vs each other, with CIs."""
    corpus = c.transcripts(paths, corpus)
    from tr_nlp.agreement.tables import HUMAN_VS_HUMAN
    from tr_nlp.coding import coded_data, cross_validate, load_model
    from tr_nlp.coding.classifier import FINETUNE
    from tr_nlp.coding.evaluate import (
        by_subgroup,
        cross_validate_against,
        judge_against,
        judge_model,
        model_names,
    )
    from tr_nlp.coding.language import training_languages

    if output is not None:
        check_folder_path(output, "the evaluation")
    chosen = FINETUNE if finetune else features
    if against is not None and model is None:
        _other_features(against, chosen)
    theme = load_model(model) if model is not None else None  # a bad model fails before any reading
    rival = load_model(Path(against)) if against is not None and model is not None else None
    if theme is not None and rival is not None and theme.card.get("model_sha256") == rival.card.get("model_sha256"):
        raise ConfigError("E163", detail=f"--model {model} and --against {against} are the same model (their model "
                                         "files alike): give --against the model to compare it with")
    loaded = c.load_and_report(corpus, c.read_options(preset, speaker_roles=speaker_role), None, codings, codebook,
                               quiet, reviewed=reviewed, output=output, metadata=metadata)
    subgroup_of = _subgroups(loaded, by, quiet) if by else None  # before the (slow) evaluation
    settings: dict[str, Any] = {}  # what run.json records beyond what every evaluation has
    if theme is not None:
        ignored = [name for name, given in (("--features", features != "both"), ("--objective", objective != "f1"),
                                            ("--context", context), ("--finetune", finetune), ("--folds", folds != 5),
                                            ("--no-learning-curve", no_curve)) if given]
        if ignored and not quiet:
            c.warn(f"{', '.join(ignored)} ignored with --model: the model scores the interviews as it was trained")
        segmenter = c.model_segmenter(theme.card, unit, roles, quiet, window, stride)
        if rival is not None:
            _same_segments(theme, rival, segmenter, c.model_segmenter(rival.card, unit, roles, quiet, window, stride))
        evaluated = _held_out(loaded, theme, quiet, named=rival is not None)
        if rival is not None:
            evaluated = _held_out(evaluated, rival, quiet, named=True)
        data = coded_data(evaluated, segmenter, _code_list(codes), target, aggregate=aggregate, keep_uncoded=True)
        c.warn_near_copies(_coded(evaluated, data), quiet, "coded interviews")
        c.warn_no_segments(segmenter, _coded(evaluated, data), quiet)
        _warn_read_in_part(evaluated, data, quiet)
        c.warn_unlike_training(theme.card, evaluated.interviews, quiet, training=False)  # _held_out left them out
        started = time.perf_counter()
        with c.working(f"judging {theme.label}", quiet):
            ev = judge_model(theme, data, n_boot=n_boot, seed=seed)
            if rival is not None:
                assert model is not None and against is not None
                ev = judge_against(ev, theme, rival, data, n_boot, seed, model_names(theme, rival, (model, against)))
                settings["against"] = str(Path(against).resolve())
        if not quiet:
            _say_what_was_judged(theme, data, asked=codes is not None, has_codebook=evaluated.codebook is not None)
        checked = "training_fingerprints" in theme.card
        c.err.print(f"{ev.protocol}" + (", none of them used in training" if checked else ""), highlight=False)
    else:
        segmenter = c.segmenter(unit or "sentence", roles or "participant", window, stride)
        data = coded_data(loaded, segmenter, _code_list(codes), target, aggregate=aggregate)
        warn_thin_data(data, quiet, loaded.codebook)
        warn_objective(data, objective, quiet)
        c.warn_near_copies(_coded(loaded, data), quiet, "coded interviews")
        c.warn_no_segments(segmenter, _coded(loaded, data), quiet)
        _warn_read_in_part(loaded, data, quiet)
        _warn_encoder_language(training_languages(data.texts, data.groups), chosen, quiet)
        evaluated, started = loaded, time.perf_counter()
        with c.working("cross-validating", quiet):
            ev = cross_validate(data, chosen, objective, n_splits=folds, seed=seed, n_boot=n_boot,
                                learning_curve=not no_curve, context=context)
        _warn_fewer_folds("--folds", folds, ev.folds, quiet)
        settings = {"features": chosen, "objective": objective, "folds": ev.folds, "context": context,
                    "learning_curve": not no_curve}
        if against is not None:
            with c.working(f"cross-validating --features {against}", quiet):
                ev = cross_validate_against(ev, data, against, objective, n_splits=folds, seed=seed, n_boot=n_boot,
                                            context=context, names=(f"features {chosen}", f"features {against}"))
            settings["against"] = against
    if subgroup_of is not None:
        with c.working(f"agreement by {by}", quiet):
            ev = by_subgroup(ev, data, subgroup_of, n_boot=n_boot, seed=seed)
        settings["by"] = by
        _warn_without_subgroup(data, subgroup_of, str(by), quiet)
    seconds = time.perf_counter() - started
    print_agreement(ev.agreement)
    print_character_agreement(ev.characters)
    print_interview_agreement(ev.interviews)
    print_group_alpha(ev.group)
    print_learning_curve(ev.learning_curve)
    print_prescreen(ev.prescreen)
    print_crossings(ev.crossings, [[data.codes[j] for j in group] for group in data.exclusive])
    print_subgroups(ev.subgroups, str(by))
    print_against(ev.against, output)
    print_prescreen_against(ev.against_prescreen)
    if not quiet and not (ev.agreement["comparison"] == HUMAN_VS_HUMAN).any():
        coders = ", ".join(sorted(data.humans)) or "none"
        c.warn(f"no human-vs-human rows: no two coders coded the same interviews (coders: {coders}); have a "
               "second coder code some interviews to see whether the machine disagrees more than coders do")
    if output is not None:
        settings = {"segmenter": asdict(data.segmenter), "protocol": ev.protocol, "target": target,
                    "codes": data.codes, "aggregate": aggregate, "bootstrap": n_boot, "seed": seed, **settings}
        _write_run(output, corpus, evaluated, data, ev, settings, seconds, model, write_html)
        c.out.print(f"evaluation: {output}", highlight=False)
        if write_html:
            c.out.print(f"report: {output / 'report.html'}", highlight=False)
    raise typer.Exit(c.exit_code(loaded))


def _other_features(against: str, features: str) -> None:
    """ConfigError E163 unless ``evaluate --against``, cross-validating, names features
    other than ``--features``'."""
    from tr_nlp.features.text import FEATURE_KINDS

    if against not in FEATURE_KINDS:
        raise ConfigError("E163", detail=f"--against {against!r}: cross-validating, --against takes other features "
                                         f"to cross-validate beside --features ({', '.join(FEATURE_KINDS)}); to "
                                         "compare two trained models, give the one to judge with --model too")
    if against == features:
        raise ConfigError("E163", detail=f"--against {against} names the features cross-validated already "
                                         f"(--features {features}); give other features, one of "
                                         f"{', '.join(k for k in FEATURE_KINDS if k != features)}")


def _same_segments(theme: ThemeModel, rival: ThemeModel, ours: Segmenter, theirs: Segmenter) -> None:
    """ConfigError E163 where ``evaluate --against``'s model would score other segments
    than ``--model``'s: compared segment by segment, both must score the same ones."""
    if ours != theirs:
        raise ConfigError("E163", detail=f"{theme.label} scores {c.describe(ours)} and {rival.label} "
                                         f"{c.describe(theirs)}, as each was trained: --against compares two models "
                                         "on the same segments; give --unit and --roles (and --window) to score both "
                                         "on the same")


#: ``evaluate --by`` takes a key of at most this many values: more do not group interviews.
MAX_SUBGROUPS = 20


def _subgroups(corpus: Corpus, key: str, quiet: bool = False) -> dict[str, str]:
    """Each interview's value of its metadata ``key`` (``--by``; the key in any case), as text;
    a value written in another case or spacing as most write it, with a warning.

    Raises
    ------
    ConfigError
        E163 when no interview has a value of ``key``, or it has more than :data:`MAX_SUBGROUPS` values.
    """
    from tr_nlp.ingest.metadata import values_by_key

    _, found, respelled = values_by_key({iv.id: iv.metadata for iv in corpus.interviews}).get(key.casefold(),
                                                                                               (key, {}, {}))
    if respelled and not quiet:
        c.warn(f"--by {key}: values written in more than one way are read as one each: "
               f"{some([f'{value!r} as {one!r}' for value, one in respelled.items()])}")
    if not found:
        keys = sorted({name for interview in corpus.interviews for name in interview.metadata})
        have = (f"the keys they have: {', '.join(keys)}" if keys else "they have none") + (
            "; give each interview a value in its front matter, its project's case variables or a table's metadata "
            "column")
        raise ConfigError("E163", detail=f"--by {key}: no interview has a value of '{key}' in its metadata; {have}")
    if (n := len(set(found.values()))) > MAX_SUBGROUPS:
        raise ConfigError("E163", detail=f"--by {key}: {n} values among {len(found)} interviews; expected a key that "
                                         f"groups interviews (at most {MAX_SUBGROUPS} values)")
    return found


def _warn_without_subgroup(data: CodedData, subgroup_of: dict[str, str], key: str, quiet: bool) -> None:
    """Say which interviews judged have no value of ``key``, and so no subgroup."""
    left = sorted(set(data.interview_of) - set(subgroup_of))
    if left and not quiet:
        c.warn(f"{len(left)} interview(s) judged have no '{key}' and are left out of the agreement by {key}: "
               f"{some(left)}")


def _warn_encoder_language(languages: Sequence[str], features: str, quiet: bool) -> None:
    """Say what MiniLM's part is worth where coded interviews are not in English."""
    from tr_nlp.coding.language import encoder_warning

    if not quiet and (said := encoder_warning(languages, features)):
        c.warn(said)


def _warn_guidance_language(codebook: Codebook, segments: Sequence[Any], codes: Sequence[str] | None,
                            quiet: bool) -> None:
    """Say what a ranking by likeness to the codebook is worth where the interviews are not
    in English, or not in the codebook's language (:func:`~tr_nlp.coding.language.guidance_warning`)."""
    from tr_nlp.coding.guided import guidance, ranked_codes
    from tr_nlp.coding.language import guidance_warning, training_languages

    if quiet or not segments:
        return
    spoken = training_languages([s.text for s in segments], [s.interview_id for s in segments])
    written = [text for code in ranked_codes(codebook, codes) for text in guidance(code)]
    if said := guidance_warning(spoken, written):
        c.warn(said)


def _warn_fewer_folds(option: str, asked: int, ran: int, quiet: bool) -> None:
    """Say when cross-validation ran fewer folds than asked: one per coded interview."""
    if not quiet and ran < asked:
        c.warn(f"{option} {asked}: {ran} coded interviews, so {ran} folds, each holding one interview out")


def _write_run(output: Path, paths: list[Path], corpus: Corpus, data: CodedData, ev: Evaluation,
               settings: dict[str, Any], seconds: float, model: Path | None, write_html: bool) -> None:
    """The evaluation's tables, the corpus as judged, run.json and (``write_html``) the report:
    a run folder that ``tr-nlp report --run`` reads."""
    from tr_nlp.coding.evaluate import write_evaluation
    from tr_nlp.export import write_json
    from tr_nlp.report import write_report
    from tr_nlp.runfolder import corpus_summary, pooled_agreement, run_record, write_corpus_tables

    segment_codes = data.segment_codes()
    judged = set(data.codes)  # the codings of codes not judged (another role's, say) would read as judged
    codings = [coding for coding in data.codings if coding.code in judged]
    outputs = write_evaluation(ev, output)
    outputs.update(write_corpus_tables(output, corpus.interviews, data.segments, codings, segment_codes))
    summary = {**pooled_agreement(ev), **corpus_summary(corpus, len(data.segments), segment_codes)}
    extra = {"command": "evaluate"} | ({"model": str(model.resolve())} if model is not None else {})
    write_json(run_record([str(p) for p in paths], settings, {"evaluate": seconds}, summary, outputs, **extra),
               output / "run.json")
    if write_html:
        write_report(output, output / "report.html")


def _warn_read_in_part(corpus: Corpus, data: CodedData, quiet: bool) -> None:
    """Say when some interviews judged were read only in part: agreement there is measured
    on passages a model chose (next's lists, suggestions answered in Word)."""
    judged = set(data.groups)
    partly = sorted({r.interview_id for r in corpus.reviewed} & judged)
    if partly and not quiet:
        c.warn(f"{len(partly)} of the {len(judged)} interviews judged were read only in part ({some(partly)}: the "
               "passages marked read, as tr-nlp next's lists and suggestions answered in Word are); there the machine "
               "is compared with a coder only on those passages, which a model chose, so agreement on them need not "
               "hold for whole interviews: code some interviews whole to measure that")


def _coded(corpus: Corpus, data: CodedData) -> list[Interview]:
    """The interviews of ``corpus`` that ``data`` holds segments of."""
    coded = set(data.groups)
    return [iv for iv in corpus.interviews if iv.id in coded]


def _say_what_was_judged(theme: ThemeModel, data: CodedData, asked: bool, has_codebook: bool) -> None:
    """Warn about the model's codes a held-out test cannot judge, or judges with no coder's yes."""
    foreign = [code for code in data.codes if code not in theme.codes]
    if foreign and asked:
        c.warn(f"not judged: {theme.label} does not code {', '.join(foreign)}")
    unknown = [code for code in theme.codes if code not in data.codes]
    if unknown and not asked:
        where = "these interviews' codebook does not have" if has_codebook else "no coding of these interviews uses"
        hint = "" if has_codebook else "; give their codebook (--codebook) to count the model's calls of them"
        c.warn(f"not judged: {where} {', '.join(unknown)} (the model's calls of these codes are not counted{hint})")
    uncoded = [code for code in data.codes if code in theme.codes and not data.target[code].any()]
    if uncoded:
        c.warn(f"no coder gave {', '.join(uncoded)} in these interviews: every call the model makes of them counts "
               "as a disagreement (kappa is 0, or undefined when it makes none)")


def _held_out(loaded: Corpus, theme: ThemeModel, quiet: bool, named: bool = False) -> Corpus:
    """The corpus without the model's training interviews, saying which were left out
    (``named``: naming the model, where two are judged)."""
    from tr_nlp.coding.evaluate import held_out

    evaluated, left = held_out(loaded, theme.card)
    if not quiet and "training_fingerprints" not in theme.card:
        c.warn(f"{theme.label}'s card does not list its training interviews (it was trained before tr_nlp "
               "recorded them): make sure none of these interviews were among them, or the test flatters it")
    same, near = left.same, left.edited
    whose = f"{theme.label}'s" if named else "the model's"
    if same and not quiet:
        shown = some(same)
        c.warn(f"{len(same)} interview(s) were among {whose} training interviews and are left out of this "
               f"held-out test: {shown}")
    if near and not quiet:
        shown = some([f"{iv} ({similarity:.0%})" for iv, similarity in near.items()])
        c.warn(f"{len(near)} interview(s) are edited copies of {whose} training interviews (typos corrected or "
               f"names replaced, say) and are left out too, each with the share of its four-word runs found in a "
               f"training interview: {shown}")
    judge = "by hand and judge the model on them, or cross-validate (leave out --model)"
    if not evaluated.interviews:
        raise ModelError("E185", detail=f"every interview here was used to train {theme.label}; code new interviews "
                                        f"{judge}")
    if loaded.codings and not evaluated.codings:
        raise ModelError("E185", detail=f"every coded interview here was used to train {theme.label}, and the "
                                        f"{len(evaluated.interviews)} it did not see have no human coding "
                                        f"({some([iv.id for iv in evaluated.interviews])}); code some of them {judge}")
    return evaluated


@c.handle_errors
def code(
    model: c.ModelDir,
    output: Annotated[Path, typer.Option("--output", "-o", help=(
        "Write the suggestions as a table (.csv/.parquet/.jsonl); into a .qdpx project (one .qdpx given: that "
        "project with them added); or as comments in Word documents: a .docx (one interview) or a folder (a name "
        "without extension), copies of the interviews' own .docx where they are Word documents."))],
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    unit: c.ModelUnit = None,
    roles: c.ModelRoles = None,
    window: c.Window = None,
    stride: c.Stride = None,
    only_above: Annotated[bool, typer.Option("--only-above", help="Keep only suggestions above threshold.")] = False,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    force: Annotated[bool, typer.Option("--force", help="Write Word documents into a folder that already holds files.")] = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Suggest codes for new interviews (probability, above-threshold flag, the passages that raised the score)."""
    paths = c.transcripts(paths, corpus)
    from tr_nlp.coding import load_model, suggest
    from tr_nlp.coding.suggest import screening

    kind = output_kind(output, force, (*TABLE_SUFFIXES, ".qdpx", ".docx"))  # before the work, not after it
    theme_model = load_model(model)
    loaded = c.load_and_report(paths, c.read_options(preset, speaker_roles=speaker_role), quiet=quiet, output=output)
    one_document(output, loaded)  # before the suggestions are computed
    segmenter = c.model_segmenter(theme_model.card, unit, roles, quiet, window, stride)
    segments = segmenter.segment(loaded.interviews)
    c.warn_no_segments(segmenter, loaded.interviews, quiet)
    c.warn_unlike_training(theme_model.card, loaded.interviews, quiet)
    with c.working("coding", quiet):
        frame = suggest(theme_model, segments, loaded.by_id())
    screened = screening(frame, theme_model.card)
    if only_above:
        frame = frame[frame["above_threshold"]]
    done, how = "", {}
    if kind in TABLE_SUFFIXES:
        write_table(frame, output)
    else:
        said, how = suggestions_out(paths, loaded, frame, theme_model.card, output)
        done = f" ({said})"
    if not quiet:
        above = frame[frame["above_threshold"]]
        c.err.print(f"{len(above)} suggestions above threshold, in {above['interview_id'].nunique()} of "
                    f"{len(loaded.interviews)} interview(s)", highlight=False)
        if sentence := screening_sentence(screened):
            c.err.print(sentence, highlight=False)
    c.out.print(f"suggestions: {output}{done}", highlight=False)
    if kind not in TABLE_SUFFIXES and not quiet:  # how a suggestion becomes coding
        if kind == ".qdpx":
            ways = ["code the suggested passages you agree with under your own name in your QDA software"]
        else:
            ways = [] if all_elan(how) else ["reply 'yes' or 'no' to each suggestion's comment in Word"]
            if "own ELAN file" in how.values():
                ways.append("copy each suggestion you agree with to a code tier of your own in ELAN")
        c.err.print("; ".join(ways) + ", and give the result as --corpus to train and evaluate", highlight=False)
    raise typer.Exit(c.exit_code(loaded))


def screening_sentence(screened: Any) -> str:
    """What pre-screening with these suggestions asks (a :class:`tr_nlp.coding.suggest.Screening`):
    the segments to read, and what reading only those found in cross-validation; empty where
    there is no segment (the warnings say why: no speech of the roles kept, say).

    >>> from tr_nlp.coding.suggest import Screening
    >>> print(screening_sentence(Screening(250, 163, (0.91, 0.96), lowest=("care", "coder_a"))))
    pre-screening: 163 of 250 segments (65%) hold a suggestion; in cross-validation, reading only such segments
    found 91-96% of what a coder coded with each code (the model card's recall; the lowest, care: 91% of coder_a's),
    so the other 87 may be left unread at that cost
    >>> print(screening_sentence(Screening(250, 163, (0.39, 0.77), lowest=("care", "coder_a"),
    ...                                    lowest_interval=(0.254, 0.55))))
    pre-screening: 163 of 250 segments (65%) hold a suggestion; in cross-validation, reading only such segments
    found 39-77% of what a coder coded with each code (the model card's recall; the lowest, care: 39% [25%, 55%] of
    coder_a's), so the other 87 may be left unread at that cost
    >>> print(screening_sentence(Screening(4, 4, (0.4, 0.82), (("neutral", "change", "sustain"),))))
    pre-screening: all 4 segments hold a suggestion, as codes that exclude each other (neutral / change / sustain)
    give each segment one of them: screen by one code's suggestions instead (in cross-validation, they found 40-82% of
    what a coder coded with each code)
    >>> print(screening_sentence(Screening(10, 4)))
    pre-screening: 4 of 10 segments (40%) hold a suggestion; the model card has no cross-validated recall to say
    what leaving the other 6 unread would miss
    >>> screening_sentence(Screening(0, 0, (0.4, 0.82)))
    ''
    """
    if not screened.segments:
        return ""
    found = ""
    if screened.recall is not None:
        lo, hi = (f"{r:.0%}" for r in screened.recall)
        found = hi if lo == hi else f"{lo.removesuffix('%')}-{hi}"
    if screened.groups and screened.flagged == screened.segments:
        named = "; ".join(" / ".join(group) for group in screened.groups)
        return (f"pre-screening: all {screened.segments} segments hold a suggestion, as codes that exclude each other "
                f"({named}) give each segment one of them: screen by one code's suggestions instead"
                + (f" (in cross-validation, they found {found} of what a coder coded with each code)" if found else ""))
    said = (f"pre-screening: {screened.flagged} of {screened.segments} segments "
            f"({screened.flagged / screened.segments:.0%}) hold a suggestion; ")
    if screened.recall is None:
        return (said + "the model card has no cross-validated recall to say what leaving the other "
                f"{screened.skipped} unread would miss")
    lowest = ""
    if screened.lowest is not None and lo != hi:
        code, coder = screened.lowest
        bounds = getattr(screened, "lowest_interval", None)
        lowest = f"; the lowest, {code}: {lo}" + (f" [{bounds[0]:.0%}, {bounds[1]:.0%}]" if bounds else "")
        lowest += f" of {coder}'s" if coder else ""
    return (said + f"in cross-validation, reading only such segments found {found} of what a coder coded with each "
            f"code (the model card's recall{lowest}), so the other {screened.skipped} may be left unread at that cost")


@c.handle_errors
def next_segments(
    model: Annotated[Path | None, typer.Option("--model", help=(
        "A trained model folder. Without one (nothing coded yet), segments are ranked by their likeness to the "
        "description, inclusion criteria and examples of the codebook's codes (--codebook, or the corpus "
        "config's)."))] = None,
    paths: c.Paths = None,
    corpus: c.CorpusOpt = None,
    n: Annotated[int, typer.Option("-n", min=1, help="How many segments to propose.")] = 30,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=(
        "Write the list (.csv/.parquet/.jsonl), a .qdpx project with the passages marked for coding, or Word "
        "documents with them as comments: a .docx (one interview) or a folder (a name without extension)."))] = None,
    codings: c.Codings = None,
    codebook: c.CodebookOpt = None,
    reviewed: c.ReviewedOpt = None,
    codes: Annotated[str | None, typer.Option(
        "--codes", help="Comma-separated codes to rank by (default: all the model's codes; without a model, "
                        "the codebook's).")] = None,
    min_words: Annotated[int, typer.Option("--min-words", min=1, help="Propose no segment of fewer words (a backchannel or a lone 'And' says too little to code); 1 proposes every segment.")] = 3,
    unit: c.ModelUnit = None,
    roles: c.ModelRoles = None,
    window: c.Window = None,
    stride: c.Stride = None,
    preset: c.Preset = None,
    speaker_role: c.SpeakerRole = None,
    force: Annotated[bool, typer.Option("--force", help="Write Word documents into a folder that already holds files.")] = False,
    quiet: c.Quiet = False,
    verbose: c.Verbose = False,
) -> None:
    """Rank uncoded segments to code next (uncertain first, across interviews; no model yet: most like the codebook)."""
    corpus = c.transcripts(paths, corpus)
    from tr_nlp.coding import load_model, rank_next
    from tr_nlp.coding.active import chosen_codes
    from tr_nlp.coding.chain import stretches
    from tr_nlp.coding.guided import rank_by_guidance, unguided
    from tr_nlp.coding.store import card_codebook

    kind = output_kind(output, force, (*TABLE_SUFFIXES, ".qdpx", ".docx")) if output is not None else None
    project, word = kind == ".qdpx", kind in ("", ".docx")
    theme_model = load_model(model) if model is not None else None
    # before the corpus is read
    wanted = chosen_codes(theme_model, _code_list(codes)) if theme_model is not None else _code_list(codes)
    loaded = c.load_and_report(corpus, c.read_options(preset, speaker_roles=speaker_role), None, codings, codebook,
                               quiet, reviewed=reviewed, output=output)
    guide = loaded.codebook if theme_model is None else None
    if theme_model is None and (guide is None or not guide.codes):
        raise ConfigError("E163", detail="next ranks segments with a trained model (--model), or, before anything "
                                         "is coded, by their likeness to a codebook's codes: give --codebook (or "
                                         "name one in the corpus config)")
    if output is not None:
        one_document(output, loaded)  # before the ranking
    # an interview with codings is coded whole, unless --reviewed says which passages were read
    coded = {coding.interview_id for coding in loaded.codings} - {r.interview_id for r in loaded.reviewed}
    uncoded = [iv for iv in loaded.interviews if iv.id not in coded]
    cut = (c.model_segmenter(theme_model.card, unit, roles, quiet, window, stride) if theme_model is not None
           else c.segmenter(unit or "sentence", roles or "participant", window, stride))
    segments = cut.segment(uncoded)
    if theme_model is not None:
        c.warn_unlike_training(theme_model.card, uncoded, quiet)
    runs = None
    if loaded.reviewed:  # the unread rest: passages on either side of a read one are not neighbours
        left = unread_by_anyone(segments, loaded.codings, loaded.reviewed)
        runs = stretches([s.interview_id for s in segments], left)
        segments = [s for s, keep in zip(segments, left) if keep]
    if not segments and not quiet:
        c.warn(f"every segment of the {len(loaded.interviews)} interview(s) is coded or read already; "
               "nothing to propose")
    if guide is not None:
        _warn_guidance_language(guide, segments, wanted, quiet)
        if (bare := unguided(guide, wanted)) and not quiet:
            c.warn(f"code(s) {', '.join(bare)} have no description, inclusion criteria or examples in the codebook, "
                   "so segments are ranked by their likeness to the code's name alone; describe them for a better list")
        with c.working("ranking by the codebook", quiet):
            ranked = rank_by_guidance(guide, segments, n, codes=wanted, min_words=min_words)
    else:
        with c.working("ranking", quiet):
            ranked = rank_next(theme_model, segments, loaded.by_id(), n, codes=wanted, runs=runs, min_words=min_words)
    if len(ranked) < min(n, len(segments)) and not quiet:  # the rest are too short to propose
        c.warn(f"{len(ranked)} of the {len(segments)} segment(s) left to code proposed: the other "
               f"{len(segments) - len(ranked)} have fewer than {min_words} words (--min-words; 1 proposes every segment)")
    if output is not None and word:
        book = card_codebook(theme_model.card, model) if theme_model is not None and model is not None else guide
        done, how = next_word(loaded, ranked, output, book)
        c.out.print(f"next: {output} ({done})", highlight=False)
        if not quiet and not all_elan(how):  # the comments say which passages were read
            c.err.print("code the marked passages in Word (reply to each mark naming its codes, or 'none'; or comment "
                        "the passage under your own name), leave tr_nlp's comments, and give the documents as --corpus "
                        "to train, evaluate and next",
                        highlight=False)
        if not quiet and "own ELAN file" in how.values():
            c.err.print("code the marked passages in ELAN, on a code tier of your own under the speaker's tier (a "
                        "marked passage left uncoded counts as read and coded with nothing), leave tr_nlp's tiers, and "
                        "give the files as --corpus to train, evaluate and next",
                        highlight=False)
    elif output is not None and project:
        done = next_project(corpus, loaded, ranked, output, rebuild=bool(codings or speaker_role))
        c.out.print(f"next: {output} ({done})", highlight=False)
        if not quiet:  # the markings say which passages were read: an interview is not then coded whole
            c.err.print("code the marked passages in your QDA software, leave the markings, and give the project "
                        "it exports as --corpus to train, evaluate and next", highlight=False)
    elif output is not None:
        write_table(ranked, output)
        c.out.print(f"next: {output}", highlight=False)
        if not quiet:  # without it, an interview with one coding would count as coded whole
            c.err.print(f"once these passages are coded, pass --reviewed {output} to train, evaluate and next",
                        highlight=False)
    else:
        view = c.Table(title=f"Code these {len(ranked)} segments {'first' if guide is not None else 'next'}")
        timed, numbered = bool(ranked.timestamp.notna().any()), bool(ranked.line.notna().any())
        why = ("most like", "similarity") if guide is not None else ("uncertain about", "p")
        for col in ("#", "interview", *(["lines"] if numbered else []), *(["at"] if timed else []), *why, "text"):
            view.add_column(col)
        for r in ranked.itertuples():
            view.add_row(str(r.rank), r.interview_id, *([line_range(r.line, r.line_end)] if numbered else []),
                         *([clock(r.timestamp)] if timed else []), r.code,
                         f"{r.similarity if guide is not None else r.probability:.2f}", r.text)
        c.out.print(view)
    raise typer.Exit(c.exit_code(loaded))
