"""Developer aid: how far rendered-and-split output is from whole-file black, per file.

    .venv/bin/python tools/black_diff.py SPEC [--show N]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import config, load, lower, render  # noqa: E402
from generator.client.format import format_source, split_long_lines  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec", type=Path)
    parser.add_argument("--show", type=int, default=3)
    parser.add_argument("--line-length", type=int, default=100)
    args = parser.parse_args()
    target = config.Target(spec=args.spec, out=Path("unused"), package="pkg")
    api = lower.lower(load.read(args.spec), target, args.spec).api
    files = render.render(api, render.RenderOptions(source=args.spec.name))
    started, differ, shown, total = time.perf_counter(), 0, 0, 0
    for path, text in sorted(files.items()):
        if not path.endswith(".py") or path.startswith("_runtime/"):
            continue
        total += 1
        split = split_long_lines(text, args.line_length)
        whole = format_source(split, args.line_length)
        if whole != split:
            differ += 1
            if shown < args.show:
                shown += 1
                print(f"== {path}")
                sys.stdout.writelines(list(difflib.unified_diff(split.splitlines(True), whole.splitlines(True)))[:60])
    print(f"{differ} of {total} files differ from whole-file black ({time.perf_counter() - started:.1f} s)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
