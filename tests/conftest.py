"""Shared fixtures: paths, and lowering/generation of the project's specs once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import config
from generator.load import reader as load
from generator.lower import lowering as lower
from generator.pipeline import Result, generate

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CREATE_RUN = SPECS / "create_run.yaml"
OPENAI = ROOT.parent / "shared" / "specs" / "openai.yaml"


def target_for(spec: Path, package: str = "client", out: Path | None = None, **settings: object) -> config.Target:
    return config.Target(spec=spec, out=out or Path("unused"), package=package, **settings)  # type: ignore[arg-type]


def lower_spec(spec: Path, **settings: object) -> lower.Lowered:
    target = target_for(spec, **settings)
    return lower.lower(load.read(spec), target, spec)


@pytest.fixture(scope="session")
def create_run_target() -> config.Target:
    (target,) = [t for t in config.load_targets(ROOT / "pyproject.toml") if t.spec == CREATE_RUN]
    return target


@pytest.fixture(scope="session")
def create_run_result(create_run_target: config.Target) -> Result:
    return generate(create_run_target, cache_dir=None, jobs=1)


@pytest.fixture(scope="session")
def openai_spec() -> Path:
    if not OPENAI.is_file():
        pytest.skip("../shared/specs/openai.yaml is not beside the project")
    return OPENAI


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: their servers, browser and event loops are session-wide threads, and a process
    with other threads cannot fork (generator/background.py then runs its jobs inline, and its own tests
    need a single-threaded process); the gateway also imports the committed client as `openai_client`."""
    items.sort(key=lambda item: "browser" in item.path.parts)
