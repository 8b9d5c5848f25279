"""Conversation memory: typed and versioned; what earlier versions stored still loads.

tests/fixtures/memory_v0 holds states written by the first SalesAgent (the string-keyed
dict, schema 0), captured from the conversations below on commit ef630b8, each with the
reply that old code gave next. Replaying them through today's agent — swapping in the old
stored state before each message — must give the same replies: a deploy never breaks a
chat in progress.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from test_sales import ANA, LUIS, Chat, Shop, fill_data, sample_shop

from domain import texts
from domain.conversation import ChatRef, Memory, Step
from domain.conversation.memory import SCHEMA_VERSION, Contact, Offer, Pick

FIXTURES = Path(__file__).parent / "fixtures" / "memory_v0"
EVA = ChatRef(chat_id=333, user_id=333, first_name="Eva")

JOURNEYS: dict[str, list[tuple[str, str]]] = {
    "offer_then_checkout": [
        ("say", "hola"),
        ("say", "¿tienen extintores?"),
        ("say", "quiero 10 del de 20 libras"),
        ("say", "sí"),
        ("press", "checkout"),
        ("say", "1020345678"),
        ("say", "Ana María Pérez"),
        ("say", "3001234567"),
        ("say", "Calle 45 # 12-30"),
        ("say", "Laureles"),
    ],
    "notes_then_confirming": [
        ("say", "quiero 2 cascos de seguridad blancos"),
        ("press", "checkout"),
        ("say", "1030111222"),
        ("say", "Pedro Gómez"),
        ("say", "3109876543"),
        ("say", "Carrera 70 # 40-10"),
        ("say", "Estadio"),
        ("say", "timbre dañado"),
    ],
    "queued_items": [("say", "quiero 2 cascos y 3 chalecos y 1 botiquín")],
    "awaiting_quantity": [("say", "quiero el extintor multipropósito de 20 libras")],
    "which_one_without_quantity": [("say", "quiero cascos")],
    "which_one_with_quantity": [("say", "quiero 3 guantes")],
    "returning_customer": [
        ("say", "quiero 1 botiquín"),
        ("press", "pick:54"),
        ("press", "checkout"),
    ],
    "known_national_id": [
        ("say", "quiero 1 botiquín"),
        ("press", "pick:54"),
        ("press", "checkout"),
        ("say", "1020345678"),
    ],
}
# What each journey's last stored state is answered with next, by today's agent.
NEXT = {
    "offer_then_checkout": ("press", "skip"),
    "notes_then_confirming": ("press", "confirm"),
    "queued_items": ("press", "pick:10"),
    "awaiting_quantity": ("say", "2"),
    "which_one_without_quantity": ("press", "pick:11"),
    "which_one_with_quantity": ("press", "pick:15"),
    "returning_customer": ("press", "data:use"),
    "known_national_id": ("press", "data:use"),
}


# Replies the old code gave that are wrong now, on purpose: a cédula typed from another
# Telegram account no longer reveals the holder's initials and phone (issue 14).
# Replies whose text changed on purpose: a cédula typed from another account reveals nothing;
# a greeting is the shop profile's own (issue 15).
CHANGED_ON_PURPOSE = {("known_national_id", 4)}
NEW_WORDING = {("offer_then_checkout", 1)}
# After an address that names no municipality the sample shop (several municipalities and a
# carrier) now asks "¿En qué municipio es la entrega?"; the old code went on to the next
# field. A chat stored before that, with its address given, is asked it before its summary.
ASKS_TOWN = {
    ("offer_then_checkout", 9),
    ("offer_then_checkout", 10),
    ("notes_then_confirming", 6),
    ("notes_then_confirming", 7),
    ("notes_then_confirming", 8),
}


def stored(journey: str, n: int) -> dict:
    return json.loads((FIXTURES / f"{journey}_{n:02d}.json").read_text(encoding="utf-8"))


DELIVERY_LINES = re.compile(
    r"^((Subtotal|Total|Domicilio|Recoges|Envío por)\b|💳 Pago:|💵 Pagas).*\n?", re.MULTILINE
)


# The personal-data notice and its acceptance, before the first data question (issue 14).
CONSENT = re.compile(r"🔒 Para enviarte.*?quedó registrada tu autorización\.\n\n", re.DOTALL)

# Products that go well with what was just added (issue 15): a block up to the next blank line.
RELATED = re.compile(r"💡 También te puede servir:\n(?:• .*(?:\n|$))*")


OFFER_PRICE = re.compile(r" \(\$[\d.]+ c/u\)\. Puedo ofrecerte (\d+), por \$[\d.]+\.")
TWO_HEADERS = "Tengo varias opciones. ¿Cuál de estas quieres?\n\nEsto es lo que tengo:"


def without_delivery(reply: str) -> str:
    """A reply without its totals, delivery and payment lines and the personal-data notice:
    the changes since the fixtures were recorded (a summary shows the delivery fee and the
    payment, issue 13; the notice comes before the cédula, issue 14; related products follow
    an add, issue 15; a list to pick from is headed by "Tengo varias opciones. ¿Cuál de estas
    quieres?" alone, no longer followed by "Esto es lo que tengo:" as well; an offer of the
    units there are says their price)."""
    reply = RELATED.sub("", CONSENT.sub("", reply)).replace(TWO_HEADERS, texts.WHICH_ONE)
    reply = OFFER_PRICE.sub(r". Puedo ofrecerte \1.", reply)
    return re.sub(r"\n{3,}", "\n\n", DELIVERY_LINES.sub("", reply)).strip()


def all_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


async def shop_for(journey: str) -> Shop:
    shop = await sample_shop()
    if journey == "returning_customer" or journey == "known_national_id":
        ana = shop.chat(ANA)  # Ana ordered before, with cédula 1020345678
        await ana.say("quiero 1 casco de seguridad blanco")
        await ana.press("checkout")
        await fill_data(ana)
        await ana.press("confirm")
    return shop


def who(journey: str) -> ChatRef:
    return {"returning_customer": ANA, "known_national_id": LUIS}.get(journey, EVA)


async def act(chat: Chat, how: str, value: str):  # noqa: ANN201
    return await (chat.say(value) if how == "say" else chat.press(value))


def test_every_fixture_is_replayed() -> None:
    replayed = {
        f"{j}_{n:02d}.json" for j, steps in JOURNEYS.items() for n in range(1, len(steps) + 1)
    }
    assert {p.name for p in all_fixtures()} == replayed


@pytest.mark.parametrize("path", all_fixtures(), ids=lambda p: p.stem)
def test_a_v0_state_loads_and_survives_a_round_trip(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    memory = Memory.load(data)
    assert Memory.load(json.loads(json.dumps(memory.dump()))) == memory
    assert memory.dump()["v"] == SCHEMA_VERSION
    assert memory.shown == data.get("last_ids", [])
    assert memory.listed == data.get("list_ids", [])
    assert memory.last_query == data.get("last_query", "")
    assert memory.queued == data.get("queued", [])
    assert (memory.contact is None) == ("draft" not in data)


def test_v0_fields_map_to_their_typed_places() -> None:
    offer = Memory.load(stored("offer_then_checkout", 3)["data"])
    assert offer.offer == Offer(product_id=3, quantity=7) and offer.waiting()
    assert Memory.load(stored("which_one_without_quantity", 1)["data"]).pick == Pick(None)
    assert Memory.load(stored("which_one_with_quantity", 1)["data"]).pick == Pick(3)
    assert Memory.load(stored("awaiting_quantity", 1)["data"]).awaiting_quantity == 3
    known = Memory.load(stored("known_national_id", 4)["data"])
    assert known.known_national_id == "1020345678"
    assert known.contact == Contact(national_id="1020345678")
    notes = Memory.load(stored("notes_then_confirming", 8)["data"])
    assert notes.contact is not None and notes.contact.complete()
    assert notes.contact.notes == "timbre dañado"


@pytest.mark.parametrize("journey", JOURNEYS)
async def test_old_stored_states_continue_with_the_same_replies(journey: str) -> None:
    """Before each message the chat holds what the old code stored; the reply must be the
    one the old code gave."""
    shop = await shop_for(journey)
    chat = shop.chat(who(journey))
    for n, (how, value) in enumerate(JOURNEYS[journey], 1):
        if n > 1:
            before = stored(journey, n - 1)
            chat.step, chat.stored = Step(before["step"]), before["data"]
        reply = await act(chat, how, value)
        expected = stored(journey, n)
        if (journey, n) in CHANGED_ON_PURPOSE:
            continue
        if (journey, n) in ASKS_TOWN:
            assert reply.text.endswith(texts.ASK_TOWN) and chat.step == Step.MUNICIPALITY, n
            continue
        if (journey, n) not in NEW_WORDING:
            assert without_delivery(reply.text) == without_delivery(expected["reply"]), n
        assert chat.step == Step(expected["step"])
        # more: new in schema 5; earlier and town_asked: new in 7 (set by the replies since)
        fresh = {"more": "", "earlier": [], "town_asked": ""}
        assert replace(chat.memory, **fresh) == Memory.load(expected["data"])


@pytest.mark.parametrize("journey", JOURNEYS)
async def test_a_chat_resumes_from_its_last_old_state(journey: str) -> None:
    """The last state of each journey, as the old code stored it, takes the next step."""
    shop = await shop_for(journey)
    chat = shop.chat(who(journey))
    for how, value in JOURNEYS[journey]:
        await act(chat, how, value)
    last = stored(journey, len(JOURNEYS[journey]))
    chat.step, chat.stored = Step(last["step"]), last["data"]
    reply = await act(chat, *NEXT[journey])
    assert reply.text
    expected_steps = {
        "offer_then_checkout": Step.MUNICIPALITY,  # then the summary: below
        "notes_then_confirming": Step.BROWSING,
        "returning_customer": Step.CONFIRMING,
        # The old masked offer is not honoured: the chat is asked for its own data.
        "known_national_id": Step.NAME,
    }
    if journey in expected_steps:
        assert chat.step == expected_steps[journey], reply.text
    if journey == "notes_then_confirming":  # its summary was shown: confirmed as it was
        assert "confirmado" in reply.text
    if journey == "offer_then_checkout":
        reply = await chat.press("town:0")  # Medellín
        assert chat.step == Step.CONFIRMING and "Domicilio a Medellín" in reply.text
    if journey in ("awaiting_quantity", "which_one_with_quantity", "queued_items"):
        assert chat.step in (Step.CART, Step.BROWSING) and "Agregué" in reply.text


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"v": 1, "offer": "7 unidades", "listed": "1,2", "contact": ["x"], "pick": 3},
        {"v": 99, "shown": [1, "2", None, True], "future_field": {"a": 1}},
        {"offer": {"product_id": "3"}, "list_ids": None, "draft": {"phone": 300}},
        {"awaiting_qty": "abc", "pending_qty": "2", "queued": [1, "2 chalecos"]},
    ],
)
def test_unreadable_memory_is_forgotten_not_fatal(data: dict | None) -> None:
    memory = Memory.load(data)
    assert Memory.load(memory.dump()) == memory


def test_customer_fields_are_defined_once() -> None:
    """The checkout's Contact, the stored Customer and the model's reading share one list."""
    from dataclasses import fields

    from domain.ai import CUSTOMER_FIELDS as READABLE
    from domain.conversation.checkout import FIELDS
    from domain.model import CUSTOMER_FIELDS, Customer

    assert tuple(f.name for f in fields(Contact)) == CUSTOMER_FIELDS == READABLE
    assert tuple(field.name for field in FIELDS.values()) == CUSTOMER_FIELDS
    assert set(CUSTOMER_FIELDS) <= {f.name for f in fields(Customer)}
