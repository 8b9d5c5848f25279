"""The catalog's names and categories in arrays (domain/shelves.py) say what the dicts they
replaced said: names of active products, counts of visible ones per category in the order
the categories first got one, through packs, saves and restores."""

from __future__ import annotations

import random

import numpy as np

from domain import shelves as shelves_module
from domain.shelves import Shelves


class Reference:
    """The dicts the catalog kept before (domain/catalog.py until the arrays)."""

    def __init__(self) -> None:
        self.name_of: dict[int, str] = {}
        self.category_of: dict[int, str] = {}
        self.in_category: dict[str, set[int]] = {}

    def note(self, pid: int, name: str, category: str, *, active: bool, visible: bool) -> None:
        before = self.category_of.pop(pid, None)
        if before is not None:
            self.in_category[before].discard(pid)
            if not self.in_category[before]:
                del self.in_category[before]
        if visible and category:
            self.category_of[pid] = category
            self.in_category.setdefault(category, set()).add(pid)
        if active:
            self.name_of[pid] = name
        else:
            self.name_of.pop(pid, None)

    def counts(self) -> dict[str, int]:
        return {category: len(ids) for category, ids in self.in_category.items()}


def same(shelves: Shelves, reference: Reference, ids: range) -> None:
    assert list(shelves.counts().items()) == list(reference.counts().items())
    assert sorted(shelves.names()) == sorted(reference.name_of.values())
    for pid in ids:
        assert shelves.name(pid) == reference.name_of.get(pid)


def test_random_changes_packs_and_restores_match_the_dicts(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(shelves_module, "PACK_MIN", 7)  # packs happen along the way
    rng = random.Random(3)
    shelves, reference = Shelves(), Reference()
    categories = ["Cascos", "Guantes", "Señales", "Botas", ""]
    ids = range(1, 120)
    for step in range(1500):
        pid = rng.choice(ids)
        name = f"Producto {pid} versión {step} ñandú"
        flags = {"active": rng.random() < 0.8, "visible": rng.random() < 0.7}
        category = rng.choice(categories)
        shelves.note(pid, name, category, **flags)
        reference.note(pid, name, category, **flags)
        if step % 97 == 0:
            same(shelves, reference, ids)
        if step % 301 == 0:  # a save and a restart
            again = Shelves()
            again.restore(shelves.export())
            same(again, reference, ids)
            shelves = again
    shelves.pack()
    same(shelves, reference, ids)


def test_a_file_saved_before_the_arrays_is_read() -> None:
    """Categories sorted by name, members in the dicts' order (what the catalog saved)."""
    names = ["Casco blanco", "Guantes de nitrilo", "Botas"]
    encoded = [n.encode() for n in names]
    arrays = {
        "names": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "name_ends": np.cumsum([len(e) for e in encoded], dtype=np.int64),
        "name_ids": np.array([5, 2, 9], dtype=np.int64),
        "categories": np.frombuffer(b"CascosGuantes", dtype=np.uint8),
        "category_ends": np.array([6, 13], dtype=np.int64),
        "category_ids": np.array([5, 2, 9], dtype=np.int64),
        "category_of": np.array([1, 0, 1], dtype=np.int32),
    }
    shelves = Shelves()
    shelves.restore(arrays)
    assert list(shelves.counts().items()) == [("Guantes", 2), ("Cascos", 1)]
    assert [shelves.name(i) for i in (2, 5, 9, 7)] == [
        "Guantes de nitrilo",
        "Casco blanco",
        "Botas",
        None,
    ]
