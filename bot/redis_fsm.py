"""The FSM in Redis for several workers (REDIS_URL): aiogram's RedisStorage behind
AfterCommitStorage, and a chat lock that lives as long as its worker.

aiogram's RedisEventIsolation takes a Redis lock per chat with a fixed expiry: an update
handled for longer than that (a slow provider, a database busy after a worker died) loses
the lock to the chat's next update, and releasing it then raises after the update's work was
committed. Here the worker renews the lock while it handles the update (every third of its
expiry), so the expiry only matters once the worker died; a lock lost all the same (Redis
restarted) is a warning, not an error for an update already done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StorageKey
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from bot.storage import AfterCommitStorage

log = logging.getLogger(__name__)


class RenewedRedisIsolation(RedisEventIsolation):
    def __init__(self, redis: Redis, key_builder: DefaultKeyBuilder, seconds: float) -> None:
        super().__init__(redis, key_builder=key_builder, lock_kwargs={"timeout": seconds})
        self._seconds = seconds

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self.redis.lock(self.key_builder.build(key, "lock"), timeout=self._seconds)
        await lock.acquire()
        renewing = asyncio.create_task(self._renew(lock))
        try:
            yield None
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            try:
                await lock.release()
            except LockError as error:
                log.warning("the lock of chat %s was lost before its end (%s)", key.chat_id, error)

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self._seconds / 3)
            try:
                await lock.reacquire()
            except (LockError, RedisError) as error:
                log.warning("could not renew a chat lock (%s)", error)
                return


def redis_backends(
    url: str, prefix: str, lock_seconds: float
) -> tuple[BaseStorage, BaseEventIsolation]:
    keys = DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=True)
    storage = RedisStorage.from_url(url, key_builder=keys)
    return AfterCommitStorage(storage), RenewedRedisIsolation(storage.redis, keys, lock_seconds)
