"""Installed non-editable, the generator still finds its templates and runtime."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import CREATE_RUN, ROOT


def test_installed_package_generates(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "generated", "tests", "bench", "build", "*.egg-info", "__pycache__", ".prism"))
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(tmp_path / "site"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    assert (tmp_path / "site" / "generator" / "templates" / "client" / "resource.py.jinja").is_file()
    for asset in ("page.html.jinja", "tryit.js", "tryit.css"):  # the try-it page's template and assets
        assert (tmp_path / "site" / "generator" / "templates" / "tryit" / asset).is_file(), asset
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(CREATE_RUN), "--out", str(tmp_path / "out" / "pkg"), "--package", "pkg", "--no-cache"],
        cwd=tmp_path,  # away from the checkout, so only the installed copy can be found
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "out" / "pkg" / "_runtime" / "_base_client.py").is_file()
    assert "class Runs" in (tmp_path / "out" / "pkg" / "resources" / "threads_runs.py").read_text()
