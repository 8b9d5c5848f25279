"""Scheduled jobs (APScheduler 3, in the shop's time zone) and how they reach Telegram.

`ShopJobs` has one coroutine per job: it reads the clock and lets domain/jobs.py decide;
each job claims its work and writes the messages it owes to the outbox in one transaction,
so a second run sends nothing, and the outbox sender delivers them with retries.
`build_scheduler` registers the enabled jobs; the runner starts and shuts it down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.settings import Settings
from bot.app import App
from bot.sending import alert_owners
from db.backup import BackupError, backup_database, sqlite_file
from domain import jobs, texts

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

CART_REMINDER_EVERY_MINUTES = 15
LOW_STOCK_EVERY_MINUTES = 5
CLEAN_UP_AT = (4, 30)  # local hour and minute
# How late a run may still start (an event loop busy or a laptop asleep at the time).
MISFIRE_GRACE_SECONDS = {
    "daily_summary": 2 * 3600,
    "cart_reminders": 10 * 60,
    "low_stock": 4 * 60,
    "backup": 6 * 3600,
    "clean_up": 12 * 3600,
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class ShopJobs:
    """The shop's scheduled jobs, each safe to run at any time and any number of times."""

    def __init__(self, app: App, bot: Bot, *, clock: Clock = utc_now) -> None:
        self.app = app
        self.bot = bot
        self.settings = app.settings
        self.clock = clock
        self.tz = ZoneInfo(self.settings.shop_timezone)
        self._low_stock_lock = asyncio.Lock()
        self._said_no_backup = False

    def now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must return an aware datetime")
        return now

    async def daily_summary(self) -> bool:
        """Send the day's summary to the owners, once per day; True if it went out now."""
        if self.settings.daily_summary_hour < 0 or not self.settings.owner_ids:
            return False
        text = await jobs.daily_summary(
            self.app.uow,
            self.now(),
            tz=self.tz,
            hour=self.settings.daily_summary_hour,
            low_stock_threshold=self.settings.low_stock_threshold,
            ignore_chats=self.settings.owner_ids,
            owner_ids=self.settings.owner_ids,
        )
        if text is None:
            log.info("daily summary already sent for this day")
            return False
        return True

    async def cart_reminders(self) -> int:
        """Remind each customer once of a cart left idle; how many reminders were claimed."""
        hours = self.settings.cart_reminder_hours
        if hours <= 0:
            return 0
        discounts = self.app.shop.volume_discounts
        reminders = await jobs.claim_cart_reminders(
            self.app.uow, self.now(), idle_hours=hours, discounts=discounts
        )
        if reminders:
            log.info("idle-cart reminders: %d written to the outbox", len(reminders))
        return len(reminders)

    async def low_stock(self) -> int:
        """Tell the owners about products that just ran low; how many were listed.

        Cheap when nothing changed, so the bot may also call it right after an order is
        confirmed. A database failure is logged, never raised to the caller.
        """
        if not self.settings.owner_ids:
            return 0
        threshold = self.settings.low_stock_threshold
        async with self._low_stock_lock:
            try:
                products = await jobs.claim_low_stock(
                    self.app.uow,
                    self.now(),
                    threshold=threshold,
                    owner_ids=self.settings.owner_ids,
                )
            except IntegrityError:  # another replica noted the same products first
                log.info("low-stock alert already claimed by another process")
                return 0
            except SQLAlchemyError:
                log.exception("low-stock check failed; the next run tries again")
                return 0
        return len(products)

    def can_back_up(self) -> bool:
        """True on a SQLite file; otherwise says once that the database server backs up."""
        if sqlite_file(self.settings.database_url) is not None:
            return True
        if not self._said_no_backup:
            log.info("DATABASE_URL is not a SQLite file: backups are the database server's job")
            self._said_no_backup = True
        return False

    async def backup(self) -> Path | None:
        """Back up a SQLite database into `backup_dir`; the file written, or None."""
        settings = self.settings
        if settings.backup_hour < 0:
            return None
        if not self.can_back_up():
            return None
        day = self.now().astimezone(self.tz).date()
        try:
            result = await backup_database(
                settings.database_url, settings.backup_dir, day, keep=settings.backup_keep
            )
        except (BackupError, OSError):
            log.exception("database backup failed")
            await alert_owners(self.bot, settings.owner_ids, texts.BACKUP_FAILED)
            return None
        return result.path

    async def clean_up(self) -> jobs.CleanUp:
        """Forget old processed-update, relay-link, sent-message and upload records."""
        done = await jobs.clean_up(self.app.uow, self.now())
        log.info(
            "clean-up: %d processed updates, %d relay links, %d sent messages and %d upload "
            "records forgotten",
            done.updates,
            done.relay_links,
            done.sent_messages,
            done.uploads,
        )
        return done


def build_scheduler(shop_jobs: ShopJobs, settings: Settings) -> AsyncIOScheduler:
    """An AsyncIOScheduler (not started) with the enabled jobs, in the shop's time zone.

    Start it inside the running loop (`scheduler.start()`), stop it with
    `scheduler.shutdown(wait=False)` before the app closes its engine.
    """
    tz = ZoneInfo(settings.shop_timezone)
    scheduler = AsyncIOScheduler(timezone=tz)

    def add(job_id: str, func: Callable[[], object], trigger: object) -> None:
        scheduler.add_job(
            func,
            trigger,
            id=job_id,
            name=job_id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS[job_id],
            replace_existing=True,
        )

    owners = bool(settings.owner_ids)
    if not owners:
        log.warning("OWNER_IDS is empty: no daily summary and no low-stock alerts")
    if settings.daily_summary_hour >= 0 and owners:
        add(
            "daily_summary",
            shop_jobs.daily_summary,
            CronTrigger(hour=settings.daily_summary_hour, minute=0, timezone=tz),
        )
    if settings.cart_reminder_hours > 0:
        add(
            "cart_reminders",
            shop_jobs.cart_reminders,
            IntervalTrigger(minutes=CART_REMINDER_EVERY_MINUTES, timezone=tz),
        )
    if owners:
        add(
            "low_stock",
            shop_jobs.low_stock,
            IntervalTrigger(minutes=LOW_STOCK_EVERY_MINUTES, timezone=tz),
        )
    if settings.backup_hour >= 0 and shop_jobs.can_back_up():
        add(
            "backup",
            shop_jobs.backup,
            CronTrigger(hour=settings.backup_hour, minute=0, timezone=tz),
        )
    hour, minute = CLEAN_UP_AT
    add("clean_up", shop_jobs.clean_up, CronTrigger(hour=hour, minute=minute, timezone=tz))
    return scheduler
