"""The words a transcript table's header row names its columns with.

One vocabulary for every reader of tables: a document's transcript table
(:mod:`tr_nlp.ingest.doctables`) finds its header row by these words, and an utterance table
(:mod:`tr_nlp.ingest.table`) its speech and speaker columns where the default names
(``text``, ``speaker``) are missing. Each set holds the words in English and in the
languages whose speaker labels tr_nlp knows (Swedish, German, Dutch, Spanish, French,
Italian, Finnish; Portuguese and Norwegian where they differ), in lower case, as
:func:`str.casefold` leaves them.
"""

from __future__ import annotations

from collections.abc import Iterable

#: the column of what was said
SPEECH = frozenset({
    "text", "transcript", "transcription", "utterance", "utterances", "speech", "dialogue", "dialog", "content",
    "said", "verbatim", "statement", "message",
    "tekst", "texte", "texto", "testo", "teksti", "transkript", "transkription", "transcriptie", "transcripción",
    "transcrição", "trascrizione", "inhalt", "inhoud", "innehåll", "contenu", "contenido", "conteúdo", "contenuto",
    "sisältö", "äusserung", "uiting", "yttrande",
})
#: the column of answers, in a table of questions and answers
ANSWER = frozenset({
    "answer", "answers", "response", "responses", "reply", "replies",
    "antwort", "antwoord", "svar", "réponse", "respuesta", "resposta", "risposta", "vastaus",
})
#: the column of questions, in a table of questions and answers
QUESTION = frozenset({
    "question", "questions", "interview question", "prompt",
    "frage", "vraag", "fråga", "pregunta", "pergunta", "domanda", "kysymys",
})
#: the column of who spoke: words that name nothing else in a transcript table
SPEAKER = frozenset({
    "speaker", "speaker name", "speaker id", "speaker label", "speaker tag", "interlocutor", "who",
    "sprecher", "sprecherin", "spreker", "talare", "taler", "locuteur", "locutrice", "intervenant", "hablante",
    "falante", "parlante", "interlocutore", "puhuja",
})
#: words that name who spoke in a transcript table, and, elsewhere, a participant (a
#: spreadsheet of coded quotes has a ``Name`` column too)
SPEAKER_OR_PERSON = frozenset({*SPEAKER, "name", "person", "role"})
#: the column of when it was said
TIME = frozenset({
    "time", "timecode", "time code", "timestamp", "timespan", "start", "start time", "in",
    "zeit", "zeitmarke", "zeitstempel", "tijd", "tijdstempel", "tid", "tidpunkt", "tidsstämpel", "temps", "tiempo",
    "tempo", "aika",
})


def names_speech(cell: str) -> bool:
    """Whether a header cell names the column of what was said, in any case, with spaces or
    underscores between its words.

    >>> names_speech(" Text "), names_speech("Verbatim_Transcript"), names_speech("Speaker")
    (True, False, False)
    """
    return _words(cell) in SPEECH


def names_questions_and_answers(cells: Iterable[str]) -> bool:
    """Whether the header cells of a table name a column of questions and one of answers, in
    any case, with spaces or underscores between their words.

    >>> names_questions_and_answers(["ID", "Question", "Answer"]), names_questions_and_answers(["Question", "Text"])
    (True, False)
    """
    keys = set(map(_words, cells))
    return bool(keys & QUESTION) and bool(keys & ANSWER)


def _words(cell: str) -> str:
    """A header cell's words as the sets above hold them: in lower case, one space between them
    (an underscore is one)."""
    return " ".join(cell.replace("_", " ").split()).casefold()
