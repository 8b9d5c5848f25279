"""Customers browse the catalog: categories as buttons, a category a page at a time, a
product's card with its photo (sent once, then by Telegram's file_id), short lists as albums.
End to end through the local Bot API server."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from aiohttp import web

from domain.model import NewPhoto, ProductPhoto
from tests.chat import cart_of, press, say, say_text
from tests.conftest import Harness, buttons


def png(width: int = 64, height: int = 48) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def words(messages: list[dict]) -> str:
    """What the customer reads: texts and photo captions."""
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)


def all_buttons(messages: list[dict]) -> dict[str, str]:
    found: dict[str, str] = {}
    for message in messages:
        found.update(buttons(message))
    return found


async def give_photo(shop: Harness, sku: str, **source: object) -> int:
    async with shop.app.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        await uow.photos.put([NewPhoto(product.id, **source)])  # type: ignore[arg-type]
        await uow.commit()
    return product.id


async def stored_photo(shop: Harness, product_id: int) -> ProductPhoto:
    async with shop.app.uow() as uow:
        return (await uow.photos.of([product_id]))[product_id]


async def test_what_do_you_sell_shows_the_categories_with_counts_a_page_at_a_time(
    shop: Harness,
) -> None:
    ana = shop.api.user(9301, first_name="Ana")
    shown = await say(ana, "¿qué venden?")
    labels = all_buttons(shown)
    assert "Extintores (8)" in labels and "Calzado de seguridad (7)" in labels
    assert "Trabajo en alturas (7)" not in labels  # the 11th category, on the next page
    assert all(len(data.encode()) <= 64 for data in labels.values())
    more = await press(ana, shown, "Más categorías")
    assert "Trabajo en alturas (7)" in all_buttons(more)
    back = await press(ana, more, "Anteriores")
    assert "Extintores (8)" in all_buttons(back)
    assert "Extintores (8)" in all_buttons(await say(ana, "/catalogo"))
    assert "Extintores (8)" in all_buttons(await say(ana, "¿qué categorías manejan?"))


async def test_a_category_lists_its_products_a_page_at_a_time_by_key(shop: Harness) -> None:
    ana = shop.api.user(9302, first_name="Ana")
    first = await press(ana, await say(ana, "/catalogo"), "Extintores")
    text = words(first)
    assert "Extintores — 8 disponibles" in text
    assert "$175.000" in text and "quedan 7" in text  # ABC 20 lb: price and stock
    labels = all_buttons(first)
    assert sum(label == "🛒 Agregar" for label in labels) >= 1
    assert len([data for data in labels.values() if data.startswith("view:")]) == 5
    second = await press(ana, first, "Siguientes")
    assert len([d for d in all_buttons(second).values() if d.startswith("view:")]) == 3
    assert not set(words(first).splitlines()[1:6]) & set(words(second).splitlines()[1:4])
    again = await press(ana, second, "Anteriores")
    assert words(again) == words(first)
    typed = await say(ana, "ver más")  # the next page of the list just shown
    assert words(typed) == words(second)


async def test_a_product_card_shows_its_photo_which_telegram_then_serves_by_id(
    shop: Harness,
) -> None:
    product_id = await give_photo(shop, "EXT-ABC-20", content=png())
    ana = shop.api.user(9303, first_name="Ana")
    listing = await press(ana, await say(ana, "/catalogo"), "Extintores")
    card = await press(ana, listing, "ABC 20 lb")
    [photo] = [m for m in card if m.get("photo")]
    assert "Extintor multipropósito ABC 20 lb" in photo["caption"]
    assert "$175.000" in photo["caption"] and "quedan 7" in photo["caption"]
    assert {"🛒 1", "🛒 2", "🛒 5"} <= set(buttons(photo))  # quantities on the card itself
    learnt = (await stored_photo(shop, product_id)).file_id
    assert learnt == photo["photo"][-1]["file_id"]

    await press(ana, listing, "ABC 20 lb")  # the card again
    sent = [params for method, params in shop.api.calls if method == "sendPhoto"]
    assert sent[-1]["photo"] == learnt  # by Telegram's id: not uploaded again

    await press(ana, [photo], "🛒 2")
    assert (await cart_of(shop, 9303)) == {"EXT-ABC-20": 2}


async def test_a_short_list_goes_as_an_album_then_the_text_with_its_buttons(
    shop: Harness,
) -> None:
    await give_photo(shop, "EXT-ABC-20", content=png())
    await give_photo(shop, "EXT-CO2-10", content=png(40, 40))
    ana = shop.api.user(9304, first_name="Ana")
    shown = await say(ana, "¿tienen extintores?")
    album = [m for m in shown if m.get("media_group_id")]
    assert len(album) == 2 and len({m["media_group_id"] for m in album}) == 1
    captions = " ".join(m["caption"] for m in album)
    assert "Extintor de CO2 10 lb — $395.000" in captions
    text = next(m for m in shown if m.get("text"))
    assert shown.index(text) > shown.index(album[-1])  # the list and its buttons after
    assert any(label.startswith("🛒") for label in buttons(text))


async def test_a_photo_telegram_cannot_fetch_never_costs_the_customer_the_text(
    shop: Harness, tmp_path: Path
) -> None:
    async def gone(_: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/{name}", gone)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        await give_photo(shop, "EXT-ABC-20", url=f"http://127.0.0.1:{port}/gone.jpg")
        ana = shop.api.user(9305, first_name="Ana")
        listing = await press(ana, await say(ana, "/catalogo"), "Extintores")
        card = await press(ana, listing, "ABC 20 lb")
        assert "$175.000" in words(card) and not any(m.get("photo") for m in card)
        assert "🛒 1" in all_buttons(card)
    finally:
        await runner.cleanup()


async def test_add_from_a_list_puts_one_unit_in_the_cart(shop: Harness) -> None:
    ana = shop.api.user(9306, first_name="Ana")
    listing = await press(ana, await say(ana, "/catalogo"), "Extintores")
    reply = await press(ana, listing, "🛒 Agregar")
    assert "carrito" in words(reply).lower()
    assert sum((await cart_of(shop, 9306)).values()) == 1


async def test_thanks_goodbyes_and_the_shops_own_greeting(shop: Harness) -> None:
    ana = shop.api.user(9307, first_name="Ana")
    hello = words(await say(ana, "hola"))
    assert hello.startswith("¡Hola, Ana!") and "Dotaciones El Guardián" in hello
    assert "gusto" in words(await say(ana, "muchas gracias, muy amable"))
    assert "buen día" in words(await say(ana, "chao, hasta luego"))


async def test_how_many_there_are_is_answered_with_the_units(shop: Harness) -> None:
    """ "¿cuántos hay?" after a list (or "cuantas unidades tienen", no mark) gets each
    product's units on sale now, not the list again with "disponible"."""
    ana = shop.api.user(9611, first_name="Ana")
    listed = await say_text(ana, "¿tienen cascos?")
    assert "Casco dieléctrico tipo II clase E blanco — $38.000 · disponible" in listed
    for question in ("¿cuántos hay?", "cuantas unidades tienen"):
        counted = await say_text(ana, question)
        assert "Casco dieléctrico tipo II clase E blanco — $38.000: 35 unidades" in counted, counted
    counted = await say_text(ana, "¿cuántos guantes de vaqueta hay?")  # naming the product
    assert "Guante de vaqueta tipo ingeniero — $14.000: 80 unidades" in counted, counted
