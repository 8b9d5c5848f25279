"""The owner gives products their photos: an `imagen` column (https URLs, or images in a ZIP
sent with the file), a ZIP of images named by sku, or a photo with the sku as its caption.

Through the real bot over HTTP against the local Bot API server; asserted on product_photos
and on what the owner reads.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from db.photos import PhotoRepository
from domain import texts
from domain.catalog import import_inventory
from domain.model import ProductPhoto
from tests.chat import say
from tests.conftest import Harness, button_data, texts_of
from tests.test_owner import owner_of, product, upload

JPEG = b"\xff\xd8\xff\xe0" + bytes(300)
JPEG_2 = b"\xff\xd8\xff\xe1" + bytes(300)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)
URL = "https://cdn.tienda.co/fotos/ext-abc-20.jpg"
URL_NEW = "https://cdn.tienda.co/fotos/lin-led-01.jpg"
HEADER = "sku;nombre;precio;stock;imagen\n"
ROWS = (
    f"EXT-ABC-20;Extintor multipropósito ABC 20 lb;180.000;9;{URL}\n"
    f"LIN-LED-01;Linterna LED recargable;45.000;15;{URL_NEW}\n"
    "CAS-DIEL-BL;Casco dieléctrico blanco;35.000;40;\n"
)


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return buffer.getvalue()


async def photo_of(shop: Harness, sku: str) -> ProductPhoto | None:
    found = await product(shop, sku)
    assert found is not None, sku
    async with shop.app.uow() as uow:
        return (await uow.photos.of([found.id])).get(found.id)


async def photo_rows(shop: Harness) -> int:
    async with shop.app.uow() as uow:
        return len(await uow.photos.urls(list(range(1, 10_000))))


async def learn_file_id(shop: Harness, sku: str, file_id: str) -> None:
    """What the sending side does once Telegram took the photo."""
    photo = await photo_of(shop, sku)
    assert photo is not None
    async with shop.app.uow() as uow:
        assert await uow.photos.remember_file_id(photo.product_id, photo.revision, file_id)
        await uow.commit()


# ------------------------------------------------------------------- imagen: https URLs
async def test_imagen_urls_set_photos_of_stored_and_new_products(shop: Harness) -> None:
    owner = await owner_of(shop)
    report = await upload(owner, "fotos.csv", (HEADER + ROWS).encode(), "actualizar")
    assert "📷 Fotos: 2 nuevas." in report, report
    assert "1 nuevos: LIN-LED-01" in report
    stored, created = await photo_of(shop, "EXT-ABC-20"), await photo_of(shop, "LIN-LED-01")
    assert stored is not None and (stored.url, stored.revision, stored.content) == (URL, 1, None)
    assert created is not None and created.url == URL_NEW
    assert await photo_of(shop, "CAS-DIEL-BL") is None  # an empty cell: no photo given


async def test_the_same_file_again_keeps_revisions_and_learnt_file_ids(shop: Harness) -> None:
    owner = await owner_of(shop)
    await upload(owner, "fotos.csv", (HEADER + ROWS).encode(), "actualizar")
    await learn_file_id(shop, "EXT-ABC-20", "AgADtelegram-ext")
    again = await upload(owner, "fotos.csv", (HEADER + ROWS).encode(), "actualizar")
    assert "📷 Fotos: 2 iguales." in again, again
    assert "El archivo no trae cambios." in again
    kept = await photo_of(shop, "EXT-ABC-20")
    assert kept is not None and (kept.revision, kept.file_id) == (1, "AgADtelegram-ext")

    # One URL changed: only that product gets a new revision (and loses its file_id).
    changed = (HEADER + ROWS).replace(URL, URL + "?v=2")
    report = await upload(owner, "fotos.csv", changed.encode(), "actualizar")
    assert "📷 Fotos: 1 cambiada, 1 igual." in report, report
    moved = await photo_of(shop, "EXT-ABC-20")
    assert moved is not None and (moved.revision, moved.file_id) == (2, "")
    assert moved.url == URL + "?v=2"


async def test_a_file_without_imagen_or_with_empty_cells_leaves_photos_alone(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    await upload(owner, "fotos.csv", (HEADER + ROWS).encode(), "actualizar")
    await learn_file_id(shop, "EXT-ABC-20", "AgADkept")
    prices = "sku;precio\nEXT-ABC-20;190.000\nLIN-LED-01;47.000\n"
    report = await upload(owner, "precios.csv", prices.encode(), "actualizar")
    assert "📷" not in report
    blanks = "sku;precio;imagen\nEXT-ABC-20;191.000;\nLIN-LED-01;48.000;  \n"
    await upload(owner, "precios.csv", blanks.encode(), "actualizar")
    kept = await photo_of(shop, "EXT-ABC-20")
    assert kept is not None and (kept.url, kept.revision, kept.file_id) == (URL, 1, "AgADkept")
    assert (await product(shop, "EXT-ABC-20")).price_minor == 191_000_00


async def test_a_bad_imagen_is_a_row_error_and_nothing_changes(shop: Harness) -> None:
    owner = await owner_of(shop)
    before = (await product(shop, "EXT-ABC-20")).price_minor
    rows = (
        "EXT-ABC-20;Extintor ABC 20 lb;1.000;9;http://cdn.tienda.co/ext.jpg\n"
        "LIN-LED-01;Linterna LED recargable;45.000;15;linterna.jpg\n"
    )
    report = await upload(owner, "fotos.csv", (HEADER + rows).encode(), "actualizar")
    assert "El archivo tiene 2 errores; no cambié nada." in report, report
    assert "Fila 2, imagen: «http://cdn.tienda.co/ext.jpg» empieza por http://" in report
    assert "Fila 3, imagen: «linterna.jpg» no es un enlace https://" in report
    assert "envía un ZIP con este archivo y las imágenes" in report
    assert await product(shop, "LIN-LED-01") is None
    assert (await product(shop, "EXT-ABC-20")).price_minor == before
    assert await photo_rows(shop) == 0


# ------------------------------------------------------------- ZIP: inventory + images
ZIP_ROWS = (
    "EXT-ABC-20;Extintor multipropósito ABC 20 lb;180.000;9;EXT-ABC-20.jpg\n"
    "LIN-LED-01;Linterna LED recargable;45.000;15;fotos/linterna.PNG\n"
    f"CAS-DIEL-BL;Casco dieléctrico blanco;35.000;40;{URL}\n"
)


async def test_a_zip_with_the_inventory_and_its_images_is_applied_like_a_csv(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    bundle = make_zip(
        {
            "inventario.csv": (HEADER + ZIP_ROWS).encode(),
            "EXT-ABC-20.jpg": JPEG,
            "fotos/linterna.png": PNG,
            "fotos/sobrante.jpg": JPEG_2,
            "__MACOSX/fotos/._linterna.png": b"junk",
        }
    )
    # Without a caption it asks, as for a CSV, and nothing changes before the answer.
    await owner.send_document("catalogo.zip", bundle)
    question = await owner.replies()
    assert "¿Qué hago con él?" in texts_of(question)
    assert await photo_rows(shop) == 0 and await product(shop, "LIN-LED-01") is None
    await owner.press(*button_data(question, "Actualizar"))
    report = texts_of(await owner.replies(min_count=0))
    assert "✅ Inventario aplicado (catalogo.zip)" in report, report
    assert "📷 Fotos: 3 nuevas." in report
    assert "📷 1 imagen del ZIP no se usó: ninguna fila la nombra en la columna imagen." in report
    ext, lin, cas = [await photo_of(shop, s) for s in ("EXT-ABC-20", "LIN-LED-01", "CAS-DIEL-BL")]
    assert ext is not None and (ext.content, ext.url) == (JPEG, "")
    assert lin is not None and lin.content == PNG
    assert cas is not None and cas.url == URL

    # The same ZIP again: the same bytes, so no new revision and the file_id stays.
    await learn_file_id(shop, "EXT-ABC-20", "AgADzip")
    again = await upload(owner, "catalogo.zip", bundle, "actualizar")
    assert "📷 Fotos: 3 iguales." in again, again
    kept = await photo_of(shop, "EXT-ABC-20")
    assert kept is not None and (kept.revision, kept.file_id) == (1, "AgADzip")


async def test_a_zip_whose_inventory_names_a_missing_image_changes_nothing(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    bundle = make_zip({"inventario.csv": (HEADER + ZIP_ROWS).encode(), "EXT-ABC-20.jpg": JPEG})
    report = await upload(owner, "catalogo.zip", bundle, "actualizar")
    assert "Fila 3, imagen: no encuentro la imagen «fotos/linterna.PNG» dentro del ZIP" in report
    assert "no cambié nada" in report
    assert await product(shop, "LIN-LED-01") is None and await photo_rows(shop) == 0


async def test_a_corrupt_or_bad_zip_says_so_and_changes_nothing(shop: Harness) -> None:
    owner = await owner_of(shop)
    good = make_zip({"inventario.csv": (HEADER + ZIP_ROWS).encode(), "EXT-ABC-20.jpg": JPEG})
    report = await upload(owner, "catalogo.zip", good[: len(good) // 2], "actualizar")
    assert "No pude abrir el ZIP: está dañado o incompleto" in report, report
    fake = make_zip({"EXT-ABC-20.jpg": b"<html>no soy una foto</html>"})
    report = await upload(owner, "fotos.zip", fake)
    assert "«EXT-ABC-20.jpg» no es una imagen JPG, PNG o WEBP" in report, report
    assert "No cambié nada" in report
    assert await photo_rows(shop) == 0


# ------------------------------------------------------------- ZIP: images named by sku
async def test_a_zip_of_images_named_by_sku_sets_them_and_names_the_unknown(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    bundle = make_zip(
        {
            "fotos/EXT-ABC-20.jpg": JPEG,
            "cas-diel-bl.png": PNG,  # skus match without case, as in imports
            "NO-EXISTE-1.jpg": JPEG_2,
            "fotos/.DS_Store": b"junk",
        }
    )
    await owner.send_document("fotos.zip", bundle)  # no caption: nothing to choose
    report = texts_of(await owner.replies())
    assert "✅ Fotos aplicadas (fotos.zip):" in report, report
    assert "📷 Fotos: 2 nuevas." in report
    assert "Sin producto con ese SKU (no las usé): NO-EXISTE-1.jpg" in report
    ext, cas = await photo_of(shop, "EXT-ABC-20"), await photo_of(shop, "CAS-DIEL-BL")
    assert ext is not None and ext.content == JPEG
    assert cas is not None and cas.content == PNG
    assert await photo_rows(shop) == 2
    history = texts_of(await say(owner, "/historial CAS-DIEL-BL"))
    assert "foto nueva" in history and "archivo fotos.zip" in history

    report = await upload(owner, "otras.zip", make_zip({"NADA-1.jpg": JPEG}))
    assert "Ninguna foto del ZIP se llama como el SKU" in report and "NADA-1.jpg" in report


async def test_photos_are_written_in_the_swap_or_not_at_all(
    shop: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: PhotoRepository, photos: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(PhotoRepository, "put", broken)
    with pytest.raises(RuntimeError):
        await import_inventory(
            shop.app.uow(), shop.app.catalog, (HEADER + ROWS).encode(), "fotos.csv"
        )
    assert await product(shop, "LIN-LED-01") is None  # the swap rolled back with the photos
    assert (await product(shop, "EXT-ABC-20")).price_minor != 180_000_00


# ------------------------------------------------------------- a photo with its sku
async def test_an_owner_photo_with_a_sku_caption_becomes_the_product_photo(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    sent = await owner.send_photo(JPEG, caption="EXT-ABC-20")
    reply = texts_of(await owner.replies())
    assert reply.startswith("📷 Foto guardada: EXT-ABC-20 — Extintor"), reply
    largest = sent["message"]["photo"][-1]["file_id"]
    photo = await photo_of(shop, "EXT-ABC-20")
    assert photo is not None and (photo.file_id, photo.url, photo.content) == (largest, "", None)

    await owner.send_photo(JPEG_2, caption="foto de cas-diel-bl")  # any case, "foto de"
    assert "📷 Foto guardada: CAS-DIEL-BL" in texts_of(await owner.replies())
    history = texts_of(await say(owner, "/historial EXT-ABC-20"))
    assert "foto nueva" in history and "foto enviada al chat" in history


async def test_an_owner_photo_with_an_unknown_sku_changes_nothing(shop: Harness) -> None:
    owner = await owner_of(shop)
    await owner.send_photo(JPEG, caption="EXT-XYZ-99")
    reply = texts_of(await owner.replies())
    assert "No encuentro ningún producto con el SKU «EXT-XYZ-99»; no guardé la foto" in reply
    assert await photo_rows(shop) == 0


async def test_other_photos_keep_going_to_the_sale_flow(shop: Harness) -> None:
    owner = await owner_of(shop)
    await owner.send_photo(JPEG)  # the owner, without a caption: as today
    assert texts.PHOTO_WITHOUT_CAPTION in texts_of(await owner.replies())
    await owner.send_photo(JPEG, caption="¿tienen extintores?")
    assert "Extintor" in texts_of(await owner.replies())

    laura = shop.api.user(7401, first_name="Laura")
    await say(laura, "hola")
    await laura.send_photo(JPEG, caption="EXT-ABC-20")  # a customer: never a product photo
    assert "Foto guardada" not in texts_of(await laura.replies())
    assert await photo_rows(shop) == 0
