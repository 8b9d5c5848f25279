"""What customers ask once their order is confirmed: a change to it, when it arrives."""

from __future__ import annotations

from tests.chat import press, say, say_text
from tests.conftest import OWNER_ID, Harness


async def confirmed(shop: Harness, user_id: int):  # noqa: ANN201
    """A customer whose order of 2 white helmets is confirmed (cash, Medellín)."""
    customer = shop.api.user(user_id, first_name="Juan")
    cart = await say(customer, "quiero 2 cascos blancos")
    await press(customer, cart, "Finalizar")
    for answer in ("1037654321", "Juan Restrepo", "3157894561", "Cra 1 # 2-3", "Medellín"):
        await say(customer, answer)
    summary = await press(customer, await say(customer, "Laureles"), "Omitir")
    await press(customer, summary, "Confirmar")
    return customer


async def test_a_change_to_the_confirmed_order_says_how_it_can_be_done(shop: Harness) -> None:
    """ "¿lo puedo cambiar a 3 cascos?" after the order used to quote the warranty policy."""
    juan = await confirmed(shop, 9995)
    reply = await say_text(juan, "lo puedo cambiar a 3 cascos?")
    assert "Tu pedido #" in reply and "no puedo cambiarlo desde aquí" in reply
    assert "cancelar el pedido" in reply and "garantía" not in reply


async def test_when_it_arrives_is_the_delivery_time_not_the_opening_hours(shop: Harness) -> None:
    """ "¿a qué hora llega?" used to get the shop's opening hours."""
    juan = await confirmed(shop, 9996)
    reply = await say_text(juan, "a que hora llega?")
    assert "24 a 48 horas hábiles" in reply and "Horario" not in reply


async def test_a_complaint_about_waiting_shows_the_orders_state(shop: Harness) -> None:
    """ "llevo 2 días esperando el pedido" got the apology without the order's state."""
    juan = await confirmed(shop, 9998)
    reply = await say_text(juan, "llevo 2 días esperando el pedido")
    assert "Lamento mucho" in reply and "Pedido #" in reply and "confirmado" in reply


async def test_an_exchange_for_size_after_the_order_is_the_exchange_policy(shop: Harness) -> None:
    """ "si me quedan grandes las puedo cambiar?" after the order used to get "no puedo
    cambiarlo desde aquí" (read as a change to the order): it asks about the exchange."""
    juan = await confirmed(shop, 9998)
    reply = await say_text(juan, "si me quedan grandes los puedo cambiar?")
    assert "Aceptamos cambios dentro de los 5 días hábiles" in reply
    assert "no puedo cambiarlo desde aquí" not in reply


async def test_the_orders_list_says_what_was_bought(shop: Harness) -> None:
    """ "Tus pedidos" said "2 productos" for two units of one product."""
    juan = await confirmed(shop, 9989)
    listed = await say_text(juan, "mis pedidos")
    assert "2 × Casco dieléctrico tipo II clase E blanco" in listed and "2 productos" not in listed


async def test_adding_after_the_order_says_it_is_a_separate_order(shop: Harness) -> None:
    """ "agrégale al pedido 2 gafas" after confirming silently became order #2 with a second
    delivery fee."""
    juan = await confirmed(shop, 9988)
    added = await say(juan, "agregale al pedido 2 gafas claras xfa")
    known = await press(juan, added, "Finalizar")
    summary = await press(juan, known, "usar estos datos")
    said = " ".join(m.get("text", "") for m in summary)
    assert "tu pedido #1 ya está confirmado, así que esto va como un pedido aparte" in said
    assert "Revisa tu pedido" in said


async def test_the_address_of_an_order_not_yet_sent_is_changed_and_the_owners_told(
    shop: Harness,
) -> None:
    """ "quiero cambiar la direccion, es cra 50 # 20-10" after the order got the shop's
    location and the whole warranty text."""
    owner = shop.api.user(OWNER_ID, first_name="Dueña")
    await say(owner, "/start")
    juan = await confirmed(shop, 9987)
    await owner.replies()
    changed = await say_text(juan, "quiero cambiar la direccion, es cra 50 # 20-10")
    assert "Cambié la dirección de entrega de tu pedido #1: cra 50 # 20-10" in changed
    assert "garantía" not in changed.lower()
    alert = " ".join(m.get("text", "") for m in await owner.replies())
    assert "pedido #1 cambió la dirección" in alert and "Antes: Cra 1 # 2-3, Laureles" in alert
    assert "Ahora: cra 50 # 20-10" in alert
    async with shop.app.uow() as uow:
        order = await uow.orders.get(1)
    assert order is not None and order.address == "cra 50 # 20-10"
    other = await say_text(juan, "la direccion es calle 10 # 5-5, envigado")  # another fee
    assert "Esa dirección es en Envigado" in other and "Escríbele a la tienda" in other


async def test_the_next_order_offers_the_address_the_order_moved_to(shop: Harness) -> None:
    """After "cambia la dirección, es cra 50 # 20-10 barrio belén", the next purchase offered
    the old address as "your data" (the customer's record kept it)."""
    juan = await confirmed(shop, 9984)
    await say(juan, "quiero cambiar la direccion, es cra 50 # 20-10 barrio belén")
    added = await say(juan, "quiero 1 casco blanco")
    known = " ".join(m.get("text", "") for m in await press(juan, added, "Finalizar"))
    assert "Dirección: cra 50 # 20-10" in known and "Cra 1 # 2-3" not in known
    assert "Barrio: Belén" in known and "Laureles" not in known


async def test_chat_shorthand_is_read_as_the_words_it_stands_for(shop: Harness) -> None:
    """ "y el pedido q?" got the pickup text and the volume discount; "q datos tienen de mi?"
    "No encontré productos"; "a q horas llega?" the opening hours."""
    juan = await confirmed(shop, 9986)
    state = await say_text(juan, "y el pedido q?")
    assert "Pedido #1" in state and "Compras por volumen" not in state
    data = await say_text(juan, "q datos tienen de mi?")
    assert "Estos son los datos que tengo tuyos" in data and "1037654321" in data
    when = await say_text(juan, "a q horas llega?")
    assert "Horario" not in when and "24 a 48 horas hábiles" in when


async def test_what_only_looks_like_an_order_change_leaves_the_order_alone(shop: Harness) -> None:
    """From a review of the changes above: a question about an address, a product asked for
    with someone else's address, a price asked as "cuánto tengo que pagar por…", the Nequi
    number of a cash order, and paying the courier."""
    juan = await confirmed(shop, 9985)
    asked = await say_text(juan, "¿la dirección del local es Carrera 52 # 38-47?")
    assert "Cambié la dirección" not in asked
    await say(juan, "quiero 5 guantes de vaqueta para mi hermano, la direccion es Calle 80 # 30-20")
    async with shop.app.uow() as uow:
        order = await uow.orders.get(1)
    assert order is not None and order.address == "Cra 1 # 2-3"
    await say(juan, "vaciar carrito")
    priced = await say_text(juan, "¿cuánto tengo que pagar por 3 guantes de vaqueta?")
    assert "Guante" in priced and "Tu pedido #1:" not in priced
    nequi = await say_text(juan, "¿me pasas el número de Nequi para pagar?")
    assert "312 745 9036" in nequi and "Tu pedido #1:" not in nequi
    courier = await say_text(juan, "ya le pagué al domiciliario")
    assert "lo confirma la tienda con el domiciliario" in courier and "Nequi" not in courier
