"""Two workers never send the same outbox row: the writer and every sweeper claim it first
(a compare-and-set on its next attempt), whoever comes first sends it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_session_factory
from db.outbox import WRITER_HEAD_START, OutboxRepository
from domain.model import Notice

LEASE = timedelta(seconds=30)


async def write(engine: AsyncEngine, key: str) -> datetime:
    factory = create_session_factory(engine)
    async with factory() as session:
        await OutboxRepository(session).add([Notice(key, 1001, "Pedido #1 confirmado")])
        await session.commit()
    return datetime.now(UTC)


async def writer_claims(engine: AsyncEngine, key: str, moment: datetime) -> list[str]:
    async with create_session_factory(engine)() as session:
        rows = await OutboxRepository(session).claim_written([key], moment, LEASE)
        await session.commit()
    return [row.key for row in rows]


async def sweeper_claims(engine: AsyncEngine, moment: datetime) -> list[str]:
    async with create_session_factory(engine)() as session:
        rows = await OutboxRepository(session).claim_due(moment, LEASE, 50)
        await session.commit()
    return [row.key for row in rows]


async def test_the_writer_takes_its_row_and_no_sweeper_takes_it_after(engine: AsyncEngine) -> None:
    written = await write(engine, "reply:a")
    assert await writer_claims(engine, "reply:a", written) == ["reply:a"]
    assert await writer_claims(engine, "reply:a", written) == []  # a second writer: nothing
    assert await sweeper_claims(engine, written + WRITER_HEAD_START + timedelta(seconds=1)) == []


async def test_a_writer_late_past_its_head_start_finds_the_row_taken(engine: AsyncEngine) -> None:
    written = await write(engine, "reply:b")
    late = written + WRITER_HEAD_START + timedelta(seconds=1)
    assert await sweeper_claims(engine, late) == ["reply:b"]  # another worker's sweeper
    assert await writer_claims(engine, "reply:b", late) == []  # the writer, later still


async def test_a_row_whose_claim_lapsed_is_swept_again(engine: AsyncEngine) -> None:
    written = await write(engine, "reply:c")
    assert await writer_claims(engine, "reply:c", written) == ["reply:c"]
    # the writer died before sending: once its lease is over, a sweeper sends it
    assert await sweeper_claims(engine, written + LEASE + timedelta(seconds=1)) == ["reply:c"]
