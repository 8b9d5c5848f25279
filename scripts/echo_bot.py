"""A bare aiogram echo bot: the framework's floor for `scripts/loadtest.py`.

    python scripts/echo_bot.py webhook|polling

The same environment as `run_bot.py` (TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE, WEBHOOK_URL,
WEBHOOK_SECRET, WEBHOOK_HOST, WEBHOOK_PORT) and the same transports: aiogram's own webhook
handler (each update handled before the answer, like ours) with a `GET /health` that says
ok, or aiogram's long polling. One handler: the text sent back. No database, no state.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web


def build() -> tuple[Bot, Dispatcher]:
    base = os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org")
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @dp.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await bot.send_message(query.message.chat.id, query.data or "?")

    return bot, dp


def webhook() -> None:
    bot, dp = build()
    secret = os.environ.get("WEBHOOK_SECRET") or None
    url = os.environ["WEBHOOK_URL"].rstrip("/") + "/webhook"

    async def on_startup(bot: Bot) -> None:
        await bot.set_webhook(url, secret_token=secret)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    dp.startup.register(on_startup)
    app = web.Application()
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False
    ).register(app, path="/webhook")
    app.router.add_get("/health", health)
    setup_application(app, dp, bot=bot)
    web.run_app(
        app,
        host=os.environ.get("WEBHOOK_HOST", "127.0.0.1"),
        port=int(os.environ.get("WEBHOOK_PORT", "8080")),
        print=None,
        access_log=None,
    )


def polling() -> None:
    bot, dp = build()

    async def run() -> None:
        await bot.delete_webhook()
        await dp.start_polling(bot, handle_signals=True)

    asyncio.run(run())


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "webhook"
    {"webhook": webhook, "polling": polling}[mode]()
