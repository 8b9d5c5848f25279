"""Hybrid offline product search: BM25F words + fuzzy/synonym expansion + dense vectors.

A query is split into *concepts* (one per content word). Each concept has weighted
alternatives: its stem, synonym phrases and, for words absent from the catalog, similar
catalog words (typos, compounds). A product is a candidate only if it matches at least
one concept; candidates are ranked by a weighted sum of normalised signals (FusionWeights).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.dense import DenseIndex
from rag.embedder import char_ngrams
from rag.lexical import SparseIndex
from rag.normalize import (
    QUERY_FILLERS,
    SPANISH_STOPWORDS,
    derived,
    number_of,
    same_quantity,
    singular,
    sounds_like,
    stem,
    tokenize,
    typo_distance,
    unit_of,
)
from rag.snapshot import Array, prefixed, unprefixed
from rag.synonyms import SynonymTable

logger = logging.getLogger(__name__)

_QUERY_DROP = SPANISH_STOPWORDS | QUERY_FILLERS
INDEX_BATCH = 250  # products analysed, then written under the index's lock, at a time
_UNIT_MARK = "#unit:"
_WORD_MARK = "="
_PAIR_MARK = "~"


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """A product as the search index sees it."""

    id: int
    name: str
    description: str = ""
    category: str = ""
    visible: bool = True


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked result; scores are comparable within one query only."""

    id: int
    score: float


@dataclass(frozen=True)
class FusionWeights:
    """Tunable settings of indexing and score fusion."""

    name_field: float = 3.0  # BM25F weight of the name field
    category_field: float = 1.5
    description_field: float = 1.0
    k1: float = 1.2
    b: float = 0.75
    words: float = 1.0  # BM25F over stems (normalised by the query's best)
    coverage: float = 0.5  # share of query concepts a product matches
    phrase: float = 0.2  # BM25 of adjacent query word pairs found adjacent in the product
    dense: float = 0.0  # cosine from the embedder (0: no dense vectors at all)
    exact_word: float = 1.3  # same word (modulo plural), preferred to the same stem only
    synonym: float = 0.7  # weight of a synonym relative to the word itself
    bare_number: float = 0.5  # "20" matching "20lb"
    fuzzy: float = 0.8  # weight of a similar catalog word (times its similarity)
    fuzzy_min_similarity: float = 0.6  # of a misspelling, variant or part (_word_similarity)
    fuzzy_max_words: int = 5
    compound: float = 0.9  # a query word split in two catalog words, or two joined in one
    derived: float = 0.8  # a word of the same derivational family ("soldador" for "soldar")
    number_mismatch: float = 0.3  # penalty: same unit, other quantity ("10lb" for "20lb")
    rerank_depth: int = 200  # the dense score is added to this many best lexical candidates
    dense_candidates: int = 0  # > 0: also recall this many dense neighbours (semantic embedders)
    dense_min_similarity: float = 0.75  # ... each needing at least this cosine
    description_chars: int = 400  # description prefix given to the embedder
    head: float = 0.5  # query words naming what a product is ("soporte" in "soporte de pared")
    head_words: int = 3  # at most this many words before the first complement


@dataclass(frozen=True)
class _Alternative:
    stems: tuple[str, ...]
    weight: float


@dataclass
class _Concept:
    token: str
    alternatives: list[_Alternative] = field(default_factory=list)

    def add(self, stems: tuple[str, ...], weight: float) -> None:
        for i, alt in enumerate(self.alternatives):
            if alt.stems == stems:
                if weight > alt.weight:
                    self.alternatives[i] = _Alternative(stems, weight)
                return
        self.alternatives.append(_Alternative(stems, weight))


class _GrowableArray:
    """A 1-d numpy array indexed by slot that grows on demand."""

    def __init__(self, dtype: type, fill: object) -> None:
        self._fill = fill
        self.data: np.ndarray = np.full(64, fill, dtype=dtype)

    def set(self, slot: int, value: object) -> None:
        if slot >= len(self.data):
            grown = np.full(max(slot + 1, 2 * len(self.data)), self._fill, dtype=self.data.dtype)
            grown[: len(self.data)] = self.data
            self.data = grown
        self.data[slot] = value


class _SlotMap:
    """Document id -> slot, without a Python dict entry and two ints per document (about
    14 MB at 100k products): the ids and their slots in two sorted arrays, plus the changes
    since they were last merged (slot -1: removed), merged once they are a quarter as many.
    Written under the index's lock; read without it only where a stale answer is checked
    again under it (the sorted pair is replaced as one tuple)."""

    def __init__(self) -> None:
        self._base: tuple[np.ndarray, np.ndarray] = (
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64),
        )
        self._changes: dict[int, int] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, doc_id: int) -> bool:
        return self.get(doc_id) is not None

    def get(self, doc_id: int) -> int | None:
        slot = self._changes.get(doc_id)
        if slot is None:
            keys, slots = self._base
            i = int(np.searchsorted(keys, doc_id))
            if i == len(keys) or keys[i] != doc_id:
                return None
            slot = int(slots[i])
        return slot if slot >= 0 else None

    def set(self, doc_id: int, slot: int) -> None:
        if self.get(doc_id) is None:
            self._count += 1
        self._changes[doc_id] = slot
        self._merge_if_many()

    def pop(self, doc_id: int) -> int | None:
        slot = self.get(doc_id)
        if slot is not None:
            self._count -= 1
            self._changes[doc_id] = -1
            self._merge_if_many()
        return slot

    def ids(self) -> list[int]:
        return self._merged()[0].tolist()

    def load(self, ids: np.ndarray, slots: np.ndarray) -> None:
        order = np.argsort(ids, kind="stable")
        self._base = (ids[order].astype(np.int64), slots[order].astype(np.int64))
        self._changes = {}
        self._count = len(ids)

    def _merge_if_many(self) -> None:
        if len(self._changes) >= max(_SLOT_CHANGES, len(self._base[0]) // 4):
            self._base = self._merged()
            self._changes = {}

    def _merged(self) -> tuple[np.ndarray, np.ndarray]:
        keys, slots = self._base
        if not self._changes:
            return keys, slots
        changed = np.fromiter(self._changes, dtype=np.int64, count=len(self._changes))
        new_slots = np.fromiter(self._changes.values(), dtype=np.int64, count=len(changed))
        kept = ~np.isin(keys, changed)
        added = new_slots >= 0
        keys = np.concatenate([keys[kept], changed[added]])
        slots = np.concatenate([slots[kept], new_slots[added]])
        order = np.argsort(keys, kind="stable")
        return keys[order], slots[order]


_SLOT_CHANGES = 4096  # at least this many changes before they are merged


class _Vocabulary:
    """Distinct catalog words with a char 3-gram index for fuzzy lookup (grow-only)."""

    def __init__(self) -> None:
        self._slot_of: dict[str, int] = {}
        self._words: list[str] = []
        self._grams = SparseIndex()
        self.longest = 0  # letters of the longest word ever added

    def add(self, words: Iterable[str]) -> None:
        new = []
        for word in words:
            if word not in self._slot_of and len(word) >= 3 and word.isalpha():
                self._slot_of[word] = len(self._words)
                self._words.append(word)
                self.longest = max(self.longest, len(word))
                grams = set(char_ngrams(word, 3, 3))
                new.append((self._slot_of[word], dict.fromkeys(grams, 1.0), float(len(grams))))
        if new:
            self._grams.add_many(new)

    def export(self) -> dict[str, Array]:
        text = np.frombuffer("\n".join(self._words).encode(), dtype=np.uint8)
        return {"words": text, **prefixed("grams.", self._grams.export())}

    def restore(self, arrays: Mapping[str, Array]) -> None:
        text = arrays["words"].tobytes().decode()
        self._words = text.split("\n") if text else []
        self._slot_of = {word: slot for slot, word in enumerate(self._words)}
        self.longest = max(map(len, self._words), default=0)
        self._grams.restore(unprefixed("grams.", arrays))

    def similar(self, word: str, min_similarity: float, limit: int) -> list[tuple[str, float]]:
        """Catalog words that look like a misspelling, a spelling variant or a part of ``word``.

        Words sharing char 3-grams with ``word`` are candidates; each is scored by
        `_word_similarity` (edits, sound, compound parts) and kept from ``min_similarity`` on.
        """
        grams = set(char_ngrams(word, 3, 3))
        parts = [self._grams.postings(g)[0] for g in grams]
        if not self._words or not any(len(p) for p in parts):
            return []
        shared = np.bincount(np.concatenate(parts), minlength=len(self._words))
        lengths = self._grams.lengths[: len(self._words)]
        dice = 2.0 * shared / (len(grams) + lengths)
        pool = np.flatnonzero(dice >= _CANDIDATE_DICE)
        pool = pool[np.argsort(-dice[pool], kind="stable")][:_CANDIDATE_POOL]
        scored = []
        for i in pool.tolist():
            other = self._words[i]
            if other != word:
                similarity = _word_similarity(word, other)
                if similarity >= min_similarity:
                    scored.append((other, similarity))
        scored.sort(key=lambda pair: -pair[1])
        return scored[:limit]


# Vocabulary words sharing this share of char 3-grams with a query word are compared with it.
_CANDIDATE_DICE = 0.3
_CANDIDATE_POOL = 40
_PLURAL_LETTERS = 4  # `singular` shortens a word by at most this many letters


def _allowed_typos(word: str) -> int:
    """Edits a misspelling of ``word`` may have: none for short words, 2 from 8 letters."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def _word_similarity(word: str, other: str) -> float:
    """How surely catalog word ``other`` is what a customer meant by ``word`` (0..1).

    Same sound ('koreano'/'coreano', 'mobil'/'movil') scores 0.95; a few typing edits
    (1 up to 7 letters, 2 from 8) score 1 - edits / length; a catalog word making most of a
    compound ('antimosquitos' -> 'mosquitos', but 'remate' is not 'mate') or completing a cut
    word ('pantal' -> 'pantalones') scores the share of letters it covers.
    """
    a, b = singular(word), singular(other)
    if sounds_like(a) == sounds_like(b):
        return 0.95
    allowed = _allowed_typos(a)
    edits = min(typo_distance(a, b, allowed), typo_distance(word, other, allowed))
    best = 0.0
    if edits <= allowed:
        best = 1.0 - edits / max(len(a), len(b))
    if len(b) >= 4 and len(a) - len(b) >= 3 and (a.startswith(b) or a.endswith(b)):
        best = max(best, len(b) / len(a))
    elif len(a) >= 4 and b.startswith(a):
        best = max(best, len(a) / len(b))
    return best


class ProductIndex:
    """Incremental hybrid index over products; see the module docstring.

    It may be updated from a worker thread while the event loop searches: products are
    analysed (the costly part) outside a lock, and every batch of writes and every search
    hold it, so a search waits for one batch at most, never for a whole import.
    """

    def __init__(
        self,
        *,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        dense: DenseIndex | None = None,
        weights: FusionWeights | None = None,
    ) -> None:
        self.weights = weights or FusionWeights()
        self._synonyms = SynonymTable.build(synonyms)
        self.signature = _signature(self.weights, synonyms or {})
        # Product vectors are kept by their owner (rag.vectors.ProductVectors); search reads
        # them with the query vector it is given.
        self._dense = dense if self.weights.dense > 0 else None
        self._words = SparseIndex(k1=self.weights.k1, b=self.weights.b)
        self._heads = SparseIndex()
        self._vocabulary = _Vocabulary()
        self._slot_of = _SlotMap()
        self._free_slots: list[int] = []
        self._ids = _GrowableArray(np.int64, -1)
        self._visible = _GrowableArray(np.bool_, False)
        self._digests = _GrowableArray(np.int64, 0)  # of each slot's indexed text
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slot_of)

    def ids(self) -> list[int]:
        """The ids of the products indexed."""
        with self._lock:
            return self._slot_of.ids()

    def is_visible(self, doc_id: int) -> bool:
        """Whether ``doc_id`` is indexed as shown to customers (what ``visible_only`` keeps)."""
        with self._lock:
            slot = self._slot_of.get(doc_id)
            return slot is not None and bool(self._visible.data[slot])

    # ---- saving ---------------------------------------------------------------------

    def export(self) -> dict[str, Array]:
        """The whole index as arrays, consistent (taken under the lock); `restore` takes
        them back in another process."""
        with self._lock:
            size = len(self._slot_of) + len(self._free_slots)
            return {
                "ids": self._ids.data[:size].copy(),
                "visible": self._visible.data[:size].copy(),
                "digests": self._digests.data[:size].copy(),
                "free": np.array(self._free_slots, dtype=np.int64),
                **prefixed("words.", self._words.export()),
                **prefixed("heads.", self._heads.export()),
                **prefixed("vocabulary.", self._vocabulary.export()),
            }

    def restore(self, arrays: Mapping[str, Array]) -> None:
        """Become the index `export` described (replacing whatever this one held); all read
        first, so an unreadable file leaves this index as it was."""
        ids = np.array(arrays["ids"], dtype=np.int64)
        taken = np.flatnonzero(ids >= 0)
        slot_of = _SlotMap()
        slot_of.load(ids[taken], taken)
        free_slots = np.asarray(arrays["free"]).tolist()
        visible = np.array(arrays["visible"], dtype=np.bool_)
        digests = np.array(arrays["digests"], dtype=np.int64)
        words = SparseIndex(k1=self.weights.k1, b=self.weights.b)
        words.restore(unprefixed("words.", arrays))
        heads = SparseIndex()
        heads.restore(unprefixed("heads.", arrays))
        vocabulary = _Vocabulary()
        vocabulary.restore(unprefixed("vocabulary.", arrays))
        with self._lock:
            self._slot_of, self._free_slots = slot_of, free_slots
            self._ids.data, self._visible.data, self._digests.data = ids, visible, digests
            self._words, self._heads, self._vocabulary = words, heads, vocabulary

    # ---- indexing -------------------------------------------------------------------

    def upsert(self, doc: SearchDoc) -> None:
        """Insert or replace one product; searchable on return."""
        self.upsert_many([doc])

    def upsert_many(
        self, docs: Iterable[SearchDoc], pause: Callable[[], None] | None = None
    ) -> None:
        """Insert or replace many products, INDEX_BATCH at a time: each batch is analysed
        without the lock, then written holding it. Safe from any thread; `pause` is called
        between products, never holding the lock (a worker thread leaves the event loop
        room with it)."""
        unique = list({d.id: d for d in docs}.values())
        for start in range(0, len(unique), INDEX_BATCH):
            batch = unique[start : start + INDEX_BATCH]
            # A product whose text is unchanged is not analysed again (only its visibility
            # may change). Read without the lock, so checked again under it.
            analysed: dict[int, _Analysis] = {}
            for doc in batch:
                if self._text_changed(doc):
                    analysed[doc.id] = self._analyse(doc)
                if pause is not None:
                    pause()
            with self._lock:
                self._write(batch, analysed)

    def _text_changed(self, doc: SearchDoc) -> bool:
        slot = self._slot_of.get(doc.id)
        digests = self._digests.data  # a writer may be growing it: a slot past it is new
        return slot is None or slot >= len(digests) or digests[slot] != _text_digest(doc)

    def _write(self, batch: list[SearchDoc], analysed: dict[int, _Analysis]) -> None:
        writes: list[tuple[int, _Analysis]] = []
        for doc in batch:
            known = doc.id in self._slot_of
            slot = self._slot_for(doc.id)
            self._visible.set(slot, doc.visible)
            digest = _text_digest(doc)
            if known and self._digests.data[slot] == digest:
                continue
            self._digests.set(slot, digest)
            analysis = analysed.get(doc.id)
            writes.append((slot, analysis if analysis is not None else self._analyse(doc)))
        if writes:
            self._index(writes)

    def _index(self, analysed: list[tuple[int, _Analysis]]) -> None:
        self._words.add_many((slot, a.words, a.words_length) for slot, a in analysed)
        self._heads.add_many((slot, a.head, float(len(a.head))) for slot, a in analysed)
        self._vocabulary.add({w for _, a in analysed for w in a.surface_words})

    def remove(self, doc_id: int) -> None:
        """Forget a product (no-op if unknown)."""
        with self._lock:
            self._remove(doc_id)

    def _remove(self, doc_id: int) -> None:
        slot = self._slot_of.pop(doc_id)
        if slot is None:
            return
        self._words.remove(slot)
        self._heads.remove(slot)
        self._digests.set(slot, 0)
        self._ids.set(slot, -1)
        self._visible.set(slot, False)
        self._free_slots.append(slot)

    def _slot_for(self, doc_id: int) -> int:
        slot = self._slot_of.get(doc_id)
        if slot is None:
            slot = self._free_slots.pop() if self._free_slots else len(self._slot_of)
            self._slot_of.set(doc_id, slot)
            self._ids.set(slot, doc_id)
        return slot

    @staticmethod
    def dense_query(query: str) -> str:
        """What the embedder sees of a query: its content words (no "tienen", "quiero")."""
        return " ".join(dict.fromkeys(t for t in tokenize(query) if t not in _QUERY_DROP))

    def dense_text(self, doc: SearchDoc) -> str:
        """What the embedder sees of a product."""
        return f"{doc.name} {doc.category} {doc.description[: self.weights.description_chars]}"

    def _analyse(self, doc: SearchDoc) -> _Analysis:
        w = self.weights
        analysis = _Analysis()
        name = tokenize(doc.name)
        for tokens, weight in (
            (name, w.name_field),
            (tokenize(doc.category), w.category_field),
            (tokenize(doc.description), w.description_field),
        ):
            tokens = [t for t in tokens if t not in SPANISH_STOPWORDS]
            analysis.add_words(tokens, weight)
            analysis.add_pairs(tokens, weight)
        analysis.head = {stem(t): 1.0 for t in _name_head(doc.name, name, w.head_words)}
        return analysis

    # ---- search ---------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        visible_only: bool = True,
        query_vector: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """Best-first products matching ``query``; [] when nothing genuinely matches.

        With ``query_vector`` (the query embedded as the products were) dense scores join
        the fusion; without it the ranking is lexical.
        """
        with self._lock:
            return self._search(query, k, visible_only, query_vector)

    def _search(
        self, query: str, k: int, visible_only: bool, query_vector: np.ndarray | None
    ) -> list[SearchHit]:
        tokens = list(dict.fromkeys(t for t in tokenize(query) if t not in _QUERY_DROP))
        if not tokens or not self._slot_of or k <= 0:
            return []
        concepts = self._concepts(tokens)
        size = len(self._ids.data)
        words, matched, mismatch, named = self._score_concepts(concepts, size)
        # A bare number ("1", "20") alone does not make a match when the query has words.
        has_words = any(not concept.token.isdigit() for concept in concepts)
        candidates = named > 0 if has_words else matched > 0
        if self._dense is None:
            query_vector = None
        if query_vector is not None and self.weights.dense_candidates > 0:
            self._add_dense_candidates(query_vector, candidates)
        if visible_only:
            candidates &= self._visible.data[:size]
        slots = np.flatnonzero(candidates)
        if not len(slots):
            return []
        fused = self._fuse(tokens, slots, words, matched, mismatch, len(concepts))
        if self.weights.head > 0:
            fused += self.weights.head * self._head_scores(concepts, slots, size)
        if query_vector is not None:
            self._add_dense_scores(query_vector, slots, fused, k)
        order = np.argsort(-fused, kind="stable")[:k]
        ids = self._ids.data[slots[order]]
        return [SearchHit(int(i), float(s)) for i, s in zip(ids, fused[order], strict=True)]

    def _head_scores(self, concepts: list[_Concept], slots: np.ndarray, size: int) -> np.ndarray:
        """Share of query concepts found in each product's head (what the product is)."""
        total = np.zeros(size, dtype=np.float32)
        for concept in concepts:
            best = np.zeros(size, dtype=np.float32)
            for alt in concept.alternatives:
                if len(alt.stems) != 1:
                    continue
                hit, _ = self._heads.postings(alt.stems[0])
                if len(hit):
                    best[hit] = np.maximum(best[hit], min(alt.weight, 1.0))
            total += best
        return total[slots] / max(len(concepts), 1)

    def _concepts(self, tokens: list[str]) -> list[_Concept]:
        """One concept per query token, with stem, number, fuzzy, compound and synonym
        alternatives."""
        w = self.weights
        concepts = []
        meant = []  # the stem each token most likely stands for in the catalog
        for token in tokens:
            concept = _Concept(token)
            own = stem(token)
            concept.add((own,), 1.0)
            meant.append(own)
            if w.exact_word > 0 and token.isalpha():
                concept.add((_WORD_MARK + singular(token),), w.exact_word)
            for quantity in same_quantity(token):  # '3a' is '3000ma'
                concept.add((quantity,), 1.0)
            if w.derived > 0:
                for word in derived(token):  # 'soldar': 'soldador', 'soldadura'
                    kin = stem(word)
                    if kin != own and self._words.df(kin):
                        concept.add((kin,), w.derived)
            number = number_of(token)
            if number and number != token:
                concept.add((number,), w.bare_number)
            if self._words.df(own) == 0 and token.isalpha():
                similar = self._vocabulary.similar(token, w.fuzzy_min_similarity, w.fuzzy_max_words)
                for word, similarity in similar:
                    concept.add((stem(word),), w.fuzzy * similarity)
                if similar:  # synonyms of what a misspelt word means
                    meant[-1] = stem(similar[0][0])
                parts = self._split(token)
                if parts:
                    concept.add(parts, w.compound)
            concepts.append(concept)
        self._add_joined(concepts)
        self._add_synonyms(concepts, meant)
        stems = [stem(concept.token) for concept in concepts]
        if stems != meant:  # a word the catalog lacks has synonyms of its own, not only its guess's
            self._add_synonyms(concepts, stems)
        return concepts

    def _split(self, token: str) -> tuple[str, str] | None:
        """Two catalog words that make ``token`` ('tapaoidos' -> 'tapa', 'oidos'), if any.

        A part longer than the longest catalog word and a plural ending is no catalog word,
        so only the cuts leaving two parts that short are tried: a long token costs a bounded
        number of cuts, not one per letter (each copying and hashing the token's parts).
        """
        best: tuple[str, str] | None = None
        best_shorter = 0
        longest = self._vocabulary.longest + _PLURAL_LETTERS
        for cut in range(max(3, len(token) - longest), min(len(token) - 2, longest + 1)):
            left, right = token[:cut], token[cut:]
            shorter = min(len(left), len(right))
            if shorter > best_shorter and all(
                self._words.df(_WORD_MARK + singular(part)) for part in (left, right)
            ):
                best, best_shorter = (stem(left), stem(right)), shorter
        return best

    def _add_joined(self, concepts: list[_Concept]) -> None:
        """Two query words the catalog writes as one ('tapa oidos' -> 'tapaoidos')."""
        for first, second in zip(concepts, concepts[1:], strict=False):
            if first.token.isalpha() and second.token.isalpha():
                joined = stem(first.token + second.token)
                if self._words.df(joined):
                    first.add((joined,), self.weights.compound)
                    second.add((joined,), self.weights.compound)

    def unknown_words(self, query: str, *, misspelt: bool = True) -> list[str]:
        """The query's words the catalog has no trace of: not a word of it, not a likely
        misspelling of one (unless `misspelt` is False: then a word close to one of its
        words is unknown too), no synonym or derivation it has ("látex" in "guantes de
        látex" for a shop with no latex)."""
        w = self.weights
        unknown = []
        for token in tokenize(query):
            if token in _QUERY_DROP or not token.isalpha() or len(token) < 3:
                continue
            if self._words.df(stem(token)) or any(self._words.df(stem(d)) for d in derived(token)):
                continue
            if misspelt and self._vocabulary.similar(token, w.fuzzy_min_similarity, 1):
                continue
            if self._synonyms.matches([stem(token)]):
                continue
            unknown.append(token)
        return unknown

    def synonym_phrases(self, query: str) -> list[tuple[str, ...]]:
        """The stem phrases the synonym list offers for the query's words ("tapabocas":
        ("mascarill",), ("respir", "desechabl"), …)."""
        stems = [stem(t) for t in tokenize(query) if t not in SPANISH_STOPWORDS]
        return [alt for _, _, alts in self._synonyms.matches(stems) for alt in alts]

    def _add_synonyms(self, concepts: list[_Concept], stems: list[str]) -> None:
        for start, end, alternatives in self._synonyms.matches(stems):
            key = set(stems[start:end])
            for alt in alternatives:
                if key <= set(alt):
                    continue  # a longer phrase around the same word adds nothing
                for concept in concepts[start:end]:
                    concept.add(alt, self.weights.synonym / (end - start))

    def _score_concepts(
        self, concepts: list[_Concept], size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per slot: summed best BM25F per concept, matched concept count, unit mismatches,
        and matched concepts that are more than a bare number."""
        named = np.zeros(size, dtype=np.float32)
        words = np.zeros(size, dtype=np.float32)
        matched = np.zeros(size, dtype=np.float32)
        mismatch = np.zeros(size, dtype=np.float32)
        for concept in concepts:
            best = np.zeros(size, dtype=np.float32)
            for alt in concept.alternatives:
                self._score_alternative(alt, best)
            words += best
            matched += best > 0
            if not concept.token.isdigit():
                named += best > 0
            unit = unit_of(concept.token)
            if unit is not None:
                has_unit = np.zeros(size, dtype=bool)
                has_unit[self._words.postings(_UNIT_MARK + unit)[0]] = True
                mismatch += has_unit & (best == 0)
        return words, matched, mismatch, named

    def _score_alternative(self, alt: _Alternative, best: np.ndarray) -> None:
        """best = max(best, weight * BM25F) where every stem of ``alt`` is present."""
        if len(alt.stems) == 1:
            slots, scores = self._words.bm25(alt.stems[0])
            np.maximum.at(best, slots, alt.weight * scores)
            return
        total = np.zeros_like(best)
        present = np.ones(len(best), dtype=bool)
        for term in alt.stems:
            slots, scores = self._words.bm25(term)
            hit = np.zeros(len(best), dtype=bool)
            hit[slots] = True
            present &= hit
            np.add.at(total, slots, scores)
        np.maximum(best, np.where(present, alt.weight * total, 0.0), out=best)

    def _add_dense_candidates(self, query: np.ndarray, candidates: np.ndarray) -> None:
        """Mark products the dense index finds confidently similar as candidates."""
        assert self._dense is not None
        ids, scores = self._dense.search(query, self.weights.dense_candidates)
        for doc_id, score in zip(ids.tolist(), scores.tolist(), strict=True):
            slot = self._slot_of.get(doc_id)
            if slot is not None and score >= self.weights.dense_min_similarity:
                candidates[slot] = True

    def _add_dense_scores(
        self, query: np.ndarray, slots: np.ndarray, fused: np.ndarray, k: int
    ) -> None:
        """Add the weighted cosine to the best ``rerank_depth`` (>= k) candidates in place."""
        assert self._dense is not None
        depth = max(self.weights.rerank_depth, k)
        top = np.arange(len(slots))
        if len(slots) > depth:
            top = np.argpartition(-fused, depth - 1)[:depth]
        cosine = self._dense.scores_for(self._ids.data[slots[top]], query)
        fused[top] += self.weights.dense * np.clip(cosine, 0.0, None)

    def _fuse(
        self,
        tokens: list[str],
        slots: np.ndarray,
        words: np.ndarray,
        matched: np.ndarray,
        mismatch: np.ndarray,
        n_concepts: int,
    ) -> np.ndarray:
        """Lexical part of the fused score for ``slots``."""
        w = self.weights
        fused = w.words * _unit_max(words[slots])
        fused += w.coverage * matched[slots] / max(n_concepts, 1)
        fused -= w.number_mismatch * mismatch[slots]
        if w.phrase > 0 and len(tokens) > 1:
            fused += w.phrase * _unit_max(self._pair_scores(tokens, slots))
        return fused

    def _pair_scores(self, tokens: list[str], slots: np.ndarray) -> np.ndarray:
        """Summed BM25 of the query's adjacent word pairs, for ``slots``."""
        totals = np.zeros(int(slots.max()) + 1, dtype=np.float32)
        for pair in _pairs(tokens):
            pair_slots, scores = self._words.bm25(pair)
            keep = pair_slots < len(totals)
            np.add.at(totals, pair_slots[keep], scores[keep])
        return totals[slots]


# Words that open a complement in a Spanish product name: what comes after them says what
# the product is for or made of, not what it is ("gabinete para extintor de 20 lb").
HEAD_BREAKERS = frozenset({"para", "de", "del", "con", "en", "sin", "por", "tipo", "x", "a"})


def name_head(name: str, limit: int) -> list[str]:
    """The words that say what a product is: the name up to its first complement, less
    model numbers and quantities ('rj-661', '20lb'), which say which one it is. A title
    written 'brand - what it is' ('geographical norway - parka niño biblos') says it after
    its first spaced dash too, so the head of that part joins ('geographical', 'norway',
    'parka', 'nino')."""
    return _name_head(name, tokenize(name), limit)


# A dash with a space each side parts a title ('marca - producto'); 'hidro-alcohólico' is one word.
TITLE_PARTS = (" - ", " – ", " — ")


def _name_head(name: str, tokens: Sequence[str], limit: int) -> list[str]:
    """`name_head` of ``name`` whose tokens are ``tokens``."""
    head = head_of(tokens, limit)
    if " - " in name or " – " in name or " — " in name:  # TITLE_PARTS, cheaply
        cut = min(at for at in map(name.find, TITLE_PARTS) if at >= 0)
        rest = head_of(tokenize(name[cut + 3 :]), limit)
        head += [word for word in rest if word not in head]
    return head


def head_of(tokens: Sequence[str], limit: int) -> list[str]:
    """`name_head` over the name's tokens."""
    head: list[str] = []
    for token in tokens:
        if token in HEAD_BREAKERS or len(head) >= limit:
            break
        if token not in SPANISH_STOPWORDS and token.isalpha():
            head.append(token)
    return head


@dataclass
class _Analysis:
    """Index terms of one product."""

    words: dict[str, float] = field(default_factory=dict)
    head: dict[str, float] = field(default_factory=dict)
    words_length: float = 0.0
    surface_words: set[str] = field(default_factory=set)

    def add_words(self, tokens: list[str], weight: float) -> None:
        words = self.words
        for token in tokens:
            terms, unit = _token_terms(token)
            for term in terms:
                words[term] = words.get(term, 0.0) + weight
            if unit is not None:
                words[unit] = 1.0
        self.words_length += weight * len(tokens)
        self.surface_words.update(tokens)

    def add_pairs(self, tokens: list[str], weight: float) -> None:
        for pair in _pairs(tokens):
            self._bump(self.words, pair, weight)

    @staticmethod
    def _bump(terms: dict[str, float], term: str, weight: float) -> None:
        terms[term] = terms.get(term, 0.0) + weight


@lru_cache(maxsize=500_000)
def _token_terms(token: str) -> tuple[tuple[str, ...], str | None]:
    """Index terms of one token (stem, exact word, bare number) and its unit marker."""
    terms = [stem(token)]
    if token.isalpha():
        terms.append(_WORD_MARK + singular(token))
    number = number_of(token)
    if number and number != token:
        terms.append(number)
    unit = unit_of(token)
    return tuple(terms), None if unit is None else _UNIT_MARK + unit


def _pairs(tokens: Sequence[str]) -> list[str]:
    """Index terms for adjacent stem pairs ('botas punta acero' -> '~bot_punt', '~punt_acer')."""
    stems = [stem(t) for t in tokens]
    return [f"{_PAIR_MARK}{a}_{b}" for a, b in zip(stems, stems[1:], strict=False) if a != b]


def _text_digest(doc: SearchDoc) -> int:
    """Tells when a product's indexed text changed (the same in every process: it is saved
    with the index)."""
    return stable_digest(doc.name, doc.description, doc.category)


def stable_digest(*parts: str) -> int:
    """A 64-bit digest of some texts, the same in every process (never 0)."""
    data = "\x1f".join(parts).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True) | 1


def _signature(weights: FusionWeights, synonyms: Mapping[str, Sequence[str]]) -> str:
    """What a saved index was built with: this package's code, the weights, the synonyms. A
    saved index with another signature is not loaded (the products are analysed again)."""
    digest = hashlib.sha256(repr(weights).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    digest.update(repr(sorted((k, list(v)) for k, v in synonyms.items())).encode())
    return digest.hexdigest()


def _unit_max(values: np.ndarray) -> np.ndarray:
    """Scale so the largest value is 1 (all-zero stays zero)."""
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else values
