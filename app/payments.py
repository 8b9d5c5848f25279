"""Online payments assembled from the settings: the link provider (Wompi) and Telegram
Payments, when the shop profile offers them."""

from __future__ import annotations

from collections.abc import Callable

from app.settings import Settings, SettingsError
from domain.events import EventBus
from domain.online import OnlinePayments
from domain.payment import PayKind
from domain.ports import UnitOfWork
from domain.shop import ShopProfile
from providers.wompi import Wompi


def build_payments(
    settings: Settings, shop: ShopProfile, uow: Callable[[], UnitOfWork], bus: EventBus
) -> OnlinePayments | None:
    """None when the shop takes no online payment; SettingsError when it offers one whose
    keys are missing."""
    options = shop.payment_options
    links, telegram = options.get(PayKind.LINK), options.get(PayKind.TELEGRAM)
    if links is None and telegram is None:
        return None
    if telegram is not None and not settings.telegram_payments_token.get_secret_value():
        raise SettingsError(
            'The shop profile offers Telegram Payments ([[payment]] kind = "telegram"): set '
            "TELEGRAM_PAYMENTS_TOKEN (BotFather > your bot > Payments)."
        )
    wompi = _wompi(settings) if links is not None else None
    online = OnlinePayments(uow, shop.name, wompi)
    online.subscribe(bus)
    return online


def _wompi(settings: Settings) -> Wompi:
    private_key = settings.wompi_private_key.get_secret_value()
    events_secret = settings.wompi_events_secret.get_secret_value()
    if not private_key or not events_secret:
        raise SettingsError(
            'The shop profile offers payment links ([[payment]] kind = "link"): set '
            "WOMPI_PRIVATE_KEY and WOMPI_EVENTS_SECRET (comercios.wompi.co > Desarrolladores)."
        )
    return Wompi(
        private_key,
        events_secret,
        api_base=settings.wompi_api_base,
        checkout_base=settings.wompi_checkout_base,
        redirect_url=settings.wompi_redirect_url,
    )
