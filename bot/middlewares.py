"""Dispatcher middlewares: infrastructure only, no business rules."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.scope import AlreadyHandled, UpdateTransaction
from domain.events import EventBus

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def update_key(update: Update, bot_id: int) -> str:
    """Same bot, same id, same content: the same update delivered again."""
    digest = hashlib.sha256(update.model_dump_json(exclude_none=True).encode()).hexdigest()
    return f"{bot_id}:{update.update_id}:{digest[:32]}"


class Heartbeat:
    """When this process last finished handling an update (shown by /health)."""

    def __init__(self) -> None:
        self.last_update_at: datetime | None = None

    def beat(self) -> None:
        self.last_update_at = datetime.now(UTC)


class ChatTurns(FSMContextMiddleware):
    """aiogram's FSM middleware (the chat's FSMContext as `state`, one update of a chat at a
    time) without reading the state up front for `raw_state`: no handler filters on a state
    (the conversation reads its step in bot/responder.py, inside the update's transaction),
    and that read cost a session and a query of its own on every update."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        context = self.resolve_event_context(bot, data)
        data["fsm_storage"] = self.storage
        if context is None:
            return await handler(event, data)
        async with self.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)


class OneTransactionPerUpdate(BaseMiddleware):
    """Each update is handled in one database transaction that also marks it processed
    (db/scope.py): a redelivered update already committed is skipped; one whose handling
    failed or was cut short is handled as new. Handlers get the scope as `scope`.

    Whether it was processed is asked before handling (so that a redelivery does nothing,
    not even what a handler does before its first write) — except, in a process that has the
    database to itself (`alone`), for an update id above every one it has known: Telegram's
    ids grow, so no such update can have been processed. The claim in the transaction is
    what decides in every case."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bus: EventBus,
        gate: asyncio.Lock | None,
        heartbeat: Heartbeat,
        *,
        alone: bool = True,
    ) -> None:
        self._factory = session_factory
        self._bus = bus
        self._gate = gate
        self._heartbeat = heartbeat
        self._alone = alone
        self._newest: int | None = None  # the highest update id known here; None: not read

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot = data.get("bot")
        key = update_key(event, bot.id if bot else 0)
        scope = UpdateTransaction(
            self._factory, key, event.update_id, bus=self._bus, gate=self._gate
        )
        if await self._maybe_seen(scope, event.update_id):
            log.info("update %s already processed; skipped", event.update_id)
            return None
        data["scope"] = scope
        try:
            with scope.active():
                result = await handler(event, data)
            await scope.commit()
        except AlreadyHandled:
            log.info("update %s was processed meanwhile by another process", event.update_id)
            return None
        finally:
            await scope.close()
        self._heartbeat.beat()
        return result

    async def _maybe_seen(self, scope: UpdateTransaction, update_id: int) -> bool:
        if self._alone:
            if self._newest is None:
                self._newest = await scope.newest()
            if update_id > self._newest:
                self._newest = update_id
                return False
        return await scope.seen()
