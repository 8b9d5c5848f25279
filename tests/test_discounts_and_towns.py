"""Questions customers ask around a purchase: discounts (answered with the shop's own text),
a purchase weighed with a question ("¿hay descuento si compro 30?": nothing added until
picked), and the delivery fee to a town named alone ("¿y a Bello?")."""

from __future__ import annotations

import pytest

from domain.knowledge import Knowledge
from rag.documents import Passage
from tests.chat import cart_of, press, say, say_text, texts_of
from tests.conftest import Harness

VOLUME = "Desde 20 unidades de un mismo producto damos 5 % de descuento"


@pytest.mark.parametrize(
    "question",
    [
        "¿hay descuento?",
        "¿me hacen descuento por pagar de contado?",
        "¿venden al por mayor?",
        "¿tienen promociones?",
        "me rebajan algo?",
    ],
)
async def test_a_discount_question_quotes_the_shops_discounts(shop: Harness, question: str) -> None:
    """ "¿me hacen descuento por pagar de contado?" used to get "No encontré productos"."""
    ana = shop.api.user(9601, first_name="Ana")
    reply = await say_text(ana, question)
    assert VOLUME in reply
    assert "No encontré productos" not in reply and "Garantía" not in reply


def test_passages_on_a_subject_are_those_titled_by_it_else_those_that_say_it() -> None:
    titled = Passage("Descuentos por volumen", "Desde 20 unidades, 5 %.", "")
    said = Passage("Garantía", "La primera recarga con descuento.", "")
    other = Passage("Horario", "Lunes a viernes.", "")
    assert Knowledge([said, titled, other]).about("descuento").passages == (titled,)
    assert Knowledge([said, other]).about("descuento").passages == (said,)
    assert Knowledge([other]).about("descuento") is None


async def test_a_way_to_pay_and_a_discount_in_one_question_are_both_answered(
    shop: Harness,
) -> None:
    """ "y si pago con nequi hay descuento?" used to note Nequi and drop the discount."""
    eva = shop.api.user(9602, first_name="Eva")
    reply = await say_text(eva, "y si pago con nequi hay descuento?")
    assert "Nequi 312 745 9036" in reply
    assert VOLUME in reply


async def test_a_discount_asked_for_a_purchase_adds_nothing_until_a_product_is_picked(
    shop: Harness,
) -> None:
    """ "pago por daviplata, ¿hay descuento si compro 30 chalecos?" used to list the ways to
    pay and ask which chaleco, with no word on the discount."""
    leo = shop.api.user(9603, first_name="Leo")
    reply = await say(leo, "pago por daviplata, ¿hay descuento si compro 30 chalecos?")
    said = texts_of(reply)
    assert "pagas por Daviplata" in said and "Formas de pago" not in said
    assert "Con 30 unidades de un mismo producto tienes 5 % de descuento" in said
    assert "agrego 30 al carrito" in said and "Chaleco reflectivo naranja" in said
    assert await cart_of(shop, 9603) == {}
    await press(leo, reply, "naranja")
    assert await cart_of(shop, 9603) == {"ROP-CHAL-NAR": 30}
    # one product found: still offered, not added
    one = await say_text(leo, "si compro 3 cascos blancos me hacen descuento?")
    assert "Con 3 unidades aún no hay descuento" in one and "agrego 3 al carrito" in one
    assert await cart_of(shop, 9603) == {"ROP-CHAL-NAR": 30}


async def test_a_town_named_alone_after_a_delivery_question_gets_its_fee(shop: Harness) -> None:
    """ "¿y a Bello?" used to quote a delivery passage without Bello's fee."""
    ana = shop.api.user(9604, first_name="Ana")
    policy = await say_text(ana, "¿hacen domicilios?")
    assert "Hacemos domicilios" in policy
    fee = await say_text(ana, "y a bello?")
    assert fee == "🚚 Domicilio a Bello: $15.000. Gratis en compras desde $300.000."
    await say(ana, "quiero 2 cascos blancos")
    with_cart = await say_text(ana, "¿y para Itagüí?")
    assert "Para este pedido: Domicilio a Itagüí: $15.000" in with_cart
    assert "$91.000" in with_cart and "Hacemos domicilios" not in with_cart


async def test_the_same_product_with_another_number_is_asked_by_the_number_alone(
    shop: Harness,
) -> None:
    """ "¿y el de 10?" after the 20-pound extinguisher used to quote the volume discounts
    ("desde 50 unidades, 10 %"); "me regala 2 del de 10" then added the CO2 one unasked. It
    is the same extinguisher in 10 lb (not the CO2 one of 10 lb)."""
    ana = shop.api.user(9605, first_name="Ana")
    await say(ana, "q precio tiene el extintor de 20 libras")
    ten = await say_text(ana, "y el de 10?")
    assert ten.startswith("Extintor multipropósito ABC 10 lb\n$98.000"), ten
    assert "descuento" not in ten and "20 lb" not in ten and "galones" not in ten
    await say(ana, "me regala 2 del de 10 porfa")
    assert await cart_of(shop, 9605) == {"EXT-ABC-10": 2}


@pytest.mark.parametrize(
    "question", ["y si lo recojo yo?", "listo, paso a recogerlo", "¿puedo recoger en la tienda?"]
)
async def test_picking_up_at_the_shop_is_answered_with_where_it_is(
    shop: Harness, question: str
) -> None:
    """ "y si lo recojo yo?" used to get "No encontré productos para «recojo»"."""
    eva = shop.api.user(9606, first_name="Eva")
    reply = await say_text(eva, question)
    assert "recoger tu pedido en el local sin costo" in reply
    assert "Carrera 52 (Carabobo) # 38-47" in reply and "No encontré" not in reply


async def test_the_total_asked_with_a_delivery_includes_its_fee(shop: Harness) -> None:
    """ "¿cuánto me queda todo con domicilio a Sabaneta?" used to show the cart alone."""
    leo = shop.api.user(9607, first_name="Leo")
    await say(leo, "quiero 2 cascos blancos")
    reply = await say_text(leo, "cuanto me queda todo con domicilio a sabaneta?")
    assert "Para este pedido: Domicilio a Sabaneta: $15.000" in reply
    assert "El total con envío queda en $91.000" in reply and "Tu carrito" in reply
