"""The checkout: delivery data one field at a time, a returning customer's data, the summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain import texts
from domain.button import Button, Buttons
from domain.conversation import asides, billing, cart, paying, privacy
from domain.conversation.delivering import quote_for, said_where
from domain.conversation.memory import Contact, Memory
from domain.conversation.rendering import listed, render_cart, render_contact
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import (
    DATA_BUTTONS,
    FIELD_STEPS,
    SKIP_BUTTONS,
    Action,
    Step,
    Turn,
    confirm_buttons,
)
from domain.delivery import Choice, Method, Quote, describe
from domain.language import Intent, Understanding
from domain.language.patterns import BUY_RE, SET_RE
from domain.language.words import STOPWORDS
from domain.model import NOT_YET_SENT, InvoiceData, Order, Product
from domain.money import format_cop
from domain.ports import UnitOfWork
from domain.validators import (
    clean_address,
    clean_municipality,
    clean_national_id,
    clean_neighbourhood,
    clean_notes,
    clean_person_name,
    clean_phone,
    is_skip,
    neighbourhood_in,
)
from rag.normalize import fold


@dataclass(frozen=True)
class Field:
    """One piece of delivery data: where it goes, how it is asked and checked."""

    name: str  # the Contact (and Customer) attribute
    prompt: str
    clean: Callable[[str], str | None]  # the value to store, or None when invalid
    invalid: str


FIELDS: dict[Step, Field] = {
    Step.NATIONAL_ID: Field(
        "national_id", texts.ASK_NATIONAL_ID, clean_national_id, texts.INVALID_NATIONAL_ID
    ),
    Step.NAME: Field("name", texts.ASK_NAME, clean_person_name, texts.INVALID_NAME),
    Step.PHONE: Field("phone", texts.ASK_PHONE, clean_phone, texts.INVALID_PHONE),
    Step.ADDRESS: Field("address", texts.ASK_ADDRESS, clean_address, texts.INVALID_ADDRESS),
    Step.NEIGHBOURHOOD: Field(
        "neighbourhood", texts.ASK_NEIGHBOURHOOD, clean_neighbourhood, texts.INVALID_NEIGHBOURHOOD
    ),
    Step.NOTES: Field("notes", texts.ASK_NOTES, clean_notes, texts.INVALID_NOTES),
}


def prompt_of(step: Step, memory: Memory) -> str:
    if step == Step.CONSENT:  # the notice itself was shown just before
        return texts.CONSENT_AGAIN
    if step == Step.MUNICIPALITY:
        return texts.ASK_MUNICIPALITY if memory.carrier_asked else texts.ASK_TOWN
    if step in billing.FIELDS:
        return billing.FIELDS[step].prompt
    return FIELDS[step].prompt if step in FIELDS else texts.WHAT_ELSE


def buttons_of(front: Shopfront, step: Step, memory: Memory) -> Buttons:
    """The buttons that go with `step`'s prompt (asked again, or resumed after an aside).
    The municipality question as it stands: after "Otro municipio" the name is typed (no
    buttons); a place typed and not yet confirmed keeps its "Transportadora a …"."""
    if step == Step.NOTES:
        return SKIP_BUTTONS
    if step == Step.CONSENT:
        return privacy.CONSENT_BUTTONS
    if step == Step.MUNICIPALITY and not memory.carrier_asked:
        return town_buttons(front, carrier_to=memory.unknown_town)
    return ()


async def begin(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if not current or not current.lines:
        turn.say(texts.CART_EMPTY)
        turn.step = Step.BROWSING
        return
    turn.memory.forget_questions()
    turn.memory.queued = []
    if await uow.customers.consent_of(turn.chat.user_id) is None:
        privacy.ask_consent(front, turn)  # before the first personal-data question
        return
    if turn.memory.contact is not None and turn.memory.contact.complete():
        await town_or_summary(front, uow, turn)
        return
    own = await privacy.own_contact(uow, turn.chat.user_id)
    if own is not None and own.complete():
        turn.memory.contact = own
        name = own.value("name")
        first = name.split()[0] if name else ""
        data = render_contact(own)
        turn.say(texts.KNOWN_CUSTOMER.format(first=first, data=data))
        turn.buttons = DATA_BUTTONS
        turn.step = Step.CONFIRM_DATA
        return
    turn.memory.contact = Contact()
    turn.say(texts.CHECKOUT_START + " " + texts.ASK_NATIONAL_ID)
    turn.step = Step.NATIONAL_ID


async def on_field(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str, skip: bool
) -> None:
    """The customer's answer to the field being asked — or a question asked instead."""
    step, rule = turn.step, FIELDS[turn.step]
    if step != Step.NOTES and meaning.intent in (Intent.GREETING, Intent.THANKS):
        turn.say(rule.prompt)
        return
    if step == Step.NATIONAL_ID and meaning.is_question and "para qu" in fold(text):
        turn.say(texts.WHY_NATIONAL_ID + "\n\n" + rule.prompt)
        return
    if step == Step.NATIONAL_ID and _ID_DOUBTED_RE.search(fold(text)):  # "¿es obligatoria?"
        needed = texts.NATIONAL_ID_NEEDED.format(phone=front.shop.written_contact)
        turn.say(texts.WHY_NATIONAL_ID + " " + needed + "\n\n" + rule.prompt)
        return
    if _goes_back(text) and step != FIELD_STEPS[0]:  # "volver": the field before, again
        redo(turn, FIELDS[FIELD_STEPS[FIELD_STEPS.index(step) - 1]].name, back=True)
        return
    if (given := several_fields(text)) and step != Step.NOTES:  # "cc 1037…, juan, cel 300…"
        contact = turn.memory.contact or Contact()
        for field_name, field_value in given.items():
            contact = contact.with_value(field_name, field_value)
        turn.memory.contact = contact
        if "address" in given and "neighbourhood" not in given:
            _neighbourhood_from(front, turn, given["address"])
        turn.say(texts.DATA_TAKEN)
        await next_field(front, uow, turn)
        return
    if step != Step.NOTES and await _fixes_given(
        front, uow, turn, meaning, text
    ):  # "perdón, el cel…"
        if turn.step == step:
            turn.say(rule.prompt)
        return
    if billing.wants(front, meaning, text):  # "con factura, por favor": asked at the end
        turn.memory.invoice = turn.memory.invoice or InvoiceData()
        turn.say(texts.INVOICE_NOTED_LATER + "\n\n" + rule.prompt)
        if step == Step.NOTES:
            turn.buttons = SKIP_BUTTONS
        return
    if edits_cart(step, meaning, text) and not asides.complains(text):  # not "llevo media hora"
        await edit_cart_then_resume(front, uow, turn, meaning, rule.prompt)
        return
    if step == Step.ADDRESS and _picks_up(front, text):
        await _pick_up(front, uow, turn)
        return
    value = "" if skip else rule.clean(text)
    asked = meaning.is_question and (step != Step.NOTES or meaning.intent != Intent.OTHER)
    aside = (
        asked
        or meaning.intent in asides.ASIDE_INTENTS
        or (value is None and meaning.intent == Intent.SHOP_INFO)
        or asides.complains(text)
    )
    if value is None or aside:
        if aside:
            await asides.answer_aside(front, uow, turn, meaning, text)
            turn.say(texts.RESUME.format(prompt=rule.prompt))
        else:
            turn.say(rule.invalid)
        if step == Step.NOTES:
            turn.buttons = SKIP_BUTTONS
        return
    turn.memory.contact = (turn.memory.contact or Contact()).with_value(rule.name, value)
    if step == Step.ADDRESS:  # "…, El Poblado, Medellín": the barrio is not asked again
        _neighbourhood_from(front, turn, value)
    if step == Step.PHONE and await _proves_known(uow, turn, value):
        return
    await next_field(front, uow, turn)


# "perdón", "me equivoqué": what follows corrects a field given before.
_CORRECTING_RE = re.compile(
    r"\b(perdon|disculp\w*|me equivoque|equivoque|equivoco|corrij\w*|correccion|error|"
    r"mal|en realidad|cambi\w*)\b"
)
# "el teléfono es otro", "la cédula está mal": a field to give again, its value not said.
_WRONG_RE = re.compile(r"\b(otro|otra|mal|equivoque|equivocado|equivocada|errado|errada)\b")
# "no quiero dar la cédula", "¿es obligatorio?", "¿por qué me la piden?": not a number.
_ID_DOUBTED_RE = re.compile(
    r"\b(no (la |se la |te la |les )?(quiero|puedo) dar|prefiero no|obligatori\w*|"
    r"es necesari\w*|toca dar|sin (la )?cedula|por que (me )?(la )?(piden|pide|necesitan))\b"
)
_BACK_RE = re.compile(r"(quiero )?(volver|regresar|devolverme|atras)( atras)?|paso anterior")


def _goes_back(text: str) -> bool:
    return _BACK_RE.fullmatch(fold(text).strip(" .,!¡?¿")) is not None


async def _fixes_given(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """A field given before, corrected while another one is asked: "perdón, el cel es 310
    555 1299" (changed, the same question again) or "el teléfono es otro" (asked again)."""
    contact = turn.memory.contact or Contact()
    asked = FIELDS[turn.step].name
    if meaning.is_question or not _CORRECTING_RE.search(fold(text)):
        return False
    fix = corrected_field(text)
    if fix is not None and fix[0] != asked and contact.answered(fix[0]):
        apply_fix(front, turn, *fix)
        return True
    again = field_to_redo(text)
    if again is not None and again != asked and contact.answered(again):
        redo(turn, again)
        return True
    return False


# The words that name each field ("el cel", "la cédula").
_FIELD_WORD = {
    "phone": r"\b(celular|cel|tel|telefono|movil|numero de contacto|whatsapp|wpp)\b",
    "national_id": r"(\b(cedula|ced|documento|doc)\b|\bc\.?\s?c\b\.?)",
    "address": r"\b(direccion|dir)\b",
    "neighbourhood": r"\b(barrio)\b",
    "name": r"\b(nombre|me llamo)\b",
}
_FIELD_WORDS = {name: re.compile(word) for name, word in _FIELD_WORD.items()}
# A part of a message that says which field it is: "cc 1037…", "cel 300…", "dir cra 45…"
# (the words that name each field, _FIELD_WORD, at its start).
_LABELS = tuple(
    (name, re.compile(r"^(?:" + word + r")[\s.:#-]*")) for name, word in _FIELD_WORD.items()
)
NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})  # "María de la Cruz"
_STREET_RE = re.compile(
    r"\b(calle|cl|cll|carrera|cra|cr|kr|kra|carera|diagonal|dg|transversal|tv|tr|avenida|av|"
    r"circular|cq|vereda|km|manzana|mz)\b|#"
)


def several_fields(text: str) -> dict[str, str] | None:
    """The delivery data given at once ("cc 1037654321, juan perez, cel 3001234567, dir cra
    45 # 10-20 belén"): each comma-separated part, by its label or by its form, checked as
    its question would; None unless every part is one field and there are at least two."""
    parts = [part.strip() for part in re.split(r"[,;\n]+", text) if part.strip()]
    if len(parts) < 2:
        return None
    found: dict[str, str] = {}
    for part in parts:
        named = _one_field(part, after_address="address" in found)
        if named is None or named[0] in found:
            return None
        found[named[0]] = named[1]
    if len(found) < 2 or set(found) <= {"address", "neighbourhood"}:
        return None  # "Cra 45 # 10-20, Belén" is the address question's own answer
    return found


def _one_field(part: str, *, after_address: bool) -> tuple[str, str] | None:
    """The field one part of the message is, and its value; None when it is none."""
    folded = fold(part)
    for name, label in _LABELS:
        if found := label.match(folded):
            value = _CLEANERS[name](part[found.end() :])
            return (name, value) if value is not None else None
    digits = re.sub(r"[\s.+-]", "", part)
    if digits.isdigit():
        if (phone := clean_phone(part)) is not None and len(digits) >= 10:
            return "phone", phone
        value = clean_national_id(part)
        return ("national_id", value) if value is not None else None
    if _STREET_RE.search(folded):
        value = clean_address(part)
        return ("address", value) if value is not None else None
    if after_address and (barrio := clean_neighbourhood(part)) is not None:
        return "neighbourhood", barrio  # "…, Calle 10 # 5-20, Laureles"
    person = clean_person_name(part)
    if person is None or len(part.split()) < 2:
        return None
    words = fold(part).split()  # "expedida en Medellín", "es el de mi esposa": not a name
    return (
        None if any(w in STOPWORDS and w not in NAME_PARTICLES for w in words) else ("name", person)
    )


def field_to_redo(text: str) -> str | None:
    """The field a message says is wrong without giving its new value ("perdón, el teléfono
    es otro", "me equivoqué en la cédula"); None when it names none."""
    folded = fold(text)
    if not _WRONG_RE.search(folded) or "factur" in folded:  # "la factura a otro nombre"
        return None
    named = [name for name, pattern in _FIELD_WORDS.items() if pattern.search(folded)]
    return named[0] if len(named) == 1 else None


def redo(turn: Turn, name: str, *, back: bool = False) -> None:
    """Ask `name` again (its old value forgotten): corrected, or gone `back` to; the data
    still missing, and the summary, follow as usual."""
    contact = turn.memory.contact or Contact()
    turn.memory.contact = contact.without(name)
    if name == "address":
        _fee_follows_address(turn)
    step = next(step for step in FIELD_STEPS if FIELDS[step].name == name)
    turn.step = step
    again = texts.ASK_BACK if back else texts.ASK_AGAIN
    turn.say(again.format(prompt=FIELDS[step].prompt))


def edits_cart(step: Step, meaning: Understanding, text: str) -> bool:
    """ "quita los cascos", "agrégame 2 cascos más", "mejor que sean 3" while a piece of data
    (or the authorisation to use it) is asked; notes are free text: there only a removal
    counts."""
    folded = fold(text)
    # "que sean 3", "mejor 1 solo par": an amount and nothing else ("déjalo en la portería"
    # in an address is no order); it reads like a question ("¿qué…?") without its mark.
    sets = meaning.quantity is not None and not meaning.product_query and "?" not in text
    sets = sets and bool(SET_RE.search(folded))
    if meaning.intent == Intent.BUY and sets and step != Step.NOTES:
        return True
    if meaning.is_question or is_skip(text):  # "sin indicaciones" skips the notes
        return False
    if meaning.intent == Intent.REMOVE:
        return True
    # Data is never an order: a bare number (a cédula, a phone) or a name ("Dos Santos")
    # is what was asked; an order says so ("agrégame…", "quiero…", "2 más", "que sean 3").
    buys = meaning.additive or (bool(meaning.product_query) and bool(BUY_RE.search(folded)))
    return meaning.intent == Intent.BUY and buys and step != Step.NOTES


async def edit_cart_then_resume(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, prompt: str
) -> None:
    """The cart edit, the cart as it is now, and the question that was pending."""
    step = turn.step
    only = await _only_line(uow, turn, meaning)
    if meaning.intent == Intent.REMOVE:
        await cart.remove(uow, turn, meaning)
    elif only is not None and meaning.quantity is not None:  # "que sean 4": of the one line
        await cart.add(uow, turn, only, meaning.quantity, additive=meaning.additive)
    else:
        await cart.buy_each(front, uow, turn, meaning)
    if turn.step == Step.BROWSING or turn.memory.waiting():
        return  # the cart is empty, or the bot asked which one or how many: that first
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if turn.cart is not None and current:
        turn.say(render_cart(current, turn.discounts))
        turn.cart = None
    turn.step = step
    turn.buttons = buttons_of(front, step, turn.memory)
    turn.say(texts.RESUME.format(prompt=prompt))


async def _only_line(uow: UnitOfWork, turn: Turn, meaning: Understanding) -> Product | None:
    """The product of the cart's one line, when an amount names no product ("que sean 4",
    "2 más"): in the checkout that is what it is about, whatever was talked about before."""
    if meaning.product_query or meaning.intent != Intent.BUY:
        return None
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if current is None or len(current.lines) != 1:
        return None
    return await uow.products.get(current.lines[0].product_id)


async def _pick_up(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """ "lo recojo en el local": no address, barrio or municipality to ask."""
    turn.memory.delivery = Choice(Method.PICKUP)
    contact = turn.memory.contact or Contact()
    turn.memory.contact = contact.with_value("address", "").with_value("neighbourhood", "")
    turn.say(texts.PICKUP_NOTED)
    await next_field(front, uow, turn)


def _picks_up(front: Shopfront, text: str) -> bool:
    """ "lo recojo en el local" where the address is asked (and the shop offers pickup)."""
    return bool(front.shop.delivery_options.pickup) and bool(PICKUP_RE.search(fold(text)))


PICKUP_RE = re.compile(
    r"\b(recoj\w*|recog\w*|paso (por el|a recoger|al local|a la tienda)|voy (al local|a la "
    r"tienda|por el)|en (el|su) local|en la tienda)\b"
)


# A chat may fail to prove a registered cédula this many times an hour; after that its
# data is taken as new (which is what a failed proof does anyway) without checking.
MAX_FAILED_PROOFS = 3
PROOF_WINDOW = timedelta(hours=1)


async def _proves_known(uow: UnitOfWork, turn: Turn, phone: str) -> bool:
    """A cédula registered by another Telegram account reveals nothing — not even that it
    exists. The phone typed next is the proof: when it is the one on file, the registered
    address is offered; otherwise the checkout simply goes on with the data typed."""
    contact = turn.memory.contact or Contact()
    national_id, chat = contact.value("national_id"), turn.chat
    if not national_id:
        return False
    since = datetime.now(UTC) - PROOF_WINDOW
    if await uow.customers.failed_proofs(chat.chat_id, since) >= MAX_FAILED_PROOFS:
        return False  # counted whatever the cédula: the limit itself says nothing of it
    known = await uow.customers.by_national_id(national_id)
    if known is not None and known.telegram_user_id == chat.user_id:
        return False  # their own record: confirmed at the start of the checkout
    # Both went through clean_phone (at this step, and when the holder gave it).
    proven = known is not None and known.complete and known.phone == phone
    await uow.customers.note_proof(chat.chat_id, ok=proven)
    if not proven or known is None:
        return False
    turn.memory.known_national_id = national_id
    for name in ("address", "neighbourhood", "notes"):
        contact = contact.with_value(name, getattr(known, name))
    turn.memory.contact = contact
    place = ", ".join(part for part in (known.address, known.neighbourhood) if part)
    turn.say(texts.KNOWN_BY_PHONE.format(place=place))
    turn.buttons = DATA_BUTTONS
    turn.step = Step.CONFIRM_DATA
    return True


# "me equivoqué en el celular, es 300…", "la dirección es Carrera 70 # 12-34": one field
# corrected. Each names its field, then the value follows (numbers anywhere).
_FIX_RES = (
    ("phone", _FIELD_WORDS["phone"]),
    ("national_id", _FIELD_WORDS["national_id"]),
    (
        "address",
        re.compile(_FIELD_WORD["address"] + r"[^:]*?(\bes\b|:|\ba\b|\bqueda en\b|\bseria\b)"),
    ),
    (
        "neighbourhood",
        re.compile(_FIELD_WORD["neighbourhood"] + r"[^:]*?(\bes\b|:|\bqueda en\b|\bseria\b)"),
    ),
    ("name", re.compile(_FIELD_WORD["name"] + r"[^:]*?(\bes\b|:|\bseria\b)")),
)
_FIELD_NAMES = {
    "phone": texts.FIELD_PHONE,
    "national_id": texts.FIELD_NATIONAL_ID,
    "address": texts.FIELD_ADDRESS,
    "neighbourhood": texts.FIELD_NEIGHBOURHOOD,
    "name": texts.FIELD_NAME,
}
_CLEANERS = {rule.name: rule.clean for rule in FIELDS.values()}


def corrected_field(text: str) -> tuple[str, str] | None:
    """The field a message corrects and its new value ("me equivoqué en el celular, es
    3009876543": ("phone", "3009876543")); None when it corrects none."""
    folded = fold(text)
    for name, pattern in _FIX_RES:
        found = pattern.search(folded)
        if found is None:
            continue
        if name in ("phone", "national_id"):
            said = text  # the number is found wherever it is in the sentence
        elif len(folded) == len(text):  # the same place in both
            said = text[found.end() :].strip(" :,.")
        else:
            return None
        if not said or _SAME_RE.search(fold(said)):  # "el nombre es el mismo"
            return None
        if name in ("neighbourhood", "name"):  # "el barrio es laureles, no belén"
            said = _NOT_THE_OLD_RE.sub("", said).strip(" ,.") or said
        value = _CLEANERS[name](said)
        if value is not None:
            return name, value
    return None


# "…, no belén", "… y no Belén": the old value the customer sets aside, not part of the new.
_NOT_THE_OLD_RE = re.compile(r"(?i)[\s,]+(y\s+)?no\s+(es|era)?\s*[^\d,]+$")
_SAME_RE = re.compile(r"\b(mismo|misma|igual|correcto|correcta|bien|esta mal|incorrect\w*)\b")


async def correct(front: Shopfront, uow: UnitOfWork, turn: Turn, name: str, value: str) -> None:
    """One field changed at the summary, and the summary again (a new address may name
    another municipality, or none: then it is asked)."""
    apply_fix(front, turn, name, value)
    await town_or_summary(front, uow, turn)


def apply_fix(front: Shopfront, turn: Turn, name: str, value: str) -> None:
    contact = (turn.memory.contact or Contact()).with_value(name, value)
    turn.memory.contact = contact
    if name == "address":
        _neighbourhood_from(front, turn, value)
        _fee_follows_address(turn)
    turn.say(texts.DATA_CORRECTED.format(field=_FIELD_NAMES[name], value=value))


def _fee_follows_address(turn: Turn) -> None:
    """A new address: a home delivery chosen for the old one is chosen again (its fee)."""
    chosen = turn.memory.delivery
    if chosen is not None and chosen.method == Method.HOME:
        turn.memory.delivery = None


def _neighbourhood_from(front: Shopfront, turn: Turn, address: str) -> None:
    options = front.shop.delivery_options
    found = neighbourhood_in(
        address,
        lambda part: options.municipality_in(part) is not None,
        one_town=len(options.towns) == 1 and options.carrier is None,
    )
    if found:
        contact = turn.memory.contact or Contact()
        turn.memory.contact = contact.with_value("neighbourhood", found)


async def next_field(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    contact = turn.memory.contact or Contact()
    for step in FIELD_STEPS:
        if not contact.answered(FIELDS[step].name):
            turn.step = step
            turn.say(FIELDS[step].prompt)
            if step == Step.NOTES:
                turn.buttons = SKIP_BUTTONS
            return
        if step == Step.ADDRESS and needs_town(front, turn):  # the municipality, next
            ask_town(front, turn)
            return
    if billing.pending(turn):
        billing.ask(turn)
        return
    await summary(front, uow, turn)


def skip_notes(turn: Turn) -> None:
    turn.memory.contact = (turn.memory.contact or Contact()).with_value("notes", "")


def restart_data(turn: Turn) -> None:
    turn.memory.known_national_id = None
    if turn.memory.delivery is not None and turn.memory.delivery.method != Method.PICKUP:
        turn.memory.delivery = None  # a new address: its municipality is asked again
    turn.memory.contact = Contact()
    turn.say(texts.ASK_NATIONAL_ID)
    turn.step = Step.NATIONAL_ID


async def on_confirm_data(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    """ "¿Usamos esos datos?": yes, change them, one of them ("sí, pero la dirección es
    Calle 5 # 6-7, Envigado"), or a question in between."""
    fix = None if meaning.is_question else corrected_field(text)
    again = None if meaning.is_question or fix else field_to_redo(text)
    if fix is not None:
        apply_fix(front, turn, *fix)
        await use_known_data(front, uow, turn)
    elif again is not None:  # "el celular es otro"
        redo(turn, again)
    elif meaning.wants_change or (meaning.intent == Intent.DENY and not meaning.is_question):
        restart_data(turn)
    elif meaning.intent == Intent.AFFIRM and not meaning.is_question:
        await use_known_data(front, uow, turn)
    else:
        await asides.answer_aside(front, uow, turn, meaning, text)
        turn.say(texts.RESUME.format(prompt=texts.CONFIRM_OR_CHANGE_DATA))
        turn.buttons = DATA_BUTTONS


async def use_known_data(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """ "Sí, usar estos datos": the contact already holds them (the customer's own record,
    or the address a proven cédula and phone have on file)."""
    contact = turn.memory.contact or Contact()
    if not contact.complete():  # a chat left mid-way by an older version: ask what is missing
        await next_field(front, uow, turn)
        return
    await _saved_town(front, uow, turn)
    await town_or_summary(front, uow, turn)


async def _saved_town(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """The municipality a returning customer's saved data has: where their latest order went,
    when it went to the same address (a home delivery the shop still makes, or the carrier)."""
    if not needs_town(front, turn):
        return
    user_id = turn.chat.user_id
    if turn.memory.known_national_id:  # proven by the phone on file: the holder's orders
        holder = await uow.customers.by_national_id(turn.memory.known_national_id)
        user_id = holder.telegram_user_id if holder and holder.telegram_user_id else user_id
    latest = await uow.orders.list_for_user(user_id, limit=1)
    order = latest[0] if latest else None
    contact, options = turn.memory.contact or Contact(), front.shop.delivery_options
    if order is None or not order.delivery_place or order.address != contact.value("address"):
        return
    if order.delivery_method not in (Method.HOME, Method.CARRIER):
        return
    choice = options.destination(order.delivery_place)
    if choice.method == Method.HOME or options.carrier is not None:
        turn.memory.delivery = choice


async def town_or_summary(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """The data is all there: the municipality when it is still to be asked, else the
    summary."""
    if needs_town(front, turn):
        ask_town(front, turn)
    else:
        await summary(front, uow, turn)


def needs_town(front: Shopfront, turn: Turn) -> bool:
    """An address is given, no delivery is chosen yet, and the shop delivers to more than one
    municipality while the address names none it serves."""
    contact = turn.memory.contact or Contact()
    if turn.memory.delivery is not None or not contact.value("address"):
        return False
    return front.shop.delivery_options.asks_town(said_where(turn))


def ask_town(front: Shopfront, turn: Turn) -> None:
    """ "¿En qué municipio es la entrega?", a button per municipality the zones serve (and
    "Otro municipio" when the shop has a carrier — or, for a rural address that ends with a
    place, "vereda La Palma, finca El Roble, Guarne", the carrier to that place)."""
    turn.say(texts.ASK_TOWN)
    turn.step = Step.MUNICIPALITY
    turn.memory.carrier_asked, turn.memory.unknown_town = False, ""  # set afresh on each ask
    place = _rural_town(turn) if front.shop.delivery_options.carrier is not None else None
    if place:
        turn.memory.unknown_town = place
    turn.buttons = town_buttons(front, carrier_to=place or "")


_RURAL_RE = re.compile(r"\b(vereda|finca|km|kilometro|corregimiento|parcela|hacienda)\b")


def _rural_town(turn: Turn) -> str | None:
    """The place a rural address ends with ("…, Guarne"), when it is one: letters only, a few
    words, and not the vereda or finca itself."""
    address = (turn.memory.contact or Contact()).value("address")
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if len(parts) < 2 or not _RURAL_RE.search(fold(address)):
        return None
    last = parts[-1]
    if _RURAL_RE.search(fold(last)) or any(ch.isdigit() for ch in last) or len(last.split()) > 4:
        return None
    return clean_municipality(last)


def ask_carrier_town(turn: Turn) -> None:
    """ "Otro municipio" (or the summary's carrier): which one; any municipality named goes."""
    turn.say(texts.ASK_MUNICIPALITY)
    turn.step = Step.MUNICIPALITY
    turn.memory.carrier_asked, turn.memory.unknown_town = True, ""


def town_buttons(front: Shopfront, *, carrier_to: str = "") -> Buttons:
    """Two a row; the callback carries the town's index, never its name (64 bytes). The last
    is "Otro municipio" when the shop has a carrier, or the carrier to `carrier_to`."""
    options = front.shop.delivery_options
    towns = [Button(town, f"{Action.TOWN}:{n}") for n, town in enumerate(options.towns)]
    if options.carrier is not None and carrier_to:
        towns.append(
            Button(
                texts.TOWN_BUTTON_CARRIER.format(place=carrier_to), f"{Action.TOWN}:{TOWN_TYPED}"
            )
        )
    elif options.carrier is not None:
        towns.append(Button(texts.TOWN_BUTTON_OTHER, f"{Action.TOWN}:{TOWN_OTHER}"))
    return tuple(tuple(towns[n : n + 2]) for n in range(0, len(towns), 2))


TOWN_OTHER = "other"  # "Otro municipio": which one is asked
TOWN_TYPED = "typed"  # the carrier to the place typed (memory.unknown_town)


async def choose_town(front: Shopfront, uow: UnitOfWork, turn: Turn, raw: str) -> None:
    """One of `town_buttons` pressed: that municipality, which other one (the carrier), or
    the carrier to the place just typed."""
    options = front.shop.delivery_options
    if raw == TOWN_OTHER and options.carrier is not None:
        ask_carrier_town(turn)
        return
    if raw == TOWN_TYPED and options.carrier is not None and turn.memory.unknown_town:
        await _deliver_to(front, uow, turn, options.destination(turn.memory.unknown_town))
        return
    n = int(raw) if raw.isdigit() else -1
    if not 0 <= n < len(options.towns):
        ask_town(front, turn)
        return
    typed, contact = turn.memory.unknown_town, turn.memory.contact or Contact()
    if typed and not contact.answered("neighbourhood"):  # "belén", then Medellín: its barrio
        barrio = clean_neighbourhood(typed)
        turn.memory.contact = contact.with_value("neighbourhood", barrio) if barrio else contact
    await _deliver_to(front, uow, turn, options.destination(options.towns[n]))


async def _deliver_to(front: Shopfront, uow: UnitOfWork, turn: Turn, choice: Choice) -> None:
    """The delivery chosen; when it moves a home delivery to another municipality, the
    address given was in the first one: it is asked again, in the new one."""
    before, turn.memory.delivery = turn.memory.delivery, choice
    if _moved_town(front, turn, before, choice):
        contact = turn.memory.contact or Contact()
        turn.memory.contact = contact.without("address").without("neighbourhood")
        turn.step = Step.ADDRESS
        turn.say(texts.ASK_ADDRESS_IN.format(town=choice.place))
        return
    await next_field(front, uow, turn)


def _moved_town(front: Shopfront, turn: Turn, before: Choice | None, choice: Choice) -> bool:
    """A home delivery sent to another municipality, its address not in that one."""
    if before is None or before.method != Method.HOME or choice.method == Method.PICKUP:
        return False
    if fold(before.place) == fold(choice.place):
        return False
    contact = turn.memory.contact or Contact()
    address = f"{contact.value('address')} {contact.value('neighbourhood')}"
    named = front.shop.delivery_options.municipality_in(address)
    return named is None or fold(named) != fold(choice.place)


async def refresh_cart(uow: UnitOfWork, turn: Turn) -> tuple[Order | None, bool]:
    """Bring the cart's names and prices up to date with the catalog; say what changed."""
    chat = turn.chat
    current = await uow.orders.get_cart(chat.chat_id)
    if not current:
        return None, False
    ids = [line.product_id for line in current.lines]
    products = {p.id: p for p in await uow.products.list_by_ids(ids)}
    changed = False
    for line in current.lines:
        product = products.get(line.product_id)
        if product is None or not product.visible:
            await uow.orders.remove_line(chat.chat_id, line.product_id)
            sold_out = product is not None and product.active
            template = texts.LINE_SOLD_OUT if sold_out else texts.LINE_GONE
            turn.say(template.format(name=line.name))
            changed = True
        elif (product.price_minor, product.name) != (line.unit_price_minor, line.name):
            await uow.orders.set_line(chat.chat_id, chat.user_id, product, line.quantity)
            price = format_cop(product.price_minor)
            turn.say(texts.PRICE_CHANGED.format(name=product.name, price=price))
            changed = True
    return (await uow.orders.get_cart(chat.chat_id) if changed else current), changed


async def ask_to_confirm(front: Shopfront, uow: UnitOfWork, turn: Turn, prompt: str) -> None:
    """`prompt` with the confirm buttons for the cart as it is (last shown in a summary)."""
    turn.say(prompt)
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if current and current.lines:
        turn.buttons = _confirm_buttons(front, turn, current, quote_for(front, turn, current))


def _confirm_buttons(front: Shopfront, turn: Turn, cart: Order, quote: Quote) -> Buttons:
    choices = len(front.shop.delivery_options.offered()) > 1
    payments = len(front.shop.payment_options.methods) > 1
    payment = turn.memory.payment or ""  # the default is stamped as none chosen
    invoice = billing.stamp(front, turn)
    priced = turn.discounts.applied(cart)
    return confirm_buttons(
        priced, quote, payment, choices=choices, payments=payments, invoice=invoice
    )


def delivery_choices(front: Shopfront, turn: Turn) -> None:
    """ "🚚 Cambiar entrega": the ways to receive the order, as buttons."""
    options = front.shop.delivery_options
    offered = options.offered(said_where(turn))
    turn.say(texts.ASK_DELIVERY)
    turn.buttons = tuple(
        (Button(options.button_label(choice), f"{Action.DELIVER_BY}:{n}"),)
        for n, choice in enumerate(offered)
    )


async def choose_delivery(front: Shopfront, uow: UnitOfWork, turn: Turn, raw: str) -> None:
    """One of `delivery_choices` pressed: the summary again, or which municipality."""
    offered = front.shop.delivery_options.offered(said_where(turn))
    n = int(raw) if raw.isdigit() else -1
    if not 0 <= n < len(offered):
        delivery_choices(front, turn)
        return
    chosen, options = offered[n], front.shop.delivery_options
    if chosen.method == Method.CARRIER:
        ask_carrier_town(turn)
        return
    if chosen.method == Method.HOME and chosen.place not in options.towns:
        ask_town(front, turn)  # "Área metropolitana": which of its municipalities
        return
    await _deliver_to(front, uow, turn, chosen)


async def on_municipality(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    """ "¿En qué municipio es la entrega?" (or "¿A qué municipio lo enviamos?"), typed: a
    served one is a home delivery, any other the carrier (when the shop has one); a
    question in between is answered and asked again; anything else changes nothing."""
    options = front.shop.delivery_options
    served = options.municipality_in(text)  # "bello", "es en Bello": the zone's spelling
    pending = turn.memory.unknown_town
    if pending and served is None and meaning.intent == Intent.AFFIRM:  # "sí, es un municipio"
        await _deliver_to(front, uow, turn, options.destination(pending))
        return
    if served is None and _picks_up(front, text):  # "mejor lo recojo en el local"
        await _pick_up(front, uow, turn)
        return
    if served is None and edits_cart(turn.step, meaning, text):  # "agrégame 2 cascos"
        await edit_cart_then_resume(front, uow, turn, meaning, prompt_of(turn.step, turn.memory))
        return
    if meaning.is_question or (served is None and meaning.intent in asides.ASIDE_INTENTS):
        await asides.answer_aside(front, uow, turn, meaning, text)
        _town_again(front, turn, resumed=True)
        return
    if served is None and meaning.intent in (Intent.GREETING, Intent.THANKS):
        _town_again(front, turn)
        return
    # A place's name reads as a product search; "sí", "no", "agrégame…" are no place.
    named = meaning.intent in (Intent.PRODUCT_QUESTION, Intent.OTHER, Intent.SHOP_INFO)
    place = served or (clean_municipality(text) if named else None)
    if place is None:
        example = options.towns[-1]
        turn.say(texts.INVALID_TOWN.format(example=example))
        turn.buttons = buttons_of(front, turn.step, turn.memory)
        return
    choice = options.destination(place)
    if choice.method == Method.CARRIER and options.carrier is None:
        turn.say(texts.TOWN_NOT_SERVED.format(towns=listed(options.towns)))
        turn.buttons = town_buttons(front)
        return
    unsure = choice.method == Method.CARRIER and not turn.memory.carrier_asked
    if unsure and fold(place) != fold(pending):  # a barrio, or a municipality? Asked once.
        turn.memory.unknown_town = place
        turn.say(texts.TOWN_UNKNOWN.format(place=place))
        turn.buttons = town_buttons(front, carrier_to=place)
        return
    await _deliver_to(front, uow, turn, choice)


def _town_again(front: Shopfront, turn: Turn, *, resumed: bool = False) -> None:
    """The municipality question once more, as it stood (after "Otro municipio", which one)."""
    prompt = prompt_of(turn.step, turn.memory)
    turn.say(texts.RESUME.format(prompt=prompt) if resumed else prompt)
    turn.buttons = buttons_of(front, turn.step, turn.memory)


async def summary(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """The cart and the delivery data, to confirm."""
    current, _ = await refresh_cart(uow, turn)
    if not current or not current.lines:
        if current:
            await uow.orders.discard_cart(turn.chat.chat_id)
        turn.say(texts.CART_EMPTY)
        turn.step = Step.BROWSING
        return
    contact = turn.memory.contact or Contact()
    shown = contact
    options = front.shop.delivery_options
    quote = quote_for(front, turn, current)
    shown_cart = render_cart(current, turn.discounts, (describe(quote, options), quote.fee_minor))
    if quote.choice.method == Method.PICKUP:
        heading, data = texts.SUMMARY_PICKUP, render_contact(shown, pickup=options.pickup)
    else:
        heading, data = texts.SUMMARY_SHIP_TO, render_contact(shown)
    paid_by = texts.SUMMARY_PAYMENT.format(label=paying.chosen(front, turn).label)
    invoice = billing.summary_line(turn)
    paid_by += "\n" + invoice if invoice else ""
    if earlier := await _still_to_send(uow, turn):  # "agrégale al pedido…": a new order
        shop = front.shop.written_contact
        turn.say(texts.SEPARATE_ORDER.format(order_id=earlier.id, contact=shop))
    turn.say(texts.SUMMARY.format(cart=shown_cart, heading=heading, data=data, payment=paid_by))
    turn.buttons = _confirm_buttons(front, turn, current, quote)
    turn.step = Step.CONFIRMING


async def _still_to_send(uow: UnitOfWork, turn: Turn) -> Order | None:
    """The customer's latest order confirmed and not yet on its way, if any."""
    recent = await uow.orders.list_for_user(turn.chat.user_id, limit=3)
    return next((order for order in recent if order.status in NOT_YET_SENT), None)
