"""The on-disk caches: their files, and the identity of the code their entries were made with.

A cache only saves time. Its files are written whole or not at all (another run may be
reading them), a file that cannot be read or written is an empty cache, and every key names
the code that made the entry, so that no entry outlives an upgrade or an edit of that code.
Installed packages (black, openapi-pydantic) are named by their installation, found without
importing them (importing or reading metadata only to learn a version costs 20-300 ms of
start-up): the path, size and modification time of their ``__init__`` change with any
reinstall. The generator's own files are named by their contents.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all; a cache that cannot be written only costs time."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def source_digest(paths: Iterable[Path]) -> str:
    """The contents of the generator's own ``paths``, as one digest."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


class CacheFile:
    """Digest → bytes, kept in one marshal file of the cache directory.

    Read whole when made and, if anything was added, rewritten whole (temporary file, then
    rename) by ``save``: the entries this run used, then the most recently used others that fit
    in ``keep_bytes``. A file that is missing, corrupt, written under another salt or
    unwritable is an empty cache: it only costs time. ``path`` None is no cache at all.
    """

    def __init__(self, path: Path | None, salt: str, keep_bytes: int):
        self.path = path
        self.salt = salt
        self.keep_bytes = keep_bytes
        self._old = self._read()
        self._used: dict[bytes, bytes] = {}
        self._added = False

    def _read(self) -> dict[bytes, bytes]:
        if self.path is None:
            return {}
        try:
            salt, entries = marshal.loads(self.path.read_bytes())
        except Exception:  # missing, unreadable or not what this class writes
            return {}
        return entries if salt == self.salt and isinstance(entries, dict) else {}

    def get(self, digest: bytes) -> bytes | None:
        data = self._used.get(digest, self._old.get(digest))
        if not isinstance(data, bytes):
            return None
        self._used[digest] = data
        return data

    def put(self, digest: bytes, data: bytes) -> None:
        self._used[digest] = data
        self._added = True

    def save(self) -> None:
        if self.path is None or not self._added:
            return
        kept: list[tuple[bytes, bytes]] = []
        room = self.keep_bytes
        for digest in reversed(self._old):
            data = self._old[digest]
            if digest in self._used or not isinstance(digest, bytes) or not isinstance(data, bytes):
                continue
            room -= len(digest) + len(data)
            if room < 0:
                break
            kept.append((digest, data))
        entries = dict(reversed(kept))
        entries.update(self._used)
        write_atomically(self.path, marshal.dumps((self.salt, entries)))
        self._old, self._used, self._added = entries, {}, False
