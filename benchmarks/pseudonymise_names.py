"""How long pseudonymising takes against a long list of names.

    python benchmarks/pseudonymise_names.py [--names 500 2000] [--words 20000]

A text of ``--words`` words of interview speech, one word in 20 a name of the list (a
first and a last name, in any case), pseudonymised with :class:`tr_nlp.privacy.Pseudonymiser`
given the list; against a named baseline in the same run: the same, with the names found
by one regular expression listing them, longest first (how the pseudonymiser found them
before :func:`tr_nlp.privacy.pseudonymise.names_pattern` wrote them as a tree). Both must
give the same text.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import string
import time
from collections.abc import Iterable
from unittest import mock

from tr_nlp.privacy import Pseudonymiser
from tr_nlp.privacy import pseudonymise as module

SPEECH = ["the", "nurse", "came", "back", "on", "her", "day", "off", "and", "she", "rang", "me", "you", "know", "um",
          "I", "mean", "it", "was", "like", "really", "kind"]


def listed(names: Iterable[str]) -> re.Pattern[str]:
    """The baseline: one alternative per name, longest first."""
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def word(rng: random.Random) -> str:
    """A made-up name: a capital and three to nine letters."""
    return rng.choice(string.ascii_uppercase) + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))


def case(rng: random.Random, name: str) -> str:
    return rng.choice([name, name, name.upper(), name.lower()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--words", type=int, default=20000)
    args = parser.parse_args()
    print(f"{'names':>6}{'characters':>12}{'baseline s':>12}{'tr_nlp s':>10}{'ratio':>8}")
    for count in args.names:
        rng = random.Random(count)
        names = [f"{word(rng)} {word(rng)}" for _ in range(count)]
        text = " ".join(case(rng, rng.choice(names)) if rng.random() < 0.05 else rng.choice(SPEECH)
                        for _ in range(args.words))
        seconds, outputs = [], []
        for way in ("baseline", "tr_nlp"):
            with mock.patch.object(module, "names_pattern", listed) if way == "baseline" else contextlib.nullcontext():
                started = time.perf_counter()
                outputs.append(Pseudonymiser(names=names).text(text))
                seconds.append(time.perf_counter() - started)
        assert outputs[0] == outputs[1], "the two ways gave different texts"
        print(f"{count:>6}{len(text):>12}{seconds[0]:>12.2f}{seconds[1]:>10.2f}{seconds[0] / seconds[1]:>8.1f}")


if __name__ == "__main__":
    main()
