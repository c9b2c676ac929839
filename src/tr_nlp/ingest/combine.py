"""Gather what several files hold into one set of interviews, one interview per id.

Coders of a team often each code their own copy of a project (NVivo without a server,
ATLAS.ti team work) and export one ``.qdpx`` each. Read together, the transcripts the
copies share are the same text: each is kept once, with the codings of every copy, so
the coders can be compared. A copy a coder corrected a little (a typo, a misheard word:
:data:`~tr_nlp.ingest.align.MIN_SIMILAR` of it the same) has its codings moved onto the
text read first (:class:`~tr_nlp.ingest.align.TextMap`), with a warning; an id another
file gave with a different text is an error: offsets into two texts cannot be compared.

A transcript may also come twice under two names: coders who comment their own copy of
a Word transcript save it as ``p01_anna.docx`` and ``p01_ben.docx``. A text read before
from another file, character for character, is that interview again, whatever its name,
and so is one a little different (corrected) whose name shares its first or last word
and one of its longest lines: it is kept once, with the codings of both, under what the
names share (``p01``; see :func:`shared_name`), and :attr:`Gathered.aliases` says which
names it had.

Examples
--------
>>> from tr_nlp.schema import Coding, Interview
>>> one = Interview("p1", "I felt heard.")
>>> gathered = Gathered()
>>> gathered.add("anna.qdpx", ReadResult([one], [Coding("p1", 0, 12, "heard", "Anna")]))
(['p1'], [])
>>> gathered.add("ben.qdpx", ReadResult([one], [Coding("p1", 2, 12, "heard", "Ben")]))
([], [])
>>> [c.coder for c in gathered.result.codings]
['Anna', 'Ben']
>>> print(gathered.merge_notes()[0])
1 file(s) held transcripts read before from another file, with the same text: each read once, keeping the codings of every file (added from them: Ben: 1): ben.qdpx (as anna.qdpx)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from tr_nlp.codebook import code_key
from tr_nlp.errors import InputError, counted, some
from tr_nlp.ingest.align import MIN_SIMILAR, TextMap
from tr_nlp.ingest.base import ReadResult
from tr_nlp.refi.vocab import READ_CODE
from tr_nlp.schema import Codebook, Coding, Interview

_T = TypeVar("_T")
#: The lists of a :class:`ReadResult` a file's own are added to, each item once.
_LISTS = ("codings", "machine_codings", "reviewed", "comment_codings")


@dataclass
class Gathered:
    """Interviews, codings, codebook and read passages gathered from files in turn.

    Attributes
    ----------
    result : ReadResult
        Everything gathered so far (its ``warnings`` stay empty: :meth:`add` returns them).
    origin : dict
        Interview id -> the file that first gave it.
    aliases : dict
        The id of each transcript read again under another name (a copy with the same
        text) -> the id it is kept under; after :meth:`finish`, the first name too, where
        the interview was renamed to what its names share.
    versions : dict
        The id of each corrected copy among them -> its own text (an interview) and the map
        from it onto the text kept, so that a codings table naming it can be moved too.
    """

    result: ReadResult = field(default_factory=ReadResult)
    origin: dict[str, str] = field(default_factory=dict)
    #: (file, a file read before that gave one of its transcripts, coders whose codings of
    #: those it added) for each file that held transcripts read before and added to them
    merged: list[tuple[str, str, Counter[str]]] = field(default_factory=list)
    #: (file, the file read before) for each file that held nothing not read before
    repeated: list[tuple[str, str]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    versions: dict[str, tuple[Interview, TextMap]] = field(default_factory=dict)
    #: the interviews by id, and what each list of ``result`` holds, kept as files are added
    _by_id: dict[str, Interview] = field(default_factory=dict, repr=False)
    #: the id of each text read so far (the first to give it)
    _by_text: dict[str, str] = field(default_factory=dict, repr=False)
    #: the ids read so far by their longest lines
    _by_line: dict[str, list[str]] = field(default_factory=dict, repr=False)
    #: the names :meth:`finish` gave interviews read under several
    _new_names: set[str] = field(default_factory=set, repr=False)
    _held: dict[str, set[Any]] = field(default_factory=lambda: {name: set() for name in _LISTS}, repr=False)

    def add(self, path: str, read: ReadResult) -> tuple[list[str], list[str]]:
        """Add what one file holds; return the ids it added, and warnings: a coder who
        coded a transcript read before differently here, codes the codebook lacked.

        An interview whose id was read before with the same text is kept once; this
        file's codings, read passages and codes are added to it (those already there are
        not repeated), and the file is counted in :meth:`merge_notes`.

        An interview whose id was read before with a text only a little different (a copy
        a coder corrected) is that interview too: this file's codings of it are moved onto
        the text read before, with a warning.

        Raises
        ------
        InputError
            E166, where an id was read before with another text; nothing is added then.
        """
        shared: dict[str, str] = {}
        copies: dict[str, str] = {}  # this file's ids of texts read before under another name
        edited: dict[str, TextMap] = {}  # this file's ids whose text differs a little from the one read before
        own = {iv.id for iv in read.interviews}
        for interview in read.interviews:
            known = self._by_id.get(interview.id)
            if known is None:
                twin, corrected = self._by_text.get(interview.text), None
                if twin is None:
                    twin, corrected = self._corrected_copy(interview, own)
                if twin is not None and twin not in own:
                    copies[interview.id] = twin
                    shared[twin] = self.origin[twin]
                    if corrected is not None:
                        edited[interview.id] = corrected
                        self.versions[interview.id] = (interview, corrected)
                continue
            if interview.text != known.text:
                edited[interview.id] = TextMap.between(interview.text, known.text)
                if edited[interview.id].similarity < MIN_SIMILAR:
                    raise InputError("E166", path, interview_id=interview.id, other=self.origin[interview.id],
                                     differ=first_difference(interview.text, known.text))
            shared[interview.id] = self.origin[interview.id]
        edits = [_edited_note(read, iid, found, self._by_id[copies.get(iid, iid)].text,
                              self.origin[copies.get(iid, iid)]) for iid, found in edited.items()]
        if edited:
            read, lost = moved_onto(read, edited)
            edits += [f"{lost} coding(s) of words the text read before does not hold were left out"] if lost else []
        if copies:
            read = renamed(read, copies)
            self.aliases.update(copies)
        added = [iv for iv in read.interviews if iv.id not in shared]
        self.result.interviews.extend(added)
        self._by_id.update((iv.id, iv) for iv in added)
        for iv in added:
            self._by_text.setdefault(iv.text, iv.id)
            for line in _longest_lines(iv.text):
                self._by_line.setdefault(line, []).append(iv.id)
        self.origin.update((iv.id, path) for iv in added)
        notes = edits + (_same_coder_notes(shared, read.codings, self.result.codings) if shared else [])
        coders = Counter(c.coder for name in ("codings", "comment_codings") for c in getattr(read, name)
                         if c.interview_id in shared and c not in self._held[name]
                         and not c.code.startswith(READ_CODE))  # a passage marked read is no coding
        grew = sum(extend_unseen(getattr(self.result, name), getattr(read, name), self._held[name])
                   for name in _LISTS)
        if read.codebook is not None:
            book, new = merged_codebook(self.result.codebook, read.codebook)
            if new and self.result.codebook is not None:
                notes.append(added_codes_note(new))
            self.result.codebook = book
        first = self.origin[next(iter(shared))] if shared else ""
        if set(shared) <= set(copies.values()):  # read under other names: the note on aliases says so
            pass
        elif coders or added or grew:
            self.merged.append((path, first, coders))
        elif not notes:  # a copy of a file read before (an edited copy is named in a note)
            self.repeated.append((path, first))
        return [iv.id for iv in added], notes

    def _corrected_copy(self, interview: Interview, own: set[str]) -> tuple[str | None, TextMap | None]:
        """The interview read before from another file that ``interview`` is a corrected copy
        of: its name shares a first or last word and its text one of the longest lines, and
        :data:`~tr_nlp.ingest.align.MIN_SIMILAR` of their characters are the same; with the
        map of ``interview``'s text onto it."""
        candidates: dict[str, None] = {}  # in the order read
        for line in _longest_lines(interview.text):
            ids = self._by_line.get(line, [])
            if len(ids) <= _COMMON_LINE:  # a line many transcripts share (a consent script) tells none apart
                candidates.update(dict.fromkeys(ids))
        keys = set(_name_keys(interview.id))
        for other in candidates:
            text = self._by_id[other].text
            if other in own or not keys & set(_name_keys(other)) or not 0.9 <= len(text) / len(interview.text) <= 1.1:
                continue
            found = TextMap.between(interview.text, text)
            if found.similarity >= MIN_SIMILAR:
                return other, found
        return None, None

    def finish(self) -> ReadResult:
        """The result, each transcript read under several names (:attr:`aliases`) renamed
        to what its names share (:func:`shared_name`) where that names no other interview.

        >>> from tr_nlp.schema import Interview
        >>> gathered = Gathered()
        >>> for path, coder in (("p01_anna.docx", "Anna"), ("p01_ben.docx", "Ben")):
        ...     name = path.removesuffix(".docx")
        ...     _ = gathered.add(path, ReadResult([Interview(name, "I felt heard.")], [Coding(name, 2, 12, "heard", coder)]))
        >>> found = gathered.finish()
        >>> [iv.id for iv in found.interviews], [(c.interview_id, c.coder) for c in found.codings]
        (['p01'], [('p01', 'Anna'), ('p01', 'Ben')])
        >>> gathered.aliases
        {'p01_ben': 'p01', 'p01_anna': 'p01'}
        """
        names: dict[str, list[str]] = {}
        for alias, kept in self.aliases.items():
            names.setdefault(kept, [kept]).append(alias)
        taken, new = set(self._by_id), {}
        for kept, ids in names.items():
            name = shared_name(ids)
            if name is not None and name not in taken:
                new[kept] = name
                taken.add(name)
        if new:
            self.result = renamed(self.result, new)
            self.aliases = {alias: new.get(kept, kept) for alias, kept in self.aliases.items()} | new
            self._by_id = {iv.id: iv for iv in self.result.interviews}
            self.origin = {new.get(iid, iid): path for iid, path in self.origin.items()}
            self._by_text = {text: new.get(iid, iid) for text, iid in self._by_text.items()}
            self._by_line = {line: [new.get(iid, iid) for iid in ids] for line, ids in self._by_line.items()}
            self._held = {name: set(getattr(self.result, name)) for name in _LISTS}
            self._new_names.update(new.values())
        return self.result

    def merge_notes(self, shown: int = 3) -> list[str]:
        """A warning for the files that held transcripts read before from another file,
        with the same text (each coder's copy of a project, of the transcripts), and one
        for those of them that added nothing (one transcript in two folders).

        >>> from tr_nlp.schema import Interview
        >>> gathered = Gathered()
        >>> one = Interview("p1", "I felt heard.")
        >>> for path, coder in (("anna/p1.docx", "Anna"), ("ben/p1.docx", "Ben"), ("old/p1.docx", "Ben")):
        ...     _ = gathered.add(path, ReadResult([one], [Coding("p1", 2, 12, "heard", coder)]))
        >>> for note in gathered.merge_notes():
        ...     print(note)
        1 file(s) held transcripts read before from another file, with the same text: each read once, keeping the codings of every file (added from them: Ben: 1): ben/p1.docx (as anna/p1.docx)
        1 file(s) held only transcripts read before from another file, with the same text, and nothing to add, and were read once: old/p1.docx (as anna/p1.docx)
        """
        notes = []
        if self.aliases:
            names: dict[str, list[str]] = {}
            for alias, kept in self.aliases.items():
                names.setdefault(kept, [] if kept in self._new_names else [kept]).append(alias)
            shown_ids = {iid: f"{iid!r}" + (" (corrected)" if iid in self.versions else "") for iid in self.aliases}
            groups = [f"{', '.join(shown_ids.get(i, repr(i)) for i in ids[:-1])} and "
                      f"{shown_ids.get(ids[-1], repr(ids[-1]))} as {kept!r}"
                      for kept, ids in ((kept, sorted(ids)) for kept, ids in names.items())]
            notes.append(f"{len(groups)} transcript(s) came under several names with the same text, character for "
                         "character, or one corrected a little (each coder's copy, say), and were each read as one "
                         f"interview with the codings of all: {some(groups, shown)}")
        if self.merged:
            coders = sum((found for _, _, found in self.merged), Counter())
            added = counted(coders)
            pairs = [f"{path} (as {other})" for path, other, _ in self.merged]
            notes.append(f"{len(pairs)} file(s) held transcripts read before from another file, with the same text: "
                         "each read once, keeping the codings of every file"
                         + (f" (added from them: {added})" if added else "") + f": {some(pairs, shown)}")
        if self.repeated:
            pairs = [f"{path} (as {other})" for path, other in self.repeated]
            notes.append(f"{len(pairs)} file(s) held only transcripts read before from another file, with the same "
                         f"text, and nothing to add, and were read once: {some(pairs, shown)}")
        return notes


def renamed_items(items: list[_T], ids: Mapping[str, str]) -> list[_T]:
    """``items`` (codings, read passages) with the interview ids of ``ids`` (old -> new) changed."""
    return [replace(item, interview_id=ids[item.interview_id])  # type: ignore[type-var]
            if item.interview_id in ids else item for item in items]  # type: ignore[attr-defined]


def moved_onto(read: ReadResult, maps: Mapping[str, TextMap]) -> tuple[ReadResult, int]:
    """``read`` with the codings and passages of the interviews of ``maps`` (id -> the map
    from its text onto the one read before) moved onto that text, and how many were left
    out for covering only words it does not hold."""
    lost = 0
    lists = {}
    for name in _LISTS:
        lists[name], gone = moved_items(getattr(read, name), maps)
        lost += gone
    return replace(read, **lists), lost


def moved_items(items: list[_T], maps: Mapping[str, TextMap]) -> tuple[list[_T], int]:
    """``items`` (codings, read passages) of the interviews of ``maps`` moved onto the text
    each map leads to, and how many were left out for covering only words it does not hold."""
    out, lost = [], 0
    for item in items:
        found = maps.get(item.interview_id)  # type: ignore[attr-defined]
        if found is None:
            out.append(item)
            continue
        span = found.span(item.start, item.end)  # type: ignore[attr-defined]
        if span is not None:
            out.append(replace(item, start=span[0], end=span[1]))  # type: ignore[type-var]
        else:
            lost += 1
    return out, lost


def _edited_note(read: ReadResult, iid: str, found: TextMap, before: str, origin: str) -> str:
    """The warning for an interview read again with a text a little different."""
    text = next(iv.text for iv in read.interviews if iv.id == iid)
    return (f"interview '{iid}' differs a little from the one in {origin} ({found.changes} change(s), "
            f"{found.similarity:.1%} the same; the first {first_difference(text, before)}): read as that one, "
            "with the codings here moved onto its text")


def renamed(read: ReadResult, ids: Mapping[str, str]) -> ReadResult:
    """``read`` with the interviews of ``ids`` (old id -> new) and all it says of them under their new ids."""
    return replace(read, interviews=[replace(iv, id=ids.get(iv.id, iv.id)) for iv in read.interviews],
                   **{name: renamed_items(getattr(read, name), ids) for name in _LISTS})


#: The words of a name, parted by spaces, punctuation and underscores.
_WORDS = re.compile(r"[^\W_]+")


def _name_keys(name: str) -> list[tuple[str, str]]:
    """The first and the last word of a name, in any case, as keys to find copies by."""
    words = [w.casefold() for w in _WORDS.findall(name)]
    return [("first", words[0]), ("last", words[-1])] if words else []


#: a line more transcripts than this share is no sign that two are copies of one
_COMMON_LINE = 5


def _longest_lines(text: str, n: int = 8) -> list[str]:
    """The ``n`` longest lines of a text (a copy corrected here and there keeps most of them)."""
    return sorted({line.strip() for line in text.splitlines() if line.strip()}, key=len, reverse=True)[:n]


def shared_name(names: list[str]) -> str | None:
    """What the names of one transcript's copies share: their first words in common (in any
    case), else their last; None when they share neither.

    >>> shared_name(["p01_anna", "p01_ben"]), shared_name(["Anna - P 01", "ben - p 01"]), shared_name(["a1", "b1"])
    ('p01', 'P 01', None)
    >>> shared_name(["interview1_coderA", "interview1_coderB"]), shared_name(["p01", "p01 (1)"])
    ('interview1', 'p01')
    """
    spans = [[m.span() for m in _WORDS.finditer(name)] for name in names]
    words = [[name[a:b].casefold() for a, b in found] for name, found in zip(names, spans, strict=True)]
    first, shortest = spans[0], min(len(w) for w in words)
    lead = next((i for i in range(shortest) if len({w[i] for w in words}) > 1), shortest)
    if lead:
        return names[0][:first[lead - 1][1]]
    trail = next((i for i in range(shortest) if len({w[-1 - i] for w in words}) > 1), shortest)
    return names[0][first[-trail][0]:] if trail else None


def merged_codebook(first: Codebook | None, other: Codebook) -> tuple[Codebook, list[str]]:
    """``first`` with the codes of ``other`` it lacks appended, and their names.

    A code both have (in ``other`` perhaps in another case or spacing) keeps ``first``'s
    name and description; a group of ``other``'s is added where
    ``first`` has no group of that name and none of its codes is in a group already.
    """
    if first is None:
        return other, []
    known = {code_key(name): name for name in first.names}  # "trust" beside "Trust" is that code, written another way
    new = [code if code.parent is None else replace(code, parent=known.get(code_key(code.parent), code.parent))
           for code in other.codes if code_key(code.name) not in known]
    grouped = {name for codes in first.groups.values() for name in codes}
    groups = dict(first.groups)
    for group, codes in other.groups.items():
        codes = tuple(known.get(code_key(name), name) for name in codes)
        if group not in groups and not grouped.intersection(codes):
            groups[group] = codes
    return replace(first, codes=(*first.codes, *new), groups=groups), [code.name for code in new]


def first_difference(text: str, other: str, context: int = 20) -> str:
    """Where two texts first differ, in words a person can find it by.

    >>> first_difference("Four years, yeah", "Five years, yeah")
    "at character 2: 'Four years, yeah' here, 'Five years, yeah' there"
    >>> first_difference("I felt heard.", "I felt heard. Yes.")
    "after character 13, where one ends: 'elt heard.' here, 'elt heard. Yes.' there"
    """
    shorter = min(len(text), len(other))
    at = next((i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b), shorter)
    start = max(0, at - context // 2)
    where = f"after character {at}, where one ends" if at == shorter else f"at character {at + 1}"
    return f"{where}: {text[start:at + context]!r} here, {other[start:at + context]!r} there"


def added_codes_note(new: list[str]) -> str:
    """The warning for codes one codebook adds to those read before."""
    return f"{len(new)} code(s) no file read before has were added to the codebook: {', '.join(new)}"


def extend_unseen(items: list[_T], more: list[_T], seen: set[_T] | None = None) -> int:
    """Append the ``more`` not in ``items`` yet; how many were. ``seen``, when given, is
    what ``items`` holds, kept up to date."""
    seen, before = set(items) if seen is None else seen, len(items)
    for item in more:
        if item not in seen:
            seen.add(item)
            items.append(item)
    return len(items) - before


def _same_coder_notes(shared: dict[str, str], codings: list[Coding], before: list[Coding]) -> list[str]:
    """One note per coder who coded a shared interview differently here than before: two
    people under one user name, or one person's two rounds, which cannot be told apart."""
    def by_coder(found: list[Coding]) -> dict[tuple[str, str], set[Coding]]:
        out: dict[tuple[str, str], set[Coding]] = {}
        for c in found:
            if c.interview_id in shared:
                out.setdefault((c.coder, c.interview_id), set()).add(c)
        return out

    mine, theirs = by_coder(codings), by_coder(before)
    differ: dict[str, list[str]] = {}
    for (coder, interview_id), found in sorted(mine.items()):
        if (coder, interview_id) in theirs and theirs[coder, interview_id] != found:
            differ.setdefault(coder, []).append(interview_id)
    return [f"coder {coder!r} coded {len(ids)} interview(s) ({some(ids, 3)})"
            f" differently here than in {shared[ids[0]]}; the codings of both are taken as one coder's. If two "
            "people coded, give each their own user name in the QDA software before exporting"
            for coder, ids in differ.items()]
