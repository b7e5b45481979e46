"""A failing run leaves the package on disk byte-identical; a good run leaves exactly what it generates;
`check` says what regenerating would change."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import generator.client.format
import generator.pipeline
import generator.client.render
import generator.write

from .conftest import CREATE_RUN, SPECS, Run, read_tree, run_cli

PACKAGE = "openai_client"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("format-cache")


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    # A format cache of these tests' own: fast after the first run, and never the user's.
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(cache_dir))


def generate(spec: Path, out: Path, *extra: str) -> Run:
    return run_cli("generate", str(spec), "--out", str(out), "--package", PACKAGE, "--jobs", "1", "--quiet", *extra)


def check(spec: Path, out: Path) -> Run:
    return run_cli("check", str(spec), "--out", str(out), "--package", PACKAGE, "--jobs", "1")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("pristine") / PACKAGE
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GENERATOR_CACHE_DIR", str(cache_dir))
        run = generate(CREATE_RUN, out)
    assert run.code == 0, run.err
    return out


@pytest.fixture
def out(tmp_path: Path, pristine: Path) -> Path:
    """A package generated from specs/create_run.yaml, as a previous run left it."""
    out = tmp_path / "site" / PACKAGE
    shutil.copytree(pristine, out)
    return out


def _siblings(out: Path) -> list[str]:
    # Staging and backup directories live beside the package; none may be left behind.
    return sorted(p.name for p in out.parent.iterdir())


def _inodes(out: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and link count: unchanged files are hard-linked into the new tree."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_nlink) for p in sorted(out.rglob("*")) if p.is_file()}


def _untouched(out: Path, before: dict[str, bytes], inodes: dict[str, tuple[int, int]]) -> None:
    assert read_tree(out) == before
    # The very same files, and none of them still linked from a staging tree that was left behind.
    assert _inodes(out) == inodes
    assert {links for _, links in inodes.values()} == {1}
    assert _siblings(out) == [PACKAGE]


def _edit_every_other_file(out: Path) -> None:
    # A run then both links (the files left alone) and writes (the edited ones).
    for path in sorted(out.rglob("*.py"))[::2]:
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


def test_a_bad_spec_leaves_the_previous_output_untouched(out: Path) -> None:
    before = read_tree(out)
    run = generate(SPECS / "several-errors.yaml", out)
    assert run.code == 1
    assert run.err.endswith("nothing was written\n")
    assert read_tree(out) == before
    assert _siblings(out) == [PACKAGE]


def _crash(*args: object, **kwargs: object) -> None:
    raise RuntimeError("injected crash")


@pytest.mark.parametrize(
    "target, name",
    [
        (generator.client.render.Renderer, "render"),
        (generator.client.format.Formatter, "format_all"),
        (generator.client.format, "format_source"),
    ],
    ids=["render", "format_all", "black"],
)
def test_a_crash_in_rendering_or_formatting_leaves_the_previous_output_untouched(out: Path, monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> None:
    before = read_tree(out)
    monkeypatch.setattr(target, name, _crash)
    if name == "format_source":
        # linesplit splits every long line of this spec itself: leave them to black.
        monkeypatch.setattr(generator.client.format, "split_element", lambda *args, **kwargs: None)
        monkeypatch.setattr(generator.client.format, "split_statement", lambda *args, **kwargs: None)
    run = generate(CREATE_RUN, out, "--no-cache")
    assert run.code == 3
    assert "Traceback" not in run.err
    assert read_tree(out) == before
    assert _siblings(out) == [PACKAGE]


def test_an_interrupt_while_formatting_leaves_the_previous_output_untouched(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = read_tree(out)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.client.format.Formatter, "format_all", interrupted)
    run = generate(CREATE_RUN, out)
    assert run.code == 130
    assert read_tree(out) == before


def _failing(real: Callable[..., Any], on_call: int, error: BaseException) -> tuple[Callable[..., Any], list[tuple[Any, ...]]]:
    """``real``, except that its ``on_call``-th call raises ``error``; and the calls made so far."""
    calls: list[tuple[Any, ...]] = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == on_call:
            raise error
        return real(*args, **kwargs)

    return failing, calls


def test_a_failure_while_writing_files_leaves_the_previous_output_untouched(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_every_other_file(out)
    before, inodes = read_tree(out), _inodes(out)
    failing_open, opened = _failing(open, 20, OSError(28, "No space left on device"))
    monkeypatch.setattr(generator.write, "open", failing_open, raising=False)
    run = generate(CREATE_RUN, out)
    assert run.code == 1
    assert run.err.splitlines()[-1].endswith("cannot write the package: No space left on device; it was left as it was")
    assert len(opened) == 20
    _untouched(out, before, inodes)


def test_an_interrupt_while_linking_unchanged_files_leaves_the_previous_output_untouched(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_every_other_file(out)
    before, inodes = read_tree(out), _inodes(out)
    interrupted_link, linked = _failing(generator.write.os.link, 20, KeyboardInterrupt())
    monkeypatch.setattr(generator.write.os, "link", interrupted_link)
    run = generate(CREATE_RUN, out)
    assert run.code == 130
    assert len(linked) == 20
    monkeypatch.undo()
    _untouched(out, before, inodes)


def test_a_failure_while_swapping_in_the_new_tree_restores_the_old_one(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_every_other_file(out)
    before, inodes = read_tree(out), _inodes(out)
    # The second rename: the old tree is already set aside; the new one fails to move in.
    failing_rename, _ = _failing(generator.write.os.rename, 2, OSError(13, "Permission denied"))
    monkeypatch.setattr(generator.write.os, "rename", failing_rename)
    run = generate(CREATE_RUN, out)
    assert run.code == 1
    monkeypatch.undo()
    _untouched(out, before, inodes)


def _as_if_generated(out: Path, *paths: str) -> None:
    """List ``paths`` in the package's manifest, as a run from an older spec that generated them would have."""
    manifest = out / generator.write.MANIFEST
    document = json.loads(manifest.read_text(encoding="utf-8"))
    for rel in paths:
        document["files"][rel] = hashlib.sha256((out / rel).read_bytes()).hexdigest()
    manifest.write_text(json.dumps(document), encoding="utf-8")


def test_files_no_longer_generated_are_removed(out: Path, tmp_path: Path) -> None:
    fresh = read_tree(out)
    (out / "stale.py").write_text("# from an older spec\n")
    (out / "types" / "removed_model.py").write_text("class RemovedModel: ...\n")
    (out / "old_dir").mkdir()
    (out / "old_dir" / "notes.txt").write_text("left over\n")
    # Generated by an earlier run: what the manifest does not list is kept (tests/errors/test_output_ownership.py).
    _as_if_generated(out, "stale.py", "types/removed_model.py", "old_dir/notes.txt")
    run = generate(CREATE_RUN, out)
    assert run.code == 0, run.err
    assert read_tree(out) == fresh
    assert _siblings(out) == [PACKAGE]


def test_check_is_clean_right_after_generate(out: Path) -> None:
    run = check(CREATE_RUN, out)
    assert (run.code, run.out) == (0, "")
    assert run.err.strip().endswith("is up to date")


def test_check_prints_a_unified_diff_and_a_summary_when_stale(out: Path) -> None:
    (out / "_client.py").write_text((out / "_client.py").read_text() + "# edited by hand\n")
    (out / "resources" / "__init__.py").unlink()
    (out / "extra.py").write_text("x = 1\n")
    _as_if_generated(out, "extra.py")  # generated by an earlier run, so regenerating removes it
    before = read_tree(out)
    run = check(CREATE_RUN, out)
    label = out.as_posix().lstrip("/")  # the package as messages show it, under a/ and b/
    assert run.code == 1
    assert f"--- a/{label}/_client.py\n+++ b/{label}/_client.py\n" in run.out
    assert "-# edited by hand\n" in run.out
    assert f"--- /dev/null\n+++ b/{label}/resources/__init__.py\n" in run.out
    assert f"--- a/{label}/extra.py\n+++ /dev/null\n" in run.out
    assert re.search(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", run.out, re.M)
    assert run.err.splitlines()[-1] == f"{out.as_posix()} is stale: 1 changed, 1 to add, 1 to remove"
    assert read_tree(out) == before, "check never writes"


def test_check_of_a_missing_package_lists_every_file_to_add(tmp_path: Path) -> None:
    run = check(CREATE_RUN, tmp_path / "nothing-here")
    assert run.code == 1
    assert re.search(r" is stale: 0 changed, \d+ to add, 0 to remove$", run.err.strip())
    assert not (tmp_path / "nothing-here").exists()


def test_check_with_a_bad_spec_is_a_located_error(out: Path) -> None:
    run = check(SPECS / "dangling-ref.yaml", out)
    assert run.code == 1
    assert run.out == ""
    assert "points to nothing" in run.err


def test_editing_one_description_makes_check_fail_with_the_changed_docstring(out: Path, tmp_path: Path) -> None:
    spec_dir = tmp_path / "edited"
    spec_dir.mkdir()
    edited = spec_dir / CREATE_RUN.name  # same file name: generated headers name the spec by it
    text = CREATE_RUN.read_text(encoding="utf-8")
    old, new = "Create a run: execute an [assistant]", "Launch a run: execute an [assistant]"
    assert text.count(old) == 1
    edited.write_text(text.replace(old, new), encoding="utf-8")

    run = check(edited, out)
    assert run.code == 1
    assert re.search(r" is stale: [1-9]\d* changed, 0 to add, 0 to remove$", run.err.strip())
    removed = [line for line in run.out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in run.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed and added
    assert all("Create a run: execute an" in line for line in removed)
    assert all("Launch a run: execute an" in line for line in added)
    assert run.out.count("@@ ") >= 1

    # Regenerating from the edited spec makes it clean again.
    assert generate(edited, out).code == 0
    assert check(edited, out).code == 0


def test_the_generated_package_keeps_ordinary_permissions(out: Path) -> None:
    # The new tree is staged in a private temporary directory; it must not stay private.
    mode = out.stat().st_mode & 0o777
    assert mode == (out / "types").stat().st_mode & 0o777
