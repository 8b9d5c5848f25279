"""Dispatcher middlewares: infrastructure only, no business rules."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def update_key(update: Update, bot_id: int) -> str:
    """Same bot, same id, same content: the same update delivered again."""
    digest = hashlib.sha256(update.model_dump_json(exclude_none=True).encode()).hexdigest()
    return f"{bot_id}:{update.update_id}:{digest[:32]}"


class DeduplicateUpdatesMiddleware(BaseMiddleware):
    """An update_id seen before is not processed again (retries, replays, replicas)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            bot = data.get("bot")
            key = update_key(event, bot.id if bot else 0)
            async with SqlUnitOfWork(self._factory) as uow:
                fresh = await uow.updates.claim(key, event.update_id)
                await uow.commit()
            if not fresh:
                log.info("update %s already processed; skipped", event.update_id)
                return None
        return await handler(event, data)
