"""How long a Word document with many comments takes to build.

    python benchmarks/word_comments.py [--comments 1000 2000 4000]

An interview of N lines, each line a suggestion (a comment on its words), built as
``tr-nlp export`` and ``batch --word`` build it (:func:`tr_nlp.export.word.word_document`),
against a named baseline in the same run: the same document with each comment added by
python-docx's ``Document.add_comment`` alone, which reads every comment's id again to
number the next one.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any
from unittest import mock

from tr_nlp.export import word
from tr_nlp.export.word import MarginNote, initials, word_document
from tr_nlp.schema import Interview


def python_docx_alone(document: Any, placed: Sequence[tuple[Any, Any, MarginNote]]) -> None:
    """The baseline: each comment added by python-docx as it numbers them."""
    for first, last, note in placed:
        document.add_comment([first, last], text=note.text, author=note.author, initials=initials(note.author))


def interview_of(lines: int) -> tuple[Interview, list[MarginNote]]:
    """An interview of ``lines`` turns, a note on each turn's words."""
    text = "\n".join(f"P: and the nurse, she came back on day {k}, you know." for k in range(lines))
    notes, start = [], 0
    for line in text.split("\n"):
        notes.append(MarginNote(start + 3, start + len(line), "beyond_routine: p=0.81", "tr_nlp model demo 1"))
        start += len(line) + 1
    return Interview("p1", text), notes


def seconds(interview: Interview, notes: list[MarginNote]) -> float:
    started = time.perf_counter()
    document = word_document(interview, notes)
    elapsed = time.perf_counter() - started
    assert len(list(document.comments)) == len(notes)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args()
    word_document(*interview_of(10))  # python-docx's imports, outside the timing
    print(f"{'comments':>9}{'baseline s':>12}{'tr_nlp s':>10}{'ratio':>8}")
    for n in args.comments:
        interview, notes = interview_of(n)
        with mock.patch.object(word, "add_comments_on", python_docx_alone):
            baseline = seconds(interview, notes)
        ours = seconds(interview, notes)
        print(f"{n:>9}{baseline:>12.2f}{ours:>10.2f}{baseline / ours:>8.1f}")


if __name__ == "__main__":
    main()
