"""Jobs run in a forked child process while the parent goes on.

openapi-pydantic's structural check of a spec costs a run ~0.3 s just to import,
and nothing but the final verdict depends on it. On Linux, with more than one
core and no other thread that a fork could catch holding a lock, such a job runs
in a child process while the parent lowers, renders and formats; ``result``
collects it. ``prewarm``, called first thing by ``python -m generator``, forks
that child before the parent imports anything much (a fork of a small process is
cheap); the child imports what the job needs when the job comes, while the parent
goes on. Anywhere else the job runs inline, at once. A
child that dies without an answer is no answer: the job then runs inline, so the
result never depends on the fork.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

_worker: tuple[int, int, int] | None = None  # pid, job pipe (write end), answer pipe (read end)


def _can_fork() -> bool:
    # fork copies only the calling thread: a lock another thread held would stay held in the child.
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def prewarm(modules: tuple[str, ...]) -> None:
    """Fork the child the first background job will use; it imports ``modules`` when that job comes."""
    global _worker
    if _worker is not None or not _can_fork():
        return
    try:
        jobs_read, jobs_write = os.pipe()
        answers_read, answers_write = os.pipe()
        pid = os.fork()
    except OSError:
        return  # no pipes or processes to spare: the job will run inline
    if pid == 0:
        try:
            os.close(jobs_write)
            os.close(answers_read)
            _wait_for_job(modules, jobs_read, answers_write)
        finally:
            os._exit(1)  # whatever happens, the child never returns into the parent's program
    os.close(jobs_read)
    os.close(answers_write)
    _worker = (pid, jobs_write, answers_read)


def _wait_for_job(modules: tuple[str, ...], jobs: int, answers: int) -> None:
    """In the prewarmed child: wait for the job, import ``modules``, then serve it."""
    _quiet_child()
    # Imported once a job comes, not before: a warm run often has none (the cache knows the
    # spec passes), and importing anyway cost it ~0.3 s of CPU on a core the parent needs.
    with os.fdopen(jobs, "rb") as pipe:
        data = pipe.read()
    if not data:
        os._exit(0)  # the parent ended without a job
    _import_all(modules)
    _serve(answers, pickle.loads(data))


def _import_all(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # the job itself will say what is missing


class Job:
    """``func(*args)``: run now, or in a child process until ``result``. Its value must pickle."""

    def __init__(self, func: Callable[..., Any], *args: Any, background: bool):
        global _worker
        self._func, self._args = func, args
        self._child: tuple[int, int] | None = None
        self._value: Any = None
        if background and _worker is not None:
            pid, jobs, answers = _worker
            _worker = None
            try:
                with os.fdopen(jobs, "wb") as pipe:
                    pipe.write(pickle.dumps((func, args), protocol=pickle.HIGHEST_PROTOCOL))
                self._child = (pid, answers)
            except Exception:  # e.g. a document nested too deeply to pickle: the job runs inline
                _reap(pid, answers, kill=True)
        elif background and _can_fork():
            self._child = _fork((func, args))
        if self._child is None:
            self._value = func(*args)

    def result(self) -> Any:
        child, self._child = self._child, None
        if child is not None:
            answer = _collect(*child)
            self._value = answer[0] if answer is not None else self._func(*self._args)
        return self._value

    def cancel(self) -> None:
        """Stop a job whose result no longer matters (the run was interrupted)."""
        child, self._child = self._child, None
        if child is not None:
            _reap(*child, kill=True)


def _fork(call: tuple[Callable[..., Any], tuple[Any, ...]]) -> tuple[int, int] | None:
    try:
        answers_read, answers_write = os.pipe()
        pid = os.fork()
    except OSError:
        return None  # the job runs inline
    if pid == 0:
        try:
            os.close(answers_read)
            _quiet_child()
            _serve(answers_write, call)
        finally:
            os._exit(1)
    os.close(answers_write)
    return pid, answers_read


def _quiet_child() -> None:
    """The child never prints, and must not hold the parent's output open after the parent is done."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serve(answers: int, call: tuple[Callable[..., Any], tuple[Any, ...]]) -> None:
    """In the child: run the job, write the pickled answer, and leave without the parent's cleanup."""
    status = 1
    try:
        func, args = call
        answer = pickle.dumps((func(*args),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(answers, "wb") as pipe:
            pipe.write(answer)
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, answers: int) -> tuple[Any] | None:
    """The child's answer, as a 1-tuple; None when it left none."""
    with os.fdopen(answers, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        answer = pickle.loads(data)
    except Exception:
        return None
    return answer if isinstance(answer, tuple) and len(answer) == 1 else None


def _reap(pid: int, answers: int, *, kill: bool) -> None:
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.close(answers)
    os.waitpid(pid, 0)
