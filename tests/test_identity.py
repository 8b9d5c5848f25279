"""No lookups by strangers (issue 14, point 5): a registered cédula typed from another
Telegram account reveals nothing and never rewrites its holder's record; the phone on file,
typed next, proves it; failed proofs are limited per chat. End to end through the local Bot
API server, asserting on the database."""

from __future__ import annotations

from sqlalchemy import text

from tests.chat import orders_of, press, say
from tests.conftest import Harness, texts_of


async def order_as(customer, cedula: str, name: str, phone: str, address: str) -> list[dict]:  # noqa: ANN001
    """Buy 2 conos giving this data; the reply to the phone (an offer when it proves the
    cédula; otherwise the order is placed with the data typed)."""
    cart = await say(customer, "quiero 2 conos")
    await press(customer, cart, "Finalizar")
    await say(customer, cedula)
    await say(customer, name)
    after_phone = await say(customer, phone)
    if "Te reconocí" not in texts_of(after_phone):
        town = await say(customer, address)
        await press(customer, town, "Medellín")  # "¿En qué municipio es la entrega?"
        notes = await say(customer, "Belén")
        summary = await press(customer, notes, "Omitir")
        await press(customer, summary, "Confirmar")
    return after_phone


async def test_a_stranger_with_a_registered_cedula_orders_with_their_own_data(
    shop: Harness,
) -> None:
    laura = shop.api.user(8301, first_name="Laura")
    await order_as(laura, "1020304050", "Laura Restrepo", "3001234567", "Cra. 80 # 45-23")
    pedro = shop.api.user(8302, first_name="Pedro")
    await order_as(pedro, "1020304050", "Pedro Páramo", "3157778899", "Calle 1 # 2-3")
    async with shop.app.uow() as uow:
        holder = await uow.customers.by_national_id("1020304050")
    assert holder is not None and holder.telegram_user_id == laura.id
    assert (holder.name, holder.phone) == ("Laura Restrepo", "3001234567")  # untouched
    (order,) = await orders_of(shop, pedro.id)
    assert (order.customer_name, order.address) == ("Pedro Páramo", "Calle 1 # 2-3")
    async with shop.app.session_factory() as session:
        proofs = (
            await session.execute(
                text("SELECT ok FROM identity_proofs WHERE chat_id = :chat"), {"chat": pedro.id}
            )
        ).all()
    assert [tuple(row) for row in proofs] == [(False,)]


async def test_the_holder_on_a_new_account_proves_it_with_the_phone_on_file(
    shop: Harness,
) -> None:
    laura = shop.api.user(8303, first_name="Laura")
    await order_as(laura, "1020304051", "Laura Restrepo", "3001234567", "Cra. 80 # 45-23")
    new_phone = shop.api.user(8304, first_name="Laura")
    offer = await order_as(new_phone, "1020304051", "Laura Restrepo", "300 123 4567", "")
    assert "Te reconocí" in texts_of(offer) and "Cra. 80 # 45-23, Belén" in texts_of(offer)
    summary = await press(new_phone, offer, "Sí, usar")
    await press(new_phone, summary, "Confirmar")
    (order,) = await orders_of(shop, new_phone.id)
    assert order.address == "Cra. 80 # 45-23"
    async with shop.app.uow() as uow:
        holder = await uow.customers.by_national_id("1020304051")
    assert holder is not None and holder.telegram_user_id == new_phone.id  # proven: moved


async def test_afterwards_the_stranger_sees_what_any_customer_would(shop: Harness) -> None:
    """Ordering with a registered cédula must not give away, later, that it was registered:
    /misdatos and the next checkout look the same as for an unregistered cédula."""
    laura = shop.api.user(8305, first_name="Laura")
    await order_as(laura, "1020304052", "Laura Restrepo", "3001234567", "Cra. 80 # 45-23")
    pedro = shop.api.user(8306, first_name="Pedro")
    await order_as(pedro, "1020304052", "Pedro Páramo", "3157778899", "Calle 1 # 2-3")
    eva = shop.api.user(8307, first_name="Eva")
    await order_as(eva, "1099000111", "Eva Luna", "3168889900", "Calle 9 # 8-7")
    for customer, cedula in ((pedro, "1020304052"), (eva, "1099000111")):
        mine = texts_of(await say(customer, "/misdatos"))
        assert cedula in mine and "Calle" in mine
        cart = await say(customer, "quiero 1 cono")
        again = texts_of(await press(customer, cart, "Finalizar"))
        assert "de nuevo" in again and cedula in again
    async with shop.app.uow() as uow:
        holder = await uow.customers.by_national_id("1020304052")
    assert holder is not None and holder.name == "Laura Restrepo"
