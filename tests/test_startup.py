"""Start-up explains itself: it waits out a Bot API that is down, one line per try, and stops
with one line naming the setting and the fix when the token or the database is wrong."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.utils.backoff import BackoffConfig
from pydantic import SecretStr

from app.core import StartupError, build_app, migrate_database
from bot.app import create_bot
from bot.startup import call_with_backoff, check_bot_api, wait_for_bot_api
from doubles.telegram import LocalBotAPI
from tests.conftest import make_settings, sqlite_url

QUICK = BackoffConfig(min_delay=0.01, max_delay=0.05, factor=2.0, jitter=0.0)


@pytest.fixture
async def bot(api: LocalBotAPI, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = create_bot(make_settings(tmp_path, api.base_url))
    yield bot
    await bot.session.close()


def startup_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.startup" and r.levelno >= logging.WARNING]


def one_line(message: str) -> bool:
    return "\n" not in message and "Traceback" not in message


# ------------------------------------------------------------------------ the Bot API
async def test_an_html_502_is_waited_out_with_one_line_a_try(
    api: LocalBotAPI, bot: Bot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("getMe", 502, html=True, times=2)
    settings = make_settings(tmp_path, api.base_url)
    me = await wait_for_bot_api(bot, settings, backoff=QUICK)
    assert me.username == "agente_vendedor_bot"
    lines = startup_lines(caplog)
    assert [r.levelname for r in lines] == ["WARNING", "WARNING"]
    for n, record in enumerate(lines, 1):
        text = record.getMessage()
        assert f"try {n}" in text and "502 Bad Gateway" in text and one_line(text)
        assert record.exc_info is None
    calls = len(api.calls)
    assert await bot.me() == me and len(api.calls) == calls  # kept for dp.start_polling


async def test_json_5xx_and_hangs_are_waited_out_too(
    api: LocalBotAPI, bot: Bot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("getMe", 500)
    api.fail_next("getMe", 500, "Internal Server Error: restart")
    api.hang_next("getMe")
    settings = make_settings(tmp_path, api.base_url)
    me = await wait_for_bot_api(bot, settings, backoff=QUICK, request_timeout=0.3)
    assert me.is_bot
    reasons = [r.getMessage() for r in startup_lines(caplog)]
    assert len(reasons) == 3
    assert "TelegramServerError" in reasons[0] and "RestartingTelegram" in reasons[1]
    assert "no answer within 0.3s" in reasons[2]


async def test_a_bot_api_that_never_comes_gives_up_at_the_deadline(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "http://127.0.0.1:1")
    with pytest.raises(StartupError) as failure:
        await check_bot_api(settings, give_up_after=0.2, backoff=QUICK)
    message = str(failure.value)
    assert "TELEGRAM_API_BASE" in message and "http://127.0.0.1:1" in message
    assert one_line(message)


async def test_a_wrong_token_stops_at_once_naming_the_setting(
    api: LocalBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, api.base_url, telegram_bot_token=SecretStr("42:WRONG"))
    with pytest.raises(StartupError) as failure:
        await check_bot_api(settings, backoff=QUICK)
    message = str(failure.value)
    assert "TELEGRAM_BOT_TOKEN" in message and "@BotFather" in message and one_line(message)
    assert "WRONG" not in message  # the token itself is never printed
    assert [method for method, _ in api.calls] == []  # refused before any method ran
    assert startup_lines(caplog) == []


async def test_a_refused_required_call_names_the_setting_to_fix(
    api: LocalBotAPI, bot: Bot, tmp_path: Path
) -> None:
    api.fail_next("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided")
    settings = make_settings(tmp_path, api.base_url)
    with pytest.raises(StartupError, match="WEBHOOK_URL") as failure:
        await call_with_backoff(
            lambda: bot.set_webhook("http://tienda.example.com/webhook"),
            "setWebhook",
            settings,
            setting="WEBHOOK_URL",
            backoff=QUICK,
        )
    assert "HTTPS url must be provided" in str(failure.value)


# ------------------------------------------------------------------------ the database
async def database_failure(tmp_path: Path, url: str) -> str:
    """The one line build_app's StartupError says for this DATABASE_URL."""
    with pytest.raises(StartupError) as failure:
        await build_app(make_settings(tmp_path, database_url=url))
    return str(failure.value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("nonsense", "no es una URL de base de datos"),
        ("", "no es una URL de base de datos"),
        ("oracle+nada://u:p@h/db", "«oracle+nada», que SQLAlchemy no conoce"),
        ("sqlite:///{tmp}/shop.db", "driver síncrono"),
        ("mysql+aiomysql://u:secret@127.0.0.1/db", "aiomysql, que no está instalado"),
    ],
)
async def test_a_bad_database_url_is_one_line_with_the_fix(
    tmp_path: Path, url: str, said: str
) -> None:
    message = await database_failure(tmp_path, url.format(tmp=tmp_path))
    assert said in message and "DATABASE_URL" in message and one_line(message)
    assert "secret" not in message
    assert "sqlite+aiosqlite://" in message or "pip install" in message


async def test_postgres_without_asyncpg_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # absent, whether installed or not
    message = await database_failure(tmp_path, "postgresql+asyncpg://u:secret@127.0.0.1/db")
    assert message == (
        "DATABASE_URL usa el driver asyncpg, que no está instalado: "
        "pip install asyncpg (o pip install -e '.[postgres]')."
    )


async def test_a_folder_nobody_may_write_is_one_line(tmp_path: Path) -> None:
    folder = Path("/proc")  # not even root may create a file here
    if sys.platform != "linux" or not folder.is_dir():
        pytest.skip("needs Linux's /proc")
    message = await database_failure(tmp_path, sqlite_url(folder / "shop.db"))
    assert "No puedo abrir ni crear la base de datos /proc/shop.db (DATABASE_URL)" in message
    assert one_line(message)


async def test_a_file_that_is_no_database_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "notas.db"
    junk.write_bytes(b"esto no es SQLite " * 100)
    message = await database_failure(tmp_path, sqlite_url(junk))
    assert f"{junk} (DATABASE_URL) no es una base de datos SQLite" in message


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="running as root: chmod does not stop root from writing",
)
@pytest.mark.parametrize("what", ["file", "folder"])
async def test_a_read_only_database_is_one_line(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "datos"
    folder.mkdir()
    db = folder / "shop.db"
    await migrate_database(sqlite_url(db))
    (db if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        message = await database_failure(tmp_path, sqlite_url(db))
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert "DATABASE_URL" in message and one_line(message)
    assert ("solo lectura" if what == "file" else "No puedo escribir en la carpeta") in message
