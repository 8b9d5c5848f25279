"""Long polling that acknowledges an update only once it is handled.

Telegram forgets an update when a later `getUpdates` asks from a higher offset. aiogram's
own polling asks for the next batch while the last one is still being handled, so a crash
loses what was in flight. Here a batch is handled first (its updates concurrently, one task
each; the dispatcher keeps a chat's updates in order) and only then is the offset moved on.
An update that fails for a transient reason (bot/faults.py) is tried again with backoff
until it succeeds; one that fails for good was already answered by the error handlers.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import Update

from bot.faults import describe, is_transient

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0


class Poller:
    def __init__(
        self, bot: Bot, dp: Dispatcher, *, allowed_updates: list[str] | None = None
    ) -> None:
        self._bot = bot
        self._dp = dp
        self._allowed = allowed_updates
        self._stop = asyncio.Event()
        self.offset: int | None = None

    def stop(self) -> None:
        self._stop.set()

    async def run(self, poll_timeout: int = POLL_TIMEOUT_SECONDS) -> None:
        delay = FIRST_RETRY_SECONDS
        while not self._stop.is_set():
            try:
                updates = await self._fetch(poll_timeout)
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, aiohttp.ClientError, TimeoutError, OSError) as error:
                log.warning("getUpdates failed (%s); again in %.1f s", describe(error), delay)
                await self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            delay = FIRST_RETRY_SECONDS
            if updates is None or not updates:
                continue
            await asyncio.gather(*(asyncio.create_task(self._handle(u)) for u in updates))
            self.offset = updates[-1].update_id + 1

    async def _fetch(self, poll_timeout: int) -> list[Update] | None:
        """The next batch, or None when asked to stop meanwhile."""
        fetch = asyncio.ensure_future(
            self._bot.get_updates(
                offset=self.offset,
                timeout=poll_timeout,
                allowed_updates=self._allowed,
                request_timeout=poll_timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            return None
        return fetch.result()

    async def _handle(self, update: Update) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._dp.feed_update(self._bot, update)
                return
            except Exception as error:  # noqa: BLE001 - sorted below: retried or logged
                if not is_transient(error):
                    log.exception("update %s failed", update.update_id)
                    return
                if self._stop.is_set():
                    return  # not acknowledged: Telegram hands it out again next start
                log.warning(
                    "update %s failed (%s); again in %.1f s",
                    update.update_id,
                    describe(error),
                    delay,
                )
                await self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass
