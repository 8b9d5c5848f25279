"""The delivery of the order being checked out: chosen, or following from the address."""

from __future__ import annotations

import re

from domain import texts
from domain.conversation.memory import Contact
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Turn
from domain.delivery import Choice, Method, Quote, describe
from domain.model import Order
from domain.money import format_cop
from rag.normalize import fold


def quote_for(front: Shopfront, turn: Turn, cart: Order) -> Quote:
    """The delivery chosen, or the one the address names (the shop's city by default)."""
    options = front.shop.delivery_options
    choice = turn.memory.delivery or options.default(said_where(turn))
    return options.quote(choice, cart.lines_total_minor)


def said_where(turn: Turn) -> str:
    """Where the customer said the order goes: their address and neighbourhood, and the
    municipality they chose for a home delivery."""
    contact = turn.memory.contact or Contact()
    chosen = turn.memory.delivery
    town = chosen.place if chosen is not None and chosen.method == Method.HOME else ""
    return f"{contact.value('address')} {contact.value('neighbourhood')} {town}"


def delivery_answer(front: Shopfront, turn: Turn, cart: Order, text: str) -> str:
    """A delivery question during the checkout, answered with this order's figures: "¿el
    total ya incluye el domicilio?" gets the fee and the total; "¿hacen envíos a Bello?" the
    shop's delivery policy and what this order would pay to Bello."""
    options = front.shop.delivery_options
    figures = to_named_town(front, cart, text)
    if figures is None:
        quote = quote_for(front, turn, cart)
        total = format_cop(cart.lines_total_minor + quote.fee_minor)
        figures = texts.DELIVERY_FOR_THIS_ORDER.format(
            delivery=describe(quote, options), total=total
        )
    if set(_WORD_RE.findall(fold(text))) & COST_WORDS:
        return figures
    return texts.INFO_DELIVERY.format(delivery=front.shop.delivery_summary()) + "\n\n" + figures


def to_named_town(front: Shopfront, cart: Order | None, text: str) -> str | None:
    """ "¿cuánto sale el envío a Envigado?" with products in the cart: what this order would
    pay to the served municipality named, and its total (None when none is named)."""
    options = front.shop.delivery_options
    named = options.municipality_in(text)
    if named is None or cart is None or not cart.lines:
        return None
    quote = options.quote(Choice(Method.HOME, named), cart.lines_total_minor)
    total = format_cop(cart.lines_total_minor + quote.fee_minor)
    return texts.DELIVERY_FOR_THIS_ORDER.format(delivery=describe(quote, options), total=total)


# A question about what delivery costs, answered with the figures alone.
COST_WORDS = frozenset(
    "cuanto costo cuesta cuestan valor vale incluye incluido total precio cobran cobra "
    "gratis pago pagar".split()
)
_WORD_RE = re.compile(r"[a-z]+")
