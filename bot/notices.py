"""What follows a confirmed order besides the messages it promised (those travel through
the outbox, bot/outbox.py): the low-stock check runs at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.events import EventBus, OrderConfirmed


def subscribe_low_stock(bus: EventBus, low_stock_check: Callable[[], Awaitable[object]]) -> None:
    async def check_low_stock(_: OrderConfirmed) -> None:
        """The sale may have left a product running low."""
        await low_stock_check()

    bus.subscribe(OrderConfirmed, check_low_stock)
