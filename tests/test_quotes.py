"""A quote ("cotización") is the cart with its delivery and total, in the chat."""

from __future__ import annotations

from tests.chat import cart_of, say, say_text
from tests.conftest import Harness


async def test_a_quote_is_the_cart_with_the_delivery_to_the_town_named(shop: Harness) -> None:
    """ "cotízame eso con envío a Bello" used to get the whole delivery policy, and "¿me
    pueden enviar la cotización en PDF?" the policy too ("enviar")."""
    ana = shop.api.user(9961, first_name="Ana")
    await say(ana, "quiero 3 cascos blancos")
    quote = await say_text(ana, "cotízame eso con envío a Bello")
    assert "🧾 Tu cotización:\n• 3 × Casco dieléctrico tipo II clase E blanco — $114.000" in quote
    assert "Domicilio a Bello: $15.000. El total con envío queda en $129.000" in quote
    assert "Hacemos domicilios" not in quote
    pdf = await say_text(ana, "¿me pueden enviar la cotización en PDF?")
    assert "El total con envío queda en $126.000" in pdf  # to the shop's city
    assert "si la necesitas en PDF, pídela a la tienda: 604 444 5821" in pdf
    assert await cart_of(shop, ana.id) == {"CAS-DIEL-BL": 3}


async def test_a_quote_asked_with_an_empty_cart_says_how_to_get_one(shop: Harness) -> None:
    leo = shop.api.user(9962, first_name="Leo")
    reply = await say_text(leo, "necesito una cotización")
    assert "Dime qué productos y cuántas unidades necesitas" in reply
    assert "No encontré" not in reply


async def test_prices_of_several_amounts_with_other_questions_in_one_message(
    shop: Harness,
) -> None:
    """A long message asking the price of 10 overalls and 10 boots in 41, the factura and
    the delivery to Itagüí used to get the factura and the delivery policy only: the
    products were lost, and Itagüí's fee was not said. "sí" then puts the priced items in
    the cart (the 9 boots there are)."""
    ana = shop.api.user(9999, first_name="Ana")
    reply = await say_text(
        ana,
        "Hola buenas tardes. Quisiera saber precio de 10 overoles talla L y 10 pares de botas "
        "talla 41, tienen factura electronica? y cuanto demora el envio a Itagüí",
    )
    assert "10 × Overol en dril con cintas reflectivas: $950.000" in reply
    assert "Bota de seguridad punta de acero talla 41: solo quedan 9" in reply
    assert "Total: $2.165.000" in reply
    assert "factura electrónica" in reply and "Domicilio a Itagüí: $15.000" in reply
    assert await cart_of(shop, ana.id) == {}
    await say(ana, "sí")
    assert await cart_of(shop, ana.id) == {"ROP-OVEROL": 10, "BOT-PA-41": 9}
