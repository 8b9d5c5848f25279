"""Prices: parsing what owners type and formatting COP."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from domain.exceptions import DomainError
from domain.money import InvalidPrice, format_cop, format_count, parse_price


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45000", 4_500_000),
        ("45.000", 4_500_000),
        ("$45.000", 4_500_000),
        ("$ 45.000", 4_500_000),
        ("45,000", 4_500_000),
        ("45,000.50", 4_500_050),
        ("45.000,50", 4_500_050),
        ("1.234.567", 123_456_700),
        ("1,234,567.89", 123_456_789),
        ("45000.5", 4_500_050),
        ("45000,5", 4_500_050),
        ("COP 45.000", 4_500_000),
        ("45.000 pesos", 4_500_000),
        ("  185.000  ", 18_500_000),
        ("0", 0),
        (45000, 4_500_000),
        (Decimal("45000.50"), 4_500_050),
        (45000.0, 4_500_000),
        (19.99, 1_999),
    ],
)
def test_parse_price_accepts_common_formats(raw: str | int | Decimal, expected: int) -> None:
    assert parse_price(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "vacío"),
        ("   ", "vacío"),
        ("-45.000", "negativo"),
        ("$-45.000", "negativo"),
        (-5, "negativo"),
        ("abc", "no es un precio válido"),
        ("45.000.50", "no es un precio válido"),
        ("1.234,567", "no es un precio válido"),
        ("45.0000", "más de dos decimales"),
        ("1e5", "no es un precio válido"),
        ("2.000.000.000.000", "demasiado alto"),
        (float("nan"), "no es un precio válido"),
        (True, "no es un precio válido"),
    ],
)
def test_parse_price_refuses_with_spanish_reason(raw: object, fragment: str) -> None:
    with pytest.raises(InvalidPrice) as caught:
        parse_price(raw)  # type: ignore[arg-type]
    assert fragment in caught.value.reason
    assert isinstance(caught.value, DomainError)


def test_parse_price_never_returns_float() -> None:
    assert type(parse_price(0.1 + 0.2)) is int
    assert parse_price(0.1 + 0.2) == 30


@pytest.mark.parametrize(
    ("minor", "text"),
    [
        (0, "$0"),
        (4_500_000, "$45.000"),
        (4_500_050, "$45.000,50"),
        (123_456_700, "$1.234.567"),
        (5, "$0,05"),
        (-4_500_000, "-$45.000"),
    ],
)
def test_format_cop(minor: int, text: str) -> None:
    assert format_cop(minor) == text


def test_format_cop_round_trips_with_parse() -> None:
    assert parse_price(format_cop(4_500_050)) == 4_500_050


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0"), (999, "999"), (1_000, "1.000"), (1_234_567, "1.234.567")]
)
def test_format_count_groups_thousands_with_dots(number: int, text: str) -> None:
    assert format_count(number) == text


def test_only_money_writes_thousands_separators() -> None:
    """One owner for the rule: no other module spells `f"{n:,}".replace(",", ".")` again."""
    root = Path(__file__).resolve().parent.parent
    modules = [root / "run_bot.py"] + [
        path
        for folder in ("bot", "db", "domain", "doubles", "handlers", "rag")
        for path in sorted((root / folder).rglob("*.py"))
    ]
    copy = re.compile(r""":,\}.*\.replace\(",", "\."\)""")
    owners = [
        str(path.relative_to(root))
        for path in modules
        if copy.search(path.read_text(encoding="utf-8"))
    ]
    assert owners == ["domain/money.py"]
