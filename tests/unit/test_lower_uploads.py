"""Lowering of upload forms (multipart beside JSON), the spec's `encoding`, and the array/object formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import config
from generator.diagnostics import SpecError
from generator.pipeline import generate
from tests.conftest import lower_spec, target_for

SPEC = Path(__file__).resolve().parents[1].parent / "specs" / "features" / "upload-forms.yaml"


def bodies() -> dict[str, object]:
    return bodies_of(lower_spec(SPEC).api)


def test_multipart_beside_json_is_chosen_by_the_arguments_or_always() -> None:
    found = bodies()
    same = found["createContainerFile"]
    assert (same.kind, same.files_kind) == ("json", "multipart")  # type: ignore[attr-defined]
    edit = found["editImage"]
    assert (edit.kind, edit.files_kind, edit.content_type) == ("multipart", None, "multipart/form-data")  # type: ignore[attr-defined]


def test_encoding_is_kept_per_property() -> None:
    found = bodies()
    assert found["createCall"].encoding == (("sdp", "application/sdp", None, None), ("session", "application/json", None, None))  # type: ignore[attr-defined]
    assert found["createToken"].encoding == (("scope", None, "spaceDelimited", False),)  # type: ignore[attr-defined]


def test_an_encoding_content_type_that_is_no_media_type_is_a_warning(tmp_path: Path) -> None:
    text = SPEC.read_text(encoding="utf-8").replace("sdp: {contentType: application/sdp}", 'sdp: {contentType: "text/plain\\r\\nX-Injected: 1"}')
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    lowered = lower_spec(spec)
    assert any("is not a media type" in w.message for w in lowered.warnings)
    assert not any(entry[0] == "sdp" for entry in bodies_of(lowered.api)["createCall"].encoding)  # type: ignore[attr-defined]


def bodies_of(api: object) -> dict[str, object]:
    out = {}
    stack = list(api.resources)  # type: ignore[attr-defined]
    while stack:
        resource = stack.pop()
        stack.extend(resource.children)
        out.update({op.operation_id: op.body for op in resource.operations})
    return out


def test_the_configured_formats_reach_the_client_and_explicit_form_arrays() -> None:
    result = generate(target_for(SPEC, package="uf", array_format="brackets", object_format="dots"), cache_dir=None, jobs=1)
    client = result.files["_client.py"]
    assert client.count('_array_format = "brackets"') == 2 and client.count('_object_format = "dots"') == 2
    plain = generate(target_for(SPEC, package="uf"), cache_dir=None, jobs=1)
    assert "_array_format" not in plain.files["_client.py"]


@pytest.mark.parametrize(("key", "value"), [("array_format", "pipes"), ("object_format", "brackets[]")])
def test_an_unknown_format_is_a_located_error(tmp_path: Path, key: str, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.generator]\n{key} = "{value}"\n[[tool.generator.targets]]\nspec = "s.yaml"\nout = "o"\npackage = "p"\n', encoding="utf-8"
    )
    with pytest.raises(SpecError) as caught:
        config.load_targets(tmp_path / "pyproject.toml")
    (problem,) = caught.value.problems
    assert problem.pointer.endswith("/" + key) and value in problem.message and problem.line == 2
