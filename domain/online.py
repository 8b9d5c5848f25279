"""Online payments through a payment-link provider (domain.ports.PaymentLinks; Wompi first).

A confirmed order to be paid by link gets its link after the commit (`send_link`, on the
PaymentRequested event); an order whose link was never made — the process died, the
provider was down — gets it from `sweep`, run at start-up and every minute. The provider's
events (`on_event`) mark the order paid, once: each event is recorded under its id in the
same transaction as its effect, so a redelivered event changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from domain import texts
from domain.events import PaymentRequested, PaymentUpdate
from domain.model import OPEN_STATUSES, Order, OrderStatus, PaymentState
from domain.money import format_cop
from domain.payment import PayKind, PaymentEvent, PaymentLinkError
from domain.ports import PaymentLinks, UnitOfWork

log = logging.getLogger(__name__)


class OnlinePayments:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], links: PaymentLinks, shop_name: str
    ) -> None:
        self._uow = uow_factory
        self.provider = links
        self._shop_name = shop_name
        self._tasks: set[asyncio.Task[bool]] = set()

    async def on_requested(self, event: PaymentRequested) -> None:
        """After the confirmation's commit: the link is made in the background, so the
        customer's confirmation does not wait for the provider."""
        if event.method == PayKind.LINK:
            task = asyncio.create_task(self.send_link(event.order_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for the links being made (a test, a shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def send_link(self, order_id: int) -> bool:
        """Create the order's link and promise it to the customer; False when the provider
        failed (customer and owners are told, the sweep does not try again)."""
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or not _needs_link(order):
            return True
        description = texts.PAY_LINK_DESCRIPTION.format(order_id=order.id, shop=self._shop_name)
        amount = format_cop(order.total_minor)
        try:
            link = await self.provider.create(order.id, order.total_minor, description)
        except PaymentLinkError as error:
            log.warning("no payment link for order %s: %s", order.id, error)
            await self._tell(
                order,
                "link-failed",
                texts.PAY_LINK_FAILED.format(order_id=order.id),
                texts.OWNER_LINK_FAILED.format(order_id=order.id, amount=amount, reason=error),
                ref="-",  # marked: the owners handle it by hand
            )
            return False
        text = texts.PAY_LINK_READY.format(order_id=order.id, amount=amount, url=link.url)
        await self._tell(order, "link", text, ref=link.id)
        return True

    async def sweep(self, confirmed_before: datetime) -> int:
        """Links owed and never made (confirmed before `confirmed_before`); how many sent."""
        async with self._uow() as uow:
            owed = await uow.orders.without_payment_ref(PayKind.LINK, confirmed_before)
        sent = 0
        for order in owed:
            sent += await self.send_link(order.id)
        return sent

    async def on_event(self, event: PaymentEvent) -> str:
        """A provider's verdict on a payment; what was done ("paid", "duplicate"…)."""
        provider = self.provider.name
        async with self._uow() as uow:
            order = await uow.orders.by_payment_ref(event.link_id) if event.link_id else None
            order_id = order.id if order else None
            if not await uow.orders.record_payment_event(
                provider, event.event_id, order_id, event.status
            ):
                return "duplicate"
            outcome = await self._apply(uow, order, event)
            await uow.commit()
        return outcome

    async def _apply(self, uow: UnitOfWork, order: Order | None, event: PaymentEvent) -> str:
        if order is None:
            log.warning("%s event %s names no order", self.provider.name, event.event_id)
            return "unknown"
        n, amount = order.id, format_cop(order.total_minor)
        step = f"{event.status}:{event.event_id}"
        if event.status == PaymentEvent.FAILED:
            text = texts.PAY_LINK_DECLINED.format(order_id=n)
            uow.emit(PaymentUpdate(n, order.chat_id, step, customer_text=text))
            return "failed"
        if event.status != PaymentEvent.PAID:
            return "pending"
        if event.amount_minor != order.total_minor:
            paid = format_cop(event.amount_minor)
            owners = texts.OWNER_PAID_WRONG_AMOUNT.format(order_id=n, paid=paid, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, owner_text=owners))
            return "amount"
        paid_order = await uow.orders.set_payment(n, PaymentState.PENDING, PaymentState.PAID)
        if paid_order is None:
            return "already"
        if order.status == OrderStatus.CANCELLED:  # cancelled before the money came in
            await uow.orders.set_payment(n, PaymentState.PAID, PaymentState.REFUNDED)
            owners = texts.OWNER_REFUND_DUE.format(order_id=n, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, owner_text=owners))
            return "refund"
        customer = texts.PAYMENT_RECEIVED_CUSTOMER.format(order_id=n, amount=amount)
        method = event.method or self.provider.name
        owners = texts.OWNER_PAID_BY_PROVIDER.format(order_id=n, amount=amount, method=method)
        uow.emit(PaymentUpdate(n, order.chat_id, step, customer, owners))
        return "paid"

    async def _tell(
        self, order: Order, step: str, customer: str, owners: str = "", *, ref: str
    ) -> None:
        async with self._uow() as uow:
            if not await uow.orders.set_payment_ref(order.id, ref):
                return  # another process made it first
            await uow.messages.add(order.chat_id, "out", customer, intent="payment")
            uow.emit(PaymentUpdate(order.id, order.chat_id, step, customer, owners))
            await uow.commit()


def _needs_link(order: Order) -> bool:
    return (
        order.payment_method == PayKind.LINK
        and order.payment_state == PaymentState.PENDING
        and not order.payment_ref
        and order.status != OrderStatus.CANCELLED
        and order.status in OPEN_STATUSES
    )
