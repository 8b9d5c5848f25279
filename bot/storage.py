"""aiogram FSM storage in our database: state and JSON data per full StorageKey, and the
wrapper that makes an outside store (Redis, for several workers) follow the same rule.

Survives restarts. Pair it with an event isolation (`ChatLocks` in one process) so that
two updates of the same chat never interleave. While an update is handled, its
writes join the update's transaction (db/scope.py): the conversation's new step commits with
the order it confirmed and the reply it promised, or not at all. A key's row is read once
per update (state and data together) and kept for it; its changes are written with one
upsert just before the commit. The read does not begin the update's transaction: on SQLite
that takes the write lock, and the conversation may first wait for a model's reading. Only
the chat's own updates write its row, one at a time (the event isolation), so the row read
before the transaction is the row the transaction would have read.

The SQL storage serves one process (several workers keep the FSM in Redis), so it is the
only writer of its rows: the rows of the chats seen last are kept in memory as they were
committed, and a chat's next update reads its row from there (no query, no session).
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.dialects import Insert, built, execute_core
from db.models import FsmStateRow, utcnow
from db.scope import UpdateTransaction

MEMO = "fsm"  # the update's rows, in UpdateTransaction.memo
KNOWN_ROWS = 1024  # rows kept in memory, those of the chats seen last

Row = tuple[str | None, str] | None  # (state, data) as committed; None: no row


@dataclass
class _Turns:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or awaiting the lock


class ChatLocks(BaseEventIsolation):
    """Updates of one chat take turns on a lock of this process, kept only while an update
    of that chat holds or awaits it (aiogram's SimpleEventIsolation keeps a lock for every
    chat it ever saw, for the life of the process: memory growing with each new customer)."""

    def __init__(self) -> None:
        self._turns: dict[StorageKey, _Turns] = {}

    def __len__(self) -> int:
        """Chats with an update in hand."""
        return len(self._turns)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        turns = self._turns.get(key)
        if turns is None:
            turns = self._turns[key] = _Turns()
        turns.users += 1
        try:
            async with turns.lock:
                yield
        finally:
            turns.users -= 1
            if not turns.users:
                del self._turns[key]

    async def close(self) -> None:
        self._turns.clear()


def key_string(key: StorageKey) -> str:
    parts = [
        key.bot_id,
        key.chat_id,
        key.user_id,
        key.thread_id or "",
        key.business_connection_id or "",
        key.destiny,
    ]
    return ":".join(str(part) for part in parts)


def _key_columns(key: StorageKey) -> dict[str, Any]:
    """The row's columns that say whose state it is."""
    return {
        "key": key_string(key),
        "bot_id": key.bot_id,
        "chat_id": key.chat_id,
        "user_id": key.user_id,
        "thread_id": key.thread_id,
        "business_connection_id": key.business_connection_id,
        "destiny": key.destiny,
    }


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


@dataclass
class _Held:
    """A key's row as this update sees it (`read`: as it was in the database)."""

    key: StorageKey
    state: str | None
    data: str
    read: tuple[str | None, str | None] = (None, None)
    changed: bool = False


_READ = select(FsmStateRow.state, FsmStateRow.data).where(FsmStateRow.key == bindparam("key"))


def _upsert(insert: Callable[..., Insert]) -> Any:
    statement = insert(FsmStateRow)
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "state": statement.excluded.state,
            "data": statement.excluded.data,
            "updated_at": statement.excluded.updated_at,
        },
    )


class _Known:
    """The committed rows of the chats seen last (least recently used go first)."""

    def __init__(self, size: int = KNOWN_ROWS) -> None:
        self._rows: OrderedDict[str, Row] = OrderedDict()
        self._size = size
        self.forgotten = 0  # rows forgotten so far: a read from before one may be stale

    def get(self, name: str) -> tuple[bool, Row]:
        if name not in self._rows:
            return False, None
        self._rows.move_to_end(name)
        return True, self._rows[name]

    def put(self, name: str, row: Row) -> None:
        self._rows[name] = row
        self._rows.move_to_end(name)
        if len(self._rows) > self._size:
            self._rows.popitem(last=False)

    def forget(self, name: str) -> None:
        self._rows.pop(name, None)
        self.forgotten += 1


class SQLAlchemyStorage(BaseStorage):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory
        self._known = _Known()

    @asynccontextmanager
    async def _apart(self, key: StorageKey) -> AsyncIterator[FsmStateRow]:
        """The key's row to change in a transaction of its own (outside an update)."""
        async with self._factory() as session, session.begin():
            row = await session.get(FsmStateRow, key_string(key))
            if row is None:
                row = FsmStateRow(**_key_columns(key), state=None, data="{}")
                session.add(row)
            yield row
        self._known.forget(key_string(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        held = await self._held_for_writing(key)
        if held is not None:
            held.state = _state_name(state)
            return
        async with self._apart(key) as row:
            row.state = _state_name(state)

    async def get_state(self, key: StorageKey) -> str | None:
        held = await self._held_for_reading(key)
        if held is not None:
            return held.state
        async with self._factory() as session:
            state = await session.scalar(
                select(FsmStateRow.state).where(FsmStateRow.key == key_string(key))
            )
            return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), ensure_ascii=False)
        held = await self._held_for_writing(key)
        if held is not None:
            held.data = payload
            return
        async with self._apart(key) as row:
            row.data = payload

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        held = await self._held_for_reading(key)
        if held is not None:
            return json.loads(held.data) if held.data else {}
        async with self._factory() as session:
            raw = await session.scalar(
                select(FsmStateRow.data).where(FsmStateRow.key == key_string(key))
            )
            return json.loads(raw) if raw else {}

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read-modify-write inside one transaction."""
        held = await self._held_for_writing(key)
        if held is not None:
            current = json.loads(held.data or "{}")
            current.update(data)
            held.data = json.dumps(current, ensure_ascii=False)
            return dict(current)
        async with self._apart(key) as row:
            current = json.loads(row.data or "{}")
            current.update(data)
            row.data = json.dumps(current, ensure_ascii=False)
            return dict(current)

    # ------------------------------------------------------------------ inside an update
    async def _held_for_reading(self, key: StorageKey) -> _Held | None:
        """The key's row as this update sees it; None outside an update."""
        scope = UpdateTransaction.current()
        if scope is None:
            return None
        return await self._held(scope, key)

    async def _held_for_writing(self, key: StorageKey) -> _Held | None:
        """The key's row as this update sees it, marked changed: written in the update's
        transaction just before it commits. None outside an update."""
        scope = UpdateTransaction.current()
        if scope is None:
            return None
        held = await self._held(scope, key)
        if not held.changed:
            held.changed = True
            scope.before_commit(lambda session: self._write(session, held))
            scope.on_commit(lambda: self._committed(held))
        return held

    async def _held(self, scope: UpdateTransaction, key: StorageKey) -> _Held:
        rows: dict[str, _Held] = scope.memo.setdefault(MEMO, {})
        name = key_string(key)
        held = rows.get(name)
        if held is None:
            known, found = self._known.get(name)
            if not known:
                forgotten = self._known.forgotten
                found = await self._read(scope.joined, name)
                if forgotten == self._known.forgotten:  # no write apart meanwhile
                    self._known.put(name, found)
            if found is None:  # no row yet: written even if the update sets nothing
                held = rows[name] = _Held(key, None, "{}")
            else:
                held = rows[name] = _Held(key, found[0], found[1], read=(found[0], found[1]))
        return held

    async def _read(self, joined: AsyncSession | None, name: str) -> Row:
        """(state, data) of the key's row, or None: in the update's transaction if it has
        begun, else in a read of its own (which takes no lock)."""
        if joined is not None:
            found = (await joined.execute(_READ, {"key": name})).first()
        else:
            async with self._factory() as session:
                found = (await session.execute(_READ, {"key": name})).first()
        return None if found is None else (found[0], found[1])

    async def _write(self, session: AsyncSession, held: _Held) -> None:
        if (held.state, held.data) == held.read:
            return  # the update left the conversation where it was
        statement = built(session, "fsm upsert", _upsert)
        await execute_core(
            session,
            statement,
            {**_key_columns(held.key), "state": held.state, "data": held.data,
             "updated_at": utcnow()},
        )  # fmt: skip

    async def _committed(self, held: _Held) -> None:
        self._known.put(key_string(held.key), (held.state, held.data))

    async def close(self) -> None:
        """The engine belongs to the application; nothing to close here."""


class _Pending:
    """One update's FSM writes, held until its transaction commits."""

    def __init__(self) -> None:
        self.states: dict[StorageKey, str | None] = {}
        self.data: dict[StorageKey, dict[str, Any]] = {}


class AfterCommitStorage(BaseStorage):
    """An FSM storage outside the database (Redis) that moves with the update's transaction.

    While an update is handled, its writes are held (and read back by the same update) and
    reach `inner` only once the update's transaction commits (UpdateTransaction.on_commit):
    an update that fails or is cut short leaves the conversation where it was, as with the
    SQL storage, so that its redelivery finds the state it started from. Outside an update
    (jobs, the CLI) writes go straight through.
    """

    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner
        self._held: weakref.WeakKeyDictionary[UpdateTransaction, _Pending] = (
            weakref.WeakKeyDictionary()
        )

    def _pending(self) -> _Pending | None:
        scope = UpdateTransaction.current()
        if scope is None:
            return None
        pending = self._held.get(scope)
        if pending is None:
            pending = self._held[scope] = _Pending()
            scope.on_commit(lambda: self._flush(pending))
        return pending

    async def _flush(self, pending: _Pending) -> None:
        for key, state in pending.states.items():
            await self.inner.set_state(key, state)
        for key, data in pending.data.items():
            await self.inner.set_data(key, data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        pending = self._pending()
        if pending is None:
            await self.inner.set_state(key, state)
        else:
            pending.states[key] = _state_name(state)

    async def get_state(self, key: StorageKey) -> str | None:
        scope = UpdateTransaction.current()
        pending = self._held.get(scope) if scope is not None else None
        if pending is not None and key in pending.states:
            return pending.states[key]
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        pending = self._pending()
        if pending is None:
            await self.inner.set_data(key, data)
        else:
            pending.data[key] = dict(data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        scope = UpdateTransaction.current()
        pending = self._held.get(scope) if scope is not None else None
        if pending is not None and key in pending.data:
            return dict(pending.data[key])
        return await self.inner.get_data(key)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        current = await self.get_data(key)
        current.update(data)
        await self.set_data(key, current)
        return dict(current)

    async def close(self) -> None:
        await self.inner.close()
