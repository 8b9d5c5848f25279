"""Text embedders: the protocols, their error, and an offline, deterministic hashing embedder.

`Embedder` is the in-process kind (synchronous, cannot fail). `TextEmbedder` is the async
kind a provider implements; its `embed()` may raise `EmbeddingError`, which rag catches (the
search goes on lexical-only and the texts stay pending). Provider clients live outside rag:
their failures (`domain.ai.ProviderError`) subclass `EmbeddingError`, so rag catches them
without importing anything of ours.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from rag.normalize import SPANISH_STOPWORDS, stem, tokenize

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str
    version: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, rows of unit norm."""
        ...


class EmbeddingError(Exception):
    """Texts could not be embedded now (a provider failed, or answered vectors that do not fit)."""


class TextEmbedder(Protocol):
    """Async embedder for provider models; rows are L2-normalised float32."""

    name: str  # provider and model, the cache key together with the text
    dim: int

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for `texts`; EmbeddingError when they cannot be had now."""
        ...


def char_ngrams(word: str, low: int, high: int) -> list[str]:
    """Character n-grams of ' word ' (word-boundary padded), lengths low..high."""
    padded = f" {word} "
    return [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


class HashingEmbedder:
    """Offline embedder: signed feature hashing of word stems and char n-grams.

    Deterministic and network-free; captures spelling similarity, not meaning. Any
    provider embedder with the same protocol can replace it.
    """

    name = "hashing"
    version = "1"

    def __init__(
        self,
        dim: int = 256,
        *,
        ngram_range: tuple[int, int] = (3, 5),
        gram_weight: float = 0.5,
        cache_size: int = 200_000,
    ) -> None:
        self.dim = dim
        self.ngram_range = ngram_range
        self.gram_weight = gram_weight
        self.version = f"1-d{dim}-g{ngram_range[0]}{ngram_range[1]}-w{gram_weight}"
        self._token_vector = lru_cache(maxsize=cache_size)(self._compute_token_vector)

    def _compute_token_vector(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse (indices, values) of one token: its stem plus its char n-grams."""
        features = ["w:" + stem(token)] + ["c:" + g for g in char_ngrams(token, *self.ngram_range)]
        weights = [1.0] + [self.gram_weight] * (len(features) - 1)
        hashes = np.array([zlib.crc32(f.encode("utf-8")) for f in features], dtype=np.uint64)
        signs = np.where((hashes >> np.uint64(31)) & np.uint64(1), 1.0, -1.0)
        return (hashes % np.uint64(self.dim)).astype(np.intp), np.asarray(weights) * signs

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into unit-norm float32 rows (a text with no words -> zero row).

        A text is the sum of its distinct words' hashed vectors (binary word presence).
        """
        per_row = np.zeros(len(texts), dtype=np.intp)
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for row, text in enumerate(texts):
            for token in dict.fromkeys(tokenize(text)):
                if token in SPANISH_STOPWORDS:
                    continue
                indices, values = self._token_vector(token)
                per_row[row] += len(indices)
                cols.append(indices)
                vals.append(values)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        if cols:
            rows = np.repeat(np.arange(len(texts)), per_row)
            np.add.at(out, (rows, np.concatenate(cols)), np.concatenate(vals))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out.astype(np.float32)
