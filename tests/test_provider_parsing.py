"""One reading of the model's JSON for every provider (providers/reading.py)."""

from __future__ import annotations

import json

import pytest

from domain.ai import CUSTOMER_FIELDS, Extraction, ProductMention, ProviderError
from providers.reading import MAX_PRODUCTS, MAX_TEXT_CHARS, read_extraction


def read(answer: object) -> Extraction:
    return read_extraction(json.dumps(answer, ensure_ascii=False), "test")


def quantity_of(value: object) -> int | None:
    answer = {"intent": "buy", "products": [{"query": "casco", "quantity": value}]}
    [mention] = read(answer).products
    return mention.quantity


def test_a_full_answer_is_read() -> None:
    extraction = read(
        {
            "intent": "buy",
            "products": [{"query": "extintor de 20 libras", "quantity": 10}],
            "customer": {"name": "Ana Pérez", "national_id": "1020304050"},
            "is_question": False,
        }
    )

    assert extraction == Extraction(
        intent="buy",
        products=(ProductMention("extintor de 20 libras", 10),),
        customer={"name": "Ana Pérez", "national_id": "1020304050"},
        is_question=False,
    )


def test_only_the_intent_is_required() -> None:
    assert read({"intent": "greeting"}) == Extraction(intent="greeting")
    nulls = {"intent": "greeting", "products": None, "customer": None, "is_question": None}
    assert read(nulls) == Extraction(intent="greeting")


def test_unknown_top_level_keys_are_ignored() -> None:
    extraction = read({"intent": "thanks", "confidence": 0.9, "price": "$1", "notes": "x"})

    assert extraction == Extraction(intent="thanks")


@pytest.mark.parametrize(
    ("said", "read_as"),
    [
        ("buy", "buy"),
        (" Buy ", "buy"),
        ("PRODUCT", "product"),
        ("comprar", "other"),
        ("buy_everything", "other"),
        ("", "other"),
    ],
)
def test_an_intent_outside_the_list_reads_as_other(said: str, read_as: str) -> None:
    assert read({"intent": said}).intent == read_as


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (12, 12),
        (None, None),
        (0, None),
        (-2, None),
        (True, None),
        (False, None),
        (3.0, None),
        (3.5, None),
        ("3", None),
        ("3.5", None),
        ("diez", None),
        ([3], None),
        ({"units": 3}, None),
    ],
)
def test_a_quantity_is_a_positive_json_integer_or_nothing(
    value: object, expected: int | None
) -> None:
    assert quantity_of(value) == expected


def test_a_missing_quantity_is_no_quantity() -> None:
    assert read({"intent": "buy", "products": [{"query": "casco"}]}).products == (
        ProductMention("casco"),
    )


def test_products_without_a_usable_query_are_left_out() -> None:
    products = [
        {"query": "  casco \n blanco  ", "quantity": 2, "colour": "blanco"},
        {"query": " ", "quantity": 3},
        {"query": None, "quantity": 3},
        {"query": 7},
        {"quantity": 4},
        "guantes",
        None,
        {"query": "guantes"},
    ]

    extraction = read({"intent": "buy", "products": products})

    assert extraction.products == (ProductMention("casco blanco", 2), ProductMention("guantes"))


def test_products_are_capped() -> None:
    products = [{"query": f"producto {n}", "quantity": 1} for n in range(MAX_PRODUCTS + 5)]

    extraction = read({"intent": "buy", "products": products})

    assert len(extraction.products) == MAX_PRODUCTS
    assert extraction.products[-1].query == f"producto {MAX_PRODUCTS - 1}"


def test_customer_keeps_only_known_stated_text_fields() -> None:
    customer = {
        "name": "  Ana   Pérez ",
        "phone": 3001234567,
        "address": "",
        "neighbourhood": None,
        "notes": "  dejar en\nportería ",
        "email": "ana@example.co",
        "price": "1",
    }

    extraction = read({"intent": "other", "customer": customer})

    assert extraction.customer == {"name": "Ana Pérez", "notes": "dejar en portería"}
    assert set(extraction.customer) <= set(CUSTOMER_FIELDS)


def test_long_strings_are_cut() -> None:
    long = "extintor " * 100
    extraction = read(
        {"intent": "buy", "products": [{"query": long}], "customer": {"address": long}}
    )

    assert len(extraction.products[0].query) <= MAX_TEXT_CHARS
    assert extraction.products[0].query.startswith("extintor extintor")
    assert extraction.products[0].query == extraction.products[0].query.strip()
    assert len(extraction.customer["address"]) <= MAX_TEXT_CHARS


@pytest.mark.parametrize("is_question", [True, False])
def test_is_question_is_read(is_question: bool) -> None:
    assert read({"intent": "product", "is_question": is_question}).is_question is is_question


@pytest.mark.parametrize(
    "text",
    [
        '```json\n{"intent": "greeting"}\n```',
        '```\n{"intent": "greeting"}\n```',
        '  ```JSON {"intent": "greeting"} ```  ',
        ' \n{"intent": "greeting"}\n ',
    ],
)
def test_fenced_or_padded_json_is_read(text: str) -> None:
    assert read_extraction(text) == Extraction(intent="greeting")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no es JSON",
        '{"intent": "buy"',
        'Claro: {"intent": "buy"}',
        "[]",
        '["intent", "buy"]',
        '"buy"',
        "null",
        "42",
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_an_answer_that_is_not_a_json_object_is_a_provider_error(text: str) -> None:
    with pytest.raises(ProviderError):
        read_extraction(text)


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"products": [], "is_question": False},
        {"intent": None},
        {"intent": 3},
        {"intent": ["buy"]},
        {"intent": "buy", "products": "extintor"},
        {"intent": "buy", "products": {"query": "extintor"}},
        {"intent": "buy", "customer": "Ana"},
        {"intent": "buy", "customer": [["name", "Ana"]]},
        {"intent": "buy", "is_question": "sí"},
        {"intent": "buy", "is_question": 1},
    ],
)
def test_a_known_field_of_the_wrong_type_is_a_provider_error(answer: dict[str, object]) -> None:
    with pytest.raises(ProviderError):
        read(answer)


def test_errors_name_the_provider() -> None:
    with pytest.raises(ProviderError, match="^gemini: "):
        read_extraction("[]", "gemini")
