"""Turning a domain Reply into Telegram messages and FSM state."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import inline_keyboard
from domain.owner import OwnerDesk, order_buttons
from domain.sales import Reply, Step

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
# The scheduler's low-stock check, run at once after a sale (see bot.scheduler.ShopJobs).
LowStockCheck = Callable[[], Awaitable[object]]


class Sale(StatesGroup):
    """The sale flow; browsing is the empty state."""

    cart = State()
    national_id = State()
    name = State()
    phone = State()
    address = State()
    neighbourhood = State()
    notes = State()
    confirm_data = State()
    confirming = State()


STATE_OF_STEP: dict[Step, State | None] = {
    Step.BROWSING: None,
    **{step: getattr(Sale, step.value) for step in Step if step != Step.BROWSING},
}
STEP_OF_STATE: dict[str, Step] = {
    state.state: step
    for step, state in STATE_OF_STEP.items()
    if state is not None and state.state is not None  # None only outside a StatesGroup
}


async def current(state: FSMContext) -> tuple[Step, dict]:
    raw = await state.get_state()
    return STEP_OF_STATE.get(raw or "", Step.BROWSING), await state.get_data()


async def deliver(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    state: FSMContext,
    owner_ids: tuple[int, ...],
    desk: OwnerDesk,
    check_low_stock: LowStockCheck | None = None,
) -> None:
    """Persist the new step and context first, then send; a restart never loses the flow."""
    await state.set_state(STATE_OF_STEP[reply.step])
    await state.set_data(reply.context)
    try:
        await send_long(bot, chat_id, reply.text, inline_keyboard(reply.buttons))
    finally:
        # The order is already confirmed: the owners hear of it even if the customer
        # cannot be reached right now.
        if reply.owner_alert:
            await announce_order(bot, owner_ids, desk, reply, chat_id)
            if check_low_stock is not None:  # the sale may have left a product running low
                await check_low_stock()


async def announce_order(
    bot: Bot, owner_ids: tuple[int, ...], desk: OwnerDesk, reply: Reply, chat_id: int
) -> None:
    """The new-order alert, with its buttons; an owner's reply to it reaches the customer."""
    assert reply.owner_alert
    markup = inline_keyboard(order_buttons(reply.alert_order_id)) if reply.alert_order_id else None
    sent = await alert_owners(bot, owner_ids, reply.owner_alert, markup)
    for owner_id, message_id in sent:
        await desk.link(owner_id, message_id, chat_id)


async def send_long(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> int:
    """Send text of any length (Telegram takes 4096 characters a message); the last id."""
    chunks = split_text(text)
    message_id = 0
    for n, chunk in enumerate(chunks, 1):
        sent = await bot.send_message(
            chat_id, chunk, reply_markup=markup if n == len(chunks) else None
        )
        message_id = sent.message_id
    return message_id


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji is two."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut at line breaks where possible, never over Telegram's limit."""
    chunks: list[str] = []
    while telegram_length(text) > limit:
        fits = limit
        while telegram_length(text[:fits]) > limit:  # emoji take two units each
            fits -= (telegram_length(text[:fits]) - limit + 1) // 2 or 1
        cut = text.rfind("\n", 0, fits)
        cut = cut if cut > fits // 2 else fits
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return [chunk for chunk in chunks if chunk] or [text]


async def alert_owners(
    bot: Bot, owner_ids: tuple[int, ...], text: str, markup: InlineKeyboardMarkup | None = None
) -> list[tuple[int, int]]:
    """Tell every owner; one unreachable owner never stops the others. (owner, message id)."""
    sent = []
    for owner_id in owner_ids:
        try:
            sent.append((owner_id, await send_long(bot, owner_id, text, markup)))
        except TelegramAPIError as error:
            log.warning("could not alert owner %s: %s", owner_id, error)
    return sent
