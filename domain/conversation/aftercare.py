"""What a customer does with an order already confirmed: cancel it while it has not left the
shop (asked first; stock back, owners told), or be told whom to ask when it has."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace

from domain import texts
from domain.button import Button, Buttons
from domain.conversation import paying
from domain.conversation.rendering import listed
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Action, Turn
from domain.delivery import Method
from domain.events import (
    OrderCancelledByCustomer,
    OrderChangedByCustomer,
    PaymentUpdate,
    ReceiptSent,
)
from domain.language import InfoTopic, understand
from domain.language.patterns import NEXT_ORDER_RE, OWED_RE
from domain.model import NOT_YET_SENT, OPEN_STATUSES, Order, OrderStatus, PaymentState
from domain.money import format_cop
from domain.orders import CUSTOMER_MAY_CANCEL, awaits_payment, cancelled, paid_button
from domain.payment import ONLINE, TRANSFERS, PayKind
from domain.ports import UnitOfWork
from domain.validators import neighbourhood_in
from rag.normalize import fold

ORDER_NUMBER_RE = re.compile(r"(?:pedido|orden|compra)\s*(?:n[°ºo.]*\s*|numero\s*)?#?\s*(\d{1,9})")


def named_order(text: str) -> int | None:
    """The order number in "cancelar el pedido #12" ("pedido 12", "orden n° 12")."""
    found = ORDER_NUMBER_RE.search(text.lower().replace("número", "numero"))
    return int(found.group(1)) if found else None


async def ask_to_cancel(
    front: Shopfront, uow: UnitOfWork, turn: Turn, order_id: int | None
) -> bool:
    """ "quiero cancelar el pedido #1": ask before cancelling it, or say why it cannot be.
    False when the customer has no order to talk about."""
    order = await _mine(uow, turn, order_id)
    if order is None:
        if order_id is None:
            return False
        turn.say(texts.ORDER_NOT_YOURS.format(order_id=order_id))
        return True
    match order.status:
        case status if status in CUSTOMER_MAY_CANCEL:
            turn.say(
                texts.ASK_CANCEL_ORDER.format(
                    order_id=order.id, total=format_cop(order.total_minor)
                )
            )
            turn.buttons = cancel_buttons(order.id)
        case OrderStatus.CANCELLED:
            turn.say(texts.ORDER_ALREADY_CANCELLED.format(order_id=order.id))
        case _:
            turn.say(texts.ORDER_TOO_LATE_TO_CANCEL.format(order_id=order.id, **_contact(front)))
    return True


def cancel_buttons(order_id: int) -> Buttons:
    return (
        (
            Button(texts.BUTTON_CANCEL_ORDER_YES, f"{Action.CANCEL_ORDER}:{order_id}"),
            Button(texts.BUTTON_KEEP_ORDER, Action.KEEP_ORDER),
        ),
    )


async def cancel(front: Shopfront, uow: UnitOfWork, turn: Turn, raw_id: str) -> None:
    """ "Sí, cancelar #N": in one transaction the order is cancelled and its units go back;
    the owners are told after the commit (outbox)."""
    order = await _mine(uow, turn, int(raw_id) if raw_id.isdigit() else None)
    if order is None:
        turn.say(texts.OKAY)
        return
    moved = await uow.orders.move(order.id, CUSTOMER_MAY_CANCEL, OrderStatus.CANCELLED)
    if moved is None:  # shipped or cancelled meanwhile (by the shop, or a double press)
        await ask_to_cancel(front, uow, turn, order.id)
        return
    actor = texts.AUDIT_BY_CUSTOMER.format(chat_id=turn.chat.chat_id)
    moved, refund = await cancelled(uow, moved, actor)
    alert = texts.OWNER_CUSTOMER_CANCELLED.format(
        order_id=moved.id, name=moved.customer_name, total=format_cop(moved.total_minor)
    )
    if refund:
        amount = format_cop(moved.total_minor)
        alert += "\n" + texts.OWNER_REFUND_DUE.format(order_id=moved.id, amount=amount)
    uow.emit(OrderCancelledByCustomer(moved.id, moved.chat_id, alert))
    turn.say(texts.ORDER_CANCELLED_BY_CUSTOMER.format(order_id=moved.id) + refund)


async def change_asked(front: Shopfront, uow: UnitOfWork, turn: Turn) -> bool:
    """ "¿lo puedo cambiar a 3 cascos?" about the order confirmed (no cart being filled):
    it cannot be changed here; cancelling it and ordering again, or the shop, can. False when
    there is a cart or no single open order (the message is then read as any other)."""
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    order = None if cart is not None and cart.lines else await _mine(uow, turn, None)
    if order is None:
        return False
    if order.status in CUSTOMER_MAY_CANCEL:
        turn.say(texts.ORDER_CHANGE_HERE.format(order_id=order.id, **_contact(front)))
    else:
        turn.say(texts.ORDER_TOO_LATE_TO_CANCEL.format(order_id=order.id, **_contact(front)))
    return True


async def move_order(front: Shopfront, uow: UnitOfWork, turn: Turn, address: str) -> bool:
    """ "quiero cambiar la dirección, es Cra 50 # 20-10" with an order confirmed: changed while
    it has not left (the owners are told), unless the new address is in another municipality
    (another fee: the shop sees to it). False when there is no single open order to deliver
    (the message is then read as any other)."""
    order = await _mine(uow, turn, None)
    if order is None or order.delivery_method == Method.PICKUP:
        return False
    contact = _contact(front)
    if order.status not in NOT_YET_SENT:
        turn.say(texts.ADDRESS_TOO_LATE.format(order_id=order.id, **contact))
        return True
    options = front.shop.delivery_options
    town = options.municipality_in(address)
    home = order.delivery_method == Method.HOME
    if home and town is not None and fold(town) != fold(order.delivery_place):
        turn.say(texts.ADDRESS_OTHER_TOWN.format(order_id=order.id, town=town, **contact))
        return True
    found = neighbourhood_in(
        address,
        lambda part: options.municipality_in(part) is not None,
        one_town=len(options.towns) == 1 and options.carrier is None,
    )
    moved = await uow.orders.change_address(order.id, address, found or "")
    if moved is None:
        return False
    await _next_orders_go_there(uow, turn, order, moved)
    before = ", ".join(part for part in (order.address, order.neighbourhood) if part)
    after = ", ".join(part for part in (moved.address, moved.neighbourhood) if part)
    alert = texts.OWNER_ADDRESS_CHANGED.format(order_id=order.id, before=before, after=after)
    change = f"address:{zlib.crc32(after.encode()):08x}"
    uow.emit(OrderChangedByCustomer(order.id, turn.chat.chat_id, change, alert))
    turn.say(texts.ADDRESS_CHANGED.format(order_id=order.id, address=after))
    return True


async def _next_orders_go_there(uow: UnitOfWork, turn: Turn, order: Order, moved: Order) -> None:
    """The next checkout offers the address the order moved to: the chat's data and this
    account's record (when the order was saved to it) change with it. Without a barrio in
    the new address, the one they had stays, shown to be checked at that checkout."""
    barrio = moved.neighbourhood
    contact = turn.memory.contact
    if contact is not None:
        contact = contact.with_value("address", moved.address)
        turn.memory.contact = contact.with_value("neighbourhood", barrio) if barrio else contact
    record = await uow.customers.by_telegram_user(turn.chat.user_id)
    if record is not None and record.id == order.customer_id:
        kept = barrio or record.neighbourhood
        await uow.customers.save(replace(record, address=moved.address, neighbourhood=kept))


async def _mine(uow: UnitOfWork, turn: Turn, order_id: int | None) -> Order | None:
    """The customer's own order `order_id`; without a number, their only open one."""
    if order_id is not None:
        order = await uow.orders.get(order_id)
        if order is None or order.telegram_user_id != turn.chat.user_id:
            return None
        return order if order.status != OrderStatus.CART else None
    recent = await uow.orders.list_for_user(turn.chat.user_id)
    open_ones = [o for o in recent if o.status in OPEN_STATUSES]
    return open_ones[0] if len(open_ones) == 1 else None


def _contact(front: Shopfront) -> dict[str, str]:
    return {"phone": front.shop.written_contact}


async def owes(uow: UnitOfWork, user_id: int) -> bool:
    """The customer has an order awaiting a transfer (a photo may be its receipt)."""
    return bool(await _owing(uow, user_id))


async def _owing(uow: UnitOfWork, user_id: int) -> list[Order]:
    return _owed(await uow.orders.list_for_user(user_id))


def _owed(recent: list[Order]) -> list[Order]:
    """Those of `recent` orders awaiting a transfer."""
    owed = (*OPEN_STATUSES, OrderStatus.DELIVERED)  # delivered on trust, paid afterwards
    return [o for o in recent if awaits_payment(o) and o.status in owed]


async def told_paid(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """ "ya pagué": the receipt asked for the order awaiting the transfer (the one named, else
    the latest), or the order said to be paid already. On an order to be paid in cash, "ya
    te pagué por Nequi" makes it a Nequi order awaiting its receipt (the owners are told, so
    that the courier does not collect it again); "ya pagué" alone asks how. False when no
    open order is about a payment (the message is then read as any other)."""
    recent = await uow.orders.list_for_user(turn.chat.user_id)
    waiting = _owed(recent)
    named = named_order(text)
    order = next((o for o in waiting if o.id == named), waiting[0] if waiting else None)
    if order is not None:
        amount = format_cop(order.total_minor)
        turn.say(texts.PAID_SEND_RECEIPT.format(order_id=order.id, amount=amount))
        return True
    last = recent[0] if recent else None
    if last is None or last.status not in OPEN_STATUSES:
        return False
    if last.payment_state == PaymentState.PAID:
        turn.say(texts.PAID_ALREADY.format(order_id=last.id))
        return True
    if last.payment_state != PaymentState.PENDING or last.payment_method != PayKind.CASH:
        return False
    return await _paid_instead_of_cash(front, uow, turn, last, text)


async def how_to_pay(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """ "¿cuánto le debo?", "¿a qué número le consigno?": each open order not paid yet, its
    amount and where it goes, as the confirmation said. False when there is none, or when
    what is owed is asked with products in the cart (then it is the cart's total), or the
    message asks neither."""
    if not OWED_RE.search(fold(text)):
        return False
    meaning = understand(text)
    named = set(fold(meaning.product_query).split()) - PAYING_WORDS
    if named or InfoTopic.DELIVERY in meaning.topics:
        return False  # "¿cuánto tengo que pagar por 3 guantes?", "…de envío a Bello?"
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if cart is not None and cart.lines:
        return False  # what is to be paid next is the cart
    unpaid = await _unpaid(uow, turn.chat.user_id)
    kinds = front.shop.payment_options.named_in(text)
    if kinds:  # "el número de Nequi" for a cash order: the shop's Nequi, as asked
        unpaid = [order for order in unpaid if order.payment_method in kinds]
    told = []
    for order in unpaid:
        method = front.shop.payment_options.get(order.payment_method)
        if method is not None:
            how = paying.to_pay(method, order)
            told.append(texts.ORDER_TO_PAY.format(order_id=order.id) + "\n" + how)
    if told:
        turn.say("\n\n".join(told))
    return bool(told)


async def pay_otherwise(
    front: Shopfront, uow: UnitOfWork, turn: Turn, kinds: Sequence[PayKind], text: str
) -> bool:
    """A way to pay named with no cart and an order still to be paid: "¿a qué cuenta les
    consigno?", "me regala el número de Nequi" get that account and the order's amount;
    "mejor les transfiero a Bancolombia" (or "mejor pago en efectivo": a choice said as one)
    moves the order to it while it is open, unpaid and no receipt was sent for it, and the
    owners are told; an order by link or in Telegram is left to the shop. False when there
    is a cart or no such order (the way to pay is then noted for the next one)."""
    if len(kinds) != 1 or NEXT_ORDER_RE.search(fold(text)) or _names_more(front, text):
        return False  # "la mitad por nequi y…", "el próximo pedido", "¿tienen guantes? pago…"
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if cart is not None and cart.lines:
        return False
    unpaid = await _unpaid(uow, turn.chat.user_id)
    options = front.shop.payment_options
    method = options.get(kinds[0])
    named = named_order(text)
    owed = next((o for o in unpaid if o.id == named), unpaid[0] if unpaid else None)
    if owed is None or method is None:
        return False
    contact = front.shop.written_contact
    amount = format_cop(owed.total_minor)
    was = options.chosen(owed.payment_method).label
    if method.kind != owed.payment_method and owed.payment_method in ONLINE:
        turn.say(texts.PAYMENT_KEPT.format(order_id=owed.id, method=was, contact=contact))
        return True
    if method.kind == owed.payment_method or "?" in text or not paying.chooses(text):
        shown = texts.PAYMENT_TAKEN.format(label=method.label, details=method.details()).strip()
        turn.say(shown + "\n\n" + texts.ORDER_AMOUNT.format(order_id=owed.id, amount=amount))
        return True
    moved = None
    still_here = owed.status in NOT_YET_SENT  # the courier has not left with it
    if still_here and method.kind not in ONLINE and not await _receipt_sent(uow, turn, owed):
        moved = await uow.orders.switch_payment(owed.id, owed.payment_method, method.kind)
    if moved is None:
        turn.say(texts.PAYMENT_KEPT.format(order_id=owed.id, method=was, contact=contact))
        return True
    alert = texts.OWNER_PAYMENT_SWITCHED.format(
        order_id=owed.id, amount=amount, before=was, after=method.label
    )
    uow.emit(PaymentUpdate(owed.id, turn.chat.chat_id, _switch_step(moved), owner_text=alert))
    switched = texts.PAYMENT_SWITCHED.format(order_id=owed.id, label=method.label)
    turn.say(switched + "\n" + paying.to_pay(method, owed))
    return True


def _names_more(front: Shopfront, text: str) -> bool:
    """The message asks or names something besides a way to pay (a product)."""
    words = set(fold(understand(text).product_query).split()) - PAYING_WORDS - CHOICE_WORDS
    labels = " ".join(m.label for m in front.shop.payment_options.methods)
    return bool(words - set(fold(labels).split()) - {"nequi", "daviplata", "breb", "bre-b"})


def _switch_step(moved: Order) -> str:
    """The owners' alert's own step for each switch (a second switch to the same way is
    news too): the way and the moment."""
    stamp = moved.updated_at.isoformat() if moved.updated_at else ""
    return f"switched:{moved.payment_method}:{stamp}"


async def _receipt_sent(uow: UnitOfWork, turn: Turn, order: Order) -> bool:
    """A receipt photo came for this chat since the order was confirmed (the owners may be
    checking it): its way to pay stays."""
    since = order.confirmed_at
    recent = await uow.messages.recent(turn.chat.chat_id, limit=RECEIPTS_LOOKED_BACK)
    return any(
        m.intent == RECEIPT_INTENT
        and (since is None or m.created_at is None or m.created_at >= since)
        for m in recent
    )


RECEIPT_INTENT = "receipt"  # how a receipt photo is kept in the message log
RECEIPTS_LOOKED_BACK = 50  # messages of the chat read for one


async def _unpaid(uow: UnitOfWork, user_id: int) -> list[Order]:
    """The customer's open orders still to be paid, latest first."""
    recent = await uow.orders.list_for_user(user_id)
    return [
        o for o in recent if o.status in OPEN_STATUSES and o.payment_state == PaymentState.PENDING
    ]


# Words of a choice of a way to pay left over as a product query ("mejor pago en efectivo").
CHOICE_WORDS = frozenset(
    """mejor prefiero voy vamos pago pagar pagare pagamos efectivo transferencia transfiero
    transferir les le te lo la por en con contra entrega tarjeta bancolombia cuenta llave
    ahora entonces""".split()
)
# The words of "¿a qué número le consigno?" left over as a product query.
PAYING_WORDS = frozenset(
    """pagar pago pague numero consigno consignar consigne transfiero transferir cuenta llave
    datos debo deber otra vez""".split()
)
COURIER_RE = re.compile(r"\b(domiciliario|mensajero|repartidor|al recibir|contra entrega)\b")


async def _paid_instead_of_cash(
    front: Shopfront, uow: UnitOfWork, turn: Turn, order: Order, text: str
) -> bool:
    options = front.shop.payment_options
    kinds = [k for k in options.named_in(text) if k in TRANSFERS and options.get(k) is not None]
    amount = format_cop(order.total_minor)
    if COURIER_RE.search(fold(text)):  # "ya le pagué al domiciliario": as it should be
        turn.say(texts.PAID_TO_COURIER.format(order_id=order.id))
        return True
    if not kinds:  # "ya pagué": by which of the shop's transfers?
        ways = [m.label for m in options.methods if m.kind in TRANSFERS]
        if not ways:
            return False
        turn.say(
            texts.PAID_BUT_CASH.format(order_id=order.id, amount=amount, ways=listed(ways, "o"))
        )
        return True
    switched = await uow.orders.switch_payment(order.id, PayKind.CASH, kinds[0])
    if switched is None:
        return False
    label = options.chosen(kinds[0]).label
    alert = texts.OWNER_PAID_INSTEAD.format(order_id=order.id, method=label, amount=amount)
    uow.emit(PaymentUpdate(order.id, turn.chat.chat_id, _switch_step(switched), owner_text=alert))
    turn.say(texts.PAID_SEND_RECEIPT.format(order_id=order.id, amount=amount))
    return True


async def receipt(uow: UnitOfWork, turn: Turn, photo: str, photo_key: str, caption: str) -> bool:
    """A photo from a customer with an order awaiting a transfer: their receipt, passed on to
    the owners with the order number and "✅ Pago recibido". False when no order awaits one
    (the photo is then read as any other)."""
    named = named_order(caption)
    waiting = await _owing(uow, turn.chat.user_id)
    order = next((o for o in waiting if o.id == named), waiting[0] if waiting else None)
    if order is None:
        return False
    method = texts.PAY_KIND_LABEL.get(order.payment_method, order.payment_method)
    text = texts.OWNER_RECEIPT.format(
        order_id=order.id,
        amount=format_cop(order.total_minor),
        method=method,
        name=order.customer_name,
    )
    buttons = ((paid_button(order.id),),)
    uow.emit(ReceiptSent(order.id, turn.chat.chat_id, photo, photo_key, text, buttons))
    turn.say(texts.RECEIPT_FORWARDED.format(order_id=order.id))
    return True
