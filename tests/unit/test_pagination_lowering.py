"""Which operations page and how: detection, vendor extensions and [tool.generator.pagination]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import config, ir
from generator.diagnostics import SpecError
from tests.conftest import lower_spec


def _spec(tmp_path: Path, response: dict[str, Any], parameters: list[dict[str, Any]], **operation: Any) -> Path:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": parameters,
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}},
                    **operation,
                }
            }
        },
        "components": {"schemas": {"Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _query(*names: str, kind: str = "string") -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "schema": {"type": kind}} for n in names]


THINGS = {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
CURSOR_LIST = {"type": "object", "properties": {"data": THINGS, "has_more": {"type": "boolean"}}}


def _paging(spec: Path, **settings: object) -> ir.Pagination | None:
    api = lower_spec(spec, **settings).api
    return api.resources[0].operations[0].pagination


def test_cursor_detected(tmp_path: Path) -> None:
    paging = _paging(_spec(tmp_path, CURSOR_LIST, _query("after", "limit")))
    assert paging is not None and (paging.style, paging.items, paging.param, paging.cursor, paging.has_more) == ("cursor", ("data",), "after", (), ("has_more",))
    assert paging.item == ir.NamedType("Thing")


def test_no_paging_without_the_request_parameter_or_with_two_arrays(tmp_path: Path) -> None:
    assert _paging(_spec(tmp_path, CURSOR_LIST, _query("limit"))) is None
    two = {"type": "object", "properties": {"data": THINGS, "other": THINGS, "has_more": {"type": "boolean"}}}
    assert _paging(_spec(tmp_path, two, _query("after"))) is None


def test_a_string_page_parameter_is_a_token_not_a_number(tmp_path: Path) -> None:
    usage = {"type": "object", "properties": {"data": THINGS, "has_more": {"type": "boolean"}, "next_page": {"type": "string"}}}
    paging = _paging(_spec(tmp_path, usage, _query("page", "limit")))
    assert paging is not None and (paging.style, paging.param, paging.cursor) == ("token", "page", ("next_page",))
    numbered = {"type": "object", "properties": {"data": THINGS, "total_pages": {"type": "integer"}}}
    paging = _paging(_spec(tmp_path, numbered, _query("page", kind="integer")))
    assert paging is not None and (paging.style, paging.param, paging.total) == ("page", "page", ("total_pages",))
    assert _paging(_spec(tmp_path, numbered, _query("page"))) is None


def test_configuration_overrides_disables_and_matches_globs(tmp_path: Path) -> None:
    spec = _spec(tmp_path, CURSOR_LIST, _query("after", "limit"))
    assert _paging(spec, pagination=(("listThings", False),)) is None
    assert _paging(spec, pagination=(("list*", False),)) is None
    paging = _paging(spec, pagination=(("listThings", (("param", "limit"), ("style", "offset"))),))
    assert paging is not None and (paging.style, paging.param, paging.items) == ("offset", "limit", ("data",))
    # An exact entry wins over a glob.
    paging = _paging(spec, pagination=(("list*", False), ("listThings", (("style", "cursor"),))))
    assert paging is not None and paging.param == "after"


def test_configuration_naming_no_operation_is_a_warning(tmp_path: Path) -> None:
    spec = _spec(tmp_path, CURSOR_LIST, _query("after"))
    warnings = lower_spec(spec, pagination=(("listThingz", False), ("get*", False), ("list*", False))).warnings
    assert sorted(w.message for w in warnings) == ["[tool.generator.pagination]: no operation 'get*'", "[tool.generator.pagination]: no operation 'listThingz'"]


def test_configuration_that_cannot_apply_is_a_located_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, CURSOR_LIST, _query("after"))
    with pytest.raises(SpecError) as caught:
        _paging(spec, pagination=(("listThings", (("items", "nope"),)),))
    problem = caught.value.problems[0]
    assert "'nope' is not an array" in problem.message and problem.pointer == "/paths/~1things/get"


def test_x_pagination_and_x_ms_pageable(tmp_path: Path) -> None:
    links = {"type": "object", "properties": {"value": THINGS, "nextLink": {"type": "string"}}}
    paging = _paging(_spec(tmp_path, links, [], **{"x-ms-pageable": {"nextLinkName": "nextLink"}}))
    assert paging is not None and (paging.style, paging.items, paging.cursor) == ("next_url", ("value",), ("nextLink",))
    assert _paging(_spec(tmp_path, links, [], **{"x-ms-pageable": {"nextLinkName": None}})) is None
    own = {"style": "token", "param": "t", "cursor": "meta.token"}
    paging = _paging(_spec(tmp_path, links, _query("t"), **{"x-pagination": own}))
    assert paging is not None and (paging.style, paging.items, paging.cursor) == ("token", ("value",), ("meta", "token"))


def test_pyproject_pagination_table_is_checked(tmp_path: Path) -> None:
    def load(table: str) -> list[config.Target]:
        (tmp_path / "pyproject.toml").write_text(
            '[tool.generator]\n[[tool.generator.targets]]\nspec = "s.yaml"\nout = "o"\npackage = "p"\n' + table, encoding="utf-8"
        )
        return config.load_targets(tmp_path / "pyproject.toml")

    target = load('[tool.generator.targets.pagination]\nlistFiles = { style = "cursor", items = "data", param = "after" }\nlistModels = false\n')[0]
    assert dict(target.pagination) == {"listFiles": (("items", "data"), ("param", "after"), ("style", "cursor")), "listModels": False}
    with pytest.raises(SpecError, match="unknown pagination style"):
        load('[tool.generator.targets.pagination]\nlistFiles = { style = "sideways" }\n')
    with pytest.raises(SpecError, match="unknown pagination setting"):
        load('[tool.generator.targets.pagination]\nlistFiles = { cursor_parm = "after" }\n')
    with pytest.raises(SpecError, match="must be a table or false"):
        load('[tool.generator.targets.pagination]\nlistFiles = true\n')


def test_paging_is_written_as_escaped_literals() -> None:
    """Wire names from the spec or the configuration reach generated code only as string literals."""
    from generator.client.render import _paging
    from generator.client.runtime._pagination import Paging

    hostile = 'x"), __import__("os").system("echo pwned"), ("'
    source = _paging(ir.Pagination("token", item=ir.Primitive("str"), items=(hostile, "b\\n"), param=hostile + "'''", cursor=("@odata.nextLink",), limit="per_page", start=0))
    value = eval(source, {"Paging": Paging, "__builtins__": {}})  # noqa: S307 - the point: it is only a call of Paging with literals
    assert value == Paging("token", items=(hostile, "b\\n"), param=hostile + "'''", cursor=("@odata.nextLink",), limit="per_page", start=0)
