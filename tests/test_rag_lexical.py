"""The segmented inverted index answers like a plain dictionary of postings, whatever mix of
adds, replacements, removals and merges produced it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from rag import lexical
from rag.lexical import SparseIndex

WORDS = [f"w{i}" for i in range(40)]


def check_against(index: SparseIndex, model: dict[int, dict[str, float]]) -> None:
    assert len(index) == len(model)
    for term in WORDS:
        slots, values = index.postings(term)
        found = dict(zip(slots.tolist(), values.tolist(), strict=True))
        expected = {slot: terms[term] for slot, terms in model.items() if term in terms}
        assert found == pytest.approx(expected), term
        assert index.df(term) == len(expected)
    lengths = [sum(terms.values()) for terms in model.values()]
    assert index.avgdl == pytest.approx(sum(lengths) / len(lengths) if lengths else 1.0)


@pytest.mark.parametrize("restored", [False, True], ids=["live", "restored"])
@pytest.mark.parametrize("mapped", [False, True], ids=["heap", "mapped"])
@pytest.mark.parametrize("seed", range(5))
def test_random_changes_match_a_plain_model(
    monkeypatch: pytest.MonkeyPatch, seed: int, mapped: bool, restored: bool
) -> None:
    if mapped:  # segments in their own memory maps, as a big catalog's are
        monkeypatch.setattr(lexical, "_MAP_MIN_BYTES", 1)
    monkeypatch.setattr(lexical, "SEGMENT_POSTINGS", 60)  # many segments and merges
    monkeypatch.setattr(lexical, "REWRITE_MIN_DOCS", 4)  # and rewrites of half-dead ones
    rng = random.Random(seed)
    index = SparseIndex()
    model: dict[int, dict[str, float]] = {}
    for step in range(300):
        if restored and step % 100 == 50:  # saved and taken back (values coded), then changed
            index, saved = SparseIndex(), index.export()
            index.restore(saved)
        slot = rng.randrange(80)
        if rng.random() < 0.25:
            index.remove(slot)
            model.pop(slot, None)
            continue
        batch = {}
        for slot in rng.sample(range(80), rng.randint(1, 12)):
            terms = {w: float(rng.randint(1, 3)) for w in rng.sample(WORDS, rng.randint(1, 6))}
            batch[slot] = terms
        index.add_many((slot, terms, sum(terms.values())) for slot, terms in batch.items())
        model.update(batch)
    check_against(index, model)
    again = SparseIndex()  # saved and taken back
    again.restore(index.export())
    check_against(again, model)


def test_saved_values_come_back_coded_when_few_and_as_float32_when_many() -> None:
    for model, coded in (
        ({slot: {"w1": 1.0 + slot % 3, "w2": 2.5} for slot in range(300)}, True),
        ({slot: {"w1": 1.0 + slot / 7, "w2": 2.5} for slot in range(300)}, False),
    ):
        saved = SparseIndex()
        saved.add_many((slot, terms, sum(terms.values())) for slot, terms in model.items())
        index = SparseIndex()
        index.restore(saved.export())
        assert all((segment.table is not None) == coded for segment in index._segments)
        exact = {slot: {k: np.float32(v) for k, v in t.items()} for slot, t in model.items()}
        check_against(index, exact)


def test_bm25_favours_the_rarer_term_and_the_shorter_document() -> None:
    index = SparseIndex()
    index.add_many(
        [
            (0, {"extintor": 1.0, "abc": 1.0}, 2.0),
            (1, {"extintor": 1.0, "soporte": 1.0, "pared": 1.0, "metal": 1.0}, 4.0),
            (2, {"casco": 1.0}, 1.0),
        ]
    )
    slots, scores = index.bm25("extintor")
    by_slot = dict(zip(slots.tolist(), scores.tolist(), strict=True))
    assert by_slot[0] > by_slot[1] > 0
    assert index.idf("casco") > index.idf("extintor") > 0
    assert index.bm25("nada")[0].size == 0
    index.remove(0)
    assert index.postings("abc")[0].size == 0
    assert np.all(index.bm25("extintor")[0] == [1])
