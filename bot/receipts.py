"""What Telegram took, noted where it is fastest to write: Redis, when there is one.

An outbox row is recorded as sent in the database after Telegram answers. A worker killed
between the two would leave the row pending, and another worker would send it again once
the claim lapsed (Telegram has no idempotency key). With several workers the database write
can wait for a lock; a receipt in Redis (SET, well under a millisecond) is written first, and
a row found with a receipt is recorded as sent without being sent again. Without Redis, the
database record is the receipt, as before (the window is the time that record takes).
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.faults import describe

log = logging.getLogger(__name__)

RECEIPT_SECONDS = 2 * 24 * 3600  # longer than any row stays pending before it is swept


class Receipts(Protocol):
    async def note(self, key: str, message_id: int) -> None: ...

    async def find(self, key: str) -> int | None: ...

    async def close(self) -> None: ...


class NoReceipts:
    async def note(self, key: str, message_id: int) -> None:
        return None

    async def find(self, key: str) -> int | None:
        return None

    async def close(self) -> None:
        return None


class RedisReceipts:
    """Receipts under `{prefix}:sent:{outbox key}`; Redis failing never stops a send."""

    def __init__(self, url: str, prefix: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._prefix = f"{prefix}:sent:"

    async def note(self, key: str, message_id: int) -> None:
        try:
            await self._redis.set(self._prefix + key, message_id, ex=RECEIPT_SECONDS)
        except Exception as error:  # noqa: BLE001 - the database record still follows
            log.warning("could not note the receipt of %s in Redis (%s)", key, describe(error))

    async def find(self, key: str) -> int | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except Exception as error:  # noqa: BLE001 - unknown: sent as the database says
            log.warning("could not read the receipt of %s in Redis (%s)", key, describe(error))
            return None
        return int(value) if value is not None else None

    async def close(self) -> None:
        await self._redis.aclose()
