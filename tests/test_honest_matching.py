"""Matching that says what it found: a product found only through its description is a
suggestion, a category's words bring its products in stock first, "sí" to "¿Te muestro otras
opciones?" shows them. End to end through the local Bot API server."""

from __future__ import annotations

from tests.chat import cart_of, press, say, say_text
from tests.conftest import Harness, texts_of


async def test_a_product_that_only_mentions_the_word_is_a_suggestion_not_the_thing(
    shop: Harness,
) -> None:
    ana = shop.api.user(9401, first_name="Ana")
    reply = await say_text(ana, "quiero comprar 10 martillos")
    assert "No tengo «martillos»" in reply
    assert "Gabinete metálico para extintor de 20 lb" in reply and "martillo" in reply
    assert "Puedo ofrecerte" not in reply and "¿Los llevas?" not in reply
    assert await cart_of(shop, 9401) == {}


async def test_a_category_in_words_brings_its_products_in_stock_first(shop: Harness) -> None:
    ana = shop.api.user(9402, first_name="Ana")
    reply = await say_text(ana, "necesito algo para proteger la cabeza")
    assert "agotó" not in reply and "Monja" not in reply  # the one sold-out item
    assert reply.count("Casco") >= 3
    first = reply.split("\n1. ", 1)[1].split("\n", 1)[0]
    assert "Camilla" not in first


async def test_yes_to_other_options_shows_them(shop: Harness) -> None:
    ana = shop.api.user(9403, first_name="Ana")
    offered = await say_text(ana, "quiero 10 extintores ABC de 20 libras")
    assert "¿Los llevas?" in offered  # only 7 left: an offer
    sold_out = await say_text(ana, "¿tienen monja ignífuga?")
    assert "agotó" in sold_out and "otras opciones" in sold_out
    options = await say_text(ana, "sí")
    assert "Casco" in options  # the same category, in stock
    assert await cart_of(shop, 9403) == {}  # the earlier offer was not what "sí" answered


async def test_how_many_are_there_asks_about_what_was_just_shown(shop: Harness) -> None:
    ana = shop.api.user(9404, first_name="Ana")
    assert "¿Qué producto" in await say_text(ana, "¿cuántos hay?")
    await say_text(ana, "¿tienen extintores de CO2?")
    assert "Extintor de CO2 10 lb" in await say_text(ana, "¿cuántos hay?")


async def test_a_question_asks_the_index_once_for_the_same_words(shop: Harness) -> None:
    """The finder, the category check and the shop-question check each search the customer's
    words: within one turn the index answers once for each (words, visible only) — the same
    products as before, in the same order."""
    index = shop.app.catalog.index
    asked: list[tuple[str, bool]] = []
    search = index.search

    def counted(query: str, k: int = 10, **options: object) -> list:
        asked.append((query, bool(options.get("visible_only", True))))
        return search(query, k, **options)

    index.search = counted  # type: ignore[method-assign]
    try:
        reply = await say_text(shop.api.user(8701, first_name="Ana"), "¿tienen extintores?")
    finally:
        del index.search
    assert "Extintor" in reply and "$" in reply
    assert asked and len(asked) == len(set(asked)), asked
    assert len(index.search("extintores", 3)) == 3  # the index itself still answers


async def test_a_measure_no_product_has_is_told_and_nothing_is_added(shop: Harness) -> None:
    """ "extintores de 30 libras" (the shop has 5, 10 and 20 lb) lists the nearest as such;
    "quiero 2 botas de caucho talla 46" no longer puts the one rubber boot in the cart: it is
    offered, and one tap adds the 2 asked for."""
    ana = shop.api.user(9711, first_name="Ana")
    nearest = await say_text(ana, "¿tienen extintores de 30 libras?")
    assert "No tengo «extintores 30 libras»" in nearest and "Extintor" in nearest
    exact = await say_text(ana, "¿tienen extintores de 10 libras?")
    assert "No tengo" not in exact and "Extintor multipropósito ABC 10 lb" in exact
    offered = await say(ana, "quiero 2 botas de caucho talla 46")
    assert "No tengo «botas caucho talla 46»" in texts_of(offered)
    assert await cart_of(shop, ana.id) == {}
    await press(ana, offered, "Bota de caucho")
    assert await cart_of(shop, ana.id) == {"BOT-CAU-PA": 2}


async def test_buying_names_the_products_that_say_every_word_asked(shop: Harness) -> None:
    """ "una sola caja de guantes de nitrilo" used to list every glove of the category (and
    "sola" was searched for)."""
    eva = shop.api.user(9931, first_name="Eva")
    reply = await say(eva, "quiero una sola caja de guantes de nitrilo")
    said = texts_of(reply)
    assert "Guantes de nitrilo desechables caja x 100" in said
    assert "Guante de poliéster recubierto en nitrilo" in said
    assert "vaqueta" not in said and "carnaza" not in said and "sola" not in said
    await press(eva, reply, "desechables")
    assert await cart_of(shop, eva.id) == {"GUA-NIT-100": 1}


async def test_a_colour_or_size_asked_next_is_about_the_products_just_shown(
    shop: Harness,
) -> None:
    """ "¿el azul talla L hay?" right after the overol used to list gloves, a vest and a neck
    brace (the catalog searched for «azul talla l»)."""
    leo = shop.api.user(9932, first_name="Leo")
    await say(leo, "necesito overoles")
    overol = await say_text(leo, "el azul talla L hay?")
    assert "Overol en dril con cintas reflectivas" in overol and "tallas S a XXL" in overol
    assert "Guantes" not in overol and "Collar" not in overol
    await say(leo, "¿tienen cascos?")
    white = await say_text(leo, "¿y en blanco?")
    assert "Casco dieléctrico tipo II clase E blanco" in white and "amarillo" not in white


async def test_another_product_named_after_y_is_searched_on_its_own(shop: Harness) -> None:
    """ "y unas gafas de seguridad" after the white helmets used to search «casco blanco gafas
    de seguridad» and list the helmets among the glasses."""
    eva = shop.api.user(9933, first_name="Eva")
    await say(eva, "quiero 2 cascos blancos")
    glasses = await say_text(eva, "y unas gafas de seguridad")
    assert "Gafas de seguridad lente claro" in glasses
    assert "Casco" not in glasses.split("Tu carrito")[0].split("También te puede")[0]


async def test_a_list_holds_what_was_asked_and_its_kind_not_what_shares_an_adjective(
    shop: Harness,
) -> None:
    """ "gafas de seguridad" used to list safety boots after the glasses."""
    leo = shop.api.user(9934, first_name="Leo")
    glasses = await say_text(leo, "gafas de seguridad")
    assert "Gafas de seguridad lente oscuro" in glasses and "Monogafas" in glasses
    assert "Bota" not in glasses


async def test_a_comparison_shows_each_product_with_its_description(shop: Harness) -> None:
    """ "¿qué diferencia hay entre el guante de carnaza y el de vaqueta?" used to list five
    products by name and price only."""
    eva = shop.api.user(9935, first_name="Eva")
    reply = await say_text(eva, "que diferencia hay entre el guante de carnaza y el de vaqueta?")
    assert reply.startswith("Así se comparan:")
    assert "Guante de 14 pulgadas con refuerzo para soldadura" in reply
    assert "Guante en cuero de vaqueta para trabajo pesado" in reply
    assert "Guantes dieléctricos" not in reply
    two = await say_text(eva, "cuál es mejor, el casco blanco o el de alturas?")
    assert "Casco para trabajo en alturas con barbuquejo" in two and "amarillo" not in two


async def test_a_recommendation_for_a_use_is_framed_as_what_serves_it(shop: Harness) -> None:
    """ "¿cuál me recomiendas para soldadura?" used to answer "No tengo «recomiendas
    soldadura» como tal"."""
    leo = shop.api.user(9936, first_name="Leo")
    reply = await say_text(leo, "cual me recomiendas para soldadura?")
    assert reply.startswith("Para soldadura te puede servir:")
    assert "Careta para soldar fotosensible" in reply and "No tengo" not in reply


async def test_the_small_and_the_big_one_are_picked_by_the_measure_in_the_names(
    shop: Harness,
) -> None:
    """ "ok el pequeño" after the extinguishers used to quote the shop's vision ("pequeñas
    empresas"); a 3.700 g one and a 10 lb one compare as weights, gallons apart."""
    eva = shop.api.user(9937, first_name="Eva")
    await say(eva, "tienen extintores?")
    small = await say_text(eva, "ok el pequeño")
    assert small.startswith("Extintor multipropósito ABC 5 lb") and "Visión" not in small
    await say(eva, "tienen extintores?")
    big = await say_text(eva, "y el más grande?")
    assert big.startswith("Extintor multipropósito ABC 20 lb")


async def test_a_product_named_in_full_is_shown_alone(shop: Harness) -> None:
    """ "a cómo tiene el casco blanco?" used to list every helmet and the chin strap;
    "¿tienen arnés?" the harness and a stretcher whose description mentions one."""
    ana = shop.api.user(9938, first_name="Ana")
    white = await say_text(ana, "a cómo tiene el casco blanco?")
    assert white.startswith("Casco dieléctrico tipo II clase E blanco\n$38.000")
    assert "amarillo" not in white and "Barbuquejo" not in white
    harness = await say_text(ana, "tienen arnés?")
    assert harness.startswith("Arnés de cuerpo completo 4 argollas") and "Camilla" not in harness
    assert "Listo ✅ Agregué 2 × Arnés" in await say_text(ana, "dame 2")


async def test_a_detail_asked_of_the_product_shown_is_answered_from_its_description(
    shop: Harness,
) -> None:
    """ "¿es certificado?" after the overall used to quote the shop's mission; "¿de qué
    material es?" listed gloves."""
    leo = shop.api.user(9939, first_name="Leo")
    await say(leo, "me muestras el overol")
    sizes = await say_text(leo, "qué tallas tiene?")
    overall = "Overol en dril con cintas reflectivas"
    assert sizes == f"{overall}: Overol enterizo de manga larga en dril, tallas S a XXL."
    unsaid = await say_text(leo, "es certificado?")
    assert unsaid.startswith("Su ficha no lo dice.") and "604 444 5821" in unsaid
    assert "Misión" not in unsaid
    helmet = await say_text(leo, "y el casco blanco de qué material es?")
    assert "Casco dieléctrico tipo II clase E blanco" in helmet and "amarillo" not in helmet
    assert "Listo ✅ Agregué 3 × Casco dieléctrico tipo II clase E blanco" in await say_text(
        leo, "dame 3"
    )


async def test_another_colour_or_size_of_the_product_shown_lists_its_other_versions(
    shop: Harness,
) -> None:
    """ "¿tienen en otro color?" after the yellow helmet used to show the yellow one again."""
    eva = shop.api.user(9940, first_name="Eva")
    await say(eva, "quiero 1 casco amarillo")
    other = await say_text(eva, "tienen en otro color?")
    assert other.startswith("Además de Casco dieléctrico tipo II clase E amarillo, tengo:")
    assert "1. Casco dieléctrico tipo II clase E blanco" in other
    await say(eva, "me muestras el overol")
    sizes = await say_text(eva, "hay otras tallas?")
    assert "tallas S a XXL" in sizes


async def test_a_material_the_shop_does_not_have_is_said_before_the_nearest(
    shop: Harness,
) -> None:
    """ "¿tienen guantes de látex?" used to list the gloves as if they were latex; "quiero
    guantes de látex" offered them to pick as the thing asked for."""
    eva = shop.api.user(9949, first_name="Eva")
    asked = await say_text(eva, "tienen guantes de látex?")
    assert asked.startswith("No tengo «guantes látex»") and "Guante de vaqueta" in asked
    wanted = await say_text(eva, "quiero guantes de latex")
    assert wanted.startswith("No tengo «guantes latex»") and await cart_of(shop, eva.id) == {}


async def test_a_product_asked_next_is_not_padded_with_what_comes_with_it(
    shop: Harness,
) -> None:
    """ "¿y el soporte?" after the extinguishers used to list the bracket and three
    extinguishers whose descriptions say "con soporte"."""
    leo = shop.api.user(9948, first_name="Leo")
    await say(leo, "hola, cuanto cuesta el extintor de 10 libras y el de 20?")
    bracket = await say_text(leo, "y el soporte?")
    assert bracket.startswith("Soporte de pared para extintor\n"), bracket
