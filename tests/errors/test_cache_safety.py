"""The cache can't lie: a damaged, replaced or planted entry is a miss, and a folder others can write is not used.

Issue 10, finding 5: truncated entries gave 150 empty files with exit 0, non-UTF-8 entries
exit 3, an entry replaced by a FIFO hung the run, and compiled-template bytecode planted in
the cache folder was executed. Each test damages a warm cache one way and asserts the run
gives, byte for byte, what a run without a cache gives.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CREATE_RUN, ROOT, read_tree, run_cli

ARGS = ("--package", "openai_client", "--jobs", "1", "--quiet")


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("cold") / "pkg"
    run = run_cli("generate", str(CREATE_RUN), "--out", str(out), "--no-cache", *ARGS)
    assert (run.code, run.err) == (0, "")
    return read_tree(out)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warm cache folder (the run that filled it is checked against a cold run)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(folder))
    return folder


def _generate(out: Path) -> tuple[int, str, dict[str, bytes]]:
    run = run_cli("generate", str(CREATE_RUN), "--out", str(out), *ARGS)
    return run.code, run.err, read_tree(out)


def _warm(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> list[Path]:
    code, err, files = _generate(tmp_path / "warm-up")
    assert (code, err, files) == (0, "", cold)
    entries = _entries(cache)
    assert len(entries) > 20, "the cache should hold the parsed blocks, the validation and every file"
    return entries


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.is_symlink())


def _flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0x01])


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "emptied": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "a byte flipped": _flip_last_byte,
    "not UTF-8": lambda data: data + b"\xff\xfe",
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_entries_are_misses(damage: str, cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    for entry in _warm(cache, tmp_path, cold):
        entry.write_bytes(DAMAGE[damage](entry.read_bytes()))
    code, err, files = _generate(tmp_path / "out")
    assert (code, err) == (0, "")
    assert files == cold


def test_damaged_entries_are_replaced_by_good_ones(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    entries = _warm(cache, tmp_path, cold)
    for entry in entries:
        entry.write_bytes(b"")
    assert _generate(tmp_path / "out")[::2] == (0, cold)
    healed = _entries(cache)
    assert all(entry.stat().st_size > 0 for entry in healed) and len(healed) >= len(entries)


@pytest.mark.slow
def test_an_entry_replaced_by_a_fifo_is_a_miss_not_a_hang(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    for entry in _warm(cache, tmp_path, cold):
        entry.unlink()
        os.mkfifo(entry)
    # In a child process: a run that opened a FIFO for reading would wait for a writer forever.
    out = tmp_path / "out"
    try:
        child = subprocess.run(
            [sys.executable, "-m", "generator", "generate", str(CREATE_RUN), "--out", str(out), *ARGS],
            cwd=ROOT,
            env={**os.environ, "GENERATOR_CACHE_DIR": str(cache)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the run hung on a FIFO in the cache")
    assert (child.returncode, child.stderr) == (0, "")
    assert read_tree(out) == cold


def test_an_entry_replaced_by_a_symlink_is_a_miss(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    # Each entry's bytes, with its text changed, elsewhere, and the entry a symlink to them:
    # followed, the run would write the changed text.
    elsewhere = tmp_path / "elsewhere"
    for i, entry in enumerate(_warm(cache, tmp_path, cold)):
        target = elsewhere / str(i) / entry.name
        target.parent.mkdir(parents=True)
        target.write_bytes(entry.read_bytes().replace(b"Run", b"Nur"))
        entry.unlink()
        entry.symlink_to(target)
    code, err, files = _generate(tmp_path / "out")
    assert (code, err) == (0, "")
    assert files == cold


def test_a_symlink_to_a_sealed_entry_is_not_followed(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    # Even a link to bytes sealed right for the entry's name is not followed: only regular files are opened.
    import marshal

    from generator.cache import read_entry, write_entry

    entries = [e for e in _warm(cache, tmp_path, cold) if e.name.startswith("client-")]  # the formatted and rendered files
    assert entries
    for i, entry in enumerate(entries):
        salt, values = marshal.loads(read_entry(entry) or b"")
        planted = {key: value.replace("Run", "Nur") if isinstance(value, str) else value for key, value in values.items()}
        target = tmp_path / "elsewhere" / str(i) / entry.name
        target.parent.mkdir(parents=True)
        write_entry(target, marshal.dumps((salt, planted)))
        assert read_entry(target) is not None
        entry.unlink()
        entry.symlink_to(target)
    code, err, files = _generate(tmp_path / "out")
    assert (code, err) == (0, "")
    assert files == cold


def test_the_cache_folder_is_created_for_its_owner_only(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    _warm(cache, tmp_path, cold)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in cache.rglob("*"))


def _one_warning(err: str, cache: Path) -> str:
    (line,) = err.splitlines()
    assert line.startswith(f"{cache}: warning: the cache folder ") and "no cache is used this run" in line, line
    return line


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_a_cache_folder_others_can_write_is_not_used(mode: int, cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    _warm(cache, tmp_path, cold)
    for entry in _entries(cache):
        entry.write_bytes(b"")  # were the folder read, the damage would not show: it is not even read
    cache.chmod(mode)
    before = read_tree(cache)
    code, err, files = _generate(tmp_path / "out")
    assert code == 0
    assert "can be written by" in _one_warning(err, cache)
    assert files == cold
    assert read_tree(cache) == before, "a folder not to be trusted is not written either"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_cache_folder_of_another_user_is_not_used(cache: Path, tmp_path: Path, cold: dict[str, bytes]) -> None:
    _warm(cache, tmp_path, cold)
    os.chown(cache, 65534, 65534)
    before = read_tree(cache)
    code, err, files = _generate(tmp_path / "out")
    assert code == 0
    assert "is owned by another user" in _one_warning(err, cache)
    assert files == cold
    assert read_tree(cache) == before


def test_two_targets_warn_once(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cold: dict[str, bytes]) -> None:
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.generator]\npackage = 'openai_client'\n"
        + "".join(f"[[tool.generator.targets]]\nspec = {str(CREATE_RUN)!r}\nout = 'out{i}'\n" for i in range(2)),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    run = run_cli("generate", "--jobs", "1", "--quiet")
    assert run.code == 0
    _one_warning(run.err, cache)
    assert read_tree(tmp_path / "out0") == read_tree(tmp_path / "out1") == cold


def test_planted_template_bytecode_in_the_cache_folder_is_not_run(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cold: dict[str, bytes]) -> None:
    """Compiled templates were read from ``CACHE/templates`` when they could not be kept beside the templates."""
    import jinja2
    import jinja2.bccache

    import generator.client.render

    canary = tmp_path / "CANARY"
    code = compile(f"open({str(canary)!r}, 'a').write('ran\\n')", "planted", "exec")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(generator.client.render.templates_dir())))
    salt = hashlib.sha256(repr((jinja2.__version__, sorted(generator.client.render._ENV_SETTINGS.items()))).encode()).hexdigest()[:16]
    planted = cache / "templates"
    planted.mkdir(parents=True)
    cache.chmod(0o700)
    names = env.list_templates(filter_func=lambda name: name.endswith(".jinja"))
    assert names
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        bucket = jinja2.bccache.Bucket(env, jinja2.BytecodeCache().get_cache_key(name, filename), jinja2.BytecodeCache().get_source_checksum(source))
        bucket.code = code
        for file_name in (f"{salt}-{bucket.key}", bucket.key):
            (planted / file_name).write_bytes(bucket.bytecode_to_string())
    # As when the templates' own folder cannot be written (PYTHONDONTWRITEBYTECODE, a read-only install).
    monkeypatch.setattr(generator.client.render.sys, "dont_write_bytecode", True)
    status, err, files = _generate(tmp_path / "out")
    assert not canary.exists(), "bytecode planted in the cache folder was executed"
    assert (status, err) == (0, "")
    assert files == cold
