"""Is a model's wording of a reply true to the facts it was given?

The offline draft is built from the database; a model may only reword it. A reworded
reply is kept when it states exactly the draft's sums of money and names exactly the
draft's catalog products, every other number (quantities, stock, order numbers, also in
words) appears in the draft, it promises nothing the draft does not (a discount, free
delivery, a gift), adds no link and stays about as long. Anything else — an invented price,
another product, a changed total, a dropped limit — sends the draft instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.normalize import SPANISH_STOPWORDS, fold, stem

# "$1.225.000", "1.225.000", "175000", "7", "3,5" → digit strings without separators.
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
# Money: "$175.000", "$ 175 mil", "175.000 pesos", "1,2 millones".
_MONEY = re.compile(
    r"\$\s*(?P<a>\d[\d.,]*)(?:\s*(?P<ka>mil|millon(?:es)?)\b)?"
    r"|(?P<b>\d[\d.,]*)(?:\s*(?P<kb>mil|millon(?:es)?))?\s*(?:pesos|cop)\b",
    re.IGNORECASE,
)
_SCALE = {"mil": 1_000, "millon": 1_000_000, "millones": 1_000_000}


def _plain(raw: str) -> str:
    digits = re.sub(r"[.,](?=\d{3}(?:\D|$))", "", raw)  # thousands separators
    return digits.replace(",", ".").rstrip(".").lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    """The numbers a text states, written without thousands separators."""
    return {_plain(raw) for raw in _NUMBER.findall(text)}


def amounts(text: str) -> set[float]:
    """The sums of money a text states, in pesos."""
    found = set()
    for match in _MONEY.finditer(fold(text)):
        raw = match.group("a") or match.group("b")
        scale = _SCALE.get((match.group("ka") or match.group("kb") or "").lower(), 1)
        found.add(round(float(_plain(raw)) * scale, 2))
    return found


def named_products(text: str, catalog_names: Iterable[str]) -> set[str]:
    """Catalog product names that appear in `text` (accents and case ignored)."""
    folded = f" {fold(text)} "
    return {name for name in catalog_names if f" {fold(name)} " in folded or fold(name) in folded}


# Numbers in words, and words that promise or claim something (a discount, free delivery, a
# gift, an action taken): a wording may use them only where the draft already does.
NUMBER_WORDS = frozenset(
    "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciseis diecisiete dieciocho diecinueve veinte veinti treinta cuarenta cincuenta "
    "sesenta setenta ochenta noventa cien ciento doscientos trescientos cuatrocientos "
    "quinientos seiscientos setecientos ochocientos novecientos mil millon millones "
    "docena media par medio mitad porciento".split()
)
CLAIM_WORDS = frozenset(
    "gratis gratuito gratuita descuento descuentos promocion promo oferta ofertas rebaja "
    "rebajado liquidacion regalo regalamos obsequio garantia garantizado devolucion "
    "reembolso cupon bono especial aparte aparto apartado reserve reservado separe separado "
    "agregue anadi envie enviamos despache despachamos cobre confirme listo hecho "
    "free discount sale gift".split()
)
ENGLISH_WORDS = frozenset("the you your have want only units them and is are do with".split())
_LINK = re.compile(
    r"https?://|www\.|\b[a-z][\w-]*\.[a-z]{2,}(?:/|\b)|@\w|\bwa\.me\b", re.IGNORECASE
)
_NUMBER_AND_WORD = re.compile(r"(\d[\d.,]*)\s+([a-z]+)")
_LIST_INDEX = re.compile(r"(?m)^\s*\d+[.)]\s")
MAX_GROWTH = 300  # characters a wording may add to the draft


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", fold(text)))


def _counted(text: str) -> set[tuple[str, str]]:
    """(number, what it counts) pairs: "7 unidades" → ("7", "uni"); "de", "del"… skipped."""
    pairs = set()
    for number, word in _NUMBER_AND_WORD.findall(_MONEY.sub(" ", fold(text))):
        if word not in SPANISH_STOPWORDS:
            pairs.add((_plain(number), word[:3]))
    return pairs


def _recounted(reply: str, draft: str) -> bool:
    """A number of the draft now counting something else."""
    counts: dict[str, set[str]] = {}
    for number, word in _counted(draft):
        counts.setdefault(number, set()).add(word)
    return any(number in counts and word not in counts[number] for number, word in _counted(reply))


def _kinds(names: Iterable[str]) -> set[str]:
    """Stems of what this shop's products are: the first word of each name ("casco")."""
    kinds = set()
    for name in names:
        words = [w for w in re.findall(r"[a-z]+", fold(name)) if w not in SPANISH_STOPWORDS]
        if words:
            kinds.add(stem(words[0]))
    return kinds


def _key_numbers(draft: str, names: Iterable[str]) -> set[str]:
    """The draft's numbers that carry a fact (stock, quantities, order numbers), not the
    ones inside product names or list numbering."""
    text = _LIST_INDEX.sub(" ", fold(draft))
    for name in names:
        text = text.replace(fold(name), " ")
    return numbers(_MONEY.sub(" ", text))


def is_grounded(reply: str, draft: str, catalog_names: Iterable[str]) -> bool:
    """True when `reply` says the draft's facts — all of them — and nothing more."""
    if not reply.strip() or len(reply) > len(draft) + MAX_GROWTH:
        return False
    if amounts(reply) != amounts(draft):  # every price and total, none invented
        return False
    said = numbers(_MONEY.sub(" ", fold(reply)))
    if not said <= numbers(draft):
        return False
    names = list(catalog_names)
    named = named_products(draft, names)
    if not _key_numbers(draft, named) <= said:  # a limit or a quantity was dropped
        return False
    if _recounted(reply, draft):  # "20 unidades" where the draft says "20 lb"
        return False
    added = _words(_MONEY.sub(" ", fold(reply))) - _words(draft)
    if added & (NUMBER_WORDS | CLAIM_WORDS):
        return False
    drafted_kinds = {stem(word) for word in _words(draft)}
    if {stem(word) for word in added} & (_kinds(names) - drafted_kinds):  # another product
        return False
    if len(added & ENGLISH_WORDS) >= 2 or (_LINK.search(reply) and not _LINK.search(draft)):
        return False
    if _new_proper_names(reply, draft):
        return False
    return named_products(reply, names) == named


def _new_proper_names(reply: str, draft: str) -> bool:
    """A capitalised word in mid-sentence that the draft never says ("Premium Dorado")."""
    known = _words(draft)
    for match in re.finditer(r"(?<=[a-záéíóúñ,] )([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)", reply):
        if fold(match.group(1)) not in known:
            return True
    return False
