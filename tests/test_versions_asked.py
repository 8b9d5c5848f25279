"""A colour or size asked about the products just shown ("¿y en 43?", "¿tiene en amarillo?"):
the version that says it, else that there is none, with the versions there are — never the
same list again, never "43" read as 43 units."""

from __future__ import annotations

from tests.chat import cart_of, say, say_text
from tests.conftest import Harness


async def test_a_size_the_boot_does_not_come_in_is_said_with_the_sizes_there_are(
    shop: Harness,
) -> None:
    """ "¿y en 43?" after the boot in 42 used to offer 10 boots in 42 ("Solo tengo 10
    unidades…"): 43 was read as an amount."""
    ana = shop.api.user(9981, first_name="Ana")
    await say(ana, "hola quisiera saber si tienen botas punta de acero talla 42")
    reply = await say_text(ana, "y en 43?")
    assert reply.startswith("En 43 no lo tengo"), reply
    sizes = [line for line in reply.splitlines() if "Bota de seguridad punta de acero" in line]
    assert [line.split("talla ")[1][:2] for line in sizes] == ["38", "40", "41", "42", "44"]
    assert "Solo tengo" not in reply and await cart_of(shop, ana.id) == {}


async def test_a_size_the_boot_comes_in_shows_that_one(shop: Harness) -> None:
    leo = shop.api.user(9982, first_name="Leo")
    await say(leo, "botas punta de acero talla 42")
    reply = await say_text(leo, "¿la tienen en 44?")
    assert reply.startswith("Bota de seguridad punta de acero talla 44\n"), reply
    await say(leo, "2")
    assert await cart_of(shop, leo.id) == {"BOT-PA-44": 2}


async def test_a_colour_none_of_the_vests_comes_in_is_said_not_listed_again(
    shop: Harness,
) -> None:
    """ "¿tiene en amarillo?" after the reflective vests used to list the same five again."""
    eva = shop.api.user(9983, first_name="Eva")
    await say(eva, "busco chalecos reflectivos")
    reply = await say_text(eva, "tiene en amarillo?")
    assert reply.startswith("En amarillo no tengo ninguno de esos"), reply
    green = await say_text(eva, "y en verde?")
    assert green.startswith("Chaleco reflectivo verde limón con bolsillos\n"), green


async def test_a_colour_the_product_lacks_is_looked_for_among_its_kind(shop: Harness) -> None:
    """ "los azules" after the nitrile-coated glove used to say "En azules no lo tengo",
    though the disposable nitrile gloves are blue."""
    leo = shop.api.user(9984, first_name="Leo")
    await say(leo, "el guante recubierto en nitrilo cuanto vale")
    blue = await say_text(leo, "los azules")
    assert blue.startswith("Guantes de nitrilo desechables caja x 100\n"), blue
