import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tr_nlp.errors import InputError
from tr_nlp.ingest.encoding import decode_bytes, normalise_text, normalise_with_offsets, read_text

TEXT = "I: Café ok?\nP: Sí — naïve “quotes”."


@pytest.mark.parametrize(
    "data,encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # with BOM
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    ],
)
def test_unicode_encodings_decode_to_same_text(data, encoding):
    decoded = decode_bytes(data, "x.txt")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding
    assert decoded.warning is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_with_a_warning(codec):
    decoded = decode_bytes(TEXT.encode(codec), "win.txt")
    assert decoded.text == TEXT and decoded.encoding == codec
    assert "without a byte-order mark" in decoded.warning


@pytest.mark.parametrize("data", [
    b"\x00\x00\x00\x01" * 50,               # NULs in both halves: a binary record
    "I: Hello there".encode("utf-16-le")[:-1],  # odd length: not whole UTF-16 units
    b"PK\x03\x04" + bytes(60),                 # a zip header
])
def test_nul_bytes_that_are_not_utf16_text_are_binary(data):
    with pytest.raises(InputError, match="E102"):
        decode_bytes(data, "f.bin")


def test_cp1252_falls_back_with_warning_naming_nothing_but_the_problem():
    decoded = decode_bytes("I: Café “quoted”\nP: ok".encode("cp1252"), "win.txt")
    assert decoded.text == "I: Café “quoted”\nP: ok"
    assert decoded.encoding == "cp1252"
    assert "cp1252" in decoded.warning


def test_a_transcript_saved_as_mac_roman_is_read_as_mac_roman():
    text = "I: So what was different about her?\nP: She didn’t rush me. She’d say “take your time” – and mean it. Très bien."
    decoded = decode_bytes(text.encode("mac_roman"), "old_mac.txt")
    assert decoded.text == text  # cp1252 would read "didnÕt", "Òtake", and refuse "è" (an undefined byte there)
    assert decoded.encoding == "mac_roman" and "Mac Roman" in decoded.warning


@pytest.mark.parametrize("text", [
    "I: Comment était le service?\nR: Très bien, le garçon était gentil, naïve moi. Voilà.",  # no curly marks
    "P: Me dijo que sí, que el señor está bien. Aquí, en España, ¿sabe? Mañana.",
    "P: Er war schön, für mich, ganz ruhig. Früher nicht.",
])
def test_a_mac_roman_transcript_without_curly_marks_is_read_by_its_accented_letters(text):
    # its letters only: cp1252 refused it (an undefined byte) or read "na•ve", "schšn"
    decoded = decode_bytes(text.encode("mac_roman"), "old_mac.txt")
    assert decoded.text == text and decoded.encoding == "mac_roman"


@pytest.mark.parametrize("text", [
    "P: I didn’t think she’d ring back – but she did, “no bother” she said.",
    "P: Mon cœur, ma sœur, un œuf: c’était très bien, à la française.",
    "P: Señor, ¿qué tal? Mañana, aquí. Don’t worry.",
    "P: Nobody tells you, and the leaflet said AÇÕES in big letters, it’s Portuguese, I think.",
    "P: Café, crème brûlée, naïve – a word salad, no apostrophes at all.",
])
def test_windows_text_is_still_read_as_cp1252(text):
    decoded = decode_bytes(text.encode("cp1252"), "win.txt")
    assert decoded.text == text and decoded.encoding == "cp1252"


def test_utf8_with_stray_bytes_is_refused():
    data = "I: Café ".encode("utf-8") + b"\xff\xfe broken"
    with pytest.raises(InputError) as info:
        decode_bytes(data, "bad.txt")
    assert info.value.code == "E103"
    assert "bad.txt" in str(info.value)


@pytest.mark.parametrize("data,code", [(b"", "E101"), (b"  \n\n ", "E101"),
                                       (b"\x00\x01\x02binary\x00", "E102"),
                                       (bytes(range(128, 256)) * 4, "E103")])
def test_empty_and_binary_inputs(data, code):
    with pytest.raises(InputError) as info:
        decode_bytes(data, "f.txt")
    assert info.value.code == code


@pytest.mark.parametrize("data,code,says", [
    (codecs.BOM_UTF16_LE + b"I\x00:\x00 \x00\x00\xd8", "E106", "utf-16"),  # a byte-order mark, then broken UTF-16
    ("Hello \ud801 there".encode("utf-16-le", "surrogatepass"), "E102", ""),  # no mark, an unpaired surrogate
    ("I: é".encode("cp1252") + "éàü".encode("cp1252") * 10, "E102", "are not text"),  # mostly accented bytes
    ("I: fine\x01\x02\x03\x04".encode("cp1252") + b"\xe9", "E102", "4 control characters"),
])
def test_text_that_only_looks_decodable_is_refused_with_its_reason(data, code, says):
    with pytest.raises(InputError, match=code) as info:
        decode_bytes(data, "f.txt")
    assert says in str(info.value)


def test_a_folder_given_as_a_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="E109"):
        read_text(tmp_path)


def test_a_file_of_invisible_characters_alone_is_empty(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\u200b\u200b\n\u2060 \u200b", encoding="utf-8")
    with pytest.raises(InputError, match="E101"):
        read_text(path)


def test_random_high_bytes_are_not_text():
    # undefined in cp1252 -> refused, whatever else
    with pytest.raises(InputError):
        decode_bytes(b"\x81\x8d\x8f\x90\x9d" * 20, "f.txt")


def test_forced_encoding_error_is_clear():
    with pytest.raises(InputError) as info:
        decode_bytes("é".encode("utf-8"), "f.txt", encoding="ascii")
    assert info.value.code == "E106"


def test_normalise_text_line_endings_spaces_and_zero_width():
    raw = "\ufeffI: a\u00a0b \r\nP: c\u200bd\rI: e\u2028f  \n\n"
    assert normalise_text(raw) == "I: a b\nP: cd\nI: e\nf"


def test_normalise_text_drops_control_characters_but_tabs_and_line_breaks():
    # a bell or an escape in a text file, or the NUL a damaged PDF's text held, reached exported XML
    assert normalise_text("I: a\x07b\tc\x00d\x1b\x1a\ufffe\uffff\x0bP: e") == "I: ab\tcd\nP: e"


def test_normalise_nfc():
    assert normalise_text("Cafe\u0301") == "Café"


def test_read_text_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        read_text(tmp_path / "nope.txt")
    assert info.value.code == "E100"


_TRICKY = st.sampled_from(["a", "b", " ", "\t", "\r", "\n", "\r\n", "e\u0301", "\u00a0", "\u200b",
                           "\u2028", "\U0001F600", "\u1100\u1161", "é", "\ufeff", "\x07", "\x00", "\uffff"])


@given(st.lists(_TRICKY, max_size=20).map("".join))
def test_normalise_with_offsets_agrees_and_maps_monotonically(raw):
    text, offsets = normalise_with_offsets(raw)
    assert text == normalise_text(raw)
    assert len(offsets) == len(raw) + 1 and offsets[-1] == len(text)
    assert offsets == sorted(offsets) and all(0 <= o <= len(text) for o in offsets)


def test_normalise_with_offsets_keeps_a_span_on_the_same_characters():
    raw = "\ufeffI: Caf\u0065\u0301 au lait\r\n\r\nR: On n\u2019y va  \r\nplus \U0001F600 jamais.\r\n"
    start = raw.index("plus")
    text, offsets = normalise_with_offsets(raw)
    assert text[offsets[start]:offsets[start + len("plus \U0001F600")]] == "plus \U0001F600"
    word = raw.index("Caf")
    assert text[offsets[word]:offsets[word + 5]] == "Café"


def test_vertical_tabs_are_line_breaks_not_binary(write):
    # Word's manual line break pasted as text is \x0b; three of them made a transcript "binary" (E102)
    path = write("vt.txt", "I: How was it?\x0bReally?\nP: Hard.\x0bThe nurse\x0bsat with me.\n")
    assert read_text(path).text == "I: How was it?\nReally?\nP: Hard.\nThe nurse\nsat with me."


def test_windows_characters_pasted_into_utf8_are_read_as_cp1252_with_their_line():
    data = ("I: Café, “kind”?\n".encode() + b"P: She didn\x92t \x93judge\x94 me \x96 caf\xe9, \xa35.\n"
            + "I: Sí.".encode())
    decoded = decode_bytes(data, "pasted.txt")
    assert decoded.text == "I: Café, “kind”?\nP: She didn’t “judge” me – café, £5.\nI: Sí."
    assert decoded.encoding == "utf-8"
    assert "6 Windows (cp1252) byte(s)" in decoded.warning and "line 2" in decoded.warning
    assert "’ “ ” – é £" in decoded.warning


@pytest.mark.parametrize("stray", [
    b"\xe2\x80t",      # a UTF-8 character cut short: corrupt, not Windows text
    b" \xe0 ",         # a lone letter touching no word
    b"\x81",           # a byte cp1252 leaves undefined
])
def test_stray_bytes_that_are_not_windows_text_in_utf8_are_refused_naming_the_line(stray):
    data = "I: Café\nP: fine\n".encode() + b"P: so " + stray + b" on"
    with pytest.raises(InputError, match="E103") as info:
        decode_bytes(data, "bad.txt")
    assert "line 3" in str(info.value) and "bad.txt" in str(info.value)


def test_the_dos_end_of_file_mark_is_no_text():
    """Ctrl-Z after the last line (old DOS editors) was a segment of its own."""
    data = b"I: How was she?\r\nP: Kind.\r\n\x1a"
    assert normalise_text(decode_bytes(data, "old.txt").text) == "I: How was she?\nP: Kind."
    assert normalise_with_offsets(data.decode())[0] == "I: How was she?\nP: Kind."


def test_windows_characters_pasted_into_utf8_with_a_byte_order_mark_are_read_too():
    data = codecs.BOM_UTF8 + "I: Café?\n".encode() + b"P: didn\x92t.\n"
    decoded = decode_bytes(data, "notepad.txt")
    assert decoded.text == "I: Café?\nP: didn’t.\n" and "1 Windows (cp1252) byte(s)" in decoded.warning
    assert "line 2, byte 20:" in decoded.warning  # counted in the file, its 3-byte mark included
    with pytest.raises(InputError, match="E103"):  # a character cut short is refused, with or without the mark
        decode_bytes(codecs.BOM_UTF8 + "I: Café?\n".encode() + b"P: \xe2\x80t", "notepad.txt")
