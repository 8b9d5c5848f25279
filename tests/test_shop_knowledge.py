"""The shop's own knowledge: its profile's entries and its documents (Markdown, text, PDF)
answer customers by quoting the shop's text; several questions get several answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.knowledge import Knowledge
from domain.shop import InvalidShopProfile, load_shop_profile
from rag.documents import read_folder
from tests.chat import cart_of, say_text
from tests.conftest import Harness

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def pdf_with(*lines: str) -> bytes:
    """A real one-page PDF whose text is `lines` (Helvetica, ASCII)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = "%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{n} 0 obj\n{obj}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return body.encode("latin-1")


def shop_with_documents(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "garantia-taladros.pdf").write_bytes(
        pdf_with("Los taladros tienen 2 anos de garantia por defectos de fabrica.")
    )
    (folder / "servicios.md").write_text(
        "# Alquiler de andamios\n\nAlquilamos andamios certificados por semanas.\n\n"
        "# Asesoría\n\nVisitamos tu obra sin costo en Medellín.\n",
        encoding="utf-8",
    )
    (folder / "horario-festivos.txt").write_text(
        "Los festivos abrimos de 9 a 1.\n\nEn diciembre abrimos también los domingos.",
        encoding="utf-8",
    )
    (folder / "roto.pdf").write_bytes(b"%PDF-1.4 esto no es un pdf")
    profile = tmp_path / "shop.toml"
    toml = (DATA_DIR / "shop.toml").read_text(encoding="utf-8")
    profile.write_text('documents = "docs"\n' + toml, encoding="utf-8")
    return profile


def test_documents_become_passages_titled_by_heading_or_file(tmp_path: Path) -> None:
    profile = shop_with_documents(tmp_path)
    passages = read_folder(tmp_path / "docs")  # the broken PDF is skipped, not fatal
    titles = {p.title for p in passages}
    assert {"Alquiler de andamios", "Asesoría", "Horario festivos", "Garantia taladros"} <= titles
    knowledge = Knowledge.of_shop(load_shop_profile(profile))
    answer = knowledge.answer("¿cuánta garantía tienen los taladros?")
    assert answer is not None and "2 anos de garantia" in answer.text()
    rent = knowledge.answer("¿alquilan andamios?")
    assert rent is not None and "por semanas" in rent.text()
    assert knowledge.answer("¿abren los festivos?") is not None
    assert knowledge.answer("casco blanco") is None  # nothing the shop wrote says it


def test_a_documents_folder_that_is_not_there_stops_start_up(tmp_path: Path) -> None:
    profile = tmp_path / "shop.toml"
    toml = (DATA_DIR / "shop.toml").read_text(encoding="utf-8")
    profile.write_text('documents = "no-existe"\n' + toml, encoding="utf-8")
    with pytest.raises(InvalidShopProfile, match="no-existe"):
        load_shop_profile(profile)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("información de la empresa", "empresa familiar de Medellín"),
        ("¿quiénes son ustedes?", "empresa familiar de Medellín"),
        ("¿cuál es su misión?", "Cuidar la vida de quienes trabajan"),
        ("¿dan cursos de capacitación?", "Cursos de capacitación en trabajo seguro"),
        ("¿hacen descuento por volumen?", "Desde 20 unidades"),
        ("¿cuánto se demoran en entregar?", "24 horas hábiles"),
        ("¿recargan extintores?", "Recargamos extintores"),
    ],
)
async def test_shop_questions_are_answered_with_the_shops_own_text(
    shop: Harness, question: str, quoted: str
) -> None:
    ana = shop.api.user(9501, first_name="Ana")
    reply = await say_text(ana, question)
    assert quoted in reply
    assert "No encontré productos" not in reply


async def test_a_price_the_shops_text_does_not_give_is_never_made_up(shop: Harness) -> None:
    """ "¿cuánto cuesta recargar un extintor?" quoted the service and left the price unsaid."""
    leo = shop.api.user(9503, first_name="Leo")
    reply = await say_text(leo, "¿cuánto cuesta recargar un extintor?")
    assert "Recargamos extintores" in reply and "$" not in reply
    assert "El precio no lo tengo aquí; pregúntalo a la tienda: 604 444 5821." in reply


async def test_a_product_question_still_lists_products(shop: Harness) -> None:
    ana = shop.api.user(9502, first_name="Ana")
    reply = await say_text(ana, "¿tienen extintores?")
    assert "Extintor multipropósito ABC 20 lb — $175.000" in reply and "Recargamos" not in reply


async def test_several_questions_in_one_message_are_each_answered(shop: Harness) -> None:
    ana = shop.api.user(9503, first_name="Ana")
    reply = await say_text(
        ana,
        "Buenas tardes. Necesito cotizar para mi empresa: 10 cascos dieléctricos blancos, "
        "20 pares de guantes de nitrilo, 5 extintores ABC de 10 libras y 15 chalecos "
        "reflectivos. Necesito factura electrónica a nombre de la empresa. ¿Hacen descuento "
        "por volumen? ¿Cuál es su horario?",
    )
    assert "10 × Casco dieléctrico tipo II clase E blanco" in reply  # the order goes on
    assert "Guante" in reply  # which gloves: asked, the rest waits its turn
    assert "factura electrónica" in reply.lower() and "NIT" in reply
    assert "Desde 20 unidades" in reply
    assert "7:30" in reply
    assert await cart_of(shop, 9503) == {"CAS-DIEL-BL": 10}
    short = await say_text(ana, "¿tienen botas? ¿y hacen envíos a Bello?")
    assert "Bota" in short and "Bello" in short


async def test_a_way_to_pay_asked_with_other_questions_leaves_none_unanswered(
    shop: Harness,
) -> None:
    """Naming Nequi used to answer the payment alone: the cascos and the delivery fee asked
    in the same message were dropped."""
    eva = shop.api.user(9504, first_name="Eva")
    reply = await say_text(
        eva,
        "hola, tienen cascos blancos? y cuanto cobran el domicilio a bello? ah y aceptan nequi?",
    )
    assert "Casco dieléctrico tipo II clase E blanco" in reply, reply
    assert "Domicilio a Bello: $15.000" in reply  # the fee there, as when asked alone
    assert "recibimos Nequi" in reply
    alone = await say_text(eva, "voy a pagar por nequi")
    assert "pagas por Nequi" in alone and "Casco" not in alone


async def test_the_address_is_said_once_when_location_and_pickup_are_asked(shop: Harness) -> None:
    """ "¿dónde quedan? ¿se puede recoger?" used to give the address twice: on the location
    line and again at the end of the pickup line."""
    for n, asked in enumerate(
        ("donde quedan? se puede recoger?", "donde quedan y se puede recoger")
    ):
        reply = await say_text(shop.api.user(8801 + n, first_name="Eva"), asked)
        assert reply.count("Carrera 52 (Carabobo) # 38-47") == 1, reply
        assert "También puedes recoger tu pedido en el local" in reply
    alone = await say_text(shop.api.user(8803, first_name="Leo"), "se puede recoger en el local?")
    assert "Carrera 52 (Carabobo) # 38-47" in alone  # asked alone: where to pick it up
