"""Wire tests: the committed generated client against Prism, a validating mock of the spec."""

from __future__ import annotations

from ..behaviour.conftest import _ensure_committed_client

# Prism is installed here by `npm ci --prefix tests/wire/.prism`; never collect from it.
collect_ignore = [".prism"]

_ensure_committed_client()
