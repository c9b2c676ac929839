"""From a coded corpus to training data and a fitted, documented :class:`ThemeModel`.

Training segments are those of interviews at least one coder coded. The target of a
segment is, by default, every code any coder gave it (``"union"``); ``"majority"`` keeps
codes more than half of the coders who coded the interview gave; ``"coder:NAME"`` trains
on one coder's judgement. ``codes`` picks the codes to learn (default: every code of the
codebook that is coded), and ``aggregate`` counts each coding for the codes above its code
in a nested codebook too, so a theme coded only through its sub-codes can be learned.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tr_nlp.codebook import (
    check_code_names,
    code_key,
    codebook_hash,
    codebook_to_dict,
    with_parent_codes,
)
from tr_nlp.coding.chain import stretches
from tr_nlp.coding.classifier import FINETUNE, make_theme_classifier, parse_objective, reads_context
from tr_nlp.coding.language import training_languages
from tr_nlp.coding.store import ThemeModel
from tr_nlp.coding.suggest import informative_terms
from tr_nlp.coding.writing import writing
from tr_nlp.errors import ConfigError, ModelError
from tr_nlp.features.context import context_frame, without_time_marks
from tr_nlp.hashing import text_fingerprint, text_sketch
from tr_nlp.ingest import Corpus
from tr_nlp.schema import Codebook, Coding, Reviewed, Segment
from tr_nlp.segment import Segmenter, coder_coverage, label_matrix, map_codings, unread
from tr_nlp.segment.mapping import roles_under, unplaced_codings
from tr_nlp.versions import library_versions

log = logging.getLogger(__name__)

INTENDED_USE = (
    "Suggests codes for segments of new interviews so that human coders can read the most "
    "likely passages first (pre-screening) and check the machine against their own coding. "
    "Suggestions are not codings: a person decides."
)
LIMITS = (
    "Learns only the codebook and coding style of the team that coded the training "
    "interviews; quality on other settings, speakers or languages is unknown until measured "
    "with tr-nlp evaluate. Rare codes (few training positives) are unreliable. Probabilities are "
    "calibrated on the training interviews only. Codes decoded along the interview read each "
    "segment with its neighbours: score whole interviews in reading order, since an excerpt "
    "scored alone gets different probabilities. The model file holds its TF-IDF vocabulary: the "
    "words, word pairs and 3-5 character strings of the training transcripts, names included, "
    "so share it only where those may go, or train on a pseudonymised corpus (tr-nlp train "
    "--pseudonymise)."
)

FINETUNE_CARD = (
    "mean of two models' probabilities (weights in the card's finetune section): all-MiniLM-L6-v2 fine-tuned "
    "end to end with a linear head (per-code sigmoid, positive-class weights, Platt-calibrated on held-out "
    "interviews), and the linear model ({linear}); thresholds chosen on the blended probabilities "
    "of the held-out interviews"
)


@dataclass
class CodedData:
    """Segments of the coded interviews with their targets and each coder's labels."""

    segments: list[Segment]
    target: pd.DataFrame           # segment_id x codes, 0/1
    humans: dict[str, pd.DataFrame]  # coder -> segment_id x codes, 0/1/NaN (not coded)
    codes: list[str]
    frame: pd.DataFrame            # context_frame of the segments (text + dialogue context)
    exclusive: tuple[tuple[int, ...], ...] = ()  # column indices of mutually exclusive groups
    absent: tuple[str, ...] = ()  # codebook codes no segment carries: not learned
    segmenter: Segmenter = field(default_factory=Segmenter)  # how the segments were cut; a model codes new text the same way
    aggregated: bool = False  # codings counted for the codes above theirs in the codebook
    codings: tuple[Coding, ...] = ()  # the human codings of the coded interviews (with parents' if aggregated)
    reviewed: tuple[Reviewed, ...] = ()  # passages read in interviews coded only in part
    stretches: np.ndarray | None = None  # per segment, the stretch read in a row (None: its interview)
    rule: str = "union"  # how the coders' labels became the target: union, majority or coder:NAME
    #: per coded interview, the offsets where its turns begin (agreement on characters keeps
    #: a coded passage within its turn); empty: each interview's compared text is one stretch
    turn_starts: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: the codings of the coded interviews on speech no segment holds (an interviewer's, say,
    #: where participants' turns are segmented): they teach and test nothing
    unplaced: tuple[Coding, ...] = ()
    #: the roles of the turns :attr:`unplaced` codings are on, most codings first
    unplaced_roles: tuple[str, ...] = ()

    def inputs(self, context: bool, rows: np.ndarray | None = None) -> Any:
        """Model input for ``rows``: the context frame, or the texts alone."""
        frame = self.frame if rows is None else self.frame.iloc[rows].reset_index(drop=True)
        return frame if context else frame["text"].tolist()

    @property
    def texts(self) -> list[str]:
        """The segments' texts as models read them (without time marks)."""
        return [without_time_marks(s.text) for s in self.segments]

    def restricted(self, codes: Sequence[str]) -> CodedData:
        """The same segments with only ``codes`` (some of :attr:`codes`, in the order given)."""
        codes = list(codes)
        if codes == self.codes:
            return self
        index = {c: i for i, c in enumerate(codes)}
        groups = (tuple(index[self.codes[j]] for j in group if self.codes[j] in index) for group in self.exclusive)
        return replace(self, target=self.target[codes], humans={k: h[codes] for k, h in self.humans.items()},
                       codes=codes, exclusive=tuple(g for g in groups if len(g) >= 2),
                       codings=tuple(c for c in self.codings if c.code in index))

    @property
    def groups(self) -> np.ndarray:
        return np.array([s.interview_id for s in self.segments])

    @property
    def runs(self) -> np.ndarray:
        """Which segments follow each other, for decoding codes along them: each interview,
        or in an interview read only in part each stretch of passages read in a row
        (:func:`~tr_nlp.coding.chain.stretches`)."""
        return self.groups if self.stretches is None else self.stretches

    @property
    def interview_of(self) -> pd.Series:
        return pd.Series(self.groups, index=self.target.index)

    def segment_codes(self) -> pd.DataFrame:
        """Each coder's codes per segment, as they are compared: one row (``segment_id,
        interview_id, code, coder``) per code a coder gave a segment."""
        parts = []
        for coder, labels in self.humans.items():
            given = labels.stack()
            given = given[given == 1].index
            segment_ids = given.get_level_values(0)
            parts.append(pd.DataFrame({"segment_id": segment_ids, "interview_id": self.interview_of[segment_ids].to_numpy(),
                                       "code": given.get_level_values(1), "coder": coder}))
        columns = {"segment_id": "string", "interview_id": "string", "code": "string", "coder": "string"}
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(columns))
        return frame.astype(columns).sort_values(["segment_id", "coder", "code"], kind="stable").reset_index(drop=True)


#: What a model learns from the coders' labels, by ``coded_data``'s ``target`` (the card's words).
_RULES = {"union": "every coder's codings (a segment any coder coded)",
          "majority": "the majority (a segment more than half of the coders who read it coded)"}
#: The prefix of the ``target`` that learns one coder's codings alone (``coder:NAME``).
_ONE_CODER = "coder:"


def coded_data(
    corpus: Corpus,
    segmenter: Segmenter = Segmenter(),
    codes: Sequence[str] | None = None,
    target: str = "union",
    overlap: float = 0.5,
    aggregate: bool = False,
    keep_uncoded: bool = False,
) -> CodedData:
    """Build :class:`CodedData` from a corpus with human codings.

    A code of ``codes`` (or of the codebook) that no segment carries is left out of
    :attr:`CodedData.codes` and named in :attr:`CodedData.absent`, as nothing can be
    learned from it; with ``keep_uncoded`` it stays, coded 0 wherever a coder coded, since a
    held-out test counts a model's calls of a code the coders never gave.

    In an interview coded only in part (one with :attr:`Corpus.reviewed` passages), a
    coder rated only the segments they read (:func:`~tr_nlp.segment.unread`); a segment
    nobody read is left out, not taken as carrying no code.

    ``target`` is ``union``, ``majority`` or ``coder:NAME`` (one coder's codings alone; the
    name in any case or spacing, :func:`~tr_nlp.codebook.code_key`).

    Raises
    ------
    ConfigError
        E163 for a code in ``codes`` that the codebook (or, without one, the codings) does
        not have, for ``aggregate`` without a codebook, and for an unknown ``target``.
    ModelError
        E185 when the corpus has no codings.
    """
    coverage = coder_coverage(corpus.codings, corpus.reviewed)
    if not corpus.codings:
        if corpus.codings_above:  # interviews given below their corpus folder: its codings.csv was not read
            root = shown_path(corpus.codings_above[0])
            raise ModelError("E185", detail=f"no human codings of the interviews read; {root / 'corpus.yaml'}, above "
                                            f"them, names codings, but is read only where its folder is given: pass "
                                            f"{root} (or the codings with --codings)")
        raise ModelError("E185", detail="no human codings of the interviews read; pass them with --codings (given, "
                                        "see the warnings above for codings of interviews not read)")
    codings = corpus.codings
    if aggregate:
        if corpus.codebook is None:
            raise ConfigError("E163", detail="--aggregate needs a codebook that nests codes (parent:); pass --codebook")
        codings = with_parent_codes(codings, corpus.codebook)
    coded_ids = set().union(*coverage.values())
    segments = everything = segmenter.segment([iv for iv in corpus.interviews if iv.id in coded_ids])
    mapped = map_codings(segments, codings, overlap)
    present = set(mapped["code"])
    known = corpus.codebook.names if corpus.codebook else sorted({c.code for c in codings})
    check_code_names(codes or (), known, "in the codebook" if corpus.codebook else "in the codings")
    wanted = known if codes is None else list(dict.fromkeys(codes))
    unplaced = unplaced_codings(segments, _of_codes(corpus.codings, wanted, corpus.codebook if aggregate else None),
                                overlap)
    absent = [] if keep_uncoded else [c for c in wanted if c not in present]
    codes = [c for c in wanted if c not in absent]
    humans = {c: label_matrix(segments, mapped, codes, [c], coverage) for c in sorted(coverage)}
    if corpus.reviewed:  # passages nobody read are no evidence either way: left out
        for coder, mask in unread(segments, codings, corpus.reviewed, overlap).items():
            humans[coder].loc[mask] = np.nan
        read = ~np.logical_and.reduce([h.isna().all(axis=1).to_numpy() for h in humans.values()])
        segments = [s for s, keep in zip(segments, read) if keep]
        humans = {c: h[read] for c, h in humans.items()}
    if target.startswith(_ONE_CODER):  # the coder as the codings name them (coder:Coder B for coder_b)
        named = target.removeprefix(_ONE_CODER)
        target = _ONE_CODER + next((coder for coder in humans if code_key(coder) == code_key(named)), named)
    if target == "union":
        y = label_matrix(segments, mapped, codes)
    elif target == "majority":
        stacked = np.stack([h.to_numpy() for h in humans.values()])
        with np.errstate(invalid="ignore"):
            y = pd.DataFrame((np.nanmean(stacked, axis=0) > 0.5).astype(float), index=humans[next(iter(humans))].index,
                             columns=codes)
    elif target.startswith(_ONE_CODER) and target.removeprefix(_ONE_CODER) in humans:
        y = humans[target.removeprefix(_ONE_CODER)]
        keep = y.notna().all(axis=1).to_numpy()
        segments = [s for s, k in zip(segments, keep) if k]
        y = y[keep]
        humans = {c: h[keep] for c, h in humans.items()}
    else:
        raise ConfigError("E163", detail=f"target {target!r}; expected union, majority or coder:NAME "
                          f"with one of {sorted(humans)}")
    frame = context_frame(segments, corpus.by_id())
    kept = {s.segment_id for s in segments}
    runs = stretches([s.interview_id for s in everything], [s.segment_id in kept for s in everything])
    turn_starts = {iv.id: tuple(t.start for t in iv.turns) for iv in corpus.interviews if iv.id in coded_ids}
    return CodedData(segments, y.fillna(0).astype(int), humans, codes, frame,
                     exclusive_groups(codes, corpus.codebook), tuple(absent), segmenter, aggregate, tuple(codings),
                     tuple(corpus.reviewed), runs, target, turn_starts, tuple(unplaced),
                     roles_under(unplaced, corpus.by_id()))


def _of_codes(codings: Sequence[Coding], codes: Sequence[str], codebook: Codebook | None = None) -> list[Coding]:
    """The ``codings`` of ``codes``, or, with ``codebook`` (codes aggregated from their
    children), of a code below one of them.

    >>> from tr_nlp.codebook import codebook_from_dict
    >>> book = codebook_from_dict({"codes": [{"name": "core"}, {"name": "time", "parent": "core"}, {"name": "x"}]})
    >>> codings = [Coding("i", 0, 5, "time", "A"), Coding("i", 0, 5, "x", "A")]
    >>> [c.code for c in _of_codes(codings, ["core"])], [c.code for c in _of_codes(codings, ["core"], book)]
    ([], ['time'])
    """
    wanted = set(codes)
    if codebook is not None:  # each code coded, with the codes above it: one of them wanted
        coded = {coding.code: coding for coding in codings}
        wanted = {code for code, coding in coded.items()
                  if any(c.code in wanted for c in with_parent_codes([coding], codebook))}
    return [coding for coding in codings if coding.code in wanted]


def shown_path(path: Path) -> Path:
    """``path`` below the working folder as relative to it, as a user would type it; else as it is.

    >>> str(shown_path(Path.cwd() / "corpora" / "demo")), str(shown_path(Path("/elsewhere")))
    ('corpora/demo', '/elsewhere')
    """
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def exclusive_groups(codes: Sequence[str], codebook: Codebook | None) -> tuple[tuple[int, ...], ...]:
    """Column indices of the codebook's mutually exclusive groups among ``codes``."""
    if codebook is None:
        return ()
    index = {c: i for i, c in enumerate(codes)}
    groups = (tuple(index[c] for c in members if c in index) for members in codebook.groups.values())
    return tuple(g for g in groups if len(g) >= 2)


def linear_head_card(C: float, independent: bool, exclusive: bool) -> str:
    """The card's description of the linear head: per-code models, exclusive-group models, or both."""
    parts = []
    if independent:
        parts.append(f"per-code logistic regression (C={C}, balanced class weights), Platt-calibrated on inner "
                     "grouped CV, decoded along each interview as a two-state Markov chain of a strength chosen "
                     "on the same CV (chain_strengths; 0 = off) and Platt-recalibrated on its decoded out-of-fold "
                     "probabilities, thresholds chosen on those")
    if exclusive:
        parts.append("each exclusive group: one-vs-rest linear SVM (balanced class weights) over its codes and "
                     "none, C chosen on inner grouped CV, temperature-scaled, then decoded along each interview "
                     "as a Markov chain of a strength chosen on the same CV (chain_strengths; 0 = off) and "
                     "temperature-scaled again, then each option's log-probability shifted so that its mean "
                     "out-of-fold probability is its share; the option the class-balanced model picks wins (the "
                     "most probable before that shift)")
    return "; ".join(parts)


def train_model(
    data: CodedData,
    features: str = "both",
    objective: str = "f1",
    C: float = 4.0,
    name: str = "theme-model",
    corpus: Corpus | None = None,
    cache_dir: str | None = None,
    context: bool = False,
    seed: int = 0,
) -> ThemeModel:
    """Fit the text -> codes pipeline on all of ``data`` and write its card fields.

    ``seed`` is the ``random_state`` of the inner cross-validation (and of fine-tuning), so
    training twice on the same data with the same seed gives the same model.
    """
    parse_objective(objective)
    positives = data.target.sum(axis=0)
    if (positives < 2).all():
        raise ModelError("E185", detail="no code has 2 or more coded segments")
    exclusive = data.exclusive
    grouped = {j for group in exclusive for j in group}
    pipeline = make_theme_classifier(features, cache_dir, context, C=C, objective=objective, exclusive=exclusive,
                                     random_state=seed)
    finetune = features == FINETUNE
    dialogue = " + dialogue context (the other speaker's turns before and after)" if context else ""
    context = reads_context(features, context)
    linear = linear_head_card(C, len(data.codes) > len(grouped), bool(exclusive))
    log.info("fitting %s on %d segments of %d interviews, %d code(s)", features, len(data.segments),
             len(set(data.groups)), len(data.codes))
    started = time.perf_counter()
    pipeline.fit(data.inputs(context), data.target.to_numpy(), head__groups=data.groups, head__runs=data.runs)
    log.info("fitted in %.1f s", time.perf_counter() - started)
    # the CodeClassifier, alone or as the linear part of a --finetune blend
    linear_head = ThemeModel(pipeline, data.codes).linear.named_steps["head"]
    codebook = corpus.codebook if corpus is not None else None
    card = {
        "name": name,
        "version": dt.date.today().isoformat(),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "features": ("fine-tuned all-MiniLM-L6-v2 on (segment, the other speaker's previous and next turns) pairs, "
                     f"averaged with a model on both{dialogue}" if finetune else features + dialogue),
        "context": context,
        "classifier": (FINETUNE_CARD.format(linear=linear) if finetune else linear),
        "objective": objective,
        "seed": seed,
        # so that coding interviews in another language is said (tr_nlp.coding.language)
        "languages": training_languages(data.texts, data.groups),
        # and interviews written otherwise, a speech recogniser's without punctuation (tr_nlp.coding.writing)
        "writing": writing(data.texts),
        # codes of an exclusive group have no threshold: the group's most probable option wins
        "thresholds": [None if j in grouped else float(t)
                       for j, t in enumerate(pipeline.named_steps["head"].thresholds_)],
        "exclusive_groups": [[data.codes[j] for j in g] for g in exclusive],
        "chain_strengths": [0.0 if chain is None else float(chain[2])
                            for chain in getattr(linear_head, "group_chains_", [])],
        "code_chain_strengths": [None if chain is None else float(chain[2])
                                 for chain in getattr(linear_head, "code_chains_", [None] * len(data.codes))],
        "positives": [int(p) for p in positives],
        "training_data": {
            "interviews": len(set(data.groups)),
            "segments": len(data.segments),
            "coders": ", ".join(sorted(data.humans)),
            "learned from": _RULES.get(data.rule)
            or f"{data.rule.removeprefix(_ONE_CODER)}'s codings alone, on the segments they read",
            "unit": data.segmenter.unit,
            "speaker roles": ", ".join(data.segmenter.roles),
            **({"codings of sub-codes count for their parent codes": True} if data.aggregated else {}),
            # interviews coded in part: only the passages read count (a passage unread is no "no")
            **({"passages read in partly coded interviews": len(data.reviewed)} if data.reviewed else {}),
        },
        # tr-nlp code, next and batch cut new interviews the same way unless told otherwise
        "segmenter": data.segmenter.settings(),
        "codebook_name": codebook.name if codebook else "",
        "codebook_sha256": codebook_hash(codebook) if codebook else "",
        # so that Word documents of its suggestions read back with it (see card_codebook); not
        # its examples, often a participant's words, which a card shared with the model must not hold
        "codebook": codebook_to_dict(replace(codebook, codes=tuple(replace(code, examples=()) for code in codebook.codes)))
        if codebook else None,
        "versions": library_versions(),
        "intended_use": INTENDED_USE,
        "limits": LIMITS,
    }
    if corpus is not None:  # so that tr-nlp evaluate --model can leave them out of a held-out test
        trained_on = set(data.groups)
        texts = [iv.text for iv in corpus.interviews if iv.id in trained_on]
        card["training_fingerprints"] = sorted({text_fingerprint(text) for text in texts})
        card["training_sketches"] = sorted({text_sketch(text) for text in texts})
    model = ThemeModel(pipeline, data.codes, card)
    card["top_terms"] = informative_terms(model, texts=data.texts, groups=data.groups)
    return model
