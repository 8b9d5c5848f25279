"""The owner's numbers for a period: sales, customers, conversations, best sellers, stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from domain import texts
from domain.model import OrderStatus
from domain.money import format_cop, format_count
from domain.periods import Period, day_period, describe_days, long_date
from domain.ports import OwnerUnitOfWork

TOP_PRODUCTS = 5
MAX_DAILY_DAYS = 92  # longer periods chart their last 92 days
MAX_LOW_STOCK_LINES = 10
MAX_NAME_CHARS = 60


class TopProduct(NamedTuple):
    name: str
    units: int
    revenue_minor: int


class DaySales(NamedTuple):
    day: date
    orders: int
    revenue_minor: int


class LowStock(NamedTuple):
    sku: str
    name: str
    stock: int


@dataclass(frozen=True)
class Stats:
    """Sold orders are those confirmed in the period and not cancelled since."""

    period: Period
    orders: int
    cancelled: int
    revenue_minor: int  # products and delivery fees
    average_ticket_minor: int
    units: int
    top_products: list[TopProduct]
    new_customers: int
    returning_customers: int
    conversations: int
    converted: int
    daily: list[DaySales]
    low_stock: list[LowStock]
    low_stock_threshold: int
    open_orders: int
    delivery_minor: int = 0  # the part of revenue_minor charged for delivery

    @property
    def conversion_percent(self) -> int:
        """Converted chats as a whole percentage, rounded half up."""
        return _ratio(self.converted * 100, self.conversations)

    @property
    def daily_truncated(self) -> bool:
        """True when `daily` covers only the last MAX_DAILY_DAYS days of a longer period."""
        return self.period.days > len(self.daily)


async def compute_stats(
    uow: OwnerUnitOfWork,
    period: Period,
    *,
    tz: ZoneInfo,
    low_stock_threshold: int,
    ignore_chats: Collection[int] = (),
) -> Stats:
    """Read everything the owner's report shows, in one transaction.

    `ignore_chats`: chats left out of the conversation counts (the owners' own).
    """
    async with uow:
        return await _collect(
            uow, period, tz=tz, low_stock_threshold=low_stock_threshold, ignore_chats=ignore_chats
        )


def render_stats(stats: Stats) -> str:
    """The report as plain Spanish text for Telegram."""
    return "\n".join([*_title(stats), "", *_body(stats)])


async def daily_summary(
    uow: OwnerUnitOfWork,
    day: date,
    *,
    tz: ZoneInfo,
    low_stock_threshold: int,
    ignore_chats: Collection[int] = (),
) -> str:
    """The owners' end-of-day summary for local `day`."""
    period = day_period(day, tz=tz)
    async with uow:
        stats = await _collect(
            uow, period, tz=tz, low_stock_threshold=low_stock_threshold, ignore_chats=ignore_chats
        )
    title = texts.DAILY_SUMMARY_TITLE.format(day=long_date(day))
    return "\n".join([title, "", *_body(stats)])


# ---------------------------------------------------------------- collecting


async def _collect(
    uow: OwnerUnitOfWork,
    period: Period,
    *,
    tz: ZoneInfo,
    low_stock_threshold: int,
    ignore_chats: Collection[int] = (),
) -> Stats:
    sales = await uow.reports.sales(period.start, period.end)
    sold = [sale for sale in sales if sale.status != OrderStatus.CANCELLED]
    revenue = sum(sale.total_minor for sale in sold)
    top = await uow.reports.top_products(period.start, period.end, TOP_PRODUCTS)
    first_purchases = await uow.reports.first_purchases(period.start, period.end)
    new = sum(1 for first in first_purchases.values() if first >= period.start)
    chats = await uow.reports.conversations(period.start, period.end, ignore_chats)
    low = await uow.products.low_stock(low_stock_threshold)
    return Stats(
        period=period,
        orders=len(sold),
        cancelled=len(sales) - len(sold),
        revenue_minor=revenue,
        average_ticket_minor=_ratio(revenue, len(sold)),
        units=sum(sale.units for sale in sold),
        top_products=[TopProduct(p.name, p.units, p.revenue_minor) for p in top],
        new_customers=new,
        returning_customers=len(first_purchases) - new,
        conversations=chats.chats,
        converted=chats.converted,
        daily=_daily(period, [(s.confirmed_at, s.total_minor) for s in sold], tz),
        low_stock=[LowStock(p.sku, p.name, p.stock) for p in low],
        low_stock_threshold=low_stock_threshold,
        open_orders=await uow.reports.open_orders(),
        delivery_minor=sum(sale.delivery_fee_minor for sale in sold),
    )


def _daily(period: Period, sales: list[tuple[datetime, int]], tz: ZoneInfo) -> list[DaySales]:
    """Orders and revenue per local day, zero days included (the last MAX_DAILY_DAYS)."""
    last = period.last_day
    first = max(period.first_day, last - timedelta(days=MAX_DAILY_DAYS - 1))
    orders: dict[date, int] = defaultdict(int)
    revenue: dict[date, int] = defaultdict(int)
    for moment, total in sales:
        day = moment.astimezone(tz).date()
        orders[day] += 1
        revenue[day] += total
    days = (last - first).days + 1
    return [
        DaySales(day, orders[day], revenue[day])
        for day in (first + timedelta(days=n) for n in range(days))
    ]


def _ratio(numerator: int, denominator: int) -> int:
    """Integer division rounded half up; 0 when there is nothing to divide by."""
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)


# ---------------------------------------------------------------- rendering


def _title(stats: Stats) -> list[str]:
    period = stats.period
    lines = [texts.STATS_TITLE.format(label=period.label)]
    explicit = describe_days(period.first_day, period.last_day)
    if explicit != period.label:
        lines.append(texts.STATS_RANGE.format(range=explicit))
    return lines


def _body(stats: Stats) -> list[str]:
    lines: list[str] = []
    if stats.orders:
        lines.append(
            texts.STATS_ORDERS.format(
                orders=format_count(stats.orders), revenue=format_cop(stats.revenue_minor)
            )
        )
        if stats.delivery_minor:
            products = format_cop(stats.revenue_minor - stats.delivery_minor)
            delivery = format_cop(stats.delivery_minor)
            lines.append(texts.STATS_REVENUE_SPLIT.format(products=products, delivery=delivery))
        lines.append(
            texts.STATS_AVERAGE.format(
                average=format_cop(stats.average_ticket_minor), units=format_count(stats.units)
            )
        )
        lines.append(
            texts.STATS_CUSTOMERS.format(
                new=format_count(stats.new_customers),
                returning=format_count(stats.returning_customers),
            )
        )
    else:
        lines.append(texts.STATS_NO_SALES)
    if stats.cancelled:
        lines.append(texts.STATS_CANCELLED.format(count=format_count(stats.cancelled)))
    if stats.conversations:
        lines.append(
            texts.STATS_CONVERSATIONS.format(
                chats=format_count(stats.conversations),
                converted=format_count(stats.converted),
                percent=stats.conversion_percent,
            )
        )
    else:
        lines.append(texts.STATS_NO_CONVERSATIONS)
    if stats.open_orders:
        lines.append(texts.STATS_OPEN_ORDERS.format(count=format_count(stats.open_orders)))
    if stats.top_products:
        lines += ["", texts.STATS_TOP_HEADER]
        lines += [
            texts.STATS_TOP_LINE.format(
                n=n,
                name=_short(product.name),
                units=format_count(product.units),
                revenue=format_cop(product.revenue_minor),
            )
            for n, product in enumerate(stats.top_products, start=1)
        ]
    if stats.low_stock:
        lines += ["", texts.STATS_LOW_STOCK_HEADER.format(threshold=stats.low_stock_threshold)]
        shown = stats.low_stock[:MAX_LOW_STOCK_LINES]
        lines += [
            texts.STATS_LOW_STOCK_LINE.format(
                name=_short(item.name), sku=item.sku, stock=format_count(item.stock)
            )
            for item in shown
        ]
        if len(stats.low_stock) > len(shown):
            lines.append(
                texts.STATS_LOW_STOCK_MORE.format(
                    count=format_count(len(stats.low_stock) - len(shown))
                )
            )
    return lines


def _short(name: str, width: int = MAX_NAME_CHARS) -> str:
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 1] + "…"
