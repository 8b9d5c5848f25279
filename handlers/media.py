"""Photos and voice notes from customers: offline, the caption is read; otherwise we ask."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.settings import Settings
from domain import texts
from domain.sales import SalesAgent
from handlers.commands import chat_ref
from handlers.replies import current, deliver


async def on_captioned_photo(
    message: Message, state: FSMContext, agent: SalesAgent, bot: Bot, settings: Settings
) -> None:
    step, context = await current(state)
    reply = await agent.handle_text(chat_ref(message), message.caption or "", step, context)
    await deliver(bot, message.chat.id, reply, state, settings.owner_ids)


async def on_photo(message: Message) -> None:
    await message.answer(texts.PHOTO_WITHOUT_CAPTION)


async def on_voice(message: Message) -> None:
    await message.answer(texts.VOICE_NOT_SUPPORTED)


def create_router() -> Router:
    router = Router(name="media")
    router.message.register(on_captioned_photo, F.photo, F.caption)
    router.message.register(on_photo, F.photo)
    router.message.register(on_voice, F.voice | F.audio | F.video_note)
    return router
