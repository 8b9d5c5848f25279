"""Bot API error responses, and the faults a test can inject (see ``LocalBotAPI.fail_next``
and ``LocalBotAPI.hang_next``)."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# What Telegram's nginx front ends answer while the Bot API behind them is down.
NGINX_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class BotAPIError(Exception):
    """An error answered as ``{"ok": false, "error_code": ..., "description": ...}``, or,
    with ``html``, as the front end's HTML error page (not JSON at all)."""

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        *,
        html: bool = False,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.html = html

    @classmethod
    def bad_request(cls, reason: str) -> BotAPIError:
        """400 with the ``Bad Request:`` prefix the real API uses."""
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def injected(
        cls,
        error_code: int,
        description: str | None,
        retry_after: int | None,
        *,
        html: bool = False,
    ) -> BotAPIError:
        """Build the error a test asked for through ``fail_next``."""
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            default = f"Too Many Requests: retry after {retry_after}"
        else:
            default = DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        return cls(error_code, description or default, retry_after, html=html)

    def payload(self) -> dict[str, Any]:
        """JSON body of the error response."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def page(self) -> str:
        """HTML body of the error response when ``html`` (nginx's page for the status)."""
        try:
            phrase = HTTPStatus(self.error_code).phrase
        except ValueError:
            phrase = "Error"
        return NGINX_PAGE.format(status=self.error_code, phrase=phrase)


@dataclass(frozen=True)
class Hang:
    """A call that answers nothing for ``seconds`` (None: until the client gives up), then
    is handled as usual if the client is still waiting; a call given up on is dropped."""

    seconds: float | None


Fault = BotAPIError | Hang
