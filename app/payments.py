"""Online payments assembled from the settings: the link provider (Wompi) when the shop
profile offers payment links."""

from __future__ import annotations

from collections.abc import Callable

from app.settings import Settings, SettingsError
from domain.events import EventBus, PaymentRequested
from domain.online import OnlinePayments
from domain.payment import PayKind
from domain.ports import UnitOfWork
from domain.shop import ShopProfile
from providers.wompi import Wompi


def build_payments(
    settings: Settings, shop: ShopProfile, uow: Callable[[], UnitOfWork], bus: EventBus
) -> OnlinePayments | None:
    """None when the shop takes no payment links; SettingsError when it does and Wompi's
    keys are missing."""
    if shop.payment_options.get(PayKind.LINK) is None:
        return None
    private_key = settings.wompi_private_key.get_secret_value()
    events_secret = settings.wompi_events_secret.get_secret_value()
    if not private_key or not events_secret:
        raise SettingsError(
            'The shop profile offers payment links ([[payment]] kind = "link"): set '
            "WOMPI_PRIVATE_KEY and WOMPI_EVENTS_SECRET (comercios.wompi.co > Desarrolladores)."
        )
    wompi = Wompi(
        private_key,
        events_secret,
        api_base=settings.wompi_api_base,
        checkout_base=settings.wompi_checkout_base,
        redirect_url=settings.wompi_redirect_url,
    )
    online = OnlinePayments(uow, wompi, shop.name)
    bus.subscribe(PaymentRequested, online.on_requested)
    return online
