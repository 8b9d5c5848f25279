"""GET /health: can the database be written, is the outbox moving, when was the last update.

A probe runs in the background every few seconds (a committed write, the room left, the
outbox backlog) and the endpoint answers from its last result, so it answers at once even
with a thousand updates in flight, and never queues behind them for the database. 503 when
the database cannot be written, the probe itself is stuck, or a promised message has waited
longer than OUTBOX_STUCK_SECONDS.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp import web

from app.core import App
from bot.faults import describe
from bot.middlewares import Heartbeat
from db.health import write_problem
from db.outbox import Backlog, OutboxRepository

log = logging.getLogger(__name__)

PROBE_EVERY_SECONDS = 3.0
PROBE_TIMEOUT_SECONDS = 4.0
STALE_AFTER = timedelta(seconds=15)


@dataclass
class Probe:
    at: datetime
    database: str | None  # None: writable
    backlog: Backlog | None


class Health:
    def __init__(self, app: App, heartbeat: Heartbeat) -> None:
        self._app = app
        self._heartbeat = heartbeat
        self._stuck_after = timedelta(seconds=app.settings.outbox_stuck_seconds)
        self.last: Probe | None = None

    async def probe(self) -> Probe:
        try:
            problem = await asyncio.wait_for(
                write_problem(self._app.engine), timeout=PROBE_TIMEOUT_SECONDS
            )
        except TimeoutError:
            problem = "database busy (a write waited over 4 s)"
        except Exception as error:  # noqa: BLE001 - any failure to write is the answer
            problem = describe(error)
        backlog = None
        try:
            async with self._app.session_factory() as session:
                backlog = await OutboxRepository(session).backlog()
        except Exception as error:  # noqa: BLE001 - reported below as unknown
            log.warning("outbox backlog unknown: %s", describe(error))
        self.last = Probe(datetime.now(UTC), problem, backlog)
        if problem:
            log.warning("health: %s", problem)
        return self.last

    async def run(self) -> None:
        while True:
            await self.probe()
            await asyncio.sleep(PROBE_EVERY_SECONDS)

    def report(self) -> tuple[int, dict[str, object]]:
        now = datetime.now(UTC)
        probe = self.last
        problems: list[str] = []
        body: dict[str, object] = {}
        if probe is None or now - probe.at > STALE_AFTER:
            problems.append("database probe not answering")
        if probe is not None:
            body["database"] = {"ok": probe.database is None, "error": probe.database}
            if probe.database:
                problems.append(probe.database)
            body["checked_seconds_ago"] = round((now - probe.at).total_seconds(), 1)
            backlog = probe.backlog
            if backlog is not None:
                oldest = (now - backlog.oldest).total_seconds() if backlog.oldest else 0.0
                stuck = oldest > self._stuck_after.total_seconds()
                body["outbox"] = {
                    "pending": backlog.pending,
                    "oldest_seconds": round(oldest, 1),
                    "blocked": backlog.blocked,
                    "failed": backlog.failed,
                    "stuck": stuck,
                }
                if stuck:
                    problems.append("outbox stuck")
        last = self._heartbeat.last_update_at
        body["last_update_seconds_ago"] = (
            round((now - last).total_seconds(), 1) if last is not None else None
        )
        body["status"] = "error" if problems else "ok"
        body["pid"] = os.getpid()  # which process answered (several workers share the port)
        if problems:
            body["problems"] = problems
        return (503 if problems else 200), body

    async def handle(self, _: web.Request) -> web.Response:
        status, body = self.report()
        return web.json_response(body, status=status)
