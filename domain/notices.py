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
    OrderConfirmed,
    OrderStatusChanged,
    PaymentUpdate,
    ReceiptSent,
)
from domain.model import Notice


def promise_notices(bus: EventBus, owner_ids: tuple[int, ...]) -> None:
    """What each event promises, registered once where the application is assembled."""

    def new_order(event: OrderConfirmed) -> Iterable[Notice]:
        return [
            Notice(
                key=f"order:{event.order_id}:confirmed:owner:{owner_id}",
                chat_id=owner_id,
                text=event.owner_alert,
                buttons=event.buttons,
                relay_chat_id=event.chat_id,
                order_id=event.order_id,
            )
            for owner_id in owner_ids
        ]

    def status_changed(event: OrderStatusChanged) -> Iterable[Notice]:
        return [
            Notice(
                key=f"order:{event.order_id}:{event.status}:customer"
                + (f":{event.detail}" if event.detail else ""),
                chat_id=event.chat_id,
                text=event.customer_notice,
                order_id=event.order_id,
            )
        ]

    def cancelled_by_customer(event: OrderCancelledByCustomer) -> Iterable[Notice]:
        return [
            Notice(
                key=f"order:{event.order_id}:cancelled-by-customer:owner:{owner_id}",
                chat_id=owner_id,
                text=event.owner_alert,
                relay_chat_id=event.chat_id,
                order_id=event.order_id,
            )
            for owner_id in owner_ids
        ]

    def receipt(event: ReceiptSent) -> Iterable[Notice]:
        return [
            Notice(
                key=f"order:{event.order_id}:receipt:{event.photo_key}:owner:{owner_id}",
                chat_id=owner_id,
                text=event.owner_text,
                buttons=event.buttons,
                relay_chat_id=event.chat_id,
                order_id=event.order_id,
                photo=event.photo,
            )
            for owner_id in owner_ids
        ]

    def payment_update(event: PaymentUpdate) -> Iterable[Notice]:
        key = f"order:{event.order_id}:payment:{event.step}"
        notices = []
        if event.customer_text:
            notices.append(
                Notice(
                    f"{key}:customer", event.chat_id, event.customer_text, order_id=event.order_id
                )
            )
        if event.owner_text:
            notices += [
                Notice(
                    f"{key}:owner:{owner_id}",
                    owner_id,
                    event.owner_text,
                    relay_chat_id=event.chat_id,
                    order_id=event.order_id,
                )
                for owner_id in owner_ids
            ]
        return notices

    bus.promise(OrderConfirmed, new_order)
    bus.promise(PaymentUpdate, payment_update)
    bus.promise(ReceiptSent, receipt)
    bus.promise(OrderCancelledByCustomer, cancelled_by_customer)
    bus.promise(OrderStatusChanged, status_changed)


def owners_notice(
    key: str, owner_ids: Iterable[int], text: str, buttons: Buttons = ()
) -> list[Notice]:
    """The same message to every owner, one promise each (`key:owner:ID`)."""
    return [Notice(f"{key}:owner:{owner}", owner, text, buttons) for owner in owner_ids]
