"""Messages a state change promises, written with the change and sent by the outbox.

A confirmed order promises the owners an alert; a delivered or cancelled order promises the
customer a notice. Each promise is a `Notice` with a key that names it once and for all
(`order:12:confirmed:owner:77`): the unit of work writes it in the same transaction as the
change, so a crash either loses both or neither, and writing the same key twice keeps one.
Sending, retrying and recording the outcome is the outbox sender's job (bot/outbox.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.button import Buttons
from domain.events import (
    EventBus,
    OrderCancelledByCustomer,
    OrderChangedByCustomer,
    OrderConfirmed,
    OrderStatusChanged,
    PaymentUpdate,
    PersonAsked,
    ReceiptSent,
)
from domain.model import Notice


def promise_notices(bus: EventBus, owner_ids: tuple[int, ...]) -> None:
    """What each event promises, registered once where the application is assembled."""

    def about_order(
        key: str, order_id: int, chat_id: int, text: str, buttons: Buttons = (), photo: str = ""
    ) -> list[Notice]:
        """One per owner (`key:owner:ID`); an owner's reply reaches the order's customer."""
        return [
            Notice(f"{key}:owner:{owner}", owner, text, buttons, chat_id, order_id, photo)
            for owner in owner_ids
        ]

    def to_customer(key: str, order_id: int, chat_id: int, text: str) -> list[Notice]:
        return [Notice(f"{key}:customer", chat_id, text, order_id=order_id)]

    def new_order(event: OrderConfirmed) -> Iterable[Notice]:
        key = f"order:{event.order_id}:confirmed"
        return about_order(key, event.order_id, event.chat_id, event.owner_alert, event.buttons)

    def status_changed(event: OrderStatusChanged) -> Iterable[Notice]:
        key = f"order:{event.order_id}:{event.status}"
        if event.detail:  # a second notice of the same status (a tracking number)
            key += f":{event.detail}"
        return to_customer(key, event.order_id, event.chat_id, event.customer_notice)

    def cancelled_by_customer(event: OrderCancelledByCustomer) -> Iterable[Notice]:
        key = f"order:{event.order_id}:cancelled-by-customer"
        return about_order(key, event.order_id, event.chat_id, event.owner_alert)

    def changed_by_customer(event: OrderChangedByCustomer) -> Iterable[Notice]:
        key = f"order:{event.order_id}:changed:{event.change}"
        return about_order(key, event.order_id, event.chat_id, event.owner_alert)

    def receipt(event: ReceiptSent) -> Iterable[Notice]:
        key = f"order:{event.order_id}:receipt:{event.photo_key}"
        text, photo = event.owner_text, event.photo
        return about_order(key, event.order_id, event.chat_id, text, event.buttons, photo)

    def payment_update(event: PaymentUpdate) -> Iterable[Notice]:
        key, n, chat = f"order:{event.order_id}:payment:{event.step}", event.order_id, event.chat_id
        notices = to_customer(key, n, chat, event.customer_text) if event.customer_text else []
        return notices + (about_order(key, n, chat, event.owner_text) if event.owner_text else [])

    def person_asked(event: PersonAsked) -> Iterable[Notice]:
        key = f"person:{event.chat_id}:{event.asked_at}"
        return [
            Notice(f"{key}:owner:{owner}", owner, event.owner_alert, relay_chat_id=event.chat_id)
            for owner in owner_ids
        ]

    bus.promise(OrderConfirmed, new_order)
    bus.promise(PersonAsked, person_asked)
    bus.promise(PaymentUpdate, payment_update)
    bus.promise(ReceiptSent, receipt)
    bus.promise(OrderCancelledByCustomer, cancelled_by_customer)
    bus.promise(OrderChangedByCustomer, changed_by_customer)
    bus.promise(OrderStatusChanged, status_changed)


def owners_notice(
    key: str, owner_ids: Iterable[int], text: str, buttons: Buttons = ()
) -> list[Notice]:
    """The same message to every owner, one promise each (`key:owner:ID`)."""
    return [Notice(f"{key}:owner:{owner}", owner, text, buttons) for owner in owner_ids]
