"""Start-up against the Bot API: wait for it while it is down, stop at once when it refuses.

Telegram (or the way to it) being down is waited out with capped exponential backoff, one
warning line per try: no connection, a 5xx, an answer that is not the Bot API's JSON (the
HTML 502 page of its front ends), no answer within the request timeout, a 429. A refusal is
not: a wrong token (401) or any other 4xx raises StartupError, one line naming the setting
to fix, which run_bot.py prints before it exits with 2.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import User
from aiogram.utils.backoff import Backoff, BackoffConfig

from app.core import StartupError
from app.settings import Settings
from bot.app import create_bot
from bot.cosmetic import describe_failure, optional

log = logging.getLogger(__name__)

__all__ = [
    "StartupError",
    "call_with_backoff",
    "check_bot_api",
    "optional",
    "wait_for_bot_api",
]

T = TypeVar("T")

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=30.0, factor=2.0, jitter=0.1)
REQUEST_TIMEOUT = 10.0  # seconds a start-up call may take before it counts as failed

# Telegram, or the way to it, is down or slow: worth waiting for.
UNAVAILABLE: tuple[type[Exception], ...] = (
    TelegramNetworkError,  # no connection; aiogram's own request timeout
    TelegramServerError,  # a JSON 5xx (RestartingTelegram too)
    TelegramRetryAfter,  # 429: waited for at least retry_after
    ClientDecodeError,  # not the Bot API's JSON: an HTML 502/504 page, a captive portal
    TimeoutError,  # no answer within request_timeout
    UnicodeDecodeError,  # not even text
)


async def wait_for_bot_api(
    bot: Bot,
    settings: Settings,
    *,
    give_up_after: float | None = None,
    backoff: BackoffConfig = BACKOFF,
    request_timeout: float = REQUEST_TIMEOUT,
) -> User:
    """getMe until the Bot API answers: the bot's User, which `bot.me()` then keeps (so
    `dp.start_polling` does not ask again). Call it right before polling or setting the
    webhook. StartupError on a wrong token, or once `give_up_after` seconds have gone by
    (None: wait for as long as it takes)."""
    return await call_with_backoff(
        bot.me,
        "getMe",
        settings,
        give_up_after=give_up_after,
        backoff=backoff,
        request_timeout=request_timeout,
    )


async def check_bot_api(
    settings: Settings, *, give_up_after: float | None = None, backoff: BackoffConfig = BACKOFF
) -> User:
    """`wait_for_bot_api` with a Bot of its own, closed afterwards: run_bot.py calls it
    before it opens the database, so a wrong token stops start-up at once."""
    bot = create_bot(settings)
    try:
        return await wait_for_bot_api(bot, settings, give_up_after=give_up_after, backoff=backoff)
    finally:
        await bot.session.close()


async def call_with_backoff(
    call: Callable[[], Awaitable[T]],
    what: str,
    settings: Settings,
    *,
    setting: str = "TELEGRAM_API_BASE",
    give_up_after: float | None = None,
    backoff: BackoffConfig = BACKOFF,
    request_timeout: float = REQUEST_TIMEOUT,
) -> T:
    """A Bot API call start-up cannot go without, tried until it works:

        await call_with_backoff(lambda: bot.set_webhook(url, ...), "setWebhook", settings,
                                setting="WEBHOOK_URL")

    Waits out an unavailable Bot API (one WARNING line per failed try, no traceback);
    raises StartupError when Telegram refuses the call (`setting` is what the operator is
    told to check for a 4xx other than 401/404) or after `give_up_after` seconds.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    delays = Backoff(backoff)
    base = settings.telegram_api_base
    tries = 0
    while True:
        tries += 1
        try:
            async with asyncio.timeout(request_timeout):
                result = await call()
        except UNAVAILABLE as error:
            reason = describe_failure(error, request_timeout)
            delay = next(delays)
            if isinstance(error, TelegramRetryAfter):
                delay = max(delay, float(error.retry_after))
            if give_up_after is not None and loop.time() - started + delay > give_up_after:
                raise StartupError(
                    f"El Bot API en {base} no respondió a {what} en {tries} intentos "
                    f"({reason}): revisa TELEGRAM_API_BASE y la conexión a Internet."
                ) from error
            log.warning(
                "Bot API %s at %s failed (try %d: %s); trying again in %.1fs",
                what,
                base,
                tries,
                reason,
                delay,
            )
            await asyncio.sleep(delay)
            continue
        except TelegramAPIError as error:  # a refusal: trying again would change nothing
            raise refusal(error, what, base, setting) from error
        if tries > 1:
            log.info("Bot API answered %s after %d tries", what, tries)
        return result


def refusal(error: TelegramAPIError, what: str, base: str, setting: str) -> StartupError:
    """The one line for a Bot API that answered, and said no."""
    said = " ".join(error.message.split())
    if isinstance(error, TelegramUnauthorizedError):
        return StartupError(
            f"Telegram rechazó TELEGRAM_BOT_TOKEN ({said}): pon en .env o en el entorno el "
            "token exacto que te dio @BotFather (/mybots → API Token)."
        )
    if isinstance(error, TelegramNotFound):
        return StartupError(
            f"El Bot API en {base} no reconoce TELEGRAM_BOT_TOKEN ({said}): revisa el token "
            "(123456:ABC…) y TELEGRAM_API_BASE."
        )
    return StartupError(f"El Bot API en {base} rechazó {what} ({said}): revisa {setting}.")
