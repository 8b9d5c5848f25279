"""Read-only queries for exports, stats and summaries. Never writes.

Periods are half-open: `start` inclusive, `end` exclusive; `None` leaves that side open.
Bounds are aware datetimes; moments come back as aware UTC datetimes (db.types.UtcDateTime).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import CustomerRow, MessageRow, OrderLineRow, OrderRow
from db.repositories import _order
from domain.model import (
    OPEN_STATUSES,
    ConversationCounts,
    CustomerRecord,
    MessageRecord,
    Order,
    OrderStatus,
    ProductSales,
    Sale,
)

SOLD = (*OPEN_STATUSES, OrderStatus.DELIVERED)  # confirmed and not cancelled
COUNTED = (*SOLD, OrderStatus.CANCELLED)
INCOMING = "in"


def _within(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # ------------------------------------------------------------ stats

    async def sales(self, start: datetime, end: datetime) -> list[Sale]:
        """Orders confirmed in the period (still confirmed, delivered or cancelled), by time."""
        units = (
            select(func.coalesce(func.sum(OrderLineRow.quantity), 0))
            .where(OrderLineRow.order_id == OrderRow.id)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(
                OrderRow.id,
                OrderRow.chat_id,
                OrderRow.customer_id,
                OrderRow.status,
                OrderRow.total_minor,
                OrderRow.confirmed_at,
                units,
                OrderRow.delivery_fee_minor,
            )
            .where(OrderRow.status.in_(COUNTED), *_within(OrderRow.confirmed_at, start, end))
            .order_by(OrderRow.confirmed_at, OrderRow.id)
        )
        return [
            Sale(
                order_id=order_id,
                chat_id=chat_id,
                customer_id=customer_id,
                status=OrderStatus(status),
                total_minor=int(total or 0),
                confirmed_at=confirmed_at,
                units=int(quantity or 0),
                delivery_fee_minor=int(fee or 0),
            )
            for order_id, chat_id, customer_id, status, total, confirmed_at, quantity, fee in rows
            if confirmed_at is not None  # always: the period's bounds leave out a NULL
        ]

    async def top_products(
        self, start: datetime, end: datetime, limit: int = 5
    ) -> list[ProductSales]:
        """Best sellers by units among the period's sold orders (cancelled ones excluded)."""
        units = func.sum(OrderLineRow.quantity)
        revenue = func.sum(
            OrderLineRow.quantity * OrderLineRow.unit_price_minor - OrderLineRow.discount_minor
        )
        rows = await self._session.execute(
            select(
                OrderLineRow.product_id,
                func.max(OrderLineRow.sku),
                func.max(OrderLineRow.name),
                units,
                revenue,
            )
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .where(OrderRow.status.in_(SOLD), *_within(OrderRow.confirmed_at, start, end))
            .group_by(OrderLineRow.product_id)
            .order_by(units.desc(), revenue.desc(), func.max(OrderLineRow.name))
            .limit(limit)
        )
        return [
            ProductSales(
                product_id=product_id,
                sku=sku,
                name=name,
                units=int(sold or 0),
                revenue_minor=int(amount or 0),
            )
            for product_id, sku, name, sold, amount in rows
        ]

    async def first_purchases(self, start: datetime, end: datetime) -> dict[int, datetime]:
        """For each customer with a sold order in the period: when they first ever bought."""
        buyers = select(OrderRow.customer_id).where(
            OrderRow.status.in_(SOLD),
            OrderRow.customer_id.is_not(None),
            *_within(OrderRow.confirmed_at, start, end),
        )
        rows = await self._session.execute(
            select(OrderRow.customer_id, func.min(OrderRow.confirmed_at))
            .where(OrderRow.status.in_(SOLD), OrderRow.customer_id.in_(buyers))
            .group_by(OrderRow.customer_id)
        )
        return {
            customer_id: first
            for customer_id, first in rows
            if customer_id is not None and first is not None
        }

    async def conversations(
        self, start: datetime, end: datetime, ignore: Collection[int] = ()
    ) -> ConversationCounts:
        """Chats with customer messages in the period; `converted`: those with a sale in it.

        `ignore`: chats that are not customers' (the owners trying their own shop).
        """
        talked = (
            select(MessageRow.chat_id)
            .where(
                MessageRow.direction == INCOMING,
                MessageRow.chat_id.not_in(list(ignore)),
                *_within(MessageRow.created_at, start, end),
            )
            .distinct()
            .subquery()
        )
        bought = select(OrderRow.chat_id).where(
            OrderRow.status.in_(SOLD), *_within(OrderRow.confirmed_at, start, end)
        )
        row = (
            await self._session.execute(
                select(
                    func.count(),
                    func.count(case((talked.c.chat_id.in_(bought), 1))),
                ).select_from(talked)
            )
        ).one()
        return ConversationCounts(chats=int(row[0] or 0), converted=int(row[1] or 0))

    async def open_orders(self) -> int:
        """Confirmed orders still to deliver."""
        total = await self._session.scalar(
            select(func.count()).select_from(OrderRow).where(OrderRow.status.in_(OPEN_STATUSES))
        )
        return int(total or 0)

    # ------------------------------------------------------------ exports

    async def orders_created(self, start: datetime | None, end: datetime | None) -> list[Order]:
        """Every order (carts included) created in the period, with its lines, oldest first."""
        rows = await self._session.scalars(
            select(OrderRow)
            .options(selectinload(OrderRow.lines))
            .where(*_within(OrderRow.created_at, start, end))
            .order_by(OrderRow.id)
        )
        return [_order(row) for row in rows]

    async def customers(self, start: datetime | None, end: datetime | None) -> list[CustomerRecord]:
        """Customers created in the period or with an order created in it, with what they
        have bought in all (sold orders, cancelled ones excluded)."""
        bought = (
            select(
                OrderRow.customer_id.label("customer_id"),
                func.count(OrderRow.id).label("orders"),
                func.sum(OrderRow.total_minor).label("spent"),
            )
            .where(OrderRow.status.in_(SOLD), OrderRow.customer_id.is_not(None))
            .group_by(OrderRow.customer_id)
            .subquery()
        )
        query = (
            select(CustomerRow, bought.c.orders, bought.c.spent)
            .outerjoin(bought, bought.c.customer_id == CustomerRow.id)
            .order_by(CustomerRow.id)
        )
        if start is not None or end is not None:
            ordered = select(OrderRow.customer_id).where(
                OrderRow.customer_id.is_not(None), *_within(OrderRow.created_at, start, end)
            )
            created = and_(*_within(CustomerRow.created_at, start, end))
            query = query.where(or_(created, CustomerRow.id.in_(ordered)))
        rows = await self._session.execute(query)
        return [
            CustomerRecord(
                id=row.id,
                telegram_user_id=row.telegram_user_id,
                national_id=row.national_id,
                name=row.name,
                phone=row.phone,
                address=row.address,
                neighbourhood=row.neighbourhood,
                notes=row.notes,
                created_at=row.created_at,
                orders=int(orders or 0),
                spent_minor=int(spent or 0),
            )
            for row, orders, spent in rows
        ]

    async def messages(self, start: datetime | None, end: datetime | None) -> list[MessageRecord]:
        """Every stored message of the period, in the order they were written."""
        rows = await self._session.scalars(
            select(MessageRow)
            .where(*_within(MessageRow.created_at, start, end))
            .order_by(MessageRow.id)
        )
        return [
            MessageRecord(
                id=row.id,
                chat_id=row.chat_id,
                telegram_user_id=row.telegram_user_id,
                direction=row.direction,
                text=row.text,
                intent=row.intent,
                created_at=row.created_at,
            )
            for row in rows
        ]
