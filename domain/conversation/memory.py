"""What the conversation remembers between messages: typed, versioned, stored as JSON.

The FSM storage keeps `Memory.dump()`; `Memory.load()` reads every version ever written
(schema 0 is the string-keyed dict of the first SalesAgent, see tests/fixtures/memory_v0),
so a deploy never breaks a chat in progress. Anything unreadable is forgotten, not fatal:
the customer is asked again rather than stuck.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from domain.delivery import Choice, Method
from domain.model import CUSTOMER_FIELDS, Customer, InvoiceData

# 1: the typed memory. 2: adds `delivery` (absent in 1: chosen at the summary as for anyone).
# 3: adds `payment` (absent before: the shop's first method, changeable at the summary).
# 4: adds `invoice` (absent before: no factura asked for).
# 5: adds `more` (absent before: "ver más" has nothing to follow) and `alternatives` (absent:
# no "¿Te muestro otras opciones?" pending).
# 6: adds `carrier_asked` and `unknown_town` (absent before: no municipality question pending).
# 7: adds `earlier` (absent before: nothing shown before the last products), `quoted`
# (absent: no priced items waiting for a "sí") and `town_asked` (absent: no town asked about).
# 8: adds `consent_declined` (absent before: the data notice not declined in this chat).
SCHEMA_VERSION = 8


@dataclass(frozen=True)
class Contact:
    """Delivery data the customer gives at checkout; None = not asked yet, "" = skipped."""

    national_id: str | None = None
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    neighbourhood: str | None = None
    notes: str | None = None

    @classmethod
    def of(cls, customer: Customer) -> Contact:
        return cls(**{name: getattr(customer, name) or "" for name in CONTACT_FIELDS})

    def with_value(self, name: str, value: str) -> Contact:
        return replace(self, **{name: value})

    def without(self, name: str) -> Contact:
        """The same data with `name` unanswered (to be asked again)."""
        return replace(self, **{name: None})

    def answered(self, name: str) -> bool:
        return getattr(self, name) is not None

    def value(self, name: str) -> str:
        return getattr(self, name) or ""

    def complete(self) -> bool:
        return all(self.answered(name) for name in CONTACT_FIELDS)


CONTACT_FIELDS = CUSTOMER_FIELDS  # Contact has exactly these attributes (a test checks)


@dataclass(frozen=True)
class Offer:
    """ "Solo tengo 7… ¿Los llevas?": what a yes would put in the cart."""

    product_id: int
    quantity: int


@dataclass(frozen=True)
class Pick:
    """ "¿Cuál de estas quieres?" was asked; the quantity said before, if any."""

    quantity: int | None = None


@dataclass
class Memory:
    offer: Offer | None = None
    awaiting_quantity: int | None = None  # the product whose quantity was asked
    pick: Pick | None = None
    listed: list[int] = field(default_factory=list)  # the numbered list last shown
    shown: list[int] = field(default_factory=list)  # products just talked about
    earlier: list[int] = field(default_factory=list)  # those talked about before them
    best_match: int | None = None  # a clear winner of the last search ("quiero 10")
    last_query: str = ""
    queued: list[str] = field(default_factory=list)  # items of a multi-item order, waiting
    contact: Contact | None = None  # None until the checkout starts
    known_national_id: str | None = None  # data found by a cédula: used, never shown
    delivery: Choice | None = None  # chosen at checkout; None: follows from the address
    payment: str | None = None  # a domain.payment.PayKind chosen; None: the shop's first
    invoice: InvoiceData | None = None  # a factura asked for (its data as given so far)
    more: str = ""  # the ▶ button of the last list: what "ver más" shows
    alternatives: str = ""  # "¿Te muestro otras opciones?" was asked about these words
    quoted: list[str] = field(default_factory=list)  # items priced: "sí" puts them in the cart
    town_asked: str = ""  # the town a delivery question last named (served or by carrier)
    # The municipality question (set each time it is asked, checkout.ask_town, ask_carrier_town):
    carrier_asked: bool = False  # "Otro municipio" chosen: any municipality named goes by carrier
    unknown_town: str = ""  # a place no zone serves was typed: by carrier once confirmed
    consent_declined: bool = False  # "No autorizo" to the data notice, the cart kept

    def waiting(self) -> bool:
        """The bot just asked something about a product (an offer, which one, how many)."""
        return self.offer is not None or self.awaiting_quantity is not None or self.pick is not None

    def forget_questions(self) -> None:
        self.offer = self.awaiting_quantity = self.pick = None

    def dump(self) -> dict[str, Any]:
        data = asdict(self)
        data["v"] = SCHEMA_VERSION
        return data

    @classmethod
    def load(cls, data: Mapping[str, Any] | None) -> Memory:
        """Any stored version; a field that cannot be read is left at its default."""
        if not data:
            return cls()
        if "v" not in data:
            data = _v0_as_v1(data)
        pick = data.get("pick")
        return cls(
            offer=_offer(data.get("offer")),
            awaiting_quantity=_int(data.get("awaiting_quantity")),
            pick=Pick(_int(pick.get("quantity"))) if isinstance(pick, Mapping) else None,
            listed=_ints(data.get("listed")),
            shown=_ints(data.get("shown")),
            earlier=_ints(data.get("earlier")),
            best_match=_int(data.get("best_match")),
            last_query=_str(data.get("last_query")),
            queued=_strs(data.get("queued")),
            contact=_contact(data.get("contact")),
            known_national_id=_str(data.get("known_national_id")) or None,
            delivery=_choice(data.get("delivery")),
            payment=_str(data.get("payment")) or None,
            invoice=_invoice(data.get("invoice")),
            more=_str(data.get("more")),
            alternatives=_str(data.get("alternatives")),
            quoted=_strs(data.get("quoted")),
            town_asked=_str(data.get("town_asked")),
            carrier_asked=data.get("carrier_asked") is True,
            unknown_town=_str(data.get("unknown_town")),
            consent_declined=data.get("consent_declined") is True,
        )


# Schema 0 (the first SalesAgent's dict) key -> schema 1 field, where only the name changed.
V0_NAMES = {
    "awaiting_qty": "awaiting_quantity",
    "list_ids": "listed",
    "last_ids": "shown",
    "best_id": "best_match",
    "draft": "contact",
}


def _v0_as_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """Schema 0 renamed to schema 1; the loader then reads it like any stored memory."""
    upgraded = {V0_NAMES.get(key, key): value for key, value in data.items()}
    # "pending_qty": null still meant "which one?" was asked, without a quantity.
    if "pending_qty" in upgraded:
        upgraded["pick"] = {"quantity": upgraded.pop("pending_qty")}
    return upgraded


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _ints(value: object) -> list[int]:
    if not isinstance(value, list):
        return []
    return [n for n in map(_int, value) if n is not None]


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _offer(value: object) -> Offer | None:
    if not isinstance(value, Mapping):
        return None
    product_id, quantity = _int(value.get("product_id")), _int(value.get("quantity"))
    if product_id is None or quantity is None:
        return None
    return Offer(product_id, quantity)


def _choice(value: object) -> Choice | None:
    if not isinstance(value, Mapping):
        return None
    try:
        method = Method(_str(value.get("method")))
    except ValueError:
        return None
    return Choice(method, _str(value.get("place")))


def _invoice(value: object) -> InvoiceData | None:
    if not isinstance(value, Mapping):
        return None
    return InvoiceData(*(_str(value.get(key)) for key in ("tax_id", "name", "email")))


def _contact(value: object) -> Contact | None:
    if not isinstance(value, Mapping):
        return None
    return Contact(**{k: v for k, v in value.items() if k in CONTACT_FIELDS and isinstance(v, str)})
