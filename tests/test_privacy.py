"""Pseudonymisation: what is found, consistent placeholders, and codings that stay on the same words."""

import json
import os
import re
import stat
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DEMO, at_most
from tr_nlp.codebook import codebook_hash
from tr_nlp.errors import InputError
from tr_nlp.ingest import Corpus, load_corpus
from tr_nlp.privacy import (
    OffsetMap,
    Pseudonymiser,
    Replacement,
    name_candidates,
    one_case_interviews,
    pseudonymise_corpus,
    read_names,
)
from tr_nlp.privacy.case import in_lower_case
from tr_nlp.schema import Coding, Interview, Turn


@pytest.mark.parametrize("text, kind", [
    ("write to jo.smith+care@nhs.net please", "EMAIL"),
    ("my number is 943 476 5919 on the letter", "NHS_NUMBER"),
    ("NHS no 9434765919.", "NHS_NUMBER"),
    ("ring 07700 900123 after six", "PHONE"),
    ("ring +44 (0)161 496 0000 after six", "PHONE"),
    ("it was 12/03/2021 I think", "DATE"),
    ("on 2021-03-12 exactly", "DATE"),
    ("since the 3rd of March 2022, yeah", "DATE"),
    ("since March 12, 2021, yeah", "DATE"),
    ("born on the twenty-first of March, 1985, so", "DATE"),
    ("it was March the 3rd, I think", "DATE"),
    ("since May the Fourth", "DATE"),
    ("it's on www.example.org/groups/sam-p, have a look", "URL"),
    ("see https://example.org/u?id=42.", "URL"),
    # typed without "www" or "http": a profile's address was left whole
    ("I'm on facebook.com/anna.smith.77, add me", "URL"),
    ("my blog, annas-journey.wordpress.com.", "URL"),
    ("check Mind.org.uk or vården.se", "URL URL"),
    ("her twitter is @sam_patel, so", "HANDLE"),
    ("I live at 14 Elm Road, near the shops", "ADDRESS"),
    ("the flat on 3a Upper Hill St was damp", "ADDRESS"),
    ("it's N15 3TH, the postcode", "POSTCODE"),
    ("postcode SW1A1AA I think", "POSTCODE"),
    # as written in the other countries and languages whose transcripts tr_nlp reads: these were left in
    ("write to zoë@exämple.de please", "EMAIL"),
    ("the postcode is sw1a 1aa, lower case", "POSTCODE"),
    ("ring 070-123 45 67 after six", "PHONE"),  # Swedish
    ("ring 08-123 456 78 after six", "PHONE"),
    ("appelle le 06 12 34 56 78 ce soir", "PHONE"),  # French
    ("ou le +33 6 12 34 56 78", "PHONE"),
    ("ou le 06.12.34.56.78", "PHONE"),
    ("bel 06-12345678 maar", "PHONE"),  # Dutch
    ("ruf 030/12345678 an", "PHONE"),  # German
    ("call (555) 123-4567 or", "PHONE"),  # North American
    ("or 555.123.4567 then", "PHONE"),
    ("it was 2021/03/12 I think", "DATE"),
    ("den 3 mars 2021 var jag inlagd", "DATE"),  # Swedish
    ("am 12. März 1985 geboren", "DATE"),  # German
    ("vom 10.-12. März", "DATE"),
    ("op 12 januari kwam", "DATE"),  # Dutch
    ("le 1er mars j'ai vu", "DATE"),  # French
    ("el 5 de mayo de 2020 me ingresaron", "DATE"),  # Spanish
    ("em 5 de maio de 2020", "DATE"),  # Portuguese
    ("il 3 marzo 2021 sono", "DATE"),  # Italian
    ("12. maaliskuuta 2021 olin", "DATE"),  # Finnish
    ("12 marca 2021 r.", "DATE"),  # Polish
    ("12. března 2021", "DATE"),  # Czech
    ("2021. március 12-én", "DATE"),  # Hungarian
    ("12 Mart 2021 günü", "DATE"),  # Turkish
    ("12 марта 2021 года", "DATE"),  # Russian
    ("12 березня 2021 року", "DATE"),  # Ukrainian
    ("στις 12 Μαρτίου 2021", "DATE"),  # Greek
    ("我2021年3月12日住院", "DATE"),  # Chinese, Japanese
    ("2021년 3월 12일에 입원했어요", "DATE"),  # Korean
    ("in mars 2021, then", "DATE"),
    # Arabic, Persian, Hebrew and Hindi months' names; digits of other scripts: these were left in
    ("في ١٢ مارس ٢٠٢١ دخلت", "DATE"),  # Arabic, its own digits
    ("12 كانون الثاني 2021", "DATE"),
    ("۱۲ فروردین ۱۴۰۰", "DATE"),  # Persian, the Solar Hijri calendar
    ("ב-12 במרץ 2021", "DATE"),  # Hebrew
    ("12 मार्च 2021", "DATE"),  # Hindi
    ("१२/०३/२०२१ को", "DATE"),
    ("２０２１年３月１２日に入院", "DATE"),  # Japanese, full-width digits
    ("电话 ０７７００ ９００１２３", "PHONE"),
    # a day said in words or with a Swedish ordinal's ending: these were left in
    ("den tredje mars var jag inlagd", "DATE"),  # Swedish
    ("den 3:e mars, tror jag", "DATE"),
    ("på syttende mai", "DATE"),  # Norwegian
    ("den enogtyvende marts", "DATE"),  # Danish
    ("am dritten März 1985", "DATE"),  # German
    ("op drieëntwintigste januari", "DATE"),  # Dutch
    ("le vingt et un juin", "DATE"),  # French
    ("el tres de marzo de 2020", "DATE"),  # Spanish
    ("em vinte e um de abril", "DATE"),  # Portuguese
    ("il ventitré aprile", "DATE"),  # Italian
    # street addresses of other countries: the street, its number before or after
    ("jag bor på Storgatan 12 nu", "ADDRESS"),  # Sweden
    ("Karl Johans gate 22, Oslo", "ADDRESS"),  # Norway
    ("in der Berliner Straße 5a", "ADDRESS"),  # Germany
    ("ik woon op de Kerkstraat 12", "ADDRESS"),  # the Netherlands
    ("Mannerheimintie 12 B", "ADDRESS"),  # Finland
    ("au 12, rue de l'Église", "ADDRESS"),  # France
    ("vivo en la calle Mayor, n.º 5", "ADDRESS"),  # Spain
    ("moro na Rua Augusta, 12", "ADDRESS"),  # Portugal
    ("abito in via della Spiga 12", "ADDRESS"),  # Italy
    # personal identity numbers of other countries
    ("personnummer 850312-1234 och", "ID_NUMBER"),  # Sweden
    ("eller 19850312-1234 och", "ID_NUMBER"),
    ("CPR 120385-1234", "ID_NUMBER"),  # Denmark
    ("HETU 120385-123A", "ID_NUMBER"),  # Finland
    ("fødselsnummer 120385 12345", "ID_NUMBER"),  # Norway
    ("SSN 123-45-6789", "ID_NUMBER"),  # United States
    ("NIR 1 85 03 75 123 456 78", "ID_NUMBER"),  # France
    ("DNI 12345678Z", "ID_NUMBER"),  # Spain
    ("NIE X1234567L", "ID_NUMBER"),
    ("CF RSSMRA85T10A562S", "ID_NUMBER"),  # Italy
    # e-mail and web addresses said, as a transcript writes them: these were left in
    ("my email is jo dot smith at gmail dot com, so", "EMAIL"),
    ("jo.smith at gmail.com", "EMAIL"),
    ("jo underscore smith at nhs dot net", "EMAIL"),
    ("min mejl är anna punkt svensson snabel-a telia punkt se", "EMAIL"),  # Swedish
    ("jo point smith arobase orange point fr", "EMAIL"),  # French
    ("ana punto garcia arroba gmail punto com", "EMAIL"),  # Spanish
    ("it's www dot anna-smith dot co dot uk", "URL"),
    ("my blog, annasmith dot co dot uk, has it", "URL"),  # said without "www": these were left
    ("their leaflet's at leeds mind dot org dot uk", "URL"),
    ("ring oh seven seven double oh, nine double oh one two three please", "PHONE"),  # said digit by digit
    ("plus four four one six one four nine six double oh double oh", "PHONE"),
    ("ring noll sju noll, ett två tre, fyra fem sex sju", "PHONE"),  # Swedish
    ("ruf null eins sieben zwei drei vier fünf sechs sieben acht an", "PHONE"),  # German
    # French says a number in pairs of digits: these were left, as was French said digit by digit
    ("c'est le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit, voilà", "PHONE"),
    ("le zéro un quarante-cinq vingt et un nonante-neuf zéro trois", "PHONE"),
    ("plus trente-trois six douze trente-quatre quatre-vingt-onze soixante et onze", "PHONE"),
    ("zéro six un deux trois quatre cinq six sept huit", "PHONE"),
    # and in other languages a number's digits in pairs after its area code (these were left)
    ("ring noll sju noll, tjugotre, fyrtiofem, sextiosju", "PHONE"),  # Swedish
    ("ring null fire fem, tolv, trettifire, femtiseks", "PHONE"),  # Norwegian
    ("ring plus femogfyrre, tolv, fireogtredive, seksoghalvtreds, tres", "PHONE"),  # Danish
    ("ruf null eins sieben eins, zweiundzwanzig, vierunddreißig, sechsundfünfzig an", "PHONE"),  # German
    ("bel nul zes, twaalf, vierendertig, zesenvijftig, achtenzeventig", "PHONE"),  # Dutch
    ("http colon slash slash www dot x dot org slash groups", "URL"),
    # bank accounts and cards (their check digits right), numbers after their label, a UK NI number
    ("my IBAN is SE45 5000 0000 0583 9825 7466 ok", "ACCOUNT"),
    ("GB82 WEST 1234 5698 7654 32", "ACCOUNT"),
    ("card 4111 1111 1111 1111 ok", "ACCOUNT"),
    ("sort code 12-34-56", "ACCOUNT"),
    ("kontonummer 1234 56 78901", "ACCOUNT"),
    ("hospital number RXH 123456", "ID_NUMBER"),
    # an abbreviation's full stop, a label that names the document, a UK driving licence: these were left
    ("passport no. 123456789 it was", "ID_NUMBER"),
    ("the case no. 2021/4471", "ID_NUMBER"),
    ("my passport is 123456789", "ID_NUMBER"),
    ("driving licence SMITH801231JJ9AB", "ID_NUMBER"),
    ("MRN: 12345678, then", "ID_NUMBER"),
    ("the case number, um, 2021/1234 I think", "ID_NUMBER"),
    ("journalnummer 2021-1234", "ID_NUMBER"),
    ("Versichertennummer A123456780", "ID_NUMBER"),
    ("NI number AB 12 34 56 C", "ID_NUMBER"),
    ("it was AB123456C on the form", "ID_NUMBER"),
    # postcodes of other countries: with the country's letter, after the word for one, before a town
    ("Postnummer SE-117 43 tror jag", "POSTCODE"),  # Sweden
    ("postnumret är väl 117 43", "POSTCODE"),
    ("sen flyttade jag till 123 45 Stockholm", "POSTCODE"),
    ("die PLZ ist 10115", "POSTCODE"),  # Germany
    ("nach 10115 Berlin gezogen", "POSTCODE"),
    ("je vis à 75001 Paris", "POSTCODE"),  # France
    ("CP 28013", "POSTCODE"),  # Spain
    ("1012 AB Amsterdam", "POSTCODE"),  # the Netherlands
    ("Boston, MA 02115", "POSTCODE"),  # United States
    ("zip code 02139-4307", "POSTCODE"),
    ("Sydney NSW 2000", "POSTCODE"),  # Australia
    ("Ottawa ON K1A 0B1", "POSTCODE"),  # Canada
    ("Dublin D02 X285", "POSTCODE"),  # Ireland
])
def test_each_kind_is_found(text, kind):
    found = Pseudonymiser().find(text)
    assert [r.kind for r in found] == kind.split()


def test_ordinary_numbers_and_words_are_left_alone():
    text = "I was 23, on ward 7, for 10 days; I may go in May, I rob no one."
    assert Pseudonymiser(names=["Rob"]).text(text) == text
    text = ("Twenty Marlboro Lights, 20 a day. At 5 PM, in the M6 queue, 2 Big Macs; I rang 111, "
            "an @ sign, room 4B, the B12 jab, e.g. this. The first of many; for a second, May. "
            "The third of them, in the second March, or the fourth.")
    assert Pseudonymiser().find(text) == []
    # a phone number's or a date's shape without being one: decimals, times, amounts, counts
    text = ("0.5 0.25 0.75 0.125 of a dose, 1.5 mg at 09.30 10.15, March 9.30, March 1,000, 10 000 kronor, "
            "scored 2 out of 10 in 2019 and 2020, I counted to 5. March came, vitamin b12 3rd time, "
            "from 2019-2020 to 1985-2021, 10-12 times, 123-456, 12345678 views, 2019-2021-2023, 1234567-8, "
            "we talked via Zoom 3 times, in Spring 2021, at Christmas 2019, route 66, the Strasse 5, on Storgatan")
    assert Pseudonymiser().find(text) == []
    # a postcode's number without a postcode's place: a year or a count before a capitalised word
    text = ("in 2019 Anna came; so, 2019 I moved; and, 2019 Christmas, 20000 Menschen; in 10000 Jahren; "
            "mit 20000 Euro; 10-15 Minuten; OK 74103; Yeah OK 74103; the Mental Health ACT 2007; a cap 12345; "
            "room 1234 Building; Flight 12345 London; since 2020 NHS; the A38 EXIT; page 00-950; "
            "in 2020 UK Government")
    assert Pseudonymiser().find(text) == []
    # "at" and "point" said apart from an address: an "at" is said with a "dot", never "point"
    assert Pseudonymiser().find("I was at the point in time; the dot com bubble; look at me dot com; a dot in the "
                                "margin, a dot at the end, that dot is it, dot me a line") == []
    # digits said that are no phone number: counting, a zero and too few, "oh" said in surprise
    assert Pseudonymiser().find("one two three four five six seven eight nine; zero one two three; oh, oh, oh no") == []
    assert Pseudonymiser().find("zéro six douze trente; il avait zéro, un, deux ans; en deux mille douze, trente-quatre "
                                "personnes, cinquante-six ans, soixante-dix-huit; zéro six un deux trois") == []
    # a full stop without its space, abbreviations, decimals, files and versions: no web address
    assert Pseudonymiser().find("e.g. this, i.e. that, 3.5 mg, notes.docx, fine.it was, a.m., U.K., Ph.D, St.John, "
                                "ward.The nurse, där.De var, t.ex. det, bl.a. dem, z.B. das, M.Sc. in, version 2.0.1, "
                                "file.tar.gz, Co.Uk") == []
    # counting in tens from zero, a zero and the numbers after it
    assert Pseudonymiser().find("noll, tio, tjugo, trettio, fyrtio; null, zehn, zwanzig, dreißig, vierzig; "
                                "det var noll, elva, tolv år sedan") == []
    # an account's or card's shape with wrong check digits; a label without a number after it
    text = ("GB82 WEST 1234 5698 7654 33; 4111 1111 1111 1112; 2019 2020 2021 2022; reference number 12; "
            "my hospital number was in 2019; the passport 2019; my passport expired in 2019; case nothing 12345; "
            "my driving licence 1999")
    assert Pseudonymiser().find(text) == []
    # a number's word and a month's name of two languages, a number that is no day ("tre mars")
    assert Pseudonymiser().find("tre mars; de andra i mars; sei qui a maggio; un mars") == []


def test_an_address_is_replaced_whole():
    # a street of three words before its number lost only two ("Karl" was left)
    p = Pseudonymiser()
    assert p.text("Karl Johans gate 22, Oslo; Sankt Eriksgatan 5; Berliner Straße 5a") == (
        "[ADDRESS_1], Oslo; [ADDRESS_2]; [ADDRESS_3]")


def test_a_postcode_is_replaced_and_its_town_and_state_stay():
    # postcodes other than Britain's were left in ("123 45 Stockholm", "10115 Berlin")
    p = Pseudonymiser()
    assert p.text("Storgatan 12, 123 45 Stockholm; Berliner Straße 5, 10115 Berlin; Boston, MA 02115") == (
        "[ADDRESS_1], [POSTCODE_1] Stockholm; [ADDRESS_2], [POSTCODE_2] Berlin; Boston, MA [POSTCODE_3]")
    # four digits that may be a year are a postcode after an address
    assert p.text("Frederiksberg Allé 3, 2000 Frederiksberg, Karl Johans gate 22, 0162 Oslo") == (
        "[ADDRESS_3], [POSTCODE_4] Frederiksberg, [ADDRESS_4], [POSTCODE_5] Oslo")


def test_an_account_ends_where_its_check_digits_are_right_and_a_label_stays():
    # an IBAN was taken for a phone number in part ("SE45 5000 [PHONE_1] 7466")
    p = Pseudonymiser()
    assert p.text("SE45 5000 0000 0583 9825 7466 1234; hospital number is RXH 123456 I think") == (
        "[ACCOUNT_1] 1234; hospital number is [ID_NUMBER_1] I think")


def test_an_identity_number_is_one_detail_however_spaced():
    p = Pseudonymiser()
    assert p.text("19850312-1234, 198503121234; 120385 12345, 12038512345; 120385-123A, 120385-123B") == (
        "[ID_NUMBER_1], [ID_NUMBER_1]; [ID_NUMBER_2], [ID_NUMBER_2]; [ID_NUMBER_3], [ID_NUMBER_4]")


@pytest.mark.parametrize("unit", ["a.", "a'", "Aa ", "12 ", "0 ", "1-", "A. ", "rue de la Paix ", "Storgatan ",
                                  "3 mars ", "2021. ", "850312-1234 ", "a@", "www.",
                                  "12345 Berlin, ", ", 2000 A", "Storgatan 12, ", "MA 02115 ", "tjugo tjugo ",
                                  "vingt et un ", "MRN is um ", "hospital number 1 ", "GB82 WEST ", "1",
                                  "a_", "a-", "jo dot smith at ", "www dot ", "oh ", "double oh, "])
def test_hostile_runs_take_time_in_proportion_to_their_length(unit):
    # a street's name was looked for from each word of "a.a.a....": 200,000 characters took 466 s
    text = unit * (100_000 // len(unit))
    with at_most(30):  # about 1 s each; the quadratic search took minutes
        Pseudonymiser(names=["Anna"]).spans(text)


def test_a_range_of_days_is_one_date():
    p = Pseudonymiser()
    assert p.text("the 10th-12th of May, 10-12 May, March 3-5, 2021, vom 10.-12. März") == (
        "the [DATE_1], [DATE_2], [DATE_3], vom [DATE_4]")  # "10-" and "-5" were left


def test_a_year_said_in_words_goes_with_its_date():
    # "nineteen eighty-five" was left after "[DATE_1]": a date of birth's year
    p = Pseudonymiser()
    assert p.text("born on the twenty-first of March, nineteen eighty-five, so") == "born on the [DATE_1], so"
    assert p.text("on the 3rd of March two thousand and three, then March the first twenty twenty-one.") == (
        "on the [DATE_2], then [DATE_3].")
    assert p.text("on 3 March nineteen people came") == "on [DATE_4] nineteen people came"


def test_a_month_with_its_year_or_day_said_is_a_date():
    # "March of 2019", "March twenty nineteen" and "June nineteenth" were left ("March 2019" was replaced)
    p = Pseudonymiser()
    assert p.text("back in March of 2019, then in March twenty nineteen I, and June of nineteen eighty-five.") == (
        "back in [DATE_1], then in [DATE_2] I, and [DATE_3].")
    assert p.text("on June nineteenth, twenty twenty, and March twenty-first; May twenty people came") == (
        "on [DATE_4], and [DATE_5]; May twenty people came")
    # "first" and "second" after a month are other words too ("March the first" is a date), but
    # not before a year: "May first, 1985" was left
    assert p.find("in May first thing, in June second-guessing, March of the Penguins") == []
    assert p.text("born May first, 1985, and moved on June second nineteen ninety.") == "born [DATE_6], and moved on [DATE_7]."


def test_a_detail_in_digits_of_another_script_keeps_them_in_the_mapping():
    found = Pseudonymiser().find("اتصل على ٠٧٧٠٠ ٩٠٠١٢٣ يوم ١٢/٠٣/٢٠٢١")
    assert [(r.kind, r.original) for r in found] == [("PHONE", "٠٧٧٠٠ ٩٠٠١٢٣"), ("DATE", "١٢/٠٣/٢٠٢١")]


def test_a_day_said_in_words_is_replaced_with_its_month_and_year():
    # "dritten" and "tres de" were left before the month's name and year
    p = Pseudonymiser()
    assert p.text("am dritten März 1985; el tres de marzo de 2020; den 21:a mars 2021") == (
        "am [DATE_1]; el [DATE_2]; den [DATE_3]")


def test_two_phone_numbers_said_in_words_are_two_numbers():
    # a number said has no digits, and every one was keyed by its digits (none): a second
    # number got the first one's placeholder, and the mapping kept only the first
    p = Pseudonymiser()
    text = "ring oh seven seven double oh, nine double oh one two three, or oh one six one four nine six oh oh oh oh"
    assert p.text(text) == "ring [PHONE_1], or [PHONE_2]"
    assert p.text("Oh seven seven double oh nine double oh one two three") == "[PHONE_1]"  # the same, said again
    assert [original for _, kind, original in p.mapping if kind == "PHONE"] == [
        "oh seven seven double oh, nine double oh one two three", "oh one six one four nine six oh oh oh oh"]


def test_a_phone_number_ends_where_the_number_beside_it_starts():
    # digits in groups run on: a phone number is cut where a date, a room or a count begins
    p = Pseudonymiser()
    assert p.text("ring 07700 900123 12/03/2021") == "ring [PHONE_1] [DATE_1]"
    assert p.text("room 12 0161 496 0000 and 12 07700 900123") == "room 12 [PHONE_2] and 12 [PHONE_1]"
    assert p.text("ring 0161 496 0000 0161 496 0001") == "ring [PHONE_2] [PHONE_3]"
    assert p.text("ring 020 7946 0958 2 times") == "ring [PHONE_4] 2 times"
    assert p.text("+44 (0)161 496 0000, 12.03.2021-14.03.2021") == "[PHONE_2], [DATE_2]-[DATE_3]"


def test_a_date_that_ends_a_sentence_leaves_its_full_stop():
    # the full stop belongs to the sentence (the segmenter cuts there), not to "March"
    p = Pseudonymiser()
    assert p.text("On the 3rd of March. Then in Sept. 2020 and Mar. 2021.") == (
        "On the [DATE_1]. Then in [DATE_2] and [DATE_3].")


def test_same_detail_same_placeholder_everywhere():
    p = Pseudonymiser(names=["Karen", "Dr Shah"])
    a = p.text("Karen said Dr Shah would call 0161 496 0000.")
    b = p.text("Then KAREN? No, Karen again, and Dr  Shah, not dr shah, on +44 161 496 0000.")
    assert a == "[PERSON_1] said [PERSON_2] would call [PHONE_1]."
    # capitalised like the list (any case after the first letter, any spacing): replaced
    assert b == "Then [PERSON_1]? No, [PERSON_1] again, and [PERSON_2], not dr shah, on [PHONE_1]."


def test_a_name_is_found_however_accents_apostrophes_and_hyphens_are_typed():
    # a transcriber drops the accent, a word processor curls the apostrophe: the name would leak
    p = Pseudonymiser(names=["Zoë", "O'Brien", "Jean-Luc", "Renee"])
    text = "Zoe, ZOË and Zoë met Dr O\u2019Brien, Jean\u2011Luc and Ren\u00e9e; Zoey and Joséphine did not."
    assert p.text(text) == ("[PERSON_1], [PERSON_1] and [PERSON_1] met Dr [PERSON_2], [PERSON_3] and [PERSON_4]; "
                            "Zoey and Joséphine did not.")
    assert p.word("zoe") == "[PERSON_1]"


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("\u674e\u534e", "\u674e\u534e\u8bf4\u5979\u6765\u4e86\u3002\u6211\u548c\u674e\u534e\u3002",  # Chinese: no spaces
     "[PERSON_1]\u8bf4\u5979\u6765\u4e86\u3002\u6211\u548c[PERSON_1]\u3002"),
    ("\u3055\u304f\u3089", "\u3055\u304f\u3089\u3055\u3093\u304c\u6765\u305f", "[PERSON_1]\u3055\u3093\u304c\u6765\u305f"),
    ("\uae40\ubbfc\uc218", "\uae40\ubbfc\uc218\ub294 \uc654\uc5b4\uc694", "[PERSON_1]\ub294 \uc654\uc5b4\uc694"),  # + a particle
    ("\u0623\u062d\u0645\u062f", "\u0648\u0623\u062d\u0645\u062f \u062c\u0627\u0621", "\u0648[PERSON_1] \u062c\u0627\u0621"),  # "and Ahmed"
    ("\u05e9\u05e8\u05d4", "\u05d5\u05e9\u05e8\u05d4 \u05d1\u05d0\u05d4", "\u05d5[PERSON_1] \u05d1\u05d0\u05d4"),  # "and Sarah"
    ("Anna", "Hannah, Joanna and Annas stay; Anna goes", "Hannah, Joanna and Annas stay; [PERSON_1] goes"),
])
def test_a_name_is_found_where_its_script_ends_a_word(name, text, expected):
    # names were looked for between word boundaries only: in Chinese or Japanese (no spaces), in
    # Korean before a particle, in Arabic or Hebrew after "and" written onto them, they stayed
    assert Pseudonymiser(names=[name]).text(text) == expected


def test_a_mapping_with_two_spellings_of_a_name_keeps_both_rows(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("placeholder,kind,original\n[PERSON_1],PERSON,Zoë\n[PERSON_2],PERSON,Zoe\n", encoding="utf-8")
    p = Pseudonymiser()
    p.load_mapping(path)
    assert p.text("Zoe and Zoë") == "[PERSON_1] and [PERSON_1]"  # one person, the first row's placeholder
    assert p.mapping == [("[PERSON_1]", "PERSON", "Zoë"), ("[PERSON_2]", "PERSON", "Zoe")]  # nothing dropped
    assert p.text("Rob at rob@x.org") == "Rob at [EMAIL_1]"
    assert p.mapping[-1] == ("[EMAIL_1]", "EMAIL", "rob@x.org")


def test_speaker_labels_that_are_names_become_people_and_roles_stay():
    p = Pseudonymiser()
    assert p.speaker("Interviewer") == "Interviewer" and p.speaker("Speaker 2") == "Speaker 2"
    assert p.speaker("P05") == "P05"
    assert p.speaker("Intervjuare") == "Intervjuare" and p.speaker("IP 2") == "IP 2"  # a Swedish team's roles
    # a family member's or another professional's role ("Mum:" became "[PERSON_1]:", and so did "Mum" said)
    assert [p.speaker(label) for label in ("Mum", "Dad", "Social worker 2", "Care coordinator")] == [
        "Mum", "Dad", "Social worker 2", "Care coordinator"]
    # an interpreter, a relative in another language, both speakers at once (they were replaced as names);
    # role words that are names or surnames too are still replaced
    assert [p.speaker(label) for label in ("Tolk", "Mamma", "Mutter", "Hermana 2", "Both")] == [
        "Tolk", "Mamma", "Mutter", "Hermana 2", "Both"]
    assert [p.speaker(label) for label in ("Bror", "Mann", "Papa")] == ["[PERSON_1]", "[PERSON_2]", "[PERSON_3]"]
    assert p.speaker("Sarah Jones") == "[PERSON_4]"
    assert p.text("Sarah Jones: yes. Sarah said Jones came.") == "[PERSON_4]: yes. [PERSON_4] said [PERSON_4] came."
    # a label naming the person beside the role: the role's word is no name, in this
    # transcript or another ("Interviewer: ..." there became "[PERSON_5]: ...")
    assert p.speaker("Interviewer (Dr. Amy Lee)") == "[PERSON_5]"
    assert p.text("Interviewer (Dr. Amy Lee): Hi. Amy? The interviewer, Dr Lee.") == (
        "[PERSON_5]: Hi. [PERSON_5]? The interviewer, Dr [PERSON_5].")
    assert p.text("Interviewer: And then? Participant: The other interviewer came.") == (
        "Interviewer: And then? Participant: The other interviewer came.")


def test_a_speakers_name_in_lower_case_is_replaced_in_a_label_and_stays_a_word_in_speech(tmp_path):
    # a transcriber's "jane:" is Jane's label since labels are read in any case, and it was left as
    # written, the name in clear; in speech a lower-case "rose" or "will" is a word, not Rose or Will
    path = tmp_path / "p05.txt"
    path.write_text("Jane: How was the ward?\nRose: Hard at first.\njane: And then?\nRose: I rose early, "
                    "as jane would say.\nrose: Yes.\n", encoding="utf-8")
    corpus = load_corpus([path])
    (interview,) = pseudonymise_corpus(corpus, Pseudonymiser())[0].interviews
    assert interview.text == ("[PERSON_1]: How was the ward?\n[PERSON_2]: Hard at first.\n[PERSON_1]: And then?\n"
                              "[PERSON_2]: I rose early, as jane would say.\n[PERSON_2]: Yes.")
    assert [t.speaker for t in interview.turns] == ["[PERSON_1]", "[PERSON_2]"] * 2 + ["[PERSON_2]"]


def test_each_word_of_a_listed_name_is_replaced_alone_too_by_the_names_placeholder():
    # a names file of full names ("Maria Jones") left "Maria", "Ms Jones" and "MARIA's" in the text
    p = Pseudonymiser(names=["Maria Jones", "Dr. Chidi Okafor"])
    text = "Maria Jones rang. Maria was great, MARIA's boss Ms Jones too, and Dr Okafor (Chidi) later."
    assert p.text(text) == ("[PERSON_1] rang. [PERSON_1] was great, [PERSON_1]'s boss Ms [PERSON_1] too, and "
                            "Dr [PERSON_2] ([PERSON_2]) later.")
    assert p.mapping == [("[PERSON_1]", "PERSON", "Maria Jones"), ("[PERSON_2]", "PERSON", "Dr. Chidi Okafor")]


def test_names_with_lower_case_particles_are_replaced_as_written_and_the_particles_alone_stay():
    # a name starting in lower case or a mark was left whole in the text ("van Dijk", and with
    # it "Dijk"), and its particles were replaced alone wherever they stood ("the van came")
    p = Pseudonymiser(names=["Jan van Dijk", "d'Souza", "al-Hassan", "Maria de la Cruz", "\u02bbIolani"])
    text = ("Jan van Dijk and van Dijk, Van Dijk; Dr d'Souza, D'Souza, Mr al-Hassan, Maria de la Cruz and "
            "Ms de la Cruz at \u02bbIolani. The van came, la casa de todos.")
    assert p.text(text) == ("[PERSON_1] and van [PERSON_1], Van [PERSON_1]; Dr [PERSON_2], [PERSON_2], Mr [PERSON_3], "
                            "[PERSON_4] and Ms de la [PERSON_4] at [PERSON_5]. The van came, la casa de todos.")
    # a name refused for its case does not hide a name inside it
    assert Pseudonymiser(names=["Rob Lee", "lee"]).text("rob lee said") == "rob [PERSON_1] said"


def test_a_word_two_names_share_gets_its_own_placeholder_and_place_words_stay():
    p = Pseudonymiser(names=["Maria Jones", "Maria Smith", "St Anne's Hospital"])
    assert p.text("Maria Smith, Maria, Jones, Smith; St Anne's Hospital, then Anne's. The Hospital was loud.") == (
        "[PERSON_1], [PERSON_2], [PERSON_3], [PERSON_1]; [PERSON_4], then [PERSON_4]'s. The Hospital was loud.")
    assert p.mapping[1] == ("[PERSON_2]", "PERSON", "Maria")  # whose Maria is unknown: her own placeholder


def test_offset_map_moves_spans_outward_over_placeholders():
    text = "ab Karen cd"
    where = OffsetMap([Replacement(3, 8, "PERSON", "Karen", "[PERSON_1]")])
    assert (where.start(0), where.end(2)) == (0, 2)      # before: unchanged
    assert (where.start(3), where.end(8)) == (3, 13)     # the name itself: the whole placeholder
    assert (where.start(5), where.end(6)) == (3, 13)     # half a name: the whole placeholder
    assert (where.start(9), where.end(11)) == (14, 16)   # after: shifted
    assert len(text) + 5 == 16


WORDS = ["I", "said", "the", "nurse", "was", "kind", "Karen", "Amina Khan", "jo@x.org", "07700 900123",
         "12/03/2021", "943 476 5919", "and", "then", "we", "talked", "070-123 45 67", "3 mars 2021",
         "850312-1234"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.data())
def test_every_coded_span_covers_the_same_words(words, data):
    """Property: a span over whole words covers exactly those words afterwards, details replaced."""
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    start, end = starts[i], starts[j] + len(words[j])
    p = Pseudonymiser(names=["Karen", "Amina Khan"])
    new, where = p.apply(text)
    expected = " ".join(p.text(w) for w in words[i:j + 1])
    assert new[where.start(start):where.end(end)] == expected
    for name in ("Karen", "Amina", "jo@x.org", "900123", "5919", "2021", "45 67", "mars", "1234"):
        assert name not in new


def test_corpus_codings_stay_aligned_and_names_are_gone():
    corpus = load_corpus([DEMO])
    names = ["Karen", "Amina", "Dr Shah", "Rob", "Sam"]
    p = Pseudonymiser(names)
    new, _ = pseudonymise_corpus(corpus, p)
    old_by_id, new_by_id = corpus.by_id(), new.by_id()
    assert len(new.codings) == len(corpus.codings)
    for old, cur in zip(corpus.codings, new.codings):
        before = old_by_id[old.interview_id].text[old.start:old.end]
        after = new_by_id[cur.interview_id].text[cur.start:cur.end]
        assert after == p.text(before)  # the same words, names swapped for the same placeholders
        assert (old.code, old.coder) == (cur.code, cur.coder)
    for interview in new.interviews:
        for name in ("Karen", "Amina", "Shah"):
            assert name not in interview.text
        for turn in interview.turns:
            assert turn.speaker != "Jo"


def test_times_inside_turns_stay_on_the_same_words():
    text = "P: Karen Smithson came round. She stayed."
    iv = Interview("i1", text, (Turn("P", "participant", 3, len(text), 12.0),), times=((text.index("She"), 20.5),))
    new, _ = pseudonymise_corpus(Corpus([iv]), Pseudonymiser(["Karen Smithson"]))
    after = new.interviews[0]
    assert "Karen" not in after.text
    assert [(after.text[at:], seconds) for at, seconds in after.times] == [("She stayed.", 20.5)]


def test_line_numbers_stay_on_the_same_lines():
    text = "P: Karen Smithson came round.\nShe stayed.\nP: Jo too."
    iv = Interview("i1", text, (Turn("P", "participant", 3, 41), Turn("P", "participant", 45, len(text))),
                   lines=((0, 12), (text.index("P: Jo"), 20)))
    after = pseudonymise_corpus(Corpus([iv]), Pseudonymiser(["Karen Smithson"]))[0].interviews[0]
    assert "Karen" not in after.text
    assert [after.line_at(after.text.index(w)) for w in ("came", "She", "Jo")] == [12, 13, 20]


def test_interview_ids_named_after_participants_lose_the_name_and_stay_apart():
    # transcripts are often filed under the participant's name: karen_smith_2021-03-12.docx
    turns = (Turn("P", "participant", 0, 4),)
    corpus = Corpus(interviews=[Interview(i, "Fine", turns) for i in ("Karen", "karen", "karen_smith_2021-03-12")],
                    codings=[Coding("karen", 0, 4, "x", "a")])
    new, remapping = pseudonymise_corpus(corpus, Pseudonymiser(["Karen"]))
    assert [iv.id for iv in new.interviews] == ["[PERSON_1]", "[PERSON_1]_2", "[PERSON_1]_smith_[DATE_1]"]
    assert [c.interview_id for c in new.codings] == ["[PERSON_1]_2"]  # still on the second interview
    assert remapping.interview_id("KAREN_notes") == "[PERSON_1]_notes"  # an id the corpus did not have


def test_evidence_passages_are_cut_again_from_the_pseudonymised_text():
    # a passage of evidence may end inside an address: alone, "came to 5 Oak" reads as no address,
    # so it is cut again from the new text where it stood, as the segment's text is
    import pandas as pd

    text = "P: Karen came to 5 Oak Road with me. Then Karen rang."
    iv = Interview("i1", text, (Turn("P", "participant", 3, len(text)),))
    _, remapping = pseudonymise_corpus(Corpus(interviews=[iv]), Pseudonymiser(["Karen"]))
    start = 3
    rows = pd.DataFrame({"interview_id": ["i1"] * 3, "start": [start] * 3, "end": [len(text)] * 3,
                         "text": [text[start:]] * 3, "code": ["x"] * 3,
                         "evidence": ["came to 5  Oak; Karen", "said karen; rang", float("nan")]})
    moved = remapping.frame(rows)
    assert moved.text.iloc[0] == "[PERSON_1] came to [ADDRESS_1] with me. Then [PERSON_1] rang."
    # found in the text: cut again (the whole placeholder); not found there: pseudonymised alone,
    # each word matched against the names in any case
    assert moved.evidence.tolist() == ["came to [ADDRESS_1]; [PERSON_1]", "said [PERSON_1]; rang", ""]
    for cell in moved.evidence:
        assert "Oak" not in cell and "aren" not in cell
    # the segments' own text is not needed (a report's tables do without it): the interview's is kept
    assert remapping.frame(rows.drop(columns="text")).evidence.tolist() == moved.evidence.tolist()



def test_an_evidence_passage_across_a_time_mark_is_cut_again_without_it():
    # the model read the segment without its marks: "Karen came to 5 Oak" across one is still found and cut
    import pandas as pd

    text = "P: Karen came to [00:01:02] 5 Oak Road with me."
    iv = Interview("i1", text, (Turn("P", "participant", 3, len(text)),))
    _, remapping = pseudonymise_corpus(Corpus(interviews=[iv]), Pseudonymiser(["Karen"]))
    rows = pd.DataFrame({"interview_id": ["i1"], "start": [3], "end": [len(text)], "code": ["x"],
                         "evidence": ["Karen came to 5 Oak"]})
    assert remapping.frame(rows).evidence.tolist() == ["[PERSON_1] came to [ADDRESS_1]"]

def test_mapping_round_trip_keeps_placeholders(tmp_path):
    first = Pseudonymiser(["Karen"])
    first.text("Karen and jo@x.org")
    path = first.save_mapping(tmp_path / "map.csv")
    if os.name == "posix":  # it can re-identify participants: owner-only, whatever the umask
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = Pseudonymiser()
    second.load_mapping(path)
    assert second.text("jo@x.org, then Karen, then Rob") == "[EMAIL_1], then [PERSON_1], then Rob"
    second.add_names(["Rob"])
    assert second.text("Rob") == "[PERSON_2]"


def test_mapping_file_opens_in_a_spreadsheet_as_text_and_reads_back(tmp_path):
    """An international number starts with '+': a spreadsheet would take it for a formula."""
    first = Pseudonymiser()
    first.text("ring +44 20 7946 0958")
    path = first.save_mapping(tmp_path / "map.csv")
    assert path.read_text(encoding="utf-8").splitlines()[1] == "[PHONE_1],PHONE,'+44 20 7946 0958"
    second = Pseudonymiser()
    second.load_mapping(path)
    assert second.text("or +44 20 7946 0958") == "or [PHONE_1]"


def test_bad_mapping_and_names_files_say_what_is_wrong(tmp_path):
    bad = tmp_path / "map.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"map.csv.*E231.*placeholder,kind,original"):
        Pseudonymiser().load_mapping(bad)
    bad.write_text(f"placeholder,kind,original\n[PHONE_{'9' * 5000}],PHONE,'+44 20 7946 0958\n")
    with pytest.raises(InputError, match=r"map.csv.*E231"):  # a number int() refuses raised ValueError
        Pseudonymiser().load_mapping(bad)
    binary = tmp_path / "names.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match=r"names.txt.*E230"):
        read_names(binary)
    binary.write_bytes(b"\x01\x02\x03\x04\n")  # decodes as UTF-8, but is no list of names
    with pytest.raises(InputError, match=r"names.txt: \[E230\].*line 1 holds control characters"):
        read_names(binary)


def test_names_list_saved_with_a_byte_order_mark_keeps_its_first_name(tmp_path):
    """Notepad and Excel may start a UTF-8 file with a byte-order mark: not part of the first name."""
    names = tmp_path / "names.txt"
    names.write_bytes("Karen\nRob  # her brother\n".encode("utf-8-sig"))
    assert read_names(names) == ["Karen", "Rob"]
    assert Pseudonymiser(read_names(names)).text("Karen rang Rob") == "[PERSON_1] rang [PERSON_2]"
    names = tmp_path / "ok.txt"
    names.write_text("# staff\nKaren\n\n  Dr Shah  # GP\n")
    assert read_names(names) == ["Karen", "Dr Shah"]


def test_pseudonymised_export_contains_none_of_the_listed_names(tmp_path, demo_run):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    names = tmp_path / "names.txt"
    listed = ["Karen", "Amina", "Dr Shah", "Rob", "Sam", "Nadia", "Leah"]
    names.write_text("\n".join(listed) + "\n")
    out = tmp_path / "pseudo.qdpx"
    result = CliRunner().invoke(app, ["export", "--corpus", str(DEMO), "-o", str(out), "--pseudonymise",
                                      "--names", str(names), "--mapping", str(tmp_path / "map.csv"),
                                      "--suggestions", str(demo_run / "suggestions.parquet"),
                                      "--model", str(demo_run / "model"),
                                      "--candidates", str(demo_run / "candidates.yaml")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        everything = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert "[PERSON_1]" in everything
    for name in [*listed, "Shah", "Jo"]:
        assert not re.search(rf"\b{name}\b", everything), name
    mapping = (tmp_path / "map.csv").read_text()
    assert "Karen" in mapping  # the private mapping keeps the originals


def test_pseudonymise_and_export_leave_their_own_output_folder_inside_the_input_out(tmp_path):
    # run again into a folder inside the one they read, they read their earlier copies as near-copies of the
    # transcripts (a warning per interview, 'read as that one'); export's Word documents likewise
    import shutil

    from typer.testing import CliRunner

    from tr_nlp.cli import app

    for command in (["pseudonymise", "{study}"], ["export", "--corpus", "{study}"]):
        study = tmp_path / command[0]
        shutil.copytree(DEMO / "interviews", study)
        for _ in range(2):
            args = [arg.format(study=study) for arg in command]
            result = CliRunner().invoke(app, [*args, "-o", str(study / "out"), "--force"])
            assert result.exit_code == 0, result.output
            assert "read as that one" not in result.output and "read before from another file" not in result.output


def test_pseudonymise_command_writes_a_readable_corpus(tmp_path):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    names = tmp_path / "names.txt"
    names.write_text("Karen\nSam\n")
    result = CliRunner().invoke(app, ["pseudonymise", str(DEMO), "-o", str(tmp_path / "out"), "--names", str(names)])
    assert result.exit_code == 0, result.output
    corpus = load_corpus([tmp_path / "out"])
    assert len(corpus.interviews) == 18 and len(corpus.codings) == 188
    assert corpus.by_id()["demo03"].speakers == {"Interviewer": "interviewer", "[PERSON_1]": "participant"}
    assert not any("Karen" in iv.text for iv in corpus.interviews)
    # a subtitle's times and a text file's line numbers, which the written text files do not show, were lost
    original = load_corpus([DEMO]).by_id()
    for iid, kept in (("demo03", "time_at"), ("demo15", "line_at")):
        before, after = original[iid], corpus.by_id()[iid]
        assert [getattr(after, kept)(t.start) for t in after.turns] == [getattr(before, kept)(t.start) for t in before.turns]
    assert corpus.by_id()["demo03"].known_times and corpus.by_id()["demo15"].line_at(0) == original["demo15"].line_at(0) == 7


def test_words_that_may_be_names_are_those_capitalised_inside_a_sentence_and_never_lower_case():
    speech = ("Well Mags came round. Mags's the one who, um, rang Citizens Advice for me on Monday, "
              "and Sam'll tell you. The Crisis team, well the crisis team... I'm not sure, nor is Anne-Marie. "
              "\u201cRight,\u201d Dev said. Yes. Dev was there, at Coke's old office, near Bolton. "
              "And I-I\u2019m, the GPs, I'm-I'm not sure.")
    interviews = [Interview("i1", speech, (Turn("Dev Okafor", "participant", 0, len(speech)),)),
                  Interview("i2", "So Mags again, she's lovely.", (Turn("Interviewer", "interviewer", 0, 28),))]
    found = name_candidates(Corpus(interviews), Pseudonymiser(names=["Sam"]))
    assert [(c.word, c.count, c.interviews) for c in found] == [
        ("Mags", 2, 2), ("Advice", 1, 1), ("Anne-Marie", 1, 1), ("Bolton", 1, 1), ("Citizens", 1, 1), ("Coke", 1, 1)]
    # not: 'Well', 'The', 'Yes' (sentence starts), 'Crisis' (also in lower case), 'I'm', 'Monday',
    # the stutters 'I-I’m' and 'I'm-I'm', the acronym 'GPs',
    # 'Sam' (listed), 'Dev' (the speaker); 'Mags' at the start of a sentence is not counted
    assert found[0].example == "Well Mags came round. Mags's the one who, um,"  # its first, no word cut


def test_stutters_restarts_and_fillers_written_with_a_capital_are_no_names():
    # as AnnoMI's transcribers write them: a restart after a broken-off word, a word said
    # again, a filler quoted inside a sentence, a turn opening with a mark of non-speech;
    # a name said twice and Anne-Marie stay listed
    speech = ("[sighs] Mechanic, I-- Don't-don't misunderstand me. I don't know, those are the-- Th-those guts. "
              "But maybe I-maybe I will, you're thinking, 'Hmm, why?' and go, 'Woah.' Yeah, Mh-hmm, with "
              "Jake-Jake and B-Bill, and Anne-Marie, the well-known- Well-known, yes.")
    interviews = [Interview("i1", speech, (Turn("P", "participant", 0, len(speech)),))]
    found = name_candidates(Corpus(interviews), Pseudonymiser())
    assert [c.word for c in found] == ["Anne-Marie", "B-Bill", "Jake-Jake"]


def test_a_first_name_after_a_title_or_an_initial_with_a_full_stop_is_listed():
    # "Dr. Priya Raman": the title's full stop was taken for a sentence's end, so Priya was never listed
    speech = "My coordinator, Dr. Priya Raman, and Mrs. Ngozi from J. Okafor's team. It was fine. Later it was."
    interviews = [Interview("i1", speech, (Turn("P", "participant", 0, len(speech)),))]
    assert [c.word for c in name_candidates(Corpus(interviews), Pseudonymiser())] == [
        "Ngozi", "Okafor", "Priya", "Raman"]


def test_names_above_and_below_the_speech_are_listed():
    # only the turns were read: 'Interview with Sam Patel' and 'Interviewer: Jane Doe' above the speech
    # (no turn of anyone) kept their names through pseudonymisation
    text = ("Interview with Sam Patel, 12 March\nInterviewer: Jane Doe\n\nI: Who helped?\nP: A nurse.\n\n"
            "Transcribed by: Lee Acme\n")
    interviews = [Interview("i1", text, (Turn("I", "interviewer", 61, 72), Turn("P", "participant", 76, 84)))]
    assert [c.word for c in name_candidates(Corpus(interviews), Pseudonymiser())] == [
        "Acme", "Doe", "Jane", "Lee", "Patel", "Sam"]


def test_a_documents_author_is_a_placeholder_and_its_words_are_listed():
    # a Word transcript's author ('Jane Doe', the interviewer) and a title naming the participant
    # were kept as written in the pseudonymised corpus, and never listed
    text = "I: Who helped?\nP: A nurse, Ruth."
    meta = {"author": "Jane Doe; Office User", "title": "Interview with Sam Patel", "site": "north"}
    corpus = Corpus([Interview("i1", text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, 32)), meta)])
    assert [c.word for c in name_candidates(corpus, Pseudonymiser())] == [
        "Doe", "Jane", "Office", "Patel", "Ruth", "Sam", "User"]
    out, _ = pseudonymise_corpus(corpus, Pseudonymiser(names=["Sam Patel"]))
    assert out.interviews[0].metadata == {"author": "[PERSON_1]; [PERSON_2]", "title": "Interview with [PERSON_3]",
                                          "site": "north"}
    # an author's words are not taken for names in the text: 'User' stays a word
    said = Corpus([Interview("i2", "P: The User guide.", (Turn("P", "participant", 3, 18),), {"author": "Office User"})])
    assert pseudonymise_corpus(said, Pseudonymiser())[0].interviews[0].text == "P: The User guide."


def test_names_in_an_interviews_id_are_listed():
    # an id taken from a file's name ('P07_Jane_Okafor.docx') kept its names in the pseudonymised
    # corpus's file names, never listed
    text = "I: Who helped?\nP: The interview nurse."
    corpus = Corpus([Interview(iid, text, (Turn("I", "interviewer", 3, 14), Turn("P", "participant", 18, 38)))
                     for iid in ("P07_Jane_Okafor", "Interview with Sam", "demo03")])
    assert [c.word for c in name_candidates(corpus, Pseudonymiser())] == ["Jane", "Okafor", "Sam"]


def test_a_name_also_written_in_an_address_is_still_listed_and_addresses_are_not():
    # "okafor" in lower case inside an e-mail address is not the word "okafor": Dr Okafor
    # is a name; the street in an address and a web address are replaced anyway
    speech = ("My coordinator, Dr Okafor, said to write to j.okafor@nhs.net or see www.x.org/Okafor-team, "
              "and she came to 14 Elm Road with Sam from @Mags_support.")
    interviews = [Interview("i1", speech, (Turn("P", "participant", 0, len(speech)),))]
    found = name_candidates(Corpus(interviews), Pseudonymiser())
    assert [c.word for c in found] == ["Okafor", "Sam"]
    assert found[0].example.startswith("My coordinator, Dr Okafor, said to write to j.okafor@nhs.net")


def _dialogue(iv_id, *turns):
    text, spans = "", []
    for who, speech in turns:
        text += f"{who}: "
        spans.append(Turn(who, "interviewer" if who == "Interviewer" else "participant", len(text),
                          len(text) + len(speech)))
        text += speech + "\n"
    return Interview(iv_id, text, tuple(spans))


# as an offline speech recogniser writes it: no capital, no full stop (the labels are the transcriber's)
_ASR = _dialogue("asr", ("Interviewer", "so tell me about the nurse and how you got on with the team there"),
                 ("Sarah", ("well rose she was the one at the ward you know and um her manager okafor he rang me at "
                            "home and john smith said that was a first and then rose came round to 14 elm road on "
                            "the 3rd of march with the letters and we may 5 times over have sat there")),
                 ("Interviewer", "mm and how was that for you at the time"))


def test_an_interview_written_without_capitals_has_its_names_months_and_streets_found_in_lower_case():
    assert one_case_interviews(Corpus([_ASR])) == ["asr"]  # the capitalised labels are not speech
    p = Pseudonymiser(["Rose", "Okafor", "John Smith"])
    (new,) = pseudonymise_corpus(Corpus([_ASR]), p)[0].interviews
    speech = new.text.split("\n")[1]
    # was: every name as said, and the address and the date too (each needs its capital)
    assert speech == ("[PERSON_1]: well [PERSON_2] she was the one at the ward you know and um her manager "
                      "[PERSON_3] he rang me at home and [PERSON_4] said that was a first and then [PERSON_2] came "
                      "round to [ADDRESS_1] on the [DATE_1] with the letters and we may 5 times over have sat there")
    assert {kind: original for _, kind, original in p.mapping if kind != "PERSON"} == {
        "ADDRESS": "14 elm road", "DATE": "3rd of march"}
    # in a text with capitals, lower case still says a word: "rose", "may 5 times" and "4 big green" stay;
    # but a date or an address a transcriber wrote in lower case is one all the same (it was left)
    cased = _dialogue("cased", ("Sarah", ("Then Rose came. The sun rose and we may 5 times have sat at 4 big green "
                                          "tables, on the 3rd of march, at 14 baker street. I know. She said so.")))
    assert not one_case_interviews(Corpus([cased]))
    (new,) = pseudonymise_corpus(Corpus([cased]), Pseudonymiser(["Rose"]))[0].interviews
    assert ("The sun rose and we may 5 times have sat at 4 big green tables, on the [DATE_1], at [ADDRESS_1]."
            in new.text)


def test_pseudonymise_says_which_interviews_are_written_without_capitals(tmp_path):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    (tmp_path / "asr.txt").write_text(_ASR.text, encoding="utf-8")
    (tmp_path / "names.txt").write_text("Rose\n", encoding="utf-8")
    for args in (["-o", str(tmp_path / "out")], ["--list-names", str(tmp_path / "listed.txt")]):
        result = CliRunner().invoke(app, ["pseudonymise", str(tmp_path / "asr.txt"), "--names",
                                          str(tmp_path / "names.txt"), *args])
        assert result.exit_code == 0, result.output
        said = " ".join(result.stderr.split())
        assert ("1 interview(s) are written without capital letters or all in capitals (a speech recogniser's or "
                "captions' output?): asr;" in said
                and "--list-names cannot tell a name by its capital there" in said)
    text = load_corpus([tmp_path / "out"]).interviews[0].text
    assert "rose" not in text and "elm road" not in text and "march" not in text


def test_an_interview_all_in_capitals_has_its_dates_and_addresses_found():
    # broadcast captions write all in capitals: '3RD OF MARCH' and '14 ELM ROAD' were no date and no address
    said = ("WELL ROSE CAME ROUND TO 14 ELM ROAD ON THE 3RD OF MARCH AND SHE STAYED WITH ME ALL AFTERNOON, MY NI "
            "NUMBER IS AB 12 34 56 C IF YOU NEED IT")
    caps = _dialogue("caps", ("Participant", said))
    assert one_case_interviews(Corpus([caps])) == ["caps"]
    p = Pseudonymiser(["Rose"])
    (new,) = pseudonymise_corpus(Corpus([caps]), p)[0].interviews
    assert {kind: original for _, kind, original in p.mapping} == {
        "PERSON": "ROSE", "ADDRESS": "14 ELM ROAD", "DATE": "3RD OF MARCH", "ID_NUMBER": "AB 12 34 56 C"}
    assert "ROSE" not in new.text and "ELM" not in new.text and "MARCH" not in new.text


def test_a_text_is_in_lower_case_by_its_words_not_by_i_or_a_script_without_case():
    assert in_lower_case("so I went and I'm sure she said we can " * 3)  # a recogniser writes "I" alone
    assert not in_lower_case("So she went. Then we sat. " * 10) and not in_lower_case("too few words here")
    assert not in_lower_case("\u6211\u5f88\u597d\u3002" * 40)  # Chinese: no case at all


def test_an_interview_in_a_script_without_case_is_in_no_one_case():
    # Arabic or spaced Chinese was taken for all in capitals (no letter in lower case), and so
    # warned of as a speech recogniser's output and left out of --list-names
    arabic = _dialogue("ar", ("P1", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0643 \u0641\u064a " * 10))
    chinese = _dialogue("zh", ("P1", "\u8fd9\u662f \u4e00\u4e2a \u6d4b\u8bd5 " * 10))
    assert one_case_interviews(Corpus([arabic, chinese])) == []


def test_an_interview_without_capitals_hides_no_name_from_the_list():
    # "rose" in lower case there was taken for a word, so Rose was not listed for the other interview
    cased = _dialogue("cased", ("P1", "Then Rose came, and Rose stayed with me all afternoon, which was good."))
    found = name_candidates(Corpus([_ASR, cased]), Pseudonymiser())
    assert [c.word for c in found] == ["Rose"] and found[0].interviews == 1


def test_the_names_listed_find_every_name_in_the_demo_corpus(demo_coded):
    corpus, _ = demo_coded
    found = {c.word for c in name_candidates(corpus, Pseudonymiser())}
    truth = set(read_names(DEMO / "names.txt"))
    assert truth <= found and len(found - truth) <= 3, sorted(found - truth)  # Advice, Citizens, Coke


def test_pseudonymise_lists_names_to_review_then_replaces_them(tmp_path):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    listed = tmp_path / "review" / "names.txt"
    result = CliRunner().invoke(app, ["pseudonymise", str(DEMO), "--list-names", str(listed)])
    assert result.exit_code == 0, result.output
    assert "26 word(s) that may be names" in result.stdout and not (tmp_path / "out").exists()
    assert stat.S_IMODE(os.stat(listed).st_mode) == 0o600  # it holds names
    assert read_names(listed)[:3] == ["Sam", "Karen", "Leah"]
    result = CliRunner().invoke(app, ["pseudonymise", str(DEMO), "-o", str(tmp_path / "out"), "--names", str(listed)])
    assert result.exit_code == 0, result.output
    assert "may be names" not in result.stderr  # every word listed was replaced
    texts = [iv.text for iv in load_corpus([tmp_path / "out"]).interviews]
    assert not any(re.search(rf"\b{name}\b", text) for name in read_names(DEMO / "names.txt") for text in texts)
    for args in ([], ["-o", str(tmp_path / "out2"), "--list-names", str(tmp_path / "n2.txt")]):
        result = CliRunner().invoke(app, ["pseudonymise", str(DEMO), *args])
        assert result.exit_code == 2 and "E163" in result.stderr and "--list-names" in result.stderr
    # a copy made without reviewing the names says how many it still holds, naming none
    for args, says in (([], "26 word(s) that may be names were left as written (capitalised inside a sentence, never "
                            "in lower case): no --names list was given; review them with --list-names FILE"),
                       (["--names", str(DEMO / "names.txt")], "3 word(s) that may be names were left as written")):
        result = CliRunner().invoke(app, ["pseudonymise", str(DEMO), "-o", str(tmp_path / "out3"), "--force", *args])
        assert result.exit_code == 0 and says in " ".join(result.stderr.split()), result.stderr
        assert "Karen" not in result.stderr


def test_train_pseudonymise_keeps_names_out_of_the_model_file(tmp_path):
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    names = tmp_path / "names.txt"
    names.write_text("Karen\nSam\nLeah\n")
    model = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "--corpus", str(DEMO), "--features", "tfidf", "--cv-folds", "0",
                                      "--pseudonymise", "--names", str(names), "-o", str(model), "--quiet"])
    assert result.exit_code == 0, result.output
    from sklearn.feature_extraction.text import TfidfVectorizer

    from tr_nlp.coding import load_model

    params = load_model(model).pipeline.get_params(deep=True).values()
    words = {w for v in params if isinstance(v, TfidfVectorizer) and v.analyzer == "word"
             for term in v.vocabulary_ for w in term.split()}
    assert any(re.fullmatch(r"person_\d+", w) for w in words)  # the vocabulary holds placeholders ...
    assert not words & {"karen", "sam", "leah"}  # ... and none of the names (each is in the demo transcripts)
    card = json.loads((model / "card.json").read_text())
    assert card["training_data"]["pseudonymised"] is True
    assert card["codebook_sha256"] == codebook_hash(load_corpus([DEMO]).codebook)  # the team's own codebook


def test_a_pseudonymiser_finds_only_the_kinds_asked_for_and_phone_numbers_of_phone_length():
    from tr_nlp.privacy import Pseudonymiser

    text = "Ring 0161 496 0000 or 0161 49 or +44 (0)161 496 0000, Karen at karen@x.org"
    found = [(text[a:b], kind) for a, b, kind in Pseudonymiser(["Karen"]).spans(text)]
    assert found == [("0161 496 0000", "PHONE"), ("+44 (0)161 496 0000", "PHONE"), ("Karen", "PERSON"),
                     ("karen@x.org", "EMAIL")]  # "0161 49": too few digits for a phone number
    assert [kind for _, _, kind in Pseudonymiser(["Karen"], kinds=("EMAIL",)).spans(text)] == ["EMAIL"]
    with pytest.raises(ValueError, match=r"unknown kinds \['SSN'\]"):
        Pseudonymiser(kinds=("SSN",))


def test_names_are_found_as_a_tree_alike_a_list_of_them_and_a_tree_too_deep_falls_back():
    # the names were one alternative each, read at each word start once per name (100 KB
    # against 6,000 names: 1.46 s); written as a tree of shared beginnings they must find
    # the same, the longest name that stands at a place, in any case
    import random

    from tr_nlp.privacy.pseudonymise import names_pattern

    def listed(names):
        alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    pool = ["Ann", "Ann Lee", "Anna", "Annie", "van Dijk", "Jan van Dijk", "d'Souza", "de la Cruz", "Zoe", "İlker", "Ilker",
            "ılker", "Straße", "Strasse", "Jean-Luc", "Jo", "JO", "Mary Ann", "Mary", "Ann-Marie", "ǅemal", "Sam", "Samantha"]
    words = ["the", "and", ",", "  ", "\n", "-", "'s", "van", "ann", "LEE", "ILKER", "STRAẞE", "SAMANTHA"]
    rng = random.Random(0)
    for _ in range(300):
        names = rng.sample(pool, rng.randint(1, 8))
        text = " ".join(rng.choice([rng.choice(names).upper(), rng.choice(names).replace(" ", "\n "), rng.choice(words)])
                        for _ in range(30))
        assert [m.span() for m in names_pattern(names).finditer(text)] == [
            m.span() for m in listed(names).finditer(text)], (names, text)
    deep = ["a" * k for k in range(1, 1200)]  # each extends the one before: nested too deep for a tree
    assert names_pattern(deep).search("x " + "a" * 700 + " y").span() == (2, 702)
    assert Pseudonymiser(names=["Ann Lee", *deep[:3]]).text("ANN  LEE and aa") == "[PERSON_1] and [PERSON_2]"
