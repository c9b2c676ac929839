"""Move span tables (suggestions, topics, quotes) onto pseudonymised interviews."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from tr_nlp.privacy.pseudonymise import OffsetMap, Pseudonymiser


def remap_frame(frame: pd.DataFrame, pseudonymiser: Pseudonymiser, maps: Mapping[str, OffsetMap],
                new_ids: Mapping[str, str], texts: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with ``interview_id``, ``start``, ``end`` moved to the new texts.

    A ``text`` column is cut again from the new interview text, so it holds no detail
    the pseudonymiser replaced; ``segment_id``, ``speaker``, ``evidence`` and
    ``candidate`` columns are pseudonymised too. Rows of interviews not in ``new_ids``
    are dropped.
    """
    keep = frame["interview_id"].astype(str).isin(new_ids.keys())
    out = frame[keep].copy()
    old = out["interview_id"].astype(str).tolist()
    ids = [new_ids[i] for i in old]
    out["interview_id"] = ids
    if "segment_id" in out.columns:
        out["segment_id"] = [n + str(s)[len(o):] if str(s).startswith(o) else pseudonymiser.text(str(s))
                             for o, n, s in zip(old, ids, out["segment_id"])]
    if "speaker" in out.columns:
        out["speaker"] = [pseudonymiser.speaker(str(s)) for s in out["speaker"]]
    if "evidence" in out.columns:
        out["evidence"] = ["; ".join(pseudonymiser.word(t) for t in str(e).split("; ")) if e else ""
                           for e in out["evidence"].fillna("")]
    if "candidate" in out.columns:
        out["candidate"] = [pseudonymiser.identifier(str(n)) for n in out["candidate"]]
    out["start"] = [maps[i].start(int(s)) for i, s in zip(ids, out["start"])]
    out["end"] = [maps[i].end(int(e)) for i, e in zip(ids, out["end"])]
    if "text" in out.columns:
        out["text"] = [texts[i][s:e] for i, s, e in zip(ids, out["start"], out["end"])]
    return out


def remap_quotes(entry: Mapping[str, Any], pseudonymiser: Pseudonymiser, maps: Mapping[str, OffsetMap],
                 new_ids: Mapping[str, str], texts: Mapping[str, str]) -> dict[str, Any]:
    """A candidate-code entry with its quotes, label, keywords and description pseudonymised."""
    entry = dict(entry)
    evidence = dict(entry.get("evidence") or {})
    quotes = []
    for quote in evidence.get("quotes") or []:
        old = str(quote.get("interview_id"))
        if old not in new_ids:
            continue
        iid = new_ids[old]
        start, end = maps[iid].start(int(quote["start"])), maps[iid].end(int(quote["end"]))
        quotes.append({**quote, "interview_id": iid, "start": start, "end": end, "text": texts[iid][start:end]})
    if "quotes" in evidence:
        evidence["quotes"] = quotes
    if "keywords" in evidence:
        evidence["keywords"] = [pseudonymiser.word(str(k)) for k in evidence["keywords"]]
    if "label" in evidence:
        evidence["label"] = ", ".join(pseudonymiser.word(w.strip()) for w in str(evidence["label"]).split(","))
    if "name" in entry:
        entry["name"] = pseudonymiser.identifier(str(entry["name"]))
    if "description" in entry:
        entry["description"] = pseudonymiser.text(str(entry["description"]))
    entry["evidence"] = evidence
    return entry
