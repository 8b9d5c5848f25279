"""Application assembly: engine, catalog, agent, Bot and Dispatcher. Nothing runs at import."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, BotCommandScopeChat, ErrorEvent
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.ai import AiSetup, build_ai
from bot.middlewares import DeduplicateUpdatesMiddleware
from bot.retry import RetryAfterMiddleware
from bot.settings import Settings
from bot.storage import SQLAlchemyStorage
from db.engine import create_engine, create_session_factory
from db.migrate import upgrade_async
from db.uow import SqlUnitOfWork
from domain import texts
from domain.catalog import Catalog
from domain.exceptions import DomainError
from domain.owner import OwnerDesk
from domain.sales import SalesAgent
from domain.shop import ShopProfile, load_shop_profile
from handlers import build_router
from rag.search import ProductIndex
from rag.synonyms import load_synonyms
from rag.vectors import ProductVectors

log = logging.getLogger(__name__)

UPDATE_MEMORY = timedelta(days=7)
CATALOG_FOLLOW_SECONDS = 5.0

BOT_COMMANDS = (
    BotCommand(command="start", description="Empezar"),
    BotCommand(command="ayuda", description="Qué puedo hacer"),
    BotCommand(command="cancelar", description="Cancelar el pedido en curso"),
)
# What an owner sees in the command menu of their own chat.
OWNER_COMMANDS = (
    BotCommand(command="pedidos", description="Pedidos por entregar"),
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


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    catalog: Catalog
    shop: ShopProfile
    agent: SalesAgent
    desk: OwnerDesk
    ai: AiSetup

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.shop_timezone)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory)

    async def healthy(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - health reports any database failure as unhealthy
            log.exception("health check failed")
            return False

    async def close(self) -> None:
        await self.catalog.close()
        await self.ai.close()
        await self.engine.dispose()


async def build_app(settings: Settings, *, migrate: bool = True) -> App:
    """Migrate the database, load the shop profile and build the search index."""
    if migrate:
        await upgrade_async(settings.database_url)
    ai = build_ai(settings)  # a provider set up wrong stops start-up before anything opens
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    shop = load_shop_profile(settings.shop_profile)
    synonyms = load_synonyms(settings.synonyms_file) if settings.synonyms_file.exists() else {}
    vectors = ProductVectors(ai.embedder, settings.vectors_file())
    index = ProductIndex(synonyms=synonyms, dense=vectors.dense, weights=settings.fusion_weights())
    catalog = Catalog(index, vectors)
    await catalog.load(SqlUnitOfWork(session_factory))
    await forget_old_updates(session_factory)
    timezone = ZoneInfo(settings.shop_timezone)
    agent = SalesAgent(lambda: SqlUnitOfWork(session_factory), catalog, shop, timezone, ai.tools)
    desk = OwnerDesk(
        lambda: SqlUnitOfWork(session_factory),
        catalog,
        shop,
        timezone,
        low_stock_threshold=settings.low_stock_threshold,
        owner_ids=settings.owner_ids,
    )
    return App(settings, engine, session_factory, catalog, shop, agent, desk, ai)


async def forget_old_updates(session_factory: async_sessionmaker[AsyncSession]) -> int:
    """Processed-update records only matter while Telegram may redeliver (a day at most)."""
    async with SqlUnitOfWork(session_factory) as uow:
        removed = await uow.updates.forget_before(datetime.now(UTC) - UPDATE_MEMORY)
        await uow.commit()
    return removed


async def follow_catalog(app: App, interval: float = CATALOG_FOLLOW_SECONDS) -> None:
    """Keep this process's search index in step with the database (run as a task)."""
    while True:
        await asyncio.sleep(interval)
        try:
            changed = await app.catalog.follow(app.uow())
        except SQLAlchemyError as error:
            log.warning("could not follow catalog changes: %s", error)
            continue
        if changed:
            log.debug("search index followed %d changed products", changed)


def create_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    session.middleware(RetryAfterMiddleware())
    return Bot(settings.require_token(), session=session, default=DefaultBotProperties())


def create_dispatcher(
    app: App, *, events_isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    dp = Dispatcher(
        storage=SQLAlchemyStorage(app.session_factory),
        events_isolation=events_isolation or SimpleEventIsolation(),
        agent=app.agent,
        desk=app.desk,
        media=app.ai.media,
        ai_online=app.ai.online,
        check_low_stock=None,  # the runners plug in the scheduler's check
        catalog=app.catalog,
        settings=app.settings,
        app=app,
    )
    dp.update.outer_middleware(DeduplicateUpdatesMiddleware(app.session_factory))
    dp.include_router(build_router())
    dp.errors.register(_on_domain_error, ExceptionTypeFilter(DomainError))
    dp.errors.register(_on_unexpected_error)
    return dp


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
    """The command menu: the customer's for everyone, the shop's in each owner's chat."""
    try:
        await bot.set_my_commands(list(BOT_COMMANDS))
        for owner_id in owner_ids:
            await bot.set_my_commands(
                list(OWNER_COMMANDS), scope=BotCommandScopeChat(chat_id=owner_id)
            )
    except TelegramAPIError as error:  # an optional nicety; the bot works without it
        log.warning("setMyCommands failed (%s); continuing", error)
