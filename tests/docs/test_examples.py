"""Example values: the spec's examples carried into the IR, then chosen, checked and built."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator import ir
from generator.config import Target
from generator.docs import snippets as S
from generator.docs.examples import Values, example
from generator.pipeline import lower_only

SPEC = """
openapi: 3.1.0
info: {title: Examples, version: "1"}
servers: [{url: "https://api.example.test"}]
paths:
  /items/{item_id}:
    post:
      operationId: createItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}, example: item-from-param}
        - name: mode
          in: query
          required: true
          schema: {type: string, enum: [fast, slow]}
          examples: {one: {value: slow}}
        - {name: X-Trace, in: header, required: true, schema: {type: string, examples: [trace-1]}}
        - {name: page_size, in: query, schema: {type: integer, default: 20}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Item'}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
  /raw:
    put:
      operationId: putRaw
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, additionalProperties: {type: integer}}
            example: {a: 1}
      responses:
        "204": {description: none}
components:
  schemas:
    Item:
      type: object
      required: [name, count, ratio, code, when, tags, labels, kind, too_long, id]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, example: "it's \\"quoted\\""}
        count: {type: integer, minimum: 10, maximum: 12, multipleOf: 4}
        ratio: {type: number, exclusiveMinimum: 0, maximum: 0.75}
        code: {type: string, pattern: "^[A-Z]{3}-\\\\d{2}$"}
        when: {type: string, format: date-time}
        tags: {type: array, items: {type: string, minLength: 5}, minItems: 2, uniqueItems: true}
        labels: {type: object, additionalProperties: {type: string}, maxProperties: 3}
        kind: {type: string, const: special}
        too_long: {type: string, maxLength: 3, example: far too long}
        temperature: {type: number, default: 1, minimum: 0, maximum: 2}
        child: {$ref: '#/components/schemas/Item'}
"""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> ir.Api:
    spec = tmp_path_factory.mktemp("spec") / "examples.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    lowered, _ = lower_only(Target(spec=spec, out=Path("unused"), package="examples_client"))
    return lowered


def _op(api: ir.Api, name: str) -> ir.Operation:
    return next(op for _, op in S.operations(api) if op.operation_id == name)


def test_lowering_carries_examples_into_the_ir(api: ir.Api) -> None:
    op = _op(api, "createItem")
    by_name = {p.wire_name: p for p in op.parameters}
    assert by_name["item_id"].example == '"item-from-param"'  # the parameter's `example`
    assert by_name["mode"].example == '"slow"'  # the parameter's `examples` map of Example Objects
    assert by_name["X-Trace"].example == '"trace-1"'  # its schema's `examples` list
    assert by_name["name"].example == json.dumps("it's \"quoted\"")  # a body property's
    assert by_name["page_size"].example is None and by_name["page_size"].default == "20"
    item = next(t for t in api.types if t.name == "Item")
    assert isinstance(item, ir.Model)
    assert {f.wire_name: f.example for f in item.fields}["too_long"] == '"far too long"'
    (raw,) = _op(api, "putRaw").parameters
    assert raw.example == '{"a": 1}'  # the media type's example, for a body that is not flattened


def test_values_come_from_examples_then_defaults_then_constraints(api: ir.Api) -> None:
    op = _op(api, "createItem")
    ex = example(api, op, "minimal")
    values = {a.parameter.wire_name: a.value for a in ex.arguments}
    sources = {a.parameter.wire_name: a.source for a in ex.arguments}
    assert values["item_id"] == "item-from-param" and sources["item_id"] == "example"
    assert values["mode"] == "slow" and values["X-Trace"] == "trace-1"
    assert values["name"] == "it's \"quoted\""
    assert values["count"] == 12  # within 10..12 and a multiple of 4
    assert 0 < values["ratio"] <= 0.75
    assert re.fullmatch(r"[A-Z]{3}-\d{2}", values["code"])
    assert values["when"] == "2024-01-01T00:00:00Z"
    assert len(values["tags"]) == 2 and len(set(values["tags"])) == 2 and all(len(t) >= 5 for t in values["tags"])
    assert values["kind"] == "special"
    # The spec's example breaks its own maxLength: passed over, a value that fits is built.
    assert sources["too_long"] == "built" and len(values["too_long"]) <= 3
    assert "id" not in values  # read-only: never sent
    assert "page_size" not in values and "temperature" not in values  # optional: minimal leaves them out
    assert "string" not in json.dumps(values)
    checker = Values(api)
    for a in ex.arguments:
        assert checker.fits(a.parameter.type, a.value), a


def test_the_full_variant_spells_out_defaults(api: ir.Api) -> None:
    op = _op(api, "createItem")
    full = {a.parameter.wire_name: (a.value, a.source) for a in example(api, op, "full").arguments}
    assert full["page_size"] == (20, "default")
    assert full["temperature"] == (1, "default")
    assert "child" not in full  # optional and without default


def test_examples_are_deterministic(api: ir.Api) -> None:
    op = _op(api, "createItem")
    assert example(api, op, "full") == example(api, op, "full")
    assert S.snippets(api, op) == S.snippets(api, op)


def test_snippets_read_the_key_from_the_environment_never_a_literal(api: ir.Api) -> None:
    op = _op(api, "createItem")
    ex = example(api, op, "minimal")
    assert S.api_key_env(api) is None  # no security scheme: no key
    scheme = ir.SecurityScheme("bearer", "key", "header", "Authorization", "Bearer {key}", (ir.AuthArgument("api_key", "token", None),))
    secured = ir.Api(**{**api.__dict__, "security_schemes": (scheme,), "security": (("bearer",),)})
    assert S.api_key_env(secured) == "EXAMPLES_CLIENT_API_KEY"
    assert 'os.environ["EXAMPLES_CLIENT_API_KEY"]' in S.python(secured, ex)
    assert '-H "Authorization: Bearer $EXAMPLES_CLIENT_API_KEY"' in S.curl(secured, ex)
    assert 'process.env["EXAMPLES_CLIENT_API_KEY"]' in S.typescript(secured, ex)


def test_a_cycle_of_aliases_ends() -> None:
    """An alias that names itself (an IR lowering would not make, but the docs must not hang on)."""
    selfish = ir.Alias("Loop", "LoopParam", "loop", "loop", ir.NamedType("Loop"))
    api = ir.Api("p", "t", "1", None, "https://x.test", None, (), (), (selfish,))
    assert Values(api).build(ir.NamedType("Loop")) is None


def test_patterns_with_groups_get_a_matching_value() -> None:
    """Corpus: AWS ARNs (`^arn:(aws[a-z-]*):iam::([0-9]{12}):role/...$`) were refused by the client."""
    from generator.docs.examples import _from_pattern

    for pattern in [r"^arn:(aws[a-z-]*):iam::([0-9]{12}):role/[a-zA-Z0-9+=,.@_/-]+$", r"^(foo|bar)+baz$", r"^a(b(c|d){2})?e$"]:
        built = _from_pattern(pattern)
        assert built is not None and re.search(pattern, built), pattern
    assert _from_pattern(r"^(?=x)y") is None  # a lookahead: no value rather than a wrong one


def test_a_fragment_in_a_path_key_is_not_sent() -> None:
    """Corpus: AWS's `/#X-Amz-Target=...` path keys; the client (httpx) sends `/`, and so must curl."""
    op = ir.Operation("op", "op", "post", "/#X-Amz-Target=Service.Op", None, None, (), None, ir.Response("none", None))
    api = ir.Api("p", "t", "1", None, "https://x.test", None, (), (ir.Resource("r", "R", "r", (op,)),))
    assert S.wire_path(example(api, op)) == "/"
    assert "'https://x.test/'" in S.curl(api, example(api, op))


def test_a_pattern_value_is_lengthened_to_the_min_length() -> None:
    """Corpus: AWS ARNs (acm's `minLength: 20` with `arn:[\\w+=/,.@-]+:acm:...`, backup-gateway's 50): the
    shortest text the pattern allows was too short, so every snippet was refused by the client."""
    from generator.docs.examples import _string

    arn = r"arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*"
    for least in (20, 50, 180):
        value = _string(ir.Constraints(min_length=least, max_length=2048, pattern=arn), "certificate_arn", None)
        assert len(value) >= least and re.search(arn, value), (least, value)


def test_a_negated_class_in_a_pattern_gets_a_matching_value() -> None:
    """Corpus: chime-sdk-messaging's ARNs end in `:[^/].{0,1023}`: no value was built and the client refused the snippets."""
    from generator.docs.examples import _from_pattern

    pattern = r"arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}"
    built = _from_pattern(pattern, 5, 1600)
    assert built is not None and re.fullmatch(pattern, built)


def test_a_path_value_keeps_colons_as_the_client_sends_it() -> None:
    """Corpus: elasticfilesystem's access point ARN in the path: curl sent `arn%3Aaws%3A...`, the client `arn:aws:...`."""
    param = ir.Parameter("access_point_id", "AccessPointId", "path", ir.Primitive("str"), True, example='"arn:aws:efs:0:ap/f s"')
    op = ir.Operation("op", "op", "delete", "/points/{AccessPointId}", None, None, (param,), None, ir.Response("none", None))
    api = ir.Api("p", "t", "1", None, "https://x.test", None, (), (ir.Resource("r", "R", "r", (op,)),))
    assert S.wire_path(example(api, op)) == "/points/arn:aws:efs:0:ap%2Ff%20s"


def test_a_fixed_query_in_the_path_key_is_sent_as_query_pairs() -> None:
    """Corpus: flickr's `/rest?method=flickr.favorites.getContext`: curl sent `/rest%3Fmethod=...`, the client
    `/rest` with `method=...` in the query."""
    param = ir.Parameter("photo_id", "photo_id", "query", ir.Primitive("str"), True, example='"1"')
    op = ir.Operation("op", "op", "get", "/rest?method=flickr.favorites.getContext", None, None, (param,), None, ir.Response("none", None))
    api = ir.Api("p", "t", "1", None, "https://x.test", None, (), (ir.Resource("r", "R", "r", (op,)),))
    ex = example(api, op)
    assert S.wire_path(ex) == "/rest"
    assert S.wire_query(ex) == [("method", "flickr.favorites.getContext"), ("photo_id", "1")]
    assert "https://x.test/rest?method=flickr.favorites.getContext&photo_id=1" in S.curl(api, ex)
