"""The owner's export: one CSV per table plus one Excel workbook with a sheet per table.

CSV files are UTF-8 with BOM, `;`-separated, CRLF rows, so Excel in Spanish opens them as
they are; `productos.csv` has the import columns and can be uploaded back. Any text cell
that a spreadsheet could run as a formula is prefixed with a single quote.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

from domain import texts
from domain.inventory import COLUMN_ALIASES
from domain.model import CustomerRecord, MessageRecord, Order, Product
from domain.money import MINOR_PER_PESO
from domain.periods import Period
from domain.ports import OwnerUnitOfWork
from domain.pricing import NO_DISCOUNTS, VolumeDiscounts

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_NAME = "exportacion.xlsx"
DATE_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATE_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_PESOS_FORMAT = "#,##0"
XLSX_CENTS_FORMAT = "#,##0.00"
OWNER_INTENT = "owner"  # messages the shop's people wrote or triggered (domain/owner.py)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH = 6
MAX_WIDTH = 60


@dataclass(frozen=True)
class _Money:
    """An amount in minor units; written as pesos (a number, never a float)."""

    minor: int

    @property
    def pesos(self) -> int | Decimal:
        """Whole pesos as an int, otherwise an exact Decimal."""
        pesos, cents = divmod(self.minor, MINOR_PER_PESO)
        return Decimal(self.minor) / MINOR_PER_PESO if cents else pesos

    @property
    def text(self) -> str:
        """`45000` or `45000,50`: a comma decimal, no thousands separator."""
        sign = "-" if self.minor < 0 else ""
        pesos, cents = divmod(abs(self.minor), MINOR_PER_PESO)
        return f"{sign}{pesos},{cents:02d}" if cents else f"{sign}{pesos}"


# What a cell holds before it is written.
Value = str | int | _Money | datetime | None


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    mime_type: str


@dataclass(frozen=True)
class _Table:
    key: str  # file stem and texts.EXPORT_SHEETS key
    header: tuple[str, ...]
    rows: list[list[Value]]


async def build_export(
    uow: OwnerUnitOfWork,
    period: Period | None,
    *,
    tz: ZoneInfo,
    discounts: VolumeDiscounts = NO_DISCOUNTS,
) -> list[ExportFile]:
    """Every table as CSV, then all of them in one workbook. Products are always all of them;
    orders (by creation), their lines, messages and customers are those of the period; a
    cart with the shop's volume `discounts`, as its customer sees it."""
    start, end = (period.start, period.end) if period else (None, None)
    async with uow:
        products = await uow.products.list_all()
        customers = await uow.reports.customers(start, end)
        orders = [discounts.applied(o) for o in await uow.reports.orders_created(start, end)]
        messages = await uow.reports.messages(start, end)
    tables = [
        _products(products),
        _customers(customers),
        _orders(orders),
        _lines(orders),
        _messages(messages),
    ]
    # Writing a workbook of a busy shop takes CPU time: off the event loop.
    return await asyncio.to_thread(_files, tables, tz)


def _files(tables: list[_Table], tz: ZoneInfo) -> list[ExportFile]:
    files = [ExportFile(f"{table.key}.csv", _csv(table, tz), CSV_MIME) for table in tables]
    files.append(ExportFile(XLSX_NAME, _xlsx(tables, tz), XLSX_MIME))
    return files


def write_export(files: Sequence[ExportFile], directory: Path) -> list[Path]:
    """Write the files into `directory` (created if missing); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        path = directory / Path(file.name).name
        path.write_bytes(file.data)
        written.append(path)
    return written


def neutralize(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, …)."""
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip().startswith(FORMULA_TRIGGERS[:4]):
        return "'" + text
    return text


# ---------------------------------------------------------------- tables


def _products(products: list[Product]) -> _Table:
    return _Table(
        "productos",
        # The import's columns, in its order; photos are not exported (a ZIP's image or an
        # owner's Telegram photo has no cell to go in), and a file without `imagen` keeps them.
        tuple(column for column in COLUMN_ALIASES if column != "imagen"),
        [
            [
                p.sku,
                p.name,
                p.description,
                p.category,
                _Money(p.price_minor),
                p.stock,
                texts.EXPORT_YES if p.active else texts.EXPORT_NO,
            ]
            for p in products
        ],
    )


def _customers(customers: list[CustomerRecord]) -> _Table:
    return _Table(
        "clientes",
        texts.EXPORT_CUSTOMER_COLUMNS,
        [
            [
                c.id,
                c.national_id or "",
                c.name,
                c.phone,
                c.address,
                c.neighbourhood,
                c.notes,
                c.telegram_user_id,
                c.created_at,
                c.orders,
                _Money(c.spent_minor),
            ]
            for c in customers
        ],
    )


def _orders(orders: list[Order]) -> _Table:
    return _Table(
        "pedidos",
        texts.EXPORT_ORDER_COLUMNS,
        [
            [
                o.id,
                texts.EXPORT_ORDER_STATUS[o.status],
                o.created_at,
                o.confirmed_at,
                o.delivered_at,
                o.cancelled_at,
                o.customer_id,
                o.national_id,
                o.customer_name,
                o.phone,
                o.address,
                o.neighbourhood,
                o.notes,
                sum(line.quantity for line in o.lines),
                texts.EXPORT_DELIVERY_METHOD.get(o.delivery_method, ""),
                o.delivery_place,
                _Money(o.lines_total_minor),
                _Money(o.delivery_fee_minor),
                _Money(o.total_minor),
                texts.PAY_KIND_LABEL.get(o.payment_method, o.payment_method),
                texts.PAY_STATE.get(o.payment_state, o.payment_state),
                o.paid_at,
                o.shipped_at,
                o.shipped_with,
                o.tracking,
                o.invoice_tax_id,
                o.invoice_name,
                o.invoice_email,
                o.chat_id,
                _Money(o.discount_minor),
            ]
            for o in orders
        ],
    )


def _lines(orders: list[Order]) -> _Table:
    return _Table(
        "lineas_pedido",
        texts.EXPORT_LINE_COLUMNS,
        [
            [
                o.id,
                line.sku,
                line.name,
                _Money(line.unit_price_minor),
                line.quantity,
                _Money(line.subtotal_minor),
                _Money(line.discount_minor),
            ]
            for o in orders
            for line in o.lines
        ],
    )


def _messages(messages: list[MessageRecord]) -> _Table:
    return _Table(
        "conversaciones",
        texts.EXPORT_MESSAGE_COLUMNS,
        [
            [
                m.created_at,
                m.chat_id,
                m.telegram_user_id,
                _who(m),
                m.text,
                m.intent or "",
            ]
            for m in messages
        ],
    )


def _who(message: MessageRecord) -> str:
    """cliente, bot or tienda (what an owner wrote or triggered: intent "owner")."""
    if message.intent == OWNER_INTENT:
        return texts.EXPORT_DIRECTION_SHOP
    return texts.EXPORT_DIRECTION.get(message.direction, texts.EXPORT_DIRECTION_SHOP)


# ---------------------------------------------------------------- CSV


def _csv(table: _Table, tz: ZoneInfo) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([_csv_cell(value, tz) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Value, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime(DATE_FORMAT)
    if isinstance(value, _Money):
        return value.text
    if isinstance(value, int):
        return str(value)
    return neutralize(value)


# ---------------------------------------------------------------- XLSX


def _xlsx(tables: list[_Table], tz: ZoneInfo) -> bytes:
    from openpyxl import Workbook  # on demand: ~30 MB only an export needs
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(texts.EXPORT_SHEETS[table.key])
        widths = [len(title) for title in table.header]
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                shown = _xlsx_cell(sheet.cell(row=row_number, column=column), value, tz)
                widths[column - 1] = max(widths[column - 1], shown)
        for column, width in enumerate(widths, start=1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(cell: Cell, value: Value, tz: ZoneInfo) -> int:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    """Fill one cell (numbers as numbers, text always as text); returns its shown width."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        cell.value = value.astimezone(tz).replace(tzinfo=None)  # Excel keeps no zone
        cell.number_format = XLSX_DATE_FORMAT
        return len(XLSX_DATE_FORMAT)
    if isinstance(value, _Money):
        pesos = value.pesos
        cell.value = pesos
        cell.number_format = XLSX_CENTS_FORMAT if isinstance(pesos, Decimal) else XLSX_PESOS_FORMAT
        return len(f"{pesos:,.2f}")
    if isinstance(value, int):
        cell.value = value
        return len(str(value))
    text = ILLEGAL_CHARACTERS_RE.sub("", neutralize(value))
    cell.value = text
    cell.data_type = "s"  # text, never a formula
    return max((len(line) for line in text.splitlines()), default=0)
