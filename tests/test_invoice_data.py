"""Electronic invoice data (issue 13, point 6): asked only when the customer wants a factura
(the sample shop profile has `electronic_invoice = true`) — NIT (its check digit verified)
or cédula, name or razón social, e-mail — stored with the order, shown to the owners and
exported. End to end through the local Bot API server.
"""

from __future__ import annotations

import csv
import io

from domain.validators import clean_tax_id, nit_check_digit
from tests.chat import cart_of, press, say
from tests.conftest import OWNER_ID, Harness, texts_of
from tests.test_order_delivery import orders_of, to_summary
from tests.test_owner import owner_of


async def test_a_factura_asked_at_the_summary_is_stored_shown_and_exported(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 8201)
    assert "NIT" not in texts_of(summary)  # nobody is asked unless they want one
    asked = texts_of(await press(ana, summary, "Quiero factura"))
    assert "¿a qué NIT o cédula" in asked
    wrong = texts_of(await say(ana, "900.123.456-7"))
    assert "El dígito de verificación 7 no corresponde al NIT 900123456" in wrong
    assert "no parece válido" in texts_of(await say(ana, "900.12"))
    assert "¿A nombre de quién?" in texts_of(await say(ana, "NIT 900.123.456-8"))
    assert "¿A qué correo" in texts_of(await say(ana, "Obras y Montajes S.A.S."))
    assert "no parece válido" in texts_of(await say(ana, "compras arroba obras"))
    shown = await say(ana, "compras@obrasymontajes.com.co")
    line = "🧾 Factura electrónica: 900123456-8 · Obras y Montajes S.A.S. · "
    assert line + "compras@obrasymontajes.com.co" in texts_of(shown)

    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert (order.invoice_tax_id, order.invoice_name) == ("900123456-8", "Obras y Montajes S.A.S.")
    assert order.invoice_email == "compras@obrasymontajes.com.co"
    assert "🧾 Factura: 900123456-8 · Obras y Montajes S.A.S." in texts_of(await owner.replies())
    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    (row,) = csv.DictReader(io.StringIO(exported["pedidos.csv"].decode("utf-8-sig")), delimiter=";")
    assert row["factura_nit_cc"] == "900123456-8"
    assert row["factura_correo"] == "compras@obrasymontajes.com.co"


async def test_wanting_a_factura_while_giving_data_is_asked_at_the_end(shop: Harness) -> None:
    ana = shop.api.user(8202, first_name="Ana")
    cart = await say(ana, "quiero 2 extintores multipropósito de 10 libras")
    await press(ana, cart, "Finalizar")
    await say(ana, "52345602")
    noted = texts_of(await say(ana, "necesito factura a nombre de mi empresa"))
    assert "al final te pido los datos para la factura" in noted and "nombre" in noted
    for answer in ("Ana Ruiz", "3109876543", "Cra 70 # 44-10", "Medellín", "Laureles"):
        await say(ana, answer)
    notes = await say(ana, "sin indicaciones")
    assert "NIT o cédula" in texts_of(notes)
    await say(ana, "1020345678")
    await say(ana, "Ana Ruiz")
    summary = texts_of(await say(ana, "ana@example.com"))
    assert "🧾 Factura electrónica: 1020345678 · Ana Ruiz · ana@example.com" in summary


async def test_a_factura_asked_with_the_products_is_asked_for_at_the_end(shop: Harness) -> None:
    """ "necesito 5 chalecos naranja para mi empresa, con factura" used to add the vests and
    forget the factura."""
    leo = shop.api.user(8204, first_name="Leo")
    cart = await say(leo, "hola, necesito 5 chalecos naranja para mi empresa, con factura")
    assert "al final te pido los datos para la factura" in texts_of(cart)
    await press(leo, cart, "Finalizar")
    for answer in ("52345604", "Leo Gil", "3109876544", "Cra 70 # 44-10", "Medellín", "Laureles"):
        notes = await say(leo, answer)
    assert "NIT o cédula" in texts_of(await press(leo, notes, "Omitir"))


async def test_a_factura_can_be_dropped_before_confirming(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 8203)
    await press(ana, summary, "Quiero factura")
    await say(ana, "1020345678")
    await say(ana, "Ana Ruiz")
    shown = await say(ana, "ana@example.com")
    again = await press(ana, shown, "Sin factura")
    assert "Factura electrónica" not in texts_of(again)
    await press(ana, again, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    assert order.invoice_tax_id == ""


def test_nit_check_digits_are_dians() -> None:
    # Published NITs: Bancolombia, Davivienda, Ecopetrol, DIAN.
    for nit, digit in (("890903938", 8), ("860034313", 7), ("899999068", 1), ("800197268", 4)):
        assert nit_check_digit(nit) == digit
        assert clean_tax_id(f"{nit[:3]}.{nit[3:6]}.{nit[6:]}-{digit}") == f"{nit}-{digit}"
        assert clean_tax_id(f"{nit}-{(digit + 1) % 10}") is None
        # "900123456 8" was taken for the 10-digit number 9001234568, a cédula.
        assert clean_tax_id(f"{nit} {digit}") == f"{nit}-{digit}"
    assert clean_tax_id("1037654321") == "1037654321"  # a cédula stays one


async def test_the_company_a_factura_goes_to_said_while_shopping_is_kept(shop: Harness) -> None:
    """ "a nombre de Constructora ABC SAS" used to be searched as a product (the ABC
    extinguishers); now it names the factura, and only the NIT and e-mail are asked."""
    eva = shop.api.user(8205, first_name="Eva")
    cart = await say(eva, "quiero 10 cascos blancos, factura a nombre de Obras y Montajes S.A.S.")
    assert "la factura va a nombre de Obras y Montajes S.A.S." in texts_of(cart)
    assert "Agregué 10 × Casco dieléctrico tipo II clase E blanco" in texts_of(cart)
    renamed = texts_of(await say(eva, "mejor a nombre de Constructora ABC SAS"))
    assert "la factura va a nombre de Constructora ABC SAS" in renamed
    assert "Extintor" not in renamed
    await press(eva, cart, "Finalizar")
    for answer in ("52345605", "Eva Gil", "3109876545", "Cra 70 # 44-10", "Medellín", "Laureles"):
        notes = await say(eva, answer)
    assert "NIT o cédula" in texts_of(await press(eva, notes, "Omitir"))
    assert "correo" in texts_of(await say(eva, "890903938-8"))
    summary = texts_of(await say(eva, "compras@abc.com.co"))
    assert "890903938-8 · Constructora ABC SAS · compras@abc.com.co" in summary


async def test_a_nit_typed_at_the_summary_asks_for_the_rest_of_the_factura(
    shop: Harness,
) -> None:
    """ "900123456-7" typed at the summary used to be read as "7 units": the two
    extinguishers became seven and the checkout was left. A NIT typed there is the factura's
    (its check digit told when wrong); the cart is not touched."""
    ana, _ = await to_summary(shop, 8207)
    wrong = texts_of(await say(ana, "900123456-7"))
    assert "El dígito de verificación 7 no corresponde al NIT 900123456" in wrong
    assert await cart_of(shop, ana.id) == {"EXT-ABC-10": 2}
    assert "¿A nombre de quién?" in texts_of(await say(ana, "mi nit es 900.123.456-8"))
    await say(ana, "Obras y Montajes S.A.S.")
    shown = texts_of(await say(ana, "compras@obrasymontajes.com.co"))
    assert "🧾 Factura electrónica: 900123456-8 · Obras y Montajes S.A.S." in shown
    assert "2 × Extintor multipropósito" in shown and "¿Confirmo el pedido?" in shown
