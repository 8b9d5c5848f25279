"""Local Telegram Bot API server for tests and the demo."""

from doubles.telegram.customer import Customer
from doubles.telegram.errors import BotAPIError
from doubles.telegram.server import DEFAULT_TOKEN, LocalBotAPI

__all__ = ["DEFAULT_TOKEN", "BotAPIError", "Customer", "LocalBotAPI"]
