"""Bad [tool.generator] configuration: located messages in pyproject.toml, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

from .conftest import LOCATED, SUMMARY

TARGET = '[[tool.generator.targets]]\nspec = "api.yaml"\nout = "client"\npackage = "client"\n'
CASES = {
    "invalid-toml": ("[tool.generator\n", "1:16: /: invalid TOML: "),
    "no-section": ('[project]\nname = "x"\n', "1:1: /tool/generator: no [tool.generator] section"),
    "tool-not-a-table": ("tool = 5\n", "1:1: /tool/generator: no [tool.generator] section"),
    "no-targets": ("[tool.generator]\n", "1:1: /tool/generator/targets: no [[tool.generator.targets]] configured"),
    "target-not-a-table": ("[tool.generator]\ntargets = [1]\n", "1:1: /tool/generator/targets/0: a target must be a table"),
    "unknown-setting": ("[tool.generator]\n" + TARGET + "pakage = 'x'\n", "6:1: /tool/generator/targets/0/pakage: unknown setting 'pakage'"),
    "missing-spec": ('[tool.generator]\n[[tool.generator.targets]]\nout = "client"\npackage = "client"\n', "2:1: /tool/generator/targets/0/spec: `spec` is required"),
    "default-of-wrong-type": ("[tool.generator]\ndocs_base_url = 5\n" + TARGET, "2:1: /tool/generator/targets/0/docs_base_url: `docs_base_url` must be a string, not a number"),
    "operations-not-a-list": ("[tool.generator]\n" + TARGET + 'operations = "createRun"\n', "6:1: /tool/generator/targets/0/operations: `operations` must be a list of strings, not a string"),
    "group-names-not-a-table": ("[tool.generator]\ngroup_names = 5\n" + TARGET, "2:1: /tool/generator/targets/0/group_names: `group_names` must be a table, not a number"),
    "second-target": ("[tool.generator]\n" + TARGET + TARGET + "line_length = true\n", "10:1: /tool/generator/targets/1/line_length: `line_length` must be an integer, not a boolean"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_configuration(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text, expected = CASES[name]
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["generate"])
    err = capsys.readouterr().err
    assert code == 1
    problem, summary = err.splitlines()
    assert LOCATED.match(problem), problem
    assert problem.startswith("pyproject.toml:" + expected), problem
    assert SUMMARY.match(summary)
    assert not (tmp_path / "client").exists()
