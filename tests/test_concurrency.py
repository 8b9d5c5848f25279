"""Stock and orders under real concurrency, on SQLite and on PostgreSQL (TEST_POSTGRES_URL).

Several bot processes are played by several applications over one database, each with its
own engine (its own connections) and, on SQLite, its own gate — as separate processes have.
Every press is handled as the middleware handles an update (db/scope.py: one transaction,
marked processed), and the presses run at the same time: nothing is sequential but the
set-up. Whoever wins, the invariants hold: stock never below zero, every unit sold once,
one order per cart, units of a cancelled order back once.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from test_sales import Chat

from app.core import App
from db.scope import UpdateTransaction
from domain import texts
from domain.conversation import ChatRef, Reply, Step
from tests.conftest import Databases, load_sample, make_settings

PROCESSES = 3
CUSTOMERS = 8
NAMES = ("Ana Pérez", "Luis Gómez", "Marta Ruiz", "Jorge Díaz", "Sara Mejía", "Iván Rojas")
_update_ids = itertools.count(900_001)

BIG = "EXT-ABC-10"  # "extintor multipropósito ABC 10 lb", 24 in stock
HELMET = "CAS-DIEL-BL"  # "casco dieléctrico blanco", 35 in stock
ASK = {
    BIG: "quiero 1 extintor multipropósito ABC 10 lb",
    HELMET: "quiero 1 casco dieléctrico blanco",
}


@pytest.fixture
async def processes(databases: Databases, tmp_path: Path) -> AsyncIterator[list[App]]:
    """PROCESSES applications over one database with the sample inventory."""
    from bot.app import build_app

    url = databases.migrated()
    apps: list[App] = []
    try:
        for n in range(PROCESSES):  # the later ones load the inventory the first imported
            apps.append(await build_app(make_settings(tmp_path / f"p{n}", database_url=url)))
            if n == 0:
                await load_sample(apps[0])
        yield apps
    finally:
        for app in apps:
            await app.close()


async def as_update(app: App, work: Callable[[], Awaitable[Reply | str]]) -> Reply | str:
    """`work` handled as one update is (bot/middlewares.py): one transaction, committed."""
    update_id = next(_update_ids)
    scope = UpdateTransaction(
        app.session_factory, f"test:{update_id}", update_id, bus=app.bus, gate=app.gate
    )
    try:
        with scope.active():
            result = await work()
        await scope.commit()
    finally:
        await scope.close()
    return result


async def ready_to_confirm(app: App, n: int, skus: list[str]) -> tuple[Chat, str]:
    """Customer `n` with one of each of `skus` in the cart (in that order), their data given,
    at the summary; and the data of its Confirmar button."""
    chat = Chat(app.agent, ChatRef(chat_id=5000 + n, user_id=5000 + n, first_name=f"C{n}"))
    for sku in skus:
        await chat.say(ASK[sku])
    assert chat.step == Step.CART
    await chat.press("checkout")
    name = f"{NAMES[n % len(NAMES)]} {NAMES[n // len(NAMES)].split()[1]}"
    data = (
        f"10203456{n:02d}",
        name,
        f"30012345{n:02d}",
        "Calle 45 # 12-30",
        "Medellín",
        "Laureles",
    )
    for value in data:
        await chat.say(value)
    reply = await chat.press("skip")
    assert chat.step == Step.CONFIRMING
    [confirm] = [b.data for row in reply.buttons for b in row if b.data.startswith("confirm:")]
    return chat, confirm


def press(app: App, chat: Chat, data: str) -> Awaitable[Reply | str]:
    """The press as its update sees it: the step and memory stored before it."""
    step, memory = chat.step, chat.memory
    return as_update(app, lambda: app.agent.handle_button(chat.who, data, step, memory))


async def scalar(app: App, sql: str, **params: object) -> int:
    async with app.engine.connect() as connection:
        return int(await connection.scalar(text(sql), params) or 0)


async def stock(app: App, sku: str) -> int:
    return await scalar(app, "select stock from products where sku = :sku", sku=sku)


async def sold(app: App, sku: str) -> int:
    """Units of `sku` in orders that were confirmed and not cancelled."""
    return await scalar(
        app,
        "select sum(l.quantity) from order_lines l join orders o on o.id = l.order_id"
        " where l.sku = :sku and o.status not in ('cart', 'cancelled')",
        sku=sku,
    )


async def orders_of(app: App, user_id: int) -> int:
    return await scalar(
        app,
        "select count(*) from orders where telegram_user_id = :user and status != 'cart'",
        user=user_id,
    )


def texts_of(replies: list[Reply | str]) -> list[str]:
    return [r.text if isinstance(r, Reply) else r for r in replies]


async def test_the_last_units_are_sold_once_to_as_many_customers_as_there_are_units(
    processes: list[App],
) -> None:
    first = processes[0]
    carts = [await ready_to_confirm(processes[n % PROCESSES], n, [BIG]) for n in range(CUSTOMERS)]
    async with first.engine.begin() as connection:  # only three left when they all confirm
        await connection.execute(text("update products set stock = 3 where sku = :s"), {"s": BIG})

    replies = await asyncio.gather(
        *(press(processes[n % PROCESSES], chat, data) for n, (chat, data) in enumerate(carts))
    )

    confirmed = [t for t in texts_of(replies) if "confirmado" in t]
    assert len(confirmed) == 3, texts_of(replies)
    assert await stock(first, BIG) == 0
    assert await sold(first, BIG) == 3  # every unit sold once, none twice, none lost
    for chat, _ in carts:
        assert await orders_of(first, chat.who.user_id) <= 1


async def test_a_double_tap_on_confirmar_in_two_processes_makes_one_order(
    processes: list[App],
) -> None:
    first = processes[0]
    chat, data = await ready_to_confirm(first, 1, [BIG, HELMET])
    before = {sku: await stock(first, sku) for sku in (BIG, HELMET)}

    replies = await asyncio.gather(*(press(app, chat, data) for app in processes))

    assert await orders_of(first, chat.who.user_id) == 1
    assert {sku: await stock(first, sku) for sku in (BIG, HELMET)} == {
        sku: units - 1 for sku, units in before.items()
    }
    answers = texts_of(replies)
    assert sum("confirmado" in t and "ya quedó" not in t for t in answers) == 1, answers
    order_id = await scalar(first, "select id from orders where status = 'confirmed'")
    already = texts.ALREADY_CONFIRMED_ORDER.split("{", 1)[0] + str(order_id)
    assert sum(already in t for t in answers) == PROCESSES - 1, answers


async def test_carts_with_the_same_products_in_opposite_orders_all_confirm(
    processes: list[App],
) -> None:
    """Stock is taken in product order: two confirmations never wait on each other's rows in
    a circle (on PostgreSQL that would be a deadlock, and one customer's failure)."""
    first = processes[0]
    carts = [
        await ready_to_confirm(
            processes[n % PROCESSES], n, [BIG, HELMET] if n % 2 else [HELMET, BIG]
        )
        for n in range(CUSTOMERS)
    ]
    before = {sku: await stock(first, sku) for sku in (BIG, HELMET)}

    replies = await asyncio.gather(
        *(press(processes[n % PROCESSES], chat, data) for n, (chat, data) in enumerate(carts))
    )

    assert all("confirmado" in t for t in texts_of(replies)), texts_of(replies)
    for sku, units in before.items():
        assert await stock(first, sku) == units - CUSTOMERS
        assert await sold(first, sku) == CUSTOMERS


async def test_cancels_racing_a_confirmation_give_the_units_back_once(
    processes: list[App],
) -> None:
    """The customer taps "Sí, cancelar" twice (two processes) while the owner cancels the same
    order and another customer confirms a cart of the same product: the cancelled order's
    units come back once, and whatever the order of events the units add up."""
    first, second, third = processes[:3]
    buyer, buyer_confirm = await ready_to_confirm(first, 1, [BIG])
    other, other_confirm = await ready_to_confirm(second, 2, [BIG])
    assert "confirmado" in texts_of([await press(first, buyer, buyer_confirm)])[0]
    order_id = await scalar(first, "select id from orders where status = 'confirmed'")
    async with first.engine.begin() as connection:  # the buyer had the last unit
        await connection.execute(text("update products set stock = 0 where sku = :s"), {"s": BIG})
    buyer.step = Step.BROWSING
    cancel = f"ocancel:{order_id}"

    await asyncio.gather(
        press(first, buyer, cancel),
        press(second, buyer, cancel),
        as_update(third, lambda: third.desk.cancel(order_id)),
        press(third, other, other_confirm),
    )

    status = await scalar(first, "select count(*) from orders where status = 'cancelled'")
    assert status == 1
    returned = await scalar(
        first,
        "select count(*) from product_changes where source = :s",
        s=texts.AUDIT_CANCELLED.format(order_id=order_id),
    )
    assert returned == 1  # one return of the units, however many cancels
    # The one unit: back on the shelf, or sold to the other customer (if they came after).
    assert await stock(first, BIG) + await sold(first, BIG) == 1
    assert await stock(first, BIG) >= 0
