"""Electronic invoice data, asked only when the customer wants a factura (and the shop
profile has `electronic_invoice = true`): NIT or cédula, name or razón social, e-mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from domain import texts
from domain.conversation import asides
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Step, Turn
from domain.language import InfoTopic, Intent, Understanding
from domain.model import InvoiceData
from domain.ports import UnitOfWork
from domain.validators import (
    clean_business_name,
    clean_email,
    clean_tax_id,
    wrong_check_digit,
)
from rag.normalize import fold


@dataclass(frozen=True)
class Field:
    name: str  # the InvoiceData attribute
    prompt: str
    clean: Callable[[str], str | None]
    invalid: str


FIELDS = {
    Step.INVOICE_TAX_ID: Field(
        "tax_id", texts.ASK_INVOICE_TAX_ID, clean_tax_id, texts.INVALID_INVOICE_TAX_ID
    ),
    Step.INVOICE_NAME: Field(
        "name", texts.ASK_INVOICE_NAME, clean_business_name, texts.INVALID_INVOICE_NAME
    ),
    Step.INVOICE_EMAIL: Field(
        "email", texts.ASK_INVOICE_EMAIL, clean_email, texts.INVALID_INVOICE_EMAIL
    ),
}
# "quiero factura", "con factura a nombre de mi empresa", "me la facturan": a wish, not a
# question about whether the shop invoices ("¿dan factura?" is answered with its policy).
WANTS_RE = re.compile(
    r"\b(quiero|quisiera|necesito|requiero|con|me (das|da|dan|hace|haces|hacen|expide|expiden)"
    r"|hagan|haga|hazme|ponle|pon)\b.*\bfactura|\bme la factur|\bfactur(amela|enmela|ala)\b"
    r"|a nombre de (mi|la) empresa"
)


# "a nombre de Constructora ABC SAS": who the factura is made out to, said while shopping.
NAMED_FOR_RE = re.compile(
    r"(?:\b(?:la )?factura )?\ba nombre de:?\s+(?P<name>[^,;!?¿\n]{3,160}?)"
    r"(?:\s+(?:por favor|porfa|porfis|gracias))?\s*(?:\.\s|[,;!?¿\n]|\.?$)",
    re.IGNORECASE,
)
# "a nombre de mi empresa" names no one: the name is asked at the end.
NOT_A_NAME = frozenset(
    {"mi empresa", "la empresa", "una empresa", "empresa", "quien", "mi compania", "la compania"}
)


def company_named(front: Shopfront, text: str) -> tuple[str, str] | None:
    """The name a factura goes to, said outright ("a nombre de Obras y Montajes S.A.S."), and
    the rest of the message; None when there is none (or the shop does not invoice)."""
    found = NAMED_FOR_RE.search(text) if offered(front) else None
    if found is None:
        return None
    said = found.group("name").strip(" .")
    if re.search(r"(?:\b[A-Za-z]\.)+[A-Za-z]$", said):  # "S.A.S." keeps its last dot
        said += "."
    name = clean_business_name(said)
    if name is None or fold(name) in NOT_A_NAME:
        return None
    return name, (text[: found.start()] + " " + text[found.end() :]).strip()


def note_company(turn: Turn, name: str) -> None:
    turn.memory.invoice = replace(turn.memory.invoice or InvoiceData(), name=name)
    turn.say(texts.INVOICE_NAME_NOTED.format(name=name))


def offered(front: Shopfront) -> bool:
    return front.shop.electronic_invoice


def wants(front: Shopfront, meaning: Understanding, text: str) -> bool:
    """The customer asks for a factura for this order."""
    if not offered(front) or InfoTopic.INVOICE not in meaning.topics:
        return False
    return bool(WANTS_RE.search(fold(text)))


# "NIT 900.123.456-8", "mi nit es …"; a number with a check digit ("900123456-8").
NIT_WORD_RE = re.compile(r"^(?:mi |el )?nit\b")
CHECK_DIGIT_RE = re.compile(r"\d\s*-\s*\d$")


def tax_id_typed(front: Shopfront, text: str) -> str | None:
    """The NIT a customer types at the summary without asking for the factura first (the
    wish is plain): what to answer the factura's first question with; None otherwise (a
    bare number may be a cédula or a phone being corrected)."""
    said = fold(text).strip(" .")
    if not offered(front) or not (NIT_WORD_RE.match(said) or CHECK_DIGIT_RE.search(said)):
        return None
    if clean_tax_id(said) is None and wrong_check_digit(said) is None:
        return None
    return said


async def take_tax_id(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, tax_id: str
) -> bool:
    """The NIT typed at the summary, as the answer to the factura's first question (a wrong
    check digit is told); True once the factura's data is all in."""
    turn.memory.invoice = turn.memory.invoice or InvoiceData()
    turn.step = Step.INVOICE_TAX_ID
    return await on_field(front, uow, turn, meaning, tax_id)


def pending(turn: Turn) -> bool:
    """A factura was asked for and its data is not all there."""
    invoice = turn.memory.invoice
    return invoice is not None and not invoice.complete()


def ask(turn: Turn, prefix: str = "") -> None:
    """The first invoice field still missing."""
    invoice = turn.memory.invoice or InvoiceData()
    for step, rule in FIELDS.items():
        if not getattr(invoice, rule.name):
            turn.step = step
            turn.say(prefix + rule.prompt)
            return


def begin(turn: Turn) -> bool:
    """Ask for the invoice data; False when it is all there already (show the summary)."""
    turn.memory.invoice = turn.memory.invoice or InvoiceData()
    if not pending(turn):
        return False
    ask(turn)
    return True


def drop(turn: Turn) -> None:
    turn.memory.invoice = None


async def on_field(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """The answer to the invoice field being asked; True once all the data is in."""
    rule = FIELDS[turn.step]
    value = rule.clean(text)
    if meaning.is_question or (value is None and meaning.intent in asides.ASIDE_INTENTS):
        await asides.answer_aside(front, uow, turn, meaning, text)
        turn.say(texts.RESUME.format(prompt=rule.prompt))
        return False
    if value is None or meaning.intent in (Intent.GREETING, Intent.THANKS):
        turn.say(_invalid(rule, text) if value is None else rule.prompt)
        return False
    turn.memory.invoice = replace(turn.memory.invoice or InvoiceData(), **{rule.name: value})
    if pending(turn):
        ask(turn)
        return False
    return True


def _invalid(rule: Field, text: str) -> str:
    """Why the answer was not taken: a NIT whose check digit is not its own is told so."""
    wrong = wrong_check_digit(text) if rule.name == "tax_id" else None
    if wrong is None:
        return rule.invalid
    number, check = wrong
    return texts.INVALID_NIT_CHECK_DIGIT.format(number=number, check=check)


def summary_line(turn: Turn) -> str:
    invoice = turn.memory.invoice
    if invoice is None or not invoice.complete():
        return ""
    return texts.SUMMARY_INVOICE.format(
        tax_id=invoice.tax_id, name=invoice.name, email=invoice.email
    )


def stamp(front: Shopfront, turn: Turn) -> str | None:
    """For the confirm buttons: None when the shop makes no invoices, "" when none was asked
    for, else the tax id it goes to."""
    if not offered(front):
        return None
    invoice = turn.memory.invoice
    return invoice.tax_id if invoice is not None and invoice.complete() else ""
