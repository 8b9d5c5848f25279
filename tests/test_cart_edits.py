"""Cart edits mean what the customer says, also in the middle of the checkout, and Colombian
addresses are taken as people write them (issue 13, points 4 and 5).

End to end through the local Bot API server.
"""

from __future__ import annotations

import pytest

from domain.language.reading import split_items
from domain.model import Order
from tests.chat import press, say, say_text
from tests.conftest import Harness, texts_of


async def cart_of(shop: Harness, chat_id: int) -> dict[str, int]:
    async with shop.app.uow() as uow:
        cart: Order | None = await uow.orders.get_cart(chat_id)
    return {line.sku: line.quantity for line in cart.lines} if cart else {}


async def test_more_adds_to_the_line_and_says_how_many_there_are_now(shop: Harness) -> None:
    ana = shop.api.user(7701, first_name="Ana")
    await say(ana, "quiero 10 cascos dieléctricos blancos")
    reply = await say_text(ana, "agrégueme 2 cascos blancos más")
    assert "ahora tienes 12 × Casco dieléctrico tipo II clase E blanco" in reply
    assert await cart_of(shop, ana.id) == {"CAS-DIEL-BL": 12}
    reply = await say_text(ana, "que sean 5")
    assert "Ahora tienes 5 × Casco dieléctrico" in reply and "antes 12" in reply
    assert await cart_of(shop, ana.id) == {"CAS-DIEL-BL": 5}
    await say(ana, "uno más")
    assert await cart_of(shop, ana.id) == {"CAS-DIEL-BL": 6}


async def test_removing_some_leaves_the_rest(shop: Harness) -> None:
    luis = shop.api.user(7702, first_name="Luis")
    await say(luis, "quiero 4 chalecos reflectivos naranja")
    await say(luis, "y 3 guantes de vaqueta tipo ingeniero")
    reply = await say_text(luis, "quíteme un chaleco")
    assert "quité 1 × Chaleco reflectivo naranja; ahora tienes 3" in reply
    assert await cart_of(shop, luis.id) == {"ROP-CHAL-NAR": 3, "GUA-VAQ-ING": 3}
    reply = await say_text(luis, "sin los guantes")
    assert "quité Guante de vaqueta tipo ingeniero" in reply
    assert await cart_of(shop, luis.id) == {"ROP-CHAL-NAR": 3}


async def test_ways_of_saying_lets_finish_start_the_checkout(shop: Harness) -> None:
    for n, words in enumerate(("listo, finalicemos", "ya, eso es todo. finalizar")):
        customer = shop.api.user(7703 + n, first_name="Eva")
        await say(customer, "quiero 2 chalecos reflectivos naranja")
        assert "cédula" in await say_text(customer, words)


async def test_a_cart_edit_at_the_cedula_step_is_made_and_the_step_resumes(shop: Harness) -> None:
    eva = shop.api.user(7710, first_name="Eva")
    await say(eva, "quiero 2 chalecos reflectivos naranja")
    await say(eva, "y 3 cascos dieléctricos blancos")
    cart = await say(eva, "listo")
    if "cédula" not in texts_of(cart):
        await press(eva, cart, "Finalizar")
    reply = await say_text(eva, "quita los cascos")
    assert "no parece válida" not in reply and "quité Casco dieléctrico" in reply
    assert "Sigamos con tu pedido" in reply and "cédula" in reply
    assert await cart_of(shop, eva.id) == {"ROP-CHAL-NAR": 2}
    reply = await say_text(eva, "agrégame 1 chaleco naranja más")
    assert "ahora tienes 3 × Chaleco reflectivo naranja" in reply and "cédula" in reply
    assert "nombre" in (await say_text(eva, "1020345611")).lower()  # the cédula was taken


async def to_address_step(shop: Harness, user_id: int):  # noqa: ANN201
    customer = shop.api.user(user_id, first_name="Rosa")
    cart = await say(customer, "quiero 2 chalecos reflectivos naranja")
    await press(customer, cart, "Finalizar")
    for answer in (str(43100000 + user_id), "Rosa Gómez", "3104445566"):
        await say(customer, answer)
    return customer


async def test_rural_addresses_and_directions_are_accepted(shop: Harness) -> None:
    for n, address in enumerate(
        ("Vereda La Clara, finca Los Naranjos, Guarne", "por la iglesia, casa azul de dos pisos")
    ):
        rosa = await to_address_step(shop, 7720 + n)
        reply = await say_text(rosa, address)
        assert "¿en qué municipio" in reply.lower(), reply  # the next question, not "invalid"
        reply = await say_text(rosa, "Guarne")  # no zone of the shop: by carrier, once sure
        if address.startswith("Vereda"):  # the address said Guarne already: sure
            assert "¿Guarne es tu barrio" not in reply, reply
        else:
            assert "¿Guarne es tu barrio o un municipio?" in reply, reply
            reply = await say_text(rosa, "sí")
        # the vereda is the rural address's neighbourhood; directions have none
        asked = "indicación" if address.startswith("Vereda") else "¿en qué barrio"
        assert asked in reply.lower(), reply


async def test_pickup_said_at_the_address_step_skips_the_address(shop: Harness) -> None:
    rosa = await to_address_step(shop, 7730)
    reply = await say(rosa, "no, mejor lo recojo en el local")
    assert "no necesito dirección" in texts_of(reply)
    summary = texts_of(await press(rosa, reply, "Omitir"))
    assert "Recoges en el local: gratis" in summary and "Total: $30.000" in summary


async def test_pairs_are_counted_as_the_shop_sells_them_and_the_total_is_asked_in_words(
    shop: Harness,
) -> None:
    """Boots are sold by the pair: "un par de botas" is one, "mejor 1 solo par" brings the line
    back to one (before, "par" found the PARE sign and added it); "¿cuánto es el total?" and
    "¿cuánto debo?" show the cart (before: "No encontré productos para «total»")."""
    eva = shop.api.user(7720, first_name="Eva")
    await say(eva, "quiero un par de botas punta de acero talla 40")
    assert await cart_of(shop, eva.id) == {"BOT-PA-40": 1}
    await say(eva, "mejor que sean 2")
    reply = await say_text(eva, "mejor 1 solo par")
    assert "Ahora tienes 1 × Bota de seguridad punta de acero talla 40" in reply, reply
    assert await cart_of(shop, eva.id) == {"BOT-PA-40": 1}
    for question in ("¿cuánto es el total?", "cuanto debo"):
        total = await say_text(eva, question)
        assert "Tu carrito" in total and "Total: $135.000" in total, question


async def test_the_last_order_is_repeated_at_todays_prices_as_far_as_there_is_stock(
    shop: Harness,
) -> None:
    """ "quiero lo mismo de la vez pasada" (issue found in make chat: "No encontré productos
    para «pasada»") puts the last order's lines in the cart; what is no longer sold is said.
    "hola de nuevo" is a greeting, not a search for «nuevo»."""
    from tests.test_order_delivery import orders_of, to_summary

    first = await say_text(
        shop.api.user(7730, first_name="Eva"), "quiero lo mismo de la vez pasada"
    )
    assert "Aún no tienes pedidos conmigo" in first
    eva, summary = await to_summary(shop, 7731)
    await press(eva, summary, "Confirmar")
    (order,) = await orders_of(shop, eva.id)
    assert "¡Hola" in await say_text(eva, "hola de nuevo")
    async with shop.app.uow() as uow:  # the price changed since
        product = await uow.products.get_by_sku("EXT-ABC-10")
        assert product is not None
        await uow.products.edit(product.id, price_minor=99_000_00)
        await uow.commit()
    again = await say_text(eva, "quiero lo mismo de la vez pasada")
    assert f"te pongo lo de tu pedido #{order.id}" in again
    assert "2 × Extintor multipropósito ABC 10 lb — $198.000" in again, again
    assert await cart_of(shop, eva.id) == {"EXT-ABC-10": 2}
    await say_text(eva, "vacía el carrito")
    async with shop.app.uow() as uow:  # no longer sold
        await uow.products.edit(product.id, active=False)
        await uow.commit()
    gone = await say_text(eva, "repetir mi último pedido")
    assert "Ya no tengo Extintor multipropósito ABC 10 lb" in gone, gone
    assert await cart_of(shop, eva.id) == {}


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "necesito dotación para 10 trabajadores: overol, botas y casco",
            ["10 overol", "10 botas", "10 casco"],
        ),
        ("overoles y cascos para 4 operarios", ["4 overoles", "4 cascos"]),
        (  # a size is no amount of its own
            "necesito dotación para 5 trabajadores: botas talla 40, overoles y guantes",
            ["5 botas talla 40", "5 overoles", "5 guantes"],
        ),
        (
            "10 overoles, 10 pares de botas y 10 cascos",
            ["10 overoles", "10 pares de botas", "10 cascos"],
        ),
        ("cascos para 10 trabajadores", ["cascos para 10 trabajadores"]),  # one product: as is
        ("guantes de nitrilo y vaqueta", ["guantes de nitrilo y vaqueta"]),  # no amount: one ask
    ],
)
def test_an_order_for_each_worker_is_split_into_its_products(text: str, items: list[str]) -> None:
    assert split_items(text) == items


async def test_a_kit_for_ten_workers_asks_each_product_in_turn(shop: Harness) -> None:
    """ "necesito dotación para 10 trabajadores: overol, botas y casco" (the shop's everyday
    order) used to list a mix of products with none added: now 10 of each, in turn."""
    ana = shop.api.user(7740, first_name="Ana")
    reply = await say_text(ana, "necesito dotación para 10 trabajadores: overol, botas y casco")
    assert "Agregué 10 × Overol en dril con cintas reflectivas" in reply, reply
    assert "Bota de seguridad punta de acero talla 40" in reply  # which boots: asked
    assert "sigo con: 10 casco" in reply
    assert await cart_of(shop, ana.id) == {"ROP-OVEROL": 10}


async def test_removing_cones_removes_the_cones_not_a_vest_that_says_con(shop: Harness) -> None:
    """ "quita los conos" used to remove the vests: "conos" stems to "con", and the vest's
    description says "con cintas reflectivas"."""
    leo = shop.api.user(7741, first_name="Leo")
    await say(leo, "quiero 3 chalecos naranja y 2 conos")
    reply = await say_text(leo, "quita los conos")
    assert "quité Cono vial reflectivo de 70 cm" in reply
    assert await cart_of(shop, leo.id) == {"ROP-CHAL-NAR": 3}


async def test_units_taken_off_raised_or_added_in_the_customers_words(shop: Harness) -> None:
    """ "quita 3" without the product set the line to 3, "quítame 2" (with 1) raised it to 2,
    "también quiero 5 chalecos" replaced 15 with 5, "bájale a 19", "réstale 2" and "uno
    menos" were product searches or not understood."""
    leo = shop.api.user(7790, first_name="Leo")
    await say(leo, "quiero 15 chalecos reflectivos naranja")
    more = await say_text(leo, "también quiero 5 chalecos reflectivos naranja")
    assert "ahora tienes 20 × Chaleco reflectivo naranja" in more
    assert "quité 3 × Chaleco reflectivo naranja; ahora tienes 17" in await say_text(leo, "quita 3")
    assert "Ahora tienes 19 × Chaleco" in await say_text(leo, "súbele a 19")
    assert "Ahora tienes 12 × Chaleco" in await say_text(leo, "bájale a 12")
    assert "ahora tienes 10" in await say_text(leo, "réstale 2")
    assert "ahora tienes 9" in await say_text(leo, "uno menos")
    assert await cart_of(shop, leo.id) == {"ROP-CHAL-NAR": 9}


async def test_what_only_looks_like_a_cart_edit_leaves_the_cart_alone(shop: Harness) -> None:
    """From the review: "también déjalos en 10" added 10 (it sets them); "y los guantes, uno
    menos" took the gloves out; "bájale a 12 mil" (a haggle) asked how many units."""
    eva = shop.api.user(7791, first_name="Eva")
    await say(eva, "quiero 15 chalecos reflectivos naranja")
    assert "Ahora tienes 10 × Chaleco" in await say_text(eva, "también déjalos en 10")
    await say(eva, "quiero 5 guantes de vaqueta")
    await say(eva, "y los guantes, uno menos")
    await say(eva, "bájale a 12 mil")
    assert await cart_of(shop, eva.id) == {"ROP-CHAL-NAR": 10, "GUA-VAQ-ING": 5}


async def test_units_taken_off_after_asking_about_another_product_come_off_the_cart(
    shop: Harness,
) -> None:
    """ "quita 3" right after "¿tienen guantes de vaqueta?" added 3 gloves."""
    mia = shop.api.user(7792, first_name="Mia")
    await say(mia, "quiero 30 chalecos reflectivos naranja")
    await say(mia, "¿tienen guantes de vaqueta?")
    assert "quité 3 × Chaleco reflectivo naranja" in await say_text(mia, "quita 3")
    assert await cart_of(shop, mia.id) == {"ROP-CHAL-NAR": 27}
