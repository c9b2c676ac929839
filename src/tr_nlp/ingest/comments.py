"""Codings kept as comments in a document: coding in Word's margin.

Teams without QDA software often code in Word: select a passage, add a comment naming
the code. A reader (``.docx``) collects each :class:`Comment`: the text it covers, which
place of that text it is, what it says and who wrote it. :func:`place_comments` finds
each covered passage in the interview's stored text; :func:`codes_from_comments` then
keeps the comments that name a code of the codebook (any case, spaces, hyphens or
underscores: "Non-stigmatizing attitude" is ``non_stigmatizing_attitude``, see
:func:`~tr_nlp.codebook.code_finder`), a line or a
``;``-separated part each, and leaves the rest out as memos, with a warning.

A coder answers one of tr_nlp's own comments (a suggestion written into Word) by replying
to it: :func:`answered` reads ``yes`` as coding the passage with the suggested code, ``no``
as leaving it uncoded, and any codes the reply names as the replier's codings of it.

Examples
--------
>>> from tr_nlp.schema import Code, Codebook, Interview
>>> interview = Interview("p1", "P: She rang on her day off. I never forgot it.")
>>> found, notes = place_comments(interview, [Comment("rang on her day off", 0, "Beyond routine", "Anna")])
>>> found
[Coding(interview_id='p1', start=7, end=26, code='Beyond routine', coder='Anna')]
>>> book = Codebook((Code("beyond_routine"),))
>>> codes_from_comments(found, book)
([Coding(interview_id='p1', start=7, end=26, code='beyond_routine', coder='Anna')], ['1 coding(s) read from comments, codes columns or code tiers (Anna: 1)'])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import accumulate

from tr_nlp.codebook import code_finder, is_code_name
from tr_nlp.errors import counted, some
from tr_nlp.ingest.base import ReadResult
from tr_nlp.ingest.codings import machine_codings_note
from tr_nlp.ingest.encoding import normalise_text, normalise_with_offsets
from tr_nlp.ingest.quotes import QuoteFinder
from tr_nlp.ingest.table import TableMapping
from tr_nlp.ingest.text import DocLine, line_number_prefixes, remove_spans
from tr_nlp.refi.vocab import READ_CODE, noted_code, reader_of
from tr_nlp.schema import Codebook, Coding, Interview, Reviewed, is_machine_coder

#: What separates the codes one comment names: line breaks and semicolons.
_PARTS = re.compile(r"[\n;]+")
#: What parts a code from a memo written after it on one line: a colon, or a dash between spaces.
#: (It starts only where a run of whitespace starts: one pass over a long run of spaces.)
_HEAD = re.compile(r"(?<!\s)(?:\s*+:|\s++[-\u2013\u2014])\s+")
#: Without a codebook, a comment line is taken as a code when it is this short, and a valid name.
MAX_CODE_WORDS = 5
#: Replies that accept a suggestion, and that reject it (their first word or phrase, any case): in
#: English, and the plain yes and no of some languages teams code in ("non" is left out:
#: "Non stigmatizing attitude" names a code).
ACCEPT = frozenset({"yes", "y", "yep", "yeah", "agree", "agreed", "accept", "accepted", "ok", "okay", "correct",
                    "sure", "definitely", "absolutely", "exactly", "fine", "fits", "keep", "spot on", "looks good",
                    "looks right", "good catch", "makes sense",
                    "\u2713", "\u2714", "\U0001f44d", "+1", "ja", "oui", "s\u00ed", "sim", "tak"})
REJECT = frozenset({"no", "n", "nope", "nah", "none", "disagree", "disagreed", "reject", "rejected", "wrong",
                    "incorrect", "irrelevant", "remove", "n/a", "not really", "not quite", "doesn't fit", "does not fit",
                    "doesn't apply", "does not apply",
                    "\u2717", "\u2718", "x", "\U0001f44e", "-1", "nej", "nein", "nee", "nei", "nie", "n\u00e3o"})


def _phrase(words: str) -> str:
    """A phrase of :data:`ACCEPT` or :data:`REJECT` as a pattern: any spaces between its
    words, either apostrophe (Word curls them)."""
    return r"\s+".join(re.escape(word).replace("'", "['\u2019]") for word in words.split())


#: A reply's first word or phrase of :data:`ACCEPT` or :data:`REJECT` (after an "I", as in "I
#: agree"), and what parts it from the rest (punctuation, a spaced dash); "yes?" asks, and is no answer.
_FIRST = re.compile(r"\s*(?:i\s+)?("
                    + "".join(_phrase(p) + "|" for p in sorted((p for p in ACCEPT | REJECT if " " in p), key=len,
                                                                reverse=True))
                    + r"\S+?)(?:\s+[-\u2013\u2014]\s+|[\s,.;:!)]+|$)", re.IGNORECASE)
#: A reply's leading mention of a person (Word's and Google Docs' ``@Ben Smith``, ``+ben@site.org``):
#: its first word, and each further word of the name (capitalised, up to :data:`MAX_NAME_WORDS` in all).
_MENTION = re.compile(r"\s*[@+](?![\d\s])\S+")
_NAME_WORD = re.compile(r"\s*[A-Z\u00c0-\u00de]\S*")
MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class Comment:
    """A comment on a passage of a document.

    Attributes
    ----------
    quote : str
        The text the comment covers, as the document shows it.
    nth : int
        How many places of ``quote`` come before this one in the document (0: the first),
        so a phrase said twice is placed where it was commented.
    note : str
        What the comment says.
    author : str
        Who wrote it (the coder).
    """

    quote: str
    nth: int
    note: str
    author: str


def with_comment_codings(result: ReadResult, comments: Sequence[Comment]) -> ReadResult:
    """``result`` (one document's interview) with ``comments`` placed as its comment codings
    (:func:`place_comments`) and the warnings placing them gave."""
    if comments:
        result.comment_codings, notes = place_comments(result.interviews[0], comments)
        result.warnings.extend(notes)
    return result


def quoted(shown: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, int]]:
    """Each ``(start, end)`` span of ``shown`` (a document's text as it shows it, a line per
    paragraph) as the quote a comment on it covers and which place of that quote it is
    (:attr:`Comment.nth`), as :func:`place_comments` finds them in the stored text: both
    normalised as the stored text is (:func:`~tr_nlp.ingest.encoding.normalise_text`), so
    that a place counts where the stored text has it. In a transcript numbered for citing,
    the numbers that start its lines are left out of both, as its reader leaves them out of
    the stored text (a comment on a whole numbered paragraph, or across paragraphs, holds
    them).

    >>> shown = "1  I: Who?\\n2  P: Jo.\\n3  I: Mm.\\n4  P: Jo.\\n5  P: Jo and Al."
    >>> quoted(shown, [(11, 20), (31, 40), (17, 29)])
    [('P: Jo.', 0), ('P: Jo.', 1), ('Jo.\\nI: Mm', 0)]
    >>> quoted("Rene\\u0301e came. Rene came.", [(13, 17)])  # "Renée" holds no "Rene"
    [('Rene', 0)]
    """
    prefixes = line_number_prefixes(shown)
    moved: Callable[[int], int] = int  # offsets as they are
    if prefixes is not None:
        shown, moved = remove_spans(shown, prefixes)
    shown, offsets = normalise_with_offsets(shown)
    finder = QuoteFinder(shown)
    found = []
    for start, end in spans:
        at = offsets[moved(start)]
        quote = shown[at:offsets[moved(end)]]
        found.append((quote, finder.count_before(quote, at)))
    return found


def place_comments(interview: Interview, comments: Sequence[Comment]) -> tuple[list[Coding], list[str]]:
    """One coding per line (or ``;`` part) of each comment, on the passage it covers in
    ``interview``; its code is the line as written, its coder the comment's author.

    A comment on nothing but spaces, or whose passage is not in the stored text (a header
    line moved into metadata), is counted in a warning. The passage is looked for
    normalised as the stored text is (:func:`~tr_nlp.ingest.encoding.normalise_text`: a
    decomposed accent composed, a soft hyphen left out).
    """
    finder = QuoteFinder(interview.text)
    codings: list[Coding] = []
    unplaced = 0
    for comment in comments:
        quote = normalise_text(comment.quote)
        found = finder.find(quote, comment.nth) if quote.strip() else None
        if found is None:
            unplaced += 1
            continue
        start, end, _ = found
        codings += [Coding(interview.id, start, end, label, comment.author) for label in note_labels(comment.note)]
    notes = ([f"{unplaced} comment(s) or codes cell(s) cover no passage of the transcript's text and were left out"]
             if unplaced else [])
    return codings, notes


def column_comments(lines: Sequence[DocLine], coded: Mapping[int, str]) -> list[Comment]:
    """A transcript table's codes column as comments on its rows' speech, by the default
    coder (a table names no coder); several codes in a cell may be parted by commas too.

    ``lines`` are a document's lines (text, speaker label or None) as its reader reads
    them; ``coded``, the index of each coded row's line and its codes cell.

    >>> column_comments([("P: Yeah.", "P"), ("I: Mm.", "I"), ("P: Yeah.", "P")], {2: "warmth, trust"})
    [Comment(quote='Yeah.', nth=1, note='warmth\\n trust', author='human')]
    """
    if not coded:
        return []
    texts = [line[0] for line in lines]
    finder = QuoteFinder("\n".join(texts))
    starts = list(accumulate((len(line) + 1 for line in texts), initial=0))
    found = []
    for i, codes in coded.items():
        line, label = lines[i][:2]
        speech = line.split(f"{label}: ", 1)[-1] if label else line
        found.append(Comment(speech, finder.count_before(speech, starts[i] + len(line) - len(speech)),
                             codes.replace(",", "\n"), TableMapping.default_coder))
    return found


def verdict(reply: str) -> tuple[bool | None, str]:
    """Whether a reply accepts (True) or rejects (False) what it answers, by its first word
    (:data:`ACCEPT`, :data:`REJECT`), or says neither (None); and the rest of it.

    >>> verdict("Yes, agree"), verdict("no - rather continuity"), verdict("Continuity"), verdict("Nobody")
    ((True, 'agree'), (False, 'rather continuity'), (None, 'Continuity'), (None, 'Nobody'))
    >>> verdict("Ja!"), verdict("Nej, snarare kontinuitet"), verdict("Non stigmatizing attitude")
    ((True, ''), (False, 'snarare kontinuitet'), (None, 'Non stigmatizing attitude'))
    >>> verdict("I agree."), verdict("Not really - continuity"), verdict("Yes?"), verdict("Doesn\u2019t fit")
    ((True, ''), (False, 'continuity'), (None, 'Yes?'), (False, ''))
    >>> verdict("Looks  right to me"), verdict("Makes sense."), verdict("Not quite: continuity"), verdict("Fits")
    ((True, 'to me'), (True, ''), (False, 'continuity'), (True, ''))
    >>> verdict("Not sure"), verdict("Looks odd"), verdict("Good point, but no")
    ((None, 'Not sure'), (None, 'Looks odd'), (None, 'Good point, but no'))

    A reply may first mention a person (``@Ben Smith yes``): the answer follows the name.

    >>> verdict("@Ben Smith yes, agree"), verdict("+ben@site.org No"), verdict("@Ben this is no good")
    ((True, 'agree'), (False, ''), (None, '@Ben this is no good'))
    """
    mention = _MENTION.match(reply)
    if mention is not None:
        at = mention.end()
        for _ in range(MAX_NAME_WORDS):
            yes, rest = _answer(reply[at:])
            if yes is not None:
                return yes, rest
            word = _NAME_WORD.match(reply, at)
            if word is None:
                break
            at = word.end()
    return _answer(reply)


def _answer(reply: str) -> tuple[bool | None, str]:
    """:func:`verdict` of a reply that mentions no one."""
    first = _FIRST.match(reply)
    word = " ".join(first[1].lower().replace("\u2019", "'").split()) if first is not None else ""  # Word curls apostrophes
    if first is not None and word in ACCEPT | REJECT:
        return word in ACCEPT, reply[first.end():].strip()
    return None, reply.strip()


def threads(place: Mapping[str, int], replies: Sequence[tuple[str | None, str, Comment]]) -> dict[int, list[Comment]]:
    """Replies grouped by the comment that starts their thread: ``place`` maps a comment's
    key (its id in the document) to its place in the document's comments; each reply is
    (its own key or None, the key of the comment it answers, the reply). A reply to a
    reply answers the thread's first comment.

    >>> hint, reply, again = Comment("", 0, "yes", "Anna"), Comment("", 0, "no", "Ben"), Comment("", 0, "ok", "Jo")
    >>> threads({"a": 0}, [("r1", "a", hint), ("r2", "r1", reply), (None, "gone", again)])
    {0: [Comment(quote='', nth=0, note='yes', author='Anna'), Comment(quote='', nth=0, note='no', author='Ben')]}
    """
    parent_of = {own: parent for own, parent, _ in replies if own}
    grouped: dict[int, list[Comment]] = {}
    for _, parent, reply in replies:
        seen = set()
        while parent not in place and parent in parent_of and parent not in seen:
            seen.add(parent)
            parent = parent_of[parent]
        if parent in place:
            grouped.setdefault(place[parent], []).append(reply)
    return grouped


def answered(comments: Sequence[Comment], replies: Mapping[int, Sequence[Comment]],
             resolved: AbstractSet[int] = frozenset()) -> tuple[list[Comment], list[str]]:
    """A document's ``comments`` with what people's ``replies`` to tr_nlp's own comments
    among them say, as comments on the same passages; and warnings.

    ``replies`` maps the place of a comment in ``comments`` to the replies to it;
    ``resolved`` holds the places of comments marked resolved (done).

    A reply to a suggestion (a machine comment naming a code: :func:`~tr_nlp.refi.vocab.noted_code`)
    that starts with a yes (:func:`verdict`) is the replier's coding of that code; one that
    starts with a no is none. Whatever else a reply says is read as a comment of the
    replier's (codes it names code the passage, the rest are memos), so a reply naming a code
    to a passage marked read for coding codes it. A replier who left no comment of their own
    in the document reviewed suggestions rather than coding the whole interview: each
    passage they answered is marked read by them (see :func:`read_marks`), so only those
    passages, not the rest of the interview, count as theirs. Replies to coders' own
    comments are discussion and left out, and so are resolved suggestions nobody
    answered: resolving says neither yes nor no.

    Where a document keeps no threads, a person's comment on exactly the passage of one of
    tr_nlp's comments that starts with a yes or a no answers that comment (the last of
    tr_nlp's on that passage before it, else the first after it): Google Docs writes a reply
    as a comment of its own on its thread's passage, after it, and LibreOffice 7.4, saving a
    document replied to in Word (as ``.docx`` or ``.odt``), before it.

    >>> hint = Comment("her day off", 0, "beyond_routine: p=0.81", "tr_nlp model m 1")
    >>> found, notes = answered([hint], {0: [Comment("", 0, "Yes", "Anna")]})
    >>> [(c.note, c.author) for c in found[1:]]
    [('beyond_routine', 'Anna'), ('tr_nlp: read for coding', 'Anna')]
    >>> answered([hint, Comment("her day off", 0, "yes!", "Anna")], {})[0] == found
    True
    >>> answered([Comment("her day off", 0, "yes!", "Anna"), hint], {})[0] == found
    True
    """
    replies = {i: list(answers) for i, answers in replies.items()}
    by_place: set[int] = set()  # people's comments that answer tr_nlp's on the same passage
    machine: dict[tuple[str, int], list[int]] = {}  # a passage -> the places of tr_nlp's comments on it
    for i, comment in enumerate(comments):
        if is_machine_coder(comment.author):
            machine.setdefault((comment.quote, comment.nth), []).append(i)
    for i, comment in enumerate(comments):
        places = machine.get((comment.quote, comment.nth), [])
        if places and not is_machine_coder(comment.author) and verdict(comment.note)[0] is not None:
            before = [j for j in places if j < i]
            replies.setdefault(before[-1] if before else places[0], []).append(comment)
            by_place.add(i)
    found = [c for i, c in enumerate(comments) if i not in by_place]
    own = {c.author for c in found if not is_machine_coder(c.author)}
    said: Counter[str] = Counter()
    repliers: set[str] = set()
    discussion = unanswered = 0
    for i, comment in enumerate(comments):
        people = [r for r in replies.get(i, ()) if not is_machine_coder(r.author)]
        if not is_machine_coder(comment.author):
            discussion += len(people)
            continue
        unanswered += not people and i in resolved
        code = noted_code(comment.note)
        for reply in people:
            yes, rest = verdict(reply.note)
            said["yes" if yes else "no" if yes is False else "other"] += 1
            repliers.add(reply.author)
            found += [replace(comment, note=note, author=reply.author) for note in (
                code if yes and code else "", rest, READ_CODE if reply.author not in own else "") if note]
    notes = []
    if said:
        notes.append(f"{sum(said.values())} repl(ies) to tr_nlp's comments read ({counted(said)})"
                     + ("" if repliers <= own else "; a replier with no comment of their own counts as having "
                        "read the passages they answered, not the whole interview"))
    if discussion:
        notes.append(f"{discussion} repl(ies) to coders' comments left out: a reply to a coder is discussion, "
                     "not coding")
    if unanswered:
        notes.append(f"{unanswered} of tr_nlp's comments marked resolved with no reply left out: resolving says "
                     "neither yes nor no; reply 'yes' to code a suggested passage, 'no' to leave it uncoded")
    return list(dict.fromkeys(found)), notes


def note_labels(note: str) -> list[str]:
    """The codes a comment's text may name: its lines and ``;``-separated parts.

    >>> note_labels("Beyond routine;  continuity\\n\\nAsk P about the dates ")
    ['Beyond routine', 'continuity', 'Ask P about the dates']
    """
    return [part.strip() for part in _PARTS.split(note) if part.strip()]


def read_marks(codings: Sequence[Coding]) -> tuple[list[Reviewed], list[Coding]]:
    """The comment codings that mark a passage read for coding (their text starts with
    :data:`~tr_nlp.refi.vocab.READ_CODE`, as ``tr-nlp next`` writes its list into Word) as
    passages read, by every coder for tr_nlp's own marks (or the coder a ``tr_nlp read by
    NAME`` mark names), else by the comment's author; and the other comment codings.

    >>> marks, rest = read_marks([Coding("p1", 3, 9, "tr_nlp: read for coding (#1)", "tr_nlp next 2026-12-03 09:00"),
    ...                           Coding("p1", 3, 9, "care", "Anna")])
    >>> marks, [c.code for c in rest]
    ([Reviewed(interview_id='p1', start=3, end=9, coder=None)], ['care'])
    """
    marks, rest = [], []
    for coding in codings:
        if coding.code.startswith(READ_CODE):
            marks.append(Reviewed(coding.interview_id, coding.start, coding.end, reader_of(coding.coder)))
        else:
            rest.append(coding)
    return marks, rest


def codes_from_comments(codings: Sequence[Coding], codebook: Codebook | None) -> tuple[list[Coding], list[str]]:
    """The comment codings that name a code, under its codebook name, and warnings.

    With a codebook, a comment line names the code :func:`~tr_nlp.codebook.code_finder` finds
    for it, or for its words before a colon or a spaced dash (``Beyond routine - she came
    on her day off``); other lines are memos, left out. Without one, a line of at most
    :data:`MAX_CODE_WORDS` words that is a valid code name is a code as written; other
    lines are memos. Comments by tr_nlp's own machine users (suggestions written into a
    document by ``tr-nlp export``) are left out: suggestions are not human coding.
    """
    machine = Counter(c.coder for c in codings if is_machine_coder(c.coder))
    accept = "reply 'yes' to its comment (Word), or copy it to a code tier of your own (ELAN)"
    notes = [machine_codings_note(machine, accept)] if machine else []
    codings = [c for c in codings if not is_machine_coder(c.coder)]
    if not codings:
        return [], notes
    kept: list[Coding] = []
    memos: Counter[str] = Counter()
    find_code = code_finder(codebook) if codebook is not None else None
    for coding in codings:
        if find_code is not None:
            head = _HEAD.split(coding.code, 1)[0]  # "Beyond routine: she came on her day off"
            name = find_code(coding.code) or find_code(head)
        else:
            words = len(coding.code.split())
            name = coding.code if words <= MAX_CODE_WORDS and is_code_name(coding.code) else None
        if name is None:
            memos[coding.code] += 1
        else:
            kept.append(replace(coding, code=name))
    if kept:
        notes.append(f"{len(kept)} coding(s) read from comments, codes columns or code tiers ({counted(Counter(c.coder for c in kept))})"
                     + ("" if codebook is not None else
                        f", each comment's text taken as its code ({some(sorted({c.code for c in kept}))}); pass "
                        "--codebook so that only comments naming one of its codes are read as codings"))
    if memos:
        what = "name no code of the codebook" if codebook is not None else f"are longer than {MAX_CODE_WORDS} words or no valid code name"
        notes.append(f"{sum(memos.values())} comment line(s) {what} and were left out as memos "
                     f"(e.g. {some([repr(m[:60]) for m in memos], 3)})")
    return kept, notes
