"""Read a multipart/form-data body back into its parts (for assertions and the differential test)."""

from __future__ import annotations

import email.parser
import email.policy
from typing import NamedTuple

import httpx


class Part(NamedTuple):
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def parts_of(request: httpx.Request) -> list[Part]:
    """The parts of a multipart request, in order (ValueError when it is not multipart)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ValueError(f"not a multipart body: {content_type!r}")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("ascii")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    parts = []
    for part in message.iter_parts():
        disposition = part.get("content-disposition")
        params = dict(disposition.params) if disposition is not None else {}
        payload = part.get_payload(decode=True)
        parts.append(
            Part(
                name=params.get("name", ""),
                filename=params.get("filename"),
                content_type=part.get("content-type"),
                data=payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts
