"""How often tr_nlp tells the interviewer of two speakers with no known role.

A transcript whose speakers are named ("Alex:", "Sam:") or numbered by a tool ("Speaker 1")
says nothing of who interviews whom; tr_nlp guesses it (:func:`tr_nlp.ingest.speakers.resolve_roles`),
and a wrong guess codes the interviewer's questions as the participant's speech. This
script renames the speakers of every session of AnnoMI (therapist and client) (whole, cut
to their first 20 utterances, as a short transcript is, and written as an offline speech
recogniser writes it, in lower case without punctuation, so without a question mark) and of
the demo corpus's interviews, reads each back as a plain-text transcript, and counts the
guesses that are right, the wrong way round, or not made, for:

- tr_nlp: question marks, and who says "you" and who "I" (:mod:`tr_nlp.ingest.pronouns`);
- baseline: the question marks alone (tr_nlp until 2026-12-06).

A focus group's automatic transcript ("Speaker 1" to "Speaker 5") names no moderator either.
No human-coded focus group is at hand, so the second part stands AnnoMI in for one: each
session's client utterances are shared at random (a fixed seed) among three speakers, so
that the therapist leads three, and it counts how often the therapist is told as the
interviewer of the four (and of five, one more member asking once, "Sorry, can you say that
again?", as one who says little may), for:

- tr_nlp: the speaker whom most of three cues set apart from the others: asking the most
  questions, and saying "you" more and "I" less than the others taken together
  (:func:`tr_nlp.ingest.speakers.group_moderator`);
- baseline: the speaker who asks the most questions, alone.

Until 2026-12-06 tr_nlp guessed no role in a group: every speaker was "other", and no
participant speech was segmented. The stand-in flatters every rule: a real group's members
talk to each other, and ask each other questions, more than a client split in three does.

Run from the project root::

    .venv/bin/python benchmarks/role_guess.py
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tr_nlp.ingest import read_file
from tr_nlp.ingest.speakers import RoleMap, resolve_roles
from tr_nlp.ingest.text import assemble_turns
from tr_nlp.schema import Turn

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


def as_recognised(session: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``session`` as a speech recogniser without punctuation writes it: lower case, no
    punctuation but inner apostrophes (an utterance of punctuation alone becomes "mm")."""
    return [(role, " ".join(re.sub(r"[^\w\s']", " ", said.lower()).split()) or "mm") for role, said in session]


def demo_interviews() -> list[list[tuple[str, str]]]:
    """Each demo interview as (role, turn text) pairs, in order."""
    out = []
    for path in sorted((ROOT / "corpora" / "demo" / "interviews").iterdir()):
        interview = read_file(path).interviews[0]
        out.append([(t.role, interview.text[t.start:t.end]) for t in interview.turns])
    return out


def read_back(said_by: Sequence[tuple[str, str]]) -> tuple[tuple[Turn, ...], Counter[str]]:
    """``(speaker, utterance)`` pairs read back as a plain-text transcript: its turns, with
    the roles tr_nlp gives them, and how many of each speaker's turns end in a question mark."""
    text = "\n".join(f"{speaker}: {' '.join(said.split())}" for speaker, said in said_by)
    turns, _ = assemble_turns(text, RoleMap())
    return turns, Counter(t.speaker for t in turns if text[t.start:t.end].rstrip().endswith("?"))


def guesses(sessions: Iterable[Sequence[tuple[str, str]]]) -> tuple[Counter[str], Counter[str]]:
    """Right / wrong / none counts of tr_nlp's guess and of the baseline's."""
    ours: Counter[str] = Counter()
    baseline: Counter[str] = Counter()
    for session in sessions:
        turns, asked = read_back([(NAMES[role], said) for role, said in session])
        ours[_verdict({t.speaker: t.role for t in turns})] += 1
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


#: The names of a group's members, the client's utterances shared among them, and of one
#: more who says one thing only, a question.
MEMBERS = ("Sam", "Kim", "Jo")
QUIET = "Lee"


def as_group(session: Sequence[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """``session`` as (speaker, utterance) pairs of a group: the interviewer ``Alex``, each
    participant utterance said by one of :data:`MEMBERS` at random."""
    return [(NAMES["interviewer"] if role == "interviewer" else rng.choice(MEMBERS), said) for role, said in session]


def group_guesses(groups: Iterable[Sequence[tuple[str, str]]]) -> tuple[Counter[str], Counter[str]]:
    """Right / wrong / none counts of tr_nlp's moderator and of the baseline's."""
    ours: Counter[str] = Counter()
    baseline: Counter[str] = Counter()
    for group in groups:
        turns, asked = read_back(group)
        ours[_group_verdict({t.speaker: t.role for t in turns})] += 1
        ranked = asked.most_common(2)
        leader = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
        baseline[_group_verdict({t.speaker: "interviewer" if t.speaker == leader else "participant"
                                 for t in turns} if leader else {})] += 1
    return ours, baseline


def _group_verdict(roles: dict[str, str]) -> str:
    leads = [speaker for speaker, role in roles.items() if role == "interviewer"]
    if not leads:
        return "not told"
    if leads == [NAMES["interviewer"]] and all(roles[m] == "participant" for m in (*MEMBERS, QUIET) if m in roles):
        return "right"
    return "wrong"


def _measure(name: str, load: Callable[[], list[Any]], guess: Callable[[list[Any]], tuple[Counter[str], ...]],
             baseline: str, wrong: str) -> None:
    """Print how often tr_nlp's guess and the baseline's are right, ``wrong`` or not made."""
    t0 = time.perf_counter()
    sessions = load()
    counts = guess(sessions)
    print(f"{name} ({len(sessions)}), {time.perf_counter() - t0:.1f} s")
    for label, count in zip(("tr_nlp (questions, 'you' / 'I')", baseline), counts, strict=True):
        print(f"  {label:34} right {count['right']:4}  {wrong} {count[wrong]:3}  not told {count['not told']:3}")


def main() -> None:
    runs = (("AnnoMI sessions", annomi_sessions), ("AnnoMI sessions, first 20 utterances", lambda: [
        session[:20] for session in annomi_sessions() if len({role for role, _ in session[:20]}) == 2]),
        ("AnnoMI sessions, lower case without punctuation", lambda: [as_recognised(s) for s in annomi_sessions()]),
        ("demo interviews", demo_interviews))
    for name, load in runs:
        _measure(name, load, guesses, "baseline (questions alone)", "wrong way round")
    rng = random.Random(0)
    groups = (("AnnoMI sessions as groups of four", lambda: [as_group(s, rng) for s in annomi_sessions()]),
              ("AnnoMI sessions as groups of four, first 40 utterances", lambda: [
                  as_group(s[:40], rng) for s in annomi_sessions() if len({role for role, _ in s[:40]}) == 2]),
              ("AnnoMI sessions as groups of four, and one more who asks once", lambda: [
                  [*as_group(s, rng), (QUIET, "Sorry, can you say that again?")] for s in annomi_sessions()]))
    for name, load in groups:
        _measure(name, load, group_guesses, "baseline (most questions)", "wrong")


if __name__ == "__main__":
    main()
