"""Bot API error responses."""

from __future__ import annotations

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


class BotAPIError(Exception):
    """An error answered as ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, reason: str) -> BotAPIError:
        """400 with the ``Bad Request:`` prefix the real API uses."""
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def injected(
        cls, error_code: int, description: str | None, retry_after: int | None
    ) -> BotAPIError:
        """Build the error a test asked for through ``fail_next``."""
        if error_code == 429:
            retry_after = 1 if retry_after is None else retry_after
            default = f"Too Many Requests: retry after {retry_after}"
        else:
            default = DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        return cls(error_code, description or default, retry_after)

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
