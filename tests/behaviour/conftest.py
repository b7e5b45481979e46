"""Make the committed generated client importable as `openai_client`.

The tests exercise `generated/openai_client` exactly as committed (not a fresh
generation), so `generated/` goes on sys.path.  This is reload-safe: the path
is added once, and an `openai_client` already imported from somewhere else
(e.g. a test that generated a package of the same name into a temporary
directory) is dropped from sys.modules so that the committed one is loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

GENERATED = Path(__file__).resolve().parents[2] / "generated"
PACKAGE = "openai_client"


def _ensure_committed_client() -> None:
    generated = str(GENERATED)
    if generated not in sys.path:
        sys.path.insert(0, generated)
    module = sys.modules.get(PACKAGE)
    if module is None:
        return
    location = Path(getattr(module, "__file__", "") or "").resolve()
    if GENERATED / PACKAGE not in location.parents:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


_ensure_committed_client()
