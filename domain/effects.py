"""The domain's own reactions to its events, subscribed where the application is assembled."""

from __future__ import annotations

from collections.abc import Callable

from domain.catalog import Catalog
from domain.events import EventBus, ProductsChanged
from domain.ports import UnitOfWork


def subscribe_search(bus: EventBus, catalog: Catalog, uow: Callable[[], UnitOfWork]) -> None:
    """The search index follows every committed product change at once."""

    async def refresh(event: ProductsChanged) -> None:
        # A page at a time, a big page off the event loop; vectors follow in the background.
        await catalog.refresh_ids(uow(), event.product_ids, settle=False)

    bus.subscribe(ProductsChanged, refresh)
