"""Telegram assembly: Bot, Dispatcher and commands over `app.core`. Nothing runs at import."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import BotCommand, BotCommandScopeChat, ErrorEvent

from app.core import App, build_app, follow_catalog, forget_old_updates
from app.settings import Settings
from bot.cosmetic import optional
from bot.faults import describe, is_transient
from bot.middlewares import ChatTurns, Heartbeat, OneTransactionPerUpdate
from bot.retry import RetryAfterMiddleware
from bot.storage import ChatLocks, SQLAlchemyStorage
from domain import texts
from domain.exceptions import DomainError
from handlers import build_router

log = logging.getLogger(__name__)

__all__ = [
    "App",
    "announce_commands",
    "close_fsm",
    "build_app",
    "create_bot",
    "create_dispatcher",
    "follow_catalog",
    "forget_old_updates",
]


BOT_COMMANDS = (
    BotCommand(command="start", description="Empezar"),
    BotCommand(command="ayuda", description="Qué puedo hacer"),
    BotCommand(command="catalogo", description="Ver los productos por categoría"),
    BotCommand(command="cancelar", description="Cancelar el pedido en curso"),
    BotCommand(command="misdatos", description="Ver los datos personales que tenemos"),
    BotCommand(command="borrarmisdatos", description="Borrar tus datos personales"),
)
# What an owner sees in the command menu of their own chat.
OWNER_COMMANDS = (
    BotCommand(command="pedidos", description="Pedidos por entregar"),
    BotCommand(command="historial", description="Cambios de un producto: /historial SKU"),
    BotCommand(command="stats", description="Ventas y gráfico (ej.: /stats 7)"),
    BotCommand(command="export", description="Exportar datos en CSV y Excel"),
    BotCommand(command="plantilla", description="Plantilla del inventario"),
    BotCommand(command="cliente", description="Perfil de un cliente: /cliente CÉDULA"),
    BotCommand(command="stock", description="Cambiar stock: /stock SKU N"),
    BotCommand(command="precio", description="Cambiar precio: /precio SKU VALOR"),
    BotCommand(command="activar", description="Mostrar un producto: /activar SKU"),
    BotCommand(command="desactivar", description="Ocultar un producto: /desactivar SKU"),
    BotCommand(command="pausar", description="Atender tú un chat: /pausar CHAT"),
    BotCommand(command="reanudar", description="Devolver el chat al bot: /reanudar CHAT"),
    BotCommand(command="ayuda", description="Comandos de la tienda"),
    BotCommand(command="cancelar", description="Cancelar el pedido en curso"),
)


class ApiSession(AiohttpSession):
    """aiogram's HTTP session, holding on to the response model of each Bot API method it
    has called. aiogram reads every answer into `Response[<the method's result type>]`,
    and pydantic keeps such generic models only weakly: once the garbage collector took one,
    the next call built it again (about 10 ms of CPU, every few calls under load)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: dict[Any, type[Response[Any]]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_models:
            self._response_models[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)


def create_bot(settings: Settings) -> Bot:
    session = ApiSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    session.middleware(RetryAfterMiddleware())
    return Bot(settings.require_token(), session=session, default=DefaultBotProperties())


def fsm_backends(app: App) -> tuple[BaseStorage, BaseEventIsolation]:
    """Where conversations keep their step, and how two updates of one chat take turns:
    the database and a lock of this process by default; Redis when REDIS_URL is set, so
    that several workers share both (bot/redis_fsm.py)."""
    url = app.settings.redis_url.get_secret_value()
    if not url:
        return SQLAlchemyStorage(app.session_factory), ChatLocks()
    from bot.redis_fsm import redis_backends  # redis-py only when asked for

    settings = app.settings
    return redis_backends(url, settings.redis_prefix, settings.redis_lock_seconds)


def create_dispatcher(
    app: App, *, events_isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    storage, isolation = fsm_backends(app)
    dp = Dispatcher(
        storage=storage,
        events_isolation=events_isolation or isolation,
        agent=app.agent,
        desk=app.desk,
        media=app.ai.media,
        ai_online=app.ai.online,
        catalog=app.catalog,
        settings=app.settings,
        online=app.online,
        app=app,
    )
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.fsm = ChatTurns(dp.fsm.storage, dp.fsm.events_isolation, dp.fsm.strategy)
    dp.update.outer_middleware(dp.fsm)
    heartbeat = Heartbeat()
    dp["heartbeat"] = heartbeat
    dp.update.outer_middleware(
        OneTransactionPerUpdate(
            app.session_factory,
            app.bus,
            app.gate,
            heartbeat,
            alone=not app.settings.redis_url.get_secret_value(),  # workers share Redis
        )
    )
    dp.include_router(build_router())
    dp.errors.register(_on_domain_error, ExceptionTypeFilter(DomainError))
    # A transient failure has no handler: it leaves the dispatcher, so the update is not
    # marked processed and comes again (webhook: 503; polling: the offset waits).
    dp.errors.register(_on_unexpected_error, _not_transient)
    return dp


async def close_fsm(dp: Dispatcher) -> None:
    """Close the FSM's connections (Redis); the database's belong to the application."""
    await dp.fsm.storage.close()
    await dp.fsm.events_isolation.close()


async def _not_transient(event: ErrorEvent) -> bool:
    if is_transient(event.exception):
        log.warning(
            "update %s not handled now (%s); it will be handled again",
            event.update.update_id,
            describe(event.exception),
        )
        return False
    return True


async def _on_domain_error(event: ErrorEvent, bot: Bot) -> None:
    log.warning("domain error: %s", event.exception)
    await _tell_chat(event, bot, str(event.exception) or texts.ERROR_GENERIC)


async def _on_unexpected_error(event: ErrorEvent, bot: Bot) -> None:
    log.exception("unhandled error on update %s", event.update.update_id, exc_info=event.exception)
    await _tell_chat(event, bot, texts.ERROR_GENERIC)


async def _tell_chat(event: ErrorEvent, bot: Bot, message: str) -> None:
    update = event.update
    chat = None
    if update.message:
        chat = update.message.chat.id
    elif update.callback_query and update.callback_query.message:
        chat = update.callback_query.message.chat.id
    if chat is None:
        return
    try:
        await bot.send_message(chat, message)
    except Exception:  # noqa: BLE001 - the error path must never raise again
        log.exception("could not report the error to chat %s", chat)


async def announce_commands(bot: Bot, owner_ids: tuple[int, ...] = ()) -> None:
    """The command menu: the customer's for everyone, the shop's in each owner's chat.
    An optional nicety: whatever Telegram answers, start-up goes on (one warning a call)."""
    await optional(bot.set_my_commands(list(BOT_COMMANDS)), "setMyCommands")
    for owner_id in owner_ids:
        await optional(
            bot.set_my_commands(list(OWNER_COMMANDS), scope=BotCommandScopeChat(chat_id=owner_id)),
            f"setMyCommands for owner {owner_id}",
        )
