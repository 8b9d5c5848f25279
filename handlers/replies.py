"""Turning a domain Reply into Telegram messages and FSM state."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import inline_keyboard
from domain.sales import Reply, Step

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096


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
    state.state: step for step, state in STATE_OF_STEP.items() if state is not None
}


async def current(state: FSMContext) -> tuple[Step, dict]:
    raw = await state.get_state()
    return STEP_OF_STATE.get(raw or "", Step.BROWSING), await state.get_data()


async def deliver(
    bot: Bot, chat_id: int, reply: Reply, state: FSMContext, owner_ids: tuple[int, ...]
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
            await alert_owners(bot, owner_ids, reply.owner_alert)


async def send_long(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send text of any length: Telegram takes 4096 characters a message."""
    chunks = split_text(text)
    for n, chunk in enumerate(chunks, 1):
        await bot.send_message(chat_id, chunk, reply_markup=markup if n == len(chunks) else None)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut at line breaks where possible, never inside the limit."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return [chunk for chunk in chunks if chunk] or [text]


async def alert_owners(bot: Bot, owner_ids: tuple[int, ...], text: str) -> None:
    for owner_id in owner_ids:
        try:
            await send_long(bot, owner_id, text)
        except TelegramAPIError as error:
            log.warning("could not alert owner %s: %s", owner_id, error)
