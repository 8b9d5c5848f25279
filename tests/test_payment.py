"""Getting paid (issue 13, point 2): the shop's methods, the customer's choice (buttons or
words), exact instructions with the amount, transfers pending until an owner taps "✅ Pago
recibido", the receipt photo forwarded to the owners, the payment's state with its times.

End to end through the local Bot API server with the sample shop profile (cash on delivery
first, then Nequi, Daviplata, Bre-B and a Bancolombia account).
"""

from __future__ import annotations

import csv
import io

from domain.model import OrderStatus
from tests.chat import press, say
from tests.conftest import OWNER_ID, Harness, button_data, texts_of
from tests.test_order_delivery import orders_of, to_summary
from tests.test_owner import owner_of


async def test_the_summary_offers_the_shops_ways_to_pay_and_nequi_gives_its_number(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7901)
    assert "💳 Pago: Efectivo contra entrega" in texts_of(summary)
    choices = await press(ana, summary, "Cambiar pago")
    assert "¿Cómo vas a pagar?" in texts_of(choices)
    labels = [b["text"] for row in choices[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [
        "Efectivo contra entrega", "Nequi", "Daviplata", "Bre-B", "Transferencia Bancolombia"
    ]  # fmt: skip
    shown = await press(ana, choices, "Nequi")
    assert "💳 Pago: Nequi" in texts_of(shown) and "Total: $208.000" in texts_of(shown)

    confirmed = texts_of(await press(ana, shown, "Confirmar"))
    assert "transfiere $208.000 a Nequi 312 745 9036 a nombre de Dotaciones El Guardián" in (
        confirmed
    )
    assert "comprobante" in confirmed
    (order,) = await orders_of(shop, ana.id)
    assert (order.payment_method, order.payment_state) == ("nequi", "pending")
    assert order.paid_at is None

    alert = await owner.replies()
    assert "💳 Nequi · pendiente de pago" in texts_of(alert)
    listing = await say(owner, "/pedidos")
    assert "Nequi · pendiente de pago" in texts_of(listing)
    message, data = button_data(alert, "Pago recibido")
    await owner.press(message, data)
    told = texts_of(await owner.replies())
    assert f"Pedido #{order.id}: pago de $208.000 registrado" in told
    (paid,) = await orders_of(shop, ana.id)
    assert paid.payment_state == "paid" and paid.paid_at is not None
    assert f"Recibimos el pago de tu pedido #{order.id} ($208.000)" in texts_of(await ana.replies())

    (now,) = [m for m in owner.messages() if m["message_id"] == message["message_id"]]
    assert "Pago recibido" not in str(now) and "Preparando" in str(now)  # the alert moved on
    await owner.press(*button_data(listing, "Pago recibido"))  # the older list's button
    assert "ya estaba pagado" in texts_of(await owner.replies())
    (still,) = await orders_of(shop, ana.id)
    assert still.paid_at == paid.paid_at

    await say(owner, "/export")
    exported = dict(shop.api.user(OWNER_ID).documents())
    (row,) = csv.DictReader(io.StringIO(exported["pedidos.csv"].decode("utf-8-sig")), delimiter=";")
    assert (row["pago"], row["estado_pago"]) == ("Nequi", "pagado") and row["pagado"]


async def test_paying_by_nequi_in_words_gives_the_number_without_starting_the_checkout(
    shop: Harness,
) -> None:
    ana = shop.api.user(7902, first_name="Ana")
    await say(ana, "quiero 2 extintores multipropósito de 10 libras")
    reply = await say(ana, "voy a pagar por nequi, ¿me pasa el número?")
    text = texts_of(reply)
    assert "312 745 9036" in text and "Nequi" in text
    assert "cédula" not in text.lower()  # the checkout did not start
    assert "Finalizar pedido" in str(reply[-1].get("reply_markup"))

    summary = await press(ana, reply, "Finalizar")
    for answer in ("52345602", "Ana Ruiz", "3109876543", "Cra 70 # 44-10", "Medellín"):
        await say(ana, answer)
    notes = await say(ana, "Laureles")
    summary = await press(ana, notes, "Omitir")
    assert "💳 Pago: Nequi" in texts_of(summary)


async def test_a_way_the_shop_does_not_take_is_answered_with_the_ones_it_does(
    shop: Harness,
) -> None:
    ana = shop.api.user(7903, first_name="Ana")
    text = await say(ana, "¿puedo pagar con tarjeta de crédito?")
    assert "no la recibimos" in texts_of(text) and "Nequi" in texts_of(text)


async def test_a_payment_said_at_the_summary_changes_it_and_shows_it_again(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7904)
    shown = texts_of(await say(ana, "mejor le pago por transferencia bancolombia"))
    assert "Bancolombia, cuenta de ahorros 245-873612-09" in shown
    assert "💳 Pago: Transferencia Bancolombia" in shown and "Revisa tu pedido" in shown


async def test_cash_on_delivery_is_paid_when_delivered(shop: Harness) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7906)
    confirmed = texts_of(await press(ana, summary, "Confirmar"))
    assert "Pagas $208.000 en efectivo al recibir" in confirmed
    alert = await owner.replies()
    assert "Pago recibido" not in str(alert)  # cash: paid on delivery
    message, data = button_data(alert, "Entregado")
    await owner.press(message, data)
    await owner.replies()
    (order,) = await orders_of(shop, ana.id)
    assert order.status == OrderStatus.DELIVERED and order.payment_state == "paid"
    assert order.paid_at is not None


async def test_a_receipt_photo_reaches_the_owners_with_the_order_and_the_button(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7907)
    choices = await press(ana, summary, "Cambiar pago")
    shown = await press(ana, choices, "Bre-B")
    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await owner.replies()

    await ana.send_photo(b"\x89PNG receipt bytes", caption="ya pagué")
    told = texts_of(await ana.replies())
    assert "comprobante a la tienda" in told and f"#{order.id}" in told
    forwarded = await owner.replies()
    photo = next(m for m in forwarded if m.get("photo"))
    assert f"Comprobante de pago del pedido #{order.id} ($208.000, Bre-B)" in photo["caption"]
    message, data = button_data([photo], "Pago recibido")
    await owner.press(message, data)
    await owner.replies()
    (paid,) = await orders_of(shop, ana.id)
    assert paid.payment_state == "paid"


async def test_a_photo_without_an_order_to_pay_is_read_as_usual(shop: Harness) -> None:
    ana = shop.api.user(7908, first_name="Ana")
    await ana.send_photo(b"\x89PNG a helmet", caption="casco blanco")
    assert "Casco" in texts_of(await ana.replies())
    assert not [m for m in shop.api.user(OWNER_ID).messages() if m.get("photo")]


async def test_a_paid_order_cancelled_is_marked_for_refund(shop: Harness) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7909)
    choices = await press(ana, summary, "Cambiar pago")
    await press(ana, await press(ana, choices, "Nequi"), "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await shop.app.desk.orders.mark_paid(order.id)
    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    done = texts_of(await press(ana, question, "Sí, cancelarlo"))
    assert "te devuelve $208.000" in done
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.CANCELLED and after.payment_state == "refunded"
    assert after.refunded_at is not None
    await owner.replies()
    alerts = texts_of([m for m in shop.api.user(OWNER_ID).messages() if "canceló" in m["text"]])
    assert "devuélvele $208.000" in alerts


async def test_asking_whether_a_way_is_taken_answers_yes_with_its_data(shop: Harness) -> None:
    ana = shop.api.user(7910, first_name="Ana")
    text = texts_of(await say(ana, "¿aceptan daviplata?"))
    assert text.startswith("Sí, recibimos Daviplata") and "312 745 9036" in text
    chose = texts_of(await say(ana, "listo, entonces voy a pagar por bre-b"))
    assert chose.startswith("Listo, pagas por Bre-B") and "@elguardian" in chose


async def test_a_question_about_a_way_to_pay_does_not_choose_it(shop: Harness) -> None:
    ana, _ = await to_summary(shop, 7911)
    shown = await say(ana, "¿aceptan daviplata?")
    text = texts_of(shown)
    assert "Sí, recibimos Daviplata" in text and "💳 Pago: Efectivo contra entrega" in text
    confirmed = texts_of(await press(ana, shown, "Confirmar"))
    assert "en efectivo al recibir" in confirmed
    (order,) = await orders_of(shop, ana.id)
    assert order.payment_method == "cash"


async def test_a_hardware_key_is_not_a_bre_b_key(shop: Harness) -> None:
    ana = shop.api.user(7912, first_name="Ana")
    reply = texts_of(await say(ana, "¿tienen llave inglesa?"))
    assert "Bre-B" not in reply and "recibimos" not in reply


async def test_a_product_photo_while_a_link_payment_waits_is_not_a_receipt(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7913)
    await press(ana, summary, "Confirmar")  # cash: nothing owed by transfer
    await owner.replies()
    await ana.send_photo(b"\x89PNG a helmet", caption="casco blanco")
    assert "comprobante" not in texts_of(await ana.replies())
    assert not [m for m in shop.api.user(OWNER_ID).messages() if m.get("photo")]


async def test_saying_it_is_paid_asks_for_the_receipt_and_then_says_it_is(shop: Harness) -> None:
    """ "ya pagué" used to get the list of ways to pay."""
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7912)
    choices = await press(ana, summary, "Cambiar pago")
    await press(ana, await press(ana, choices, "Nequi"), "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    asked = texts_of(await say(ana, "ya pagué"))
    assert f"Para confirmar el pago del pedido #{order.id}" in asked and "comprobante" in asked
    assert "Formas de pago" not in asked
    await owner.replies()
    await ana.send_photo(b"\x89PNG receipt bytes", caption="")
    await ana.replies()
    photo = next(m for m in await owner.replies() if m.get("photo"))
    await owner.press(*button_data([photo], "Pago recibido"))
    await ana.replies()
    assert f"Tu pedido #{order.id} ya figura como pagado" in texts_of(
        await say(ana, "hice la transferencia")
    )


async def test_paid_by_nequi_on_a_cash_order_awaits_its_receipt_and_the_owners_know(
    shop: Harness,
) -> None:
    """ "ya te pagué por nequi" on an order to be paid in cash only listed the ways to pay:
    the order stayed cash, pending, and the courier would have collected it again."""
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7908)
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await owner.replies()
    how = texts_of(await say(ana, "ya te pague"))
    assert "está para pagar en efectivo al recibir" in how
    assert "(Nequi, Daviplata, Bre-B o Transferencia Bancolombia)" in how
    asked = texts_of(await say(ana, "ya le pague por nequi los 208 mil"))
    assert f"Para confirmar el pago del pedido #{order.id} ($208.000)" in asked
    (switched,) = await orders_of(shop, ana.id)
    assert (switched.payment_method, switched.payment_state) == ("nequi", "pending")
    alert = texts_of(await owner.replies())
    assert f"pedido #{order.id} dice que ya pagó $208.000 por Nequi" in alert
    await ana.send_photo(b"\x89PNG receipt bytes", caption="")
    assert "comprobante a la tienda" in texts_of(await ana.replies())
    photo = next(m for m in await owner.replies() if m.get("photo"))
    assert f"Comprobante de pago del pedido #{order.id} ($208.000, Nequi)" in photo["caption"]


async def test_what_is_owed_and_where_asked_after_a_transfer_order(shop: Harness) -> None:
    """After a Nequi order, "¿cuánto tengo que pagar?" got the ways to pay and the shop's
    mission, "¿cuánto le debo?" "Tu carrito está vacío", "¿a q número le consigno?" a product
    search, and "me regala el número de nequi otra vez" "El valor exacto te lo doy al
    confirmar el pedido"."""
    ana, summary = await to_summary(shop, 7909)
    shown = await press(ana, await press(ana, summary, "Cambiar pago"), "Nequi")
    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    for asked in (
        "cuanto tengo que pagar?",
        "cuanto le debo?",
        "a q numero le consigno?",
        "me regala el numero de nequi otra vez",
    ):
        said = texts_of(await say(ana, asked))
        assert f"Tu pedido #{order.id}:" in said and "transfiere $208.000 a Nequi" in said, asked
        assert "Misión" not in said and "El valor exacto" not in said
    bob = shop.api.user(7910, first_name="Bob")  # no order: the shop's Nequi, as before
    assert "Nequi" in texts_of(await say(bob, "me regala el numero de nequi"))


async def test_another_way_to_pay_named_after_the_order_moves_it(shop: Harness) -> None:
    """After a cash order, "¿a qué cuenta de Bancolombia les consigno?" said "El valor exacto
    te lo doy al confirmar el pedido", and "mejor les transfiero a Bancolombia" said "Listo,
    pagas por Transferencia Bancolombia" and left the order to be collected in cash."""
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7921)
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await owner.replies()
    asked = texts_of(await say(ana, "¿a qué cuenta de Bancolombia les consigno?"))
    assert "245-873612-09" in asked and f"Tu pedido #{order.id} es de $208.000" in asked
    assert "al confirmar el pedido" not in asked
    moved = texts_of(await say(ana, "mejor les transfiero a Bancolombia"))
    assert f"tu pedido #{order.id} queda para pagar por Transferencia Bancolombia" in moved
    assert "transfiere $208.000 a Bancolombia" in moved
    (switched,) = await orders_of(shop, ana.id)
    assert (switched.payment_method, switched.payment_state) == ("bank", "pending")
    alert = texts_of(await owner.replies())
    assert "antes Efectivo contra entrega, ahora Transferencia Bancolombia" in alert
    back = texts_of(await say(ana, "mejor pago en efectivo"))
    assert "Pagas $208.000 en efectivo al recibir" in back
    (cash,) = await orders_of(shop, ana.id)
    assert cash.payment_method == "cash"


async def test_what_is_owed_is_every_order_still_to_pay(shop: Harness) -> None:
    """ "¿cuánto le debo?" with a Nequi order and then a cash one named the last only."""
    ana, summary = await to_summary(shop, 7922)
    shown = await press(ana, await press(ana, summary, "Cambiar pago"), "Nequi")
    await press(ana, shown, "Confirmar")
    cart = await say(ana, "quiero 2 cascos blancos")
    known = await press(ana, cart, "Finalizar")
    await press(ana, await press(ana, known, "usar estos datos"), "Confirmar")
    first, second = sorted(order.id for order in await orders_of(shop, ana.id))
    owed = texts_of(await say(ana, "cuanto le debo?"))
    assert f"Tu pedido #{first}:" in owed and "transfiere $208.000 a Nequi" in owed
    assert f"Tu pedido #{second}:" in owed and "en efectivo al recibir" in owed


async def test_a_way_to_pay_only_asked_for_or_after_a_receipt_leaves_the_order(
    shop: Harness,
) -> None:
    """From the review: "me regala el número de nequi" moved a cash order to Nequi; "mejor
    pago en efectivo" after the receipt photo moved it back to cash; a second switch to a
    way already switched to once never reached the owners."""
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7923)
    await press(ana, summary, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await owner.replies()
    asked = texts_of(await say(ana, "me regala el número de nequi"))
    assert "312 745 9036" in asked and f"Tu pedido #{order.id} es de $208.000" in asked
    assert (await orders_of(shop, ana.id))[0].payment_method == "cash"
    for way, stored in (("mejor por Nequi", "nequi"), ("mejor en efectivo", "cash")) * 2:
        await say(ana, way)
        assert (await orders_of(shop, ana.id))[0].payment_method == stored
    alerts = texts_of(await owner.replies())
    assert alerts.count("cambió la forma de pago") == 4
    await say(ana, "mejor por Nequi")
    await ana.send_photo(b"\x89PNG receipt bytes", caption="")
    await ana.replies()
    kept = texts_of(await say(ana, "mejor pago en efectivo"))
    assert "no puedo cambiarlo desde aquí" in kept
    assert (await orders_of(shop, ana.id))[0].payment_method == "nequi"


async def test_words_about_paying_that_choose_nothing_for_the_order_leave_it(
    shop: Harness,
) -> None:
    """From playing customers: "¿cuánto me sale el pedido si pago por Nequi?" moved the cash
    order to Nequi; "le acabo de pagar por Daviplata" asked to pay again; "quiero hacer otro
    pedido, lo pago por Nequi" and "la mitad por nequi y la otra mitad en efectivo" were
    applied to the order there was."""
    ana, summary = await to_summary(shop, 7924)
    await press(ana, summary, "Confirmar")
    for said in (
        "¿cuánto me sale el pedido si pago por Nequi?",
        "quiero hacer otro pedido, lo pago por Nequi",
        "¿el próximo pedido lo puedo pagar por Nequi?",
    ):
        assert "queda para pagar por" not in texts_of(await say(ana, said))
        assert (await orders_of(shop, ana.id))[0].payment_method == "cash"
    split = texts_of(await say(ana, "pago la mitad por nequi y la otra mitad en efectivo"))
    assert "Cada pedido se paga de una sola forma" in split
    paid = texts_of(await say(ana, "le acabo de pagar por Daviplata"))
    assert "envíame aquí la foto o captura del comprobante" in paid
