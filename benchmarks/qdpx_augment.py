"""Adding a model's suggestions to a team's REFI-QDA project, next to rebuilding the project, in one run.

    python benchmarks/qdpx_augment.py [--interviews 40] [--sentences 1300] [--repeat 3]

Project: ``--interviews`` text sources of an interviewer's question and a participant's
answer of ``--sentences`` sentences (about 46 characters each), with CRLF line ends and an
emoji, so that every reading of positions exists, and a picture file beside them. Layer:
one suggestion per sentence (``--interviews`` x ``--sentences`` codings).
Baseline: ``write_qdpx`` of the same interviews and layer (what ``export --rebuild`` writes,
a new project of what tr_nlp reads). Measured: ``add_to_project`` (the project as it was
plus the layer), and again onto its own output (the layer's earlier selections replaced).
``read_project`` of the project is timed apart; best of ``--repeat`` runs for each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from tr_nlp.export.augment import add_to_project
from tr_nlp.export.qdpx import MachineCoding, MachineLayer, write_qdpx
from tr_nlp.ingest.qdpx import read_project

SENTENCE = "The nurse stayed late and we talked about it. "
GUID = "{:08x}-0000-4000-8000-000000000000".format


def make_project(path: Path, interviews: int, sentences: int) -> Path:
    text = "Interviewer: How was it on the ward? \U0001F600\r\nParticipant: " + SENTENCE * sentences + "\r\n"
    sources = "".join(f'<TextSource guid="{GUID(100 + i)}" name="i{i:03d}" plainTextPath="internal://{GUID(100 + i)}.txt"/>'
                      for i in range(interviews))
    picture = f'<PictureSource guid="{GUID(99)}" name="ward.png" path="internal://{GUID(99)}.png"/>'
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="bench">'
           f'<Users><User guid="{GUID(1)}" name="coder"/></Users><Sources>{sources}{picture}</Sources></Project>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{GUID(99)}.png", bytes(range(256)) * 4000)
        for i in range(interviews):
            archive.writestr(f"sources/{GUID(100 + i)}.txt", text.encode("utf-8"))
    return path


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=40)
    parser.add_argument("--sentences", type=int, default=1300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_project(folder / "team.qdpx", args.interviews, args.sentences)
        read_seconds = best_of(args.repeat, lambda: read_project(source))
        project = read_project(source)
        codings = []
        for iv in project.result.interviews:
            at = iv.text.find("The nurse")
            while at >= 0:
                codings.append(MachineCoding(iv.id, at, at + len(SENTENCE.strip()), "warmth", "warmth: p=0.90"))
                at = iv.text.find("The nurse", at + 1)
        layer = [MachineLayer("tr_nlp model bench 1", tuple(codings))]
        rebuild = best_of(args.repeat, lambda: write_qdpx(folder / "rebuilt.qdpx", project.result.interviews, None,
                                                          codings=project.result.codings, layers=layer))
        added = best_of(args.repeat, lambda: add_to_project(project, folder / "added.qdpx", layer))
        again = read_project(folder / "added.qdpx")
        replaced = best_of(args.repeat, lambda: add_to_project(again, folder / "again.qdpx", layer))
        assert len(read_project(folder / "again.qdpx").result.machine_codings) == len(codings)
        chars = sum(len(iv.text) for iv in project.result.interviews)
    print(f"project: {args.interviews} interviews, {chars:,} characters, {len(codings):,} suggestions; "
          f"best of {args.repeat}")
    print(f"  read_project                              {read_seconds:6.2f} s")
    print(f"  write_qdpx, a rebuilt project (baseline)  {rebuild:6.2f} s")
    print(f"  add_to_project                            {added:6.2f} s   ({added / rebuild:.2f} x baseline)")
    print(f"  add_to_project, replacing its own layer   {replaced:6.2f} s   ({replaced / rebuild:.2f} x baseline)")


if __name__ == "__main__":
    main()
