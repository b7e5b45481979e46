"""The client output, whole: IR → rendered, formatted, compiled file texts, through the run's cache.

What can be cached, and under which key, is this output's business: the pipeline hands it the IR
and the run's :class:`~generator.cache.Cache` and gets files back. A resource or type module whose
inputs are unchanged (its render key, ``render.Renderer``) is served as it was last written, after
formatting and the compile check; everything else is rendered, then formatted (formatting has its
own entries, ``format``).
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from generator import escape, ir
from generator.cache import Cache, Namespace, source_digest
from generator.client.format import FormatError, Formatter, _format_code
from generator.client.render import Renderer, RenderOptions


def _files_code() -> str | None:
    # The render key names the templates' and filters' code; what formatting did is named here.
    formatting = _format_code()
    return None if formatting is None else formatting + "\n" + source_digest([Path(__file__)])


# A module's final text (formatted, compiled) by its render key.
FILES = Namespace("client-files", code=_files_code, keep_bytes=48 << 20, shards=16)
# Texts Python compiled without an error or warning (the runtime, the package's __init__ files...): compiled by this Python.
COMPILED = Namespace("client-compiled", code=lambda: f"{sys.version}\n{sys.implementation.cache_tag}\n" + source_digest([Path(__file__)]), keep_bytes=8 << 20)


@dataclass(frozen=True)
class ClientFiles:
    files: dict[str, str]
    formatted: int  # files black or the line splitter formatted this run
    cached: int  # files served from the cache, whole or formatted


def client_files(api: ir.Api, options: RenderOptions, cache: Cache, *, jobs: int | None = None, shown: str = "") -> ClientFiles:
    """Every file of the client package for ``api``; ``shown`` names the output folder in errors."""
    formatter = Formatter(options.line_length, cache, jobs)
    renderer = Renderer(api, options)
    files, keys = renderer.render(known=lambda key: _text(cache.get(FILES, key)), keyed=cache.key(FILES, "") is not None)
    served = frozenset(renderer.served)
    files = formatter.format_all(files, served)
    # Before anything is kept or written: a module that does not compile is our bug, never the user's package.
    # Files served whole from the cache are skipped: they passed this check before they were stored;
    # so are texts this Python compiled before (the runtime's files, unchanged __init__ modules).
    compiled = frozenset(path for path in files if path not in served and path.endswith(".py") and cache.get(COMPILED, files[path]) is not None)
    check_compiles(files, skip=served | compiled, shown=shown)
    for path in files:
        if path.endswith(".py") and path not in served and path not in compiled:
            cache.put(COMPILED, files[path], "")
    for path, key in keys.items():
        cache.put(FILES, key, files[path])
    return ClientFiles(files, formatter.stats.formatted, formatter.stats.cached)


def _text(value: bytes | str | None) -> str | None:
    return value if isinstance(value, str) else None


class GeneratedCodeError(FormatError):
    """A generated module that Python does not compile: a bug of the generator (exit 3), found before writing."""


def check_compiles(files: dict[str, str], skip: frozenset[str] = frozenset(), shown: str = "") -> None:
    """Compile (never run) every ``.py`` file of ``files`` but those in ``skip``; raise
    GeneratedCodeError naming the first that fails, at its line.

    Warnings are errors here: an invalid escape sequence in generated code is a bug too.
    """
    for path in sorted(files):
        if not path.endswith(".py") or path in skip:
            continue
        text = files[path]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                compile(text, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None) or (text.count("\n", 0, text.find("\0")) + 1 if "\0" in text else 1)
            message = getattr(exc, "msg", None) or str(exc)
            where = f"{shown}/{path}" if shown else path
            # The message may quote generated text: shown escaped, so that it stays one line.
            raise GeneratedCodeError(f"generated {where}:{line} does not compile: {escape.comment(message)}") from None
