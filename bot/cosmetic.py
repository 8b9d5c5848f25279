"""Bot API calls the bot works without: the command menu, chat actions, deleteWebhook before
polling. Their failure, whatever Telegram answers (a JSON error, an HTML 502 page from its
front ends, nothing at all), is one warning line and never fails start-up or a command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramAPIError

log = logging.getLogger(__name__)

T = TypeVar("T")

OPTIONAL_TIMEOUT = 10.0  # seconds an optional call may take before it is given up
CHAT_ACTION_EVERY = 5.0  # Telegram shows a chat action for 5 s (or until the next message)
CHAT_ACTION_GRACE = 1.0  # seconds a finished block waits for its first chat action to go out

# What a Bot API call can raise when Telegram (or the way to it) fails, as aiogram 3 raises
# it: TelegramAPIError covers JSON errors (TelegramServerError and RestartingTelegram for
# 5xx, TelegramRetryAfter, TelegramForbiddenError, ...) and TelegramNetworkError (no
# connection, aiogram's own request timeout); ClientDecodeError is an answer that is not
# the Bot API's JSON (the HTML page of a 502); TimeoutError is our own deadline;
# UnicodeDecodeError a body that is not even text.
BOT_API_FAILURES: tuple[type[Exception], ...] = (
    TelegramAPIError,
    ClientDecodeError,
    TimeoutError,
    UnicodeDecodeError,
)

_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def describe_failure(error: BaseException, timeout: float | None = None) -> str:
    """One line for a failed Bot API call (aiogram's own texts may span lines or hold a
    whole HTML page)."""
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g}s" if timeout else "no answer in time"
    if isinstance(error, ClientDecodeError):
        content = str(error.data)
        title = _TITLE.search(content)
        shown = title.group(1) if title else content[:80]
        return f"not a Bot API answer ({' '.join(shown.split())!r})"
    if isinstance(error, TelegramAPIError):
        return f"{type(error).__name__}: {' '.join(error.message.split())}"
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


async def optional(
    call: Awaitable[T], what: str, *, timeout: float | None = OPTIONAL_TIMEOUT
) -> T | None:
    """Await a Bot API call the bot can do without: its result, or None and one warning
    line when it fails or takes longer than `timeout` seconds.

        await optional(bot.delete_webhook(drop_pending_updates=False), "deleteWebhook")
    """
    try:
        async with asyncio.timeout(timeout):
            return await call
    except BOT_API_FAILURES as error:
        log.warning("%s failed (%s); going on without it", what, describe_failure(error, timeout))
        return None


@contextlib.asynccontextmanager
async def chat_action(
    bot: Bot,
    chat_id: int,
    action: str = "typing",
    *,
    every: float = CHAT_ACTION_EVERY,
    grace: float = CHAT_ACTION_GRACE,
) -> AsyncIterator[None]:
    """Show `action` ("typing", "upload_photo", ...) in the chat while the block runs.

    Sent from a task of its own, alongside the block, and again every `every` seconds;
    after one failure it stops trying (one warning line). At the end of the block it waits
    at most `grace` seconds for the first action to have gone out (so that even quick work
    shows it), then stops: a failing or hanging sendChatAction never fails the block, and
    delays it by `grace` at most.
    """
    first_done = asyncio.Event()

    async def keep_showing() -> None:
        try:
            shown = await optional(bot.send_chat_action(chat_id, action), "sendChatAction")
        finally:
            first_done.set()
        while shown:
            await asyncio.sleep(every)
            shown = await optional(bot.send_chat_action(chat_id, action), "sendChatAction")

    showing = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await first_done.wait()
        showing.cancel()
        await asyncio.wait([showing])
