"""Sending text through Telegram: long texts split, owners alerted one by one."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.cosmetic import BOT_API_FAILURES

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096


async def send_long(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    request_timeout: int | None = None,
) -> int:
    """Send text of any length (Telegram takes 4096 characters a message); the last id."""
    chunks = split_text(text)
    message_id = 0
    for n, chunk in enumerate(chunks, 1):
        sent = await bot.send_message(
            chat_id,
            chunk,
            reply_markup=markup if n == len(chunks) else None,
            request_timeout=request_timeout,
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
        except BOT_API_FAILURES as error:
            log.warning("could not alert owner %s: %s", owner_id, error)
    return sent


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Buttons are used once; an already-cleaned message is fine."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except BOT_API_FAILURES as error:
        log.debug("could not remove the keyboard: %s", error)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner; a server that refuses must not stop the reply."""
    try:
        await query.answer()
    except BOT_API_FAILURES as error:
        log.debug("answerCallbackQuery failed: %s", error)
