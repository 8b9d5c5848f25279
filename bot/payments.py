"""The payment provider's events over HTTP (Wompi's "URL de eventos"), Telegram invoices,
and the sweep that makes the links and invoices a crash or an outage left unmade."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramUnauthorizedError,
)
from aiogram.types import LabeledPrice
from aiohttp import web

from app.core import App
from bot.cosmetic import BOT_API_FAILURES
from bot.faults import describe
from domain.events import EventBus, PaymentRequested
from domain.online import CURRENCY, Background, OnlinePayments
from domain.payment import InvalidPaymentEvent, PayKind

log = logging.getLogger(__name__)

MAX_EVENT_BYTES = 64 * 1024
SWEEP_EVERY_SECONDS = 60.0
LINK_GRACE = timedelta(seconds=30)  # a link being made right after its confirmation


def add_payment_routes(web_app: web.Application, app: App) -> bool:
    """POST PAYMENTS_PATH for the provider's events; False when the shop takes no links."""
    online = app.online
    if online is None or online.provider is None:
        return False
    web_app.router.add_post(app.settings.payments_path, events_handler(online))
    return True


def events_handler(online: OnlinePayments):  # noqa: ANN201 - an aiohttp handler
    provider = online.provider
    assert provider is not None

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
            outcome = await online.on_event(event, provider.name)
        except Exception as error:  # noqa: BLE001 - not 200: the provider sends it again
            log.exception("payment event %s not applied: %s", event.event_id, describe(error))
            return web.Response(status=500, text="try again")
        log.info("payment event %s: %s", event.event_id, outcome)
        return web.Response(status=200, text=outcome)

    return receive


# What Telegram answers that another try would answer the same.
REFUSED = (TelegramBadRequest, TelegramUnauthorizedError, TelegramForbiddenError)


class Invoices:
    """Telegram Payments: the invoice of each order paid in Telegram, sent after its
    confirmation commits (and by the sweep when that did not happen)."""

    def __init__(self, online: OnlinePayments, bot: Bot, provider_token: str) -> None:
        self._online = online
        self._bot = bot
        self._token = provider_token
        self.background = Background()

    def subscribe(self, bus: EventBus) -> None:
        bus.subscribe(PaymentRequested, self.on_requested)

    async def on_requested(self, event: PaymentRequested) -> None:
        if event.method == PayKind.TELEGRAM:
            self.background.start(self.send(event.order_id))

    async def send(self, order_id: int) -> bool:
        """False when Telegram did not take it (the sweep tries again)."""
        invoice = await self._online.invoice_to_send(order_id)
        if invoice is None:
            return True
        try:
            await self._bot.send_invoice(
                chat_id=invoice.chat_id,
                title=invoice.title,
                description=invoice.description,
                payload=invoice.payload,
                provider_token=self._token,
                currency=CURRENCY,
                prices=[
                    LabeledPrice(label=label, amount=amount) for label, amount in invoice.prices
                ],
            )
        except REFUSED as error:  # a wrong token, a blocked bot: trying again changes nothing
            log.error("Telegram refuses the invoice of order %s: %s", order_id, describe(error))
            await self._online.invoice_refused(invoice, describe(error))
            return False
        except BOT_API_FAILURES as error:
            log.warning("invoice of order %s not sent: %s", order_id, describe(error))
            return False
        await self._online.invoice_sent(invoice)
        return True

    async def sweep(self, confirmed_before: datetime) -> int:
        sent = 0
        for order in await self._online.unsent_invoices(confirmed_before):
            sent += await self.send(order.id)
        return sent


async def sweep_payments(online: OnlinePayments, invoices: Invoices | None) -> None:
    """Every minute, the links and invoices owed and never made (the first run at start-up)."""
    while True:
        before = datetime.now(UTC) - LINK_GRACE
        try:
            made = await online.sweep(before)
            if invoices is not None:
                made += await invoices.sweep(before)
            if made:
                log.info("made %s payment links or invoices owed since before", made)
        except Exception as error:  # noqa: BLE001 - tried again at the next sweep
            log.warning("payment sweep failed: %s", describe(error))
        await asyncio.sleep(SWEEP_EVERY_SECONDS)


def plug_invoices(app: App, bot: Bot) -> Invoices | None:
    """The invoice sender, when the shop takes Telegram Payments."""
    online = app.online
    if online is None or app.shop.payment_options.get(PayKind.TELEGRAM) is None:
        return None
    token = app.settings.telegram_payments_token.get_secret_value()
    invoices = Invoices(online, bot, token)
    invoices.subscribe(app.bus)
    return invoices
