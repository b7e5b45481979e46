"""How the time to follow a long `$ref` chain grows with its length (issue 14).

Writes, for each length N, a spec whose one operation's response is `S0`, where `S0` is a
`$ref` to `S1`, ... `S{N-1}` to `S{N}`, an object. Each size is generated in a fresh child
process (no cache), which reports the time to lower the document (where every `$ref` is
followed), the time of the whole run, and its peak RSS. Then the growth per doubling.

    .venv/bin/python bench/ref_chain.py                          # 3k, 6k, 12k, 24k
    .venv/bin/python bench/ref_chain.py --sizes 1000,2000 --runs 3
    .venv/bin/python bench/ref_chain.py --root /tmp/old-checkout  # another copy of generator/ and templates/

Measured at git 70393d4 (before) and with the change (after), on the shared 2-core machine with
a load average of about 10 from other work; before: one run each, `--root` pointed at
`git archive 70393d4 generator templates pyproject.toml`; after: `--runs 3`, medians.
"lower" is lowering alone; "whole" is one more complete run in the same process (read,
lower, render, format), so it follows the chain again.

| chain  | lower, before | growth | whole, before | lower, after | growth | whole, after | peak RSS |
| ------ | ------------- | ------ | ------------- | ------------ | ------ | ------------ | -------- |
| 3,000  | 0.45 s        |        | 1.07 s        | 0.08 s       |        | 0.84 s       | 43 MB    |
| 6,000  | 1.75 s        | 3.9×   | 2.40 s        | 0.18 s       | 2.4×   | 0.76 s       | 51 MB    |
| 12,000 | 6.54 s        | 3.7×   | 6.67 s        | 0.29 s       | 1.6×   | 1.02 s       | 66 MB    |
| 24,000 | 23.44 s       | 3.6×   | 26.80 s       | 0.57 s       | 2.0×   | 1.73 s       | 96 MB    |
| 48,000 |               |        |               | 1.15 s       | 2.0×   | 2.65 s       | 156 MB   |

Before, each step of the chain tested membership in the list of the steps before it
(`refs.py` `_follow`): quadratic, about ×4 per doubling, 52× from 3k to 24k. After, a set
beside the list: about ×2 per doubling (the small sizes are noise at this load), 7× from
3k to 24k. Peak RSS is the same before and after (the chain's document dominates it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from generator import config, pipeline
from generator.load import reader as load
from generator.lower import lowering as lower
spec = Path(sys.argv[2])
target = config.Target(spec=spec, out=Path(sys.argv[3]), package="chain")
started = time.perf_counter()
document = load.read(spec)
read = time.perf_counter()
lower.lower(document, target, spec)
lowered = time.perf_counter()
pipeline.generate(target, cache_dir=None, jobs=1)
done = time.perf_counter()
print(json.dumps({"lower": lowered - read, "generate": done - lowered, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def chain_spec(n: int) -> dict[str, object]:
    schemas: dict[str, object] = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(n)}
    schemas[f"S{n}"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    ok = {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Chain", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": ok}}}},
        "components": {"schemas": schemas},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,6000,12000,24000", help="chain lengths, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the median is shown")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder holding the generator/ and templates/ to time")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"generator at {args.root}; load average {os.getloadavg()[0]:.1f}; {args.runs} run(s) per size")
    print(f"{'chain':>8} {'lower s':>9} {'growth':>7} {'whole s':>11} {'peak RSS MB':>12}")
    previous = None
    with tempfile.TemporaryDirectory() as temp:
        for n in sizes:
            spec = Path(temp) / f"chain{n}.json"
            spec.write_text(json.dumps(chain_spec(n)), encoding="utf-8")
            results = []
            for _ in range(args.runs):
                child = subprocess.run(
                    [sys.executable, "-c", CHILD, str(args.root), str(spec), str(Path(temp) / "out")],
                    capture_output=True, text=True, check=True, timeout=3600,
                )
                results.append(json.loads(child.stdout.strip().splitlines()[-1]))
            results.sort(key=lambda r: r["lower"])
            median = results[len(results) // 2]
            growth = f"{median['lower'] / previous:.1f}×" if previous else ""
            print(f"{n:>8,} {median['lower']:>9.2f} {growth:>7} {median['generate']:>11.2f} {median['rss_mb']:>12.0f}")
            previous = median["lower"]


if __name__ == "__main__":
    main()
