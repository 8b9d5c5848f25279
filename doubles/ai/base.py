"""What the local AI servers share: an aiohttp server's life, and cutting delays short."""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Self

from aiohttp import web

logger = logging.getLogger(__name__)


class LocalServer:
    """Start on a free port, stop waking any scripted delay; usable as `async with`."""

    label = "local server"
    max_body = 32 * 1024 * 1024
    shutdown_timeout = 1.0

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._base_url = ""

    @property
    def base_url(self) -> str:
        """``http://host:port`` once started."""
        return self._base_url

    def _route(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start listening; returns the base URL to give the SDK."""
        app = web.Application(client_max_size=self.max_body)
        self._route(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.shutdown_timeout)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._base_url = f"http://{bound_host}:{bound_port}"
        self._closing.clear()
        logger.info("%s listening on %s", self.label, self.base_url)
        return self.base_url

    async def stop(self) -> None:
        """Wake delayed answers and close the server."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
