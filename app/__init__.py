"""The application without Telegram: settings, the AI providers chosen by them, logging,
and `core.build_app`, the one place the parts are put together. `bot/` adds Telegram;
run_bot.py's CLI commands (import, export, search) use this alone."""
