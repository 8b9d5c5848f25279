"""What the scheduled jobs decide: plain functions over a unit of work and an explicit `now`.

Each function takes a unit-of-work factory and opens its own units of work (a job never
shares a session) and claims its work in the database before anything is sent, so running a
job twice for the same period changes nothing and sends nothing the second time. The
messages a job owes are written to the outbox in the transaction that claims the work
(`domain.notices`); the outbox sender delivers them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from domain import stats, texts
from domain.conversation import Action, Button, render_cart
from domain.model import Notice, Product
from domain.notices import owners_notice
from domain.ports import OwnerUnitOfWork
from domain.pricing import VolumeDiscounts

DAILY_SUMMARY = "daily_summary"
UPDATE_MEMORY = timedelta(days=7)  # Telegram redelivers for a day at most
RELAY_LINK_MEMORY = timedelta(days=30)  # an owner may answer a customer's message late
REMINDER_BUTTONS = ((Button(texts.BUTTON_CHECKOUT, Action.CHECKOUT),),)

UowFactory = Callable[[], OwnerUnitOfWork]


def _utc(now: datetime) -> datetime:
    """`now` in UTC; a naive `now` is the caller's bug (which zone would it be?)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    return now.astimezone(UTC)


# ----------------------------------------------------------------- daily summary
def summary_day(now: datetime, tz: tzinfo, hour: int) -> date:
    """The shop day a summary due at `hour` (local) covers.

    A run delayed past midnight still covers the day it was due for.
    """
    local = _utc(now).astimezone(tz)
    if 0 <= hour and local.hour < hour:
        return local.date() - timedelta(days=1)
    return local.date()


async def daily_summary(
    new_uow: UowFactory,
    now: datetime,
    *,
    tz: ZoneInfo,
    hour: int,
    low_stock_threshold: int,
    ignore_chats: Collection[int] = (),
    owner_ids: Collection[int] = (),
) -> str | None:
    """The owners' summary of the day, once per day: None if that day was already claimed.
    Claimed together with the owners' message in the outbox.

    `ignore_chats`: the owners' own chats, not counted as customer conversations.

    The text is read first (its own read-only unit of work), then the day is claimed: a
    failure while reading leaves the day unclaimed for the next run.
    """
    day = summary_day(now, tz, hour)
    text = await stats.daily_summary(
        new_uow(), day, tz=tz, low_stock_threshold=low_stock_threshold, ignore_chats=ignore_chats
    )
    async with new_uow() as uow:
        claimed = await uow.jobs.claim_run(DAILY_SUMMARY, day.isoformat())
        if claimed:
            await uow.outbox.add(owners_notice(f"daily-summary:{day}", owner_ids, text))
        await uow.commit()
    return text if claimed else None


# ----------------------------------------------------------------- idle carts
@dataclass(frozen=True)
class CartReminder:
    """One reminder, already claimed: send it to `chat_id` (at most once, never again)."""

    chat_id: int
    order_id: int
    text: str
    buttons: tuple[tuple[Button, ...], ...] = REMINDER_BUTTONS


async def claim_cart_reminders(
    new_uow: UowFactory,
    now: datetime,
    *,
    idle_hours: float,
    discounts: VolumeDiscounts,
) -> list[CartReminder]:
    """Carts with products untouched for `idle_hours`, never reminded, in chats that were
    quiet as long and are not taken over by an owner: each is marked reminded (and the text,
    the cart with the shop's volume `discounts`, kept in the conversation) before it is
    returned, so it goes out once even if sending fails or this runs twice."""
    if idle_hours <= 0:
        return []
    idle_since = _utc(now) - timedelta(hours=idle_hours)
    reminders: list[CartReminder] = []
    async with new_uow() as uow:
        for cart in await uow.orders.idle_carts(idle_since):
            if await uow.chats.is_paused(cart.chat_id):
                continue
            if await _talked_since(uow, cart.chat_id, idle_since):
                continue  # mid-checkout, or just asking: not an abandoned cart
            if not await uow.orders.mark_reminded(cart.id):
                continue
            text = texts.CART_REMINDER.format(cart=render_cart(cart, discounts))
            await uow.messages.add(cart.chat_id, "out", text, intent="reminder")
            reminder = CartReminder(cart.chat_id, cart.id, text)
            await uow.outbox.add(
                [Notice(f"cart-reminder:{cart.id}", cart.chat_id, text, reminder.buttons)]
            )
            reminders.append(reminder)
        await uow.commit()
    return reminders


async def _talked_since(uow: OwnerUnitOfWork, chat_id: int, moment: datetime) -> bool:
    last = await uow.messages.recent(chat_id, limit=1)
    return bool(last) and last[0].created_at is not None and last[0].created_at > moment


# ----------------------------------------------------------------- low stock
async def claim_low_stock(
    new_uow: UowFactory, now: datetime, *, threshold: int, owner_ids: Collection[int] = ()
) -> list[Product]:
    """Active products at or below `threshold` the owners were not told about yet.

    They are noted as alerted, in the transaction that writes the owners' alert; products
    back above the threshold (or deactivated) are cleared, so a later crossing alerts again.
    """
    async with new_uow() as uow:
        low = await uow.products.low_stock(threshold)
        alerted = await uow.jobs.alerted_products()
        low_ids = {product.id for product in low}
        recovered = alerted - low_ids
        fresh = [product for product in low if product.id not in alerted]
        if recovered:
            await uow.jobs.clear_alerts(sorted(recovered))
        if fresh:
            await uow.jobs.note_alerted(product.id for product in fresh)
            key = f"low-stock:{_utc(now).isoformat()}:{fresh[0].id}"
            text = render_low_stock(fresh, threshold)
            await uow.outbox.add(owners_notice(key, owner_ids, text))
        await uow.commit()
    return fresh


def render_low_stock(products: Sequence[Product], threshold: int) -> str:
    if threshold == 0:
        header = texts.LOW_STOCK_HEADER_SOLD_OUT
    elif threshold == 1:
        header = texts.LOW_STOCK_HEADER_ONE
    else:
        header = texts.LOW_STOCK_HEADER.format(threshold=threshold)
    lines = [header]
    lines += [
        texts.LOW_STOCK_LINE.format(sku=p.sku, name=p.name, left=_units_left(p.stock))
        for p in products
    ]
    lines.append(texts.LOW_STOCK_FOOTER)
    return "\n".join(lines)


def _units_left(stock: int) -> str:
    if stock <= 0:
        return texts.LOW_STOCK_LEFT_NONE
    if stock == 1:
        return texts.LOW_STOCK_LEFT_ONE
    return texts.LOW_STOCK_LEFT_MANY.format(stock=stock)


# ----------------------------------------------------------------- clean-up
@dataclass(frozen=True)
class CleanUp:
    updates: int
    relay_links: int
    sent_messages: int = 0
    uploads: int = 0  # inventory uploads' status and applied records


async def clean_up(new_uow: UowFactory, now: datetime) -> CleanUp:
    """Forget processed-update and inventory-upload records older than a week; relay
    links and sent messages (the outbox's record) older than a month."""
    now = _utc(now)
    async with new_uow() as uow:
        updates = await uow.updates.forget_before(now - UPDATE_MEMORY)
        links = await uow.chats.forget_links_before(now - RELAY_LINK_MEMORY)
        sent = await uow.outbox.forget_sent_before(now - RELAY_LINK_MEMORY)
        uploads = await uow.chats.forget_uploads_before(now - UPDATE_MEMORY)
        await uow.commit()
    return CleanUp(updates, links, sent, uploads)
