"""Pseudonymise a whole corpus: interview texts, speaker labels, metadata and codings."""

from __future__ import annotations

from dataclasses import replace

from tr_nlp.ingest import Corpus
from tr_nlp.ingest.speakers import is_role_label
from tr_nlp.privacy.case import in_one_case
from tr_nlp.privacy.pseudonymise import OffsetMap, Pseudonymiser
from tr_nlp.privacy.remap import Remapping
from tr_nlp.schema import Coding, Interview, Turn


def pseudonymise_corpus(corpus: Corpus, pseudonymiser: Pseudonymiser) -> tuple[Corpus, Remapping]:
    """A copy of ``corpus`` with personal details replaced and every span remapped.

    Speaker labels are registered first, so a participant's name is replaced the same
    way in labels and in what others say about them. Interview ids, metadata values,
    codings and the codebook's guidance and examples follow; source paths are dropped
    (file names often carry names).

    Returns
    -------
    corpus : Corpus
        The pseudonymised corpus; codings and reviewed passages cover the same words as before.
    remapping : Remapping
        New ids, texts and offset maps, to move any other table of spans the same way.
    """
    register_speakers(corpus, pseudonymiser)
    interviews, maps, new_ids = [], {}, {}
    for interview in corpus.interviews:
        new, where = pseudonymise_interview(interview, pseudonymiser)
        base, n = new.id, 1
        while new.id in maps:  # "Karen" and "karen" both became "[PERSON_1]": keep them apart
            n += 1
            new = replace(new, id=f"{base}_{n}")
        interviews.append(new)
        maps[new.id] = where
        new_ids[interview.id] = new.id
    codings = [
        Coding(new_ids[c.interview_id], maps[new_ids[c.interview_id]].start(c.start),
               maps[new_ids[c.interview_id]].end(c.end), c.code, c.coder)
        if c.interview_id in new_ids else c
        for c in corpus.codings
    ]
    reviewed = [
        replace(r, interview_id=new_ids[r.interview_id], start=maps[new_ids[r.interview_id]].start(r.start),
                end=maps[new_ids[r.interview_id]].end(r.end))
        if r.interview_id in new_ids else r
        for r in corpus.reviewed
    ]
    files = [replace(f, interview_ids=[new_ids.get(i, i) for i in f.interview_ids]) for f in corpus.files]
    codebook = corpus.codebook and replace(corpus.codebook, codes=tuple(
        replace(code, description=pseudonymiser.text(code.description), include=pseudonymiser.text(code.include),
                exclude=pseudonymiser.text(code.exclude), examples=tuple(pseudonymiser.text(e) for e in code.examples))
        for code in corpus.codebook.codes))
    remapping = Remapping(pseudonymiser, new_ids, {iv.id: iv.text for iv in interviews}, maps,
                          {iv.id: iv.text for iv in corpus.interviews})
    return replace(corpus, interviews=interviews, codings=codings, files=files, codebook=codebook,
                   reviewed=reviewed), remapping


#: metadata that names people: a document's author (Word, LibreOffice, ELAN, a web page's
#: ``<meta name="author">``), or who took part, as a transcript's front matter may say
PERSON_KEYS = frozenset({"author", "interviewer", "participant", "transcriber"})


def register_speakers(corpus: Corpus, pseudonymiser: Pseudonymiser) -> None:
    """Register every speaker label of ``corpus`` with ``pseudonymiser`` (a person's name and
    its parts become names to replace), before any text is read."""
    for interview in corpus.interviews:
        for label in interview.speakers:
            pseudonymiser.speaker(label)


def _metadata_value(key: str, value: object, pseudonymiser: Pseudonymiser) -> object:
    """A metadata value pseudonymised: one that names people (:data:`PERSON_KEYS`: ``Jane Doe``,
    ``Jane Doe; Sam Roe``) as a placeholder for each, whoever they are (an author may be a
    person, a firm or a program, so its words are not taken for names to replace in the
    text: ``--list-names`` lists them), other text as the text is."""
    if not isinstance(value, str):
        return value
    if key not in PERSON_KEYS or "PERSON" not in pseudonymiser.kinds:
        return pseudonymiser.text(value)
    people = [" ".join(person.split()) for person in value.split(";") if person.strip()]
    return "; ".join(person if is_role_label(person) else pseudonymiser.placeholder("PERSON", person)
                     for person in people)


def speech_in_one_case(interview: Interview) -> bool:
    """Whether the speech of ``interview`` (its labels left out) is written in one case:
    without capital letters, as speech recognisers often write it, or all in capitals, as
    broadcast captions do (:func:`~tr_nlp.privacy.case.in_one_case`)."""
    return in_one_case(" ".join(interview.text[t.start : t.end] for t in interview.turns))


def one_case_interviews(corpus: Corpus) -> list[str]:
    """The ids of the interviews of ``corpus`` whose speech is written in one case."""
    return [interview.id for interview in corpus.interviews if speech_in_one_case(interview)]


def pseudonymise_interview(interview: Interview, pseudonymiser: Pseudonymiser) -> tuple[Interview, OffsetMap]:
    """One interview with its text, speakers, id and metadata pseudonymised; between its
    turns (the speakers' labels), a name in any case (``jane:``), and everywhere in an
    interview written in one case (:func:`speech_in_one_case`)."""
    between = [(end, turn.start) for turn, end in zip(interview.turns, [0, *(t.end for t in interview.turns)])
               if end < turn.start]
    text, where = pseudonymiser.apply(interview.text, between, speech_in_one_case(interview))
    turns = tuple(Turn(pseudonymiser.speaker(t.speaker), t.role, where.start(t.start), where.end(t.end), t.timestamp)
                  for t in interview.turns)
    metadata = {k: _metadata_value(k, v, pseudonymiser) for k, v in interview.metadata.items()}
    times = tuple((where.start(offset), seconds) for offset, seconds in interview.times)
    lines = tuple((where.start(offset), number) for offset, number in interview.lines)
    new = Interview(pseudonymiser.label(interview.id), text, turns, metadata, None, interview.format, times, lines)
    return new, where
