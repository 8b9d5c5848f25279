"""The municipality of the delivery is asked after the address (the design's journey 1) when
the shop delivers to more than one and the address names none; it decides the delivery fee.

End to end through the local Bot API server, with the sample shop profile (Medellín
$12.000; Bello, Itagüí, Envigado, Sabaneta and La Estrella $15.000; free from $300.000;
pickup; a carrier paid on arrival elsewhere), and a shop of one municipality built here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from test_sales import ANA, Shop, sample_shop

from domain.conversation import Step
from domain.shop import load_shop_profile
from doubles.telegram import LocalBotAPI
from tests.chat import cart_of, orders_of, press, say
from tests.conftest import (
    Harness,
    buttons,
    copy_database,
    make_settings,
    polling_bot,
    texts_of,
)

ASKED = "¿En qué municipio es la entrega?"
SERVED = ("Medellín", "Bello", "Itagüí", "Envigado", "Sabaneta", "La Estrella")


async def to_address(shop: Harness, user_id: int):  # noqa: ANN201
    """Two 10 lb extinguishers ($196.000) in the cart, the data up to the address question."""
    customer = shop.api.user(user_id, first_name="Ana")
    cart = await say(customer, "quiero 2 extintores multipropósito de 10 libras")
    await press(customer, cart, "Finalizar")
    for answer in (str(52345000 + user_id % 1000), "Ana Ruiz", "3109876543"):
        asked = await say(customer, answer)
    assert "dirección" in texts_of(asked).lower()
    return customer


async def to_summary_from_barrio(customer, asked: list[dict]) -> list[dict]:  # noqa: ANN001
    """Where the barrio is asked (a rural address's vereda is its barrio already): the
    barrio, no notes; the summary."""
    if "¿en qué barrio" in texts_of(asked).lower():
        asked = await say(customer, "Niquía")
    assert "indicación" in texts_of(asked), texts_of(asked)
    return await press(customer, asked, "Omitir")


def town_buttons(messages: list[dict]) -> dict[str, str]:
    return {label: data for m in messages for label, data in buttons(m).items()}


async def test_an_address_without_its_town_asks_it_and_bello_is_charged_bellos_fee(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9101)
    asked = await say(ana, "Carrera 50 # 40-20")
    assert ASKED in texts_of(asked)
    offered = town_buttons(asked)
    assert list(offered) == [*SERVED, "📦 Otro municipio"]
    assert all(len(data.encode()) <= 64 for data in offered.values())
    assert not any(town in data for town in SERVED for data in offered.values())  # by index

    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Bello"))
    text = texts_of(summary)
    assert "Subtotal: $196.000" in text and "Domicilio a Bello: $15.000" in text
    assert "Total: $211.000" in text and "Carrera 50 # 40-20" in text
    assert "Domicilio a Medellín" not in text

    assert "Total: $211.000" in texts_of(await press(ana, summary, "Confirmar"))
    (order,) = await orders_of(shop, ana.id)
    assert (order.delivery_method, order.delivery_place) == ("home", "Bello")
    assert order.delivery_fee_minor == 15_000_00 and order.total_minor == 211_000_00
    assert order.address == "Carrera 50 # 40-20"


async def test_an_address_that_names_a_served_town_is_not_asked_and_takes_its_fee(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9102)
    asked = await say(ana, "Calle 10 # 5-3, Envigado")
    assert ASKED not in texts_of(asked) and not town_buttons(asked)
    summary = await to_summary_from_barrio(ana, asked)
    text = texts_of(summary)
    assert "Domicilio a Envigado: $15.000" in text and "Total: $211.000" in text
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert (order.delivery_method, order.delivery_place, order.delivery_fee_minor) == (
        "home",
        "Envigado",
        15_000_00,
    )


async def test_a_typed_town_the_shop_serves_is_its_home_delivery(shop: Harness) -> None:
    ana = await to_address(shop, 9103)
    assert ASKED in texts_of(await say(ana, "Carrera 50 # 40-20"))
    summary = await to_summary_from_barrio(ana, await say(ana, "itagui"))  # accents, case
    text = texts_of(summary)
    assert "Domicilio a Itagüí: $15.000" in text and "Total: $211.000" in text


async def test_a_typed_town_the_shop_does_not_serve_goes_by_carrier_once_confirmed(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9104)
    assert ASKED in texts_of(await say(ana, "Carrera 50 # 40-20"))
    checked = await say(ana, "Santa Fe de Antioquia")
    assert "¿Santa Fe de Antioquia es tu barrio o un municipio?" in texts_of(checked)
    assert "¿En qué barrio" not in texts_of(checked)  # not asked yet
    offered = town_buttons(checked)
    assert list(offered) == [*SERVED, "📦 Transportadora a Santa Fe de Antioquia"]
    assert all(len(data.encode()) <= 64 for data in offered.values())
    by_carrier = await press(ana, checked, "Transportadora a Santa Fe de Antioquia")
    summary = await to_summary_from_barrio(ana, by_carrier)
    text = texts_of(summary)
    assert "Envío por transportadora a Santa Fe de Antioquia" in text
    assert "el flete lo pagas al recibir" in text and "Total: $196.000" in text
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert order.delivery_method == "carrier" and order.delivery_fee_minor == 0


async def test_a_barrio_typed_as_the_town_is_not_taken_for_a_municipality(
    shop: Harness,
) -> None:
    """Asked the municipality, a Medellín customer types their barrio: not sent by carrier
    to "Laureles" (freight paid on arrival), but asked; their town's button charges it."""
    ana = await to_address(shop, 9112)
    assert ASKED in texts_of(await say(ana, "Carrera 70 # 44-10"))
    checked = await say(ana, "Laureles")
    assert "¿Laureles es tu barrio o un municipio?" in texts_of(checked)
    assert "Medellín" in town_buttons(checked)
    summary = await to_summary_from_barrio(ana, await press(ana, checked, "Medellín"))
    text = texts_of(summary)
    assert "Domicilio a Medellín: $12.000" in text and "transportadora" not in text
    assert "Total: $208.000" in text


async def test_a_yes_or_the_same_name_again_confirms_the_carrier(shop: Harness) -> None:
    ana = await to_address(shop, 9113)
    await say(ana, "Vereda La Clara, finca Los Naranjos")
    assert "¿Guarne es tu barrio o un municipio?" in texts_of(await say(ana, "Guarne"))
    summary = await to_summary_from_barrio(ana, await say(ana, "sí"))
    assert "Envío por transportadora a Guarne" in texts_of(summary)

    bea = await to_address(shop, 9114)
    await say(bea, "Vereda La Clara, finca Los Naranjos")
    assert "¿Guarne es tu barrio o un municipio?" in texts_of(await say(bea, "Guarne"))
    summary = await to_summary_from_barrio(bea, await say(bea, "guarne"))
    assert "Envío por transportadora a Guarne" in texts_of(summary)


async def test_otro_municipio_asks_its_name_for_the_carrier(shop: Harness) -> None:
    ana = await to_address(shop, 9105)
    asked = await say(ana, "Vereda El Tablazo, finca La Esperanza")
    which = await press(ana, asked, "Otro municipio")
    assert "¿A qué municipio lo enviamos?" in texts_of(which)
    summary = await to_summary_from_barrio(ana, await say(ana, "Guarne"))
    text = texts_of(summary)
    assert "Envío por transportadora a Guarne: el flete lo pagas al recibir" in text
    assert "Total: $196.000" in text


async def test_garbage_at_the_town_question_is_told_and_changes_nothing(shop: Harness) -> None:
    ana = await to_address(shop, 9106)
    asked = await say(ana, "Carrera 50 # 40-20")
    for garbage in ("12345", "#$%&", "sí", "Calle 5 # 3-2"):
        told = await say(ana, garbage)
        text = texts_of(told)
        assert "No reconozco ese municipio" in text, garbage
        assert "barrio" not in text.lower() and list(town_buttons(told))[:2] == list(SERVED[:2])
    assert await cart_of(shop, ana.id) == {"EXT-ABC-10": 2}
    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Bello"))
    assert "Domicilio a Bello: $15.000" in texts_of(summary)


async def test_a_question_at_the_town_question_is_answered_and_it_is_asked_again(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9107)
    await say(ana, "Carrera 50 # 40-20")
    reply = await say(ana, "¿cuánto vale el domicilio a Sabaneta?")
    text = texts_of(reply)
    assert "Domicilio a Sabaneta: $15.000" in text
    assert f"Sigamos con tu pedido: {ASKED}" in text and "Sabaneta" in town_buttons(reply)
    paid_by = await say(ana, "voy a pagar por nequi")
    assert f"Sigamos con tu pedido: {ASKED}" in texts_of(paid_by)
    assert "Bello" in town_buttons(paid_by)  # the step's prompt again, with its buttons
    summary = await to_summary_from_barrio(ana, await press(ana, paid_by, "Sabaneta"))
    assert "Domicilio a Sabaneta: $15.000" in texts_of(summary)


async def test_cancelar_at_the_town_question_empties_the_cart(shop: Harness) -> None:
    ana = await to_address(shop, 9108)
    asked = await say(ana, "Carrera 50 # 40-20")
    assert ASKED in texts_of(asked)
    assert "cancel" in texts_of(await say(ana, "/cancelar")).lower()
    assert await cart_of(shop, ana.id) == {}
    stale = await press(ana, asked, "Bello")  # the old question's button does nothing now
    assert "barrio" not in texts_of(stale).lower()
    assert await orders_of(shop, ana.id) == []


async def test_a_restart_at_the_town_question_keeps_the_step(shop: Harness) -> None:
    ana = await to_address(shop, 9109)
    asked = await say(ana, "Carrera 50 # 40-20")
    assert ASKED in texts_of(asked)
    shop.dp["poller"].stop()  # the fixture's polling ends; a new process starts
    async with polling_bot(shop.api, shop.settings) as again:
        summary = await to_summary_from_barrio(ana, await press(ana, asked, "Bello"))
        assert "Domicilio a Bello: $15.000" in texts_of(summary)
        await press(ana, summary, "Confirmar")
        async with again.app.uow() as uow:
            (order,) = await uow.orders.list_for_user(ana.id)
    assert order.delivery_place == "Bello" and order.total_minor == 211_000_00


async def test_a_returning_customer_who_confirms_their_data_is_not_asked_again(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9110)
    asked = await say(ana, "Carrera 50 # 40-20")
    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Bello"))
    await press(ana, summary, "Confirmar")

    cart = await say(ana, "quiero 1 extintor multipropósito de 10 libras")
    known = await press(ana, cart, "Finalizar")
    assert "de nuevo" in texts_of(known) and "Carrera 50 # 40-20" in texts_of(known)
    again = texts_of(await press(ana, known, "Sí, usar"))
    assert ASKED not in again
    assert "Domicilio a Bello: $15.000" in again and "Total: $113.000" in again


async def test_changing_the_data_asks_the_town_of_the_new_address(shop: Harness) -> None:
    ana = await to_address(shop, 9111)
    asked = await say(ana, "Carrera 50 # 40-20")
    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Bello"))
    await press(ana, summary, "Cambiar datos")
    for answer in ("52345111", "Ana Ruiz", "3109876543"):
        await say(ana, answer)
    asked = await say(ana, "Calle 5 # 6-7")
    assert ASKED in texts_of(asked)
    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Medellín"))
    assert "Domicilio a Medellín: $12.000" in texts_of(summary)


ONE_TOWN = """
name = "Ferretería La Llave"
city = "Rionegro"
address = "Calle 49 # 50-12, parque principal"
phone = "604 531 2200"
hours = "Lunes a sábado de 7:00 a. m. a 6:00 p. m."
delivery = "Llevamos tu pedido en Rionegro el mismo día."
delivery_cost = "8.000"

[[payment]]
kind = "cash"
label = "Efectivo contra entrega"
"""


@pytest.fixture
async def one_town_shop(
    api: LocalBotAPI, tmp_path: Path, sample_db: Path
) -> AsyncIterator[Harness]:
    """The sample inventory in a shop that delivers only in its own city, with no carrier."""
    copy_database(sample_db, tmp_path / "shop.db")
    profile = tmp_path / "una.toml"
    profile.write_text(ONE_TOWN, "utf-8")
    settings = make_settings(tmp_path, api.base_url, shop_profile=profile)
    async with polling_bot(api, settings) as harness:
        yield harness


async def test_a_shop_of_one_municipality_without_a_carrier_never_asks(
    one_town_shop: Harness,
) -> None:
    ana = await to_address(one_town_shop, 9120)
    asked = await say(ana, "Carrera 50 # 40-20")
    assert ASKED not in texts_of(asked) and not town_buttons(asked)
    summary = await to_summary_from_barrio(ana, asked)
    text = texts_of(summary)
    assert ASKED not in text
    assert "Domicilio a Rionegro: $8.000" in text and "Total: $204.000" in text
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(one_town_shop, ana.id)
    assert (order.delivery_place, order.delivery_fee_minor) == ("Rionegro", 8_000_00)


# ---------------------------------------------------------------- the rule, without Telegram

ZONES_NO_CARRIER = """
name = "Distribuidora Sur"
city = "Itagüí"
address = "Calle 50 # 50-50"
phone = "604 000 0000"
hours = "Lunes a viernes"
delivery = "Llevamos en Itagüí y Sabaneta."

[[delivery_zones]]
name = "Itagüí"
fee = "7.000"

[[delivery_zones]]
name = "Sabaneta"
fee = "9.000"

[[payment]]
kind = "cash"
label = "Efectivo contra entrega"
"""


def options_of(tmp_path: Path, toml: str):  # noqa: ANN201
    profile = tmp_path / "shop.toml"
    profile.write_text(toml, "utf-8")
    return load_shop_profile(profile).delivery_options


def test_when_the_town_is_asked(tmp_path: Path) -> None:
    one = options_of(tmp_path, ONE_TOWN)
    assert one.towns == ("Rionegro",) and not one.asks_town("Carrera 50 # 40-20")
    with_carrier = options_of(tmp_path, ONE_TOWN + '\n[carrier]\nnote = "Por Servientrega."\n')
    assert with_carrier.asks_town("Carrera 50 # 40-20")
    assert not with_carrier.asks_town("Carrera 50 # 40-20, Rionegro")
    zones = options_of(tmp_path, ZONES_NO_CARRIER)
    assert zones.towns == ("Itagüí", "Sabaneta") and zones.asks_town("Calle 1 # 2-3")
    assert not zones.asks_town("Calle 1 # 2-3, SABANETA")


async def test_without_a_carrier_a_town_not_served_is_told_and_changes_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "shop.toml").write_text(ZONES_NO_CARRIER, "utf-8")
    sample = await sample_shop()
    shop = Shop(sample.uow, sample.catalog, load_shop_profile(tmp_path / "shop.toml"))
    ana = shop.chat(ANA)
    await ana.say("quiero 2 conos")
    await ana.press("checkout")
    for value in ("1020345678", "Ana María Pérez", "3001234567"):
        await ana.say(value)
    reply = await ana.say("Calle 45 # 12-30")
    assert ana.step == Step.MUNICIPALITY
    offered = [b.data for row in reply.buttons for b in row]
    assert offered == ["town:0", "town:1"]  # no "Otro municipio": no carrier
    reply = await ana.say("Guarne")
    assert "solo entregamos en Itagüí y Sabaneta" in reply.text
    assert ana.step == Step.MUNICIPALITY and ana.memory.delivery is None
    await ana.press("town:1")
    assert ana.step == Step.NEIGHBOURHOOD
    await ana.say("Centro")
    reply = await ana.press("skip")
    assert "Domicilio a Sabaneta: $9.000" in reply.text


async def test_a_cart_edit_at_the_town_question_is_made_and_the_question_resumed(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9115)
    assert ASKED in texts_of(await say(ana, "Carrera 50 # 40-20"))
    edited = await say(ana, "agrégame 1 extintor multipropósito de 10 libras más")
    text = texts_of(edited)
    assert "3 × Extintor multipropósito ABC 10 lb" in text, text
    assert f"Sigamos con tu pedido: {ASKED}" in text and "Bello" in town_buttons(edited)
    assert await cart_of(shop, ana.id) == {"EXT-ABC-10": 3}
    summary = await to_summary_from_barrio(ana, await press(ana, edited, "Bello"))
    assert "Domicilio a Bello: $15.000" in texts_of(summary)


async def test_pickup_said_at_the_town_question_needs_no_town(shop: Harness) -> None:
    ana = await to_address(shop, 9116)
    assert ASKED in texts_of(await say(ana, "Carrera 50 # 40-20"))
    noted = await say(ana, "mejor lo recojo en el local")
    assert "no necesito dirección" in texts_of(noted)
    summary = texts_of(await press(ana, noted, "Omitir"))
    assert "Recoges en el local: gratis" in summary and "Total: $196.000" in summary


async def test_after_otro_municipio_an_aside_or_a_cart_edit_resumes_which_one(
    shop: Harness,
) -> None:
    """ "Otro municipio" asked which one: a question or a cart edit there comes back to that
    question (typed, no town buttons), not to the list of served towns."""
    which_one = "¿A qué municipio lo enviamos?"
    ana = await to_address(shop, 9117)
    asked = await say(ana, "Vereda El Tablazo, finca La Esperanza")
    await press(ana, asked, "Otro municipio")
    answered = await say(ana, "¿cuánto vale el domicilio a Sabaneta?")
    assert f"Sigamos con tu pedido: {which_one}" in texts_of(answered)
    assert "Bello" not in town_buttons(answered)
    edited = await say(ana, "agrégame 1 extintor multipropósito de 10 libras más")
    text = texts_of(edited)
    assert "3 × Extintor multipropósito ABC 10 lb" in text, text
    assert f"Sigamos con tu pedido: {which_one}" in text and ASKED not in text
    assert "Bello" not in town_buttons(edited)
    summary = await to_summary_from_barrio(ana, await say(ana, "Guarne"))
    assert "Envío por transportadora a Guarne" in texts_of(summary)  # no check asked: chosen


async def test_a_place_awaiting_its_check_keeps_its_carrier_button_after_an_aside(
    shop: Harness,
) -> None:
    ana = await to_address(shop, 9118)
    await say(ana, "Vereda La Clara, finca Los Naranjos")
    assert "¿Guarne es tu barrio o un municipio?" in texts_of(await say(ana, "Guarne"))
    answered = await say(ana, "¿cuánto vale el domicilio a Sabaneta?")
    assert "📦 Transportadora a Guarne" in town_buttons(answered)
    summary = await to_summary_from_barrio(
        ana, await press(ana, answered, "📦 Transportadora a Guarne")
    )
    assert "Envío por transportadora a Guarne" in texts_of(summary)


async def test_a_rural_address_ending_with_its_town_offers_the_carrier_there(
    shop: Harness,
) -> None:
    """ "vereda La Palma, finca El Roble, Guarne" asked the municipality as if none were said:
    Guarne had to be typed again and confirmed."""
    ana = await to_address(shop, 9131)
    asked = await say(ana, "vereda La Palma, finca El Roble, Guarne")
    assert ASKED in texts_of(asked)
    assert "📦 Transportadora a Guarne" in town_buttons(asked) and "Medellín" in town_buttons(asked)
    summary = await to_summary_from_barrio(ana, await press(ana, asked, "Transportadora a Guarne"))
    assert "Envío por transportadora a Guarne" in texts_of(summary)
    bea = await to_address(shop, 9132)  # a city address and its barrio: no such guess
    asked = await say(bea, "Calle 10 # 43-20, Laureles")
    assert "📦 Otro municipio" in town_buttons(asked)
