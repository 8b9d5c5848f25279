"""Customer text and button presses in every step of the sale flow."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender

from bot.settings import Settings
from domain.owner import OwnerDesk
from domain.sales import ChatRef, SalesAgent
from handlers.commands import chat_ref
from handlers.replies import LowStockCheck, current, deliver

log = logging.getLogger(__name__)


async def on_text(
    message: Message,
    state: FSMContext,
    agent: SalesAgent,
    bot: Bot,
    settings: Settings,
    desk: OwnerDesk,
    check_low_stock: LowStockCheck | None,
    ai_online: bool = False,
) -> None:
    """A text message — or a photo's caption — in any step."""
    step, context = await current(state)
    text = message.text or message.caption or ""
    # A model may take a few seconds: the customer sees "escribiendo…" meanwhile.
    waiting = ChatActionSender.typing(bot=bot, chat_id=message.chat.id) if ai_online else None
    async with waiting or contextlib.nullcontext():
        reply = await agent.handle_text(chat_ref(message), text, step, context)
    await deliver(bot, message.chat.id, reply, state, settings.owner_ids, desk, check_low_stock)


async def on_button(
    query: CallbackQuery,
    state: FSMContext,
    agent: SalesAgent,
    bot: Bot,
    settings: Settings,
    desk: OwnerDesk,
    check_low_stock: LowStockCheck | None,
) -> None:
    await acknowledge(query)
    chat_id = query.message.chat.id  # type: ignore[union-attr]
    chat = ChatRef(
        chat_id=chat_id, user_id=query.from_user.id, first_name=query.from_user.first_name or ""
    )
    step, context = await current(state)
    reply = await agent.handle_button(chat, query.data or "", step, context)
    await drop_keyboard(bot, chat_id, query.message.message_id)  # type: ignore[union-attr]
    await deliver(bot, chat_id, reply, state, settings.owner_ids, desk, check_low_stock)


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Buttons are used once; an already-cleaned message is fine."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except TelegramAPIError as error:
        log.debug("could not remove the keyboard: %s", error)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner; a server that refuses must not stop the reply."""
    try:
        await query.answer()
    except TelegramAPIError as error:
        log.debug("answerCallbackQuery failed: %s", error)


def create_router() -> Router:
    router = Router(name="sale")
    router.message.register(on_text, F.text)
    router.callback_query.register(on_button, F.data, F.message)
    return router
