"""Product vectors for dense search: each text embedded once, kept next to the database.

`ProductVectors` keeps a `DenseIndex` in step with the product texts through any async
`TextEmbedder` (a provider, or the offline hashing embedder behind `LocalEmbedder`). A
product is embedded only when the digest of its text is new for that id, and the index is
saved tagged with the embedder's name, so a restart or a re-import of an unchanged
inventory embeds nothing, and changing the embedder (or its model) rebuilds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rag.dense import DenseIndex
from rag.embedder import Embedder, EmbeddingError, TextEmbedder

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 2048


class LocalEmbedder:
    """An in-process embedder behind the async interface providers have."""

    local = True

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.name = f"{embedder.name}:{embedder.version}"
        self.dim = embedder.dim

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.embed(texts)


def text_digest(text: str) -> int:
    """A stable signed 64-bit digest of ``text`` (the embedding cache key, with the model)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ProductVectors:
    """The dense side of the catalog: embeds what changed, answers query vectors."""

    def __init__(
        self,
        embedder: TextEmbedder,
        path: Path | None = None,
        *,
        batch: int = 512,
        query_timeout: float = 3.0,
    ) -> None:
        self.embedder = embedder
        self.path = path
        self.batch = batch
        self.query_timeout = query_timeout
        self.dense = DenseIndex()
        self.embedded = 0  # texts sent to the embedder since start (what the cache saved)
        self._pending: dict[int, str] = {}
        self._dirty = False
        self._lock = asyncio.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def key(self) -> str:
        return self.embedder.name

    @property
    def local(self) -> bool:
        """True when embedding runs in-process (cheap, synchronous, cannot fail)."""
        return getattr(self.embedder, "local", False)

    def load(self) -> int:
        """Take the saved index if it was made by this embedder; its size (0 otherwise)."""
        if self.path is not None:
            self.dense.load(self.path, self.key)
        return len(self.dense)

    def stage(self, items: Iterable[tuple[int, str]]) -> None:
        """Note texts to embed (id, text); ids whose text is unchanged are skipped."""
        for doc_id, text in items:
            if self.dense.digest(doc_id) != text_digest(text):
                self._pending[doc_id] = text
            else:
                self._pending.pop(doc_id, None)

    def forget(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        for doc_id in ids:
            self._pending.pop(doc_id, None)
        if any(doc_id in self.dense for doc_id in ids):
            self.dense.remove(ids)
            self._dirty = True

    @property
    def pending(self) -> int:
        """How many texts wait to be embedded."""
        return len(self._pending)

    @property
    def dirty(self) -> bool:
        """The index changed since it was last saved."""
        return self._dirty

    def dense_ids(self) -> list[int]:
        return self.dense.ids()

    def flush_local(self) -> int:
        """Embed what is pending right now (in-process embedders only); how many."""
        if not self.local or not self._pending:
            return 0
        local: Embedder = self.embedder.embedder  # type: ignore[attr-defined]
        done = 0
        while self._pending:
            chunk = self._take()
            self._add(chunk, local.embed([text for _, text in chunk]))
            done += len(chunk)
        return done

    async def flush(self) -> int:
        """Embed everything pending, a batch at a time; how many texts were embedded.

        An embedder failure (EmbeddingError) keeps the rest pending for the next flush and
        is re-raised.
        """
        async with self._lock:
            done = 0
            while self._pending:
                chunk = self._take()
                try:
                    vectors = await self.embedder.embed([text for _, text in chunk])
                except BaseException:
                    for doc_id, text in chunk:
                        self._pending.setdefault(doc_id, text)
                    raise
                self._add(chunk, vectors)
                done += len(chunk)
            return done

    def _take(self) -> list[tuple[int, str]]:
        chunk = []
        for doc_id in list(self._pending)[: self.batch]:
            chunk.append((doc_id, self._pending.pop(doc_id)))
        return chunk

    def _add(self, chunk: list[tuple[int, str]], vectors: np.ndarray) -> None:
        if len(vectors) != len(chunk):
            raise EmbeddingError("the embedder answered a different number of vectors")
        if self.dense.dim is not None and vectors.shape[1] != self.dense.dim:
            raise EmbeddingError(f"embedding size {vectors.shape[1]}, expected {self.dense.dim}")
        ids = [doc_id for doc_id, _ in chunk]
        self.dense.upsert(ids, vectors, [text_digest(text) for _, text in chunk])
        self.embedded += len(chunk)
        self._dirty = True

    async def query(self, text: str) -> np.ndarray | None:
        """The unit vector of a customer query; None when it cannot be had quickly."""
        if text in self._queries:
            self._queries.move_to_end(text)
            return self._queries[text]
        try:
            async with asyncio.timeout(self.query_timeout):
                vector: np.ndarray | None = (await self.embedder.embed([text]))[0]
        except (EmbeddingError, TimeoutError) as error:
            logger.info("query embedding unavailable (%s); lexical search only", error)
            return None
        if not self._usable(vector):
            return None  # not cached: the index may only be getting its first vectors
        assert vector is not None
        self._queries[text] = vector
        if len(self._queries) > QUERY_CACHE_SIZE:
            self._queries.popitem(last=False)
        return vector

    def query_now(self, text: str) -> np.ndarray | None:
        """Like `query`, for in-process embedders only (None otherwise)."""
        if not self.local:
            return None
        local: Embedder = self.embedder.embedder  # type: ignore[attr-defined]
        vector = local.embed([text])[0]
        return vector if self._usable(vector) else None

    def _usable(self, vector: np.ndarray | None) -> bool:
        """A query vector the index can score: not empty, and of the index's size."""
        return vector is not None and bool(np.any(vector)) and len(vector) == self.dense.dim

    async def save(self) -> bool:
        """Write the index if it changed since the last save; whether it wrote."""
        if self.path is None or not self._dirty:
            return False
        self._dirty = False
        snapshot = self.dense.snapshot(self.key)  # here: the index may change meanwhile
        try:
            await asyncio.to_thread(DenseIndex.write, self.path, snapshot)
        except OSError as error:
            self._dirty = True
            logger.warning("could not save the dense index to %s: %s", self.path, error)
            return False
        return True
