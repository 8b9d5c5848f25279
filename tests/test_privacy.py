"""Personal data by the law (issue 14, point 4; Ley 1581 de 2012): a notice and an explicit
authorisation before the first personal-data question, stored with its time; without it
nothing personal is kept; customers see and erase their own data; the owner's /cliente shows
the authorisation. End to end through the local Bot API server, asserting on the database."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

from tests.chat import orders_of, press, say
from tests.conftest import OWNER_ID, Harness, button_data, texts_of
from tests.test_owner import owner_of


async def raw_say(customer, words: str) -> list[dict]:  # noqa: ANN001
    """Without tests.chat's customer who always authorises."""
    await customer.send_text(words)
    return await customer.replies()


async def rows(shop: Harness, sql: str) -> list[tuple]:
    async with shop.app.session_factory() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


async def test_the_notice_comes_first_and_without_authorisation_nothing_is_kept(
    shop: Harness,
) -> None:
    eva = shop.api.user(8401, first_name="Eva")
    cart = await raw_say(eva, "quiero 2 conos")
    message, data = button_data(cart, "Finalizar")
    await eva.press(message, data)
    notice = await eva.replies()
    said = texts_of(notice)
    assert "Ley 1581" in said and "¿Nos autorizas" in said and "cédula" in said
    assert "¿Cuál es tu número de cédula?" not in said  # no data question before consent
    await eva.press(*button_data(notice, "No autorizo"))
    declined = texts_of(await eva.replies())
    assert "no guardo ningún dato tuyo" in declined and shop.app.shop.phone in declined
    assert await rows(shop, "SELECT * FROM consents") == []
    assert await rows(shop, "SELECT * FROM customers") == []
    assert "2 ×" in texts_of(await raw_say(eva, "ver carrito"))  # the cart is still there


async def test_the_notice_is_answered_in_words_and_what_the_data_is_for_is_explained(
    shop: Harness,
) -> None:
    """ "no autorizo" typed used to be searched as a product, and so did "¿para qué necesitan
    mis datos?"."""
    leo = shop.api.user(8402, first_name="Leo")
    await raw_say(leo, "quiero 2 conos")
    assert "¿Nos autorizas" in texts_of(await raw_say(leo, "listo"))
    why = texts_of(await raw_say(leo, "¿para qué necesitan mis datos?"))
    assert "la cédula para facturarlos" in why and "No encontré" not in why
    declined = texts_of(await raw_say(leo, "no autorizo"))
    assert "no guardo ningún dato tuyo" in declined
    assert await rows(shop, "SELECT * FROM consents") == []
    await raw_say(leo, "listo")
    accepted = texts_of(await raw_say(leo, "sí, autorizo"))
    assert "quedó registrada tu autorización" in accepted and "cédula" in accepted
    assert len(await rows(shop, "SELECT * FROM consents")) == 1
    leo = shop.api.user(8413, first_name="Leo")  # never shown the notice: nothing recorded
    await raw_say(leo, "quiero 2 conos")
    await raw_say(leo, "ok, de acuerdo")
    assert len(await rows(shop, "SELECT * FROM consents")) == 1


async def test_authorising_is_stored_with_its_time_and_shown_to_the_owner(shop: Harness) -> None:
    owner = await owner_of(shop)
    ana = shop.api.user(8402, first_name="Ana")
    cart = await say(ana, "quiero 2 conos")
    asked = texts_of(await press(ana, cart, "Finalizar"))  # tests.chat authorises
    assert "quedó registrada tu autorización" in asked and "cédula" in asked
    (consent,) = await rows(shop, "SELECT telegram_user_id, accepted_at FROM consents")
    assert consent[0] == ana.id and consent[1] is not None
    for answer in ("1020304055", "Ana Ruiz", "3001234567", "Cra 1 # 2-3", "Medellín"):
        await say(ana, answer)
    summary = await press(ana, await say(ana, "Laureles"), "Omitir")
    await press(ana, summary, "Confirmar")
    profile = texts_of(await say(owner, "/cliente 1020304055"))
    assert "Autorizó el uso de sus datos el" in profile


async def place_order(shop: Harness, user_id: int, cedula: str):  # noqa: ANN201
    customer = shop.api.user(user_id, first_name="Ana")
    cart = await say(customer, "quiero 2 conos")
    await press(customer, cart, "Finalizar")
    for answer in (cedula, "Ana Ruiz", "3001234567", "Cra 1 # 2-3", "Medellín"):
        await say(customer, answer)
    summary = await press(customer, await say(customer, "Laureles"), "Omitir")
    await press(customer, summary, "Confirmar")
    return customer


async def test_a_customer_sees_only_their_own_data(shop: Harness) -> None:
    ana = await place_order(shop, 8403, "1020304056")
    mine = texts_of(await say(ana, "¿qué datos tienen de mí?"))
    assert "1020304056" in mine and "Ana Ruiz" in mine and "Cra 1 # 2-3" in mine
    assert "Autorización:" in mine
    luis = shop.api.user(8404, first_name="Luis")
    assert "No tengo datos personales tuyos" in texts_of(await say(luis, "/misdatos"))


async def test_erasing_anonymises_the_customer_and_keeps_the_orders_for_the_accounts(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana = await place_order(shop, 8405, "1020304057")
    (before,) = await orders_of(shop, ana.id)
    await delivered(shop, before.id)
    asked = await say(ana, "por favor borra mis datos")
    assert "¿Borro tus datos personales" in texts_of(asked)
    assert await rows(shop, "SELECT count(*) FROM consents") == [(1,)]  # nothing yet
    done = texts_of(await press(ana, asked, "Sí, borrar mis datos"))
    assert "borré tus datos personales" in done
    (order,) = await orders_of(shop, ana.id)
    assert (order.customer_name, order.phone, order.address, order.national_id) == ("", "", "", "")
    assert order.total_minor == before.total_minor and order.lines == before.lines
    assert await rows(shop, "SELECT name, phone, national_id, telegram_user_id FROM customers") == [
        ("", "", None, None)
    ]
    assert await rows(shop, f"SELECT count(*) FROM messages WHERE chat_id = {ana.id}") == [(0,)]
    assert await rows(shop, "SELECT count(*) FROM consents") == [(0,)]
    outbox = " ".join(text for (text,) in await rows(shop, "SELECT text FROM outbox"))
    assert "Ana Ruiz" not in outbox and "1020304057" not in outbox  # the alerts too
    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    chats = exported["conversaciones.csv"].decode("utf-8-sig")
    assert "1020304057" not in chats and "Cra 1 # 2-3" not in chats
    customers = list(
        csv.DictReader(io.StringIO(exported["clientes.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert all("Ana Ruiz" not in row.values() for row in customers)
    assert "No tengo datos personales tuyos" in texts_of(await say(ana, "/misdatos"))


async def delivered(shop: Harness, order_id: int) -> None:
    async with shop.app.session_factory() as session:
        await session.execute(text(f"UPDATE orders SET status = 'delivered' WHERE id = {order_id}"))
        await session.commit()


async def test_erasing_keeps_the_delivery_data_of_an_order_not_yet_delivered(
    shop: Harness,
) -> None:
    """Erasing right after ordering blanked the order's name, phone and address: the shop
    could no longer deliver it. The law lets it keep them for that; the customer is told."""
    ana = await place_order(shop, 8407, "1020304059")
    asked = await say(ana, "borren mis datos xfa")
    done = texts_of(await press(ana, asked, "Sí, borrar mis datos"))
    (order,) = await orders_of(shop, ana.id)
    assert f"pedido #{order.id}, que aún no te hemos entregado" in done
    assert (order.customer_name, order.phone, order.address) == (
        "Ana Ruiz",
        "3001234567",
        "Cra 1 # 2-3",
    )
    assert await rows(shop, "SELECT name, phone, national_id FROM customers") == [("", "", None)]
    assert await rows(shop, f"SELECT count(*) FROM messages WHERE chat_id = {ana.id}") == [(0,)]
    await delivered(shop, order.id)
    asked = await say(ana, "borra mis datos")
    assert "borré tus datos personales" in texts_of(await press(ana, asked, "Sí, borrar mis datos"))
    (order,) = await orders_of(shop, ana.id)
    assert (order.customer_name, order.phone, order.address) == ("", "", "")


async def test_erasing_can_be_declined_and_works_as_a_command(shop: Harness) -> None:
    ana = await place_order(shop, 8406, "1020304058")
    asked = await say(ana, "/borrarmisdatos")
    assert "no borré nada" in texts_of(await press(ana, asked, "No, dejarlos"))
    assert "1020304058" in texts_of(await say(ana, "/misdatos"))


async def test_at_the_notice_a_cart_edit_or_a_question_is_handled_and_the_authorisation_asked(
    shop: Harness,
) -> None:
    """The notice is up: "mejor que sean 3" changes the cart, "¿tienen gafas?" is answered,
    and each time the authorisation is asked again, short, with its two buttons (before: the
    edit was a product search and the whole notice came again)."""
    eva = shop.api.user(8410, first_name="Eva")
    cart = await raw_say(eva, "quiero 2 conos")
    await eva.press(*button_data(cart, "Finalizar"))
    assert "Ley 1581" in texts_of(await eva.replies())
    edited = await raw_say(eva, "mejor que sean 3")
    said = texts_of(edited)
    assert "Ahora tienes 3 × Cono" in said and "Ley 1581" not in said, said
    assert "Sigamos con tu pedido: ¿Nos autorizas a usar tus datos" in said
    answered = await raw_say(eva, "¿tienen gafas?")
    said = texts_of(answered)
    assert "Gafas de seguridad" in said and "Sigamos con tu pedido: ¿Nos autorizas" in said
    await eva.press(*button_data(answered, "Autorizo"))
    assert "¿Cuál es tu número de cédula?" in texts_of(await eva.replies())
    asked = await raw_say(eva, "que sean 4")  # at a data question, too
    assert "Ahora tienes 4 × Cono" in texts_of(asked)
    assert "Sigamos con tu pedido: ¿Cuál es tu número de cédula?" in texts_of(asked)
    for answer in ("52345678", "Eva Ruiz", "3109876543"):
        await raw_say(eva, answer)
    taken = texts_of(await raw_say(eva, "Calle 10 # 5-20, déjalo en la portería"))
    assert "Ahora tienes" not in taken and "dirección" not in taken.lower(), taken  # an address
    assert await rows(shop, "SELECT quantity FROM order_lines") == [(4,)]


async def test_a_declined_notice_is_taken_back_in_words(shop: Harness) -> None:
    """After "No autorizo", "bueno, si autorizo" and "ok acepto" were searched as products:
    only typing "finalizar pedido" brought the notice back."""
    eva = shop.api.user(8411, first_name="Eva")
    await raw_say(eva, "quiero 2 conos")
    assert "¿Nos autorizas" in texts_of(await raw_say(eva, "listo"))
    assert "no guardo ningún dato tuyo" in texts_of(await raw_say(eva, "no autorizo"))
    again = texts_of(await raw_say(eva, "bueno, si autorizo"))
    assert "quedó registrada tu autorización" in again and "¿Cuál es tu número de cédula?" in again
    assert len(await rows(shop, "SELECT * FROM consents")) == 1


async def test_what_the_data_is_for_asked_in_shorthand_is_explained(shop: Harness) -> None:
    """ "pa q necesitan mis datos?" at the notice got "No encontré productos"."""
    leo = shop.api.user(8412, first_name="Leo")
    await raw_say(leo, "quiero 2 conos")
    assert "¿Nos autorizas" in texts_of(await raw_say(leo, "listo"))
    why = texts_of(await raw_say(leo, "pa q necesitan mis datos?"))
    assert "la cédula para facturarlos" in why and "No encontré" not in why
