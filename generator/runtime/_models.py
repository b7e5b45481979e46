"""Base class of generated models, and cached pydantic adapters for type expressions."""

from __future__ import annotations

import functools
from typing import Any, cast

import pydantic
from pydantic import ConfigDict

__all__ = ["BaseModel", "UnknownEvent", "type_adapter"]


class BaseModel(pydantic.BaseModel):
    """Lenient response model.

    `extra="allow"` keeps fields the spec does not (yet) describe, readable as
    attributes, so a server that is newer than the generated client loses no data.
    Fields are read by their wire names only: with names accepted too, an unknown
    property spelled like a field's Python name (`schema_2`) would be taken for it.
    """

    model_config = ConfigDict(extra="allow", protected_namespaces=())

    def to_dict(self) -> dict[str, Any]:
        """The wire form: aliases as keys, only the fields that were actually set."""
        # warnings=False: an UnknownVariant in a union field is expected, and dumps as its own fields.
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, exclude_unset=True, indent=indent, warnings=False)


class UnknownEvent(BaseModel):
    """A stream event whose name or tag the spec does not list.

    Streams yield it instead of dropping the event or failing, so callers can
    still see (and ignore) events added to the API after generation.
    """

    event: str | None = None
    data: object = None


class UnknownVariant(BaseModel):
    """A member of a response union whose tag the spec does not list.

    Responses keep it, with every field readable as an attribute, where a
    strict parse would fail: the API adds new kinds of things after generation.
    """


def _keep_unknown_member(value: Any, handler: pydantic.ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except pydantic.ValidationError as exc:
        unknown_tag = all(e["type"] == "union_tag_invalid" and not e["loc"] for e in exc.errors())
        if unknown_tag and isinstance(value, dict):
            return UnknownVariant.model_validate(value)
        raise


def _keep_unmatched_object(value: Any, handler: pydantic.ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except pydantic.ValidationError:
        if isinstance(value, dict):
            return UnknownVariant.model_validate(value)
        raise


KeepUnknown = pydantic.WrapValidator(_keep_unknown_member)
"""Put on a discriminated response union: unknown tags give an `UnknownVariant`, not an error."""

KeepUnmatched = pydantic.WrapValidator(_keep_unmatched_object)
"""Put on a plain response union with object members: an object no member takes is kept."""


@functools.lru_cache(maxsize=1024)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


def type_adapter(tp: object) -> pydantic.TypeAdapter[Any]:
    """A TypeAdapter for `tp`, built once per type expression.

    Building an adapter compiles a validator, which costs far more than a
    validation, so it must not happen per response or per stream event.
    """
    try:
        return _cached_adapter(tp)
    except TypeError:
        pass
    # Some type expressions (e.g. with unhashable metadata) cannot be cache keys;
    # generated code passes module-level constants, so identity is a good key.
    # The entry keeps `tp` alive, so its id cannot be reused by another object.
    entry = _adapters_by_id.get(id(tp))
    if entry is None or entry[0] is not tp:
        entry = (tp, pydantic.TypeAdapter(cast(Any, tp)))
        _adapters_by_id[id(tp)] = entry
    return entry[1]


_adapters_by_id: dict[int, tuple[object, pydantic.TypeAdapter[Any]]] = {}
