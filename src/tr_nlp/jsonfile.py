"""Read JSON with errors naming the file: the files tr_nlp writes (model cards, run summaries)
and the JSON transcripts it reads (Whisper's, oTranscribe's)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from tr_nlp.errors import TrNlpError

#: In JSON text, left to right: an escaped backslash, a pair of surrogate escapes (one
#: character: ``\\ud83d\\ude00``), or a surrogate escape alone (group 1), which no character is.
_SURROGATE_ESCAPES = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: where a JSON Lines file's lines end (not at U+2028, U+2029 or U+0085, which a JSON string may hold)
_LINE_END = re.compile(r"\r\n?|\n")


def json_lines(text: str) -> list[str]:
    r"""The lines of a JSON Lines text: cut at line feeds and carriage returns only, as a JSON
    string may hold U+2028, U+2029 or U+0085 as they are, which ``str.splitlines`` would
    break a line at.

    >>> json_lines('{"a": "x\u2028y"}\r\n{"b": 1}\n')
    ['{"a": "x\u2028y"}', '{"b": 1}', '']
    """
    return _LINE_END.split(text)


def read_json_object(path: str | Path, error: type[TrNlpError], code: str) -> dict[str, Any]:
    """The JSON object in ``path``.

    Parameters
    ----------
    path : str or Path
        A UTF-8 JSON file holding one object.
    error, code : exception class and message code
        What to raise, naming ``path``, when the file cannot be read, is not JSON (or
        nests too deeply to read), or holds something other than an object (a list, a
        number); the code's message takes ``{detail}``.

    Examples
    --------
    >>> from tr_nlp.errors import InputError
    >>> read_json_object("missing.json", InputError, "E221")
    Traceback (most recent call last):
    ...
    tr_nlp.errors.InputError: missing.json: [E221] cannot read this run output ([Errno 2] No such file or directory: 'missing.json'); re-run the command that wrote it
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(code, path, detail=exc) from None
    except RecursionError:  # lists or objects nested thousands deep: a hostile or broken file
        raise error(code, path, detail="it nests lists or objects too deeply to read") from None
    if not isinstance(data, dict):
        raise error(code, path, detail=f"expected a JSON object, found a {type(data).__name__}")
    return data


def parse_json(text: str, path: str | Path, error: type[TrNlpError], code: str) -> Any:
    """The JSON value in ``text`` (read from ``path``); ``error`` with ``code`` naming the file
    when it is not JSON or nests too deeply to read (the code's message takes ``{detail}``).

    >>> from tr_nlp.errors import InputError
    >>> parse_json('{"text": "x"}', "a.otr", InputError, "E125")
    {'text': 'x'}
    >>> parse_json("[" * 100_000, "a.otr", InputError, "E125")
    Traceback (most recent call last):
    ...
    tr_nlp.errors.InputError: a.otr: [E125] not an oTranscribe transcript: it is nested too deeply; ...
    """
    try:
        return loads(text)
    except RecursionError:  # lists or objects nested thousands deep: a hostile or broken file
        raise error(code, path, detail="it is nested too deeply") from None
    except ValueError as exc:
        raise error(code, path, detail=f"it is not valid JSON: {exc}") from None


def loads(text: str) -> Any:
    """``json.loads(text)``, with each lone surrogate escape (half of a character beyond 16
    bits, as a JavaScript tool cutting text in the middle of an emoji writes one) read as
    U+FFFD, the replacement character, rather than as a character that can be written to no
    file (and that cut libxml2's reading of a page short).

    >>> loads('["fine \\\\ud83d", {"\\\\udc00": "\\\\ud83d\\\\ude00"}]')
    ['fine \ufffd', {'\ufffd': '😀'}]
    """
    data = json.loads(text)
    if "\\u" not in text or not any(m.group(1) for m in _SURROGATE_ESCAPES.finditer(text)):
        return data  # no lone surrogate escape: nothing to walk (pairs json.loads joins itself)
    stack: list[Any] = [data]
    while stack:  # without recursion: the value may nest as deeply as json.loads reads
        value = stack.pop()
        if isinstance(value, dict):
            items = [(without_lone_surrogates(k), v) for k, v in value.items()]
            value.clear()
            value.update((k, without_lone_surrogates(v)) for k, v in items)
            stack.extend(value.values())
        elif isinstance(value, list):
            value[:] = [without_lone_surrogates(v) for v in value]
            stack.extend(value)
    return without_lone_surrogates(data)


def without_lone_surrogates(value: Any) -> Any:
    """A string with each pair of surrogates as the one character they make (as YAML's
    ``"\\ud83d\\ude00"`` leaves them) and each lone one as U+FFFD; any other value as it is.

    >>> without_lone_surrogates("fine \\ud83d \\ud83d\\ude00"), without_lone_surrogates(3)
    ('fine \ufffd 😀', 3)
    """
    if not isinstance(value, str) or not _LONE_SURROGATE.search(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def is_number(value: object, whole: bool = False) -> bool:
    """Whether a value read from JSON or YAML is a finite number (``whole``: an integer);
    ``true`` and ``false`` are no numbers, though Python counts them as ints.

    >>> [is_number(v) for v in (3, 2.5, float("inf"), True, "3")]
    [True, True, False, False, False]
    >>> is_number(2.0, whole=True)
    False
    """
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        return False
    return math.isfinite(value)
