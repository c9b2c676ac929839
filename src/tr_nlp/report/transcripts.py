"""The transcript viewer's data: compact JSON the page renders one interview at a time.

Large corpora stay small and fast: each interview is a list of turns ``[speaker, role,
start, text, time, lines]`` (``time`` in the recording as ``M:SS``, or empty; ``lines``
the lines of the transcript it runs over, ``lines 12-15``, or null) and a list of
annotations ``[start, end, code, source, probability]`` (indices into shared lists; a
suggestion on a new interview adds its evidence, ``"she stayed late; her day off"``, and
where its passages stand, ``[[start, end], ...]``, shown in bold), and the
page builds the DOM only for the interview on screen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tr_nlp.coding.evaluate import MACHINE
from tr_nlp.passages import passage_places
from tr_nlp.report.rundata import RunData
from tr_nlp.schema import clock, evidence_passages, lines_label


def viewer_data(data: RunData, codes: Sequence[str], limit: int | None = None,
                first: Sequence[str] = ()) -> dict[str, Any]:
    """Turns, human codings and machine suggestions per interview, for the page's script.

    With ``limit``, at most that many interviews are included: those in ``first`` (the
    ones the report links to), then the rest in order; ``left_out`` says how many were not.
    """
    chosen = list(data.texts)
    if limit is not None and len(chosen) > limit:
        linked = [i for i in dict.fromkeys(first) if i in data.texts][:limit]
        keep = set(linked)
        keep |= set([i for i in chosen if i not in keep][:limit - len(keep)])
        chosen = [i for i in chosen if i in keep]
    code_index = {c: i for i, c in enumerate(codes)}
    coders = sorted(set(data.codings["coder"].astype(str))) if "coder" in data.codings.columns else []
    sources = [*coders, MACHINE]
    source_index = {s: i for i, s in enumerate(sources)}
    speakers: dict[str, int] = {}
    annotations: dict[str, list[list[Any]]] = {iid: [] for iid in data.texts}
    if not data.codings.empty:
        for r in data.codings.itertuples(index=False):
            if r.code in code_index and r.interview_id in annotations:
                annotations[r.interview_id].append([int(r.start), int(r.end), code_index[r.code],
                                                    source_index[str(r.coder)], None])
    for iid, start, end, code, p, evidence in _machine(data):
        if code in code_index and iid in annotations:
            places = [[start + a, start + b] for a, b in passage_places(data.texts[iid][start:end], evidence)]
            annotations[iid].append([start, end, code_index[code], source_index[MACHINE], round(p, 3),
                                     *([evidence, places] if evidence else [])])
    interviews = []
    turns_of = {str(k): g for k, g in data.turns.groupby("interview_id", sort=False)}
    for iid in chosen:
        text = data.texts[iid]
        turns = turns_of.get(iid)
        rows = [] if turns is None else [
            [speakers.setdefault(str(t.speaker), len(speakers)), str(t.role)[:1], int(t.start),
             text[int(t.start):int(t.end)], clock(getattr(t, "timestamp", None)),
             lines_label(getattr(t, "line", None), getattr(t, "line_end", None)) or None]
            for t in turns.sort_values("start", kind="stable").itertuples(index=False)]
        notes = annotations[iid]
        notes.sort(key=lambda a: (a[0], -a[1], a[2], a[3]))
        interviews.append({"id": iid, "turns": rows, "ann": notes,
                           "coded": any(a[3] != source_index[MACHINE] for a in notes)})
    return {"codes": list(codes), "sources": sources, "speakers": list(speakers), "interviews": interviews,
            "complete": data.turns_complete, "left_out": len(data.texts) - len(chosen)}


def _machine(data: RunData) -> list[tuple[str, int, int, str, float, str]]:
    """Above-threshold suggestions on new interviews (with their evidence, "; "-joined)
    and cross-validated predictions on coded ones (with none)."""
    out: list[tuple[str, int, int, str, float, str]] = []
    s = data.suggestions
    if not s.empty and "above_threshold" in s.columns:
        above = s[s["above_threshold"].astype(bool)]
        said = above["evidence"] if "evidence" in above.columns else [""] * len(above)
        out += [(str(i), int(a), int(b), str(c), float(p), "; ".join(evidence_passages(e)))
                for i, a, b, c, p, e in zip(above["interview_id"], above["start"], above["end"], above["code"],
                                            above["probability"], said)]
    joined = data.scored
    if not joined.empty:
        for code in data.scored_codes:
            hits = joined[joined[f"machine_{code}"].astype(float) > 0.5]
            said = hits[f"evidence_{code}"] if f"evidence_{code}" in hits.columns else [""] * len(hits)
            out += [(str(i), int(a), int(b), code, float(p), "; ".join(evidence_passages(e)))
                    for i, a, b, p, e in zip(hits["interview_id"], hits["start"], hits["end"], hits[f"p_{code}"],
                                             said)]
    return out


def to_script_json(payload: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` can close it)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

