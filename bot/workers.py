"""Several webhook workers on one port: `python run_bot.py webhook --workers N`.

The parent process migrates the database once, then starts N workers (`run_bot.py webhook
--worker I`, each a fresh interpreter) and watches them. Every worker binds WEBHOOK_PORT with
SO_REUSEPORT, so the kernel spreads Telegram's connections over them; each handles updates,
sends its outbox rows, sweeps the outbox and keeps its search index following the database.
Worker 0 alone runs the clock-driven jobs and sets the webhook.

A worker that dies (kill -9, out of memory) is started again at once, then with a delay that
doubles while it keeps dying young (up to MAX_RESTART_DELAY). Nothing it held is lost: an
update it had not committed was not answered, so Telegram delivers it again (to any worker);
a reply it had committed but not sent is swept by another worker after the writer's head
start (db/outbox.py); its chats' locks in Redis expire after REDIS_LOCK_SECONDS. A worker that
cannot start at all (exit code 2: a setting to fix) stops the group with that code.
SIGTERM or SIGINT to the parent is passed on: each worker finishes its updates in flight.

Several workers need a database they can share and the FSM in Redis (REDIS_URL); SQLite
works for a few workers on one machine (they take turns for the write lock), PostgreSQL
scales further.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)

RUN_BOT = Path(__file__).resolve().parent.parent / "run_bot.py"
WATCH_EVERY_SECONDS = 0.2
STOP_GRACE_SECONDS = 30.0
FIRST_RESTART_DELAY = 0.5
MAX_RESTART_DELAY = 30.0
YOUNG_SECONDS = 10.0  # a worker that dies younger than this is restarted more slowly
CANNOT_START = 2  # run_bot.py's exit code for a setting or a database to fix
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass
class Worker:
    index: int
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float = FIRST_RESTART_DELAY
    restart_at: float | None = None
    restarts: int = 0
    command: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own program
            self.command, preexec_fn=_die_with_parent if sys.platform == "linux" else None
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        log.info("worker %d started (pid %d)", self.index, self.process.pid)


def _die_with_parent() -> None:
    """In the worker, before it runs (Linux): SIGTERM when the parent dies, even by SIGKILL,
    so that no worker outlives its group (and keeps the port)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def worker_command(index: int) -> list[str]:
    return [sys.executable, str(RUN_BOT), "webhook", "--worker", str(index)]


class Supervisor:
    """Starts the workers, starts again the ones that die, stops them all on a signal."""

    def __init__(self, count: int) -> None:
        if count < 1:
            raise ValueError("at least one worker")
        self.workers = [Worker(i, command=worker_command(i)) for i in range(count)]
        self._stopping = False

    def stop(self, signum: int = signal.SIGTERM, _frame: FrameType | None = None) -> None:
        if not self._stopping:
            log.info("stopping %d workers (signal %d)", len(self.workers), signum)
        self._stopping = True

    def run(self) -> int:
        """Until a signal (0) or a worker that cannot start (its exit code)."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.stop)
        for worker in self.workers:
            worker.start()
        code = 0
        while not self._stopping:
            time.sleep(WATCH_EVERY_SECONDS)
            failed = self._watch()
            if failed is not None:
                code = failed
                break
        self._stop_all()
        return code

    def _watch(self) -> int | None:
        now = time.monotonic()
        for worker in self.workers:
            process = worker.process
            if process is None or worker.restart_at is not None:
                if worker.restart_at is not None and now >= worker.restart_at:
                    worker.restarts += 1
                    worker.start()
                continue
            code = process.poll()
            if code is None:
                continue
            age = now - worker.started_at
            if code == CANNOT_START and worker.restarts == 0:
                log.error("worker %d cannot start (exit %d); stopping", worker.index, code)
                return code
            if age >= YOUNG_SECONDS:
                worker.delay = FIRST_RESTART_DELAY
            log.warning(
                "worker %d (pid %d) ended with %s after %.0f s; starting it again in %.1f s",
                worker.index,
                process.pid,
                code,
                age,
                worker.delay,
            )
            worker.restart_at = now + worker.delay
            worker.delay = min(worker.delay * 2, MAX_RESTART_DELAY)
        return None

    def _stop_all(self) -> None:
        running = [w.process for w in self.workers if w.process and w.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("worker pid %d did not stop in time; killed", process.pid)
                process.kill()
                process.wait()


def run_workers(count: int) -> int:
    """The parent's whole life (the database is migrated by the caller first)."""
    log.info("starting %d webhook workers (pid %d)", count, os.getpid())
    return Supervisor(count).run()
