"""Questions about an amount: "¿tienen 10 cascos blancos?" is answered with whether there
are that many, and nothing goes in the cart until the customer says so."""

from __future__ import annotations

from tests.chat import cart_of, press, say, say_text
from tests.conftest import Harness


async def test_an_amount_asked_of_one_product_is_offered_with_its_total(shop: Harness) -> None:
    """It used to list four helmets and a chin strap as "disponible", the 10 unanswered."""
    ana = shop.api.user(9951, first_name="Ana")
    offer = await say(ana, "¿tienen 10 cascos blancos?")
    assert "Sí, tengo 10 de Casco dieléctrico tipo II clase E blanco" in offer[-1]["text"]
    assert "$380.000 en total" in offer[-1]["text"]
    assert await cart_of(shop, ana.id) == {}
    await press(ana, offer, "Sí, los llevo")
    assert await cart_of(shop, ana.id) == {"CAS-DIEL-BL": 10}


async def test_an_amount_over_the_stock_offers_what_there_is(shop: Harness) -> None:
    leo = shop.api.user(9952, first_name="Leo")
    reply = await say_text(leo, "¿tienen 3 líneas de vida horizontales?")
    assert "Solo me queda 1 unidad de Línea de vida horizontal portátil de 20 m" in reply
    assert await cart_of(shop, leo.id) == {}


async def test_an_amount_asked_of_several_says_each_ones_stock_and_a_tap_adds_it(
    shop: Harness,
) -> None:
    eva = shop.api.user(9953, first_name="Eva")
    listing = await say(eva, "¿tienen 4 guantes?")
    text = listing[-1]["text"]
    assert "Para 4 unidades:" in text and "agrego 4 al carrito" in text
    assert "Guantes dieléctricos clase 0 (1.000 V) — $320.000 · solo quedan 3" in text
    assert "Guante de carnaza largo para soldador — $24.000 · ✅ hay 4" in text
    assert await cart_of(shop, eva.id) == {}
    await press(eva, listing, "carnaza")
    assert await cart_of(shop, eva.id) == {"GUA-VAQ-SOLD": 4}


async def test_where_the_stock_is_kept_is_not_searched_as_a_product(shop: Harness) -> None:
    """ "¿tienen en bodega 10 arneses?" used to list 10-pound extinguishers first."""
    leo = shop.api.user(9954, first_name="Leo")
    reply = await say_text(leo, "¿tienen en bodega 10 arneses?")
    assert "Sí, tengo 10 de Arnés de cuerpo completo 4 argollas" in reply
    assert "Extintor" not in reply
