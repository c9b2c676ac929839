"""Parse the YAML people write for tr_nlp (codebooks, ``corpus.yaml``, a transcript's front
matter) safely, whatever it holds.

``yaml.safe_load`` runs no code, but some YAML still stops a program: anchors and aliases
nested in each other (``&a [x, x]``, ``&b [*a, *a]``...), a "billion laughs" of a few lines
that any code walking or printing the value expands exponentially; a value that holds
itself (``&a [*a]``), which never ends; and lists or mappings nested thousands deep, on
which PyYAML's recursive composer overflows Python's stack. :func:`parse_yaml` refuses
them with :class:`UnsafeYAML` before building the value: the nesting is measured on the
parser's events (which PyYAML produces without recursion), the expansion on the composed
nodes, each counted once.

Examples
--------
>>> parse_yaml("codes: [a, b]")
{'codes': ['a', 'b']}
>>> parse_yaml("a: &x [1, 2]\\nb: *x")  # anchors that expand to little are fine
{'a': [1, 2], 'b': [1, 2]}
>>> laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\\n" for i in range(1, 9))
>>> parse_yaml(laughs)
Traceback (most recent call last):
...
tr_nlp.yamlfile.UnsafeYAML: it expands to more than 100,000 values through its anchors and aliases (&name, *name)
>>> parse_yaml("a: &a [1, *a]")
Traceback (most recent call last):
...
tr_nlp.yamlfile.UnsafeYAML: it holds a value inside itself (an alias inside its own anchor)
>>> parse_yaml("[" * 5000)
Traceback (most recent call last):
...
tr_nlp.yamlfile.UnsafeYAML: it nests lists or mappings more than 100 deep
>>> parse_yaml("a: 1\\na: 2", unique_keys=True)
Traceback (most recent call last):
...
tr_nlp.yamlfile.DuplicateKey: duplicate key 'a' at line 2
>>> parse_yaml("base: &b {colour: red}\\ncare:\\n  <<: *b\\n  colour: blue", unique_keys=True)  # merged, then set
{'base': {'colour': 'red'}, 'care': {'colour': 'blue'}}
>>> parse_yaml("speakers:\\n  [SPEAKER_00]: interviewer")
Traceback (most recent call last):
...
tr_nlp.yamlfile.KeyNotText: the key [SPEAKER_00] at line 2 is read as a list ...: "[SPEAKER_00]"
"""

from __future__ import annotations

from typing import Any

import yaml

from tr_nlp.jsonfile import without_lone_surrogates

#: Most values a document may expand to, counting every use of an alias in full.
MAX_VALUES = 100_000
#: Deepest nesting of lists and mappings (a codebook needs four or five).
MAX_DEPTH = 100


class UnsafeYAML(yaml.YAMLError):
    """YAML that would take exponential time or overflow the stack to read."""


class DuplicateKey(yaml.YAMLError):
    """A mapping key given twice (plain YAML would keep the last value silently)."""

    def __init__(self, key: str, line: int):
        super().__init__(f"duplicate key {key!r} at line {line}")
        self.key, self.line = key, line


class KeyNotText(yaml.YAMLError):
    """A mapping key YAML reads as a list or mapping (``[SPEAKER_00]: interviewer``), which
    no key can be: brackets and braces make one unless the key is quoted."""

    def __init__(self, written: str, line: int):
        super().__init__(f"the key {written} at line {line} is read as a list or mapping (YAML reads [...] and {{...}} "
                         f"so); put it in quotes: \"{written}\"")
        self.written, self.line = written, line


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader that refuses documents expanding to more than :data:`MAX_VALUES` values."""

    def construct_document(self, node: yaml.Node) -> Any:
        if _expanded_size(node) > MAX_VALUES:
            raise UnsafeYAML(f"it expands to more than {MAX_VALUES:,} values through its anchors and aliases "
                             "(&name, *name)")
        return super().construct_document(node)


def _construct_str(loader: _BoundedLoader, node: yaml.ScalarNode) -> str:
    """A string, its surrogates as the characters they make (PyYAML leaves a double-quoted
    ``"\\ud83d\\ude00"`` as two halves) and a lone one (half a character) as U+FFFD: no file
    can be written with a half, and in a project's XML it is not well-formed."""
    return without_lone_surrogates(loader.construct_scalar(node))


class _UniqueKeyLoader(_BoundedLoader):
    """A bounded loader that also refuses duplicate mapping keys."""


def _construct_mapping(loader: _BoundedLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A mapping whose keys are all keys (:class:`KeyNotText`), each of its own written once
    for a :class:`_UniqueKeyLoader` (:class:`DuplicateKey`; a key merged in with ``<<: *name``
    may be given again, as YAML means it)."""
    own = {id(key_node) for key_node, _ in node.value}
    loader.flatten_mapping(node)  # the merged keys in place, as construct_mapping does
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
        try:
            repeated = key in seen
        except TypeError:  # a list or a mapping
            start, end = key_node.start_mark, key_node.end_mark
            written = start.buffer[start.index:end.index] if start.buffer else str(key)
            raise KeyNotText(written, start.line + 1) from None
        if id(key_node) in own:
            if repeated and isinstance(loader, _UniqueKeyLoader):
                raise DuplicateKey(str(key), key_node.start_mark.line + 1)
            seen.add(key)
    return loader.construct_mapping(node, deep)


_BoundedLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)  # before the subclass copies the table
_BoundedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: The tags a plain scalar may still resolve to in a document of names (:func:`parse_yaml` ``as_text``).
_TEXT_TAGS = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")


class _TextLoader(_UniqueKeyLoader):
    """A loader that reads every plain scalar as the text written, but for nulls (``~``, an
    empty value): no number, truth value or date."""

    yaml_implicit_resolvers = {first: [(tag, pattern) for tag, pattern in resolvers if tag in _TEXT_TAGS]
                               for first, resolvers in _UniqueKeyLoader.yaml_implicit_resolvers.items()}


def _expanded_size(root: yaml.Node) -> int:
    """How many values ``root`` stands for with every alias expanded; each node is visited
    once (an alias is the node it names), so this costs the size of the text, not of the
    expansion. Stops counting past :data:`MAX_VALUES`.

    Raises
    ------
    UnsafeYAML
        For a value that holds itself (``&a [*a]``), which has no end to expand.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the nodes whose values are being counted: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        key = id(node)
        if counted:  # every child is counted
            open_nodes.discard(key)
            sizes[key] = min(MAX_VALUES + 1, 1 + sum(sizes[id(child)] for child in _children(node)))
        elif key in open_nodes:
            raise UnsafeYAML("it holds a value inside itself (an alias inside its own anchor)")
        elif key not in sizes:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_depth(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise UnsafeYAML(f"it nests lists or mappings more than {MAX_DEPTH} deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def parse_yaml(text: str, unique_keys: bool = False, as_text: bool = False) -> Any:
    """The value of the YAML document ``text``, read with PyYAML's safe loader.

    Parameters
    ----------
    text : str
        One YAML document.
    unique_keys : bool
        Refuse a mapping that gives a key twice.
    as_text : bool
        Read every plain scalar as the text written, but for nulls (implies
        ``unique_keys``): a document of names, such as a codebook, whose codes numbered
        ``1.1`` and ``1.10`` YAML would read as one number, ``010`` as 8 and ``no`` as false.

        >>> parse_yaml("codes: [1.1, 1.10, 010, no, ~]", as_text=True)
        {'codes': ['1.1', '1.10', '010', 'no', None]}

    Raises
    ------
    UnsafeYAML
        When the document nests deeper than :data:`MAX_DEPTH` or expands to more than
        :data:`MAX_VALUES` values through anchors and aliases.
    DuplicateKey
        With ``unique_keys``, for a key given twice.
    yaml.YAMLError
        For a syntax error (both of the above are ``YAMLError`` too).
    """
    _check_depth(text)
    loader = _TextLoader if as_text else _UniqueKeyLoader if unique_keys else _BoundedLoader
    return yaml.load(text, Loader=loader)  # a SafeLoader subclass
