"""Product photos with a reply: one photo with the text as its caption (a product card), or
an album of a short list followed by the text and its buttons.

A photo goes by Telegram's file_id once Telegram has it; the first time, from the image the
owner's ZIP carried or the URL the inventory named, and the file_id Telegram answers with is
kept (only if the product still has that photo: its revision). A photo Telegram refuses (a
dead URL, a file_id of another bot) never costs the customer the text: it goes without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InputMediaPhoto, MediaUnion, Message

from bot.keyboards import inline_keyboard
from bot.sending import send_long, telegram_length
from db.outbox import Outgoing
from db.uow import SqlUnitOfWork
from domain.model import Product, ProductPhoto
from domain.money import format_cop

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024  # characters of a photo's caption (Bot API)
ALBUM_LIMIT = 10  # photos in one media group (Bot API)
REQUEST_TIMEOUT_SECONDS = 10


class ProductPhotos:
    def __init__(self, uow: Callable[[], SqlUnitOfWork], bot: Bot) -> None:
        self._uow = uow
        self._bot = bot

    async def send(self, row: Outgoing) -> int:
        """Send the row's text with its products' photos; the id of the message with the
        buttons (the text's)."""
        async with self._uow() as uow:
            photos = await uow.photos.of(row.product_photos)
            products = await uow.products.list_by_ids(
                [i for i in row.product_photos if i in photos]
            )
        shown = [(product, photos[product.id]) for product in products][:ALBUM_LIMIT]
        card = len(row.product_photos) == 1
        try:
            if card and shown and telegram_length(row.text) <= CAPTION_LIMIT:
                return await self._card(row, *shown[0])
            if len(shown) == 1:  # a card too long for a caption, or a list with one photo
                await self._single(row, *shown[0])
            elif shown:
                await self._album(row, shown)
        except TelegramBadRequest as error:  # a dead URL, a bad image: the text still goes
            log.warning("product photos for %s refused (%s); sending the text", row.key, error)
        return await send_long(
            self._bot,
            row.chat_id,
            row.text,
            inline_keyboard(row.buttons),
            request_timeout=REQUEST_TIMEOUT_SECONDS,
        )

    async def _card(self, row: Outgoing, product: Product, photo: ProductPhoto) -> int:
        """One product: its photo with the text as caption and the buttons under it."""
        sent = await self._bot.send_photo(
            row.chat_id,
            _media(photo),
            caption=row.text,
            reply_markup=inline_keyboard(row.buttons),
            request_timeout=REQUEST_TIMEOUT_SECONDS,
        )
        await self._learn([(photo, sent)])
        return sent.message_id

    async def _single(self, row: Outgoing, product: Product, photo: ProductPhoto) -> None:
        """The one photo of a list (an album takes two or more), captioned like an album's."""
        sent = await self._bot.send_photo(
            row.chat_id,
            _media(photo),
            caption=_caption(row, product),
            request_timeout=REQUEST_TIMEOUT_SECONDS,
        )
        await self._learn([(photo, sent)])

    async def _album(self, row: Outgoing, shown: Sequence[tuple[Product, ProductPhoto]]) -> None:
        """A media group: each photo captioned with the product's place in the list, name and
        price (Telegram takes no buttons on an album; they go with the text after it)."""
        media: list[MediaUnion] = [
            InputMediaPhoto(media=_media(photo), caption=_caption(row, product))
            for product, photo in shown
        ]
        sent = await self._bot.send_media_group(
            row.chat_id, media=media, request_timeout=REQUEST_TIMEOUT_SECONDS
        )
        await self._learn(list(zip([photo for _, photo in shown], sent, strict=False)))

    async def _learn(self, sent: Sequence[tuple[ProductPhoto, Message]]) -> None:
        """Keep Telegram's file_id of each photo sent for the first time."""
        learnt = [
            (photo, message.photo[-1].file_id)
            for photo, message in sent
            if not photo.file_id and message.photo
        ]
        if not learnt:
            return
        async with self._uow() as uow:
            for photo, file_id in learnt:
                await uow.photos.remember_file_id(photo.product_id, photo.revision, file_id)
            await uow.commit()


def _caption(row: Outgoing, product: Product) -> str:
    """ "2. Extintor de CO2 10 lb — $395.000": its place in the list, so the text relates."""
    if len(row.product_photos) == 1:
        return f"{product.name} — {format_cop(product.price_minor)}"[:CAPTION_LIMIT]
    place = row.product_photos.index(product.id) + 1
    return f"{place}. {product.name} — {format_cop(product.price_minor)}"[:CAPTION_LIMIT]


def _media(photo: ProductPhoto) -> str | BufferedInputFile:
    if photo.file_id:
        return photo.file_id
    if photo.content is not None:
        return BufferedInputFile(photo.content, filename=f"producto-{photo.product_id}.jpg")
    return photo.url
