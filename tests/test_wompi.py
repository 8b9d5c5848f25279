"""Payment links by Wompi (issue 13, point 2): the link is created over Wompi's REST protocol
and sent to the customer; Wompi's signed event marks the order paid, once; an unsigned or
tampered event changes nothing; a provider outage is told and the sweep makes links owed.

End to end: the bot polling the local Bot API server, the real Wompi client against the
local Wompi server (doubles/wompi.py), and Wompi's events POSTed over HTTP to the bot's
events endpoint (bot/payments.py), as in production.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import text

from bot.payments import add_payment_routes
from domain.model import Customer, DeliveryLine, PaymentLine
from domain.payment import PaymentEvent
from doubles.telegram import LocalBotAPI
from doubles.wompi import LocalWompi
from providers.wompi import Wompi, sign
from tests.chat import press, say
from tests.conftest import (
    DATA_DIR,
    OWNER_ID,
    Harness,
    copy_database,
    make_settings,
    polling_bot,
    texts_of,
)
from tests.test_order_delivery import orders_of, to_summary
from tests.test_owner import owner_of

LINK = '\n[[payment]]\nkind = "link"\nlabel = "Tarjeta o PSE (link de pago)"\n'


@contextlib.asynccontextmanager
async def events_endpoint(harness: Harness) -> AsyncIterator[str]:
    """The bot's payment events route on a free port; its URL."""
    web_app = web.Application()
    assert add_payment_routes(web_app, harness.app)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}{harness.settings.payments_path}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def wompi() -> AsyncIterator[LocalWompi]:
    async with LocalWompi() as server:
        yield server


@pytest.fixture
async def linked_shop(
    api: LocalBotAPI, wompi: LocalWompi, tmp_path: Path, sample_db: Path
) -> AsyncIterator[Harness]:
    """The sample shop, also taking payment links by Wompi."""
    copy_database(sample_db, tmp_path / "shop.db")
    settings = make_settings(
        tmp_path,
        api.base_url,
        shop_profile=profile_with(tmp_path, LINK),
        wompi_private_key=SecretStr(wompi.private_key),
        wompi_events_secret=SecretStr(wompi.events_secret),
        wompi_api_base=f"{wompi.base_url}/v1",
    )
    async with polling_bot(api, settings) as harness:
        async with events_endpoint(harness) as url:
            wompi.events_url = url
            yield harness


def profile_with(tmp_path: Path, more: str) -> Path:
    """The sample shop profile with `more` TOML at its end."""
    profile = tmp_path / "shop.toml"
    profile.write_text((DATA_DIR / "shop.toml").read_text(encoding="utf-8") + more, "utf-8")
    return profile


async def pay_by_link(shop: Harness, user_id: int):  # noqa: ANN201
    """Ana confirms an order to be paid by link; her replies and her order."""
    ana, summary = await to_summary(shop, user_id)
    choices = await press(ana, summary, "Cambiar pago")
    confirmed = await press(ana, await press(ana, choices, "link de pago"), "Confirmar")
    assert shop.app.online is not None
    await shop.app.online.background.settle()
    (order,) = await orders_of(shop, ana.id)
    return ana, texts_of(confirmed + await ana.replies()), order


async def test_the_customer_gets_a_link_and_wompis_event_marks_the_order_paid_once(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    owner = await owner_of(linked_shop)
    ana, told, order = await pay_by_link(linked_shop, 8001)
    (link,) = wompi.links.values()
    assert link.body["amount_in_cents"] == order.total_minor == 208_000_00
    assert link.body["single_use"] is True and link.body["currency"] == "COP"
    assert "Pagas $208.000 en línea" in told
    assert f"https://checkout.wompi.co/l/{link.id}" in told
    assert order.payment_ref == link.id and order.payment_state == "pending"

    event = wompi.event(link.id)
    assert await wompi.send(event) == 200
    (paid,) = await orders_of(linked_shop, ana.id)
    assert paid.payment_state == "paid" and paid.paid_at is not None
    assert f"Recibimos el pago de tu pedido #{order.id}" in texts_of(await ana.replies())
    owners = texts_of(await owner.replies())
    assert f"Pago en línea confirmado: pedido #{order.id} ($208.000, NEQUI)" in owners

    assert await wompi.send(event) == 200  # Wompi delivers it again
    (again,) = await orders_of(linked_shop, ana.id)
    assert again.paid_at == paid.paid_at
    notices = [m for m in linked_shop.api.user(ana.id).messages() if "Recibimos" in m["text"]]
    assert len(notices) == 1
    owners_now = texts_of(linked_shop.api.user(OWNER_ID).messages())
    assert "devuélveselo" not in owners_now  # the redelivery is not a second payment
    async with linked_shop.app.session_factory() as session:
        rows = await session.scalar(text("SELECT count(*) FROM payment_events"))
    assert rows == 1


async def test_an_event_with_a_wrong_signature_changes_nothing(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    ana, _, order = await pay_by_link(linked_shop, 8002)
    event = wompi.event(order.payment_ref)
    assert await wompi.send(event, checksum="0" * 64) == 401
    event["data"]["transaction"]["amount_in_cents"] = 1  # tampered after signing
    assert await wompi.send(event) == 401
    (still,) = await orders_of(linked_shop, ana.id)
    assert still.payment_state == "pending"


async def test_a_declined_payment_is_told_and_a_wrong_amount_is_not_paid(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    owner = await owner_of(linked_shop)
    ana, _, order = await pay_by_link(linked_shop, 8003)
    assert await wompi.pay(order.payment_ref, status="DECLINED") == 200
    assert "no fue aprobado" in texts_of(await ana.replies())
    assert await wompi.send(wompi.event(order.payment_ref, amount=1_000_00)) == 200
    assert "No lo marqué como pagado" in texts_of(await owner.replies())
    (still,) = await orders_of(linked_shop, ana.id)
    assert still.payment_state == "pending"


async def test_when_wompi_is_down_customer_and_owners_are_told(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    owner = await owner_of(linked_shop)
    wompi.fail_next.append(503)
    ana, told, order = await pay_by_link(linked_shop, 8004)
    assert "No pude generar el link de pago" in told
    assert "No pude crear el link de pago" in texts_of(await owner.replies())
    assert not wompi.links


async def test_the_sweep_makes_the_link_a_crash_left_unmade(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    online = linked_shop.app.online
    assert online is not None
    ana = linked_shop.api.user(8005, first_name="Ana")
    await ana.send_text("/start")
    await ana.replies()
    # The confirmation committed, then the process died before the link was made: the order
    # is in the database and no PaymentRequested was ever handled.
    async with linked_shop.app.uow() as uow:
        product = await uow.products.get_by_sku("EXT-ABC-10")
        assert product is not None
        cart = await uow.orders.set_line(ana.id, ana.id, product, 1)
        customer = Customer(None, ana.id, "52345605", "Ana Ruiz", "3109876543", "Cra 1", "Centro")
        saved = await uow.customers.save(customer)
        await uow.orders.confirm(
            cart.id, saved, DeliveryLine("pickup", "", 0), PaymentLine("link", "pending")
        )
        await uow.commit()
    assert not wompi.links
    assert await online.sweep(datetime.now(UTC) + timedelta(seconds=1)) == 1
    (link,) = wompi.links.values()
    assert link.body["amount_in_cents"] == product.price_minor
    assert f"/l/{link.id}" in texts_of(await ana.replies())
    assert await online.sweep(datetime.now(UTC) + timedelta(seconds=1)) == 0  # once


async def test_a_shop_offering_links_without_wompi_keys_does_not_start(
    tmp_path: Path, migrated_db: Path
) -> None:
    from app.settings import SettingsError
    from bot.app import build_app

    copy_database(migrated_db, tmp_path / "shop.db")
    profile = profile_with(tmp_path, LINK)
    with pytest.raises(SettingsError, match="WOMPI_PRIVATE_KEY"):
        await build_app(make_settings(tmp_path, shop_profile=profile))


def test_the_checksum_is_built_as_wompis_documentation_shows() -> None:
    """docs.wompi.co (Eventos, Seguridad): the example event's properties, its timestamp and
    the example secret are concatenated in this order; SHA-256 of that string, in hex."""
    data = {
        "transaction": {
            "id": "1234-1610641025-49201",
            "status": "APPROVED",
            "amount_in_cents": 4490000,
        }
    }
    properties = ["transaction.id", "transaction.status", "transaction.amount_in_cents"]
    secret = "prod_events_OcHnIzeBl5socpwByQ4hA52Em3USQ93Z"
    documented = "1234-1610641025-49201APPROVED44900001530291411" + secret
    expected = hashlib.sha256(documented.encode()).hexdigest()
    assert sign(data, properties, 1530291411, secret) == expected
    body = json.dumps(
        {
            "event": "transaction.updated",
            "data": data,
            "signature": {"properties": properties, "checksum": expected.upper()},
            "timestamp": 1530291411,
        }
    ).encode()
    event = Wompi("prv", secret).read_event(body, None)  # upper case, as Wompi sends it
    assert event is not None and event.status == PaymentEvent.PAID
    assert event.amount_minor == 4490000


async def test_a_voided_payment_puts_the_order_back_to_pending(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    owner = await owner_of(linked_shop)
    ana, _, order = await pay_by_link(linked_shop, 8006)
    await wompi.pay(order.payment_ref)
    await ana.replies()
    voided = wompi.event(order.payment_ref, status="VOIDED")
    assert await wompi.send(voided) == 200
    (after,) = await orders_of(linked_shop, ana.id)
    assert after.payment_state == "pending"
    assert "fue anulado" in texts_of(await ana.replies())
    assert "anuló el pago" in texts_of(await owner.replies())


async def test_a_cancelled_orders_link_is_switched_off_and_a_late_payment_refunded(
    linked_shop: Harness, wompi: LocalWompi
) -> None:
    ana, _, order = await pay_by_link(linked_shop, 8007)
    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    await press(ana, question, "Sí, cancelarlo")
    assert linked_shop.app.online is not None
    await linked_shop.app.online.background.settle()
    assert wompi.links[order.payment_ref].active is False
    # A payment already under way when the link was switched off still arrives:
    assert await wompi.send(wompi.event(order.payment_ref)) == 200
    assert "la tienda te devuelve el dinero" in texts_of(await ana.replies())
    (after,) = await orders_of(linked_shop, ana.id)
    assert after.payment_state == "refunded"
