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

One cache layer serves every stage and output: a :class:`Cache` (one per run, over one folder)
and :class:`Namespace` s declared by the code that uses them. A namespace names what its values
are and the code that makes them (``code``: the contents of the modules, the installation of
the packages); that identity is part of every key, so an upgrade or an edit is a miss, never a
stale hit. A stage or output asks for a value with one call::

    PAGES = Namespace("docs-pages", code=lambda: source_digest([Path(__file__)]))

    text = cache.get_or_compute(PAGES, (page_digest, options), lambda: render_page(...))

``key_parts`` is anything whose ``repr`` is the same in every process for the same inputs (str,
bytes, int, float, bool, None, and tuples or lists of them; never a set or a dict made in an
order that varies); values are ``bytes`` or ``str``, given back as they were put. ``get`` and
``put`` are the two halves, for a stage that computes many values at once (formatting batches
its files through black). Only put what was checked: a value is served again without checking.
``save`` (the pipeline's, at the end of a run) writes what was added; a :class:`Cache` over
``None`` (``--no-cache``) or over a folder not to be trusted is empty and writes nothing.

Each namespace is kept in ``shards`` sealed marshal files (:class:`CacheFile`), read on first use
and rewritten, when something was added, with this run's entries and the most recently used
others up to ``keep_bytes``.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    """Digest → bytes (or str), kept in one marshal file of the cache directory, sealed (:func:`write_entry`).

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
        self._used: dict[bytes, bytes | str] = {}
        self._added = False

    def _read(self) -> dict[bytes, bytes | str]:
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

    def get(self, digest: bytes) -> bytes | str | None:
        data = self._used.get(digest, self._old.get(digest))
        if not isinstance(data, (bytes, str)):
            return None
        self._used[digest] = data
        return data

    def put(self, digest: bytes, data: bytes | str) -> None:
        self._used[digest] = data
        self._added = True

    def save(self) -> None:
        if self.path is None or not self._added:
            return
        kept: list[tuple[bytes, bytes | str]] = []
        room = self.keep_bytes
        for digest in reversed(self._old):
            data = self._old[digest]
            if digest in self._used or not isinstance(digest, bytes) or not isinstance(data, (bytes, str)):
                continue
            room -= len(digest) + len(data)
            if room < 0:
                break
            kept.append((digest, data))
        entries = dict(reversed(kept))
        entries.update(self._used)
        write_entry(self.path, marshal.dumps((self.salt, entries)))
        self._old, self._used, self._added = entries, {}, False


# --- the one cache layer ---------------------------------------------------------------------

_FORMAT = "v2"  # how a namespace's files are laid out; part of their salt


@dataclass(frozen=True)
class Namespace:
    """A kind of cached value: its file name, the identity of the code that makes it, its size.

    ``code`` is called once per process (it may read files); None from it means the code
    cannot be named (a package not found), and then nothing of this namespace is cached.
    """

    name: str
    code: Callable[[], str | None] = field(compare=False)
    keep_bytes: int = 16 << 20
    shards: int = 1

    def __post_init__(self) -> None:
        if not self.name or not all(ch.isalnum() or ch in "-_" for ch in self.name) or not 1 <= self.shards <= 256:
            raise ValueError(f"not a namespace name or shard count: {self.name!r}, {self.shards}")


_UNKNOWN = object()


def _code_of(namespace: Namespace) -> str | None:
    """``namespace.code()``, called once per namespace object (kept on it)."""
    code = namespace.__dict__.get("_code", _UNKNOWN)
    if code is _UNKNOWN:
        code = namespace.code()
        object.__setattr__(namespace, "_code", code)
    return code  # type: ignore[return-value]


class Cache:
    """Every cached value of a run, by namespace and key: see the module's docstring."""

    def __init__(self, folder: Path | None):
        # A folder others could write is no cache (one warning says so): see ``trusted_dir``.
        self.folder = trusted_dir(folder) if folder is not None else None
        self._files: dict[tuple[str, int], CacheFile] = {}

    @classmethod
    def of(cls, cache: Cache | Path | None) -> Cache:
        """``cache`` itself, or a Cache over the folder ``cache`` (None: no cache)."""
        return cache if isinstance(cache, Cache) else cls(cache)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def key(self, namespace: Namespace, key_parts: object) -> bytes | None:
        """The digest an entry is stored under: the namespace, its code's identity and ``key_parts``."""
        if self.folder is None:
            return None
        code = _code_of(namespace)
        if code is None:
            return None
        text = repr((namespace.name, code, key_parts))
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _file(self, namespace: Namespace, key: bytes) -> CacheFile:
        shard = key[0] % namespace.shards
        found = self._files.get((namespace.name, shard))
        if found is None:
            assert self.folder is not None
            name = f"{namespace.name}.marshal" if namespace.shards == 1 else f"{namespace.name}.{shard:02x}.marshal"
            found = CacheFile(self.folder / name, f"{_FORMAT} {namespace.name}", namespace.keep_bytes // namespace.shards)
            self._files[(namespace.name, shard)] = found
        return found

    def get(self, namespace: Namespace, key_parts: object) -> bytes | str | None:
        """The value put under ``key_parts`` (by this run or an earlier one), or None."""
        key = self.key(namespace, key_parts)
        return None if key is None else self._file(namespace, key).get(key)

    def put(self, namespace: Namespace, key_parts: object, value: bytes | str) -> None:
        """Keep ``value`` for ``key_parts``: written by :meth:`save`."""
        key = self.key(namespace, key_parts)
        if key is not None:
            self._file(namespace, key).put(key, value)

    def get_or_compute(self, namespace: Namespace, key_parts: object, compute: Callable[[], bytes | str]) -> bytes | str:
        """The value kept for ``key_parts``, else ``compute()``, kept for the next run."""
        key = self.key(namespace, key_parts)
        if key is None:
            return compute()
        file = self._file(namespace, key)
        found = file.get(key)
        if found is None:
            found = compute()
            file.put(key, found)
        return found

    def view(self, namespace: Namespace) -> View:
        """``namespace`` of this cache as a store of its own: ``get(key_parts)``, ``put(key_parts, value)``."""
        return View(self, namespace)

    def save(self) -> None:
        """Write every namespace file something was added to (whole, then renamed into place)."""
        for file in self._files.values():
            file.save()


@dataclass(frozen=True)
class View:
    """One namespace of a :class:`Cache`, for code that keeps values of one kind (``Cache.view``)."""

    cache: Cache
    namespace: Namespace

    def get(self, key_parts: object) -> bytes | str | None:
        return self.cache.get(self.namespace, key_parts)

    def put(self, key_parts: object, value: bytes | str) -> None:
        self.cache.put(self.namespace, key_parts, value)
