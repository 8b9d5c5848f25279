"""Long polling that acknowledges an update only once it is handled.

Telegram forgets an update when a later `getUpdates` asks from a higher offset. aiogram's
own polling moves the offset past updates still being handled, so a crash loses what was in
flight. Here each update is handled in a task of its own (the dispatcher keeps a chat's
updates in order) and the offset never passes the oldest one still being handled, unless
it was parked (bot/inflight.py: stored after a few seconds, so that a long import does not
hold back the other chats' updates). Updates fetched again meanwhile are left alone.
An update that fails for a transient reason (bot/faults.py) is tried again with backoff
until it succeeds; one that fails for good was already answered by the error handlers.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.methods import GetUpdates
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.faults import describe
from bot.inflight import InFlight
from domain.pacing import Attention

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 30
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0
RECHECK_SECONDS = 0.2  # while an update is still handled, new ones are looked for this often


class _UpdatesAsJson(GetUpdates):
    """getUpdates whose answer is left as JSON. While updates are handled the offset waits
    for them, so each answer brings them all again (40 at a time under load): only the new
    ones are worth reading into models."""

    __returning__ = list[dict[str, Any]]


class Poller:
    def __init__(
        self,
        bot: Bot,
        dp: Dispatcher,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        allowed_updates: list[str] | None = None,
        attention: Attention | None = None,
    ) -> None:
        self._bot = bot
        self._allowed = allowed_updates
        self._stop = asyncio.Event()
        self.inflight = InFlight(bot, dp, session_factory, retry_always=True, attention=attention)
        self.offset: int | None = None

    def stop(self) -> None:
        self._stop.set()
        self.inflight.stop()

    async def run(self, poll_timeout: int = POLL_TIMEOUT_SECONDS) -> None:
        inflight = self.inflight
        await inflight.replay()
        delay = FIRST_RETRY_SECONDS
        started: set[int] = set()
        newest: int | None = None
        while not self._stop.is_set():
            await inflight.park_slow()
            # Not past the oldest update being handled and not parked (a crash must not lose it).
            holding = inflight.unacknowledged()
            self.offset = min(holding) if holding else (newest + 1 if newest is not None else None)
            started = {n for n in started if self.offset is None or n >= self.offset}
            try:
                updates = await self._fetch(0 if holding else poll_timeout)
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, aiohttp.ClientError, TimeoutError, OSError) as error:
                log.warning("getUpdates failed (%s); again in %.1f s", describe(error), delay)
                await self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            delay = FIRST_RETRY_SECONDS
            fresh = [raw for raw in updates or () if raw.get("update_id") not in started]
            for raw in fresh:
                update_id = raw.get("update_id")
                if not isinstance(update_id, int):
                    log.warning("getUpdates gave an update without an id; ignored")
                    continue
                started.add(update_id)
                newest = max(newest or 0, update_id)
                try:
                    update = Update.model_validate(raw, context={"bot": self._bot})
                except ValidationError as error:
                    log.warning("update %s is not one we can read; skipped (%s)", update_id, error)
                    continue
                inflight.start(update)
            if holding and not fresh:  # only updates already in hand: wait a moment
                await inflight.wait(RECHECK_SECONDS)
        await inflight.drain()

    async def _fetch(self, poll_timeout: int) -> list[dict[str, Any]] | None:
        """The next batch, as JSON, or None when asked to stop meanwhile."""
        fetch = asyncio.ensure_future(
            self._bot(
                _UpdatesAsJson(
                    offset=self.offset, timeout=poll_timeout, allowed_updates=self._allowed
                ),
                request_timeout=poll_timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            return None
        # GetUpdates' type says models; _UpdatesAsJson's __returning__ made them JSON
        return cast("list[dict[str, Any]]", fetch.result())

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass
