"""An in-process HTTP server speaking the Telegram Bot API wire protocol."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import aiohttp
from aiohttp import web

from doubles.telegram.customer import Customer
from doubles.telegram.errors import BotAPIError, Fault, Hang
from doubles.telegram.methods import BotMethods
from doubles.telegram.params import normalize, read_request
from doubles.telegram.state import ServerState
from doubles.telegram.webhook import DeliveryAttempt, WebhookDelivery

if TYPE_CHECKING:
    from aiogram import Dispatcher

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-TOKEN"
WAIT_FOR_INTERVAL = 0.02
EVERY_METHOD = "*"


class CallAbandoned(Exception):
    """The client gave up on a hanging call (or the server stopped): nothing is answered."""


def _never() -> bool:
    return False


class LocalBotAPI:
    """Fake Telegram: real Bot API over HTTP for the bot, a Python API for tests."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "agente_vendedor_bot",
        *,
        bot_first_name: str = "Agente Vendedor",
        webhook_max_attempts: int = 20,
        webhook_retry_delay: float = 0.05,
        webhook_parallel: bool = False,
    ) -> None:
        self.token = token
        bot_id, _, _ = token.partition(":")
        self.state = ServerState(
            bot_user={
                "id": int(bot_id) if bot_id.isdigit() else 123456,
                "is_bot": True,
                "first_name": bot_first_name,
                "username": bot_username,
            }
        )
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[tuple[str, dict[str, Any], BotAPIError]] = []
        self._faults: dict[str, list[Fault]] = {}
        self._customers: dict[int, Customer] = {}
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self._webhook = WebhookDelivery(
            self.state.updates,
            self._client,
            self._execute_webhook_reply,
            max_attempts=webhook_max_attempts,
            retry_delay=webhook_retry_delay,
            parallel=webhook_parallel,
        )
        self._handlers = BotMethods(self.state, self._webhook, self._client).handlers()

    @property
    def base_url(self) -> str:
        """``http://host:port`` once started (use as TELEGRAM_API_BASE)."""
        return self._base_url

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object."""
        return copy.deepcopy(self.state.bot_user)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start listening; returns the base URL."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._base_url = f"http://{bound_host}:{bound_port}"
        self.state.closed = False
        logger.info("Local Bot API listening on %s", self._base_url)
        return self._base_url

    async def stop(self) -> None:
        """Stop delivery, wake long polls and close the server."""
        self.state.closed = True
        self.state.updates.pulse.fire()
        await self._webhook.disable()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def user(
        self,
        user_id: int,
        first_name: str = "Ana",
        username: str | None = None,
        language_code: str | None = "es",
    ) -> Customer:
        """A handle to play a customer in a private chat (one handle per user_id)."""
        if user_id in self._customers:
            return self._customers[user_id]
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        customer = self._customers[user_id] = Customer(self.state, user)
        return customer

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update as-is (keeping ``update_id`` if present)."""
        self.state.register_chats(update)
        return self.state.updates.push(update)

    def sent_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Bot messages in a chat, current state, oldest first."""
        record = self.state.chats.get(chat_id)
        if record is None:
            return []
        bot_id = self.state.bot_user["id"]
        return [
            copy.deepcopy(message)
            for _, message in sorted(record.messages.items())
            if message.get("from", {}).get("id") == bot_id
        ]

    def edit_history(self, chat_id: int, message_id: int) -> list[dict[str, Any]]:
        """Previous versions of an edited message, oldest first."""
        record = self.state.chats.get(chat_id)
        return copy.deepcopy(record.history.get(message_id, [])) if record else []

    @property
    def files(self) -> dict[str, bytes]:
        """Bytes of every known file (uploads by bot and users) by file_id."""
        return self.state.files.contents()

    @property
    def webhook_attempts(self) -> list[DeliveryAttempt]:
        """Every webhook POST made so far, with status or error."""
        return list(self._webhook.attempts)

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed (polling) or delivered (webhook)."""
        return len(self.state.updates)

    def report_handling(self, dp: Dispatcher) -> None:
        """Let ``dp`` tell this server as it finishes each update (polling harness only).

        Telegram never learns when a bot is done with an update; tests learn it here, so
        :meth:`Customer.replies` and :meth:`wait_handled` end as soon as the bot is done
        instead of after a stretch of silence. Call it before the dispatcher starts
        handling updates. Webhook delivery needs nothing: the POST returns when handled.
        """
        from doubles.telegram.handling import ReportHandled  # aiogram: only for a harness

        ReportHandled(self.state.updates).install(dp)
        self.state.updates.polling_reported = True

    async def wait_handled(self, timeout: float = 10.0) -> None:
        """Wait until the bot has finished every update queued so far."""
        updates = self.state.updates
        if not updates.reports_handling:
            raise RuntimeError("nothing reports handled updates: call report_handling(dp)")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while updates.unhandled:
            if loop.time() >= deadline:
                raise TimeoutError(f"updates not handled within {timeout}s: {updates.unhandled}")
            await self.state.progress.wait(deadline - loop.time())

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        *,
        html: bool = False,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: of any method) fail.

        The answer is the Bot API's JSON error (``retry_after`` for a 429), or with
        ``html=True`` the HTML page Telegram's nginx front ends serve while the Bot API
        behind them is down (``fail_next("*", 502, html=True)``): not JSON at all.
        """
        error = BotAPIError.injected(error_code, description, retry_after, html=html)
        self._add_faults(method, [error] * times)

    def hang_next(self, method: str, seconds: float | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: of any method) answer
        nothing for ``seconds`` (None: until the client gives up), then be handled as usual;
        a call the client gave up on is never carried out."""
        self._add_faults(method, [Hang(seconds)] * times)

    def _add_faults(self, method: str, faults: list[Fault]) -> None:
        """Faults queue per method, taken in order; a method's own before those of ``*``."""
        self._faults.setdefault(method.lower(), []).extend(faults)

    def _next_fault(self, name: str) -> Fault | None:
        for key in (name, EVERY_METHOD):
            queue = self._faults.get(key)
            if queue:
                return queue.pop(0)
        return None

    async def _hang(self, hang: Hang, given_up: Callable[[], bool]) -> None:
        loop = asyncio.get_running_loop()
        end = None if hang.seconds is None else loop.time() + hang.seconds
        while end is None or loop.time() < end:
            if given_up() or self.state.closed:
                raise CallAbandoned
            wait = WAIT_FOR_INTERVAL if end is None else min(WAIT_FOR_INTERVAL, end - loop.time())
            await asyncio.sleep(max(wait, 0))
        if given_up():
            raise CallAbandoned

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll ``predicate`` until it returns something truthy; return that value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := predicate()):
            if loop.time() >= deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(WAIT_FOR_INTERVAL)
        return value

    async def call(
        self, method: str, params: dict[str, Any], *, given_up: Callable[[], bool] = _never
    ) -> Any:
        """Run a Bot API method in-process, exactly as if it came over HTTP (``given_up``
        tells a hanging call that its client left)."""
        params = normalize(params)
        name = method.lower()
        entry = self._handlers.get(name)
        self.calls.append((entry[0] if entry else method, params))
        try:
            if entry is None:
                raise BotAPIError(404, "Not Found: method not found")
            fault = self._next_fault(name)
            if isinstance(fault, Hang):
                await self._hang(fault, given_up)
            elif fault is not None:
                raise fault
            return await entry[1](params)
        except BotAPIError as error:
            self.errors.append((entry[0] if entry else method, params, error))
            raise

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error_response(BotAPIError(401, "Unauthorized"))

        def given_up() -> bool:
            return request.transport is None or request.transport.is_closing()

        try:
            params = await read_request(request)
            result = await self.call(request.match_info["method"], params, given_up=given_up)
        except BotAPIError as error:
            return _error_response(error)
        except CallAbandoned:  # the client left (nobody reads this), or the server stops
            return _error_response(BotAPIError(504, "Gateway Timeout", html=True))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error_response(BotAPIError(401, "Unauthorized"))
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None:
            return _error_response(BotAPIError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _execute_webhook_reply(self, method: str, params: dict[str, Any]) -> None:
        try:
            await self.call(method, params)
        except BotAPIError as error:
            logger.warning("Method %s from webhook reply failed: %s", method, error.description)
        except CallAbandoned:
            logger.warning("Method %s from webhook reply dropped: the server stopped", method)


def _error_response(error: BotAPIError) -> web.Response:
    if error.html:
        headers = {"Content-Type": "text/html"}
        return web.Response(body=error.page().encode(), status=error.error_code, headers=headers)
    return web.json_response(error.payload(), status=error.error_code)
