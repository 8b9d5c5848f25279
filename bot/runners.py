"""Long polling for a laptop, webhook (aiohttp) for a server; both keep pending updates.

Each mode runs, beside the updates: the outbox sender's sweep (promised messages until
Telegram takes them), the catalog follower (this process's index follows the database) and,
when asked, the scheduled jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.malloc import give_back_free_memory
from bot.app import (
    App,
    announce_commands,
    close_fsm,
    create_bot,
    create_dispatcher,
    follow_catalog,
)
from bot.cosmetic import optional
from bot.health import Health
from bot.inflight import InFlight
from bot.notices import subscribe_low_stock
from bot.outbox import OutboxSender
from bot.payments import Invoices, add_payment_routes, plug_invoices, sweep_payments
from bot.polling import Poller
from bot.receipts import Receipts, RedisReceipts
from bot.scheduler import ShopJobs, build_scheduler
from bot.startup import call_with_backoff, wait_for_bot_api
from bot.webhook import webhook_handler

log = logging.getLogger(__name__)

BACKGROUND = web.AppKey("background", list)
SCHEDULER = web.AppKey("scheduler", AsyncIOScheduler)
SHUTDOWN_GRACE_SECONDS = 10.0  # parked updates get this long to finish when the server stops


def plug_jobs(app: App, bot: Bot) -> tuple[ShopJobs, OutboxSender, Invoices | None]:
    """The scheduled jobs and the outbox sender for this bot, subscribed to the domain's
    events: promised messages go out as soon as they are committed; a sale runs the
    low-stock check at once."""
    jobs = ShopJobs(app, bot)
    sender = OutboxSender(app.uow, app.engine, bot, app.settings.owner_ids, receipts(app))
    sender.subscribe(app.bus)
    subscribe_low_stock(app.bus, jobs.low_stock)
    return jobs, sender, plug_invoices(app, bot)


def receipts(app: App) -> Receipts | None:
    """Receipts of sent messages in Redis, when the workers share one."""
    url = app.settings.redis_url.get_secret_value()
    return RedisReceipts(url, app.settings.redis_prefix) if url else None


def _background(*coroutines: Coroutine[Any, Any, None]) -> list[asyncio.Task[None]]:
    return [asyncio.create_task(coroutine) for coroutine in coroutines]


async def _stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _payment_work(app: App, invoices: Invoices | None) -> list[Coroutine[Any, Any, None]]:
    """The sweep that makes payment links and invoices left unmade, when the shop takes
    online payments."""
    return [sweep_payments(app.online, invoices)] if app.online is not None else []


async def _payment_listener(app: App) -> web.AppRunner | None:
    """In polling mode, the payment provider's events still arrive over HTTP: a small server
    on WEBHOOK_HOST:WEBHOOK_PORT for PAYMENTS_PATH (only when the shop takes links)."""
    web_app = web.Application()
    if not add_payment_routes(web_app, app):
        return None
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
    await runner.setup()
    settings = app.settings
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    log.info("payment events on %s:%s%s", settings.webhook_host, settings.webhook_port,
             settings.payments_path)  # fmt: skip
    return runner


def keep_start_up_objects() -> None:
    """The search index and everything else built at start-up live as long as the process:
    moved out of the garbage collector's sight, so that its full collections (which would
    walk every one of them while every chat waits) stay short."""
    gc.collect()
    gc.freeze()
    give_back_free_memory()


async def run_polling(app: App, *, handle_signals: bool = True) -> None:
    keep_start_up_objects()
    bot = create_bot(app.settings)
    dp = create_dispatcher(app)
    jobs, sender, invoices = plug_jobs(app, bot)
    # Started inside the running loop, stopped before the database closes.
    scheduler = build_scheduler(jobs, app.settings)
    poller = Poller(
        bot,
        dp,
        app.session_factory,
        allowed_updates=dp.resolve_used_update_types(),
        attention=app.catalog.attention,
    )
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, poller.stop)
    tasks: list[asyncio.Task[None]] = []
    try:
        await wait_for_bot_api(bot, app.settings)
        await optional(bot.delete_webhook(drop_pending_updates=False), "deleteWebhook")
        await announce_commands(bot, app.settings.owner_ids)
        scheduler.start()
        tasks = _background(follow_catalog(app), sender.run(), *_payment_work(app, invoices))
        listener = await _payment_listener(app)
        log.info("polling %s", app.settings.telegram_api_base)
        try:
            await poller.run()
        finally:
            if listener is not None:
                await listener.cleanup()
        log.info("polling stopped")
    finally:
        await _stop(tasks)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await close_fsm(dp)
        await sender.close()
        await bot.session.close()
        await app.close()


@contextlib.asynccontextmanager
async def polling_in_background(app: App) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """The bot polling as a task of the current loop (demo, chat, tests); closes the app.

    `dp["poller"].stop()` ends the polling early (a test's "restart").
    """
    bot = create_bot(app.settings)
    dp = create_dispatcher(app)
    _, sender, invoices = plug_jobs(app, bot)  # clock-driven jobs not started; tests run them
    dp["invoices"] = invoices
    poller = Poller(bot, dp, app.session_factory, attention=app.catalog.attention)
    dp["poller"] = poller
    tasks = _background(poller.run(), sender.run())
    try:
        yield bot, dp
    finally:
        poller.stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.shield(tasks[0]), timeout=10)
        await _stop(tasks)
        await close_fsm(dp)
        await sender.close()
        await bot.session.close()
        await app.close()


def build_webhook_app(
    app: App,
    bot: Bot,
    dp: Dispatcher,
    *,
    scheduled_jobs: bool = False,
    sets_webhook: bool = True,
    shared: bool = False,
) -> web.Application:
    """The aiohttp application: webhook route (secret checked), GET /health.

    `scheduled_jobs` also runs the clock-driven jobs while the server is up; `sets_webhook`
    registers the URL with Telegram (one worker of several does it for all); `shared`: other
    workers serve the same bot (parked updates are taken from the dead ones only).
    """
    settings = app.settings
    shop_jobs, sender, invoices = plug_jobs(app, bot)
    health = Health(app, dp["heartbeat"])
    secret = settings.webhook_secret.get_secret_value() or None
    web_app = web.Application()
    # Each update is handled before Telegram gets its answer, so a graceful shutdown (aiohttp
    # waits for open requests) never drops one, and a crash makes Telegram deliver it again;
    # one handled for long is parked first (stored, handed out again at the next start).
    inflight = InFlight(
        bot, dp, app.session_factory, retry_always=False, attention=app.catalog.attention
    )
    dp["inflight"] = inflight
    web_app.router.add_post(settings.webhook_path, webhook_handler(inflight, bot, secret))
    web_app.router.add_get("/health", health.handle)
    add_payment_routes(web_app, app)

    async def on_startup(_: web.Application) -> None:
        await health.probe()
        await inflight.replay(shared=shared)
        web_app[BACKGROUND] = _background(
            follow_catalog(app),
            sender.run(),
            health.run(),
            *_payment_work(app, invoices),
            *([inflight.keep_parked()] if shared else []),
        )
        if scheduled_jobs:
            web_app[SCHEDULER] = build_scheduler(shop_jobs, settings)
            web_app[SCHEDULER].start()
        await wait_for_bot_api(bot, settings)
        if not sets_webhook:
            return
        url = settings.webhook_url.rstrip("/")
        if not url.endswith(settings.webhook_path):
            url += settings.webhook_path
        await call_with_backoff(
            lambda: bot.set_webhook(
                url,
                secret_token=secret,
                drop_pending_updates=False,
                allowed_updates=dp.resolve_used_update_types(),
            ),
            "setWebhook",
            settings,
            setting="WEBHOOK_URL",
        )
        log.info("webhook set to %s", url)
        await announce_commands(bot, app.settings.owner_ids)

    async def on_shutdown(_: web.Application) -> None:
        inflight.stop()
        await inflight.drain(timeout=SHUTDOWN_GRACE_SECONDS)  # parked ones not done stay parked
        await _stop(web_app.get(BACKGROUND, []))
        if SCHEDULER in web_app:
            web_app[SCHEDULER].shutdown(wait=False)
        await close_fsm(dp)
        await sender.close()
        await bot.session.close()
        await app.close()

    web_app.on_startup.append(on_startup)
    web_app.on_cleanup.append(on_shutdown)
    return web_app


async def run_webhook(app: App, *, worker: int | None = None) -> None:
    """Serve until SIGINT/SIGTERM, then finish the requests in flight and close.

    `worker`: this process is that worker of several (bot/workers.py): it shares the port
    with the others (SO_REUSEPORT) and only worker 0 runs the jobs and sets the webhook.
    """
    keep_start_up_objects()
    settings = app.settings
    bot = create_bot(settings)
    dp = create_dispatcher(app)
    first = worker is None or worker == 0
    web_app = build_webhook_app(
        app, bot, dp, scheduled_jobs=first, sets_webhook=first, shared=worker is not None
    )
    runner = web.AppRunner(web_app, handle_signals=False)
    try:
        await runner.setup()  # on_startup: waits for the Bot API, sets the webhook
    except BaseException:
        await runner.cleanup()  # closes the database even when start-up gives up
        raise
    site = web.TCPSite(
        runner, settings.webhook_host, settings.webhook_port, reuse_port=worker is not None
    )
    await site.start()
    log.info(
        "webhook server on %s:%s%s",
        settings.webhook_host,
        settings.webhook_port,
        "" if worker is None else f" (worker {worker})",
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("stopping: finishing the updates in flight")
    finally:
        await runner.cleanup()
