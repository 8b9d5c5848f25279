"""The owner's reports against a real SQLite database built by the migrations: periods,
stats, the chart and the export files."""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.settings import DATA_DIR
from db.engine import create_session_factory
from db.models import CustomerRow, MessageRow, OrderLineRow, OrderRow, ProductRow
from db.uow import SqlUnitOfWork
from domain.charts import stats_chart
from domain.exports import ExportFile, build_export, write_export
from domain.inventory import parse_inventory
from domain.model import NewProduct, OrderStatus
from domain.periods import InvalidPeriod, Period, between, parse_period
from domain.stats import compute_stats, daily_summary, render_stats

TZ = ZoneInfo("America/Bogota")
TODAY = date(2026, 11, 22)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TABLES = ("productos", "clientes", "pedidos", "lineas_pedido", "conversaciones")
SHEETS = ["Productos", "Clientes", "Pedidos", "Líneas", "Conversaciones"]


def bogota(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A shop-local moment, given in UTC as the bot stores every moment."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def parse(args: str, default_days: int | None = 30) -> Period | None:
    return parse_period(args, today=TODAY, tz=TZ, default_days=default_days)


def period_of(args: str) -> Period:
    period = parse(args)
    assert period is not None
    return period


def days_of(period: Period | None) -> tuple[date, date]:
    assert period is not None
    return period.first_day, period.last_day


# ------------------------------------------------------------------ periods


def test_period_words_numbers_and_dates_are_shop_local_days() -> None:
    assert days_of(parse("")) == (date(2026, 10, 24), TODAY)
    assert period_of("").label == "últimos 30 días"
    assert parse("", default_days=None) is None
    today = parse("hoy")
    assert today is not None and today.label == "hoy"
    assert today.start == bogota(11, 22, 0) and today.end == bogota(11, 23, 0)
    assert today.start.utcoffset() is not None
    assert days_of(parse("ayer")) == (date(2026, 11, 21),) * 2
    assert days_of(parse("semana")) == (date(2026, 11, 16), TODAY)
    assert days_of(parse("7")) == (date(2026, 11, 16), TODAY)
    assert days_of(parse("últimos 15 días")) == (date(2026, 11, 8), TODAY)
    assert days_of(parse("mes")) == (date(2026, 11, 1), TODAY)

    month = parse("2026-11-01 2026-11-30")
    assert days_of(month) == (date(2026, 11, 1), date(2026, 11, 30))
    assert month is not None and month.label == "del 1 al 30 de nov. de 2026"
    assert month.end == bogota(12, 1, 0)
    assert days_of(parse("01/11/2026 30/11/2026")) == (date(2026, 11, 1), date(2026, 11, 30))
    assert days_of(parse("del 28/10/2026 al 3/11/2026")) == (date(2026, 10, 28), date(2026, 11, 3))
    single = parse("5/11/2026")
    assert days_of(single) == (date(2026, 11, 5),) * 2
    assert single is not None and single.label == "el 5 de nov. de 2026"
    across = parse("2025-12-28 2026-01-03")
    assert across is not None and across.label == "del 28 de dic. de 2025 al 3 de ene. de 2026"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("2026-11-30 2026-11-01", "anterior"),
        ("2026-02-30", "no es una fecha válida"),
        ("31/04/2026", "no es una fecha válida"),
        ("0", "de 1 a 366"),
        ("400", "de 1 a 366"),
        ("la semana pasada", "No entendí"),
        ("2026-11-01 2026-11-10 2026-11-20", "No entendí"),
    ],
)
def test_a_bad_period_says_what_is_wrong_and_what_to_write(args: str, says: str) -> None:
    with pytest.raises(InvalidPeriod) as raised:
        parse(args)
    message = str(raised.value)
    assert says in message
    assert "hoy, ayer, semana, mes" in message and "2026-11-01 2026-11-30" in message


# ------------------------------------------------------------------ a shop with history


@pytest.fixture
def factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def new_uow(factory: async_sessionmaker[AsyncSession]) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(factory)


def order(
    chat_id: int,
    customer: CustomerRow | None,
    status: OrderStatus,
    confirmed_at: datetime | None,
    lines: list[tuple[ProductRow, int]],
    created_at: datetime | None = None,
) -> OrderRow:
    row = OrderRow(
        chat_id=chat_id,
        telegram_user_id=chat_id,
        customer_id=customer.id if customer else None,
        status=status,
        total_minor=sum(product.price_minor * quantity for product, quantity in lines),
        national_id=customer.national_id or "" if customer else "",
        customer_name=customer.name if customer else "",
        phone=customer.phone if customer else "",
        address=customer.address if customer else "",
        neighbourhood=customer.neighbourhood if customer else "",
        created_at=created_at or confirmed_at or datetime.now(UTC),
        confirmed_at=confirmed_at,
    )
    row.lines = [
        OrderLineRow(
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            unit_price_minor=product.price_minor,
            quantity=quantity,
        )
        for product, quantity in lines
    ]
    return row


def message(chat_id: int, direction: str, text: str, at: datetime, **extra: object) -> MessageRow:
    return MessageRow(
        chat_id=chat_id,
        telegram_user_id=chat_id if direction == "in" else None,
        direction=direction,
        text=text,
        created_at=at,
        **extra,
    )


@pytest.fixture
async def history(factory: async_sessionmaker[AsyncSession]) -> None:
    """Nov 10–12 (Bogotá): Ana comes back, Beto buys for the first time, Carla cancels, Dora
    only asks. Orders just outside those days sit on both sides of a local midnight."""
    async with factory() as session:
        extinguisher = ProductRow(
            sku="EXT-20", name="Extintor ABC 20 lb", price_minor=175_000_00, stock=2
        )
        helmet = ProductRow(sku="CAS-BL", name="Casco dieléctrico blanco", price_minor=38_000_00)
        helmet.stock = 35
        glove = ProductRow(sku="GUA-VAQ", name="Guante de vaqueta", price_minor=14_000_00, stock=80)
        hidden = ProductRow(
            sku="OFF", name="Producto retirado", price_minor=1_000_00, stock=0, active=False
        )
        session.add_all([extinguisher, helmet, glove, hidden])
        ana = CustomerRow(
            telegram_user_id=101,
            national_id="1020304050",
            name="Ana Pérez",
            created_at=bogota(10, 1, 9),
        )
        beto = CustomerRow(
            telegram_user_id=102,
            national_id="79888777",
            name="Beto Ruiz",
            created_at=bogota(11, 11, 9),
        )
        carla = CustomerRow(
            telegram_user_id=103,
            national_id="52111222",
            name="Carla Gómez",
            created_at=bogota(11, 12, 8),
        )
        session.add_all([ana, beto, carla])
        await session.flush()
        session.add_all(
            [
                order(101, ana, OrderStatus.DELIVERED, bogota(10, 5, 10), [(glove, 2)]),
                # 23:30 in Bogotá is already Nov 11 in UTC: it belongs to Nov 10.
                order(101, ana, OrderStatus.DELIVERED, bogota(11, 10, 23, 30), [(extinguisher, 2)]),
                order(
                    102, beto, OrderStatus.CONFIRMED, bogota(11, 11, 10), [(helmet, 3), (glove, 1)]
                ),
                order(103, carla, OrderStatus.CANCELLED, bogota(11, 12, 15), [(extinguisher, 1)]),
                # Just outside: 19:10 on Nov 9 (00:10 UTC on Nov 10) and 00:30 on Nov 13.
                order(101, ana, OrderStatus.DELIVERED, bogota(11, 9, 19, 10), [(helmet, 1)]),
                order(101, ana, OrderStatus.DELIVERED, bogota(11, 13, 0, 30), [(helmet, 5)]),
                order(
                    104, None, OrderStatus.CART, None, [(glove, 4)], created_at=bogota(11, 11, 12)
                ),
            ]
        )
        session.add_all(
            [
                message(101, "in", "hola, ¿tienen extintores?", bogota(11, 10, 22)),
                message(101, "out", "Sí, tengo estos…", bogota(11, 10, 22, 1)),
                message(102, "in", "necesito cascos", bogota(11, 11, 9)),
                message(103, "in", "quiero un extintor", bogota(11, 12, 14)),
                message(105, "in", "¿a cómo los guantes?", bogota(11, 11, 16)),
                message(101, "in", "gracias", bogota(11, 9, 12)),  # outside the period
            ]
        )
        await session.commit()


async def test_stats_count_sales_customers_and_conversations_of_the_period(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    period = between(date(2026, 11, 10), date(2026, 11, 12), tz=TZ)
    stats = await compute_stats(new_uow(), period, tz=TZ, low_stock_threshold=3)

    assert stats.orders == 2  # Ana's and Beto's; Carla's was cancelled
    assert stats.cancelled == 1
    assert stats.revenue_minor == 350_000_00 + 128_000_00
    assert stats.average_ticket_minor == 239_000_00
    assert [tuple(p) for p in stats.top_products] == [
        ("Casco dieléctrico blanco", 3, 114_000_00),
        ("Extintor ABC 20 lb", 2, 350_000_00),
        ("Guante de vaqueta", 1, 14_000_00),
    ]
    assert (stats.new_customers, stats.returning_customers) == (1, 1)  # Beto new, Ana back
    assert (stats.conversations, stats.converted) == (4, 2)  # Dora and Carla did not buy
    assert [tuple(d) for d in stats.daily] == [
        (date(2026, 11, 10), 1, 350_000_00),
        (date(2026, 11, 11), 1, 128_000_00),
        (date(2026, 11, 12), 0, 0),
    ]
    assert [tuple(item) for item in stats.low_stock] == [("EXT-20", "Extintor ABC 20 lb", 2)]

    text = render_stats(stats)
    assert "del 10 al 12 de nov. de 2026" in text
    assert "$478.000" in text and "$239.000" in text
    assert "Clientes nuevos: 1" in text and "repiten: 1" in text
    assert "Conversaciones: 4" in text and "(50 %)" in text
    assert "cancelados: 1" in text
    assert text.index("Casco dieléctrico blanco") < text.index("Extintor ABC 20 lb — 2 und.")
    assert "EXT-20 — Extintor ABC 20 lb: 2 und." in text
    assert "No hubo ventas" not in text
    assert "*" not in text and "<b>" not in text  # plain text


async def test_an_order_at_half_past_eleven_at_night_counts_on_that_local_day(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    tenth = await compute_stats(new_uow(), period_of("2026-11-10"), tz=TZ, low_stock_threshold=3)
    eleventh = await compute_stats(new_uow(), period_of("2026-11-11"), tz=TZ, low_stock_threshold=3)
    assert (tenth.orders, tenth.revenue_minor) == (1, 350_000_00)
    assert (eleventh.orders, eleventh.revenue_minor) == (1, 128_000_00)
    assert [tuple(d) for d in tenth.daily] == [(date(2026, 11, 10), 1, 350_000_00)]


async def test_a_period_without_sales_says_so(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    stats = await compute_stats(new_uow(), period_of("2026-11-20"), tz=TZ, low_stock_threshold=3)
    assert (stats.orders, stats.revenue_minor, stats.average_ticket_minor) == (0, 0, 0)
    assert stats.top_products == [] and stats.conversations == 0
    text = render_stats(stats)
    assert "No hubo ventas en este periodo." in text
    assert "$0" not in text


async def test_a_long_period_charts_its_last_days_only(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    period = between(date(2020, 1, 1), date(2026, 11, 30), tz=TZ)
    stats = await compute_stats(new_uow(), period, tz=TZ, low_stock_threshold=3)
    assert stats.orders == 5
    assert len(stats.daily) == 92 and stats.daily[-1].day == date(2026, 11, 30)
    assert stats.daily_truncated


async def test_daily_summary_tells_the_day_and_what_is_left_to_deliver(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    text = await daily_summary(new_uow(), date(2026, 11, 11), tz=TZ, low_stock_threshold=3)
    assert "Resumen del día — 11 de nov. de 2026" in text
    assert "Pedidos: 1" in text and "$128.000" in text
    assert "Pedidos por entregar: 1" in text  # Beto's order is still confirmed
    quiet = await daily_summary(new_uow(), date(2026, 11, 20), tz=TZ, low_stock_threshold=3)
    assert "No hubo ventas" in quiet


# ------------------------------------------------------------------ chart


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_chart_is_a_phone_sized_png_with_or_without_sales(
    new_uow: Callable[[], SqlUnitOfWork], history: None
) -> None:
    busy = await compute_stats(new_uow(), period_of("mes"), tz=TZ, low_stock_threshold=3)
    quiet = await compute_stats(new_uow(), period_of("2026-11-20"), tz=TZ, low_stock_threshold=3)
    for stats in (busy, quiet):
        image = stats_chart(stats)
        width, height = png_size(image)
        assert 600 <= width <= 1200 and 600 <= height <= 1200
        assert 5_000 < len(image) < 1_000_000
    assert stats_chart(busy) != stats_chart(quiet)


# ------------------------------------------------------------------ exports


def csv_rows(files: list[ExportFile], name: str) -> list[list[str]]:
    data = next(f.data for f in files if f.name == name)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents right
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


async def load_sample(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    sample = DATA_DIR / "inventory.csv"
    rows = parse_inventory(sample.read_bytes(), sample.name)
    extra = [
        NewProduct(
            "NAN-01", "Ñandú de peluche", "Para el camión de juguete", "Juguetes", 12_345_50, 3
        ),
        NewProduct("CAM-02", "Camión de bomberos", "", "Juguetes", 99_000_00, 0, active=False),
    ]
    async with new_uow() as uow:
        await uow.products.upsert_many(
            [
                NewProduct(
                    r.sku, r.name, r.description, r.category, r.price_minor, r.stock, r.active
                )
                for r in rows
            ]
            + extra
        )
        await uow.commit()


@pytest.fixture
async def risky(
    factory: async_sessionmaker[AsyncSession], new_uow: Callable[[], SqlUnitOfWork]
) -> None:
    """The sample inventory plus a customer and messages that look like spreadsheet formulas."""
    await load_sample(new_uow)
    async with factory() as session:
        product = ProductRow(sku="NAN-02", name="Ñandú grande", price_minor=50_000_00, stock=9)
        session.add(product)
        customer = CustomerRow(
            telegram_user_id=201,
            national_id="1122334455",
            name="=SUM(A1)",
            phone="+573001234567",
            address="Calle 5 # 10-20, camión azul",
            neighbourhood="@cmd",
            notes="-2",
            created_at=bogota(11, 15, 10),
        )
        old = CustomerRow(
            telegram_user_id=202,
            national_id="999",
            name="Cliente de antes",
            created_at=bogota(9, 1, 10),
        )
        session.add_all([customer, old])
        await session.flush()
        session.add_all(
            [
                order(201, customer, OrderStatus.CONFIRMED, bogota(11, 15, 23, 45), [(product, 2)]),
                order(202, old, OrderStatus.DELIVERED, bogota(9, 2, 10), [(product, 1)]),
            ]
        )
        session.add_all(
            [
                message(201, "in", '=HYPERLINK("http://x")', bogota(11, 15, 23, 40)),
                message(201, "out", "Claro, el Ñandú cuesta $50.000", bogota(11, 15, 23, 41)),
                message(201, "in", "\tcon tab", bogota(11, 15, 23, 42)),
                message(201, "out", "Te atiende Marta", bogota(11, 15, 23, 43), intent="owner"),
                message(202, "in", "mensaje viejo", bogota(9, 1, 11)),
            ]
        )
        await session.commit()


async def test_export_has_every_table_as_csv_and_one_workbook(
    new_uow: Callable[[], SqlUnitOfWork], risky: None
) -> None:
    files = await build_export(new_uow(), None, tz=TZ)
    assert [f.name for f in files] == [f"{t}.csv" for t in TABLES] + ["exportacion.xlsx"]
    assert {f.mime_type for f in files[:-1]} == {"text/csv"}

    products = csv_rows(files, "productos.csv")
    assert products[0] == ["sku", "nombre", "descripcion", "categoria", "precio", "stock", "activo"]
    by_sku = {row[0]: row for row in products[1:]}
    assert by_sku["NAN-01"] == [
        "NAN-01",
        "Ñandú de peluche",
        "Para el camión de juguete",
        "Juguetes",
        "12345,50",
        "3",
        "sí",
    ]
    assert by_sku["EXT-ABC-20"][4] == "175000"
    assert by_sku["CAM-02"][6] == "no"

    customers = csv_rows(files, "clientes.csv")
    assert len(customers) == 3  # header + both customers: no period, everything
    orders = csv_rows(files, "pedidos.csv")
    header = orders[0]
    first = dict(zip(header, orders[1], strict=True))
    assert first["estado"] == "confirmado"
    assert first["confirmado"] == "2026-11-15 23:45"  # shop time, not UTC
    assert first["total"] == "100000"
    assert {dict(zip(header, row, strict=True))["estado"] for row in orders[1:]} == {
        "confirmado",
        "entregado",
    }
    lines = csv_rows(files, "lineas_pedido.csv")
    assert lines[1][1:] == ["NAN-02", "Ñandú grande", "50000", "2", "100000", "0"]
    chat = csv_rows(files, "conversaciones.csv")
    assert [row[3] for row in chat[1:]] == ["cliente", "bot", "cliente", "tienda", "cliente"]
    assert "Claro, el Ñandú cuesta $50.000" in [row[4] for row in chat]


async def test_export_neutralises_formulas_in_csv_and_excel(
    new_uow: Callable[[], SqlUnitOfWork], risky: None
) -> None:
    files = await build_export(new_uow(), None, tz=TZ)
    customers = csv_rows(files, "clientes.csv")
    ana = next(row for row in customers if "1122334455" in row)
    assert "'=SUM(A1)" in ana and "'+573001234567" in ana and "'-2" in ana and "'@cmd" in ana
    assert "Calle 5 # 10-20, camión azul" in ana
    said = [row[4] for row in csv_rows(files, "conversaciones.csv")[1:]]
    assert '\'=HYPERLINK("http://x")' in said and "'\tcon tab" in said
    assert ana[0].isdigit()  # numbers stay numbers

    workbook = load_workbook(io.BytesIO(files[-1].data))
    assert workbook.sheetnames == SHEETS
    sheet = workbook["Clientes"]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    for risky_text in ("'=SUM(A1)", "'+573001234567", "'-2", "'@cmd"):
        assert risky_text in values
    cells = [cell for row in workbook["Conversaciones"].iter_rows(min_row=2) for cell in row]
    formula = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert formula.value.startswith("'") and formula.data_type == "s"
    assert not any(c.data_type == "f" for ws in workbook for row in ws.iter_rows() for c in row)
    header = [cell.value for cell in workbook["Productos"][1]]
    assert header == ["sku", "nombre", "descripcion", "categoria", "precio", "stock", "activo"]
    assert workbook["Productos"]["A1"].font.b
    price = next(
        row[4].value
        for row in workbook["Productos"].iter_rows(min_row=2)
        if row[0].value == "NAN-01"
    )
    assert price == pytest.approx(12345.5) and not isinstance(price, str)
    order_row = [c.value for c in next(workbook["Pedidos"].iter_rows(min_row=2))]
    assert isinstance(order_row[0], int)  # the order number is a number
    assert datetime(2026, 11, 15, 23, 45) in order_row  # a real date cell, in shop time
    assert workbook["Conversaciones"].column_dimensions["E"].width > 10


async def test_exported_products_upload_back_unchanged(
    new_uow: Callable[[], SqlUnitOfWork], risky: None
) -> None:
    files = await build_export(new_uow(), None, tz=TZ)
    products = next(f for f in files if f.name == "productos.csv")
    parsed = parse_inventory(products.data, products.name)
    async with new_uow() as uow:
        stored = await uow.products.list_all()
    assert len(parsed) == len(stored) >= 45
    assert [
        (r.sku, r.name, r.description, r.category, r.price_minor, r.stock, r.active) for r in parsed
    ] == [
        (p.sku, p.name, p.description, p.category, p.price_minor, p.stock, p.active) for p in stored
    ]
    workbook = next(f for f in files if f.name == "exportacion.xlsx")
    from_excel = parse_inventory(workbook.data, workbook.name)  # the first sheet is Productos
    assert [(r.sku, r.price_minor, r.stock, r.active) for r in from_excel] == [
        (p.sku, p.price_minor, p.stock, p.active) for p in stored
    ]


async def test_export_of_a_period_keeps_its_orders_customers_and_messages(
    new_uow: Callable[[], SqlUnitOfWork], risky: None, tmp_path: Path
) -> None:
    period = parse("2026-11-15")
    files = await build_export(new_uow(), period, tz=TZ)
    assert len(csv_rows(files, "pedidos.csv")) == 2  # header + the Nov 15 order
    customers = csv_rows(files, "clientes.csv")
    assert [row[1] for row in customers[1:]] == ["1122334455"]  # not "Cliente de antes"
    assert len(csv_rows(files, "conversaciones.csv")) == 5
    assert len(csv_rows(files, "lineas_pedido.csv")) == 2
    assert len(csv_rows(files, "productos.csv")) > 45  # products are always all of them

    written = write_export(files, tmp_path / "nueva" / "carpeta")
    assert [p.name for p in written] == [f.name for f in files]
    assert all(p.read_bytes() == f.data for p, f in zip(written, files, strict=True))
