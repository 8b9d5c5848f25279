"""Personal data by the law (Ley 1581 de 2012, Decreto 1377 de 2013): the notice and the
customer's authorisation before the first personal-data question, their own data on request,
and erasure — orders stay for the shop's accounts, without name, phone or address."""

from __future__ import annotations

import re

from domain import texts
from domain.button import Button
from domain.conversation.memory import Contact, Memory
from domain.conversation.rendering import render_contact
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Action, Step, Turn
from domain.model import OPEN_STATUSES
from domain.ports import UnitOfWork
from rag.normalize import fold

ORDERS_LOOKED_AT = 20  # the latest orders looked at, when erasing, for one still to deliver

MY_DATA_RE = re.compile(
    r"\b(que|cuales) datos (personales )?(tienen|tienes|guardan|guardas|hay|manejan) "
    r"(de|sobre) mi\b|\b(ver|mostrar|muestrame|consultar) mis datos\b|^mis datos\??$"
)
ERASE_RE = re.compile(
    r"\b(borr|elimin|suprim|quit)\w* (todos )?(mis|los) datos( personales)?\b|"
    r"\bolvid\w* mis datos\b|\bno (quiero|quiera) que (tengan|guarden) mis datos\b"
)


# The notice answered in words: "no autorizo", "sí, acepto", "de acuerdo".
CONSENT_NO_RE = re.compile(
    r"\bno (te |les |lo |los )?(autorizo|acepto|doy|deseo|quiero dar)\b|\bno estoy de acuerdo\b"
)
CONSENT_YES_RE = re.compile(
    r"^((si|claro|ok|okey|dale|listo|bueno|de una|pues|ah|ya|entonces)[,.! ]*){0,3}"
    r"((te |les |los |lo )?autorizo|acepto|"
    r"de acuerdo|estoy de acuerdo)\b"
)
# "¿para qué necesitan mis datos?": what they are for, before answering.
WHY_DATA_RE = re.compile(
    r"\b(para que|por que|que hacen con|como usan|donde guardan)\b.*\b(datos|cedula|"
    r"informacion|necesitan|piden|quieren)\b"
)


def consent_in_words(text: str) -> bool | None:
    """ "no autorizo": False; "sí, autorizo", "acepto": True; None for anything else."""
    folded = fold(text).strip()
    if CONSENT_NO_RE.search(folded):
        return False
    if CONSENT_YES_RE.search(folded):
        return True
    return None


def asks_why(text: str) -> bool:
    return bool(WHY_DATA_RE.search(fold(text)))


def explain(front: Shopfront, turn: Turn) -> None:
    """What each piece of data is for, the policy, and the question again with its buttons."""
    why = texts.PRIVACY_WHY.format(shop=front.shop.name, policy=_policy(front))
    turn.say(why + "\n\n" + texts.CONSENT_AGAIN)
    turn.buttons = CONSENT_BUTTONS


def asks_my_data(text: str) -> bool:
    return bool(MY_DATA_RE.search(fold(text).strip()))


def asks_erase(text: str) -> bool:
    return bool(ERASE_RE.search(fold(text)))


def ask_consent(front: Shopfront, turn: Turn) -> None:
    """The notice, with the shop's policy, and the two buttons."""
    shop = front.shop
    turn.say(texts.PRIVACY_NOTICE.format(shop=shop.name, policy=_policy(front)))
    turn.buttons = CONSENT_BUTTONS
    turn.step = Step.CONSENT


def _policy(front: Shopfront) -> str:
    """The shop's data policy (a text or a link), else how to ask for it."""
    shop = front.shop
    return shop.privacy_policy or texts.PRIVACY_POLICY_ASK.format(phone=shop.phone)


CONSENT_BUTTONS = (
    (
        Button(texts.BUTTON_CONSENT_YES, Action.CONSENT_YES),
        Button(texts.BUTTON_CONSENT_NO, Action.CONSENT_NO),
    ),
)


async def answer_consent(front: Shopfront, uow: UnitOfWork, turn: Turn, *, accepted: bool) -> bool:
    """Store the authorisation (with its time) and say so; without it, nothing personal is
    asked or kept, and the customer is told how else to order. True when accepted."""
    if not accepted:
        shop = front.shop
        other = f" o por WhatsApp al {shop.whatsapp}" if shop.whatsapp else ""
        turn.say(texts.PRIVACY_DECLINED.format(phone=shop.phone, whatsapp=other))
        turn.memory.contact = None
        turn.memory.consent_declined = True
        turn.step = Step.CART
        return False
    turn.memory.consent_declined = False
    await uow.customers.give_consent(turn.chat.user_id)
    turn.say(texts.PRIVACY_ACCEPTED)
    return True


async def show_my_data(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """ "¿qué datos tienen de mí?": their own record (by their Telegram account) only."""
    contact = await own_contact(uow, turn.chat.user_id)
    consent = await uow.customers.consent_of(turn.chat.user_id)
    if contact is None or not any(contact.value(f) for f in ("name", "phone", "national_id")):
        turn.say(texts.MY_DATA_NONE)
        return
    data = render_contact(contact)
    when = consent.astimezone(front.timezone).strftime("%d/%m/%Y") if consent else texts.NO_CONSENT
    turn.say(texts.MY_DATA.format(data=data, date=when))


async def own_contact(uow: UnitOfWork, telegram_user_id: int) -> Contact | None:
    """The data this account gave before: its customer record, with the cédula of its
    latest order when the record has none (a cédula registered by another account is kept
    on the order only — so that the account sees the same as any other customer)."""
    known = await uow.customers.by_telegram_user(telegram_user_id)
    if known is None:
        return None
    contact = Contact.of(known)
    if not known.national_id:
        latest = await uow.orders.list_for_user(telegram_user_id, limit=1)
        if latest and latest[0].national_id:
            contact = contact.with_value("national_id", latest[0].national_id)
    return contact


def ask_erase(turn: Turn) -> None:
    turn.say(texts.ASK_ERASE)
    turn.buttons = (
        (
            Button(texts.BUTTON_ERASE_YES, Action.ERASE_YES),
            Button(texts.BUTTON_ERASE_NO, Action.ERASE_NO),
        ),
    )
    turn.step = Step.ERASING


async def erase(uow: UnitOfWork, turn: Turn) -> None:
    """Anonymise everything personal, in one transaction; the chat starts afresh. Orders the
    shop still owes keep their delivery data until delivered or cancelled (said)."""
    owed = [
        order
        for order in await uow.orders.list_for_user(turn.chat.user_id, limit=ORDERS_LOOKED_AT)
        if order.status in OPEN_STATUSES
    ]
    await uow.customers.erase(turn.chat.user_id, turn.chat.chat_id)
    turn.memory = Memory()
    turn.step = Step.BROWSING
    if owed:
        numbers = ", ".join(f"#{order.id}" for order in reversed(owed))
        turn.say(texts.ERASED_BUT_OWED.format(orders=numbers))
    else:
        turn.say(texts.ERASED)
    turn.erased = True
