"""The token model: a message tokenised once, each token with its normalised form."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from domain.language.words import EMOJI_WORDS, SLANG

MAX_ANALYSED_CHARS = 1000
"""Characters of a customer message that are read, from its first visible one.

A reading is linear in the text it reads, and this bounds the text: what follows is ignored
for understanding (intent, amounts, products, yes/no), never an error. The prompt-injection
check alone reads the whole message, as a model may be shown all of it.
"""
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
    starts: tuple[int, ...]  # where each token starts in norm_text

    def token_span(self, start: int, end: int) -> range:
        """Indices of the tokens overlapping norm_text[start:end], found by bisection."""
        first = bisect_right(self.starts, start) - 1
        if first < 0 or self.starts[first] + len(self.norms[first]) <= start:
            first += 1
        return range(first, bisect_left(self.starts, end))


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


def analysed_part(text: object) -> str:
    """The part of a message that is read: MAX_ANALYSED_CHARS characters from its first
    visible one; anything but a str reads as ""."""
    return text.lstrip()[:MAX_ANALYSED_CHARS] if isinstance(text, str) else ""


PLEASE_EMOJI = "🙏"  # alone it thanks (EMOJI_WORDS); beside words it asks kindly


def prepare(text: object) -> Text:
    """Tokenise and normalise the analysed part of a message."""
    raw = unicodedata.normalize("NFC", analysed_part(text))
    if PLEASE_EMOJI in raw and raw.replace(PLEASE_EMOJI, "").strip():
        raw = raw.replace(PLEASE_EMOJI, " porfa ")  # "Buenas noches 🙏": please, not thanks
    for emoji, word in EMOJI_WORDS:
        raw = raw.replace(emoji, word)
    toks: list[Tok] = []
    offset = 0
    for match in _TOKEN_RE.finditer(raw):
        norm = _norm_word(match.group())
        toks.append(Tok(match.group().lower(), norm, offset))
        offset += len(norm) + 1
    norms = tuple(t.norm for t in toks)
    return Text(raw, tuple(toks), " ".join(norms), norms, tuple(t.start for t in toks))


def matched_indices(pattern: re.Pattern[str], text: Text) -> set[int]:
    """Token indices covered by every match of a phrase pattern."""
    found: set[int] = set()
    for match in pattern.finditer(text.norm_text):
        found.update(text.token_span(match.start(), match.end()))
    return found


# Chat shorthand spelled out where a message is read as words (not where it is data: a name,
# an address): "a q horas llega?", "pa q necesitan mis datos?", "xq no ha llegado?".
_SHORTHAND = {
    word: SLANG[word]
    for word in ("q", "ke", "qe", "xq", "pq", "porq", "pa", "dnd", "tb", "tmb", "tbn")
}
_SHORTHAND_RE = re.compile(r"(?<![\w#-])(" + "|".join(_SHORTHAND) + r")(?![\w#-])", re.IGNORECASE)
# Where a lone letter is a designation, not shorthand: "Manzana q casa 12", "bloque q 3".
_DESIGNATED_BY = frozenset(
    "manzana mz bloque bl torre interior int apto etapa letra calle cl cll carrera cra kr "
    "diagonal dg transversal tv casa lote sector".split()
)


def spelled_out(text: str) -> str:
    """`text` with its chat shorthand as words ("a q horas" → "a que horas"); a capital "Q"
    past the first word, one after "manzana", "bloque"…, or one before a number stays."""

    def word(found: re.Match[str]) -> str:
        before = text[: found.start()].split()
        after = text[found.end() :].split()
        said = found.group(1)
        if said != said.lower() and [w for w in before if w.strip("¿¡")]:
            return said  # in capitals, past the first word: a letter ("Manzana Q")
        if before and before[-1].lower().strip(".,:#") in _DESIGNATED_BY:
            return said
        if after and after[0][:1].isdigit():
            return said
        return _SHORTHAND[said.lower()]

    return _SHORTHAND_RE.sub(word, text)
