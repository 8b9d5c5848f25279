"""Filters that run on the event loop.

aiogram runs a filter or handler that is a plain callable in a thread (`asyncio.to_thread`),
and a magic filter (`F.text`, `F.photo`…) is one: a thread hand-off for each filter of each
update, about a seventh of the CPU an update took. `Magic(F.…)` checks it on the loop.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self._magic.resolve(event)

    def __str__(self) -> str:
        return f"Magic({self._magic!r})"
