"""The owner's ZIP (an inventory and its images, or images named by sku) and the inventory's
`imagen` column, read without the bot: every bad input is refused whole with a Spanish
reason, and nothing past the guards is uncompressed."""

from __future__ import annotations

import io
import zipfile

import pytest

from domain import archive
from domain.archive import image_kind, is_zip_upload, photos_alone, read_bundle
from domain.inventory import InvalidInventory, parse_inventory

JPEG = b"\xff\xd8\xff\xe0" + bytes(200)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(200)
CSV = b"sku;nombre;precio;stock;imagen\nEXT-1;Extintor;1000;2;ext.jpg\n"


def make_zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return buffer.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(InvalidInventory) as refused:
        read_bundle(data)
    return refused.value.report()


# ------------------------------------------------------------------------------ reading
def test_a_zip_with_an_inventory_and_images_gives_both() -> None:
    bundle = read_bundle(make_zip({"inventario.csv": CSV, "fotos/ext.jpg": JPEG, "b.png": PNG}))
    assert bundle.table == ("inventario.csv", CSV)
    assert bundle.images == {"fotos/ext.jpg": JPEG, "b.png": PNG}


def test_images_alone_and_webp_are_read() -> None:
    bundle = read_bundle(make_zip({"EXT-1.webp": WEBP, "CAS-2.JPG": JPEG}))
    assert bundle.table is None and set(bundle.images) == {"EXT-1.webp", "CAS-2.JPG"}
    assert photos_alone(make_zip({"EXT-1.webp": WEBP}), "fotos.zip")
    assert not photos_alone(make_zip({"a.xlsx": b"x", "EXT-1.webp": WEBP}), "todo.zip")


def test_macos_junk_folders_and_readmes_are_ignored() -> None:
    data = make_zip(
        {
            "__MACOSX/._ext.jpg": b"junk",
            "fotos/": b"",
            "fotos/.DS_Store": b"junk",
            "fotos/._ext.jpg": b"junk",
            "LEEME.txt": b"hola",
            "fotos/ext.jpg": JPEG,
        }
    )
    assert read_bundle(data).images == {"fotos/ext.jpg": JPEG}


def test_utf8_names_without_the_utf8_flag_keep_their_accents() -> None:
    """Some zippers write UTF-8 names without saying so; zipfile then reads them as cp437."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("camión.jpg", JPEG)  # zipfile sets the UTF-8 flag (0x800)…
    data = buffer.getvalue().replace(b"\x00\x08", b"\x00\x00")  # …which we take away
    assert list(read_bundle(data).images) == ["camión.jpg"]


def test_magic_bytes_say_what_an_image_is() -> None:
    assert (image_kind(JPEG), image_kind(PNG), image_kind(WEBP)) == ("jpeg", "png", "webp")
    assert image_kind(b"GIF89a") is None and image_kind(b"<html>") is None


def test_only_a_zip_name_or_a_bare_zip_is_a_bundle() -> None:
    assert is_zip_upload(b"anything", "Fotos.ZIP")
    assert is_zip_upload(make_zip({"a.jpg": JPEG}), "fotos")
    assert not is_zip_upload(make_zip({"a.jpg": JPEG}), "inventario.xlsx")
    assert not is_zip_upload(CSV, "inventario.csv")


# ------------------------------------------------------------------------------ guards
def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_uncompressed() -> None:
    bomb = make_zip({"ext.jpg": JPEG, "grande.csv": bytes(8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "ocupa demasiado al descomprimirlo" in refusal(bomb)


def test_more_than_50_mb_uncompressed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 300)
    data = make_zip({"a.jpg": JPEG, "b.jpg": JPEG})
    assert "pesa más de 0 MB al descomprimirlo" in refusal(data)


def test_a_zip_that_lies_about_its_sizes_is_cut_while_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The declared sizes pass the first check; reading still stops at the cap."""
    monkeypatch.setattr(archive, "MAX_IMAGE_BYTES", 100)
    monkeypatch.setattr(archive, "_check_sizes", lambda entries: None)
    assert "La imagen «big.jpg» pesa más de" in refusal(make_zip({"big.jpg": JPEG}))


def test_an_image_over_5_mb_is_refused() -> None:
    big = b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)
    data = make_zip({"big.jpg": big}, zipfile.ZIP_STORED)
    assert "«big.jpg» pesa más de 5 MB" in refusal(data)


def test_too_many_entries_are_refused_before_reading_them() -> None:
    data = make_zip({f"f{n}.jpg": JPEG for n in range(archive.MAX_ENTRIES + 1)})
    assert "más de 2000 archivos" in refusal(data)


def test_a_corrupt_or_truncated_zip_is_refused() -> None:
    data = make_zip({"a.jpg": JPEG, "inventario.csv": CSV})
    assert "está dañado o incompleto" in refusal(data[: len(data) // 2])
    assert "está dañado o incompleto" in refusal(b"PK\x03\x04 no es un zip")
    # A damaged entry (its bytes changed): the CRC says so.
    stored = make_zip({"a.jpg": JPEG}, zipfile.ZIP_STORED)
    damaged = stored.replace(bytes(50), b"\x07" * 50, 1)
    assert "está dañado o incompleto" in refusal(damaged)


def test_an_encrypted_zip_is_refused() -> None:
    data = bytearray(make_zip({"a.jpg": JPEG}, zipfile.ZIP_STORED))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # the flag in both headers
        at = data.find(header)
        flags = 6 if header == b"PK\x03\x04" else 8
        data[at + flags] |= 0x1
    assert "tiene contraseña" in refusal(bytes(data))


def test_a_file_named_jpg_that_is_no_image_is_refused_by_name() -> None:
    data = make_zip({"ext.jpg": b"<html>no</html>", "cas.jpg": JPEG, "foto.heic": b"x"})
    report = refusal(data)
    assert "«ext.jpg» no es una imagen JPG, PNG o WEBP" in report
    assert "«foto.heic»: usa fotos JPG, PNG o WEBP" in report
    assert "no cambié nada" in report


def test_two_inventories_or_nothing_usable_are_refused() -> None:
    assert "más de un inventario" in refusal(make_zip({"a.csv": CSV, "b.xlsx": b"x"}))
    assert "no trae un inventario" in refusal(make_zip({"LEEME.txt": b"hola"}))


# ------------------------------------------------------------------------ imagen column
def test_imagen_column_aliases_and_https_urls() -> None:
    for header in ("imagen", "Imagen_URL", "FOTO", "image", "Fotografía"):
        data = f"sku;{header}\nEXT-1;https://tienda.co/ext.jpg\nEXT-2;\n".encode()
        rows = parse_inventory(data, "i.csv")
        assert [row.image for row in rows] == ["https://tienda.co/ext.jpg", None], header


def test_imagen_http_or_a_file_name_without_a_zip_is_a_row_error() -> None:
    data = (
        b"sku;imagen\nEXT-1;http://tienda.co/ext.jpg\nEXT-2;ext.jpg\nEXT-3;https://\n"
        b"EXT-4;ftp://x.co/a.jpg\n"
    )
    with pytest.raises(InvalidInventory) as refused:
        parse_inventory(data, "i.csv")
    report = refused.value.report()
    assert "Fila 2, imagen: «http://tienda.co/ext.jpg» empieza por http://" in report
    assert "Fila 3, imagen: «ext.jpg» no es un enlace https://; para usar tus propias" in report
    assert "Fila 4, imagen: «https://» no es un enlace https:// válido" in report
    assert "Fila 5, imagen" in report


def test_imagen_names_a_zip_image_by_path_or_name_without_case() -> None:
    names = ["fotos/EXT-1.jpg", "otra/CAS.png", "a/dup.jpg", "b/dup.jpg"]
    data = b"sku;imagen\nEXT-1;ext-1.JPG\nCAS;fotos/cas.png\nC2;OTRA/cas.png\nD1;b/dup.jpg\n"
    rows = parse_inventory(data, "i.csv", images=names)
    assert [row.image for row in rows] == [
        "fotos/EXT-1.jpg",
        "otra/CAS.png",
        "otra/CAS.png",
        "b/dup.jpg",
    ]
    with pytest.raises(InvalidInventory) as refused:
        parse_inventory(b"sku;imagen\nD1;dup.jpg\nE;nada.png\n", "i.csv", images=names)
    assert "Fila 2, imagen: hay 2 imágenes llamadas «dup.jpg»" in str(refused.value)
    assert "Fila 3, imagen: no encuentro la imagen «nada.png» dentro del ZIP" in str(refused.value)
