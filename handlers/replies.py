"""Turning a domain Reply into Telegram messages and FSM state."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup

from bot.keyboards import inline_keyboard
from domain.sales import Reply, Step

log = logging.getLogger(__name__)


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
    await bot.send_message(chat_id, reply.text, reply_markup=inline_keyboard(reply.buttons))
    if reply.owner_alert:
        await alert_owners(bot, owner_ids, reply.owner_alert)


async def alert_owners(bot: Bot, owner_ids: tuple[int, ...], text: str) -> None:
    for owner_id in owner_ids:
        try:
            await bot.send_message(owner_id, text)
        except TelegramAPIError as error:
            log.warning("could not alert owner %s: %s", owner_id, error)
