"""Sentences that spaCy's sentencizer ends at an abbreviation, joined again.

The sentencizer ends a sentence at a full stop followed by a space, unless its tokenizer
(English, by default) knows the word before as an abbreviation. It does not know every
English one, nor those of the other languages whose transcripts tr_nlp reads, so a
Swedish "t.ex. när hon ringde" (for example, when she rang) was two sentences, "t.ex."
and "när hon ringde", and a German "z.B. am Sonntag" too.

A sentence goes on after

* a title (:data:`TITLES`: "Sr. Jones", "la Sra. García", "il dott. Bianchi");
* an abbreviation that never ends a sentence (:data:`NEVER_LAST`: "z.B.", "d.h.",
  "t.ex.", "dvs.", "bijv.", "e.g.", "p. ex."), whatever follows;
* any other abbreviation (:data:`ABBREVIATIONS`: "approx.", "usw.", "osv.", "kl.") or
  letters with full stops between them ("o.a.", "m.b.t.") when a lower-case word or a
  number follows: "etc. and" goes on, "etc. Then" is a new sentence;
* ``No.`` when a number follows ("she said no. then" is a sentence that ended).

Abbreviations are matched without their full stops and spaces and in lower case:
"t. ex.", "t.ex." and "T.ex." are all ``tex``.
"""

from __future__ import annotations

import re

#: Titles before a name, which spaCy's English tokenizer does not know (``Sr.``: a ward
#: sister; Spanish, Italian, German and Dutch titles)
TITLES = frozenset({"mx", "capt", "sgt", "insp", "cllr", "sr", "col", "lt", "hon", "sra", "srta", "dra", "dña",
                    "dott", "dottssa", "sig", "sigra", "dhr", "mevr"})
#: Abbreviations that never end a sentence, of the languages tr_nlp reads roles in: for
#: example, that is, or rather, among other things, so-called, compare (none that is also
#: a word: "bla", as in "bla bla.", goes on only before a lower-case word)
NEVER_LAST = frozenset({
    "eg", "ie", "viz",  # English
    "tex", "sk", "dvs", "jfr",  # Swedish
    "zb", "dh", "bzw", "ua", "vgl", "sog", "bzgl", "ggf", "evtl",  # German
    "bijv", "dwz", "mbt", "zgn",  # Dutch
    "pex", "càd",  # French
    "pej",  # Spanish
    "esim", "ts", "ns",  # Finnish
})
#: Abbreviations after which a sentence goes on when a lower-case word or a number follows
ABBREVIATIONS = frozenset({
    # English
    "approx", "etc", "appt", "appts", "esp", "incl", "excl", "dept", "govt", "min", "mins", "hr", "hrs", "wk", "wks",
    "yr", "yrs", "tel", "ref", "fig", "vol", "ca", "cf", "misc", "avg", "est", "max", "pt", "pts",
    # Swedish, Danish, Norwegian
    "kl", "osv", "resp", "st", "nr", "ang", "inkl", "exkl", "enl", "obs", "mm", "bl", "bla", "ex", "fr", "mfl",
    "evt",
    # German
    "usw", "abs", "str", "zzt",
    # Dutch
    "enz", "oa", "nl", "ev",
    # French, Spanish, Portuguese, Italian
    "env", "aprox", "pág", "núm", "es", "ecc", "pag", "ej",
    # Finnish
    "jne", "yms", "ym", "klo", "ks", "vrt", "n",
})
#: ``No. 7``: goes on when a number follows
NUMBERED = frozenset({"no", "nos"})
# what a sentence ends in: a word, or letters with full stops (and spaces) between them
# ("t.ex", "t. ex", "d.w.z", "c.-à-d"), less its last full stop
_LAST_WORD = re.compile(r"(?<![\w.])((?:[^\W\d_]{1,3}\.[ -]?)*[^\W\d_]+(?:-[^\W\d_]+)*)\.$")


def joined_after_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A turn's sentence ``spans`` joined where one ends at an abbreviation and the next goes
    on from it (see the module's description).

    >>> pieces = ["Approx.", "three, etc.", "and Sr.", "Jones.", "On ward no.", "7 etc.", "Then she said no.", "and left."]
    >>> text, starts = " ".join(pieces), [sum(len(p) + 1 for p in pieces[:k]) for k in range(len(pieces))]
    >>> [text[a:b] for a, b in joined_after_abbreviations(text, [(s, s + len(p)) for s, p in zip(starts, pieces)])]
    ['Approx. three, etc. and Sr. Jones.', 'On ward no. 7 etc.', 'Then she said no.', 'and left.']
    >>> pieces = ["Hon ringde t.ex.", "när jag, dvs.", "på söndagen.", "Sie hat z. B.", "Sonntag, usw.", "Dann."]
    >>> text, starts = " ".join(pieces), [sum(len(p) + 1 for p in pieces[:k]) for k in range(len(pieces))]
    >>> [text[a:b] for a, b in joined_after_abbreviations(text, [(s, s + len(p)) for s, p in zip(starts, pieces)])]
    ['Hon ringde t.ex. när jag, dvs. på söndagen.', 'Sie hat z. B. Sonntag, usw.', 'Dann.']
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < end and not text[out[-1][1]:start].strip():
            word = _LAST_WORD.search(text[max(out[-1][0], out[-1][1] - 16):out[-1][1]])
            if word is not None and _goes_on(word.group(1), text[start]):
                out[-1] = (out[-1][0], end)
                continue
        out.append((start, end))
    return out


def _goes_on(word: str, follows: str) -> bool:
    """Whether a sentence that ends at ``word.`` goes on with the character ``follows``."""
    key = re.sub(r"[.\s-]", "", word).lower()
    continued = follows.islower() or follows.isdigit()
    return (key in TITLES or key in NEVER_LAST or (key in ABBREVIATIONS and continued)
            or (key in NUMBERED and follows.isdigit()) or ("." in word and continued))
