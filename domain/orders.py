"""An order's life after the customer confirms it, moved on by the owners' buttons.

confirmed → being prepared → shipped (carrier, tracking) or ready for pickup → delivered;
cancelled at any point before delivery (by the customer only until it ships). The payment
runs alongside: pending → paid (an owner's "✅ Pago recibido", a provider's event, cash at
delivery) → refunded when a paid order is cancelled. Every move is one conditional UPDATE
(two presses move it once) and promises the customer a notice through the outbox.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain import texts
from domain.button import Button, Buttons
from domain.delivery import Method
from domain.events import OrderStatusChanged, ProductsChanged
from domain.exceptions import DomainError
from domain.model import OPEN_STATUSES, Order, OrderStatus, PaymentState, ProductChange
from domain.money import format_cop
from domain.payment import BY_HAND, PayKind, state_line
from domain.ports import UnitOfWork

# Until it ships the customer may cancel it themselves; after that they call the shop.
CUSTOMER_MAY_CANCEL = (OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.READY)


class UnknownOrder(DomainError):
    def __init__(self, order_id: int) -> None:
        super().__init__(texts.OWNER_UNKNOWN_ORDER.format(order_id=order_id))


class OrderAction:
    """Callback data of the order buttons: `ord:<action>:<order id>`."""

    PREFIX = "ord"
    PREPARE = "prep"
    SHIP = "ship"
    READY = "ready"
    DELIVER = "deliver"
    PAID = "paid"
    ASK_CANCEL = "cancel"
    CANCEL = "cancel!"
    KEEP = "keep"

    @classmethod
    def data(cls, action: str, order_id: int) -> str:
        return f"{cls.PREFIX}:{action}:{order_id}"

    @classmethod
    def parse(cls, data: str) -> tuple[str, int] | None:
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or not re.fullmatch(r"\d{1,12}", parts[2]):
            return None
        return parts[1], int(parts[2])


@dataclass(frozen=True)
class Move:
    """What a button does: from which statuses to which."""

    to: OrderStatus
    sources: tuple[OrderStatus, ...]
    label: str


MOVES = {
    OrderAction.PREPARE: Move(
        OrderStatus.PREPARING, (OrderStatus.CONFIRMED,), texts.OWNER_BUTTON_PREPARING
    ),
    OrderAction.SHIP: Move(
        OrderStatus.SHIPPED,
        (OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.SHIPPED),
        texts.OWNER_BUTTON_SHIPPED,
    ),
    OrderAction.READY: Move(
        OrderStatus.READY, (OrderStatus.CONFIRMED, OrderStatus.PREPARING), texts.OWNER_BUTTON_READY
    ),
    OrderAction.DELIVER: Move(OrderStatus.DELIVERED, OPEN_STATUSES, texts.OWNER_BUTTON_DELIVERED),
    # The owner any time before delivery; a shipped order's units come back with the carrier.
    OrderAction.CANCEL: Move(OrderStatus.CANCELLED, OPEN_STATUSES, texts.OWNER_BUTTON_CANCEL),
}


def awaits_payment(order: Order) -> bool:
    """A payment an owner confirms by hand (a transfer) not yet received. Cash is paid on
    delivery; links and Telegram are confirmed by their provider."""
    return order.payment_state == PaymentState.PENDING and order.payment_method in BY_HAND


def order_buttons(order: Order) -> Buttons:
    """The owner's next moves for this order, as it is now (a transfer not yet received
    keeps its "✅ Pago recibido" even once delivered on trust)."""

    def button(action: str, label: str | None = None) -> Button:
        text = (label or MOVES[action].label).format(order_id=order.id)
        return Button(text, OrderAction.data(action, order.id))

    if order.status not in OPEN_STATUSES:
        delivered_unpaid = order.status == OrderStatus.DELIVERED and awaits_payment(order)
        return ((paid_button(order.id),),) if delivered_unpaid else ()
    pickup = order.delivery_method == Method.PICKUP
    onward = {
        OrderStatus.CONFIRMED: (OrderAction.PREPARE, OrderAction.DELIVER),
        OrderStatus.PREPARING: (OrderAction.READY if pickup else OrderAction.SHIP,),
        OrderStatus.SHIPPED: (OrderAction.DELIVER,),
        OrderStatus.READY: (OrderAction.DELIVER,),
    }[order.status]
    rows: list[tuple[Button, ...]] = [tuple(button(action) for action in onward)]
    if awaits_payment(order):
        rows.append((paid_button(order.id),))
    rows.append((button(OrderAction.ASK_CANCEL, texts.OWNER_BUTTON_CANCEL),))
    return tuple(rows)


def cancel_buttons(order_id: int) -> Buttons:
    return (
        (
            Button(texts.OWNER_BUTTON_CANCEL_YES, OrderAction.data(OrderAction.CANCEL, order_id)),
            Button(texts.OWNER_BUTTON_KEEP, OrderAction.data(OrderAction.KEEP, order_id)),
        ),
    )


@dataclass(frozen=True)
class Outcome:
    """What the owner is told, and the order as it is now (for its buttons)."""

    text: str
    order: Order


class OrderLife:
    """Moves orders on for the owners (and payment providers); texts in Spanish."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], shop_name: str, pickup: str):
        self._uow = uow_factory
        self._shop_name = shop_name
        self._pickup = pickup

    async def get(self, order_id: int) -> Order:
        async with self._uow() as uow:
            return await _confirmed(uow, order_id)

    async def advance(self, order_id: int, action: str, **details: str) -> Outcome:
        """Move the order as `action` says (MOVES); unchanged when it is no longer where the
        button was shown (another owner, a double press, the customer cancelled)."""
        move = MOVES[action]
        async with self._uow() as uow:
            moved = await uow.orders.move(order_id, move.sources, move.to, **details)
            if moved is None:
                return await self._unchanged(uow, order_id)
            notice = self._customer_notice(moved)
            if move.to == OrderStatus.CANCELLED:
                moved, refund = await cancelled(uow, moved, texts.AUDIT_BY_SHOP)
                notice += refund
            elif move.to == OrderStatus.DELIVERED and moved.payment_method == PayKind.CASH:
                moved = (
                    await uow.orders.set_payment(order_id, PaymentState.PENDING, PaymentState.PAID)
                    or moved
                )
            await uow.messages.add(moved.chat_id, "out", notice, intent="owner")
            detail = details.get("tracking", "")
            uow.emit(OrderStatusChanged(order_id, moved.chat_id, moved.status, notice, detail))
            await uow.commit()
        return Outcome(self._owner_text(moved), moved)

    async def mark_paid(self, order_id: int, ref: str | None = None) -> Outcome:
        """ "✅ Pago recibido": pending → paid, once; the customer is told. Money for an
        order cancelled meanwhile is marked to refund, and both sides are told so."""
        async with self._uow() as uow:
            paid = await uow.orders.set_payment(
                order_id, PaymentState.PENDING, PaymentState.PAID, ref
            )
            if paid is None:
                order = await _confirmed(uow, order_id)
                return Outcome(texts.OWNER_ALREADY_PAID.format(order_id=order_id), order)
            amount = format_cop(paid.total_minor)
            if paid.status == OrderStatus.CANCELLED:
                refunded = await uow.orders.set_payment(
                    order_id, PaymentState.PAID, PaymentState.REFUNDED
                )
                paid = refunded or paid
                notice = texts.PAY_AFTER_CANCEL_CUSTOMER.format(order_id=order_id, amount=amount)
                owner = texts.OWNER_REFUND_DUE.format(order_id=order_id, amount=amount)
            else:
                notice = texts.PAYMENT_RECEIVED_CUSTOMER.format(order_id=order_id, amount=amount)
                owner = texts.OWNER_PAID.format(order_id=order_id, amount=amount)
            await uow.messages.add(paid.chat_id, "out", notice, intent="owner")
            uow.emit(OrderStatusChanged(order_id, paid.chat_id, PaymentState.PAID, notice))
            await uow.commit()
        return Outcome(owner, paid)

    async def _unchanged(self, uow: UnitOfWork, order_id: int) -> Outcome:
        order = await _confirmed(uow, order_id)
        status = texts.ORDER_STATUS[order.status]
        return Outcome(texts.OWNER_ORDER_ALREADY.format(order_id=order_id, status=status), order)

    def _customer_notice(self, order: Order) -> str:
        n = order.id
        match order.status:
            case OrderStatus.PREPARING:
                return texts.CUSTOMER_ORDER_PREPARING.format(order_id=n)
            case OrderStatus.SHIPPED:
                return texts.CUSTOMER_ORDER_SHIPPED.format(order_id=n) + shipping_details(order)
            case OrderStatus.READY:
                due = ""
                if order.payment_state == PaymentState.PENDING and order.payment_method in (
                    PayKind.CASH,
                    "",
                ):
                    due = texts.CUSTOMER_PAY_AT_PICKUP.format(amount=format_cop(order.total_minor))
                return texts.CUSTOMER_ORDER_READY.format(order_id=n, pickup=self._pickup) + due
            case OrderStatus.DELIVERED:
                return texts.CUSTOMER_ORDER_DELIVERED.format(order_id=n, shop=self._shop_name)
        return texts.CUSTOMER_ORDER_CANCELLED.format(order_id=n)

    @staticmethod
    def _owner_text(order: Order) -> str:
        n = order.id
        match order.status:
            case OrderStatus.CANCELLED:
                units = sum(line.quantity for line in order.lines)
                text = texts.OWNER_ORDER_CANCELLED.format(order_id=n, units=units)
                if order.payment_state == PaymentState.REFUNDED:
                    amount = format_cop(order.total_minor)
                    text += "\n" + texts.OWNER_REFUND_DUE.format(order_id=n, amount=amount)
                return text
            case OrderStatus.SHIPPED if not order.tracking:
                return texts.OWNER_ORDER_SHIPPED_NO_TRACKING.format(order_id=n)
            case OrderStatus.DELIVERED:
                return texts.OWNER_ORDER_DELIVERED.format(order_id=n)
        status = texts.ORDER_STATUS[order.status]
        return texts.OWNER_ORDER_MOVED.format(order_id=n, status=status)


async def _confirmed(uow: UnitOfWork, order_id: int) -> Order:
    """The order `order_id` as it is now; UnknownOrder for a cart or no order at all."""
    order = await uow.orders.get(order_id)
    if order is None or order.status == OrderStatus.CART:
        raise UnknownOrder(order_id)
    return order


def paid_button(order_id: int) -> Button:
    """ "✅ Pago recibido #N": in the order's buttons and on a customer's receipt."""
    label = texts.OWNER_BUTTON_PAID.format(order_id=order_id)
    return Button(label, OrderAction.data(OrderAction.PAID, order_id))


async def cancelled(uow: UnitOfWork, order: Order, actor: str) -> tuple[Order, str]:
    """What a cancel does besides the status (in its transaction): the units go back, a paid
    order is marked to refund. The order as it is now, and what to add to the customer's
    notice."""
    source = texts.AUDIT_CANCELLED.format(order_id=order.id)
    for line in sorted(order.lines, key=lambda line: line.product_id):  # as they were taken
        await uow.products.return_stock(line.product_id, line.quantity)
    await uow.products.record_changes(
        ProductChange(line.product_id, "stock", "", f"+{line.quantity}", actor, source)
        for line in order.lines
    )
    uow.emit(ProductsChanged(tuple(line.product_id for line in order.lines)))
    refunded = await uow.orders.set_payment(order.id, PaymentState.PAID, PaymentState.REFUNDED)
    if refunded is None:
        return order, ""
    amount = format_cop(refunded.total_minor)
    return refunded, "\n" + texts.PAYMENT_REFUND_CUSTOMER.format(order_id=order.id, amount=amount)


def shipping_details(order: Order) -> str:
    if not order.tracking:
        return ""
    carrier = order.shipped_with or texts.CARRIER_DEFAULT
    return texts.CUSTOMER_TRACKING.format(carrier=carrier, tracking=order.tracking)


def order_state(order: Order) -> str:
    """ "confirmado · Nequi · pendiente de pago" for lists."""
    status = texts.ORDER_STATUS[order.status]
    payment = state_line(order.payment_method, order.payment_state)
    return f"{status} · {payment}" if payment and order.status in OPEN_STATUSES else status


TRACKING_RE = re.compile(r"^\s*#?(\d{1,12})\s+(.+?)\s+([A-Za-z0-9-]{4,40})\s*$")


def parse_tracking(args: str) -> tuple[int, str, str]:
    """ "/guia 12 Servientrega 700012345678": the order, the carrier, the tracking number."""
    match = TRACKING_RE.match(args)
    if match is None:
        raise DomainError(texts.OWNER_USAGE_TRACKING)
    return int(match.group(1)), match.group(2).strip()[:80], match.group(3)
