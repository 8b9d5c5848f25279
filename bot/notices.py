"""What Telegram does when the domain's events are handled: alerts and customer notices.

Subscribed on the application's event bus once the Bot exists (bot.runners); the domain
only emits `OrderConfirmed` and `OrderStatusChanged` inside its transactions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot

from bot.keyboards import inline_keyboard
from bot.sending import alert_owners, tell_customer
from domain.events import EventBus, OrderConfirmed, OrderStatusChanged
from domain.owner import OwnerDesk, order_buttons


def subscribe_notices(
    bus: EventBus,
    bot: Bot,
    desk: OwnerDesk,
    owner_ids: tuple[int, ...],
    low_stock_check: Callable[[], Awaitable[object]] | None = None,
) -> None:
    async def alert_new_order(event: OrderConfirmed) -> None:
        """The new-order alert, with its buttons; an owner's reply to it reaches the customer."""
        markup = inline_keyboard(order_buttons(event.order_id))
        for owner_id, message_id in await alert_owners(bot, owner_ids, event.owner_alert, markup):
            await desk.link(owner_id, message_id, event.chat_id)

    async def check_low_stock(_: OrderConfirmed) -> None:
        """The sale may have left a product running low."""
        if low_stock_check is not None:
            await low_stock_check()

    async def tell_status(event: OrderStatusChanged) -> None:
        await tell_customer(bot, event.chat_id, event.customer_notice)

    bus.subscribe(OrderConfirmed, alert_new_order)
    bus.subscribe(OrderConfirmed, check_low_stock)
    bus.subscribe(OrderStatusChanged, tell_status)
