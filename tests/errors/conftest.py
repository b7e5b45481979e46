"""Helpers for the error-handling tests: running the CLI in-process and reading what it said."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.load.reader import _Loader

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(__file__).resolve().parent / "specs"
CREATE_RUN = ROOT / "specs" / "create_run.yaml"

# FILE:LINE:COL: POINTER: message — what every problem in a readable file looks like.
LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>[1-9]\d*):(?P<column>[1-9]\d*): (?P<pointer>/.*?): (?P<message>\S.*)$")
SUMMARY = re.compile(r"^failed: \d+ (error|warning)\(s\)( with --strict)?; nothing was written$")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes several seconds (large or deeply nested inputs, subprocesses)")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Run:
    """``python -m generator ARGV`` in this process, without pytest's capture (usable inside hypothesis)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path → bytes), caches included: byte-identical means identical."""
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line and not SUMMARY.match(line)]


def resolves(raw: Any, pointer: str) -> bool:
    """Whether a JSON pointer names a node of ``raw`` (YAML keys may be numbers)."""
    node = raw
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            keys = {str(k): k for k in node}
            if token not in keys:
                return False
            node = node[keys[token]]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def parsed(path: Path) -> Any:
    """The document as the generator reads it, or None when it cannot be read."""
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def assert_located(stderr: str, cwd: Path) -> None:
    """Every problem line is FILE:LINE:COL: POINTER: message, the line exists and the pointer names a node."""
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    lines = problem_lines(stderr)
    assert lines, "expected at least one problem"
    for line in lines:
        match = LOCATED.match(line)
        assert match, f"not a located message: {line!r}"
        path = cwd / match["file"]
        assert path.is_file(), f"{match['file']} is not a file"
        text = path.read_bytes()
        assert int(match["line"]) <= text.count(b"\n") + 1, line
        raw = parsed(path)
        if raw is not None and match["pointer"] != "/":
            assert resolves(raw, match["pointer"]), f"the pointer names nothing in {match['file']}: {line!r}"
