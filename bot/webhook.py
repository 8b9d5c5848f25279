"""The webhook endpoint, answering Telegram as Telegram needs to be answered.

200 once the update is handled (or was already), or once it is parked after a few seconds
(bot/inflight.py: stored and finished in the background, before Telegram gives up on the
call and delivers it again) — and also for an update we cannot use, since sending it again
would not help; 400 for a body that is not JSON or not an update;
401 for a wrong secret; 503 when handling failed for a transient reason (database busy,
full or read-only, the Bot API down), so Telegram delivers it again later.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.faults import describe, is_transient
from bot.inflight import InFlight

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER_SECONDS = "1"
# Updates handled at once; more wait for their turn (Telegram sends 40 at once by default).
# A thousand at once would each advance a step per turn of the event loop, and every turn
# would take so long that /health (and everything else) answered in seconds.
MAX_HANDLED_AT_ONCE = 40


Receive = Callable[[web.Request], Awaitable[web.StreamResponse]]


def webhook_handler(inflight: InFlight, bot: Bot, secret: str | None) -> Receive:
    handling = asyncio.Semaphore(MAX_HANDLED_AT_ONCE)

    async def receive(request: web.Request) -> web.StreamResponse:
        if secret and not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=401, text="wrong secret token")
        try:
            payload = json.loads(await request.read())
            update = Update.model_validate(payload, context={"bot": bot})
        except (ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
            log.warning("webhook body refused: %s", describe(error))
            return web.Response(status=400, text="body is not a Telegram update")
        async with handling:  # the rest wait here, cheaply, and /health stays quick
            return await handle(update)

    async def handle(update: Update) -> web.StreamResponse:
        task = inflight.start(update)
        done, _ = await asyncio.wait({task}, timeout=inflight.park_after)
        if not done and await inflight.park(update.update_id):
            return web.Response(status=200)  # stored: handled to the end even after a crash
        try:
            await task
        except Exception as error:  # noqa: BLE001 - transient: 503; anything else: 500
            if is_transient(error):
                log.warning("update %s answered 503 (%s)", update.update_id, describe(error))
                return web.Response(status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
            log.exception("update %s failed", update.update_id)
            return web.Response(status=500)
        return web.Response(status=200)

    return receive
