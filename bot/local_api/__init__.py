"""Local Telegram Bot API server for tests and the demo."""

from bot.local_api.customer import Customer
from bot.local_api.errors import BotAPIError
from bot.local_api.server import DEFAULT_TOKEN, LocalBotAPI

__all__ = ["DEFAULT_TOKEN", "BotAPIError", "Customer", "LocalBotAPI"]
