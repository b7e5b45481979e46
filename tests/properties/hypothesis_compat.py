"""Make hypothesis-jsonschema 0.23 work with current Hypothesis, and fast enough for big schemas.

Everything here patches hypothesis-jsonschema's own modules only (Hypothesis and
jsonschema are not touched), and only changes *how fast* valid instances are drawn
or whether drawing works at all, never which instances are valid.

``install()``
    hypothesis-jsonschema draws objects with Hypothesis' internal collection helper
    ``hypothesis.internal.conjecture.utils.many`` the old way (``while elements.more():``).
    Hypothesis 6.1xx made ``many`` a context manager that must be iterated and removed
    ``more()``, so every object schema fails with
    ``AttributeError: 'many' object has no attribute 'more'``. This gives
    hypothesis-jsonschema a ``many`` with the old interface built on the new one's own
    steps. It does nothing when the installed Hypothesis still has ``more()``.

``speed_up(any_json=...)``
    The response schemas of a large spec inline hundreds of sub-schemas (OpenAI's
    ``Response`` is ~160 kB of JSON). hypothesis-jsonschema canonicalises every
    sub-schema again on every draw, and checks each one against the latest JSON Schema
    meta-schema through a 128-entry cache; that made one schema take minutes. Here
    canonical forms and strategies are cached by the schema's canonical JSON, and the
    validator class is draft 7 without a meta-schema check (the converted schemas are
    draft 7 by construction). ``any_json`` replaces the strategy for the schema that
    allows any value (``{}``), which hypothesis-jsonschema draws as deep documents.
"""

from __future__ import annotations

import json
import types
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis.internal.conjecture import utils as cu


class LegacyMany:
    """``many`` as hypothesis-jsonschema drives it: ``while elements.more(): ... elements.reject()``."""

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float):
        self._many = cu.many(data, min_size=min_size, max_size=max_size, average_size=average_size)

    def more(self) -> bool:
        # What `many._iterate` does per step, without its checks that draws are not interleaved:
        # close the previous element's span, then draw "one more?" (which opens the next one).
        many = self._many
        many._finish_element()
        if not many._decide():
            return False
        many.count += 1
        many._in_element = True
        many._rejected = False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


def install() -> None:
    from hypothesis_jsonschema import _from_schema

    if hasattr(cu.many, "more") or isinstance(vars(_from_schema)["cu"], types.SimpleNamespace):
        return
    needed = ("_finish_element", "_decide", "reject")
    if not all(hasattr(cu.many, name) for name in needed):
        raise RuntimeError(
            f"this Hypothesis' internal `many` has neither `more()` nor {needed}: "
            "tests/properties/hypothesis_compat.py needs updating for it"
        )
    namespace = {name: getattr(cu, name) for name in dir(cu) if not name.startswith("__")}
    namespace["many"] = LegacyMany
    vars(_from_schema)["cu"] = types.SimpleNamespace(**namespace)


def speed_up(*, any_json: Any = None) -> None:
    from hypothesis_jsonschema import _canonicalise, _from_schema, _resolve

    if getattr(_canonicalise.canonicalish, "memoized", False):
        return
    encode = vars(_canonicalise)["encode_canonical_json"]

    vars(_canonicalise)["_get_validator_class"] = lambda schema: jsonschema.Draft7Validator

    original_canonicalish = _canonicalise.canonicalish
    canonical: dict[str, str] = {}

    def canonicalish(schema: Any) -> Any:
        if isinstance(schema, bool):
            return original_canonicalish(schema)
        key = encode(schema)
        if key not in canonical:
            canonical[key] = encode(original_canonicalish(schema))
        return json.loads(canonical[key])  # a fresh copy: callers change what they get

    canonicalish.memoized = True  # type: ignore[attr-defined]
    for module in (_canonicalise, _from_schema, _resolve):
        vars(module)["canonicalish"] = canonicalish

    build = vars(_from_schema)["__from_schema"]
    strategies: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def from_schema(schema: Any, *, alphabet: Any, custom_formats: Any) -> Any:
        if any_json is not None and (schema is True or schema == {}):
            return any_json
        # The alphabet is a value (its two settings); custom formats by identity (the entry
        # keeps them alive, so the id stays theirs).
        key = (encode(schema), alphabet.allow_x00, alphabet.codec, id(custom_formats))
        if key not in strategies:
            strategies[key] = (build(schema, alphabet=alphabet, custom_formats=custom_formats), custom_formats)
        return strategies[key][0]

    vars(_from_schema)["__from_schema"] = from_schema
