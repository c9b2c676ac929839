"""Speaker labels at the start of transcript lines, and speaker -> role mapping.

Recognised label shapes (each may be wrapped in markdown ``**bold**``)::

    I: ...   R: ...   P01: ...   Interviewer: ...   Participant 3: ...
    [00:01:02] Name: ...        00:01:02 Name: ...
    Name (00:01:02): ...        Name [00:01:02] ...          Name: [00:01:02] ...
    Name 00:01:02: ...          (a bare time after the name: hours, minutes and seconds)
    Interviewer (Jane): ...     Jane (Interviewer): ...      (a role and a name, either way round)
    Jane Smith [Interviewer]: ...   P1 [female]: ...         (or a note, in either brackets)
    [00:01:02] Jane (Interviewer): ...   00:01:02 - Name: ...
    Dr. Maria Lopez Garcia: ...   Jan van der Berg: ...      (up to three words of a name, a title
                                                             and particles besides)
    Speaker 1  0:01             00:00:01 Speaker 1           (header lines; the turn's text
    Smith, Jane (NHS)  0:03     [Jane Smith] 10:15:02         follows on the next lines)
    Jane (Interviewer) [0:03]   [00:00:01] Jane (Interviewer)
    [Jane Smith] 10:15:02 ...   (Zoom's saved captions: a clock's time, the speech on the line)
    Name<tab>text               0:00:05.3 - 0:00:09.1<tab>Name<tab>text
                                                             (a table copied as text)

and, in a text with none of those, a known label (I, Q, A, Int, Interviewer, P01...) as
``[Interviewer] ...``, ``I - ...``, ``I; ...``, ``I 00:01:02 ...`` or ``Q. ...``, or else a recurring name alone on the line
above each paragraph (:func:`tr_nlp.ingest.text.name_line_labels`).

Roles: built-in interviewer labels (I, Int, IR, Q, Interviewer, Moderator, Facilitator,
Researcher...) and participant labels (R, P, P01, A, Res, IE, Respondent, Participant,
Interviewee, Client, Patient, Service user...), numbered (``Participant_01``, ``P-01``) or
shortened (``Int.``, ``Resp.``), and the same in Swedish, German, Dutch,
Spanish, French, Italian and Finnish (Intervjuare and IP, Interviewerin and Befragte or TN,
Entrevistadora and Entrevistado...). A corpus can override any speaker with a
:class:`RoleMap`. Unknown speakers become participants when an interviewer is known;
with exactly two unknown speakers the one who asks more questions is taken as the
interviewer, and of three or more (a focus group) the one the same cues set apart from
all the others (:func:`group_moderator`); a warning says so.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tr_nlp.errors import ConfigError, some
from tr_nlp.ingest.pronouns import address_rates, rates_from_counts, word_counts
from tr_nlp.schema import ROLES, Interview, Role, Turn

Span = tuple[str, int, int, "float | None"]  # speaker, start, end, timestamp

#: the speaker of text that no label gives a speaker
UNKNOWN_SPEAKER = "unknown"
#: the role of :data:`UNKNOWN_SPEAKER` unless a corpus sets another: an interview's unlabelled
#: speech is mostly the participant's
UNLABELLED_ROLE: Role = "participant"
TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# a span's end after its start: " - 00:00:07", " --> 00:00:07.000", " → 00:00:07" (a time before
# a label may be a span, as tools that time each turn write it; the turn's time is its start)
_UNTIL = rf"(?:\s*(?:-->|-|\u2013|\u2192)\s*{TIMESTAMP})?"
# a time mark that is not speech: f4's "#00:01:02-3#" or a bracketed "[00:01:02]" (or span,
# "[00:00:00.000 --> 00:00:04.120]" as whisper prints each segment)
_MARK = rf"(?:#(?P<f4>{TIMESTAMP})(?:-(?P<fraction>\d+))?#|\[(?P<at>{TIMESTAMP}){_UNTIL}\])"
_MARK_AT_END = re.compile(rf"{_MARK}$")
_MARK_LINE = re.compile(rf"{_MARK}|{TIMESTAMP}{_UNTIL}")
_TIME_ALONE = re.compile(rf"[\[(]?(?P<ts>{TIMESTAMP}){_UNTIL}[\])]?")
# a capital letter of the Latin, Greek or Cyrillic alphabets ("Élise", "Ödön", "Анна", "Ἀλέξανδρος" start
# labels too), or a letter of a script without capitals (Hebrew, Arabic and Persian, Devanagari, Chinese,
# Japanese's kana, Korean): "סבינה", "أحمد", "राम", "李华" start labels as well
_CAP = ("[" + "".join(c for c in map(chr, [*range(0x530), *range(0x1F00, 0x2000)]) if c.isupper())
        + "\u05d0-\u05ea\u0620-\u064a\u066e-\u06d3\u0904-\u0939\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff"
        "\uac00-\ud7a3]")
#: a transcription tool's notice on a line of its own, no speech: Microsoft Teams writes "Jane Doe
#: started transcription" at the start, "... stopped transcription" at the end and where it paused
TOOL_NOTICE = re.compile(rf"{_CAP}[^\n]{{0,80}}? (?:started|stopped) transcription")
# a name's letters: word characters, and the vowel signs and points of Hebrew, Arabic and Devanagari
_WORD = "[\\w.'\u2019\\-\u0591-\u05c7\u064b-\u065f\u0670\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]"
# a title before a name and the particles inside one, which a name's count of words leaves out
# ("Dr. Maria Lopez Garcia", "Jan van der Berg", "Maria de la Cruz")
_TITLE = r"(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame|Rev|Sr|Sra|Fr)\.? )?"
_PARTICLES = r"(?:(?:de|del|della|der|den|van|von|la|le|da|di|du|do|dos|das|bin|ibn|al|el|ten|ter|zu|af|av) ){0,3}"
# a name of up to three words, or a pseudonymisation placeholder such as [PERSON_1] (a word after
# the first has a letter or digit: "Speaker 1 - 00:00:03" names "Speaker 1", not "Speaker 1 -")
_LABEL = rf"(?:\[[A-Z][A-Z_]*_\d+\]|{_TITLE}{_CAP}{_WORD}*(?: {_PARTICLES}[.'\u2019\-]*\w{_WORD}*){{0,2}})"
_B = r"(?:\*\*|__)?"  # optional markdown bold around a label
# a time of hours, minutes and seconds ("00:01:02", "0:01:02.5"), which speech seldom writes
_CLOCK = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"

# the colon after a label, and the space after it; Chinese and Japanese write a full-width colon, no space
_COLON = rf"(?:\s*:{_B}(?:\s+|$)|\s*\uff1a{_B}\s*)"
# header lines name a speaker in capitalised words or numbers only ("Speaker 1", "Dr Lee")
_NAME = rf"{_TITLE}{_CAP}{_WORD}*(?: {_PARTICLES}(?:{_CAP}{_WORD}*|\d+)){{0,2}}"
_ALIAS_TEXT = r"[^()\n:]{1,30}"
# in square brackets, anything but a time ("Name [00:01:02]" is a time mark)
_BRACKETED_ALIAS = rf"\[(?!\s*{TIMESTAMP})[^\[\]()\n:]{{1,30}}\]"
# "Interviewer (Jane)", "Jane Smith [Interviewer]", "P1 [female]": the alias is part of the speaker's label
_ALIAS = rf"(?:\({_ALIAS_TEXT}\)|{_BRACKETED_ALIAS})"
# (the spaces before the alias taken whole where they start: one pass over a long run of them)
_WITH_ALIAS = re.compile(rf"(?P<base>.+?)(?<!\s)\s*+(?:\((?P<alias>{_ALIAS_TEXT})\)|\[(?P<bracketed>[^\[\]()\n:]{{1,30}})\])")
#: a table cell that is a time mark (group ``ts``; a span's start is its time): ``00:01:02``,
#: ``[0:03]``, ``00:00:03 - 00:00:07``
TIME_CELL = rf"\[?(?P<ts>{TIMESTAMP})\]?(?:\s*(?:-->|-|\u2013|\u2192)\s*\[?{TIMESTAMP}\]?)?"
# a table's cells copied as text: a line number cell
_LINE_NUMBER = r"(?:\d{1,5}\.?\t+)?"
# a speaker the transcriber could not tell apart, as focus groups are transcribed: "?", "P?",
# "Participant ?" (group ``who``: the role word, if any)
_UNIDENTIFIED = r"(?:(?P<who>[^\W\d_][^\W\d_ ]{0,11}) ?)?\?{1,3}"
# tried in order; the first that matches gives the label
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # [00:01:02] Name: text    /    00:01:02 Name: text    /    [00:01:02 → 00:01:09] **Name:** text    /
    # (00:01:02) Name: text
    # 00:01:02 - Name: text    /    [00:01:02] Jane (Interviewer): text
    re.compile(rf"^{_B}[\[(]?(?P<ts>{TIMESTAMP}){_UNTIL}[\])]?{_B}(?:\s+[-\u2013|])?\s+{_B}"
               rf"(?P<label>{_LABEL}(?:\s*{_ALIAS})?){_B}{_COLON}"),
    # Name (00:01:02): text    /    Name [00:01:02] text    /    Jane Doe (Interviewer) [00:01:02]
    re.compile(rf"^{_B}(?P<label>{_LABEL}(?:\s*{_ALIAS})?){_B}\s*[(\[](?P<ts>{TIMESTAMP}){_UNTIL}[)\]]\s*:?{_B}"
               rf"(?:\s+|$)"),
    # Name 00:01:02: text    /    Interviewer 00:01:02:    (a bare time must be a clock's, hours,
    # minutes and seconds: "It was at 10:30: late" is speech)
    re.compile(rf"^{_B}(?P<label>{_LABEL}(?:\s*{_ALIAS})?){_B}\s+(?P<ts>{_CLOCK}){_UNTIL}\s*:{_B}(?:\s+|$)"),
    # Speaker 1  0:01   /   Smith, Jane (NHS)  0:03   /   [Jane Smith] 10:15:02    (header line,
    # text on the next lines: Otter, Teams, Zoom; a whole line of name and time, so a comma may join names)
    re.compile(rf"^(?P<br>\[)?(?P<label>{_LABEL}(?:, {_LABEL})?(?:\s*{_ALIAS})?)(?(br)\])(?:\s+[-\u2013|])?\s+"
               rf"(?P<ts>{TIMESTAMP}){_UNTIL}\s*$"),
    # [Jane Smith] 10:15:02 text    (Zoom's saved captions: a bracketed name, a clock's time, the speech)
    re.compile(rf"^\[(?P<label>{_LABEL}(?:\s*{_ALIAS})?)\]\s+(?P<ts>{_CLOCK}){_UNTIL}\s+(?=\S)"),
    # 00:00:01 Speaker 1   /   [00:00:01] Speaker 1   /   [00:00:01 - 00:00:09] Speaker 1   /   00:00:01 - Speaker 1
    # /   (00:00:01) Speaker 1   /   [00:00:01] Jane Doe (Interviewer)    (header line)
    re.compile(rf"^[\[(]?(?P<ts>{TIMESTAMP}){_UNTIL}[\])]?(?:\s+[-\u2013|])?\s+(?P<label>{_NAME}(?:\s*{_ALIAS})?)\s*$"),
    # Name: [00:01:02] text    /    Name: (00:01:02) text    (Rev: the time after the label, speech below)
    re.compile(rf"^{_B}(?P<label>{_LABEL}(?:\s*{_ALIAS})?){_B}\s*:{_B}\s*(?:\[(?P<ts>{TIMESTAMP})\]|\((?P<paren>{TIMESTAMP})\))(?:\s+|$)"),
    # Name: text    /    Interviewer (Jane): text
    re.compile(rf"^{_B}(?P<label>{_LABEL}(?:\s*{_ALIAS})?){_B}{_COLON}"),
    # ?: text    /    P?: text    /    Participant ?: text    (a speaker the transcriber could not tell)
    re.compile(rf"^{_B}(?P<label>{_UNIDENTIFIED}){_B}{_COLON}"),
    # [12 <tab>] 0:00:05.3 - 0:00:09.1 <tab> Name <tab> text    (a table of line number, timespan, speaker
    # and text as text: a table pasted into a text file)
    re.compile(rf"^{_LINE_NUMBER}{TIME_CELL}\t+(?P<label>{_LABEL}(?:\s*{_ALIAS})?)\t\s*+"),
    # Name <tab> 0:00:05 <tab> text
    re.compile(rf"^(?P<label>{_LABEL}(?:\s*{_ALIAS})?)\t+{TIME_CELL}\t\s*+"),
    # [12 <tab>] Name <tab> text    (a two-column table copied as text, a line number before it)
    re.compile(rf"^{_LINE_NUMBER}(?P<label>{_LABEL}(?:\s*{_ALIAS})?)\t\s*+"),
)
# shapes some transcripts use instead of a colon, taken only for a known label (I, Q, A, Int,
# Interviewer, P01...) and only in a text with no label of the shapes above (see match_loose_label)
_LOOSE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^\[(?P<label>{_LABEL})\]\s*:?(?:\s+|$)"),  # [Interviewer] text
    re.compile(rf"^\((?P<label>{_LABEL})\)\s*:?(?:\s+|$)"),  # (Interviewer) text
    re.compile(rf"^<(?P<label>{_LABEL})>\s*:?(?:\s+|$)"),  # <Interviewer> text
    re.compile(rf"^(?P<label>{_LABEL})\s+[-\u2013\u2014]\s+"),  # I - text    /    P – text
    re.compile(rf"^(?P<label>{_LABEL})\s*;\s+"),  # Interviewer; text
    re.compile(rf"^(?P<label>{_LABEL})\s+(?P<ts>{_CLOCK}){_UNTIL}\s+"),  # Interviewer 00:01:02 text
    re.compile(rf"^(?P<label>{_CAP}\w{{0,11}}(?: \d+)?)\.\s+"),  # Q. text    /    Int. text
)
#: ``INTERVIEWER text``: a label in capitals, of three letters or more ("I think" is speech),
#: taken only where it names an interviewer or a participant ("CPN came" is speech too)
_CAPITALS_LABEL = re.compile(r"^(?P<label>[A-Z]{3,}(?: ?\d{1,3})?)[ \t]+(?=\S)")
#: a line that is a name and nothing else (``Jane Doe``, ``Smith, Jane (NHS)``; group ``label``): the
#: speaker line of a transcript that puts each name above what was said
NAME_LINE = re.compile(rf"^\s*(?P<label>{_LABEL}(?:, {_LABEL})?(?:\s*{_ALIAS})?)\s*$")
_INTERVIEWER = re.compile(
    r"^(i|int|intv|iv|ir|q|(?:co[- ]?|second |2nd |assistant |peer )?(?:interviewer|moderator|facilitator|researcher)"
    r"|mod|fac"
    # the same in Swedish, German, Spanish, French, Italian, Finnish
    r"|intervjuare|interviewerin|moderatorin|entrevistador|entrevistadora|enqu[eê]teur|enqu[eê]trice|intervistatore"
    r"|intervistatrice|haastattelija"
    # a focus group's moderator in those languages
    r"|samtalsledare|gespr[aä]chsleiter(?:in)?|moderador|moderadora|facilitador|facilitadora|mod[eé]rat(?:eur|rice)"
    r"|animat(?:eur|rice)|moderatore|moderatrice|moderaattori|fasilitaattori"
    # Czech, Polish, Hungarian, Romanian, Turkish, Greek, Russian, Ukrainian
    r"|tazatel|tazatelka|ankieter|ankieterka|badacz|badaczka|k[eé]rdez[oő]|intervievator|g[oö]r[uü][sş]meci"
    r"|\u03c3\u03c5\u03bd\u03b5\u03bd\u03c4\u03b5\u03c5\u03ba\u03c4\u03ae\u03c2|\u0438\u043d\u0442\u0435\u0440\u0432\u044c\u044e\u0435\u0440"
    r"|\u0456\u043d\u0442\u0435\u0440\u0432'\u044e\u0435\u0440|\u0456\u043d\u0442\u0435\u0440\u0432\u2019\u044e\u0435\u0440"
    # Arabic, Persian, Hebrew, Hindi, Chinese, Japanese, Korean
    r"|\u0627\u0644\u0645\u062d\u0627\u0648\u0631|\u0627\u0644\u0628\u0627\u062d\u062b|\u0645\u0635\u0627\u062d\u0628\u0647\u06af\u0631"
    r"|\u05de\u05e8\u05d0\u05d9\u05d9\u05df|\u05de\u05e8\u05d0\u05d9\u05d9\u05e0\u05ea"
    r"|\u0938\u093e\u0915\u094d\u0937\u093e\u0924\u094d\u0915\u093e\u0930\u0915\u0930\u094d\u0924\u093e"
    r"|\u8bbf\u8c08\u8005|\u91c7\u8bbf\u8005|\u8bbf\u5458|\u7814\u7a76\u8005|\u30a4\u30f3\u30bf\u30d3\u30e5\u30a2\u30fc|\u805e\u304d\u624b"
    r"|\uba74\uc811\uad00|\uba74\uc811\uc790|\uc5f0\uad6c\uc790)\.?(?:[\s_-]*\d+)?$",
    re.IGNORECASE,
)
_PARTICIPANT = re.compile(
    r"^(r|p|a|pt|su|res|resp|ie|respondent|participant|interviewee|client|patient|service user"
    r"|user|informant"
    # the same in Swedish (IP: intervjuperson), German (TN: Teilnehmer; B: Befragte/r, as f4 and the
    # Dresing & Pehl rules label the interviewee beside I:), Dutch, Spanish, French, Italian, Finnish
    r"|ip|intervjuperson|deltagare|b|befragte|befragter|tn|teilnehmer|teilnehmerin|deelnemer|entrevistado"
    r"|entrevistada|participante|enqu[eê]t[eé]|enqu[eê]t[eé]e|intervistato|intervistata|haastateltava"
    r"|partecipante|osallistuja"
    # Czech, Polish, Hungarian, Turkish, Greek, Russian, Ukrainian
    r"|respondentka|uczestnik|uczestniczka|v[aá]laszad[oó]|kat[iı]l[iı]mc[iı]"
    r"|\u03c3\u03c5\u03bc\u03bc\u03b5\u03c4\u03ad\u03c7\u03c9\u03bd|\u03c3\u03c5\u03bc\u03bc\u03b5\u03c4\u03ad\u03c7\u03bf\u03c5\u03c3\u03b1"
    r"|\u0440\u0435\u0441\u043f\u043e\u043d\u0434\u0435\u043d\u0442|\u0443\u0447\u0430\u0441\u0442\u043d\u0438\u043a|\u0443\u0447\u0430\u0441\u043d\u0438\u043a"
    # Arabic, Persian, Hebrew, Hindi, Chinese, Japanese, Korean
    r"|\u0627\u0644\u0645\u0634\u0627\u0631\u0643|\u0627\u0644\u0645\u0633\u062a\u062c\u064a\u0628|\u0645\u0635\u0627\u062d\u0628\u0647\u0634\u0648\u0646\u062f\u0647"
    r"|\u05de\u05e8\u05d5\u05d0\u05d9\u05d9\u05df|\u05de\u05e8\u05d5\u05d0\u05d9\u05d9\u05e0\u05ea|\u0909\u0924\u094d\u0924\u0930\u0926\u093e\u0924\u093e"
    r"|\u092a\u094d\u0930\u0924\u093f\u092d\u093e\u0917\u0940|\u53d7\u8bbf\u8005|\u88ab\u8bbf\u8005|\u53c2\u4e0e\u8005|\u30a4\u30f3\u30bf\u30d3\u30e5\u30a4\u30fc"
    r"|\u5bfe\u8c61\u8005|\u53c2\u52a0\u8005|\u8a71\u3057\u624b|\ucc38\uc5ec\uc790|\uc751\ub2f5\uc790)\.?(?:[\s_-]*\d+)?$",
    re.IGNORECASE,
)
#: participants a transcriber could not tell apart, or who spoke at once ("Unknown participant",
#: "All participants"): labels the first time too, of the participant's role
_UNNAMED_PARTICIPANTS = re.compile(
    r"^(?:all|both|several|multiple|many|various|some|other|another|unknown|unidentified|unclear)"
    r" (?:participants?|respondents?|interviewees?|(?:group )?members?)$", re.IGNORECASE)
#: a whole label that marks an unidentified speaker (``?``, ``P?``; group ``who``, the role word, if any)
_UNIDENTIFIED_LABEL = re.compile(rf"^{_UNIDENTIFIED}$")
#: a transcriber's or editor's note on a line of its own (``Note: recorder paused.``), no one's
#: speech: a label the first time too, of role "other", so a note is no participant's words
_NOTE = re.compile(
    r"^(notes?|nb|n\.b|comments?|memo|annotation|observation|field ?notes?|transcriber(?:['\u2019]s)?(?: notes?)?"
    r"|editor(?:['\u2019]s)? notes?|anm[aä]rkning|anmerkung|notiz|opmerking|nota|remarque|huom(?:autus)?)\.?$",
    re.IGNORECASE)
#: A question mark: Latin's, Arabic's and Persian's, the full-width one of Chinese and Japanese,
#: and Greek's, which normalising (NFC) makes a semicolon: so a ";" after a Greek word
QUESTION = re.compile(r"[?\u061f\uff1f]|(?<=[\u0370-\u03ff\u1f00-\u1fff])[\u00bb\u201d\"')\]]*;")
#: A text that ends in a question mark (white space after it aside)
QUESTION_AT_END = re.compile(rf"(?:{QUESTION.pattern})\s*$")
#: a speaker numbered by a transcriber or a transcription tool, in English and the other languages
#: whose role labels are known ("Speaker 2", "SPEAKER_01", "Talare 1", "Sprecher 2", "Intervenant 3")
_GENERIC_SPEAKER = re.compile(
    r"^(speaker|spk|person|voice|talare|taler|sprecher(?:in)?|spreker|intervenant(?:e)?|locut(?:eur|rice)"
    r"|hablante|parlante|falante|orador(?:a)?|puhuja|mówca|mluvčí|beszélő|konuşmacı|ομιλητής|ομιλήτρια|спикер"
    r"|говорящий|мовець)[\s_-]*\d+$", re.IGNORECASE)
#: the words of people in the room who are neither asked nor asking: an observer, a relative or a
#: carer, a member of staff (a nurse coming in on the ward); not an interpreter, who speaks for the
#: participant, nor a voice the transcriber could not name, who may be the participant
_PRESENT = (
    r"observer|note[- ]?taker|scribe|carer|caregiver|support worker|key ?worker|advocate"
    r"|mother|father|mum|mom|dad|parent|partner|husband|wife|son|daughter|sister|brother|relative|guardian|friend"
    r"|(?:charge |staff |ward |community )?nurse|doctor|psychiatrist|psychologist|clinician|gp|cpn|receptionist"
    r"|staff(?: member)?|ward staff|care co-?ordinator|social worker|healthcare assistant|hca|pharmacist"
    r"|peer(?: support)? worker|occupational therapist"
    # relatives and carers in Swedish, Norwegian, Danish, German, Dutch, Spanish, French, Italian, Finnish;
    # not the words that are names or surnames too (Bror, Mor, Mora, Mann, Venn, Freund, Papa, Ami, Amie,
    # Veli): a pseudonymiser keeps a role
    r"|mamma|pappa|far|mamman|pappan|syster|systern|brodern|dotter|dottern|sonen|make|maka|maken|sambo"
    r"|anhörig|vän|moren|faren|søster|datter|sønn|søn|pårørende|ektefelle|ægtefælle"
    r"|mutter|vater|mama|schwester|bruder|tochter|sohn|ehemann|ehefrau|angehörige[rn]?"
    r"|moeder|vader|zus|broer|dochter|zoon|echtgeno(?:ot|te)"
    r"|mère|père|maman|sœur|soeur|frère|fille|fils|époux|épouse|conjointe?"
    r"|madre|padre|mamá|papá|herman[ao]|hij[ao]|espos[ao]|pareja|familiar|cuidador[a]?"
    r"|papà|sorella|fratello|figlia|figlio|marito|moglie"
    r"|äiti|isä|tytär|puoliso|omainen"
)
#: a label of someone else :data:`_PRESENT` (``Mum``, ``Staff nurse 2``)
_PRESENT_LABEL = re.compile(rf"^(?:{_PRESENT})\.?(?:[\s_-]*\d+)?$", re.IGNORECASE)
#: someone else who speaks in an interview, often once (an interpreter, a note-taker, a relative
#: coming in, a nurse on the ward, a voice the transcriber could not name): a label of these words
#: starts a turn of its own the first time too, rather than being read as the speech of the speaker
#: before (their role is then as for any other named speaker: beside an interviewer, a participant,
#: as the nurses and doctors of a focus group of clinicians are; but beside a participant known by
#: their label too, one :data:`_PRESENT` is someone else, of role "other": see :func:`resolve_roles`)
_THIRD_PARTY = re.compile(
    rf"^(interpreter|translator|{_PRESENT}"
    r"|both|all|everyone|several|group|others?"
    r"|(?:unknown|unidentified)(?: speaker| voice| (?:fe)?male)?|(?:fe)?male voice|man|woman"
    r"|(?:several|multiple|many|various) (?:speakers|voices|people)"
    # interpreters in Swedish, Norwegian, Danish, German, Dutch, Spanish, French, Italian, Finnish
    r"|tolk|dolmetscher|dolmetscherin|int[eé]rprete|interpr[eè]te|interprete|tulkki)\.?(?:[\s_-]*\d+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LabelMatch:
    """A speaker label found at the start of a line."""

    label: str
    end: int  # offset in the line where the turn's text starts
    timestamp: float | None


def parse_timestamp(value: str) -> float:
    """``"01:02:03.5"`` -> 3723.5 seconds; ``"0:01"`` (m:ss) -> 1.0."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


#: a transcriber's time mark in running text: f4's ``#00:01:02-3#`` (a fraction of a second
#: after the dash) or a bracketed ``[00:01:02]``
TIME_MARK = re.compile(_MARK)


#: transcribers' time marks in a row (:data:`TIME_MARK`), each with the
#: dash aTrain writes after one (``[00:00:03] - So...``), and the white space around them; tried
#: only where white space starts (from each space of a long run it ran to the run's end every time)
_TIME_MARKS = re.compile(rf"(?<!\s)(?:\s*(?:{TIME_MARK.pattern})(?:\s+[-\u2013](?=\s))?)+\s*")


def without_time_marks(text: str) -> str:
    """``text`` without transcribers' time marks (``[00:00:03]``, f4's ``#00:01:02-3#``,
    whisper's ``[00:00:04.120 --> 00:00:09.000]``): what models read of a segment, so that
    an interview gets the same suggestions however it was timed. A time says when something
    was said, not what. On AnnoMI (5 folds), a mark before each utterance, as aTrain writes
    one before each stretch of speech, cost the context model (``train --context``) 0.005
    of therapist and 0.011 of client macro-F1 (0.766 -> 0.761, 0.554 -> 0.543) and the
    TF-IDF baseline 0.010 of each; only the text-only model gained from it (therapist 0.730
    -> 0.739, client 0.531 either way), from the time into the session the marks spell out,
    which the context model reads as its position.

    >>> without_time_marks("[00:00:03] - So, um. #00:00:05-2# How was it? [00:00:09]")
    'So, um. How was it?'
    """
    if "[" not in text and "#" not in text:
        return text
    return _TIME_MARKS.sub(" ", text).strip()


def blank_time_marks(text: str) -> str:
    """``text`` with what :func:`without_time_marks` takes out of it turned to spaces, so
    that what is found among the words a model read stands at the same offsets in ``text``.

    >>> blank_time_marks("so late [00:01:02] - on")
    'so late              on'
    """
    if "[" not in text and "#" not in text:
        return text
    return _TIME_MARKS.sub(lambda mark: " " * len(mark[0]), text)


def time_marks(text: str) -> tuple[tuple[int, float], ...]:
    """``(offset, seconds)`` of the time marks in ``text``: what follows a bracketed mark was
    said from its time on, and so was what follows an f4 mark (f4 writes the time where a
    paragraph ends, so its time is that of the text after it).

    >>> time_marks("P: Yes. #00:01:02-3# No. [00:01:10] Well.")
    ((20, 62.3), (25, 70.0))
    """
    marks = []
    for m in TIME_MARK.finditer(text):
        if m.group("f4") is not None:
            marks.append((m.end(), parse_timestamp(m.group("f4")) + float(f"0.{m.group('fraction') or 0}")))
        else:
            marks.append((m.start(), parse_timestamp(m.group("at"))))
    return tuple(sorted(marks))


def match_label(line: str) -> LabelMatch | None:
    """Return the speaker label at the start of ``line``, if any."""
    for pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            ts = m.groupdict().get("ts") or m.groupdict().get("paren")
            return LabelMatch(
                label=m.group("label").strip(),
                end=m.end(),
                timestamp=parse_timestamp(ts) if ts else None,
            )
    return None


def match_loose_label(line: str) -> LabelMatch | None:
    """A known speaker label at the start of ``line`` in a shape without a colon:
    ``[Interviewer] text`` (or in round or angle brackets), ``I - text`` (or an en or em
    dash), ``I; text``, ``Q. text``, ``Interviewer 00:01:02 text`` (a clock's time), ``INTERVIEWER text`` (capitals, three letters or more, an interviewer or a
    participant).

    These shapes also start ordinary lines ("I - I mean", "A. Smith wrote"), so a reader
    tries them only on a text where :func:`match_label` finds no speaker at all.

    >>> match_loose_label("Q. How was it?"), match_loose_label("Dr. Lee came") is None
    (LabelMatch(label='Q', end=3, timestamp=None), True)
    >>> match_loose_label("(Interviewer) So?").label, match_loose_label("RESP Well.").label
    ('Interviewer', 'RESP')
    >>> [match_loose_label(line) for line in ("(laughs) yes", "I think so", "CPN came")]
    [None, None, None]
    >>> match_loose_label("Speaker 2 00:01:02 Well, yes.")
    LabelMatch(label='Speaker 2', end=19, timestamp=62.0)
    """
    for pattern in _LOOSE_PATTERNS:
        m = pattern.match(line)
        if m and is_known_label(m.group("label").strip()):
            ts = m.groupdict().get("ts")
            return LabelMatch(m.group("label").strip(), m.end(), parse_timestamp(ts) if ts else None)
    m = _CAPITALS_LABEL.match(line)
    if m and builtin_role(m.group("label")) in ("interviewer", "participant"):
        return LabelMatch(m.group("label"), m.end(), None)
    return None


def time_line(line: str) -> float | None:
    """The time of ``line`` if it is a time alone (``00:00:03``, ``[00:00:03]``, ``(0:03)``, or a
    span's start, ``00:00:03 --> 00:00:07``), else None.

    >>> time_line(" [00:01:02] "), time_line("00:00:03 - 00:00:09"), time_line("10:30 was late")
    (62.0, 3.0, None)
    """
    m = _TIME_ALONE.fullmatch(line.strip())
    return parse_timestamp(m.group("ts")) if m else None


_TIME_ALONE_LINE = re.compile(rf"^[ \t]*(?P<time>{_TIME_ALONE.pattern})[ \t]*\r?$", re.MULTILINE)


def time_lines(text: str) -> tuple[tuple[int, float], ...]:
    """``(offset, seconds)`` of the lines of ``text`` that are a time alone (:func:`time_line`):
    what follows such a line was said from its time on, as in a transcript that writes the
    time every few minutes on a line of its own (Google Meet's ``00:05:00``).

    >>> time_lines("Jo: Hi.\\n00:05:00\\n\\nAl: Yes.\\nAt 10:30 we left.\\n  [00:06:10] ")
    ((8, 300.0), (47, 370.0))
    """
    return tuple((m.start("time"), parse_timestamp(m.group("ts"))) for m in _TIME_ALONE_LINE.finditer(text))


def speech_end(line: str) -> int:
    """Where the speech on ``line`` ends: before a time mark that closes it, else at its end.

    A line that is a time mark alone (``00:05:00``, ``[00:05:00]``, ``00:05:00 --> 00:05:04``), or a transcription
    tool's notice (:data:`TOOL_NOTICE`), ends at 0: it holds no speech. A time mark inside
    speech is left alone.

    Examples
    --------
    >>> speech_end("I: Right. #00:01:02-3#"), speech_end("[00:05:00]"), speech_end("At 10:30 [sic]")
    (9, 0, 14)
    >>> speech_end("Jane Doe stopped transcription"), speech_end("and then she stopped transcription")
    (0, 34)
    """
    body = line.rstrip()
    if _MARK_LINE.fullmatch(body.lstrip()) or TOOL_NOTICE.fullmatch(body.lstrip()):
        return 0
    if body[-1:] in ("#", "]"):
        mark = _MARK_AT_END.search(body, max(0, len(body) - 24))
        if mark:
            return len(body[: mark.start()].rstrip())
    return len(line)


def label_parts(label: str) -> tuple[str, ...]:
    """``"Interviewer (Jane)"`` -> ``("Interviewer", "Jane")`` (``"Jane [Interviewer]"`` likewise); the role
    may be either part."""
    m = _WITH_ALIAS.fullmatch(label)
    return (label,) if m is None else (m["base"], (m["alias"] or m["bracketed"]).strip())


#: the labels that are speakers' labels wherever they stand, by the words they are made of
_ROLE_WORDS = (_INTERVIEWER, _PARTICIPANT, _GENERIC_SPEAKER, _THIRD_PARTY, _NOTE, _UNNAMED_PARTICIPANTS)


def is_known_label(label: str) -> bool:
    """True for labels that are speaker labels whatever the context (I, P01, Speaker 2,
    Interpreter..., and a transcriber's Note; in square brackets too, as WhisperX writes
    ``[SPEAKER_00]``).

    >>> is_known_label("P01"), is_known_label("Interpreter"), is_known_label("Note"), is_known_label("Date")
    (True, True, True, False)
    >>> is_known_label("[SPEAKER_00]"), is_known_label("[Date]")
    (True, False)
    """
    parts = [part[1:-1] if part[:1] == "[" and part[-1:] == "]" else part for part in label_parts(label)]
    return any(pattern.match(part) for part in parts for pattern in _ROLE_WORDS) or any(map(_unidentified, parts))


def _unidentified(label: str) -> bool:
    """Whether ``label`` marks a speaker the transcriber could not tell: ``?``, or a letter or
    a known label before it (``P?``, ``F?``, ``Participant ?``), not any word (``Why?``).

    >>> [_unidentified(label) for label in ("?", "P?", "Participant ?", "Why?", "P")]
    [True, True, True, False, False]
    """
    m = _UNIDENTIFIED_LABEL.match(label)
    return m is not None and (not m["who"] or len(m["who"]) == 1 or is_known_label(m["who"]))


def is_role_label(label: str) -> bool:
    """Whether ``label`` as a whole names a role, not a person (``Intervjuare``, ``P05``,
    ``Speaker 2``, ``Tolk``, ``Mamma``; not ``Jane (Interviewer)``).

    >>> is_role_label("Intervjuare"), is_role_label("IP 3"), is_role_label("Tolk"), is_role_label("Jane (Interviewer)")
    (True, True, True, False)
    """
    clean = " ".join(label.split())
    return _unidentified(clean) or any(pattern.match(clean) for pattern in _ROLE_WORDS)


def builtin_role(label: str) -> Role | None:
    """The role a label implies on its own (``Jane (Interviewer)`` too; a note's, ``Note``,
    is "other"), or None when it does not say."""
    for part in label_parts(label):
        if _INTERVIEWER.match(part):
            return "interviewer"
        if _PARTICIPANT.match(part):
            return "participant"
        if _NOTE.match(part):
            return "other"
        if _UNNAMED_PARTICIPANTS.match(part):
            return "participant"
        if (unidentified := _UNIDENTIFIED_LABEL.match(part)) and unidentified["who"]:  # "P?": P's role
            return builtin_role(unidentified["who"])
    return None


@dataclass(frozen=True)
class RoleMap:
    """Per-corpus speaker -> role overrides (case-insensitive).

    Build from either ``{"interviewer": ["Sam"], "participant": ["Jo"]}`` or
    ``{"Sam": "interviewer", "Jo": "participant"}`` with :meth:`from_mapping`.
    """

    overrides: Mapping[str, Role] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> RoleMap:
        overrides: dict[str, Role] = {}
        for key, value in (data or {}).items():
            if key in ROLES and isinstance(value, (list, tuple)):
                for name in value:
                    overrides[str(name).casefold()] = key  # type: ignore[assignment]
            elif isinstance(value, str) and value in ROLES:
                overrides[str(key).casefold()] = value  # type: ignore[assignment]
            else:
                raise ConfigError(
                    "E162",
                    detail=f"{key!r}: {value!r}; expected 'NAME: interviewer|participant|other' "
                    "or 'interviewer: [NAME, ...]'",
                )
        return cls(overrides)

    @classmethod
    def from_pairs(cls, pairs: Sequence[str]) -> RoleMap:
        """Parse CLI values like ``"Sam=interviewer"``."""
        data: dict[str, str] = {}
        for pair in pairs:
            name, sep, role = pair.partition("=")
            if not sep:
                raise ConfigError("E162", detail=f"{pair!r}; expected NAME=ROLE")
            data[name.strip()] = role.strip()
        return cls.from_mapping(data)

    def merged(self, other: RoleMap) -> RoleMap:
        """A map with ``other``'s entries taking precedence."""
        return RoleMap({**self.overrides, **other.overrides})

    def get(self, speaker: str) -> Role | None:
        """The role given ``speaker``, in any case, in square brackets or not (WhisperX's
        subtitles write ``[SPEAKER_00]``, its JSON ``SPEAKER_00``).

        >>> roles = RoleMap.from_pairs(["SPEAKER_01=interviewer", "[Jo]=participant"])
        >>> roles.get("[speaker_01]"), roles.get("Jo"), roles.get("Sam")
        ('interviewer', 'participant', None)
        """
        key = speaker.casefold()
        if key in self.overrides:
            return self.overrides[key]
        return next((role for name, role in self.overrides.items() if _bare(name) == _bare(key)), None)

    def unmatched(self, speakers: Iterable[str]) -> list[str]:
        """The names this map gives a role (in lower case) that are none of ``speakers``, as
        :meth:`get` matches them.

        >>> RoleMap.from_pairs(["SPEAKER_01=interviewer", "Bob=other"]).unmatched(["[SPEAKER_01]", "Jo"])
        ['bob']
        """
        said = {_bare(s) for s in speakers}
        return sorted(name for name in self.overrides if _bare(name) not in said and name != UNKNOWN_SPEAKER.casefold())

    def label_matcher(self) -> Callable[[str], LabelMatch | None]:
        """:func:`match_label`, and a speaker this map names as a label in any case: a
        team that gave ``therapist`` a role (corpus.yaml, a transcript's front matter, a
        project's speaker roles) has said that ``therapist: ...`` starts a turn, though
        :func:`match_label` takes only capitalised labels (a lowercase word and a colon
        also starts ordinary lines).

        >>> RoleMap.from_mapping({"client": "participant"}).label_matcher()("client: Okay.")
        LabelMatch(label='client', end=8, timestamp=None)
        """
        return any_case_matcher([n for n in self.overrides if n != UNKNOWN_SPEAKER.casefold()], match_label)


def any_case_matcher(names: Iterable[str], matcher: Callable[[str], LabelMatch | None]
                     ) -> Callable[[str], LabelMatch | None]:
    """``matcher``, and where it finds no label, one of ``names`` in any case and spacing
    before a colon (the label as the line writes it).

    >>> any_case_matcher(["Jane Smith"], match_label)("JANE  SMITH : So?")
    LabelMatch(label='JANE  SMITH', end=14, timestamp=None)
    """
    names = sorted(set(names), key=len, reverse=True)
    if not names:
        return matcher
    spelled = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    named = re.compile(rf"^{_B}(?P<label>{spelled}){_B}{_COLON}", re.IGNORECASE)

    def either(line: str) -> LabelMatch | None:
        found = matcher(line)
        if found is None and (m := named.match(line)):
            return LabelMatch(m.group("label"), m.end(), None)
        return found

    return either


#: A transcriber's note after a speaker's name of how, or to whom, they spoke (``P1 (laughs):``,
#: ``I [to interpreter]:``, ``R (cont'd):``): no part of who they are.
_MANNER_NOTE = re.compile(
    r"\s*[(\[](?:laugh\w*|chuckl\w*|giggl\w*|cr(?:y|ies|ying)|sob\w*|tearful|sigh\w*|whisper\w*|quietly"
    r"|softly|loudly|shout\w*|inaudible|unclear|reading|reads|interrupt\w*|overlap\w*|crosstalk"
    r"|cont(?:['\u2019]?d|\.|inued|inues|inuing)?|paus(?:e|es|ed|ing)|hesitant\w*|emotional|upset|joking\w*"
    r"|sarcastic\w*|to (?:the )?\w+(?: \w+)?)[)\]]\s*$", re.IGNORECASE)


def folded_name(name: str) -> str:
    """A speaker's name in lower case with its runs of spaces as one, and without a note of
    how they spoke (:data:`_MANNER_NOTE`): ``JANE  SMITH``, ``Jane Smith`` and
    ``Jane Smith (laughs)`` are one speaker's."""
    return " ".join(_MANNER_NOTE.sub("", name).split()).casefold()


def name_spellings(counts: Mapping[str, int]) -> dict[str, str]:
    """Each speaker's name (:func:`folded_name`) as most of its ``counts`` spell it, a
    spelling without a note of manner before one with (of equals, the first).

    >>> name_spellings({"P1 (laughs)": 2, "JO": 1, "P1": 1, "Jo": 3})
    {'jo': 'Jo', 'p1': 'P1'}
    """
    spelling: dict[str, str] = {}
    for name, _ in sorted(Counter(counts).most_common(), key=lambda item: bool(_MANNER_NOTE.search(item[0]))):
        spelling.setdefault(folded_name(name), name)
    return spelling


def one_spelling(spans: Sequence[Span]) -> tuple[list[Span], dict[str, list[str]]]:
    """``spans`` with each speaker's name spelled one way (:func:`name_spellings`), and the
    other spellings of each name.

    >>> spans, others = one_spelling([("Jo", 0, 3, None), ("Sam", 4, 8, None), ("JO (laughs)", 9, 12, None)])
    >>> [s for s, *_ in spans], others
    (['Jo', 'Sam', 'Jo'], {'Jo': ['JO (laughs)']})
    """
    spelling = name_spellings(Counter(s for s, *_ in spans))
    respelled = {name: spelling[folded_name(name)] for name in dict.fromkeys(s for s, *_ in spans)}
    others: dict[str, list[str]] = {}
    for name, one in respelled.items():
        if one != name:
            others.setdefault(one, []).append(name)
    if not others:
        return list(spans), {}
    return [(respelled[s], a, b, t) for s, a, b, t in spans], others


def spellings_warning(others: Mapping[str, Sequence[str]]) -> list[str]:
    """A warning naming the other spellings of speakers' names read as theirs (none when none).

    >>> spellings_warning({"Jane": ["JANE", "jane"]})
    ["speaker labels in another case or spacing, or with a note such as '(laughs)', read as the same speaker: \
'JANE', 'jane' as 'Jane'"]
    """
    if not others:
        return []
    said = "; ".join(f"{some([repr(s) for s in spelled])} as {name!r}" for name, spelled in others.items())
    return [(f"speaker labels in another case or spacing, or with a note such as '(laughs)', read as the same "
             f"speaker: {said}")]


def _bare(name: str) -> str:
    """A speaker's name in lower case and single spaces, without the square brackets around it, if any."""
    name = " ".join(name.split()).casefold()
    return name[1:-1] if name[:1] == "[" and name[-1:] == "]" else name


def unlabelled_roles(roles: RoleMap) -> RoleMap:
    """``roles`` with :data:`UNKNOWN_SPEAKER` taken as :data:`UNLABELLED_ROLE` unless
    ``roles`` names another role for it (a team's own setting wins)."""
    return RoleMap({UNKNOWN_SPEAKER: UNLABELLED_ROLE}).merged(roles)


def resolve_roles(
    speakers: Sequence[str],
    question_share: Mapping[str, float],
    roles: RoleMap,
    address: Mapping[str, tuple[float, float]] | None = None,
    *,
    moderator: str | None = None,
) -> tuple[dict[str, Role], list[str]]:
    """Assign a role to each speaker; return the roles and any warnings.

    Of two speakers of no known role, the interviewer is the one more of three cues name:
    more of their turns end in a question mark, and, given ``address``, more of their words
    address the other and fewer speak of themselves (:func:`_asks_more`). Of three or more
    speakers, none known to interview (a focus group), ``moderator`` is the interviewer
    and the others of no known role are participants.

    Parameters
    ----------
    speakers : sequence of str
        Distinct speaker labels in order of appearance.
    question_share : mapping
        Share of each speaker's turns that end in a question mark.
    roles : RoleMap
        Overrides, applied first.
    address : mapping, optional
        Each speaker's shares of words in the second and the first person
        (:func:`~tr_nlp.ingest.pronouns.address_rates`); None where they cannot be told.
    moderator : str, optional
        The speaker of no known role that :func:`group_moderator` found to lead a group.
    """
    resolved: dict[str, Role | None] = {
        s: roles.get(s) or builtin_role(s) for s in speakers
    }
    unknown = [s for s, r in resolved.items() if r is None]
    voices = sum(role != "other" for role in resolved.values())  # a transcriber's notes are no one
    warnings: list[str] = []
    researcher = _researcher_r(resolved, roles, question_share)
    if researcher is not None:
        resolved[researcher] = "interviewer"
        other = next(s for s in resolved if s != researcher and resolved[s] == "participant")
        warnings.append(f"{researcher!r} taken as the researcher (interviewer), not a respondent: it asks more "
                        f"questions than {other!r}, a participant; set it in the corpus config to be sure")
    if unknown and "interviewer" in resolved.values():
        labelled = [repr(s) for s, role in resolved.items() if role == "participant"]
        present = _others_present(unknown, resolved)
        named = [repr(s) for s in unknown if labelled and s not in present and not is_known_label(s)]
        for s in unknown:
            resolved[s] = "other" if s in present else "participant"
        if present:
            beside = labelled or [repr(s) for s in unknown if s not in present]
            warnings.append(f"{some([repr(s) for s in present])} read as someone else in the room (role 'other'), "
                            f"not a participant beside {some(beside)}; set them in the corpus config if they "
                            "are participants")
        if named:  # beside "P", a speaker called by name is likely someone else too, but a name does not say
            warnings.append(f"{some(named)} taken as a participant beside {some(labelled)}, a participant by "
                            "label; if someone else, give them role 'other' in the corpus config")
    elif len(unknown) == 1 and voices == 2:  # "Participant 1" and a named clinician, say
        resolved[unknown[0]] = "interviewer"
        warnings.append(f"guessed {unknown[0]!r} = interviewer, the other speaker being the participant; "
                        "set it in the corpus config to be sure")
    elif moderator in unknown and voices > 2:
        resolved[moderator] = "interviewer"
        members = [s for s in unknown if s != moderator]
        for s in members:
            resolved[s] = "participant"
        named = (f"{some([repr(s) for s in members])} = participant{'s' if len(members) > 1 else ''}" if members
                 else "the others being participants")
        warnings.append(f"guessed roles of a group from questions asked and who says 'you' and who 'I': "
                        f"{moderator!r} = interviewer, {named}; "
                        "set them in the corpus config to be sure")
    elif len(unknown) == 2 and voices == 2:
        a, b = unknown
        votes = _asks_more(a, b, question_share, address)
        if votes:
            interviewer, participant = (a, b) if votes > 0 else (b, a)
            resolved[interviewer], resolved[participant] = "interviewer", "participant"
            cues = "questions asked" + (" and who says 'you' and who 'I'" if address else "")
            warnings.append(
                f"guessed roles from {cues}: {interviewer!r} = interviewer, "
                f"{participant!r} = participant; set them in the corpus config to be sure"
            )
    others = [s for s in speakers if resolved[s] is None]
    for s in others:
        resolved[s] = "other"
    if len(others) == 1:
        warnings.append(f"speaker {others[0]!r} has no known role; set it in the corpus config")
    elif others:  # one warning, not one per speaker: a file of 100,000 labels printed 12 MB of them
        warnings.append(f"speakers {some([repr(s) for s in others])} have no known role; set them in the corpus config")
    return {s: r for s, r in resolved.items() if r is not None}, warnings


def _others_present(unknown: Sequence[str], resolved: Mapping[str, Role | None]) -> list[str]:
    """Of the speakers of no known role (``unknown``), those whose labels name someone else in
    the room (:data:`_PRESENT_LABEL`: ``Mum``, ``Nurse``), where another speaker is known to
    be the participant, by their label or as the one other speaker, named (``Sarah``,
    beside ``I`` and ``Mum``): beside ``I`` and ``P``, a nurse coming in is not the one
    interviewed. Where no one is, they may be (a study of nurses labels them ``Nurse``).

    >>> _others_present(["Mum", "Jo"], {"I": "interviewer", "P": "participant", "Mum": None, "Jo": None})
    ['Mum']
    >>> _others_present(["Sarah", "Mum"], {"I": "interviewer", "Sarah": None, "Mum": None})
    ['Mum']
    >>> _others_present(["Speaker 2", "Interpreter", "Mum"], {"I": "interviewer", "Speaker 2": None,
    ...                                                       "Interpreter": None, "Mum": None})
    ['Mum']
    >>> _others_present(["Nurse"], {"I": "interviewer", "Nurse": None}), _others_present(
    ...     ["Sarah", "Tom", "Mum"], {"I": "interviewer", "Sarah": None, "Tom": None, "Mum": None})
    ([], [])
    """
    present = [s for s in unknown if _names_someone_present(s)]
    if "participant" in resolved.values():
        return present
    # the one who may be interviewed: a name or a numbered speaker, not an interpreter or a voice not named
    named = [s for s in unknown if s not in present and not _THIRD_PARTY.match(folded_name(s))]
    return present if len(named) == 1 else []


def _names_someone_present(label: str) -> bool:
    """Whether a speaker's ``label`` names someone else in the room (:data:`_PRESENT_LABEL`),
    a note of how they spoke aside (``Nurse (quietly)``), in either part of a name with its
    role (``Carer (wife)``, ``Jane (nurse)``: :func:`label_parts`).

    >>> [_names_someone_present(s) for s in ("Mum (laughs)", "Carer (wife)", "Jane (nurse)", "Jane", "P1 (Mum)")]
    [True, True, True, False, True]
    """
    return any(_PRESENT_LABEL.match(part) for part in label_parts(folded_name(label)))


def _researcher_r(resolved: Mapping[str, Role | None], roles: RoleMap, question_share: Mapping[str, float]
                  ) -> str | None:
    """The speaker labelled ``R`` where it stands for the researcher, not the respondent: of two
    participants by their labels alone (``R`` and ``P``, say), and no interviewer, the one who
    asks more questions (someone else in the room beside them aside, ``Mum``:
    :func:`_names_someone_present`). None otherwise.

    >>> _researcher_r({"R": "participant", "P": "participant"}, RoleMap(), {"R": 0.6, "P": 0.1})
    'R'
    >>> _researcher_r({"R": "participant", "P": "participant"}, RoleMap(), {"R": 0.1, "P": 0.6}) is None
    True
    >>> _researcher_r({"R": "participant", "P": "participant", "Mum": None}, RoleMap(), {"R": 0.6, "P": 0.1})
    'R'
    """
    voices = [s for s, role in resolved.items() if role != "other" and not (role is None and _names_someone_present(s))]
    if len(voices) != 2 or any(resolved[s] != "participant" for s in voices):
        return None
    r = [s for s in voices if s.strip().casefold() == "r" and roles.get(s) is None]
    if len(r) != 1:
        return None
    other = next(s for s in voices if s != r[0])
    return r[0] if question_share.get(r[0], 0.0) > question_share.get(other, 0.0) else None


def _asks_more(a: str, b: str, question_share: Mapping[str, float],
               address: Mapping[str, tuple[float, float]] | None) -> int:
    """How many more of the cues say ``a`` interviews ``b`` than say the reverse: a larger
    share of questions, and, given ``address``, a larger share of words addressing the
    other and a smaller one of words of oneself (positive: ``a``; 0: cannot tell).

    >>> _asks_more("A", "B", {"A": 0.2, "B": 0.3}, {"A": (0.05, 0.01), "B": (0.01, 0.06)})
    1
    >>> _asks_more("A", "B", {"A": 0.2, "B": 0.3}, None), _asks_more("A", "B", {}, None)
    (-1, 0)
    """
    votes = _sign(question_share.get(a, 0.0) - question_share.get(b, 0.0))
    if address is not None and a in address and b in address:
        (you_a, me_a), (you_b, me_b) = address[a], address[b]
        votes += _sign(you_a - you_b) + _sign(me_b - me_a)
    return votes


def _sign(x: float) -> int:
    """1, 0 or -1: whether a cue names the first of two speakers, neither, or the second."""
    return (x > 0) - (x < 0)


def turns_with_roles(text: str, spans: Sequence[Span], roles: RoleMap) -> tuple[tuple[Turn, ...], list[str]]:
    """Turns for ``(speaker, start, end, timestamp)`` spans of ``text``, with resolved roles.

    Each speaker's share of turns ending in a question mark, and of words addressing the
    other or speaking of themselves (:func:`~tr_nlp.ingest.pronouns.address_rates`), feed
    :func:`resolve_roles`. Questions and answers labelled by their numbers are two speakers
    (:func:`numbered_questions`).
    """
    spans, others = one_spelling(numbered_questions(spans))
    speakers = list(dict.fromkeys(s for s, *_ in spans))
    asked = Counter(s for s, a, b, _ in spans if QUESTION_AT_END.search(text, a, b))
    total = Counter(s for s, *_ in spans)
    known = {s: roles.get(s) or builtin_role(s) for s in speakers}
    unknown = [s for s in speakers if known[s] is None]
    voices = [s for s in speakers if known[s] != "other"]  # a transcriber's notes are no one's speech
    address, moderator = None, None
    # the cases the cues decide (read the words only then): two speakers, neither known, or a
    # group that no one is known to lead
    dyad = len(unknown) == 2 == len(voices)
    group = bool(unknown) and 2 < len(voices) <= MAX_GROUP and "interviewer" not in known.values()
    if dyad or group:
        said: dict[str, list[str]] = {s: [] for s in voices}
        for s, a, b, _ in spans:
            if s in said:
                said[s].append(text[a:b])
        speech = {s: "\n".join(parts) for s, parts in said.items()}
        if dyad:
            address = address_rates(speech)
        else:
            moderator = group_moderator(unknown, asked, speech)
    role_of, warnings = resolve_roles(speakers, {s: asked[s] / total[s] for s in speakers}, roles, address,
                                      moderator=moderator)
    return tuple(Turn(s, role_of[s], a, b, t) for s, a, b, t in spans), spellings_warning(others) + warnings


#: A label of a numbered question or answer (``Q1``, ``A 12``, ``Question 3``, ``Answer 3b``)
_NUMBERED_QUESTION = re.compile(r"(?P<kind>q|a|question|answer)[\s._-]*(?P<number>\d{1,3})[a-z]?", re.IGNORECASE)


def numbered_questions(spans: Sequence[Span]) -> list[Span]:
    """``spans`` with the labels of numbered questions and answers (``Q1``, ``A1``, ``Q2``...,
    each said once, the questions' numbers rising) as the asker and the answerer they are
    (``Q`` and ``A``, as the first of each is written), not a speaker per number: a written
    interview's thirty questions made sixty speakers. Other ``spans`` stay as they are.

    >>> spans = [("Q1", 0, 5, None), ("A1", 6, 9, None), ("Q2", 10, 15, None), ("A2", 16, 20, None)]
    >>> [s for s, *_ in numbered_questions(spans)]
    ['Q', 'A', 'Q', 'A']
    >>> [s for s, *_ in numbered_questions([*spans, ("A1", 21, 25, None)])]  # A1 twice: a focus group's
    ['Q1', 'A1', 'Q2', 'A2', 'A1']
    """
    found = {s: m for s in {s for s, *_ in spans} if (m := _NUMBERED_QUESTION.fullmatch(s.strip()))}
    kind = {s: m["kind"][0].lower() for s, m in found.items()}  # "q" or "a"
    said = Counter(s for s, *_ in spans if s in found)
    numbers = [int(found[s]["number"]) for s, *_ in spans if kind.get(s) == "q"]
    if len(found) < 4 or max(said.values()) > 1 or len(numbers) < 2 or numbers != sorted(set(numbers)):
        return list(spans)
    written: dict[str, str] = {}  # each kind as its first label writes it
    for s, *_ in spans:
        if s in found:
            written.setdefault(kind[s], found[s]["kind"])
    return [(written[kind[s]] if s in found else s, a, b, t) for s, a, b, t in spans]


#: The most speakers a group has whose moderator :func:`group_moderator` may tell: a focus
#: group is a handful of voices, and more labels than this are no group one person leads.
MAX_GROUP = 20
#: The other speakers of a group, taken together, in :func:`group_moderator`.
_OTHERS = "\x00others"


def group_moderator(unknown: Sequence[str], asked: Mapping[str, int], speech: Mapping[str, str]) -> str | None:
    """Of three or more speakers (``speech``: all each says), the one of no known role
    (``unknown``) who leads the others, or None when the cues do not say.

    Each speaker is set against the others by three cues, as in :func:`_asks_more`: it asks
    more questions (turns ending in a question mark, ``asked``) than any other speaker, and
    more of its words address the others, and fewer speak of itself, than theirs do taken
    together. The leader is the one speaker more of its cues name than deny, and more than
    any other's; taking the others' words together keeps one who says little ("Can you say
    that again?") from outweighing the one who asks all along.

    >>> speech = {"S1": "What did you think of it? And you? Did your nurse help you?",
    ...           "S2": "I liked it. My nurse was kind to me.", "S3": "I didn't, I thought it was a form."}
    >>> group_moderator(["S1", "S2", "S3"], {"S1": 3}, speech)
    'S1'
    >>> group_moderator(["S2", "S3"], {"S1": 3}, speech) is None  # the one who leads has a role
    True
    """
    counts = {speaker: word_counts(said) for speaker, said in speech.items()}
    everyone = sum(counts.values(), Counter())
    votes = {}
    for speaker in speech:
        rates = rates_from_counts({speaker: counts[speaker], _OTHERS: everyone - counts[speaker]})
        votes[speaker] = (_sign(asked.get(speaker, 0) - max(asked.get(s, 0) for s in speech if s != speaker))
                          + _asks_more(speaker, _OTHERS, {}, rates))  # its pronouns' cues alone
    most = max(votes.values())
    ahead = [s for s, n in votes.items() if n == most]
    return ahead[0] if most > 0 and len(ahead) == 1 and ahead[0] in unknown else None


def labelled_lines(utterances: Iterable[tuple[str, str, float | None]]) -> tuple[str, list[Span]]:
    """Stored text of ``(speaker, body, timestamp)`` utterances, one ``speaker: body`` line each.

    Returns the text and, per utterance, the span of its body (label excluded).
    """
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for speaker, body, stamp in utterances:
        start = pos + len(speaker) + 2
        spans.append((speaker, start, start + len(body), stamp))
        parts.append(f"{speaker}: {body}")
        pos = start + len(body) + 1
    return "\n".join(parts), spans


def unmatched_roles_warnings(roles: RoleMap, interviews: Sequence[Interview], where: str = "its front matter",
                             ) -> list[str]:
    """A warning naming the speakers ``roles`` gives a role who speak in none of
    ``interviews`` (a name mistyped, or written as the transcripts do not write it: the
    turns meant then have a guessed role), with the speakers there are; none if all speak.

    >>> turns = (Turn("Sam", "interviewer", 0, 8), Turn("Jo", "participant", 9, 19))
    >>> iv = Interview("p1", "Sam: Hi.\\nJo: Hello.", turns)
    >>> print(*unmatched_roles_warnings(RoleMap.from_pairs(["Sam=interviewer", "Joe=participant"]), [iv]))
    ... # doctest: +NORMALIZE_WHITESPACE
    its front matter gives 'joe' a role, but no speaker of p1 has that name (did you mean 'Jo'?);
    its speakers: 'Jo', 'Sam'
    """
    speakers = sorted({s for iv in interviews for s in iv.speakers})
    unmatched = roles.unmatched(speakers)
    if not interviews or not unmatched:
        return []
    by_name = {_bare(s): s for s in speakers}
    near = {name: by_name[close[0]] for name in unmatched
            if (close := difflib.get_close_matches(_bare(name), by_name, n=1, cutoff=0.75))}
    guesses = [f"{s!r}" if len(unmatched) == 1 else f"{s!r} for {name!r}" for name, s in near.items()]
    meant = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    names = ", ".join(map(repr, unmatched))
    read = interviews[0].id if len(interviews) == 1 else f"the {len(interviews)} interviews read"
    said, name = ("a role", "that name") if len(unmatched) == 1 else ("roles", "any of those names")
    return [f"{where} gives {names} {said}, but no speaker of {read} has {name}{meant}; "
            f"{'its' if len(interviews) == 1 else 'their'} speakers: {some([repr(s) for s in speakers], 10)}"]
