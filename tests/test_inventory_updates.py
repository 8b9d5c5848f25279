"""Inventory updates never destroy (issue 14, point 1): columns a file does not have leave
the stored values alone, the summary names the columns that changed, and a price-only or a
stock-only file works. End to end: the owner uploads through the local Bot API server."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.conftest import Harness
from tests.test_owner import owner_of, product, upload


async def test_a_file_without_description_or_category_keeps_them(shop: Harness) -> None:
    owner = await owner_of(shop)
    before = await product(shop, "CAS-DIEL-BL")
    assert before.description and before.category
    data = "Código;Producto;Precio;Existencias\nCAS-DIEL-BL;Casco dieléctrico blanco;40.000;30\n"
    summary = await upload(owner, "actualizar.csv", data.encode(), caption="actualizar")
    after = await product(shop, "CAS-DIEL-BL")
    assert (after.description, after.category) == (before.description, before.category)
    assert (after.name, after.price_minor, after.stock) == (
        "Casco dieléctrico blanco",
        40_000_00,
        30,
    )
    assert "Cambió:" in summary and "precio en 1" in summary
    assert "El archivo no trae descripción, categoría, activo: eso quedó como estaba." in summary


async def test_an_xlsx_without_descripcion_keeps_every_description(shop: Harness) -> None:
    owner = await owner_of(shop)
    skus = ["CAS-DIEL-BL", "EXT-ABC-10", "GUA-NIT-100"]
    before = {sku: await product(shop, sku) for sku in skus}
    book = Workbook()
    sheet = book.active
    sheet.append(["sku", "nombre", "precio", "stock", "categoria"])
    for sku in skus:
        p = before[sku]
        sheet.append([sku, p.name, p.price_minor // 100 + 1000, p.stock, p.category])
    buffer = io.BytesIO()
    book.save(buffer)
    summary = await upload(owner, "precios.xlsx", buffer.getvalue(), caption="actualizar")
    assert "precio en 3" in summary and "descripción" in summary  # left alone, and said so
    for sku in skus:
        after = await product(shop, sku)
        assert after.description == before[sku].description
        assert after.price_minor == before[sku].price_minor + 1000_00


async def test_price_only_and_stock_only_files_work(shop: Harness) -> None:
    owner = await owner_of(shop)
    before = await product(shop, "EXT-ABC-10")
    await upload(owner, "precios.csv", b"sku;precio\nEXT-ABC-10;99.000\n", caption="actualizar")
    priced = await product(shop, "EXT-ABC-10")
    assert priced.price_minor == 99_000_00
    assert (priced.name, priced.stock, priced.active) == (before.name, before.stock, before.active)
    summary = await upload(owner, "stock.csv", b"sku;stock\nEXT-ABC-10;40\n", caption="actualizar")
    stocked = await product(shop, "EXT-ABC-10")
    assert stocked.stock == 40 and stocked.price_minor == 99_000_00
    assert "stock en 1" in summary


async def test_a_new_product_in_a_price_only_file_is_refused_and_nothing_changes(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    before = await product(shop, "EXT-ABC-10")
    data = b"sku;precio\nEXT-ABC-10;1.000\nNUEVO-1;5.000\n"
    report = await upload(owner, "precios.csv", data, caption="actualizar")
    assert "«NUEVO-1» es un producto nuevo: necesita nombre" in report
    assert (await product(shop, "EXT-ABC-10")).price_minor == before.price_minor


async def test_a_sku_written_in_other_case_updates_the_product_in_small_and_big_files(
    shop: Harness,
) -> None:
    """ "cas-diel-bl" in a file is CAS-DIEL-BL: a small file (only its own skus are read)
    and a big one (every stored key is read) both update it, neither adds a twin."""
    owner = await owner_of(shop)
    async with shop.app.uow() as uow:
        count = len(await uow.products.keys_after(0, 10_000))
    small = "sku;nombre;precio;stock\ncas-diel-bl;Casco dieléctrico blanco;41.000;31\n"
    await upload(owner, "pequeno.csv", small.encode(), caption="actualizar")
    assert (await product(shop, "CAS-DIEL-BL")).price_minor == 41_000_00
    extra = "".join(f"NUEVO-{n};Producto nuevo {n};1.000;1\n" for n in range(600))
    big = "sku;nombre;precio;stock\ncas-diel-bl;Casco dieléctrico blanco;42.000;32\n" + extra
    await upload(owner, "grande.csv", big.encode(), caption="actualizar")
    assert (await product(shop, "CAS-DIEL-BL")).price_minor == 42_000_00
    async with shop.app.uow() as uow:
        assert len(await uow.products.keys_after(0, 10_000)) == count + 600  # no twin
