"""An inline button as the domain describes it; bot.keyboards turns rows of them into markup."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # callback data, at most 64 bytes


Buttons = tuple[tuple[Button, ...], ...]
