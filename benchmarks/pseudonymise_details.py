"""How long finding personal details other than names takes, kind by kind.

    python benchmarks/pseudonymise_details.py [--text PATH] [--repeat 3]

The text is AnnoMI's utterances joined (``../shared/data/annomi/AnnoMI-full.csv``, 1.18 MB
of real speech), or any UTF-8 file given with ``--text``, with :data:`PLANTED` details put
in between its lines, 300 in all, so that there is something to find. Every kind of
:data:`tr_nlp.privacy.details.PATTERN_KINDS` is timed with :func:`tr_nlp.privacy.details.find`.

Named baselines in the same run, for the three finders that look only where an address
or a number can be: e-mail and web addresses said aloud scanned for at every word (not
only before a top-level domain), phone numbers said digit by digit scanned for at every
word in each language (not only from a zero or "plus"), and labels of identity numbers
as one list of alternatives (not a tree). Each baseline must find what tr_nlp finds.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tr_nlp.privacy import details, numbers, spoken

ANNOMI = Path(__file__).resolve().parents[2] / "shared" / "data" / "annomi" / "AnnoMI-full.csv"
#: lines of details to find, put into the text
PLANTED = ("my email is jo dot smith at gmail dot com, so", "min mejl är anna punkt svensson snabel-a telia punkt se",
           "ring oh seven seven double oh, nine double oh one two three please",
           "ring noll sju noll, ett två tre, fyra fem sex sju", "my hospital number is RXH 123456 I think",
           "journalnummer 2021-1234", "it's www dot anna-smith dot co dot uk", "Storgatan 12, 123 45 Stockholm",
           "kontot SE45 5000 0000 0583 9825 7466", "den tredje mars 2019",
           "c'est le zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit")


def plant(text: str, n: int = 300) -> str:
    """``text`` with ``n`` lines of :data:`PLANTED` put between its lines, evenly."""
    lines = text.split("\n")
    step = max(1, len(lines) // n)
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i % step == 0 and i // step < n:
            out.append(PLANTED[(i // step) % len(PLANTED)])
    return "\n".join(out)


def read_text(path: Path | None) -> str:
    """The text to search: a file's, or AnnoMI's utterances one per line."""
    if path is not None:
        return path.read_text(encoding="utf-8")
    with ANNOMI.open(encoding="utf-8", newline="") as handle:
        return "\n".join(row["utterance_text"] for row in csv.DictReader(handle))


def best_of(repeat: int, run: Callable[[], Iterable[tuple[int, int]]]) -> tuple[float, list[tuple[int, int]]]:
    """The fastest of ``repeat`` runs, in seconds, and what the run found."""
    times, found = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        found = list(run())
        times.append(time.perf_counter() - start)
    return min(times), found


def every_word_emails(text: str) -> list[tuple[int, int]]:
    """Baseline: the said-address pattern tried at every word of the text."""
    return list(numbers.apart(m.span() for m in spoken._EMAIL.finditer(text)))


def every_word_phones(text: str) -> list[tuple[int, int]]:
    """Baseline: each language's digit words looked for everywhere, counted after (and
    French numbers said in pairs of digits)."""
    found = [m.span() for m in spoken._FR_PAIRS.finditer(text)]
    for pattern, values in spoken._SAID_PHONES:
        found += [m.span() for m in pattern.finditer(text) if spoken._digit_count(m.group(), values) >= 9]
    return list(numbers.apart(found))


def listed_labels(text: str) -> list[tuple[int, int]]:
    """Baseline: the labels of identity numbers as one list of alternatives, longest first."""
    words = "|".join(re.escape(label).replace(r"\ ", r"\s+")
                     for label in sorted(numbers._ID_LABELS + numbers._WEAK_ID_LABELS, key=len, reverse=True))
    tree = numbers._LABELLED_IDS.pattern
    head = tree[:tree.index("(?![\\w-])")]  # the labels' part, up to what follows them
    pattern = re.compile(tree.replace(head, rf"(?i:(?<![\w-])(?P<label>{words})\.?", 1))
    return list(numbers._numbers(pattern, text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", type=Path, help="a UTF-8 text file (default: AnnoMI's utterances)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = plant(read_text(args.text))
    print(f"{len(text) / 1e6:.2f} MB of text; best of {args.repeat} runs")
    total = 0.0
    for kind in details.PATTERN_KINDS:
        seconds, found = best_of(args.repeat, lambda kind=kind: details.find(kind, text))
        total += seconds
        print(f"  {kind:<11} {seconds:6.3f} s  {len(found):5d} found")
    print(f"  {'all kinds':<11} {total:6.3f} s")
    print(f"{'finder':<36} {'baseline s':>10} {'tr_nlp s':>9} {'same':>5}")
    for name, baseline, ours in (
            ("e-mail addresses said", every_word_emails, spoken.emails),
            ("phone numbers said", every_word_phones, spoken.phone_numbers),
            ("numbers after their label", listed_labels, numbers.labelled_ids)):
        slow, expected = best_of(args.repeat, lambda f=baseline: f(text))
        fast, got = best_of(args.repeat, lambda f=ours: f(text))
        print(f"{name:<36} {slow:10.3f} {fast:9.3f} {expected == got!s:>5}  ({len(got)} found)")


if __name__ == "__main__":
    main()
