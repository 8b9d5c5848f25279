"""A customer can cancel their own confirmed order until it leaves the shop (issue 13, point
3): asked first, the units go back, the owners are told; afterwards, whom to contact.

End to end through the local Bot API server.
"""

from __future__ import annotations

from domain.model import OrderStatus
from domain.orders import OrderAction, order_buttons
from tests.chat import press, say, stock_of
from tests.conftest import OWNER_ID, Harness, button_data, texts_of
from tests.test_order_delivery import orders_of, to_summary
from tests.test_owner import owner_of


async def confirmed(shop: Harness, user_id: int):  # noqa: ANN201
    customer, summary = await to_summary(shop, user_id)
    await press(customer, summary, "Confirmar")
    (order,) = await orders_of(shop, customer.id)
    return customer, order


async def test_a_customer_cancels_their_order_and_the_owners_are_told(shop: Harness) -> None:
    owner = await owner_of(shop)
    before = await stock_of(shop, "EXT-ABC-10")
    ana, order = await confirmed(shop, 7801)
    await owner.replies()
    assert await stock_of(shop, "EXT-ABC-10") == before - 2

    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    assert f"¿Cancelo tu pedido #{order.id} ($208.000)?" in texts_of(question)
    done = texts_of(await press(ana, question, "Sí, cancelarlo"))
    assert f"cancelé tu pedido #{order.id}" in done
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.CANCELLED
    assert await stock_of(shop, "EXT-ABC-10") == before
    alerts = [m["text"] for m in shop.api.user(OWNER_ID).messages() if "canceló" in m["text"]]
    assert alerts == [f"❌ Ana Ruiz canceló su pedido #{order.id} ($208.000). Las unidades "
                      "volvieron al inventario."]  # fmt: skip

    again = texts_of(await say(ana, f"cancela el pedido #{order.id}"))
    assert "ya está cancelado" in again
    assert await stock_of(shop, "EXT-ABC-10") == before  # nothing returned twice


async def test_keeping_the_order_changes_nothing(shop: Harness) -> None:
    ana, order = await confirmed(shop, 7802)
    question = await say(ana, "cancelar mi pedido")
    assert f"#{order.id}" in texts_of(question)
    assert "sigue en pie" in texts_of(await press(ana, question, "No, mantenerlo"))
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.CONFIRMED


async def test_a_delivered_order_is_not_cancelled_here(shop: Harness) -> None:
    ana, order = await confirmed(shop, 7803)
    await shop.app.desk.deliver(order.id)
    reply = texts_of(await say(ana, f"cancela el pedido {order.id}"))
    assert "ya salió de la tienda" in reply and shop.app.shop.whatsapp in reply
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.DELIVERED


async def test_nobody_cancels_someone_elses_order(shop: Harness) -> None:
    _, order = await confirmed(shop, 7804)
    luis = shop.api.user(7805, first_name="Luis")
    reply = texts_of(await say(luis, f"quiero cancelar el pedido #{order.id}"))
    assert f"No encuentro un pedido #{order.id} a tu nombre" in reply
    (after,) = await orders_of(shop, 7804)
    assert after.status == OrderStatus.CONFIRMED


async def test_when_will_it_arrive_answers_with_the_state_and_the_delivery_time(
    shop: Harness,
) -> None:
    ana, order = await confirmed(shop, 7806)
    reply = texts_of(await say(ana, "¿cuándo me llega?"))
    assert f"Pedido #{order.id}" in reply and "confirmado" in reply
    assert "24 a 48 horas hábiles" in reply


async def test_the_owner_moves_the_order_on_and_the_customer_hears_each_step(
    shop: Harness,
) -> None:
    owner = await owner_of(shop)
    ana, order = await confirmed(shop, 7810)
    alert = await owner.replies()
    message, _ = button_data(alert, "Preparando")

    await owner.press(*button_data(alert, "Preparando"))
    assert f"Pedido #{order.id}: en preparación" in texts_of(await owner.replies())
    assert f"Estamos preparando tu pedido #{order.id}" in texts_of(await ana.replies())
    (now,) = [m for m in owner.messages() if m["message_id"] == message["message_id"]]
    assert "Enviado" in str(now) and "Preparando" not in str(now)  # the next move

    question = await say(ana, "quiero cancelar mi pedido")  # still in the shop: may cancel
    assert "¿Cancelo tu pedido" in texts_of(question)
    await press(ana, question, "No, mantenerlo")

    await owner.press(*button_data([now], "Enviado"))
    assert "/guia" in texts_of(await owner.replies())
    assert f"Tu pedido #{order.id} va en camino" in texts_of(await ana.replies())
    told = texts_of(await say(owner, f"/guia {order.id} Servientrega 700012345678"))
    assert "enviado" in told
    tracking = texts_of(await ana.replies())
    assert "Lo lleva Servientrega, guía 700012345678" in tracking
    (shipped,) = await orders_of(shop, ana.id)
    assert shipped.status == OrderStatus.SHIPPED and shipped.tracking == "700012345678"
    assert shipped.preparing_at is not None and shipped.shipped_at is not None

    stats = await say(owner, "/stats hoy")  # a shipped order is a sale
    assert "$208.000" in texts_of([{"text": m.get("caption", m.get("text", ""))} for m in stats])
    late = texts_of(await say(ana, "quiero cancelar mi pedido"))
    assert "ya salió de la tienda" in late
    arrives = texts_of(await say(ana, "¿cuándo me llega?"))
    assert "enviado" in arrives and "700012345678" in arrives

    (now,) = [m for m in owner.messages() if m["message_id"] == message["message_id"]]
    await owner.press(*button_data([now], "Entregado"))
    await owner.replies()
    assert "fue entregado" in texts_of(await ana.replies())
    (done,) = await orders_of(shop, ana.id)
    assert done.status == OrderStatus.DELIVERED and done.delivered_at is not None


async def test_a_pickup_order_is_ready_to_collect_with_what_to_pay(shop: Harness) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7811)
    choices = await press(ana, summary, "Cambiar entrega")
    await press(ana, await press(ana, choices, "Recoger en el local"), "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    alert = await owner.replies()
    await owner.press(*button_data(alert, "Preparando"))
    await owner.replies()
    listing = await say(owner, "/pedidos")
    assert "en preparación" in texts_of(listing)
    await owner.press(*button_data(listing, "Listo para recoger"))
    await owner.replies()
    ready = texts_of(await ana.replies())
    assert f"Tu pedido #{order.id} está listo" in ready and "Carrera 52" in ready
    assert "Al recoger pagas $196.000" in ready


async def test_a_wrong_tracking_command_says_how_to_write_it(shop: Harness) -> None:
    owner = await owner_of(shop)
    assert "/guia PEDIDO TRANSPORTADORA GUÍA" in texts_of(await say(owner, "/guia 12"))
    assert "No existe el pedido #999" in texts_of(await say(owner, "/guia 999 Envia 12345"))


async def test_a_shipped_order_comes_back_when_the_owner_cancels_it(shop: Harness) -> None:
    """DESIGN: cancelled by the owner any time (a return): the units come back to stock."""
    ana, order = await confirmed(shop, 7812)
    before = await stock_of(shop, order.lines[0].sku)
    orders = shop.app.desk.orders
    shipped = await orders.advance(order.id, OrderAction.SHIP)
    assert any("Cancelar" in b.text for row in order_buttons(shipped.order) for b in row)
    assert "transportadora" in shop.app.desk.cancel_question(shipped.order)
    cancelled = await orders.advance(order.id, OrderAction.CANCEL)
    assert "cancelado" in cancelled.text
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.CANCELLED
    assert await stock_of(shop, order.lines[0].sku) == before + order.lines[0].quantity
    assert "cancelado por la tienda" in texts_of(await ana.replies())


async def test_a_transfer_paid_after_the_customer_cancelled_is_refunded(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7813)
    choices = await press(ana, summary, "Cambiar pago")
    await press(ana, await press(ana, choices, "Nequi"), "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    await press(ana, question, "Sí, cancelarlo")
    owner_told = await shop.app.desk.orders.mark_paid(order.id)  # the receipt's old button
    assert "devuélvele $208.000" in owner_told.text
    assert "la tienda te devuelve el dinero" in texts_of(await ana.replies())
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.CANCELLED and after.payment_state == "refunded"


async def test_a_transfer_delivered_on_trust_can_still_be_marked_paid(shop: Harness) -> None:
    owner = await owner_of(shop)
    ana, summary = await to_summary(shop, 7814)
    choices = await press(ana, summary, "Cambiar pago")
    await press(ana, await press(ana, choices, "Nequi"), "Confirmar")
    alert = await owner.replies()
    message, data = button_data(alert, "Entregado")
    await owner.press(message, data)
    await owner.replies()
    (now,) = [m for m in owner.messages() if m["message_id"] == message["message_id"]]
    await owner.press(*button_data([now], "Pago recibido"))
    await owner.replies()
    (after,) = await orders_of(shop, ana.id)
    assert after.status == OrderStatus.DELIVERED and after.payment_state == "paid"


async def test_ready_for_pickup_asks_for_money_only_when_paid_in_cash(shop: Harness) -> None:
    ana, summary = await to_summary(shop, 7815)
    choices = await press(ana, summary, "Cambiar entrega")
    shown = await press(ana, choices, "Recoger en el local")
    nequi = await press(ana, await press(ana, shown, "Cambiar pago"), "Nequi")
    await press(ana, nequi, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    await shop.app.desk.orders.advance(order.id, OrderAction.READY)
    ready = texts_of(await ana.replies())
    assert "está listo" in ready and "Al recoger pagas" not in ready


async def test_asking_if_a_pickup_order_is_ready_says_whether_it_is(shop: Harness) -> None:
    """ "ya esta listo pa recoger?" got the shop's general pickup text, and the orders list
    said "te espera en…" for an order not yet ready."""
    ana, summary = await to_summary(shop, 7816)
    shown = await press(ana, await press(ana, summary, "Cambiar entrega"), "Recoger en el local")
    await press(ana, shown, "Confirmar")
    (order,) = await orders_of(shop, ana.id)
    early = texts_of(await say(ana, "ya esta listo pa recoger?"))
    assert f"El pedido #{order.id} aún no está listo para recoger" in early
    assert "te espera" not in early
    await shop.app.desk.orders.advance(order.id, OrderAction.READY)
    await ana.replies()
    ready = texts_of(await say(ana, "ya esta listo pa recoger?"))
    assert f"El pedido #{order.id} te espera en" in ready
