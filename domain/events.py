"""Domain events: facts a unit of work collects and a bus hands out after it commits.

A service says what happened (`uow.emit(OrderConfirmed(...))`); what follows from it — the
search index catching up, the owners' alert, the low-stock check, the customer's notice —
is subscribed once, where the application is assembled, instead of being called by every
service that might cause it. Nothing is handed out when the transaction rolls back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened; handled after the commit that made it true."""


@dataclass(frozen=True)
class ProductsChanged(Event):
    """Stock, price, name or visibility changed: the search index must follow."""

    product_ids: tuple[int, ...]


@dataclass(frozen=True)
class OrderConfirmed(Event):
    """A customer confirmed an order; the alert is written as the owners will read it."""

    order_id: int
    chat_id: int
    owner_alert: str


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    """The shop moved an order on (delivered, cancelled); the customer is told."""

    order_id: int
    chat_id: int
    status: str
    customer_notice: str


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], Awaitable[None]]


class EventBus:
    """Who reacts to which event. Handlers run in subscription order, one event at a time."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)

    def subscribe(self, kind: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[kind].append(handler)

    async def publish(self, events: Iterable[Event]) -> None:
        """Run every handler of every event. The change is already committed, so a failing
        handler is logged with its traceback and the others still run."""
        for event in events:
            for handler in self._handlers.get(type(event), ()):
                try:
                    await handler(event)
                except Exception:  # noqa: BLE001 - logged loudly; one effect must not stop the rest
                    log.exception("handling %s failed in %s", type(event).__name__, handler)


class Collector:
    """The events of one unit of work: kept until commit, dropped on rollback."""

    def __init__(self, bus: EventBus | None) -> None:
        self._bus = bus
        self._pending: list[Event] = []

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    def drop(self) -> None:
        self._pending.clear()

    async def committed(self) -> None:
        events, self._pending = self._pending, []
        if self._bus is not None and events:
            await self._bus.publish(events)
