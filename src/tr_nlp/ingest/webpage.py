"""Web pages (.html, .htm, single-file .mht) and oTranscribe's transcripts (.otr): transcripts kept as HTML.

noScribe, the offline transcriber made for qualitative research, keeps its transcripts as
HTML (``S00: ...`` paragraphs), and Word ("Save as Web Page"), LibreOffice and Google Docs
("Download > Web page") save documents as HTML; Word's "Single File Web Page" and a
browser's "Save as MHTML" wrap the page in a MIME message (:func:`read_mht`), and
oTranscribe saves a JSON object whose ``text`` is the transcript's HTML (:func:`read_otr`).
The text is what a browser shows:

- each paragraph, heading, list item or other block is a line (an empty paragraph an empty
  line, as in .docx), and ``<br>`` breaks the line;
- runs of white space are one space, except in ``<pre>``; character references are decoded;
- a table's rows become ``Speaker: text`` lines as in Word documents (a time column the
  turn's time, a header row and its notes column left out:
  :func:`~tr_nlp.ingest.doctables.table_lines`);
- the head, scripts, styles, templates, forms' lists, embedded pictures (``<svg>``), hidden
  elements (``hidden``, ``display: none``, ``visibility: hidden``) and comments (Word's
  conditional ones too) are left out.

As in .docx, a paragraph's leading bold text is a speaker label without a colon: ``<b>``,
``<strong>``, a bold ``style`` or a class a ``<style>`` sheet makes bold (Google Docs'
``.c3{font-weight:700}``). The text is then read like a plain-text transcript (labels, time
marks, continuation lines). The page's ``<title>`` and its ``author``, ``description``,
``keywords`` and ``subject`` ``<meta>`` tags become metadata, and noScribe's anchors
(``<a name="ts_15000_21000_S01">``, from 15 s to 21 s) and oTranscribe's time stamps
(``<span class="timestamp" data-timestamp="12.3">``) the times of their text. The page is
decoded in the encoding it declares (``<meta charset>``, ``http-equiv`` Content-Type, or a
single-file page's part header), unless its bytes are UTF-8 with characters beyond ASCII,
which no other encoding gives by chance. The report tr_nlp writes is refused (E138): it is
an output, not a transcript.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from tr_nlp.errors import InputError
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.doctables import table_lines
from tr_nlp.ingest.encoding import (
    MAX_DOCUMENT_MB,
    MAX_TEXT_MB,
    Decoded,
    decode_bytes,
    normalise_text,
    read_bytes,
    read_json_text,
)
from tr_nlp.ingest.speakers import TIMESTAMP
from tr_nlp.ingest.text import DocLine, interview_from_text, styled_label, text_with_labels
from tr_nlp.jsonfile import parse_json
from tr_nlp.wholes import whole_number

#: elements that end the line before them and start a new one after them
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "ul"})
#: elements whose content a browser does not show as text
_UNSHOWN = frozenset({"head", "title", "script", "style", "template", "noscript", "svg", "math", "object", "iframe",
                      "select", "textarea"})
#: elements a browser sets in bold, and a definition list's terms (a name above its speech, as bold)
_BOLD_TAGS = frozenset({"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th", "dt"})
_SPACES = re.compile(r"[ \t\n\r\f]+")
_WEIGHT = re.compile(r"font-weight\s*:\s*([\w-]+)", re.IGNORECASE)
_HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CLASS_SELECTOR = re.compile(r"\s*[a-zA-Z0-9]*\.([\w-]+)\s*")
_META_KEYS = ("author", "description", "keywords", "subject")
#: noScribe's anchor around a stretch of speech: its start and end in milliseconds, and its speaker
_NOSCRIBE_ANCHOR = re.compile(r"ts_(\d{1,9})_\d{1,9}_")
#: a time stamp alone, as oTranscribe writes one before a name: ``0:12``, ``[00:01:02]`` (what
#: :func:`~tr_nlp.ingest.text.text_with_labels` takes as the time before a styled label)
_STAMP = re.compile(rf"\[{TIMESTAMP}\]|{TIMESTAMP}")
_SECONDS = re.compile(r"\d{1,7}(?:\.\d{1,6})?")
#: anchors in a row whose text is not found before the rest are no longer looked for
_MISSES = 50
#: what a page declares its encoding with, in its first bytes
_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.IGNORECASE)
#: labels WHATWG reads as windows-1252, which is what browsers show for them
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "windows-1252", "cp1252"}
#: how tr_nlp's own report names its writer (in its generator tag, or, in older reports, its header)
_OUR_REPORT = re.compile(r"<meta\s+name=\"generator\"\s+content=\"tr_nlp[\s\"]|<p class=\"meta\">Written by tr_nlp ")


def read_html(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an ``.html`` transcript into one :class:`~tr_nlp.schema.Interview`."""
    path = Path(path)
    decoded = _decoded(read_bytes(path, max_mb=MAX_TEXT_MB), path, options.encoding)
    return _page_interview(decoded.text, path, options, {}, "html", decoded.warning)


def read_otr(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read an oTranscribe transcript (``.otr``: a JSON object whose ``text`` is the
    transcript's HTML) into one :class:`~tr_nlp.schema.Interview`: its text as a web page's,
    its time stamps (``<span class="timestamp" data-timestamp="12.3">``) the times of the text
    from them on, and the name of its recording (``media``) metadata."""
    path = Path(path)
    decoded = read_json_text(path, options.encoding)
    data = parse_json(decoded.text, path, InputError, "E125")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        found = f"an object with {', '.join(map(repr, list(data)[:5])) or 'no keys'}" if isinstance(data, dict) else (
            f"a JSON {type(data).__name__}")
        raise InputError("E125", path, detail=f"it holds {found}")
    media = data.get("media")
    metadata = {"media": media} if isinstance(media, str) and media.strip() else {}
    return _page_interview(data["text"], path, options, metadata, "otr", decoded.warning)


def read_mht(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a single-file web page (``.mht``, ``.mhtml``: Word's "Single File Web Page",
    a browser's "Save as MHTML") into one :class:`~tr_nlp.schema.Interview`: its first HTML
    part, decoded in the character set its part header names, read as :func:`read_html` reads
    a page."""
    path = Path(path)
    data = read_bytes(path, max_mb=MAX_DOCUMENT_MB)
    if not data.strip():
        raise InputError("E101", path)
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        types = sorted({p.get_content_type() for p in message.walk() if not p.is_multipart()})
        raise InputError("E126", path, detail=f"its parts are {', '.join(types[:5]) or 'none'}")
    body = part.get_payload(decode=True)
    if not isinstance(body, bytes) or not body.strip():
        raise InputError("E101", path)
    decoded = _decoded(body, path, options.encoding, part.get_content_charset())
    return _page_interview(decoded.text, path, options, {}, "mht", decoded.warning)


def _page_interview(html: str, path: Path, options: ReadOptions, metadata: dict[str, Any], fmt: str,
                    warning: str | None) -> ReadResult:
    """The interview of a page's HTML: its lines read as a transcript, with the page's
    metadata over ``metadata`` and the times its anchors give; E138 for the report tr_nlp
    writes."""
    if _OUR_REPORT.search(html[:65536]):
        raise InputError("E138", path)
    page = _Page()
    _walk(_parsed(html), page)
    text, forced, numbers = text_with_labels(page.lines)
    if not text.strip():
        raise InputError("E101", path)
    metadata = {**metadata, **page.metadata()}
    times = _anchor_times(text, page.anchors)
    if times:
        metadata["times"] = times
    result = interview_from_text(text, path, options.roles, metadata, fmt, forced, numbers)
    if warning:
        result.warnings.insert(0, warning)
    return result


def _decoded(data: bytes, path: Path, forced: str | None, declared: str | None = None) -> Decoded:
    """The page's text: in ``forced``, else in the encoding ``declared`` (by the part of a
    single-file page that holds it) or the page declares, unless its bytes are UTF-8 with
    characters beyond ASCII (or start with a byte-order mark); else as any text file is
    (:func:`~tr_nlp.ingest.encoding.decode_bytes`)."""
    if not forced and not declared:
        found = _CHARSET.search(data[:4096])
        declared = found[1].decode("ascii", "replace") if found else None
    if not forced and declared:
        label = declared.lower()
        label = "cp1252" if label in _WINDOWS_1252 else label
        try:
            codec = codecs.lookup(label).name
        except (LookupError, ValueError):  # ValueError: a name with a NUL in it
            codec = "utf-8"  # a name no codec has: detected as any text file is
        if codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be") and not _utf8_beyond_ascii(data):
            forced = codec
    return decode_bytes(data, path, forced)


def _parsed(text: str) -> etree._Element | None:
    """The page's element tree, as libxml2's HTML parser makes it of any tag soup (end tags
    a page leaves out implied, stray ones dropped; comments, processing instructions and the
    network left out); None for a page of no elements."""
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True,
                              encoding="utf-8")
    # as bytes of a stated encoding: lxml reads no str that names an encoding in an XML
    # declaration (XHTML's, or a second one after it, or one cut short), and libxml2 stopped
    # at a lone surrogate where it read a str
    return etree.fromstring(text.encode("utf-8", "replace"), parser)


def _walk(root: etree._Element | None, page: _Page) -> None:
    """Tell ``page`` of each element under ``root``, its text and the text after it, in
    document order (a loop, not recursion: a page may nest deeper than Python recurses)."""
    todo: list[tuple[Any, bool]] = [(root, False)] if root is not None else []
    while todo:
        element, ended = todo.pop()
        if ended:
            page.end()
        elif isinstance(element.tag, str):
            page.start(element.tag.lower(), {str(k).lower(): str(v) for k, v in element.attrib.items()},
                       element.text or "")
            page.data(element.text or "")
            todo.append((element, True))
            todo.extend((child, False) for child in reversed(element))
            continue
        page.data(element.tail or "")
    page.finish()


def _timed(tag: str, attributes: dict[str, str]) -> float | None:
    """When the text of an element that times it starts, in seconds: noScribe's anchor
    (``<a name="ts_15000_21000_S01">``) or oTranscribe's time stamp (``<span class="timestamp"
    data-timestamp="12.3">0:12</span>``); None for any other element.

    >>> _timed("a", {"name": "ts_15000_21000_S01"}), _timed("span", {"class": "timestamp", "data-timestamp": "12.3"})
    (15.0, 12.3)
    """
    if tag == "a":
        anchor = _NOSCRIBE_ANCHOR.match(attributes.get("name", ""))
        return int(anchor[1]) / 1000 if anchor else None
    stamp = attributes.get("data-timestamp", "") if tag == "span" and "timestamp" in attributes.get("class", "").split() else ""
    return float(stamp) if _SECONDS.fullmatch(stamp) else None


def _anchor_times(text: str, anchors: list[tuple[float, str]]) -> list[list[Any]]:
    """``[offset, seconds]`` where each anchor's text starts in ``text``, found in turn by
    its first words, whatever white space is between them (an anchor whose text is not found
    soon after the one before gives no time; after :data:`_MISSES` such anchors in a row,
    none looks further).

    >>> _anchor_times("S00: So. How?\\nS01: Well,\\nyes.", [(0.0, "S00: So."), (1.5, " How?"), (4.0, "S01: Well, yes.")])
    [[0, 0.0], [9, 1.5], [14, 4.0]]
    """
    times: list[list[Any]] = []
    at, reach, missed = 0, len(text), 0  # where the next anchor's text is looked for
    for seconds, said in anchors:
        words = normalise_text(said).split()[:6]
        found = re.compile(r"\s+".join(map(re.escape, words))).search(text, at, reach) if words else None
        if found:
            times.append([found.start(), seconds])
            at, reach, missed = found.end(), found.start() + len(said) + 1000, 0
        elif words:
            reach, missed = min(reach + len(said) + 1000, len(text)), missed + 1
            if missed == _MISSES:
                break
    return times


def _utf8_beyond_ascii(data: bytes) -> bool:
    """Whether ``data`` starts with a byte-order mark, or is UTF-8 with a character beyond ASCII."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


class _Page:
    """A page's lines as a browser shows them: (text, speaker label its bold start can be),
    and a table's rows as transcript lines (:func:`~tr_nlp.ingest.doctables.table_lines`).
    It is told of the page's elements in document order (:func:`_walk`)."""

    def __init__(self) -> None:
        self.lines: list[DocLine] = []
        self._open: list[tuple[str, bool, bool]] = []  # (tag, bold, unshown) of each open element
        self._pre = 0  # <pre> elements open
        self._paragraphs: list[int] = []  # for each open <p>, how many lines there were when it opened
        self._pieces: list[tuple[str, bool]] = []  # the line so far: (text, bold)
        self._bold_classes: set[str] = set()
        self._hidden_classes: set[str] = set()
        self._meta: dict[str, Any] = {}
        self._tables = 0  # tables open
        self._rows: list[list[str]] = []  # the outer table's rows so far
        self._cell: list[str] | None = None  # the open cell's text of the outer table
        #: elements that time their text (:func:`_timed`): (start in seconds, the text inside)
        self.anchors: list[tuple[float, str]] = []
        self._anchor: list[str] | None = None  # the open one's text so far
        self._anchor_depth = 0  # how many elements are open around it

    # --- the page's elements --------------------------------------------------------------
    def start(self, tag: str, attributes: dict[str, str], text: str) -> None:
        """An element starts; ``text`` is its own text (an element's ``text`` in lxml), which
        the head's ``<title>`` and ``<style>`` are read for."""
        if tag == "meta":
            self._read_meta(attributes)
        elif tag == "title" and not self._meta.get("title"):
            self._meta["title"] = " ".join(text.split())
        elif tag == "style":
            self._read_css(text)
        seconds = _timed(tag, attributes)
        if seconds is not None and self._anchor is None:
            self.anchors.append((seconds, ""))
            self._anchor, self._anchor_depth = [], len(self._open)
        if not self._unshown:
            if tag == "table":
                self._start_table()
            elif self._tables == 1 and tag in ("tr", "td", "th"):
                self._start_row_or_cell(tag)
            elif tag == "br":
                self._break(hard=True)
            elif tag in _BLOCKS or (self._tables > 1 and tag in ("tr", "td", "th")):
                self._break(hard=False)
        self._pre += tag == "pre"
        if tag == "p":
            self._paragraphs.append(len(self.lines))
        self._open.append((tag, self._bold_of(tag, attributes), self._hides(tag, attributes)))

    def end(self) -> None:
        """The innermost open element ends."""
        tag, _, unshown = self._open.pop()
        self._pre -= tag == "pre"
        if self._anchor is not None and len(self._open) == self._anchor_depth:
            self.anchors[-1] = (self.anchors[-1][0], "".join(self._anchor))
            self._anchor = None
        started = self._paragraphs.pop() if tag == "p" else None
        if not unshown:
            self._ended(tag, started)

    def data(self, data: str) -> None:
        """Text in the innermost open element."""
        if not data or self._unshown:
            return
        if self._anchor is not None:
            self._anchor.append(data)
        if self._cell is not None:
            self._cell.append(data)
        elif self._pre:
            for k, part in enumerate(data.split("\n")):
                if k:
                    self._break(hard=True)
                self._pieces.append((part, self._bold))
        else:
            self._pieces.append((_SPACES.sub(" ", data), self._bold))

    def finish(self) -> None:
        """The page ends."""
        self._end_table()
        self._break(hard=False)

    # --- what the page says of itself -----------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """The page's title and its author, description, keywords and subject."""
        return dict(self._meta)

    def _read_meta(self, attributes: dict[str, str]) -> None:
        name = attributes.get("name", "").strip().lower().removeprefix("dc.").removeprefix("dcterms.")
        name = {"creator": "author"}.get(name, name)
        content = " ".join(attributes.get("content", "").split())
        if name in (*_META_KEYS, "title") and content:
            self._meta.setdefault(name, content)

    def _read_css(self, css: str) -> None:
        """Classes a style sheet sets in bold, or hides."""
        for selectors, body in _css_rules(_CSS_COMMENT.sub("", css)):
            weight = _WEIGHT.search(body)
            bold = bool(weight) and _is_bold(weight[1])
            hidden = bool(_HIDING.search(body))
            for selector in selectors.split(","):
                simple = _CLASS_SELECTOR.fullmatch(selector)
                if simple and bold:
                    self._bold_classes.add(simple[1])
                if simple and hidden:
                    self._hidden_classes.add(simple[1])

    # --- state of the open elements -------------------------------------------------------
    @property
    def _unshown(self) -> bool:
        return bool(self._open) and self._open[-1][2]

    @property
    def _bold(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def _bold_of(self, tag: str, attributes: dict[str, str]) -> bool:
        weight = _WEIGHT.search(attributes.get("style", ""))
        if weight:
            return _is_bold(weight[1])
        if tag in _BOLD_TAGS or self._bold_classes.intersection(attributes.get("class", "").split()):
            return True
        return self._bold

    def _hides(self, tag: str, attributes: dict[str, str]) -> bool:
        return (tag in _UNSHOWN or "hidden" in attributes or bool(_HIDING.search(attributes.get("style", "")))
                or bool(self._hidden_classes.intersection(attributes.get("class", "").split())) or self._unshown)

    def _ended(self, tag: str, started: int | None) -> None:
        """What an element's end does to the lines (``started``: for a paragraph, how many
        lines there were when it opened)."""
        if tag == "table":
            self._end_table()
        elif self._tables == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self._tables == 1 and tag == "tr":
            self._end_cell()
            self._end_row()
        elif tag in _BLOCKS and self._cell is None:
            # a paragraph that made no line is an empty one (Word's blank lines); one that ends
            # in <br> already ended its line
            self._break(hard=False, empty=started == len(self.lines))
        elif tag in _BLOCKS:
            self._cell.append(" ")

    # --- lines and tables -----------------------------------------------------------------
    def _break(self, hard: bool, empty: bool = False) -> None:
        """End the line: always where ``hard`` (``<br>``), else if it has text; a paragraph
        with none is an ``empty`` line."""
        if self._anchor is not None:
            self._anchor.append(" ")  # a line break inside an anchor parts its words
        if self._cell is not None:
            self._cell.append(" ")
            return
        if not hard and not any(text.strip() for text, _ in self._pieces):
            self._pieces = []
            if not empty:
                return
        pieces, self._pieces = self._pieces, []
        pre = self._pre > 0
        text = "".join(piece for piece, _ in pieces)
        # the line's leading bold text, and blanks around it, after a time stamp that may come
        # first (oTranscribe's "0:12 <b>P07</b> ...")
        first = next((k for k, (piece, _) in enumerate(pieces) if piece.strip()), len(pieces))
        skip = first + 1 if first < len(pieces) and _STAMP.fullmatch(pieces[first][0].strip()) else 0
        leading: list[str] = []
        for piece, bold in pieces[skip:]:
            if not (bold or not piece.strip()) or len(leading) > 100:  # a label is short
                break
            leading.append(piece)
        prefix = "".join(leading)
        if not pre:
            text, prefix = re.sub(" {2,}", " ", text).strip(" "), re.sub(" {2,}", " ", prefix).lstrip(" ")
        label = (styled_label(prefix) if any(bold and piece.strip() for piece, bold in pieces[skip:skip + len(leading)])
                 else None)
        self.lines.append((text, label))

    def _start_table(self) -> None:
        self._tables += 1
        if self._tables == 1:
            self._break(hard=False)
            self._rows, self._cell = [], None
        elif self._cell is not None:
            self._cell.append(" ")

    def _start_row_or_cell(self, tag: str) -> None:
        if tag == "tr":
            self._end_cell()
            self._end_row()
            self._rows.append([])
        else:
            self._end_cell()
            if not self._rows:
                self._rows.append([])
            self._cell = []

    def _end_cell(self) -> None:
        if self._cell is not None:
            if not self._rows:
                self._rows.append([])
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def _end_row(self) -> None:
        if self._rows and not self._rows[-1]:
            self._rows.pop()  # a row with no cells

    def _end_table(self) -> None:
        if self._tables == 0:
            return
        self._tables -= 1
        if self._tables == 0:
            self._end_cell()
            self._end_row()
            self.lines.extend(table_lines(self._rows))
            self._rows = []


def _is_bold(weight: str) -> bool:
    """Whether a CSS ``font-weight`` is bold (``bold``, ``bolder``, 600 to 900)."""
    weight = weight.lower()
    number = whole_number(weight)
    return weight in ("bold", "bolder") or (number is not None and number >= 600)


def _css_rules(css: str) -> Iterator[tuple[str, str]]:
    """Each innermost rule of a style sheet (comments taken out): its selectors and its body,
    in one pass (a pattern tried from each character of a long sheet without braces took
    time quadratic in its length).

    >>> list(_css_rules(".a, .b {font-weight: bold} @media print {.c{display:none}} stray}"))
    [('.a, .b ', 'font-weight: bold'), ('.c', 'display:none')]
    """
    for chunk in css.split("}")[:-1]:  # what follows the last "}" is no rule
        head, brace, body = chunk.rpartition("{")
        selectors = head.rpartition("{")[2]
        if brace and selectors:
            yield selectors, body
