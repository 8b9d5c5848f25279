"""A chat an owner has paused: the bot stays quiet, stores and relays to the owners."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from app.settings import Settings
from bot.cosmetic import BOT_API_FAILURES
from bot.sending import acknowledge
from domain import texts
from domain.owner import OwnerDesk

log = logging.getLogger(__name__)


class ChatPaused(Filter):
    async def __call__(self, event: TelegramObject, desk: OwnerDesk) -> bool:
        if isinstance(event, CallbackQuery):
            chat = event.message.chat if event.message else None
        else:
            chat = getattr(event, "chat", None)
        return chat is not None and await desk.is_paused(chat.id)


def describe(message: Message) -> str:
    """What a customer sent, as stored text (media become a short placeholder)."""
    if message.text:
        return message.text
    kind = next(
        (name for name in texts.MEDIA_KINDS if getattr(message, name, None) is not None), ""
    )
    label = texts.MEDIA_KINDS.get(kind, texts.MEDIA_OTHER)
    return f"{label} {message.caption}" if message.caption else label


async def relay_to_owners(message: Message, desk: OwnerDesk, bot: Bot, settings: Settings) -> None:
    chat_id = message.chat.id
    user = message.from_user
    text = describe(message)
    await desk.note_customer_message(chat_id, user.id if user else chat_id, text)
    name = (user.full_name if user else "") or texts.OWNER_NO_NAME
    for owner_id in settings.owner_ids:
        try:
            if message.text:
                sent = await bot.send_message(
                    owner_id, texts.OWNER_RELAYED_TEXT.format(name=name, chat_id=chat_id, text=text)
                )
            else:
                header = await bot.send_message(
                    owner_id, texts.OWNER_RELAYED_MEDIA.format(name=name, chat_id=chat_id)
                )
                await desk.link(owner_id, header.message_id, chat_id)
                sent = await bot.forward_message(owner_id, chat_id, message.message_id)
        except BOT_API_FAILURES as error:
            log.warning("could not relay chat %s to owner %s: %s", chat_id, owner_id, error)
            continue
        await desk.link(owner_id, sent.message_id, chat_id)


async def hold_button(query: CallbackQuery) -> None:
    """Buttons pressed in a paused chat do nothing until the owner gives the chat back."""
    await acknowledge(query)


def create_router() -> Router:
    router = Router(name="takeover")
    router.message.register(relay_to_owners, ChatPaused())
    router.callback_query.register(hold_button, ChatPaused())
    return router
