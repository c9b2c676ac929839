"""Helpers for transcripts kept as XML documents (ELAN's ``.eaf``, Transcriber's ``.trs``).

The file is parsed with ``defusedxml``: a document that declares entities or refers to
external ones is refused, and a DTD it names is never fetched.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from tr_nlp.errors import InputError
from tr_nlp.ingest.encoding import MAX_TEXT_MB, normalise_text, read_bytes


def parse_document(path: Path, kind: str, app: str) -> Element:
    """The root of the XML file ``path``, a ``kind`` file (``".eaf"``) that ``app`` saves.

    Raises
    ------
    InputError
        E101 for an empty file, E110 for one that is not well-formed XML or declares entities.
    """
    data = read_bytes(path, max_mb=MAX_TEXT_MB)
    try:
        return DefusedET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise InputError("E110", path, kind=kind, app=app,
                         detail=f"it declares entities or external references ({type(exc).__name__})") from None
    except (ParseError, LookupError) as exc:  # LookupError: an unknown declared encoding
        if not data.strip():
            raise InputError("E101", path) from None
        raise InputError("E110", path, kind=kind, app=app, detail=f"XML syntax error: {exc}") from None


def said(text: str | None) -> str:
    """Annotated text as one line: printable characters, white space runs one space ('' for none).

    >>> said(" It was,\\n   you know,\\x07 fine. ")
    'It was, you know, fine.'
    """
    return " ".join("".join(c for c in normalise_text(text or "") if c.isprintable() or c.isspace()).split())


def file_name(url: str) -> str:
    """The file a URL or path names, without the folders around it (which may name a person).

    >>> file_name("file:///C:/Users/jo/Interviews/P07.wav"), file_name("C:\\\\Users\\\\P07.wav"), file_name("./P07.wav")
    ('P07.wav', 'P07.wav', 'P07.wav')
    """
    return said(PureWindowsPath(PurePosixPath(url.split("://", 1)[-1]).name).name)


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def descendants(element: Element, tag: str) -> list[Element]:
    """Every element named ``tag`` below ``element`` (in any namespace), in document order."""
    return [e for e in element.iter() if isinstance(e.tag, str) and local(e.tag) == tag]
