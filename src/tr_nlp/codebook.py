"""Read, validate, write and hash codebooks (YAML; also REFI-QDA .qdc and spreadsheets).

The YAML format::

    name: Helping relationships
    version: "1.0"
    codes:
      - name: non_stigmatizing_attitude
        description: The professional treats the person as a person, not a diagnosis.
        include: ...
        exclude: ...
        examples: ["She never talked down to me."]
        parent: null          # optional, for nested codes
        aliases: ["2.1", NS]  # optional: other names coders write for it (a number, an abbreviation)
    groups:                   # optional: mutually exclusive codes
      talk_type: [change, sustain, neutral]

``codes`` may also be a mapping from name to fields (or to a description), and the whole
file may be a bare list of codes. Duplicate keys anywhere are an error (plain YAML would
silently keep the last one).

Examples
--------
>>> cb = codebook_from_dict({"codes": [{"name": "a"}, {"name": "b", "parent": "a"}]})
>>> cb.names
['a', 'b']
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from tr_nlp.errors import CodebookError, ConfigError
from tr_nlp.schema import Code, Codebook, Coding, composed
from tr_nlp.yamlfile import DuplicateKey, UnsafeYAML, parse_yaml

#: what a code name may hold besides letters and digits ("Care & support", "Stigma (felt)",
#: "Staff's attitude"); not "/" or "\\" (a path in a code tree: "Nodes/Care"), "," or ";"
#: (a list of codes), "[" or "]" (the console's markup), "?" or "!" (a comment asking or
#: exclaiming is a memo, not a code)
NAME_MARKS = " _.:-&()'\u2019+#%"
_NAME = re.compile(rf"^\w[\w{re.escape(NAME_MARKS)}]*$")
# "evidence" is what topic discovery writes for a candidate code (keywords, quotes...):
# accepted so that candidates.yaml loads as a codebook, and not kept in the data model.
_CODE_FIELDS = {"name", "description", "include", "exclude", "examples", "parent", "color", "status", "evidence",
                "aliases"}


def load_yaml(path: str | Path, as_text: bool = False) -> Any:
    """Parse a YAML file safely (:func:`~tr_nlp.yamlfile.parse_yaml`), refusing duplicate
    keys, with errors naming the file; with ``as_text``, every plain scalar but a null is
    the text written (a codebook's names: ``1.10`` is no number 1.1)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError("E100", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError("E109", path, detail=exc) from None
    try:
        return parse_yaml(raw, unique_keys=True, as_text=as_text)
    except DuplicateKey as exc:
        raise CodebookError("E147", path, key=exc.key, line=exc.line) from None
    except UnsafeYAML as exc:
        raise CodebookError("E149", path, part="", detail=exc) from None
    except yaml.YAMLError as exc:
        detail = str(exc).replace("\n", " ")
        raise CodebookError("E145", path, detail=detail) from None


def load_codebook(path: str | Path) -> Codebook:
    """Load and validate a codebook: YAML, a REFI-QDA ``.qdc`` file, or a table of codes in a
    spreadsheet (``.xlsx``, ``.ods``, ``.csv``, ``.tsv``) or a Word document (``.docx``, ``.odt``;
    LibreOffice's flat ``.fods`` and ``.fodt`` as those):
    :mod:`tr_nlp.codebook_table`.

    Raises
    ------
    CodebookError
        On YAML or XML errors, duplicate or unknown codes, parent cycles, bad group members,
        a spreadsheet with no column of code names.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".qdc":
        from tr_nlp.refi.codes import read_qdc  # tr_nlp.refi builds on this module

        return read_qdc(path)
    if suffix in (".xlsx", ".ods", ".fods", ".csv", ".tsv"):
        from tr_nlp.codebook_table import read_codebook_table  # it builds on this module

        return read_codebook_table(path)
    if suffix in (".docx", ".odt", ".fodt"):
        from tr_nlp.codebook_table import read_codebook_document

        return read_codebook_document(path)
    return codebook_from_dict(load_yaml(path, as_text=True), path=path)


def codebook_from_dict(data: Any, path: str | Path | None = None) -> Codebook:
    """Build and validate a :class:`Codebook` from parsed YAML/JSON data."""
    if isinstance(data, list):  # a bare list of codes
        data = {"codes": data}
    if not isinstance(data, Mapping) or "codes" not in data:
        found = type(data).__name__ if not isinstance(data, Mapping) else f"keys {sorted(data)}"
        raise CodebookError("E144", path, found=found)
    entries = code_entries(data)
    if not isinstance(entries, list):
        raise CodebookError("E144", path, found=f"'codes' as {type(entries).__name__}")
    if not entries:
        raise CodebookError("E144", path, found="an empty 'codes' list")
    codes = [_code_from_entry(entry, i, path) for i, entry in enumerate(entries, start=1)]
    groups_raw = data.get("groups") or {}
    if not isinstance(groups_raw, Mapping):
        raise CodebookError("E144", path, found=f"'groups' as {type(groups_raw).__name__}")
    for group, members in groups_raw.items():
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise CodebookError("E144", path, found=f"group '{group}' as {type(members).__name__}, not a list of codes")
    groups = {str(g): tuple(members) for g, members in groups_raw.items()}
    codebook = Codebook(
        codes=tuple(codes),
        groups=groups,
        name=str(data.get("name") or ""),
        version=str(data.get("version") or ""),
    )
    validate_codebook(codebook, path)
    return codebook


def code_entries(data: Mapping[str, Any]) -> Any:
    """The entries of a codebook's ``codes``; written as a mapping (``care: {...}``), as a list.

    Anything else is returned as it is, for :func:`codebook_from_dict` to refuse.
    """
    entries = data["codes"]
    if isinstance(entries, Mapping):
        return [_named_entry(name, fields) for name, fields in entries.items()]
    return entries


def _named_entry(name: Any, fields: Any) -> Any:
    """An entry of ``codes`` written as a mapping: ``care: {description: ...}`` or ``care: text``."""
    if fields is None:
        return {"name": name}
    if isinstance(fields, str):
        return {"name": name, "description": fields}
    if isinstance(fields, Mapping):
        return {"name": name, **fields}
    return fields  # refused with its index by _code_from_entry


def _code_from_entry(entry: Any, index: int, path: str | Path | None) -> Code:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, Mapping) or "name" not in entry:
        raise CodebookError("E146", path, index=index, detail="expected a mapping with a 'name'")
    unknown = set(entry) - _CODE_FIELDS
    if unknown:
        raise CodebookError(
            "E146", path, index=index,
            detail=f"unknown fields {sorted(unknown)}; allowed: {sorted(_CODE_FIELDS)}",
        )
    if entry["name"] is None or not str(entry["name"]).strip():  # YAML reads `name:` with nothing as null
        raise CodebookError("E146", path, index=index, detail="its 'name' is empty")
    for key in ("name", "description", "include", "exclude", "parent", "color", "status"):
        if not isinstance(entry.get(key), (str, int, float, type(None))):  # YAML reads 1.0 as a number
            raise CodebookError("E146", path, index=index,
                                detail=f"'{key}' must be text, found {type(entry[key]).__name__}")
    examples = entry.get("examples") or ()
    if isinstance(examples, str):
        examples = (examples,)
    if not isinstance(examples, (list, tuple)) or not all(isinstance(e, str) for e in examples):
        raise CodebookError("E146", path, index=index, detail="'examples' must be a quote or a list of quotes")
    aliases = entry.get("aliases") or ()
    if isinstance(aliases, (str, int, float)):
        aliases = (aliases,)
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, (str, int, float)) for a in aliases):
        raise CodebookError("E146", path, index=index, detail="'aliases' must be a name or a list of names "
                                                              "(quote numbers: \"2.10\" is not 2.1)")
    text = {k: str(entry.get(k) or "").strip() for k in ("description", "include", "exclude")}
    return Code(
        name=str(entry["name"]).strip(),
        examples=tuple(str(e).strip() for e in examples),
        parent=None if entry.get("parent") in (None, "") else str(entry["parent"]),
        color=None if entry.get("color") in (None, "") else str(entry["color"]),
        status=str(entry.get("status") or "active"),
        aliases=tuple(dict.fromkeys(str(a).strip() for a in aliases if str(a).strip())),
        **text,
    )


#: Deepest nesting of codes read (real codebooks nest a handful of levels); deeper is refused,
#: so that a hostile codebook cannot make checking or writing it take quadratic time or overflow the stack.
MAX_CODE_DEPTH = 100


def too_deep(name: str, path: str | Path | None) -> CodebookError:
    """The error for code ``name``, nested deeper than :data:`MAX_CODE_DEPTH`."""
    return CodebookError("E146", path, index=repr(name[:60]), detail=f"it is nested more than {MAX_CODE_DEPTH} "
                         f"codes deep; tr_nlp reads at most {MAX_CODE_DEPTH} levels")


def is_code_name(name: str) -> bool:
    """Whether ``name`` may name a code: a letter or digit, then letters, digits and
    :data:`NAME_MARKS`.

    >>> is_code_name("Non-stigmatizing attitude"), is_code_name("Care & support (staff's)"), is_code_name("why?")
    (True, True, False)
    """
    return bool(_NAME.match(name))


def validate_codebook(codebook: Codebook, path: str | Path | None = None) -> None:
    """Raise :class:`CodebookError` on the first problem found in ``codebook``."""
    names: set[str] = set()
    folded: dict[str, str] = {}  # each name as codings may write it (code_key): a second would be ambiguous
    for code in codebook.codes:
        if not is_code_name(code.name):
            raise CodebookError("E143", path, name=code.name)
        if code.name in names:
            raise CodebookError("E140", path, name=code.name)
        other = folded.setdefault(code_key(code.name), code.name)
        if other != code.name:
            raise CodebookError("E146", path, index=repr(code.name),
                                detail=f"it differs from the code '{other}' only in case, spacing or punctuation, "
                                       "so a coding naming either could mean both; merge them, or rename one")
        names.add(code.name)
    _check_aliases(codebook, names, path)
    parents = {code.name: code.parent for code in codebook.codes}
    for name, parent in parents.items():
        if parent is not None and parent not in names:
            raise CodebookError("E141", path, name=name, parent=parent)
        chain, node = [name], parent
        while node is not None:
            if node in chain:
                raise CodebookError("E148", path, name=name, cycle=" -> ".join([*chain, node]))
            if len(chain) > MAX_CODE_DEPTH:
                raise too_deep(name, path)
            chain.append(node)
            node = parents.get(node)
    for group, members in codebook.groups.items():
        for member in members:
            if member not in names:
                raise CodebookError("E142", path, group=group, name=member)


def _check_aliases(codebook: Codebook, names: set[str], path: str | Path | None) -> None:
    """Refuse an alias that is another code's name or alias, as codings may write it (in
    another case or spacing, :func:`code_key`): it could not say which code it means."""
    named = {code_key(name) or name: name for name in names}
    owner: dict[str, str] = {}
    for code in codebook.codes:
        for alias in code.aliases:
            key = code_key(alias) or alias
            other = owner.setdefault(key, code.name)
            clash = next((name for name in (named.get(key), other) if name is not None and name != code.name), None)
            if clash is not None:
                raise CodebookError("E146", path, index=repr(code.name),
                                    detail=f"its alias '{alias}' also names the code '{clash}'; give each alias once")


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    """The YAML/JSON form of ``codebook``; empty fields are left out."""
    codes = []
    for code in codebook.codes:
        entry: dict[str, Any] = {"name": code.name}
        for key in ("description", "include", "exclude"):
            if getattr(code, key):
                entry[key] = getattr(code, key)
        if code.examples:
            entry["examples"] = list(code.examples)
        for key in ("parent", "color"):
            if getattr(code, key) is not None:
                entry[key] = getattr(code, key)
        if code.status != "active":
            entry["status"] = code.status
        if code.aliases:
            entry["aliases"] = list(code.aliases)
        codes.append(entry)
    out: dict[str, Any] = {}
    if codebook.name:
        out["name"] = codebook.name
    if codebook.version:
        out["version"] = codebook.version
    out["codes"] = codes
    if codebook.groups:
        out["groups"] = {g: list(m) for g, m in codebook.groups.items()}
    return out


def dump_codebook(codebook: Codebook) -> str:
    """Serialise ``codebook`` as YAML text (stable key order)."""
    return yaml.safe_dump(codebook_to_dict(codebook), sort_keys=False, allow_unicode=True, width=100)


def code_leaf(code: str) -> str:
    """The last name in a code's path, as MAXQDA and NVivo exports write a sub-code.

    >>> code_leaf("Helping relationships\\\\Beyond routine"), code_leaf("Nodes/Care"), code_leaf("care")
    ('Beyond routine', 'Care', 'care')
    """
    return re.split(r"[\\/]", code)[-1].strip()


def code_key(name: str) -> str:
    """A code name folded for matching one written another way: case, and spaces, hyphens
    and underscores alike, punctuation at its ends dropped.

    >>> code_key("Non-stigmatizing  attitude."), code_key("non_stigmatizing_attitude")
    ('non stigmatizing attitude', 'non stigmatizing attitude')
    """
    return " ".join(re.sub(r"[\s_\-]+", " ", composed(name).casefold()).strip(" .:;,!?\"'").split())


def code_finder(codebook: Codebook) -> Callable[[str], str | None]:
    """A function giving the code of ``codebook`` a name names: itself or one of its
    aliases, or either written another way (:func:`code_key`), or the last name of a path
    in the code tree (:func:`code_leaf`); None for no code. Built once for a table or
    corpus, so the codebook is folded once.

    >>> find_code = code_finder(Codebook((Code("non_stigmatizing_attitude", aliases=("1.1",)), Code("Warmth"))))
    >>> find_code("Non-stigmatizing attitude"), find_code("Support\\\\warmth"), find_code("1.1"), find_code("trust")
    ('non_stigmatizing_attitude', 'Warmth', 'non_stigmatizing_attitude', None)
    """
    exact = {alias: code.name for code in codebook.codes for alias in code.aliases} | {n: n for n in codebook.names}
    keys = {code_key(name): code for name, code in exact.items()}

    def find_code(name: str) -> str | None:
        if name in exact:
            return exact[name]
        return keys.get(code_key(name)) or keys.get(code_key(code_leaf(name)))

    return find_code


def nearest_code(codebook: Codebook, name: str) -> str | None:
    """The codebook's code whose name (or an alias) is most like ``name`` written another
    way (:func:`code_key`), to suggest for a name that names none; None where none is close.

    >>> book = Codebook((Code("beyond_routine"), Code("emotional_climate", aliases=("warmth",))))
    >>> nearest_code(book, "going beyond routine"), nearest_code(book, "Warmth!!"), nearest_code(book, "made up")
    ('beyond_routine', 'emotional_climate', None)
    """
    keys = {code_key(alias): code.name for code in codebook.codes for alias in code.aliases}
    keys |= {code_key(code.name): code.name for code in codebook.codes}
    return _similar(code_key(name), keys)


def _similar(key: str, keys: Mapping[str, str]) -> str | None:
    """The name of the one key (:func:`code_key`) holding ``key``'s words in a run
    (``social`` in ``social interaction``), else of the key most like it; None for none close.

    >>> _similar("social", {"social interaction": "social_interaction", "care": "care"})
    'social_interaction'
    """
    holding = {keys[k] for k in keys if f" {key} " in f" {k} "}
    if len(holding) == 1:
        return holding.pop()
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    return keys[close[0]] if close else None


def check_code_names(codes: Iterable[str], known: Sequence[str], among: str) -> None:
    """Refuse any of ``codes`` that is not in ``known`` (``among`` says where they were looked
    for: "in the codebook", "coded by the model"), naming the codes there are.

    >>> check_code_names(["care", "nope"], ["care", "time"], "in the codebook")
    Traceback (most recent call last):
    ...
    tr_nlp.errors.ConfigError: [E163] invalid option: code(s) 'nope' not in the codebook; expected some of care, time
    >>> check_code_names(["beyond"], ["beyond_routine", "care"], "in the codebook")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tr_nlp.errors.ConfigError: ... code(s) 'beyond' not in the codebook (did you mean 'beyond_routine'?); expected ...
    """
    unknown = [code for code in codes if code not in known]
    if unknown:
        keys = {code_key(name): name for name in known}
        near = [(code, name) for code in unknown if (name := _similar(code_key(code), keys)) is not None]
        meant = ", ".join(f"'{name}'" if len(unknown) == 1 else f"'{name}' for '{code}'" for code, name in near)
        raise ConfigError("E163", detail=f"code(s) {', '.join(map(repr, unknown))} not {among}"
                                         + (f" (did you mean {meant}?)" if near else "")
                                         + f"; expected some of {', '.join(known)}")


def with_parent_codes(codings: Iterable[Coding], codebook: Codebook) -> list[Coding]:
    """``codings``, and for each one the same span coded by the same coder with every code
    above its code in ``codebook`` (what NVivo calls aggregating coding from children).

    >>> book = codebook_from_dict({"codes": [{"name": "core"}, {"name": "time", "parent": "core"}]})
    >>> [c.code for c in with_parent_codes([Coding("iv1", 0, 9, "time", "A")], book)]
    ['time', 'core']
    """
    parent = {code.name: code.parent for code in codebook.codes}
    out = []
    for coding in codings:
        out.append(coding)
        above, seen = parent.get(coding.code), {coding.code}
        while above is not None and above not in seen:  # a validated codebook has no cycles; stop anyway
            out.append(replace(coding, code=above))
            seen.add(above)
            above = parent.get(above)
    return out


def codebook_hash(codebook: Codebook) -> str:
    """A sha256 of the codebook's canonical JSON: changes when any code or guidance changes."""
    canonical = json.dumps(codebook_to_dict(codebook), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
