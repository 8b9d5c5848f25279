"""Photos and voice notes: a provider describes or transcribes them into text for the sale
flow; offline, a photo's caption is read and otherwise the customer is asked for words."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import replace

import aiohttp
from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message, PhotoSize

from bot.cosmetic import chat_action
from bot.filters import Magic
from bot.responder import Responder
from domain import texts
from domain.conversation import Reply, SalesAgent
from domain.grounding import amounts
from domain.media import MAX_PHOTO_BYTES, MAX_VOICE_BYTES, MAX_VOICE_SECONDS, MediaReader

log = logging.getLogger(__name__)


def says_no_fact(description: str) -> bool:
    """A description we may echo: short, no price, long number or link from the model."""
    return (
        len(description) <= 100
        and not amounts(description)
        and not re.search(r"\d{4}|[$@]|www|http|\.\w{2,3}/", description)
    )


def largest_photo(sizes: list[PhotoSize]) -> PhotoSize | None:
    """The biggest size we may send to the vision model (Telegram lists them small first)."""
    fitting = [size for size in sizes if (size.file_size or 0) <= MAX_PHOTO_BYTES]
    return max(fitting, key=lambda size: size.width * size.height, default=None)


async def download(bot: Bot, file_id: str) -> bytes | None:
    buffer = io.BytesIO()
    try:
        await bot.download(file_id, destination=buffer)
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("could not download %s: %s", file_id, error)
        return None
    return buffer.getvalue()


async def on_photo(
    message: Message, agent: SalesAgent, responder: Responder, media: MediaReader
) -> None:
    caption = message.caption or ""
    if message.photo:  # a receipt for an order awaiting a transfer goes to the owners
        biggest = message.photo[-1]
        chat, step, memory = responder.chat, responder.step, responder.memory
        taken = await agent.receipt(
            chat, step, memory, biggest.file_id, biggest.file_unique_id, caption
        )
        if taken is not None:
            await responder.send(taken)
            return
    if not media.sees:
        if caption:  # the caption is read as a text message
            await responder.send(await _handle(agent, responder, caption))
        else:
            await message.answer(texts.PHOTO_WITHOUT_CAPTION)
        return
    photo = largest_photo(message.photo or [])
    if photo is None:
        await message.answer(texts.PHOTO_TOO_BIG)
        return
    bot = responder.bot
    async with chat_action(bot, message.chat.id, ChatAction.TYPING):
        image = await download(bot, photo.file_id)
        seen = await media.describe(image, "image/jpeg") if image else None
        if seen is None and not caption:
            await message.answer(texts.PHOTO_NOT_UNDERSTOOD)
            return
        query = " ".join(part for part in (seen, caption) if part)
        reply = await _handle(agent, responder, query)
    if seen and says_no_fact(seen):
        reply = replace(reply, text=texts.PHOTO_SEEN.format(seen=seen) + "\n\n" + reply.text)
    await responder.send(reply)


async def on_voice(
    message: Message, agent: SalesAgent, responder: Responder, media: MediaReader
) -> None:
    note = message.voice or message.audio
    if not media.hears or note is None:
        await message.answer(texts.VOICE_NOT_SUPPORTED)
        return
    if (note.file_size or 0) > MAX_VOICE_BYTES or (note.duration or 0) > MAX_VOICE_SECONDS:
        await message.answer(texts.VOICE_TOO_LONG.format(minutes=MAX_VOICE_SECONDS // 60))
        return
    bot = responder.bot
    async with chat_action(bot, message.chat.id, ChatAction.TYPING):
        audio = await download(bot, note.file_id)
        mime = note.mime_type or "audio/ogg"
        name = getattr(note, "file_name", None) or ("nota.ogg" if "ogg" in mime else "nota")
        heard = await media.transcribe(audio, name, mime) if audio else None
        if heard is None:
            await message.answer(texts.VOICE_NOT_UNDERSTOOD)
            return
        reply = await _handle(agent, responder, heard)
    reply = replace(reply, text=texts.VOICE_HEARD.format(heard=heard) + "\n\n" + reply.text)
    await responder.send(reply)


async def _handle(agent: SalesAgent, responder: Responder, text: str) -> Reply:
    return await agent.handle_text(responder.chat, text, responder.step, responder.memory)


def create_router() -> Router:
    router = Router(name="media")
    router.message.register(on_photo, Magic(F.photo))
    router.message.register(on_voice, Magic(F.voice | F.audio | F.video_note))
    return router
