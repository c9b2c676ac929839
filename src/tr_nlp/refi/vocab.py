"""REFI-QDA (QDA-XML 1.0) vocabulary shared by the reader and the writer.

REFI-QDA has no fields for a code's inclusion and exclusion criteria, its examples, or
mutually exclusive code groups. tr_nlp keeps them where a person using NVivo, ATLAS.ti,
MAXQDA or QualCoder can still read them, and reads them back:

- a code's ``Description`` holds the description, then ``Include:``, ``Exclude:`` and
  ``Examples:`` paragraphs;
- an exclusive group is a ``Set`` of codes whose description starts with
  :data:`GROUP_MARK`;
- candidate codes from topic discovery sit under the parent code
  :data:`CANDIDATE_PARENT`;
- passages coders read, or are asked to read, for coding (``tr-nlp next``'s lists, of
  interviews coded in part) are selections coded :data:`READ_CODE`, by a user named
  :data:`NEXT_USER` and the date of the list, :data:`READ_USER`, or :data:`READ_USER`
  ``by NAME`` for one coder's reading (a coder who marks a passage so in the QDA tool
  says they read it); read back, they are the passages read, not codings.

GUIDs are uuid5 hashes of stable keys, so the same project exports to the same bytes.

Examples
--------
>>> describe_code(Code("a", description="Warmth.", include="Tone.", examples=("Kind.",), aliases=("2.1",)))
'Warmth.\\n\\nInclude: Tone.\\n\\nExamples:\\n- Kind.\\n\\nAlso written: 2.1'
>>> parse_description('Warmth.\\n\\nInclude: Tone.\\n\\nExamples:\\n- Kind.\\n\\nAlso written: 2.1')
{'description': 'Warmth.', 'include': 'Tone.', 'exclude': '', 'examples': ('Kind.',), 'aliases': ('2.1',)}
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from tr_nlp.schema import MACHINE_CODER_PREFIX, Code

NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
CANDIDATE_PARENT = "Candidate codes (machine)"
GROUP_MARK = "tr_nlp: mutually exclusive codes"
SPEAKERS_VARIABLE = "tr_nlp:speakers"
READ_CODE = "tr_nlp: read for coding"
NEXT_USER = f"{MACHINE_CODER_PREFIX}next"
READ_USER = f"{MACHINE_CODER_PREFIX}read"
CODEBOOK_LINE = "tr_nlp codebook:"
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/tr-nlp/tr_nlp/refi-qda")
_HEX_COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_NUMBERED = re.compile(r" \(\d+\)$")
_SECTION = re.compile(r"\n\n(Include|Exclude|Examples|Also written):[ \n]")
_MACHINE_NOTE = re.compile(r"^(?:candidate )?(?P<code>.+): (?:p=\d|similarity -?\d|representative quote)")


def guid(*key: object) -> str:
    """A deterministic GUID for a stable key, e.g. ``guid("code", name)``."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "\x1f".join(str(k) for k in key)))


def reader_of(user: str) -> str | None:
    """The coder a :data:`READ_CODE` selection's (or comment's) user says read the passage:
    a coder who marked it so; for tr_nlp's own users, the one ``tr_nlp read by NAME`` names,
    else None: every coder. A number in brackets at the end tells apart layers of one name
    added to a project.

    >>> reader_of("tr_nlp read by coder_a"), reader_of("tr_nlp read by coder_a (2)"), reader_of("tr_nlp read by ")
    ('coder_a', 'coder_a', None)
    >>> reader_of("tr_nlp next 2026-12-03 09:00"), reader_of("Anna")
    (None, 'Anna')
    """
    if not user.startswith(MACHINE_CODER_PREFIX):
        return user
    if not user.startswith(f"{READ_USER} by "):
        return None
    return _NUMBERED.sub("", user.removeprefix(f"{READ_USER} by ")).strip() or None


def machine_note(code: str, evidence: str, candidate: bool = False) -> str:
    """What a machine coding's note says: its code (a candidate code's marked so) and how
    sure the machine is; :func:`noted_code` reads the code back.

    >>> machine_note("beyond_routine", "p=0.83"), machine_note("waiting", "similarity 0.61", candidate=True)
    ('beyond_routine: p=0.83', 'candidate waiting: similarity 0.61')
    """
    return f"{'candidate ' if candidate else ''}{code}: {evidence}"


def noted_code(note: str) -> str | None:
    """The code a :func:`machine_note` names, or None for any other note (a passage marked
    read for coding names none).

    >>> noted_code("Support: warmth: p=0.83"), noted_code("candidate waiting: representative quote")
    ('Support: warmth', 'waiting')
    >>> noted_code(READ_CODE + " (#3: unsure about care (p=0.52))") is None
    True
    """
    found = _MACHINE_NOTE.match(note.strip())
    return found["code"] if found else None


def numbered(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... : the first not in ``taken``, which it joins.

    >>> taken = {"tr_nlp read"}
    >>> numbered("tr_nlp read", taken), numbered("tr_nlp read", taken), numbered("tr_nlp next", taken)
    ('tr_nlp read (2)', 'tr_nlp read (3)', 'tr_nlp next')
    """
    found, k = name, 2
    while found in taken:
        found, k = f"{name} ({k})", k + 1
    taken.add(found)
    return found


def is_hex_color(value: str | None) -> bool:
    """Whether ``value`` is a colour REFI accepts (``#RRGGBB`` or ``#RGB``)."""
    return bool(value) and bool(_HEX_COLOR.match(value or ""))


def describe_code(code: Code) -> str:
    """A code's REFI ``Description``: its guidance in labelled paragraphs."""
    parts = [code.description] if code.description else []
    if code.include:
        parts.append(f"Include: {code.include}")
    if code.exclude:
        parts.append(f"Exclude: {code.exclude}")
    if code.examples:
        parts.append("Examples:\n" + "\n".join(f"- {e}" for e in code.examples))
    if code.aliases:
        parts.append("Also written: " + ", ".join(code.aliases))
    return "\n\n".join(parts)


def parse_description(text: str) -> dict[str, Any]:
    """Inverse of :func:`describe_code`; a description without labels is all description."""
    text = (text or "").replace("\r\n", "\n").strip()
    fields: dict[str, Any] = {"description": "", "include": "", "exclude": "", "examples": (), "aliases": ()}
    # a leading label has no blank line before it
    pieces = _SECTION.split("\n\n" + text)
    fields["description"] = pieces[0].strip()
    for label, body in zip(pieces[1::2], pieces[2::2]):
        body = body.strip()
        if label == "Examples":
            lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
            fields["examples"] = tuple(ln[2:].strip() if ln.startswith("- ") else ln for ln in lines)
        elif label == "Also written":
            fields["aliases"] = tuple(a.strip() for a in body.split(",") if a.strip())
        else:
            fields[label.lower()] = body
    return fields


def qualified(ns: str, name: str) -> str:
    """The ElementTree tag of ``name`` in namespace ``ns`` (none when ``ns`` is empty).

    >>> qualified(NS, "Code"), qualified("", "Code")
    ('{urn:QDA-XML:project:1.0}Code', 'Code')
    """
    return f"{{{ns}}}{name}" if ns else name


def namespace(tag: object) -> str:
    """The namespace of an element's tag (empty when it has none).

    >>> namespace("{urn:QDA-XML:project:1.0}Project"), namespace("Project")
    ('urn:QDA-XML:project:1.0', '')
    """
    text = str(tag)
    return text[1:].partition("}")[0] if text.startswith("{") else ""


def local(tag: object) -> str:
    """An element's tag without its namespace (vendors differ in how they write it)."""
    return str(tag).rsplit("}", 1)[-1]


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children with local tag ``name``, in any namespace."""
    return (child for child in element if local(child.tag) == name)


def child(element: Element, name: str) -> Element | None:
    """The first direct child with local tag ``name``, or None."""
    return next(children(element, name), None)


def child_text(element: Element, name: str) -> str:
    """The text of the first child ``name`` (empty when absent)."""
    found = child(element, name)
    return "" if found is None else (found.text or "")
