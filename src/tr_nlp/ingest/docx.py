"""Word (.docx) transcripts, read with python-docx.

Each paragraph becomes a line of the stored text (inside content controls too); table
rows become ``Speaker: text`` lines, their time column the turn's time (see
:func:`tr_nlp.ingest.doctables.table_lines`). A speaker label is either a text prefix
(``Interviewer: ...``, as in plain text) or the paragraph's leading bold run(s)
(**Interviewer** Did you ...). Document
properties become metadata; a ``comments`` property written as ``key: value`` lines is
parsed into metadata too (the demo corpus marks itself ``synthetic: true`` there).

Comments on passages, and the cells of a transcript table's codes column, are codings
(:mod:`tr_nlp.ingest.comments`): ``ReadResult.comment_codings``; replies to tr_nlp's own
comments say whether a coder takes a suggestion (:func:`~tr_nlp.ingest.comments.answered`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tr_nlp.errors import InputError
from tr_nlp.ingest.archive import check_office_archive
from tr_nlp.ingest.base import ReadOptions, ReadResult
from tr_nlp.ingest.comments import (
    Comment,
    answered,
    column_comments,
    quoted,
    threads,
    with_comment_codings,
)
from tr_nlp.ingest.doctables import table_codes, table_lines
from tr_nlp.ingest.text import (
    HEADING,
    DocLine,
    interview_from_text,
    metadata_yaml,
    styled_label,
    text_with_labels,
)
from tr_nlp.wholes import whole_number

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: WordprocessingML's namespace, as ElementTree and lxml write it before a tag.
W = _W
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Text under these is not what the document shows: deleted or moved-away tracked changes,
#: the fallback copy of a drawing, text boxes (not speech).
_HIDDEN = {_W + "del", _W + "moveFrom", _W + "txbxContent", _MC_FALLBACK}
#: Block-level wrappers that change nothing the document says: content controls (forms and
#: templates put whole passages in them) and custom XML.
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}
#: The most cells :func:`table_grid` spreads a row over: Word's tables have at most 63 columns.
MAX_COLUMNS = 64


#: Elements that show text: runs' text, tabs, line breaks, non-breaking hyphens.
_TEXT_TAGS = (_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen")
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
#: The part that says which comments are replies to others (Word 2013 on).
_RT_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def paragraph_text(p: Any) -> str:
    """The text a ``w:p`` element shows, tracked insertions included and deletions left out.

    python-docx's ``Paragraph.text`` reads only the paragraph's own runs and hyperlinks, so
    the text of an unaccepted insertion (``w:ins``), a smart tag or a field result is lost;
    this reads every ``w:t`` in document order instead.
    """
    return "".join(_shown(el) for el in p.iter(*_TEXT_TAGS))


def _shown(el: Any) -> str:
    """The text one of :data:`_TEXT_TAGS` shows ("" under a deletion, in a text box...)."""
    if any(a.tag in _HIDDEN for a in el.iterancestors()):
        return ""
    tag = el.tag[len(_W):]
    if tag == "t":
        return el.text or ""
    if tag == "tab":  # in a run; in a paragraph's properties (w:tabs) it is a tab stop, no text
        return "" if el.getparent().tag == _W + "tabs" else "\t"
    if tag == "noBreakHyphen":
        return "-"
    return "\n" if el.get(_W + "type") in (None, "textWrapping") else ""  # page and column breaks are not text


def _comments(document: Any) -> tuple[list[Comment], list[str]]:
    """The comments on passages of the body, with what replies to tr_nlp's own comments say
    (:func:`~tr_nlp.ingest.comments.answered`), and warnings."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    parts = {rel.reltype: rel.target_part for rel in document.part.rels.values() if not rel.is_external}
    if RT.COMMENTS not in parts:
        return [], []
    extended = _extended(parts.get(_RT_COMMENTS_EXTENDED))
    shown, spans = _commented(document.element.body)
    quotes = dict(zip(spans, quoted(shown, list(spans.values()))))
    found: list[Comment] = []
    place: dict[str, int] = {}  # a comment's paragraph id -> its place in found
    resolved: set[int] = set()
    replies: list[tuple[str | None, str, Comment]] = []  # (its paragraph id, the one it answers, the reply)
    for comment in parts[RT.COMMENTS].element.iter(_W + "comment"):
        paragraphs = list(comment.iter(_W + "p"))
        para_id = paragraphs[-1].get(_W14 + "paraId") if paragraphs else None
        parent, done = extended.get(para_id, (None, False))
        note = "\n".join(map(paragraph_text, paragraphs))
        author = (comment.get(_W + "author") or comment.get(_W + "initials") or "").strip() or "unknown"
        where = quotes.get(comment.get(_W + "id"))
        if parent:
            replies.append((para_id, parent, Comment("", 0, note, author)))
        elif where is not None:
            if para_id:
                place[para_id] = len(found)
            if done:
                resolved.add(len(found))
            found.append(Comment(*where, note, author))
    return answered(found, threads(place, replies), resolved)


def shown_pieces(body: Any, *markers: str) -> Iterator[tuple[str, Any]]:
    """The text a document's ``body`` shows, piece by piece with the element showing it: a
    ``"\\n"`` at each paragraph's start (a line per paragraph), then what each text element
    shows (``""`` for one the document hides); elements of the ``markers`` tags (comments'
    range marks) come as ``""`` in their place."""
    for el in body.iter(_W + "p", *_TEXT_TAGS, *markers):
        yield ("\n" if el.tag == _W + "p" else "" if el.tag in markers else _shown(el)), el


def _commented(body: Any) -> tuple[str, dict[str, tuple[int, int]]]:
    """The body's text as shown (a line per paragraph), and each comment's span in it."""
    pieces: list[str] = []
    length = 0
    opened: dict[str, int] = {}
    spans: dict[str, tuple[int, int]] = {}
    for piece, el in shown_pieces(body, _W + "commentRangeStart", _W + "commentRangeEnd"):
        if el.tag == _W + "commentRangeStart":
            opened[el.get(_W + "id")] = length
        elif el.tag == _W + "commentRangeEnd" and el.get(_W + "id") in opened:
            spans[el.get(_W + "id")] = (opened.pop(el.get(_W + "id")), length)
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces), spans


def _extended(part: Any) -> dict[str, tuple[str | None, bool]]:
    """For each comment's (last) paragraph id, the paragraph id of the comment it answers
    (``w15:paraIdParent``; None for a comment that starts a thread) and whether it is
    marked resolved (``w15:done``)."""
    if part is None:
        return {}
    from docx.oxml.parser import parse_xml

    return {ex.get(_W15 + "paraId"): (ex.get(_W15 + "paraIdParent"), ex.get(_W15 + "done") in ("1", "true"))
            for ex in parse_xml(part.blob).iter(_W15 + "commentEx") if ex.get(_W15 + "paraId")}


def _elements(parent: Any, *tags: str) -> Iterator[Any]:
    """The elements of ``tags`` under ``parent``, in order, through content controls and
    custom XML (:data:`_WRAPPERS`): its blocks (``w:p``, ``w:tbl``), a table's rows, a row's
    cells."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _elements(child, *tags)


def cell_text(tc: Any) -> str:
    """A table cell's paragraphs (a nested table's too), a line each."""
    lines = []
    for el in _elements(tc, _W + "p", _W + "tbl"):
        lines += [paragraph_text(el)] if el.tag == _W + "p" else [paragraph_text(p) for p in el.iter(_W + "p")]
    return "\n".join(lines).strip()


def table_grid(tbl: Any, spread: bool = False) -> list[list[str]]:
    """A ``w:tbl`` element's rows as their cells' texts (:func:`cell_text`), rows and cells
    in content controls too.

    A cell merged down from the row above (``w:vMerge``) has the text of the cell it
    continues. A cell merged across columns (``w:gridSpan``) is one cell; with ``spread``
    it is repeated in each column it covers, and the columns a row leaves out before its
    first cell (``w:gridBefore``) are empty cells, so cells stay under their header, up to
    :data:`MAX_COLUMNS` cells a row. A merge is followed by grid columns, so it costs no
    more time or memory than the cells written, whatever width a damaged or hostile file
    declares.

    >>> from docx.oxml import parse_xml
    >>> cell = '<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'.format
    >>> down, across = '<w:tcPr><w:vMerge/></w:tcPr>', '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
    >>> tbl = parse_xml(f'<w:tbl xmlns:w="{W[1:-1]}"><w:tr>{cell(across, "Theme")}</w:tr>'
    ...                 f'<w:tr>{cell("", "Trust")}{cell("", "Warmth")}</w:tr><w:tr>{cell(down, "")}{cell("", "Care")}</w:tr>'
    ...                 '</w:tbl>')
    >>> table_grid(tbl)
    [['Theme'], ['Trust', 'Warmth'], ['Trust', 'Care']]
    >>> table_grid(tbl, spread=True)[0]
    ['Theme', 'Theme']
    """
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # the text of each cell of the row above, by the grid column it starts at
    for tr in _elements(tbl, _W + "tr"):
        cells: list[str] = []
        starts: dict[int, str] = {}
        column = _whole(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        if spread:
            cells += [""] * min(column, MAX_COLUMNS)
        for tc in _elements(tr, _W + "tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = merge is not None and merge.get(_W + "val", "continue") == "continue"
            text = above[column] if continued and column in above else cell_text(tc)
            span = _whole(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)
            cells += [text] * (min(span, max(MAX_COLUMNS - len(cells), 0)) if spread else 1)
            starts[column] = text
            column += span
        rows.append(cells)
        above = starts
    return rows


def _whole(element: Any, default: int) -> int:
    """An element's ``w:val`` as a whole number of at least ``default``; ``default`` where
    there is no element or its value is no such number."""
    number = None if element is None else whole_number(element.get(_W + "val"))
    return default if number is None else max(number, default)


def _blocks(document: Any) -> tuple[list[DocLine], dict[int, str], bool]:
    """The (text, bold label or None) of body paragraphs and (text, label, line number) of
    table rows, in order; for the rows of a transcript table's codes column, their index
    there and codes cell; and whether the document is a codebook (mostly tables of codes:
    :func:`~tr_nlp.codebook_table.is_codebook_table`)."""
    from docx.text.paragraph import Paragraph

    # imported here, as tr_nlp.codebook_table reads Word codebooks through this module
    from tr_nlp.codebook_table import is_codebook_table

    blocks: list[DocLine] = []
    coded: dict[int, str] = {}
    headings = _heading_styles(document)
    codebook, size = 0, 0  # characters in tables of codes, in the whole document
    for child in _elements(document.element.body, _W + "p", _W + "tbl"):
        if child.tag == _W + "p":
            heading = child.pPr is not None and child.pPr.pStyle is not None and child.pPr.pStyle.val in headings
            blocks.append((paragraph_text(child), HEADING if heading else _bold_prefix(Paragraph(child, document))))
            size += len(blocks[-1][0])
        else:  # a table (:func:`tr_nlp.ingest.doctables.table_lines`)
            rows = table_grid(child)
            cells = sum(len(cell) for row in rows for cell in row)
            size += cells
            codebook += cells if is_codebook_table(rows) else 0
            coded.update((len(blocks) + i, codes) for i, codes in table_codes(rows).items())
            blocks.extend(table_lines(rows))
    return blocks, coded, codebook > 0 and codebook * 2 >= size


def _heading_styles(document: Any) -> frozenset[str]:
    """The ids of a document's heading styles (``Heading 2``, ``Title``, ``Subtitle``, as Word
    names its built-in styles whatever the language it shows them in), found once: asking
    each paragraph for its style made reading a long transcript ten times slower."""
    return frozenset(style.style_id for style in document.styles
                     if (style.name or "").casefold().startswith(("heading", "title", "subtitle")))


def _bold_prefix(paragraph: Any) -> str | None:
    prefix = ""
    for run in paragraph.runs:
        if not run.bold:
            break
        prefix += run.text
    return styled_label(prefix)


def parsed_comments(text: str) -> Any:
    """What a document's comments property says as YAML (``key: value`` lines: a mapping,
    its values as written: :func:`~tr_nlp.ingest.text.metadata_yaml`); None for none, or
    for text that is not YAML or is YAML no one should expand
    (:class:`~tr_nlp.yamlfile.UnsafeYAML`), which is kept as text."""
    try:
        return metadata_yaml(text) if text else None
    except yaml.YAMLError:
        return None


def _metadata(document: Any) -> dict[str, Any]:
    props = document.core_properties
    meta: dict[str, Any] = {}
    for key in ("title", "subject", "keywords", "author", "category"):
        value = getattr(props, key, None)
        if value:
            meta[key] = value
    if props.created:
        meta["created"] = props.created.isoformat()
    return with_comments_property(meta, props.comments or "")


def with_comments_property(meta: dict[str, Any], comments: str) -> dict[str, Any]:
    """``meta`` with what a document's comments property says: the keys of a YAML mapping
    (:func:`parsed_comments`), else the text as ``comments``."""
    parsed = parsed_comments(comments)
    if isinstance(parsed, dict):
        meta.update({str(k): v for k, v in parsed.items()})
    elif comments:
        meta["comments"] = comments
    return meta


def read_docx(path: str | Path, options: ReadOptions = ReadOptions()) -> ReadResult:
    """Read a ``.docx`` transcript into one :class:`Interview`."""
    import docx

    path = Path(path)
    check_office_archive(path, ".docx")
    try:
        document = docx.Document(str(path))
        blocks, coded, codebook = _blocks(document)
        metadata = _metadata(document)
        comments, notes = _comments(document)
        comments += column_comments(blocks, coded)
    except Exception as exc:  # python-docx raises many types on damaged files
        raise InputError("E110", path, kind=".docx", app="Word", detail=f"{type(exc).__name__}: {exc}") from None
    if codebook:
        raise InputError("E116", path)
    text, forced, numbers = text_with_labels(blocks)
    if not text.strip():
        raise InputError("E101", path)
    result = interview_from_text(text, path, options.roles, metadata, "docx", forced, numbers)
    result.warnings.extend(notes)
    return with_comment_codings(result, comments)
