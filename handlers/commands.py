"""/start, /ayuda, /cancelar — they work in every state."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.settings import Settings
from domain import texts
from domain.owner import OwnerDesk
from domain.sales import ChatRef, SalesAgent
from handlers.replies import LowStockCheck, current, deliver


def chat_ref(message: Message) -> ChatRef:
    user = message.from_user
    return ChatRef(
        chat_id=message.chat.id,
        user_id=user.id if user else message.chat.id,
        first_name=(user.first_name if user else "") or "",
    )


async def start(
    message: Message,
    state: FSMContext,
    agent: SalesAgent,
    bot: Bot,
    settings: Settings,
    desk: OwnerDesk,
    check_low_stock: LowStockCheck | None,
) -> None:
    step, context = await current(state)
    reply = await agent.start(chat_ref(message), step, context)
    await deliver(bot, message.chat.id, reply, state, settings.owner_ids, desk, check_low_stock)


async def cancel(
    message: Message,
    state: FSMContext,
    agent: SalesAgent,
    bot: Bot,
    settings: Settings,
    desk: OwnerDesk,
    check_low_stock: LowStockCheck | None,
) -> None:
    step, context = await current(state)
    reply = await agent.cancel(chat_ref(message), step, context)
    await deliver(bot, message.chat.id, reply, state, settings.owner_ids, desk, check_low_stock)


async def unknown_command(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND)


def create_router() -> Router:
    router = Router(name="commands")
    router.message.register(start, CommandStart())
    router.message.register(start, Command("ayuda", "help", ignore_case=True))
    router.message.register(cancel, Command("cancelar", "cancel", ignore_case=True))
    router.message.register(unknown_command, F.text.regexp(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)"))
    return router
