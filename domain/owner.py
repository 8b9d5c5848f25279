"""The owner's desk: inventory uploads, quick edits, orders, customers and human takeover.

Every method takes what the owner typed and returns Spanish text; wrong input raises a
`DomainError` whose message says what to type instead. Nothing here knows about Telegram.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain import texts
from domain.archive import photos_alone
from domain.button import Button
from domain.catalog import (
    STALE_SHOWN,
    AlreadyApplied,
    BigReplace,
    Catalog,
    ImportSummary,
    Progress,
    StaleStock,
    import_inventory,
)
from domain.charts import stats_chart
from domain.delivery import Method, stored_line
from domain.events import ProductsChanged
from domain.exceptions import DomainError
from domain.exports import ExportFile, build_export
from domain.inventory import MAX_SKU_LEN, InvalidInventory
from domain.model import Customer, NewPhoto, Order, OrderStatus, Product, ProductChange
from domain.money import InvalidPrice, format_cop, format_count, parse_price
from domain.orders import OrderAction, OrderLife, order_state
from domain.periods import Period, parse_period
from domain.photo_import import PHOTO_FIELD, photo_changes, render_photos
from domain.ports import OwnerUnitOfWork
from domain.shop import ShopProfile
from domain.stats import compute_stats, render_stats

MAX_LISTED_ORDERS = 10
EXAMPLES_PER_KIND = 3
INVENTORY_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".zip")
_REPLACE_WORDS = re.compile(r"\b(reemplaz\w*|sustitu\w*|replace)\b", re.IGNORECASE)
_UPDATE_WORDS = re.compile(r"\b(actualiz\w*|agreg\w*|añad\w*|update|sumar)\b", re.IGNORECASE)
_ADD_WORDS = re.compile(
    r"\b(entrada( de mercanc[ií]a)?|ingreso de mercanc[ií]a|sumar|s[uú]malo|s[uú]malos|"
    r"lleg[oó] (mercanc[ií]a|el pedido)|mercanc[ií]a nueva)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(no|sin|nada de|ni|don'?t|not|without)\s+(\w+\s+)?$", re.IGNORECASE)


class OwnerInputError(DomainError):
    """A command typed wrong; the message shows the right form."""


class UnknownSku(DomainError):
    def __init__(self, sku: str) -> None:
        super().__init__(texts.OWNER_UNKNOWN_SKU.format(sku=sku))


@dataclass(frozen=True)
class UploadChoice:
    """How an uploaded inventory is applied, carried in the buttons' callback data
    (`inv:<r|a|u>[h][s]`), so each question keeps what was chosen before it."""

    replace: bool = False  # also hide the products the file leaves out
    add_stock: bool = False  # an "entrada de mercancía": the file's stock is added
    hide_many: bool = False  # the owner said yes to hiding more than 20%
    stale_ok: bool = False  # the owner said set the stock even of products sold since

    PREFIX = "inv"
    DROP = "inv:cancel"
    OLD = {"update": "u", "replace": "r", "replace!": "rh", "add": "a", "update!": "us"}

    @property
    def mode(self) -> str:
        return "r" if self.replace else "a" if self.add_stock else "u"

    def data(self) -> str:
        return f"{self.PREFIX}:{self.mode}{'h' * self.hide_many}{'s' * self.stale_ok}"

    def once(self, chat_id: int, document_id: int) -> str:
        """The upload's key: this document applied this way happens once."""
        return f"upload:{chat_id}:{document_id}:{self.mode}"

    @classmethod
    def parse(cls, data: str) -> UploadChoice | None:
        prefix, _, letters = data.partition(":")
        letters = cls.OLD.get(letters, letters)
        if prefix != cls.PREFIX or not re.fullmatch(r"[rau]h?s?", letters):
            return None
        return cls(
            replace=letters[0] == "r",
            add_stock=letters[0] == "a",
            hide_many="h" in letters,
            stale_ok="s" in letters,
        )


@dataclass(frozen=True)
class ImportOutcome:
    ok: bool
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # a question before anything changes


def upload_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(texts.OWNER_BUTTON_UPDATE, UploadChoice().data()),
            Button(texts.OWNER_BUTTON_REPLACE, UploadChoice(replace=True).data()),
        ),
        (Button(texts.OWNER_BUTTON_ADD, UploadChoice(add_stock=True).data()),),
        (Button(texts.BUTTON_CANCEL, UploadChoice.DROP),),
    )


def stale_buttons(choice: UploadChoice) -> tuple[tuple[Button, ...], ...]:
    """A file raising the stock of products sold since the last import: set it anyway, add
    it as goods that arrived, or drop the file (a replace stays a replace)."""
    anyway = replace(choice, stale_ok=True)
    added = replace(choice, add_stock=True, replace=False)
    return (
        (Button(texts.OWNER_BUTTON_SET_ANYWAY, anyway.data()),),
        (Button(texts.OWNER_BUTTON_ADD, added.data()),),
        (Button(texts.BUTTON_CANCEL, UploadChoice.DROP),),
    )


def replace_buttons(choice: UploadChoice, hidden: int) -> tuple[tuple[Button, ...], ...]:
    """A replace hiding many products: confirm it, only update, or drop the file."""
    confirm = texts.OWNER_BUTTON_REPLACE_ALL.format(count=format_count(hidden))
    return (
        (Button(confirm, replace(choice, hide_many=True).data()),),
        (Button(texts.OWNER_BUTTON_UPDATE_ONLY, replace(choice, replace=False).data()),),
        (Button(texts.BUTTON_CANCEL, UploadChoice.DROP),),
    )


def upload_mode(caption: str) -> UploadChoice | None:
    """The mode a caption asks for ("reemplazar", "actualizar"), if any.

    "no reemplazar", "sin reemplazar nada": never a replace; when in doubt, we ask.
    """
    wanted = [
        match for match in _REPLACE_WORDS.finditer(caption)
        if not _NEGATED.search(caption[: match.start()])
    ]  # fmt: skip
    if wanted:
        return UploadChoice(replace=True)
    added = [
        match for match in _ADD_WORDS.finditer(caption)
        if not _NEGATED.search(caption[: match.start()])
    ]  # fmt: skip
    if added:
        return UploadChoice(add_stock=True)
    if _UPDATE_WORDS.search(caption):
        return UploadChoice()
    return None


def upload_refusal(filename: str, size: int | None, limit: int) -> str | None:
    """Why a document cannot be an inventory before downloading it, or None."""
    name = filename.lower()
    if not name.endswith(INVENTORY_EXTENSIONS):
        return texts.OWNER_UPLOAD_WRONG_KIND.format(file=filename or texts.OWNER_THAT_FILE)
    if size is not None and size > limit:
        return texts.OWNER_UPLOAD_TOO_BIG.format(
            size_mb=_megabytes(size), limit_mb=_megabytes(limit)
        )
    if size == 0:
        return texts.OWNER_UPLOAD_EMPTY
    return None


def asks_before_download(filename: str, choice: UploadChoice | None) -> bool:
    """An upload without a mode is asked about at once, except a ZIP: it may hold images
    alone, which need no choice (domain looks into it first)."""
    return choice is None and not filename.lower().endswith(".zip")


def upload_key(chat_id: int, document_id: int, choice: UploadChoice | None) -> str:
    """The upload's once-key; a ZIP applied without a choice is applied as an update."""
    return (choice or UploadChoice()).once(chat_id, document_id)


_CAPTION_LEAD = frozenset({"sku", "foto", "de", "del", "ref", "referencia", "codigo", "código"})
_SKU_MARKS = frozenset({"sku", "ref", "referencia", "codigo", "código"})


def caption_sku(caption: str) -> tuple[str, bool] | None:
    """The one word a photo's caption is, after "foto de", "sku:"…; and whether the caption
    said it is a sku. None when the caption is empty or more than one word."""
    words = caption.replace(":", " ").split()
    explicit = False
    while len(words) > 1 and words[0].casefold() in _CAPTION_LEAD:
        explicit = explicit or words[0].casefold() in _SKU_MARKS
        words.pop(0)
    if len(words) != 1:
        return None
    sku = words[0].lstrip("#").rstrip(".,;")
    return (sku, explicit) if 0 < len(sku) <= MAX_SKU_LEN else None


def looks_like_sku(word: str) -> bool:
    """Written like a code ("EXT-ABC-20", "CAS01"), not like a word of a customer's message."""
    return any(char.isdigit() for char in word) or bool(re.search(r"\w[-_./]\w", word))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


# Every customer message asks whether its chat is paused; the set of paused chats is read at
# most this often. This process's own pause and resume are seen at once, another's (several
# webhook workers) within this long.
PAUSED_FRESH_SECONDS = 1.0


class OwnerDesk:
    def __init__(
        self,
        uow_factory: Callable[[], OwnerUnitOfWork],
        catalog: Catalog,
        shop: ShopProfile,
        timezone: ZoneInfo,
        *,
        low_stock_threshold: int = 3,
        owner_ids: tuple[int, ...] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        reads: Callable[[], OwnerUnitOfWork] | None = None,
    ) -> None:
        self._uow = uow_factory
        # Reads made before a customer's update begins its transaction (which paused chats).
        self._reads = reads or uow_factory
        self._catalog = catalog
        self._shop = shop
        self._timezone = timezone
        self._low_stock_threshold = low_stock_threshold
        self._owner_ids = owner_ids
        self._clock = clock
        self._paused: frozenset[int] | None = None  # None: read it again
        self._paused_read_at = 0.0
        pickup = shop.delivery_options.pickup or shop.address
        self.orders = OrderLife(uow_factory, shop.name, pickup)

    # ---------------------------------------------------------------- reports
    async def stats(self, args: str) -> tuple[str, bytes]:
        """The period's figures as text, and the same as a PNG chart."""
        period = self._period(args, default_days=30)
        assert period is not None
        stats = await compute_stats(
            self._uow(),
            period,
            tz=self._timezone,
            low_stock_threshold=self._low_stock_threshold,
            ignore_chats=self._owner_ids,
        )
        # Drawing takes a few hundred milliseconds of CPU: off the event loop.
        chart = await asyncio.to_thread(stats_chart, stats)
        return render_stats(stats), chart

    async def export(self, args: str) -> tuple[str, list[ExportFile]]:
        """Every table as CSV plus one workbook; all the history unless a period is given."""
        period = self._period(args, default_days=None)
        discounts = self._shop.volume_discounts
        files = await build_export(self._uow(), period, tz=self._timezone, discounts=discounts)
        label = period.label if period else texts.OWNER_EXPORT_ALL
        return texts.OWNER_EXPORT_CAPTION.format(period=label), files

    def _period(self, args: str, *, default_days: int | None) -> Period | None:
        today = self._clock().astimezone(self._timezone).date()
        return parse_period(args, today=today, tz=self._timezone, default_days=default_days)

    # ------------------------------------------------------------- inventory
    async def import_file(
        self,
        data: bytes,
        filename: str,
        choice: UploadChoice | None,
        *,
        progress: Progress,
        by: int | None = None,
        once: str = "",
    ) -> ImportOutcome:
        """Apply an uploaded inventory, or explain every problem and change nothing; a
        replace that would hide many products asks first (`hide_many`: the owner said yes).
        `choice` None (a ZIP sent without a caption, looked into before asking): a ZIP of
        images alone is applied, there is nothing to choose; one with an inventory asks."""
        if choice is None:
            try:
                alone = await asyncio.to_thread(photos_alone, data, filename)
            except InvalidInventory as refused:
                return ImportOutcome(False, refused.report() + "\n" + texts.OWNER_FIX_AND_RESEND)
            if not alone:
                question = texts.OWNER_UPLOAD_ASK_MODE.format(file=filename)
                return ImportOutcome(False, question, upload_buttons())
            choice = UploadChoice()
        try:
            summary = await import_inventory(
                self._uow(), self._catalog, data, filename,
                replace=choice.replace, hide_many=choice.hide_many,
                add_stock=choice.add_stock, stale_ok=choice.stale_ok,
                actor=_actor(by), once=once, progress=progress,
            )  # fmt: skip
        except InvalidInventory as refused:
            return ImportOutcome(False, refused.report() + "\n" + texts.OWNER_FIX_AND_RESEND)
        except BigReplace as big:
            examples = "; ".join(f"{sku} {name}" for sku, name in big.examples[:EXAMPLES_PER_KIND])
            question = texts.OWNER_REPLACE_ASK.format(
                file=filename,
                hidden=format_count(big.hidden),
                active=format_count(big.active),
                examples=examples,
            )
            return ImportOutcome(False, question, replace_buttons(choice, big.hidden))
        except StaleStock as stale:
            question = self._stale_question(filename, stale)
            return ImportOutcome(False, question, stale_buttons(choice))
        except AlreadyApplied:
            return ImportOutcome(False, texts.OWNER_UPLOAD_ALREADY.format(file=filename))
        return ImportOutcome(True, render_import(filename, summary))

    def _stale_question(self, filename: str, stale: StaleStock) -> str:
        shown = stale.lines[:STALE_SHOWN]
        lines = [
            texts.OWNER_STALE_ASK.format(
                file=filename, count=format_count(len(stale.lines)), since=self._when(stale.since)
            )
        ]
        lines += [
            texts.OWNER_STALE_LINE.format(
                sku=line.sku, now=line.stock, file=line.file_stock, sold=line.sold
            )
            for line in shown
        ]
        if len(stale.lines) > len(shown):
            lines.append(texts.OWNER_IMPORT_MORE.format(count=len(stale.lines) - len(shown)))
        lines.append(texts.OWNER_STALE_CHOOSE)
        return "\n".join(lines)

    async def upload_status(self, chat_id: int, document_id: int) -> int | None:
        """The status message an upload is already reported in (handled again after a
        restart), if any."""
        async with self._uow() as uow:
            return await uow.chats.status_of(chat_id, document_id)

    async def remember_upload_status(self, chat_id: int, document_id: int, status: int) -> None:
        async with self._uow() as uow:
            await uow.chats.remember_status(chat_id, document_id, status)
            await uow.commit()

    # ---------------------------------------------------------------- photos
    async def photo_sku(self, caption: str) -> str | None:
        """The sku an owner's photo caption names: a product's, or something written as a
        sku ("EXT-ABC-20", "sku: casco") so that an unknown one is answered; None for any
        other caption (the photo goes to the sale flow, as a customer's would)."""
        named = caption_sku(caption)
        if named is None:
            return None
        sku, explicit = named
        if explicit or looks_like_sku(sku):
            return sku
        async with self._uow() as uow:
            return sku if await uow.products.find_sku(sku) is not None else None

    async def set_photo(self, sku: str, file_id: str, by: int | None = None) -> str:
        """The owner's photo (Telegram's file_id) becomes the product's; the same photo
        again changes nothing (its revision, and what the sender learnt, stay)."""
        async with self._uow() as uow:
            product = await uow.products.find_sku(sku)
            if product is None:
                raise OwnerInputError(texts.OWNER_PHOTO_UNKNOWN_SKU.format(sku=sku))
            stored = (await uow.photos.of([product.id])).get(product.id)
            if stored is not None and stored.file_id == file_id:
                return texts.OWNER_PHOTO_SAME.format(sku=product.sku, name=product.name)
            photo = NewPhoto(product.id, file_id=file_id)
            await uow.photos.put([photo])
            await uow.products.record_changes(
                photo_changes([photo], _actor(by), texts.AUDIT_PHOTO_SENT)
            )
            await uow.commit()
        return texts.OWNER_PHOTO_SAVED.format(sku=product.sku, name=product.name)

    # ------------------------------------------------------------ quick edits
    async def set_stock(self, args: str, by: int | None = None) -> str:
        sku, value = _two_args(args, texts.OWNER_USAGE_STOCK)
        if not re.fullmatch(r"\d{1,9}", value):
            raise OwnerInputError(texts.OWNER_BAD_STOCK.format(value=value))
        before, after = await self._edit(sku, "/stock", by, stock=int(value))
        return texts.OWNER_STOCK_SET.format(
            sku=after.sku, name=after.name, before=before.stock, after=after.stock
        )

    async def set_price(self, args: str, by: int | None = None) -> str:
        sku, value = _two_args(args, texts.OWNER_USAGE_PRICE)
        try:
            price = parse_price(value)
        except InvalidPrice:
            raise OwnerInputError(texts.OWNER_BAD_PRICE.format(value=value)) from None
        if price <= 0:
            raise OwnerInputError(texts.OWNER_BAD_PRICE.format(value=value))
        before, after = await self._edit(sku, "/precio", by, price_minor=price)
        return texts.OWNER_PRICE_SET.format(
            sku=after.sku,
            name=after.name,
            before=format_cop(before.price_minor),
            after=format_cop(after.price_minor),
        )

    async def set_active(self, args: str, *, active: bool, by: int | None = None) -> str:
        sku = args.strip()
        if not sku or " " in sku:
            usage = texts.OWNER_USAGE_ACTIVATE if active else texts.OWNER_USAGE_DEACTIVATE
            raise OwnerInputError(usage)
        command = "/activar" if active else "/desactivar"
        _, after = await self._edit(sku, command, by, active=active)
        if not active:
            return texts.OWNER_DEACTIVATED.format(sku=after.sku, name=after.name)
        if after.stock == 0:
            return texts.OWNER_ACTIVATED_NO_STOCK.format(sku=after.sku, name=after.name)
        return texts.OWNER_ACTIVATED.format(sku=after.sku, name=after.name, stock=after.stock)

    async def _edit(
        self,
        sku: str,
        command: str,
        by: int | None,
        *,
        stock: int | None = None,
        price_minor: int | None = None,
        active: bool | None = None,
    ) -> tuple[Product, Product]:
        async with self._uow() as uow:
            before = await uow.products.find_sku(sku)
            if before is None:
                raise UnknownSku(sku)
            after = await uow.products.edit(
                before.id, stock=stock, price_minor=price_minor, active=active
            )
            assert after is not None
            actor = _actor(by)
            await uow.products.record_changes(
                ProductChange(after.id, f, str(getattr(before, f)), str(getattr(after, f)),
                              actor, command)
                for f in ("stock", "price_minor", "active")
                if getattr(before, f) != getattr(after, f)
            )  # fmt: skip
            uow.emit(ProductsChanged((after.id,)))
            await uow.commit()
        return before, after

    async def history(self, args: str) -> str:
        """/historial SKU: the product's latest changes, who made them and from where."""
        sku = args.strip()
        if not sku or " " in sku:
            raise OwnerInputError(texts.OWNER_USAGE_HISTORY)
        async with self._uow() as uow:
            product = await uow.products.find_sku(sku)
            if product is None:
                raise UnknownSku(sku)
            changes = await uow.products.history(product.id, limit=HISTORY_LINES)
        if not changes:
            return texts.OWNER_HISTORY_NONE.format(sku=product.sku, name=product.name)
        lines = [texts.OWNER_HISTORY_HEADER.format(sku=product.sku, name=product.name)]
        lines += [
            texts.OWNER_HISTORY_LINE.format(
                when=self._when(change.at),
                change=_describe_change(change),
                actor=change.actor or "—",
                source=change.source or "—",
            )
            for change in changes
        ]
        return "\n".join(lines)

    # ----------------------------------------------------------------- orders
    async def open_orders(self) -> tuple[str, list[Order]]:
        """The list of orders to deliver, and the orders that get buttons."""
        async with self._uow() as uow:
            orders, total = await uow.orders.list_open(MAX_LISTED_ORDERS)
        if not orders:
            return texts.OWNER_NO_OPEN_ORDERS, []
        lines = [texts.OWNER_OPEN_ORDERS_HEADER.format(count=total)]
        lines += [self._order_entry(order) for order in orders]
        if total > len(orders):
            lines.append(texts.OWNER_MORE_ORDERS.format(count=total - len(orders)))
        return "\n\n".join(lines), orders

    def _order_entry(self, order: Order) -> str:
        items = "\n".join(
            texts.OWNER_ORDER_ITEM.format(quantity=line.quantity, name=line.name)
            for line in order.lines
        )
        delivery = stored_line(
            order.delivery_method, order.delivery_place, order.delivery_fee_minor
        )
        template = (
            texts.OWNER_ORDER_ENTRY_PICKUP
            if order.delivery_method == Method.PICKUP
            else texts.OWNER_ORDER_ENTRY
        )
        return template.format(
            order_id=order.id,
            when=self._when(order.confirmed_at or order.created_at),
            name=order.customer_name,
            total=format_cop(order.total_minor),
            items=items,
            delivery=delivery or texts.DELIVERY_UNKNOWN,
            phone=order.phone,
            address=order.address,
            neighbourhood=order.neighbourhood,
            state=order_state(order),
        )

    async def describe_order(self, order_id: int) -> Order:
        return await self.orders.get(order_id)

    async def deliver(self, order_id: int) -> str:
        return (await self.orders.advance(order_id, OrderAction.DELIVER)).text

    async def cancel(self, order_id: int) -> str:
        return (await self.orders.advance(order_id, OrderAction.CANCEL)).text

    def cancel_question(self, order: Order) -> str:
        question = texts.OWNER_CANCEL_QUESTION.format(
            order_id=order.id, name=order.customer_name, total=format_cop(order.total_minor)
        )
        if order.status == OrderStatus.SHIPPED:  # a return: the units come back with the carrier
            question += " " + texts.OWNER_CANCEL_SHIPPED
        return question

    # -------------------------------------------------------------- customers
    async def customer_profile(self, args: str) -> str:
        wanted = re.sub(r"[.\s-]", "", args)
        if not re.fullmatch(r"\d{1,15}", wanted):
            raise OwnerInputError(texts.OWNER_USAGE_CUSTOMER)
        async with self._uow() as uow:
            customer = await uow.customers.by_national_id(wanted)
            if customer is None:
                customer = await uow.customers.by_telegram_user(int(wanted))
            if customer is None:
                raise OwnerInputError(texts.OWNER_UNKNOWN_CUSTOMER.format(national_id=wanted))
            orders = await uow.orders.list_for_customer(customer, limit=50)
            user = customer.telegram_user_id
            consent = await uow.customers.consent_of(user) if user is not None else None
        return self._render_customer(customer, orders, consent)

    def _render_customer(
        self, customer: Customer, orders: Sequence[Order], consent: datetime | None = None
    ) -> str:
        lines = [
            texts.OWNER_CUSTOMER_HEADER.format(
                name=customer.name or texts.OWNER_NO_NAME,
                national_id=customer.national_id or "—",
                phone=customer.phone or "—",
                address=", ".join(p for p in (customer.address, customer.neighbourhood) if p)
                or "—",
                chat=customer.telegram_user_id or "—",
            )
        ]
        if customer.notes:
            lines.append(texts.DATA_NOTES.format(notes=customer.notes).strip())
        lines.append(
            texts.OWNER_CUSTOMER_CONSENT.format(when=self._when(consent))
            if consent
            else texts.OWNER_CUSTOMER_NO_CONSENT
        )
        kept = [order for order in orders if order.status != OrderStatus.CANCELLED]
        spent = sum(order.total_minor for order in kept)
        if not orders:
            lines.append(texts.OWNER_CUSTOMER_NO_ORDERS)
        else:
            lines.append(
                texts.OWNER_CUSTOMER_TOTALS.format(count=len(kept), total=format_cop(spent))
            )
            lines.append(texts.OWNER_CUSTOMER_HISTORY)
            lines += [
                texts.OWNER_CUSTOMER_ORDER.format(
                    order_id=order.id,
                    when=self._when(order.confirmed_at or order.created_at),
                    total=format_cop(order.total_minor),
                    status=texts.ORDER_STATUS[order.status],
                )
                for order in orders[:10]
            ]
        return "\n".join(lines)

    # --------------------------------------------------------------- takeover
    async def pause(self, chat_id: int, owner_id: int) -> tuple[str, str | None]:
        """Stop automatic replies in a customer's chat; (owner text, customer notice)."""
        if chat_id == owner_id or chat_id in self._owner_ids:
            raise OwnerInputError(texts.OWNER_PAUSE_OWNER_CHAT)
        async with self._uow() as uow:
            if not await self._known_chat(uow, chat_id):
                raise OwnerInputError(texts.OWNER_UNKNOWN_CHAT.format(chat_id=chat_id))
            paused = await uow.chats.pause(chat_id, owner_id)
            if paused:
                await uow.messages.add(chat_id, "out", texts.CUSTOMER_HUMAN_TAKES_OVER)
            await uow.commit()
        self._paused = None
        if not paused:
            return texts.OWNER_ALREADY_PAUSED.format(chat_id=chat_id), None
        return texts.OWNER_PAUSED.format(chat_id=chat_id), texts.CUSTOMER_HUMAN_TAKES_OVER

    async def resume(self, chat_id: int) -> tuple[str, str | None]:
        async with self._uow() as uow:
            resumed = await uow.chats.resume(chat_id)
            if resumed:
                await uow.messages.add(chat_id, "out", texts.CUSTOMER_BOT_IS_BACK)
            await uow.commit()
        self._paused = None
        if not resumed:
            return texts.OWNER_NOT_PAUSED.format(chat_id=chat_id), None
        return texts.OWNER_RESUMED.format(chat_id=chat_id), texts.CUSTOMER_BOT_IS_BACK

    async def is_paused(self, chat_id: int) -> bool:
        """Whether an owner took this chat over (PAUSED_FRESH_SECONDS)."""
        paused, now = self._paused, time.monotonic()
        if paused is not None and now - self._paused_read_at < PAUSED_FRESH_SECONDS:
            return chat_id in paused
        if paused is not None:  # one message reads it again; the others meanwhile keep this
            self._paused_read_at = now
        async with self._reads() as uow:
            paused = frozenset(await uow.chats.paused())
        self._paused, self._paused_read_at = paused, now
        return chat_id in paused

    async def note_customer_message(self, chat_id: int, user_id: int, text: str) -> None:
        """A message in a paused chat: stored like any other, answered by a person."""
        async with self._uow() as uow:
            await uow.messages.add(chat_id, "in", text, telegram_user_id=user_id, intent="paused")
            await uow.commit()

    async def link(self, owner_chat_id: int, owner_message_id: int, customer_chat_id: int) -> None:
        async with self._uow() as uow:
            await uow.chats.link(owner_chat_id, owner_message_id, customer_chat_id)
            await uow.commit()

    async def relay_target(self, owner_chat_id: int, owner_message_id: int) -> int | None:
        async with self._uow() as uow:
            return await uow.chats.linked_chat(owner_chat_id, owner_message_id)

    async def note_owner_reply(self, customer_chat_id: int, text: str) -> None:
        async with self._uow() as uow:
            await uow.messages.add(customer_chat_id, "out", text, intent="owner")
            await uow.commit()

    @staticmethod
    async def _known_chat(uow: OwnerUnitOfWork, chat_id: int) -> bool:
        return bool(await uow.messages.recent(chat_id, limit=1))

    # ---------------------------------------------------------------- helpers
    def _when(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        return moment.astimezone(self._timezone).strftime("%d/%m %H:%M")


HISTORY_LINES = 15


def _actor(owner_id: int | None) -> str:
    return texts.AUDIT_BY_OWNER.format(owner_id=owner_id) if owner_id else texts.AUDIT_BY_SHOP


def _describe_change(change: ProductChange) -> str:
    if change.field == "created":
        return texts.OWNER_HISTORY_CREATED
    if change.field == PHOTO_FIELD:
        return texts.OWNER_HISTORY_PHOTO
    if change.field == "stock" and not change.old:  # a sale or a cancel: a movement
        return texts.OWNER_HISTORY_MOVE.format(new=change.new)
    name = texts.PRODUCT_FIELD_NAMES.get(change.field, change.field)
    return texts.OWNER_HISTORY_CHANGE.format(
        field=name, old=_shown(change.field, change.old), new=_shown(change.field, change.new)
    )


def _shown(field: str, value: str) -> str:
    """A stored value as the owner reads it: prices in pesos, sí/no, short texts."""
    if field == "price_minor" and value.lstrip("-").isdigit():
        return format_cop(int(value))
    if field == "active":
        return {"1": "sí", "true": "sí", "True": "sí", "0": "no", "false": "no", "False": "no"}.get(
            value, value
        )
    return value if len(value) <= 40 else value[:39] + "…"


def parse_chat_id(args: str, usage: str) -> int:
    value = args.strip()
    if not re.fullmatch(r"-?\d{1,15}", value):
        raise OwnerInputError(usage)
    return int(value)


def _two_args(args: str, usage: str) -> tuple[str, str]:
    parts = args.split(maxsplit=1)
    if len(parts) != 2:
        raise OwnerInputError(usage)
    return parts[0], parts[1].strip()


def render_import(filename: str, summary: ImportSummary) -> str:
    """The owner's summary of an applied inventory, with a few examples of each kind."""
    if summary.photos_only:
        done = texts.PHOTOS_ZIP_DONE.format(file=filename)
        return "\n".join([done, *render_photos(summary.photos)])
    lines = [texts.OWNER_IMPORT_DONE.format(file=filename)]
    kinds = (
        (summary.created, texts.OWNER_IMPORT_CREATED),
        (summary.updated, texts.OWNER_IMPORT_UPDATED),
        (summary.deactivated, texts.OWNER_IMPORT_DEACTIVATED),
    )
    for outcome, label in kinds:
        if not outcome.count:
            continue
        shown = [f"{sku} {name}".strip() for sku, name in outcome.examples[:EXAMPLES_PER_KIND]]
        more = (
            texts.OWNER_IMPORT_MORE.format(count=format_count(outcome.count - len(shown)))
            if outcome.count > len(shown)
            else ""
        )
        lines.append(
            label.format(count=format_count(outcome.count), examples="; ".join(shown) + more)
        )
    if summary.unchanged.count:
        lines.append(
            texts.OWNER_IMPORT_UNCHANGED.format(count=format_count(summary.unchanged.count))
        )
    if summary.changed_fields:
        changed = ", ".join(
            texts.OWNER_IMPORT_FIELD.format(
                field=texts.PRODUCT_FIELD_NAMES[field], count=format_count(count)
            )
            for field, count in summary.changed_fields
        )
        lines.append(texts.OWNER_IMPORT_CHANGED_FIELDS.format(fields=changed))
    left = [
        texts.PRODUCT_FIELD_NAMES[f] for f in texts.PRODUCT_FIELD_NAMES if f not in summary.columns
    ]
    if summary.columns and left:
        lines.append(texts.OWNER_IMPORT_LEFT_ALONE.format(fields=", ".join(left)))
    lines += render_photos(summary.photos)
    products = summary.created.count or summary.updated.count or summary.deactivated.count
    if not (products or summary.photos.written):
        lines.append(texts.OWNER_IMPORT_NOTHING_NEW)
    else:
        lines.append(texts.OWNER_IMPORT_SEARCH_READY)
    return "\n".join(lines)
