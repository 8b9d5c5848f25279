"""How the customer pays: the shop profile's methods, the customer's choice, the exact
instructions (with the amount) and the payment's state on the order.

Cash is paid on delivery (or at pickup). A transfer — Nequi, Daviplata, a Bre-B key, a bank
account — stays pending until an owner taps "✅ Pago recibido". A payment link and Telegram
Payments are confirmed by the provider (domain.ports.PaymentLinks, bot/payments.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain import texts
from domain.money import format_cop
from rag.normalize import fold


class PayKind(StrEnum):
    """Stored as its value on the order (`payment_method`)."""

    CASH = "cash"
    NEQUI = "nequi"
    DAVIPLATA = "daviplata"
    BREB = "breb"
    BANK = "bank"
    LINK = "link"
    TELEGRAM = "telegram"
    OTHER = "other"  # named by the shop only ("Addi", "datáfono"): the shop sends its data


TRANSFERS = frozenset({PayKind.NEQUI, PayKind.DAVIPLATA, PayKind.BREB, PayKind.BANK})
ONLINE = frozenset({PayKind.LINK, PayKind.TELEGRAM})
# Paid when an owner says so ("✅ Pago recibido", maybe after a receipt photo).
BY_HAND = TRANSFERS | {PayKind.OTHER}

# The words that name each kind, folded (no accents, lower case).
_WORDS: dict[PayKind, str] = {
    PayKind.CASH: r"efectivo|contra ?entrega|contraentrega|al recibir|cash|billete",
    PayKind.NEQUI: r"nequi|nekii?",
    PayKind.DAVIPLATA: r"davi ?plata",
    PayKind.BREB: r"bre ?-? ?b",
    PayKind.BANK: r"transferencia|transferir|consignacion|consignar|cuenta bancaria|"
    r"bancolombia|davivienda|banco de bogota|bbva|banco",
    PayKind.LINK: r"link|enlace|tarjeta|pse|wompi|en linea|online",
    PayKind.TELEGRAM: r"telegram|tarjeta",
}
_KIND_RE = {kind: re.compile(rf"\b({words})\b") for kind, words in _WORDS.items()}


@dataclass(frozen=True)
class PaymentMethod:
    """One way the shop takes money, with what the customer needs to pay that way."""

    kind: PayKind
    label: str  # how the shop names it: "Nequi", "Transferencia Bancolombia"
    number: str = ""  # the Nequi/Daviplata phone, or the bank account number
    holder: str = ""  # whose account it is
    holder_id: str = ""  # the holder's NIT or cédula, as banks ask for it
    key: str = ""  # a Bre-B key (llave): a phone, an e-mail, a document or an @alias
    bank: str = ""
    account_type: str = ""  # "ahorros", "corriente"
    note: str = ""

    @property
    def transfer(self) -> bool:
        """An owner confirms it by hand ("✅ Pago recibido")."""
        return self.kind in BY_HAND

    def details(self) -> str:
        """Where the money goes, without the amount: "Nequi 312 745 9036 a nombre de …"."""
        holder = texts.PAY_HOLDER.format(holder=self.holder) if self.holder else ""
        if self.holder_id:
            holder += texts.PAY_HOLDER_ID.format(holder_id=self.holder_id)
        match self.kind:
            case PayKind.NEQUI | PayKind.DAVIPLATA if self.number:
                where = texts.PAY_TO_WALLET.format(label=self.label, number=self.number)
            case PayKind.BREB if self.key:
                where = texts.PAY_TO_BREB.format(key=self.key)
            case PayKind.BANK if self.number:
                where = texts.PAY_TO_BANK.format(
                    bank=self.bank or self.label,
                    account_type=self.account_type or texts.PAY_ACCOUNT,
                    number=self.number,
                )
            case _:
                where = ""
        if not where:
            return self.note
        return " ".join(part for part in ((where + holder).rstrip(".") + ".", self.note) if part)

    def instructions(self, amount_minor: int, order_id: int, *, pickup: bool) -> str:
        """What the confirmation tells the customer to do, with the exact amount."""
        amount = format_cop(amount_minor)
        match self.kind:
            case PayKind.CASH:
                template = texts.PAY_CASH_PICKUP if pickup else texts.PAY_CASH
                return template.format(amount=amount)
            case PayKind.LINK:
                return texts.PAY_LINK_COMING.format(amount=amount)
            case PayKind.TELEGRAM:
                return texts.PAY_TELEGRAM_COMING.format(amount=amount)
        details = self.details()
        if not details:  # a method listed by name only: the shop sends its data
            return texts.PAY_TRANSFER_NO_DATA.format(label=self.label, amount=amount)
        return texts.PAY_TRANSFER.format(amount=amount, details=details, order_id=order_id)


@dataclass(frozen=True)
class PaymentOptions:
    """The shop's methods, in the profile's order (the first is the default)."""

    methods: tuple[PaymentMethod, ...]

    @property
    def default(self) -> PaymentMethod:
        return self.methods[0]

    def get(self, kind: str | None) -> PaymentMethod | None:
        return next((m for m in self.methods if m.kind == kind), None)

    def chosen(self, kind: str | None) -> PaymentMethod:
        """The method the customer chose; the default when none (or one no longer taken)."""
        return self.get(kind) or self.default

    def labels(self) -> list[str]:
        return [method.label for method in self.methods]

    def named_in(self, text: str) -> tuple[PayKind, ...]:
        """The kinds `text` names, whether the shop takes them or not (most specific first:
        "transferencia a Nequi" is Nequi)."""
        folded = fold(text)
        named = [kind for kind, pattern in _KIND_RE.items() if pattern.search(folded)]
        if len(named) > 1 and PayKind.BANK in named:
            named.remove(PayKind.BANK)  # "transferencia" + the wallet it goes to
        return tuple(named)


def kind_of(label: str) -> PayKind:
    """The kind a method listed by name only is ("Efectivo contra entrega": cash). Online
    kinds need their own setup, so a name never makes one ("Tarjeta (datáfono)": other)."""
    folded = fold(label)
    for kind in (PayKind.CASH, PayKind.NEQUI, PayKind.DAVIPLATA, PayKind.BREB, PayKind.BANK):
        if _KIND_RE[kind].search(folded):
            return kind
    return PayKind.OTHER


def state_line(kind: str, state: str) -> str:
    """How an order's payment reads to the owner and the customer: "Nequi · pendiente"."""
    if not kind:
        return ""
    label = texts.PAY_KIND_LABEL.get(kind, kind)
    return texts.PAY_STATE_LINE.format(label=label, state=texts.PAY_STATE.get(state, state))


# --- online payments (a payment-link provider such as Wompi)


class InvalidPaymentEvent(ValueError):
    """Not an event we can trust: unsigned, wrongly signed, or malformed."""


class PaymentLinkError(Exception):
    """The provider could not create a link (down, refused the request); the text says why."""


@dataclass(frozen=True)
class PaymentLink:
    id: str  # the provider's id: stored on the order as payment_ref, events name it
    url: str  # where the customer pays


@dataclass(frozen=True)
class PaymentEvent:
    """A provider's signed notice about a payment, read into plain values."""

    event_id: str  # unique per transaction and status: the same event twice is seen once
    link_id: str  # the payment link it paid (the order's payment_ref)
    status: str  # PAID, FAILED, VOIDED or PENDING (PaymentEvent.PAID ...)
    amount_minor: int
    method: str = ""  # how the customer paid at the provider (card, PSE, Nequi...)

    PAID = "paid"
    FAILED = "failed"  # declined, or an error: the customer may try again
    VOIDED = "voided"  # an approved payment annulled afterwards
    PENDING = "pending"
