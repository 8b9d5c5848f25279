"""Money as integer minor units (centavos): parsing what owners type, formatting COP and the
thousands separators every figure we show uses (`12.345`, as Colombians write it)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain import texts
from domain.exceptions import DomainError

MINOR_PER_PESO = 100
MAX_PRICE_PESOS = 10**12

_PREFIX = re.compile(r"^(?:cop|col)?\s*\$?\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:cop|pesos?)\.?$", re.IGNORECASE)
_DIGITS_AND_SEPARATORS = re.compile(r"^\d[\d.,]*$")
_THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_MINUS_SIGNS = ("-", "\u2212", "\u2013")


class InvalidPrice(DomainError):
    """A price the owner wrote that cannot be understood; `reason` is Spanish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_price(raw: str | int | float | Decimal) -> int:
    """Parse a COP price in Colombian or international notation into minor units."""
    if isinstance(raw, bool):
        raise InvalidPrice(texts.PRICE_INVALID.format(value=raw))
    if isinstance(raw, int):
        return _pesos_to_minor(Decimal(raw), shown=str(raw))
    if isinstance(raw, float):
        return _pesos_to_minor(_float_to_decimal(raw), shown=str(raw))
    if isinstance(raw, Decimal):
        return _pesos_to_minor(raw, shown=str(raw))
    if isinstance(raw, str):
        return _pesos_to_minor(_parse_price_text(raw), shown=raw.strip())
    raise InvalidPrice(texts.PRICE_INVALID.format(value=raw))


def format_cop(minor: int) -> str:
    """Format minor units as Colombian pesos: `$45.000` or `$45.000,50`."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError("format_cop expects integer minor units")
    sign = "-" if minor < 0 else ""
    pesos, cents = divmod(abs(minor), MINOR_PER_PESO)
    text = format_count(pesos)
    if cents:
        text = f"{text},{cents:02d}"
    return f"{sign}${text}"


def format_count(number: int) -> str:
    """A whole number with Colombian thousands separators: 12345 → `12.345`."""
    return f"{number:,}".replace(",", ".")


def _float_to_decimal(value: float) -> Decimal:
    """Convert a spreadsheet float through its shortest repr, never binary floats."""
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidPrice(texts.PRICE_INVALID.format(value=value)) from exc


def _parse_price_text(raw: str) -> Decimal:
    """Turn typed price text into a Decimal amount of pesos."""
    text = raw.strip()
    if not text:
        raise InvalidPrice(texts.PRICE_EMPTY)
    shown = text
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    text = "".join(text.split())  # "$ 45 000" → "45000"
    if text.startswith(_MINUS_SIGNS):
        raise InvalidPrice(texts.PRICE_NEGATIVE.format(value=shown))
    if not text or not _DIGITS_AND_SEPARATORS.match(text):
        raise InvalidPrice(texts.PRICE_INVALID.format(value=shown))
    normalized = _normalize_separators(text, shown)
    return Decimal(normalized)


def _normalize_separators(text: str, shown: str) -> str:
    """Resolve `.`/`,` as thousands or decimal separators; return a plain `1234.56`."""
    last_sep = max(text.rfind("."), text.rfind(","))
    if last_sep == -1:
        return text
    tail = text[last_sep + 1 :]
    head = text[:last_sep]
    if _THOUSANDS_GROUPS.match(text):
        return _strip_thousands(text, shown)
    if 1 <= len(tail) <= 2 and tail.isdigit():
        integer = _strip_thousands(head, shown) if any(s in head for s in ".,") else head
        if text[last_sep] in head:
            raise InvalidPrice(texts.PRICE_INVALID.format(value=shown))
        return f"{integer}.{tail}"
    if len(tail) > 2 and tail.isdigit() and not any(s in head for s in ".,"):
        raise InvalidPrice(texts.PRICE_BAD_DECIMALS.format(value=shown))
    raise InvalidPrice(texts.PRICE_INVALID.format(value=shown))


def _strip_thousands(text: str, shown: str) -> str:
    """Remove one kind of thousands separator, checking groups of exactly 3 digits."""
    mixed = "." in text and "," in text
    if not _THOUSANDS_GROUPS.match(text) or mixed or text.startswith("0"):
        raise InvalidPrice(texts.PRICE_INVALID.format(value=shown))
    return text.replace(".", "").replace(",", "")


def _pesos_to_minor(pesos: Decimal, *, shown: str) -> int:
    """Validate an amount of pesos and convert it to integer centavos."""
    if not pesos.is_finite():
        raise InvalidPrice(texts.PRICE_INVALID.format(value=shown))
    if pesos < 0:
        raise InvalidPrice(texts.PRICE_NEGATIVE.format(value=shown))
    if pesos > MAX_PRICE_PESOS:
        raise InvalidPrice(texts.PRICE_TOO_HIGH.format(value=shown))
    minor = (pesos * MINOR_PER_PESO).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(minor)
