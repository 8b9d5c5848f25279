"""SQLAlchemy 2 models. Money is integer minor units (centavos); never float."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UtcDateTime
from domain.model import OrderStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        # Imports match skus without case ("ext-abc-20" is EXT-ABC-20): indexed, not scanned.
        Index("ix_products_sku_lower", func.lower(text("sku"))),
        # Browsing a category a page at a time (/catalogo), at 100k products too.
        Index("ix_products_category_name", "category", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    price_minor: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ProductPhotoRow(Base):
    """A product's photo: an https URL or the bytes of an image from the owner's ZIP until
    Telegram has it, then its file_id (sent by id from then on, never uploaded again)."""

    __tablename__ = "product_photos"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    file_id: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    national_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class OrderRow(Base):
    """A cart while its status is OrderStatus.CART; an order once confirmed."""

    __tablename__ = "orders"
    __table_args__ = (
        Index(
            "uq_orders_open_cart",
            "chat_id",
            unique=True,
            sqlite_where=text(f"status = '{OrderStatus.CART.value}'"),
            postgresql_where=text(f"status = '{OrderStatus.CART.value}'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.CART.value, index=True)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Delivery data as confirmed by the customer (a snapshot; the customer may change later).
    national_id: Mapped[str] = mapped_column(String(20), default="")
    customer_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(String(300), default="")
    # How it is delivered (domain.delivery.Method), where, and the fee (part of total_minor).
    delivery_method: Mapped[str] = mapped_column(String(20), default="")
    delivery_place: Mapped[str] = mapped_column(String(120), default="")
    delivery_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # How it is paid (domain.payment.PayKind), the payment's state and provider reference.
    payment_method: Mapped[str] = mapped_column(String(20), default="")
    payment_state: Mapped[str] = mapped_column(String(20), default="")
    payment_ref: Mapped[str] = mapped_column(String(120), default="", index=True)
    shipped_with: Mapped[str] = mapped_column(String(80), default="")
    tracking: Mapped[str] = mapped_column(String(80), default="")
    # Electronic invoice data, when the customer asked for a factura.
    invoice_tax_id: Mapped[str] = mapped_column(String(20), default="")
    invoice_name: Mapped[str] = mapped_column(String(160), default="")
    invoice_email: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    preparing_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When the idle-cart reminder went out; a cart is reminded once at most.
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    lines: Mapped[list[OrderLineRow]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLineRow.id"
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # Indexed: "también te puede servir" reads what was bought with a product.
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    # The volume discount the line was sold with (off the order's total); 0 while a cart.
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    order: Mapped[OrderRow] = relationship(back_populates="lines")


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_chat_id_id", "chat_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProcessedUpdateRow(Base):
    """An update already handled: bot id, update id and a digest of its content.

    The digest tells a redelivered update (identical) from a new one that reuses an id
    (another Bot API server, a new token on the same database).
    """

    __tablename__ = "processed_updates"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class ParkedUpdateRow(Base):
    """An update still being handled after a few seconds (a big import), kept so that it can
    be acknowledged to Telegram without being lost: a restart handles it again unless its
    processed mark says it was done (bot/inflight.py)."""

    __tablename__ = "parked_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    parked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FsmStateRow(Base):
    """aiogram FSM state and data, one row per full StorageKey."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    bot_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    business_connection_id: Mapped[str | None] = mapped_column(String(100))
    destiny: Mapped[str] = mapped_column(String(50))
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class PausedChatRow(Base):
    """A customer chat an owner has taken over: no automatic replies until resumed."""

    __tablename__ = "paused_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    paused_by: Mapped[int] = mapped_column(BigInteger)
    paused_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RelayLinkRow(Base):
    """A customer message shown to an owner: the owner's reply to it goes to that customer."""

    __tablename__ = "relay_links"

    owner_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class UploadStatusRow(Base):
    """The status message an inventory upload is reported in: an upload handled again after a
    restart (a parked update) edits the same message instead of leaving it behind."""

    __tablename__ = "upload_status"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    status_message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class AppliedUploadRow(Base):
    """An inventory upload applied (chat, document, choice): claimed inside the import's swap
    transaction, so a replay after a crash or a double tap never applies it twice (an
    'entrada de mercancía' would add its stock again)."""

    __tablename__ = "applied_uploads"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StockAlertRow(Base):
    """A product the owners were told is running low; removed when stock recovers."""

    __tablename__ = "stock_alerts"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    alerted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class JobRunRow(Base):
    """A scheduled job's run for one period (a day): claimed once, so a rerun does nothing."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(50), primary_key=True)
    run_key: Mapped[str] = mapped_column(String(50), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class OutboxRow(Base):
    """A message a state change promised, written in the same transaction as the change.

    bot/outbox.py sends it, retrying with backoff until Telegram takes it (`sent`, with the
    message id), the chat blocked the bot (`blocked`) or Telegram refuses it for good
    (`failed`). `next_attempt_at` is also the lease: whoever wrote the row sends it first,
    and the sweeper only takes rows whose time has come.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(Text, default="")  # JSON rows of [text, data]
    relay_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    order_id: Mapped[int | None] = mapped_column(Integer)
    photo: Mapped[str] = mapped_column(String(200), default="")  # a Telegram file_id
    # Product ids whose photos go with the text ("12,40"): a product card or a short list.
    product_photos: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(String(300), default="")


class ProductChangeRow(Base):
    """The audit of product changes (domain.model.ProductChange): imports, quick edits,
    sales and cancels each leave rows here; `/historial SKU` reads the latest."""

    __tablename__ = "product_changes"
    __table_args__ = (Index("ix_product_changes_product_id_id", "product_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(20))
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ConsentRow(Base):
    """A customer's authorisation to process their personal data (Ley 1581 de 2012), given
    before the first personal-data question; deleted when they ask to erase their data."""

    __tablename__ = "consents"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    accepted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class IdentityProofRow(Base):
    """A chat's attempt to prove a registered cédula by the phone on file: counted, so that a
    chat cannot try phone numbers without end (checkout._proves_known)."""

    __tablename__ = "identity_proofs"
    __table_args__ = (Index("ix_identity_proofs_chat_id_at", "chat_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PaymentEventRow(Base):
    """A payment provider's event, once: the same event delivered twice is found here and
    changes nothing the second time."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(120))
    order_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(40), default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ProductStagingRow(Base):
    """A row of an inventory upload on its way in (domain.catalog.import_inventory).

    An import writes its rows here a few thousand at a time, each chunk its own short
    transaction, then applies them to `products` in one set-based transaction and deletes
    them. `import_id` keeps imports apart: the rows of one that crashed are never applied
    by another, and the next import removes them once they are an hour old.
    """

    __tablename__ = "product_staging"
    __table_args__ = (Index("ix_product_staging_import_id_product_id", "import_id", "product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[str] = mapped_column(String(32))
    line: Mapped[int] = mapped_column(Integer)  # 0 for a deactivation
    # The product a row updates (None: a new product) or, with `deactivate`, hides.
    product_id: Mapped[int | None] = mapped_column(Integer)
    deactivate: Mapped[bool] = mapped_column(Boolean, default=False)
    sku: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(120))
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    stock: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool | None] = mapped_column(Boolean)
    staged_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
