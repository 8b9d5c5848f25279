"""Nothing promised is lost: the outbox, redelivered updates, the webhook's answers, /health.

End to end through the local Bot API server with injected faults (issue 12)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select, update

import db.engine
from bot.app import build_app, create_bot, create_dispatcher
from bot.runners import build_webhook_app
from db.models import OutboxRow
from doubles.telegram import LocalBotAPI
from tests.chat import press, say
from tests.conftest import OWNER_ID, Harness, copy_database, make_settings, texts_of

SECRET = "s3cret"


async def to_summary(customer) -> list[dict]:  # noqa: ANN001
    cart = await say(customer, "quiero 2 extintores multipropósito de 10 libras")
    await press(customer, cart, "Finalizar")
    for answer in ("52345678", "Ana Ruiz", "3109876543", "Cra 70 # 44-10", "Medellín"):
        await say(customer, answer)
    notes = await say(customer, "Laureles")
    return await press(customer, notes, "Omitir")


async def outbox(app, key_prefix: str) -> list[OutboxRow]:  # noqa: ANN001
    async with app.session_factory() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.key.like(f"{key_prefix}%")))
        return list(rows)


def sent_to(api: LocalBotAPI, chat_id: int, needle: str) -> list[str]:
    """What the chat received (failed attempts are not messages)."""
    return [m["text"] for m in api.user(chat_id).messages() if needle in m.get("text", "")]


async def test_owner_alert_after_a_server_error_is_sent_once_later(shop: Harness) -> None:
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    ana = shop.api.user(7301, first_name="Ana")
    summary = await to_summary(ana)
    shop.api.fail_next("sendMessage", 500)  # the alert is the first message after the commit
    done = texts_of(await press(ana, summary, "Confirmar"))
    assert "confirmado" in done and "algo falló" not in done
    alerts = await shop.api.wait_for(lambda: sent_to(shop.api, OWNER_ID, "Nuevo pedido"), 10)
    await asyncio.sleep(2.5)  # a second sweep would have sent it again by now
    assert len(sent_to(shop.api, OWNER_ID, "Nuevo pedido")) == len(alerts) == 1
    [row] = await outbox(shop.app, "order:")
    assert row.status == "sent" and row.message_id and row.attempts == 1


async def test_a_long_retry_after_is_honoured_by_the_outbox(shop: Harness) -> None:
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    ana = shop.api.user(7302, first_name="Ana")
    summary = await to_summary(ana)
    shop.api.fail_next("sendMessage", 429, retry_after=40)  # over what a reply may wait
    assert "confirmado" in texts_of(await press(ana, summary, "Confirmar"))
    [row] = await outbox(shop.app, "order:")
    assert row.status == "pending"
    wait = (row.next_attempt_at - datetime.now(UTC)).total_seconds()
    assert 35 < wait <= 40
    assert not sent_to(shop.api, OWNER_ID, "Nuevo pedido")
    async with shop.app.session_factory() as session:  # forty seconds later
        await session.execute(update(OutboxRow).values(next_attempt_at=datetime.now(UTC)))
        await session.commit()
    await shop.api.wait_for(lambda: sent_to(shop.api, OWNER_ID, "Nuevo pedido"), 10)
    for _ in range(50):  # the outcome is recorded right after the send
        [row] = await outbox(shop.app, "order:")
        if row.status != "pending":
            break
        await asyncio.sleep(0.1)
    assert row.status == "sent"


async def test_a_customer_who_blocked_the_bot_is_shown_to_the_owner(shop: Harness) -> None:
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    ana = shop.api.user(7303, first_name="Ana")
    summary = await to_summary(ana)
    assert "confirmado" in texts_of(await press(ana, summary, "Confirmar"))
    alert = await owner.replies()
    await ana.block()
    await press(owner, alert, "Entregado")
    warning = await shop.api.wait_for(
        lambda: sent_to(shop.api, OWNER_ID, "bloqueó el bot"), timeout=10
    )
    assert "pedido #1" in warning[0] and "entregado" in warning[0]
    [notice] = await outbox(shop.app, "order:1:delivered:customer")
    assert notice.status == "blocked"


async def test_a_second_confirm_answers_with_the_order_already_made(shop: Harness) -> None:
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    ana = shop.api.user(7304, first_name="Ana")
    summary = await to_summary(ana)
    first = texts_of(await press(ana, summary, "Confirmar"))
    message = next(m for m in summary if "Confirmar" in str(m.get("reply_markup")))
    data = next(
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if "Confirmar" in b["text"]
    )
    shop.api.state.chats.get(ana.id).messages[message["message_id"]]["reply_markup"] = message[
        "reply_markup"
    ]  # the same button pressed again (a double tap on a slow phone)
    await ana.press(message, data)
    again = texts_of(await ana.replies())
    assert "Pedido #1 confirmado" in first
    assert "Tu pedido #1 ya quedó confirmado" in again and "algo falló" not in again
    async with shop.app.uow() as uow:
        assert len(await uow.orders.list_for_user(ana.id)) == 1
    await asyncio.sleep(0.5)
    assert len(sent_to(shop.api, OWNER_ID, "Nuevo pedido")) == 1


async def test_polling_acknowledges_an_update_only_after_its_reply(shop: Harness) -> None:
    ana = shop.api.user(7305, first_name="Ana")
    update = await ana.send_text("hola")
    await ana.replies()

    def acknowledged() -> int | None:
        return next(
            (
                n
                for n, (method, params) in enumerate(shop.api.calls)
                if method.lower() == "getupdates"
                and int(params.get("offset") or 0) > update["update_id"]
            ),
            None,
        )

    moved_on = await shop.api.wait_for(acknowledged, timeout=5)
    reply = next(
        n
        for n, (method, params) in enumerate(shop.api.calls)
        if method.lower() == "sendmessage" and int(params["chat_id"]) == ana.id
    )
    assert moved_on > reply


# ------------------------------------------------------------------------------ webhook
def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer (waiting in a thread: the bot's loop must run meanwhile)."""
    blocker = sqlite3.connect(path, timeout=10, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    return blocker


@pytest.fixture
async def webhook(api: LocalBotAPI, tmp_path: Path, sample_db: Path, monkeypatch) -> AsyncIterator:  # noqa: ANN001
    """The bot in webhook mode behind the local server (which redelivers on non-2xx),
    with a short SQLite busy timeout so a held lock fails fast."""
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    copy_database(sample_db, tmp_path / "shop.db")
    server = web.AppRunner(web.Application())
    await server.setup()
    site = web.TCPSite(server, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await server.cleanup()
    settings = make_settings(
        tmp_path, api.base_url, webhook_url=f"http://127.0.0.1:{port}", webhook_secret=SECRET
    )
    app = await build_app(settings)
    bot = create_bot(settings)
    runner = web.AppRunner(build_webhook_app(app, bot, create_dispatcher(app)))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield api, app, f"http://127.0.0.1:{port}", tmp_path / "shop.db"
    finally:
        await runner.cleanup()


async def test_a_locked_database_answers_503_and_the_redelivery_is_handled(webhook) -> None:  # noqa: ANN001
    api, app, _, path = webhook
    ana = api.user(7306, first_name="Ana")
    blocker = await asyncio.to_thread(hold_write_lock, path)  # another writer, for a while
    await ana.send_text("¿tienen cascos?")
    await api.wait_for(lambda: any(a.status == 503 for a in api.webhook_attempts), 10)
    blocker.rollback()
    blocker.close()
    replies = texts_of(await ana.replies(timeout=15))
    assert "Casco" in replies and "algo falló" not in replies
    assert len(sent_to(api, ana.id, "Casco")) == 1


async def test_malformed_webhook_bodies_get_400_and_change_nothing(webhook) -> None:  # noqa: ANN001
    api, app, base, _ = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as client:
        for body in (b"{not json", b"[1, 2]", b'{"message": "hola"}', b"\xff\xfe", b""):
            async with client.post(f"{base}/webhook", data=body, headers=headers) as response:
                assert response.status == 400, body
    ana = api.user(7307, first_name="Ana")
    await ana.send_text("hola")
    assert "Hola" in texts_of(await ana.replies())


async def test_health_says_503_while_the_database_cannot_be_written(webhook) -> None:  # noqa: ANN001
    api, app, base, path = webhook
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{base}/health") as response:
            body = await response.json()
            assert response.status == 200 and body["database"]["ok"] is True
            assert body["outbox"]["pending"] == 0
        blocker = await asyncio.to_thread(hold_write_lock, path)
        try:
            await asyncio.sleep(4)  # the next probe runs within three seconds
            async with client.get(f"{base}/health") as response:
                body = await response.json()
                assert response.status == 503
                assert body["database"]["ok"] is False and "locked" in body["database"]["error"]
        finally:
            blocker.rollback()
            blocker.close()
        await asyncio.sleep(4)
        async with client.get(f"{base}/health") as response:
            assert response.status == 200
