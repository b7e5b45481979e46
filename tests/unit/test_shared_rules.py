"""Shared validation rules (``TypeWriter.shared_rule``, the package's ``_rules`` module) against the
inlined ones (``TypeWriter.rule``, what methods wrote before and the try-it page still shows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.client.render import Renderer, RenderOptions
from generator.client.typing_render import RuleRef, TypeWriter, rule_constant
from tests.conftest import ROOT, lower_spec

FEATURES = sorted((ROOT / "specs" / "features").glob("*.yaml"))


def _expanded(rule: Any, bodies: dict[str, Any], visiting: frozenset[str]) -> Any:
    """A shared rule written out as the inlined rule is: a type's rule cut where its name repeats."""
    if isinstance(rule, RuleRef):
        if rule.name in visiting:
            return None
        return _expanded(bodies[rule.name], bodies, visiting | {rule.name})
    if isinstance(rule, dict):
        out = {k: _expanded(v, bodies, visiting) for k, v in rule.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(rule, list):
        return [_expanded(v, bodies, visiting) for v in rule]
    return rule


def _recursive(writer: TypeWriter, t: ir.Type) -> bool:
    """Whether a named type reachable from ``t`` reaches itself."""

    def reach(start: ir.Type) -> set[str]:
        seen: set[str] = set()
        todo = list(ir.names_in(start))
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(n for i in _inner(writer, name) for n in ir.names_in(i))
        return seen

    for name in reach(t):
        if any(name in reach(i) for i in _inner(writer, name)):
            return True
    return False


@pytest.mark.parametrize("spec", FEATURES, ids=[p.stem for p in FEATURES])
def test_shared_rules_check_what_inlined_rules_check(spec: Path) -> None:
    """Non-recursive: a parameter's shared rule, written out, is the inlined rule exactly (so the
    same values pass and fail). Recursive: the inlined rule is a cut of it (the shared one checks
    deeper), and still the same when the rule never gets to the cut."""
    api = lower_spec(spec).api
    writer = TypeWriter(api)
    bodies = writer.shared_rules()
    for op in (op for r in _resources(api.resources) for op in r.operations):
        for p in op.parameters:
            inlined = writer.rule(p.type)
            shared = writer.shared_rule(p.type)
            if not _recursive(writer, p.type):
                assert _expanded(shared, bodies, frozenset()) == inlined, (op.operation_id, p.name)
            assert (shared is None) == (inlined is None), (op.operation_id, p.name)


def test_a_cycle_without_a_constraint_has_no_rule_and_one_with_a_constraint_refers_to_itself() -> None:
    api = lower_spec(ROOT / "specs" / "features" / "recursive-tree.yaml").api
    assert TypeWriter(api).shared_rules() == {}  # Node: value, children, parent, attributes: nothing to check
    api = lower_spec(ROOT / "specs" / "features" / "shared-rules.yaml").api
    bodies = TypeWriter(api).shared_rules()
    assert bodies["TreeNode"] == {"properties": {"name": {"maxLength": 8}, "children": {"items": RuleRef("TreeNode")}}}
    assert set(bodies) == {"Address", "Customer", "TreeNode", "SkuList", "Product"}
    assert "Sku" not in bodies  # a plain string is inlined, its pattern with it


def test_the_rules_module_declares_only_what_is_used_before_it_is_written() -> None:
    api = lower_spec(ROOT / "specs" / "features" / "shared-rules.yaml").api
    files, _ = Renderer(api, RenderOptions(source="shared-rules.yaml")).render(keyed=False)
    text = files["_rules.py"]
    assert "TreeNode: dict[str, object] = {}\n" in text and "TreeNode.update(" in text
    assert "Address: dict[str, object] = {" in text and "Address.update(" not in text
    namespace: dict[str, Any] = {}
    exec(compile(text, "_rules.py", "exec"), namespace)
    tree = namespace["TreeNode"]
    assert tree["properties"]["children"]["items"] is tree
    # Customer's own rule is flattened into its method's parameters: no constant for it is needed.
    assert "Customer" not in namespace


def test_no_rules_module_without_a_shared_rule() -> None:
    api = lower_spec(ROOT / "specs" / "features" / "recursive-tree.yaml").api
    files, _ = Renderer(api, RenderOptions(source="recursive-tree.yaml")).render(keyed=False)
    assert "_rules.py" not in files and not any("_rules" in text for path, text in files.items() if path.startswith("resources/"))


def test_constant_names_are_identifiers_and_do_not_collide() -> None:
    names = ["Tree", "dict", "dict_rule", "str", "object", "__x", "Node_rule", "Node"]
    constants = [rule_constant(n) for n in names]
    assert len(set(constants)) == len(names) and all(c.isidentifier() for c in constants)
    assert not {"dict", "str", "object"} & set(constants)


def _inner(writer: TypeWriter, name: str) -> list[ir.Type]:
    """The types a named type's rule is made of (a request sends no readOnly property)."""
    definition = writer.defs[name]
    return [definition.type] if isinstance(definition, ir.Alias) else [f.type for f in definition.fields if not f.read_only]


def _resources(resources: tuple[ir.Resource, ...]) -> Any:
    for resource in resources:
        yield resource
        yield from _resources(resource.children)


def test_a_changed_shared_rule_changes_the_rules_module_and_its_key(tmp_path: Path) -> None:
    """Methods refer to a constant by name: a change of the rule changes `_rules.py` (and its cache
    key), and the resource modules that refer to it keep their text."""
    source = (ROOT / "specs" / "features" / "shared-rules.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "shared-rules.yaml"
    changed.write_text(source.replace("maxLength: 40", "maxLength: 41", 1), encoding="utf-8")
    before = Renderer(lower_spec(ROOT / "specs" / "features" / "shared-rules.yaml").api, RenderOptions(source="s"))
    after = Renderer(lower_spec(changed).api, RenderOptions(source="s"))
    (files_before, keys_before), (files_after, keys_after) = before.render(), after.render()
    assert '"maxLength": 40' in files_before["_rules.py"] and '"maxLength": 41' in files_after["_rules.py"]
    assert keys_before["_rules.py"] != keys_after["_rules.py"]
    assert files_before["resources/customers.py"] == files_after["resources/customers.py"]
    assert "_rules.Address" in files_after["resources/customers.py"]
