"""The model's JSON reading of a customer message, parsed one way for every provider.

Gemini and the OpenAI-compatible client ask for the same answer — ``intent``,
``products: [{query, quantity}]``, ``customer: {...}``, ``is_question`` — and both hand its
text to `read_extraction`. What a model answers is data to check, never to trust; the domain
still decides what to use (`domain.conversation` takes a model's intent only from a short list, and
its quantity only when the customer's words state a number). The rules:

- The answer is a JSON object, bare or inside ``` fences (some local models add them).
  Anything else is a `ProviderError`, and the caller falls back to the offline reading.
- Unknown top-level keys are ignored: models add keys, and the schema is only a request.
- A known top-level key of the wrong type is a `ProviderError`: ``intent`` must be a string
  (an answer without one is not a reading); ``products`` a list, ``customer`` an object and
  ``is_question`` a boolean, each may be missing or null (read as empty / false).
- ``intent`` is trimmed and lower-cased; one outside `INTENTS` reads as ``"other"``, which the
  domain treats as "the model did not say", so the offline intent stands.
- ``products``: an item that is not an object, or whose ``query`` is not a non-blank string,
  is left out; unknown keys in an item are ignored. At most `MAX_PRODUCTS` items are kept.
- ``quantity`` is a JSON integer >= 1. Anything else — null, 0, -2, ``true``, ``3.0``,
  ``"3"``, ``"diez"`` — is no quantity (None): the domain reads numbers from the customer's
  own words, and the schema every client sends asks for an integer.
- ``customer`` keeps only `CUSTOMER_FIELDS`; other keys, and values that are not strings or
  are blank, are left out.
- Every string kept has its whitespace collapsed to single spaces and is cut to
  `MAX_TEXT_CHARS` characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from domain.ai import CUSTOMER_FIELDS, INTENTS, Extraction, ProductMention, ProviderError

MAX_PRODUCTS = 20  # products in one message; more is a model rambling
MAX_TEXT_CHARS = 200  # per query or customer field; the domain applies its own, tighter limits
FALLBACK_INTENT = "other"
FENCED = re.compile(r"\s*```(?:json)?\s*(.*?)\s*```\s*", flags=re.DOTALL | re.IGNORECASE)


def read_extraction(text: str, source: str = "model") -> Extraction:
    """An Extraction from the model's answer; ProviderError when it is not a reading.

    `source` names the provider in error messages ("gemini", "openai").
    """
    data = _json_object(text, source)
    return Extraction(
        intent=_intent(data.get("intent"), source),
        products=_products(_typed(data, "products", list, source) or []),
        customer=_customer(_typed(data, "customer", dict, source) or {}),
        is_question=bool(_typed(data, "is_question", bool, source)),
    )


def _json_object(text: str, source: str) -> dict[str, Any]:
    fenced = FENCED.fullmatch(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except (ValueError, RecursionError) as error:  # bad JSON, or nested past the stack
        raise ProviderError(f"{source}: extraction is not JSON ({error})") from error
    if not isinstance(data, dict):
        raise ProviderError(f"{source}: extraction is not a JSON object")
    return data


def _typed(data: dict[str, Any], key: str, kind: type, source: str) -> Any:
    """data[key] when it is a `kind`, None when missing or null; ProviderError otherwise."""
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise ProviderError(f"{source}: {key} is not a {kind.__name__}: {value!r:.60}")
    return value


def _intent(value: object, source: str) -> str:
    if not isinstance(value, str):
        raise ProviderError(f"{source}: no intent in the extraction ({value!r:.60})")
    intent = value.strip().lower()
    return intent if intent in INTENTS else FALLBACK_INTENT


def _products(items: list[Any]) -> tuple[ProductMention, ...]:
    mentions = []
    for item in items:
        if not isinstance(item, dict):
            continue
        query = _text(item.get("query"))
        if query:
            mentions.append(ProductMention(query, _quantity(item.get("quantity"))))
    return tuple(mentions[:MAX_PRODUCTS])


def _quantity(value: object) -> int | None:
    """A count of units: a JSON integer >= 1 (never a boolean, a float or a string)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def _customer(fields: dict[str, Any]) -> dict[str, str]:
    stated = {name: _text(fields.get(name)) for name in CUSTOMER_FIELDS}
    return {name: value for name, value in stated.items() if value}


def _text(value: object) -> str:
    """A string with its whitespace collapsed and its length capped; "" for anything else."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:MAX_TEXT_CHARS].rstrip()
