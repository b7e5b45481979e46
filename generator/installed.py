"""Which installation of a package a cache entry was made with, found without importing it.

Caches must not outlive an upgrade of the package that made their entries (black,
openapi-pydantic); importing a package or reading its metadata only to learn its
version costs 20-300 ms of start-up. The path, size and modification time of its
``__init__`` change with any reinstall, which is all a cache key needs.
"""

from __future__ import annotations

import importlib.util
import os


def fingerprint(*packages: str) -> str | None:
    """An identity of the installed ``packages``; None when one cannot be found."""
    parts = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        try:
            stat = os.stat(spec.origin)
        except OSError:
            return None
        parts.append(f"{spec.origin}:{stat.st_mtime_ns}:{stat.st_size}")
    return "\n".join(parts)
