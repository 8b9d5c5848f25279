"""Telegram Payments: the pre-checkout question (answered only after the order is checked
again) and the successful payment that marks the order paid."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery

from bot.filters import Magic
from domain import texts
from domain.online import OnlinePayments
from domain.payment import PaymentEvent

log = logging.getLogger(__name__)
PROVIDER = "telegram"


async def on_pre_checkout(query: PreCheckoutQuery, online: OnlinePayments | None) -> None:
    """Telegram charges only after `ok=True` (within 10 seconds)."""
    problem = (
        await online.checkout_problem(query.invoice_payload, query.currency, query.total_amount)
        if online is not None
        else texts.PAY_CHECKOUT_UNKNOWN
    )
    await query.answer(ok=problem is None, error_message=problem)


async def on_successful_payment(message: Message, online: OnlinePayments | None) -> None:
    paid = message.successful_payment
    if paid is None or online is None:
        return
    event = PaymentEvent(
        event_id=paid.telegram_payment_charge_id,
        link_id=paid.invoice_payload,
        status=PaymentEvent.PAID,
        amount_minor=paid.total_amount,
        method="Telegram",
    )
    outcome = await online.on_event(event, PROVIDER)
    log.info("telegram payment %s: %s", paid.telegram_payment_charge_id, outcome)


def create_router() -> Router:
    router = Router(name="payments")
    router.pre_checkout_query.register(on_pre_checkout)
    router.message.register(on_successful_payment, Magic(F.successful_payment))
    return router
