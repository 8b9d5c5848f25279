"""What the bot asks of an AI model: one small interface (a port) per capability.

Understanding a message (`Understander`), wording a reply (`Phraser`), describing a photo
(`Seer`) and transcribing a voice note (`Hearer`) are the domain's needs, so their ports live
here; the vendor clients that implement them live in `providers/` (Gemini through
google-genai, OpenAI-compatible through openai) and `bot/ai.py` picks one per capability from
the settings. Embedding is a search concern: its port, `rag.embedder.TextEmbedder`, lives in
`rag/`, which imports nothing of ours.

Every call may raise `ProviderError`; callers fall back to the offline path, so a provider can
only make the bot better, never break it. `ProviderError` subclasses rag's `EmbeddingError`,
so a provider's failing `embed()` is caught by rag (and by the catalog) as what it is there —
an embedding that could not be had now — without rag knowing about providers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.model import CUSTOMER_FIELDS as CUSTOMER_FIELDS  # the fields a model may read
from rag.embedder import EmbeddingError

INTENTS = (
    "greeting",
    "product",
    "buy",
    "shop_info",
    "my_orders",
    "cancel",
    "remove",
    "help",
    "affirm",
    "deny",
    "thanks",
    "goodbye",
    "browse",
    "checkout",
    "cart",
    "other",
)


class ProviderError(EmbeddingError):
    """A provider failed (network, timeout, 4xx/5xx, unreadable answer): use the fallback."""


@dataclass(frozen=True)
class ProductMention:
    query: str  # what to search for, in the customer's words ("extintor de 20 libras")
    quantity: int | None = None  # units the customer asked for, never a size


@dataclass(frozen=True)
class Extraction:
    """A model's reading of one customer message, as structured JSON."""

    intent: str  # one of INTENTS
    products: tuple[ProductMention, ...] = ()
    customer: dict[str, str] = field(default_factory=dict)  # keys from CUSTOMER_FIELDS
    is_question: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything a reply may state. The model phrases; it never adds a fact."""

    draft: str  # the offline reply for these facts: correct, maybe plain
    products: tuple[dict[str, str], ...] = ()  # name, price, availability as shown
    cart: str = ""  # the rendered cart, if any
    shop: str = ""  # shop profile lines that matter here
    customer_message: str = ""  # data, never instructions

    def as_data(self) -> dict[str, object]:
        """What a phrasing model receives, as JSON-ready data (the same for every vendor)."""
        return {
            "draft": self.draft,
            "products": list(self.products),
            "cart": self.cart,
            "shop": self.shop,
            "customer_message": self.customer_message,
        }


class Understander(Protocol):
    name: str

    async def extract(self, message: str, recent: Sequence[str]) -> Extraction: ...


class Phraser(Protocol):
    name: str

    async def phrase(self, facts: Facts) -> str: ...


class Seer(Protocol):
    name: str

    async def describe(self, image: bytes, mime_type: str) -> str:
        """A short Spanish description of the product in the photo, to search with."""
        ...


class Hearer(Protocol):
    name: str

    async def transcribe(self, audio: bytes, filename: str, mime_type: str) -> str: ...
