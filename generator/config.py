"""Generation targets: from ``[tool.generator]`` in pyproject.toml or from the command line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .diagnostics import Problem, SpecError


@dataclass(frozen=True)
class Target:
    spec: Path
    out: Path
    package: str
    docs_base_url: str | None = None
    api_key_env: str | None = None
    base_url_env: str | None = None
    default_headers: tuple[tuple[str, str], ...] = ()
    operations: tuple[str, ...] = ()
    method_names: tuple[tuple[str, str], ...] = ()
    stream_flag: str = "stream"
    version: str = "0.1.0"
    line_length: int = 100


_KEYS = {f.name for f in fields(Target)}


def load_targets(pyproject: Path) -> list[Target]:
    """Every ``[[tool.generator.targets]]``, with ``[tool.generator]`` keys as their defaults."""
    file = str(pyproject)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([Problem(file, "", "no pyproject.toml here", "run from the project root or pass SPEC --out DIR --package NAME")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError([Problem(file, "", f"invalid TOML: {exc}")]) from None
    section = data.get("tool", {}).get("generator")
    if not isinstance(section, dict):
        raise SpecError([Problem(file, "/tool/generator", "no [tool.generator] section", "add one with [[tool.generator.targets]] entries")])
    defaults = {k: v for k, v in section.items() if k != "targets"}
    targets = section.get("targets", [])
    if not isinstance(targets, list) or not targets:
        raise SpecError([Problem(file, "/tool/generator/targets", "no [[tool.generator.targets]] configured")])
    root = pyproject.parent
    return [_target({**defaults, **entry}, root, file, f"/tool/generator/targets/{i}") for i, entry in enumerate(targets)]


def _target(entry: dict[str, Any], root: Path, file: str, at: str) -> Target:
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise SpecError([Problem(file, f"{at}/{unknown[0]}", f"unknown setting {unknown[0]!r}", "known: " + ", ".join(sorted(_KEYS)))])
    for key in ("spec", "out", "package"):
        if not isinstance(entry.get(key), str):
            raise SpecError([Problem(file, f"{at}/{key}", f"`{key}` is required and must be a string")])
    values = dict(entry)
    values["spec"] = root / entry["spec"]
    values["out"] = root / entry["out"]
    values["default_headers"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("default_headers") or {}).items()))
    values["method_names"] = tuple(sorted((str(k), str(v)) for k, v in (entry.get("method_names") or {}).items()))
    values["operations"] = tuple(entry.get("operations") or ())
    return Target(**values)
