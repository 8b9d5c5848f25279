"""The token model: a message tokenised once, each token with its normalised form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from domain.language.words import EMOJI_WORDS, SLANG

MAX_CHARS = 1000  # longer messages are understood from their beginning only
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+|\$")
_TRIPLE_RE = re.compile(r"([a-z])\1{2,}")
_TRAILING_RE = re.compile(r"([aeiouys])\1+$")


class Tok(NamedTuple):
    raw: str
    norm: str
    start: int


@dataclass(frozen=True)
class Text:
    """One message, prepared once: every reading of it works on this."""

    raw: str
    toks: tuple[Tok, ...]
    norm_text: str  # the normalised tokens joined by single spaces
    norms: tuple[str, ...]  # each token's normalised form


def strip_accents(text: str) -> str:
    """Remove accents and tildes ("Día" -> "Dia", "ñ" -> "n"); case is kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _norm_word(raw: str) -> str:
    word = raw.lower()
    if not word.isascii():
        word = strip_accents(word)
    if not word.isdigit():
        word = _TRAILING_RE.sub(r"\1", _TRIPLE_RE.sub(r"\1", word))
    return SLANG.get(word, word)


def prepare(text: object) -> Text:
    """Tokenise and normalise the first MAX_CHARS characters; anything but a str reads as ""."""
    raw = text if isinstance(text, str) else ""
    raw = unicodedata.normalize("NFC", raw[:MAX_CHARS])
    for emoji, word in EMOJI_WORDS:
        raw = raw.replace(emoji, word)
    toks: list[Tok] = []
    offset = 0
    for match in _TOKEN_RE.finditer(raw):
        norm = _norm_word(match.group())
        toks.append(Tok(match.group().lower(), norm, offset))
        offset += len(norm) + 1
    norms = tuple(t.norm for t in toks)
    return Text(raw, tuple(toks), " ".join(norms), norms)


def matched_indices(pattern: re.Pattern[str], text: Text) -> set[int]:
    """Token indices covered by every match of a phrase pattern."""
    found: set[int] = set()
    for match in pattern.finditer(text.norm_text):
        for index, tok in enumerate(text.toks):
            if tok.start < match.end() and tok.start + len(tok.norm) > match.start():
                found.add(index)
    return found
