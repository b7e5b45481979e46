"""The rows of the reference pages (generator/docs/reference.py): flattening, variants, cuts, words."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.docs import reference
from generator.docs.reference import Definitions, Flattener, MAX_DEPTH
from tests.conftest import lower_spec

SPEC = """
openapi: 3.1.0
info: {title: Rows, version: "1"}
servers: [{url: https://api.example.test}]
paths:
  /things/{thing_id}:
    post:
      operationId: makeThing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: "include[]", in: query, schema: {type: array, items: {type: string, enum: [a, b]}}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [groups]
              properties:
                temperature: {type: number, minimum: 0, maximum: 2, default: 1}
                groups:
                  type: array
                  maxItems: 20
                  items:
                    type: object
                    required: [members]
                    properties:
                      members:
                        type: array
                        items:
                          type: object
                          properties:
                            name: {type: string, maxLength: 64}
                labels:
                  type: object
                  maxProperties: 16
                  propertyNames: {maxLength: 64}
                  additionalProperties: {type: string, maxLength: 512}
                tools:
                  type: array
                  items:
                    oneOf:
                      - $ref: '#/components/schemas/CodeTool'
                      - $ref: '#/components/schemas/FunctionTool'
                    discriminator: {propertyName: type}
                tree: {$ref: '#/components/schemas/Node'}
                deep: {$ref: '#/components/schemas/L1'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
        '404': {$ref: '#/components/responses/NotFound'}
        default: {description: Anything else}
components:
  responses:
    NotFound:
      description: No such thing.
      content: {application/problem+json: {schema: {type: object}}}
  schemas:
    CodeTool:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [code]}
    FunctionTool:
      type: object
      required: [type, function]
      properties:
        type: {type: string, enum: [function]}
        function:
          type: object
          required: [name]
          properties:
            name: {type: string}
    Node:
      type: object
      properties:
        value: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
    L1: {type: object, properties: {next: {$ref: '#/components/schemas/L2'}}}
    L2: {type: object, properties: {next: {$ref: '#/components/schemas/L3'}}}
    L3: {type: object, properties: {next: {$ref: '#/components/schemas/L4'}}}
    L4: {type: object, properties: {next: {$ref: '#/components/schemas/L5'}}}
    L5: {type: object, properties: {next: {$ref: '#/components/schemas/L6'}}}
    L6: {type: object, properties: {next: {$ref: '#/components/schemas/L7'}}}
    L7: {type: object, properties: {next: {$ref: '#/components/schemas/L8'}}}
    L8: {type: object, properties: {leaf: {type: string}}}
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> reference.OperationPage:
    spec = tmp_path_factory.mktemp("rows") / "rows.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    api = lower_spec(spec).api
    (only,) = reference.operation_pages(api)
    return only


def rows(page: reference.OperationPage, location: str) -> dict[str, reference.Row]:
    (table,) = [t for t in page.tables if t.location == location]
    return {r.name: r for r in table.rows if r.variant is None}


def test_nested_lists_are_flattened_with_brackets(page: reference.OperationPage) -> None:
    body = rows(page, "body")
    assert {"groups[]", "groups[].members[]", "groups[].members[].name"} <= set(body)
    assert body["groups[]"].required is True and body["groups[].members[]"].required is True
    assert body["groups[].members[].name"].required is False
    assert body["groups[].members[].name"].constraints == ("At most 64 characters",)
    assert body["groups[]"].constraints == ("At most 20 items",)


def test_map_values_are_a_key_row_and_the_map_says_its_bounds(page: reference.OperationPage) -> None:
    body = rows(page, "body")
    assert body["labels"].constraints == ("At most 16 keys; keys at most 64 characters; values at most 512 characters",)
    assert body["labels.<key>"].constraints == ("At most 512 characters",)


def test_union_variants_are_labelled_rows_followed_by_their_fields(page: reference.OperationPage) -> None:
    (table,) = [t for t in page.tables if t.location == "body"]
    names = [(r.name, r.variant) for r in table.rows if r.name.startswith("tools")]
    assert names == [
        ("tools[]", None),
        ("tools[]", ("tag", "type", '"code"')),
        ("tools[].type", None),
        ("tools[]", ("tag", "type", '"function"')),
        ("tools[].type", None),
        ("tools[].function", None),
        ("tools[].function.name", None),
    ]


def test_recursion_is_cut_with_a_link_to_the_type(page: reference.OperationPage) -> None:
    body = rows(page, "body")
    assert body["tree.children[]"].cut == "recursive" and body["tree.children[]"].see == "Node"
    assert not any(name.startswith("tree.children[].") for name in body)


def test_depth_is_capped_with_a_link(page: reference.OperationPage) -> None:
    body = rows(page, "body")
    deep = [r for name, r in body.items() if name.startswith("deep")]
    assert max(r.depth for r in deep) == MAX_DEPTH - 1
    (last,) = [r for r in deep if r.cut]
    assert last.cut == "deep" and last.see is not None and last.see.startswith("L")
    assert "deep" + ".next" * 8 + ".leaf" not in body


def test_constraints_defaults_values_and_python_names(page: reference.OperationPage) -> None:
    body = rows(page, "body")
    assert body["temperature"].constraints == ("Between 0 and 2",)
    assert body["temperature"].default == "1"
    (include,) = rows(page, "query").values()
    assert (include.name, include.python, include.values, include.item_values) == ("include[]", "include", ("a", "b"), True)
    assert rows(page, "path")["thread_id" if False else "thing_id"].required is True
    # The client sets Content-Type itself: its row says so.
    content_type = rows(page, "header")["Content-Type"]
    assert content_type.sent and content_type.default == '"application/json"'


def test_response_rows_cut_recursion_too(page: reference.OperationPage) -> None:
    assert page.response is not None
    names = {r.name: r for r in page.response.rows}
    assert names["children[]"].cut == "recursive"


def test_flattener_marks_recursion_through_an_alias() -> None:
    """A union alias that holds itself (JSON values) stops at its second appearance."""
    from generator import ir

    value = ir.Alias("Value", "Value", "value", "value", ir.UnionType((ir.Primitive("str"), ir.ListType(ir.NamedType("Value")))), in_request=True)
    api = ir.Api("p", "t", "1", None, "https://x", None, (), (), (value,))
    flat = Flattener(Definitions(api), "request")
    flat.parameter(ir.Parameter("v", "v", "body", ir.NamedType("Value"), True), list_suffix=True)
    assert len(flat.rows) < 10
    assert any(r.cut == "recursive" and r.see == "Value" for r in flat.rows)


def test_success_status_and_the_other_responses(page: reference.OperationPage) -> None:
    """The IR keeps what the pages say of responses: the success status, and the errors the spec lists (refs followed)."""
    op = page.operation
    assert (op.response.status, op.response.description) == ("200", "ok")
    assert [(r.status, r.description, r.content_types) for r in op.other_responses] == [
        ("404", "No such thing.", ("application/problem+json",)),
        ("default", "Anything else", ()),
    ]


def test_a_body_sent_whole_is_one_row_and_its_fields_are_named_from_its_top() -> None:
    from tests.features import support

    api = lower_spec(support.SPECS / "body-required-properties.yaml").api
    (page,) = [p for p in reference.operation_pages(api) if p.operation.operation_id == "createRecord"]
    (table,) = [t for t in page.tables if t.location == "body"]
    assert [(r.name, r.variant) for r in table.rows] == [
        ("", None),
        ("", ("tag", "type", '"A"')),
        ("type", None),
        ("value", None),
        ("", ("tag", "type", '"TXT"')),
        ("type", None),
        ("text", None),
    ]
    assert (table.rows[0].python, table.rows[0].required) == ("body", True)
