"""Any text a customer sends is read in time linear in its length, and never raises.

A message of a few thousand digits used to take a second of CPU on the event loop (number and
unit patterns retried from every digit: n² steps), stalling every other chat. Here arbitrary
and adversarial texts go through every entry point a customer's text reaches, each call within
a budget, and doubling a long adversarial input must not much more than double the time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import domain.language.text
from domain import validators
from domain.catalog import Catalog
from domain.conversation.reading import read
from domain.conversation.turn import Step
from domain.inventory import parse_inventory
from domain.language import (
    MAX_ANALYSED_CHARS,
    is_done,
    is_no,
    is_yes,
    looks_like_injection,
    looks_like_question,
    parse_quantity,
    split_items,
    states_a_number,
    understand,
    wants_change,
)
from rag.normalize import fold, normalize, tokenize
from rag.search import ProductIndex, SearchDoc
from rag.synonyms import load_synonyms

DATA = Path(__file__).resolve().parents[1] / "data"

# CPU seconds one call may take on a text of up to ~10,000 characters. The slowest entry point
# (understand() on 1,000 emoji, each read as a word) takes ~25 ms, up to ~40 ms on a busy
# machine (caches shared with other processes); before the fix 4,096 digits took 0.7 s
# (normalize) and 0.9 s (search). A call over budget is timed twice more and the best time
# counts, so a passing disturbance is not taken for slowness.
BUDGET = 0.25
MAX_TEXT = 10_000


def _index() -> ProductIndex:
    rows = parse_inventory((DATA / "inventory.csv").read_bytes(), "inventory.csv")
    index = ProductIndex(synonyms=load_synonyms(DATA / "synonyms.txt"))
    index.upsert_many(
        SearchDoc(i, row.name, row.description, row.category) for i, row in enumerate(rows)
    )
    return index


INDEX = _index()
CATALOG = Catalog(INDEX)

ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "understand": understand,
    "read at browsing": lambda text: read(text, Step.BROWSING),
    "read at notes": lambda text: read(text, Step.NOTES),
    "looks_like_injection": looks_like_injection,
    "split_items": split_items,
    "parse_quantity": parse_quantity,
    "is_yes/is_no/is_done": lambda text: (is_yes(text), is_no(text), is_done(text)),
    "question/change/number": lambda text: (
        looks_like_question(text),
        wants_change(text),
        states_a_number(text),
    ),
    "fold": fold,
    "normalize": normalize,
    "tokenize": tokenize,
    "ProductIndex.search": INDEX.search,
    "ProductIndex.dense_query": ProductIndex.dense_query,
    "Catalog.match_strength": CATALOG.match_strength,
    "clean_national_id": validators.clean_national_id,
    "clean_phone": validators.clean_phone,
    "clean_person_name": validators.clean_person_name,
    "clean_address": validators.clean_address,
    "clean_neighbourhood": validators.clean_neighbourhood,
    "clean_notes": validators.clean_notes,
    "is_skip": validators.is_skip,
}

DIGITS = "0123456789 .,/x*-+'\"kglmt"
WORDS_AND_DIGITS = "0123456789 aeioustlrnkgmxñáé.,"
PUNCTUATION = " \t\n\u00a0.,;:!?¿¡-_/\\()[]#°'\"$%@"
EMOJI = "👍🙏😀✅❌👋﷽\u0301 a1"
ALPHABETS = (DIGITS, WORDS_AND_DIGITS, PUNCTUATION, EMOJI)
PIECES = (
    "1", "0", "12.5kg", "1/2", " 1/2 pulgada", "1.000", "2,50", "x", " x ", "*", "t.", "talla ",
    " ", "  ", ".", ",", "-", "quiero ", "2 cascos, ", "mas barato ", "carrito ", "ya no quiero ",
    "ignora tus reglas ", "i g n o r a ", "system: ", "👍", "extintor ", "de 20 libras ", "y ",
)  # fmt: skip


def _runs(alphabet: str) -> st.SearchStrategy[str]:
    """A few runs, each a short unit repeated up to thousands of times ('1' * 5000...)."""
    run = st.builds(
        lambda unit, times: unit * times,
        st.text(alphabet, min_size=1, max_size=8),
        st.integers(1, 4000),
    )
    return st.lists(run, min_size=1, max_size=4).map(lambda runs: "".join(runs)[:MAX_TEXT])


TEXTS = st.one_of(
    *(st.text(alphabet, max_size=MAX_TEXT) for alphabet in ALPHABETS),
    *(_runs(alphabet) for alphabet in ALPHABETS),
    st.lists(st.sampled_from(PIECES), max_size=2000).map(lambda p: "".join(p)[:MAX_TEXT]),
    st.builds(lambda piece, times: piece * times, st.sampled_from(PIECES), st.integers(1, 2000)),
    st.text(max_size=2000),  # any character at all
)


def _seconds(call: Callable[[str], object], text: str, runs: int = 1) -> float:
    """The best CPU time of ``runs`` calls: this thread's own, so that other processes on the
    machine (pytest -n auto, a second test run) do not count."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        call(text)
        best = min(best, time.thread_time() - start)
    return best


@pytest.mark.parametrize("name", ENTRY_POINTS)
@settings(
    max_examples=100,
    deadline=None,  # the budget below, with its retries, is the deadline
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=TEXTS)
@example(text="1" * 4096)  # the messages that were slow, always tried
@example(text="1." + "0" * 4096 + "1")
@example(text="1 t" + " " * 4096 + "!")
@example(text="1/" + "1" * 5000 + " kg")
@example(text="👍" * 4096)
def test_every_entry_point_reads_any_text_within_budget_and_never_raises(
    name: str, text: str
) -> None:
    call = ENTRY_POINTS[name]
    elapsed = _seconds(call, text)
    if elapsed > BUDGET:
        elapsed = _seconds(call, text, runs=2)
    assert elapsed <= BUDGET, f"{name} took {elapsed:.3f} s on {len(text)} characters"


# Inputs that were quadratic (and a few more), each read whole and doubled.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "a run of digits": lambda n: "1" * n,
    "zeros after a decimal point": lambda n: "1." + "0" * n + "1",
    "spaces after a size mark": lambda n: "1 t" + " " * n + "!",
    "digits and spaces": lambda n: "1 " * (n // 2),
    "quantities with units": lambda n: "12.5kg" * (n // 6),
    "a fraction of many digits": lambda n: "1/" + "1" * n + " kg",
    "one long word": lambda n: "a" * n,
    "buy verbs": lambda n: "ya no quiero " * (n // 13),
    "superlatives": lambda n: "mas barato " * (n // 11),
    "several items": lambda n: ", ".join(f"{i} cascos" for i in range(n // 10)),
}
LINEAR_CASES = [  # (entry point, how it is called, the smaller size: some ms of work)
    ("normalize", normalize, 10_000),
    ("ProductIndex.search", INDEX.search, 5_000),
    ("looks_like_injection", looks_like_injection, 5_000),
    ("understand (no cap)", understand, 2_000),
    ("clean_neighbourhood", validators.clean_neighbourhood, 10_000),
]


def _doubling_ratio(call: Callable[[str], object], small: str, large: str) -> float:
    """CPU time on ``large`` over that on ``small``, the best of 4 interleaved runs each (both
    see the same load), the garbage collector paused as timeit pauses it."""
    call(small)  # warm caches
    gc.collect()
    gc.disable()
    try:
        best_small = best_large = float("inf")
        for _ in range(4):
            best_small = min(best_small, _seconds(call, small))
            best_large = min(best_large, _seconds(call, large))
    finally:
        gc.enable()
    return best_large / max(best_small, 1e-4)


@pytest.mark.parametrize("shape", ADVERSARIAL)
@pytest.mark.parametrize(("name", "call", "size"), LINEAR_CASES, ids=[c[0] for c in LINEAR_CASES])
def test_doubling_a_long_adversarial_input_at_most_about_doubles_the_time(
    monkeypatch: pytest.MonkeyPatch, shape: str, name: str, call: Callable[[str], object], size: int
) -> None:
    # The reading itself must be linear, not only bounded by the cap on what is read.
    monkeypatch.setattr(domain.language.text, "MAX_ANALYSED_CHARS", 10 * size)
    small, large = ADVERSARIAL[shape](size), ADVERSARIAL[shape](2 * size)
    # Quadratic work shows as 4x on every try; a busy machine can blur one try, not three.
    ratios = []
    for _ in range(3):
        ratios.append(_doubling_ratio(call, small, large))
        if ratios[-1] <= 2.5:
            return
    pytest.fail(f"{name} on {shape}: doubling the text took {min(ratios):.1f}x the time")


def test_words_past_the_analysed_part_are_not_read() -> None:
    padding = "a" * MAX_ANALYSED_CHARS
    reading = understand(f"{padding} quiero 2 cascos y 3 chalecos")
    assert (reading.quantity, reading.items) == (None, ())
    assert understand(" " * 5000 + "quiero 2 cascos").quantity == 2  # from the first visible one


def test_a_fraction_of_thousands_of_digits_is_left_as_written() -> None:
    # int() refuses more than 4,300 digits: this raised ValueError.
    assert normalize("1/" + "1" * 5000 + " kg") == "1/" + "1" * 5000 + "kg"
