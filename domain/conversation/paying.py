"""How the customer of the order being checked out pays: the shop's first method unless they
choose another (a button at the summary, or in words at any step: "pago por nequi")."""

from __future__ import annotations

import re

from domain import texts
from domain.button import Button
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import FIELD_STEPS, Action, Step, Turn
from domain.delivery import Method
from domain.language import Intent, Understanding
from domain.language.patterns import PAID_RE
from domain.model import Order
from domain.payment import PayKind, PaymentMethod
from rag.normalize import fold

# Naming a wallet is enough; other words ("efectivo", "transferencia", "tarjeta") count
# only with a verb of paying, so that an address "frente al banco" stays an address.
_WALLETS = frozenset({PayKind.NEQUI, PayKind.DAVIPLATA, PayKind.BREB})
_PAYING_RE = re.compile(r"\b(pag\w*|transfier\w*|transfer\w*|consign\w*|acept\w*|recib\w*)\b")


# "voy a pagar por nequi, ¿me pasa el número?" chooses; "¿aceptan nequi?" only asks.
_CHOOSES_RE = re.compile(
    r"\b(voy a|vamos a|quiero|quisiera|prefiero|mejor|pago|pagare|le pago|te pago|lo pago|"
    r"les pago|yo pago)\b"
)


def only_asks(meaning: Understanding, text: str) -> bool:
    """A question about a way to pay, not a choice of it."""
    return meaning.is_question and not chooses(text)


def chooses(text: str) -> bool:
    """ "mejor pago por Nequi", "voy a pagar en efectivo", "les transfiero a Bancolombia" (not
    "¿a qué cuenta les consigno?"): a way to pay chosen, in words."""
    folded = fold(text)
    if _CHOOSES_RE.search(folded):
        return True
    return "?" not in text and bool(_SENDS_RE.search(folded))


_SENDS_RE = re.compile(r"\b(te|les|le) (transfiero|consigno|deposito)\b")


def to_pay(method: PaymentMethod, order: Order) -> str:
    """How `order` is paid by `method`, as its confirmation said it (at the shop when it is
    picked up)."""
    pickup = order.delivery_method == Method.PICKUP
    return method.instructions(order.total_minor, order.id, pickup=pickup)


def chosen(front: Shopfront, turn: Turn) -> PaymentMethod:
    return front.shop.payment_options.chosen(turn.memory.payment)


def named(front: Shopfront, step: Step, meaning: Understanding, text: str) -> tuple[PayKind, ...]:
    """The ways to pay the message is about ("voy a pagar por nequi", "¿aceptan tarjeta?");
    nothing when it orders or removes products."""
    if meaning.intent in (Intent.BUY, Intent.REMOVE, Intent.CANCEL):
        return ()
    if PAID_RE.search(fold(text)):  # "ya pagué por Nequi": a payment made, not a way chosen
        return ()
    kinds = front.shop.payment_options.named_in(text)
    if not kinds or kinds[0] in _WALLETS:
        return kinds
    steps_with_data = (*FIELD_STEPS, Step.MUNICIPALITY)
    if step in steps_with_data or meaning.intent not in (Intent.SHOP_INFO, Intent.CHECKOUT):
        return kinds if _PAYING_RE.search(fold(text)) else ()
    return kinds


# "la mitad por Nequi y la mitad contra entrega", "una parte en efectivo": one order, two ways.
SPLIT_RE = re.compile(r"\b(mitad|una parte|parte y parte|dividir el pago|abono)\b")


def note_choice(
    front: Shopfront,
    turn: Turn,
    kinds: tuple[PayKind, ...],
    *,
    asked: bool = False,
    text: str = "",
) -> bool:
    """Say what paying that way takes and, unless only `asked`, remember it as the choice;
    False when the shop does not take it (the customer is told the ways it does), or when
    `text` splits the payment between two ways (said to be one way, and whom to ask)."""
    options = front.shop.payment_options
    if len(kinds) > 1 and SPLIT_RE.search(fold(text)):  # "la mitad por nequi y la mitad…"
        contact = front.shop.contact
        turn.say(
            texts.PAYMENT_NOT_SPLIT
            + (texts.PAYMENT_SPLIT_ASK.format(contact=contact) if contact else "")
        )
        return False
    taken = [options.get(kind) for kind in kinds]
    method = next((m for m in taken if m is not None), None)
    if method is None:
        turn.say(texts.PAYMENT_NOT_TAKEN.format(methods=", ".join(options.labels())))
        return False
    if not asked:  # "¿aceptan nequi?" asks; it does not choose
        turn.memory.payment = method.kind
    details = method.details()
    template = texts.PAYMENT_TAKEN if asked else texts.PAYMENT_NOTED  # "¿aceptan nequi?"
    turn.say(template.format(label=method.label, details=details).strip())
    if method.transfer and turn.step != Step.CONFIRMING:
        turn.say(texts.PAYMENT_TOTAL_LATER)
    return True


def payment_choices(front: Shopfront, turn: Turn) -> None:
    """ "💳 Cambiar pago": the shop's methods, as buttons."""
    turn.say(texts.ASK_PAYMENT)
    turn.buttons = tuple(
        (Button(method.label, f"{Action.PAY_BY}:{method.kind}"),)
        for method in front.shop.payment_options.methods
    )


def choose(front: Shopfront, turn: Turn, kind: str) -> bool:
    """One of `payment_choices` pressed; False (and asked again) when it is not taken."""
    method = front.shop.payment_options.get(kind)
    if method is None:
        payment_choices(front, turn)
        return False
    turn.memory.payment = method.kind
    return True
