"""Formatting generated Python with black, with a content-hash cache and across cores.

The cache maps the hash of a rendered file (and black's version and settings) to
its formatted text, so a run that renders the same text again skips black
entirely: after a one-schema edit only the files that changed are formatted.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import black

# Below this many lines to format, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 20_000


@dataclass
class FormatStats:
    formatted: int = 0
    cached: int = 0


class FormatError(Exception):
    """black rejected generated code: a bug in a template, never in the user's spec."""


def _mode(line_length: int) -> black.Mode:
    return black.Mode(target_versions={black.TargetVersion.PY311}, line_length=line_length)


def format_source(text: str, line_length: int) -> str:
    try:
        # fast=True skips black's AST equivalence check; the generated package is
        # imported and type-checked by the tests, which is the stronger check.
        return black.format_file_contents(text, fast=True, mode=_mode(line_length))
    except black.NothingChanged:
        return text


def _format_one(args: tuple[str, str, int]) -> tuple[str, str]:
    path, text, line_length = args
    try:
        return path, format_source(text, line_length)
    except Exception as exc:  # black's parse errors carry the line; keep the file name with them
        raise FormatError(f"{path}: black could not format the generated code: {exc}") from None


class Formatter:
    def __init__(self, line_length: int, cache_dir: Path | None = None, jobs: int | None = None):
        self.line_length = line_length
        self.cache_dir = cache_dir
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.stats = FormatStats()
        self._salt = f"{black.__version__}:{line_length}:py311:fast".encode()

    def _key(self, text: str) -> str:
        return hashlib.sha256(self._salt + b"\0" + text.encode()).hexdigest()

    def format_all(self, files: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        todo: list[tuple[str, str, int]] = []
        for path, text in files.items():
            if not path.endswith(".py") or path.startswith("_runtime/"):
                out[path] = text  # runtime files are copied exactly as they are tested
                continue
            cached = self._cached(text)
            if cached is not None:
                out[path] = cached
                self.stats.cached += 1
            else:
                todo.append((path, text, self.line_length))
        lines = sum(text.count("\n") for _, text, _ in todo)
        if self.jobs > 1 and lines > _PARALLEL_THRESHOLD:
            with ProcessPoolExecutor(max_workers=self.jobs) as pool:
                results = list(pool.map(_format_one, todo, chunksize=max(1, len(todo) // (self.jobs * 8))))
        else:
            results = [_format_one(item) for item in todo]
        originals = {path: text for path, text, _ in todo}
        for path, formatted in results:
            out[path] = formatted
            self._store(originals[path], formatted)
            self.stats.formatted += 1
        return {path: out[path] for path in sorted(out)}

    def _cached(self, text: str) -> str | None:
        if self.cache_dir is None:
            return None
        key = self._key(text)
        try:
            return (self.cache_dir / key[:2] / key).read_text(encoding="utf-8")
        except OSError:
            return None

    def _store(self, text: str, formatted: str) -> None:
        if self.cache_dir is None:
            return
        key = self._key(text)
        folder = self.cache_dir / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temp = folder / f".{key}.{os.getpid()}.tmp"
            temp.write_text(formatted, encoding="utf-8")
            os.replace(temp, folder / key)
        except OSError:
            pass  # a cache that cannot be written only costs time
