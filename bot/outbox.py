"""Sending what the outbox holds: at once after the commit that wrote it, and again later
until Telegram takes it.

`send_now` runs right after an update (or a job) commits and sends the rows it wrote — the
writer's head start (db/outbox.py) keeps the sweepers off them meanwhile, and the writer
claims them too, so one sent late past that head start still goes out once (whichever
worker's sweeper or writer claims a row first sends it). With Redis, a receipt noted there
the moment Telegram takes a message keeps a worker killed before recording it from making
another worker send it again (bot/receipts.py). `run` sweeps every
second for rows whose time has come: a writer that died before sending, a retry after a
failure. Each outcome is recorded: sent (with the message id; an order alert also links the
owner's message to the customer's chat), later (429: Telegram's `retry_after`; 5xx, network
errors, a hang: exponential backoff up to five minutes), blocked (403; the owners are told
when a customer's notice could not reach them) or failed (a request Telegram refuses).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.faults import describe
from bot.keyboards import inline_keyboard
from bot.photos import ProductPhotos
from bot.receipts import NoReceipts, Receipts
from bot.sending import send_long
from db.outbox import WRITER_HEAD_START, Outgoing, record_sent
from db.scope import UpdateTransaction
from db.uow import SqlUnitOfWork
from domain import texts
from domain.events import EventBus, NoticesWritten
from domain.notices import owners_notice

log = logging.getLogger(__name__)

SWEEP_EVERY_SECONDS = 1.0
SWEEP_BATCH = 50
LEASE = timedelta(seconds=30)  # longer than a send can take (timeouts below)
REQUEST_TIMEOUT_SECONDS = 10
MAX_BACKOFF_SECONDS = 300
PERMANENT = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge)


CAPTION_LIMIT = 1024  # characters of a photo's caption (Bot API)


def backoff(attempts: int) -> float:
    return float(min(2**attempts, MAX_BACKOFF_SECONDS))


class SentMarks:
    """Records sent messages, those of many senders in one transaction (group commit): a
    sender waits until its own mark is committed, as with a transaction of its own, but
    under load one commit serves every mark that arrived while the previous one was being
    written. The marks have a connection of their own, kept open between them (one writer
    at a time uses it); after a failure the next batch opens a new one."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, row_id: int, message_id: int) -> None:
        """Returns once committed; raises what the commit raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row_id, message_id, done))
        if self._writer is None or self._writer.done():
            with UpdateTransaction.detached():  # its own transactions, whoever starts it
                self._writer = asyncio.create_task(self._write())
        await asyncio.shield(done)

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                if self._connection is None:
                    self._connection = await self._engine.connect()
                await record_sent(
                    self._connection, [(row_id, sent_id) for row_id, sent_id, _ in batch]
                )
            except BaseException as error:  # handed to every waiting sender
                self._settle(batch, error)
                await self._drop()
                if not isinstance(error, Exception):
                    raise  # cancelled: the senders heard it too
            else:
                self._settle(batch, None)

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: it only has to go
                await connection.close()

    async def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
        await self._drop()

    @staticmethod
    def _settle(
        batch: list[tuple[int, int, asyncio.Future[None]]], error: BaseException | None
    ) -> None:
        for _, _, done in batch:
            if done.done():
                continue
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)


class OutboxSender:
    def __init__(
        self,
        uow: Callable[[], SqlUnitOfWork],
        engine: AsyncEngine,
        bot: Bot,
        owner_ids: tuple[int, ...],
        receipts: Receipts | None = None,
    ) -> None:
        self._uow = uow
        self._bot = bot
        self._owner_ids = owner_ids
        self._photos = ProductPhotos(uow, bot)
        self._marks = SentMarks(engine)
        # With receipts in Redis, other workers may send too: a writer claims its rows first.
        self._shared = receipts is not None
        self._receipts = receipts or NoReceipts()

    async def close(self) -> None:
        await self._marks.close()
        await self._receipts.close()

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(NoticesWritten, self.send_now)

    async def send_now(self, event: NoticesWritten) -> None:
        """The rows just committed: in one process, sent as written (not read back); with
        several workers, claimed first, so that another worker's sweeper never sends one too."""
        rows = [row for row in event.rows if isinstance(row, Outgoing)]
        if self._shared or len(rows) != len(event.keys):
            async with self._uow() as uow:
                # for as long as the head start it had: a writer killed now leaves it to the
                # sweepers just as soon as before the claim
                moment = datetime.now(UTC)
                rows = await uow.outbox.claim_written(event.keys, moment, WRITER_HEAD_START)
                await uow.commit()
        for row in rows:
            await self._deliver(row)

    async def sweep(self) -> int:
        """Send the rows whose time has come; how many were taken."""
        async with self._uow() as uow:
            rows = await uow.outbox.claim_due(datetime.now(UTC), LEASE, SWEEP_BATCH)
            await uow.commit()
        for row in rows:
            await self._deliver(row)
        return len(rows)

    async def run(self) -> None:
        """Sweep until cancelled; a database failure waits for the next round."""
        while True:
            try:
                taken = await self.sweep()
            except SQLAlchemyError as error:
                log.warning("outbox sweep failed (%s); trying again", describe(error))
                taken = 0
            if taken < SWEEP_BATCH:
                await asyncio.sleep(SWEEP_EVERY_SECONDS)

    async def _deliver(self, row: Outgoing) -> None:
        taken = await self._receipts.find(row.key)
        if taken is not None:  # its sender died before recording it: not sent twice
            log.info("message %s was sent before (receipt); recorded now", row.key)
            await self._sent(row, taken)
            return
        try:
            if row.product_photos:
                message_id = await self._photos.send(row)
            elif row.photo:
                sent = await self._bot.send_photo(
                    row.chat_id,
                    row.photo,
                    caption=row.text[:CAPTION_LIMIT],
                    reply_markup=inline_keyboard(row.buttons),
                    request_timeout=REQUEST_TIMEOUT_SECONDS,
                )
                message_id = sent.message_id
            else:
                message_id = await send_long(
                    self._bot,
                    row.chat_id,
                    row.text,
                    inline_keyboard(row.buttons),
                    request_timeout=REQUEST_TIMEOUT_SECONDS,
                )
        except TelegramRetryAfter as error:
            await self._later(row, float(error.retry_after), error)
        except TelegramForbiddenError as error:
            await self._blocked(row, error)
        except PERMANENT as error:
            log.error("Telegram refuses message %s to chat %s: %s", row.key, row.chat_id, error)
            reason = describe(error)
            await self._record(row, lambda uow: uow.outbox.failed(row.id, reason))
        except (
            TelegramAPIError,
            ClientDecodeError,  # an HTML 502 page from a front end, not the Bot API's answer
            aiohttp.ClientError,
            TimeoutError,
            OSError,
        ) as error:
            await self._later(row, backoff(row.attempts), error)
        else:
            await self._receipts.note(row.key, message_id)
            await self._sent(row, message_id)

    async def _sent(self, row: Outgoing, message_id: int) -> None:
        if row.relay_chat_id is None:  # the common case: marked with others at once
            try:
                await self._marks.record(row.id, message_id)
            except SQLAlchemyError as error:
                log.warning("could not record the outcome of %s (%s)", row.key, describe(error))
            return

        async def settle(uow: SqlUnitOfWork) -> None:
            await uow.outbox.sent(row.id, message_id)
            if row.relay_chat_id is not None:  # the owner's reply reaches the customer
                await uow.chats.link(row.chat_id, message_id, row.relay_chat_id)

        await self._record(row, settle)

    async def _later(self, row: Outgoing, delay: float, error: BaseException) -> None:
        log.warning(
            "message %s to chat %s not sent (%s); again in %.0f s",
            row.key,
            row.chat_id,
            describe(error),
            delay,
        )
        moment = datetime.now(UTC) + timedelta(seconds=delay)
        reason = describe(error)
        await self._record(row, lambda uow: uow.outbox.retry_at(row.id, moment, reason))

    async def _blocked(self, row: Outgoing, error: BaseException) -> None:
        log.warning("chat %s blocked the bot; message %s not delivered", row.chat_id, row.key)

        async def settle(uow: SqlUnitOfWork) -> None:
            await uow.outbox.blocked(row.id, describe(error))
            owners = [owner for owner in self._owner_ids if owner != row.chat_id]
            if row.chat_id in self._owner_ids or not owners:
                return
            order = (
                texts.OWNER_NOTICE_BLOCKED_ORDER.format(order_id=row.order_id)
                if row.order_id is not None
                else ""
            )
            text = texts.OWNER_NOTICE_BLOCKED.format(
                order=order, chat_id=row.chat_id, text=row.text[:500]
            )
            await uow.outbox.add(owners_notice(f"blocked:{row.key}", owners, text))

        await self._record(row, settle)

    async def _record(
        self, row: Outgoing, change: Callable[[SqlUnitOfWork], Awaitable[None]]
    ) -> None:
        """The outcome in its own transaction; if that fails the row is simply due again."""
        try:
            async with self._uow() as uow:
                await change(uow)
                await uow.commit()
        except SQLAlchemyError as error:
            log.warning("could not record the outcome of %s (%s)", row.key, describe(error))
