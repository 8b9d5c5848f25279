"""Repositories and unit of work against a real database built by the migrations (SQLite, and
PostgreSQL when TEST_POSTGRES_URL is set: see tests/conftest.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_session_factory
from db.models import MessageRow
from db.uow import SqlUnitOfWork
from domain.model import Customer, DeliveryLine, NewProduct, OrderStatus, PaymentLine


def product(sku: str, price: int = 100_000_00, stock: int = 7, **changes: object) -> NewProduct:
    values: dict = {
        "sku": sku,
        "name": f"Producto {sku}",
        "description": "",
        "category": "Extintores",
        "price_minor": price,
        "stock": stock,
    }
    values.update(changes)
    return NewProduct(**values)


@pytest.fixture
def new_uow(engine: AsyncEngine):  # noqa: ANN201
    factory = create_session_factory(engine)
    return lambda: SqlUnitOfWork(factory)


async def seed(new_uow, *products: NewProduct) -> dict[str, int]:  # noqa: ANN001
    async with new_uow() as uow:
        result = await uow.products.upsert_many(products)
        await uow.commit()
        found = [await uow.products.get_by_sku(p.sku) for p in products]
    assert result.created == [p.sku for p in products]
    return {p.sku: p.id for p in found if p}


async def stock_of(new_uow, product_id: int) -> int:  # noqa: ANN001
    async with new_uow() as uow:
        found = await uow.products.get(product_id)
    assert found is not None
    return found.stock


# ------------------------------------------------------------------ products


async def test_upsert_many_reports_created_updated_unchanged(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A"), product("B"), product("C"))
    async with new_uow() as uow:
        result = await uow.products.upsert_many(
            [product("A"), product("B", price=120_000_00), product("D")]
        )
        await uow.commit()
    assert result.unchanged == ["A"]
    assert result.updated == ["B"]
    assert result.created == ["D"]
    async with new_uow() as uow:
        d = await uow.products.get_by_sku("D")
        b = await uow.products.get_by_sku("B")
        c = await uow.products.get_by_sku("C")
    assert d is not None and b is not None and c is not None
    assert sorted(result.changed_ids) == sorted([ids["B"], d.id])
    assert b.price_minor == 120_000_00
    assert c.name == "Producto C"  # a product missing from the file is left alone


async def test_take_stock_refuses_more_than_available_and_keeps_stock(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", stock=7))
    async with new_uow() as uow:
        assert await uow.products.take_stock(ids["EXT"], 8) is False
        await uow.commit()
    assert await stock_of(new_uow, ids["EXT"]) == 7
    async with new_uow() as uow:
        assert await uow.products.take_stock(ids["EXT"], 7) is True
        assert await uow.products.take_stock(ids["EXT"], 1) is False
        await uow.commit()
    assert await stock_of(new_uow, ids["EXT"]) == 0


async def test_take_stock_refuses_inactive_products(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("OFF", stock=5, active=False))
    async with new_uow() as uow:
        assert await uow.products.take_stock(ids["OFF"], 1) is False
        await uow.commit()
    assert await stock_of(new_uow, ids["OFF"]) == 5


async def test_return_stock_gives_units_back(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", stock=3))
    async with new_uow() as uow:
        assert await uow.products.take_stock(ids["EXT"], 3)
        await uow.products.return_stock(ids["EXT"], 2)
        await uow.commit()
    assert await stock_of(new_uow, ids["EXT"]) == 2


async def test_concurrent_takes_only_one_wins(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", stock=7))

    async def take() -> bool:
        async with new_uow() as uow:
            taken = await uow.products.take_stock(ids["EXT"], 5)
            await asyncio.sleep(0.01)  # let the other task run inside its own transaction
            await uow.commit()
            return taken

    outcomes = await asyncio.gather(take(), take())
    assert sorted(outcomes) == [False, True]
    assert await stock_of(new_uow, ids["EXT"]) == 2


async def test_uncommitted_unit_of_work_changes_nothing(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", stock=7))
    async with new_uow() as uow:
        assert await uow.products.take_stock(ids["EXT"], 5)
        await uow.products.upsert_many([product("NEW")])
        await uow.customers.save(Customer(id=None, telegram_user_id=1, national_id="1020345678"))
    async with new_uow() as uow:
        assert (await uow.products.get(ids["EXT"])).stock == 7
        assert await uow.products.get_by_sku("NEW") is None
        assert await uow.customers.by_telegram_user(1) is None


async def test_exception_inside_unit_of_work_rolls_back(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", stock=7))
    with pytest.raises(RuntimeError):
        async with new_uow() as uow:
            await uow.products.take_stock(ids["EXT"], 5)
            raise RuntimeError("boom")
    assert await stock_of(new_uow, ids["EXT"]) == 7


# ------------------------------------------------------------------ customers


def ana(**changes: object) -> Customer:
    values: dict = {
        "id": None,
        "telegram_user_id": 111,
        "national_id": "1020345678",
        "name": "Ana María Pérez",
        "phone": "3001234567",
        "address": "Calle 45 # 12-30",
        "neighbourhood": "Laureles",
    }
    values.update(changes)
    return Customer(**values)


async def test_customer_found_by_national_id_and_by_telegram_user(new_uow) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        saved = await uow.customers.save(ana())
        await uow.commit()
    async with new_uow() as uow:
        by_user = await uow.customers.by_telegram_user(111)
        by_id = await uow.customers.by_national_id("1020345678")
        stranger = await uow.customers.by_telegram_user(222)
    assert by_user == by_id == saved
    assert by_user is not None and by_user.name == "Ana María Pérez" and by_user.complete
    assert stranger is None


async def test_second_save_with_same_national_id_updates(new_uow) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        first = await uow.customers.save(ana())
        await uow.commit()
    async with new_uow() as uow:
        second = await uow.customers.save(ana(address="Carrera 70 # 1-2", telegram_user_id=222))
        await uow.commit()
    assert second.id == first.id
    async with new_uow() as uow:
        found = await uow.customers.by_national_id("1020345678")
        moved = await uow.customers.by_telegram_user(222)
        old = await uow.customers.by_telegram_user(111)
    assert found is not None and found.address == "Carrera 70 # 1-2"
    assert moved == found
    assert old is None  # one record per cédula, not two


# ------------------------------------------------------------------ orders


async def cart_with(new_uow, chat_id: int, user_id: int, product_id: int, qty: int) -> int:  # noqa: ANN001
    async with new_uow() as uow:
        found = await uow.products.get(product_id)
        order = await uow.orders.set_line(chat_id, user_id, found, qty)
        await uow.commit()
    return order.id


BOGOTA_DELIVERY = DeliveryLine("home", "Bogotá", 9_000_00)
CASH = PaymentLine("cash", "pending")


async def confirm(new_uow, order_id: int, customer: Customer) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        saved = await uow.customers.save(customer)
        await uow.orders.confirm(order_id, saved, BOGOTA_DELIVERY, CASH)
        await uow.commit()


async def test_cart_lines_replace_quantity_and_total(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A", price=175_000_00), product("B", price=15_000_00))
    await cart_with(new_uow, 10, 111, ids["A"], 2)
    await cart_with(new_uow, 10, 111, ids["B"], 1)
    order_id = await cart_with(new_uow, 10, 111, ids["A"], 3)
    async with new_uow() as uow:
        cart = await uow.orders.get_cart(10)
    assert cart is not None and cart.id == order_id
    assert [(ln.sku, ln.quantity) for ln in cart.lines] == [("A", 3), ("B", 1)]
    assert cart.total_minor == cart.lines_total_minor == 3 * 175_000_00 + 15_000_00


async def test_order_lines_snapshot_name_and_price(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("EXT", price=175_000_00, stock=7))
    order_id = await cart_with(new_uow, 10, 111, ids["EXT"], 2)
    await confirm(new_uow, order_id, ana())
    async with new_uow() as uow:
        await uow.products.upsert_many(
            [product("EXT", price=999_000_00, stock=7, name="Nombre nuevo")]
        )
        await uow.commit()
    async with new_uow() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None and order.status is OrderStatus.CONFIRMED  # the enum, not a str
    assert order.lines[0].name == "Producto EXT"
    assert order.lines[0].unit_price_minor == 175_000_00
    assert order.total_minor == 350_000_00 + 9_000_00  # the lines and the delivery fee
    assert (order.delivery_method, order.delivery_place) == ("home", "Bogotá")
    assert order.delivery_fee_minor == 9_000_00
    assert order.customer_name == "Ana María Pérez" and order.national_id == "1020345678"
    assert order.confirmed_at is not None


async def test_list_for_user_returns_only_that_users_confirmed_orders(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A", stock=50))
    mine = await cart_with(new_uow, 10, 111, ids["A"], 1)
    await confirm(new_uow, mine, ana())
    theirs = await cart_with(new_uow, 20, 222, ids["A"], 2)
    await confirm(new_uow, theirs, ana(telegram_user_id=222, national_id="79111222"))
    await cart_with(new_uow, 10, 111, ids["A"], 4)  # an open cart is not an order
    async with new_uow() as uow:
        listed = await uow.orders.list_for_user(111)
    assert [o.id for o in listed] == [mine]
    assert listed[0].lines[0].quantity == 1


async def test_discard_cart_leaves_confirmed_orders(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A", stock=50))
    done = await cart_with(new_uow, 10, 111, ids["A"], 1)
    await confirm(new_uow, done, ana())
    await cart_with(new_uow, 10, 111, ids["A"], 2)
    async with new_uow() as uow:
        assert await uow.orders.discard_cart(10) is True
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.orders.get_cart(10) is None
        assert (await uow.orders.get(done)).status == OrderStatus.CONFIRMED
        assert await uow.orders.discard_cart(10) is False


async def test_lock_cart_holds_an_open_cart_only(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A", stock=50))
    order_id = await cart_with(new_uow, 10, 111, ids["A"], 1)
    async with new_uow() as uow:
        assert await uow.orders.lock_cart(10) is True
        assert await uow.orders.lock_cart(20) is False  # no cart in that chat
        await uow.orders.confirm(order_id, ana(), BOGOTA_DELIVERY, CASH)
        assert await uow.orders.lock_cart(10) is False  # confirmed: no open cart any more
        await uow.commit()


# ------------------------------------------------------------------ updates and messages


async def test_update_claim_is_true_once(new_uow) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        assert await uow.updates.claim("1:1001:a", 1001) is True
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.updates.claim("1:1001:a", 1001) is False
        assert await uow.updates.claim("1:1002:a", 1002) is True
        await uow.commit()


async def test_messages_recent_per_chat_in_order(new_uow) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        for n in range(4):
            await uow.messages.add(10, "in", f"hola {n}", telegram_user_id=111)
        await uow.messages.add(20, "in", "otro chat")
        await uow.commit()
    async with new_uow() as uow:
        recent = await uow.messages.recent(10, limit=3)
    assert [m.text for m in recent] == ["hola 1", "hola 2", "hola 3"]


# ------------------------------------------------------------------ moments (db.types.UtcDateTime)


async def test_moments_come_back_aware_utc(new_uow) -> None:  # noqa: ANN001
    ids = await seed(new_uow, product("A"))
    async with new_uow() as uow:
        item = await uow.products.get(ids["A"])
        assert item is not None
        await uow.orders.set_line(10, 111, item, 1)
        cart = await uow.orders.get_cart(10)
        assert cart is not None
        await uow.orders.confirm(cart.id, Customer(None, 111, "123"), BOGOTA_DELIVERY, CASH)
        await uow.messages.add(10, "in", "hola", telegram_user_id=111)
        await uow.commit()
    async with new_uow() as uow:
        order = await uow.orders.get(cart.id)
        [message] = await uow.messages.recent(10)
    assert order is not None
    for moment in (order.created_at, order.updated_at, order.confirmed_at, message.created_at):
        assert moment is not None and moment.tzinfo is UTC


async def test_a_moment_in_another_zone_is_stored_and_compared_as_utc(
    engine: AsyncEngine,
    new_uow,  # noqa: ANN001
    backend: str,
) -> None:
    bogota = ZoneInfo("America/Bogota")  # UTC-5
    async with create_session_factory(engine)() as session:
        written = datetime(2026, 1, 1, 7, 0, tzinfo=bogota)
        session.add(MessageRow(chat_id=10, direction="in", text="hola", created_at=written))
        await session.commit()
    async with engine.connect() as connection:
        stored = await connection.scalar(text("select created_at from messages"))
    if backend == "sqlite":  # text, without a zone
        assert stored == "2026-01-01 12:00:00.000000"
    else:  # timestamptz: the same instant
        assert stored == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    async with new_uow() as uow:
        [message] = await uow.messages.recent(10)
        # Query bounds too: 07:30 in Bogotá is 12:30 UTC, after the message.
        before = await uow.reports.messages(None, datetime(2026, 1, 1, 7, 30, tzinfo=bogota))
        after = await uow.reports.messages(datetime(2026, 1, 1, 7, 30, tzinfo=bogota), None)
    assert message.created_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert message.created_at.tzinfo is UTC
    assert [m.text for m in before] == ["hola"] and after == []


async def test_a_naive_moment_is_refused(new_uow) -> None:  # noqa: ANN001
    async with new_uow() as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.updates.forget_before(datetime(2026, 1, 1, 12, 0))


async def test_a_category_pages_by_key_visit_each_product_once_both_ways(new_uow) -> None:  # noqa: ANN001
    """In stock first, then by name (names repeat), then id; forward and back by key."""
    names = ["Casco", "Arnés", "Casco", "Botas", "Arnés", "Guantes", "Casco"]
    items = [
        product(f"S-{n:03d}", stock=n % 3, name=names[n % len(names)], category="Seguridad")
        for n in range(23)
    ]
    await seed(new_uow, *items, product("OTRO-1", category="Otra"))
    async with new_uow() as uow:
        everything = await uow.products.shelf_page("Seguridad", limit=100)
        walked, after = [], None
        while page := await uow.products.shelf_page("Seguridad", after=after, limit=5):
            walked += page
            after = page[-1].id
        back, before = [], walked[-1].id
        while page := await uow.products.shelf_page("Seguridad", before=before, limit=5):
            back = page + back
            before = page[0].id
    assert [p.id for p in walked] == [p.id for p in everything] and len(walked) == 23
    assert [p.id for p in back] == [p.id for p in everything][:-1]
    keys = [(p.stock <= 0, p.name, p.id) for p in walked]
    assert keys == sorted(keys)  # in stock first, then by name
    async with new_uow() as uow:
        shelves = {s.name: s for s in await uow.products.shelves()}
    assert shelves["Seguridad"].total == 23
    assert shelves["Seguridad"].available == sum(1 for p in items if p.stock > 0)


async def test_only_committed_outbox_rows_are_handed_to_the_sender(engine: AsyncEngine) -> None:
    """The sender gets the rows as written (not read back): a unit of work rolled back inside
    the update's transaction takes its rows with it, the rest come in order, once."""
    from db.scope import UpdateTransaction
    from domain.events import EventBus, NoticesWritten
    from domain.model import Notice

    factory = create_session_factory(engine)
    bus = EventBus()
    heard: list[NoticesWritten] = []

    async def hear(event: NoticesWritten) -> None:
        heard.append(event)

    bus.subscribe(NoticesWritten, hear)
    scope = UpdateTransaction(factory, "k:1", 1, bus=bus)
    with scope.active():
        await scope.say(10, "primero")
        async with SqlUnitOfWork(factory, bus) as uow:
            await uow.outbox.add([Notice("undone", 10, "nunca")])
            await uow.rollback()
            await uow.outbox.add([Notice("kept", 10, "segundo")])
            await uow.commit()
        async with SqlUnitOfWork(factory, bus) as uow:
            await uow.outbox.add([Notice("dropped", 10, "tampoco")])  # never committed
        await scope.commit()
    [event] = heard
    assert [row.text for row in event.rows] == ["primero", "segundo"]
    assert event.keys == tuple(row.key for row in event.rows)
    async with SqlUnitOfWork(factory) as uow:
        assert [row.id for row in event.rows] == [
            r.id for r in await uow.outbox.pending(event.keys)
        ]
        assert await uow.outbox.pending(["undone", "dropped"]) == []


async def test_sent_marks_of_many_senders_are_committed_together(engine: AsyncEngine) -> None:
    """Each sender returns once its own mark is committed; marks that arrive while one is
    written share the next commit."""
    from bot.outbox import SentMarks
    from db.outbox import SENT
    from domain.model import Notice

    factory = create_session_factory(engine)
    async with SqlUnitOfWork(factory) as uow:
        await uow.outbox.add([Notice(f"n{i}", 10, f"texto {i}") for i in range(6)])
        await uow.commit()
        rows = await uow.outbox.pending([f"n{i}" for i in range(6)])
    commits = 0

    def counted(_connection: object) -> None:
        nonlocal commits
        commits += 1

    marks = SentMarks(engine)
    sqlalchemy.event.listen(engine.sync_engine, "commit", counted)
    try:
        await asyncio.gather(*(marks.record(row.id, 100 + i) for i, row in enumerate(rows)))
    finally:
        sqlalchemy.event.remove(engine.sync_engine, "commit", counted)
        await marks.close()
    assert 1 <= commits < len(rows)
    async with factory() as session:
        found = await session.execute(text("SELECT status, message_id FROM outbox ORDER BY id"))
        assert found.all() == [(SENT, 100 + i) for i in range(6)]


async def test_statements_run_again_answer_as_the_first_time(engine: AsyncEngine, new_uow) -> None:  # noqa: ANN001
    """The statements every update runs go straight to SQLite's driver from their second run
    on (db/dialects.py): the same rows, types and zones as the first run through SQLAlchemy,
    and the same errors."""
    async with new_uow() as uow:
        await uow.products.upsert_many([product("A-1", stock=3), product("A-2", stock=0)])
        await uow.commit()
    runs = []
    for _ in range(3):  # the first run plans, the next ones use the plan
        async with new_uow() as uow:
            a1 = await uow.products.get_by_sku("A-1")
            assert a1 is not None
            cart = await uow.orders.set_line(10, 10, a1, 2)
            consent = await uow.customers.give_consent(10)
            runs.append(
                (
                    await uow.products.get(a1.id),
                    await uow.orders.get_cart(10),
                    await uow.customers.consent_of(10),
                    cart.total_minor,
                    await uow.updates.claim("k:1", 1),
                    await uow.updates.claim("k:1", 1),
                )
            )
            assert consent.tzinfo is not None
    first = runs[0]
    for again in runs[1:]:
        assert again[0] == first[0] and again[0] is not None and again[0].active is True
        assert again[1] is not None and first[1] is not None
        assert again[1].lines == first[1].lines and again[1].total_minor == 2 * a1.price_minor
        assert again[2] is not None and again[2].utcoffset() is not None
        assert again[3:] == (2 * a1.price_minor, True, False)
    async with new_uow() as uow:  # a constraint broken on the driver is SQLAlchemy's error
        await uow.messages.add(10, "in", "hola")
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            await uow.messages.add(10, "in", None)  # type: ignore[arg-type]


async def test_statements_of_one_shape_with_other_values_answer_their_own(
    engine: AsyncEngine, new_uow
) -> None:  # noqa: ANN001
    """Two statements SQLAlchemy compiles once (the same shape, a different literal): each run
    again on the driver answers with its own value, not the first one's."""
    from sqlalchemy import bindparam, select

    from db.dialects import execute_core

    said = select(MessageRow.text).where(
        MessageRow.direction == "in", MessageRow.chat_id == bindparam("c")
    )
    answered = select(MessageRow.text).where(
        MessageRow.direction == "out", MessageRow.chat_id == bindparam("c")
    )
    async with new_uow() as uow:
        await uow.messages.add(10, "in", "hola")
        await uow.messages.add(10, "out", "¡Hola!")
        await uow.commit()
    for _ in range(3):
        async with new_uow() as uow:
            session = uow.messages._session  # noqa: SLF001
            assert [r.text for r in await execute_core(session, said, {"c": 10})] == ["hola"]
            assert [r.text for r in await execute_core(session, answered, {"c": 10})] == ["¡Hola!"]
