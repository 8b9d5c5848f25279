"""Delivery is a line of the order (issue 13): chosen at the summary or following from the
address, stored with the order, and shown to the customer and to the owners everywhere.

End to end through the local Bot API server, with the sample shop profile (Medellín
$12.000, the metropolitan area $15.000, free from $300.000, pickup, a carrier elsewhere).
"""

from __future__ import annotations

import csv
import io

import pytest

from domain.model import Order
from domain.validators import neighbourhood_in
from tests.chat import press, say, say_text
from tests.conftest import OWNER_ID, Harness, texts_of
from tests.test_owner import owner_of

ADDRESS = "Cra 70 # 44-10"


async def to_summary(shop: Harness, user_id: int, units: int = 2, address: str = ADDRESS):  # noqa: ANN201
    customer = shop.api.user(user_id, first_name="Ana")
    cart = await say(customer, f"quiero {units} extintores multipropósito de 10 libras")
    await press(customer, cart, "Finalizar")
    for answer in (str(52345600 + user_id % 100), "Ana Ruiz", "3109876543"):
        await say(customer, answer)
    asked = await say(customer, address)
    if "¿En qué municipio es la entrega?" in texts_of(asked):  # the address names none
        asked = await press(customer, asked, "Medellín")
    notes = await say(customer, "Laureles")
    return customer, await press(customer, notes, "Omitir")


async def orders_of(shop: Harness, user_id: int) -> list[Order]:
    async with shop.app.uow() as uow:
        return await uow.orders.list_for_user(user_id)


async def test_the_fee_is_in_the_summary_the_order_the_alert_and_the_owners_lists(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7601)
    text = texts_of(summary)
    assert "Subtotal: $196.000" in text and "Domicilio a Medellín: $12.000" in text
    assert "Total: $208.000" in text

    confirmed = texts_of(await press(ana, summary, "Confirmar"))
    assert "confirmado" in confirmed and "Total: $208.000" in confirmed
    (order,) = await orders_of(shop, ana.id)
    assert (order.delivery_method, order.delivery_place) == ("home", "Medellín")
    assert order.delivery_fee_minor == 12_000_00 and order.total_minor == 208_000_00
    alert = texts_of(await owner.replies())
    assert "$208.000" in alert and "Domicilio a Medellín: $12.000" in alert

    listing = texts_of(await say(owner, "/pedidos"))
    assert "$208.000" in listing and "Domicilio a Medellín: $12.000" in listing
    stats = await say(owner, "/stats hoy")
    caption = texts_of([{"text": m.get("caption", m.get("text", ""))} for m in stats])
    assert "$208.000" in caption and "Productos: $196.000 · Domicilios: $12.000" in caption
    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    rows = list(
        csv.DictReader(io.StringIO(exported["pedidos.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0]["entrega"] == "domicilio" and rows[0]["lugar_entrega"] == "Medellín"
    assert rows[0]["domicilio"] == "12000" and rows[0]["total"] == "208000"


async def test_pickup_chosen_at_the_summary_costs_nothing_and_says_where(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7602)
    choices = await press(ana, summary, "Cambiar entrega")
    assert "¿Cómo quieres recibir tu pedido?" in texts_of(choices)
    shown = await press(ana, choices, "Recoger en el local")
    again = texts_of(shown)
    assert "Recoges en el local: gratis" in again and "Total: $196.000" in again
    assert "Carrera 52 (Carabobo) # 38-47" in again and "Dirección:" not in again
    confirmed = texts_of(await press(ana, shown, "Confirmar"))
    assert "Te esperamos en" in confirmed
    (order,) = await orders_of(shop, ana.id)
    assert order.delivery_method == "pickup" and order.total_minor == 196_000_00


async def test_another_municipality_goes_by_carrier_paid_on_arrival(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7603)
    choices = await press(ana, summary, "Cambiar entrega")
    asked = texts_of(await press(ana, choices, "Otro municipio"))
    assert "¿A qué municipio" in asked
    where = texts_of(await say(ana, "Guarne"))  # the address given was in Medellín
    assert "Listo, a Guarne. ¿Cuál es la dirección de entrega allá?" in where
    await say(ana, "Calle 50 # 49-20")
    shown = await say(ana, "Centro")
    again = texts_of(shown)
    assert "Envío por transportadora a Guarne: el flete lo pagas al recibir" in again
    assert "• Dirección: Calle 50 # 49-20" in again
    asked = texts_of(await say(ana, "cuanto es el envio?"))  # it said "(no está en el total).
    assert "no está en el total" in asked and "total con envío" not in asked  # El total con envío…"
    assert "A nosotros nos pagas $196.000" in asked
    assert "Total: $196.000" in again
    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert (order.delivery_method, order.delivery_place) == ("carrier", "Guarne")
    assert order.delivery_fee_minor == 0


async def test_an_address_in_envigado_is_charged_the_metropolitan_fee(shop: Harness) -> None:
    _, summary = await to_summary(shop, 7604, address="Cra 43A # 1 sur - 50, Envigado")
    text = texts_of(summary)
    assert "Domicilio a Envigado: $15.000" in text and "Total: $211.000" in text


async def test_the_fee_is_waived_from_the_threshold(shop: Harness) -> None:
    _, summary = await to_summary(shop, 7605, units=4)
    text = texts_of(summary)
    assert "Domicilio a Medellín: gratis (compras desde $300.000)" in text
    assert "Total: $392.000" in text


async def test_asked_at_the_confirm_step_the_fee_is_this_orders(shop: Harness) -> None:
    ana, _ = await to_summary(shop, 7606)
    reply = await say(ana, "¿el total ya incluye el domicilio?")
    answer = texts_of(reply)
    assert "Domicilio a Medellín: $12.000" in answer and "$208.000" in answer
    assert "Hacemos domicilios" not in answer  # the figures, not the policy again
    await press(ana, reply, "Confirmar")  # and the step goes on
    assert len(await orders_of(shop, ana.id)) == 1


async def test_asked_while_shopping_the_fee_to_a_town_named_is_this_carts(shop: Harness) -> None:
    """Before the checkout, "¿cuánto sale el envío a Envigado?" gets the fee there (with
    products in the cart: what this cart would pay, and its total); "¿hacen envíos a
    Envigado?" the policy too; what it costs asked next, the fee to Envigado still; with no
    town named ever, the policy and, with a cart, what it would pay in the shop's city."""
    ana = shop.api.user(7607, first_name="Ana")
    fee = texts_of(await say(ana, "¿cuánto sale el envío a Envigado?"))
    assert "Domicilio a Envigado: $15.000. Gratis en compras desde $300.000" in fee
    assert "Hacemos domicilios" not in fee and "Para este pedido" not in fee
    policy = texts_of(await say(ana, "¿hacen envíos a Envigado?"))
    assert "Hacemos domicilios" in policy and "Domicilio a Envigado: $15.000" in policy
    await say(ana, "quiero 2 extintores multipropósito de 10 libras")
    answer = texts_of(await say(ana, "cuanto sale el envio a envigado?"))
    assert "Para este pedido: Domicilio a Envigado: $15.000" in answer and "$211.000" in answer
    again = texts_of(await say(ana, "¿cuánto cuesta el domicilio?"))  # Envigado, asked before
    assert "Para este pedido: Domicilio a Envigado: $15.000" in again and "$211.000" in again
    bob = shop.api.user(7608, first_name="Bob")
    await say(bob, "quiero 2 extintores multipropósito de 10 libras")
    general = texts_of(await say(bob, "¿cuánto cuesta el domicilio?"))
    assert "Hacemos domicilios" in general and "$208.000" in general
    assert "Para este pedido: Domicilio a Medellín: $12.000" in general


@pytest.mark.parametrize(
    ("address", "barrio"),
    [
        ("Calle 10 # 43-20 apto 301, El Poblado, Medellín", "El Poblado"),
        ("Cra 50 # 12-30 barrio La Magnolia, Envigado", "La Magnolia"),
        ("Carrera 43A #1 sur 50, Antioquia, Manila, Medellín", "Manila"),
        ("vereda El Salado, finca La Esperanza, Envigado", "Vereda El Salado"),
    ],
)
async def test_a_neighbourhood_written_in_the_address_is_not_asked_again(
    shop: Harness, address: str, barrio: str
) -> None:
    """ "Calle 10 # 43-20 apto 301, El Poblado, Medellín" used to get "¿En qué barrio queda?"."""
    ana = shop.api.user(9871, first_name="Ana")
    cart = await say(ana, "quiero 2 cascos blancos")
    await press(ana, cart, "Finalizar")
    for value in ("1020304075", "Ana Ruiz", "3001234575"):
        await say(ana, value)
    after = await say_text(ana, address)
    assert "indicación" in after and "barrio" not in after and "municipio" not in after
    summary = await say_text(ana, "ninguna")
    assert f"Barrio: {barrio}" in summary


def test_a_part_of_the_address_is_a_neighbourhood_only_when_nothing_else_fits() -> None:
    served = {"medellin", "envigado"}

    def is_town(part: str) -> bool:
        return part.lower().replace("í", "i") in served

    def found(address: str, *, one_town: bool = False) -> str | None:
        return neighbourhood_in(address, is_town, one_town=one_town)

    assert found("Calle 10 # 43-20, Laureles, Medellín") == "Laureles"
    assert found("Calle 10 # 43-20, Torre 2 apto 301, Laureles, Medellín") == "Laureles"
    assert found("Calle 10 # 43-20, Laureles") is None  # maybe a town the shop does not serve
    assert found("Calle 10 # 43-20, Laureles", one_town=True) == "Laureles"
    assert found("Calle 10 # 43-20, Bogotá, Cundinamarca") is None
    assert found("Vereda La Clara, finca Los Naranjos, Envigado") == "Vereda La Clara"
    assert found("Km 5 vía Las Palmas, Envigado") is None  # rural, no vereda named
    assert found("Calle 10 # 43-20, Medellín") is None


async def test_a_field_corrected_at_the_summary_is_changed_and_the_fee_follows_the_address(
    shop: Harness,
) -> None:
    """ "me equivoqué en el celular, es 300…" used to get the shop's contact, and "la
    dirección es …" the shop's own address."""
    ana, _ = await to_summary(shop, 7691)
    phone = texts_of(await say(ana, "me equivoqué en el celular, es 3009876543"))
    assert "Listo, cambié el celular: 3009876543." in phone and "• Celular: 3009876543" in phone
    moved = texts_of(await say(ana, "la dirección es Carrera 70 # 12-34, San Fernando, Itagüí"))
    assert "• Dirección: Carrera 70 # 12-34, San Fernando, Itagüí" in moved
    assert "• Barrio: San Fernando" in moved and "Domicilio a Itagüí: $15.000" in moved
    assert "Estamos en" not in moved
    await press(ana, await say(ana, "el nombre es el mismo"), "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert (order.phone, order.delivery_place) == ("3009876543", "Itagüí")


async def test_a_field_given_before_is_corrected_while_another_is_asked(shop: Harness) -> None:
    """ "perdón el cel es 310 555 1299" at the address question was stored as the address;
    "me equivoqué en la cédula, es …" at the name question was refused as a name and "volver"
    became the name "Volver"."""
    ana = shop.api.user(7695, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    await say(ana, "52345695")
    fixed = texts_of(await say(ana, "me equivoque en la cedula, es 52345696"))
    assert "cambié la cédula: 52345696" in fixed and "¿A nombre de quién va el pedido?" in fixed
    back = texts_of(await say(ana, "volver"))
    assert "¿Cuál es tu número de cédula?" in back
    await say(ana, "52345697")
    await say(ana, "Ana Ruiz")
    await say(ana, "3109876543")
    fixed = texts_of(await say(ana, "perdon el cel es 310 555 1299"))
    assert "cambié el celular: 3105551299" in fixed and "¿Cuál es la dirección" in fixed
    asked = await say(ana, ADDRESS)
    if "¿En qué municipio es la entrega?" in texts_of(asked):
        asked = await press(ana, asked, "Medellín")
    summary = texts_of(await press(ana, await say(ana, "Laureles"), "Omitir"))
    assert "• Celular: 3105551299" in summary and f"• Dirección: {ADDRESS}" in summary
    assert "52345697" in summary and "Volver" not in summary


async def test_a_field_said_to_be_wrong_at_the_summary_is_asked_again(shop: Harness) -> None:
    """ "perdón, el teléfono es otro" got the shop's phone and e-mail, and the number typed
    next was lost ("Sigamos con tu pedido")."""
    ana, _ = await to_summary(shop, 7696)
    asked = texts_of(await say(ana, "perdon, el telefono es otro"))
    assert "¿A qué número de celular te llamamos" in asked and "WhatsApp" not in asked
    shown = await say(ana, "301 777 8899")
    assert "• Celular: 3017778899" in texts_of(shown)
    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert order.phone == "3017778899"


async def test_the_cart_asked_for_during_checkout_is_shown(shop: Harness) -> None:
    """ "¿qué tengo en el carrito?" at the cédula question got the shop's mission."""
    ana = shop.api.user(7697, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    shown = texts_of(await say(ana, "que tengo en el carrito?"))
    assert "2 × Extintor multipropósito ABC 10 lb" in shown and "Misión" not in shown
    assert "Sigamos con tu pedido: ¿Cuál es tu número de cédula?" in shown


async def test_a_home_delivery_moved_to_another_municipality_asks_its_address(
    shop: Harness,
) -> None:
    """ "🚚 Cambiar entrega" → "Área metropolitana" used to confirm "Domicilio a Área
    metropolitana" at the Medellín address, never asking which municipality."""
    ana, summary = await to_summary(shop, 7698)
    choices = await press(ana, summary, "Cambiar entrega")
    towns = await press(ana, choices, "Área metropolitana")
    assert "¿En qué municipio es la entrega?" in texts_of(towns)
    asked = texts_of(await press(ana, towns, "Itagüí"))
    assert "Listo, a Itagüí. ¿Cuál es la dirección de entrega allá?" in asked
    assert "¿En qué barrio queda?" in texts_of(await say(ana, "Calle 30 sur # 40-12"))
    shown = await say(ana, "Zúñiga")
    again = texts_of(shown)
    assert "Domicilio a Itagüí: $15.000" in again and "• Dirección: Calle 30 sur # 40-12" in again
    assert "• Barrio: Zúñiga" in again and ADDRESS not in again
    confirmed = texts_of(await press(ana, shown, "Confirmar"))
    assert "Área metropolitana" not in confirmed
    (order,) = await orders_of(shop, ana.id)
    assert (order.delivery_place, order.address) == ("Itagüí", "Calle 30 sur # 40-12")


async def test_the_pickup_confirmation_reads_without_a_double_stop(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7699)
    shown = await press(ana, await press(ana, summary, "Cambiar entrega"), "Recoger en el local")
    confirmed = texts_of(await press(ana, shown, "Confirmar"))
    assert "Te esperamos en" in confirmed and ".." not in confirmed


async def test_the_delivery_data_given_at_once_is_taken(shop: Harness) -> None:
    """ "cc 1037654321, juan perez, cel 3001234567, dir cra 45 # 10-20, laureles" at the
    cédula question got the shop's address, phone and e-mail, then the cédula asked again."""
    ana = shop.api.user(7700, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    data = "cc 1037654321, juan perez, cel 300 123 4567, dir cra 45 # 10-20, laureles"
    taken = texts_of(await say(ana, data))
    assert "Anotado ✅" in taken and "¿En qué municipio es la entrega?" in taken
    assert "Estamos en" not in taken and "¿Cuál es tu número de cédula?" not in taken
    notes = await say(ana, "Medellín")
    summary = texts_of(await press(ana, notes, "Omitir"))
    for shown in ("• Cédula: 1037654321", "• Nombre: Juan Perez", "• Celular: 3001234567",
                  "• Dirección: cra 45 # 10-20", "• Barrio: Laureles"):  # fmt: skip
        assert shown in summary, shown


async def test_a_barrio_typed_for_the_municipality_is_kept_as_the_barrio(shop: Harness) -> None:
    """ "belen" at the municipality question read "No llevamos domicilios a Belen…" (as if
    the shop did not deliver there), and after tapping Medellín the barrio was asked again."""
    ana = shop.api.user(7701, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    for answer in ("52345701", "Ana Ruiz", "3109876543", ADDRESS):
        await say(ana, answer)
    asked = await say(ana, "belen")
    said = texts_of(asked)
    assert "¿Belen es tu barrio o un municipio?" in said and "No llevamos" not in said
    notes = texts_of(await press(ana, asked, "Medellín"))
    assert "¿Alguna indicación para la entrega?" in notes and "¿En qué barrio" not in notes


async def test_the_cedula_doubted_is_explained_not_refused_as_a_number(shop: Harness) -> None:
    """ "no quiero dar la cédula" got "Esa cédula no parece válida"; "¿es obligatorio la
    cédula?" the invoicing text."""
    ana = shop.api.user(7702, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    for doubt in ("no quiero dar la cedula", "es obligatorio la cedula?"):
        said = texts_of(await say(ana, doubt))
        assert "La cédula la usamos solo para la factura" in said and "no parece válida" not in said
        assert "Sin ella no puedo tomar el pedido por aquí" in said


async def test_a_corrected_barrio_leaves_out_the_one_set_aside(shop: Harness) -> None:
    """ "el barrio es belen no laureles" at the summary stored "Belen No Laureles"."""
    ana, _ = await to_summary(shop, 7703)
    fixed = texts_of(await say(ana, "el barrio es belen no laureles"))
    assert "• Barrio: Belen" in fixed and "No Laureles" not in fixed


async def test_notes_and_free_text_are_not_read_as_corrections_or_names(shop: Harness) -> None:
    """From a review: a delivery note that says "perdón, la dirección…" changed the address;
    "1037654321, expedida en Medellín" became the name "Expedida En Medellín"; "la factura a
    otro nombre" asked the delivery name again; "Manzana Q" became "Manzana que"."""
    ana = shop.api.user(7704, first_name="Ana")
    await press(ana, await say(ana, "quiero 2 extintores multipropósito de 10 libras"), "Finalizar")
    asked = texts_of(await say(ana, "1037654321, expedida en Medellín"))
    assert "¿A nombre de quién va el pedido?" in asked
    for answer in ("Ana Ruiz", "3109876543", ADDRESS):
        shown = await say(ana, answer)
    if "¿En qué municipio es la entrega?" in texts_of(shown):
        await press(ana, shown, "Medellín")
    await say(ana, "Laureles")
    summary = texts_of(await say(ana, "Perdón, la dirección queda en un segundo piso, tocar duro"))
    assert f"• Dirección: {ADDRESS}" in summary and "segundo piso" in summary
    invoice = texts_of(await say(ana, "quiero la factura a otro nombre"))
    assert "¿A nombre de quién va el pedido?" not in invoice
    ana2, _ = await to_summary(shop, 7705)
    fixed = texts_of(await say(ana2, "me equivoqué en la dirección, es Manzana Q casa 12"))
    assert "Manzana Q casa 12" in fixed and "Manzana que" not in fixed
