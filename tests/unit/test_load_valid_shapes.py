"""Valid OpenAPI that openapi-pydantic (the structural check) refuses: read without an error or a warning.

Each was found refusing a spec of the real-world corpus (bench/corpus.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.pipeline import Result, generate
from tests.conftest import target_for

OK = {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}


def _generated(tmp_path: Path, document: dict[str, Any]) -> Result:
    """The whole pipeline, structural check included (it raises SpecError on a problem)."""
    file = tmp_path / "api.json"
    file.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, **document}), encoding="utf-8")
    return generate(target_for(file, package="pkg"), cache_dir=None, jobs=1)


def test_a_callback_given_by_reference(tmp_path: Path) -> None:
    """`callbacks: {name: {$ref: ...}}` (peertube): a Reference Object stands for the Callback Object."""
    hook = {"{$request.query.url}": {"post": {"responses": {"200": {"description": "OK"}}}}}
    get = {"operationId": "search", "responses": OK, "callbacks": {"onResult": {"$ref": "#/components/callbacks/Hook"}}}
    result = _generated(tmp_path, {"paths": {"/search": {"get": get}}, "components": {"callbacks": {"Hook": hook}}})
    assert result.operation_count == 1 and result.warnings == ()


def test_an_extension_key_in_paths(tmp_path: Path) -> None:
    """`paths: {x-codegen-contextRoot: /api, ...}` (apicurio): the Paths object allows `x-` keys; they are no path."""
    result = _generated(tmp_path, {"paths": {"x-codegen-contextRoot": "/api", "x-more": {"get": {"responses": OK}}, "/a": {"get": {"operationId": "a", "responses": OK}}}})
    assert result.operation_count == 1 and result.warnings == () and "path=\"/a\"" in result.files["resources/a.py"]
