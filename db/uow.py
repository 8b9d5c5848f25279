"""Unit of work: one session, the repositories over it, rolled back unless committed.

Events emitted during the unit of work are handed to the bus after the commit, never when
it rolls back (`domain.events`).
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
from domain.events import Collector, Event, EventBus


class SqlUnitOfWork:
    products: ProductRepository
    customers: CustomerRepository
    orders: OrderRepository
    messages: MessageRepository
    updates: UpdateRepository
    chats: ChatControlRepository
    jobs: JobRepository
    reports: ReportRepository

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], bus: EventBus | None = None
    ) -> None:
        self._factory = session_factory
        self._session: AsyncSession | None = None
        self._events = Collector(bus)

    async def __aenter__(self) -> SqlUnitOfWork:
        self._session = self._factory()
        self.products = ProductRepository(self._session)
        self.customers = CustomerRepository(self._session)
        self.orders = OrderRepository(self._session)
        self.messages = MessageRepository(self._session)
        self.updates = UpdateRepository(self._session)
        self.chats = ChatControlRepository(self._session)
        self.jobs = JobRepository(self._session)
        self.reports = ReportRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        self._events.drop()
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    def emit(self, event: Event) -> None:
        self._events.emit(event)

    async def commit(self) -> None:
        assert self._session is not None
        await self._session.commit()
        await self._events.committed()

    async def rollback(self) -> None:
        assert self._session is not None
        self._events.drop()
        await self._session.rollback()
