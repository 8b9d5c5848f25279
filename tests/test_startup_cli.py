"""`run_bot.py polling` as an operator starts it: while Telegram is down it waits, one line
a try; a wrong token or DATABASE_URL is one line on stderr and exit code 2, no traceback
(the traceback only with LOG_LEVEL=DEBUG)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from doubles.telegram import LocalBotAPI
from tests.conftest import OWNER_ID, TOKEN, sqlite_url

ROOT = Path(__file__).resolve().parent.parent


def environment(api: LocalBotAPI, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "OWNER_", "LOG_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        DATABASE_URL=sqlite_url(tmp_path / "shop.db"),
        OWNER_IDS=str(OWNER_ID),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    env.update(extra)
    return env


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "run_bot.py",
        *args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, timeout: float = 60) -> tuple[int, str]:
    """Wait for the program to end by itself: its exit code and stderr."""
    _, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_start_up_waits_out_html_502s_one_line_a_try_and_polls(
    api: LocalBotAPI, tmp_path: Path
) -> None:
    api.fail_next("getMe", 502, html=True, times=2)
    api.fail_next("setMyCommands", 502, html=True)
    process = await start(environment(api, tmp_path), "polling")
    try:
        await api.wait_for(
            lambda: any(method == "getUpdates" for method, _ in api.calls), timeout=60
        )
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        _, err = await finish(process, timeout=30)
    waits = [line for line in err.splitlines() if "Bot API getMe" in line]
    assert len(waits) == 2, err
    assert all("WARNING" in line and "502 Bad Gateway" in line for line in waits), err
    assert "try 1" in waits[0] and "try 2" in waits[1]
    menu = [line for line in err.splitlines() if "setMyCommands failed" in line]
    assert len(menu) == 1 and "WARNING" in menu[0], err
    assert "Traceback" not in err, err


async def test_a_wrong_token_is_one_line_and_exit_code_2(api: LocalBotAPI, tmp_path: Path) -> None:
    env = environment(api, tmp_path, TELEGRAM_BOT_TOKEN="42:WRONG-TOKEN")
    code, err = await finish(await start(env, "polling"))
    assert code == 2
    assert err.strip().count("\n") == 0, err
    assert err.startswith("No pude arrancar: Telegram rechazó TELEGRAM_BOT_TOKEN"), err
    assert "WRONG-TOKEN" not in err
    assert not (tmp_path / "shop.db").exists()  # stopped before the database was touched


async def test_a_bad_database_url_is_one_line_and_exit_code_2(
    api: LocalBotAPI, tmp_path: Path
) -> None:
    env = environment(api, tmp_path, DATABASE_URL="postgres-en-el-servidor")
    code, err = await finish(await start(env, "polling"))
    assert code == 2
    assert err.strip().count("\n") == 0, err
    assert err.startswith("No pude arrancar: DATABASE_URL no es una URL de base de datos"), err


async def test_the_traceback_of_a_start_up_failure_shows_only_at_debug() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "LOG_"))}
    env["DATABASE_URL"] = "mongodb://tienda/db"
    code, err = await finish(await start(env, "migrate"))
    assert code == 2
    assert err.strip() == (
        "No pude arrancar: DATABASE_URL pide «mongodb», que SQLAlchemy no conoce: usa "
        "sqlite+aiosqlite:///data/agente.db o postgresql+asyncpg://usuario:clave@host/base."
    )

    code, err = await finish(await start({**env, "LOG_LEVEL": "DEBUG"}, "migrate"))
    assert code == 2
    assert "Traceback" in err and "NoSuchModuleError" in err
    assert err.strip().splitlines()[-1].startswith("No pude arrancar: DATABASE_URL pide")
