"""Shared fixtures: a real bot over HTTP against the local Bot API server.

Every test that asks for the `api` fixture (so every `shop` test) is marked `e2e`, and every
test in a module that imports `subprocess` is marked `cli`; `make test-fast` runs the rest.
Start the local servers through these fixtures, not by hand, and the marks stay right.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
from pydantic import SecretStr

from app.settings import DATA_DIR, Settings
from db.engine import create_engine
from db.migrate import upgrade
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
def db_url(tmp_path: Path, migrated_db: Path) -> str:
    """A migrated SQLite database in the test's folder."""
    copy_database(migrated_db, tmp_path / "test.db")
    return sqlite_url(tmp_path / "test.db")


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
async def shop(api: LocalBotAPI, tmp_path: Path, sample_db: Path) -> AsyncIterator[Harness]:
    """The bot polling the local server, with the sample inventory loaded."""
    copy_database(sample_db, tmp_path / "shop.db")
    settings = make_settings(tmp_path, api.base_url)
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
