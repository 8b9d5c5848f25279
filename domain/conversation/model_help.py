"""Optional model help: reading a message the rules did not, and wording a reply.

The customer's own words win: a model never cancels, confirms, accepts an offer or removes
anything, never changes a quantity the customer wrote, and its product words are used only
when they find something in the catalog. A worded reply is kept only when it states the same
facts as the draft. Any failure or delay falls back to the offline path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from domain.ai import Facts, Phraser, ProviderError, Understander
from domain.catalog import Catalog
from domain.conversation.memory import Memory
from domain.grounding import is_grounded
from domain.language import Intent, Understanding, looks_like_injection

log = logging.getLogger(__name__)
T = TypeVar("T")

# What a model's reading may decide; cancelling, confirming, accepting or removing is only
# ever the customer's own words.
MODEL_MAY_READ = frozenset({Intent.OTHER, Intent.PRODUCT_QUESTION, Intent.BUY})
MODEL_MAY_SAY = frozenset(
    {
        "product",
        "buy",
        "shop_info",
        "my_orders",
        "greeting",
        "thanks",
        "goodbye",
        "browse",
        "help",
        "other",
    }
)
MAX_UNITS = 1000
MAX_MODEL_QUERY = 80
MODEL_QUERY_STRENGTH = 0.5  # share of the model's product words a catalog name must say


@dataclass(frozen=True)
class AiTools:
    """Optional model help: reading messages and wording replies. None = offline only."""

    understander: Understander | None = None
    phraser: Phraser | None = None
    budget: float = 20.0  # seconds a customer may wait for each model call, retries included
    context_turns: int = 6  # earlier messages of the chat the reading model sees (as data)


class ModelHelp:
    def __init__(self, tools: AiTools, catalog: Catalog, shop_name: str) -> None:
        self._tools = tools
        self._catalog = catalog
        self._shop_name = shop_name

    @property
    def words(self) -> bool:
        """A model words replies."""
        return self._tools.phraser is not None

    @property
    def context_turns(self) -> int:
        """How many earlier messages `reading` wants (none without a reading model)."""
        return self._tools.context_turns if self._tools.understander is not None else 0

    async def reading(
        self, text: str, offline: Understanding, memory: Memory, recent: Sequence[str] = ()
    ) -> Understanding:
        """Fill what the offline reading missed with the model's; the offline one on failure.
        `recent`: the chat's last messages, oldest first, given to the model as context."""
        understander = self._tools.understander
        if (
            understander is None
            or offline.intent not in MODEL_MAY_READ
            or memory.waiting()  # an offer or a choice awaits the customer's own answer
            or offline.injection
            or len(offline.items) > 1
        ):
            return offline
        reading = await self._ask(understander.extract(text, recent), "reading")
        if reading is None:
            return offline
        intent = offline.intent
        if offline.intent == Intent.OTHER and reading.intent in MODEL_MAY_SAY:
            intent = Intent(reading.intent)
        mention = reading.products[0] if len(reading.products) == 1 else None
        query = offline.product_query
        if mention and self._query_helps(mention.query, offline.product_query):
            query = mention.query
        quantity = offline.quantity
        if (
            quantity is None
            and mention
            and mention.quantity
            and mention.quantity <= MAX_UNITS
            and offline.states_number  # "un par", "una docena": a model may read those
        ):
            quantity = mention.quantity
        return replace(
            offline,
            intent=intent,
            product_query=query,
            quantity=quantity,
            is_question=reading.is_question or offline.is_question,
        )

    def _query_helps(self, query: str, offline_query: str) -> bool:
        """The model's product words find something the customer's own words did not."""
        if len(query) > MAX_MODEL_QUERY or looks_like_injection(query):
            return False
        theirs = self._catalog.match_strength(query)
        ours = self._catalog.match_strength(offline_query) if offline_query else 0.0
        return theirs >= MODEL_QUERY_STRENGTH and theirs > ours

    async def wording(self, draft: str, customer_message: str) -> str | None:
        """The draft as a model words it, when it keeps to the facts; None otherwise."""
        phraser = self._tools.phraser
        if phraser is None or not draft:
            return None
        facts = Facts(draft=draft, shop=self._shop_name, customer_message=customer_message)
        worded = await self._ask(phraser.phrase(facts), "wording")
        if worded is None or worded.strip() == draft:
            return None
        worded = worded.strip()
        if not is_grounded(worded, draft, self._catalog.names()):
            log.warning("a worded reply stated facts not in the draft; the draft is sent")
            return None
        return worded

    async def _ask(self, call: Awaitable[T], what: str) -> T | None:
        """A model's answer within the time budget; None (the offline path) on any failure."""
        try:
            async with asyncio.timeout(self._tools.budget):
                return await call
        except (ProviderError, TimeoutError) as error:
            log.info("%s offline (%s)", what, error)
        except Exception:  # noqa: BLE001 - a provider's bug must not cost the customer a reply
            log.exception("the %s model failed unexpectedly; offline path used", what)
        return None
