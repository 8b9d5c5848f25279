"""Incremental sparse inverted index with BM25 weighting over numpy postings."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping

import numpy as np

logger = logging.getLogger(__name__)

_EMPTY_SLOTS = np.empty(0, dtype=np.int32)
_EMPTY_VALUES = np.empty(0, dtype=np.float32)
_EMPTY_SLOTS.flags.writeable = False
_EMPTY_VALUES.flags.writeable = False


class Postings:
    """Growable (slot, value) arrays for one term; order is not meaningful."""

    __slots__ = ("slots", "values", "size")

    def __init__(self, capacity: int = 4) -> None:
        self.slots = np.empty(capacity, dtype=np.int32)
        self.values = np.empty(capacity, dtype=np.float32)
        self.size = 0

    def _reserve(self, extra: int) -> None:
        needed = self.size + extra
        if needed <= len(self.slots):
            return
        capacity = max(needed, 2 * len(self.slots))
        self.slots = np.resize(self.slots, capacity)
        self.values = np.resize(self.values, capacity)

    def extend(self, slots: np.ndarray, values: np.ndarray) -> None:
        """Append entries (the caller guarantees the slots are not present yet)."""
        self._reserve(len(slots))
        end = self.size + len(slots)
        self.slots[self.size : end] = slots
        self.values[self.size : end] = values
        self.size = end

    def remove(self, slot: int) -> None:
        """Delete ``slot`` by swapping the last entry into its place."""
        hits = np.flatnonzero(self.slots[: self.size] == slot)
        if not len(hits):
            return
        last = self.size - 1
        i = int(hits[0])
        self.slots[i] = self.slots[last]
        self.values[i] = self.values[last]
        self.size = last

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """Live (slots, values) views."""
        return self.slots[: self.size], self.values[: self.size]


class SparseIndex:
    """Term -> postings over integer document slots, with BM25 statistics.

    Documents are bags of weighted term frequencies (e.g. BM25F-style field weights folded
    in) plus a length. Adding and removing a document touches only its own terms.
    """

    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._postings: dict[str, Postings] = {}
        self._doc_terms: dict[int, tuple[str, ...]] = {}
        self._lengths = np.zeros(0, dtype=np.float32)
        self._total_length = 0.0

    def __len__(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, slot: int) -> bool:
        return slot in self._doc_terms

    @property
    def avgdl(self) -> float:
        """Average document length (1.0 when empty)."""
        return self._total_length / len(self._doc_terms) if self._doc_terms else 1.0

    @property
    def lengths(self) -> np.ndarray:
        """Document length per slot (0 for free slots)."""
        return self._lengths

    def _ensure_slot(self, slot: int) -> None:
        if slot >= len(self._lengths):
            grown = np.zeros(max(slot + 1, 2 * len(self._lengths), 64), dtype=np.float32)
            grown[: len(self._lengths)] = self._lengths
            self._lengths = grown

    def add(self, slot: int, terms: Mapping[str, float], length: float) -> None:
        """Index one document (replacing whatever ``slot`` held)."""
        self.add_many([(slot, terms, length)])

    def add_many(self, docs: Iterable[tuple[int, Mapping[str, float], float]]) -> None:
        """Index many documents, grouping postings per term for speed."""
        grouped: dict[str, tuple[list[int], list[float]]] = {}
        for slot, terms, length in docs:
            if slot in self._doc_terms:
                self.remove(slot)
            self._ensure_slot(slot)
            self._lengths[slot] = length
            self._total_length += length
            self._doc_terms[slot] = tuple(terms)
            for term, value in terms.items():
                entry = grouped.get(term)
                if entry is None:
                    entry = grouped[term] = ([], [])
                entry[0].append(slot)
                entry[1].append(value)
        for term, (slots, values) in grouped.items():
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = Postings(max(4, len(slots)))
            postings.extend(np.asarray(slots, dtype=np.int32), np.asarray(values, np.float32))

    def remove(self, slot: int) -> None:
        """Forget the document in ``slot`` (no-op when absent)."""
        terms = self._doc_terms.pop(slot, None)
        if terms is None:
            return
        self._total_length -= float(self._lengths[slot])
        self._lengths[slot] = 0.0
        for term in terms:
            postings = self._postings[term]
            postings.remove(slot)
            if postings.size == 0:
                del self._postings[term]

    def df(self, term: str) -> int:
        """Number of documents containing ``term``."""
        postings = self._postings.get(term)
        return postings.size if postings else 0

    def idf(self, term: str) -> float:
        """BM25 (Lucene, non-negative) inverse document frequency; 0 for unknown terms."""
        df = self.df(term)
        if df == 0:
            return 0.0
        return math.log1p((len(self._doc_terms) - df + 0.5) / (df + 0.5))

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, raw values) of ``term``; empty arrays if unknown."""
        postings = self._postings.get(term)
        return postings.view() if postings else (_EMPTY_SLOTS, _EMPTY_VALUES)

    def bm25(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, idf * saturated tf) for ``term``."""
        slots, tf = self.postings(term)
        if not len(slots):
            return slots, tf
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths[slots] / self.avgdl)
        return slots, self.idf(term) * tf * (self.k1 + 1.0) / (tf + norm)
