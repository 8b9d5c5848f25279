"""The domain's own types: what the repositories return and the services work with.

Plain dataclasses over stdlib types only; db/ maps its rows to them (the one place db/
imports the domain), so no ORM row leaves db/.
Moments (`*_at`) are aware UTC datetimes (db/ guarantees it: db.types.UtcDateTime).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.button import Buttons


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    sku: str
    name: str
    description: str
    category: str
    price_minor: int
    stock: int
    active: bool

    @property
    def visible(self) -> bool:
        """What customers may see and buy."""
        return self.active and self.stock > 0


@dataclass(frozen=True, slots=True)
class ProductPhoto:
    """Where a product's photo comes from. `file_id` is Telegram's id once it was sent (then
    it is never uploaded again); before that, the image the owner's ZIP carried (`content`)
    or the https URL the inventory file named. `revision` grows with every new photo, so a
    file_id learnt from a send never lands on a photo that replaced it meanwhile."""

    product_id: int
    revision: int
    file_id: str = ""
    url: str = ""
    content: bytes | None = None


@dataclass(frozen=True, slots=True)
class NewPhoto:
    """A product's new photo: exactly one of a URL, image bytes or a Telegram file_id."""

    product_id: int
    url: str = ""
    content: bytes | None = None
    file_id: str = ""


def photo_digest(content: bytes) -> str:
    """How an image's bytes are compared with a stored photo's (a re-sent ZIP changes nothing)."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class Shelf:
    """A category as customers browse it: its active products, and how many are in stock."""

    name: str
    available: int
    total: int


@dataclass(frozen=True, slots=True)
class NewProduct:
    sku: str
    name: str
    description: str
    category: str
    price_minor: int
    stock: int
    active: bool = True


# The delivery data a customer gives, in the order the checkout asks for it: Customer's
# attributes, the conversation's Contact, and the fields a model may read from a message.
CUSTOMER_FIELDS = ("national_id", "name", "phone", "address", "neighbourhood", "notes")


@dataclass(frozen=True)
class Customer:
    id: int | None
    telegram_user_id: int | None
    national_id: str | None
    name: str = ""
    phone: str = ""
    address: str = ""
    neighbourhood: str = ""
    notes: str = ""

    @property
    def complete(self) -> bool:
        return all((self.national_id, self.name, self.phone, self.address, self.neighbourhood))


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    sku: str
    name: str
    unit_price_minor: int
    quantity: int
    # By volume (domain.pricing): stored when the order is confirmed; a cart's line gets its
    # own from VolumeDiscounts.applied.
    discount_minor: int = 0

    @property
    def subtotal_minor(self) -> int:
        return self.unit_price_minor * self.quantity


@dataclass(frozen=True)
class PaymentLine:
    """How a confirmed order is paid (a domain.payment.PayKind value) and its state."""

    method: str
    state: str


@dataclass(frozen=True)
class InvoiceData:
    """Who an electronic invoice (factura) is made out to; empty fields while being asked."""

    tax_id: str = ""  # a NIT with its check digit ("900123456-8") or a cédula
    name: str = ""  # a person's name or a company's razón social
    email: str = ""

    def complete(self) -> bool:
        return bool(self.tax_id and self.name and self.email)


@dataclass(frozen=True)
class DeliveryLine:
    """How a confirmed order is delivered (a domain.delivery.Method value), where, the fee."""

    method: str
    place: str
    fee_minor: int


class OrderStatus(StrEnum):
    """Where an order is: a cart until confirmed; then being prepared, shipped (or ready for
    pickup) and delivered — or cancelled (domain.orders.NEXT says which moves are allowed).

    Stored as its value (the database column is plain text).
    """

    CART = "cart"
    CONFIRMED = "confirmed"
    PREPARING = "preparing"
    SHIPPED = "shipped"
    READY = "ready"  # waiting at the shop for the customer to pick it up
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


# Confirmed and not yet delivered nor cancelled: the shop still owes it.
OPEN_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.PREPARING,
    OrderStatus.SHIPPED,
    OrderStatus.READY,
)
# Confirmed and still at the shop: its address may change, a new order goes apart.
NOT_YET_SENT = (OrderStatus.CONFIRMED, OrderStatus.PREPARING)


class PaymentState(StrEnum):
    """Where an order's payment is; stored as its value ("" for a cart)."""

    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"  # paid, then the order was cancelled: the money goes back


# The Order attribute each status and payment state is stamped with, when it is reached.
STATUS_STAMPS = {
    OrderStatus.PREPARING: "preparing_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.READY: "ready_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.CANCELLED: "cancelled_at",
}
PAYMENT_STAMPS: dict[str, str] = {
    PaymentState.PAID: "paid_at",
    PaymentState.REFUNDED: "refunded_at",
}
SHIPPING_DETAILS = ("shipped_with", "tracking")


@dataclass(frozen=True)
class Order:
    id: int
    chat_id: int
    telegram_user_id: int
    status: OrderStatus
    lines: tuple[OrderLine, ...] = ()
    total_minor: int = 0
    customer_id: int | None = None
    national_id: str = ""
    customer_name: str = ""
    phone: str = ""
    address: str = ""
    neighbourhood: str = ""
    notes: str = ""
    delivery_method: str = ""  # a domain.delivery.Method once confirmed; "" for a cart
    delivery_place: str = ""
    delivery_fee_minor: int = 0  # included in total_minor
    payment_method: str = ""  # a domain.payment.PayKind once confirmed
    payment_state: str = ""  # a domain.payment.PaymentState once confirmed
    payment_ref: str = ""  # the provider's reference (a payment link, a charge id)
    shipped_with: str = ""  # the carrier, when the owner said
    tracking: str = ""  # the carrier's tracking number
    invoice_tax_id: str = ""  # NIT or cédula for an electronic invoice ("" = no invoice)
    invoice_name: str = ""
    invoice_email: str = ""
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    updated_at: datetime | None = None
    preparing_at: datetime | None = None
    shipped_at: datetime | None = None
    ready_at: datetime | None = None
    paid_at: datetime | None = None
    refunded_at: datetime | None = None

    @property
    def lines_total_minor(self) -> int:
        return sum(line.subtotal_minor for line in self.lines)

    @property
    def discount_minor(self) -> int:
        """The lines' volume discounts, taken off total_minor."""
        return sum(line.discount_minor for line in self.lines)

    @property
    def goods_minor(self) -> int:
        """What the products cost, their discount taken off (the total without delivery)."""
        return self.lines_total_minor - self.discount_minor


@dataclass(frozen=True)
class ChatMessage:
    chat_id: int
    direction: str
    text: str
    created_at: datetime | None = None
    intent: str | None = None


@dataclass(frozen=True)
class UpsertResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)


# --- inventory imports (domain.catalog.import_inventory)


@dataclass(frozen=True, slots=True)
class ProductKey:
    """What an import needs of a stored product to match a file's rows to it."""

    id: int
    sku: str
    active: bool
    stock: int = 0


@dataclass(frozen=True, slots=True)
class ProductChange:
    """One change to one product, as the audit keeps it: which field, from what to what
    (a stock movement is "-2"/"+2" in `new`), who did it and from where."""

    product_id: int
    field: str  # a product field name, or "created"
    old: str
    new: str
    actor: str  # "dueño 900", "cliente 7201"
    source: str  # "archivo precios.csv", "/precio", "pedido #12"
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProductPatch:
    """A file row's values; None where the file has no such column (the stored value stays).
    A new product needs at least a name and a price (domain.catalog checks it)."""

    sku: str
    name: str | None = None
    description: str | None = None
    category: str | None = None
    price_minor: int | None = None
    stock: int | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class StagedProduct:
    """A file row on its way in: its line, the product it updates (None: a new one), values."""

    line: int
    product_id: int | None
    values: NewProduct | ProductPatch


@dataclass(frozen=True)
class AppliedImport:
    """Ids of the products an import created, changed and deactivated when applied."""

    created: Sequence[int]
    updated: Sequence[int]
    deactivated: Sequence[int]
    # Per product field (PRODUCT_FIELDS names), how many stored products it changed.
    changed_fields: Mapping[str, int] = field(default_factory=dict)


# --- reports (db/reports.py): read-only rows for stats and exports


@dataclass(frozen=True)
class Sale:
    """An order confirmed in a period, without its lines (for counts and daily totals)."""

    order_id: int
    chat_id: int
    customer_id: int | None
    status: OrderStatus
    total_minor: int
    confirmed_at: datetime
    units: int = 0
    delivery_fee_minor: int = 0  # part of total_minor


@dataclass(frozen=True)
class ProductSales:
    """Units and revenue of one product over a period's sold (not cancelled) orders."""

    product_id: int
    sku: str
    name: str
    units: int
    revenue_minor: int


@dataclass(frozen=True)
class ConversationCounts:
    """Customer chats that wrote in a period, and how many of them ordered in it."""

    chats: int
    converted: int


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as exported: its data, when it was created, and what it has bought."""

    id: int
    telegram_user_id: int | None
    national_id: str | None
    name: str
    phone: str
    address: str
    neighbourhood: str
    notes: str
    created_at: datetime | None
    orders: int = 0
    spent_minor: int = 0


@dataclass(frozen=True)
class MessageRecord:
    """One stored chat message, as exported."""

    id: int
    chat_id: int
    telegram_user_id: int | None
    direction: str
    text: str
    intent: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class Notice:
    """One message owed to one chat."""

    key: str
    chat_id: int
    text: str
    buttons: Buttons = ()
    # An owner's reply to this message reaches this customer (the new-order alert).
    relay_chat_id: int | None = None
    order_id: int | None = None
    photo: str = ""  # a Telegram file_id (a customer's receipt): sent with the text as caption
    # Products whose photos go with the text (a product card: one photo with the text as its
    # caption; a short list: an album, then the text). A product without a photo is skipped.
    product_photos: tuple[int, ...] = ()
