"""External `$ref`s read only regular files under the spec's folder (or a configured one), up to a size.

A spec is untrusted: a `$ref` is a request to read a file, and what it reads lands in
docstrings and literals of the generated code. Each case below was read and generated
from before (issue 10, finding 4); now each gets a located error, exit 1, and nothing written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import LOCATED, ROOT, SUMMARY, assert_located, problem_lines, run_cli

CANARY = "CANARY-4f1c9e-FROM-OUTSIDE"
SPEC = """\
openapi: 3.1.0
info: {{title: Things, version: "1.0"}}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing'}}
components:
  schemas:
    Thing:
      type: object
      properties:
        owner: {{$ref: '{ref}'}}
"""
FRAGMENT = f"Owner:\n  type: string\n  description: {CANARY}\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/project (the spec's folder, the working directory's child) and tmp/outside, holding a secret."""
    (tmp_path / "project").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "owner.yaml").write_text(FRAGMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _spec(tree: Path, ref: str) -> str:
    (tree / "project" / "api.yaml").write_text(SPEC.format(ref=ref), encoding="utf-8")
    return "project/api.yaml"


def _generate(spec: str, *extra: str) -> tuple[int, str]:
    run = run_cli("generate", spec, "--out", "pkg", "--package", "pkg", "--no-cache", "--jobs", "1", "--quiet", *extra)
    assert run.out == ""
    return run.code, run.err


def _assert_refused(tree: Path, code: int, err: str, message: str) -> None:
    assert code == 1, err
    assert_located(err, tree)
    (line,) = problem_lines(err)
    found = LOCATED.match(line)
    assert found is not None
    assert found["file"] == "project/api.yaml"
    assert found["pointer"] == "/components/schemas/Thing/properties/owner/$ref"
    assert message in found["message"], line
    assert "(" in found["message"] and found["message"].endswith(")"), f"no hint: {line}"
    assert SUMMARY.match(err.splitlines()[-1])
    assert CANARY not in err
    assert not (tree / "pkg").exists(), "a refused $ref must leave nothing written"


def test_dot_dot_out_of_the_folder_is_refused(tree: Path) -> None:
    code, err = _generate(_spec(tree, "../outside/owner.yaml#/Owner"))
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_an_absolute_path_is_refused(tree: Path) -> None:
    code, err = _generate(_spec(tree, f"{tree}/outside/owner.yaml#/Owner"))
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_a_symlinked_file_leading_out_is_refused(tree: Path) -> None:
    (tree / "project" / "owner.yaml").symlink_to(tree / "outside" / "owner.yaml")
    code, err = _generate(_spec(tree, "owner.yaml#/Owner"))
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_a_symlinked_folder_leading_out_is_refused(tree: Path) -> None:
    (tree / "project" / "shared").symlink_to(tree / "outside", target_is_directory=True)
    code, err = _generate(_spec(tree, "shared/owner.yaml#/Owner"))
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_proc_self_status_is_refused(tree: Path) -> None:
    code, err = _generate(_spec(tree, "/proc/self/status#/Name"))
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_proc_is_refused_even_as_a_configured_root(tree: Path) -> None:
    # /proc's files call themselves regular, with a size of 0, and are made up when read.
    code, err = _generate(_spec(tree, "/proc/self/status#/Name"), "--ref-root", "/proc")
    _assert_refused(tree, code, err, "not a regular file")


@pytest.mark.slow
def test_a_fifo_is_refused_without_waiting_for_a_writer(tree: Path) -> None:
    os.mkfifo(tree / "project" / "owner.yaml")
    spec = _spec(tree, "owner.yaml#/Owner")
    # In a child process: the run that opened the FIFO for reading would wait for a writer forever.
    try:
        child = subprocess.run(
            [sys.executable, "-m", "generator", "generate", spec, "--out", "pkg", "--package", "pkg", "--no-cache", "--jobs", "1", "--quiet"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the run hung on a FIFO")
    _assert_refused(tree, child.returncode, child.stderr, "not a regular file (a FIFO)")


def test_a_directory_is_refused(tree: Path) -> None:
    (tree / "project" / "owner.yaml").mkdir()
    code, err = _generate(_spec(tree, "owner.yaml#/Owner"))
    _assert_refused(tree, code, err, "not a regular file (a directory)")


def test_a_file_over_the_configured_size_is_refused(tree: Path) -> None:
    (tree / "project" / "owner.yaml").write_text(FRAGMENT + "#" * 300 + "\n", encoding="utf-8")
    spec = _spec(tree, "owner.yaml#/Owner")
    code, err = _generate(spec, "--max-ref-size", "200")
    _assert_refused(tree, code, err, "more than the limit of 200")
    # Under the limit, the same file is read.
    code, err = _generate(spec, "--max-ref-size", "2000")
    assert (code, err) == (0, "")


def test_the_size_limit_from_the_configuration(tree: Path) -> None:
    (tree / "project" / "owner.yaml").write_text(FRAGMENT + "#" * 300 + "\n", encoding="utf-8")
    _spec(tree, "owner.yaml#/Owner")
    _configure(tree, "max_ref_size = 200\n")
    code, err = _run_configured(tree)
    _assert_refused(tree, code, err, "more than the limit of 200")


def test_the_size_limit_must_be_positive(tree: Path) -> None:
    _spec(tree, "owner.yaml#/Owner")
    _configure(tree, "max_ref_size = 0\n")
    code, err = _run_configured(tree)
    assert code == 1
    assert "pyproject.toml:" in err and "/max_ref_size: `max_ref_size` must be a positive number of bytes" in err
    assert run_cli("generate", "project/api.yaml", "--out", "pkg", "--package", "pkg", "--max-ref-size", "0").code == 2


def test_an_extra_root_from_the_command_line_is_read(tree: Path) -> None:
    spec = _spec(tree, "../outside/owner.yaml#/Owner")
    code, err = _generate(spec, "--ref-root", "outside")
    assert (code, err) == (0, "")
    assert CANARY in (tree / "pkg" / "types" / "thing.py").read_text(encoding="utf-8")


def test_an_extra_root_from_the_configuration_is_read_through_a_symlink(tree: Path) -> None:
    # A symlink inside the spec's folder into a configured root is judged by where it leads: allowed.
    (tree / "project" / "shared").symlink_to(tree / "outside", target_is_directory=True)
    _spec(tree, "shared/owner.yaml#/Owner")
    _configure(tree, 'ref_roots = ["outside"]\n')
    code, err = _run_configured(tree)
    assert (code, err) == (0, "")
    assert CANARY in (tree / "pkg" / "types" / "thing.py").read_text(encoding="utf-8")


def test_an_extra_root_allows_only_itself(tree: Path) -> None:
    (tree / "outside" / "inner").mkdir()
    spec = _spec(tree, "../outside/owner.yaml#/Owner")
    code, err = _generate(spec, "--ref-root", "outside/inner")
    _assert_refused(tree, code, err, "leads outside the folder of the spec")


def test_a_remote_ref_is_still_refused(tree: Path) -> None:
    for ref in ("http://127.0.0.1:9/owner.yaml#/Owner", "file:///etc/passwd#/x"):
        code, err = _generate(_spec(tree, ref))
        _assert_refused(tree, code, err, "is not supported")


def _configure(tree: Path, settings: str) -> None:
    (tree / "pyproject.toml").write_text(
        f'[tool.generator]\n{settings}[[tool.generator.targets]]\nspec = "project/api.yaml"\nout = "pkg"\npackage = "pkg"\n', encoding="utf-8"
    )


def _run_configured(tree: Path) -> tuple[int, str]:
    run = run_cli("generate", "--no-cache", "--jobs", "1", "--quiet")
    assert run.out == ""
    return run.code, run.err


def test_the_limit_holds_while_reading_when_the_size_lies(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A file that grows after it was measured (or a pseudo-file that says it is empty) is read
    # no further than the limit and one byte.
    import generator.load.refs as refs

    (tree / "project" / "owner.yaml").write_text(FRAGMENT + "#" * 5000 + "\n", encoding="utf-8")
    real_fstat, real_read, read = os.fstat, os.read, []

    def fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *tuple(info)[1:6], 0, *tuple(info)[7:]))

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(refs.os, "fstat", fstat)
    monkeypatch.setattr(refs.os, "read", counting_read)
    code, err = _generate(_spec(tree, "owner.yaml#/Owner"), "--max-ref-size", "200")
    monkeypatch.undo()
    _assert_refused(tree, code, err, "more than the limit of 200 bytes")
    assert sum(read) == 201


def test_a_lone_surrogate_in_a_referenced_file_is_located_there(tree: Path) -> None:
    (tree / "project" / "owner.json").write_text('{"Owner": {"type": "string", "description": "x\\ud800y"}}', encoding="utf-8")
    code, err = _generate(_spec(tree, "owner.json#/Owner"))
    assert code == 1
    referrer, line = problem_lines(err)  # the `$ref` that reads it, then the string in the file itself
    assert "the file cannot be read" in referrer
    match = LOCATED.match(line)
    assert match and match["file"].endswith("owner.json") and match["pointer"] == "/Owner/description"
    assert "lone surrogate" in match["message"]
    assert not (tree / "pkg").exists()
