"""Dense vector index keyed by document id (FAISS IndexIDMap2 over exact inner product)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import faiss
import numpy as np

logger = logging.getLogger(__name__)


class DenseIndex:
    """Exact cosine search over unit vectors, with add/replace/remove by id."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._ids: set[int] = set()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._ids

    def upsert(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Insert or replace the vectors of ``ids`` (rows of ``vectors``)."""
        if not len(ids):
            return
        self.remove([i for i in ids if i in self._ids])
        id_array = np.asarray(ids, dtype=np.int64)
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), id_array)
        self._ids.update(int(i) for i in ids)

    def remove(self, ids: Sequence[int]) -> None:
        """Drop ``ids`` that are present."""
        present = [int(i) for i in ids if i in self._ids]
        if not present:
            return
        self._index.remove_ids(np.asarray(present, dtype=np.int64))  # type: ignore[arg-type]
        self._ids.difference_update(present)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (ids, cosine scores) for one unit query vector."""
        k = min(k, len(self._ids))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def scores_for(self, ids: Sequence[int] | np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine of ``query`` with each of ``ids`` (all must be present)."""
        if not len(ids):
            return np.empty(0, dtype=np.float32)
        vectors = self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return vectors @ query.astype(np.float32)
