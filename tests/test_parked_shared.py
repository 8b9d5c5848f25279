"""Several workers park slow updates in one table: each keeps its own rows touched, and a row
left untouched (its worker died) is taken by exactly one other worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_session_factory
from db.parking import ParkedUpdates


async def park(engine: AsyncEngine, update_id: int) -> None:
    async with create_session_factory(engine)() as session:
        await ParkedUpdates(session).park(update_id, f'{{"update_id": {update_id}}}')
        await session.commit()


async def take(engine: AsyncEngine, before: datetime) -> list[int]:
    async with create_session_factory(engine)() as session:
        taken = await ParkedUpdates(session).take_stale(before, datetime.now(UTC))
        await session.commit()
    return [update_id for update_id, _ in taken]


async def test_a_row_still_touched_is_left_to_its_worker(engine: AsyncEngine) -> None:
    await park(engine, 1)
    assert await take(engine, datetime.now(UTC) - timedelta(seconds=20)) == []


async def test_a_stale_row_is_taken_once(engine: AsyncEngine) -> None:
    await park(engine, 2)
    later = datetime.now(UTC) + timedelta(seconds=1)  # as if 20 s had gone by untouched
    assert await take(engine, later) == [2]
    assert await take(engine, datetime.now(UTC) - timedelta(seconds=20)) == []  # fresh again


async def test_touching_keeps_a_row(engine: AsyncEngine) -> None:
    await park(engine, 3)
    async with create_session_factory(engine)() as session:
        await ParkedUpdates(session).touch([3], datetime.now(UTC) + timedelta(seconds=60))
        await session.commit()
    assert await take(engine, datetime.now(UTC) + timedelta(seconds=30)) == []
