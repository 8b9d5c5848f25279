"""Shared fixtures: a real bot over HTTP against the local Bot API server.

Every test that asks for the `api` fixture (so every `shop` test) is marked `e2e`, and every
test in a module that imports `subprocess` is marked `cli`; `make test-fast` runs the rest.
Start the local servers through these fixtures, not by hand, and the marks stay right.

Databases: SQLite by default. With TEST_POSTGRES_URL set (`.ci/run` sets it), the tests of
the modules in POSTGRES_MODULES that use a database (`db_url`, `engine`, `shop`,
`databases`) run on PostgreSQL too, each in a database of its own made from a template
(TEST_POSTGRES_ALL=1: every such test); without it, their PostgreSQL half is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from app.settings import DATA_DIR, Settings
from db.engine import create_engine
from db.migrate import upgrade, upgrade_async
from doubles.telegram import LocalBotAPI

# The bot's modules import aiogram (seconds of building its types): they are imported where
# used, so that pytest starts quickly (and a pytest-xdist controller, which runs no test).
if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.app import App

TOKEN = "123456:TEST-TOKEN"
OWNER_ID = 900


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (the backup API reads a -wal file too)."""
    with contextlib.closing(sqlite3.connect(source)) as src:
        with contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def make_settings(tmp_path: Path, base: str = "http://127.0.0.1:1", **extra: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": SecretStr(TOKEN),
        "telegram_api_base": base,
        "database_url": sqlite_url(tmp_path / "shop.db"),
        "owner_ids": (OWNER_ID,),
        "shop_profile": DATA_DIR / "shop.toml",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def bot_env(base: str, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `run_bot.py` process under test: the test's token, owner and
    database, the local Bot API at `base` (none of the machine's own TELEGRAM_, DATABASE_ or
    OWNER_ settings), and `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "OWNER_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base,
        DATABASE_URL=database_url,
        OWNER_IDS=str(OWNER_ID),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


async def load_sample(app: App) -> None:
    from domain.catalog import import_inventory

    sample = DATA_DIR / "inventory.csv"
    await import_inventory(app.uow(), app.catalog, sample.read_bytes(), sample.name)


@dataclass
class Harness:
    api: LocalBotAPI
    app: App
    bot: Bot
    dp: Dispatcher
    settings: Settings


@contextlib.asynccontextmanager
async def polling_bot(api: LocalBotAPI, settings: Settings) -> AsyncIterator[Harness]:
    """The bot polling `api`, which hears as it finishes each update (see `Customer.replies`)."""
    from bot.app import build_app
    from bot.runners import polling_in_background

    app = await build_app(settings)
    async with polling_in_background(app) as (bot, dp):
        api.report_handling(dp)
        yield Harness(api, app, bot, dp, settings)


# ---------------------------------------------------------------------- SQLite and PostgreSQL

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
POSTGRES_ALL = os.environ.get("TEST_POSTGRES_ALL", "") == "1"
POSTGRES_MODULES = {
    "test_db",
    "test_storage",
    "test_migrations",
    "test_concurrency",
    "test_e2e",
    "test_order_life",
    "test_workers",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A database test of POSTGRES_MODULES runs once per backend; elsewhere on SQLite only
    (and keeps its name)."""
    if "backend" not in metafunc.fixturenames:
        return
    if not (POSTGRES_ALL or metafunc.module.__name__.rsplit(".", 1)[-1] in POSTGRES_MODULES):
        return
    skip = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")
    metafunc.parametrize(
        "backend", ["sqlite", pytest.param("postgresql", marks=skip)], indirect=True
    )


def run_in_thread(make: Callable[[], Awaitable[object]]) -> object:
    """Run a coroutine to the end on a loop of its own (a fixture may be called while the
    test's loop runs, and Alembic runs its own)."""
    result: list[object] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(make()))  # type: ignore[arg-type]
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0] if result else None


class Postgres:
    """Databases on the server of TEST_POSTGRES_URL: templates made once per test process
    (pytest-xdist workers each have theirs), a database per test copied from one."""

    def __init__(self, url: str, worker: str) -> None:
        self.url = make_url(url)
        self.prefix = f"agente_{worker}_{uuid.uuid4().hex[:6]}"
        self._templates: dict[str, str] = {}

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def execute(self, *statements: str) -> None:
        import asyncpg

        async def run() -> None:
            connection = await asyncpg.connect(
                host=self.url.host,
                port=self.url.port or 5432,
                user=self.url.username,
                password=self.url.password,
                database=self.url.database,
            )
            try:
                for statement in statements:
                    await connection.execute(statement)
            finally:
                await connection.close()

        run_in_thread(run)

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def template(self, kind: str) -> str:
        """ "migrated": an empty database at the newest revision; "sample": with the sample
        inventory. Made on first use."""
        if kind not in self._templates:
            if kind == "migrated":
                name = self.create()
                run_in_thread(lambda: upgrade_async(self.url_of(name)))
            else:
                name = self.create(self.template("migrated"))
                run_in_thread(lambda: _with_sample(self.url_of(name)))
            self._templates[kind] = name
        return self._templates[kind]

    def close(self) -> None:
        for name in self._templates.values():
            self.drop(name)


async def _with_sample(url: str) -> None:
    from bot.app import build_app

    app = await build_app(make_settings(Path("/nonexistent"), database_url=url), migrate=False)
    try:
        await load_sample(app)
    finally:
        await app.close()


@pytest.fixture(scope="session")
def postgres(worker_id: str) -> Iterator[Postgres]:
    server = Postgres(POSTGRES_URL, worker_id)
    yield server
    server.close()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite", or "postgresql" for the tests pytest_generate_tests runs on both."""
    return getattr(request, "param", "sqlite")


class Databases:
    """Fresh databases for one test on its backend, removed after it. PostgreSQL's templates
    are made on a loop of their own, so any method may be called from an async test; SQLite's
    are session fixtures, made when no loop runs: the migrated one always, the one with the
    sample inventory for a `shop` test (elsewhere, call `sample()` from a sync fixture)."""

    def __init__(
        self,
        backend: str,
        folder: Path,
        templates: Callable[[str], Path],
        postgres: Callable[[], Postgres],
    ) -> None:
        self.backend = backend
        self._folder = folder
        self._templates = templates
        self._postgres = postgres
        self._made: list[str] = []

    @property
    def on_postgres(self) -> bool:
        return self.backend == "postgresql"

    def _new(self, template: str | None) -> str:
        if self.on_postgres:
            server = self._postgres()
            name = server.create(server.template(template) if template else None)
            self._made.append(name)
            return server.url_of(name)
        # The names the tests had before they ran on two backends (shop.db, test.db).
        name = {"sample": "shop", "migrated": "test"}.get(template or "", "empty")
        path = self._folder / f"{name}.db"
        if path.exists():
            path = self._folder / f"{name}-{len(self._made)}.db"
        self._made.append(str(path))
        if template:
            copy_database(self._templates(template), path)
        return sqlite_url(path)

    def empty(self) -> str:
        """A database with nothing in it (the program migrates it)."""
        return self._new(None)

    def migrated(self) -> str:
        """An empty database at the newest revision."""
        return self._new("migrated")

    def sample(self) -> str:
        """A migrated database with the sample inventory."""
        return self._new("sample")

    def close(self) -> None:
        if self.on_postgres:
            server = self._postgres()
            for name in self._made:
                server.drop(name)


@pytest.fixture
def databases(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Databases]:
    def sqlite_template(kind: str) -> Path:
        return request.getfixturevalue("migrated_db" if kind == "migrated" else "sample_db")

    if backend == "sqlite":  # made here, where no loop runs yet, for the async fixtures
        sqlite_template("migrated")
        if "shop" in request.fixturenames:
            sqlite_template("sample")
    made = Databases(
        backend, tmp_path, sqlite_template, lambda: request.getfixturevalue("postgres")
    )
    yield made
    made.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "api" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
        module = getattr(item, "module", None)
        if getattr(module, "subprocess", None) is subprocess:
            item.add_marker(pytest.mark.cli)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest revision, made once; tests get copies."""
    path = tmp_path_factory.mktemp("migrated") / "shop.db"
    upgrade(sqlite_url(path))
    return path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def sample_db(migrated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the sample inventory, made once; each `shop` gets a copy."""
    from bot.app import build_app

    folder = tmp_path_factory.mktemp("sample")
    copy_database(migrated_db, folder / "shop.db")
    app = await build_app(make_settings(folder))
    await load_sample(app)
    await app.close()
    return folder / "shop.db"


@pytest.fixture
def db_url(databases: Databases) -> str:
    """A migrated database of the test's own (SQLite in its folder, or PostgreSQL)."""
    return databases.migrated()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def _close_at_once(session: AiohttpSession) -> None:
    """AiohttpSession.close, without the 250 ms it then waits for TLS connections to end:
    the local servers speak plain HTTP, and the wait was a fifth of the end-to-end time."""
    if session._session is not None and not session._session.closed:
        await session._session.close()


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[LocalBotAPI]:
    from aiogram.client.session.aiohttp import AiohttpSession

    monkeypatch.setattr(AiohttpSession, "close", _close_at_once)
    async with LocalBotAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
async def shop(api: LocalBotAPI, tmp_path: Path, databases: Databases) -> AsyncIterator[Harness]:
    """The bot polling the local server, with the sample inventory loaded."""
    settings = make_settings(tmp_path, api.base_url, database_url=databases.sample())
    async with polling_bot(api, settings) as harness:
        yield harness


def buttons(message: dict) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def button_data(messages: list[dict], label: str) -> tuple[dict, str]:
    for message in reversed(messages):
        for text, data in buttons(message).items():
            if label.lower() in text.lower():
                return message, data
    raise AssertionError(f"no button {label!r} in {[m.get('text') for m in messages]}")


def texts_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)
