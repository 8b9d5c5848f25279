"""Long polling for a laptop, webhook (aiohttp) for a server; both keep pending updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App, announce_commands, create_bot, create_dispatcher, follow_catalog
from bot.notices import subscribe_notices
from bot.scheduler import ShopJobs, build_scheduler

log = logging.getLogger(__name__)

CATALOG_FOLLOWER = web.AppKey("catalog_follower", asyncio.Task)
SCHEDULER = web.AppKey("scheduler", AsyncIOScheduler)


def plug_jobs(app: App, bot: Bot) -> ShopJobs:
    """The scheduled jobs for this bot, and the Telegram side of the domain's events (owner
    alerts, customer notices; a sale runs the low-stock check at once)."""
    jobs = ShopJobs(app, bot)
    subscribe_notices(app.bus, bot, app.desk, app.settings.owner_ids, jobs.low_stock)
    return jobs


async def run_polling(app: App, *, handle_signals: bool = True) -> None:
    bot = create_bot(app.settings)
    dp = create_dispatcher(app)
    # Started inside the running loop, stopped before the database closes.
    scheduler = build_scheduler(plug_jobs(app, bot), app.settings)
    scheduler.start()
    try:
        try:
            await bot.delete_webhook(drop_pending_updates=False)
        except TelegramAPIError as error:
            log.warning("deleteWebhook failed (%s); polling anyway", error)
        await announce_commands(bot, app.settings.owner_ids)
        log.info("polling %s", app.settings.telegram_api_base)
        follower = asyncio.create_task(follow_catalog(app))
        await dp.start_polling(
            bot,
            allowed_updates=dp.resolve_used_update_types(),
            handle_signals=handle_signals,
            close_bot_session=True,
        )
        follower.cancel()
    finally:
        scheduler.shutdown(wait=False)
        await app.close()


@contextlib.asynccontextmanager
async def polling_in_background(app: App) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """The bot polling as a task of the current loop (demo, chat, tests); closes the app."""
    bot = create_bot(app.settings)
    dp = create_dispatcher(app)
    plug_jobs(app, bot)  # the clock-driven jobs are not started; tests run them by hand
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=True)
    )
    try:
        yield bot, dp
    finally:
        with contextlib.suppress(RuntimeError):
            await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, timeout=10)
        await app.close()


def build_webhook_app(
    app: App, bot: Bot, dp: Dispatcher, *, scheduled_jobs: bool = False
) -> web.Application:
    """The aiohttp application: webhook route (secret checked), GET /health.

    `scheduled_jobs` also runs the clock-driven jobs while the server is up.
    """
    settings = app.settings
    shop_jobs = plug_jobs(app, bot)
    secret = settings.webhook_secret.get_secret_value() or None
    web_app = web.Application()
    # Each update is handled before Telegram gets its 200, so a graceful shutdown (aiohttp
    # waits for open requests) never drops one, and a crash makes Telegram deliver it again.
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False
    ).register(web_app, path=settings.webhook_path)

    async def health(_: web.Request) -> web.Response:
        ok = await app.healthy()
        return web.json_response(
            {"status": "ok" if ok else "error", "database": ok}, status=200 if ok else 503
        )

    web_app.router.add_get("/health", health)

    async def on_startup(bot: Bot) -> None:
        web_app[CATALOG_FOLLOWER] = asyncio.create_task(follow_catalog(app))
        if scheduled_jobs:
            web_app[SCHEDULER] = build_scheduler(shop_jobs, settings)
            web_app[SCHEDULER].start()
        url = settings.webhook_url.rstrip("/")
        if not url.endswith(settings.webhook_path):
            url += settings.webhook_path
        await bot.set_webhook(
            url,
            secret_token=secret,
            drop_pending_updates=False,
            allowed_updates=dp.resolve_used_update_types(),
        )
        log.info("webhook set to %s", url)
        await announce_commands(bot, app.settings.owner_ids)

    async def on_shutdown() -> None:
        web_app[CATALOG_FOLLOWER].cancel()
        if SCHEDULER in web_app:
            web_app[SCHEDULER].shutdown(wait=False)
        await app.close()

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    setup_application(web_app, dp, bot=bot)
    return web_app


async def run_webhook(app: App) -> None:
    """Serve until SIGINT/SIGTERM, then finish the requests in flight and close."""
    settings = app.settings
    bot = create_bot(settings)
    dp = create_dispatcher(app)
    web_app = build_webhook_app(app, bot, dp, scheduled_jobs=True)
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    log.info("webhook server on %s:%s", settings.webhook_host, settings.webhook_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("stopping: finishing the updates in flight")
    finally:
        await runner.cleanup()
