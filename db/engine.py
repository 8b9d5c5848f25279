"""Engine and session factory. SQLite gets WAL, foreign keys and a busy timeout, and runs on
the event loop's thread (db/inline_sqlite.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from db.inline_sqlite import connector

SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Build the async engine; pragmas are set on every new SQLite connection."""
    if not is_sqlite(url):
        return _plain_savepoints(create_async_engine(url, echo=echo, pool_pre_ping=True))
    parsed = make_url(url)
    database = parsed.database or ":memory:"
    in_memory = database == ":memory:"
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # The URL's options, as the dialect reads them, for our own connector.
    args, options = SQLiteDialect_pysqlite().create_connect_args(parsed)
    creator = connector(args[0], options, busy_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    kwargs: dict = {"async_creator": creator}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_async_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=0")  # waits on the loop instead (inline_sqlite)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return _plain_savepoints(engine)


def _plain_savepoints(engine: AsyncEngine) -> AsyncEngine:
    """SAVEPOINT, RELEASE and ROLLBACK TO sent as plain SQL. SQLAlchemy never caches their
    compiled form (the name changes), so each one built a compiler: a unit of work inside
    an update (db/uow.py) paid for two of them, about a sixth of its database time. The
    names are SQLAlchemy's own (`sa_savepoint_N`), which need no quoting."""
    dialect = engine.sync_engine.dialect

    def savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {name}")

    def release(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")

    def rollback_to(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")

    dialect.do_savepoint = savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = release  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = rollback_to  # type: ignore[method-assign]
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
