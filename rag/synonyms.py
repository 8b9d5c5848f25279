"""Synonym groups for the shop's domain: loading and query-time expansion."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.normalize import SPANISH_STOPWORDS, stem, tokenize

logger = logging.getLogger(__name__)


def load_synonyms(path: str | Path) -> dict[str, list[str]]:
    """Read one comma-separated group per line ('#' starts a comment).

    Returns every member mapped to the other members of its group(s), lowercased.
    """
    mapping: dict[str, list[str]] = {}
    for raw_line in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw_line.split("#", 1)[0]
        members = [m.strip().lower() for m in line.split(",") if m.strip()]
        if len(members) < 2:
            continue
        for member in members:
            others = mapping.setdefault(member, [])
            others.extend(m for m in members if m != member and m not in others)
    logger.debug("loaded %d synonym entries from %s", len(mapping), path)
    return mapping


def phrase_stems(text: str) -> tuple[str, ...]:
    """Stems of a phrase's content words, in order."""
    return tuple(stem(t) for t in tokenize(text) if t not in SPANISH_STOPWORDS)


@dataclass(frozen=True)
class SynonymTable:
    """Synonyms compiled to stem phrases: phrase -> alternative phrases."""

    alternatives: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]
    max_phrase_len: int

    @classmethod
    def build(cls, synonyms: Mapping[str, Sequence[str]] | None) -> SynonymTable:
        """Compile a ``load_synonyms``-style mapping."""
        table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for key, values in (synonyms or {}).items():
            key_stems = phrase_stems(key)
            if not key_stems:
                continue
            alts = table.setdefault(key_stems, [])
            for value in values:
                value_stems = phrase_stems(value)
                if value_stems and value_stems != key_stems and value_stems not in alts:
                    alts.append(value_stems)
        frozen = {k: tuple(v) for k, v in table.items() if v}
        longest = max((len(k) for k in frozen), default=0)
        return cls(alternatives=frozen, max_phrase_len=longest)

    def matches(self, stems: Sequence[str]) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
        """(start, end, alternatives) for each synonym phrase found in ``stems``, longest first."""
        found = []
        for start in range(len(stems)):
            for length in range(min(self.max_phrase_len, len(stems) - start), 0, -1):
                alts = self.alternatives.get(tuple(stems[start : start + length]))
                if alts:
                    found.append((start, start + length, alts))
                    break
        return found
