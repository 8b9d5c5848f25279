"""Dense vector index keyed by document id, with the digest of the text behind each vector.

FAISS `IndexIDMap2` over an exact inner-product index of unit vectors, stored as float16
(half the memory of float32; cosines move by ~1e-3). The dimension is fixed by the first
vectors added, so an embedder whose size is only known from its first answer fits too.
`save`/`load` keep it in one file, so a restart re-embeds only texts that changed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss

logger = logging.getLogger(__name__)

FILE_FORMAT = "dense-1"  # bump when the file layout changes


class DenseIndex:
    """Exact cosine search over unit vectors, with add/replace/remove by id."""

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim
        self._index: faiss.IndexIDMap2 | None = _new_index(dim) if dim else None
        self._digests: dict[int, int] = {}  # id -> digest of the text it was embedded from

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._digests

    def ids(self) -> list[int]:
        return list(self._digests)

    def digest(self, doc_id: int) -> int | None:
        """The digest of the text ``doc_id`` was embedded from (None when absent)."""
        return self._digests.get(doc_id)

    def upsert(self, ids: Sequence[int], vectors: np.ndarray, digests: Sequence[int]) -> None:
        """Insert or replace the vectors of ``ids`` (rows of ``vectors``)."""
        if not len(ids):
            return
        if self._index is None:
            self.dim = int(vectors.shape[1])
            self._index = _new_index(self.dim)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of size {vectors.shape[1]} in an index of {self.dim}")
        self.remove([i for i in ids if i in self._digests])
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        self._index.add_with_ids(rows, np.asarray(ids, dtype=np.int64))
        self._digests.update(zip((int(i) for i in ids), (int(d) for d in digests), strict=True))

    def remove(self, ids: Sequence[int]) -> None:
        """Drop ``ids`` that are present."""
        present = [int(i) for i in ids if i in self._digests]
        if not present or self._index is None:
            return
        self._index.remove_ids(np.asarray(present, dtype=np.int64))  # type: ignore[arg-type]
        for doc_id in present:
            del self._digests[doc_id]

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (ids, cosine scores) for one unit query vector."""
        k = min(k, len(self._digests))
        if k <= 0 or self._index is None or len(query) != self.dim:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def scores_for(self, ids: Sequence[int] | np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine of ``query`` with each of ``ids``; 0 for ids without a vector yet."""
        scores = np.zeros(len(ids), dtype=np.float32)
        if self._index is None or len(query) != self.dim:
            return scores
        present = np.fromiter((int(i) in self._digests for i in ids), bool, len(ids))
        if present.any():
            wanted = np.asarray(ids, dtype=np.int64)[present]
            scores[present] = self._index.reconstruct_batch(wanted) @ query.astype(np.float32)
        return scores

    # ---- persistence ----------------------------------------------------------------

    def snapshot(self, key: str) -> dict[str, np.ndarray]:
        """A copy of the index to `write` (in a thread) while this one keeps changing."""
        raw = _faiss().serialize_index(self._index) if self._index is not None else np.empty(0)
        return {
            "tag": np.array(f"{FILE_FORMAT}|{key}"),
            "ids": np.fromiter(self._digests, np.int64, len(self._digests)),
            "digests": np.fromiter(self._digests.values(), np.int64, len(self._digests)),
            "index": np.asarray(raw, dtype=np.uint8),
        }

    @staticmethod
    def write(path: Path, snapshot: dict[str, np.ndarray]) -> None:
        """Write a `snapshot` to ``path`` atomically (a reader sees the old or the new)."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, **snapshot)  # type: ignore[arg-type]
        os.replace(tmp, path)

    def save(self, path: Path, key: str) -> None:
        """Write the index to ``path`` atomically, tagged with the embedder ``key``."""
        self.write(path, self.snapshot(key))

    def load(self, path: Path, key: str) -> bool:
        """Replace this index with the one saved at ``path`` for ``key``, if there is one.

        False (and this index unchanged) when the file is absent, made by another embedder
        or unreadable.
        """
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["tag"]) != f"{FILE_FORMAT}|{key}":
                    logger.info("dense index at %s is for another embedder; rebuilding", path)
                    return False
                ids, digests, raw = saved["ids"], saved["digests"], saved["index"]
            index = _faiss().deserialize_index(raw) if len(raw) else None  # an IndexIDMap2
            if (index.ntotal if index is not None else 0) != len(ids):
                raise ValueError("ids and vectors disagree")
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            logger.warning("dense index at %s is unreadable (%s); rebuilding", path, error)
            return False
        self._index = index  # type: ignore[assignment]  # deserialize_index is typed Index
        self.dim = index.d if index is not None else None
        self._digests = dict(zip(ids.tolist(), digests.tolist(), strict=True))
        return True


def _faiss():  # type: ignore[no-untyped-def]
    """FAISS, imported on first use: ~30 MB that a shop without dense search never pays."""
    import faiss

    return faiss


def _new_index(dim: int) -> faiss.IndexIDMap2:
    faiss = _faiss()
    half = faiss.ScalarQuantizer.QT_fp16
    return faiss.IndexIDMap2(faiss.IndexScalarQuantizer(dim, half, faiss.METRIC_INNER_PRODUCT))
