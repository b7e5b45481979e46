"""A corpus of broken specs: each one gets located messages on stderr and the right exit code.

Every file in tests/errors/specs/ (not fragments/, which other specs `$ref`) is run
through the CLI in-process; stderr and the exit code are snapshotted together in
__snapshots__/test_bad_specs.ambr. After an intended change to a message:
`.venv/bin/python -m pytest tests/errors/test_bad_specs.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

from .conftest import LOCATED, ROOT, SPECS, SUMMARY, assert_located, problem_lines

# Specs that only earn warnings: they generate (exit 0), and fail under --strict.
WARNINGS_ONLY = {
    "required-not-in-properties.yaml",
    "response-ref-to-schema.yaml",  # read as a JSON response of that schema, since the corpus (swaggerhub) has it
    "unsupported-content-type.yaml",
    "unsupported-request-content-type.yaml",
}
# Specs that once crashed the generator and now simply generate.
CLEAN = {"default-is-a-date.yaml"}
CORPUS = sorted(p.name for p in SPECS.iterdir() if p.is_file())


def _run(capsys: pytest.CaptureFixture[str], spec: str, out: Path, *extra: str) -> tuple[int, str]:
    code = main(["generate", spec, "--out", str(out), "--package", "pkg", "--no-cache", "--jobs", "1", "--quiet", *extra])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages name files relative to the working directory: run where the snapshots were taken.
    monkeypatch.chdir(ROOT)


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40
    assert {p.suffix for p in SPECS.iterdir() if p.is_file()} == {".yaml", ".json"}


@pytest.mark.parametrize("name", CORPUS)
def test_bad_spec(name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, snapshot) -> None:  # type: ignore[no-untyped-def]
    spec = (SPECS / name).relative_to(ROOT).as_posix()
    out = tmp_path / "pkg"
    code, err = _run(capsys, spec, out)

    assert f"exit {code}\n{err}" == snapshot
    assert "Traceback" not in err
    if name in CLEAN:
        assert (code, err) == (0, "")
        return
    assert_located(err, ROOT)
    if name in WARNINGS_ONLY:
        assert code == 0
        assert all(": warning: " in line for line in problem_lines(err))
        assert out.is_dir()
    else:
        assert code == 1, err
        assert SUMMARY.match(err.splitlines()[-1])
        assert any(": warning: " not in line for line in problem_lines(err))
        assert not out.exists(), "a failed run must not write anything"


@pytest.mark.parametrize("name", sorted(WARNINGS_ONLY))
def test_warnings_fail_with_strict(name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = (SPECS / name).relative_to(ROOT).as_posix()
    code, err = _run(capsys, spec, tmp_path / "pkg", "--strict")
    assert code == 1
    assert_located(err, ROOT)
    assert err.splitlines()[-1].endswith("warning(s) with --strict; nothing was written")
    assert not (tmp_path / "pkg").exists()


def test_several_problems_are_reported_together(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _run(capsys, "tests/errors/specs/several-errors.yaml", tmp_path / "pkg")
    lines = problem_lines(err)
    assert code == 1
    assert len(lines) >= 6
    assert err.splitlines()[-1] == f"failed: {sum(': warning: ' not in line for line in lines)} error(s); nothing was written"
    # Ordered by file, then by line: the root document first, the referenced fragment after it.
    located = [LOCATED.match(line) for line in lines]
    files = [m["file"] for m in located if m]
    assert files[-1] == "tests/errors/specs/fragments/owner.yaml"
    root_lines = [int(m["line"]) for m in located if m and m["file"] == files[0]]
    assert root_lines == sorted(root_lines)


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _run(capsys, "tests/errors/specs/missing-file.yaml", tmp_path / "pkg")
    assert code == 1
    # There is no text to point into: the file name and what is wrong, nothing more.
    assert err == "tests/errors/specs/missing-file.yaml: /: file not found\nfailed: 1 error(s); nothing was written\n"


def test_directory_instead_of_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _run(capsys, "tests/errors/specs", tmp_path / "pkg")
    assert code == 1
    assert err.startswith("tests/errors/specs: /: cannot read file: ")
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["generate", "specs/create_run.yaml"])
    assert info.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_internal_errors_are_one_line_without_debug(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.client.render

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("injected")

    monkeypatch.setattr(generator.client.render.Renderer, "render", broken)
    code, err = _run(capsys, "specs/create_run.yaml", tmp_path / "pkg")
    assert code == 3
    assert err.splitlines() == ["internal error: ValueError: injected (run with --debug for a traceback; please report it)"]
    code, err = _run(capsys, "specs/create_run.yaml", tmp_path / "pkg", "--debug")
    assert code == 3
    assert "Traceback" in err


def test_every_located_line_matches_the_documented_shape() -> None:
    assert LOCATED.match("specs/x.yaml:12:7: /paths/~1a/get: the operation has no `responses` (add one)")
    assert not LOCATED.match("specs/x.yaml: /: file not found")
