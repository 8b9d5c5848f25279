"""Can the database be written right now? A cheap write, committed, and the room left."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

from sqlalchemy import insert, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import JobRunRow

PROBE_JOB, PROBE_KEY = "health", "probe"
MIN_FREE_BYTES = 8 * 1024 * 1024
MIN_FREE_PAGES = 16


async def write_problem(engine: AsyncEngine) -> str | None:
    """None when a write commits and there is room for more; else what is wrong."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        touched = await connection.execute(
            update(JobRunRow)
            .where(JobRunRow.job == PROBE_JOB, JobRunRow.run_key == PROBE_KEY)
            .values(ran_at=now)
        )
        if touched.rowcount == 0:
            await connection.execute(
                insert(JobRunRow).values(job=PROBE_JOB, run_key=PROBE_KEY, ran_at=now)
            )
        if engine.dialect.name == "sqlite":
            return await _sqlite_room(connection, engine.url.render_as_string())
    return None


async def _sqlite_room(connection, url: str) -> str | None:  # noqa: ANN001
    """A SQLite file fills up at the disk's end or at its `max_page_count`."""
    pages = (await connection.execute(text("PRAGMA page_count"))).scalar_one()
    limit = (await connection.execute(text("PRAGMA max_page_count"))).scalar_one()
    free = (await connection.execute(text("PRAGMA freelist_count"))).scalar_one()
    if limit - pages + free < MIN_FREE_PAGES:
        return "database full (max_page_count reached)"
    database = make_url(url).database
    if database and database != ":memory:":
        folder = database.rsplit("/", 1)[0] or "."
        if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
            return "disk full"
    return None
