"""Query strings and form bodies: arrays and objects, per-field encodings, files.

Arrays and objects without an explicit OpenAPI `style` are written in the
client's formats (set per generated client):

- arrays: ``repeat`` (``a=1&a=2``), ``brackets`` (``a[]=1&a[]=2``),
  ``indices`` (``a[0]=1&a[1]=2``) or ``comma`` (``a=1,2``);
- objects: ``brackets`` (``o[k]=v``), ``dots`` (``o.k=v``) or ``json``
  (one field holding the object as JSON text; forms only).

A multipart field with an `encoding.contentType` in the spec goes out as a part
of that type (JSON text for a JSON type); `style` / `explode` from the spec's
`encoding` are applied as OpenAPI defines them for query parameters.  Files
are `bytes`, binary file objects, `os.PathLike` paths (read, sent under their
file name) or `(name, content[, content type])` tuples; every file is read
once, when the request is built, so a retry sends the same bytes.
"""

from __future__ import annotations

import enum
import json
import os
from typing import IO, Any, Mapping, cast

import pydantic
import pydantic_core

from ._types import NotGiven

__all__ = [
    "ARRAY_FORMATS",
    "OBJECT_FORMATS",
    "flatten",
    "form_fields",
    "has_files",
    "is_file",
    "json_bytes",
    "multipart",
    "read_file",
    "scalar_str",
]

ARRAY_FORMATS = ("repeat", "brackets", "indices", "comma")
OBJECT_FORMATS = ("brackets", "dots", "json")
# (contentType, style, explode) of one body field, as the spec's `encoding` gives them.
FieldEncoding = tuple[str | None, str | None, bool | None]


def scalar_str(value: object) -> str:
    """How a scalar appears in a URL, header or form field."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_default(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    # Dates, enums, UUIDs, decimals, dataclasses...
    return pydantic_core.to_jsonable_python(value)


def json_bytes(value: object) -> bytes:
    try:
        # JSON has no NaN or Infinity; Python's encoder would write them anyway and the server reject them.
        text = json.dumps(
            value,
            default=_json_default,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except ValueError as exc:
        raise ValueError(f"the request body cannot be sent as JSON: {exc}") from None
    return text.encode("utf-8")


def _omitted(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


# --- files --------------------------------------------------------------------------


def _readable(value: object) -> bool:
    return callable(getattr(value, "read", None))


def _content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, os.PathLike)) or _readable(value)


def is_file(value: object) -> bool:
    """bytes, a binary file object, a path, or a (name, content[, type]) tuple."""
    if _content(value):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and (value[0] is None or isinstance(value[0], str))
        and _content(value[1])
    )


def has_files(body: object) -> bool:
    """Whether a body object holds a file (as a value, or in a list value)."""
    if not isinstance(body, Mapping):
        return False
    for value in body.values():
        if is_file(value):
            return True
        if isinstance(value, list) and any(is_file(item) for item in value):
            return True
    return False


def _read(content: object) -> bytes:
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    if isinstance(content, os.PathLike):
        with open(os.fspath(content), "rb") as handle:
            return handle.read()
    return bytes(cast(IO[bytes], content).read())


def _name_of(content: object) -> str:
    if isinstance(content, os.PathLike):
        return os.path.basename(str(os.fspath(content)))
    name = getattr(content, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name)
    return "upload"  # what httpx calls a part without a name


def read_file(
    value: object, content_type: str | None = None
) -> tuple[str, bytes] | tuple[str, bytes, str]:
    """A file as an httpx file tuple, its content read: a path sends its name, never the path."""
    if isinstance(value, tuple):
        name, content = value[0], value[1]
        media = value[2] if len(value) == 3 else None
        filename = name if name is not None else _name_of(content)
    else:
        content, media, filename = value, None, _name_of(value)
    media = media or content_type
    data = _read(content)
    return (filename, data) if media is None else (filename, data, media)


# --- arrays and objects ---------------------------------------------------------------


def _as_plain(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return value


def flatten(
    key: str,
    value: object,
    array_format: str,
    object_format: str,
    *,
    files: bool = False,
) -> list[tuple[str, object]]:
    """(name, leaf) pairs for `value` sent under `key`; omitted values vanish.

    Leaves are scalars, files (with ``files``) and, for the ``json`` object
    format, whole objects (their JSON text is for the caller to write).
    """
    value = _as_plain(value)
    if _omitted(value):
        return []
    if files and is_file(value):
        return [(key, value)]
    if isinstance(value, Mapping):
        if object_format == "json":
            return [(key, value)]
        pairs: list[tuple[str, object]] = []
        for sub, item in value.items():
            name = f"{key}.{sub}" if object_format == "dots" else f"{key}[{sub}]"
            pairs.extend(flatten(name, item, array_format, object_format, files=files))
        return pairs
    if isinstance(value, (list, tuple)):
        items = [item for item in value if not _omitted(item)]
        if array_format == "comma" and not any(
            isinstance(_as_plain(item), (Mapping, list, tuple)) or (files and is_file(item))
            for item in items
        ):
            return [(key, ",".join(scalar_str(item) for item in items))]
        pairs = []
        for index, item in enumerate(items):
            if array_format == "brackets":
                name = key if key.endswith("[]") else key + "[]"
            elif array_format == "indices":
                name = f"{key}[{index}]"
            else:
                name = key
            pairs.extend(flatten(name, item, array_format, object_format, files=files))
        return pairs
    return [(key, value)]


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def styled(key: str, value: object, style: str, explode: bool) -> list[tuple[str, object]]:
    """Pairs for a value with an explicit OpenAPI `style` / `explode` (as for a query parameter)."""
    value = _as_plain(value)
    if _omitted(value):
        return []
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items() if not _omitted(v)]
        if style == "deepObject":
            return [(f"{key}[{k}]", v) for k, v in items]
        if explode:
            return list(items)
        flat = [scalar_str(part) for pair in items for part in pair]
        return [(key, _DELIMITERS.get(style, ",").join(flat))]
    if isinstance(value, (list, tuple)):
        items_ = [item for item in value if not _omitted(item)]
        if explode or style == "deepObject":
            return [(key, item) for item in items_]
        return [(key, _DELIMITERS.get(style, ",").join(scalar_str(i) for i in items_))]
    return [(key, value)]


def _field_text(value: object) -> str:
    if isinstance(value, (Mapping, list, tuple)):
        return json_bytes(value).decode("utf-8")
    return scalar_str(value)


def is_json_media(media: str) -> bool:
    """``application/json``, a ``+json`` suffix, ``text/json`` or an ``x-json`` type."""
    base = media.partition(";")[0].strip().lower()
    return base.endswith("+json") or base.partition("/")[2] in {"json", "x-json"}


def _pairs(
    key: str,
    value: object,
    array_format: str,
    object_format: str,
    encoding: FieldEncoding | None,
    *,
    files: bool,
) -> list[tuple[str, object]]:
    if encoding is not None and (encoding[1] is not None or encoding[2] is not None):
        style = encoding[1] or "form"
        explode = encoding[2] if encoding[2] is not None else style == "form"
        return styled(key, value, style, explode)
    return flatten(key, value, array_format, object_format, files=files)


def form_fields(
    body: object,
    array_format: str,
    object_format: str,
    encoding: Mapping[str, FieldEncoding] | None = None,
) -> list[tuple[str, str]]:
    """Fields of a url-encoded form."""
    if not isinstance(body, Mapping):
        raise TypeError(f"A form body must be an object, not {type(body).__name__}")
    encoding = encoding or {}
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        for name, leaf in _pairs(
            str(key), value, array_format, object_format, encoding.get(key), files=False
        ):
            fields.append((name, _field_text(leaf)))
    return fields


def multipart(
    body: object,
    array_format: str,
    object_format: str,
    encoding: Mapping[str, FieldEncoding] | None = None,
) -> tuple[dict[str, str | list[str]], list[tuple[str, Any]]]:
    """httpx `data` (plain fields) and `files` (file parts, and parts with their own type)."""
    if not isinstance(body, Mapping):
        raise TypeError(
            f"A multipart body must be an object, not {type(body).__name__}"
        )
    encoding = encoding or {}
    data: dict[str, str | list[str]] = {}
    files: list[tuple[str, Any]] = []
    for key, value in body.items():
        key = str(key)
        field_encoding = encoding.get(key)
        media = field_encoding[0] if field_encoding is not None else None
        value = _as_plain(value)
        if _omitted(value):
            continue
        if media is not None and not is_file(value):
            # A part of its own type: JSON text for a JSON type, the value as it is otherwise.
            if is_json_media(media):
                payload = json_bytes(value)
            elif isinstance(value, (bytes, bytearray)):
                payload = bytes(value)
            else:
                payload = _field_text(value).encode("utf-8")
            files.append((key, (None, payload, media)))
            continue
        for name, leaf in _pairs(
            key, value, array_format, object_format, field_encoding, files=True
        ):
            if is_file(leaf):
                files.append((name, read_file(leaf, media)))
                continue
            text = _field_text(leaf)
            existing = data.get(name)
            if existing is None:
                data[name] = text
            elif isinstance(existing, list):
                existing.append(text)
            else:
                data[name] = [existing, text]
    return data, files
