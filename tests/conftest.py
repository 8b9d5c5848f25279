"""Shared fixtures: a real bot over HTTP against the local Bot API server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App, build_app
from bot.runners import polling_in_background
from bot.settings import DATA_DIR, Settings
from db.engine import create_engine
from db.migrate import upgrade
from domain.catalog import import_inventory
from doubles.telegram import LocalBotAPI

TOKEN = "123456:TEST-TOKEN"
OWNER_ID = 900


def make_settings(tmp_path: Path, base: str = "http://127.0.0.1:1", **extra: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": SecretStr(TOKEN),
        "telegram_api_base": base,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
        "owner_ids": (OWNER_ID,),
        "shop_profile": DATA_DIR / "shop.toml",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def load_sample(app: App) -> None:
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
    app = await build_app(settings)
    async with polling_in_background(app) as (bot, dp):
        api.report_handling(dp)
        yield Harness(api, app, bot, dp, settings)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A migrated SQLite database in the test's folder."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


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
    monkeypatch.setattr(AiohttpSession, "close", _close_at_once)
    async with LocalBotAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
async def shop(api: LocalBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot polling the local server, with the sample inventory loaded."""
    settings = make_settings(tmp_path, api.base_url)
    app = await build_app(settings)
    await load_sample(app)
    await app.close()
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
