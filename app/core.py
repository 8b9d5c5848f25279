"""The application without Telegram: database, catalog, agent and owner desk.

`bot.app` adds the Bot and Dispatcher; the CLI's import, export and search commands use
this alone, so they do not load the Telegram framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InvalidRequestError,
    NoSuchModuleError,
    SQLAlchemyError,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.ai import AiSetup, build_ai
from app.payments import build_payments
from app.settings import Settings
from db.engine import create_engine, create_session_factory, is_sqlite
from db.migrate import at_newest, upgrade_async
from db.uow import SqlUnitOfWork
from domain.catalog import Catalog
from domain.conversation import SalesAgent
from domain.effects import subscribe_search
from domain.events import EventBus
from domain.notices import promise_notices
from domain.online import OnlinePayments
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
    online: OnlinePayments | None = None  # payment links, when the shop offers them

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
        await self.catalog.keep(self.uow())
        await self.ai.close()
        await self.engine.dispose()


async def build_app(settings: Settings, *, migrate: bool = True, search: bool = True) -> App:
    """The one place the application is assembled: open and migrate the database, load the
    shop profile and build the search index (`search=False`: the index stays empty, for
    commands that never search, such as the export).

    A database that cannot be used raises StartupError (one line: DATABASE_URL and the fix).
    """
    url = settings.database_url
    with database_errors(url):
        check_sqlite_file(url)
        engine = create_engine(url)
    session_factory = create_session_factory(engine)
    try:
        with database_errors(url):
            # Opened here first, in this loop, so that a database that cannot be opened
            # fails here (Alembic runs in a worker thread, with a loop of its own).
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            if migrate and not await at_newest(engine):
                await upgrade_async(url)
            await forget_old_updates(session_factory)  # the first write
        return await _assemble(settings, engine, session_factory, search=search)
    except BaseException:
        await engine.dispose()
        raise


async def migrate_database(url: str) -> None:
    """Bring the database to the newest revision (`run_bot.py migrate`); StartupError when
    DATABASE_URL cannot be used."""
    with database_errors(url):
        check_sqlite_file(url)
        await upgrade_async(url)


async def _assemble(
    settings: Settings,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    search: bool,
) -> App:
    ai = build_ai(settings)  # a provider set up wrong stops start-up before the index is built
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
        await catalog.load(SqlUnitOfWork(session_factory), saved=settings.index_file())
    timezone = ZoneInfo(settings.shop_timezone)
    bus = EventBus()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, bus)

    def reads() -> SqlUnitOfWork:
        return SqlUnitOfWork(session_factory, bus, apart=True)

    subscribe_search(bus, catalog, uow)
    agent = SalesAgent(uow, catalog, shop, timezone, ai.tools, reads)
    desk = OwnerDesk(
        uow,
        catalog,
        shop,
        timezone,
        low_stock_threshold=settings.low_stock_threshold,
        owner_ids=settings.owner_ids,
        reads=reads,
    )
    promise_notices(bus, settings.owner_ids)
    online = build_payments(settings, shop, uow, bus)
    gate = asyncio.Lock() if is_sqlite(settings.database_url) else None
    return App(settings, engine, session_factory, catalog, shop, agent, desk, ai, bus, gate, online)


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


# ---------------------------------------------------------------------- start-up errors
class StartupError(Exception):
    """Start-up cannot go on. The message is one line for the operator: the setting to look
    at and the fix (run_bot.py prints it and exits with 2; the cause, with its traceback,
    only with LOG_LEVEL=DEBUG)."""


EXAMPLE_URLS = "sqlite+aiosqlite:///data/agente.db o postgresql+asyncpg://usuario:clave@host/base"


def _migration_failed(error: BaseException) -> bool:
    """Alembic's CommandError (Alembic is imported only when a migration runs)."""
    if "alembic" not in sys.modules:
        return False
    from alembic.util.exc import CommandError

    return isinstance(error, CommandError)


@contextlib.contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn what an unusable DATABASE_URL raises inside the block into a StartupError;
    anything else goes through untouched."""
    try:
        yield
    except Exception as error:
        explained = explain_database_error(error, url)
        if explained is None:
            raise
        raise explained from error


def explain_database_error(error: BaseException, url: str) -> StartupError | None:
    """One line naming DATABASE_URL and the fix for what opening or migrating the database
    raised; None for an error that is not about the database (a bug keeps its traceback)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        if isinstance(error, ArgumentError):
            return StartupError(f"DATABASE_URL no es una URL de base de datos: usa {EXAMPLE_URLS}.")
        return None
    shown = parsed.render_as_string(hide_password=True)
    if isinstance(error, NoSuchModuleError):
        return StartupError(
            f"DATABASE_URL pide «{parsed.drivername}», que SQLAlchemy no conoce: "
            f"usa {EXAMPLE_URLS}."
        )
    if isinstance(error, ModuleNotFoundError):
        driver = _driver(parsed)
        if driver is None or (error.name or "").split(".")[0] != driver:
            return None
        extra = " (o pip install -e '.[postgres]')" if driver == "asyncpg" else ""
        return StartupError(
            f"DATABASE_URL usa el driver {driver}, que no está instalado: "
            f"pip install {driver}{extra}."
        )
    if isinstance(error, InvalidRequestError) and "async driver" in str(error):
        return StartupError(
            f"DATABASE_URL usa un driver síncrono («{parsed.drivername}»); el bot necesita uno "
            f"asíncrono: {EXAMPLE_URLS}."
        )
    if _migration_failed(error):
        return StartupError(
            f"No pude migrar la base de datos de DATABASE_URL ({shown}): {_first_line(error)}."
        )
    reason = _reason(error)
    if reason is None:
        return None
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ":memory:"
        if "readonly" in reason or "read-only" in reason:
            return StartupError(
                f"La base de datos {path} (DATABASE_URL) es de solo lectura: da permiso de "
                "escritura sobre el archivo y su carpeta al usuario que corre el bot."
            )
        if "not a database" in reason:
            return StartupError(
                f"{path} (DATABASE_URL) no es una base de datos SQLite: apunta DATABASE_URL a "
                "otro archivo (se crea solo) o restaura el archivo de una copia."
            )
        if "unable to open" in reason:
            return StartupError(
                f"No puedo abrir ni crear la base de datos {path} (DATABASE_URL): revisa que "
                "la carpeta exista y que el usuario que corre el bot pueda escribir en ella."
            )
        return StartupError(
            f"No pude usar la base de datos {path} (DATABASE_URL): {reason}. Revisa la ruta y "
            "los permisos."
        )
    return StartupError(
        f"No pude usar la base de datos de DATABASE_URL ({shown}): {reason}. Revisa que el "
        "servidor esté en marcha y que el host, el usuario y la clave sean los correctos."
    )


def check_sqlite_file(url: str) -> None:
    """Look at a SQLite file before the async driver opens it: StartupError if this process
    may not write the file or its folder (SQLite would quietly open it read-only), and
    sqlite3.Error if it cannot be opened or is no database. Checked here because aiosqlite,
    when it fails to open a file, leaves a thread that prints a traceback once the loop has
    closed, after our one line."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri"):
        return
    if parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if path.exists() and not os.access(path, os.W_OK):
        raise StartupError(
            f"La base de datos {path} (DATABASE_URL) es de solo lectura: da permiso de "
            "escritura sobre el archivo al usuario que corre el bot."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(
            f"No puedo escribir en la carpeta {folder} de la base de datos (DATABASE_URL): "
            "SQLite guarda allí su diario; da permiso de escritura sobre la carpeta al usuario "
            "que corre el bot."
        )
    with contextlib.closing(
        sqlite3.connect(f"{path.absolute().as_uri()}?mode=rwc", uri=True)
    ) as db:
        db.execute("PRAGMA schema_version").fetchone()


def _driver(url: URL) -> str | None:
    try:
        return url.get_driver_name()
    except NoSuchModuleError:
        return None


def _reason(error: BaseException) -> str | None:
    """What went wrong, in one line, for errors met while opening or using a database."""
    if isinstance(error, DBAPIError):
        return _first_line(error.orig or error)
    if isinstance(error, sqlite3.Error):
        return _first_line(error)
    if isinstance(error, SQLAlchemyError):
        return _first_line(error)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or _first_line(error)}{where}"
    return None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__
