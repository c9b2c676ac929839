import pytest

from tr_nlp.codebook import code_finder, codebook_from_dict, codebook_hash, dump_codebook, load_codebook
from tr_nlp.errors import CodebookError

from conftest import DEMO, yaml_bomb


def test_demo_codebook_loads():
    cb = load_codebook(DEMO / "codebook.yaml")
    assert cb.names == ["non_stigmatizing_attitude", "beyond_routine", "interpersonal_continuity",
                        "emotional_climate", "social_interaction"]
    code = cb["beyond_routine"]
    assert code.description and code.include and code.exclude and code.examples


def test_round_trip_and_hash(tmp_path):
    cb = load_codebook(DEMO / "codebook.yaml")
    path = tmp_path / "cb.yaml"
    path.write_text(dump_codebook(cb), encoding="utf-8")
    again = load_codebook(path)
    assert again == cb
    assert codebook_hash(again) == codebook_hash(cb)
    changed = codebook_from_dict({"codes": [{"name": c.name} for c in cb.codes]})
    assert codebook_hash(changed) != codebook_hash(cb)


def test_surrogate_escapes_in_a_yaml_codebook_are_characters_or_the_replacement_character(tmp_path):
    # YAML leaves "\ud83d\ude00" as two halves and "\ud800" as one: no file could be written with them, and an
    # exported project held "&#55296;", which is not well-formed XML
    path = tmp_path / "cb.yaml"
    path.write_text('codes:\n  - name: care\n    description: "Warm \\ud83d\\ude00, \\ud800 kind"\n', encoding="utf-8")
    cb = load_codebook(path)
    assert cb["care"].description == "Warm \U0001f600, \ufffd kind"
    path.write_text(dump_codebook(cb), encoding="utf-8")
    assert load_codebook(path) == cb


def test_mapping_form_parents_and_groups():
    cb = codebook_from_dict({"codes": {"care": {"description": "d"}, "warmth": {"parent": "care"}},
                             "groups": {"g": ["care", "warmth"]}})
    assert cb["warmth"].parent == "care"
    assert cb.groups == {"g": ("care", "warmth")}


def test_short_forms_a_bare_list_and_name_to_description():
    assert codebook_from_dict(["care", {"name": "warmth"}]).names == ["care", "warmth"]
    cb = codebook_from_dict({"codes": {"care": "Someone cared.", "warmth": None}})
    assert cb.names == ["care", "warmth"] and cb["care"].description == "Someone cared."


@pytest.mark.parametrize("text,code", [
    ("codes:\n  - name: a\n  - name: a\n", "E140"),
    ("codes:\n  - name: Trust\n  - name: trust\n", "E146"),  # a coding's "trust" could mean either
    ("codes:\n  - name: beyond routine\n  - name: beyond_routine\n", "E146"),
    ("codes:\n  a: {}\n  a: {}\n", "E147"),
    ("codes:\n  - name: a\n    parent: zzz\n", "E141"),
    ("codes:\n  - name: a\ngroups:\n  g: [a, b]\n", "E142"),
    ("codes:\n  - name: '!bad'\n", "E143"),
    ("codes:\n  - name: 'care/support'\n", "E143"),  # a path in a code tree
    ("codes:\n  - name: 'care, support'\n", "E143"),  # a list of codes
    ("codes:\n  - name: 'care [staff]'\n", "E143"),  # the console's markup
    ("codes:\n  - name: 'why?'\n", "E143"),
    ("just a sentence\n", "E144"),
    ("codes: 5\n", "E144"),
    ("codes:\n  care: [a, b]\n", "E146"),
    ("codes:\n  - name: a\n    examples: {quote: 5}\n", "E146"),  # (a number is its text: `examples: 5` quotes "5")
    ("codes:\n  - name: a\n    description: [x, y]\n", "E146"),
    ("codes: []\n", "E144"),
    ("codes:\n  - name: a\ngroups:\n  g: a\n", "E144"),
    ("codes: [a\n", "E145"),
    ("codes:\n  [a]: {description: x}\n", "E145"),  # a key YAML reads as a list
    ("codes:\n  - name: a\n    colour: red\n", "E146"),
    ("codes:\n  - name: a\n  - name:\n", "E146"),
    ("codes:\n  - name: ' '\n", "E146"),
    ("codes:\n  ~: {description: x}\n", "E146"),
    ("codes:\n  - name: a\n    parent: b\n  - name: b\n    parent: a\n", "E148"),
    # YAML that would hang or crash whatever reads it: refused before it is built
    (f"codes: {yaml_bomb()}\n", "E149"),
    (f"codes:\n  - name: a\n    description: {yaml_bomb()}\n", "E149"),
    ("codes: &c [a, *c]\n", "E149"),
    ("codes: " + "[" * 3000 + "\n", "E149"),
    # a chain of 102 codes, each the parent of the next
    ("codes:\n" + "".join(f"  - name: c{i}\n    parent: c{i - 1}\n" if i else "  - name: c0\n" for i in range(102)),
     "E146"),
])
def test_bad_codebooks(tmp_path, text, code):
    path = tmp_path / "codebook.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.code == code
    assert "codebook.yaml" in str(info.value)


def test_code_names_may_hold_ampersands_brackets_and_apostrophes(tmp_path):
    # "Care & support" was refused (E143), so a team's codebook and codings had to be renamed
    path = tmp_path / "codebook.csv"
    path.write_text('code,description\nCare & support,x\n"Stigma (felt)",y\nStaff\u2019s attitude,z\n', encoding="utf-8")
    book = load_codebook(path)
    assert book.names == ["Care & support", "Stigma (felt)", "Staff\u2019s attitude"]
    again = tmp_path / "again.yaml"
    again.write_text(dump_codebook(book), encoding="utf-8")
    assert load_codebook(again).names == book.names


def test_aliases_are_read_written_and_found(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("codes:\n  - name: beyond_routine\n    aliases: [2.1, BR]\n  - name: warmth\n", encoding="utf-8")
    book = load_codebook(path)
    assert book["beyond_routine"].aliases == ("2.1", "BR")  # YAML's number 2.1 is the text it was
    again = tmp_path / "again.yaml"
    again.write_text(dump_codebook(book), encoding="utf-8")
    assert load_codebook(again) == book
    find_code = code_finder(book)
    assert [find_code(n) for n in ("2.1", "br", "Beyond routine", "2.2")] == ["beyond_routine"] * 3 + [None]


@pytest.mark.parametrize(("aliases", "says"), [
    ("[warmth]", "its alias 'warmth' also names the code 'warmth'"),
    ("[Warmth]", "its alias 'Warmth' also names the code 'warmth'"),  # as a coding may write it
    ("{a: 1}", "'aliases' must be a name or a list of names"),
])
def test_an_alias_that_cannot_say_which_code_it_means_is_refused(tmp_path, aliases, says):
    path = tmp_path / "book.yaml"
    path.write_text(f"codes:\n  - name: beyond_routine\n    aliases: {aliases}\n  - name: warmth\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert says in str(info.value) and "book.yaml" in str(info.value)


def test_numbered_codes_are_the_names_written(tmp_path):
    # YAML read 1.10 as the number 1.1 (a codebook numbering 1.1 ... 1.10 was refused as naming
    # one code twice, and one holding 1.10 alone knew no code 1.10), 010 as 8 and no as false
    path = tmp_path / "numbered.yaml"
    path.write_text("name: 2024\nversion: 1.10\ncodes:\n  - name: 1.1\n  - name: 1.10\n    parent: 1.1\n"
                    "  - name: 010\n    aliases: [2.10]\n  - name: no\n    description: ~\ngroups:\n  answer: [no, 010]\n",
                    encoding="utf-8")
    codebook = load_codebook(path)
    assert [c.name for c in codebook.codes] == ["1.1", "1.10", "010", "no"]
    assert codebook.name == "2024" and codebook.version == "1.10" and codebook.codes[1].parent == "1.1"
    assert codebook.codes[2].aliases == ("2.10",) and codebook.codes[3].description == ""
    assert codebook.groups == {"answer": ("no", "010")}
    (tmp_path / "again.yaml").write_text(dump_codebook(codebook), encoding="utf-8")
    assert load_codebook(tmp_path / "again.yaml") == codebook  # written out and read back alike
