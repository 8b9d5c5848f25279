"""Test and demo doubles: servers that speak real wire protocols, apart from production code.

`doubles.telegram` is a local Telegram Bot API server (and the customers who talk to the
bot through it); `doubles.ai` holds local OpenAI- and Gemini-compatible REST servers.
Production packages never import from here; the demo and the tests drive the bot with them.
"""
