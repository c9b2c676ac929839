"""Shared fixtures: small inline corpora, the demo corpus, the shared real data."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import shutil
import signal
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"
SHARED_DATA = ROOT.parent / "shared" / "data"
ANNOMI_FULL = SHARED_DATA / "annomi" / "AnnoMI-full.csv"

if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    # `make test` runs one worker per core: a worker's torch and BLAS threads beyond one
    # only fight the other worker for the cores.
    for _threads in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(_threads, "1")


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    """As in a process whose heap is large: no garbage collection runs by itself meanwhile
    (the collector stays enabled: ``gc.isenabled()`` is still true)."""
    gc.collect()
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    yield
    gc.set_threshold(*thresholds)
    gc.collect()


@pytest.fixture
def annomi_full() -> Path:
    if not ANNOMI_FULL.is_file():
        pytest.skip("../shared/data/annomi is not beside this checkout")
    return ANNOMI_FULL


def yaml_bomb(levels: int = 9) -> str:
    """A flow-style YAML value of a few hundred characters that expands to 9**(levels + 1) values
    (the "billion laughs": each anchor's list repeats the previous one nine times)."""
    names = "abcdefghijklmnop"
    parts = [f"&a [{','.join('l' * 9)}]"]
    parts += [f"&{names[i]} [{','.join([f'*{names[i - 1]}'] * 9)}]" for i in range(1, levels + 1)]
    return f"[{','.join(parts)}]"


def without_examples(codebook):
    """``codebook`` as a model's card keeps it: its codes without their examples (often quotes)."""
    from dataclasses import replace

    return replace(codebook, codes=tuple(replace(code, examples=()) for code in codebook.codes))


def write_coded_corpus(root: Path, texts: Sequence[str], coded: str, code: str = "listened") -> Path:
    """``root/interviews/t0.txt``... of ``texts``, and ``root/codings.csv`` coding the first
    ``coded`` in each as ``code`` by coder_a."""
    rows = ["interview_id,start,end,code,coder"]
    (root / "interviews").mkdir(parents=True, exist_ok=True)
    for k, text in enumerate(texts):
        (root / "interviews" / f"t{k}.txt").write_text(text, encoding="utf-8")
        start = text.index(coded)
        rows.append(f"t{k},{start},{start + len(coded)},{code},coder_a")
    (root / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def make_docx(path: Path, paragraphs: list[tuple[str | None, str]], comments: str = "") -> Path:
    """A .docx with one paragraph per (bold label or None, text)."""
    import docx

    document = docx.Document()
    for label, text in paragraphs:
        paragraph = document.add_paragraph()
        if label is not None:
            paragraph.add_run(label).bold = True
        paragraph.add_run(text)
    if comments:
        document.core_properties.comments = comments
    document.save(str(path))
    return path


def with_replies(path: Path, replies: Sequence[tuple[str, str, str]], resolved: Sequence[str] = ()) -> Path:
    """Add to the .docx ``path`` replies as Word writes them: each (the id of the comment it
    answers, its text, its author) a comment of its own, id ``900``, ``901``..., on the range of
    the comment it answers, referenced in a run after that comment's reference, marked a
    reply in ``commentsExtended.xml``; ``resolved`` names comments marked done."""
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    with zipfile.ZipFile(path) as z:
        files = {name: z.read(name) for name in z.namelist()}
    comments, document = files["word/comments.xml"].decode(), files["word/document.xml"].decode()
    para = {}  # comment id -> its paragraph id

    def _paragraph_id(comment_id: str) -> str:
        nonlocal comments
        if comment_id not in para:
            para[comment_id] = f"{0x100000 + len(para):08X}"
            found = re.search(rf'<w:comment w:id="{comment_id}".*?</w:comment>', comments, flags=re.DOTALL)
            last = list(re.finditer(r"<w:p(?=[\s>])", found.group()))[-1]
            element = (found.group()[:last.end()] + f' w14:paraId="{para[comment_id]}"' + found.group()[last.end():]
                       ).replace("<w:comment ", f'<w:comment xmlns:w14="{w14}" ', 1)
            comments = comments.replace(found.group(), element)
        return para[comment_id]

    extended = []
    for k, (parent, note, author) in enumerate(replies):
        own = str(900 + k)
        comments = comments.replace("</w:comments>", (
            f'<w:comment w:id="{own}" w:author="{author}" w:initials="{author[:1]}"><w:p>'
            f"<w:r><w:t>{note}</w:t></w:r></w:p></w:comment></w:comments>"))
        for mark in ("commentRangeStart", "commentRangeEnd"):  # on the range of the comment answered
            document = document.replace(f'<w:{mark} w:id="{parent}"/>',
                                        f'<w:{mark} w:id="{parent}"/><w:{mark} w:id="{own}"/>')
        reference = re.search(rf'<w:r>(?:(?!<w:r>).)*?<w:commentReference w:id="{parent}"/>.*?</w:r>', document,
                              flags=re.DOTALL)
        if reference:  # (LibreOffice reads no comment without one)
            document = (document[:reference.end()] + f'<w:r><w:commentReference w:id="{own}"/></w:r>'
                        + document[reference.end():])
        extended.append((_paragraph_id(own), _paragraph_id(parent)))
    for comment_id in resolved:
        _paragraph_id(comment_id)
    done = {para[c] for c in resolved}
    parents = dict(extended)
    entries = "".join(f'<w15:commentEx w15:paraId="{p}"' + (f' w15:paraIdParent="{parents[p]}"' if p in parents else "")
                      + f' w15:done="{int(p in done)}"/>' for p in para.values())
    files["word/comments.xml"], files["word/document.xml"] = comments.encode(), document.encode()
    files["word/commentsExtended.xml"] = f'<w15:commentsEx xmlns:w15="{w15}">{entries}</w15:commentsEx>'.encode()
    rels = files["word/_rels/document.xml.rels"].decode()
    files["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdX" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended" '
        'Target="commentsExtended.xml"/></Relationships>')).encode()
    types = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/word/commentsExtended.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>')).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def make_pdf(path: Path, pages: list[list[str]], title: str = "", encrypt: str | None = None,
             algorithm: str = "RC4-128") -> Path:
    """A PDF with one page per list of text lines (Helvetica, top down), and a title.

    ``encrypt`` sets a user password ("" for none, only an owner's: a "protected" PDF that
    opens without one) and encrypts with ``algorithm`` (pypdf writes the encrypted copy).
    """
    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
               + b"] /Count %d >>" % n,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        body = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
        stream = body.encode("cp1252")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info = len(objects) + 1
    objects.append(b"<< /Title (" + escape(title).encode("cp1252") + b") >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    path.write_bytes(bytes(out))
    if encrypt is not None:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(encrypt, owner_password="owner", algorithm=algorithm)
        writer.write(path)
    return path


class TookTooLong(BaseException):
    """Raised by :func:`at_most`: no ``except Exception`` (or ``OSError``, as ``TimeoutError`` is) of the code
    under test can take it for a failure of its own."""


@contextlib.contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail, rather than wait forever, when the block takes longer than ``seconds``."""
    def late(signum: int, frame: object) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _session_folder(tmp_path_factory) -> Path:
    """The test session's temporary folder: under pytest-xdist, the one that holds each
    worker's own, so that what the workers share lives there."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(autouse=True, scope="session")
def _embedding_cache(tmp_path_factory):
    """Tests never write the user's embedding cache.

    Under pytest-xdist the workers share one cache (SQLite in WAL mode, as a batch's
    workers share the user's), so a text one worker embedded is not embedded again.
    """
    previous = os.environ.get("TR_NLP_CACHE")
    cache = _session_folder(tmp_path_factory) / "embedding-cache"
    cache.mkdir(exist_ok=True)
    os.environ["TR_NLP_CACHE"] = str(cache)
    yield
    if previous is None:
        os.environ.pop("TR_NLP_CACHE", None)
    else:
        os.environ["TR_NLP_CACHE"] = previous


@pytest.fixture(scope="session")
def demo_coded():
    from tr_nlp.coding import coded_data
    from tr_nlp.ingest import load_corpus

    corpus = load_corpus([DEMO])
    return corpus, coded_data(corpus)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """``tr-nlp demo`` once per session, with every network socket blocked.

    This is the offline guarantee's test: the whole pipeline (embeddings, training,
    discovery, export, report) runs with no socket at all, or the fixture fails. Under
    pytest-xdist the workers share one run: the first to need it runs the demo while the
    others wait on a lock; tests only read the folder (or copy it).
    """
    from filelock import FileLock

    shared = _session_folder(tmp_path_factory)
    out = shared / "demo-run" / "run"
    with FileLock(shared / "demo-run.lock"):
        if not (out / "stdout.txt").is_file():  # written last, once the demo succeeded
            shutil.rmtree(out, ignore_errors=True)
            _run_demo(out)
    return out


def _run_demo(out: Path) -> None:
    import pytest_socket
    from typer.testing import CliRunner

    from tr_nlp.cli import app

    pytest_socket.disable_socket(allow_unix_socket=False)
    try:
        result = CliRunner().invoke(app, ["demo", "-o", str(out)])
    finally:
        pytest_socket.enable_socket()
    assert result.exit_code == 0, (result.stderr, result.exception)
    (out / "stderr.txt").write_text(result.stderr)
    (out / "stdout.txt").write_text(result.stdout)
