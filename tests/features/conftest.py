"""The feature corpus is generated once per session (see support.py) and removed at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from . import support


class PythonSnapshot(SingleFileSnapshotExtension):
    """One generated file per snapshot, stored as `.py` text so diffs read as code."""

    file_extension = "py"
    _write_mode = WriteMode.TEXT


@pytest.fixture(scope="session", autouse=True)
def _feature_corpus() -> Iterator[None]:
    yield
    support.cleanup()


@pytest.fixture
def snapshot_py(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(PythonSnapshot)
