"""Memory of a process writing many Word documents, as ``tr-nlp batch --word`` does.

    python benchmarks/word_memory.py [--documents 1500]

The demo corpus's interviews are written as ``.docx`` one after another, ``--documents``
in all, in a process that first loads what a batch holds (the sentence encoder, the demo
corpus read and segmented), so that Python's full garbage collection runs as rarely as it
does there. Each way runs in a fresh process; printed: the memory after loading, at the
end and at its peak, and the seconds spent writing.

- baseline: ``write_docx`` without :func:`tr_nlp.memory.freeing_cycles` (python-docx's
  documents freed by Python's own collections);
- tr_nlp: ``write_docx`` as it is.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
WAYS = ("baseline", "tr_nlp")


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def child(way: str, documents: int) -> dict[str, float]:
    """Load a batch's heap, write ``documents`` Word documents ``way``; the figures."""
    from tr_nlp.export.word import write_docx
    from tr_nlp.features.embeddings import load_encoder
    from tr_nlp.ingest import load_corpus
    from tr_nlp.segment import Segmenter

    encoder = load_encoder()
    corpus = load_corpus([DEMO])
    segments = Segmenter().segment(corpus.interviews)
    write = write_docx if way == "tr_nlp" else write_docx.__wrapped__
    loaded = resident_mb()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        for k in range(documents):
            write(Path(folder) / "interview.docx", corpus.interviews[k % len(corpus.interviews)])
        seconds = time.perf_counter() - started
    assert encoder is not None and segments
    return {"loaded_mb": loaded, "end_mb": resident_mb(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1500)
    parser.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.documents)))
        return
    print(f"{args.documents} Word documents of the demo's interviews, each way in a fresh process")
    print(f"{'way':<10}{'loaded MB':>11}{'end MB':>9}{'peak MB':>9}{'growth KB/doc':>15}{'seconds':>9}")
    for way in WAYS:
        out = subprocess.run([sys.executable, __file__, "--child", way, "--documents", str(args.documents)],
                             check=True, capture_output=True, text=True).stdout
        f = json.loads(out.strip().splitlines()[-1])
        growth = (f["end_mb"] - f["loaded_mb"]) * 1024 / args.documents
        print(f"{way:<10}{f['loaded_mb']:>11.0f}{f['end_mb']:>9.0f}{f['peak_mb']:>9.0f}{growth:>15.1f}"
              f"{f['seconds']:>9.1f}")


if __name__ == "__main__":
    main()
