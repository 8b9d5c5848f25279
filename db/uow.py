"""Unit of work: one session, the repositories over it, rolled back unless committed.

Events emitted during the unit of work are handed to the bus after the commit, never when
it rolls back (`domain.events`); the messages they promise are written to the outbox in
the same transaction. Opened while an update is handled, the unit of work joins the
update's transaction (db/scope.py) in a savepoint: its commit is final only when the
update's is — unless it is `apart`: reads that must not begin the update's transaction
(on SQLite that takes the write lock), such as what a model is shown before it is asked.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from db.outbox import (
    OutboxRepository,
    forget_written,
    take_written,
    written_mark,
)
from db.photos import PhotoRepository
from db.reports import ReportRepository
from db.repositories import (
    ChatControlRepository,
    CustomerRepository,
    JobRepository,
    MessageRepository,
    OrderRepository,
    ProductRepository,
    UpdateRepository,
)
from db.scope import UpdateTransaction
from domain.events import Collector, Event, EventBus, NoticesWritten


class SqlUnitOfWork:
    products: ProductRepository
    customers: CustomerRepository
    orders: OrderRepository
    messages: MessageRepository
    photos: PhotoRepository
    updates: UpdateRepository
    chats: ChatControlRepository
    jobs: JobRepository
    reports: ReportRepository
    outbox: OutboxRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bus: EventBus | None = None,
        *,
        apart: bool = False,
    ) -> None:
        self._factory = session_factory
        self._bus = bus
        self._apart = apart
        self._session: AsyncSession | None = None
        self._events = Collector(bus)
        self._scope: UpdateTransaction | None = None
        self._savepoint: AsyncSessionTransaction | None = None
        self._mark = 0  # outbox rows written before our savepoint

    async def __aenter__(self) -> SqlUnitOfWork:
        self._scope = None if self._apart else UpdateTransaction.current()
        if self._scope is not None:
            self._session = await self._scope.session()
            self._mark = written_mark(self._session)
            self._savepoint = await self._session.begin_nested()
        else:
            self._session = self._factory()
        self.products = ProductRepository(self._session)
        self.customers = CustomerRepository(self._session)
        self.orders = OrderRepository(self._session)
        self.messages = MessageRepository(self._session)
        self.photos = PhotoRepository(self._session)
        self.updates = UpdateRepository(self._session)
        self.chats = ChatControlRepository(self._session)
        self.jobs = JobRepository(self._session)
        self.reports = ReportRepository(self._session)
        self.outbox = OutboxRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        self._events.drop()
        session, self._session = self._session, None
        if self._scope is not None:  # the update's session lives on; only ours is undone
            savepoint, self._savepoint = self._savepoint, None
            if savepoint is not None and savepoint.is_active:
                forget_written(session, self._mark)
                await savepoint.rollback()
            return
        try:
            forget_written(session)
            await session.rollback()
        finally:
            await session.close()

    def emit(self, event: Event) -> None:
        self._events.emit(event)

    async def commit(self) -> None:
        assert self._session is not None
        await self.outbox.add(self._events.promised())
        if self._scope is not None:
            assert self._savepoint is not None
            await self._savepoint.commit()
            self._scope.after_commit(self._bus, self._events.take())
            self._mark = written_mark(self._session)
            self._savepoint = await self._session.begin_nested()
            return
        await self._session.commit()
        written = take_written(self._session)
        if self._bus is not None and written:
            keys = tuple(row.key for row in written)
            await self._bus.publish([NoticesWritten(keys, tuple(written))])
        await self._events.committed()

    async def rollback(self) -> None:
        assert self._session is not None
        self._events.drop()
        if self._scope is not None:
            assert self._savepoint is not None
            forget_written(self._session, self._mark)
            await self._savepoint.rollback()
            self._mark = written_mark(self._session)
            self._savepoint = await self._session.begin_nested()
            return
        forget_written(self._session)
        await self._session.rollback()
