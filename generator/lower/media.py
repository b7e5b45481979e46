"""Media types: what each is, as far as sending or receiving it goes, and which of several to use."""

from __future__ import annotations

from collections.abc import Iterable


def media_kind(media_type: str) -> str | None:
    """What a media type is, as far as sending or receiving it goes.

    JSON is ``application/json``, a ``+json`` suffix, ``text/json`` and ``x-json`` (both common in
    specs written from .NET and older servers), and ``*/*`` (a body that is described by a schema).
    """
    base = media_type.split(";")[0].strip().lower()
    if base.endswith("+json") or base.partition("/")[2] in {"json", "x-json"} or base == "*/*":
        return "json"
    if base == "text/event-stream":
        return "stream"
    if base == "multipart/form-data":
        return "multipart"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("text/") or base in {"application/sdp", "application/xml"}:
        return "text"
    if base.split("/")[0] in {"application", "audio", "image", "video"}:
        return "binary"
    return None


def preferred(media_types: Iterable[str], kind: str) -> str | None:
    """The media type of ``kind`` to use among several, or None: ``application/json`` before other JSON
    types, any named type before a wildcard, otherwise the spec's order."""
    candidates = [m for m in media_types if media_kind(m) == kind]
    return min(candidates, key=_rank) if candidates else None


def _rank(media_type: str) -> int:
    base = media_type.split(";")[0].strip().lower()
    return 0 if base == "application/json" else 2 if "*" in base else 1
