"""Names the pseudonymiser does not know yet, listed for a person to review before it runs.

:class:`~tr_nlp.privacy.Pseudonymiser` replaces the speakers' names and the names it is
given; a support worker named in passing ("Mags rang me") is replaced only when someone
lists her. Without a named-entity model (none ships for offline use), the transcripts
themselves tell most names apart: a name is written with a capital letter wherever it
stands, a word only at the start of a sentence. So a word written with a capital inside a
sentence, and never in lower case anywhere in the corpus, is listed, with how often it
occurs and one example. Parts of a word joined by hyphens are taken one by one, so a
stutter or a restart ("Th-those", "I-maybe", "Don't-don't") is not listed while
"Anne-Marie" is; fillers ("Hmm", "Mh-hmm", "Woah") never are. A name that is also a word
("Rose", "Will", "Hope") is missed when the word occurs in lower case too, and a place or
brand is listed like a name (places can identify too); the list is for review, not a
verdict. An interview written in one case (a speech recogniser's output without capitals,
captions all in capitals) tells nothing either way and is left out: a person reads it for names.

Examples
--------
>>> from tr_nlp.schema import Interview, Turn
>>> text = "Karen rang. Then Mags came, and Mags said the Crisis team... the crisis team, yes."
>>> corpus = Corpus([Interview("i1", text, (Turn("Karen", "participant", 0, len(text)),))])
>>> [(c.word, c.count) for c in name_candidates(corpus, Pseudonymiser())]
[('Mags', 2)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from tr_nlp.fillers import FILLERS
from tr_nlp.ingest import Corpus
from tr_nlp.privacy.corpus import PERSON_KEYS, register_speakers, speech_in_one_case
from tr_nlp.privacy.pseudonymise import Pseudonymiser
from tr_nlp.schema import Interview

#: a word, with inner apostrophes or hyphens ("O'Brien", "Anne-Marie")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_CLITIC = re.compile(r"['\u2019](?:s|ll|d|ve|re)$")  # "Karen's", "Sam'll"
#: what may stand between a sentence's end and its first word
_OPENERS = " \t\"'\u2018\u201c([-\u2013\u2014"
_SENTENCE_END = ".!?\u2026:;\n"
#: words written with a capital inside a sentence that name no one
_NOT_NAMES = frozenset({
    "i", "i'm", "i'd", "i've", "i'll", "ok", "okay", "mr", "mrs", "ms", "miss", "dr", "prof", "sir",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
})
_CONTEXT = 40  # characters of example on each side
#: a title or an initial just before a full stop, which ends no sentence ("Dr. Priya", "J. Okafor")
_TITLE_BEFORE = re.compile(r"(?<![^\W\d_])(Dr|Mr|Mrs|Ms|Mx|Prof|St|Rev|Fr|Sr|Sgt|Capt|[A-Z])\.$", re.IGNORECASE)


@dataclass(frozen=True)
class NameCandidate:
    """A word that may be a name: how often and in how many interviews it occurs, and where first."""

    word: str
    count: int
    interviews: int
    example: str


def name_candidates(corpus: Corpus, pseudonymiser: Pseudonymiser) -> list[NameCandidate]:
    """Words of the corpus that may be names ``pseudonymiser`` lacks: of its speech, and of the
    lines, ids and metadata around it (:func:`_stretches`).

    The speakers' names are registered with ``pseudonymiser`` first (as
    :func:`~tr_nlp.privacy.pseudonymise_corpus` does), so they are not listed again.
    Most frequent first.
    """
    register_speakers(corpus, pseudonymiser)
    lower: set[str] = set()
    inside: dict[str, list[tuple[str, str]]] = defaultdict(list)  # word -> (interview, example) per occurrence
    for interview in corpus.interviews:
        if speech_in_one_case(interview):  # its one case says nothing of what is a name
            continue
        for speech, kind in _stretches(interview):
            for m in _WORD.finditer(_without_details(speech, pseudonymiser)):
                word = _CLITIC.sub("", m.group())
                if word.islower():
                    folded = _fold(word)
                    lower.update((folded, *folded.split("-")))  # "well-known": "well", "known" too
                elif word[0].isupper() and not word.isupper() and not _opens(speech, m.start(), kind):
                    inside[word].append((interview.id, _example(speech, m.start(), m.end())))
    found = [
        NameCandidate(word, len(seen), len({iid for iid, _ in seen}), seen[0][1])
        for word, seen in inside.items()
        if _may_name(word, lower, pseudonymiser)
    ]
    return sorted(found, key=lambda c: (-c.count, c.word.casefold()))


#: how a stretch of an interview tells a name from a word (:func:`_stretches`)
_Kind = Literal["speech", "line", "people"]


def _stretches(interview: Interview) -> Iterator[tuple[str, _Kind]]:
    """An interview's text in stretches to look for names in, each with its kind: each turn's
    (``speech``: a capital opening a sentence says nothing), each line of the text outside
    them (``line``: a title, ``Interviewer: Jane Doe`` above the speech, a transcriber's
    credit below it, where only a capital opening the line says nothing) and of its
    metadata's text (a document's title), and what names people (``people``: a document's
    author, :data:`~tr_nlp.privacy.corpus.PERSON_KEYS`, and the interview's id, often a file's
    name, ``P07_Jane_Okafor``; every capital counting).

    >>> from tr_nlp.schema import Turn
    >>> text = "Interview with Sam Roe\\nInterviewer: Jane Doe\\nI: Hi?"
    >>> list(_stretches(Interview("i1", text, (Turn("I", "interviewer", 48, 51),), {"author": "Jo Bell"})))
    [('i1', 'people'), ('Interview with Sam Roe', 'line'), ('Interviewer: Jane Doe', 'line'), ('Hi?', 'speech'),
     ('Jo Bell', 'people')]
    """
    yield interview.id, "people"
    at = 0
    for turn in (*interview.turns, None):
        start = turn.start if turn is not None else len(interview.text)
        lines = interview.text[at:start].split("\n")
        if turn is not None:
            lines.pop()  # the label on the turn's first line ("I: ", "**Interviewer:** ")
        yield from ((line, "line") for line in lines if line.strip())
        if turn is not None:
            yield interview.text[turn.start:turn.end], "speech"
            at = turn.end
    for key, value in interview.metadata.items():
        if isinstance(value, str):
            kind: _Kind = "people" if key in PERSON_KEYS else "line"
            yield from ((line, kind) for line in value.split("\n") if line.strip())


def _opens(stretch: str, position: int, kind: _Kind) -> bool:
    """Whether the word at ``position`` of a ``kind`` of stretch (:func:`_stretches`) stands
    where any word takes a capital: a sentence's start in speech, a line's start in a line."""
    if kind == "speech":
        return _starts_sentence(stretch, position)
    return kind == "line" and not stretch[:position].strip(_OPENERS)


def names_file(candidates: list[NameCandidate]) -> str:
    """The text of a ``--names`` file listing ``candidates``, each with its count and example.

    >>> print(names_file([NameCandidate("Mags", 2, 1, "Then Mags came")]), end="")
    # Words that may be names tr-nlp does not replace yet: written with a capital letter
    # inside a sentence and never in lower case. Delete each line that is no name, add any
    # name it missed (one that is also a word, such as Rose or Will), then pass this file
    # to --names. It holds names: keep it as private as the transcripts.
    Mags  # 2 time(s) in 1 interview(s): "Then Mags came"
    """
    header = ("# Words that may be names tr-nlp does not replace yet: written with a capital letter\n"
              "# inside a sentence and never in lower case. Delete each line that is no name, add any\n"
              "# name it missed (one that is also a word, such as Rose or Will), then pass this file\n"
              "# to --names. It holds names: keep it as private as the transcripts.\n")
    return header + "".join(f'{c.word}  # {c.count} time(s) in {c.interviews} interview(s): "{c.example}"\n'
                            for c in candidates)


def _may_name(word: str, lower: set[str], pseudonymiser: Pseudonymiser) -> bool:
    """Whether a part of ``word`` (written with a capital inside a sentence) may be a name
    ``pseudonymiser`` lacks: a part never written in lower case (``lower``), neither one of
    :data:`_NOT_NAMES` nor a filler, nor the start of the next part, said again whole ("Th-those").

    >>> lower = {"those", "maybe", "don't"}
    >>> [_may_name(w, lower, Pseudonymiser(["Karen"])) for w in
    ...  ("Th-those", "I-maybe", "Don't-don't", "Mh-hmm", "Karen-Karen", "B-Bill", "Anne-Marie")]
    [False, False, False, False, False, True, True]
    """
    parts = word.split("-")
    folded = [_fold(part) for part in parts]
    return any(
        not (i + 1 < len(parts) and folded[i + 1].startswith(folded[i]))
        and folded[i] not in lower and folded[i] not in FILLERS
        and not _not_a_name(part) and not pseudonymiser.knows(part)
        for i, part in enumerate(parts)
    )


def _fold(word: str) -> str:
    """``word`` in lower case, with a typographic apostrophe written ``'``."""
    return word.replace("\u2019", "'").casefold()


def _not_a_name(word: str) -> bool:
    """Whether ``word`` is one of :data:`_NOT_NAMES` (or its plural: "Mondays"), a stutter
    of them ("I'm-I'm", "I-I've"), or an acronym's plural ("STDs").

    >>> [_not_a_name(w) for w in ("I\u2019m", "I'll-I", "Thursdays", "GPs", "Anne-Marie", "Sam")]
    [True, True, True, True, False, False]
    """
    if word[:-1].isupper() and word.endswith("s"):
        return True
    parts = _fold(word).split("-")
    return all(part in _NOT_NAMES or part.removesuffix("s") in _NOT_NAMES for part in parts)


def _without_details(speech: str, pseudonymiser: Pseudonymiser) -> str:
    """``speech`` with the details ``pseudonymiser`` replaces already blanked out, so that
    neither an e-mail address ("j.okafor@...") hides a name written in lower case inside
    it nor a street's name is listed.

    >>> _without_details("Dr Okafor, j.okafor@nhs.net, 14 Elm Road", Pseudonymiser())
    'Dr Okafor,                 ,            '
    """
    for start, end, _ in pseudonymiser.spans(speech):
        speech = speech[:start] + " " * (end - start) + speech[end:]
    return speech


def _starts_sentence(speech: str, position: int) -> bool:
    """Whether the word at ``position`` opens the turn or a sentence (after ``. ! ? : ;``),
    transcribers' marks (``[sighs]``, ``(pause)``) before it aside. The full stop of a title
    or an initial (``Dr. Karen``, ``J. Karen``) ends no sentence.

    >>> [_starts_sentence(s, len(s) - 5) for s in ("[sighs] Karen", "Yes. (pause) Karen", "so (Karen")]
    [True, True, False]
    >>> [_starts_sentence(s, len(s) - 5) for s in ("Dr. Karen", "and Mrs. Karen", "Dr J. Karen", "it was I. Karen")]
    [False, False, False, True]
    """
    before = speech[:position].rstrip(_OPENERS)
    while before.endswith(("]", ")")):
        opening = before.rfind("[" if before[-1] == "]" else "(")
        if opening < 0:
            break
        before = before[:opening].rstrip(_OPENERS)
    if before.endswith(".") and (title := _TITLE_BEFORE.search(before)):
        return title.group(1) == "I"
    return not before or before[-1] in _SENTENCE_END


def _example(speech: str, start: int, end: int) -> str:
    """The words around ``speech[start:end]`` (none cut in half), on one line."""
    left = speech[max(0, start - _CONTEXT):start]
    right = speech[end:end + _CONTEXT]
    if start > _CONTEXT:
        left = re.sub(r"^\S*", "", left)
    if end + _CONTEXT < len(speech):
        right = re.sub(r"\S*$", "", right)
    return " ".join((left + speech[start:end] + right).split()).replace('"', "'")
