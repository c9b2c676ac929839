"""How long a ``tr-nlp`` command takes to start: ``--help`` (and shell completion, which runs
the program at every Tab), ``inspect`` and ``export`` of the demo corpus.

    python benchmarks/startup.py [--repeat 7]

Each command runs in a fresh process ``--repeat`` times; the median wall time is printed
beside the named baseline, measured in the same run: the same command in a process that
first imports what every command loaded before the model libraries were deferred
(:mod:`tr_nlp.coding`, :mod:`tr_nlp.batch`, :mod:`tr_nlp.topics`, :mod:`tr_nlp.report`,
:mod:`tr_nlp.pipeline`: scikit-learn, SciPy, Dask). A process that runs ``pass`` is timed
too, as the floor of any Python command.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
EAGER = "import tr_nlp.coding, tr_nlp.batch, tr_nlp.topics, tr_nlp.report, tr_nlp.pipeline\n"
RUN = "import sys\nfrom tr_nlp.cli import app\napp(sys.argv[1:])\n"


def seconds(script: str, args: list[str], repeat: int) -> float:
    """Median wall time of ``python -c script args`` over ``repeat`` fresh processes."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "tr-nlp --help": ["--help"],
            "tr-nlp inspect corpora/demo": ["inspect", str(DEMO)],
            "tr-nlp export corpora/demo -o demo.qdpx": ["export", "--corpus", str(DEMO), "-o", f"{tmp}/d.qdpx",
                                                       "--quiet"],
        }
        print(f"python -c pass: {seconds('pass', [], args.repeat):.2f} s (median of {args.repeat})")
        print(f"{'command':<42} {'tr_nlp':>8} {'eager imports (baseline)':>26}")
        for name, argv in commands.items():
            now, eager = seconds(RUN, argv, args.repeat), seconds(EAGER + RUN, argv, args.repeat)
            print(f"{name:<42} {now:>6.2f} s {eager:>24.2f} s  ({eager / now:.1f}x)")


if __name__ == "__main__":
    main()
