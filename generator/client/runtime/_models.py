"""Base class of generated models, and cached pydantic adapters for type expressions."""

from __future__ import annotations

import collections.abc
import functools
import types
from typing import Any, Callable, ClassVar, Literal, Union, cast

import pydantic
import pydantic_core
from pydantic import ConfigDict
from pydantic.fields import FieldInfo
from typing_extensions import Annotated, get_args, get_origin

__all__ = ["BaseModel", "UnknownEvent", "construct", "type_adapter"]


class BaseModel(pydantic.BaseModel):
    """Lenient response model.

    `extra="allow"` keeps fields the spec does not (yet) describe, readable as
    attributes, so a server that is newer than the generated client loses no data.
    Fields are read by their wire names only: with names accepted too, an unknown
    property spelled like a field's Python name (`schema_2`) would be taken for it.
    """

    model_config = ConfigDict(extra="allow", protected_namespaces=(), defer_build=True)

    # The `x-request-id` of the response the model came from (set on the top-level model only).
    # A class-level default, not a pydantic field or private attribute: nothing per instance.
    _request_id: ClassVar[str | None] = None

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

    def __getattr__(self, name: str) -> Any:
        # The event's own fields (`.type`, `.sequence_number`, ...) read as
        # attributes too, without being copied: `to_dict()` stays event + data.
        try:
            return super().__getattr__(name)  # type: ignore[misc]
        except AttributeError:
            data = self.__dict__.get("data") if not name.startswith("_") else None
            if isinstance(data, dict) and name in data:
                return data[name]
            raise


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


LENIENT: dict[str, Any] = {"lenient_responses": True}
"""Validation context of lenient parsing: a union object no member takes is left to `construct`."""


def _keep_unmatched_object(
    value: Any, handler: pydantic.ValidatorFunctionWrapHandler, info: pydantic.ValidationInfo
) -> Any:
    try:
        return handler(value)
    except pydantic.ValidationError:
        # Lenient parsing lets the failure through, so that `construct` can
        # build the member the object is closest to (by its tag) with the data as sent.
        if isinstance(value, dict) and not (info.context and info.context.get("lenient_responses")):
            return UnknownVariant.model_validate(value)
        raise


KeepUnknown = pydantic.WrapValidator(_keep_unknown_member)
"""Put on a discriminated response union: unknown tags give an `UnknownVariant`, not an error."""

KeepUnmatched = pydantic.WrapValidator(_keep_unmatched_object)
"""Put on a plain response union with object members: an object no member takes is kept."""


@functools.lru_cache(maxsize=1024)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        # An adapter of a complete model shares the class's validator; of a deferred one it
        # would build a second, and the lenient fallback (which reads the class's) a third.
        _class_validator(tp)
    return pydantic.TypeAdapter(tp)


def _class_validator(cls: type[pydantic.BaseModel]) -> pydantic_core.SchemaValidator | None:
    """The model's own validator, built on first use (models defer it); None if it cannot be built."""
    if not cls.__pydantic_complete__:
        cls.model_rebuild(raise_errors=False)
    validator = cls.__dict__.get("__pydantic_validator__")
    return validator if isinstance(validator, pydantic_core.SchemaValidator) else None


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


# --- lenient construction: keep what the server sent where it breaks the schema -----


def construct(tp: object, value: object) -> Any:
    """`value` (parsed JSON) as `tp`: validated where it validates, kept as sent where not.

    Never raises.  Where validation fails, this level is built without
    validation (`model_construct`-like, fields by their wire names) and each of
    its parts goes through `construct` again, so nested models stay models
    wherever they validate and the values that break the schema are the raw ones.
    A required field that was not sent reads as None and is not in the model's
    fields set, so `to_dict()` gives back exactly the wire data.
    """
    try:
        adapter = type_adapter(tp)
        return adapter.validate_python(value, context=LENIENT)
    except pydantic.ValidationError as exc:
        return construct_unchecked(tp, value, exc, lambda v: adapter.validate_python(v, context=LENIENT))
    except Exception:  # an annotation pydantic cannot build a validator for
        return value


_LISTS = frozenset({list, collections.abc.Sequence, collections.abc.MutableSequence})
_MAPS = frozenset({dict, collections.abc.Mapping, collections.abc.MutableMapping})


def construct_unchecked(tp: object, value: object, error: pydantic.ValidationError | None = None,
                        validate: Callable[[object], object] | None = None, *, skip: int = 0) -> Any:
    """`construct` for a value already known not to validate as `tp`.

    With the `error` that `validate` (a validator of `tp`) raised for it, a list or map
    keeps the items the error does not name validated in one call, and only those it names
    are constructed: no validator is built for the item type.  `skip`: leading parts of
    the error's locations that are not in the value (a field's name).
    """
    try:
        if error is not None and validate is not None:
            locs = [e["loc"][skip:] for e in error.errors(include_url=False, include_context=False, include_input=False)]
            return _construct_failed(tp, value, locs, validate)
        return _construct_unchecked(tp, value)
    except Exception:  # e.g. data nested deeper than Python's stack: kept as parsed, never an error
        return value


def _construct_failed(tp: object, value: object, locs: list[tuple[int | str, ...]],
                      validate: Callable[[object], object]) -> Any:
    bare = tp
    while get_origin(bare) is Annotated:
        bare = get_args(bare)[0]
    origin = get_origin(bare)
    if (origin is Union or origin is types.UnionType) and value is not None:
        members = [m for m in get_args(bare) if m is not type(None)]
        if len(members) == 1:  # `X | None`: its errors are located as X's
            bare = members[0]
            while get_origin(bare) is Annotated:
                bare = get_args(bare)[0]
            origin = get_origin(bare)
    if origin in _LISTS and isinstance(value, list):
        items: dict[Any, object] = dict(enumerate(value))
        (item,) = get_args(bare) or (object,)
    elif origin in _MAPS and isinstance(value, dict):
        items = dict(value)
        _, item = get_args(bare) or (str, object)
    else:
        return _construct_unchecked(tp, value)
    bad = {loc[0] for loc in locs if loc}
    if not bad or not all(locs) or not bad <= items.keys():
        return _construct_unchecked(tp, value)  # an error of the whole list or map, or not located in it
    good = [k for k in items if k not in bad]
    try:
        checked = validate([items[k] for k in good] if isinstance(value, list) else {k: items[k] for k in good})
    except (pydantic.ValidationError, TypeError, ValueError):
        return _construct_unchecked(tp, value)  # e.g. too few items left
    kept = list(checked) if isinstance(checked, list) else list(checked.values()) if isinstance(checked, dict) else None
    if kept is None or len(kept) != len(good):
        return _construct_unchecked(tp, value)
    out = dict(zip(good, kept))
    for k in bad:
        out[k] = construct_unchecked(item, items[k])
    if isinstance(value, list):
        return [out[i] for i in range(len(value))]
    return {k: out[k] for k in value}


def _construct_unchecked(tp: object, value: object) -> Any:
    metadata: tuple[object, ...] = ()
    while get_origin(tp) is Annotated:
        args = get_args(tp)
        tp, metadata = args[0], metadata + tuple(args[1:])
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return _construct_union(tp, metadata, value)
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return _construct_model(tp, value) if isinstance(value, dict) else value
    if origin in _LISTS and isinstance(value, list):
        (item,) = get_args(tp) or (object,)
        return [construct(item, v) for v in value]
    if origin in _MAPS and isinstance(value, dict):
        _, item = get_args(tp) or (str, object)
        return {k: construct(item, v) for k, v in value.items()}
    return value


@functools.lru_cache(maxsize=1024)
def _model_fields(
    cls: type[pydantic.BaseModel],
) -> tuple[dict[str, tuple[str, object, object]], frozenset[str]]:
    """wire name -> (field name, type expression, default), and the wire names."""
    fields: dict[str, tuple[str, object, object]] = {}
    for name, info in cls.model_fields.items():
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields[info.alias or name] = (name, _field_type(info), default)
    return fields, frozenset(fields)


def _field_type(info: FieldInfo) -> object:
    """The field's type with what pydantic applies to it (discriminator first, then validators)."""
    extra: list[object] = []
    if info.discriminator is not None:
        extra.append(pydantic.Field(discriminator=info.discriminator))
    extra.extend(info.metadata)
    if not extra:
        return info.annotation
    return Annotated[(info.annotation, *extra)]


def _construct_model(cls: type[pydantic.BaseModel], value: dict[str, Any]) -> Any:
    fields, wire_names = _model_fields(cls)
    values: dict[str, object] = {}
    fields_set: set[str] = set()
    validator = _class_validator(cls)
    probe = _bare_instance(cls, {}, set(), {}) if validator is not None else None
    for key, (name, tp, default) in fields.items():
        if key in value:
            values[name] = _field_value(validator, probe, name, tp, value[key])
            fields_set.add(name)
        else:
            values[name] = default
    extra = {k: v for k, v in value.items() if k not in wire_names}
    # What pydantic's model_construct does, but by wire names only (see BaseModel).
    return _bare_instance(cls, values, fields_set, extra if cls.model_config.get("extra") == "allow" else None)


def _bare_instance(cls: type[pydantic.BaseModel], values: dict[str, object], fields_set: set[str],
                   extra: dict[str, object] | None) -> Any:
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", extra)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _field_value(validator: pydantic_core.SchemaValidator | None, probe: Any, name: str, tp: object,
                 value: object) -> object:
    """One field's value, validated by the model's own validator where it validates (no validator is
    built for the field's type), constructed where not."""
    if validator is None:
        return construct(tp, value)

    def validate(v: object) -> object:
        object.__setattr__(probe, "__dict__", {})
        validator.validate_assignment(probe, name, v, context=LENIENT)
        return probe.__dict__[name]

    try:
        return validate(value)
    except pydantic.ValidationError as exc:
        return construct_unchecked(tp, value, exc, validate, skip=1)
    except Exception:  # a validator that cannot assign this field: the field's own, as before
        return construct(tp, value)


def _construct_union(tp: object, metadata: tuple[object, ...], value: object) -> Any:
    if value is None:
        return None
    members = [m for m in get_args(tp) if m is not type(None)]
    if len(members) == 1:  # `X | None`, X possibly an annotated union itself
        return construct_unchecked(members[0], value)
    discriminator = next(
        (m.discriminator for m in metadata if isinstance(m, FieldInfo) and isinstance(m.discriminator, str)),
        None,
    )
    if discriminator is not None and isinstance(value, dict):
        try:
            wire, by_tag = _union_tags(tuple(members), discriminator)
        except TypeError:  # members with unhashable metadata cannot be cache keys
            wire, by_tag = _union_tags.__wrapped__(tuple(members), discriminator)
        tag = value.get(wire)
        member = by_tag.get(tag) if isinstance(tag, (str, int, bool)) else None
        if member is not None:
            return construct(member, value)
        return UnknownVariant.model_validate(value)
    best = _closest_member(members, value)
    if best is not None:
        return construct(best, value)
    if isinstance(value, dict) and any(_model_class(m) is not None for m in members):
        return UnknownVariant.model_validate(value)
    return value


@functools.lru_cache(maxsize=256)
def _union_tags(members: tuple[object, ...], discriminator: str) -> tuple[str, dict[object, object]]:
    """The discriminator's wire name, and tag value -> member."""
    wire = discriminator
    by_tag: dict[object, object] = {}
    for member in members:
        cls = _model_class(member)
        info = cls.model_fields.get(discriminator) if cls is not None else None
        if info is None:
            continue
        wire = info.alias or discriminator
        for tag in _literal_values(info.annotation) or ():
            by_tag.setdefault(tag, member)
    return wire, by_tag


def _literal_values(tp: object) -> list[object] | None:
    """The values a `Literal` type (or a union of them) allows; None when not only literals."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    origin = get_origin(tp)
    if origin is Literal:
        return list(get_args(tp))
    if origin is Union or origin is types.UnionType:
        values: list[object] = []
        for member in get_args(tp):
            if member is type(None):
                values.append(None)
                continue
            more = _literal_values(member)
            if more is None:
                return None
            values.extend(more)
        return values
    return None


def _model_class(tp: object) -> type[pydantic.BaseModel] | None:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return tp
    return None


def _closest_member(members: list[object], value: object) -> object | None:
    """The member of a plain union that `value` is most likely meant to be."""
    if isinstance(value, list):
        return next((m for m in members if _bare_origin(m) in _LISTS), None)
    if not isinstance(value, dict):
        return None
    best: object | None = None
    best_score = 0  # a model must share at least one key with the value
    for member in members:
        cls = _model_class(member)
        if cls is None:
            if best is None and _bare_origin(member) in _MAPS:
                best, best_score = member, 0
            continue
        fields, wire_names = _model_fields(cls)
        if any(key in value and value[key] not in allowed for key, allowed in _tags_of(cls)):
            continue  # a tag field says it is another kind of thing
        score = sum(1 for key in value if key in wire_names)
        if score > best_score:
            best, best_score = member, score
    return best


@functools.lru_cache(maxsize=1024)
def _tags_of(cls: type[pydantic.BaseModel]) -> tuple[tuple[str, tuple[object, ...]], ...]:
    """(wire name, allowed values) of the model's fields typed as closed literals."""
    tags = []
    for key, (_, tp, _) in _model_fields(cls)[0].items():
        allowed = _literal_values(tp)
        if allowed is not None:
            tags.append((key, tuple(allowed)))
    return tuple(tags)


def _bare_origin(tp: object) -> object:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return get_origin(tp) or tp
