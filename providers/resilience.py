"""Timeouts, bounded retries with backoff, and a circuit that rests a failing provider.

Provider clients wrap each network call in `Guard.call`. Their SDKs' own retries are turned
off so the policy lives in one place.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from domain.ai import ProviderError

log = logging.getLogger(__name__)
T = TypeVar("T")


class RetryableError(ProviderError):
    """A failure worth another try: timeout, connection error, 429, 5xx."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CircuitOpen(ProviderError):
    """The provider failed repeatedly; calls go to the fallback until it rests."""


@dataclass
class Policy:
    timeout: float = 10.0  # seconds per attempt
    attempts: int = 3  # first try included
    backoff: float = 0.5  # seconds before the 2nd attempt, doubled after, with jitter
    max_backoff: float = 4.0
    failures_to_open: int = 3  # consecutive failed calls that open the circuit
    rest: float = 30.0  # seconds the circuit stays open before one trial call


class Guard:
    """One per provider: retries a call, and stops calling while the provider keeps failing."""

    def __init__(
        self,
        name: str,
        policy: Policy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.policy = policy or Policy()
        self._clock = clock
        self._sleep = sleep
        self._failures = 0
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        return self._failures >= self.policy.failures_to_open and self._clock() < self._open_until

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run `operation` under the policy; ProviderError when it cannot succeed now."""
        if self.open:
            raise CircuitOpen(f"{self.name}: resting after repeated failures")
        policy = self.policy
        for attempt in range(1, policy.attempts + 1):
            try:
                result = await asyncio.wait_for(operation(), timeout=policy.timeout)
            except TimeoutError:
                error: ProviderError = RetryableError(f"{self.name}: timed out")
            except RetryableError as failure:
                error = failure
            except ProviderError:
                self._failed()
                raise
            else:
                self._failures = 0
                return result
            if attempt == policy.attempts:
                self._failed()
                raise error
            delay = min(policy.max_backoff, policy.backoff * 2 ** (attempt - 1))
            if isinstance(error, RetryableError) and error.retry_after is not None:
                if error.retry_after > policy.max_backoff:
                    # Asked to wait longer than a customer should: answer offline now.
                    self._failed()
                    raise error
                delay = max(delay, error.retry_after)
            log.info("%s failed (%s); retry %d in %.1fs", self.name, error, attempt, delay)
            await self._sleep(delay * random.uniform(0.8, 1.2))
        raise AssertionError("unreachable")

    def _failed(self) -> None:
        self._failures += 1
        if self._failures >= self.policy.failures_to_open:
            self._open_until = self._clock() + self.policy.rest
            log.warning("%s keeps failing: offline path for %.0fs", self.name, self.policy.rest)
