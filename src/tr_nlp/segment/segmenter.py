"""Split interviews into segments (turns, sentences or windows of sentences) with spaCy.

Sentences are found inside one turn at a time, so a segment never crosses a speaker
change. The default pipeline is ``spacy.blank("en")`` with the rule-based
``sentencizer`` (no model download); any installed pipeline can be named instead.
Turn texts are batched through ``nlp.pipe``.

Examples
--------
>>> from tr_nlp.schema import Interview, Turn
>>> iv = Interview("i1", "P: I was scared. She listened.", (Turn("P", "participant", 3, 30),))
>>> [s.text for s in Segmenter(unit="sentence").segment([iv])]
['I was scared.', 'She listened.']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from tr_nlp.errors import ConfigError, some
from tr_nlp.ingest.speakers import TIME_MARK
from tr_nlp.jsonfile import is_number
from tr_nlp.schema import ROLES, Interview, Segment, Turn
from tr_nlp.segment.abbreviations import joined_after_abbreviations

Unit = Literal["turn", "sentence", "window"]
UNITS: tuple[Unit, ...] = ("turn", "sentence", "window")
_ID_PREFIX = {"turn": "t", "sentence": "s", "window": "w"}
#: a sentence that is only transcribers' notes in brackets: "[laughs]", "(pause).", "[inaudible 00:01:02]",
#: or time marks ("#00:01:02-3#")
_NON_SPEECH = re.compile(rf"(?:\s*(?:\[[^\]\n]*\]|\([^)\n]*\)|{TIME_MARK.pattern}))+\s*[.,!?\u2026]*\s*")
#: A "sentence" of more words than this is taken for speech transcribed without sentence
#: punctuation (automatic captions, some speech recognisers) and cut (:func:`cut_run_ons`):
#: 99.9% of the 15,968 sentences of AnnoMI's human transcripts hold at most 75 words, the
#: longest 113, while an unpunctuated turn is one "sentence" as long as the turn.
MAX_WORDS = 80
#: About how many words each piece of such a stretch holds: AnnoMI's 90th percentile sentence.
PIECE_WORDS = 25
_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})
_OPENING, _CLOSING = "([{", ")]}"
#: What ends a sentence, for the warning about stretches without it (:meth:`Segmenter.warnings`)
#: and for telling a transcript written without punctuation (:mod:`tr_nlp.coding.writing`).
SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+")


@lru_cache(maxsize=4)
def load_nlp(spacy_model: str | None = None) -> Any:
    """The spaCy pipeline used for sentences: blank English + sentencizer by default."""
    import spacy

    if spacy_model is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        # only sentence boundaries are needed: leave out the slow components
        return spacy.load(spacy_model, exclude=["ner", "lemmatizer", "textcat", "textcat_multilabel"])
    except OSError:
        raise ConfigError("E164", name=spacy_model) from None


@dataclass(frozen=True)
class Segmenter:
    """Turn interviews into :class:`Segment` objects.

    Parameters
    ----------
    unit : {"turn", "sentence", "window"}
        What one segment is.
    roles : sequence of str
        Speaker roles to keep (default: participant speech only).
    window, stride : int
        For ``unit="window"``: sentences per window and step between windows
        (``stride`` defaults to ``window``: no overlap; a larger stride, which would
        leave sentences out of every segment, is refused).
    spacy_model : str, optional
        An installed spaCy pipeline to use instead of the blank sentencizer.
    max_words : int, optional
        A sentence of more words is speech transcribed without sentence punctuation, and
        is cut into pieces of about :data:`PIECE_WORDS` words (:func:`cut_run_ons`), for
        sentences and windows alike; ``None`` cuts nothing.
    batch_size : int
        Texts per ``nlp.pipe`` batch.
    """

    unit: Unit = "sentence"
    roles: Sequence[str] = ("participant",)
    window: int = 3
    stride: int | None = None
    spacy_model: str | None = None
    max_words: int | None = MAX_WORDS
    batch_size: int = 256

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ConfigError("E163", detail=f"unit {self.unit!r}; expected one of {UNITS}")
        if (isinstance(self.roles, str) or not isinstance(self.roles, Sequence)
                or not all(isinstance(r, str) for r in self.roles)):
            raise ConfigError("E163", detail=f"roles {self.roles!r}; expected a list of some of {ROLES}")
        if not all(is_number(n, whole=True) for n in (self.window, self.stride) if n is not None):
            raise ConfigError("E163", detail=f"window {self.window!r} and stride {self.stride!r}; expected whole numbers")
        if self.max_words is not None and not (is_number(self.max_words, whole=True) and self.max_words >= PIECE_WORDS):
            raise ConfigError("E163", detail=f"max_words {self.max_words!r}; expected a whole number of at least "
                                             f"{PIECE_WORDS}, or None to cut no sentence")
        if self.spacy_model is not None and not isinstance(self.spacy_model, str):
            raise ConfigError("E163", detail=f"spaCy model {self.spacy_model!r}; expected the name of an installed "
                              "spaCy pipeline")
        if not self.roles:
            raise ConfigError("E163", detail=f"no speaker role to keep (--roles); expected some of {ROLES}")
        bad = [r for r in self.roles if r not in ROLES]
        if bad:
            raise ConfigError("E163", detail=f"roles {bad}; expected some of {ROLES}")
        if self.window < 1 or (self.stride is not None and self.stride < 1):
            raise ConfigError("E163", detail="--window and --stride must be at least 1")
        if self.stride is not None and self.stride > self.window:
            raise ConfigError("E163", detail=f"--stride {self.stride} is larger than --window {self.window}, so the "
                              "sentences between windows would never be coded; use a stride of at most the window")

    def settings(self) -> dict[str, Any]:
        """What decides the segments (not ``batch_size``), as JSON for a model card."""
        return {"unit": self.unit, "roles": list(self.roles), "window": self.window, "stride": self.stride,
                "spacy_model": self.spacy_model, "max_words": self.max_words}

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Segmenter:
        """The segmenter :meth:`settings` describes (unknown keys are ignored).

        Raises
        ------
        ConfigError
            E163 when ``settings`` is not a mapping or holds values a segmenter cannot take.
        """
        if not isinstance(settings, dict):
            raise ConfigError("E163", detail=f"segmenter settings {settings!r}; expected a mapping")
        known = {k: settings[k] for k in ("unit", "window", "stride", "spacy_model", "max_words") if k in settings}
        if "roles" in settings:
            roles = settings["roles"]
            known["roles"] = tuple(roles) if isinstance(roles, list) else roles
        return cls(**known)

    def warnings(self, interviews: Iterable[Interview]) -> list[tuple[Interview, str]]:
        """Each interview with no speech of a kept role, and a line naming its speakers'
        roles; and each whose speech runs on for more than :attr:`max_words` words with no
        full stop, question or exclamation mark, with a line saying it is cut.

        An interview of the first kind gives no segment, most often because a speaker label
        or role was not recognised, so its speech went to another speaker. One of the second
        was transcribed without sentence punctuation (automatic captions, say).
        """
        keep = set(self.roles)
        found = []
        for interview in interviews:
            if any(t.role in keep and t.end > t.start for t in interview.turns):
                if (long := self._run_ons(interview)):
                    found.append((interview, (
                        f"interview {interview.id!r} has {long} stretch(es) of speech of over {self.max_words} words "
                        "with no full stop, question or exclamation mark (a transcript or captions without "
                        f"punctuation?); each is cut into segments of about {PIECE_WORDS} words, at line breaks "
                        "or commas where there are any (--unit turn keeps each turn whole)")))
                continue
            speakers = some([f"{name} ({role})" for name, role in interview.speakers.items()], 10) or "none"
            line = (f"interview {interview.id!r} has no {' or '.join(self.roles)} speech, so it gives no segment "
                    f"(speakers: {speakers}); if a role is wrong, set it with --speaker-role NAME=ROLE or in the "
                    "corpus config")
            found.append((interview, line))
        return found

    def _run_ons(self, interview: Interview) -> int:
        """How many stretches of kept speech :func:`cut_run_ons` cuts, about (sentences found
        by their closing marks, not by spaCy)."""
        if self.unit == "turn" or self.max_words is None:
            return 0
        keep = set(self.roles)
        return sum(len(part.split()) > self.max_words for t in interview.turns if t.role in keep
                   for part in SENTENCE_END.split(interview.text[t.start : t.end]))

    def segment(self, interviews: Iterable[Interview]) -> list[Segment]:
        """All segments of ``interviews``, in interview and text order."""
        return list(self.iter_segments(interviews))

    def iter_segments(self, interviews: Iterable[Interview]) -> Iterator[Segment]:
        """Like :meth:`segment`, streaming: interviews are consumed lazily."""
        keep = set(self.roles)
        for interview in interviews:
            turns = [t for t in interview.turns if t.role in keep and t.end > t.start]
            if self.unit == "turn":
                yield from self._turn_segments(interview, turns)
            else:
                yield from self._sentence_segments(interview, turns)

    def _turn_segments(self, interview: Interview, turns: list[Turn]) -> Iterator[Segment]:
        for n, turn in enumerate(turns):
            start, end = _trim(interview.text, turn.start, turn.end)
            if end > start:
                yield self._make(interview, n, turn, start, end)

    def _sentence_segments(self, interview: Interview, turns: list[Turn]) -> Iterator[Segment]:
        nlp = load_nlp(self.spacy_model)
        # spaCy refuses a text over nlp.max_length: a longer turn goes through in pieces
        pieces = [(k, start, end) for k, turn in enumerate(turns)
                  for start, end in _pieces(interview.text, turn.start, turn.end, nlp.max_length)]
        docs = nlp.pipe((_spaced(interview.text[start:end]) for _, start, end in pieces), batch_size=self.batch_size)
        sentences: list[list[tuple[int, int]]] = [[] for _ in turns]
        for (k, offset, _), doc in zip(pieces, docs):
            for sent_start, sent_end in sentence_spans(doc):
                start, end = _trim(interview.text, offset + sent_start, offset + sent_end)
                if end > start:
                    sentences[k].append((start, end))
        n = 0
        cues = {offset for offset, _ in interview.timeline}
        for turn, spans in zip(turns, sentences):
            spans = joined_after_abbreviations(interview.text, unspaced_sentences(interview.text, spans))
            spans = cut_run_ons(interview.text, whole_time_marks(interview.text, spans), self.max_words,
                                breaks=cues)
            for start, end in self._group(attach_non_speech(interview.text, spans)):
                yield self._make(interview, n, turn, start, end)
                n += 1

    def _group(self, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
        if self.unit == "sentence" or not sentences:
            return sentences
        if len(sentences) <= self.window:
            return [(sentences[0][0], sentences[-1][1])]
        stride = self.stride or self.window
        starts = list(range(0, len(sentences) - self.window + 1, stride))
        if starts[-1] + self.window < len(sentences):
            starts.append(len(sentences) - self.window)
        return [(sentences[i][0], sentences[i + self.window - 1][1]) for i in starts]

    def _make(self, interview: Interview, n: int, turn: Turn, start: int, end: int) -> Segment:
        line, line_end = interview.lines_of(start, end)
        return Segment(
            interview_id=interview.id,
            segment_id=f"{interview.id}:{_ID_PREFIX[self.unit]}{n}",
            start=start,
            end=end,
            speaker=turn.speaker,
            role=turn.role,
            text=interview.text[start:end],
            timestamp=interview.time_at(start),
            line=line,
            line_end=line_end,
        )


def sentence_spans(doc: Any) -> list[tuple[int, int]]:
    """Character spans of a parsed text's sentences, each opening bracket or quote in the
    sentence it opens.

    spaCy's sentencizer (and its parsers, often) end a sentence at the first word after
    its full stop, so the bracket or quote that opens the next one ends the sentence
    before: ``anyone. [laughs]`` became ``anyone. [`` and ``laughs]``, ``told. “You
    people.”`` ``told. “`` and ``You people.”``. A left bracket or quote with no space
    after it, at the end of a sentence, moves to the next.

    >>> import spacy
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
    >>> text = "She said not to tell anyone. [laughs] I was told. \u201cYou people.\u201d"
    >>> [text[a:b] for a, b in sentence_spans(nlp(text))]
    ['She said not to tell anyone.', '[laughs] I was told.', '\u201cYou people.\u201d']
    """
    bounds = [sent.start for sent in doc.sents] + [len(doc)]
    for k in range(1, len(bounds) - 1):
        i = bounds[k]
        while i - 1 > bounds[k - 1] and doc[i - 1].is_left_punct and not doc[i - 1].whitespace_:
            i -= 1
        bounds[k] = i
    return [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1])) for a, b in pairwise(bounds) if b > a]


#: where a sentence of Chinese or Japanese ends inside a run of text: its full stop, exclamation or
#: question mark, text following with no space (not a closing quote: 「本当？」と言った is one sentence)
_UNSPACED_END = re.compile("[\u3002\uff01\uff1f\uff61]+(?=[^\\s\u300d\u300f\uff09\u300b\u3009\u201d\u2019\"')])")


def unspaced_sentences(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A turn's sentence ``spans`` also cut where a Chinese or Japanese sentence ends: spaCy's
    tokenizer cuts text at spaces, which these languages do not write, so a run of their
    sentences was one word, and one sentence.

    >>> text = "\u6211\u5f88\u597d\u3002\u5979\u6765\u4e86\uff01\u300c\u771f\u7684\uff1f\u300d\u5979\u8bf4\u3002 Fine."
    >>> [text[a:b] for a, b in unspaced_sentences(text, [(0, 16), (17, 22)])]
    ['\u6211\u5f88\u597d\u3002', '\u5979\u6765\u4e86\uff01', '\u300c\u771f\u7684\uff1f\u300d\u5979\u8bf4\u3002', 'Fine.']
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        at = start
        for m in _UNSPACED_END.finditer(text, start, end):
            if m.end() < end:
                out.append((at, m.end()))
                at = m.end()
        out.append((at, end))
    return out


def whole_time_marks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A turn's sentence ``spans`` with no boundary inside a time mark.

    spaCy's sentencizer splits f4's ``back. #00:02:30-1# She`` into ``back. #`` and
    ``00:02:30-1# She``. A boundary inside an f4 mark moves after it (f4 writes the time
    where what was said ends), one inside a bracketed ``[00:02:30]`` before it (it opens
    what follows).

    >>> text = "She came back. #00:02:30-1# She asked."
    >>> [text[a:b] for a, b in whole_time_marks(text, [(0, 16), (16, 38)])]
    ['She came back. #00:02:30-1#', 'She asked.']
    >>> text = "She came back. [00:02:30] She asked."
    >>> [text[a:b] for a, b in whole_time_marks(text, [(0, 19), (19, 36)])]
    ['She came back.', '[00:02:30] She asked.']

    A piece that is only (part of) a mark joins its neighbour:

    >>> text = "[00:02:30] She asked."
    >>> [text[a:b] for a, b in whole_time_marks(text, [(0, 4), (4, 21)])]
    ['[00:02:30] She asked.']
    """
    if not spans:
        return spans
    marks = [(m.start(), m.end(), m.group("f4") is not None)
             for m in TIME_MARK.finditer(text, spans[0][0], spans[-1][1])]
    if not marks:
        return spans
    out = [spans[0]]
    for start, end in spans[1:]:
        first, last = out[-1]
        cut = next((stop if closing else begin for begin, stop, closing in marks
                    if begin < start < stop or begin < last < stop), None)
        if cut is None:
            out.append((start, end))
            continue
        left, right = cut, cut
        while left > first and text[left - 1].isspace():
            left -= 1
        while right < end and text[right].isspace():
            right += 1
        if left <= first or right >= end:  # one side was only (part of) the mark
            out[-1] = (first, end)
        else:
            out[-1] = (first, left)
            out.append((right, end))
    return out


def attach_non_speech(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A turn's sentence ``spans`` with each one that is only a transcriber's note of
    non-speech (``[laughs]``, ``(pause)``, ``[inaudible 00:01:02]``) joined to the sentence
    before it (the first of a turn to the one after): it says how that was said, and alone
    it is a segment with nothing to code. A turn of notes alone keeps them.

    >>> text = "Not to tell anyone. [laughs] (pause) So yes."
    >>> [text[a:b] for a, b in attach_non_speech(text, [(0, 19), (20, 28), (29, 36), (37, 44)])]
    ['Not to tell anyone. [laughs] (pause)', 'So yes.']
    """
    merged: list[tuple[int, int]] = []
    pending: int | None = None  # the start of notes that open the turn
    for start, end in spans:
        if _NON_SPEECH.fullmatch(text, start, end):
            if merged:
                merged[-1] = (merged[-1][0], end)
            elif pending is None:
                pending = start
            continue
        merged.append((start if pending is None else pending, end))
        pending = None
    if pending is not None:  # nothing but notes
        return spans
    return merged


def cut_run_ons(text: str, spans: list[tuple[int, int]], limit: int | None = MAX_WORDS,
                piece: int = PIECE_WORDS, breaks: Collection[int] = ()) -> list[tuple[int, int]]:
    r"""A turn's sentence ``spans`` with each of more than ``limit`` words cut into pieces
    of about ``piece`` words: speech transcribed without sentence punctuation is otherwise
    one "sentence" as long as its turn. ``limit=None`` cuts nothing.

    A stretch of ``n`` words is cut into ``ceil(n / piece)`` pieces. Each cut falls within
    a third of a piece of its even share, at the best break there: before a word at one
    of the offsets ``breaks`` (where a caption cue starts, whose time the piece then
    carries) or after a line break, else after a comma, semicolon, colon or dash, else
    nearest the share. Never inside brackets, so a note such as ``[inaudible 00:01:02]``
    stays whole.

    >>> text = "so the nurse she came round\nand she sat with me, and we talked about the flat"
    >>> [text[a:b] for a, b in cut_run_ons(text, [(0, len(text))], limit=12, piece=6)]
    ['so the nurse she came round', 'and she sat with me,', 'and we talked about the flat']
    >>> [text[a:b] for a, b in cut_run_ons(text, [(0, len(text))], limit=12, piece=6, breaks={56})]
    ['so the nurse she came round', 'and she sat with me, and we', 'talked about the flat']
    """
    if limit is None:
        return spans
    out: list[tuple[int, int]] = []
    for start, end in spans:
        # n words take 2n - 1 characters at least: most sentences need no count
        if end - start < 2 * limit + 1 or len(text[start:end].split()) <= limit:
            out.append((start, end))
        else:
            out.extend(_cut(text, start, end, piece, breaks))
    return out


def _cut(text: str, start: int, end: int, piece: int, breaks: Collection[int]) -> list[tuple[int, int]]:
    """``[start, end)`` cut into pieces of about ``piece`` words (see :func:`cut_run_ons`)."""
    words = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    gaps: list[tuple[int, int]] = []  # (the word after the gap, how good a break the gap is)
    depth = 0
    for i, (a, b) in enumerate(words[:-1]):
        word = text[a:b]
        depth = max(0, depth + sum(map(word.count, _OPENING)) - sum(map(word.count, _CLOSING)))
        if depth == 0:
            line_break = words[i + 1][0] in breaks or "\n" in text[b : words[i + 1][0]]
            clause_end = word[-1] in ",;:" or word in _DASHES
            gaps.append((i + 1, 2 if line_break else 1 if clause_end else 0))
    n, reach = len(words), max(1, piece // 3)
    parts = -(-n // piece)
    cuts = [0]
    for k in range(1, parts):
        share = round(k * n / parts)
        near = [(good, -abs(i - share), i) for i, good in gaps if abs(i - share) <= reach and i > cuts[-1]]
        if near:
            cuts.append(max(near)[2])
    cuts.append(n)
    return [(words[a][0], words[b - 1][1]) for a, b in pairwise(cuts)]


def _pieces(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    r"""Cut ``[start, end)`` into spans of at most ``limit`` characters.

    Each cut falls after the last line break before the limit, else after the last
    space, else at the limit itself.

    >>> list(_pieces("ab cd\nef gh", 0, 11, 7))
    [(0, 6), (6, 11)]
    """
    while end - start > limit:
        window = text[start : start + limit]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or limit
        yield start, start + cut
        start += cut
    yield start, end


#: Longest run of characters without a space that spaCy reads whole. Its tokenizer takes
#: time quadratic in a token's length on some runs (``:0:0:0...``: 100,000 characters took
#: minutes), and no word or web address is this long: a longer run is garbled data.
MAX_RUN = 1000
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


def _spaced(text: str) -> str:
    """``text`` with every run of more than :data:`MAX_RUN` non-space characters cut by a
    space every :data:`MAX_RUN` characters (a character replaced, so every offset holds).

    >>> MAX_RUN, len(_spaced(":0" * 1500)), _spaced(":0" * 1500)[1000], _spaced("Fine. " * 500) == "Fine. " * 500
    (1000, 3000, ' ', True)
    """
    def cut(m: re.Match[str]) -> str:
        run = list(m.group())
        run[MAX_RUN::MAX_RUN + 1] = " " * len(run[MAX_RUN::MAX_RUN + 1])
        return "".join(run)

    return _LONG_RUN.sub(cut, text) if len(text) > MAX_RUN else text


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
