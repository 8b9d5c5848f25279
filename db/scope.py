"""One update, one transaction.

While an update is handled (bot/middlewares.py opens the scope), every unit of work and the
FSM storage join one database transaction, and the mark that the update was processed is
written in it: the update's effects, the replies it promised (outbox) and that mark commit
together or not at all. A crash or a failure before the commit leaves no trace, so the
update handled again when Telegram redelivers it is handled for the first time; after the
commit, a redelivery finds the mark and changes nothing.

Units of work inside the scope take savepoints, so a service's `rollback()` still undoes
only its own work. On SQLite the scope's transaction begins with the mark's INSERT — a
savepoint must never be the first statement there (pysqlite would commit at its RELEASE) —
and scopes of one process take turns on an asyncio lock (`gate`) instead of polling
SQLite's busy handler. After the commit, the gate is released first and then the events are
handed out (index refresh, the outbox's immediate send), so no update waits for Telegram.

A reply may have a final wording still to come (a model's, `say(final=...)`): it is promised
with its draft, and the wording is asked after the commit, outside the write lock, then put
in the outbox row before the send. A crash meanwhile sends the draft (the sweeper finds the
row once the writer's head start is over); a wording later than `FINAL_WITHIN` is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.outbox import WRITER_HEAD_START, OutboxRepository, Outgoing, forget_written, take_written
from db.repositories import MessageRepository, UpdateRepository
from domain.button import Buttons
from domain.events import Event, EventBus, NoticesWritten
from domain.model import Notice

log = logging.getLogger(__name__)

# How long a reply's final wording may take after the commit: half the writer's head start,
# so that no sweeper sends the draft while the writer still waits for the wording (the other
# half is for storing it, a lock waited for included).
FINAL_WITHIN = WRITER_HEAD_START.total_seconds() / 2

Final = Callable[[], Awaitable[str | None]]

_current: ContextVar[UpdateTransaction | None] = ContextVar("update_transaction", default=None)


class AlreadyHandled(Exception):  # noqa: N818 - a fact, not an error
    """Another process handled this update first (a redelivery raced the original)."""


class UpdateTransaction:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key: str,
        update_id: int,
        *,
        bus: EventBus | None = None,
        gate: asyncio.Lock | None = None,
    ) -> None:
        self.key = key
        self._factory = session_factory
        self._update_id = update_id
        self._bus = bus
        self._gate = gate
        self._session: AsyncSession | None = None
        self._holds_gate = False
        self._committed: list[tuple[EventBus | None, list[Event]]] = []
        self._on_commit: list[Callable[[], Awaitable[None]]] = []
        self._replies = 0
        self._finals: dict[str, Final] = {}  # reply key → its final wording, asked after commit
        self._before_commit: list[Callable[[AsyncSession], Awaitable[None]]] = []
        self.memo: dict[str, Any] = {}  # what a store keeps for the update's length

    # ------------------------------------------------------------------ context
    @staticmethod
    def current() -> UpdateTransaction | None:
        """The scope of the update being handled by this task, if any."""
        return _current.get()

    @contextlib.contextmanager
    def active(self) -> Iterator[UpdateTransaction]:
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    @staticmethod
    @contextlib.contextmanager
    def detached() -> Iterator[None]:
        """Work that runs in its own transactions even inside an update (a big import,
        all-or-nothing by itself, must not hold the update's write lock for its length)."""
        token = _current.set(None)
        try:
            yield
        finally:
            _current.reset(token)

    # ------------------------------------------------------------------ database
    async def seen(self) -> bool:
        """Already processed (checked before handling, without taking the write lock)."""
        async with self._factory() as session:
            return await UpdateRepository(session).seen(self.key)

    async def newest(self) -> int:
        """The highest update id ever recorded as processed."""
        async with self._factory() as session:
            return await UpdateRepository(session).newest()

    @property
    def joined(self) -> AsyncSession | None:
        return self._session

    async def session(self) -> AsyncSession:
        """The update's session; the first call begins the transaction with the mark."""
        if self._session is not None:
            return self._session
        if self._gate is not None:
            await self._gate.acquire()
            self._holds_gate = True
        session = self._factory()
        try:
            fresh = await UpdateRepository(session).claim(self.key, self._update_id)
        except BaseException:
            await session.close()
            self._release()
            raise
        if not fresh:
            await session.close()
            self._release()
            raise AlreadyHandled(self.key)
        self._session = session
        return session

    def after_commit(self, bus: EventBus | None, events: list[Event]) -> None:
        """Events of a unit of work that joined: handed out once the update commits."""
        if events:
            self._committed.append((bus, events))

    def before_commit(self, write: Callable[[AsyncSession], Awaitable[None]]) -> None:
        """`write` runs in the update's transaction just before it commits (a store's
        deferred writes), once for each time it was asked."""
        self._before_commit.append(write)

    def on_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` once the update's transaction has committed (before its events are
        handed out); dropped if it rolls back. Writes to a store outside the database (the
        FSM in Redis, bot/storage.py) wait here, so they never outlive a rolled-back update."""
        self._on_commit.append(callback)

    async def say(
        self,
        chat_id: int,
        text: str,
        buttons: Buttons = (),
        photos: tuple[int, ...] = (),
        final: Final | None = None,
    ) -> None:
        """A reply of this update, sent once its transaction commits (through the outbox);
        `photos`: the products whose photos go with it; `final`: asked after the commit for
        the text to send instead (None keeps `text`)."""
        self._replies += 1
        key = f"reply:{self.key}:{self._replies}"
        notice = Notice(key, chat_id, text, buttons, product_photos=photos)
        await OutboxRepository(await self.session()).add([notice])
        if final is not None:
            self._finals[key] = final

    async def commit(self) -> None:
        session = await self.session()
        try:
            writes, self._before_commit = self._before_commit, []
            for write in writes:
                await write(session)
            await session.commit()
        except BaseException:
            await self.close()
            raise
        written = take_written(session)
        committed, self._committed = self._committed, []
        callbacks, self._on_commit = self._on_commit, []
        finals, self._finals = self._finals, {}
        self._session = None
        self.memo = {}
        await session.close()
        self._release()
        with self.detached():  # what follows the commit works in transactions of its own
            for callback in callbacks:
                await callback()
            if finals:
                written = [await self._worded(row, finals.get(row.key)) for row in written]
            if self._bus is not None and written:
                keys = tuple(row.key for row in written)
                await self._bus.publish([NoticesWritten(keys, tuple(written))])
            for bus, events in committed:
                if bus is not None:
                    await bus.publish(events)

    async def _worded(self, row: Outgoing, final: Final | None) -> Outgoing:
        """The promised reply with its final text, stored in its outbox row and in the
        chat's message log (what the customer will read); the draft when there is none in
        time, or the row could not be changed."""
        if final is None:
            return row
        try:
            async with asyncio.timeout(FINAL_WITHIN):
                text = await final()
            if not text or text == row.text:
                return row
            async with self._factory() as session:
                if not await OutboxRepository(session).reword(row.id, text):
                    return row  # already on its way
                await MessageRepository(session).reword_last(row.chat_id, row.text, text)
                await session.commit()
        except TimeoutError:
            log.warning("reply %s: no wording within %gs; the draft is sent", row.key, FINAL_WITHIN)
            return row
        except SQLAlchemyError as error:
            log.warning("reply %s: wording not stored (%s); the draft is sent", row.key, error)
            return row
        return replace(row, text=text)

    async def close(self) -> None:
        """Roll back whatever was not committed; safe to call more than once."""
        session, self._session = self._session, None
        self._committed = []
        self._before_commit = []
        self._on_commit = []
        self._finals = {}
        self.memo = {}
        try:
            if session is not None:
                forget_written(session)
                try:
                    await session.rollback()
                finally:
                    await session.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._holds_gate and self._gate is not None:
            self._holds_gate = False
            self._gate.release()
