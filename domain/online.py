"""Online payments: a payment-link provider (domain.ports.PaymentLinks; Wompi first) and
Telegram Payments (the invoice itself is sent by bot/payments.py).

A confirmed order to be paid by link gets its link after the commit (`send_link`, on the
PaymentRequested event); an order whose link was never made — the process died, the
provider was down — gets it from `sweep`, run at start-up and every minute. The providers'
verdicts (`on_event`) mark the order paid, once: each event is recorded under its id in the
same transaction as its effect, so a redelivered event changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime

from domain import texts
from domain.events import (
    EventBus,
    OrderCancelledByCustomer,
    OrderStatusChanged,
    PaymentRequested,
    PaymentUpdate,
)
from domain.model import OPEN_STATUSES, Order, OrderStatus, PaymentState
from domain.money import format_cop
from domain.payment import PayKind, PaymentEvent, PaymentLinkError
from domain.ports import PaymentLinks, UnitOfWork

log = logging.getLogger(__name__)


class OnlinePayments:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        shop_name: str,
        links: PaymentLinks | None = None,
    ) -> None:
        self._uow = uow_factory
        self.provider = links
        self._shop_name = shop_name
        self.background = Background()

    async def on_requested(self, event: PaymentRequested) -> None:
        """After the confirmation's commit: the link is made in the background, so the
        customer's confirmation does not wait for the provider."""
        if event.method == PayKind.LINK and self.provider is not None:
            self.background.start(self.send_link(event.order_id))

    async def on_cancelled(self, event: OrderStatusChanged | OrderCancelledByCustomer) -> None:
        """A cancelled order's link is switched off, so nobody pays for it afterwards (a
        payment that still comes in is marked to refund)."""
        if isinstance(event, OrderStatusChanged) and event.status != OrderStatus.CANCELLED:
            return
        if self.provider is not None:
            self.background.start(self._deactivate(event.order_id))

    async def _deactivate(self, order_id: int) -> None:
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or order.payment_method != PayKind.LINK or len(order.payment_ref) < 2:
            return
        assert self.provider is not None
        try:
            await self.provider.deactivate(order.payment_ref)
        except PaymentLinkError as error:
            log.warning("link of cancelled order %s still active: %s", order_id, error)

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(PaymentRequested, self.on_requested)
        bus.subscribe(OrderStatusChanged, self.on_cancelled)
        bus.subscribe(OrderCancelledByCustomer, self.on_cancelled)

    async def send_link(self, order_id: int) -> bool:
        """Create the order's link and promise it to the customer; False when the provider
        failed (customer and owners are told, the sweep does not try again)."""
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or self.provider is None or not _unsent(order, PayKind.LINK):
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
        if self.provider is None:
            return 0
        async with self._uow() as uow:
            owed = await uow.orders.without_payment_ref(PayKind.LINK, confirmed_before)
        sent = 0
        for order in owed:
            sent += await self.send_link(order.id)
        return sent

    async def on_event(self, event: PaymentEvent, provider: str) -> str:
        """A provider's verdict on a payment; what was done ("paid", "duplicate"…)."""
        async with self._uow() as uow:
            order = await _order_paid_by(uow, event.link_id)
            order_id = order.id if order else None
            if not await uow.orders.record_payment_event(
                provider, event.event_id, order_id, event.status
            ):
                return "duplicate"
            outcome = await self._apply(uow, order, event, provider)
            await uow.commit()
        return outcome

    async def _apply(
        self, uow: UnitOfWork, order: Order | None, event: PaymentEvent, provider: str
    ) -> str:
        if order is None:
            log.warning("%s event %s names no order", provider, event.event_id)
            return "unknown"
        n, amount = order.id, format_cop(order.total_minor)
        step = f"{event.status}:{event.event_id}"
        if event.status == PaymentEvent.FAILED:
            text = texts.PAY_LINK_DECLINED.format(order_id=n)
            uow.emit(PaymentUpdate(n, order.chat_id, step, customer_text=text))
            return "failed"
        if event.status == PaymentEvent.VOIDED:  # an approved payment annulled afterwards
            if await uow.orders.set_payment(n, PaymentState.PAID, PaymentState.PENDING) is None:
                return "voided"
            customer = texts.PAY_VOIDED_CUSTOMER.format(order_id=n)
            owners = texts.OWNER_PAYMENT_VOIDED.format(order_id=n, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, customer, owners))
            return "voided"
        if event.status != PaymentEvent.PAID:
            return "pending"
        if event.amount_minor != order.total_minor:
            paid = format_cop(event.amount_minor)
            owners = texts.OWNER_PAID_WRONG_AMOUNT.format(order_id=n, paid=paid, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, owner_text=owners))
            return "amount"
        paid_order = await uow.orders.set_payment(n, PaymentState.PENDING, PaymentState.PAID)
        if paid_order is None:  # a second payment of a paid order: the money goes back
            owners = texts.OWNER_PAID_TWICE.format(order_id=n, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, owner_text=owners))
            return "twice"
        if paid_order.status == OrderStatus.CANCELLED:  # cancelled before the money came in
            await uow.orders.set_payment(n, PaymentState.PAID, PaymentState.REFUNDED)
            customer = texts.PAY_AFTER_CANCEL_CUSTOMER.format(order_id=n, amount=amount)
            owners = texts.OWNER_REFUND_DUE.format(order_id=n, amount=amount)
            uow.emit(PaymentUpdate(n, order.chat_id, step, customer, owners))
            return "refund"
        customer = texts.PAYMENT_RECEIVED_CUSTOMER.format(order_id=n, amount=amount)
        method = event.method or provider
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

    # --- Telegram Payments (the invoice is sent by the bot layer)

    async def unsent_invoices(self, confirmed_before: datetime) -> list[Order]:
        async with self._uow() as uow:
            return await uow.orders.without_payment_ref(PayKind.TELEGRAM, confirmed_before)

    async def invoice_to_send(self, order_id: int) -> Invoice | None:
        """The invoice an order paid in Telegram still needs; None when it has one."""
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or not _unsent(order, PayKind.TELEGRAM):
            return None
        return invoice_for(order, self._shop_name)

    async def invoice_refused(self, invoice: Invoice, reason: str) -> None:
        """Telegram will not take the invoice: customer and owners are told (once)."""
        async with self._uow() as uow:
            order = await uow.orders.get(invoice.order_id)
        if order is None:
            return
        amount = format_cop(order.total_minor)
        await self._tell(
            order,
            "invoice-failed",
            texts.PAY_INVOICE_FAILED.format(order_id=order.id),
            texts.OWNER_INVOICE_FAILED.format(order_id=order.id, amount=amount, reason=reason),
            ref="-",  # the owners handle it by hand
        )

    async def invoice_sent(self, invoice: Invoice) -> None:
        async with self._uow() as uow:
            await uow.orders.set_payment_ref(invoice.order_id, invoice.payload)
            await uow.commit()

    async def checkout_problem(self, payload: str, currency: str, amount: int) -> str | None:
        """Telegram asks before charging: None to go ahead, else why not (in Spanish). The
        order's units were taken when it was confirmed; they are still held only while the
        order is open — a cancelled order is never charged."""
        async with self._uow() as uow:
            order = await _order_paid_by(uow, payload)
        if order is None:
            return texts.PAY_CHECKOUT_UNKNOWN
        if order.status == OrderStatus.CANCELLED:
            return texts.PAY_CHECKOUT_CANCELLED.format(order_id=order.id)
        if order.payment_state != PaymentState.PENDING:
            return texts.PAY_CHECKOUT_PAID.format(order_id=order.id)
        if currency != CURRENCY or amount != order.total_minor:
            return texts.PAY_CHECKOUT_CHANGED.format(order_id=order.id)
        return None


CURRENCY = "COP"
INVOICE_PAYLOAD_RE = re.compile(r"tg-(\d{1,12})")


async def _order_paid_by(uow: UnitOfWork, ref: str) -> Order | None:
    """The order a link id or an invoice payload pays. An invoice whose sending timed out
    may be paid before its payload was stored: "tg-<id>" names its order anyway."""
    if not ref:
        return None
    order = await uow.orders.by_payment_ref(ref)
    invoice = INVOICE_PAYLOAD_RE.fullmatch(ref)
    if order is None and invoice is not None:
        order = await uow.orders.get(int(invoice.group(1)))
        if order is not None and order.payment_method != PayKind.TELEGRAM:
            return None
    return order


class Background:
    """Work started after a commit that nobody waits for (the sweeps redo what a crash
    loses); kept referenced until done, and awaitable by a test or a shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def start(self, work: Coroutine[object, object, object]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass(frozen=True)
class Invoice:
    """A Telegram invoice for one order: amounts in centavos (COP's minor unit there)."""

    order_id: int
    chat_id: int
    title: str
    description: str
    payload: str  # stored as the order's payment_ref once sent
    prices: tuple[tuple[str, int], ...]


def invoice_for(order: Order, shop_name: str) -> Invoice:
    items = ", ".join(f"{line.quantity} × {line.name}" for line in order.lines)
    description = texts.PAY_INVOICE_DESCRIPTION.format(shop=shop_name, items=items)
    prices = [(texts.PAY_INVOICE_PRODUCTS, order.lines_total_minor)]
    if order.discount_minor:  # the Bot API's price breakdown takes a discount as negative
        prices.append((texts.PAY_INVOICE_DISCOUNT, -order.discount_minor))
    if order.delivery_fee_minor:
        prices.append((texts.PAY_INVOICE_DELIVERY, order.delivery_fee_minor))
    return Invoice(
        order_id=order.id,
        chat_id=order.chat_id,
        title=texts.PAY_INVOICE_TITLE.format(order_id=order.id)[:32],
        description=description if len(description) <= 255 else description[:254] + "…",
        payload=f"tg-{order.id}",
        prices=tuple(prices),
    )


def _unsent(order: Order, kind: PayKind) -> bool:
    """Paid by `kind`, still pending, and its link or invoice not made yet."""
    return (
        order.payment_method == kind
        and order.payment_state == PaymentState.PENDING
        and not order.payment_ref
        and order.status in OPEN_STATUSES
    )
