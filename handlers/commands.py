"""/start, /ayuda, /catalogo, /cancelar, /misdatos, /borrarmisdatos — they work in every state."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.filters import Magic
from bot.responder import Responder
from domain import texts
from domain.conversation import SalesAgent


async def start(message: Message, agent: SalesAgent, responder: Responder) -> None:
    await responder.send(await agent.start(responder.chat, responder.step, responder.memory))


async def cancel(message: Message, agent: SalesAgent, responder: Responder) -> None:
    await responder.send(await agent.cancel(responder.chat, responder.step, responder.memory))


async def catalog(message: Message, agent: SalesAgent, responder: Responder) -> None:
    await responder.send(await agent.browse(responder.chat, responder.step, responder.memory))


async def my_data(message: Message, agent: SalesAgent, responder: Responder) -> None:
    chat, step, memory = responder.chat, responder.step, responder.memory
    await responder.send(await agent.privacy(chat, step, memory, "/misdatos", erase=False))


async def erase_my_data(message: Message, agent: SalesAgent, responder: Responder) -> None:
    chat, step, memory = responder.chat, responder.step, responder.memory
    await responder.send(await agent.privacy(chat, step, memory, "/borrarmisdatos", erase=True))


async def unknown_command(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND)


def create_router() -> Router:
    router = Router(name="commands")
    # Every handler here wants a command: other text skips their eight filters at once.
    router.message.filter(Magic(F.text.startswith("/") | F.caption.startswith("/")))
    router.message.register(start, CommandStart())
    router.message.register(start, Command("ayuda", "help", ignore_case=True))
    router.message.register(cancel, Command("cancelar", "cancel", ignore_case=True))
    router.message.register(catalog, Command("catalogo", "catálogo", "catalog", ignore_case=True))
    router.message.register(my_data, Command("misdatos", "mis_datos", ignore_case=True))
    router.message.register(
        erase_my_data, Command("borrarmisdatos", "borrar_mis_datos", "borrar", ignore_case=True)
    )
    router.message.register(unknown_command, Magic(F.text.regexp(r"^/[A-Za-z0-9_]+(@\w+)?(\s|$)")))
    return router
