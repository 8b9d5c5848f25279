"""Delivering queued updates to a webhook URL, like Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from doubles.telegram.params import read_multipart
from doubles.telegram.state import Pulse, UpdateQueue

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_RETRY_DELAY = 1.0

Executor = Callable[[str, dict[str, Any]], Awaitable[None]]


@dataclass
class DeliveryAttempt:
    """One POST of an update to the webhook."""

    update_id: int
    status: int | None
    error: str | None
    seconds: float = 0.0
    """How long the POST took, until its answer was read."""


class WebhookDelivery:
    """Background task POSTing pending updates in order, with retries.

    `parallel`: like Telegram, up to `max_connections` POSTs at once, one chat's updates one
    at a time and in order (the load test); otherwise one POST at a time, strictly in order.
    """

    def __init__(
        self,
        queue: UpdateQueue,
        http: Callable[[], aiohttp.ClientSession],
        execute: Executor,
        max_attempts: int = 20,
        retry_delay: float = 0.05,
        *,
        parallel: bool = False,
    ) -> None:
        self._queue = queue
        self._parallel = parallel
        self._http = http
        self._execute = execute
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._task: asyncio.Task[None] | None = None
        self._generation = 0
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.attempts: list[DeliveryAttempt] = []

    @property
    def active(self) -> bool:
        """True while a webhook URL is set."""
        return bool(self.url)

    def configure(self, url: str, secret_token: str | None, max_connections: int) -> None:
        """Set (or change) the webhook and make sure delivery runs."""
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self.last_error_date = self.last_error_message = None
        self._generation += 1
        self._queue.webhook_reported = True  # the POST returns once the bot has handled it
        if self._task is None or self._task.done():
            run = self._run_parallel if self._parallel else self._run
            self._task = asyncio.create_task(run(), name="local-api-webhook")
        self._queue.pulse.fire()

    async def disable(self) -> None:
        """Remove the webhook and stop delivering."""
        self.url = ""
        self._queue.webhook_reported = False
        self._generation += 1
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> dict[str, Any]:
        """The getWebhookInfo result."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._queue.allowed:
                info["allowed_updates"] = list(self._queue.allowed)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def _run(self) -> None:
        failures = 0
        generation = self._generation
        while self.url:
            if generation != self._generation:
                failures, generation = 0, self._generation
            update = self._queue.first()
            if update is None:
                await self._queue.pulse.wait(1.0)
                continue
            if await self._deliver(update):
                self._queue.remove(update["update_id"])
                failures = 0
                continue
            failures += 1
            if failures >= self._max_attempts:
                logger.error(
                    "Giving up on update %s after %s webhook attempts: %s",
                    update["update_id"],
                    failures,
                    self.last_error_message,
                )
                self._queue.remove(update["update_id"])
                failures = 0
                continue
            await asyncio.sleep(min(self._retry_delay * 2 ** (failures - 1), MAX_RETRY_DELAY))

    async def _run_parallel(self) -> None:
        running: dict[int, asyncio.Task[None]] = {}  # by update_id
        busy: set[Any] = set()  # chats with an update being delivered
        picked: set[Any] = set()  # chats of the updates picked in this round

        def taken(update: dict[str, Any]) -> bool:
            """Not now: being delivered, or its chat is (one chat at a time)."""
            chat = update_chat(update)
            if update["update_id"] in running or chat in busy or chat in picked:
                return True
            picked.add(chat)
            return False

        try:
            while self.url:
                picked.clear()
                room = self.max_connections - len(running)
                for update in self._queue.deliverable(taken, room):
                    chat = update_chat(update)
                    busy.add(chat)
                    task = asyncio.create_task(self._deliver_until_done(update))
                    running[update["update_id"]] = task
                    task.add_done_callback(
                        _forget(running, busy, update["update_id"], chat, self._queue.pulse)
                    )
                await self._queue.pulse.wait(1.0)
        finally:
            for task in list(running.values()):
                task.cancel()

    async def _deliver_until_done(self, update: dict[str, Any]) -> None:
        for failures in range(1, self._max_attempts + 1):
            if await self._deliver(update):
                break
            if failures < self._max_attempts:
                await asyncio.sleep(min(self._retry_delay * 2 ** (failures - 1), MAX_RETRY_DELAY))
        else:
            logger.error("Giving up on update %s: %s", update["update_id"], self.last_error_message)
        self._queue.remove(update["update_id"])

    async def _deliver(self, update: dict[str, Any]) -> bool:
        """POST one update; True when the webhook accepted it."""
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        timeout = aiohttp.ClientTimeout(total=30)
        started = time.perf_counter()
        try:
            async with self._http().post(
                self.url, json=update, headers=headers, timeout=timeout
            ) as response:
                if not 200 <= response.status < 300:
                    reason = f"Wrong response from the webhook: {response.status} {response.reason}"
                    return self._failed(update, response.status, reason)
                reply = await _read_reply(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            return self._failed(update, None, f"Connection failed: {error or type(error).__name__}")
        seconds = time.perf_counter() - started
        self.attempts.append(DeliveryAttempt(update["update_id"], response.status, None, seconds))
        method = reply.pop("method", None)
        if isinstance(method, str) and method:
            await self._execute(method, reply)
        return True

    def _failed(self, update: dict[str, Any], status: int | None, reason: str) -> bool:
        logger.warning("Webhook delivery of update %s failed: %s", update["update_id"], reason)
        self.attempts.append(DeliveryAttempt(update["update_id"], status, reason))
        self.last_error_date = int(time.time())
        self.last_error_message = reason
        return False


def _forget(
    running: dict[int, asyncio.Task[None]], busy: set[Any], update_id: int, chat: Any, pulse: Pulse
) -> Callable[[asyncio.Task[None]], None]:
    """A delivery's end: its chat is free again, and the delivery loop looks again."""

    def done(_: asyncio.Task[None]) -> None:
        running.pop(update_id, None)
        busy.discard(chat)
        pulse.fire()

    return done


def update_chat(update: dict[str, Any]) -> Any:
    """The chat an update belongs to (its sender's id for updates without a chat)."""
    payload = next((v for k, v in update.items() if k != "update_id"), None)
    if not isinstance(payload, dict):
        return None
    for holder in (payload, payload.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return holder["chat"].get("id")
    sender = payload.get("from")
    return sender.get("id") if isinstance(sender, dict) else None


async def _read_reply(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """A method call answered in the webhook response (JSON or multipart), or {}."""
    if response.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader(response.headers, response.content)
        return await read_multipart(reader)
    body = await response.read()
    if not body.strip():
        return {}
    try:
        reply = json.loads(body)
    except ValueError:
        return {}
    return reply if isinstance(reply, dict) else {}
