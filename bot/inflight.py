"""The updates this process is handling, and the slow ones parked.

Telegram forgets an update once it is acknowledged: by a later `getUpdates` offset, or by
the webhook's answer. So an update is acknowledged only when it is handled — but a long one
(a big import, a slow provider) must not hold back everything else: `getUpdates` hands out
at most 100 updates past the oldest one not acknowledged, and Telegram gives up on a
webhook call that takes too long and delivers the update again.

An update still being handled after PARK_AFTER_SECONDS is parked: its body is stored in
the database, and from then on it may be acknowledged. When it is done its row is deleted.
After a crash or a stop, start-up hands the parked updates to the dispatcher again; the
processed mark (db/scope.py) skips the ones whose transaction had committed.
A parked update that fails for a transient reason is tried again with backoff here, since
Telegram will not deliver it again. With several workers on one database, each touches the
rows of the updates it parked, and a row left untouched (its worker died) is taken by one
other worker, at its start or in its rounds (`keep_parked`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.faults import describe, is_transient
from db.parking import ParkedUpdates
from domain.pacing import Attention

log = logging.getLogger(__name__)

PARK_AFTER_SECONDS = 2.0
# Several workers: a worker touches its parked rows this often; one untouched for
# STALE_PARKED_SECONDS belongs to a worker that died, and another one takes it.
TOUCH_PARKED_SECONDS = 5.0
STALE_PARKED_SECONDS = 20.0
FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 30.0


class InFlight:
    """`retry_always`: every update failing for a transient reason is tried again here (the
    poller); otherwise only parked ones are, the others fail to their caller (the webhook,
    which answers 503 so that Telegram delivers them again)."""

    def __init__(
        self,
        bot: Bot,
        dp: Dispatcher,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        retry_always: bool,
        attention: Attention | None = None,
        park_after: float = PARK_AFTER_SECONDS,
    ) -> None:
        self.park_after = park_after
        self._attention = attention or Attention()  # counts the updates not parked
        self._bot = bot
        self._dp = dp
        self._factory = session_factory
        self._retry_always = retry_always
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._updates: dict[int, Update] = {}
        self._started_at: dict[int, float] = {}
        self._parked: set[int] = set()
        self._stopping = asyncio.Event()

    # ------------------------------------------------------------------ state
    def unacknowledged(self) -> list[int]:
        """Ids being handled that Telegram must not forget yet (running, not parked)."""
        return [n for n in self._tasks if n not in self._parked]

    def stop(self) -> None:
        """Parked updates failing from now on are left for the next start."""
        self._stopping.set()

    # ------------------------------------------------------------------ handling
    def start(self, update: Update) -> asyncio.Task[None]:
        """Handle `update` in a task of its own (the same task if it is already running)."""
        running = self._tasks.get(update.update_id)
        if running is not None:
            return running
        if update.update_id not in self._parked:
            self._attention.begin()  # someone waits for its reply
        task = asyncio.create_task(self._run(update))
        self._tasks[update.update_id] = task
        self._updates[update.update_id] = update
        self._started_at[update.update_id] = time.monotonic()
        task.add_done_callback(lambda done: self._forget(update.update_id, done))
        return task

    async def wait(self, timeout: float) -> None:
        """Until one update is done or `timeout` passes."""
        if self._tasks:
            await asyncio.wait(set(self._tasks.values()), timeout=timeout)

    async def drain(self, timeout: float | None = None) -> None:
        """Let the updates in hand finish (cancelled after `timeout`; parked ones stay parked)."""
        tasks = set(self._tasks.values())
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=timeout)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _run(self, update: Update) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            try:
                await self._dp.feed_update(self._bot, update)
                break
            except Exception as error:  # noqa: BLE001 - sorted below: retried, logged or raised
                if not (self._retry_always or update.update_id in self._parked):
                    raise
                if not is_transient(error):
                    log.exception("update %s failed", update.update_id)
                    break  # already answered by the error handlers
                if self._stopping.is_set():
                    return  # neither acknowledged nor released: handled again next start
                log.warning(
                    "update %s failed (%s); again in %.1f s",
                    update.update_id,
                    describe(error),
                    delay,
                )
                await self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
        if update.update_id in self._parked:
            await self._release(update.update_id)

    def _forget(self, update_id: int, task: asyncio.Task[None]) -> None:
        if update_id not in self._parked:
            self._attention.end()
        self._tasks.pop(update_id, None)
        self._updates.pop(update_id, None)
        self._started_at.pop(update_id, None)
        self._parked.discard(update_id)
        if not task.cancelled():
            task.exception()  # retrieved: the webhook that awaits it sees it too

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    # ------------------------------------------------------------------ parking
    async def park_slow(self) -> None:
        """Park every update handled for longer than `park_after`."""
        now = time.monotonic()
        for update_id, started in list(self._started_at.items()):
            if update_id not in self._parked and now - started >= self.park_after:
                await self.park(update_id)

    async def park(self, update_id: int) -> bool:
        """Store the update so that it may be acknowledged, and finish it here (retried
        while its failures are transient). False if the database refused, or if it ended
        meanwhile: then its outcome is its caller's to answer."""
        update = self._updates.get(update_id)
        if update is None:
            return False  # done meanwhile
        body = update.model_dump_json(exclude_none=True)
        try:
            async with self._factory() as session:
                await ParkedUpdates(session).park(update_id, body)
                await session.commit()
        except Exception as error:  # noqa: BLE001 - not parked: acknowledged only when done
            log.warning("could not park update %s (%s)", update_id, describe(error))
            return False
        if update_id not in self._tasks:  # finished (or failed) while it was being parked
            await self._release(update_id)
            return False  # its caller answers with the outcome
        self._parked.add(update_id)  # only now may it be acknowledged
        self._attention.end()  # and background work need not give way to it
        log.info("update %s still being handled; parked", update_id)
        return True

    async def _release(self, update_id: int) -> None:
        try:
            async with self._factory() as session:
                await ParkedUpdates(session).release(update_id)
                await session.commit()
        except Exception as error:  # noqa: BLE001 - a leftover row is handled and skipped
            log.warning("could not release parked update %s (%s)", update_id, describe(error))

    async def replay(self, *, shared: bool = False) -> int:
        """Hand the updates parked before a stop or a crash to the dispatcher again.

        `shared`: other workers park in the same table: only the rows their handler stopped
        touching (STALE_PARKED_SECONDS) are taken, each by one worker."""
        async with self._factory() as session:
            if shared:
                now = datetime.now(UTC)
                before = now - timedelta(seconds=STALE_PARKED_SECONDS)
                parked = await ParkedUpdates(session).take_stale(before, now)
                await session.commit()
            else:
                parked = await ParkedUpdates(session).all()
        for update_id, body in parked:
            if update_id in self._tasks:
                continue  # handled here already
            try:
                update = Update.model_validate_json(body, context={"bot": self._bot})
            except ValueError as error:
                log.warning("parked update %s unreadable (%s); dropped", update_id, error)
                await self._release(update_id)
                continue
            self._parked.add(update_id)
            self.start(update)
        if parked:
            log.info("%d parked updates handed out again", len(parked))
        return len(parked)

    async def keep_parked(self) -> None:
        """With other workers (run as a task): touch the rows of the updates parked here, so
        that no other worker takes them, and take the ones whose worker died."""
        while True:
            await asyncio.sleep(TOUCH_PARKED_SECONDS)
            try:
                async with self._factory() as session:
                    mine = [n for n in self._parked if n in self._tasks]
                    await ParkedUpdates(session).touch(mine, datetime.now(UTC))
                    await session.commit()
                await self.replay(shared=True)
            except Exception as error:  # noqa: BLE001 - tried again at the next round
                log.warning("could not keep the parked updates (%s)", describe(error))
