"""Long polling that acknowledges an update only once it is handled.

Telegram forgets an update when a later `getUpdates` asks from a higher offset. aiogram's
own polling moves the offset past updates still being handled, so a crash loses what was in
flight. Here each update is handled in a task of its own (the dispatcher keeps a chat's
updates in order) and the offset never passes the oldest one still being handled: updates
fetched again meanwhile are recognised and left alone, so a long update (a big import) holds
back the acknowledgement, never the other chats.
An update that fails for a transient reason (bot/faults.py) is tried again with backoff
until it succeeds; one that fails for good was already answered by the error handlers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import Update

from bot.faults import describe, is_transient

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
RECHECK_SECONDS = 0.2  # while an update is still handled, new ones are looked for this often


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
        started: set[int] = set()
        running: dict[int, asyncio.Task[None]] = {}
        newest: int | None = None
        while not self._stop.is_set():
            # Not past the oldest update still being handled (a crash must not lose it).
            self.offset = min(running) if running else (newest + 1 if newest is not None else None)
            started = {n for n in started if self.offset is None or n >= self.offset}
            try:
                updates = await self._fetch(0 if running else poll_timeout)
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, aiohttp.ClientError, TimeoutError, OSError) as error:
                log.warning("getUpdates failed (%s); again in %.1f s", describe(error), delay)
                await self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            delay = FIRST_RETRY_SECONDS
            fresh = [u for u in updates or () if u.update_id not in started]
            for update in fresh:
                started.add(update.update_id)
                task = asyncio.create_task(self._handle(update))
                running[update.update_id] = task
                task.add_done_callback(_forget(running, update.update_id))
                newest = max(newest or 0, update.update_id)
            if running and not fresh:  # only updates already in hand: wait a moment
                await asyncio.wait(set(running.values()), timeout=RECHECK_SECONDS)
        if running:
            await asyncio.gather(*running.values(), return_exceptions=True)

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


def _forget(running: dict[int, asyncio.Task[None]], update_id: int) -> Callable[[object], None]:
    def done(_: object) -> None:
        running.pop(update_id, None)

    return done
