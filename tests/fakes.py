"""In-memory fakes of domain.ports: dicts behind the same methods, rolled back unless committed."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Self

from domain.events import Event, EventBus
from domain.model import (
    OPEN_STATUSES,
    PAYMENT_STAMPS,
    STATUS_STAMPS,
    AppliedImport,
    ChatMessage,
    Customer,
    DeliveryLine,
    InvoiceData,
    NewPhoto,
    NewProduct,
    Notice,
    Order,
    OrderLine,
    OrderStatus,
    PaymentLine,
    PaymentState,
    Product,
    ProductChange,
    ProductKey,
    ProductPhoto,
    Shelf,
    StagedProduct,
    UpsertResult,
    photo_digest,
)

PRODUCT_FIELDS = ("name", "description", "category", "price_minor", "stock", "active")


class FakeProductRepo:
    def __init__(self) -> None:
        self.rows: dict[int, Product] = {}
        # (import id, staged at, a row or the id of a product to deactivate)
        self.staged: list[tuple[str, datetime, StagedProduct | int]] = []
        self.changes: list[ProductChange] = []
        self.claimed: set[str] = set()
        self._ids = itertools.count(1)

    async def get(self, product_id: int) -> Product | None:
        return self.rows.get(product_id)

    async def get_by_sku(self, sku: str) -> Product | None:
        return next((p for p in self.rows.values() if p.sku == sku), None)

    async def list_by_ids(self, ids: Sequence[int]) -> list[Product]:
        return [self.rows[i] for i in ids if i in self.rows]

    async def list_all(self) -> list[Product]:
        return [self.rows[i] for i in sorted(self.rows)]

    async def list_after(self, after_id: int, limit: int) -> list[Product]:
        return [self.rows[i] for i in sorted(self.rows) if i > after_id][:limit]

    async def upsert_many(self, products: Iterable[NewProduct]) -> UpsertResult:
        result = UpsertResult()
        for new in {p.sku: p for p in products}.values():
            values = {f: getattr(new, f) for f in PRODUCT_FIELDS}
            old = await self.get_by_sku(new.sku)
            if old is None:
                product = Product(id=next(self._ids), sku=new.sku, **values)
                self.rows[product.id] = product
                result.created.append(new.sku)
                result.changed_ids.append(product.id)
            elif any(getattr(old, f) != v for f, v in values.items()):
                self.rows[old.id] = replace(old, **values)
                result.updated.append(new.sku)
                result.changed_ids.append(old.id)
            else:
                result.unchanged.append(new.sku)
        return result

    async def take_stock(self, product_id: int, quantity: int) -> bool:
        product = self.rows.get(product_id)
        if product is None or not product.active or product.stock < quantity:
            return False
        self.rows[product_id] = replace(product, stock=product.stock - quantity)
        return True

    async def return_stock(self, product_id: int, quantity: int) -> None:
        product = self.rows[product_id]
        self.rows[product_id] = replace(product, stock=product.stock + quantity)

    async def changed_since(
        self, moment: datetime, after_id: int = 0, limit: int | None = None
    ) -> list[Product]:
        """Every product counts as changed: the fake keeps no times."""
        return await self.list_after(after_id, len(self.rows) if limit is None else limit)

    async def change_stamp(self) -> tuple[int, int, str]:
        return len(self.rows), max(self.rows, default=0), str(hash(tuple(self.rows.items())))

    async def keys_after(self, after_id: int, limit: int) -> list[ProductKey]:
        page = await self.list_after(after_id, limit)
        return [ProductKey(p.id, p.sku, p.active, p.stock) for p in page]

    async def keys_of(self, skus: Sequence[str]) -> list[ProductKey]:
        wanted = {sku.lower() for sku in skus}
        return [
            ProductKey(p.id, p.sku, p.active, p.stock)
            for p in sorted(self.rows.values(), key=lambda p: p.id)
            if p.sku.lower() in wanted
        ]

    async def created_ids(self, import_id: str) -> dict[str, int]:
        wanted = {
            item.values.sku
            for key, _, item in self.staged
            if key == import_id and isinstance(item, StagedProduct) and item.product_id is None
        }
        return {p.sku: p.id for p in self.rows.values() if p.sku in wanted}

    async def claim_upload(self, key: str) -> bool:
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    async def sold_since_import(
        self, product_ids: Sequence[int]
    ) -> dict[int, tuple[datetime, int]]:
        sold: dict[int, tuple[datetime, int]] = {}
        for pid in product_ids:
            mine = [c for c in self.changes if c.product_id == pid and c.at]
            imports = [
                c.at
                for c in mine
                if c.source.startswith("archivo ") and c.field in ("stock", "created")
            ]
            if not imports:
                continue
            since = max(imports)
            net = sum(int(c.new) for c in mine if c.field == "stock" and not c.old and c.at > since)
            if net < 0:
                sold[pid] = (since, -net)
        return sold

    async def stage(self, import_id: str, rows: Iterable[StagedProduct]) -> None:
        self.staged += [(import_id, datetime.now(UTC), row) for row in rows]

    async def stage_deactivations(self, import_id: str, product_ids: Iterable[int]) -> None:
        self.staged += [(import_id, datetime.now(UTC), product_id) for product_id in product_ids]

    async def record_changes(self, changes: Iterable[ProductChange]) -> None:
        self.changes += [replace(c, at=c.at or datetime.now(UTC)) for c in changes]

    async def history(self, product_id: int, limit: int = 10) -> list[ProductChange]:
        return [c for c in reversed(self.changes) if c.product_id == product_id][:limit]

    async def apply_staged(
        self, import_id: str, actor: str = "", source: str = "", *, add_stock: bool = False
    ) -> AppliedImport:
        created: list[int] = []
        updated: list[int] = []
        deactivated: list[int] = []
        mine = [item for key, _, item in self.staged if key == import_id]
        changed_fields: dict[str, int] = {}
        defaults = {"description": "", "category": "", "stock": 0, "active": True}
        for row in sorted((r for r in mine if isinstance(r, StagedProduct)), key=lambda r: r.line):
            given = {f: getattr(row.values, f) for f in PRODUCT_FIELDS}
            values = {f: v for f, v in given.items() if v is not None}  # None: not in file
            old = self.rows.get(row.product_id) if row.product_id else None
            if add_stock and old is not None and "stock" in values:
                values["stock"] = old.stock + values["stock"]
            if old is None:
                product = Product(id=next(self._ids), sku=row.values.sku, **{**defaults, **values})
                self.rows[product.id] = product
                created.append(product.id)
            elif any(getattr(old, f) != v for f, v in values.items()):
                for f, v in values.items():
                    if getattr(old, f) != v:
                        changed_fields[f] = changed_fields.get(f, 0) + 1
                        self.changes.append(
                            ProductChange(old.id, f, str(getattr(old, f)), str(v), actor, source)
                        )
                self.rows[old.id] = replace(old, **values)
                updated.append(old.id)
        for product_id in (r for r in mine if isinstance(r, int)):
            if self.rows[product_id].active:
                self.rows[product_id] = replace(self.rows[product_id], active=False)
                deactivated.append(product_id)
        return AppliedImport(created, updated, deactivated, changed_fields)

    async def unstage(self, import_id: str, limit: int) -> int:
        return self._unstage(lambda key, _: key == import_id, limit)

    async def oldest_staged(self, after: datetime) -> datetime | None:
        return min((at for _, at, _ in self.staged if at >= after), default=None)

    async def unstage_before(self, moment: datetime, limit: int) -> int:
        return self._unstage(lambda _, at: at < moment, limit)

    def _unstage(self, doomed: Callable[[str, datetime], bool], limit: int) -> int:
        chosen = [n for n, (key, at, _) in enumerate(self.staged) if doomed(key, at)][:limit]
        for n in reversed(chosen):
            del self.staged[n]
        return len(chosen)

    async def shelves(self) -> list[Shelf]:
        counts: dict[str, list[int]] = {}
        for product in self.rows.values():
            if product.active:
                count = counts.setdefault(product.category, [0, 0])
                count[0] += product.stock > 0
                count[1] += 1
        return [Shelf(name, *counts[name]) for name in sorted(counts)]

    async def shelf_page(
        self, category: str, *, after: int | None = None, before: int | None = None, limit: int
    ) -> list[Product]:
        def key(product: Product) -> tuple[int, str, int]:
            return (product.stock <= 0, product.name, product.id)

        shelf = sorted(
            (p for p in self.rows.values() if p.category == category and p.active), key=key
        )
        anchor = self.rows.get(after if after is not None else before or 0)
        if anchor is None or anchor.category != category:
            return shelf[:limit]
        if after is not None:
            return [p for p in shelf if key(p) > key(anchor)][:limit]
        return [p for p in shelf if key(p) < key(anchor)][-limit:]

    def set_stock(self, sku: str, stock: int) -> None:
        """Test helper: what another customer's purchase would do."""
        product = next(p for p in self.rows.values() if p.sku == sku)
        self.rows[product.id] = replace(product, stock=stock)

    def by_sku(self, sku: str) -> Product:
        return next(p for p in self.rows.values() if p.sku == sku)


class FakeCustomerRepo:
    def __init__(
        self, orders: FakeOrderRepo | None = None, messages: FakeMessageRepo | None = None
    ) -> None:
        self.rows: dict[int, Customer] = {}
        self._ids = itertools.count(1)
        self.proofs: list[tuple[int, bool, datetime]] = []
        self.consents: dict[int, datetime] = {}
        self._orders = orders
        self._messages = messages

    async def consent_of(self, telegram_user_id: int) -> datetime | None:
        return self.consents.get(telegram_user_id)

    async def give_consent(self, telegram_user_id: int) -> datetime:
        return self.consents.setdefault(telegram_user_id, datetime.now(UTC))

    async def erase(self, telegram_user_id: int, chat_id: int) -> int:
        for customer in list(self.rows.values()):
            if customer.telegram_user_id == telegram_user_id:
                self.rows[customer.id] = Customer(customer.id, None, None)
        erased = 0
        if self._orders is not None:
            await self._orders.discard_cart(chat_id)
            for order in list(self._orders.rows.values()):
                if order.telegram_user_id == telegram_user_id:
                    self._orders.rows[order.id] = replace(
                        order, national_id="", customer_name="", phone="", address="",
                        neighbourhood="", notes="", invoice_tax_id="", invoice_name="",
                        invoice_email="",
                    )  # fmt: skip
                    erased += 1
        if self._messages is not None:
            kept = [
                (m, u) for m, u in zip(self._messages.rows, self._messages.users, strict=True)
                if m.chat_id != chat_id
            ]  # fmt: skip
            self._messages.rows = [m for m, _ in kept]
            self._messages.users = [u for _, u in kept]
        self.consents.pop(telegram_user_id, None)
        return erased

    async def note_proof(self, chat_id: int, *, ok: bool) -> None:
        self.proofs.append((chat_id, ok, datetime.now(UTC)))

    async def failed_proofs(self, chat_id: int, since: datetime) -> int:
        return sum(1 for c, ok, at in self.proofs if c == chat_id and not ok and at >= since)

    async def by_telegram_user(self, telegram_user_id: int) -> Customer | None:
        return next((c for c in self.rows.values() if c.telegram_user_id == telegram_user_id), None)

    async def by_national_id(self, national_id: str) -> Customer | None:
        return next((c for c in self.rows.values() if c.national_id == national_id), None)

    async def save(self, customer: Customer) -> Customer:
        old = None
        if customer.national_id:
            old = await self.by_national_id(customer.national_id)
        if old is None and customer.telegram_user_id is not None:
            old = await self.by_telegram_user(customer.telegram_user_id)
        if customer.telegram_user_id is not None:  # the Telegram account moves to this record
            for other in list(self.rows.values()):
                if other.telegram_user_id == customer.telegram_user_id and other is not old:
                    self.rows[other.id] = replace(other, telegram_user_id=None)
        stored = replace(customer, id=old.id if old else next(self._ids))
        if stored.telegram_user_id is None and old is not None:
            stored = replace(stored, telegram_user_id=old.telegram_user_id)
        self.rows[stored.id] = stored
        return stored


class FakeOrderRepo:
    def __init__(self) -> None:
        self.rows: dict[int, Order] = {}
        self.events: dict[tuple[str, str], str] = {}
        self._ids = itertools.count(1)

    async def bought_with(self, product_id: int, limit: int) -> list[int]:
        bought = (*OPEN_STATUSES, OrderStatus.DELIVERED)
        times: dict[int, int] = {}
        for order in self.rows.values():
            ids = {line.product_id for line in order.lines}
            if order.status in bought and product_id in ids:
                for other in ids - {product_id}:
                    times[other] = times.get(other, 0) + 1
        return sorted(times, key=lambda i: (-times[i], i))[:limit]

    async def get(self, order_id: int) -> Order | None:
        return self.rows.get(order_id)

    async def get_cart(self, chat_id: int) -> Order | None:
        return next(
            (
                o
                for o in self.rows.values()
                if o.chat_id == chat_id and o.status == OrderStatus.CART
            ),
            None,
        )

    async def lock_cart(self, chat_id: int) -> bool:
        return await self.get_cart(chat_id) is not None

    async def set_line(
        self, chat_id: int, telegram_user_id: int, product: Product, quantity: int
    ) -> Order:
        cart = await self.get_cart(chat_id) or Order(
            id=next(self._ids),
            chat_id=chat_id,
            telegram_user_id=telegram_user_id,
            status=OrderStatus.CART,
            created_at=datetime.now(UTC),
        )
        line = OrderLine(product.id, product.sku, product.name, product.price_minor, quantity)
        lines = [ln for ln in cart.lines if ln.product_id != product.id]
        position = next((n for n, ln in enumerate(cart.lines) if ln.product_id == product.id), None)
        lines.insert(len(lines) if position is None else position, line)
        return self._store(replace(cart, lines=tuple(lines)))

    async def remove_line(self, chat_id: int, product_id: int) -> Order | None:
        cart = await self.get_cart(chat_id)
        if cart is None:
            return None
        return self._store(
            replace(cart, lines=tuple(ln for ln in cart.lines if ln.product_id != product_id))
        )

    async def discard_cart(self, chat_id: int) -> bool:
        cart = await self.get_cart(chat_id)
        if cart is None:
            return False
        del self.rows[cart.id]
        return True

    async def confirm(
        self,
        order_id: int,
        customer: Customer,
        delivery: DeliveryLine,
        payment: PaymentLine,
        invoice: InvoiceData | None = None,
        discounts: Mapping[int, int] | None = None,
    ) -> Order:
        order = self.rows[order_id]
        assert order.status == OrderStatus.CART
        lines = tuple(
            replace(line, discount_minor=(discounts or {}).get(line.product_id, 0))
            for line in order.lines
        )
        discount = sum(line.discount_minor for line in lines)
        return self._store(
            replace(
                order,
                lines=lines,
                status=OrderStatus.CONFIRMED,
                total_minor=order.lines_total_minor - discount + delivery.fee_minor,
                delivery_method=delivery.method,
                delivery_place=delivery.place,
                delivery_fee_minor=delivery.fee_minor,
                payment_method=payment.method,
                payment_state=payment.state,
                invoice_tax_id=invoice.tax_id if invoice else "",
                invoice_name=invoice.name if invoice else "",
                invoice_email=invoice.email if invoice else "",
                customer_id=customer.id,
                national_id=customer.national_id or "",
                customer_name=customer.name,
                phone=customer.phone,
                address=customer.address,
                neighbourhood=customer.neighbourhood,
                notes=customer.notes,
                confirmed_at=datetime.now(UTC),
            )
        )

    async def list_for_user(self, telegram_user_id: int, limit: int = 5) -> list[Order]:
        mine = [
            o
            for o in self.rows.values()
            if o.telegram_user_id == telegram_user_id and o.status != OrderStatus.CART
        ]
        return sorted(mine, key=lambda o: o.id, reverse=True)[:limit]

    async def move(
        self,
        order_id: int,
        from_status: OrderStatus | Collection[OrderStatus],
        to_status: OrderStatus,
        **details: str,
    ) -> Order | None:
        order = self.rows.get(order_id)
        wanted = (from_status,) if isinstance(from_status, OrderStatus) else tuple(from_status)
        if order is None or order.status not in wanted:
            return None
        stamp = STATUS_STAMPS.get(to_status)
        stamps = {stamp: datetime.now(UTC)} if stamp else {}
        return self._store(replace(order, status=to_status, **stamps, **details))

    async def set_payment(
        self, order_id: int, from_state: str, to_state: str, ref: str | None = None
    ) -> Order | None:
        order = self.rows.get(order_id)
        if order is None or order.payment_state != from_state:
            return None
        stamp = PAYMENT_STAMPS.get(to_state)
        stamps = {stamp: datetime.now(UTC)} if stamp else {}
        ref = order.payment_ref if ref is None else ref
        return self._store(replace(order, payment_state=to_state, payment_ref=ref, **stamps))

    async def change_address(self, order_id: int, address: str, neighbourhood: str) -> Order | None:
        order = self.rows.get(order_id)
        if order is None or order.status not in (OrderStatus.CONFIRMED, OrderStatus.PREPARING):
            return None
        return self._store(replace(order, address=address, neighbourhood=neighbourhood))

    async def switch_payment(self, order_id: int, from_method: str, to_method: str) -> Order | None:
        order = self.rows.get(order_id)
        if order is None or order.payment_method != from_method:
            return None
        if order.payment_state != PaymentState.PENDING or order.status not in OPEN_STATUSES:
            return None
        return self._store(replace(order, payment_method=to_method))

    async def set_payment_ref(self, order_id: int, ref: str) -> bool:
        if self.rows[order_id].payment_ref:
            return False
        self.rows[order_id] = replace(self.rows[order_id], payment_ref=ref)
        return True

    async def without_payment_ref(self, method: str, confirmed_before: datetime) -> list[Order]:
        return [
            o
            for o in self.rows.values()
            if o.payment_method == method
            and o.payment_state == "pending"
            and not o.payment_ref
            and o.confirmed_at is not None
            and o.confirmed_at < confirmed_before
        ]

    async def by_payment_ref(self, ref: str) -> Order | None:
        return next((o for o in self.rows.values() if ref and o.payment_ref == ref), None)

    async def record_payment_event(
        self, provider: str, event_id: str, order_id: int | None, outcome: str
    ) -> bool:
        if (provider, event_id) in self.events:
            return False
        self.events[provider, event_id] = outcome
        return True

    def _store(self, order: Order) -> Order:
        order = replace(
            order,
            total_minor=order.lines_total_minor
            if order.status == OrderStatus.CART
            else order.total_minor,
        )
        self.rows[order.id] = order
        return order


class FakeMessageRepo:
    def __init__(self) -> None:
        self.rows: list[ChatMessage] = []
        self.users: list[int | None] = []

    async def add(
        self,
        chat_id: int,
        direction: str,
        text: str,
        *,
        telegram_user_id: int | None = None,
        intent: str | None = None,
    ) -> None:
        self.rows.append(ChatMessage(chat_id, direction, text, datetime.now(UTC), intent))
        self.users.append(telegram_user_id)

    async def exchange(
        self, chat_id: int, telegram_user_id: int, said: str, intent: str, answer: str
    ) -> None:
        await self.add(chat_id, "in", said, telegram_user_id=telegram_user_id, intent=intent)
        await self.add(chat_id, "out", answer)

    async def recent(self, chat_id: int, limit: int = 10) -> list[ChatMessage]:
        return [m for m in self.rows if m.chat_id == chat_id][-limit:]

    async def reword_last(self, chat_id: int, draft: str, text: str) -> None:
        for n in range(len(self.rows) - 1, -1, -1):
            row = self.rows[n]
            if row.chat_id == chat_id and row.direction == "out":
                if row.text == draft:
                    self.rows[n] = replace(row, text=text)
                return


class FakePhotoRepo:
    def __init__(self) -> None:
        self.rows: dict[int, ProductPhoto] = {}

    async def of(self, product_ids: Sequence[int]) -> dict[int, ProductPhoto]:
        return {i: self.rows[i] for i in product_ids if i in self.rows}

    async def having(self, product_ids: Sequence[int]) -> set[int]:
        return {i for i in product_ids if i in self.rows}

    async def put(self, photos: Iterable[NewPhoto]) -> int:
        written = {photo.product_id: photo for photo in photos}
        for photo in written.values():
            old = self.rows.get(photo.product_id)
            revision = old.revision + 1 if old else 1
            self.rows[photo.product_id] = ProductPhoto(
                photo.product_id, revision, photo.file_id, photo.url, photo.content
            )
        return len(written)

    async def urls(self, product_ids: Sequence[int]) -> dict[int, str]:
        return {i: self.rows[i].url for i in product_ids if i in self.rows}

    async def digests(self, product_ids: Sequence[int]) -> dict[int, str]:
        return {
            i: photo_digest(content)
            for i in product_ids
            if i in self.rows and (content := self.rows[i].content) is not None
        }

    async def remember_file_id(self, product_id: int, revision: int, file_id: str) -> bool:
        old = self.rows.get(product_id)
        if old is None or old.revision != revision or old.file_id:
            return False
        self.rows[product_id] = replace(old, file_id=file_id)
        return True


class FakeOutboxRepo:
    def __init__(self) -> None:
        self.rows: dict[str, Notice] = {}

    async def add(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            self.rows.setdefault(notice.key, notice)


class FakeUnitOfWork:
    """One shared in-memory store. State is snapshotted on enter and restored on exit
    unless `commit()` was called; `rollback()` restores the snapshot at once.

    The same instance may be entered again while open (an event handler reading after a
    commit): each entry keeps its own snapshot. Emitted events go to `bus` after a commit
    and are kept in `published`; the messages they promise are in `outbox.rows`."""

    def __init__(self, bus: EventBus | None = None) -> None:
        self.products = FakeProductRepo()
        self.orders = FakeOrderRepo()
        self.messages = FakeMessageRepo()
        self.customers = FakeCustomerRepo(self.orders, self.messages)
        self.outbox = FakeOutboxRepo()
        self.photos = FakePhotoRepo()
        self.committed = False
        self.commits = 0
        self.published: list[Event] = []
        self._bus = bus
        self._pending: list[list[Event]] = []
        self._snapshots: list[dict] = []

    def _state(self) -> dict:
        return {
            "products": copy.copy(self.products.rows),
            "staged": list(self.products.staged),
            "customers": copy.copy(self.customers.rows),
            "orders": copy.copy(self.orders.rows),
            "messages": (list(self.messages.rows), list(self.messages.users)),
            "outbox": dict(self.outbox.rows),
            "photos": dict(self.photos.rows),
        }

    def _restore(self, state: dict) -> None:
        self.products.rows = copy.copy(state["products"])
        self.products.staged = list(state["staged"])
        self.customers.rows = copy.copy(state["customers"])
        self.orders.rows = copy.copy(state["orders"])
        self.messages.rows, self.messages.users = (list(x) for x in state["messages"])
        self.outbox.rows = dict(state["outbox"])
        self.photos.rows = dict(state["photos"])

    async def __aenter__(self) -> Self:
        self.committed = False
        self._snapshots.append(self._state())
        self._pending.append([])
        return self

    async def __aexit__(self, *args: object) -> None:
        self._restore(self._snapshots.pop())
        self._pending.pop()

    def emit(self, event: Event) -> None:
        self._pending[-1].append(event)

    async def commit(self) -> None:
        if self._bus is not None:
            await self.outbox.add(self._bus.promised(self._pending[-1]))
        self.committed = True
        self.commits += 1
        state = self._state()  # what is committed survives exit, at every level
        self._snapshots = [state for _ in self._snapshots]
        events, self._pending[-1] = self._pending[-1], []
        self.published += events
        if self._bus is not None:
            await self._bus.publish(events)

    async def rollback(self) -> None:
        self._restore(self._snapshots[-1])
        self._pending[-1] = []
