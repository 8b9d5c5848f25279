"""The aiogram FSM storage in our database: restarts, keys, merges, concurrency."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import ChatLocks, SQLAlchemyStorage
from db.engine import create_engine, create_session_factory
from db.scope import UpdateTransaction


class Sale(StatesGroup):
    cart = State()
    address = State()


KEY = StorageKey(bot_id=42, chat_id=1001, user_id=1001)


@pytest.fixture
def storage(engine: AsyncEngine) -> SQLAlchemyStorage:
    return SQLAlchemyStorage(create_session_factory(engine))


async def test_state_and_data_survive_a_restart(db_url: str, storage: SQLAlchemyStorage) -> None:
    await storage.set_state(KEY, Sale.address)
    await storage.set_data(KEY, {"draft": {"name": "Ana"}, "last_ids": [3, 7]})
    await storage.close()

    fresh_engine = create_engine(db_url)  # a new process: new engine, new storage
    try:
        restarted = SQLAlchemyStorage(create_session_factory(fresh_engine))
        assert await restarted.get_state(KEY) == "Sale:address"
        assert await restarted.get_data(KEY) == {"draft": {"name": "Ana"}, "last_ids": [3, 7]}
    finally:
        await fresh_engine.dispose()


async def test_unknown_key_has_no_state_and_empty_data(storage: SQLAlchemyStorage) -> None:
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


@pytest.mark.parametrize(
    "other",
    [
        StorageKey(bot_id=42, chat_id=2002, user_id=1001),
        StorageKey(bot_id=42, chat_id=1001, user_id=3003),
        StorageKey(bot_id=42, chat_id=1001, user_id=1001, thread_id=5),
        StorageKey(bot_id=43, chat_id=1001, user_id=1001),
        StorageKey(bot_id=42, chat_id=1001, user_id=1001, destiny="owner"),
        StorageKey(bot_id=42, chat_id=1001, user_id=1001, business_connection_id="bc1"),
    ],
    ids=["chat", "user", "thread", "bot", "destiny", "business"],
)
async def test_keys_are_separate(storage: SQLAlchemyStorage, other: StorageKey) -> None:
    await storage.set_state(KEY, Sale.cart)
    await storage.set_data(KEY, {"who": "first"})
    await storage.set_state(other, Sale.address)
    await storage.set_data(other, {"who": "second"})
    assert await storage.get_state(KEY) == "Sale:cart"
    assert await storage.get_data(KEY) == {"who": "first"}
    assert await storage.get_state(other) == "Sale:address"
    assert await storage.get_data(other) == {"who": "second"}


async def test_update_data_merges_and_returns_the_new_dict(storage: SQLAlchemyStorage) -> None:
    await storage.set_data(KEY, {"a": 1, "b": 2})
    merged = await storage.update_data(KEY, {"b": 20, "c": 30})
    assert merged == {"a": 1, "b": 20, "c": 30}
    assert await storage.get_data(KEY) == merged


async def test_update_data_on_a_new_key_creates_it(storage: SQLAlchemyStorage) -> None:
    assert await storage.update_data(KEY, {"x": 1}) == {"x": 1}
    assert await storage.get_data(KEY) == {"x": 1}
    assert await storage.get_state(KEY) is None


async def test_set_state_none_clears_state_but_keeps_data(storage: SQLAlchemyStorage) -> None:
    await storage.set_state(KEY, "Sale:cart")
    await storage.set_data(KEY, {"kept": True})
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {"kept": True}


async def test_set_data_replaces_everything(storage: SQLAlchemyStorage) -> None:
    await storage.set_data(KEY, {"a": 1})
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}


async def test_accents_and_enye_round_trip(storage: SQLAlchemyStorage) -> None:
    data = {
        "draft": {
            "name": "José Peña Muñoz",
            "neighbourhood": "Belén Rincón",
            "notes": "¿portería? «sí»",
        },
        "emoji": "🛒",
    }
    await storage.set_data(KEY, data)
    await storage.update_data(KEY, {"address": "Cra 7 # 32-16, señal «Ñ»"})
    assert await storage.get_data(KEY) == {**data, "address": "Cra 7 # 32-16, señal «Ñ»"}


async def test_concurrent_updates_under_isolation_lose_nothing(storage: SQLAlchemyStorage) -> None:
    isolation = ChatLocks()

    async def write(n: int) -> None:
        async with isolation.lock(KEY):
            await storage.update_data(KEY, {f"k{n}": n})

    await asyncio.gather(*(write(n) for n in range(20)))
    assert await storage.get_data(KEY) == {f"k{n}": n for n in range(20)}


async def test_different_chats_write_at_the_same_time(storage: SQLAlchemyStorage) -> None:
    """Isolation locks per key, so two chats really do write concurrently."""
    isolation = ChatLocks()
    keys = [StorageKey(bot_id=42, chat_id=c, user_id=c) for c in range(1, 9)]

    async def chat(key: StorageKey) -> None:
        for n in range(3):
            async with isolation.lock(key):
                await storage.update_data(key, {f"m{n}": key.chat_id})
                await storage.set_state(key, Sale.cart)

    await asyncio.gather(*(chat(key) for key in keys))
    for key in keys:
        assert await storage.get_data(key) == {f"m{n}": key.chat_id for n in range(3)}
        assert await storage.get_state(key) == "Sale:cart"


async def test_a_chat_keeps_no_lock_once_its_updates_are_handled() -> None:
    """Each new customer's lock would otherwise stay for the life of the process."""
    isolation = ChatLocks()
    order: list[str] = []

    async def update(name: str, pause: float) -> None:
        async with isolation.lock(KEY):
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    waiting = asyncio.gather(update("first", 0.02), update("second", 0))
    await asyncio.sleep(0.01)
    assert len(isolation) == 1  # the second waits for the first's turn
    await waiting
    assert order == ["first in", "first out", "second in", "second out"]
    assert len(isolation) == 0
    with pytest.raises(RuntimeError):
        async with isolation.lock(KEY):
            raise RuntimeError("the update failed")
    assert len(isolation) == 0


# ---------------------------------------------------------------------- inside updates
class Update:
    """One update of KEY's chat, handled in its own transaction (db/scope.py)."""

    count = 0

    def __init__(self, storage: SQLAlchemyStorage, engine: AsyncEngine) -> None:
        Update.count += 1
        self.storage = storage
        self.scope = UpdateTransaction(create_session_factory(engine), f"t:{self.count}", 1)

    async def step(self) -> str | None:
        with self.scope.active():
            return await self.storage.get_state(KEY)

    async def move(self, state: State) -> None:
        with self.scope.active():
            await self.storage.set_state(KEY, state)


async def test_an_update_that_fails_leaves_the_step_where_it_was(
    storage: SQLAlchemyStorage, engine: AsyncEngine
) -> None:
    first = Update(storage, engine)
    await first.move(Sale.cart)
    await first.scope.commit()
    failed = Update(storage, engine)
    assert await failed.step() == "Sale:cart"
    await failed.move(Sale.address)
    await failed.scope.close()  # rolled back: never committed

    nxt = Update(storage, engine)
    assert await nxt.step() == "Sale:cart"
    await nxt.scope.close()
    restarted = SQLAlchemyStorage(create_session_factory(engine))
    assert await restarted.get_state(KEY) == "Sale:cart"


async def test_a_change_made_outside_an_update_is_seen_by_the_next_update(
    storage: SQLAlchemyStorage, engine: AsyncEngine
) -> None:
    """Rows of the chats seen last are kept in memory; a write apart (a job) must not be
    hidden by them."""
    first = Update(storage, engine)
    await first.move(Sale.cart)
    await first.scope.commit()
    await storage.set_state(KEY, Sale.address)  # outside any update

    nxt = Update(storage, engine)
    assert await nxt.step() == "Sale:address"
    await nxt.scope.close()
