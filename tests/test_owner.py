"""The owner runs the shop from the chat: uploads, quick edits, orders, customers, takeover.

Everything goes through the real bot over HTTP against the local Bot API server.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from bot.app import announce_commands
from domain import texts
from domain.inventory import parse_inventory
from domain.model import OrderStatus
from doubles.telegram import LocalBotAPI
from tests.chat import cart_of, press, say, say_text, stock_of
from tests.conftest import OWNER_ID, Harness, button_data, buttons, texts_of

HEADER = "sku;nombre;descripcion;categoria;precio;stock;activo\n"
NEW_ROWS = (
    "LIN-LED-01;Linterna LED recargable para casco;Linterna de 300 lúmenes con clip;Iluminación;"
    "45.000;15;si\n"
    "EXT-ABC-20;Extintor multipropósito ABC 20 lb;Con manguera;Extintores;180.000;9;si\n"
)


async def owner_of(shop: Harness):  # noqa: ANN201
    """The owner, who has opened the bot's chat (a bot cannot write first)."""
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    return owner


async def product(shop: Harness, sku: str):  # noqa: ANN201
    async with shop.app.uow() as uow:
        return await uow.products.get_by_sku(sku)


async def catalog_state(shop: Harness) -> list[tuple]:
    async with shop.app.uow() as uow:
        return [
            (p.sku, p.name, p.price_minor, p.stock, p.active) for p in await uow.products.list_all()
        ]


async def upload(owner, name: str, data: bytes, caption: str | None = None, **extra) -> str:  # noqa: ANN001
    await owner.send_document(name, data, caption=caption, **extra)
    return texts_of(await owner.replies())


async def buy(shop: Harness, user_id: int, first_name: str, national_id: str) -> int:
    """A customer buys 2 extintores de 20 lb and confirms; the order id."""
    customer = shop.api.user(user_id, first_name=first_name)
    await say(customer, "¿tienen extintores?")
    cart = await say(customer, "quiero 2 del de 20 libras")
    if "¿Los llevas?" in texts_of(cart) or "Sí, los llevo" in str(cart):
        cart = await say(customer, "sí")
    await press(customer, cart, "Finalizar")
    await say(customer, national_id)
    await say(customer, f"{first_name} Pérez")
    await say(customer, "3001234567")
    town = await say(customer, "Calle 10 # 20-30")
    await press(customer, town, "Medellín")  # "¿En qué municipio es la entrega?"
    notes = await say(customer, "Laureles")
    summary = await press(customer, notes, "Omitir")
    done = texts_of(await press(customer, summary, "Confirmar"))
    assert "Pedido #" in done, done
    async with shop.app.uow() as uow:
        orders = await uow.orders.list_for_user(user_id)
    return orders[0].id


# ------------------------------------------------------------------ inventory upload
def test_every_order_status_has_its_spanish_name_in_replies_and_exports() -> None:
    assert set(texts.ORDER_STATUS) == set(OrderStatus) == set(texts.EXPORT_ORDER_STATUS)


async def test_upload_with_caption_updates_and_customers_find_it_at_once(shop: Harness) -> None:
    owner = await owner_of(shop)
    report = await upload(owner, "nuevos.csv", (HEADER + NEW_ROWS).encode(), "actualizar")
    assert "1 nuevos: LIN-LED-01 Linterna LED recargable para casco" in report
    assert "1 actualizados: EXT-ABC-20" in report
    updated = await product(shop, "EXT-ABC-20")
    assert updated.price_minor == 180_000_00 and updated.stock == 9
    # Products not in the file are untouched by an update.
    assert (await product(shop, "CAS-DIEL-BL")).active

    laura = shop.api.user(7101, first_name="Laura")
    assert "Linterna LED recargable para casco" in await say_text(laura, "¿tienen linternas?")


async def test_upload_one_progress_message_then_the_summary(shop: Harness) -> None:
    owner = await owner_of(shop)
    await owner.send_document("nuevos.csv", (HEADER + NEW_ROWS).encode(), caption="actualizar")
    messages = await owner.replies()
    assert len(messages) == 1  # the status message, edited into the summary
    assert "Inventario aplicado" in messages[0]["text"]
    history = shop.api.edit_history(OWNER_ID, messages[0]["message_id"])
    assert history and "Revisando nuevos.csv" in history[0]["text"]


async def test_big_upload_reports_progress_in_one_edited_message(shop: Harness) -> None:
    rows = "".join(
        f"GEN-{n:05d};Producto genérico {n};Descripción {n};Varios;{1000 + n};{n % 50};si\n"
        for n in range(5000)
    )
    owner = await owner_of(shop)
    await owner.send_document("grande.csv", (HEADER + rows).encode(), caption="actualizar")
    messages = await owner.replies(timeout=60)
    assert len(messages) == 1
    assert "5.000 nuevos" in messages[0]["text"]
    steps = [m["text"] for m in shop.api.edit_history(OWNER_ID, messages[0]["message_id"])]
    assert any("Guardando productos: 0 de 5.000" in step for step in steps), steps
    assert (await product(shop, "GEN-04999")).price_minor == 5999_00


async def test_upload_without_caption_asks_and_replace_deactivates_the_rest(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    await owner.send_document("catalogo.csv", (HEADER + NEW_ROWS).encode())
    question = await owner.replies()
    assert "¿Qué hago con él?" in texts_of(question)
    assert await product(shop, "LIN-LED-01") is None  # nothing happens before choosing

    message, data = button_data(question, "Reemplazar")
    await owner.press(message, data)
    asked = await owner.replies(min_count=0)  # hiding 60 of 61 active: asked first (an edit)
    assert [m["message_id"] for m in asked] == [message["message_id"]]  # the same message
    assert "ocultaría 60 de tus 61 productos activos" in texts_of(asked)
    assert (
        await product(shop, "LIN-LED-01") is None and (await product(shop, "EXT-SOP-PARED")).active
    )
    await owner.press(*button_data(asked, "Sí, reemplazar y ocultar 60"))
    done = await owner.replies(min_count=0)
    assert [m["message_id"] for m in done] == [message["message_id"]]  # then the summary
    report = texts_of(done)
    assert "Revisando" not in report
    assert "1 nuevos" in report and "1 actualizados" in report
    assert "60 desactivados (no venían en el archivo)" in report
    soporte = await product(shop, "EXT-SOP-PARED")
    assert soporte is not None and not soporte.active  # deactivated, never deleted
    laura = shop.api.user(7102, first_name="Laura")
    assert "no está disponible" in await say_text(laura, "¿tienen soporte de pared?")


async def test_upload_question_can_be_declined(shop: Harness) -> None:
    owner = await owner_of(shop)
    before = await catalog_state(shop)
    await owner.send_document("catalogo.csv", (HEADER + NEW_ROWS).encode())
    message, data = button_data(await owner.replies(), "Cancelar")
    await owner.press(message, data)
    assert "no usé ese archivo" in texts_of(await owner.replies(min_count=0))
    assert await catalog_state(shop) == before


async def test_xlsx_upload(shop: Harness) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["SKU", "Nombre", "Precio", "Stock"])
    sheet.append(["CON-NAR-01", "Cono vial naranja 90 cm", 52000, 14])
    data = io.BytesIO()
    workbook.save(data)
    report = await upload(await owner_of(shop), "conos.xlsx", data.getvalue(), "actualizar")
    assert "1 nuevos: CON-NAR-01 Cono vial naranja 90 cm" in report
    assert (await product(shop, "CON-NAR-01")).price_minor == 52_000_00


BAD_FILES = {
    "binary": ("fotos.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "CSV"),
    "utf16_without_bom": ("inv.csv", (HEADER + NEW_ROWS).encode("utf-16-le"), "CSV"),
    "duplicate_sku": (
        "inv.csv",
        (HEADER + NEW_ROWS + "LIN-LED-01;Otra linterna;;;1000;1;si\n").encode(),
        "repetido",
    ),
    "negative_price": ("inv.csv", (HEADER + "A-1;Guante;;;-5000;3;si\n").encode(), "precio"),
    "negative_stock": ("inv.csv", (HEADER + "A-1;Guante;;;5000;-3;si\n").encode(), "stock"),
    "formula": (
        "inv.csv",
        (HEADER + 'A-1;=HYPERLINK("http://x.co";"clic");;;5000;3;si\n').encode(),
        "fórmula",
    ),
    "missing_column": ("inv.csv", b"sku;nombre;stock\nA-1;Guante;3\n", "precio"),
    "only_header": ("inv.csv", HEADER.encode(), "no tiene productos"),
    "old_excel": ("inv.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xlsx"),
    "broken_xlsx": ("inv.xlsx", b"PK\x03\x04" + bytes(300), "Excel"),
    "not_an_inventory": ("contrato.pdf", b"%PDF-1.4 hola", ".csv o .xlsx"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
async def test_bad_files_are_refused_and_change_nothing(shop: Harness, kind: str) -> None:
    name, data, reason = BAD_FILES[kind]
    before = await catalog_state(shop)
    report = await upload((await owner_of(shop)), name, data, "actualizar")
    assert reason.lower() in report.lower(), report
    assert await catalog_state(shop) == before


async def test_row_errors_are_listed_first_twenty_and_counted(shop: Harness) -> None:
    rows = "".join(f"B-{n};Producto {n};;;abc;1;si\n" for n in range(30))
    before = await catalog_state(shop)
    report = await upload((await owner_of(shop)), "inv.csv", (HEADER + rows).encode(), "actualizar")
    assert "30" in report and "fila 2" in report.lower()
    assert report.count("\n•") == 20 or report.count("• ") == 20
    assert "10 más" in report
    assert "no cambié nada" in report
    assert await catalog_state(shop) == before


async def test_file_over_the_download_limit_is_refused_before_downloading(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    report = await upload(
        owner, "enorme.csv", (HEADER + NEW_ROWS).encode(), "actualizar",
        declared_size=25 * 1024 * 1024,
    )  # fmt: skip
    assert "25 MB" in report and "20 MB" in report
    assert not any(method == "getFile" for method, _ in shop.api.calls)
    assert await product(shop, "LIN-LED-01") is None


async def test_template_is_an_importable_file(shop: Harness) -> None:
    owner = await owner_of(shop)
    await owner.send_text("/plantilla")
    await owner.replies(min_count=2)
    files = dict(owner.documents())
    assert set(files) == {"plantilla_inventario.xlsx", "plantilla_inventario.csv"}
    for name, data in files.items():
        assert [row.sku for row in parse_inventory(data, name)] == ["EXT-ABC-10", "CAS-BLA-01"]
    sheet = load_workbook(io.BytesIO(files["plantilla_inventario.xlsx"])).active
    assert [cell.value for cell in sheet[1]][:4] == ["sku", "nombre", "descripcion", "categoria"]
    assert "imagen" in [cell.value for cell in sheet[1]]
    captions = " ".join(m.get("caption", "") for m in owner.messages() if "document" in m)
    assert "imagen" in captions and "ZIP" in captions


# ------------------------------------------------------------------------ quick edits
async def test_quick_edits_change_what_customers_see(shop: Harness) -> None:
    owner = await owner_of(shop)
    laura = shop.api.user(7103, first_name="Laura")

    assert "Stock de EXT-ABC-20 (Extintor multipropósito ABC 20 lb): 7 → 12." in await say_text(
        owner, "/stock EXT-ABC-20 12"
    )
    assert await stock_of(shop, "EXT-ABC-20") == 12
    assert "$175.000 → $180.000" in await say_text(owner, "/precio ext-abc-20 $180.000")
    assert "$180.000" in await say_text(laura, "¿tienen extintores de 20 libras?")

    assert "desactivado" in await say_text(owner, "/desactivar EXT-ABC-20")
    hidden = await say_text(laura, "¿tienen extintores de 20 libras?")
    assert "$180.000" not in hidden and "no está disponible" in hidden
    assert "activo otra vez, con 12 unidades" in await say_text(owner, "/activar EXT-ABC-20")
    assert "ABC 20 lb" in await say_text(laura, "¿tienen extintores de 20 libras?")


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/stock", "/stock SKU CANTIDAD"),
        ("/stock EXT-ABC-20", "/stock SKU CANTIDAD"),
        ("/stock EXT-ABC-20 -4", "no es una cantidad válida"),
        ("/stock EXT-ABC-20 muchos", "no es una cantidad válida"),
        ("/stock NO-EXISTE 4", "No encuentro ningún producto con el SKU «NO-EXISTE»"),
        ("/precio EXT-ABC-20 gratis", "no es un precio válido"),
        ("/precio EXT-ABC-20 0", "no es un precio válido"),
        ("/activar", "/activar SKU"),
        ("/desactivar", "/desactivar SKU"),
        ("/cliente", "/cliente CÉDULA"),
        ("/cliente 999", "No tengo ningún cliente"),
        ("/pausar", "/pausar CHAT"),
        ("/pausar 424242", "No conozco el chat 424242"),
    ],
)
async def test_owner_commands_typed_wrong_explain_and_change_nothing(
    shop: Harness, command: str, answer: str
) -> None:
    before = await catalog_state(shop)
    assert answer in await say_text((await owner_of(shop)), command)
    assert await catalog_state(shop) == before


# ----------------------------------------------------------------------------- orders
async def test_order_alert_has_buttons_and_delivering_tells_the_customer(shop: Harness) -> None:
    owner = await owner_of(shop)
    order_id = await buy(shop, 7201, "Marta", "43210987")
    alert = await owner.replies()
    text = texts_of(alert)
    assert f"Nuevo pedido #{order_id}" in text and "$350.000" in text
    assert "2 × Extintor multipropósito ABC 20 lb" in text
    assert "Calle 10 # 20-30, Laureles" in text and "3001234567" in text
    message, data = button_data(alert, "Entregado")
    await owner.press(message, data)
    assert f"Pedido #{order_id} marcado como entregado" in texts_of(await owner.replies())
    assert not buttons(owner.messages()[-2])  # the alert's buttons are gone

    marta = shop.api.user(7201)
    assert f"Tu pedido #{order_id} fue entregado" in texts_of(await marta.replies())
    assert "entregado" in await say_text(marta, "¿cómo va mi pedido?")
    async with shop.app.uow() as uow:
        assert (await uow.orders.get(order_id)).status == OrderStatus.DELIVERED


async def test_pedidos_lists_open_orders_and_cancel_returns_the_stock(shop: Harness) -> None:
    owner = await owner_of(shop)
    first = await buy(shop, 7202, "Ana", "79845123")
    second = await buy(shop, 7203, "Beto", "52331987")
    alerts = await owner.replies(min_count=2)
    assert await stock_of(shop, "EXT-ABC-20") == 3

    listing = await say(owner, "/pedidos")
    text = texts_of(listing)
    assert "Pedidos por entregar: 2" in text and f"#{first}" in text and f"#{second}" in text
    assert "Ana Pérez" in text and "Beto Pérez" in text

    question = await press(owner, listing, f"Cancelar #{second}")
    assert f"¿Cancelar el pedido #{second} de Beto Pérez por $350.000?" in texts_of(question)
    assert await stock_of(shop, "EXT-ABC-20") == 3  # nothing before confirming
    message, data = button_data(question, "Sí, cancelar")
    await owner.press(message, data)
    await owner.replies(min_count=0)
    assert f"Pedido #{second} cancelado: devolví 2 unidades" in owner.messages()[-1]["text"]
    assert await stock_of(shop, "EXT-ABC-20") == 5
    beto = shop.api.user(7203)
    assert f"Tu pedido #{second} fue cancelado" in texts_of(await beto.replies())

    # The alert's old button changes nothing now (two owners, or a late tap).
    stale, data = button_data(alerts, f"Entregado #{second}")
    await owner.press(stale, data)
    assert f"El pedido #{second} ya está cancelado" in texts_of(await owner.replies())
    assert await stock_of(shop, "EXT-ABC-20") == 5
    listing = texts_of(await say(owner, "/pedidos"))
    assert "Pedidos por entregar: 1" in listing and f"#{second}" not in listing


async def test_cliente_shows_profile_and_history(shop: Harness) -> None:
    owner = await owner_of(shop)
    order_id = await buy(shop, 7204, "Carla", "1020304050")
    await owner.replies()
    profile = await say_text(owner, "/cliente 1.020.304.050")
    assert "Carla Pérez" in profile and "3001234567" in profile
    assert "Calle 10 # 20-30, Laureles" in profile
    assert f"#{order_id}" in profile and "$350.000" in profile
    assert "Pedidos: 1" in profile


# --------------------------------------------------------------------------- takeover
async def test_takeover_relays_both_ways_and_gives_the_chat_back(shop: Harness) -> None:
    owner = await owner_of(shop)
    nico = shop.api.user(7301, first_name="Nico")
    await say(nico, "hola")

    assert "Pausé las respuestas automáticas en el chat 7301" in await say_text(
        owner, "/pausar 7301"
    )
    assert "persona de la tienda" in texts_of(await nico.replies())

    await nico.send_text("¿me hacen precio por 20 cascos?")
    relayed = await owner.replies()
    assert "Nico (chat 7301):\n¿me hacen precio por 20 cascos?" in texts_of(relayed)
    assert nico.messages()[-1]["text"].startswith("Te va a atender")  # the bot stays quiet

    await owner.send_text("Claro Nico, te los dejo a $35.000 c/u", reply_to=relayed[-1])
    got = await nico.replies()
    assert texts_of(got) == "Claro Nico, te los dejo a $35.000 c/u"

    async with shop.app.uow() as uow:
        stored = [(m.direction, m.text) for m in await uow.messages.recent(7301, 10)]
    assert ("in", "¿me hacen precio por 20 cascos?") in stored
    assert ("out", "Claro Nico, te los dejo a $35.000 c/u") in stored

    assert "Retomé el chat 7301" in await say_text(owner, "/reanudar 7301")
    await nico.replies()
    assert "Casco" in await say_text(nico, "¿tienen cascos?")


async def test_owner_can_pause_by_replying_and_a_photo_is_forwarded(shop: Harness) -> None:
    owner = await owner_of(shop)
    order_id = await buy(shop, 7302, "Olga", "1032456789")
    alert = [m for m in await owner.replies() if "Nuevo pedido" in m["text"]]
    # A reply to the order alert reaches the customer too.
    await owner.send_text("Olga, ¿te lo llevamos mañana?", reply_to=alert[-1])
    olga = shop.api.user(7302)
    assert "¿te lo llevamos mañana?" in texts_of(await olga.replies())

    await owner.send_text("/pausar", reply_to=alert[-1])
    assert "chat 7302" in texts_of(await owner.replies())
    await olga.replies()
    await olga.send_photo(b"\xff\xd8\xff" + bytes(100), caption="así es la entrada")
    relayed = await owner.replies(min_count=2)
    assert "Olga (chat 7302) envió esto" in texts_of(relayed)
    assert any("forward_origin" in message for message in relayed)
    assert f"#{order_id}" in await say_text(owner, "/cliente 1032456789")


async def test_a_customer_asking_for_a_person_reaches_the_owner_who_answers_by_replying(
    shop: Harness,
) -> None:
    """ "necesito hablar con una persona" used to get the shop's phone, and the owner never
    knew."""
    owner = await owner_of(shop)
    rosa = shop.api.user(7303, first_name="Rosa")
    told = await say_text(rosa, "necesito hablar con una persona")
    assert "le avisé a la tienda" in told and "604 444 5821" in told
    alert = [m for m in await owner.replies() if "quiere hablar con una persona" in m["text"]]
    assert "Rosa (chat 7303)" in alert[-1]["text"] and "/pausar 7303" in alert[-1]["text"]
    await owner.send_text(
        "Hola Rosa, soy Marta de la tienda. ¿En qué te ayudo?", reply_to=alert[-1]
    )
    assert "soy Marta de la tienda" in texts_of(await rosa.replies())
    # in the middle of the checkout too, without losing the step
    cart = await say(rosa, "quiero 1 casco blanco")
    await press(rosa, cart, "Finalizar")
    mid = await say_text(rosa, "me pasa con un asesor por favor")
    assert "le avisé a la tienda" in mid and "cédula" in mid
    assert len([m for m in await owner.replies() if "una persona" in m["text"]]) == 1


async def test_a_complaint_is_answered_with_an_apology_and_reaches_the_owner(
    shop: Harness,
) -> None:
    """ "esto es un mal servicio" used to list the shop's services; "quiero devolver unas
    botas que me quedaron grandes" listed boots to buy."""
    owner = await owner_of(shop)
    leo = shop.api.user(7304, first_name="Leo")
    sorry = await say_text(leo, "me llegó un casco roto, esto es un mal servicio")
    assert sorry.startswith("Lamento mucho lo que pasó") and "Servicios" not in sorry
    alert = [m for m in await owner.replies() if "quiere hablar con una persona" in m["text"]]
    assert "me llegó un casco roto" in alert[-1]["text"]
    policy = await say_text(leo, "quiero devolver unas botas que me quedaron grandes")
    assert "Aceptamos cambios dentro de los 5 días hábiles" in policy and "$" not in policy
    # mid-checkout too: "llevo media hora" is no order for a half-face respirator
    cart = await say(leo, "quiero 1 casco blanco")
    await press(leo, cart, "Finalizar")
    mid = await say_text(leo, "esto es un pésimo servicio, llevo media hora")
    assert mid.startswith("Lamento mucho lo que pasó") and "cédula" in mid
    assert await cart_of(shop, leo.id) == {"CAS-DIEL-BL": 1}
    waited = await say_text(leo, "llevo 2 días esperando el pedido")  # was an order for 2
    assert waited.startswith("Lamento mucho lo que pasó")
    assert await cart_of(shop, leo.id) == {"CAS-DIEL-BL": 1}


async def test_customer_who_blocked_the_bot_is_reported_to_the_owner(shop: Harness) -> None:
    owner = await owner_of(shop)
    pia = shop.api.user(7303, first_name="Pía")
    await say(pia, "hola")
    await say(owner, "/pausar 7303")
    await pia.replies()
    await pia.send_text("¿siguen ahí?")
    relayed = await owner.replies()
    await pia.block()
    await owner.send_text("Sí, aquí estamos", reply_to=relayed[-1])
    assert "No pude entregarle tu mensaje al chat 7303" in texts_of(await owner.replies())


# -------------------------------------------------------------------------- non-owners
OWNER_COMMANDS = [
    "/pedidos",
    "/stats",
    "/stats hoy",
    "/export",
    "/export 2026-11-01 2026-11-30",
    "/plantilla",
    "/cliente 1020304050",
    "/stock EXT-ABC-20 0",
    "/precio EXT-ABC-20 1",
    "/activar CAS-CAP-SOL",
    "/desactivar EXT-ABC-20",
    "/pausar 7001",
    "/reanudar 7001",
]


async def test_non_owners_get_the_customer_experience_for_every_owner_command(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    await buy(shop, 7401, "Rosa", "1020304050")
    await owner.replies()
    before = await catalog_state(shop)
    stranger = shop.api.user(7402, first_name="Curioso")
    for command in OWNER_COMMANDS:
        answer = await say_text(stranger, command)
        assert "No conozco ese comando" in answer, (command, answer)
    await stranger.send_document(
        "inventario.csv", (HEADER + NEW_ROWS).encode(), caption="reemplazar"
    )
    answer = texts_of(await stranger.replies())
    assert "Inventario" not in answer and "1020304050" not in answer
    assert not stranger.documents() and not stranger.photos()
    assert await catalog_state(shop) == before
    async with shop.app.uow() as uow:
        assert not await uow.chats.is_paused(7001)
    # Pressing an owner's button (a forged callback) does nothing either.
    await stranger.send_text("hola")
    await stranger.replies()
    rosa_order = (await shop_orders(shop))[0]
    shop.api.inject_update(
        {
            "callback_query": {
                "id": "1",
                "from": stranger.user,
                "chat_instance": "1",
                "data": f"ord:cancel!:{rosa_order}",
                "message": stranger.messages()[-1],
            }
        }
    )
    await stranger.send_text("hola")
    await stranger.replies()
    assert await catalog_state(shop) == before
    async with shop.app.uow() as uow:
        assert (await uow.orders.get(rosa_order)).status == OrderStatus.CONFIRMED


async def shop_orders(shop: Harness) -> list[int]:
    async with shop.app.uow() as uow:
        orders, _ = await uow.orders.list_open()
    return [order.id for order in orders]


async def test_owner_gets_the_shop_commands_in_their_menu(api: LocalBotAPI, shop: Harness) -> None:
    await announce_commands(shop.bot, shop.settings.owner_ids)
    commands = {
        "owner" if params.get("scope") else "everyone": params
        for method, params in api.calls
        if method == "setMyCommands"
    }
    assert "owner" in commands and "pedidos" in str(commands["owner"]["commands"])
    assert "pedidos" not in str(commands["everyone"]["commands"])


# ---------------------------------------------------------------------------- reports
async def test_stats_answers_with_a_chart_and_the_figures(shop: Harness) -> None:
    owner = await owner_of(shop)
    await buy(shop, 7501, "Sofía", "1017654321")
    await owner.replies()
    await owner.send_text("/stats hoy")
    report = await owner.replies()
    caption = texts_of([{"text": m.get("caption", m.get("text", ""))} for m in report])
    assert "$350.000" in caption and "Extintor multipropósito ABC 20 lb" in caption
    assert "upload_photo" in owner.chat_actions()
    [chart] = owner.photos()
    assert chart.startswith(b"\x89PNG") and len(chart) > 10_000


async def test_stats_with_a_period_it_cannot_read_says_how(shop: Harness) -> None:
    answer = await say_text(await owner_of(shop), "/stats el martes pasado")
    assert "2026-11-01" in answer or "hoy" in answer
    assert not shop.api.user(OWNER_ID).photos()


async def test_export_sends_csv_files_and_one_workbook(shop: Harness) -> None:
    owner = await owner_of(shop)
    await buy(shop, 7502, "Íñigo", "1098765432")
    await owner.replies()
    await owner.send_text("/export")
    await owner.replies(min_count=6)
    files = dict(owner.documents())
    assert set(files) == {
        "productos.csv",
        "clientes.csv",
        "pedidos.csv",
        "lineas_pedido.csv",
        "conversaciones.csv",
        "exportacion.xlsx",
    }
    assert files["clientes.csv"].startswith(b"\xef\xbb\xbf")
    assert "Íñigo Pérez" in files["clientes.csv"].decode("utf-8-sig")
    assert "quiero 2 del de 20 libras" in files["conversaciones.csv"].decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(files["exportacion.xlsx"]))
    assert len(workbook.sheetnames) == 5
    # The products file goes back in as an inventory, unchanged.
    before = await catalog_state(shop)
    report = await upload(owner, "productos.csv", files["productos.csv"], "actualizar")
    assert "sin cambios" in report and await catalog_state(shop) == before


async def test_a_replace_by_caption_that_hides_many_asks_and_can_only_update(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    before = await catalog_state(shop)
    await owner.send_document("uno.csv", (HEADER + NEW_ROWS).encode(), caption="reemplazar")
    asked = await owner.replies()
    assert len(asked) == 1 and "ocultaría 60" in texts_of(asked)
    assert await catalog_state(shop) == before  # nothing changed while asking
    await owner.press(*button_data(asked, "Solo actualizar"))
    report = texts_of(await owner.replies(min_count=0))
    assert "1 nuevos" in report and "desactivados" not in report
    assert (await product(shop, "EXT-SOP-PARED")).active


async def test_a_replace_that_hides_few_products_is_applied_without_asking(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    async with shop.app.uow() as uow:
        everything = await uow.products.list_all()
    kept = [p for p in everything if p.active][1:]  # all but one
    rows = "".join(
        f"{p.sku};{p.name};{p.description};{p.category};{p.price_minor // 100};{p.stock};si\n"
        for p in kept
    )
    report = await upload(owner, "casi_todo.csv", (HEADER + rows).encode(), caption="reemplazar")
    assert "1 desactivados" in report
