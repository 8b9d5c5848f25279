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
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from domain.button import Buttons
    from domain.model import Notice

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
    """A customer confirmed an order; the alert is written as the owners will read it, with
    their buttons for it."""

    order_id: int
    chat_id: int
    owner_alert: str
    buttons: Buttons = ()


@dataclass(frozen=True)
class PaymentRequested(Event):
    """An order to be paid online (a payment link, a Telegram invoice): after the commit the
    link is created or the invoice sent (bot/payments.py)."""

    order_id: int
    chat_id: int
    method: str
    amount_minor: int


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    """The shop moved an order on (or its payment); the customer is told. `detail` tells
    two notices of one status apart (a tracking number sent after the order shipped)."""

    order_id: int
    chat_id: int
    status: str
    customer_notice: str
    detail: str = ""


@dataclass(frozen=True)
class OrderCancelledByCustomer(Event):
    """A customer cancelled their own confirmed order; the owners are told."""

    order_id: int
    chat_id: int
    owner_alert: str


@dataclass(frozen=True)
class OrderChangedByCustomer(Event):
    """A customer changed something of their confirmed order (its address) before it left;
    the owners are told. `change` names the change once."""

    order_id: int
    chat_id: int
    change: str
    owner_alert: str


@dataclass(frozen=True)
class PaymentUpdate(Event):
    """Something about an order's online payment (its link, a provider's verdict) that the
    customer and/or the owners are told; `step` names it once ("link", "paid:<event>")."""

    order_id: int
    chat_id: int
    step: str
    customer_text: str = ""
    owner_text: str = ""


@dataclass(frozen=True)
class PersonAsked(Event):
    """A customer asked to talk to a person of the shop; the owners are told, and an owner's
    reply to that message reaches the customer. `asked_at` names the request once."""

    chat_id: int
    owner_alert: str
    asked_at: str


@dataclass(frozen=True)
class ReceiptSent(Event):
    """A customer sent a photo of a payment receipt for an order awaiting payment; the owners
    get it with the order number and the "✅ Pago recibido" button."""

    order_id: int
    chat_id: int
    photo: str  # the Telegram file_id
    photo_key: str  # the file's unique id: one forward per receipt
    owner_text: str
    buttons: Buttons = ()


@dataclass(frozen=True)
class NoticesWritten(Event):
    """Promised messages were committed to the outbox: send them now (their keys, and the
    rows as written, so that the sender need not read them back)."""

    keys: tuple[str, ...]
    rows: tuple[Any, ...] = ()


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], Awaitable[None]]
Promise = Callable[[Any], "Iterable[Notice]"]


class EventBus:
    """Who reacts to which event. Handlers run in subscription order, one event at a time."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self._promises: dict[type[Event], list[Promise]] = defaultdict(list)

    def subscribe(self, kind: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        """`handler` runs after the commit that made the event true."""
        self._handlers[kind].append(handler)

    def promise(self, kind: type[E], notices: Callable[[E], Iterable[Notice]]) -> None:
        """The messages an event promises: written in the event's own transaction."""
        self._promises[kind].append(notices)

    def promised(self, events: Iterable[Event]) -> list[Notice]:
        return [
            notice
            for event in events
            for promise in self._promises.get(type(event), ())
            for notice in promise(event)
        ]

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

    def promised(self) -> list[Notice]:
        """The messages the pending events promise (to write before the commit)."""
        return self._bus.promised(self._pending) if self._bus is not None else []

    def take(self) -> list[Event]:
        events, self._pending = self._pending, []
        return events

    async def committed(self) -> None:
        events = self.take()
        if self._bus is not None and events:
            await self._bus.publish(events)
