"""The payment provider's events over HTTP (Wompi's "URL de eventos"), and the sweep that
makes the payment links a crash or an outage left unmade."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from aiohttp import web

from app.core import App
from bot.faults import describe
from domain.online import OnlinePayments
from domain.payment import InvalidPaymentEvent

log = logging.getLogger(__name__)

MAX_EVENT_BYTES = 64 * 1024
SWEEP_EVERY_SECONDS = 60.0
LINK_GRACE = timedelta(seconds=30)  # a link being made right after its confirmation


def add_payment_routes(web_app: web.Application, app: App) -> bool:
    """POST PAYMENTS_PATH for the provider's events; False when the shop takes no links."""
    online = app.online
    if online is None:
        return False
    web_app.router.add_post(app.settings.payments_path, events_handler(online))
    return True


def events_handler(online: OnlinePayments):  # noqa: ANN201 - an aiohttp handler
    provider = online.provider

    async def receive(request: web.Request) -> web.Response:
        body = await request.content.read(MAX_EVENT_BYTES + 1)
        if len(body) > MAX_EVENT_BYTES:
            return web.Response(status=413, text="event too large")
        try:
            event = provider.read_event(body, request.headers.get("X-Event-Checksum"))
        except InvalidPaymentEvent as error:
            log.warning("refused a payment event: %s", error)
            return web.Response(status=401, text=str(error))
        if event is None:
            return web.Response(status=200, text="ignored")
        try:
            outcome = await online.on_event(event)
        except Exception as error:  # noqa: BLE001 - not 200: the provider sends it again
            log.exception("payment event %s not applied: %s", event.event_id, describe(error))
            return web.Response(status=500, text="try again")
        log.info("payment event %s: %s", event.event_id, outcome)
        return web.Response(status=200, text=outcome)

    return receive


async def sweep_links(online: OnlinePayments) -> None:
    """Every minute, the links owed and never made (the first run at start-up)."""
    while True:
        try:
            made = await online.sweep(datetime.now(UTC) - LINK_GRACE)
            if made:
                log.info("made %s payment links owed since before", made)
        except Exception as error:  # noqa: BLE001 - tried again at the next sweep
            log.warning("payment link sweep failed: %s", describe(error))
        await asyncio.sleep(SWEEP_EVERY_SECONDS)
