"""Customer text and button presses in every step of the sale flow."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from bot.cosmetic import chat_action
from bot.filters import Magic
from bot.responder import Responder
from bot.sending import acknowledge, drop_keyboard
from domain.conversation import SalesAgent
from domain.conversation.shelves import reusable


async def on_text(
    message: Message, agent: SalesAgent, responder: Responder, ai_online: bool = False
) -> None:
    """A text message — or a photo's caption — in any step."""
    text = message.text or message.caption or ""
    # A model may take a few seconds: the customer sees "escribiendo…" meanwhile.
    chat_id = responder.chat.chat_id
    waiting = chat_action(responder.bot, chat_id) if ai_online else None
    async with waiting or contextlib.nullcontext():
        reply = await agent.handle_text(responder.chat, text, responder.step, responder.memory)
    await responder.send(reply)


async def on_button(
    query: CallbackQuery, agent: SalesAgent, responder: Responder, bot: Bot
) -> None:
    await acknowledge(query)
    reply = await agent.handle_button(
        responder.chat, query.data or "", responder.step, responder.memory
    )
    if not reusable(query.data or ""):  # a choice is made once; a list is browsed again
        await drop_keyboard(bot, responder.chat.chat_id, query.message.message_id)  # type: ignore[union-attr]
    await responder.send(reply)


def create_router() -> Router:
    router = Router(name="sale")
    router.message.register(on_text, Magic(F.text))
    router.callback_query.register(on_button, Magic(F.data), Magic(F.message))
    return router
