"""Read a run folder (what ``tr-nlp demo``, ``tr-nlp batch`` or ``tr-nlp evaluate -o``
wrote) for the report.

Every table is optional: a batch run has suggestions but no agreement, a corpus
without codings has no model, an evaluation has neither suggestions nor candidates.
Transcript text is rebuilt from the turns (or, for a batch, from the coded segments) at
its original offsets, so every span in every table is cut from one text per interview,
and pseudonymisation can move all of them at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.csvsafe import unguard_frame
from tr_nlp.errors import InputError
from tr_nlp.ingest import Corpus
from tr_nlp.jsonfile import is_number, json_lines, read_json_object
from tr_nlp.privacy import Pseudonymiser, Remapping, pseudonymise_corpus
from tr_nlp.schema import Interview, Turn
from tr_nlp.topics.candidates import read_candidates

_EMPTY = pd.DataFrame()
#: Columns the report reads from each table (a table without them is refused by name).
COLUMNS: dict[str, tuple[str, ...]] = {
    "turns.parquet": ("interview_id", "speaker", "role", "start", "end", "text"),
    "segments.parquet": ("interview_id", "segment_id", "start", "end"),
    "codings.csv": ("interview_id", "start", "end", "code", "coder"),
    "segment_codes.parquet": ("segment_id", "code", "coder"),
    "agreement.csv": ("code", "rater_a", "rater_b", "comparison", "n_segments", "kappa", "kappa_lo", "kappa_hi",
                      "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi", "precision", "recall", "f1",
                      "f1_lo", "f1_hi", "prevalence_a", "prevalence_b"),
    "agreement_characters.csv": ("code", "rater_a", "rater_b", "comparison", "n_characters", "percent", "kappa",
                                 "kappa_lo", "kappa_hi"),
    "agreement_interviews.csv": ("code", "rater_a", "rater_b", "comparison", "n_interviews", "interviews_a",
                                 "interviews_b", "percent", "kappa", "kappa_lo", "kappa_hi", "ac1", "ac1_lo", "ac1_hi",
                                 "recall"),
    "agreement_group.csv": ("code", "raters", "n_raters", "n_units", "alpha", "alpha_lo", "alpha_hi"),
    "agreement_by_subgroup.csv": ("subgroup", "code", "rater_a", "rater_b", "comparison", "n_segments", "n_interviews",
                                  "kappa", "kappa_lo", "kappa_hi", "f1", "f1_lo", "f1_hi", "kappa_vs_rest",
                                  "kappa_vs_rest_lo", "kappa_vs_rest_hi"),
    "model_difference.csv": ("code", "model", "baseline", "coder", "n_segments", "n_interviews", "kappa",
                             "kappa_baseline", "kappa_diff", "kappa_diff_lo", "kappa_diff_hi"),
    "prescreen_difference.csv": ("code", "recall", "model", "baseline", "read_share", "read_share_baseline",
                                 "read_share_diff", "read_share_diff_lo", "read_share_diff_hi"),
    "code_crossings.csv": ("comparison", "rater_a", "rater_b", "code_a", "code_b", "given", "missed", "segments",
                           "instead", "share"),
    "calibration.csv": ("code", "mean_predicted", "observed", "n"),
    "prescreen.csv": ("code", "recall", "read_share", "skip_share", "positives", "segments"),
    "learning_curve.csv": ("code", "train_interviews", "f1", "kappa"),
    "cv_predictions.parquet": ("segment_id",),
    "suggestions.parquet": ("interview_id", "segment_id", "start", "end", "speaker", "code", "probability",
                            "above_threshold"),
    "topics.parquet": ("interview_id", "start", "end", "candidate"),
}
#: Columns of numbers: offsets are whole numbers, never negative or blank; figures may be blank.
_OFFSETS = ("start", "end")
_FIGURES = ("n_segments", "n_characters", "percent", "n_raters", "n_units", "kappa", "kappa_lo", "kappa_hi",
            "alpha", "alpha_lo", "alpha_hi", "ac1", "ac1_lo", "ac1_hi", "precision", "recall", "f1", "f1_lo",
            "f1_hi", "prevalence_a", "prevalence_b", "mean_predicted", "observed", "n", "read_share",
            "skip_share", "positives", "segments", "train_interviews", "probability",
            # read where a table has them (newer runs): u-alpha, a segment's time
            "n_interviews", "n_interviews_coded", "n_interviews_u", "alpha_u", "alpha_u_lo", "alpha_u_hi", "timestamp", "kappa_diff",
            "kappa_diff_lo", "kappa_diff_hi", "alpha_diff", "alpha_diff_lo", "alpha_diff_hi", "f1_lo", "f1_hi",
            "kappa_gain", "kappa_gain_lo", "kappa_gain_hi", "train_share", "read_share_lo", "read_share_hi",
            "precision_lo", "precision_hi", "recall_lo", "recall_hi", "pr_auc", "pr_auc_lo", "pr_auc_hi",
            "kappa_vs_rest", "kappa_vs_rest_lo", "kappa_vs_rest_hi", "kappa_baseline", "interviews_a", "interviews_b",
            "f1_baseline", "f1_diff", "f1_diff_lo", "f1_diff_hi", "read_share_baseline", "read_share_diff",
            "read_share_diff_lo", "read_share_diff_hi", "given", "missed", "instead", "share", "share_lo",
            "share_hi", "coders_instead", "coders_missed", "coders_share", "coders_share_lo", "coders_share_hi")
#: Columns of names (ids, codes, raters): never blank (a topic passage in no candidate has
#: a blank candidate, so that one may be).
_NAMES = ("interview_id", "segment_id", "code", "coder", "rater_a", "rater_b", "comparison", "raters", "subgroup",
          "model", "baseline", "code_a", "code_b")
#: Tables with a pair of figure columns per code (``p_CODE`` and ``machine_CODE``: the
#: cross-validated probability and decision), by the prefixes of the pair.
_PER_CODE = {"cv_predictions.parquet": ("p_", "machine_")}


@dataclass
class RunData:
    """Everything a report shows, read from one run folder."""

    folder: Path
    texts: dict[str, str]            # interview id -> text (turns at their offsets, blanks between)
    turns: pd.DataFrame              # interview_id, turn_index, speaker, role, start, end
    segments: pd.DataFrame = field(default_factory=lambda: _EMPTY)       # interview_id, segment_id, start, end, speaker, role
    codings: pd.DataFrame = field(default_factory=lambda: _EMPTY)        # interview_id, start, end, code, coder
    segment_codes: pd.DataFrame = field(default_factory=lambda: _EMPTY)  # segment_id, interview_id, code, coder
    agreement: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    characters: pd.DataFrame = field(default_factory=lambda: _EMPTY)     # agreement on characters
    interviews: pd.DataFrame = field(default_factory=lambda: _EMPTY)     # agreement on which interviews voice a code
    group: pd.DataFrame = field(default_factory=lambda: _EMPTY)          # alpha of all coders (+ machine)
    subgroups: pd.DataFrame = field(default_factory=lambda: _EMPTY)      # agreement per subgroup (evaluate --by)
    by: str = ""                     # the metadata key of the subgroups (run.json's settings)
    against: pd.DataFrame = field(default_factory=lambda: _EMPTY)        # the model beside another (evaluate --against)
    against_prescreen: pd.DataFrame = field(default_factory=lambda: _EMPTY)  # the two models' pre-screening
    crossings: pd.DataFrame = field(default_factory=lambda: _EMPTY)      # which code a rater gives another's instead
    calibration: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    prescreen: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    learning_curve: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    cv: pd.DataFrame = field(default_factory=lambda: _EMPTY)             # segment_id, p_CODE, machine_CODE
    suggestions: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    topics: pd.DataFrame = field(default_factory=lambda: _EMPTY)
    discovery: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    turns_complete: bool = True      # False for a batch: only the coded participant segments are known
    protocol: str = ""               # how the machine's codes in the agreement tables were made (evaluation.json)
    failed: list[dict[str, str]] = field(default_factory=list)  # a batch's inputs not coded (errors.jsonl): file, code, message
    warnings: list[str] = field(default_factory=list)           # what the run warned of (run.json)

    @property
    def held_out(self) -> bool:
        """The machine's codes come from a trained model tested on held-out interviews, not from cross-validation."""
        return self.protocol.startswith("held-out")

    @property
    def scoring(self) -> str:
        """How the coded interviews' machine codes were made, in a word for captions."""
        return "held-out" if self.held_out else "cross-validated"

    @property
    def codes(self) -> list[str]:
        """Code names: the model's (or those the evaluation scored), then any other the coders
        used, in a stable order."""
        names = [str(c) for c in self.card.get("codes", [])] + self.scored_codes
        for frame in (self.suggestions, self.codings):
            if "code" in frame.columns:
                names += sorted(set(frame["code"].astype(str)) - set(names))
        return list(dict.fromkeys(names))

    @cached_property
    def scored(self) -> pd.DataFrame:
        """Cross-validated predictions with their spans: index segment_id; interview_id, start, end,
        p_CODE, machine_CODE (empty when the run has none)."""
        if self.cv.empty or self.segments.empty:
            return _EMPTY
        spans = self.segments.set_index(self.segments["segment_id"].astype(str))[["interview_id", "start", "end"]]
        return self.cv.set_index(self.cv["segment_id"].astype(str)).join(spans, how="inner")

    @property
    def scored_codes(self) -> list[str]:
        """Codes with cross-validated probabilities."""
        return [c[2:] for c in self.cv.columns if c.startswith("p_")]

    def span_text(self, interview_id: str, start: int, end: int) -> str:
        return self.texts.get(interview_id, "")[start:end]


def load_run(folder: str | Path) -> RunData:
    """Read the outputs in ``folder``; raise :class:`InputError` when it is not a run folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("E220", folder, detail="no such folder")
    run_file = folder / "run.json"
    if not run_file.is_file():
        raise InputError("E220", folder, detail="it has no run.json")
    run = _json(run_file)
    suggestions = read_run_table(folder / "suggestions.parquet")
    turns = read_run_table(folder / "turns.parquet")
    segments = read_run_table(folder / "segments.parquet")
    complete = not turns.empty
    if turns.empty:
        turns, segments = _turns_from_segments(suggestions)
    if turns.empty and segments.empty:
        counts, roles = _within(run, "counts"), _within(_within(run, "settings", "segmenter"), "roles")
        if isinstance(counts, dict) and counts.get("coded") and counts.get("segments_coded") == 0:  # found nothing
            kept = ", ".join(map(str, roles)) if isinstance(roles, list) and roles else "participant"
            raise InputError("E222", folder, inputs=counts["coded"], roles=kept)
        raise InputError("E220", folder, detail="it holds neither turns.parquet nor suggestions")
    texts = _texts(turns)
    candidates_file = folder / "candidates.yaml"
    candidates = read_candidates(candidates_file) if candidates_file.is_file() else []
    card_file = folder / "model" / "card.json"
    if not card_file.is_file() and isinstance(run.get("model"), str):  # a batch names the model it used
        card_file = Path(run["model"]) / "card.json"
    return RunData(
        folder=folder, texts=texts, turns=turns.drop(columns=["text"], errors="ignore"),
        segments=segments.drop(columns=["text"], errors="ignore"),
        codings=read_run_table(folder / "codings.csv").drop(columns=["text"], errors="ignore"),
        segment_codes=read_run_table(folder / "segment_codes.parquet"), agreement=read_run_table(folder / "agreement.csv"),
        characters=read_run_table(folder / "agreement_characters.csv"),
        interviews=read_run_table(folder / "agreement_interviews.csv"),
        group=read_run_table(folder / "agreement_group.csv"),
        subgroups=read_run_table(folder / "agreement_by_subgroup.csv"), by=_by(run, run_file),
        against=read_run_table(folder / "model_difference.csv"),
        against_prescreen=read_run_table(folder / "prescreen_difference.csv"),
        crossings=read_run_table(folder / "code_crossings.csv"),
        calibration=read_run_table(folder / "calibration.csv"), prescreen=read_run_table(folder / "prescreen.csv"),
        learning_curve=read_run_table(folder / "learning_curve.csv"), cv=read_run_table(folder / "cv_predictions.parquet"),
        suggestions=suggestions.drop(columns=["text"], errors="ignore"),
        candidates=candidates,
        topics=read_run_table(folder / "topics.parquet").drop(columns=["text"], errors="ignore"),
        discovery=read_discovery(folder / "discovery.json") if (folder / "discovery.json").is_file() else {},
        card=_json(card_file) if card_file.is_file() else {}, turns_complete=complete,
        protocol=_protocol(folder / "evaluation.json"),
        failed=_failed(folder / "errors.jsonl"), warnings=_warnings(run, run_file),
    )


def _failed(path: Path) -> list[dict[str, str]]:
    """A batch's inputs that could not be coded, from ``errors.jsonl`` (none without one)."""
    if not path.is_file():
        return []
    failed = []
    for number, line in enumerate(json_lines(path.read_text(encoding="utf-8")), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError("E221", path, detail=f"line {number} is not JSON ({exc.msg})") from None
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("file", "message")):
            raise InputError("E221", path, detail=f"line {number} is not an object with a file and a message")
        failed.append({"file": entry["file"], "code": str(entry.get("code") or ""), "message": entry["message"]})
    return failed


def _warnings(run: dict[str, Any], path: Path) -> list[str]:
    """What the run warned of (``run.json``'s ``warnings_in_short``, a warning said of many
    inputs in one line, or, in runs written before it, ``warnings``; none for runs that keep
    none)."""
    key = "warnings_in_short" if "warnings_in_short" in run else "warnings"
    warnings = run.get(key, [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise InputError("E221", path, detail=f"its {key!r} is not a list of texts")
    return warnings


def _by(run: dict[str, Any], path: Path) -> str:
    """The metadata key an evaluation gave agreement by (``run.json``'s ``settings.by``; blank without one)."""
    by = _within(run, "settings").get("by")
    if by is not None and not isinstance(by, str):
        raise InputError("E221", path, detail="its 'settings.by' is not text")
    return by or ""


def _protocol(path: Path) -> str:
    """The evaluation's protocol from ``evaluation.json`` (blank without one)."""
    if not path.is_file():
        return ""
    protocol = _json(path).get("protocol", "")
    if not isinstance(protocol, str):
        raise InputError("E221", path, detail="its 'protocol' is not text")
    return protocol


def _moved_cv(data: RunData, moved: Remapping) -> pd.DataFrame:
    """The cross-validated predictions on the pseudonymised texts: segment ids renamed, and
    each ``evidence_CODE`` passage cut again from the new text where its segment stood
    (:meth:`~tr_nlp.privacy.Remapping.passages`)."""
    cv = moved.frame(data.cv)
    said = [c for c in data.cv.columns if str(c).startswith("evidence_")]
    if not said or data.cv.empty:
        return cv
    spans = data.segments.set_index(data.segments["segment_id"].astype(str))[["interview_id", "start", "end"]]
    where = spans.reindex(data.cv["segment_id"].astype(str))
    for column in said:
        cv[column] = [moved.passages(e, str(i) if isinstance(i, str) else "", int(a), int(b))
                      for e, i, a, b in zip(data.cv[column], where["interview_id"], where["start"].fillna(0),
                                            where["end"].fillna(0))]
    return cv


def pseudonymise_run(data: RunData, pseudonymiser: Pseudonymiser) -> RunData:
    """``data`` with speaker names, listed names, contact details and dates replaced everywhere."""
    turns = data.turns.sort_values(["interview_id", "start"], kind="stable")
    turns_of = {str(k): g for k, g in turns.groupby("interview_id", sort=False)}
    interviews = [Interview(iid, text, tuple(Turn(str(t.speaker), t.role, int(t.start), int(t.end))
                                             for t in turns_of[iid].itertuples(index=False)) if iid in turns_of else ())
                  for iid, text in data.texts.items()]
    _, moved = pseudonymise_corpus(Corpus(interviews=interviews), pseudonymiser)
    layout = [{**p, "name": pseudonymiser.identifier(str(p.get("name", "")))} for p in data.discovery.get("map", [])]
    return replace(
        data, texts=dict(moved.texts), turns=moved.frame(data.turns), segments=moved.frame(data.segments),
        codings=moved.frame(data.codings), segment_codes=moved.frame(data.segment_codes), cv=_moved_cv(data, moved),
        suggestions=moved.frame(data.suggestions), topics=moved.frame(data.topics),
        candidates=[moved.candidate(c) for c in data.candidates], discovery={**data.discovery, "map": layout},
        failed=[{k: pseudonymiser.text(v) for k, v in f.items()} for f in data.failed],
        warnings=[pseudonymiser.text(w) for w in data.warnings],
    )


#: Most characters between two segments of one turn (a space, a line break, a blank line):
#: more between them is text a batch run did not keep, such as another speaker's turn.
_SAME_TURN_GAP = 2


def _turns_from_segments(suggestions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A batch run keeps only coded segments: each run of one speaker's segments with
    nothing left out between them (:data:`_SAME_TURN_GAP`) becomes a turn."""
    if suggestions.empty:
        return _EMPTY, _EMPTY
    if "timestamp" not in suggestions.columns:  # written before suggestions had times
        suggestions = suggestions.assign(timestamp=float("nan"))
    for column in ("line", "line_end"):  # or line numbers
        if column not in suggestions.columns:
            suggestions = suggestions.assign(**{column: pd.NA})
    segments = (suggestions.drop_duplicates("segment_id")
                [["interview_id", "segment_id", "start", "end", "speaker", "timestamp", "line", "line_end", "text"]]
                .sort_values(["interview_id", "start"], kind="stable").reset_index(drop=True))
    segments["role"] = "participant"
    rows: list[dict[str, Any]] = []
    for row in segments.itertuples(index=False):
        last = rows[-1] if rows else None
        gap = row.start - last["end"] if last else 0
        if last and last["interview_id"] == row.interview_id and last["speaker"] == row.speaker \
                and gap <= _SAME_TURN_GAP:
            if row.end > last["end"]:  # windows may overlap the last
                last["text"] += " " * max(gap, 0) + str(row.text)[max(-gap, 0):]
                last["end"], last["line_end"] = int(row.end), row.line_end
        else:
            rows.append({"interview_id": row.interview_id, "turn_index": len(rows), "speaker": row.speaker,
                         "role": "participant", "start": int(row.start), "end": int(row.end),
                         "timestamp": row.timestamp, "line": row.line, "line_end": row.line_end,
                         "text": str(row.text)})
    return pd.DataFrame(rows), segments


def _texts(turns: pd.DataFrame) -> dict[str, str]:
    """One text per interview with each turn's words at their offsets and blanks between."""
    texts: dict[str, str] = {}
    for iid, group in turns.groupby("interview_id", sort=False):
        buffer = [" "] * int(group["end"].max())
        for start, text in zip(group["start"], group["text"]):
            buffer[int(start):int(start) + len(text)] = list(str(text))
        texts[str(iid)] = "".join(buffer)
    return texts


def read_run_table(path: Path) -> pd.DataFrame:
    """A table of a run folder (Parquet or CSV); empty when it is absent.

    Raises
    ------
    InputError
        E221 naming the file when it cannot be parsed, lacks the columns the report
        reads from it (:data:`COLUMNS`), holds something else where those columns hold
        numbers (:func:`number_column`), or a span that ends before it starts.
    """
    if not path.exists():
        return _EMPTY
    try:
        frame = (pd.read_parquet(path) if path.suffix == ".parquet"
                 else unguard_frame(pd.read_csv(path, keep_default_na=False, na_values=[""])))
    except Exception as exc:  # noqa: BLE001 - any parser error: name the file
        raise InputError("E221", path, detail=f"{type(exc).__name__}: {exc}") from None
    read = [c for c in COLUMNS.get(path.name, ()) if c in frame.columns]
    missing = [c for c in COLUMNS.get(path.name, ()) if c not in frame.columns]
    if missing and len(frame.columns):
        raise InputError("E221", path, detail=f"it lacks the column(s) {', '.join(missing)}")
    per_code = _PER_CODE.get(path.name, ())
    unpaired = _unpaired(frame.columns, *per_code) if per_code else None
    if unpaired:
        raise InputError("E221", path, detail=f"it has the column {unpaired[0]!r} without {unpaired[1]!r}")
    for column in frame.columns:
        if column in _OFFSETS and column in read:
            frame[column] = number_column(frame[column], path, whole=True)
        elif column in _FIGURES:
            frame[column] = number_column(frame[column], path, whole=False)
        elif per_code and str(column).startswith(per_code):  # every scored segment has both
            frame[column] = number_column(frame[column], path, whole=False, blank=False)
        elif column in _NAMES and column in read and (blank := _blanks(frame[column])).any():
            row = int(blank.to_numpy().argmax())
            raise InputError("E221", path, detail=f"column '{column}' is blank in data row {row + 1}; expected a name")
    if set(_OFFSETS) <= set(read) and (reversed_ := frame["start"] > frame["end"]).any():
        row = int(reversed_.to_numpy().argmax())
        raise InputError("E221", path, detail=f"data row {row + 1} starts at {frame['start'].iloc[row]} after its "
                                              f"end {frame['end'].iloc[row]}")
    if "interview_id" in frame.columns:
        frame["interview_id"] = frame["interview_id"].astype(str)
    return frame


def _blanks(values: pd.Series) -> pd.Series:
    """Which cells are empty or hold only spaces."""
    return values.isna() | (values.astype(str).str.strip() == "")


def _unpaired(columns: pd.Index, first: str, second: str) -> tuple[str, str] | None:
    """A code's column of one prefix without its twin of the other (``p_CODE`` without
    ``machine_CODE``, or the other way round), as ``(found, missing)``: the report reads
    them in pairs."""
    names = set(map(str, columns))
    for column in sorted(names):
        for have, need in ((first, second), (second, first)):
            if column.startswith(have) and need + column[len(have):] not in names:
                return column, need + column[len(have):]
    return None


def number_column(values: pd.Series, path: Path, whole: bool, blank: bool = True) -> pd.Series:
    """``values`` as numbers, or E221 naming ``path`` and the first row that holds none.

    ``whole`` columns (character offsets) hold whole numbers, 0 or more, never a blank;
    other columns (figures, scores) may be blank, read as NaN, unless ``blank`` is False.
    A table edited by hand (a CSV opened and saved in a spreadsheet) can hold text where
    numbers are read.
    """
    numbers = pd.to_numeric(values, errors="coerce")
    blanks = _blanks(values)
    bad = numbers.isna() & ~blanks
    if whole or not blank:
        bad |= blanks
    if whole:
        bad |= (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        value = values.iloc[row]
        shown = "a blank" if blanks.iloc[row] else repr(value) if isinstance(value, str) else str(value)
        expected = ("a whole number of characters, 0 or more" if whole else "a number or a blank" if blank
                    else "a number")
        raise InputError("E221", path, detail=f"column '{values.name}' holds {shown} in data row {row + 1}; "
                                              f"expected {expected}")
    return numbers.astype("int64") if whole else numbers  # counts stay whole numbers


def _within(data: Any, *keys: str) -> Any:
    """``data[key1][key2]...`` of a JSON object, ``{}`` where a step is missing or not an object."""
    for key in keys:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return data


def _json(path: Path) -> dict[str, Any]:
    return read_json_object(path, InputError, "E221")


def read_discovery(path: Path) -> dict[str, Any]:
    """``discovery.json`` (what ``tr-nlp discover`` wrote beside the candidates), checked
    where the report reads it: E221 naming the file when its topic map is not a list of
    points, its centring not an object with a number for the share it reports, or the
    interviews it searched not a list of ids."""
    data = _json(path)
    layout = data.get("map") or []
    if not isinstance(layout, list) or not all(_map_point(p) for p in layout):
        raise InputError("E221", path, detail="its 'map' is not a list of points with a name, a kind, numbers x and "
                                              "y, and a size for a candidate")
    how = data.get("centring") or {}
    if not isinstance(how, dict) or (how.get("decided") == "auto" and not is_number(how.get("between_interview_share"))):
        raise InputError("E221", path, detail="its 'centring' is not an object with the share of variance between "
                                              "interviews as a number")
    searched = data.get("interview_ids", [])
    if not isinstance(searched, list) or not all(isinstance(i, str) for i in searched):
        raise InputError("E221", path, detail="its 'interview_ids' is not a list of interview ids")
    return data


def _map_point(point: Any) -> bool:
    """Whether a topic-map entry has what the report draws: a name and kind, x and y, and
    a candidate's size."""
    return (isinstance(point, dict) and "name" in point and "kind" in point
            and all(is_number(point.get(k)) for k in ("x", "y"))
            and (point["kind"] != "candidate" or is_number(point.get("size"))))
