"""Move span tables (suggestions, topics, quotes) onto pseudonymised interviews."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tr_nlp.ingest.speakers import without_time_marks
from tr_nlp.passages import passage_places
from tr_nlp.privacy.pseudonymise import OffsetMap, Pseudonymiser
from tr_nlp.schema import evidence_passages


@dataclass(frozen=True)
class Remapping:
    """How pseudonymisation moved a corpus, for everything else that points into it.

    Attributes
    ----------
    pseudonymiser : Pseudonymiser
        The one that did it (its placeholders are reused for labels, keywords, names).
    new_ids : mapping
        Old interview id -> new interview id.
    texts : mapping
        New interview id -> pseudonymised text.
    maps : mapping
        New interview id -> :class:`OffsetMap` from old to new positions.
    originals : mapping
        Old interview id -> its text before (where a suggestion's evidence stood).
    """

    pseudonymiser: Pseudonymiser
    new_ids: Mapping[str, str]
    texts: Mapping[str, str]
    maps: Mapping[str, OffsetMap]
    originals: Mapping[str, str] = field(default_factory=dict)

    def interview_id(self, old: str) -> str:
        """The new id of interview ``old`` (an unknown one is pseudonymised as a label)."""
        return self.new_ids.get(old, self.pseudonymiser.label(old))

    def segment_id(self, segment_id: str, interview_id: str | None = None) -> str:
        """A segment id names its interview first (``ID:s3``; a merged passage ``ID:s0..ID:s3``)."""
        old = interview_id if interview_id is not None else segment_id.rsplit(":", 1)[0]
        if old in self.new_ids:
            return segment_id.replace(f"{old}:", f"{self.new_ids[old]}:")
        return self.pseudonymiser.label(segment_id)

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with ``interview_id`` and, when present, its spans moved to the new texts.

        A ``text`` column is cut again from the new interview text, so it holds no detail
        the pseudonymiser replaced, and so are the passages of an ``evidence`` column
        (:meth:`passages`); ``segment_id``, ``speaker`` and ``candidate`` columns are
        pseudonymised too. Rows of interviews not in ``new_ids``
        are dropped; a table without ``interview_id`` is keyed by ``segment_id`` alone.
        """
        p = self.pseudonymiser
        if "interview_id" not in frame.columns:
            out = frame.copy()
            if "segment_id" in out.columns:
                out["segment_id"] = [self.segment_id(str(s)) for s in out["segment_id"]]
            return out
        out = frame[frame["interview_id"].astype(str).isin(self.new_ids.keys())].copy()
        old = out["interview_id"].astype(str).tolist()
        ids = [self.new_ids[i] for i in old]
        out["interview_id"] = ids
        if "segment_id" in out.columns:
            out["segment_id"] = [self.segment_id(str(s), o) for o, s in zip(old, out["segment_id"])]
        if "speaker" in out.columns:
            out["speaker"] = [p.speaker(str(s)) for s in out["speaker"]]
        if "evidence" in out.columns:
            spans = zip(out["start"], out["end"]) if {"start", "end"} <= set(out.columns) else [(0, 0)] * len(out)
            out["evidence"] = [self.passages(e, o, int(a), int(b)) for e, o, (a, b) in
                               zip(out["evidence"], old, spans, strict=True)]
        if "candidate" in out.columns:
            out["candidate"] = [p.identifier(str(n)) for n in out["candidate"]]
        if "start" in out.columns:
            out["start"] = [self.maps[i].start(int(s)) for i, s in zip(ids, out["start"])]
            out["end"] = [self.maps[i].end(int(e)) for i, e in zip(ids, out["end"])]
            if "text" in out.columns:
                out["text"] = [self.texts[i][s:e] for i, s, e in zip(ids, out["start"], out["end"])]
        return out

    def passages(self, evidence: object, interview_id: str, start: int, end: int) -> str:
        """A suggestion's ``evidence`` cell for the segment ``start:end`` of interview
        ``interview_id`` (its old id), on the new text: each passage cut again from the new
        text where it stood in the old one (without the time marks it runs across, as the
        model read it), so it holds nothing the pseudonymiser replaced there, not even part
        of an address it cut in two; a passage not found there (or in an interview not
        pseudonymised here) is pseudonymised alone, each of its words matched against the
        names in any case, as a single word of older evidence cells was."""
        new_id, old = self.new_ids.get(interview_id), self.originals.get(interview_id)
        found = []
        for passage in evidence_passages(evidence):
            places = passage_places(old[start:end], passage) if old is not None and new_id in self.maps else []
            if places:
                moved, (a, b) = self.maps[new_id], places[0]
                cut = self.texts[new_id][moved.start(start + a):moved.end(start + b)]
                found.append(" ".join(without_time_marks(cut).split()))
            else:
                found.append(self.pseudonymiser.label(passage))
        return "; ".join(found)

    def candidate(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """A candidate-code entry with its quotes, label, keywords, name and description pseudonymised."""
        p = self.pseudonymiser
        entry = dict(entry)
        evidence = dict(entry.get("evidence") or {})
        quotes = []
        for quote in evidence.get("quotes") or []:
            old = str(quote.get("interview_id"))
            if old not in self.new_ids:
                continue
            iid = self.new_ids[old]
            start, end = self.maps[iid].start(int(quote["start"])), self.maps[iid].end(int(quote["end"]))
            quotes.append({**quote, "interview_id": iid, "start": start, "end": end, "text": self.texts[iid][start:end]})
        if "quotes" in evidence:
            evidence["quotes"] = quotes
        if "keywords" in evidence:
            evidence["keywords"] = [p.word(str(k)) for k in evidence["keywords"]]
        if "label" in evidence:
            evidence["label"] = ", ".join(p.word(w.strip()) for w in str(evidence["label"]).split(","))
        if "name" in entry:
            entry["name"] = p.identifier(str(entry["name"]))
        if "description" in entry:
            entry["description"] = p.text(str(entry["description"]))
        entry["evidence"] = evidence
        return entry
