"""Jobs in a child process give what they give inline, and a child that fails is never the answer."""

from __future__ import annotations

import os
import time

import pytest

from generator import background
from generator.background import Job

needs_fork = pytest.mark.skipif(not background._can_fork(), reason="background jobs run inline here")


def pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def exits_in_a_child(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(3)  # dies with no answer
    return "computed inline"


def sleeps() -> None:
    time.sleep(60)


def test_inline_when_not_in_background() -> None:
    assert Job(pid_and, 21, background=False).result() == (os.getpid(), 42)


@needs_fork
def test_a_background_job_runs_in_a_child_and_gives_its_value() -> None:
    child_pid, value = Job(pid_and, 21, background=True).result()
    assert value == 42 and child_pid != os.getpid()


@needs_fork
def test_a_child_that_dies_without_an_answer_means_running_it_inline() -> None:
    assert Job(exits_in_a_child, os.getpid(), background=True).result() == "computed inline"


@needs_fork
def test_cancel_stops_and_reaps_the_child() -> None:
    job = Job(sleeps, background=True)
    assert job._child is not None
    pid = job._child[0]
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left


@needs_fork
def test_the_prewarmed_child_serves_the_first_job(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_worker", None)
    background.prewarm(("json",))
    worker = background._worker
    assert worker is not None
    child_pid, value = Job(pid_and, 5, background=True).result()
    assert (child_pid, value) == (worker[0], 10)
    assert background._worker is None  # used once; a second job forks anew
    assert Job(pid_and, 1, background=True).result()[0] not in (os.getpid(), worker[0])


def deep(levels: int) -> dict[str, object]:
    value: dict[str, object] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def depth_of(value: dict[str, object]) -> int:
    levels = 0
    while value:
        value = value["a"]  # type: ignore[assignment]
        levels += 1
    return levels


@needs_fork
def test_a_job_too_deep_to_pickle_for_the_prewarmed_child_runs_anyway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_worker", None)
    background.prewarm(())
    assert background._worker is not None
    assert Job(depth_of, deep(100_000), background=True).result() == 100_000
    assert background._worker is None


def test_no_processes_to_spare_means_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(background.os, "fork", no_fork)
    monkeypatch.setattr(background, "_worker", None)
    monkeypatch.setattr(background, "_can_fork", lambda: True)
    background.prewarm(("json",))
    assert background._worker is None
    assert Job(pid_and, 2, background=True).result() == (os.getpid(), 4)
