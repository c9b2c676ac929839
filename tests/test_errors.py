"""Every ``raise XError("Exxx", ..., name=value)`` fills exactly its template's placeholders.

Error paths run rarely, so a mismatch (a missing or misspelt placeholder) would otherwise
surface as a crash in the one moment a user needs a clear message.
"""

import ast
import string
from pathlib import Path

import tr_nlp
from tr_nlp.errors import Errors

SOURCE = Path(tr_nlp.__file__).parent


def error_calls():
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            code = node.args[0].value
            if isinstance(code, str) and code[:1] == "E" and code[1:].isdigit():
                yield f"{path.relative_to(SOURCE)}:{node.lineno}", code, node.keywords


def test_error_calls_fill_their_templates():
    checked, problems = 0, []
    for where, code, keywords in error_calls():
        template = getattr(Errors, code, None)
        if template is None:
            problems.append(f"{where}: {code} has no template")
            continue
        if any(k.arg is None for k in keywords):  # **details: checked at run time only
            continue
        given = {k.arg for k in keywords} - {"path"}
        wanted = {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template) if field}
        if given != wanted:
            problems.append(f"{where}: {code} wants {sorted(wanted)}, is given {sorted(given)}")
        checked += 1
    assert checked > 100 and not problems, problems


def test_a_message_is_one_line_whatever_its_detail_held():
    from tr_nlp.errors import InputError

    error = InputError("E131", "t.csv", detail="ParserError: Expected 1 fields in line 6, saw 2\n")
    assert str(error) == "t.csv: [E131] cannot parse the table (ParserError: Expected 1 fields in line 6, saw 2)"
