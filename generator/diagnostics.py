"""Located problems in an input spec, and the error that carries them to the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from generator import escape

T = TypeVar("T")


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_pointer_token(token) for token in tokens)


# A value nested too deeply is reported where its nesting starts, not at a pointer thousands of tokens long:
# the schema it belongs to, or the first few keys.
_DEEP_POINTER_TOKENS = 8


def where_nesting_starts(tokens: list[T]) -> list[T]:
    return tokens[:3] if tokens[:2] == ["components", "schemas"] else tokens[:_DEEP_POINTER_TOKENS]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, at a JSON pointer inside ``file``.

    ``line``/``column`` are filled in by :func:`generator.load.reader.locate` when the
    problem is reported; they are 1-based, 0 when unknown.
    """

    file: str
    pointer: str
    message: str
    hint: str | None = None
    severity: Literal["error", "warning"] = "error"
    line: int = 0
    column: int = 0

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.pointer or '/'}: {self.message}"
        if self.severity == "warning":
            text = f"{where}: {self.pointer or '/'}: warning: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        # Spec text (keys, values, file names) quoted in a message stays one line and shows no control,
        # bidi or surrogate character to the terminal: each is shown as its escape.
        return escape.comment(text)


class SpecError(Exception):
    """The spec cannot be generated; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(problem.render() for problem in problems))
        self.problems = problems


@dataclass
class Report:
    """Problems found while lowering. Errors are raised together at the end; warnings are kept."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def problem(self, at: str, message: str, hint: str | None = None, *, file: str | None = None) -> Problem:
        return Problem(file or self.file, at, message, hint)

    def error(self, at: str, message: str, hint: str | None = None, *, file: str | None = None) -> None:
        self._add(Problem(file or self.file, at, message, hint))

    def warn(self, at: str, message: str, hint: str | None = None, *, file: str | None = None) -> None:
        self._add(Problem(file or self.file, at, message, hint, severity="warning"))

    def add(self, problem: Problem) -> None:
        """Record a problem made elsewhere (a resolver's, a file's), once."""
        self._add(problem)

    def _add(self, problem: Problem) -> None:
        # The same schema is reached from many places; say each thing once.
        key = (problem.file, problem.pointer, problem.message)
        if key not in self._seen:
            self._seen.add(key)
            self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# Errors past this many are summarised: a broken spec can produce thousands.
MAX_PROBLEMS = 50


def kind_of(value: Any) -> str:
    """How a message names the JSON type of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"
