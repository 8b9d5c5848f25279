"""Confirming an order: every line's stock taken in one transaction, or nothing at all."""

from __future__ import annotations

from dataclasses import replace

from domain import texts
from domain.conversation import billing, checkout, paying
from domain.conversation.delivering import quote_for
from domain.conversation.memory import Contact, Memory
from domain.conversation.rendering import confirmed_lines
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import ChatRef, Step, Turn, cart_stamp
from domain.delivery import Method
from domain.events import OrderConfirmed, PaymentRequested, ProductsChanged
from domain.model import OPEN_STATUSES, Customer, Order, PaymentLine, PaymentState, ProductChange
from domain.money import format_cop
from domain.orders import order_buttons
from domain.payment import ONLINE
from domain.ports import UnitOfWork
from domain.pricing import VolumeDiscounts


async def confirm(front: Shopfront, uow: UnitOfWork, turn: Turn, shown: str | None = None) -> None:
    """Take stock for every line in one transaction, or nothing at all.

    `shown`: the stamp of the cart the pressed button's summary showed (typed "confirmo"
    has none: it answers the latest summary); another cart is shown again, not confirmed.
    The cart is locked first (a second confirmation waits, then finds it confirmed) and the
    stock is taken in product order (two carts with the same products never wait on each
    other in a circle).
    """
    locked = await uow.orders.lock_cart(turn.chat.chat_id)
    cart = await uow.orders.get_cart(turn.chat.chat_id) if locked else None
    if not cart or not cart.lines:
        await already_confirmed(uow, turn)
        return
    refreshed, changed = await checkout.refresh_cart(uow, turn)
    quote = quote_for(front, turn, cart)
    method = paying.chosen(front, turn)
    invoice = billing.stamp(front, turn) or ""
    priced = turn.discounts.applied(cart)
    stamp = cart_stamp(priced, quote, turn.memory.payment or "", invoice)
    if not changed and shown is not None and shown != stamp:
        turn.say(texts.CART_CHANGED_SINCE)
        await checkout.summary(front, uow, turn)
        return
    if changed or refreshed is None:
        # The customer confirms what they see: nothing is taken before a new look.
        if not refreshed or not refreshed.lines:
            await uow.orders.discard_cart(turn.chat.chat_id)
            turn.say(texts.CART_NOW_EMPTY)
            turn.step = Step.BROWSING
            return
        turn.say(texts.NOTHING_CONFIRMED)
        await checkout.summary(front, uow, turn)
        return
    for line in sorted(cart.lines, key=lambda line: line.product_id):
        if not await uow.products.take_stock(line.product_id, line.quantity):
            await uow.rollback()
            await _stock_changed(front, uow, turn, line.product_id)
            return
    customer = await _customer(uow, turn)
    payment = PaymentLine(method.kind, PaymentState.PENDING)
    billed = turn.memory.invoice if invoice else None
    discounts = {line.product_id: line.discount_minor for line in priced.lines}
    order = await uow.orders.confirm(cart.id, customer, quote.line(), payment, billed, discounts)
    uow.emit(ProductsChanged(tuple(line.product_id for line in order.lines)))
    actor = texts.AUDIT_BY_CUSTOMER.format(chat_id=turn.chat.chat_id)
    sold = texts.AUDIT_SOLD.format(order_id=order.id)
    await uow.products.record_changes(
        ProductChange(line.product_id, "stock", "", f"-{line.quantity}", actor, sold)
        for line in order.lines
    )
    alert = owner_alert(order, customer, turn.chat, method.label, turn.discounts)
    uow.emit(OrderConfirmed(order.id, turn.chat.chat_id, alert, order_buttons(order)))
    if method.kind in ONLINE:
        uow.emit(PaymentRequested(order.id, turn.chat.chat_id, method.kind, order.total_minor))
    pickup = front.shop.delivery_options.pickup
    turn.say(_confirmation(order, customer, turn.discounts, pickup=pickup))
    turn.say(paying.to_pay(method, order))
    turn.exact = True
    turn.memory = Memory()
    turn.step = Step.BROWSING


async def already_confirmed(uow: UnitOfWork, turn: Turn) -> None:
    """A second "Confirmar" (a double press, or one handled by two processes) answers with
    the order the first one made — never a second order, never a failure."""
    latest = await uow.orders.list_for_user(turn.chat.user_id, limit=1)
    order = latest[0] if latest else None
    if order is not None and order.status in OPEN_STATUSES:
        turn.say(
            texts.ALREADY_CONFIRMED_ORDER.format(
                order_id=order.id, cart=confirmed_lines(order, turn.discounts)
            )
        )
    else:
        turn.say(texts.ALREADY_CONFIRMED)
    turn.step = Step.BROWSING
    turn.memory = Memory()


async def _customer(uow: UnitOfWork, turn: Turn) -> Customer:
    """Who the order is for, saved as the customer's record — unless the cédula belongs to
    another Telegram account's record and was not proven (by the phone on file): that record
    is never rewritten from this chat, and the order keeps the data typed here."""
    contact = turn.memory.contact or Contact()
    national_id = contact.national_id
    typed = Customer(
        id=None,
        telegram_user_id=turn.chat.user_id,
        national_id=national_id,
        name=contact.value("name"),
        phone=contact.value("phone"),
        address=contact.value("address"),
        neighbourhood=contact.value("neighbourhood"),
        notes=contact.value("notes"),
    )
    holder = await uow.customers.by_national_id(national_id) if national_id else None
    proven = bool(national_id) and turn.memory.known_national_id == national_id
    if holder is not None and holder.telegram_user_id != turn.chat.user_id and not proven:
        # This account's own record, without the cédula (it stays on the order): the
        # holder's record is untouched, and this account sees what any customer would.
        saved = await uow.customers.save(replace(typed, national_id=None))
        return replace(saved, national_id=national_id)
    return await uow.customers.save(typed)


def _confirmation(
    order: Order, customer: Customer, discounts: VolumeDiscounts, *, pickup: str
) -> str:
    phone, place = customer.phone, customer.neighbourhood
    cart = confirmed_lines(order, discounts)
    if order.delivery_method == Method.PICKUP:
        return texts.CONFIRMED_PICKUP.format(
            order_id=order.id, cart=cart, pickup=pickup, phone=phone
        )
    if order.delivery_method == Method.CARRIER:
        place = order.delivery_place
    return texts.CONFIRMED.format(order_id=order.id, cart=cart, phone=phone, place=place)


def owner_alert(
    order: Order, customer: Customer, chat: ChatRef, paid_by: str, discounts: VolumeDiscounts
) -> str:
    state = texts.PAY_STATE.get(order.payment_state, "")
    return texts.OWNER_NEW_ORDER.format(
        order_id=order.id,
        total=format_cop(order.total_minor),
        payment=f"{paid_by} · {state}",
        cart=confirmed_lines(order, discounts),
        name=customer.name,
        national_id=customer.national_id,
        phone=customer.phone,
        address=customer.address,
        neighbourhood=customer.neighbourhood,
        notes=texts.DATA_NOTES.format(notes=customer.notes) if customer.notes else "",
        chat_id=chat.chat_id,
    ) + _invoice_line(order)


def _invoice_line(order: Order) -> str:
    if not order.invoice_tax_id:
        return ""
    return texts.OWNER_INVOICE.format(
        tax_id=order.invoice_tax_id, name=order.invoice_name, email=order.invoice_email
    )


async def _stock_changed(front: Shopfront, uow: UnitOfWork, turn: Turn, product_id: int) -> None:
    """Another customer took the stock first: adjust the line and show the summary again."""
    product = await uow.products.get(product_id)
    if product is None or not product.visible:
        await uow.orders.remove_line(turn.chat.chat_id, product_id)
        turn.say(texts.STOCK_GONE.format(name=product.name if product else ""))
    else:
        await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, product, product.stock)
        turn.say(texts.STOCK_CHANGED.format(name=product.name, stock=product.stock))
    if product is not None:
        uow.emit(ProductsChanged((product.id,)))
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if not cart or not cart.lines:
        if cart:
            await uow.orders.discard_cart(turn.chat.chat_id)
        turn.say(texts.CART_NOW_EMPTY)
        turn.step = Step.BROWSING
        return
    await checkout.summary(front, uow, turn)
