"""Stock from a file that is out of date (issue 14, point 3): the owner chooses between
setting stock and adding to it ("entrada de mercancía"); a file that would raise the stock
of products sold since the last import lists them with the units sold since and asks first.
End to end through the local Bot API server."""

from __future__ import annotations

from tests.conftest import Harness, button_data, texts_of
from tests.test_order_life import confirmed
from tests.test_owner import owner_of, product, upload

OLD_FILE = b"sku;stock\nEXT-ABC-10;24\n"  # what the shop had before the sale


async def sold_two(shop: Harness) -> None:
    await confirmed(shop, 8601)  # a customer buys 2 EXT-ABC-10 (24 -> 22)
    assert (await product(shop, "EXT-ABC-10")).stock == 22


async def test_an_old_file_after_a_sale_asks_and_can_be_set_anyway(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    await owner.send_document("inventario_viejo.csv", OLD_FILE, caption="actualizar")
    asked = await owner.replies()
    text = texts_of(asked)
    assert "subiría el stock de 1 productos que se vendieron desde la última carga" in text
    assert "EXT-ABC-10: tienes 22, el archivo dice 24; vendidos desde entonces: 2" in text
    assert (await product(shop, "EXT-ABC-10")).stock == 22  # nothing changed yet
    await owner.press(*button_data(asked, "Fijar el stock del archivo igual"))
    assert "Inventario aplicado" in texts_of(await owner.replies(min_count=0))
    assert (await product(shop, "EXT-ABC-10")).stock == 24


async def test_the_same_file_can_be_added_as_goods_that_arrived(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    await owner.send_document("llegada.csv", OLD_FILE, caption="actualizar")
    asked = await owner.replies()
    await owner.press(*button_data(asked, "Entrada de mercancía"))
    summary = texts_of(await owner.replies(min_count=0))
    assert "stock en 1" in summary
    assert (await product(shop, "EXT-ABC-10")).stock == 22 + 24


async def test_a_caption_entrada_adds_without_asking(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    summary = await upload(
        owner, "entrada.csv", b"sku;stock\nEXT-ABC-10;5\n", caption="entrada de mercancía"
    )
    assert "Inventario aplicado" in summary
    assert (await product(shop, "EXT-ABC-10")).stock == 27


async def test_a_file_lowering_stock_or_untouched_products_does_not_ask(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    summary = await upload(owner, "conteo.csv", b"sku;stock\nEXT-ABC-10;20\n", caption="actualizar")
    assert "Inventario aplicado" in summary
    assert (await product(shop, "EXT-ABC-10")).stock == 20


async def test_a_replace_stays_a_replace_through_both_questions(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    await owner.send_document(
        "viejo.csv", b"sku;nombre;precio;stock\nEXT-ABC-10;E;98.000;24\n", caption="reemplazar"
    )
    stale = await owner.replies()
    assert "vendidos desde entonces: 2" in texts_of(stale)
    await owner.press(*button_data(stale, "Fijar el stock del archivo igual"))
    big = await owner.replies(min_count=0)
    assert "ocultaría" in texts_of(big)  # still a replace: now the other question
    await owner.press(*button_data(big, "Sí, reemplazar y ocultar"))
    done = texts_of(await owner.replies(min_count=0))
    assert "desactivados" in done
    assert (await product(shop, "EXT-ABC-10")).stock == 24
    assert not (await product(shop, "EXT-SOP-PARED")).active


async def test_the_same_entrada_is_never_added_twice(shop: Harness) -> None:
    """A replayed update (after a crash) or a double tap applies an upload once."""
    from domain.owner import UploadChoice

    async def quiet(_: str) -> None:
        return None

    choice = UploadChoice(add_stock=True)
    once = choice.once(900, 77)
    desk = shop.app.desk
    first = await desk.import_file(b"sku;stock\nEXT-ABC-10;5\n", "entrada.csv", choice,
                                   progress=quiet, once=once)  # fmt: skip
    again = await desk.import_file(b"sku;stock\nEXT-ABC-10;5\n", "entrada.csv", choice,
                                   progress=quiet, once=once)  # fmt: skip
    assert first.ok and not again.ok and "ya se aplicó" in again.text
    assert (await product(shop, "EXT-ABC-10")).stock == 24 + 5


async def test_the_guard_counts_sales_since_each_products_own_last_import(shop: Harness) -> None:
    owner = await owner_of(shop)
    await sold_two(shop)
    await owner.replies()
    # A price file for another product does not hide EXT-ABC-10's sale...
    await upload(owner, "precios.csv", b"sku;precio\nEXT-ABC-05;70.000\n", caption="actualizar")
    await owner.send_document("viejo.csv", OLD_FILE, caption="actualizar")
    assert "vendidos desde entonces: 2" in texts_of(await owner.replies())
    # ...while a count of EXT-ABC-10 itself is its new starting point.
    await upload(owner, "conteo.csv", b"sku;stock\nEXT-ABC-10;21\n", caption="actualizar")
    summary = await upload(owner, "nuevo.csv", b"sku;stock\nEXT-ABC-10;30\n", caption="actualizar")
    assert "Inventario aplicado" in summary
    assert (await product(shop, "EXT-ABC-10")).stock == 30
