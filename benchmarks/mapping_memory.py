"""Time and memory of mapping human codings onto the segments of one long interview.

    python benchmarks/mapping_memory.py [--segments 20000] [--codings 5000]

One interview of ``--segments`` segments (a long focus group cut into sentences or
windows) and ``--codings`` codings of random passages, mapped by
:func:`tr_nlp.segment.map_codings`; each way in a fresh process, so that its peak memory
is its own:

- baseline: every segment weighed against every coding at once (one block: how
  ``map_codings`` worked before it went a block of segments at a time);
- tr_nlp: ``map_codings`` as it is (:data:`tr_nlp.segment.mapping._CELLS` pairs at a time).

Both must give the same table (checked by its hash).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import time

WAYS = ("baseline", "tr_nlp")


def child(way: str, segments: int, codings: int) -> dict[str, float | str]:
    from tr_nlp.schema import Coding, Segment
    from tr_nlp.segment import mapping

    rng = random.Random(0)
    segs = [Segment("p1", f"p1:{k}", 100 * k, 100 * k + 90, "P", "participant", "") for k in range(segments)]
    cods = []
    for k in range(codings):
        start = rng.randrange(100 * segments - 500)
        cods.append(Coding("p1", start, start + rng.randint(20, 400), f"code{k % 7}", f"coder{k % 2}"))
    if way == "baseline":
        mapping._CELLS = segments * codings
    started = time.perf_counter()
    table = mapping.map_codings(segs, cods)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rows": len(table), "hash": hashlib.sha256(table.to_csv().encode()).hexdigest()[:12]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=20000)
    parser.add_argument("--codings", type=int, default=5000)
    parser.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.segments, args.codings)))
        return
    print(f"one interview: {args.segments} segments, {args.codings} codings; each way in a fresh process")
    print(f"{'way':<10}{'seconds':>9}{'peak MB':>9}{'rows':>8}  table")
    for way in WAYS:
        out = subprocess.run([sys.executable, __file__, "--child", way, "--segments", str(args.segments),
                              "--codings", str(args.codings)], check=True, capture_output=True, text=True).stdout
        f = json.loads(out.strip().splitlines()[-1])
        print(f"{way:<10}{f['seconds']:>9.2f}{f['peak_mb']:>9.0f}{f['rows']:>8}  {f['hash']}")


if __name__ == "__main__":
    main()
