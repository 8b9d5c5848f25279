"""The FSM outside the database (Redis, for several workers) moves with the update's
transaction: written when it commits, never when it rolls back.

The wrapper's rule is tested over aiogram's MemoryStorage; the tests marked `redis` run
against a real redis-server when TEST_REDIS_URL is set (.ci/redis.sh starts one) and are
skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import AfterCommitStorage
from db.engine import create_session_factory
from db.scope import UpdateTransaction
from doubles.telegram import LocalBotAPI
from tests.chat import press, say
from tests.conftest import copy_database, make_settings, polling_bot, texts_of

KEY = StorageKey(bot_id=42, chat_id=1001, user_id=1001)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (.ci/redis.sh)")


def scope_of(engine: AsyncEngine, update_id: int) -> UpdateTransaction:
    return UpdateTransaction(create_session_factory(engine), f"42:{update_id}:x", update_id)


async def test_writes_inside_an_update_reach_the_store_when_it_commits(
    engine: AsyncEngine,
) -> None:
    inner = MemoryStorage()
    storage = AfterCommitStorage(inner)
    scope = scope_of(engine, 1)
    with scope.active():
        await storage.set_state(KEY, "Sale:cart")
        await storage.set_data(KEY, {"cart": 3})
        assert await storage.update_data(KEY, {"more": 1}) == {"cart": 3, "more": 1}
        assert await storage.get_state(KEY) == "Sale:cart"  # the update reads its own writes
        assert await inner.get_state(KEY) is None  # nobody else sees them yet
        assert await inner.get_data(KEY) == {}
        await scope.commit()
    assert await inner.get_state(KEY) == "Sale:cart"
    assert await inner.get_data(KEY) == {"cart": 3, "more": 1}


async def test_an_update_rolled_back_leaves_the_conversation_where_it_was(
    engine: AsyncEngine,
) -> None:
    inner = MemoryStorage()
    await inner.set_state(KEY, "Sale:address")
    await inner.set_data(KEY, {"draft": "before"})
    storage = AfterCommitStorage(inner)
    scope = scope_of(engine, 2)
    with scope.active():
        await storage.set_state(KEY, "Sale:confirming")
        await storage.set_data(KEY, {"draft": "after"})
        await scope.session()  # the update's transaction began
    await scope.close()  # a failure or a crash: rolled back
    assert await inner.get_state(KEY) == "Sale:address"
    assert await inner.get_data(KEY) == {"draft": "before"}


async def test_outside_an_update_writes_go_straight_through() -> None:
    inner = MemoryStorage()
    storage = AfterCommitStorage(inner)
    await storage.set_state(KEY, "Sale:name")
    await storage.update_data(KEY, {"a": 1})
    assert await inner.get_state(KEY) == "Sale:name"
    assert await inner.get_data(KEY) == {"a": 1}


# ---------------------------------------------------------------------- a real Redis
@pytest.fixture
def redis_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"  # tests run in parallel against one Redis


@pytest.fixture
async def redis_keys(redis_prefix: str) -> AsyncIterator[list[str]]:
    """Every key the test left in Redis (deleted afterwards)."""
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    found: list[str] = []
    yield found
    keys = [key async for key in client.scan_iter(f"{redis_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def _keys(prefix: str) -> dict[str, bytes]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(f"{prefix}:*")]
        values = {}
        for key in keys:
            if await client.type(key) == b"string":
                values[key.decode()] = await client.get(key) or b""
        return values
    finally:
        await client.aclose()


@needs_redis
async def test_with_redis_a_sale_keeps_its_step_across_a_restart_and_erase_clears_it(
    api: LocalBotAPI, tmp_path: Path, sample_db: Path, redis_prefix: str, redis_keys: list[str]
) -> None:
    copy_database(sample_db, tmp_path / "shop.db")
    settings = make_settings(
        tmp_path, api.base_url, redis_url=SecretStr(REDIS_URL), redis_prefix=redis_prefix
    )
    ana = api.user(7301, first_name="Ana")
    async with polling_bot(api, settings) as harness:
        assert isinstance(harness.dp.fsm.storage, AfterCommitStorage)
        cart = await say(ana, "quiero 2 conos")
        await press(ana, cart, "Finalizar")  # tests.chat authorises: now asked the cédula
        await say(ana, "1020304058")
    stored = await _keys(redis_prefix)
    (state,) = [value for key, value in stored.items() if key.endswith(":state")]
    assert state == b"Sale:name"  # the step lives in Redis, not in the database
    async with polling_bot(api, settings) as harness:  # a restart: the same Redis
        async with harness.app.session_factory() as session:
            fsm_rows = (await session.execute(text("SELECT count(*) FROM fsm_states"))).all()
        assert fsm_rows == [(0,)]
        asked = texts_of(await say(ana, "Ana Ruiz"))
        assert "número de celular" in asked, asked  # the sale goes on where it was
        erase = await say(ana, "por favor borra mis datos")
        assert "borré tus datos personales" in texts_of(
            await press(ana, erase, "Sí, borrar mis datos")
        )
    stored = await _keys(redis_prefix)
    assert not any(key.endswith(":state") for key in stored)  # back to browsing
    memory = b" ".join(value for key, value in stored.items() if key.endswith(":data"))
    assert b"1020304058" not in memory and b"Ana Ruiz" not in memory


@needs_redis
async def test_a_chat_lock_outlives_its_expiry_while_its_update_is_handled(
    redis_prefix: str, redis_keys: list[str]
) -> None:
    import asyncio

    from aiogram.fsm.storage.redis import DefaultKeyBuilder
    from redis.asyncio import Redis

    from bot.redis_fsm import RenewedRedisIsolation

    client = Redis.from_url(REDIS_URL)
    isolation = RenewedRedisIsolation(client, DefaultKeyBuilder(prefix=redis_prefix), 1.0)
    order: list[str] = []

    async def first() -> None:
        async with isolation.lock(KEY):
            order.append("first in")
            await asyncio.sleep(2.5)  # over twice the expiry: renewed meanwhile
            order.append("first out")

    async def second() -> None:
        await asyncio.sleep(0.2)
        async with isolation.lock(KEY):
            order.append("second in")

    try:
        await asyncio.gather(first(), second())  # no error on release either
    finally:
        await client.aclose()
    assert order == ["first in", "first out", "second in"]
