"""The product catalog as customers see it: database facts + the search index kept in sync."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from array import array
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from domain import texts
from domain.archive import Bundle, is_zip_upload, read_bundle
from domain.inventory import InvalidInventory, InventoryRow, RowError, parse_inventory
from domain.language import analysed_part
from domain.model import AppliedImport, Product, ProductKey, ProductPatch, StagedProduct
from domain.money import format_count
from domain.pacing import Attention, LoopPacer
from domain.photo_import import (
    UNKNOWN_SHOWN,
    PhotoCount,
    PhotoPlan,
    plan_photos,
    sku_rows,
    write_photos,
)
from domain.ports import UnitOfWork
from domain.shelves import Shelves
from rag.embedder import EmbeddingError
from rag.normalize import QUERY_FILLERS, SPANISH_STOPWORDS, stem, tokenize
from rag.search import ProductIndex, SearchDoc, SearchHit, name_head, stable_digest
from rag.snapshot import (
    Array,
    FileArray,
    SnapshotError,
    prefixed,
    read_arrays,
    unprefixed,
    write_arrays,
)
from rag.vectors import ProductVectors

HEAD_WORDS = 3
# Re-read a little before the last sync: clocks and commit order are not exact.
SYNC_OVERLAP = timedelta(seconds=2)
CATEGORY_SHARE = 0.5  # of a query's words a category's name must say to be the one meant
PAGE = 5_000  # products read from the database and indexed at a time (start-up)
REFRESH_PAGE = 1_000  # products read and indexed at a time while customers are served
IN_THREAD = 100  # a refresh of more products than this is indexed in a worker thread

log = logging.getLogger(__name__)


def _content_stems(text: str) -> list[str]:
    return [
        stem(t) for t in tokenize(text) if t not in SPANISH_STOPWORDS and t not in QUERY_FILLERS
    ]


_DIGITS_RE = re.compile(r"\d+")


def word_coverage(query: str, text: str) -> float:
    """Share of the query's content words found (stemmed) in `text`."""
    wanted = set(_content_stems(query))
    if not wanted:
        return 0.0
    # The text's own function words are left out too: "conos" (stem "con") is not in
    # "chaleco con cintas".
    said = {stem(t) for t in tokenize(text) if t not in SPANISH_STOPWORDS}
    if any(w.isdigit() for w in wanted):  # "10" is said by "10 lb" (token "10lb"), "talla 44"
        said |= {n for t in said for n in _DIGITS_RE.findall(t)}
    return len(wanted & said) / len(wanted)


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


def _fingerprint(product: Product) -> int:
    """A stamp of everything indexing reads from a product (never 0: "never indexed"); the
    same in every process, since it is saved with the index."""
    flags = f"{product.visible:d}{product.active:d}"
    return stable_digest(product.name, product.description, product.category, flags)


@dataclass(frozen=True)
class _Saved:
    """An index taken back from its file: what the products looked like then."""

    stamp: list[object] | None
    synced_at: datetime | None
    arrays: dict[str, FileArray]


def search_doc(product: Product) -> SearchDoc:
    return SearchDoc(
        id=product.id,
        name=product.name,
        description=product.description,
        category=product.category,
        visible=product.visible,
    )


IMPORT_CHUNK = 1000  # rows staged per transaction; progress is reported between chunks
KEYS_PAGE = 5_000  # stored products read at a time to match a file's rows
FEW_ROWS = 500  # a file this small (not a replace) reads only the keys of its own skus
UNSTAGE_CHUNK = 5_000  # staged rows deleted per transaction
# After each of its short transactions an import leaves SQLite's write lock free this long:
# a customer's write waiting for it (SQLite retries at 1, 2, 5, 10, 15, 20 ms…) gets in
# before the import's next chunk, instead of being starved into "database is locked".
WRITE_PAUSE = 0.02
ABANDONED_AFTER = timedelta(hours=1)  # staged rows this old are from an import that died
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
    # How many stored products each field changed in (product field names); the file's
    # other columns changed nothing, and columns it does not have were left alone.
    changed_fields: tuple[tuple[str, int], ...] = ()
    columns: tuple[str, ...] = ()  # the product fields the file carries
    photos: PhotoCount = PhotoCount()
    photos_only: bool = False  # a ZIP of images named by sku: no product changed


class AlreadyApplied(Exception):
    """This upload (chat, document, choice) was applied before: nothing is applied again."""


class BigReplace(Exception):
    """A replace would hide more than REPLACE_ASK_SHARE of the active products: the owner is
    asked first (nothing was written)."""

    def __init__(self, hidden: int, active: int, examples: tuple[tuple[str, str], ...]) -> None:
        super().__init__(f"a replace would hide {hidden} of {active} active products")
        self.hidden = hidden
        self.active = active
        self.examples = examples


REPLACE_ASK_SHARE = 0.2


@dataclass(frozen=True)
class StaleLine:
    sku: str
    name: str
    stock: int  # now
    file_stock: int
    sold: int  # units sold (net of cancels) since the last import


class StaleStock(Exception):
    """A file would raise the stock of products sold since the last import: it may be an
    old file (which would undo those sales) or goods that arrived. The owner is asked."""

    def __init__(self, lines: list[StaleLine], since: datetime) -> None:
        super().__init__(f"{len(lines)} products sold since {since.isoformat()}")
        self.lines = lines
        self.since = since


# The searches of the customer turn being handled (`one_turn`): a product question asks the
# index for the same words several times (the finder, the category check, the match strength
# of a shop question); within one turn the index answers once. Kept per turn, not across
# customers: what a turn was shown stays what it decides on.
_turn_searches: ContextVar[dict[tuple[str, bool, bool], tuple[int, list[SearchHit]]] | None] = (
    ContextVar("turn_searches", default=None)
)


TURN_DEPTH = 10  # hits kept of a turn's lexical search (the finder asks for 10)


@contextlib.contextmanager
def one_turn() -> Iterator[None]:
    """Searches inside share their answers (`Catalog._ranked`)."""
    token = _turn_searches.set({})
    try:
        yield
    finally:
        _turn_searches.reset(token)


class Catalog:
    """Owns the in-process index; every product change goes through `refresh` (a few
    products) or `absorb` (many, indexed off the event loop)."""

    def __init__(
        self,
        index: ProductIndex,
        vectors: ProductVectors | None = None,
        attention: Attention | None = None,
    ) -> None:
        self.index = index
        self.vectors = vectors
        self.attention = attention or Attention()  # indexing gives way to waiting customers
        self._synced_at: datetime | None = None
        self._shelves = Shelves()  # each product's name and category
        self._category_stems: dict[str, frozenset[str]] = {}
        self._embedding: asyncio.Task[None] | None = None
        self._indexing = asyncio.Lock()  # one big refresh at a time (an import, the follower)
        # What each product id looked like when indexed (0: never), so that a product seen
        # again unchanged is not indexed again: the follower meets every product an import
        # just indexed, and a stock-only import changes no searchable text.
        self._fingerprints = np.zeros(0, dtype=np.int64)
        self._saved: Path | None = None  # where the index is kept between starts
        # The products' change stamp (count, last id, last write) read before the last full
        # read or sync, saved with the index; None: unknown.
        self._stamp: list[object] | None = None

    async def load(self, uow: UnitOfWork, saved: Path | None = None) -> int:
        """Build the index from the database (start-up); how many products it holds.

        With `saved`, the index a previous run kept there is taken back first (when it was
        built by the same code, weights and synonyms). If the products' change stamp is the
        one saved with it, only what the saving run's last sync could have missed is read
        (`follow`); otherwise every product is read and only those changed since are
        analysed again, and those gone leave the index. Product vectors come from the saved
        dense index where their text is unchanged; only the rest is embedded. If a provider
        embedder is down, search starts lexical and the vectors follow later (`follow`).
        """
        started = datetime.now(UTC)
        self._saved = saved
        if saved:  # the stamp only serves a saved index
            async with uow:
                self._stamp = list(await uow.products.change_stamp())
        restored = await asyncio.to_thread(self._restore, saved) if saved else None
        if restored is not None and restored.stamp == self._stamp and self.vectors is None:
            self._shelves.restore(restored.arrays)
            self._synced_at = restored.synced_at
            followed = await self.follow(uow)
            if followed:
                await asyncio.to_thread(self.save)
            log.info(
                "search index ready with %d products (saved index taken back, %d changed since)",
                len(self.index), followed,
            )  # fmt: skip
            return len(self.index)
        reused = self.vectors.load() if self.vectors is not None else 0
        synced_at = await self._sync_point(uow, started)
        known: set[int] = set()
        changed = 0
        async for products in product_pages(uow):
            known.update(p.id for p in products)
            self._note_categories(products)
            changed += self.refresh(products, embed_later=False)
            if self.vectors is not None and restored:  # an unchanged product may lack its
                # vector (a new embedding model): those with one are skipped
                self.vectors.stage((p.id, self.index.dense_text(search_doc(p))) for p in products)
        gone = [doc_id for doc_id in self.index.ids() if doc_id not in known]
        for doc_id in gone:
            self.index.remove(doc_id)
        self._shelves.pack()
        self._synced_at = synced_at
        if self.vectors is not None:
            self.vectors.forget(i for i in self.vectors.dense_ids() if i not in known)
            log.info("dense index: %d vectors reused, %d to embed", reused, self.vectors.pending)
            await self.settle()
        if saved is not None and await asyncio.to_thread(self.save):
            await asyncio.to_thread(self._read_back, saved)
        log.info(
            "search index ready with %d products (%s, %d analysed again, %d gone)",
            len(known), "saved index read, products checked" if restored else "built",
            changed, len(gone),
        )  # fmt: skip
        return len(known)

    def _restore(self, saved: Path) -> _Saved | None:
        """Take back the index saved at `saved`; None (and an empty index) if there is none
        usable."""
        try:
            meta, arrays = read_arrays(saved)
            if meta.get("signature") != self.index.signature:
                log.info("search code or settings changed since the index was saved: building")
                return None
            self.index.restore(unprefixed("index.", arrays))
            self._fingerprints = np.array(arrays["fingerprints"], dtype=np.int64)
            synced = meta.get("synced_at")
            synced_at = datetime.fromisoformat(synced) if synced else None
            return _Saved(meta.get("stamp"), synced_at, arrays)
        except (SnapshotError, KeyError, ValueError) as error:
            self.index.restore(ProductIndex().export())
            self._fingerprints = np.zeros(0, dtype=np.int64)
            if saved.exists():
                log.warning("saved search index not usable, building it again: %s", error)
            return None

    def _read_back(self, saved: Path) -> None:
        """Take the index just built and saved back from its file: built here, its postings
        are in this process's memory (about 20 MB at 100k products, for as long as it runs);
        read back, they stay in the file, as after a restart. Kept as it is if the file
        cannot be read."""
        try:
            _, arrays = read_arrays(saved)
            self.index.restore(unprefixed("index.", arrays))
            self._shelves.restore(arrays)
        except (SnapshotError, KeyError, ValueError) as error:
            log.warning("could not read the saved search index back (%s): kept in memory", error)

    def save(self) -> bool:
        """Keep the index for the next start (beside the database), if it has a place; with
        the products' change stamp read before the last sync, when known. Whether it was
        written."""
        if self._saved is None:
            return False
        # Fingerprints first: one is set only after its product's indexing, so every product
        # they vouch for is in the index exported after (a product indexed in between is
        # only analysed again at the next start).
        arrays: dict[str, Array] = {"fingerprints": self._fingerprints.copy()}
        arrays.update(prefixed("index.", self.index.export()))
        arrays.update(self._shelves.export())
        synced = self._synced_at.isoformat() if self._synced_at else None
        meta = {"signature": self.index.signature, "stamp": self._stamp, "synced_at": synced}
        try:
            size = write_arrays(self._saved, arrays, meta)
        except OSError as error:
            log.warning("could not save the search index (%s): the next start rebuilds it", error)
            return False
        log.info("search index saved (%.0f MB)", size / 1e6)
        return True

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

    async def keep(self, uow: UnitOfWork) -> None:
        """Save the index for the next start, in step with the database (at shutdown): the
        stamp is read before a last sync, so a start that finds it unchanged can trust the
        saved index."""
        if self._saved is None:
            return
        try:
            async with uow:
                stamp = list(await uow.products.change_stamp())
            await self.follow(uow)
            self._stamp = stamp
        except Exception as error:  # noqa: BLE001 - the database going away must not lose the index
            log.warning("could not sync before saving the search index: %s", error)
            self._stamp = None
        await asyncio.to_thread(self.save)

    async def follow(self, uow: UnitOfWork) -> int:
        """Pick up products changed by another process (an import, another replica), a page
        at a time; how many were indexed (those this process indexed already are skipped:
        after an import here, the follower reads every product it wrote)."""
        started = datetime.now(UTC)
        since = (self._synced_at or started) - SYNC_OVERLAP
        synced_at = await self._sync_point(uow, started)
        followed, last_id = 0, 0
        while True:
            async with uow:
                page = await uow.products.changed_since(since, last_id, REFRESH_PAGE)
            followed += await self.absorb(page, embed_later=False)
            if len(page) < REFRESH_PAGE:
                break
            last_id = page[-1].id
        self._synced_at = synced_at
        if self.vectors is not None and (self.vectors.pending or self.vectors.dirty):
            await self.settle()
        return followed

    @staticmethod
    async def _sync_point(uow: UnitOfWork, started: datetime) -> datetime:
        """What a read of the products begun at `started` (and after this call) has seen all
        changes up to. An import stamps its products when its apply begins and they show when
        it commits, seconds later for a big one: while one is under way (rows staged), the
        next sync reads again from before it began, or it would miss them."""
        async with uow:
            importing = await uow.products.oldest_staged(started - ABANDONED_AFTER)
        return min(started, importing) if importing else started

    def refresh(self, products: Iterable[Product], *, embed_later: bool = True) -> int:
        """Follow changed products at once (incremental, no rebuild), on the caller's thread:
        for a few products; `absorb` takes many off the event loop.

        Searchable on return; with a provider embedder their vectors follow in the
        background (the lexical signals rank them meanwhile), unless the caller settles.
        """
        products = self._unseen(products)
        docs = [search_doc(product) for product in products]
        self.index.upsert_many(docs)
        self._indexed(products, docs, embed_later=embed_later)
        return len(docs)

    async def absorb(self, products: Sequence[Product], *, embed_later: bool = True) -> int:
        """`refresh`, with more than IN_THREAD products analysed and indexed in a worker
        thread, so the event loop keeps answering other chats (a search waits for one
        batch of index writes at most, see ProductIndex)."""
        if len(products) <= IN_THREAD:
            return self.refresh(products, embed_later=embed_later)
        async with self._indexing:
            fresh = self._unseen(products)
            docs = [search_doc(product) for product in fresh]
            if docs:
                pacer = LoopPacer(attention=self.attention)
                await asyncio.to_thread(self.index.upsert_many, docs, pacer)
            self._indexed(fresh, docs, embed_later=embed_later)
        return len(docs)

    def _unseen(self, products: Iterable[Product]) -> list[Product]:
        """The products whose searchable side differs from what was last indexed."""
        known = self._fingerprints
        return [p for p in products if p.id >= len(known) or known[p.id] != _fingerprint(p)]

    def _remember(self, products: Sequence[Product]) -> None:
        if not products:
            return
        top = max(p.id for p in products)
        if top >= len(self._fingerprints):
            grown = np.zeros(max(top + 1, 2 * len(self._fingerprints)), dtype=np.int64)
            grown[: len(self._fingerprints)] = self._fingerprints
            self._fingerprints = grown
        for product in products:
            self._fingerprints[product.id] = _fingerprint(product)

    def _indexed(
        self, products: Sequence[Product], docs: Sequence[SearchDoc], *, embed_later: bool
    ) -> None:
        """What follows a product's indexing: its category and name, its vector."""
        self._remember(products)
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
            self._shelves.note(
                product.id,
                product.name,
                product.category,
                active=product.active,
                visible=product.visible,
            )

    def unknown_words(self, query: str, *, misspelt: bool = True) -> list[str]:
        """The query's words no product says in any way ("látex" in a shop without latex);
        `misspelt=False`: a word close to one of the catalog's is not taken for it."""
        return self.index.unknown_words(analysed_part(query), misspelt=misspelt)

    def names_kind(self, query: str, product: Product) -> bool:
        """The query says what the product is, in its words or in a synonym's ("tapabocas"
        for "Respirador desechable N95")."""
        if names_it(query, product):
            return True
        head = {stem(t) for t in name_head(product.name, HEAD_WORDS)}
        return any(phrase[0] in head for phrase in self.index.synonym_phrases(query))

    def match_strength(self, query: str, k: int = 3) -> float:
        """How much of `query` the best few visible products' names say (0..1)."""
        query = analysed_part(query)
        hits = self._ranked(query, k, visible_only=True)
        names = [self._shelves.name(hit.id) or "" for hit in hits]
        return max((word_coverage(query, name) for name in names), default=0.0)

    def category_for(self, query: str) -> str | None:
        """The category a query names ("algo para proteger la cabeza": Protección de cabeza),
        when it says the query at least as well as any product's name does; else None."""
        query = analysed_part(query)
        wanted = set(_content_stems(query))
        best, share = None, 0.0
        for category in self._shelves.counts() if wanted else ():
            stems = self._category_stems.get(category)
            if stems is None:
                stems = self._category_stems[category] = frozenset(map(stem, tokenize(category)))
            said = len(wanted & stems) / len(wanted)
            if said > share:
                best, share = category, said
        if best is None or share < CATEGORY_SHARE or self.match_strength(query) > share:
            return None
        return best

    def names(self) -> list[str]:
        """Names of the products customers can see (to check a model's wording)."""
        return self._shelves.names()

    def categories(self, limit: int) -> list[str]:
        """The categories with the most products on sale, to suggest to customers."""
        biggest = sorted(self._shelves.counts().items(), key=lambda item: -item[1])
        return [name for name, _ in biggest[:limit]]

    async def refresh_ids(
        self, uow: UnitOfWork, ids: Sequence[int], *, settle: bool = True
    ) -> None:
        """Follow the committed products `ids`, REFRESH_PAGE at a time (read, then indexed
        off the event loop). `settle`: their vectors are embedded and saved before return;
        otherwise they follow in the background."""
        for start in range(0, len(ids), REFRESH_PAGE):
            async with uow:
                products = await uow.products.list_by_ids(list(ids[start : start + REFRESH_PAGE]))
            await self.absorb(products, embed_later=not settle)
        if settle:
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
        hits = self._ranked(query, k, visible_only=True, vector=vector)
        return [(hit.id, hit.score) for hit in hits]

    def _ranked(
        self, query: str, k: int, *, visible_only: bool, vector: np.ndarray | None = None
    ) -> list[SearchHit]:
        """`index.search`, answered once per turn for the same words (`one_turn`): the best
        k of a longer ranking are its first k (the order is stable)."""
        memo = _turn_searches.get()
        if memo is None:
            return self.index.search(query, k=k, visible_only=visible_only, query_vector=vector)
        key = (query, visible_only, vector is not None)
        known = memo.get(key)
        # (A dense rerank looks deeper for a bigger k: with a vector, only the same k.)
        if known is not None and (
            known[0] == k or (vector is None and (known[0] > k or len(known[1]) < known[0]))
        ):
            return known[1][:k]
        # A few more than asked cost nothing (the whole ranking is sorted): the finder's 10
        # then come from the category check's 3.
        depth = k if vector is not None else max(k, TURN_DEPTH)
        hits = self.index.search(query, k=depth, visible_only=visible_only, query_vector=vector)
        memo[key] = (depth, hits)
        return hits[:k]

    async def unavailable_match(self, uow: UnitOfWork, query: str) -> Product | None:
        """A hidden product (inactive or sold out) that matches better than anything on sale."""
        query = analysed_part(query)
        vector = await self._query_vector(query)
        hits = self._ranked(query, 1, visible_only=False, vector=vector)
        if not hits or self.index.is_visible(hits[0].id):
            return None  # the best match is on sale
        product = await uow.products.get(hits[0].id)
        if product is None or product.visible or not covers(query, product):
            return None
        return product


def _patch(row: InventoryRow) -> ProductPatch:
    return ProductPatch(
        sku=row.sku,
        name=row.name,
        description=row.description,
        category=row.category,
        price_minor=row.price_minor,
        stock=row.stock,
        active=row.active,
    )


def _check_new(rows: Sequence[InventoryRow], targets: Sequence[int | None]) -> None:
    """A new product needs a name and a price; a file without those columns may only update
    products that exist. Raises InvalidInventory naming each row (nothing is written)."""
    errors = []
    for row, target in zip(rows, targets, strict=True):
        if target is not None:
            continue
        missing = [
            column
            for column, value in (("nombre", row.name), ("precio", row.price_minor))
            if value is None
        ]
        if missing:
            reason = texts.INVENTORY_NEW_NEEDS.format(sku=row.sku, missing=" y ".join(missing))
            errors.append(RowError(row.line, missing[0], reason))
    if errors:
        raise InvalidInventory(errors[:1000], len(errors))


async def _quiet(_: str) -> None:
    return None


async def import_inventory(
    uow: UnitOfWork,
    catalog: Catalog,
    data: bytes,
    filename: str,
    *,
    replace: bool = False,
    hide_many: bool = False,
    add_stock: bool = False,
    stale_ok: bool = False,
    actor: str = "",
    once: str = "",
    progress: Progress = _quiet,
) -> ImportSummary:
    """Validate the whole file, then apply it all at once without holding the database's
    write lock or the event loop for long.

    1. Parse and validate in a worker thread: a bad file raises `InvalidInventory` before
       anything is written.
    2. Match the rows to the stored products in memory (read a page at a time, matched in
       a worker thread); nothing is written.
    3. Stage the rows, IMPORT_CHUNK per short transaction; no product changes yet.
    4. Apply them in one short set-based transaction (`ProductRepo.apply_staged`).
    5. Delete the staged rows, a chunk per transaction, whether 4 happened or not.
    6. The search index follows (off the event loop) before the summary is returned.

    `add_stock`: the file's stock is added to what there is ("entrada de mercancía"), not
    set; a file that sets it higher for products sold since the last import raises
    StaleStock unless `stale_ok`. `once` names the upload: claimed in the swap's
    transaction, a second application raises AlreadyApplied. `replace` also deactivates
    (never deletes) the products the file leaves out; when that is more than
    REPLACE_ASK_SHARE of the active ones it raises BigReplace unless `hide_many` (the owner
    said yes). Until 4
    commits, a failure or a crash changes no product; rows a crash leaves staged are never
    applied by another import and the next import deletes them after ABANDONED_AFTER.
    """
    await progress(texts.IMPORT_CHECKING.format(file=filename))
    images: dict[str, bytes] | None = None
    if is_zip_upload(data, filename):  # one inventory file and its images, or images alone
        bundle: Bundle = await asyncio.to_thread(read_bundle, data)
        if bundle.table is None:
            who = actor or texts.AUDIT_BY_OPERATOR
            source = texts.AUDIT_FROM_FILE.format(file=filename)
            return await _import_photos(uow, bundle.images, once=once, actor=who, source=source)
        (filename, data), images = bundle.table, bundle.images
        del bundle
    # Parsing a big file takes seconds: off the event loop, so other chats keep moving.
    pacer = LoopPacer(attention=catalog.attention)
    names = list(images) if images is not None else None
    rows = await asyncio.to_thread(parse_inventory, data, filename, pause=pacer, images=names)
    del data  # the parsed rows say it all; a big file's bytes need not outlive them
    plan = await _plan(uow, rows, replace=replace)
    _check_new(rows, plan.targets)
    if not add_stock and not stale_ok:
        await _check_stale(uow, rows, plan)
    if plan.hidden and not hide_many and len(plan.hidden) > REPLACE_ASK_SHARE * plan.active:
        async with uow:
            shown = await uow.products.list_by_ids(list(plan.hidden[:SUMMARY_EXAMPLES]))
        raise BigReplace(len(plan.hidden), plan.active, tuple((p.sku, p.name) for p in shown))
    photos = await plan_photos(uow, rows, plan.targets, images or {})
    del images  # the photos to write hold the bytes they need
    import_id = uuid.uuid4().hex
    try:
        await _forget_abandoned(uow)
        await _stage(uow, import_id, rows, plan, progress)
        async with uow:
            if once and not await uow.products.claim_upload(once):
                raise AlreadyApplied(once)  # a replay, a double tap: the rollback keeps all
            source = texts.AUDIT_FROM_FILE.format(file=filename)
            who = actor or texts.AUDIT_BY_OPERATOR  # run_bot.py import-csv
            applied = await uow.products.apply_staged(import_id, who, source, add_stock=add_stock)
            await write_photos(uow, photos, import_id, actor=who, source=source)  # or none
            await uow.commit()
    finally:
        await _unstage(uow, import_id)
    summary = await _summary(uow, rows, plan, applied, photos.count)
    del rows, plan, photos  # before indexing, the import's biggest allocation
    changed = array("q", applied.created)
    changed.extend(applied.updated)
    changed.extend(applied.deactivated)
    if len(changed) > IMPORT_CHUNK:
        await progress(texts.IMPORT_INDEXING)
    await catalog.refresh_ids(uow, changed)
    return summary


@dataclass(frozen=True)
class _Plan:
    """The stored product each row updates (None: a new one), and what a replace hides."""

    targets: list[int | None]
    hidden: array[int]
    active: int = 0  # active products before the import
    stocks: dict[int, int] = field(default_factory=dict)  # stock now, of the rows' targets


async def _plan(uow: UnitOfWork, rows: Sequence[InventoryRow], *, replace: bool) -> _Plan:
    """Match the rows to the stored products: read a page at a time, matched off the loop.
    A small file that replaces nothing reads only its own skus' keys (one change at 100k
    products read all 100k keys before)."""
    keys: list[ProductKey] = []
    if not replace and len(rows) <= FEW_ROWS:
        async with uow:
            keys = await uow.products.keys_of([row.sku for row in rows])
        return _match(rows, keys, replace)
    while True:
        async with uow:
            page = await uow.products.keys_after(keys[-1].id if keys else 0, KEYS_PAGE)
        keys += page
        if len(page) < KEYS_PAGE:
            break
    return await asyncio.to_thread(_match, rows, keys, replace)


def _match(rows: Sequence[InventoryRow], keys: Sequence[ProductKey], replace: bool) -> _Plan:
    exact = {key.sku: key.id for key in keys}
    by_folded: dict[str, list[int]] = {}
    for key in keys:
        by_folded.setdefault(key.sku.lower(), []).append(key.id)
    targets: list[int | None] = []
    for row in rows:
        target = exact.get(row.sku)
        if target is None:
            # "ext-abc-20" in a file is the EXT-ABC-20 already on sale (unless two stored
            # skus differ only in case: then it is a new product).
            same = by_folded.get(row.sku.lower(), ())
            target = same[0] if len(same) == 1 else None
        targets.append(target)
    hidden = array("q")
    if replace:
        kept = {row.sku.lower() for row in rows}
        hidden.extend(key.id for key in keys if key.active and key.sku.lower() not in kept)
    in_file = set(targets)
    stocks = {key.id: key.stock for key in keys if key.id in in_file}
    return _Plan(targets, hidden, sum(1 for key in keys if key.active), stocks)


STALE_SHOWN = 10  # products a stale-stock question lists


async def _check_stale(uow: UnitOfWork, rows: Sequence[InventoryRow], plan: _Plan) -> None:
    """Raise StaleStock when the file raises the stock of products sold since the last
    import (the sales would be undone if it is an old file)."""
    raised = [
        (row, target)
        for row, target in zip(rows, plan.targets, strict=True)
        if target is not None and row.stock is not None and row.stock > plan.stocks.get(target, 0)
    ]
    if not raised:
        return
    async with uow:
        sold = await uow.products.sold_since_import([target for _, target in raised])
    lines = [
        StaleLine(row.sku, row.name or "", plan.stocks[target], row.stock or 0, sold[target][1])
        for row, target in raised
        if target in sold
    ]
    if lines:
        raise StaleStock(lines, max(since for since, _ in sold.values()))


async def _stage(
    uow: UnitOfWork,
    import_id: str,
    rows: Sequence[InventoryRow],
    plan: _Plan,
    progress: Progress,
) -> None:
    total = len(rows)
    for start in range(0, total, IMPORT_CHUNK):
        if total > IMPORT_CHUNK:
            await progress(
                texts.IMPORT_SAVING.format(done=format_count(start), total=format_count(total))
            )
        chunk = [
            StagedProduct(row.line, target, _patch(row))
            for row, target in zip(
                rows[start : start + IMPORT_CHUNK],
                plan.targets[start : start + IMPORT_CHUNK],
                strict=True,
            )
        ]
        async with uow:
            await uow.products.stage(import_id, chunk)
            await uow.commit()
        await asyncio.sleep(WRITE_PAUSE)
    for start in range(0, len(plan.hidden), IMPORT_CHUNK):
        async with uow:
            await uow.products.stage_deactivations(
                import_id, plan.hidden[start : start + IMPORT_CHUNK]
            )
            await uow.commit()
        await asyncio.sleep(WRITE_PAUSE)


async def _unstage(uow: UnitOfWork, import_id: str) -> None:
    """Delete the import's staged rows, UNSTAGE_CHUNK per transaction."""
    try:
        while True:
            async with uow:
                deleted = await uow.products.unstage(import_id, UNSTAGE_CHUNK)
                await uow.commit()
            if deleted < UNSTAGE_CHUNK:
                return
            await asyncio.sleep(WRITE_PAUSE)
    # Leftovers are harmless (no other import applies them; the next one deletes them after
    # ABANDONED_AFTER): logged, so that they never turn an applied import into an error.
    except Exception:  # noqa: BLE001
        log.exception("could not delete the staged rows of import %s", import_id)


async def _forget_abandoned(uow: UnitOfWork) -> None:
    """Delete rows staged by imports that died (a crash, a restart) long ago."""
    cutoff = datetime.now(UTC) - ABANDONED_AFTER
    while True:
        async with uow:
            deleted = await uow.products.unstage_before(cutoff, UNSTAGE_CHUNK)
            await uow.commit()
        if deleted < UNSTAGE_CHUNK:
            return
        await asyncio.sleep(WRITE_PAUSE)


async def _summary(
    uow: UnitOfWork,
    rows: Sequence[InventoryRow],
    plan: _Plan,
    applied: AppliedImport,
    photos: PhotoCount,
) -> ImportSummary:
    """Counts from what the swap did; examples in the file's order."""
    created, updated, unchanged = await asyncio.to_thread(
        _examples, rows, plan.targets, applied.updated
    )
    async with uow:
        hidden = await uow.products.list_by_ids(list(applied.deactivated[:SUMMARY_EXAMPLES]))
    created_count, updated_count = len(applied.created), len(applied.updated)
    return ImportSummary(
        Outcome(created_count, created),
        Outcome(updated_count, updated),
        Outcome(len(rows) - created_count - updated_count, unchanged),
        Outcome(len(applied.deactivated), tuple((p.sku, p.name) for p in hidden)),
        tuple(applied.changed_fields.items()),
        _columns(rows),
        photos,
    )


async def _import_photos(
    uow: UnitOfWork, images: dict[str, bytes], *, once: str = "", actor: str, source: str
) -> ImportSummary:
    """A ZIP of images alone, each named by its product's sku ("EXT-ABC-20.jpg"): the
    products found get those photos in one transaction; the other names are reported. An
    image of no product at all refuses the ZIP (nothing to do, and surely a mistake)."""
    rows = sku_rows(images)
    plan = await _plan(uow, rows, replace=False)
    matched = list(zip(rows, plan.targets, strict=True))
    found = [(row, target) for row, target in matched if target is not None]
    unknown = [row.image or "" for row, target in matched if target is None]
    if not found:
        shown = ", ".join(unknown[:UNKNOWN_SHOWN])
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_NO_SKU.format(names=shown))
    photos: PhotoPlan = await plan_photos(
        uow, [row for row, _ in found], [target for _, target in found], images
    )
    async with uow:
        if once and not await uow.products.claim_upload(once):
            raise AlreadyApplied(once)
        await write_photos(uow, photos, actor=actor, source=source)
        await uow.commit()
    done = photos.count
    count = PhotoCount(
        done.new, done.changed, done.same, tuple(unknown[:UNKNOWN_SHOWN]), len(unknown)
    )
    return ImportSummary(Outcome(), Outcome(), Outcome(), photos=count, photos_only=True)


def _columns(rows: Sequence[InventoryRow]) -> tuple[str, ...]:
    first = rows[0]
    return tuple(field for field in PRODUCT_FIELDS if getattr(first, field) is not None)


PRODUCT_FIELDS = ("name", "description", "category", "price_minor", "stock", "active")


Examples = tuple[tuple[str, str], ...]


def _examples(
    rows: Sequence[InventoryRow], targets: Sequence[int | None], updated_ids: Iterable[int]
) -> tuple[Examples, Examples, Examples]:
    """The first SUMMARY_EXAMPLES (sku, name) rows created, updated and left unchanged."""
    changed = set(updated_ids)
    created: list[tuple[str, str]] = []
    updated: list[tuple[str, str]] = []
    unchanged: list[tuple[str, str]] = []
    for row, target in zip(rows, targets, strict=True):
        kind = created if target is None else updated if target in changed else unchanged
        if len(kind) < SUMMARY_EXAMPLES:
            kind.append((row.sku, row.name or ""))
    return tuple(created), tuple(updated), tuple(unchanged)
