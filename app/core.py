"""The application without Telegram: database, catalog, agent and owner desk.

`bot.app` adds the Bot and Dispatcher; the CLI's import, export and search commands use
this alone, so they do not load the Telegram framework.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.ai import AiSetup, build_ai
from app.settings import Settings
from db.engine import create_engine, create_session_factory, is_sqlite
from db.migrate import upgrade_async
from db.uow import SqlUnitOfWork
from domain.catalog import Catalog
from domain.conversation import SalesAgent
from domain.effects import subscribe_search
from domain.events import EventBus
from domain.notices import promise_notices
from domain.owner import OwnerDesk
from domain.shop import ShopProfile, load_shop_profile
from rag.search import ProductIndex
from rag.synonyms import load_synonyms
from rag.vectors import ProductVectors

log = logging.getLogger(__name__)

UPDATE_MEMORY = timedelta(days=7)
CATALOG_FOLLOW_SECONDS = 5.0


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
    bus: EventBus
    # SQLite takes one writer at a time: the updates of this process queue here for it.
    gate: asyncio.Lock | None

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.shop_timezone)

    def uow(self) -> SqlUnitOfWork:
        """A unit of work whose events reach this application's bus after commit."""
        return SqlUnitOfWork(self.session_factory, self.bus)

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


async def build_app(settings: Settings, *, migrate: bool = True, search: bool = True) -> App:
    """The one place the application is assembled: migrate the database, load the shop
    profile and build the search index (`search=False`: the index stays empty, for commands
    that never search, such as the export)."""
    if migrate:
        await upgrade_async(settings.database_url)
    ai = build_ai(settings)  # a provider set up wrong stops start-up before anything opens
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    shop = load_shop_profile(settings.shop_profile)
    synonyms = load_synonyms(settings.synonyms_file) if settings.synonyms_file.exists() else {}
    weights = settings.fusion_weights()
    # Dense search where it pays: with a provider's embeddings, or when SEARCH_WEIGHTS asks
    # for the offline embedder's (measured: +0.003 nDCG@10 on the dev set, for seconds of
    # build time and tens of MB at 100k products).
    vectors = ProductVectors(ai.embedder, settings.vectors_file()) if weights.dense > 0 else None
    index = ProductIndex(
        synonyms=synonyms, dense=vectors.dense if vectors else None, weights=weights
    )
    catalog = Catalog(index, vectors)
    if search:
        await catalog.load(SqlUnitOfWork(session_factory))
    await forget_old_updates(session_factory)
    timezone = ZoneInfo(settings.shop_timezone)
    bus = EventBus()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, bus)

    subscribe_search(bus, catalog, uow)
    agent = SalesAgent(uow, catalog, shop, timezone, ai.tools)
    desk = OwnerDesk(
        uow,
        catalog,
        shop,
        timezone,
        low_stock_threshold=settings.low_stock_threshold,
        owner_ids=settings.owner_ids,
    )
    promise_notices(bus, settings.owner_ids)
    gate = asyncio.Lock() if is_sqlite(settings.database_url) else None
    return App(settings, engine, session_factory, catalog, shop, agent, desk, ai, bus, gate)


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
