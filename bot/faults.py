"""Which failures are worth a retry: the database busy, full or read-only for a while, the
Bot API down. An update that fails so is not marked processed and is handled again — by
Telegram's redelivery (webhook answers 503) or by the poller (the offset waits)."""

from __future__ import annotations

import asyncio

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_transient(error: BaseException) -> bool:
    if isinstance(error, OperationalError | PoolTimeout | TimeoutError | asyncio.TimeoutError):
        return True  # locked, busy, disk full, read-only, unable to open, pool exhausted
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, TelegramNetworkError | TelegramServerError | TelegramRetryAfter):
        return True
    if isinstance(error, ClientDecodeError):
        return True  # not the Bot API's JSON: the HTML page of Telegram's front ends, down
    return isinstance(error, OSError)  # the disk, the network


def describe(error: BaseException) -> str:
    """One line for the log."""
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first[:200]}"
