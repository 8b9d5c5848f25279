"""Calls the bot works without (command menu, chat actions, deleteWebhook) never fail
start-up or a command, whatever Telegram answers: a JSON error, an HTML 502 page, nothing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot

from bot.app import announce_commands, create_bot
from bot.cosmetic import chat_action, optional
from domain import texts
from doubles.telegram import LocalBotAPI
from tests.chat import say
from tests.conftest import OWNER_ID, Harness, make_settings, texts_of

FAULTS: dict[str, Callable[[LocalBotAPI, str], None]] = {
    "json 500": lambda api, method: api.fail_next(method, 500),
    "html 502": lambda api, method: api.fail_next(method, 502, html=True),
    "403": lambda api, method: api.fail_next(method, 403),
    "429 too long to wait": lambda api, method: api.fail_next(method, 429, retry_after=60),
    "hang": lambda api, method: api.hang_next(method),
}


@pytest.fixture
async def bot(api: LocalBotAPI, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = create_bot(make_settings(tmp_path, api.base_url))
    yield bot
    await bot.session.close()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.cosmetic" and r.levelno == logging.WARNING and r.exc_info is None
    ]


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_an_optional_call_that_fails_is_one_warning_and_none(
    api: LocalBotAPI, bot: Bot, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    FAULTS[fault](api, "deleteWebhook")
    result = await optional(bot.delete_webhook(), "deleteWebhook", timeout=0.5)
    assert result is None
    [line] = warnings_of(caplog)
    assert line.startswith("deleteWebhook failed (") and "\n" not in line
    assert await optional(bot.delete_webhook(), "deleteWebhook") is True


async def test_an_optional_call_to_no_server_at_all_is_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = create_bot(make_settings(tmp_path, "http://127.0.0.1:1"))
    try:
        assert await optional(bot.delete_webhook(), "deleteWebhook") is None
    finally:
        await bot.session.close()
    [line] = warnings_of(caplog)
    assert "TelegramNetworkError" in line


async def test_set_my_commands_answered_with_an_html_502_lets_start_up_go_on(
    api: LocalBotAPI, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next("setMyCommands", 502, html=True)
    await announce_commands(bot, (OWNER_ID,))
    [line] = warnings_of(caplog)
    assert "setMyCommands failed" in line and "502 Bad Gateway" in line
    set_for = [params.get("scope") for method, params in api.calls if method == "setMyCommands"]
    assert len(set_for) == 2 and set_for[1]["chat_id"] == OWNER_ID  # the owner's menu still


async def test_a_hanging_chat_action_delays_the_work_by_the_grace_at_most(
    api: LocalBotAPI, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await api.user(OWNER_ID).send_text("hola")
    api.hang_next("sendChatAction")
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with chat_action(bot, OWNER_ID, "typing", grace=0.2):
        await asyncio.sleep(0.05)
    # Hung until the client gives up (the session's timeout) without the grace; the bound
    # leaves room for a machine busy with other tests (0.5 s failed there now and then).
    assert loop.time() - started < 2.0
    assert warnings_of(caplog) == []  # given up on, not failed: nothing to say
    async with chat_action(bot, OWNER_ID, "upload_photo"):
        await asyncio.sleep(0)
    assert api.user(OWNER_ID).chat_actions() == ["upload_photo"]


async def test_a_failing_chat_action_stops_after_one_warning(
    api: LocalBotAPI, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await api.user(OWNER_ID).send_text("hola")
    api.fail_next("sendChatAction", 502, html=True)
    async with chat_action(bot, OWNER_ID, "typing", every=0.01):
        await asyncio.sleep(0.2)
    assert len(warnings_of(caplog)) == 1
    assert [m for m, _ in api.calls if m == "sendChatAction"] == ["sendChatAction"]


# ------------------------------------------------------------------ through the real bot
async def owner_of(shop: Harness):  # noqa: ANN201
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    return owner


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_stats_arrive_when_the_chat_action_fails(shop: Harness, fault: str) -> None:
    owner = await owner_of(shop)
    FAULTS[fault](shop.api, "sendChatAction")
    report = await say(owner, "/stats", timeout=20)
    assert texts.ERROR_GENERIC not in texts_of(report)
    [chart] = owner.photos()
    assert chart.startswith(b"\x89PNG")


async def test_export_arrives_when_the_chat_action_gets_an_html_502(shop: Harness) -> None:
    owner = await owner_of(shop)
    shop.api.fail_next("sendChatAction", 502, html=True)
    await owner.send_text("/export")
    files = await owner.replies(min_count=6, timeout=20)
    assert texts.ERROR_GENERIC not in texts_of(files)
    assert len(owner.documents()) == 6
