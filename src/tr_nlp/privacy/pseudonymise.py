"""Replace names, contact details and dates in transcripts with consistent placeholders.

A :class:`Pseudonymiser` finds personal details in a text (speaker names, names from a
user's list, e-mail addresses, web addresses, social-media handles, phone numbers,
NHS-style and other identity numbers, bank accounts, street addresses, postcodes, dates) and replaces each with a
placeholder such as ``[PERSON_1]``. The same detail always gets the same
placeholder, across interviews and, with a saved mapping, across runs. Every
replacement returns an :class:`OffsetMap`, so codings and segments keep covering the
same words in the new text.

The mapping from placeholders back to the originals is itself identifying: it is
written only where the user asks (``--mapping``) and never into reports or exports.

Examples
--------
>>> p = Pseudonymiser(names=["Karen"])
>>> text, where = p.apply("Karen rang on 12/03/2021, call 07700 900123.")
>>> text
'[PERSON_1] rang on [DATE_1], call [PHONE_1].'
>>> where.start(0), where.end(5)
(0, 10)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tr_nlp.csvsafe import guard_cell, unguard_cell
from tr_nlp.errors import InputError
from tr_nlp.ingest.encoding import UNSPACED_LETTER
from tr_nlp.ingest.speakers import is_role_label
from tr_nlp.privacy import details
from tr_nlp.privacy.case import capitalised, lower_case_details
from tr_nlp.privacy.numbers import apart
from tr_nlp.privacy.trie import trie_pattern

KINDS: tuple[str, ...] = (*details.PATTERN_KINDS, "PERSON")
#: The kinds of detail told by their capitals ("3 March", "14 Elm Road"), in a text of one case
#: looked for in :func:`~tr_nlp.privacy.case.capitalised`'s copy of it (an identity number's or
#: a postcode's capitals are its own: those are looked for as written)
_CASED = frozenset({"DATE", "ADDRESS"})

# speaker labels that name a role, not a person (a family member's too, in interviews with carers)
_GENERIC_LABEL = re.compile(
    r"^(?:interviewer|interviewee|participant|respondent|researcher|facilitator|moderator|speaker|"
    r"client|therapist|counsellor|counselor|clinician|patient|service user|carer|staff|nurse|doctor|"
    r"psychiatrist|psychologist|social worker|support worker|key worker|peer worker|care coordinator|gp|"
    r"interpreter|observer|mum|mom|mother|dad|father|parent|partner|husband|wife|son|daughter|sister|"
    r"brother|relative|family member|friend|guardian|"
    r"int|iv|resp|i|p|r|q|a|s|unknown)\s*[-_#]?\s*\d*$",
    re.IGNORECASE,
)
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "prof", "sir", "nurse"}
#: words of a listed place's or service's name that are no one's name ("St Anne's Hospital"
#: is replaced whole, and "Anne's" alone, but "Hospital" alone stays)
_PLACE_WORDS = frozenset({
    "hospital", "ward", "team", "centre", "center", "unit", "clinic", "house", "health", "mental", "service",
    "services", "trust", "nhs", "community", "crisis", "care", "saint", "royal", "general", "university",
    "practice", "surgery", "school", "college", "church", "lodge", "home", "the", "of", "and", "for", "group",
    "project", "foundation", "society", "council", "city", "county", "north", "south", "east", "west", "new",
    "old", "upper", "lower", "great", "little", *(word.casefold() for word in details.STREET_WORDS),
})


@dataclass(frozen=True, slots=True)
class Replacement:
    """One replaced detail: ``text[start:end]`` (``original``) became ``placeholder``."""

    start: int
    end: int
    kind: str
    original: str
    placeholder: str


class OffsetMap:
    """Positions in an original text -> positions in its pseudonymised text.

    A span boundary inside a replaced detail moves outward to the placeholder's edge, so
    a span keeps covering every word it covered (a coding that cut a name in half now
    covers the whole placeholder).
    """

    def __init__(self, replacements: Sequence[Replacement]):
        self._starts = [r.start for r in replacements]
        self._ends = [r.end for r in replacements]
        shift, self._shift, self._new_starts, self._new_ends = 0, [], [], []
        for r in replacements:
            self._new_starts.append(r.start + shift)
            shift += len(r.placeholder) - (r.end - r.start)
            self._shift.append(shift)
            self._new_ends.append(r.end + shift)

    def start(self, position: int) -> int:
        """Where a span starting at ``position`` starts in the new text."""
        i = bisect_right(self._starts, position) - 1
        if i >= 0 and position < self._ends[i]:
            return self._new_starts[i]
        return position + (self._shift[i] if i >= 0 else 0)

    def end(self, position: int) -> int:
        """Where a span ending at ``position`` ends in the new text."""
        i = bisect_left(self._starts, position) - 1
        if i >= 0 and position <= self._ends[i]:
            return self._new_ends[i]
        return position + (self._shift[i] if i >= 0 else 0)


class _Fold(dict[int, str]):
    """A ``str.translate`` table: each character to its letter without accents, built as met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        parts = unicodedata.normalize("NFD", char)
        base = parts[0] if len(parts) > 1 and all(unicodedata.combining(p) for p in parts[1:]) else char
        self[code] = base
        return base


# apostrophes and hyphens a word processor or a transcriber puts in a name's place of ' and -
_FOLD = _Fold({ord(c): "'" for c in "\u2018\u2019\u02bc\u2032"} | {ord(c): "-" for c in "\u2010\u2011\u2012\u2013"})


def _fold(text: str) -> str:
    """``text`` with accents dropped and curly apostrophes and odd hyphens made plain, one
    character for one, so positions in the folded text are positions in ``text``.

    >>> print(_fold("Zoë O’Brien, Jean‑Luc"))
    Zoe O'Brien, Jean-Luc
    """
    return text if text.isascii() else text.translate(_FOLD)


class Pseudonymiser:
    """Finds personal details and replaces each with a consistent placeholder.

    Parameters
    ----------
    names : iterable of str
        Names to replace wherever they occur as whole words (people, places, services).
        Each word of a name of several is replaced alone too ("Maria Jones": "Maria",
        "Ms Jones"), by the whole name's placeholder unless two names share it; titles and
        the words of places and services (:data:`_PLACE_WORDS`: "Hospital") are not.
        A name written with a capital letter matches only where the text writes a capital
        in it, so "Rob" is replaced but "rob" is not, and "van Dijk", "d'Souza" or
        "al-Hassan" as written (the lower-case particles of such a name are not replaced
        alone: "the van arrived"); a name given in lower case matches any case.
        Accents, curly apostrophes and hyphen variants do not matter: "Zoë" also replaces
        "Zoe", and "O'Brien" replaces "O’Brien" (one placeholder for all spellings).
    kinds : sequence of str
        Which kinds of detail to replace (default all of :data:`KINDS`).
    """

    def __init__(self, names: Iterable[str] = (), kinds: Sequence[str] = KINDS):
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; expected some of {KINDS}")
        self.kinds = tuple(kinds)
        self._names: set[str] = set()
        self._name_keys: set[str] = set()  # the names as :func:`_key` sees them
        self._any_case: set[str] = set()  # the names given in lower case, folded: they match in any case
        #: the key of each word of a name of several words -> the whole names it is part of
        self._whole: dict[str, dict[str, str]] = {}
        self._name_pattern: re.Pattern[str] | None = None
        self._placeholders: dict[tuple[str, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self.add_names(names)

    # --- names and speakers ---------------------------------------------------------
    def add_names(self, names: Iterable[str]) -> None:
        """Also replace these names, and the words of each (:func:`name_parts`), from now on.

        >>> p = Pseudonymiser(names=["Maria Jones", "St Anne's Hospital"])
        >>> p.text("Maria Jones, then Maria, and MARIA's boss Ms Jones, at St Anne's Hospital. Anne's? Hospital.")
        "[PERSON_1], then [PERSON_1], and [PERSON_1]'s boss Ms [PERSON_1], at [PERSON_2]. [PERSON_2]'s? Hospital."
        """
        fresh = {" ".join(n.split()) for n in names if n and n.strip()}
        for name in fresh:
            for part in name_parts(name):
                self._whole.setdefault(_key("PERSON", part), {})[_key("PERSON", name)] = name
        fresh |= {part for name in fresh for part in name_parts(name)}
        fresh -= self._names
        if fresh:
            self._names |= fresh
            self._name_keys |= {_key("PERSON", n) for n in fresh}
            self._any_case |= {_fold(n).lower() for n in fresh if n == n.lower()}
            self._name_pattern = names_pattern({_fold(n) for n in self._names})

    def speaker(self, label: str) -> str:
        """A speaker label's replacement: a person's name becomes ``[PERSON_n]``, a role stays.

        The name and its parts are added to the names to replace in the text, so the
        label inside the transcript and mentions of the person get the same placeholder.
        """
        clean = " ".join(label.split())
        if not clean or _GENERIC_LABEL.match(clean) or is_role_label(clean) or "PERSON" not in self.kinds:
            return label
        self.add_names([clean])
        return self.placeholder("PERSON", clean)

    def knows(self, word: str) -> bool:
        """Whether ``word`` is one of the names (or speakers' names) this replaces.

        >>> Pseudonymiser(names=["Karen"]).knows("Karen"), Pseudonymiser().knows("Karen")
        (True, False)
        """
        return any(True for _ in self._names_in(word))

    # --- placeholders ----------------------------------------------------------------
    def placeholder(self, kind: str, original: str) -> str:
        """The placeholder for ``original``: the same detail always gets the same one, and a
        word of one name alone its name's (:meth:`add_names`)."""
        key = (kind, _key(kind, original))
        whole = self._whole.get(key[1], {}) if kind == "PERSON" and key not in self._placeholders else {}
        if len(whole) == 1:
            [(name_key, original)] = whole.items()
            key = (kind, name_key)
        if key not in self._placeholders:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"[{kind}_{self._counts[kind]}]"
            self._placeholders[key] = token
            self._originals[token] = original
        return self._placeholders[key]

    @property
    def mapping(self) -> list[tuple[str, str, str]]:
        """``(placeholder, kind, original)`` for every detail replaced so far."""
        return [(token, token[1:].rsplit("_", 1)[0], original) for token, original in self._originals.items()]

    # --- finding and replacing ----------------------------------------------------------
    def find(self, text: str, labels: Sequence[tuple[int, int]] = (), one_case: bool = False) -> list[Replacement]:
        """Non-overlapping details in ``text``, in order (earliest, then longest, wins)
        (``labels`` and ``one_case``: as in :meth:`spans`)."""
        return [Replacement(start, end, kind, text[start:end], self.placeholder(kind, text[start:end]))
                for start, end, kind in self.spans(text, labels, one_case)]

    def spans(self, text: str, labels: Sequence[tuple[int, int]] = (),
              one_case: bool = False) -> list[tuple[int, int, str]]:
        """Where :meth:`find` finds details, as ``(start, end, kind)``, without giving them
        placeholders. Inside ``labels`` (sorted ``(start, end)`` spans of ``text`` that are no
        speech: speaker labels), a name is found in any case, as a transcriber's ``jane:``
        names Jane, where in speech "rose" or "will" are words. In a text written in one case
        (``one_case``: :func:`~tr_nlp.privacy.case.in_one_case`: without capital letters, or
        all in capitals), a name is found in any case everywhere, and dates and addresses as
        if written with their capitals (:func:`~tr_nlp.privacy.case.capitalised`). In a cased
        text, a date or an address written in lower case is found so too ("born on the 3rd
        of march": :func:`~tr_nlp.privacy.case.lower_case_details`).

        >>> Pseudonymiser().spans("Write to @sam_p or sam@example.org by 3 May.")
        [(9, 15, 'HANDLE'), (19, 34, 'EMAIL'), (38, 43, 'DATE')]
        >>> text = "sam rang from 14 elm road on the 3rd of march"
        >>> [text[a:b] for a, b, _ in Pseudonymiser(["Sam"]).spans(text, one_case=True)]
        ['sam', '14 elm road', '3rd of march']
        """
        found: list[tuple[int, int, int, str]] = []
        cased = capitalised(text) if one_case else text
        also = capitalised(text) if not one_case and lower_case_details(text) else None
        for rank, kind in enumerate(KINDS):
            if kind not in self.kinds:
                continue
            if kind == "PERSON":
                found.extend((m.start(), m.end(), rank, kind) for m in self._names_in(text, labels, one_case))
                continue
            found.extend((start, end, rank, kind) for start, end in details.find(kind, cased if kind in _CASED else text))
            if also is not None and kind in _CASED:
                found.extend((start, end, rank, kind) for start, end in details.find(kind, also))
        return [(start, end, kind) for start, end, _, kind in apart(found)]

    def _names_in(self, text: str, labels: Sequence[tuple[int, int]] = (),
                  any_case: bool = False) -> Iterator[re.Match[str]]:
        """Where a name occurs: a capital in the match (the name's case), a name given in
        lower case, any name inside one of ``labels``, or with ``any_case`` any name. A match
        refused so does not hide a shorter name inside it."""
        if self._name_pattern is None:
            return
        folded, at = _fold(text), 0
        starts = [start for start, _ in labels]
        while (m := self._name_pattern.search(folded, at)) is not None:
            k = bisect_right(starts, m.start()) - 1
            if (any_case or any(ch.isupper() for ch in m.group())
                    or " ".join(m.group().split()).lower() in self._any_case
                    or (k >= 0 and m.end() <= labels[k][1])):
                yield m
                at = m.end()
            else:
                at = m.start() + 1

    def apply(self, text: str, labels: Sequence[tuple[int, int]] = (),
              one_case: bool = False) -> tuple[str, OffsetMap]:
        """The pseudonymised text and the map from old to new positions (``labels`` and
        ``one_case``: as in :meth:`spans`)."""
        replacements = self.find(text, labels, one_case)
        pieces, last = [], 0
        for r in replacements:
            pieces += [text[last:r.start], r.placeholder]
            last = r.end
        pieces.append(text[last:])
        return "".join(pieces), OffsetMap(replacements)

    def text(self, text: str) -> str:
        """Just the pseudonymised text."""
        return self.apply(text)[0]

    def word(self, word: str) -> str:
        """A single word or phrase (a topic keyword, say), matched against the names in any case."""
        if _key("PERSON", word) in self._name_keys:
            return self.placeholder("PERSON", word)
        return self.text(word)

    def label(self, label: str) -> str:
        """An interview id or file name: details replaced as in :meth:`text`, and each word
        between ``_``, ``-`` or ``.`` also matched against the names in any case.

        >>> Pseudonymiser(["Karen"]).label("karen_smith_2021-03-12")
        '[PERSON_1]_smith_[DATE_1]'
        """
        return re.sub(r"[^\W\d_]+", lambda m: self.word(m.group()), self.text(label))

    def identifier(self, name: str) -> str:
        """A code name such as ``candidate_03_karen_ward`` with name parts replaced (``candidate_03_PERSON_1_ward``)."""
        return "_".join(self.word(part).strip("[]") for part in name.split("_"))

    # --- the mapping file ------------------------------------------------------------------
    def save_mapping(self, path: str | Path) -> Path:
        """Write ``placeholder,kind,original`` rows (atomically), readable by its owner only.
        Keep this file private."""
        from tr_nlp.export.tables import atomic_path

        path = Path(path)
        with atomic_path(path, private=True) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["placeholder", "kind", "original"])
            writer.writerows((token, kind, guard_cell(original)) for token, kind, original in self.mapping)
        return path

    def load_mapping(self, path: str | Path) -> None:
        """Continue a mapping saved by an earlier run, so placeholders stay the same."""
        path = Path(path)
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:  # with or without the mark
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputError("E231", path, detail=exc) from None
        for row in rows:
            token, kind, original = row.get("placeholder"), row.get("kind"), row.get("original")
            original = None if original is None else unguard_cell(original)
            match = re.fullmatch(r"\[([A-Z_]+)_([0-9]{1,9})\]", token or "")
            if not match or kind not in KINDS or match.group(1) != kind or original is None:
                raise InputError("E231", path, detail=f"row {row}")
            self._placeholders.setdefault((kind, _key(kind, original)), token)  # two spellings: the first's
            self._originals[token] = original
            self._counts[kind] = max(self._counts.get(kind, 0), int(match.group(2)))
            if kind == "PERSON":
                self.add_names([original])


def names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``names`` as whole words in any case, the longest that
    stands there; a space in a name matches any run of white space.

    The names are written as a tree of their shared beginnings (a trie), so the pattern
    reads a character once where a list of the names reads it once per name: 100 KB of
    text against 6,000 names took 1.46 s as a list and 0.02 s as a tree. A tree nested
    deeper than Python's regular expressions take (names that extend each other hundreds
    of times) falls back to the list.

    A whole word ends where the script says: Chinese and Japanese write no spaces between
    words, so a name of theirs is found inside a run of text; Korean adds its particles to a
    name (``김민수는``), so a name ending in Hangul may run on; Arabic and Hebrew write
    one-letter words (and, to, the) onto the next, so a name may follow one of those.

    >>> names_pattern(["Ann", "Ann Lee", "Anna", "Bo"]).findall("ann  lee, Anna; Annie; BO")
    ['ann  lee', 'Anna', 'BO']
    >>> names_pattern(["李华", "김민수", "أحمد", "שרה"]).findall("我和李华。 김민수는 وأحمد ושרה")
    ['李华', '김민수', 'أحمد', 'שרה']
    >>> names_pattern([]).findall("Ann")
    []
    """
    names = sorted({n for n in names if n}, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!)")  # finds nothing (an empty pattern would find every word boundary)
    kinds: dict[tuple[str, str], list[str]] = {}  # by what may stand before and after a name
    for name in names:
        before = "" if UNSPACED_LETTER.match(name[0]) else _WORD_START
        after = "" if UNSPACED_LETTER.match(name[-1]) or _HANGUL.match(name[-1]) else r"(?!\w)"
        kinds.setdefault((before, after), []).append(name)
    try:
        return re.compile("|".join(f"{before}(?:{trie_pattern(group)}){after}"
                                   for (before, after), group in kinds.items()), re.IGNORECASE)
    except (RecursionError, re.error):  # nested too deep for the parser or the compiler
        listed = ("|".join(re.escape(n).replace(r"\ ", r"\s+") for n in group) for group in kinds.values())
        return re.compile("|".join(f"{before}(?:{alternatives}){after}"
                                   for (before, after), alternatives in zip(kinds, listed)), re.IGNORECASE)


#: Korean's syllables: a particle may follow a name (김민수는, 김민수가)
_HANGUL = re.compile("[\uac00-\ud7a3]")
#: Arabic's and Hebrew's one-letter words written onto the next (and, so, with, to, as; the, from, that)
_CLITICS = "[\u0648\u0641\u0628\u0644\u0643\u05d5\u05d4\u05d1\u05dc\u05de\u05e9\u05db]"
#: where a name starts: not inside a word, unless after one of those
_WORD_START = rf"(?:(?<!\w)|(?<={_CLITICS})(?<!\w{_CLITICS}))"


def name_parts(name: str) -> list[str]:
    """The words of a name of several that are replaced alone too: no titles, initials,
    words of places (:data:`_PLACE_WORDS`) or roles (a speaker label such as ``Jane Smith
    (Interviewer)`` is a name, but every interviewer is no Jane Smith), and no possessive
    ``'s`` (the name matches before one anyway).

    >>> name_parts("Dr. Chidi Okafor"), name_parts("St Anne's Hospital"), name_parts("Karen"), name_parts("J. Smith")
    (['Chidi', 'Okafor'], ['Anne'], [], ['Smith'])
    >>> name_parts("Interviewer (Dr. Sarah O'Neill)"), name_parts("Intervjuare Anna")
    (['Sarah', "O'Neill"], ['Anna'])

    A word in lower case in a name written with capitals is a particle, no name alone:

    >>> name_parts("Maria de la Cruz"), name_parts("Jan van Dijk"), name_parts("bell hooks")
    (['Maria', 'Cruz'], ['Jan', 'Dijk'], ['bell', 'hooks'])
    """
    words = re.findall(r"[^\W\d_][\w'\u2019-]*", name)
    if len(words) < 2:
        return []
    words = [re.sub(r"['\u2019]s$", "", word) for word in words]
    capitalised = name != name.lower()
    return [w for w in words if len(w) > 1 and w.casefold().strip(".") not in _TITLES | _PLACE_WORDS
            and not (capitalised and w == w.lower()) and not _GENERIC_LABEL.match(w) and not is_role_label(w)]


def read_names(path: str | Path) -> list[str]:
    """Names from a text file, one per line (``#`` starts a comment).

    A UTF-8 byte-order mark (as Notepad may write) is not part of the first name.

    Raises
    ------
    InputError
        E230 when the file cannot be read, is not UTF-8, or holds control characters
        (a binary file).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("E230", path, detail=exc) from None
    for number, line in enumerate(lines, 1):
        if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in line):
            raise InputError("E230", path, detail=f"line {number} holds control characters: not a text file")
    names = [line.split("#", 1)[0].strip() for line in lines]
    return [n for n in names if n]


def _key(kind: str, original: str) -> str:
    """What makes two details the same one: case and spacing do not, for names and e-mails,
    nor accents and apostrophe or hyphen variants, for names."""
    if kind == "PERSON":
        original = _fold(original)
    if kind in ("PERSON", "EMAIL"):
        return " ".join(original.split()).casefold()
    if kind == "PHONE":  # +44 (0)161... and 0161... are the same number
        digits = re.sub(r"\D", "", original)
        if not digits:  # said in words: "oh seven seven double oh, nine ..." is its words
            return " ".join(re.findall(r"[^\W_]+", original.casefold()))
        return re.sub(r"^440?", "0", digits) if original.lstrip().startswith("+") else digits
    if kind == "NHS_NUMBER":
        return re.sub(r"\D", "", original)
    if kind == "ID_NUMBER":  # 120385-123A is 120385123A: letters are part of the number
        return re.sub(r"[\W_]", "", original).upper()
    return " ".join(original.split())
