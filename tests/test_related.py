"""After an add to the cart the customer sees up to three products in stock that "también te
pueden servir": first what other customers bought with it, then its category; the owner can
turn it off in the shop profile. End to end through the local Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doubles.telegram import LocalBotAPI
from tests.chat import cart_of, press, say
from tests.conftest import DATA_DIR, Harness, copy_database, make_settings, polling_bot, texts_of
from tests.test_browse import all_buttons

RELATED = "También te puede servir"


def suggested(messages: list[dict]) -> list[str]:
    """The related products' lines, in order."""
    text = texts_of(messages)
    if RELATED not in text:
        return []
    block = text.split(RELATED, 1)[1].split("\n\n", 1)[0]
    return [line[2:] for line in block.splitlines() if line.startswith("• ")]


async def test_an_add_suggests_in_stock_products_of_its_category_with_add_buttons(
    shop: Harness,
) -> None:
    """Not the same helmet in yellow: a customer who chose white needs no other colour (nor
    a boot of size 40 another size)."""
    ana = shop.api.user(9401, first_name="Ana")
    cart = await say(ana, "quiero 1 casco de seguridad blanco")
    lines = suggested(cart)
    assert [line.split(" — ")[0] for line in lines] == [
        "Barbuquejo elástico de 3 puntos",
        "Casco para trabajo en alturas con barbuquejo",
    ], texts_of(cart)
    category = await categories_of(shop)
    names = [line.split(" — ")[0] for line in lines]
    assert {category[name] for name in names} == {
        category["Casco dieléctrico tipo II clase E blanco"]
    }, names
    assert (
        "Casco dieléctrico tipo II clase E blanco" not in names
    )  # not what is already in the cart
    labels = [label for label in all_buttons(cart) if label.startswith("➕")]
    assert len(labels) == 2
    await press(ana, cart, labels[0])
    assert len(await cart_of(shop, ana.id)) == 2


async def test_what_others_bought_together_comes_first(shop: Harness) -> None:
    bob = shop.api.user(9402, first_name="Bob")
    cart = await say(bob, "quiero 1 casco de seguridad blanco y 1 botiquín portátil para vehículo")
    summary = await press(bob, cart, "Finalizar")
    for answer in ("52345611", "Bob Díaz", "3109876500", "Calle 10 # 43-12", "Medellín"):
        summary = await say(bob, answer)
    summary = await press(bob, await say(bob, "Laureles"), "Omitir")
    assert "confirmado" in texts_of(await press(bob, summary, "Confirmar"))

    ana = shop.api.user(9403, first_name="Ana")
    lines = suggested(await say(ana, "quiero 1 casco de seguridad blanco"))
    assert lines and "Botiquín portátil" in lines[0], lines


async def categories_of(shop: Harness) -> dict[str, str]:
    async with shop.app.uow() as uow:
        return {p.name: p.category for p in await uow.products.list_all()}


@pytest.fixture
async def quiet_shop(api: LocalBotAPI, tmp_path: Path, sample_db: Path) -> AsyncIterator[Harness]:
    """The sample shop with related products turned off."""
    copy_database(sample_db, tmp_path / "shop.db")
    profile = tmp_path / "shop.toml"  # a top-level key goes before the first table
    profile.write_text("related_products = false\n" + (DATA_DIR / "shop.toml").read_text("utf-8"))
    async with polling_bot(api, make_settings(tmp_path, api.base_url, shop_profile=profile)) as h:
        yield h


async def test_the_owner_can_turn_suggestions_off(quiet_shop: Harness) -> None:
    ana = quiet_shop.api.user(9404, first_name="Ana")
    cart = await say(ana, "quiero 1 casco de seguridad blanco")
    assert "casco" in texts_of(cart).lower() and not suggested(cart)


async def test_other_sizes_of_the_boot_added_are_not_suggested(shop: Harness) -> None:
    leo = shop.api.user(9409, first_name="Leo")
    lines = suggested(await say(leo, "quiero 2 botas punta de acero talla 40"))
    assert lines and not any("punta de acero talla" in line for line in lines), lines


async def test_what_goes_with_it_comes_before_another_of_the_same_kind(shop: Harness) -> None:
    """After an extinguisher: its cabinet and wall bracket, before other extinguishers."""
    eva = shop.api.user(9410, first_name="Eva")
    lines = suggested(await say(eva, "quiero 2 extintores ABC de 10 libras"))
    names = [line.split(" — ")[0] for line in lines]
    assert names[:2] == [
        "Gabinete metálico para extintor de 20 lb",
        "Soporte de pared para extintor",
    ]


async def test_a_boot_gets_one_other_boot_at_most_not_three_sizes_of_one(shop: Harness) -> None:
    """After the rubber boots the suggestions used to be the safety boot in 38, 40 and 41."""
    leo = shop.api.user(9411, first_name="Leo")
    lines = suggested(await say(leo, "quiero 2 botas de caucho"))
    assert len([line for line in lines if line.startswith("Bota")]) <= 1, lines
