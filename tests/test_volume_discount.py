"""The shop's volume discount (its profile's [[volume_discount]]: 5 % from 20 units of one
product, 10 % from 50, as its own document promises) is taken off the cart, the summary, the
order, what the customer pays, the owners' alert, the export and a Telegram invoice. It used
to be quoted to customers and never charged: 30 vests were confirmed at $450.000."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.settings import DATA_DIR
from domain.shop import InvalidShopProfile, load_shop_profile
from doubles.telegram import LocalBotAPI
from tests.chat import cart_of, orders_of, press, say, say_text
from tests.conftest import (
    OWNER_ID,
    Harness,
    copy_database,
    make_settings,
    polling_bot,
    texts_of,
)
from tests.test_owner import owner_of
from tests.test_wompi import profile_with

VESTS = "chalecos reflectivos naranja"  # $15.000 each, 70 in stock


async def to_summary(customer, cart: list[dict], town: str = "Medellín") -> list[dict]:  # noqa: ANN001
    """From a cart: finish, give the data for a delivery to `town`; the summary."""
    await press(customer, cart, "Finalizar")
    await say(customer, "1037654321")
    await say(customer, "Juan Pérez")
    await say(customer, "3001234567")
    asked = await say(customer, "Cra 45 # 10-20")
    notes = await say(customer, "Laureles") if "barrio" in texts_of(asked).lower() else asked
    if "municipio" in texts_of(notes):
        notes = await press(customer, notes, town)
    if "barrio" in texts_of(notes).lower():
        notes = await say(customer, "Laureles")
    return await press(customer, notes, "Omitir")


async def test_thirty_vests_are_charged_with_five_percent_off_everywhere(shop: Harness) -> None:
    owner = await owner_of(shop)
    juan = shop.api.user(9701, first_name="Juan")
    cart = await say(juan, f"quiero 30 {VESTS}")
    shown = texts_of(cart)
    assert "• 30 × Chaleco reflectivo naranja — $450.000 (−5 %)" in shown
    assert "Subtotal: $450.000\nDescuento por cantidad: −$22.500\nTotal: $427.500" in shown

    summary = texts_of(summary_messages := await to_summary(juan, cart))
    assert "$450.000 (−5 %)" in summary and "Descuento por cantidad: −$22.500" in summary
    assert "Domicilio a Medellín: gratis" in summary and "Total: $427.500" in summary

    done = texts_of(await press(juan, summary_messages, "Confirmar"))
    assert "$450.000 (−5 %)" in done and "Descuento por cantidad: −$22.500" in done
    assert "Total: $427.500" in done
    assert "Pagas $427.500 en efectivo" in done
    (order,) = await orders_of(shop, juan.id)
    assert (order.total_minor, order.discount_minor) == (427_500_00, 22_500_00)

    alert = texts_of(await owner.replies())
    assert "$450.000 (−5 %)" in alert and "Descuento por cantidad: −$22.500" in alert
    assert "Total: $427.500" in alert
    assert "$427.500" in await say_text(juan, "mis pedidos")

    stats = await say(owner, "/stats hoy")
    best = texts_of([{"text": m.get("caption", m.get("text", ""))} for m in stats])
    assert "$427.500" in best and "$450.000" not in best  # the best seller's too

    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    (row,) = csv.DictReader(io.StringIO(exported["pedidos.csv"].decode("utf-8-sig")), delimiter=";")
    assert (row["productos"], row["descuento"], row["domicilio"], row["total"]) == (
        "450000",
        "22500",
        "0",
        "427500",
    )
    lines = exported["lineas_pedido.csv"].decode("utf-8-sig")
    (line,) = csv.DictReader(io.StringIO(lines), delimiter=";")
    assert (line["subtotal"], line["descuento"]) == ("450000", "22500")


async def test_the_tier_follows_the_units_and_free_delivery_the_subtotal(shop: Harness) -> None:
    """19 vests: no discount; 20: 5 %, and the $300.000 subtotal the customer sees ships free
    (though $285.000 is paid for the products); 50: 10 %; each line its own tier."""
    eva = shop.api.user(9702, first_name="Eva")
    few = texts_of(await say(eva, f"quiero 19 {VESTS}"))
    assert "Total: $285.000" in few and "Descuento" not in few
    twenty = await say(eva, "que sean 20")
    assert "Descuento por cantidad: −$15.000\nTotal: $285.000" in texts_of(twenty)
    summary = texts_of(await to_summary(eva, twenty))
    assert "Domicilio a Medellín: gratis" in summary and "Total: $285.000" in summary

    leo = shop.api.user(9703, first_name="Leo")
    fifty = texts_of(await say(leo, f"quiero 50 {VESTS}"))
    assert "$750.000 (−10 %)" in fifty and "Descuento por cantidad: −$75.000" in fifty
    assert "Total: $675.000" in fifty
    both = texts_of(await say(leo, "agrégame 20 cascos dieléctricos blancos"))
    assert "— $750.000 (−10 %)" in both and "— $760.000 (−5 %)" in both
    assert "Descuento por cantidad: −$113.000" in both  # 10 % of 750.000 + 5 % of 760.000


async def test_a_discount_asked_for_an_amount_says_what_that_amount_gets(shop: Harness) -> None:
    ana = shop.api.user(9704, first_name="Ana")
    thirty = await say_text(ana, "¿hay descuento si compro 30 chalecos?")
    assert "Con 30 unidades de un mismo producto tienes 5 % de descuento" in thirty
    ten = await say_text(ana, "y si compro 10 cascos blancos hay descuento?")
    assert "Con 10 unidades aún no hay descuento: empieza en 20 unidades" in ten
    tiers = await say_text(ana, "¿hacen descuentos?")
    assert "5 % desde 20 unidades y 10 % desde 50 unidades" in tiers


async def test_what_an_amount_costs_is_said_with_its_discount(shop: Harness) -> None:
    """ "¿tienen 30 chalecos?" said "$450.000 en total" and the cart then $427.500; the offer
    of the 70 left and a price list did the same."""
    ana = shop.api.user(9706, first_name="Ana")
    asked = await say_text(ana, f"¿tienen 30 {VESTS}?")
    assert "$427.500 en total (con 5 % de descuento)" in asked
    offer = await say_text(ana, f"quiero 80 {VESTS}")
    assert "Puedo ofrecerte 70, por $945.000 (con 10 % de descuento)" in offer
    listed = await say_text(ana, f"cuánto me salen 30 {VESTS} y 20 cascos dieléctricos blancos?")
    assert "$427.500 (con 5 % de descuento)" in listed and "Total: $1.149.500" in listed


async def test_a_purchase_supposed_in_a_question_is_answered_not_added(shop: Harness) -> None:
    """ "si llevo 20 cascos blancos, ¿hay descuento?" (a question after a comma) and "¿a
    cuánto me queda cada chaleco si llevo 50?" put the units in the cart."""
    ana = shop.api.user(9707, first_name="Ana")
    asked = await say_text(ana, "si llevo 20 cascos blancos, ¿hay descuento?")
    assert "Con 20 unidades de un mismo producto tienes 5 % de descuento" in asked
    each = await say_text(ana, "¿a cuánto me queda cada chaleco naranja si llevo 50?")
    assert "$675.000 en total (con 10 % de descuento)" in each
    assert await cart_of(shop, ana.id) == {}


async def test_a_quote_of_amounts_is_what_they_cost(shop: Harness) -> None:
    """ "cotízame 25 chalecos naranja" was a search for «cotízame 25 chalecos naranja»;
    "¿cuánto me descuentan si llevo 50?" one for «descuentan cascos blancos»."""
    ana = shop.api.user(9709, first_name="Ana")
    quoted = await say_text(ana, "cotízame 25 chalecos naranja")
    assert "Sí, tengo 25 de Chaleco reflectivo naranja" in quoted
    assert "$356.250 en total (con 5 % de descuento)" in quoted
    both = await say_text(ana, "hazme una cotización de 10 cascos blancos y 20 chalecos naranja")
    assert "$285.000 (con 5 % de descuento)" in both and "Total: $665.000" in both
    off = await say_text(ana, "¿cuánto me descuentan si llevo 50 cascos blancos?")
    assert "Con 50 unidades de un mismo producto tienes 10 % de descuento" in off
    assert await cart_of(shop, ana.id) == {}


async def test_only_a_supposed_purchase_before_its_question_is_held_back(shop: Harness) -> None:
    """From the review: "Estoy comprando dotación… Quiero 20 chalecos. ¿Tienen cascos?" added
    nothing (the first sentence swallowed the order); "si llevo 50 chalecos cuánto me sale"
    (no "¿") added 50; "cotízame dotación para 10 personas" priced 10 shirts."""
    leo = shop.api.user(9713, first_name="Leo")
    await say(leo, f"si llevo 50 {VESTS} cuánto me sale")
    await say(leo, "cotízame dotación para 10 personas")
    budget = await say_text(leo, "presupuesto de 3 millones, ¿qué extintores me alcanzan?")
    assert "Para 3 unidades" not in budget
    assert "Sí, tengo 2" not in await say_text(leo, "cotización para 2 empresas, ¿cómo hago?")
    assert await cart_of(shop, leo.id) == {}
    await say(
        leo,
        f"Estoy comprando dotación para la empresa. Quiero 20 {VESTS}. ¿Tienen cascos blancos?",
    )
    assert await cart_of(shop, leo.id) == {"ROP-CHAL-NAR": 20}


async def test_what_it_all_costs_asked_at_the_summary_has_the_delivery(shop: Harness) -> None:
    """ "¿cuánto me sale todo?" at the summary said the products' total without the $15.000
    delivery the summary charged."""
    eva = shop.api.user(9708, first_name="Eva")
    await to_summary(eva, await say(eva, f"quiero 19 {VESTS}"), town="Bello")
    asked = await say_text(eva, "¿cuánto me sale todo?")
    assert "Domicilio a Bello: $15.000" in asked and "Total: $300.000" in asked


async def test_a_tier_within_reach_is_said_when_there_is_stock_for_it(shop: Harness) -> None:
    """49 vests cost $698.250 and 50 cost $675.000, and nothing said so."""
    leo = shop.api.user(9710, first_name="Leo")
    near = await say_text(leo, f"quiero 49 {VESTS}")
    assert "Con 50 unidades pagas $675.000 (10 % de descuento), menos que por 49" in near
    assert "Total: $675.000" in await say_text(leo, "que sean 50")
    assert "Con 2 más (20 unidades) tienes 5 % de descuento" in await say_text(leo, "que sean 18")
    few = await say_text(leo, "quiero 18 extintores multipropósito de 5 libras")  # all there are
    assert "Agregué 18" in few and "💡 Con" not in few  # 20 of them cannot be sold


async def test_an_offer_of_what_the_cart_holds_says_so(shop: Harness) -> None:
    """ "Agregué 70 ×" was said when the cart held the 70 there are already."""
    eva = shop.api.user(9711, first_name="Eva")
    await say(eva, f"quiero 80 {VESTS}")
    await say(eva, "sí")
    await say(eva, f"quiero 80 {VESTS}")
    again = await say_text(eva, "sí")
    assert "Ya tienes 70 × Chaleco reflectivo naranja en el carrito" in again
    assert "Agregué" not in again


async def test_what_is_short_of_free_delivery_and_the_carts_discount_are_said(
    shop: Harness,
) -> None:
    """ "¿cuánto me falta para el envío gratis?" got the fee without the gap; "¿el total ya
    tiene el descuento?" the tiers, not whether this cart has it."""
    ana = shop.api.user(9712, first_name="Ana")
    await say(ana, f"quiero 18 {VESTS}")
    short = await say_text(ana, "¿cuánto me falta para el envío gratis?")
    assert "Domicilio a Medellín: $12.000" in short
    assert "Te faltan $30.000 en productos para el domicilio gratis" in short
    await say(ana, "que sean 21")
    has = await say_text(ana, "¿el total ya tiene el descuento?")
    assert "Tu carrito ya tiene el descuento: −$15.750. El total queda en $299.250" in has


async def test_a_cart_in_the_export_has_the_discount_its_customer_sees(shop: Harness) -> None:
    """A cart of 30 vests was exported at $450.000 with no discount; its customer saw
    $427.500."""
    owner = await owner_of(shop)
    eva = shop.api.user(9714, first_name="Eva")
    await say(eva, f"quiero 30 {VESTS}")
    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    (row,) = csv.DictReader(io.StringIO(exported["pedidos.csv"].decode("utf-8-sig")), delimiter=";")
    assert (row["estado"], row["descuento"], row["total"]) == ("carrito", "22500", "427500")


@pytest.fixture
async def telegram_shop(
    api: LocalBotAPI, tmp_path: Path, sample_db: Path
) -> AsyncIterator[Harness]:
    copy_database(sample_db, tmp_path / "shop.db")
    card = '\n[[payment]]\nkind = "telegram"\nlabel = "Tarjeta aquí en Telegram"\n'
    settings = make_settings(
        tmp_path,
        api.base_url,
        shop_profile=profile_with(tmp_path, card),
        telegram_payments_token=SecretStr("284685063:TEST:local"),
    )
    async with polling_bot(api, settings) as harness:
        yield harness


async def test_a_telegram_invoice_breaks_the_discount_out(telegram_shop: Harness) -> None:
    ana = telegram_shop.api.user(9705, first_name="Ana")
    summary = await to_summary(ana, await say(ana, f"quiero 30 {VESTS}"))
    chosen = await press(ana, await press(ana, summary, "Cambiar pago"), "Telegram")
    confirmed = await press(ana, chosen, "Confirmar")
    await telegram_shop.dp["invoices"].background.settle()
    invoice = next(m for m in confirmed + await ana.replies() if "invoice" in m)
    (order,) = await orders_of(telegram_shop, ana.id)
    assert invoice["invoice"]["total_amount"] == order.total_minor == 427_500_00
    sent = telegram_shop.api.state.invoices[(ana.id, invoice["message_id"])]
    assert sent["prices"] == [
        {"label": "Productos", "amount": 450_000_00},
        {"label": "Descuento por cantidad", "amount": -22_500_00},
    ]


def profile(tmp_path: Path, tiers: str) -> Path:
    """The sample profile with its [[volume_discount]] tiers replaced by `tiers`."""
    sample = (DATA_DIR / "shop.toml").read_text(encoding="utf-8")
    start = sample.index("[[volume_discount]]")
    end = sample.index("# Otros municipios")
    path = tmp_path / "shop.toml"
    path.write_text(sample[:start] + tiers + "\n" + sample[end:], encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("tiers", "problem"),
    [
        ("[[volume_discount]]\nfrom_units = 1\npercent = 5", "«from_units» debe ser"),
        ('[[volume_discount]]\nfrom_units = "20"\npercent = 5', "«from_units» debe ser"),
        ("[[volume_discount]]\nfrom_units = 20\npercent = 120", "«percent» debe ser"),
        ('[[volume_discount]]\nfrom_units = 20\npercent = "cinco"', "«percent» debe ser"),
        ("[[volume_discount]]\nfrom_units = 20", "«percent» debe ser"),
        ("[[volume_discount]]\nfrom_units = 20\npercent = 5\nhasta = 40", "«hasta»"),
        (
            "[[volume_discount]]\nfrom_units = 20\npercent = 5\n"
            "[[volume_discount]]\nfrom_units = 50\npercent = 3",
            "revisa el de 50 unidades",
        ),
        ("[volume_discount]\nfrom_units = 20\npercent = 5", "lista de tablas [[volume_discount]]"),
    ],
)
def test_a_wrong_tier_stops_the_start_with_a_spanish_line(
    tmp_path: Path, tiers: str, problem: str
) -> None:
    with pytest.raises(InvalidShopProfile) as raised:
        load_shop_profile(profile(tmp_path, tiers))
    assert problem in str(raised.value)


def test_tiers_may_be_written_in_any_order_and_with_decimals(tmp_path: Path) -> None:
    tiers = (
        '[[volume_discount]]\nfrom_units = 100\npercent = "12,5 %"\n'
        "[[volume_discount]]\nfrom_units = 10\npercent = 2.5"
    )
    loaded = load_shop_profile(profile(tmp_path, tiers)).volume_discounts
    assert [(tier.from_units, tier.shown) for tier in loaded.tiers] == [(10, "2,5"), (100, "12,5")]
