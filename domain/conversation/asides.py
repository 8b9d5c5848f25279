"""Questions answered without moving the conversation: the shop, my orders, a product."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from domain import texts
from domain.conversation import rendering
from domain.conversation.delivering import delivery_answer, quote_for
from domain.conversation.rendering import product_list
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import COLLECTING_STEPS, ChatRef, Step, Turn
from domain.delivery import Method, describe
from domain.events import PersonAsked
from domain.language import InfoTopic, Intent, Understanding
from domain.language.patterns import (
    COMPLAINT_RE,
    HUMAN_RE,
    PRICE_ASKED_RE,
    RETURN_RE,
    WAITING_RE,
)
from domain.model import OPEN_STATUSES, Order, OrderStatus
from domain.orders import shipping_details
from domain.ports import UnitOfWork
from domain.pricing import VolumeDiscounts
from rag.normalize import fold

ABOUT_RE = re.compile(r"\b(informaci[oó]n|info|acerca|sobre)\b", re.IGNORECASE)
# What a customer may ask in the middle of the checkout; answered, never stored as data.
ASIDE_INTENTS = frozenset({Intent.MY_ORDERS, Intent.CART, Intent.HELP})


async def answer_aside(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    """Answer a question asked in the middle of the flow without changing the step."""
    if complains(text):  # "esto es un mal servicio", mid-checkout too
        await complain(uow, front, turn, text)
        return
    if asks_for_person(text):
        ask_for_person(uow, front, turn, text)
        return
    delivery_asked = InfoTopic.DELIVERY in meaning.topics and turn.step in COLLECTING_STEPS
    cart = await uow.orders.get_cart(turn.chat.chat_id) if delivery_asked else None
    if cart and cart.lines:
        turn.say(delivery_answer(front, turn, cart, text))  # this order's fee, not the policy
        others = [topic for topic in meaning.topics if topic != InfoTopic.DELIVERY]
        if others:
            turn.say(topics_answer(front, others))
    elif meaning.intent == Intent.SHOP_INFO or meaning.topics:
        turn.say(topics_answer(front, meaning.topics))
    elif meaning.intent == Intent.MY_ORDERS:
        turn.say(await my_orders(front, uow, turn.chat))
    elif meaning.intent == Intent.CART:  # "¿qué tengo en el carrito?" (not the shop's texts)
        turn.say(await _cart_now(front, uow, turn))
    elif said := shop_answer(front, text, meaning.product_query):
        turn.say(said)
    elif meaning.intent in (Intent.PRODUCT_QUESTION, Intent.BUY, Intent.OTHER):
        products = await front.finder.find(uow, turn.memory, meaning)
        if products:
            turn.say(product_list(products))
        elif meaning.intent != Intent.OTHER:
            query = meaning.product_query[:60] or text[:60]
            turn.say(rendering.nothing_found(query, front.categories()))


def complains(text: str) -> bool:
    return bool(COMPLAINT_RE.search(fold(text)))


def asks_for_person(text: str) -> bool:
    return bool(HUMAN_RE.search(fold(text)))


async def complain(uow: UnitOfWork, front: Shopfront, turn: Turn, text: str) -> None:
    """ "esto es un mal servicio", "me llegó un casco roto": sorry, and a person of the shop
    is told (their reply reaches the customer); a return asked too gets the policy, a wait
    ("llevo 2 días esperando el pedido") the state of the customer's open orders."""
    ask_for_person(uow, front, turn, text, said=texts.COMPLAINT_SORRY)
    folded = fold(text)
    if RETURN_RE.search(folded):
        turn.say(topics_answer(front, (InfoTopic.WARRANTY,)))
    elif WAITING_RE.search(folded):
        orders = await uow.orders.list_for_user(turn.chat.user_id)
        if any(order.status in OPEN_STATUSES for order in orders):
            turn.say(await my_orders(front, uow, turn.chat))


def ask_for_person(
    uow: UnitOfWork,
    front: Shopfront,
    turn: Turn,
    text: str,
    *,
    said: str = texts.CUSTOMER_PERSON_ASKED,
) -> None:
    """ "necesito hablar con una persona": the owners are told (their reply reaches the
    customer), and the customer how to reach the shop meanwhile."""
    chat = turn.chat
    name = chat.first_name or texts.OWNER_NO_NAME
    alert = texts.OWNER_PERSON_ASKED.format(name=name, chat_id=chat.chat_id, text=text[:300])
    uow.emit(PersonAsked(chat.chat_id, alert, datetime.now(UTC).isoformat()))
    shop = front.shop
    whatsapp = f"WhatsApp {shop.whatsapp}" if shop.whatsapp else ""
    contact = " · ".join(part for part in (shop.phone, whatsapp) if part) or shop.email
    urgent = texts.CUSTOMER_PERSON_URGENT.format(contact=contact) if contact else ""
    turn.say(said + urgent)


async def _cart_now(front: Shopfront, uow: UnitOfWork, turn: Turn) -> str:
    """The cart; at the summary ("¿cuánto me sale todo?"), with its delivery, as the summary
    has it."""
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if cart is None or not cart.lines:
        return texts.CART_EMPTY
    if turn.step != Step.CONFIRMING:
        return rendering.render_cart(cart, turn.discounts)
    quote = quote_for(front, turn, cart)
    delivery = (describe(quote, front.shop.delivery_options), quote.fee_minor)
    return rendering.render_cart(cart, turn.discounts, delivery)


def topics_answer(
    front: Shopfront,
    topics: Sequence[InfoTopic],
    said: Sequence[str] = (),
    quantity: int | None = None,
) -> str:
    """The profile's lines for the topics asked (all of them when none is named); what the
    shop's own text says about discounts, for a discount (and what `quantity` units of one
    product would get). `said`: what the reply says already (the address is not said twice)."""
    profile = [topic for topic in topics if topic != InfoTopic.DISCOUNT]
    located = bool(front.shop.address) and any(front.shop.address in part for part in said)
    shown = rendering.shop_info(front.shop, profile, located=located)
    parts = [shown] if profile or not topics else []
    if InfoTopic.DISCOUNT in topics:
        parts.append(discount_answer(front, quantity))
    return "\n\n".join(parts)


def discount_answer(front: Shopfront, quantity: int | None = None) -> str:
    """ "¿hay descuento?": the volume discount the cart applies and the shop's passages on
    discounts, quoted; "¿… si compro 30?", what 30 units of one product get, alone; where to
    ask when it has neither (nothing is promised that the shop did not write)."""
    tiers = volume_discount_text(front.shop.volume_discounts, quantity)
    if tiers and quantity is not None and quantity > 1:
        return tiers
    answer = front.knowledge.about(texts.DISCOUNT_SUBJECT)
    if answer is not None:
        return "\n\n".join(filter(None, (tiers, answer.text())))
    if tiers:
        return tiers
    contact = front.shop.written_contact
    ask = texts.NO_DISCOUNT_ASK.format(contact=contact) if contact else ""
    return texts.NO_DISCOUNT_INFO + ask


def volume_discount_text(discounts: VolumeDiscounts, quantity: int | None = None) -> str:
    """ "🏷️ Descuento por cantidad…: 5 % desde 20 unidades y 10 % desde 50 unidades";
    for a quantity, what it gets ("" without tiers)."""
    if not discounts:
        return ""
    if quantity is not None and quantity > 1:
        tier = discounts.tier_for(quantity)
        if tier is not None:
            return texts.VOLUME_DISCOUNT_FOR.format(quantity=quantity, percent=tier.shown)
        first = discounts.tiers[0]
        return texts.VOLUME_DISCOUNT_NOT_YET.format(
            quantity=quantity, units=first.from_units, percent=first.shown
        )
    each = [
        texts.VOLUME_DISCOUNT_TIER.format(percent=tier.shown, units=tier.from_units)
        for tier in discounts.tiers
    ]
    return texts.VOLUME_DISCOUNT_TIERS.format(tiers=rendering.listed(each))


def shop_answer(front: Shopfront, question: str, product_words: str = "") -> str | None:
    """The shop's own text that answers `question` (its profile's entries, its documents),
    when it says the question better than any product's name says `product_words`."""
    answer = front.knowledge.answer(question)
    if answer is None:
        return None
    products = front.catalog.match_strength(product_words) if product_words else 0.0
    # "información de la empresa": asked about the shop, even if a product says "empresa".
    if answer.share < products or (answer.share == products and not ABOUT_RE.search(question)):
        return None
    said = answer.text()
    contact = front.shop.contact
    if PRICE_ASKED_RE.search(fold(question)) and "$" not in said and contact:
        said += "\n" + texts.PRICE_NOT_SAID.format(contact=contact)  # never a made-up price
    return said


def documents_answer(front: Shopfront, question: str) -> str | None:
    """Beside the profile's line for a topic: what the shop's documents or entries add."""
    answer = front.knowledge.answer(question)
    if answer is None:
        return None
    extra = [p for p in answer.passages if p.source or p.title in front.shop.extra]
    return answer.text() if extra and len(extra) == len(answer.passages) else None


async def my_orders(front: Shopfront, uow: UnitOfWork, chat: ChatRef) -> str:
    """This customer's own orders (by their Telegram account) and a pending cart."""
    orders = await uow.orders.list_for_user(chat.user_id)
    cart = await uow.orders.get_cart(chat.chat_id)
    listing = rendering.my_orders(orders, cart, front.shop.volume_discounts, front.timezone)
    return "\n\n".join([listing, *_when_it_arrives(front, orders)])


def _when_it_arrives(front: Shopfront, orders: list[Order]) -> list[str]:
    """ "¿cuándo me llega?": for the orders still on their way, the shop's delivery times
    (or where to pick one up)."""
    waiting = [order for order in orders if order.status in OPEN_STATUSES]
    lines = [
        texts.MY_ORDER_TRACKING.format(order_id=order.id, details=shipping_details(order))
        for order in waiting
        if order.tracking
    ]
    pickup = front.shop.delivery_options.pickup
    lines += [
        (
            texts.MY_ORDER_TO_PICK_UP
            if order.status == OrderStatus.READY
            else texts.MY_ORDER_TO_PICK_UP_LATER
        ).format(order_id=order.id, pickup=pickup)
        for order in waiting
        if order.delivery_method == Method.PICKUP
    ]
    if any(order.delivery_method != Method.PICKUP and not order.tracking for order in waiting):
        lines.append(texts.MY_ORDER_ON_ITS_WAY.format(delivery=front.shop.delivery))
    return lines
