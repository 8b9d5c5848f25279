"""The product catalog as customers see it: database facts + the search index kept in sync."""

from __future__ import annotations

import asyncio
import logging
import sys
from array import array
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from domain import texts
from domain.inventory import InventoryRow, parse_inventory
from domain.language import analysed_part
from domain.model import NewProduct, Product
from domain.money import format_count
from domain.ports import UnitOfWork
from rag.embedder import EmbeddingError
from rag.normalize import QUERY_FILLERS, SPANISH_STOPWORDS, stem, tokenize
from rag.search import ProductIndex, SearchDoc, name_head
from rag.vectors import ProductVectors

HEAD_WORDS = 3
# Re-read a little before the last sync: clocks and commit order are not exact.
SYNC_OVERLAP = timedelta(seconds=2)
PAGE = 5_000  # products read from the database and indexed at a time

log = logging.getLogger(__name__)


def _content_stems(text: str) -> list[str]:
    return [
        stem(t) for t in tokenize(text) if t not in SPANISH_STOPWORDS and t not in QUERY_FILLERS
    ]


def word_coverage(query: str, text: str) -> float:
    """Share of the query's content words found (stemmed) in `text`."""
    wanted = set(_content_stems(query))
    if not wanted:
        return 0.0
    return len(wanted & {stem(t) for t in tokenize(text)}) / len(wanted)


def coverage(query: str, product: Product) -> float:
    """Share of the query's content words found in the product's text."""
    return word_coverage(query, f"{product.name} {product.description} {product.category}")


def covers(query: str, product: Product) -> bool:
    """Every content word of the query appears (stemmed) in the product's text."""
    return coverage(query, product) == 1.0


def names_it(query: str, product: Product) -> bool:
    """The query's first content word says what the product is ("extintor de 20 lb")."""
    words = _content_stems(query)
    head = {stem(t) for t in name_head(product.name, HEAD_WORDS)}
    return bool(words) and words[0] in head


async def product_pages(uow: UnitOfWork, size: int = PAGE) -> AsyncIterator[list[Product]]:
    """Every product by id, a page at a time: a big catalog is never all in memory."""
    last_id = 0
    while True:
        async with uow:
            page = await uow.products.list_after(last_id, size)
        if not page:
            return
        last_id = page[-1].id
        yield page


def search_doc(product: Product) -> SearchDoc:
    return SearchDoc(
        id=product.id,
        name=product.name,
        description=product.description,
        category=product.category,
        visible=product.visible,
    )


IMPORT_CHUNK = 2000  # rows per write; progress is reported between chunks
SUMMARY_EXAMPLES = 5  # per outcome, the (sku, name) pairs a summary keeps as examples
Progress = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How many products an import left in one state, and the first few as (sku, name)."""

    count: int = 0
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    """Counts and examples, not every sku: a big import keeps nothing per row once applied."""

    created: Outcome
    updated: Outcome
    unchanged: Outcome
    deactivated: Outcome = Outcome()


class _Tally:
    def __init__(self) -> None:
        self.count = 0
        self.examples: list[tuple[str, str]] = []

    def add(self, skus: Sequence[str], name_of: Mapping[str, str]) -> None:
        self.count += len(skus)
        wanted = SUMMARY_EXAMPLES - len(self.examples)
        self.examples += [(sku, name_of.get(sku, "")) for sku in skus[:wanted]]

    def outcome(self) -> Outcome:
        return Outcome(self.count, tuple(self.examples))


class Catalog:
    """Owns the in-process index; every product change goes through `refresh`."""

    def __init__(self, index: ProductIndex, vectors: ProductVectors | None = None) -> None:
        self.index = index
        self.vectors = vectors
        self._synced_at: datetime | None = None
        self._category_of: dict[int, str] = {}
        self._name_of: dict[int, str] = {}
        self._embedding: asyncio.Task[None] | None = None

    async def load(self, uow: UnitOfWork) -> int:
        """Build the index from the database (start-up).

        Product vectors come from the saved dense index where their text is unchanged;
        only the rest is embedded. If a provider embedder is down, search starts lexical
        and the vectors follow later (`follow`).
        """
        started = datetime.now(UTC)
        reused = self.vectors.load() if self.vectors is not None else 0
        known: set[int] = set()
        async for products in product_pages(uow):
            known.update(p.id for p in products)
            self.refresh(products, embed_later=False)
        self._synced_at = started
        if self.vectors is not None:
            self.vectors.forget(i for i in self.vectors.dense_ids() if i not in known)
            log.info("dense index: %d vectors reused, %d to embed", reused, self.vectors.pending)
            await self.settle()
        log.info("search index built with %d products", len(known))
        return len(known)

    async def settle(self) -> None:
        """Embed the product texts still pending and save the dense index."""
        if self.vectors is None:
            return
        try:
            await self.vectors.flush()
        except EmbeddingError as error:
            log.warning("product embeddings delayed (%s); %d pending", error, self.vectors.pending)
        await self.vectors.save()

    async def close(self) -> None:
        """Let a running embedding finish and keep the dense index for the next start."""
        if self._embedding is not None:
            await asyncio.gather(self._embedding, return_exceptions=True)
        if self.vectors is not None:
            await self.vectors.save()

    async def follow(self, uow: UnitOfWork) -> int:
        """Pick up products changed by another process (an import, another replica)."""
        started = datetime.now(UTC)
        since = (self._synced_at or started) - SYNC_OVERLAP
        async with uow:
            products = await uow.products.changed_since(since)
        self.refresh(products, embed_later=False)
        self._synced_at = started
        if self.vectors is not None and (self.vectors.pending or self.vectors.dirty):
            await self.settle()
        return len(products)

    def refresh(self, products: Iterable[Product], *, embed_later: bool = True) -> None:
        """Follow changed products at once (incremental, no rebuild).

        Searchable on return; with a provider embedder their vectors follow in the
        background (the lexical signals rank them meanwhile), unless the caller settles.
        """
        products = list(products)
        docs = [search_doc(product) for product in products]
        self.index.upsert_many(docs)
        self._note_categories(products)
        if self.vectors is None:
            return
        self.vectors.stage((doc.id, self.index.dense_text(doc)) for doc in docs)
        if self.vectors.local:
            self.vectors.flush_local()
        elif embed_later and self.vectors.pending and not self._embedding_running:
            self._embedding = asyncio.get_running_loop().create_task(self._embed_pending())

    @property
    def _embedding_running(self) -> bool:
        return self._embedding is not None and not self._embedding.done()

    async def _embed_pending(self) -> None:
        assert self.vectors is not None
        try:
            await self.vectors.flush()
        except EmbeddingError as error:
            log.warning("product embeddings delayed (%s); retried on the next sync", error)

    def _note_categories(self, products: Iterable[Product]) -> None:
        for product in products:
            if product.visible and product.category:
                self._category_of[product.id] = sys.intern(product.category)
            else:
                self._category_of.pop(product.id, None)
            if product.active:
                self._name_of[product.id] = product.name
            else:
                self._name_of.pop(product.id, None)

    def match_strength(self, query: str, k: int = 3) -> float:
        """How much of `query` the best few visible products' names say (0..1)."""
        query = analysed_part(query)
        hits = self.index.search(query, k=k, visible_only=True)
        names = [self._name_of.get(hit.id, "") for hit in hits]
        return max((word_coverage(query, name) for name in names), default=0.0)

    def names(self) -> list[str]:
        """Names of the products customers can see (to check a model's wording)."""
        return list(self._name_of.values())

    def categories(self, limit: int) -> list[str]:
        """The categories with the most products on sale, to suggest to customers."""
        return [name for name, _ in Counter(self._category_of.values()).most_common(limit)]

    async def refresh_ids(self, uow: UnitOfWork, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), PAGE):
            async with uow:
                products = await uow.products.list_by_ids(list(ids[start : start + PAGE]))
            self.refresh(products, embed_later=False)
        await self.settle()

    async def _query_vector(self, query: str) -> np.ndarray | None:
        if self.vectors is None:
            return None
        return await self.vectors.query(ProductIndex.dense_query(query))

    async def search(self, uow: UnitOfWork, query: str, k: int = 5) -> list[Product]:
        """Visible products for a customer query, best first; facts from the database."""
        hits = await self.scored_ids(query, k=k)
        if not hits:
            return []
        products = await uow.products.list_by_ids([product_id for product_id, _ in hits])
        return [p for p in products if p.visible]

    async def scored_ids(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """(product id, score) of the visible products for `query`, best first.

        A customer's query is read up to MAX_ANALYSED_CHARS, as every message is."""
        query = analysed_part(query)
        vector = await self._query_vector(query)
        hits = self.index.search(query, k=k, visible_only=True, query_vector=vector)
        return [(hit.id, hit.score) for hit in hits]

    async def unavailable_match(self, uow: UnitOfWork, query: str) -> Product | None:
        """A hidden product (inactive or sold out) that matches better than anything on sale."""
        query = analysed_part(query)
        vector = await self._query_vector(query)
        hits = self.index.search(query, k=1, visible_only=False, query_vector=vector)
        if not hits:
            return None
        visible = self.index.search(query, k=1, visible_only=True, query_vector=vector)
        if visible and visible[0].id == hits[0].id:
            return None
        product = await uow.products.get(hits[0].id)
        if product is None or product.visible or not covers(query, product):
            return None
        return product


def _new_product(row: InventoryRow) -> NewProduct:
    return NewProduct(
        sku=row.sku,
        name=row.name,
        description=row.description,
        category=row.category,
        price_minor=row.price_minor,
        stock=row.stock,
        active=row.active,
    )


async def _quiet(_: str) -> None:
    return None


async def import_inventory(
    uow: UnitOfWork,
    catalog: Catalog,
    data: bytes,
    filename: str,
    *,
    replace: bool = False,
    progress: Progress = _quiet,
) -> ImportSummary:
    """Validate the whole file, then apply every row in one transaction.

    `replace` also deactivates (never deletes) the products the file leaves out.
    Raises `InvalidInventory` (nothing changes) when any row is wrong.
    """
    await progress(texts.IMPORT_CHECKING.format(file=filename))
    # Parsing a big file takes seconds: off the event loop, so other chats keep moving.
    rows = await asyncio.to_thread(parse_inventory, data, filename)
    del data  # the parsed rows say it all; a big file's bytes need not outlive them
    total = len(rows)
    created, updated, unchanged, deactivated = _Tally(), _Tally(), _Tally(), _Tally()
    changed_ids = array("q")  # compact: no Python int per product held until indexing
    async with uow:
        for start in range(0, total, IMPORT_CHUNK):
            if total > IMPORT_CHUNK:
                await progress(
                    texts.IMPORT_SAVING.format(done=format_count(start), total=format_count(total))
                )
            chunk = rows[start : start + IMPORT_CHUNK]
            result = await uow.products.upsert_many(_new_product(row) for row in chunk)
            name_of = {row.sku: row.name for row in chunk}
            created.add(result.created, name_of)
            updated.add(result.updated, name_of)
            unchanged.add(result.unchanged, name_of)
            changed_ids.extend(result.changed_ids)
        gone = await uow.products.deactivate_missing(row.sku for row in rows) if replace else []
        await uow.commit()
    del rows  # before indexing, the import's biggest allocation
    deactivated.add([p.sku for p in gone], {p.sku: p.name for p in gone[:SUMMARY_EXAMPLES]})
    changed_ids.extend(product.id for product in gone)
    del gone
    if total > IMPORT_CHUNK:
        await progress(texts.IMPORT_INDEXING)
    await catalog.refresh_ids(uow, changed_ids)
    return ImportSummary(
        created.outcome(), updated.outcome(), unchanged.outcome(), deactivated.outcome()
    )
