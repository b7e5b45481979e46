"""The same spec gives the same bytes: whatever the hash seed, the cache, or where it runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CREATE_RUN, ROOT, read_tree, run_cli

SEEDS = ("0", "1", "12345")
# The settings pyproject.toml gives the committed package, so every template branch is exercised.
SETTINGS = (
    "--package", "openai_client",
    "--docs-base-url", "https://platform.openai.com",
    "--api-key-env", "OPENAI_API_KEY",
    "--base-url-env", "OPENAI_BASE_URL",
    "--header", "OpenAI-Beta=assistants=v2",
    "--jobs", "1",
    "--quiet",
)  # fmt: skip
TIMESTAMP = re.compile(rb"\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d|\b\d\d:\d\d:\d\d\b")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("determinism")


@pytest.fixture(scope="module")
def trees(base: Path) -> dict[str, dict[str, bytes]]:
    """The createRun package generated in separate processes, one per hash seed, side by side."""
    runs = {}
    for seed in SEEDS:
        out = base / f"seed-{seed}" / "openai_client"
        env = {**os.environ, "PYTHONHASHSEED": seed, "GENERATOR_CACHE_DIR": str(base / "unused-cache")}
        # One run from another working directory, with the spec given by absolute path.
        cwd, spec = (base, str(CREATE_RUN)) if seed == "12345" else (ROOT, "specs/create_run.yaml")
        command = [sys.executable, "-m", "generator", "generate", spec, "--out", str(out), "--no-cache", *SETTINGS]
        if cwd != ROOT:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        runs[seed] = (out, subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    trees = {}
    for seed, (out, process) in runs.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
        trees[seed] = read_tree(out)
    assert not (base / "unused-cache").exists(), "--no-cache must not touch the cache"
    return trees


def test_every_hash_seed_gives_byte_identical_trees(trees: dict[str, dict[str, bytes]]) -> None:
    first = trees[SEEDS[0]]
    assert len(first) > 50
    for seed in SEEDS[1:]:
        assert sorted(trees[seed]) == sorted(first), f"PYTHONHASHSEED={seed} generated other files"
        different = [path for path in first if trees[seed][path] != first[path]]
        assert different == [], f"PYTHONHASHSEED={seed} generated other bytes"


def test_output_names_no_path_of_the_machine_and_no_time(trees: dict[str, dict[str, bytes]], base: Path) -> None:
    forbidden = [str(base).encode(), str(base.parent).encode(), str(ROOT).encode(), str(Path.home()).encode()]
    for path, data in trees[SEEDS[0]].items():
        for text in forbidden:
            assert text not in data, f"{path} contains {text!r}"
        assert not TIMESTAMP.search(data), f"{path} contains a timestamp: {TIMESTAMP.search(data)}"


def test_the_format_cache_does_not_change_the_output(trees: dict[str, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))
    for attempt in ("cold", "warm"):
        out = tmp_path / attempt / "openai_client"
        run = run_cli("generate", str(CREATE_RUN), "--out", str(out), *SETTINGS)
        assert run.code == 0, run.err
        assert read_tree(out) == trees[SEEDS[0]], f"{attempt} cache"
