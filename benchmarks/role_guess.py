"""How often tr_nlp tells the interviewer of two speakers with no known role.

A transcript whose speakers are named ("Alex:", "Sam:") or numbered by a tool ("Speaker 1")
says nothing of who interviews whom; tr_nlp guesses it (:func:`tr_nlp.ingest.speakers.resolve_roles`),
and a wrong guess codes the interviewer's questions as the participant's speech. This
script renames the speakers of every session of AnnoMI (therapist and client) (whole, and cut
to their first 20 utterances, as a short transcript is) and of the demo corpus's
interviews, reads each back as a plain-text transcript, and counts the
guesses that are right, the wrong way round, or not made, for:

- tr_nlp: question marks, and who says "you" and who "I" (:mod:`tr_nlp.ingest.pronouns`);
- baseline: the question marks alone (tr_nlp until 2026-12-06).

Run from the project root::

    .venv/bin/python benchmarks/role_guess.py
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from tr_nlp.ingest import read_file
from tr_nlp.ingest.speakers import RoleMap, resolve_roles
from tr_nlp.ingest.text import assemble_turns

ROOT = Path(__file__).resolve().parents[1]
ANNOMI = ROOT.parent / "shared" / "data" / "annomi" / "AnnoMI-full.csv"
NAMES = {"interviewer": "Alex", "participant": "Sam"}


def annomi_sessions() -> list[list[tuple[str, str]]]:
    """Each AnnoMI session as (role, utterance) pairs, in order."""
    frame = pd.read_csv(ANNOMI).drop_duplicates(["transcript_id", "utterance_id"])
    frame = frame.sort_values(["transcript_id", "utterance_id"])
    role = {"therapist": "interviewer", "client": "participant"}
    return [[(role[who], str(said)) for who, said in zip(g["interlocutor"], g["utterance_text"], strict=True)]
            for _, g in frame.groupby("transcript_id")]


def demo_interviews() -> list[list[tuple[str, str]]]:
    """Each demo interview as (role, turn text) pairs, in order."""
    out = []
    for path in sorted((ROOT / "corpora" / "demo" / "interviews").iterdir()):
        interview = read_file(path).interviews[0]
        out.append([(t.role, interview.text[t.start:t.end]) for t in interview.turns])
    return out


def guesses(sessions: Iterable[Sequence[tuple[str, str]]]) -> tuple[Counter[str], Counter[str]]:
    """Right / wrong / none counts of tr_nlp's guess and of the baseline's."""
    ours: Counter[str] = Counter()
    baseline: Counter[str] = Counter()
    for session in sessions:
        text = "\n".join(f"{NAMES[role]}: {' '.join(said.split())}" for role, said in session)
        turns, _ = assemble_turns(text, RoleMap())
        ours[_verdict({t.speaker: t.role for t in turns})] += 1
        asked = Counter(t.speaker for t in turns if text[t.start:t.end].rstrip().endswith("?"))
        total = Counter(t.speaker for t in turns)
        speakers = list(total)
        roles, _ = resolve_roles(speakers, {s: asked[s] / total[s] for s in speakers}, RoleMap())
        baseline[_verdict(roles)] += 1
    return ours, baseline


def _verdict(roles: dict[str, str]) -> str:
    if roles.get(NAMES["interviewer"]) == "interviewer" and roles.get(NAMES["participant"]) == "participant":
        return "right"
    if roles.get(NAMES["interviewer"]) == "participant":
        return "wrong way round"
    return "not told"


def main() -> None:
    runs = (("AnnoMI sessions", annomi_sessions), ("AnnoMI sessions, first 20 utterances", lambda: [
        session[:20] for session in annomi_sessions() if len({role for role, _ in session[:20]}) == 2]),
        ("demo interviews", demo_interviews))
    for name, load in runs:
        t0 = time.perf_counter()
        sessions = load()
        ours, baseline = guesses(sessions)
        print(f"{name} ({len(sessions)}), {time.perf_counter() - t0:.1f} s")
        for label, counts in (("tr_nlp (questions, 'you' / 'I')", ours), ("baseline (questions alone)", baseline)):
            print(f"  {label:34} right {counts['right']:4}  wrong way round {counts['wrong way round']:3}  "
                  f"not told {counts['not told']:3}")


if __name__ == "__main__":
    main()
