"""Telegram Payments (issue 13, point 2): an order paid in Telegram gets an invoice
(sendInvoice) with its products and delivery; Telegram's pre_checkout_query is answered only
after the order is checked again (a cancelled order is never charged); successful_payment
marks it paid and tells customer and owners.

End to end through the local Bot API server, which sends the invoice, asks the
pre-checkout question and delivers the successful payment as Telegram does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from domain.model import OrderStatus
from doubles.telegram import LocalBotAPI
from tests.chat import press, say
from tests.conftest import Harness, copy_database, make_settings, polling_bot, texts_of
from tests.test_order_delivery import orders_of, to_summary
from tests.test_owner import owner_of
from tests.test_wompi import profile_with

TELEGRAM = '\n[[payment]]\nkind = "telegram"\nlabel = "Tarjeta aquí en Telegram"\n'


@pytest.fixture
async def telegram_shop(
    api: LocalBotAPI, tmp_path: Path, sample_db: Path
) -> AsyncIterator[Harness]:
    copy_database(sample_db, tmp_path / "shop.db")
    settings = make_settings(
        tmp_path,
        api.base_url,
        shop_profile=profile_with(tmp_path, TELEGRAM),
        telegram_payments_token=SecretStr("284685063:TEST:local"),
    )
    async with polling_bot(api, settings) as harness:
        yield harness


async def invoiced(shop: Harness, user_id: int):  # noqa: ANN201
    ana, summary = await to_summary(shop, user_id)
    choices = await press(ana, summary, "Cambiar pago")
    confirmed = await press(ana, await press(ana, choices, "Telegram"), "Confirmar")
    await shop.dp["invoices"].background.settle()
    replies = confirmed + await ana.replies()
    invoice = next(m for m in replies if "invoice" in m)
    (order,) = await orders_of(shop, ana.id)
    return ana, texts_of(confirmed), invoice, order


async def test_an_invoice_is_paid_in_telegram_and_the_order_marked_paid(
    telegram_shop: Harness,
) -> None:
    owner = await owner_of(telegram_shop)
    ana, told, invoice, order = await invoiced(telegram_shop, 8101)
    assert "Pagas $208.000 aquí mismo en Telegram" in told
    assert invoice["invoice"]["total_amount"] == order.total_minor == 208_000_00
    assert invoice["invoice"]["currency"] == "COP"
    sent = telegram_shop.api.state.invoices[(ana.id, invoice["message_id"])]
    assert sent["prices"] == [
        {"label": "Productos", "amount": 196_000_00},
        {"label": "Domicilio", "amount": 12_000_00},
    ]
    assert sent["provider_token"] == "284685063:TEST:local"

    answer = await ana.pay(invoice)
    assert answer["ok"] is True
    assert f"Recibimos el pago de tu pedido #{order.id}" in texts_of(await ana.replies())
    (paid,) = await orders_of(telegram_shop, ana.id)
    assert paid.payment_state == "paid" and paid.paid_at is not None
    owners = texts_of(await owner.replies())
    assert f"Pago en línea confirmado: pedido #{order.id} ($208.000, Telegram)" in owners

    again = await ana.pay(invoice)  # the same invoice, once more
    assert again["ok"] is False and "ya está pagado" in again["error_message"]


async def test_a_cancelled_order_is_never_charged(telegram_shop: Harness) -> None:
    ana, _, invoice, order = await invoiced(telegram_shop, 8102)
    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    await press(ana, question, "Sí, cancelarlo")
    answer = await ana.pay(invoice)
    assert answer["ok"] is False and "fue cancelado" in answer["error_message"]
    (after,) = await orders_of(telegram_shop, ana.id)
    assert after.status == OrderStatus.CANCELLED and after.payment_state == "pending"
    assert not [
        m for m in telegram_shop.api.user(ana.id).messages() if "Recibimos" in m.get("text", "")
    ]


async def test_an_invoice_telegram_refuses_is_told_to_customer_and_owners(
    telegram_shop: Harness,
) -> None:
    owner = await owner_of(telegram_shop)
    telegram_shop.api.fail_next("sendInvoice", 400, "Bad Request: PAYMENT_PROVIDER_INVALID")
    ana, summary = await to_summary(telegram_shop, 8103)
    choices = await press(ana, summary, "Cambiar pago")
    await press(ana, await press(ana, choices, "Telegram"), "Confirmar")
    await telegram_shop.dp["invoices"].background.settle()
    assert "No pude enviarte la factura de pago" in texts_of(await ana.replies())
    assert "PAYMENT_PROVIDER_INVALID" in texts_of(await owner.replies())
    (order,) = await orders_of(telegram_shop, ana.id)
    assert order.payment_ref == "-"  # the sweep leaves it to the owners


async def test_an_invoice_whose_sending_timed_out_is_still_paid_for_its_order(
    telegram_shop: Harness,
) -> None:
    """Telegram took the invoice but the answer never came: its payload was not stored, and
    the sweep would send another. Paying the first still pays the order, once."""
    ana, _, invoice, order = await invoiced(telegram_shop, 8104)
    async with telegram_shop.app.session_factory() as session:
        await session.execute(
            text("UPDATE orders SET payment_ref = '' WHERE id = :id"), {"id": order.id}
        )
        await session.commit()
    assert (await ana.pay(invoice))["ok"] is True
    await ana.replies()
    (paid,) = await orders_of(telegram_shop, ana.id)
    assert paid.payment_state == "paid"
