"""Repositories: queries and writes over one AsyncSession. They never commit."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Table,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.dialects import Insert, Rows, built, dialect_insert, execute_core
from db.models import (
    AppliedUploadRow,
    ConsentRow,
    CustomerRow,
    IdentityProofRow,
    JobRunRow,
    MessageRow,
    OrderLineRow,
    OrderRow,
    OutboxRow,
    PausedChatRow,
    PaymentEventRow,
    ProcessedUpdateRow,
    ProductChangeRow,
    ProductRow,
    ProductStagingRow,
    RelayLinkRow,
    StockAlertRow,
    UploadStatusRow,
    utcnow,
)
from db.types import UtcDateTime
from domain.model import (
    NOT_YET_SENT,
    OPEN_STATUSES,
    PAYMENT_STAMPS,
    SHIPPING_DETAILS,
    STATUS_STAMPS,
    AppliedImport,
    ChatMessage,
    Customer,
    DeliveryLine,
    InvoiceData,
    NewProduct,
    Order,
    OrderLine,
    OrderStatus,
    PaymentLine,
    PaymentState,
    Product,
    ProductChange,
    ProductKey,
    Shelf,
    StagedProduct,
    UpsertResult,
)

CHUNK = 500  # ids per IN (...) list; well under every database's parameter limit
BULK_ROWS = 2000  # rows per bulk INSERT call (SQLAlchemy batches them into statements)

PRODUCT_FIELDS = ("name", "description", "category", "price_minor", "stock", "active")
# A product read as plain columns: no ORM object per row when an import or the search index
# walks a big catalog.
PRODUCT_COLUMNS = (ProductRow.id, ProductRow.sku, *(getattr(ProductRow, f) for f in PRODUCT_FIELDS))

# The conversation's reads, built once and run as Core on the session's connection
# (db/dialects.py): each customer message makes a few of them, and building a statement or
# loading ORM objects costs more than SQLite takes to answer. Plain rows, mapped to the
# domain's dataclasses.
_products = cast(Table, ProductRow.__table__)
_orders = cast(Table, OrderRow.__table__)
# The open cart, its status written into the SQL. Compared with a bound value, SQLite
# prepares the statement again at every run (the value decides whether the partial index
# uq_orders_open_cart applies): measured 59 µs against 7 µs for the cart lookup, 108 against
# 8 with its lines.
IS_CART = _orders.c.status == literal_column(f"'{OrderStatus.CART.value}'")
_order_lines = cast(Table, OrderLineRow.__table__)
_PRODUCT_ROW = (_products.c.id, _products.c.sku, *(_products.c[f] for f in PRODUCT_FIELDS))
_PRODUCT_BY_ID = select(*_PRODUCT_ROW).where(_products.c.id == bindparam("id"))
_PRODUCTS_BY_IDS = select(*_PRODUCT_ROW).where(_products.c.id.in_(bindparam("ids", expanding=True)))
_mine, _other = _order_lines.alias("mine"), _order_lines.alias("other")
_BOUGHT_WITH = (
    select(_other.c.product_id, func.count().label("times"))
    .select_from(_mine)
    .join(
        _other,
        and_(_other.c.order_id == _mine.c.order_id, _other.c.product_id != bindparam("product_id")),
    )
    .join(_orders, _orders.c.id == _mine.c.order_id)
    .where(
        _mine.c.product_id == bindparam("product_id"),
        _orders.c.status.in_([s.value for s in (*OPEN_STATUSES, OrderStatus.DELIVERED)]),
    )
    .group_by(_other.c.product_id)
    .order_by(func.count().desc(), _other.c.product_id)
    .limit(bindparam("limit"))
)
_LINE_COLUMNS = ("product_id", "sku", "name", "unit_price_minor", "quantity", "discount_minor")
# Asked at every step of a checkout: whether the customer authorised their data, and theirs.
_consents = cast(Table, ConsentRow.__table__)
_CONSENT_OF = select(_consents.c.accepted_at).where(
    _consents.c.telegram_user_id == bindparam("user")
)
_customers = cast(Table, CustomerRow.__table__)
_CUSTOMER_OF_USER = select(_customers).where(_customers.c.telegram_user_id == bindparam("user"))
# A category's first page: in stock first, then by name (ProductRepository.shelf_page).
_SHELF = (
    select(*_PRODUCT_ROW)
    .where(_products.c.category == bindparam("category"), _products.c.active.is_(True))
    .order_by(case((_products.c.stock > 0, 0), else_=1), _products.c.name, _products.c.id)
    .limit(bindparam("limit"))
)
_NEW_CART = insert(_orders).returning(*_orders.c)
_NEW_LINE = insert(_order_lines)
_SET_LINE = update(_order_lines).where(
    _order_lines.c.order_id == bindparam("cart_id"),
    _order_lines.c.product_id == bindparam("line_product_id"),
)
_REMOVE_LINE = delete(_order_lines).where(
    _order_lines.c.order_id == bindparam("cart_id"),
    _order_lines.c.product_id == bindparam("line_product_id"),
)
_RETOTAL = update(_orders).where(_orders.c.id == bindparam("cart_id")).returning(*_orders.c)
# The chat's open cart and its lines (in the order they were added), in one statement: a
# row per line, the order's columns repeated; one row with no line for an empty cart.
_CART = (
    select(*_orders.c, *(_order_lines.c[c].label(f"line_{c}") for c in _LINE_COLUMNS))
    .select_from(_orders.outerjoin(_order_lines, _order_lines.c.order_id == _orders.c.id))
    .where(_orders.c.chat_id == bindparam("chat_id"), IS_CART)
    .order_by(_order_lines.c.id)
)


def _rowcount(outcome: Result[Any] | Rows) -> int:
    """Rows an INSERT, UPDATE or DELETE touched.

    A session types what it returns as Result, since it cannot promise a CursorResult for
    every statement (sqlalchemy#12913); for DML it always is one (or the driver's `Rows`).
    """
    if not isinstance(outcome, CursorResult | Rows):
        raise TypeError(f"expected a CursorResult or Rows, got {type(outcome).__name__}")
    return outcome.rowcount


def _product(row: ProductRow) -> Product:
    return Product(
        id=row.id,
        sku=row.sku,
        name=row.name,
        description=row.description,
        category=row.category,
        price_minor=row.price_minor,
        stock=row.stock,
        active=row.active,
    )


def _product_of(row: Sequence[Any]) -> Product:
    """A Product from a row of PRODUCT_COLUMNS."""
    product_id, sku, name, description, category, price_minor, stock, active = row
    return Product(
        id=product_id,
        sku=sku,
        name=name,
        description=description,
        category=category,
        price_minor=price_minor,
        stock=stock,
        active=active,
    )


def _customer(row: Any) -> Customer:
    """A Customer from a CustomerRow or a row of the customers table."""
    return Customer(
        id=row.id,
        telegram_user_id=row.telegram_user_id,
        national_id=row.national_id,
        name=row.name,
        phone=row.phone,
        address=row.address,
        neighbourhood=row.neighbourhood,
        notes=row.notes,
    )


def _lines_total(lines: Iterable[OrderLine | OrderLineRow]) -> int:
    return sum(line.unit_price_minor * line.quantity for line in lines)


ERASED_TEXT = "(datos borrados a pedido del cliente)"


def _order(row: Any, lines: tuple[OrderLine, ...] | None = None) -> Order:
    """An Order from an OrderRow (its lines loaded), or from a row of the orders table's
    columns and its `lines`."""
    if lines is None:
        lines = tuple(
            OrderLine(
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                unit_price_minor=line.unit_price_minor,
                quantity=line.quantity,
                discount_minor=line.discount_minor,
            )
            for line in row.lines
        )
    return Order(
        id=row.id,
        chat_id=row.chat_id,
        telegram_user_id=row.telegram_user_id,
        status=OrderStatus(row.status),
        lines=lines,
        total_minor=row.total_minor,
        customer_id=row.customer_id,
        national_id=row.national_id,
        customer_name=row.customer_name,
        phone=row.phone,
        address=row.address,
        neighbourhood=row.neighbourhood,
        notes=row.notes,
        delivery_method=row.delivery_method,
        delivery_place=row.delivery_place,
        delivery_fee_minor=row.delivery_fee_minor,
        payment_method=row.payment_method,
        payment_state=row.payment_state,
        payment_ref=row.payment_ref,
        shipped_with=row.shipped_with,
        tracking=row.tracking,
        invoice_tax_id=row.invoice_tax_id,
        invoice_name=row.invoice_name,
        invoice_email=row.invoice_email,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        delivered_at=row.delivered_at,
        cancelled_at=row.cancelled_at,
        updated_at=row.updated_at,
        preparing_at=row.preparing_at,
        shipped_at=row.shipped_at,
        ready_at=row.ready_at,
        paid_at=row.paid_at,
        refunded_at=row.refunded_at,
    )


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, product_id: int) -> Product | None:
        rows = await execute_core(self._session, _PRODUCT_BY_ID, {"id": product_id})
        row = rows.first()
        return _product_of(row) if row else None

    async def get_by_sku(self, sku: str) -> Product | None:
        row = await self._session.scalar(select(ProductRow).where(ProductRow.sku == sku))
        return _product(row) if row else None

    async def list_by_ids(self, ids: Sequence[int]) -> list[Product]:
        if not ids:
            return []
        by_id: dict[int, Product] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            rows = await execute_core(self._session, _PRODUCTS_BY_IDS, {"ids": chunk})
            by_id.update({row.id: _product_of(row) for row in rows})
        return [by_id[i] for i in ids if i in by_id]

    async def list_all(self) -> list[Product]:
        rows = await self._session.scalars(select(ProductRow).order_by(ProductRow.id))
        return [_product(row) for row in rows]

    async def list_after(self, after_id: int, limit: int) -> list[Product]:
        """The next `limit` products by id (to walk a big catalog a page at a time)."""
        rows = await self._session.execute(
            select(*PRODUCT_COLUMNS)
            .where(ProductRow.id > after_id)
            .order_by(ProductRow.id)
            .limit(limit)
        )
        return [_product_of(row) for row in rows]

    async def changed_since(
        self, moment: datetime, after_id: int = 0, limit: int | None = None
    ) -> list[Product]:
        """Products written at or after `moment` (by this process or another), by id; with
        `limit`, a page of them after `after_id`."""
        rows = await self._session.execute(
            select(*PRODUCT_COLUMNS)
            .where(ProductRow.updated_at >= moment, ProductRow.id > after_id)
            .order_by(ProductRow.id)
            .limit(limit)
        )
        return [_product_of(row) for row in rows]

    async def change_stamp(self) -> tuple[int, int, str]:
        row = (
            await self._session.execute(
                select(func.count(), func.max(ProductRow.id), func.max(ProductRow.updated_at))
            )
        ).one()
        count, last_id, last_write = row
        return int(count), int(last_id or 0), last_write.isoformat() if last_write else ""

    async def upsert_many(self, products: Iterable[NewProduct]) -> UpsertResult:
        """Insert new skus, update changed ones; report which.

        Bulk statements (multi-row INSERT ... RETURNING, executemany UPDATE by id) rather
        than ORM objects: an import of 100k rows is a few hundred statements.
        """
        incoming = {p.sku: p for p in products}
        columns = (ProductRow.id, ProductRow.sku, *(getattr(ProductRow, f) for f in PRODUCT_FIELDS))
        existing: dict[str, Sequence[Any]] = {}  # sku -> (id, sku, *PRODUCT_FIELDS)
        skus = list(incoming)
        for start in range(0, len(skus), CHUNK):
            chunk = skus[start : start + CHUNK]
            rows = await self._session.execute(select(*columns).where(ProductRow.sku.in_(chunk)))
            existing.update({row.sku: row for row in rows})
        # "ext-abc-20" in a file is the EXT-ABC-20 already on sale, not a new product.
        missing = [sku for sku in skus if sku not in existing]
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            rows = await self._session.execute(
                select(*columns).where(func.lower(ProductRow.sku).in_([s.lower() for s in chunk]))
            )
            by_folded: dict[str, list[Sequence[Any]]] = {}
            for row in rows:
                by_folded.setdefault(row.sku.lower(), []).append(row)
            for sku in chunk:
                matches = by_folded.get(sku.lower(), [])
                if len(matches) == 1:
                    existing[sku] = matches[0]
        result = UpsertResult()
        new_rows: list[dict[str, object]] = []
        changes: list[dict[str, object]] = []
        now = utcnow()
        for sku, product in incoming.items():
            values = {f: getattr(product, f) for f in PRODUCT_FIELDS}
            stored = existing.get(sku)
            if stored is None:
                new_rows.append({"sku": sku, **values, "created_at": now, "updated_at": now})
                result.created.append(sku)
            elif tuple(stored[2:]) != tuple(values.values()):
                changes.append({"id": stored[0], **values, "updated_at": now})
                result.updated.append(sku)
                result.changed_ids.append(int(stored[0]))
            else:
                result.unchanged.append(sku)
        if changes:
            await self._session.execute(update(ProductRow), changes)
        for start in range(0, len(new_rows), BULK_ROWS):
            inserted = await self._session.execute(
                insert(ProductRow).returning(ProductRow.id), new_rows[start : start + BULK_ROWS]
            )
            result.changed_ids.extend(inserted.scalars())
        return result

    async def take_stock(self, product_id: int, quantity: int) -> bool:
        """Decrement stock only if enough remains; one conditional UPDATE."""
        outcome = await self._session.execute(
            update(ProductRow)
            .where(
                ProductRow.id == product_id,
                ProductRow.active.is_(True),
                ProductRow.stock >= quantity,
            )
            .values(stock=ProductRow.stock - quantity, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return _rowcount(outcome) == 1

    async def return_stock(self, product_id: int, quantity: int) -> None:
        await self._session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id)
            .values(stock=ProductRow.stock + quantity, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    async def find_sku(self, sku: str) -> Product | None:
        """The product with this sku, ignoring case when there is no exact match."""
        exact = await self.get_by_sku(sku)
        if exact is not None:
            return exact
        rows = list(
            await self._session.scalars(
                select(ProductRow).where(func.lower(ProductRow.sku) == sku.lower()).limit(2)
            )
        )
        return _product(rows[0]) if len(rows) == 1 else None

    async def edit(
        self,
        product_id: int,
        *,
        stock: int | None = None,
        price_minor: int | None = None,
        active: bool | None = None,
    ) -> Product | None:
        """Change one product's stock, price or visibility; returns it as stored now."""
        row = await self._session.get(ProductRow, product_id)
        if row is None:
            return None
        if stock is not None:
            row.stock = stock
        if price_minor is not None:
            row.price_minor = price_minor
        if active is not None:
            row.active = active
        row.updated_at = utcnow()
        await self._session.flush()
        return _product(row)

    # ---- inventory imports: read keys, stage in short transactions, apply in one

    async def keys_after(self, after_id: int, limit: int) -> list[ProductKey]:
        """Id, sku and visibility of the next `limit` products by id (an import's diff)."""
        rows = await self._session.execute(
            select(ProductRow.id, ProductRow.sku, ProductRow.active, ProductRow.stock)
            .where(ProductRow.id > after_id)
            .order_by(ProductRow.id)
            .limit(limit)
        )
        return [ProductKey(*row) for row in rows]

    async def keys_of(self, skus: Sequence[str]) -> list[ProductKey]:
        """Id, sku and visibility of the products whose sku is one of `skus`, case aside
        (index ix_products_sku_lower): a small file's diff without reading every key."""
        rows = await self._session.execute(
            select(ProductRow.id, ProductRow.sku, ProductRow.active, ProductRow.stock)
            .where(func.lower(ProductRow.sku).in_({sku.lower() for sku in skus}))
            .order_by(ProductRow.id)
        )
        return [ProductKey(*row) for row in rows]

    async def created_ids(self, import_id: str) -> dict[str, int]:
        """By sku, the ids of the products for the new skus import `import_id` staged: inside
        its swap, after apply_staged (one query, however many)."""
        staged = ProductStagingRow
        rows = await self._session.execute(
            select(ProductRow.sku, ProductRow.id)
            .join(staged, staged.sku == ProductRow.sku)
            .where(
                staged.import_id == import_id,
                staged.deactivate.is_(False),
                staged.product_id.is_(None),
            )
        )
        return {sku: product_id for sku, product_id in rows}

    async def claim_upload(self, key: str) -> bool:
        """Mark upload `key` applied; False when it already was (then apply nothing)."""
        insert_ = dialect_insert(self._session)
        outcome = await self._session.execute(
            insert_(AppliedUploadRow)
            .values(key=key[:80], applied_at=utcnow())
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return _rowcount(outcome) == 1

    async def sold_since_import(
        self, product_ids: Sequence[int]
    ) -> dict[int, tuple[datetime, int]]:
        """For each product: when a file last set its stock (or created it), and the units
        sold since then, net of cancels — only the products with sales since."""
        audit = ProductChangeRow
        sold: dict[int, tuple[datetime, int]] = {}
        for start in range(0, len(product_ids), CHUNK):
            chunk = product_ids[start : start + CHUNK]
            last = (
                select(audit.product_id.label("pid"), func.max(audit.at).label("since"))
                .where(
                    audit.product_id.in_(chunk),
                    audit.source.like("archivo %"),
                    audit.field.in_(("stock", "created")),
                )
                .group_by(audit.product_id)
                .subquery()
            )
            rows = await self._session.execute(
                select(last.c.pid, last.c.since, func.sum(sql_cast(audit.new, BigInteger)))
                .join(audit, and_(audit.product_id == last.c.pid, audit.at > last.c.since))
                .where(audit.field == "stock", audit.old == "")
                .group_by(last.c.pid, last.c.since)
            )
            for pid, since, net in rows:
                if net is not None and net < 0:
                    sold[pid] = (since, -int(net))
        return sold

    async def stage(self, import_id: str, rows: Iterable[StagedProduct]) -> None:
        """Write rows of import `import_id` to the staging table (products stay as they are)."""
        now = utcnow()
        params = [
            {
                "import_id": import_id,
                "line": row.line,
                "product_id": row.product_id,
                "deactivate": False,
                "sku": row.values.sku,
                **{f: getattr(row.values, f) for f in PRODUCT_FIELDS},
                "staged_at": now,
            }
            for row in rows
        ]
        if params:
            await self._stage(params)

    async def stage_deactivations(self, import_id: str, product_ids: Iterable[int]) -> None:
        """Stage the products import `import_id` hides (a replace leaves them out)."""
        now = utcnow()
        params = [
            {
                "import_id": import_id,
                "line": 0,
                "product_id": product_id,
                "deactivate": True,
                "staged_at": now,
            }
            for product_id in product_ids
        ]
        if params:
            await self._stage(params)

    async def _stage(self, params: list[dict[str, Any]]) -> None:
        # The table, not the ORM class: one executemany for every row, at about half the
        # event loop's time per row of an ORM bulk insert.
        await self._session.execute(insert(cast(Table, ProductStagingRow.__table__)), params)

    async def record_changes(self, changes: Iterable[ProductChange]) -> None:
        """Add to the audit (product_changes)."""
        now = utcnow()
        params = [
            {
                "product_id": c.product_id,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "actor": c.actor[:60],
                "source": c.source[:300],
                "at": c.at or now,
            }
            for c in changes
        ]
        if params:
            await self._session.execute(insert(ProductChangeRow), params)

    async def history(self, product_id: int, limit: int = 10) -> list[ProductChange]:
        """The product's latest changes, newest first."""
        rows = await self._session.scalars(
            select(ProductChangeRow)
            .where(ProductChangeRow.product_id == product_id)
            .order_by(ProductChangeRow.id.desc())
            .limit(limit)
        )
        return [
            ProductChange(r.product_id, r.field, r.old, r.new, r.actor, r.source, r.at)
            for r in rows
        ]

    async def _audit_staged(
        self, matched: Any, changes: dict[str, Any], target: dict[str, Any], who: dict[str, Any]
    ) -> dict[str, int]:
        """One INSERT … SELECT per field: the audit of what an import is about to change;
        how many products each field changes in."""
        staged = ProductStagingRow
        counts = {}
        for f, changed in changes.items():
            chosen = select(
                ProductRow.id,
                literal(f),
                func.coalesce(sql_cast(getattr(ProductRow, f), Text), ""),
                sql_cast(target[f], Text),
            ).join(staged, and_(*matched, changed))
            count = await self._audit_select(chosen, who)
            if count:
                counts[f] = count
        return counts

    async def _audit_select(self, chosen: Any, who: dict[str, Any]) -> int:
        """INSERT … SELECT into the audit: `chosen` gives product id, field, old and new;
        how many rows went in."""
        rows = chosen.add_columns(
            literal(who["actor"]), literal(who["source"]), literal(who["at"], UtcDateTime())
        )
        outcome = await self._session.execute(
            insert(ProductChangeRow).from_select(
                ["product_id", "field", "old", "new", "actor", "source", "at"], rows
            )
        )
        return _rowcount(outcome)

    async def apply_staged(
        self, import_id: str, actor: str = "", source: str = "", *, add_stock: bool = False
    ) -> AppliedImport:
        """Apply import `import_id` from the staging table: three set-based statements.

        Matched products take the file's values where they differ, new skus are inserted in
        the file's order (a sku someone inserted meanwhile is updated instead) and staged
        deactivations hide what is still active. The caller's transaction makes it one swap.
        """
        staged = ProductStagingRow
        mine = (staged.import_id == import_id, staged.deactivate.is_(False))
        now = utcnow()
        # A staged NULL is a column the file does not have: the stored value stays.
        # With `add_stock` (an "entrada de mercancía") the file's stock is added, not set.
        target = {f: getattr(staged, f) for f in PRODUCT_FIELDS}
        if add_stock:
            target["stock"] = ProductRow.stock + staged.stock
        changes = {
            f: and_(
                getattr(staged, f).is_not(None),
                getattr(ProductRow, f).is_distinct_from(target[f]),
            )
            for f in PRODUCT_FIELDS
        }
        matched = (*mine, staged.product_id == ProductRow.id)
        who = {"actor": actor[:60], "source": source[:300], "at": now}
        # The audit rows, one INSERT … SELECT per field; their counts say what changed.
        changed_fields = await self._audit_staged(matched, changes, target, who)
        updated = await self._session.execute(
            update(ProductRow)
            .where(*matched, or_(*changes.values()))
            .values(
                {
                    **{f: func.coalesce(target[f], getattr(ProductRow, f)) for f in PRODUCT_FIELDS},
                    "updated_at": now,
                }
            )  # fmt: skip
            .returning(ProductRow.id)
            .execution_options(synchronize_session=False)
        )
        updated_ids = array("q", updated.scalars())
        moment = literal(now, UtcDateTime())
        defaults = {"description": "", "category": "", "stock": 0, "active": True}
        new_values = (
            func.coalesce(getattr(staged, f), defaults[f]) if f in defaults else getattr(staged, f)
            for f in PRODUCT_FIELDS
        )
        new_rows = (
            select(staged.sku, *new_values, moment, moment)
            .where(*mine, staged.product_id.is_(None))
            .order_by(staged.line)
        )
        upsert = dialect_insert(self._session)
        inserting = upsert(ProductRow).from_select(
            ["sku", *PRODUCT_FIELDS, "created_at", "updated_at"], new_rows
        )
        created = await self._session.execute(
            inserting.on_conflict_do_update(
                index_elements=[ProductRow.sku],
                set_={**{f: inserting.excluded[f] for f in PRODUCT_FIELDS}, "updated_at": now},
            ).returning(ProductRow.id)
        )
        created_ids = array("q", created.scalars())
        new_skus = select(staged.sku).where(*mine, staged.product_id.is_(None))
        await self._audit_select(
            select(ProductRow.id, literal("created"), literal(""), literal(""))
            .where(ProductRow.sku.in_(new_skus)),
            who,
        )  # fmt: skip
        hidden = select(staged.product_id).where(
            staged.import_id == import_id, staged.deactivate.is_(True)
        )
        await self._audit_select(
            select(ProductRow.id, literal("active"), literal("sí"), literal("no"))
            .where(ProductRow.active.is_(True), ProductRow.id.in_(hidden)),
            who,
        )  # fmt: skip
        deactivated = await self._session.execute(
            update(ProductRow)
            .where(ProductRow.active.is_(True), ProductRow.id.in_(hidden))
            .values(active=False, updated_at=now)
            .returning(ProductRow.id)
            .execution_options(synchronize_session=False)
        )
        hidden_ids = array("q", deactivated.scalars())
        return AppliedImport(created_ids, updated_ids, hidden_ids, changed_fields)

    async def unstage(self, import_id: str, limit: int) -> int:
        """Delete up to `limit` staged rows of import `import_id`; how many went."""
        chosen = select(ProductStagingRow.id).where(ProductStagingRow.import_id == import_id)
        return await self._delete_staged(chosen.limit(limit))

    async def oldest_staged(self, after: datetime) -> datetime | None:
        staged_at = ProductStagingRow.staged_at
        oldest: datetime | None = await self._session.scalar(
            select(func.min(staged_at)).where(staged_at >= after)
        )
        return oldest

    async def unstage_before(self, moment: datetime, limit: int) -> int:
        """Delete up to `limit` rows staged before `moment` (imports that never finished)."""
        chosen = select(ProductStagingRow.id).where(ProductStagingRow.staged_at < moment)
        return await self._delete_staged(chosen.limit(limit))

    async def _delete_staged(self, chosen: Any) -> int:
        outcome = await self._session.execute(
            delete(ProductStagingRow)
            .where(ProductStagingRow.id.in_(chosen.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )
        return _rowcount(outcome)

    async def low_stock(self, threshold: int) -> list[Product]:
        """Active products with `threshold` units or fewer, fewest first."""
        rows = await self._session.scalars(
            select(ProductRow)
            .where(ProductRow.active.is_(True), ProductRow.stock <= threshold)
            .order_by(ProductRow.stock, ProductRow.name)
        )
        return [_product(row) for row in rows]

    async def shelves(self) -> list[Shelf]:
        """Every category with active products: how many, and how many in stock; by name."""
        in_stock = func.sum(case((ProductRow.stock > 0, 1), else_=0))
        rows = await self._session.execute(
            select(ProductRow.category, func.count(), in_stock)
            .where(ProductRow.active.is_(True))
            .group_by(ProductRow.category)
            .order_by(ProductRow.category)
        )
        return [
            Shelf(category, int(available or 0), int(total)) for category, total, available in rows
        ]

    async def shelf_page(
        self, category: str, *, after: int | None = None, before: int | None = None, limit: int
    ) -> list[Product]:
        """A page of a category's active products, in stock first, then by name: the page
        after the product `after` (or before `before`) — by key, so a page costs the same
        deep in a category of thousands and an old button still lands where it said."""
        wanted = after if after is not None else before
        anchor = await self.get(wanted) if wanted is not None else None
        if anchor is None:  # the first page
            first = {"category": category, "limit": limit}
            return [_product_of(row) for row in await execute_core(self._session, _SHELF, first)]
        sold_out = case((ProductRow.stock > 0, 0), else_=1)
        key = tuple_(sold_out, ProductRow.name, ProductRow.id)
        query = select(*PRODUCT_COLUMNS).where(
            ProductRow.category == category, ProductRow.active.is_(True)
        )
        if anchor.category == category:
            mark = tuple_(
                literal(0 if anchor.stock > 0 else 1), literal(anchor.name), literal(anchor.id)
            )
            query = query.where(key > mark if after is not None else key < mark)
        backwards = before is not None
        order = (
            (sold_out.desc(), ProductRow.name.desc(), ProductRow.id.desc())
            if backwards
            else (sold_out, ProductRow.name, ProductRow.id)
        )
        rows = await self._session.execute(query.order_by(*order).limit(limit))
        products = [_product_of(row) for row in rows]
        return products[::-1] if backwards else products


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_user(self, telegram_user_id: int) -> Customer | None:
        found = await execute_core(self._session, _CUSTOMER_OF_USER, {"user": telegram_user_id})
        row = found.first()
        return _customer(row) if row else None

    async def by_national_id(self, national_id: str) -> Customer | None:
        row = await self._session.scalar(
            select(CustomerRow).where(CustomerRow.national_id == national_id)
        )
        return _customer(row) if row else None

    async def consent_of(self, telegram_user_id: int) -> datetime | None:
        found = await execute_core(self._session, _CONSENT_OF, {"user": telegram_user_id})
        accepted: datetime | None = found.scalar()
        return accepted

    async def give_consent(self, telegram_user_id: int) -> datetime:
        row = await self._session.get(ConsentRow, telegram_user_id)
        if row is None:
            row = ConsentRow(telegram_user_id=telegram_user_id, accepted_at=utcnow())
            self._session.add(row)
            await self._session.flush()
        return row.accepted_at

    async def erase(self, telegram_user_id: int, chat_id: int) -> int:
        """Anonymise what the shop holds about this person: their customer record, the
        personal fields of their orders (kept for the accounts; by this account or by their
        record), messages owed or sent about them, their conversation and their consent.
        How many orders were anonymised. An order the shop still owes (confirmed, not yet
        delivered nor cancelled) keeps its delivery data until then: the law lets a shop
        keep what it needs to fulfil the sale, and without it the order cannot be delivered.
        (Identity proofs stay: they hold no personal data and limit how often a chat may
        try.)"""
        records = select(CustomerRow.id).where(CustomerRow.telegram_user_id == telegram_user_id)
        theirs = or_(
            OrderRow.telegram_user_id == telegram_user_id,
            OrderRow.customer_id.in_(records.scalar_subquery()),
        )
        order_ids = select(OrderRow.id).where(theirs).scalar_subquery()
        await self._session.execute(
            update(OutboxRow)
            .where(or_(OutboxRow.chat_id == chat_id, OutboxRow.order_id.in_(order_ids)))
            .where(OutboxRow.status != "pending")
            .values(text=ERASED_TEXT, photo="")
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(
            delete(OutboxRow).where(OutboxRow.chat_id == chat_id, OutboxRow.status == "pending")
        )
        orders = await self._session.execute(
            update(OrderRow)
            .where(theirs, OrderRow.status.not_in(OPEN_STATUSES))
            .values(
                national_id="",
                customer_name="",
                phone="",
                address="",
                neighbourhood="",
                notes="",
                invoice_tax_id="",
                invoice_name="",
                invoice_email="",
            )
            .execution_options(synchronize_session=False)
        )
        blank = {"name": "", "phone": "", "address": "", "neighbourhood": "", "notes": ""}
        await self._session.execute(
            update(CustomerRow)
            .where(CustomerRow.telegram_user_id == telegram_user_id)
            .values(**blank, national_id=None, telegram_user_id=None)
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(delete(OrderRow).where(OrderRow.chat_id == chat_id, IS_CART))
        await self._session.execute(delete(MessageRow).where(MessageRow.chat_id == chat_id))
        await self._session.execute(
            delete(ConsentRow).where(ConsentRow.telegram_user_id == telegram_user_id)
        )
        return _rowcount(orders)

    async def note_proof(self, chat_id: int, *, ok: bool) -> None:
        self._session.add(IdentityProofRow(chat_id=chat_id, ok=ok, at=utcnow()))
        await self._session.flush()

    async def failed_proofs(self, chat_id: int, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(IdentityProofRow)
            .where(
                IdentityProofRow.chat_id == chat_id,
                IdentityProofRow.ok.is_(False),
                IdentityProofRow.at >= since,
            )
        )
        return int(count or 0)

    async def save(self, customer: Customer) -> Customer:
        """Create or update by national id (then telegram user); returns the stored customer."""
        row = None
        if customer.national_id:
            row = await self._session.scalar(
                select(CustomerRow).where(CustomerRow.national_id == customer.national_id)
            )
        if row is None and customer.telegram_user_id is not None:
            row = await self._session.scalar(
                select(CustomerRow).where(CustomerRow.telegram_user_id == customer.telegram_user_id)
            )
        if row is None:
            row = CustomerRow()
            self._session.add(row)
        if (
            customer.telegram_user_id is not None
            and row.telegram_user_id != customer.telegram_user_id
        ):
            # The Telegram account moves to this customer record.
            await self._session.execute(
                update(CustomerRow)
                .where(CustomerRow.telegram_user_id == customer.telegram_user_id)
                .values(telegram_user_id=None)
                .execution_options(synchronize_session=False)
            )
            row.telegram_user_id = customer.telegram_user_id
        row.national_id = customer.national_id
        row.name = customer.name
        row.phone = customer.phone
        row.address = customer.address
        row.neighbourhood = customer.neighbourhood
        row.notes = customer.notes
        await self._session.flush()
        return _customer(row)


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _query(self):  # noqa: ANN202
        return select(OrderRow).options(selectinload(OrderRow.lines))

    async def bought_with(self, product_id: int, limit: int) -> list[int]:
        """Products other customers bought in the same orders as `product_id` (confirmed,
        not cancelled), most often first."""
        rows = await execute_core(
            self._session, _BOUGHT_WITH, {"product_id": product_id, "limit": limit}
        )
        return [row.product_id for row in rows]

    async def get(self, order_id: int) -> Order | None:
        row = await self._session.scalar(self._query().where(OrderRow.id == order_id))
        return _order(row) if row else None

    async def get_cart(self, chat_id: int) -> Order | None:
        rows = (await execute_core(self._session, _CART, {"chat_id": chat_id})).all()
        if not rows:
            return None
        lines = tuple(
            OrderLine(*(getattr(row, f"line_{c}") for c in _LINE_COLUMNS))
            for row in rows
            if row.line_product_id is not None
        )
        return _order(rows[0], lines)

    async def lock_cart(self, chat_id: int) -> bool:
        """Hold the chat's open cart until this transaction ends; False when there is none
        (any more). On PostgreSQL a second confirmation of the same cart (a double tap
        handled by two processes) waits here for the first, then finds it confirmed, instead
        of taking the stock a second time. SQLite has no row locks (the clause is left out):
        its transactions take the database's write lock one at a time already (db/scope.py)."""
        found = await self._session.scalar(
            select(OrderRow.id).where(OrderRow.chat_id == chat_id, IS_CART).with_for_update()
        )
        return found is not None

    async def set_line(
        self, chat_id: int, telegram_user_id: int, product: Product, quantity: int
    ) -> Order:
        """Put `quantity` of `product` in the chat's cart (replacing an earlier quantity)."""
        cart = await self.get_cart(chat_id)
        line = OrderLine(product.id, product.sku, product.name, product.price_minor, quantity)
        values = {f: getattr(line, f) for f in _LINE_COLUMNS}
        now = utcnow()
        if cart is None:
            lines: tuple[OrderLine, ...] = (line,)
            created = await execute_core(
                self._session,
                _NEW_CART,
                {"chat_id": chat_id, "telegram_user_id": telegram_user_id,
                 "status": OrderStatus.CART.value, "total_minor": _lines_total(lines),
                 "updated_at": now},
            )  # fmt: skip
            row = created.one()
            await execute_core(self._session, _NEW_LINE, {"order_id": row.id, **values})
            return _order(row, lines)
        if any(ln.product_id == product.id for ln in cart.lines):
            lines = tuple(line if ln.product_id == product.id else ln for ln in cart.lines)
            values["line_product_id"] = values.pop("product_id")
            await execute_core(self._session, _SET_LINE, {"cart_id": cart.id, **values})
        else:
            lines = (*cart.lines, line)
            await execute_core(self._session, _NEW_LINE, {"order_id": cart.id, **values})
        return await self._retotal(cart.id, lines, now)

    async def remove_line(self, chat_id: int, product_id: int) -> Order | None:
        cart = await self.get_cart(chat_id)
        if cart is None:
            return None
        lines = tuple(ln for ln in cart.lines if ln.product_id != product_id)
        if len(lines) == len(cart.lines):
            return cart
        removed = {"cart_id": cart.id, "line_product_id": product_id}
        await execute_core(self._session, _REMOVE_LINE, removed)
        return await self._retotal(cart.id, lines, utcnow())

    async def _retotal(self, cart_id: int, lines: tuple[OrderLine, ...], now: datetime) -> Order:
        """The cart's total after its lines changed to `lines`; the cart as stored now."""
        changed = {"cart_id": cart_id, "total_minor": _lines_total(lines), "updated_at": now}
        row = (await execute_core(self._session, _RETOTAL, changed)).one()
        return _order(row, lines)

    async def discard_cart(self, chat_id: int) -> bool:
        outcome = await self._session.execute(
            delete(OrderRow).where(OrderRow.chat_id == chat_id, IS_CART)
        )
        return _rowcount(outcome) > 0

    async def confirm(
        self,
        order_id: int,
        customer: Customer,
        delivery: DeliveryLine,
        payment: PaymentLine,
        invoice: InvoiceData | None = None,
        discounts: Mapping[int, int] | None = None,
    ) -> Order:
        """The cart becomes an order: the customer's data as given now, the delivery, the
        payment, the invoice's data and each line's volume discount (`discounts`, by
        product, taken off the total)."""
        row = await self._session.scalar(self._query().where(OrderRow.id == order_id))
        if row is None or row.status != OrderStatus.CART:
            raise LookupError(f"order {order_id} is not an open cart")
        row.status = OrderStatus.CONFIRMED
        row.customer_id = customer.id
        row.national_id = customer.national_id or ""
        row.customer_name = customer.name
        row.phone = customer.phone
        row.address = customer.address
        row.neighbourhood = customer.neighbourhood
        row.notes = customer.notes
        row.delivery_method = delivery.method
        row.delivery_place = delivery.place
        row.delivery_fee_minor = delivery.fee_minor
        for line in row.lines:
            line.discount_minor = (discounts or {}).get(line.product_id, 0)
            if not 0 <= line.discount_minor <= line.unit_price_minor * line.quantity:
                raise ValueError(f"discount {line.discount_minor} on line {line.product_id}")
        discount = sum(line.discount_minor for line in row.lines)
        row.total_minor = _lines_total(row.lines) - discount + delivery.fee_minor
        row.payment_method = payment.method
        row.payment_state = payment.state
        if invoice is not None:
            row.invoice_tax_id, row.invoice_name = invoice.tax_id, invoice.name
            row.invoice_email = invoice.email
        row.confirmed_at = utcnow()
        await self._session.flush()
        return _order(row)

    async def list_for_user(self, telegram_user_id: int, limit: int = 5) -> list[Order]:
        rows = await self._session.scalars(
            self._query()
            .where(
                OrderRow.telegram_user_id == telegram_user_id, OrderRow.status != OrderStatus.CART
            )
            .order_by(OrderRow.id.desc())
            .limit(limit)
        )
        return [_order(row) for row in rows]

    async def list_for_customer(self, customer: Customer, limit: int = 10) -> list[Order]:
        """A customer's orders (newest first), by record or by the cédula they gave."""
        who = [OrderRow.customer_id == customer.id]
        if customer.national_id:
            who.append(OrderRow.national_id == customer.national_id)
        rows = await self._session.scalars(
            self._query()
            .where(OrderRow.status != OrderStatus.CART, (who[0] | who[-1]))
            .order_by(OrderRow.id.desc())
            .limit(limit)
        )
        return [_order(row) for row in rows]

    async def list_open(self, limit: int = 20) -> tuple[list[Order], int]:
        """Confirmed orders not yet delivered or cancelled, oldest first, and how many."""
        where = OrderRow.status.in_(OPEN_STATUSES)
        total = await self._session.scalar(select(func.count()).select_from(OrderRow).where(where))
        rows = await self._session.scalars(
            self._query().where(where).order_by(OrderRow.id).limit(limit)
        )
        return [_order(row) for row in rows], int(total or 0)

    async def move(
        self,
        order_id: int,
        from_status: OrderStatus | Collection[OrderStatus],
        to_status: OrderStatus,
        **details: str,
    ) -> Order | None:
        """Change the status only if it still is `from_status` (one of them): one conditional
        UPDATE, so two presses (or two processes) move it once. `details`: shipped_with,
        tracking."""
        now = utcnow()
        stamp = STATUS_STAMPS.get(to_status)
        stamps = {stamp: now} if stamp else {}
        wanted = (from_status,) if isinstance(from_status, OrderStatus) else tuple(from_status)
        allowed = {key: value for key, value in details.items() if key in SHIPPING_DETAILS}
        return await self._changed(
            order_id,
            OrderRow.status.in_(wanted),
            status=to_status,
            updated_at=now,
            **stamps,
            **allowed,
        )

    async def set_payment(
        self, order_id: int, from_state: str, to_state: str, ref: str | None = None
    ) -> Order | None:
        """Move the payment's state only if it still is `from_state` (paid twice: once)."""
        stamp = PAYMENT_STAMPS.get(to_state)
        values: dict[str, Any] = {"payment_state": to_state, "updated_at": utcnow()}
        if stamp:
            values[stamp] = values["updated_at"]
        if ref is not None:
            values["payment_ref"] = ref
        return await self._changed(order_id, OrderRow.payment_state == from_state, **values)

    async def change_address(self, order_id: int, address: str, neighbourhood: str) -> Order | None:
        """A confirmed order's delivery address, changed only while it has not left."""
        return await self._changed(
            order_id,
            OrderRow.status.in_(NOT_YET_SENT),
            address=address,
            neighbourhood=neighbourhood,
            updated_at=utcnow(),
        )

    async def switch_payment(self, order_id: int, from_method: str, to_method: str) -> Order | None:
        """Another way to pay an open order not paid yet ("ya pagué por Nequi" on a cash
        order), only if it still is `from_method` and pending."""
        return await self._changed(
            order_id,
            and_(
                OrderRow.payment_method == from_method,
                OrderRow.payment_state == PaymentState.PENDING,
                OrderRow.status.in_(OPEN_STATUSES),
            ),
            payment_method=to_method,
            updated_at=utcnow(),
        )

    async def set_payment_ref(self, order_id: int, ref: str) -> bool:
        """Give the order its provider reference, unless it has one already."""
        outcome = await self._session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.payment_ref == "")
            .values(payment_ref=ref)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(outcome) == 1

    async def without_payment_ref(self, method: str, confirmed_before: datetime) -> list[Order]:
        """Open orders paid by `method`, still pending, with no provider reference yet."""
        rows = await self._session.scalars(
            self._query()
            .where(
                OrderRow.status.in_(OPEN_STATUSES),
                OrderRow.payment_method == method,
                OrderRow.payment_state == PaymentState.PENDING,
                OrderRow.payment_ref == "",
                OrderRow.confirmed_at < confirmed_before,
            )
            .order_by(OrderRow.id)
        )
        return [_order(row) for row in rows]

    async def by_payment_ref(self, ref: str) -> Order | None:
        row = await self._session.scalar(self._query().where(OrderRow.payment_ref == ref))
        return _order(row) if row else None

    async def _changed(self, order_id: int, condition: Any, **values: Any) -> Order | None:
        outcome = await self._session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, condition)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(outcome) != 1:
            return None
        row = await self._session.scalar(
            self._query().where(OrderRow.id == order_id).execution_options(populate_existing=True)
        )
        return _order(row) if row else None

    async def record_payment_event(
        self, provider: str, event_id: str, order_id: int | None, outcome: str
    ) -> bool:
        """Note a provider's event; False when it was seen before (then change nothing)."""
        insert_ = dialect_insert(self._session)
        result = await self._session.execute(
            insert_(PaymentEventRow)
            .values(
                provider=provider,
                event_id=event_id,
                order_id=order_id,
                outcome=outcome,
                received_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        )
        return _rowcount(result) == 1

    async def idle_carts(self, idle_since: datetime) -> list[Order]:
        """Carts with products, untouched since `idle_since` and never reminded."""
        rows = await self._session.scalars(
            self._query()
            .where(
                IS_CART,
                OrderRow.updated_at < idle_since,
                OrderRow.reminded_at.is_(None),
                OrderRow.lines.any(),
            )
            .order_by(OrderRow.id)
        )
        return [_order(row) for row in rows]

    async def mark_reminded(self, order_id: int) -> bool:
        """Claim the cart's one reminder; False if it was already sent."""
        outcome = await self._session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.reminded_at.is_(None))
            .values(reminded_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return _rowcount(outcome) == 1


_ADD_MESSAGE = insert(MessageRow)


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        chat_id: int,
        direction: str,
        text: str,
        *,
        telegram_user_id: int | None = None,
        intent: str | None = None,
    ) -> None:
        await execute_core(
            self._session,
            _ADD_MESSAGE,
            {"chat_id": chat_id, "telegram_user_id": telegram_user_id, "direction": direction,
             "text": text, "intent": intent},
        )  # fmt: skip

    async def exchange(
        self, chat_id: int, telegram_user_id: int, said: str, intent: str, answer: str
    ) -> None:
        """Both rows in one statement (an executemany)."""
        said_row = {"chat_id": chat_id, "telegram_user_id": telegram_user_id, "direction": "in",
                    "text": said, "intent": intent}  # fmt: skip
        answer_row = {"chat_id": chat_id, "telegram_user_id": None, "direction": "out",
                      "text": answer, "intent": None}  # fmt: skip
        await execute_core(self._session, _ADD_MESSAGE, [said_row, answer_row])

    async def reword_last(self, chat_id: int, draft: str, text: str) -> None:
        """Replace the chat's latest outgoing `draft` with the `text` actually sent."""
        last = await self._session.scalar(
            select(MessageRow.id)
            .where(MessageRow.chat_id == chat_id, MessageRow.direction == "out")
            .order_by(MessageRow.id.desc())
            .limit(1)
        )
        if last is not None:
            await self._session.execute(
                update(MessageRow)
                .where(MessageRow.id == last, MessageRow.text == draft)
                .values(text=text)
                .execution_options(synchronize_session=False)
            )

    async def recent(self, chat_id: int, limit: int = 10) -> list[ChatMessage]:
        rows = await self._session.scalars(
            select(MessageRow)
            .where(MessageRow.chat_id == chat_id)
            .order_by(MessageRow.id.desc())
            .limit(limit)
        )
        found = [
            ChatMessage(
                chat_id=row.chat_id,
                direction=row.direction,
                text=row.text,
                created_at=row.created_at,
                intent=row.intent,
            )
            for row in rows
        ]
        return list(reversed(found))


_SEEN = select(ProcessedUpdateRow.key).where(ProcessedUpdateRow.key == bindparam("key"))


def _claim(insert: Callable[..., Insert]) -> Any:
    return insert(ProcessedUpdateRow).on_conflict_do_nothing(index_elements=["key"])


class UpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, key: str) -> bool:
        return await self._session.scalar(_SEEN, {"key": key}) is not None

    async def newest(self) -> int:
        """The highest update id recorded (0 if none)."""
        return await self._session.scalar(select(func.max(ProcessedUpdateRow.update_id))) or 0

    async def claim(self, key: str, update_id: int) -> bool:
        """Record an update by its key; False if it was seen before."""
        statement = built(self._session, "claim", _claim)
        outcome = await execute_core(
            self._session, statement, {"key": key, "update_id": update_id, "processed_at": utcnow()}
        )
        return _rowcount(outcome) == 1

    async def forget_before(self, moment: datetime) -> int:
        outcome = await self._session.execute(
            delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < moment)
        )
        return _rowcount(outcome)


class ChatControlRepository:
    """Human takeover: paused chats and the owner messages that relay to a customer."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def pause(self, chat_id: int, owner_id: int) -> bool:
        """Pause a chat; False if it already was."""
        if await self._session.get(PausedChatRow, chat_id) is not None:
            return False
        self._session.add(PausedChatRow(chat_id=chat_id, paused_by=owner_id, paused_at=utcnow()))
        await self._session.flush()
        return True

    async def resume(self, chat_id: int) -> bool:
        outcome = await self._session.execute(
            delete(PausedChatRow).where(PausedChatRow.chat_id == chat_id)
        )
        return _rowcount(outcome) > 0

    async def is_paused(self, chat_id: int) -> bool:
        return await self._session.get(PausedChatRow, chat_id) is not None

    async def paused(self) -> list[int]:
        rows = await self._session.scalars(
            select(PausedChatRow.chat_id).order_by(PausedChatRow.paused_at)
        )
        return list(rows)

    async def link(self, owner_chat_id: int, owner_message_id: int, customer_chat_id: int) -> None:
        await self._session.merge(
            RelayLinkRow(
                owner_chat_id=owner_chat_id,
                owner_message_id=owner_message_id,
                customer_chat_id=customer_chat_id,
                created_at=utcnow(),
            )
        )

    async def linked_chat(self, owner_chat_id: int, owner_message_id: int) -> int | None:
        row = await self._session.get(RelayLinkRow, (owner_chat_id, owner_message_id))
        return row.customer_chat_id if row else None

    async def remember_status(self, chat_id: int, document_id: int, status_id: int) -> None:
        await self._session.merge(
            UploadStatusRow(
                chat_id=chat_id,
                document_message_id=document_id,
                status_message_id=status_id,
                created_at=utcnow(),
            )
        )

    async def status_of(self, chat_id: int, document_id: int) -> int | None:
        row = await self._session.get(UploadStatusRow, (chat_id, document_id))
        return row.status_message_id if row else None

    async def forget_links_before(self, moment: datetime) -> int:
        outcome = await self._session.execute(
            delete(RelayLinkRow).where(RelayLinkRow.created_at < moment)
        )
        return _rowcount(outcome)

    async def forget_uploads_before(self, moment: datetime) -> int:
        """Inventory uploads' status messages and applied marks: they only guard against
        an upload handled again (a redelivery, a replay after a crash, a double tap)."""
        statuses = await self._session.execute(
            delete(UploadStatusRow).where(UploadStatusRow.created_at < moment)
        )
        applied = await self._session.execute(
            delete(AppliedUploadRow).where(AppliedUploadRow.applied_at < moment)
        )
        return _rowcount(statuses) + _rowcount(applied)


class JobRepository:
    """What scheduled jobs remember so a second run does nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_run(self, job: str, run_key: str) -> bool:
        """Record `job` for `run_key` (a day); False if it already ran."""
        insert = dialect_insert(self._session)
        outcome = await self._session.execute(
            insert(JobRunRow)
            .values(job=job, run_key=run_key, ran_at=utcnow())
            .on_conflict_do_nothing(index_elements=["job", "run_key"])
        )
        return _rowcount(outcome) == 1

    async def alerted_products(self) -> set[int]:
        return set(await self._session.scalars(select(StockAlertRow.product_id)))

    async def note_alerted(self, product_ids: Iterable[int]) -> None:
        self._session.add_all(
            StockAlertRow(product_id=product_id, alerted_at=utcnow()) for product_id in product_ids
        )
        await self._session.flush()

    async def clear_alerts(self, product_ids: Iterable[int]) -> None:
        ids = list(product_ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            await self._session.execute(
                delete(StockAlertRow).where(StockAlertRow.product_id.in_(chunk))
            )
