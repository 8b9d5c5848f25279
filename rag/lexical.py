"""Incremental sparse inverted index with BM25 weighting, kept in compact numpy segments.

Postings live in immutable *segments*: sorted arrays of term hashes with, per term, a run of
(slot, value) pairs — about 8 bytes a posting and no Python object per term, so a 100k
product catalog fits in a few tens of MB. Adding documents writes a new segment; removing
or replacing one only moves the slot's ownership (`_owner`), so a change costs the
document's own terms. Small segments are merged as they pile up; a segment that is mostly
superseded is rewritten.
"""

from __future__ import annotations

import logging
import math
import mmap
import zlib
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from rag.snapshot import Array

logger = logging.getLogger(__name__)

_EMPTY_SLOTS = np.empty(0, dtype=np.int32)
_EMPTY_VALUES = np.empty(0, dtype=np.float32)
_EMPTY_SLOTS.flags.writeable = False
_EMPTY_VALUES.flags.writeable = False

SEGMENT_POSTINGS = 1_000_000  # new segments are cut at about this many postings
SMALL_SEGMENTS = 4  # more small segments than this are merged
REWRITE_MIN_DOCS = 1000  # a segment this big is rewritten once half its documents are gone


def term_key(term: str) -> int:
    """The 63-bit key of a term, the same in every process (a saved index is read by the next
    one): CRC-32 and Adler-32 of its UTF-8 bytes, two C calls (Python's own `hash` is
    salted per process). No collision among a million distinct words."""
    data = term.encode()
    return (zlib.crc32(data) << 31) ^ zlib.adler32(data)


@dataclass
class _Segment:
    """Postings of some documents: terms sorted by key, each with a run of entries.

    A segment taken back from a saved index leaves its entries in the file (`FileArray`):
    a lookup reads its term's run, and nothing of it stays in memory after the search.
    """

    id: int
    keys: np.ndarray  # int64, sorted, unique
    starts: np.ndarray  # int64, len(keys) + 1
    slots: Array  # int32
    values: Array  # float32, or uint8 codes into `table`
    docs: int  # documents written into it
    live: int  # of those, still owned by it
    table: np.ndarray | None = None  # float32: the distinct values, when `values` are codes

    @property
    def size(self) -> int:
        return len(self.slots)

    def run(self, key: int) -> tuple[int, int]:
        """Where the entries of ``key`` are (an empty range if it has none)."""
        i = int(np.searchsorted(self.keys, key))
        if i == len(self.keys) or self.keys[i] != key:
            return 0, 0
        return int(self.starts[i]), int(self.starts[i + 1])

    def lookup(self, key: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.run(key)
        if start == end:
            return _EMPTY_SLOTS, _EMPTY_VALUES
        return self.slots[start:end], self._values(start, end)

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(key per entry, slots, values)."""
        keys = np.repeat(self.keys, np.diff(self.starts))
        return keys, np.asarray(self.slots), self._values(0, len(self.values))

    def _values(self, start: int, end: int) -> np.ndarray:
        run = self.values[start:end]
        return run if self.table is None else self.table[run]


def _mapped(size: int, dtype: type) -> np.ndarray:
    """An empty array in its own anonymous memory map.

    Segments live for minutes and are dropped whole by a merge; kept out of the malloc heap,
    their memory goes back to the system when they go, instead of leaving holes between the
    short-lived arrays a big import allocates (tens of MB of resident memory at 100k).
    """
    dtype_ = np.dtype(dtype)
    if size * dtype_.itemsize < _MAP_MIN_BYTES:
        return np.empty(size, dtype=dtype_)
    return np.frombuffer(mmap.mmap(-1, size * dtype_.itemsize), dtype=dtype_, count=size)


_MAP_MIN_BYTES = 256 * 1024  # smaller arrays stay on the heap


_SEGMENT_PARTS = ("keys", "starts", "slots", "values")  # a segment's arrays, as saved
# A segment's values are a few distinct numbers (the field weights' sums: 14 at 100k
# products): saved as one byte each, an index into the segment's table of them, when they
# are this few (8 bytes a posting down to 5 in the file, whose pages a restored index reads;
# the same float32 values come back). A segment written in this process keeps float32: no
# sort at each write, no table lookup at each read.
_MAX_CODES = 256


def _segment(
    segment_id: int, keys: np.ndarray, slots: np.ndarray, values: np.ndarray, docs: int
) -> _Segment:
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    # Keys are sorted: a term's run starts wherever the key changes.
    changes = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    terms = len(changes) + 1 if len(keys) else 0
    starts = _mapped(terms + 1, np.int64)
    starts[0] = 0
    starts[1:terms] = changes
    starts[terms] = len(keys)
    unique = _mapped(terms, np.int64)
    np.take(keys, starts[:terms], out=unique)
    del keys, changes
    sorted_slots = _mapped(len(order), np.int32)
    np.take(slots, order, out=sorted_slots)
    sorted_values = _mapped(len(order), np.float32)
    np.take(values, order, out=sorted_values)
    return _Segment(segment_id, unique, starts, sorted_slots, sorted_values, docs, docs)


def _coded(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(one-byte codes, float32 table) giving back `values` exactly, if they are few."""
    table, codes = np.unique(values, return_inverse=True)
    if len(table) > _MAX_CODES:
        return None
    return codes.astype(np.uint8), table.astype(np.float32)


class SparseIndex:
    """Term -> postings over integer document slots, with BM25 statistics.

    Documents are bags of weighted term frequencies (e.g. BM25F-style field weights folded
    in) plus a length.
    """

    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._segments: list[_Segment] = []
        self._next_id = 0
        self._owner = np.full(0, -1, dtype=np.int32)  # segment id per slot; -1: none
        self._lengths = np.zeros(0, dtype=np.float32)
        self._total_length = 0.0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, slot: int) -> bool:
        return 0 <= slot < len(self._owner) and self._owner[slot] >= 0

    @property
    def avgdl(self) -> float:
        """Average document length (1.0 when empty)."""
        return self._total_length / self._count if self._count else 1.0

    @property
    def lengths(self) -> np.ndarray:
        """Document length per slot (0 for free slots)."""
        return self._lengths

    @property
    def segments(self) -> int:
        return len(self._segments)

    def _ensure_slot(self, slot: int) -> None:
        if slot >= len(self._lengths):
            size = max(slot + 1, 2 * len(self._lengths), 64)
            self._lengths = np.resize(self._lengths, size)
            self._lengths[len(self._owner) :] = 0.0
            owner = np.full(size, -1, dtype=np.int32)
            owner[: len(self._owner)] = self._owner
            self._owner = owner

    # ---- saving -----------------------------------------------------------------------

    def export(self) -> dict[str, Array]:
        """Everything the index holds, as arrays (`restore` reads them back); the segments'
        arrays themselves, not copies, but their values coded (`_coded`) where they can be."""
        segments = self._segments
        table = np.array([[s.id, s.docs, s.live] for s in segments], dtype=np.int64)
        scalars = np.array([self._total_length, self._count, self._next_id], dtype=np.float64)
        arrays: dict[str, Array] = {"table": table.reshape(len(segments), 3)}
        arrays.update(scalars=scalars, owner=self._owner.copy(), lengths=self._lengths.copy())
        for n, segment in enumerate(segments):
            for part in _SEGMENT_PARTS:
                arrays[f"{n}.{part}"] = getattr(segment, part)
            coded = (segment.values, segment.table) if segment.table is not None else None
            if coded is None and len(segment.values):
                coded = _coded(np.asarray(segment.values))
            if coded is not None:
                arrays[f"{n}.values"], arrays[f"{n}.distinct"] = coded
        return arrays

    def restore(self, arrays: Mapping[str, Array]) -> None:
        """Take the state `export` gave (segments' entries may stay in a saved file: they
        are never written; the rest is read into memory)."""
        segments = []
        for n, (segment_id, docs, live) in enumerate(np.asarray(arrays["table"]).tolist()):
            keys, starts = (np.asarray(arrays[f"{n}.{part}"]) for part in ("keys", "starts"))
            slots, values = arrays[f"{n}.slots"], arrays[f"{n}.values"]
            distinct = arrays.get(f"{n}.distinct")
            table = None if distinct is None else np.asarray(distinct)
            segments.append(_Segment(segment_id, keys, starts, slots, values, docs, live, table))
        total_length, count, next_id = np.asarray(arrays["scalars"]).tolist()
        self._segments = segments
        self._owner = np.array(arrays["owner"], dtype=np.int32)
        self._lengths = np.array(arrays["lengths"], dtype=np.float32)
        self._total_length, self._count, self._next_id = total_length, int(count), int(next_id)

    # ---- writing --------------------------------------------------------------------

    def add(self, slot: int, terms: Mapping[str, float], length: float) -> None:
        """Index one document (replacing whatever ``slot`` held)."""
        self.add_many([(slot, terms, length)])

    def add_many(self, docs: Iterable[tuple[int, Mapping[str, float], float]]) -> None:
        """Index many documents (each replaces what its slot held)."""
        keys, slots, values = array("q"), array("i"), array("f")
        owned: list[int] = []
        for slot, terms, length in docs:
            self.remove(slot)
            self._ensure_slot(slot)
            self._lengths[slot] = length
            self._total_length += length
            self._count += 1
            owned.append(slot)
            keys.extend(term_key(term) for term in terms)
            slots.extend([slot] * len(terms))
            values.extend(terms.values())
            if len(keys) >= SEGMENT_POSTINGS:
                self._write(owned, keys, slots, values)
                keys, slots, values, owned = array("q"), array("i"), array("f"), []
        if owned:
            self._write(owned, keys, slots, values)
        self._merge_small()

    def _write(self, owned: list[int], keys: array, slots: array, values: array) -> None:
        segment = _segment(
            self._next_id,
            np.frombuffer(keys, dtype=np.int64),
            np.frombuffer(slots, dtype=np.int32),
            np.frombuffer(values, dtype=np.float32),
            len(owned),
        )
        self._next_id += 1
        self._owner[np.asarray(owned, dtype=np.int64)] = segment.id
        self._segments.append(segment)

    def remove(self, slot: int) -> None:
        """Forget the document in ``slot`` (no-op when absent)."""
        if slot not in self:
            return
        owner = int(self._owner[slot])
        self._owner[slot] = -1
        self._total_length -= float(self._lengths[slot])
        self._lengths[slot] = 0.0
        self._count -= 1
        segment = next(s for s in self._segments if s.id == owner)
        segment.live -= 1
        if segment.live == 0:
            self._segments.remove(segment)
        elif segment.live < segment.docs // 2 and segment.docs >= REWRITE_MIN_DOCS:
            self._rewrite([segment])

    def _merge_small(self) -> None:
        """Merge the smallest segments, SMALL_SEGMENTS of them at least, once there are too
        many small ones: a big import's postings are rewritten about log4(n) times, not
        log2(n) (merging two at a time), and no more small segments are ever searched."""
        small = [s for s in self._segments if s.size < SEGMENT_POSTINGS // 2]
        if len(small) > SMALL_SEGMENTS:
            small.sort(key=lambda s: s.size)
            self._rewrite(small[: max(len(small) - SMALL_SEGMENTS + 1, SMALL_SEGMENTS)])

    def _rewrite(self, segments: list[_Segment]) -> None:
        """Replace ``segments`` by one holding only their live postings."""
        parts = []
        docs = 0
        for segment in segments:
            keys, slots, values = segment.entries()
            live = self._owner[slots] == segment.id
            parts.append((keys[live], slots[live], values[live]))
            docs += segment.live
        merged = _segment(
            self._next_id,
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
            docs,
        )
        self._next_id += 1
        for segment in segments:
            self._owner[self._owner == segment.id] = merged.id
            self._segments.remove(segment)
        if merged.docs:
            self._segments.append(merged)

    # ---- reading --------------------------------------------------------------------

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, raw values) of ``term`` in live documents; empty arrays if unknown."""
        key = term_key(term)
        found = []
        for segment in self._segments:
            slots, values = segment.lookup(key)
            if not len(slots):
                continue
            if segment.live < segment.docs:
                live = self._owner[slots] == segment.id
                slots, values = slots[live], values[live]
            found.append((slots, values))
        if not found:
            return _EMPTY_SLOTS, _EMPTY_VALUES
        if len(found) == 1:
            return found[0]
        return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])

    def df(self, term: str) -> int:
        """Number of documents containing ``term``."""
        key = term_key(term)
        count = 0
        for segment in self._segments:
            start, end = segment.run(key)
            if start == end:
                continue
            if segment.live < segment.docs:
                count += int(np.count_nonzero(self._owner[segment.slots[start:end]] == segment.id))
            else:
                count += end - start
        return count

    def idf(self, term: str) -> float:
        """BM25 (Lucene, non-negative) inverse document frequency; 0 for unknown terms."""
        return self._idf(self.df(term))

    def _idf(self, df: int) -> float:
        if df == 0:
            return 0.0
        return math.log1p((self._count - df + 0.5) / (df + 0.5))

    def bm25(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, idf * saturated tf) for ``term``."""
        slots, tf = self.postings(term)
        if not len(slots):
            return slots, tf
        norm = self.k1 * (1.0 - self.b + self.b * self._lengths[slots] / self.avgdl)
        return slots, self._idf(len(slots)) * tf * (self.k1 + 1.0) / (tf + norm)
