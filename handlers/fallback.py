"""Anything else a customer sends (stickers, photos, voice…) — answered, never ignored."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from domain import texts


async def on_other_message(message: Message) -> None:
    await message.answer(texts.NON_TEXT)


async def on_other_button(query: CallbackQuery) -> None:
    await query.answer()


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.register(on_other_message)
    router.callback_query.register(on_other_button)
    return router
