"""Helpers to play a customer against the real bot and look at what it stored."""

from __future__ import annotations

from tests.conftest import Harness, button_data, texts_of


async def say(  # noqa: ANN201
    customer,  # noqa: ANN001
    text: str,
    quiet: float | None = None,
    timeout: float = 10.0,
) -> list[dict]:
    """Send `text`; what the bot sent or edited once it has handled it (a customer who
    authorises the use of their data when asked: see `consenting`)."""
    await customer.send_text(text)
    return await consenting(customer, await customer.replies(quiet=quiet, timeout=timeout))


async def consenting(customer, messages: list[dict]) -> list[dict]:  # noqa: ANN001
    """When the personal-data notice is among `messages`, tap "✅ Autorizo": the notice and
    what follows (tests/test_privacy.py plays customers who do not)."""
    for message in messages:
        markup = message.get("reply_markup") or {}
        if any(
            button.get("callback_data") == "consent:yes"
            for row in markup.get("inline_keyboard", [])
            for button in row
        ):
            await customer.press(message, "consent:yes")
            return messages + await customer.replies()
    return messages


async def say_text(customer, text: str) -> str:  # noqa: ANN001
    return texts_of(await say(customer, text))


async def press(customer, messages: list[dict], label: str) -> list[dict]:  # noqa: ANN001
    """Press the button whose label contains `label`; the new messages that follow."""
    message, data = button_data(messages, label)
    await customer.press(message, data)
    fresh = await consenting(customer, await customer.replies())
    return [m for m in fresh if m["message_id"] != message["message_id"]]


async def cart_of(shop: Harness, chat_id: int) -> dict[str, int]:
    async with shop.app.uow() as uow:
        cart = await uow.orders.get_cart(chat_id)
    return {line.sku: line.quantity for line in cart.lines} if cart else {}


async def stock_of(shop: Harness, sku: str) -> int:
    async with shop.app.uow() as uow:
        product = await uow.products.get_by_sku(sku)
    assert product is not None
    return product.stock


async def orders_of(shop: Harness, user_id: int) -> list:
    async with shop.app.uow() as uow:
        return await uow.orders.list_for_user(user_id)
