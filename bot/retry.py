"""Outgoing Bot API calls that get 429 wait `retry_after` and try again (bounded)."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, max_attempts: int = 4, max_wait: float = 30.0) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt >= self.max_attempts or error.retry_after > self.max_wait:
                    raise
                log.warning(
                    "%s got 429; waiting %ss (attempt %d/%d)",
                    type(method).__name__,
                    error.retry_after,
                    attempt,
                    self.max_attempts,
                )
                await asyncio.sleep(error.retry_after)
                attempt += 1
