"""The harness side of "update handled": an aiogram middleware reporting to the local server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import TelegramObject, Update

from doubles.telegram.state import UpdateQueue


class ReportHandled(BaseMiddleware):
    """Outer update middleware: marks the update handled when its task ends.

    The end of the task, not of this middleware, so that error handlers (aiogram runs them
    outside later middlewares) and a method returned by the handler (sent after them) are
    part of the handling. It relies on one task per update: aiogram's polling with
    ``handle_as_tasks=True``, its default.
    """

    def __init__(self, queue: UpdateQueue) -> None:
        self._queue = queue

    def install(self, dp: Dispatcher) -> None:
        """Make this the outermost update middleware of ``dp``.

        Outermost so that it sees every update: an outer middleware of the bot may answer
        an update itself without calling the next one (a repeated update is dropped so).
        """
        middlewares = dp.update.outer_middleware
        others = list(middlewares)
        for middleware in others:
            middlewares.unregister(middleware)
        middlewares.register(self)
        for middleware in others:
            middlewares.register(middleware)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        task = asyncio.current_task()
        if isinstance(event, Update) and task is not None:
            update_id = event.update_id
            task.add_done_callback(lambda _: self._queue.handled(update_id))
        return await handler(event, data)
