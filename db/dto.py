"""Plain dataclasses the repositories return; no ORM rows leave db/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class NewProduct:
    sku: str
    name: str
    description: str
    category: str
    price_minor: int
    stock: int
    active: bool = True


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

    @property
    def subtotal_minor(self) -> int:
        return self.unit_price_minor * self.quantity


@dataclass(frozen=True)
class Order:
    id: int
    chat_id: int
    telegram_user_id: int
    status: str
    lines: tuple[OrderLine, ...] = ()
    total_minor: int = 0
    customer_id: int | None = None
    national_id: str = ""
    customer_name: str = ""
    phone: str = ""
    address: str = ""
    neighbourhood: str = ""
    notes: str = ""
    created_at: datetime | None = None
    confirmed_at: datetime | None = None

    @property
    def lines_total_minor(self) -> int:
        return sum(line.subtotal_minor for line in self.lines)


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
