"""aiogram FSM storage in our database: state and JSON data per full StorageKey, and the
wrapper that makes an outside store (Redis, for several workers) follow the same rule.

Survives restarts. Pair it with an event isolation (`SimpleEventIsolation` in one process)
so that two updates of the same chat never interleave. While an update is handled, its
writes join the update's transaction (db/scope.py): the conversation's new step commits with
the order it confirmed and the reply it promised, or not at all.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import FsmStateRow
from db.scope import UpdateTransaction


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


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class SQLAlchemyStorage(BaseStorage):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    async def _row(self, session: AsyncSession, key: StorageKey) -> FsmStateRow:
        row = await session.get(FsmStateRow, key_string(key))
        if row is None:
            row = FsmStateRow(
                key=key_string(key),
                bot_id=key.bot_id,
                chat_id=key.chat_id,
                user_id=key.user_id,
                thread_id=key.thread_id,
                business_connection_id=key.business_connection_id,
                destiny=key.destiny,
                state=None,
                data="{}",
            )
            session.add(row)
        return row

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        async with self._writing() as session:
            row = await self._row(session, key)
            row.state = _state_name(state)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._reading() as session:
            state = await session.scalar(
                select(FsmStateRow.state).where(FsmStateRow.key == key_string(key))
            )
            return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), ensure_ascii=False)
        async with self._writing() as session:
            row = await self._row(session, key)
            row.data = payload

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._reading() as session:
            raw = await session.scalar(
                select(FsmStateRow.data).where(FsmStateRow.key == key_string(key))
            )
            return json.loads(raw) if raw else {}

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read-modify-write inside one transaction."""
        async with self._writing() as session:
            row = await self._row(session, key)
            current = json.loads(row.data or "{}")
            current.update(data)
            row.data = json.dumps(current, ensure_ascii=False)
            return dict(current)

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        """The update's transaction while one is handled, else a transaction of its own."""
        scope = UpdateTransaction.current()
        if scope is not None:
            session = await scope.session()
            yield session
            await session.flush()
            return
        async with self._factory() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncSession]:
        """Reads see the update's own writes; before it wrote, no lock is taken."""
        scope = UpdateTransaction.current()
        joined = scope.joined if scope is not None else None
        if joined is not None:
            yield joined
            return
        async with self._factory() as session:
            yield session

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
