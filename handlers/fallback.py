"""Anything else a customer sends (stickers, photos, voice…) — answered, never ignored."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from domain import texts

router = Router(name="fallback")


@router.message()
async def on_other_message(message: Message) -> None:
    await message.answer(texts.NON_TEXT)


@router.callback_query()
async def on_other_button(query: CallbackQuery) -> None:
    await query.answer()
