"""Many words as one regular expression that reads each character of a text once."""

from __future__ import annotations

import re
from collections.abc import Sequence


def trie_pattern(words: Sequence[str]) -> str:
    """``words`` as one pattern of nested alternatives by shared beginnings (a trie), longer
    words tried first where one extends another; a space matches any run of white space.

    A character is keyed by its case-folded form, so words that differ in case share their
    branches: the pattern is meant to be used ignoring case. Python's regular expressions
    try a list of alternatives one after another at each place; as a tree, a character is
    read once however many words start with it.

    >>> trie_pattern(["Ann", "Anna", "Bo"])
    '(?:ann(?:a)?|bo)'
    >>> re.findall(trie_pattern(["mars", "marts", "marzo"]), "mars marts marzo", re.IGNORECASE)
    ['mars', 'marts', 'marzo']
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            folded = ch.casefold()
            node = node.setdefault(folded if len(folded) == 1 else ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, dict]) -> str:
        branches = []
        for ch, child in node.items():
            if ch:
                run = [ch]
                while len(child) == 1 and "" not in child:  # a stretch without a fork: written out
                    ch, child = next(iter(child.items()))
                    run.append(ch)
                branches.append("".join(r"\s+" if c == " " else re.escape(c) for c in run) + pattern(child))
        if not branches:
            return ""
        if len(branches) > 1:
            body = "(?:" + "|".join(branches) + ")"
            return body + "?" if "" in node else body  # greedy: the longer word first
        return f"(?:{branches[0]})?" if "" in node else branches[0]

    return pattern(root)
