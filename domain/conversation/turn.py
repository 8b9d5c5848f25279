"""The vocabulary of one exchange: steps, buttons, the chat, and the reply being built."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from enum import StrEnum

from domain import texts
from domain.button import Button, Buttons
from domain.conversation.memory import Memory
from domain.conversation.rendering import render_cart
from domain.delivery import Quote
from domain.model import Order, Product
from domain.pricing import VolumeDiscounts


class Step(StrEnum):
    BROWSING = "browsing"
    CART = "cart"
    NATIONAL_ID = "national_id"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    NEIGHBOURHOOD = "neighbourhood"
    NOTES = "notes"
    # Which municipality the delivery goes to: asked after the address when the shop
    # delivers to several and the address names none, and after "Otro municipio"
    MUNICIPALITY = "municipality"
    CONFIRM_DATA = "confirm_data"
    CONFIRMING = "confirming"
    CONSENT = "consent"  # the personal-data notice was shown: authorise or not
    ERASING = "erasing"  # "¿Borro tus datos?" was asked
    INVOICE_TAX_ID = "invoice_tax_id"  # a factura was asked for: its data, then the summary
    INVOICE_NAME = "invoice_name"
    INVOICE_EMAIL = "invoice_email"


FIELD_STEPS = (
    Step.NATIONAL_ID,
    Step.NAME,
    Step.PHONE,
    Step.ADDRESS,
    Step.NEIGHBOURHOOD,
    Step.NOTES,
)
INVOICE_STEPS = (Step.INVOICE_TAX_ID, Step.INVOICE_NAME, Step.INVOICE_EMAIL)
COLLECTING_STEPS = (
    *FIELD_STEPS,
    Step.CONFIRM_DATA,
    Step.CONFIRMING,
    Step.MUNICIPALITY,
    *INVOICE_STEPS,
)
SHOPPING_STEPS = (Step.BROWSING, Step.CART)
# Where personal data is asked, shown or used: only with the customer's authorisation.
DATA_STEPS = (
    *FIELD_STEPS,
    Step.MUNICIPALITY,
    Step.CONFIRM_DATA,
    Step.CONFIRMING,
    *INVOICE_STEPS,
)


class Action(StrEnum):
    """Callback data of the inline buttons."""

    CHECKOUT = "checkout"
    KEEP_SHOPPING = "keep"
    CLEAR_CART = "clear"
    TAKE_OFFER = "offer:yes"
    DECLINE_OFFER = "offer:no"
    USE_DATA = "data:use"
    CHANGE_DATA = "data:change"
    SKIP = "skip"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    PICK = "pick"  # pick:<product id>
    DELIVERY = "delivery"  # show the ways to receive the order
    DELIVER_BY = "dl"  # dl:<n>, the n-th of DeliveryOptions.offered()
    TOWN = "town"  # town:<n>, the n-th of DeliveryOptions.towns; town:other, the carrier
    PAYMENT = "payment"  # show the ways to pay
    PAY_BY = "pay"  # pay:<kind>, a domain.payment.PayKind the shop takes
    CONSENT_YES = "consent:yes"
    CONSENT_NO = "consent:no"
    ERASE_YES = "erase:yes"
    ERASE_NO = "erase:no"
    INVOICE = "invoice"  # the customer wants a factura: its data is asked
    NO_INVOICE = "noinvoice"
    CANCEL_ORDER = "ocancel"  # ocancel:<order id>, a confirmed order of the customer's
    KEEP_ORDER = "okeep"
    SHELVES = "cats"  # cats, cats:>key, cats:<key: the categories (a page after/before one)
    SHELF = "sh"  # sh:<key>[:>id|:<id]: a category's products, a page after/before a product
    VIEW = "view"  # view:<product id>: its card
    ADD = "add"  # add:<product id>:<quantity>
    MORE = "more"  # more:<offset>: the next results of the last search


@dataclass(frozen=True)
class ChatRef:
    chat_id: int
    user_id: int
    first_name: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    step: Step
    memory: Memory
    buttons: Buttons = ()
    photos: tuple[int, ...] = ()  # products whose photos go with the text
    # The customer's message, when a model may word this reply (SalesAgent.word): asked once
    # the reply is promised, so that no customer waits on another's model call.
    word_for: str = ""


@dataclass
class Turn:
    """What one incoming message produces, before it becomes a Reply."""

    chat: ChatRef
    memory: Memory
    step: Step
    discounts: VolumeDiscounts  # the shop's volume discounts, for every cart the turn shows
    parts: list[str] = field(default_factory=list)
    buttons: Buttons = ()
    cart: Order | None = None  # shown once at the end when lines were added
    exact: bool = False  # said exactly as built (an order confirmation): never reworded
    erased: bool = False  # the customer's data was just erased: this exchange is not stored
    photos: tuple[int, ...] = ()  # products whose photos go with the reply (card, short list)
    added: list[Product] = field(default_factory=list)  # put in the cart by this reply
    shown_before: list[int] = field(init=False)  # memory.shown as the message found it

    def __post_init__(self) -> None:
        self.shown_before = list(self.memory.shown)

    def say(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        parts = list(self.parts)
        if self.cart is not None and self.step == Step.CART and not self.memory.waiting():
            parts.append(render_cart(self.cart, self.discounts) + "\n\n" + texts.ANYTHING_ELSE)
        return "\n\n".join(parts)

    def reply(self) -> Reply:
        shown = self.memory.shown
        if shown and shown != self.shown_before:  # "2 de cada uno" may mean these and those
            self.memory.earlier = self.shown_before
        return Reply(self.text(), self.step, self.memory, self.buttons, self.photos)


CART_BUTTONS: Buttons = (
    (
        Button(texts.BUTTON_CHECKOUT, Action.CHECKOUT),
        Button(texts.BUTTON_KEEP_SHOPPING, Action.KEEP_SHOPPING),
    ),
    (Button(texts.BUTTON_CLEAR_CART, Action.CLEAR_CART),),
)
OFFER_BUTTONS: Buttons = (
    (
        Button(texts.BUTTON_YES_TAKE, Action.TAKE_OFFER),
        Button(texts.BUTTON_NO, Action.DECLINE_OFFER),
    ),
)
DATA_BUTTONS: Buttons = (
    (
        Button(texts.BUTTON_USE_DATA, Action.USE_DATA),
        Button(texts.BUTTON_CHANGE_DATA, Action.CHANGE_DATA),
    ),
)
SKIP_BUTTONS: Buttons = ((Button(texts.BUTTON_SKIP, Action.SKIP),),)


def cart_stamp(order: Order, delivery: Quote, payment: str = "", invoice: str = "") -> str:
    """A short mark of the cart, delivery and payment a summary showed. "Confirmar" carries
    it, so that a press on an older summary (a double press after the stock changed, or after
    another delivery or payment was chosen) never confirms what the customer did not see.
    `order`: with its volume discount (the shop's tiers may change with a restart)."""
    shown = ";".join(f"{n.product_id}x{n.quantity}@{n.unit_price_minor}" for n in order.lines)
    shown += f";-{order.discount_minor}" if order.discount_minor else ""
    shown += f";{delivery.choice.method}:{delivery.choice.place}:{delivery.fee_minor}"
    shown += f";{payment}" if payment else ""
    shown += f";{invoice}" if invoice else ""
    return f"{zlib.crc32(shown.encode()):08x}"


def confirm_buttons(
    order: Order,
    delivery: Quote,
    payment: str,
    *,
    choices: bool,
    payments: bool,
    invoice: str | None = None,
) -> Buttons:
    """`choices`, `payments`: the shop offers more than one way to deliver, to pay (a button
    to change each). `invoice`: the shop makes electronic invoices ("" none asked for yet,
    else the tax id it goes to)."""
    stamp = cart_stamp(order, delivery, payment, invoice or "")
    change: tuple[Button, ...] = ()
    if choices:
        change += (Button(texts.BUTTON_CHANGE_DELIVERY, Action.DELIVERY),)
    if payments:
        change += (Button(texts.BUTTON_CHANGE_PAYMENT, Action.PAYMENT),)
    factura: tuple[Button, ...] = ()
    if invoice is not None:
        wanted = (texts.BUTTON_NO_INVOICE, Action.NO_INVOICE) if invoice else None
        factura = (Button(*(wanted or (texts.BUTTON_INVOICE, Action.INVOICE))),)
    return (
        (Button(texts.BUTTON_CONFIRM, f"{Action.CONFIRM}:{stamp}"),),
        *((change,) if change else ()),
        *((factura,) if factura else ()),
        (
            Button(texts.BUTTON_CHANGE_DATA, Action.CHANGE_DATA),
            Button(texts.BUTTON_CANCEL, Action.CANCEL),
        ),
    )
