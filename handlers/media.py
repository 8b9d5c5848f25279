"""Photos and voice notes from customers: offline, the caption is read; otherwise we ask."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from domain import texts
from handlers.sale import on_text


async def on_photo(message: Message) -> None:
    await message.answer(texts.PHOTO_WITHOUT_CAPTION)


async def on_voice(message: Message) -> None:
    await message.answer(texts.VOICE_NOT_SUPPORTED)


def create_router() -> Router:
    router = Router(name="media")
    router.message.register(on_text, F.photo, F.caption)
    router.message.register(on_photo, F.photo)
    router.message.register(on_voice, F.voice | F.audio | F.video_note)
    return router
