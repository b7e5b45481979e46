"""Small shared types: the NOT_GIVEN sentinel and the aliases used in signatures."""

from __future__ import annotations

import os
from typing import IO, Final, Literal, Mapping, TypeAlias

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "Query",
    "TimeoutTypes",
]


class NotGiven:
    """Marks an argument the caller did not pass.

    `None` cannot play this role because many APIs accept an explicit `null`,
    so "left out" and "set to null" must stay distinguishable.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # A singleton keeps `is NOT_GIVEN` checks valid even after copy/pickle.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Headers: TypeAlias = Mapping[str, str | NotGiven]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, object]
TimeoutTypes: TypeAlias = float | httpx.Timeout | None
FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
)
