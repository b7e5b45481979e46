"""The on-disk caches: their files, and the identity of the code their entries were made with.

A cache only saves time. Its files are written whole or not at all (another run may be
reading them), a file that cannot be read or written is an empty cache, and every key names
the code that made the entry, so that no entry outlives an upgrade or an edit of that code.
Installed packages (black, openapi-pydantic) are named by their installation, found without
importing them (importing or reading metadata only to learn a version costs 20-300 ms of
start-up): the path, size and modification time of their ``__init__`` change with any
reinstall. The generator's own files are named by their contents.

A cache never lies: what it gives is what was put in, or nothing. Every entry is stored
sealed, with a digest of its name and bytes; an entry whose digest is wrong (truncated,
corrupted, moved under another name) is a miss. Only regular files are opened (never
through a symlink, never blocking on a FIFO). The cache folder is created readable by
its owner only, and a folder that another user owns or others may write is not used at
all (one warning): digests guard against damage, ownership against tampering. Nothing
read from a cache folder is executed (compiled templates are kept beside the templates
or not at all, ``render``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

# What starts every sealed entry, then the digest of its name and bytes.
_SEAL = b"openapi-client-generator cache entry 1\n"
_DIGEST_SIZE = 32
# No entry this generator writes comes near this; a bigger file is not an entry of ours.
MAX_ENTRY_BYTES = 1 << 30


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all; a cache that cannot be written only costs time.

    Written to a fresh temporary file (created exclusively, readable by its owner only) and
    renamed over ``path``: a reader sees the old bytes or the new ones.
    """
    temp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _seal_digest(name: str, data: bytes) -> bytes:
    return hashlib.blake2b(name.encode("utf-8", "surrogateescape") + b"\0" + data, digest_size=_DIGEST_SIZE).digest()


def write_entry(path: Path, data: bytes) -> None:
    """``data`` kept at ``path``, sealed with the digest that :func:`read_entry` checks."""
    write_atomically(path, _SEAL + _seal_digest(path.name, data) + data)


def read_entry(path: Path) -> bytes | None:
    """The bytes :func:`write_entry` kept at ``path``; None when missing, not a regular file, or not sealed right."""
    sealed = read_regular_file(path)
    if sealed is None or not sealed.startswith(_SEAL):
        return None
    digest, data = sealed[len(_SEAL) : len(_SEAL) + _DIGEST_SIZE], sealed[len(_SEAL) + _DIGEST_SIZE :]
    return data if len(digest) == _DIGEST_SIZE and digest == _seal_digest(path.name, data) else None


def read_regular_file(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The bytes of the regular file at ``path``; None for anything else (missing, a symlink, a FIFO, a device, too big).

    Opened without following a symlink and without blocking, then judged by what was opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


_warned: set[str] = set()


def trusted_dir(path: Path | None) -> Path | None:
    """``path`` as a cache folder, created (readable by its owner only) when missing; None when it is not to be used.

    A folder that is not a directory, that another user owns, or that its group or others
    may write, is not used: anyone who can write it could make a run read what they like.
    One warning line on stderr says so, once per folder and process. A folder that cannot
    be created is no cache, silently, as a cache that cannot be written.
    """
    if path is None:
        return None
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        pass  # not a directory: said below
    except OSError:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    problem = None
    if not stat.S_ISDIR(info.st_mode):
        problem = "is not a directory"
    elif hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        problem = f"is owned by another user (uid {info.st_uid})"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problem = f"can be written by {'others' if info.st_mode & stat.S_IWOTH else 'its group'} (mode {stat.S_IMODE(info.st_mode):o})"
    if problem is None:
        return path
    if str(path) not in _warned:
        _warned.add(str(path))
        print(
            f"{path}: warning: the cache folder {problem}; no cache is used this run "
            "(use a folder only you can write: chmod go-w, or set GENERATOR_CACHE_DIR)",
            file=sys.stderr,
        )
    return None


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
    """Digest → bytes, kept in one marshal file of the cache directory, sealed (:func:`write_entry`).

    Read whole when made and, if anything was added, rewritten whole (temporary file, then
    rename) by ``save``: the entries this run used, then the most recently used others that fit
    in ``keep_bytes``. A file that is missing, not a regular file, damaged (its seal does not
    match), written under another salt or unwritable is an empty cache: it only costs time.
    ``path`` None, or a folder not to be trusted (:func:`trusted_dir`), is no cache at all.
    """

    def __init__(self, path: Path | None, salt: str, keep_bytes: int):
        if path is not None and trusted_dir(path.parent) is None:
            path = None
        self.path = path
        self.salt = salt
        self.keep_bytes = keep_bytes
        self._old = self._read()
        self._used: dict[bytes, bytes] = {}
        self._added = False

    def _read(self) -> dict[bytes, bytes]:
        if self.path is None:
            return {}
        data = read_entry(self.path)
        if data is None:
            return {}
        try:
            salt, entries = marshal.loads(data)
        except Exception:  # sealed, but not what this class writes
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
        write_entry(self.path, marshal.dumps((self.salt, entries)))
        self._old, self._used, self._added = entries, {}, False
