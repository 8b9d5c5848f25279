"""The owner's commands: inventory upload, quick edits, orders, customers, takeover.

One filter for the whole router: only `OWNER_IDS` get here. Anyone else falls through to
the customer routers and gets the customer experience (an unknown command, for instance).
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Document,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    InputMediaDocument,
    MediaUnion,
    Message,
    TelegramObject,
)

from app.settings import Settings
from bot.cosmetic import BOT_API_FAILURES, chat_action
from bot.filters import Magic
from bot.keyboards import inline_keyboard
from bot.responder import UpdateTransaction
from bot.sending import acknowledge, send_long, split_text
from domain import texts
from domain.button import Button
from domain.inventory import inventory_template
from domain.model import Order
from domain.orders import MOVES, OrderAction, cancel_buttons, order_buttons, parse_tracking
from domain.owner import (
    OwnerDesk,
    UploadChoice,
    asks_before_download,
    parse_chat_id,
    upload_buttons,
    upload_key,
    upload_mode,
    upload_refusal,
)

log = logging.getLogger(__name__)

# Bots may download files up to 20 MB from the cloud Bot API.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
PROGRESS_EVERY = 1.0  # seconds between edits of the progress message


class IsOwner(Filter):
    async def __call__(self, event: TelegramObject, settings: Settings) -> bool:
        user = getattr(event, "from_user", None)
        return user is not None and user.id in settings.owner_ids


class RepliesToCustomer(Filter):
    """The owner answers a relayed customer message (or an order alert): whose chat it is."""

    async def __call__(self, message: Message, desk: OwnerDesk) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None:
            return False
        customer_chat = await desk.relay_target(message.chat.id, replied.message_id)
        return {"customer_chat": customer_chat} if customer_chat is not None else False


# ------------------------------------------------------------------- help, template
async def owner_help(message: Message) -> None:
    await message.answer(texts.OWNER_HELP)


async def template(message: Message) -> None:
    for name, data in inventory_template():
        caption = texts.OWNER_TEMPLATE_CAPTION if name.endswith(".xlsx") else None
        await message.answer_document(BufferedInputFile(data, name), caption=caption)


# --------------------------------------------------------------------------- upload
async def on_document(message: Message, desk: OwnerDesk, bot: Bot) -> None:
    document = message.document
    assert document is not None
    refusal = upload_refusal(document.file_name or "", document.file_size, DOWNLOAD_LIMIT)
    if refusal:
        await message.answer(refusal)
        return
    choice = upload_mode(message.caption or "")
    if asks_before_download(document.file_name or "", choice):
        await message.reply(
            texts.OWNER_UPLOAD_ASK_MODE.format(file=document.file_name),
            reply_markup=inline_keyboard(upload_buttons()),
        )
        return
    # A reply to the document: a question it may become ("¿ocultar 17?") finds the file. An
    # upload handled again after a restart (a parked update) reports in the same message.
    chat_id = message.chat.id
    checking = texts.IMPORT_CHECKING.format(file=document.file_name)
    with UpdateTransaction.detached():
        status_id = await desk.upload_status(chat_id, message.message_id)
        if status_id is None:
            status_id = (await message.reply(checking)).message_id
            await desk.remember_upload_status(chat_id, message.message_id, status_id)
    status = StatusRef(chat_id, status_id, checking, message.message_id)
    once = upload_key(chat_id, message.message_id, choice)
    await apply_upload(bot, desk, document, status, choice, by=_who(message), once=once)


async def on_upload_mode(query: CallbackQuery, desk: OwnerDesk, bot: Bot) -> None:
    await acknowledge(query)
    question = query.message
    if question is None or isinstance(question, InaccessibleMessage):
        return
    original = question.reply_to_message
    if query.data == UploadChoice.DROP:
        await question.edit_text(texts.OWNER_UPLOAD_DROPPED)
        return
    choice = UploadChoice.parse(query.data or "")
    if choice is None or original is None or original.document is None:
        await question.edit_text(texts.OWNER_UPLOAD_GONE)
        return
    document = original.document
    checking = texts.IMPORT_CHECKING.format(file=document.file_name)
    status = await question.edit_text(checking)
    shown = status if isinstance(status, Message) else question
    ref = StatusRef(shown.chat.id, shown.message_id, shown.text or "", original.message_id)
    once = choice.once(shown.chat.id, original.message_id)
    await apply_upload(bot, desk, document, ref, choice, by=query.from_user.id, once=once)


async def apply_upload(
    bot: Bot,
    desk: OwnerDesk,
    document: Document,
    status: StatusRef,
    choice: UploadChoice | None,
    *,
    by: int | None = None,
    once: str = "",
) -> None:
    """Download, apply and report in one message that is edited as the work goes (and ends
    as the summary, the report, or the question a big replace asks)."""
    progress = ProgressMessage(bot, status)
    buffer = io.BytesIO()
    try:
        await bot.download(document.file_id, destination=buffer)
    except TelegramBadRequest as error:
        refusal = None
        if "too big" in str(error).lower():
            refusal = upload_refusal(document.file_name or "", DOWNLOAD_LIMIT + 1, DOWNLOAD_LIMIT)
        await progress.finish(refusal or texts.OWNER_UPLOAD_FAILED)
        return
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("could not download %s: %s", document.file_name, error)
        await progress.finish(texts.OWNER_UPLOAD_FAILED)
        return
    # All-or-nothing by itself, in short transactions of its own: a big file never holds the
    # update's write lock (customers keep being answered meanwhile).
    try:
        with UpdateTransaction.detached():
            outcome = await desk.import_file(
                buffer.getvalue(), document.file_name or "inventario", choice,
                progress=progress.update, by=by, once=once,
            )  # fmt: skip
    except Exception:
        # Said in the status message; the update is handled again (its status message
        # edited again) when the failure was transient.
        await progress.finish(texts.OWNER_UPLOAD_FAILED)
        raise
    await progress.finish(outcome.text, inline_keyboard(outcome.buttons))


@dataclass(frozen=True)
class StatusRef:
    """The message an upload is reported in, what it says now ("" when unknown), and the
    document it answers (a message sent anew replies to it, so its buttons find the file)."""

    chat_id: int
    message_id: int
    text: str = ""
    document_id: int | None = None


class ProgressMessage:
    """One status message edited in place, at most once a second, then the result."""

    def __init__(self, bot: Bot, status: StatusRef) -> None:
        self._bot = bot
        self._chat_id, self._message_id = status.chat_id, status.message_id
        self._document_id = status.document_id
        self._shown = status.text
        self._edited_at = 0.0
        self._markup: InlineKeyboardMarkup | None = None

    async def update(self, text: str) -> None:
        now = time.monotonic()
        if text == self._shown or now - self._edited_at < PROGRESS_EVERY:
            return
        self._edited_at = now
        await self._edit(text)

    async def finish(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        first, *rest = split_text(text)
        self._markup = markup if not rest else None
        await self._edit(first)
        for n, chunk in enumerate(rest, 1):
            last = markup if n == len(rest) else None
            await self._bot.send_message(self._chat_id, chunk, reply_markup=last)

    async def _edit(self, text: str) -> None:
        if text == self._shown and self._markup is None:
            return
        chat_id, message_id = self._chat_id, self._message_id
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=self._markup
            )
            self._shown = text
        except TelegramBadRequest as error:
            if "not modified" in str(error).lower():  # it already says that
                self._shown = text
                return
            log.debug("could not edit the progress message: %s", error)  # deleted: anew
            sent = await self._bot.send_message(
                chat_id,
                text,
                reply_markup=self._markup,
                reply_to_message_id=self._document_id,
                allow_sending_without_reply=True,
            )
            self._message_id, self._shown = sent.message_id, text


class CaptionNamesSku(Filter):
    """An owner's photo whose caption is a sku: it becomes that product's photo. Any other
    photo falls through to the sale flow, as a customer's."""

    async def __call__(self, message: Message, desk: OwnerDesk) -> bool | dict[str, Any]:
        sku = await desk.photo_sku(message.caption or "")
        return {"sku": sku} if sku is not None else False


async def product_photo(message: Message, sku: str, desk: OwnerDesk) -> None:
    assert message.photo
    largest = max(message.photo, key=lambda size: size.width * size.height)
    await message.reply(await desk.set_photo(sku, largest.file_id, by=_who(message)))


# --------------------------------------------------------------------------- reports
CAPTION_LIMIT = 1024


async def stats(message: Message, command: CommandObject, desk: OwnerDesk, bot: Bot) -> None:
    async with chat_action(bot, message.chat.id, ChatAction.UPLOAD_PHOTO):
        text, chart = await desk.stats(command.args or "")
    photo = BufferedInputFile(chart, "ventas.png")
    if len(text) <= CAPTION_LIMIT:
        await message.answer_photo(photo, caption=text)
        return
    await message.answer_photo(photo)
    await send_long(bot, message.chat.id, text)


async def export(message: Message, command: CommandObject, desk: OwnerDesk, bot: Bot) -> None:
    async with chat_action(bot, message.chat.id, ChatAction.UPLOAD_DOCUMENT):
        caption, files = await desk.export(command.args or "")
    media: list[MediaUnion] = [
        InputMediaDocument(
            media=BufferedInputFile(file.data, file.name),
            caption=caption if n == len(files) else None,
        )
        for n, file in enumerate(files, 1)
    ]
    await message.answer_media_group(media)


# ----------------------------------------------------------------------- quick edits
async def set_stock(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    await message.answer(await desk.set_stock(command.args or "", by=_who(message)))


async def set_price(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    await message.answer(await desk.set_price(command.args or "", by=_who(message)))


async def activate(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    await message.answer(await desk.set_active(command.args or "", active=True, by=_who(message)))


async def deactivate(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    await message.answer(await desk.set_active(command.args or "", active=False, by=_who(message)))


# ---------------------------------------------------------------------------- orders
async def open_orders(message: Message, desk: OwnerDesk, bot: Bot) -> None:
    text, orders = await desk.open_orders()
    rows = tuple(row for order in orders for row in order_buttons(order))
    await send_long(bot, message.chat.id, text, inline_keyboard(rows))


async def on_order_button(query: CallbackQuery, desk: OwnerDesk, bot: Bot) -> None:
    await acknowledge(query)
    parsed = OrderAction.parse(query.data or "")
    pressed = query.message
    if parsed is None or pressed is None or isinstance(pressed, InaccessibleMessage):
        return
    action, order_id = parsed
    chat_id = pressed.chat.id
    if action == OrderAction.ASK_CANCEL:
        order = await desk.describe_order(order_id)
        await bot.send_message(
            chat_id,
            desk.cancel_question(order),
            reply_markup=inline_keyboard(cancel_buttons(order_id)),
            reply_to_message_id=pressed.message_id,
        )
        return
    if action == OrderAction.KEEP:
        await pressed.edit_text(texts.OWNER_CANCEL_KEPT.format(order_id=order_id))
        return
    if action == OrderAction.PAID:
        outcome = await desk.orders.mark_paid(order_id)
    elif action in MOVES:
        outcome = await desk.orders.advance(order_id, action)
    else:
        return
    if action == OrderAction.CANCEL:
        await pressed.edit_text(outcome.text)
        if pressed.reply_to_message is not None:  # the list or alert the question came from
            await show_order_buttons(bot, pressed.reply_to_message, outcome.order)
    else:
        await show_order_buttons(bot, pressed, outcome.order)
        await bot.send_message(chat_id, outcome.text)


async def show_order_buttons(bot: Bot, message: Message, order: Order) -> None:
    """One order's buttons in a list or an alert become its next moves (none once delivered
    or cancelled); the other orders' buttons stay as they are."""
    markup = message.reply_markup
    if markup is None:
        return
    suffix = f":{order.id}"
    rows = [
        [(button.text, button.callback_data or "") for button in row]
        for row in markup.inline_keyboard
    ]
    mine = [n for n, row in enumerate(rows) if any(data.endswith(suffix) for _, data in row)]
    fresh = [[(b.text, b.data) for b in row] for row in order_buttons(order)]
    if mine:
        rows[mine[0] : mine[-1] + 1] = fresh
    keyboard = inline_keyboard(tuple(tuple(Button(t, d) for t, d in row) for row in rows))
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=keyboard
        )
    except BOT_API_FAILURES as error:
        log.debug("could not update the order buttons: %s", error)


async def tracking(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    """/guia 12 Servientrega 700012345678: shipped with that carrier and tracking number."""
    order_id, carrier, number = parse_tracking(command.args or "")
    outcome = await desk.orders.advance(
        order_id, OrderAction.SHIP, shipped_with=carrier, tracking=number
    )
    await message.answer(outcome.text)


# ------------------------------------------------------------------------- customers
async def history(message: Message, command: CommandObject, desk: OwnerDesk, bot: Bot) -> None:
    await send_long(bot, message.chat.id, await desk.history(command.args or ""))


def _who(message: Message) -> int | None:
    return message.from_user.id if message.from_user else None


async def customer_profile(message: Message, command: CommandObject, desk: OwnerDesk) -> None:
    await message.answer(await desk.customer_profile(command.args or ""))


# -------------------------------------------------------------------------- takeover
async def pause(
    message: Message, command: CommandObject, desk: OwnerDesk, scope: UpdateTransaction
) -> None:
    chat_id = await _target_chat(message, command, desk, texts.OWNER_USAGE_PAUSE)
    owner_text, notice = await desk.pause(chat_id, message.chat.id)
    await scope.say(message.chat.id, owner_text)
    if notice:  # promised with the change: sent once it commits
        await scope.say(chat_id, notice)


async def resume(
    message: Message, command: CommandObject, desk: OwnerDesk, scope: UpdateTransaction
) -> None:
    chat_id = await _target_chat(message, command, desk, texts.OWNER_USAGE_RESUME)
    owner_text, notice = await desk.resume(chat_id)
    await scope.say(message.chat.id, owner_text)
    if notice:
        await scope.say(chat_id, notice)


async def _target_chat(
    message: Message, command: CommandObject, desk: OwnerDesk, usage: str
) -> int:
    """The chat named in the command, or the one whose relayed message is replied to."""
    if not command.args and message.reply_to_message is not None:
        linked = await desk.relay_target(message.chat.id, message.reply_to_message.message_id)
        if linked is not None:
            return linked
    return parse_chat_id(command.args or "", usage)


async def relay_reply(message: Message, customer_chat: int, desk: OwnerDesk, bot: Bot) -> None:
    """The owner's answer to a relayed message goes to that customer, as the shop."""
    try:
        await bot.copy_message(customer_chat, message.chat.id, message.message_id)
    except TelegramAPIError as error:
        reason = texts.OWNER_RELAY_BLOCKED if "blocked" in str(error).lower() else str(error)
        await message.answer(texts.OWNER_RELAY_FAILED.format(chat_id=customer_chat, reason=reason))
        return
    await desk.note_owner_reply(customer_chat, message.text or message.caption or "")


def create_router() -> Router:
    router = Router(name="owner")
    router.message.filter(IsOwner())
    router.callback_query.filter(IsOwner())
    router.message.register(owner_help, Command("ayuda", "help", ignore_case=True))
    router.message.register(template, Command("plantilla", ignore_case=True))
    router.message.register(stats, Command("stats", "estadisticas", "ventas", ignore_case=True))
    router.message.register(export, Command("export", "exportar", ignore_case=True))
    router.message.register(set_stock, Command("stock", ignore_case=True))
    router.message.register(set_price, Command("precio", ignore_case=True))
    router.message.register(activate, Command("activar", ignore_case=True))
    router.message.register(deactivate, Command("desactivar", ignore_case=True))
    router.message.register(open_orders, Command("pedidos", ignore_case=True))
    router.message.register(history, Command("historial", ignore_case=True))
    router.message.register(tracking, Command("guia", "guía", ignore_case=True))
    router.message.register(customer_profile, Command("cliente", ignore_case=True))
    router.message.register(pause, Command("pausar", ignore_case=True))
    router.message.register(resume, Command("reanudar", ignore_case=True))
    router.message.register(relay_reply, RepliesToCustomer())
    router.message.register(product_photo, Magic(F.photo), CaptionNamesSku())
    router.message.register(on_document, Magic(F.document))
    router.callback_query.register(on_upload_mode, Magic(F.data.startswith("inv:")))
    router.callback_query.register(
        on_order_button, Magic(F.data.startswith(f"{OrderAction.PREFIX}:"))
    )
    return router
