"""One exception hierarchy for tr_nlp, with coded messages.

Every message is a constant on :class:`Errors` with a code (``E101``...). A message says
what was found, what was expected, and how to fix it. Exceptions carry the file they are
about, so a caller running over many files can report each bad one and go on.

Examples
--------
>>> err = InputError("E101", path="a.txt")
>>> str(err)
'a.txt: [E101] the file is empty; expected text in it'
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike


class Errors:
    """Message templates, one per code. Placeholders are filled from keyword arguments."""

    # --- reading files -------------------------------------------------------------
    E100 = "no such file or folder; check the path"
    E101 = "the file is empty; expected text in it"
    E102 = (
        "looks like a binary file ({detail}), not text; export the transcript as "
        ".txt, .md, .docx, .odt, .rtf, .pdf, .html, .vtt, .srt, Whisper .json or a CSV/JSONL/Parquet table"
    )
    E103 = (
        "is not valid UTF-8 ({detail}); re-save it as UTF-8, or pass --encoding "
        "with the encoding it was written in"
    )
    E104 = "unsupported file type '{suffix}'; expected one of {expected}, or pass --format"
    E105 = "unknown format '{fmt}'; expected one of {expected}"
    E106 = "cannot decode the file as {encoding} ({detail}); check the --encoding value"
    E107 = "no transcript text left after removing the header; expected speaker turns"
    E108 = "none of the {n} input file(s) could be read (see above), so nothing was written"
    E109 = "cannot read the file ({detail})"
    # --- .docx, .doc, .xlsx, .odt, .rtf and .pdf ------------------------------------
    E110 = "not a valid {kind} ({detail}); open it in {app} and save it again as {kind}"
    E111 = "{kind} entry {entry!r} looks like a zip bomb: {detail}; refusing the file, it is not a transcript"
    E112 = "has no text layer (a scanned PDF?); run OCR on it first, or export the transcript as text"
    E113 = (
        "is password-protected (an encrypted {kind}), and tr_nlp asks for no password; open it in {app} with "
        "its password and save a copy without one ({how}), kept as safely as the original"
    )
    E114 = (
        "is in {old} format, which tr_nlp does not read; open it in {app} or LibreOffice and save it as {kind} "
        "(many at once: soffice --headless --convert-to {ext} *{suffix})"
    )
    E115 = (
        "holds a Word 97-2003 document (binary .doc) under a {suffix} name; rename it to .doc, or pass "
        "--format doc, and it is read"
    )
    E116 = (
        "is a codebook (a table of codes and what they mean), not a transcript; pass it with --codebook FILE, "
        "or name it under 'codebook:' in corpus.yaml"
    )
    E117 = (
        "is {size} MB, more than the {limit} MB tr_nlp reads as one transcript (a ten-hour interview is about "
        "1 MB of text); check that it is a transcript, and split a file of many interviews into one per interview"
    )
    E118 = (
        "no transcript file in the paths given (an empty folder, or files of no type tr_nlp reads), so nothing "
        "was written; check the path, or that the transcripts are there"
    )
    E119 = "unpacks to {size} MB{media}, more than the {limit} MB tr_nlp unpacks from one {kind} file; {fix}"
    # --- subtitles and speech-to-text JSON ------------------------------------------
    E120 = "broken cue at line {line}: {detail}"
    E121 = "missing 'WEBVTT' header on the first line; expected a WebVTT file"
    E122 = "no cues found; expected at least one 'start --> end' timing line"
    E123 = (
        "not a speech-to-text transcript: {detail}; expected Whisper or WhisperX JSON (a 'segments' "
        "list), whisper.cpp JSON (a 'transcription' list), a list of segments with 'start' and 'text', or a "
        "transcription service's JSON (AssemblyAI's or Deepgram's 'utterances', Rev's 'monologues', Amazon "
        "Transcribe's 'audio_segments' or 'items')"
    )
    E124 = (
        "segment {index} (counting from 0): {detail}; each segment needs a 'start' (seconds >= 0) "
        "and a 'text' (a string), and may name a 'speaker'"
    )
    E125 = (
        "not an oTranscribe transcript: {detail}; expected a JSON object whose 'text' is the transcript's "
        "HTML, as oTranscribe saves it (.otr)"
    )
    E126 = (
        "not a single-file web page: {detail}; expected a MIME message with an HTML part, as Word's 'Single "
        "File Web Page' or a browser's 'Save as MHTML' writes it"
    )
    E127 = (
        "not an ELAN annotation document: {detail}; expected an .eaf file whose ANNOTATION_DOCUMENT holds "
        "tiers of time-aligned annotations, as ELAN saves it"
    )
    E128 = (
        "not a Transcriber transcript: {detail}; expected a .trs file whose <Trans> holds <Turn> elements "
        "with text, as Transcriber saves it"
    )
    E129 = (
        "not an EXMARaLDA transcription: {detail}; expected a basic transcription (.exb) whose tiers of type 't' "
        "hold events on its common time line, as the Partitur-Editor saves it"
    )
    # --- tables ---------------------------------------------------------------------
    E130 = (
        "column '{column}' not found; available columns: {available}. {fix}"
    )
    E131 = "cannot parse the table ({detail})"
    E132 = "unknown preset '{preset}'; expected one of {expected}"
    E133 = (
        "utterance {key} appears {n} times with different text; expected each "
        "utterance once (or identical text on every annotator's row)"
    )
    E134 = "the table has no {what}"
    E135 = (
        "data row {row} has no '{column}' and no row above it has one; expected an interview "
        "id on every row, or on the first row of each interview"
    )
    E136 = "is {kind}, not a table of utterances to read as transcripts; {fix}"
    E137 = (
        "is a list of names (a '#' comment, then a name on each line: what pseudonymise --names reads), not a "
        "transcript; keep it out of the folders of transcripts, or start its name with '_' (such files are left out)"
    )
    E138 = (
        "is the report tr_nlp wrote (report.html), not a transcript; keep tr_nlp's outputs out of the folders "
        "it reads transcripts from"
    )
    E139 = (
        "is an NVivo node export ({what}), not a transcript; pass it as codings: --codings FILE (or a folder of "
        "node exports), or list it under 'codings:' in corpus.yaml"
    )
    # --- codebooks ------------------------------------------------------------------
    E140 = "duplicate code '{name}'; every code name must be unique"
    E141 = "code '{name}' has parent '{parent}', which is not a code in this codebook"
    E142 = "group '{group}' names '{name}', which is not a code in this codebook"
    E143 = (
        "invalid code name {name!r}; use letters, digits, spaces and _ . : - & ( ) ' + # %, "
        "starting with a letter or digit"
    )
    E144 = "expected a mapping with a 'codes' list; found {found}"
    E145 = "YAML syntax error: {detail}"
    E146 = "code entry {index} is invalid: {detail}"
    E147 = "duplicate key '{key}' at line {line}; YAML would silently keep only the last one"
    E148 = "code '{name}' is its own ancestor (parent cycle: {cycle})"
    E149 = "refusing its YAML{part}: {detail}; write the values out plainly"
    # --- codings --------------------------------------------------------------------
    E150 = "codings row {row}: start and end must be whole character offsets, found {start!r} and {end!r}"
    E151 = (
        "codings row {row}: span {start}-{end} lies outside interview '{interview_id}' "
        "(text length {length}); expected 0 <= start < end <= length"
    )
    E152 = (
        "codings row {row}: the 'text' column does not match interview '{interview_id}' "
        "at {start}-{end} (found {found!r}, expected {expected!r}); the offsets point at "
        "other characters than the coder saw, and that text is nowhere in the interview"
    )
    E153 = (
        "codings row {row}: code '{code}' is not in the codebook{about}{others}; add {which} to the codebook (as a "
        "code, or an alias of one) or correct {which} in the table; the codebook's codes: {codes}"
    )
    E154 = (
        "codings row {row}: the quote {quote!r} is not in interview '{interview_id}'{more}; copy it "
        "from the transcript as it stands (parts joined by '...' are found in order), or give start and end"
    )
    E155 = (
        "a codings table without start and end columns is read by finding each coding's quote in its interview, "
        "{problem}; {fix} (columns found: {columns})"
    )
    E156 = "codings row {row}: no {column}; every row names its interview, code and coder"
    E157 = (
        "reviewed row {row}: {detail}; expected interview_id, whole character offsets start < end "
        "inside the interview's text, and optionally a coder (the list 'tr-nlp next -o' wrote is one)"
    )
    E158 = (
        "is neither a codings table nor an NVivo node export; expected a table (CSV, TSV, JSONL, Parquet or "
        "Excel), or a node's references as NVivo exports them: '<Files\\P07> - § 2 references coded [3.12% "
        "Coverage]', then 'Reference 1 - 1.84% Coverage' and the text coded"
    )
    E159 = "node '{node}': {detail}"
    # --- corpus configs and settings ------------------------------------------------
    E160 = "invalid corpus config: {detail}"
    E161 = (
        "duplicate interview id '{interview_id}' (also in {other}{note}); ids must be unique: an interview's id is "
        "its file's name unless the file gives one: leave a copy out, rename one of the files, or code it into "
        "another output folder"
    )
    E162 = "invalid roles mapping: {detail}"
    E163 = "invalid option: {detail}"
    E164 = "spaCy pipeline '{name}' is not installed; install it with pip, or omit --spacy-model"
    E165 = (
        "interview id '{interview_id}' differs from '{other_id}' (in {other}) only in letter case, so "
        "their result files would be one file on a case-insensitive disk (macOS, Windows); {fix}"
    )
    E166 = (
        "interview id '{interview_id}' is also in {other}, with another text ({differ}); ids must be unique: rename "
        "one of the files (or sources). Copies of a project that coders coded apart are read as one only "
        "where their texts are the same or nearly (a word corrected here and there)"
    )
    E167 = (
        "interview id '{interview_id}' was coded from {other}, which is no longer there, and this file differs "
        "from it: if it is that interview moved and changed, run again with --force to code it in its place "
        "(its earlier suggestions are replaced); if it is another interview, rename the file"
    )
    E168 = (
        "each worker process coding it stopped abruptly ({detail}), killed by the system (as when memory runs "
        "out) or by a crash in a library reading it; the other inputs were coded. It is tried again on the next "
        "run: use fewer --workers if memory ran out, or leave the file out if it is damaged"
    )
    E169 = (
        "reading it took more than {seconds} s (a damaged or hostile file can keep a reader busy), so it was left "
        "out and the other inputs were coded; open it in the program that wrote it and save it again"
    )
    # --- outputs --------------------------------------------------------------------
    E170 = "cannot write output ({detail}); check that the folder exists and is writable"
    E171 = "unsupported output type '{suffix}'; expected one of {expected}"
    E172 = "only {free} MB free for outputs (need at least {need} MB); free some space or choose another folder"
    E173 = "is a file, but {what} is written into a folder; choose another path"
    E174 = "is a folder, but the output is one file; give a file name inside it"
    E175 = (
        "the batch manifest is damaged ({detail}); pass --force to code every input again "
        "with a new manifest, or choose a new output folder"
    )
    E176 = (
        "another tr-nlp batch (process {pid}) is writing to this folder; wait for it to "
        "finish, or choose another output folder"
    )
    # --- models ---------------------------------------------------------------------
    E180 = "sentence-embedding model unavailable: {detail}"
    E181 = "no model at this path ({detail}); train one with 'tr-nlp train' first"
    E182 = "model file does not match its model card (sha256 {found}, card says {expected}); it was changed or replaced; retrain or restore it"
    E183 = "model file holds types that are not on tr_nlp's trusted list: {types}; refusing to load it"
    E184 = "cannot load the model ({detail})"
    E185 = "not enough coded data: {detail}"
    # --- topic discovery ----------------------------------------------------------------
    E190 = (
        "only {n} uncoded passage(s) left for topic discovery{removed}; need at least {need}. {advice}"
    )
    E191 = (
        "the {n} uncoded passages hold only {distinct} distinct text(s); topic discovery needs "
        "at least {need} different passages"
    )
    # --- REFI-QDA projects and codebooks -------------------------------------------------
    E200 = "not a REFI-QDA project: {detail}"
    E201 = "unsafe archive entry {entry!r}: {reason}; refusing the whole archive (zip-slip)"
    E202 = "archive entry {entry!r} looks like a zip bomb: {detail}; refusing the archive"
    E203 = "unsafe XML: {detail}; REFI-QDA files need no entities or DTDs, so the file is refused"
    E204 = "XML syntax error: {detail}"
    E205 = (
        "selection {selection} in source {source!r}: positions {start}-{end} lie outside its "
        "text ({length} characters); expected 0 <= startPosition <= endPosition <= {length}"
    )
    E206 = (
        "a coding in source {source!r} refers to code {target}, which is not in the project's "
        "codebook; export the project again from your QDA software"
    )
    E207 = "source {source!r}: its text file {target!r} is not in the project{hint}"
    E208 = "source {source!r}: {detail}"
    E209 = "not a REFI-QDA codebook: {detail}; expected a .qdc file with a CodeBook element"
    E210 = (
        "reading entry {entry!r} would take the project's document and text sources to {size} MB, more than the "
        "{limit} MB tr_nlp reads from one project (audio, video and pictures are not read, so not counted); "
        "export the interviews to code as a smaller project"
    )
    # --- reports --------------------------------------------------------------------------
    E220 = (
        "not a run folder: {detail}; expected the output folder of 'tr-nlp demo', 'tr-nlp batch' "
        "or 'tr-nlp evaluate -o' (it holds run.json)"
    )
    E221 = "cannot read this run output ({detail}); re-run the command that wrote it"
    E222 = (
        "nothing to report: the batch coded {inputs} input(s) but found no speech of the roles it keeps "
        "({roles}) to code; check the speakers' roles with 'tr-nlp inspect', then re-run the batch "
        "with --roles or --speaker-role"
    )
    # --- privacy -----------------------------------------------------------------------------
    E230 = "cannot read the names list ({detail}); expected a UTF-8 text file with one name per line"
    E231 = (
        "not a pseudonymisation mapping ({detail}); expected the CSV written by --mapping, with "
        "columns placeholder,kind,original"
    )


class TrNlpError(Exception):
    """Base class of every error tr_nlp raises on purpose.

    Parameters
    ----------
    code : str
        A message code, an attribute of :class:`Errors` such as ``"E101"``.
    path : str or PathLike, optional
        The file or folder the error is about.
    **details
        Values for the message template's placeholders. ``code`` is positional-only,
        so a template may have a ``{code}`` placeholder of its own.
    """

    def __init__(self, code: str, /, path: str | PathLike[str] | None = None, **details: object):
        template = getattr(Errors, code)
        self.code = code
        self.path = None if path is None else path_text(path)
        self.details = details
        # one line, whatever a library's message in ``detail`` held (pandas ends some with a newline)
        shown = {k: " ".join(str(v).split()) if k == "detail" else v for k, v in details.items()}
        self.message = " ".join(template.format(**shown).split())
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}[{self.code}] {self.message}"


def path_text(path: str | PathLike[str]) -> str:
    """``path`` as text any output can hold: the bytes of a file name that is not valid
    UTF-8 (written on a system with another encoding), which Python keeps as lone
    surrogates, are shown as ``\\xe9`` escapes.

    >>> path_text(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class InputError(TrNlpError):
    """An input file is missing, unreadable, or not what its format promises."""


class CodebookError(InputError):
    """A codebook is malformed: duplicate codes, unknown parents, bad YAML."""


class CodingsError(InputError):
    """A human codings table does not fit the corpus or codebook."""


class ConfigError(TrNlpError):
    """A setting, option or corpus config is invalid."""


class OutputError(TrNlpError):
    """An output cannot be written."""


class ModelError(TrNlpError):
    """A model file is missing, tampered with, or holds untrusted types."""


class ArchiveError(InputError):
    """A zip archive is hostile or corrupt (zip-slip, zip bomb, bad entries)."""


class DiscoveryError(TrNlpError):
    """Topic discovery cannot run on this input (too little or too uniform uncoded text)."""


def some(items: Sequence[str], shown: int = 5) -> str:
    """The first ``shown`` of ``items`` joined by commas, and how many more there are, as a
    message names a long list.

    >>> some(["a", "b"]), some(["a", "b", "c", "d"], 2)
    ('a, b', 'a, b and 2 more')
    """
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


#: What differs between messages alike but for their values: a quoted name or a number.
_VALUE = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|(?<![\w.])\d+(?:[.,]\d+)*%?(?![\w])")


def said_of_files(warnings: Iterable[tuple[str, str]], shown: int = 3) -> list[str]:
    """Warning lines for ``(path, message)`` pairs, one per message: ``path: message`` for
    a message said of one file, and, for one said of several, the first ``shown`` paths
    and how many more (all of them where that would be one more), then the message, so
    that a folder of transcripts alike (each with the same guessed speakers, say) gives one
    line, not one per file. Messages alike but for their values (quoted names, numbers:
    each transcript's own interviewer guessed) are one line too, each path shown with the
    values that differ and the message with ``…`` in their place (a value all share stays).

    >>> said_of_files([("a.txt", "guessed roles"), ("b.txt", "no times"), ("b.txt", "guessed roles")])
    ['a.txt, b.txt: guessed roles', 'b.txt: no times']
    >>> said_of_files([(f"{n}.txt", "guessed roles") for n in range(5)])
    ['0.txt, 1.txt, 2.txt and 2 more files: guessed roles']
    >>> said_of_files([(f"{n}.txt", "guessed roles") for n in range(4)])
    ['0.txt, 1.txt, 2.txt, 3.txt: guessed roles']
    >>> said_of_files([("a.txt", "guessed 'Anna' = interviewer"), ("b.txt", "guessed 'Ben' = interviewer")])
    ["a.txt ('Anna'), b.txt ('Ben'): guessed … = interviewer"]
    >>> said_of_files([("c.txt", "3 lines before the first label"), ("d.txt", "12 lines before the first label")])
    ['c.txt (3), d.txt (12): … lines before the first label']
    >>> said_of_files([("e.txt", "'e' has 2 runs of 80 words"), ("f.txt", "'f' has 2 runs of 80 words")])
    ["e.txt ('e'), f.txt ('f'): … has 2 runs of 80 words"]
    """
    by_shape: dict[str, dict[str, dict[str, None]]] = {}
    for path, message in warnings:
        by_shape.setdefault(_VALUE.sub("…", message), {}).setdefault(message, {})[path] = None
    lines = []
    for messages in by_shape.values():
        if len(messages) == 1:
            [(message, in_order)] = messages.items()
            lines.append(f"{_named(list(in_order), shown)}: {message}")
            continue
        values = {message: _VALUE.findall(message) for message in messages}
        differ = [k for k, value in enumerate(next(iter(values.values())))
                  if any(found[k] != value for found in values.values())]
        named = [f"{path} ({', '.join(values[message][k] for k in differ)})"
                 for message, paths in messages.items() for path in paths]
        lines.append(f"{_named(named, shown)}: {_shown(next(iter(messages)), differ)}")
    return lines


def _shown(message: str, differ: Sequence[int]) -> str:
    """``message`` with its values numbered ``differ`` (:data:`_VALUE`) written ``…``."""
    seen = itertools.count()
    return _VALUE.sub(lambda m: "…" if next(seen) in differ else m.group(), message)


def _named(paths: list[str], shown: int) -> str:
    """The first ``shown`` paths and how many more files (all where that would be one more)."""
    cut = len(paths) > shown + 1  # "and 1 more file" would take the place of its name
    return ", ".join(paths[:shown] if cut else paths) + (f" and {len(paths) - shown} more files" if cut else "")


def counted(counts: Mapping[str, int]) -> str:
    """How many of each, by name in order, as a message counts codings by coder.

    >>> counted({"Ben": 2, "Anna": 5})
    'Anna: 5, Ben: 2'
    """
    return ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
