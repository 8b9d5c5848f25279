"""Text embedders: the protocol and an offline, deterministic hashing embedder."""

from __future__ import annotations

import logging
import math
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


@lru_cache(maxsize=500_000)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    """Stable (index, sign) of a feature; crc32 so it survives restarts."""
    h = zlib.crc32(feature.encode("utf-8"))
    return h % dim, (1.0 if (h >> 31) & 1 else -1.0)


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
        self, dim: int = 256, *, ngram_range: tuple[int, int] = (3, 5), gram_weight: float = 0.5
    ) -> None:
        self.dim = dim
        self.ngram_range = ngram_range
        self.gram_weight = gram_weight
        self.version = f"1-d{dim}-g{ngram_range[0]}{ngram_range[1]}-w{gram_weight}"

    def _features(self, text: str) -> dict[str, float]:
        counts: dict[str, float] = {}
        low, high = self.ngram_range
        for token in tokenize(text):
            if token in SPANISH_STOPWORDS:
                continue
            key = "w:" + stem(token)
            counts[key] = counts.get(key, 0.0) + 1.0
            for gram in char_ngrams(token, low, high):
                key = "c:" + gram
                counts[key] = counts.get(key, 0.0) + self.gram_weight
        return counts

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into unit-norm float32 rows (all-zero text -> zero row)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = out[row]
            for feature, count in self._features(text).items():
                index, sign = _bucket(feature, self.dim)
                vector[index] += sign * (1.0 + math.log(count) if count >= 1 else count)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out
