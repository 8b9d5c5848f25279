"""SQLite on the event loop's thread (db/inline_sqlite.py): waiting for a write lock never
stops the loop, writers of one process take turns, and a lock held too long ends
in "database is locked" as SQLite's busy timeout did."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

import db.engine
from db.engine import create_engine
from tests.conftest import sqlite_url


@pytest.fixture
async def engine(tmp_path: Path):  # noqa: ANN201
    made = create_engine(sqlite_url(tmp_path / "t.db"))
    async with made.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
    yield made
    await made.dispose()


def hold_lock(path: Path, seconds: float, taken: threading.Event) -> threading.Thread:
    """Another process's writer (a connection of its own, in a thread) holding the lock."""

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (-1)")
        taken.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


async def ticks_while(work: asyncio.Future | asyncio.Task) -> int:  # type: ignore[type-arg]
    """How often a 10 ms timer fired while `work` ran: the loop was free if it did."""
    count = 0
    while not work.done():
        await asyncio.sleep(0.01)
        count += 1
    return count


async def test_a_write_waits_for_another_process_without_stopping_the_loop(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    taken = threading.Event()
    holder = hold_lock(tmp_path / "t.db", 0.6, taken)
    await asyncio.to_thread(taken.wait, 5)

    async def write() -> float:
        started = time.monotonic()
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        return time.monotonic() - started

    task = asyncio.ensure_future(write())
    ticks = await ticks_while(task)
    waited = await task
    holder.join()
    assert waited >= 0.4  # it did wait for the other writer
    assert ticks >= 20  # and the loop went on meanwhile (about 60 expected)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT n FROM t ORDER BY n"))).scalars().all()
    assert rows == [-1, 1]


async def test_a_lock_held_past_the_busy_timeout_fails_as_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    engine = create_engine(sqlite_url(tmp_path / "t.db"))
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        taken = threading.Event()
        holder = hold_lock(tmp_path / "t.db", 1.5, taken)
        await asyncio.to_thread(taken.wait, 5)
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (1)"))
        assert 0.25 <= time.monotonic() - started < 1.2
        holder.join()
        async with engine.begin() as connection:  # and works again once it is free
            await connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        await engine.dispose()


async def test_writers_of_one_process_take_turns_and_none_is_lost(engine: AsyncEngine) -> None:
    """Fifty transactions that each pause while they hold the lock: with SQLite's own busy
    wait off, they would fail as locked unless they take turns. (That a writer is not
    starved by a stream of others: tests/test_parking.py, the parked update's release.)"""
    order: list[int] = []

    async def transaction(n: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.002)  # other tasks run while this one holds the lock
            order.append(n)

    await asyncio.gather(*(transaction(n) for n in range(50)))
    async with engine.connect() as connection:
        count = await connection.scalar(text("SELECT count(*) FROM t"))
    assert count == 50
    assert sorted(order) == list(range(50))  # each committed, none failed as locked


async def test_reads_do_not_wait_for_a_writer_of_this_process(engine: AsyncEngine) -> None:
    writing = asyncio.Event()
    done = asyncio.Event()

    async def long_writer() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (7)"))
            writing.set()
            await done.wait()

    writer = asyncio.ensure_future(long_writer())
    await writing.wait()
    async with engine.connect() as connection:  # a reader while the write is open
        seen = await asyncio.wait_for(connection.scalar(text("SELECT count(*) FROM t")), 1)
    assert seen == 0  # not committed yet
    done.set()
    await writer
