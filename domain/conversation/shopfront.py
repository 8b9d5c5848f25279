"""What every step of the conversation works with: the catalog, the shop's profile, its clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from domain import texts
from domain.catalog import Catalog
from domain.conversation.finding import Finder
from domain.knowledge import Knowledge
from domain.shop import ShopProfile


@dataclass(frozen=True)
class Shopfront:
    catalog: Catalog
    shop: ShopProfile
    timezone: tzinfo = UTC
    finder: Finder = field(init=False)
    knowledge: Knowledge = field(init=False)  # the profile's and its documents' passages

    def __post_init__(self) -> None:
        object.__setattr__(self, "finder", Finder(self.catalog))
        object.__setattr__(self, "knowledge", Knowledge.of_shop(self.shop))

    def example(self) -> str:
        """A category to suggest ("¿tienen extintores?"), from the catalog."""
        categories = self.catalog.categories(1)
        return categories[0].lower() if categories else texts.EXAMPLE_FALLBACK

    def categories(self, limit: int = 5) -> list[str]:
        return list(self.catalog.categories(limit))
