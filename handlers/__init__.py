"""The ordered router tree: commands first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import commands, fallback, media, sale


def build_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        commands.create_router(),
        sale.create_router(),
        media.create_router(),
        fallback.create_router(),
    )
    return root
