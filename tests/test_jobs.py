"""Scheduled jobs with the real bot over HTTP against the local Bot API server.

The clock is fake: each test moves it and calls the job itself; nothing sleeps on real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import build_app, create_bot
from bot.scheduler import ShopJobs, build_scheduler
from db.backup import backup_name, sqlite_file
from db.models import (
    AppliedUploadRow,
    MessageRow,
    ProcessedUpdateRow,
    RelayLinkRow,
    UploadStatusRow,
)
from domain import texts
from domain.jobs import summary_day
from domain.periods import long_date
from doubles.telegram import LocalBotAPI
from tests.chat import press, say
from tests.conftest import OWNER_ID, Harness, load_sample, make_settings, polling_bot, texts_of

BOGOTA = ZoneInfo("America/Bogota")
SAMPLE_PRODUCTS = 62


@dataclasses.dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextlib.asynccontextmanager
async def shop_with_jobs(
    api: LocalBotAPI, tmp_path: Path, **settings: object
) -> AsyncIterator[tuple[Harness, ShopJobs, FakeClock]]:
    """The bot polling the local server (sample inventory) and its jobs on a fake clock."""
    config = make_settings(tmp_path, api.base_url, backup_dir=tmp_path / "backups", **settings)
    app = await build_app(config)
    await load_sample(app)
    await app.close()
    async with polling_bot(api, config) as harness:
        owner = api.user(OWNER_ID, first_name="Dueña")  # a bot can only write to who wrote first
        await owner.send_text("/start")
        await owner.replies()
        clock = FakeClock(datetime.now(UTC))
        yield harness, ShopJobs(harness.app, harness.bot, clock=clock), clock


def owner_texts(api: LocalBotAPI, containing: str) -> list[str]:
    return [
        m.get("text", "") for m in api.sent_messages(OWNER_ID) if containing in m.get("text", "")
    ]


async def buy(customer, request: str, national_id: str) -> str:  # noqa: ANN001
    """Order through the chat, from the request to the confirmation."""
    cart = await say(customer, request)
    assert "Total" in texts_of(cart), texts_of(cart)
    await press(customer, cart, "Finalizar")
    answers = (national_id, "Laura Gómez", "3001234567", "Calle 45 # 12-30", "Medellín", "Niquía")
    for answer in answers:
        last = await say(customer, answer)
    summary = await press(customer, last, "Omitir")
    done = texts_of(await press(customer, summary, "Confirmar"))
    assert "confirmado" in done, done
    return done


async def set_product(harness: Harness, sku: str, **changes: object) -> None:
    async with harness.app.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        await uow.products.edit(product.id, **changes)  # type: ignore[arg-type]
        await uow.commit()


# ----------------------------------------------------------------- daily summary
async def test_daily_summary_reaches_the_owner_once_and_mentions_the_days_order(
    api: LocalBotAPI, tmp_path: Path
) -> None:
    # Hour 0: the summary covers the current local day, whenever the test runs.
    async with shop_with_jobs(api, tmp_path, daily_summary_hour=0) as (shop, jobs, clock):
        laura = api.user(7101, first_name="Laura")
        await buy(laura, "quiero 5 extintores multipropósito de 20 libras", "1020345678")
        today = clock.now.astimezone(BOGOTA).date()

        assert await jobs.daily_summary() is True
        assert await jobs.daily_summary() is False  # same day: nothing more
        summaries = await api.wait_for(lambda: owner_texts(api, long_date(today)))
        await asyncio.sleep(0.3)
        summaries = owner_texts(api, long_date(today))
        assert len(summaries) == 1
        assert "$875.000" in summaries[0]  # 5 × $175.000, read from the database
        assert "Extintor multipropósito ABC 20 lb" in summaries[0]

        clock.advance(days=1)  # the next day has its own summary
        assert await jobs.daily_summary() is True
        assert await jobs.daily_summary() is False
        tomorrow = long_date(today + timedelta(days=1))
        await api.wait_for(lambda: owner_texts(api, tomorrow))
        assert len(owner_texts(api, tomorrow)) == 1
        assert len(owner_texts(api, long_date(today))) == 1


def test_a_late_summary_covers_the_day_it_was_due_for() -> None:
    due = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 20:00 in Bogotá, 22 Nov
    assert summary_day(due, BOGOTA, 20) == date(2026, 11, 22)
    assert summary_day(due + timedelta(hours=4), BOGOTA, 20) == date(2026, 11, 22)
    assert summary_day(due + timedelta(hours=23), BOGOTA, 20) == date(2026, 11, 22)
    assert summary_day(due + timedelta(hours=24), BOGOTA, 20) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        summary_day(datetime(2026, 11, 23, 1, 0), BOGOTA, 20)


# ----------------------------------------------------------------- idle carts
async def test_an_idle_cart_gets_one_reminder(api: LocalBotAPI, tmp_path: Path) -> None:
    async with shop_with_jobs(api, tmp_path, cart_reminder_hours=2) as (shop, jobs, clock):
        clock.now = clock.now.astimezone(BOGOTA)  # any zone: the jobs compare in UTC
        blocked = api.user(7201, first_name="Bea")
        luis = api.user(7202, first_name="Luis")
        paused = api.user(7203, first_name="Pablo")
        busy = api.user(7204, first_name="Carla")
        everyone = (blocked, luis, paused, busy)
        for customer in everyone:
            cart = await say(customer, "quiero 2 extintores multipropósito de 10 libras")
            assert "Total: $196.000" in texts_of(cart)
        await blocked.block()
        async with shop.app.uow() as uow:
            await uow.chats.pause(paused.id, OWNER_ID)
            await uow.commit()
        before = {c.id: len(api.sent_messages(c.id)) for c in everyone}

        clock.advance(hours=1)  # not idle long enough yet
        assert await jobs.cart_reminders() == 0

        clock.advance(hours=2)
        async with shop.app.session_factory() as session:  # Carla is giving her data right now
            session.add(
                MessageRow(
                    chat_id=busy.id,
                    direction="in",
                    text="1020345678",
                    created_at=(clock.now - timedelta(minutes=20)).astimezone(UTC),
                )
            )
            await session.commit()
        # The blocked customer's reminder is claimed, fails with 403 and the job goes on.
        assert await jobs.cart_reminders() == 2
        assert await jobs.cart_reminders() == 0
        assert len(api.sent_messages(busy.id)) == before[busy.id]
        clock.advance(hours=30)  # Carla went quiet too: her turn, once; nobody else again
        assert await jobs.cart_reminders() == 1
        assert await jobs.cart_reminders() == 0

        reminders = api.sent_messages(luis.id)[before[luis.id] :]
        assert len(reminders) == 1
        reminder = reminders[0]["text"]
        assert "2 × Extintor multipropósito ABC 10 lb — $196.000" in reminder
        assert "Total: $196.000" in reminder and "«finalizar»" in reminder
        assert len(api.sent_messages(paused.id)) == before[paused.id]
        assert len(api.sent_messages(busy.id)) == before[busy.id] + 1
        assert len(api.sent_messages(blocked.id)) == before[blocked.id]
        assert any(
            method == "sendMessage" and params["chat_id"] == blocked.id and error.error_code == 403
            for method, params, error in api.errors
        )
        async with shop.app.uow() as uow:
            still_idle = await uow.orders.idle_carts(clock.now)
        assert [cart.chat_id for cart in still_idle] == [paused.id]

        # Writing "finalizar", as the reminder says, goes on to the delivery data.
        await luis.replies()
        assert "cédula" in texts_of(await say(luis, "finalizar"))


async def test_cart_reminders_are_off_by_default(shop: Harness) -> None:
    ana = shop.api.user(7205, first_name="Ana")
    await say(ana, "quiero 2 extintores multipropósito de 10 libras")
    sent = len(shop.api.sent_messages(ana.id))
    late = FakeClock(datetime.now(UTC) + timedelta(days=5))
    assert await ShopJobs(shop.app, shop.bot, clock=late).cart_reminders() == 0
    assert len(shop.api.sent_messages(ana.id)) == sent


# ----------------------------------------------------------------- low stock
async def test_low_stock_alerts_once_per_crossing(api: LocalBotAPI, tmp_path: Path) -> None:
    async with shop_with_jobs(api, tmp_path, low_stock_threshold=3) as (shop, jobs, _):
        header = "Stock bajo"
        first = await jobs.low_stock()  # what the sample inventory starts with
        assert first > 0
        [alert] = await api.wait_for(lambda: owner_texts(api, header))
        assert "EXT-SOLK-3700 — Extintor Solkaflam 123 de 3.700 g: quedan 2 unidades" in alert
        assert "CAS-CAP-SOL" in alert and "agotado" in alert
        assert "EXT-ABC-20" not in alert
        assert await jobs.low_stock() == 0

        # An order takes the 20 lb extinguisher from 7 down to 2: it crosses the threshold,
        # and the owner hears of it with the sale, without waiting for the next run.
        await buy(api.user(7301), "quiero 5 extintores multipropósito de 20 libras", "52345678")
        await api.wait_for(lambda: len(owner_texts(api, header)) == 2)
        assert await jobs.low_stock() == 0
        crossed = owner_texts(api, header)[-1]
        assert "EXT-ABC-20 — Extintor multipropósito ABC 20 lb: quedan 2 unidades" in crossed
        assert "EXT-SOLK-3700" not in crossed

        await set_product(shop, "EXT-ABC-20", stock=10)  # restocked: cleared
        assert await jobs.low_stock() == 0
        await set_product(shop, "EXT-ABC-20", stock=1)  # crosses again: alerts again
        assert await jobs.low_stock() == 1
        await set_product(shop, "EXT-SOLK-3700", active=False)  # hidden: cleared
        assert await jobs.low_stock() == 0
        await set_product(shop, "EXT-SOLK-3700", active=True)
        assert await jobs.low_stock() == 1

        await api.wait_for(lambda: len(owner_texts(api, header)) == 4)
        await asyncio.sleep(0.3)
        alerts = owner_texts(api, header)
        assert len(alerts) == 4
        assert "EXT-ABC-20 — Extintor multipropósito ABC 20 lb: queda 1 unidad" in alerts[2]
        assert "EXT-SOLK-3700" in alerts[3] and "EXT-ABC-20" not in alerts[3]


# ----------------------------------------------------------------- backup
async def test_nightly_backup_is_a_readable_copy_and_keeps_the_newest(
    api: LocalBotAPI, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("agente-2020-01-01.db", "agente-2020-01-02.db"):
        (folder / name).write_bytes(b"an old copy")
    (folder / "notas.txt").write_text("mías")
    (folder / "agente-manual.db").write_bytes(b"a copy made by hand")
    async with shop_with_jobs(api, tmp_path, backup_keep=2) as (shop, jobs, clock):
        clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 03:00 in Bogotá
        path = await jobs.backup()
        assert path == folder / "agente-2026-11-23.db"
        assert products_in(path) == SAMPLE_PRODUCTS
        assert sorted(p.name for p in folder.iterdir()) == [
            "agente-2020-01-02.db",
            "agente-2026-11-23.db",
            "agente-manual.db",
            "notas.txt",
        ]
        with contextlib.closing(sqlite3.connect(path)) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

        # Twice the same day: that day's copy is refreshed, nothing else changes.
        await set_product(shop, "EXT-ABC-20", stock=99)
        assert await jobs.backup() == path
        assert stock_in(path, "EXT-ABC-20") == 99
        assert len(list(folder.iterdir())) == 4

        clock.advance(days=1)
        assert await jobs.backup() == folder / "agente-2026-11-24.db"
        assert sorted(p.name for p in folder.iterdir()) == [
            "agente-2026-11-23.db",
            "agente-2026-11-24.db",
            "agente-manual.db",
            "notas.txt",
        ]
        assert (folder / "notas.txt").read_text() == "mías"


async def test_a_failed_backup_tells_the_owners(api: LocalBotAPI, tmp_path: Path) -> None:
    async with shop_with_jobs(api, tmp_path) as (shop, jobs, _):
        not_a_folder = tmp_path / "backups-file"
        not_a_folder.write_text("a file where the folder should be")
        settings = shop.settings.model_copy(update={"backup_dir": not_a_folder})
        broken = ShopJobs(dataclasses.replace(shop.app, settings=settings), shop.bot)
        assert await broken.backup() is None
        await api.wait_for(lambda: owner_texts(api, "copia de seguridad"))
        assert owner_texts(api, "copia de seguridad") == [texts.BACKUP_FAILED]


async def test_no_backup_on_a_database_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path)
    app = await build_app(settings)
    bot = create_bot(settings)
    try:
        server = settings.model_copy(
            update={"database_url": "postgresql+asyncpg://shop:secret@db/agente"}
        )
        jobs = ShopJobs(dataclasses.replace(app, settings=server), bot)
        with caplog.at_level(logging.INFO, logger="bot.scheduler"):
            assert await jobs.backup() is None
            assert await jobs.backup() is None
            assert "backup" not in job_ids(build_scheduler(jobs, server))
        said = [r for r in caplog.records if "database server's job" in r.getMessage()]
        assert len(said) == 1
        assert not (tmp_path / "backups").exists()
        assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
        assert sqlite_file(settings.database_url) == tmp_path / "shop.db"
        assert backup_name(date(2026, 11, 22)) == "agente-2026-11-22.db"
    finally:
        await bot.session.close()
        await app.close()


def products_in(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(copy.execute("SELECT count(*) FROM products").fetchone()[0])


def stock_in(path: Path, sku: str) -> int:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as copy:
        return int(copy.execute("SELECT stock FROM products WHERE sku = ?", (sku,)).fetchone()[0])


# ----------------------------------------------------------------- clean-up
async def test_clean_up_forgets_only_old_records(shop: Harness) -> None:
    now = datetime.now(UTC)
    async with shop.app.session_factory() as session:
        session.add_all(
            [
                ProcessedUpdateRow(key="old", update_id=1, processed_at=now - timedelta(days=8)),
                ProcessedUpdateRow(key="recent", update_id=2, processed_at=now - timedelta(days=6)),
                RelayLinkRow(
                    owner_chat_id=OWNER_ID,
                    owner_message_id=1,
                    customer_chat_id=7401,
                    created_at=now - timedelta(days=31),
                ),
                RelayLinkRow(
                    owner_chat_id=OWNER_ID,
                    owner_message_id=2,
                    customer_chat_id=7402,
                    created_at=now - timedelta(days=29),
                ),
                UploadStatusRow(
                    chat_id=OWNER_ID,
                    document_message_id=1,
                    status_message_id=2,
                    created_at=now - timedelta(days=8),
                ),
                UploadStatusRow(
                    chat_id=OWNER_ID,
                    document_message_id=3,
                    status_message_id=4,
                    created_at=now - timedelta(days=6),
                ),
                AppliedUploadRow(key="old-upload", applied_at=now - timedelta(days=8)),
                AppliedUploadRow(key="recent-upload", applied_at=now - timedelta(days=6)),
            ]
        )
        await session.commit()
    jobs = ShopJobs(shop.app, shop.bot, clock=FakeClock(now))

    done = await jobs.clean_up()
    assert (done.updates, done.relay_links, done.uploads) == (1, 1, 2)
    again = await jobs.clean_up()
    assert (again.updates, again.relay_links, again.uploads) == (0, 0, 0)
    async with shop.app.session_factory() as session:
        keys = set(await session.scalars(select(ProcessedUpdateRow.key)))
        links = set(await session.scalars(select(RelayLinkRow.owner_message_id)))
        statuses = set(await session.scalars(select(UploadStatusRow.document_message_id)))
        applied = set(await session.scalars(select(AppliedUploadRow.key)))
    assert "recent" in keys and "old" not in keys
    assert links == {2} and statuses == {3} and applied == {"recent-upload"}


# ----------------------------------------------------------------- the scheduler
def job_ids(scheduler) -> set[str]:  # noqa: ANN001
    return {job.id for job in scheduler.get_jobs()}


async def test_scheduler_registers_the_enabled_jobs_in_shop_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = await build_app(settings)
    bot = create_bot(settings)
    try:
        jobs = ShopJobs(app, bot)
        scheduler = build_scheduler(jobs, settings)
        assert job_ids(scheduler) == {"daily_summary", "low_stock", "backup", "clean_up"}
        for job in scheduler.get_jobs():
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time and job.misfire_grace_time >= 60

        afternoon = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # 10:00 in Bogotá
        summary = scheduler.get_job("daily_summary").trigger.get_next_fire_time(None, afternoon)
        assert summary == datetime(2026, 11, 22, 20, 0, tzinfo=BOGOTA)
        assert summary.astimezone(UTC) == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
        backup = scheduler.get_job("backup").trigger.get_next_fire_time(None, afternoon)
        assert backup.astimezone(UTC) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

        scheduler.start(paused=True)
        try:
            for job in scheduler.get_jobs():
                assert job.next_run_time.tzinfo == BOGOTA
            assert scheduler.get_job("daily_summary").next_run_time.hour == 20
            assert scheduler.get_job("backup").next_run_time.hour == 3
        finally:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)

        changed = settings.model_copy(
            update={"daily_summary_hour": -1, "backup_hour": -1, "cart_reminder_hours": 2}
        )
        assert job_ids(build_scheduler(jobs, changed)) == {
            "cart_reminders",
            "low_stock",
            "clean_up",
        }
        no_owners = settings.model_copy(update={"owner_ids": ()})
        assert job_ids(build_scheduler(jobs, no_owners)) == {"backup", "clean_up"}
    finally:
        await bot.session.close()
        await app.close()
