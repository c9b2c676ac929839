"""Codebooks in QDA-XML: ``CodeBook`` elements in a project, and ``.qdc`` codebook files.

Code names in other tools may hold characters a tr_nlp code name may not (``/``,
``?``, quotes) and the same name may appear under two parents; on import such names are
made valid (``Emotions/anger`` -> ``Emotions_anger``; a second ``Other`` becomes
``Feelings:Other``) and each renaming is reported as a warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Element

from tr_nlp.codebook import MAX_CODE_DEPTH, NAME_MARKS, code_key, too_deep, validate_codebook
from tr_nlp.errors import CodebookError
from tr_nlp.export.tables import atomic_path
from tr_nlp.refi.safety import parse_xml
from tr_nlp.refi.vocab import (
    CANDIDATE_PARENT,
    CODEBOOK_LINE,
    CODEBOOK_NS,
    GROUP_MARK,
    READ_CODE,
    child,
    child_text,
    children,
    describe_code,
    guid,
    is_hex_color,
    local,
    parse_description,
    qualified,
)
from tr_nlp.schema import Code, Codebook

_BAD_CHARS = re.compile(rf"[^\w{re.escape(NAME_MARKS)}]+")


def code_guid(name: str) -> str:
    """The GUID tr_nlp gives the code ``name`` in every export."""
    return guid("code", name)


def code_elements(parent: Element, codes: Sequence[Code], ns: str, not_codable: Iterable[str] = ()) -> None:
    """Append ``codes`` to ``parent`` as nested ``Code`` elements (children under parents)."""
    closed = set(not_codable)
    by_parent: dict[str | None, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent, []).append(code)

    def add(into: Element, code: Code) -> None:
        attrs = {"guid": code_guid(code.name), "name": code.name,
                 "isCodable": "false" if code.name in closed else "true"}
        if is_hex_color(code.color):
            attrs["color"] = str(code.color)
        element = ET.SubElement(into, qualified(ns, "Code"), attrs)
        text = describe_code(code)
        if text:
            ET.SubElement(element, qualified(ns, "Description")).text = text
        for kid in by_parent.get(code.name, []):
            add(element, kid)

    for code in by_parent.get(None, []):
        add(parent, code)


def group_sets(parent: Element, groups: Mapping[str, Sequence[str]], ns: str) -> None:
    """Append each exclusive group as a ``Set`` of member codes."""
    for name, members in groups.items():
        element = ET.SubElement(parent, qualified(ns, "Set"), {"guid": guid("set", name), "name": name})
        ET.SubElement(element, qualified(ns, "Description")).text = (
            f"{GROUP_MARK} (a segment carries at most one of them)"
        )
        for member in members:
            ET.SubElement(element, qualified(ns, "MemberCode"), {"targetGUID": code_guid(member)})


def codes_from_xml(codes: Element | None, sets: Element | None, where: str | Path) -> tuple[Codebook, dict[str, str], list[str]]:
    """Read a ``Codes`` element (and optional ``Sets``) into a validated codebook.

    Returns
    -------
    codebook : Codebook
    names : dict
        Code GUID (upper-cased) -> tr_nlp code name.
    warnings : list of str
    """
    warnings: list[str] = []
    found: list[Code] = []
    names: dict[str, str] = {}
    taken: set[str] = set()
    candidate_root: set[str] = set()

    # depth first, each code before its sub-codes, with a stack and a bound on the depth: a
    # codebook nested thousands deep overflowed Python's stack (and renaming each level's
    # namesake after its parent took time quadratic in the depth)
    top = list(children(codes, "Code")) if codes is not None else []
    stack: list[tuple[Element, str | None, str | None, int]] = [(element, None, None, 1) for element in reversed(top)]
    while stack:
        element, parent, parent_raw, depth = stack.pop()
        raw = (element.get("name") or "").strip()
        if depth > MAX_CODE_DEPTH:
            raise too_deep(raw, where)
        key = (element.get("guid") or "").upper()
        if parent is None and raw == READ_CODE:  # marks passages read (not a code): see tr_nlp.refi.vocab
            names[key] = READ_CODE
            continue
        if parent is None and raw == CANDIDATE_PARENT:
            candidate_root.add(key)
            stack += [(kid, None, CANDIDATE_PARENT, depth) for kid in reversed(list(children(element, "Code")))]
            continue
        name = _valid_name(raw, parent, taken)
        if name != raw:
            warnings.append(f"code {raw!r} renamed to {name!r} (tr_nlp code names allow letters, "
                            "digits, spaces and _ . : - & ( ) ' + # %, and must be unique)")
        taken.add(code_key(name))
        names[key] = name
        color = element.get("color")
        found.append(Code(
            name=name,
            parent=parent,
            color=color if is_hex_color(color) else None,
            status="candidate" if parent_raw == CANDIDATE_PARENT else "active",
            **parse_description(child_text(element, "Description")),
        ))
        stack += [(kid, name, raw, depth + 1) for kid in reversed(list(children(element, "Code")))]
    groups: dict[str, tuple[str, ...]] = {}
    for element in children(sets, "Set") if sets is not None else ():
        if not child_text(element, "Description").startswith(GROUP_MARK):
            continue
        members = [names.get((m.get("targetGUID") or "").upper()) for m in children(element, "MemberCode")]
        if all(members) and members:
            groups[element.get("name") or f"group{len(groups) + 1}"] = tuple(m for m in members if m)
    codebook = Codebook(codes=tuple(found), groups=groups)
    validate_codebook(codebook, where)
    return codebook, names, warnings


def _valid_name(raw: str, parent: str | None, taken: set[str]) -> str:
    """``raw`` made a valid code name, and one of its own: ``taken`` holds the names given
    before as codings may write them (:func:`~tr_nlp.codebook.code_key`), so a second
    ``other`` (beside ``Other``) is renamed as a second ``Other`` is."""
    # (a code name starts with a letter or digit: "(felt) stigma" becomes "felt) stigma")
    name = re.sub(r"^[\W_]+|[\s_.:-]+$", "", _BAD_CHARS.sub("_", raw)) or "code"
    if code_key(name) in taken and parent:
        name = f"{parent}:{name}"
    stem, n = name, 2
    while code_key(name) in taken:
        name, n = f"{stem}_{n}", n + 1
    return name


def codebook_meta(text: str) -> tuple[str, str]:
    """Codebook name and version from a ``tr_nlp codebook: NAME (version V)`` line.

    >>> codebook_meta(f"{CODEBOOK_LINE} Study (version 2)"), codebook_meta(f"{CODEBOOK_LINE}  (version 2)")
    (('Study', '2'), ('', '2'))
    """
    for line in (text or "").splitlines():
        if line.startswith(CODEBOOK_LINE):
            rest = line[len(CODEBOOK_LINE):].strip()
            match = re.match(r"^(.*?)(?:(?:^| )\(version (.*)\))?$", rest)
            if match:
                return match.group(1).strip(), (match.group(2) or "").strip()
    return "", ""


def codebook_line(codebook: Codebook) -> str:
    """The line :func:`codebook_meta` reads back."""
    version = f" (version {codebook.version})" if codebook.version else ""
    return f"{CODEBOOK_LINE} {codebook.name}{version}"


# --- .qdc files -------------------------------------------------------------------------


def codebook_to_qdc(codebook: Codebook) -> bytes:
    """A ``.qdc`` file (QDA-XML codebook exchange) for ``codebook``."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "tr_nlp"})
    codes = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    code_elements(codes, codebook.codes, CODEBOOK_NS)
    if codebook.groups:
        group_sets(ET.SubElement(root, f"{{{CODEBOOK_NS}}}Sets"), codebook.groups, CODEBOOK_NS)
    if codebook.name or codebook.version:
        # the codebook schema has no Description element; its one attribute carries the name
        root.set("origin", f"tr_nlp; {codebook_line(codebook)}")
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def read_qdc(path: str | Path) -> Codebook:
    """Read a ``.qdc`` codebook written by tr_nlp or any REFI-QDA tool.

    Raises
    ------
    CodebookError
        When the file is not a codebook, is unsafe XML, or its codes are invalid.
    """
    # imported here: tr_nlp.ingest reads projects with this module, so importing it at the
    # top would make ``import tr_nlp.refi`` circular when it comes first
    from tr_nlp.ingest.encoding import read_bytes

    path = Path(path)
    root = parse_xml(read_bytes(path, CodebookError), str(path))
    if local(root.tag) != "CodeBook" or child(root, "Codes") is None:
        raise CodebookError("E209", path, detail=f"the root element is <{local(root.tag)}>")
    codebook, _, _ = codes_from_xml(child(root, "Codes"), child(root, "Sets"), path)
    name, version = codebook_meta((root.get("origin") or "").partition("; ")[2])
    return replace(codebook, name=name, version=version)


def write_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` as a ``.qdc`` file, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(codebook_to_qdc(codebook))
    return Path(path)
