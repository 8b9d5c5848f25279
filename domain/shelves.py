"""What the catalog keeps of each product besides its index: its name and its category.

Kept as numpy arrays indexed by product id, not a Python dict and string per product (at
100k products those came to about 45 MB of the bot's memory; these arrays to about 3 MB).
Names are one UTF-8 blob with each one's bounds (left in the saved index's file, a name
read from it when asked), plus the names set since the blob was last packed; categories a
small code per product and the count of visible products of each category. Changed on the
event loop's thread; `export` may run in a worker thread (the save), so the changes and the
copy it takes hold a lock.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping

import numpy as np

from rag.snapshot import Array

PACK_MIN = 4096  # names set since the last pack before they are packed (and a quarter
# of the packed ones): packing costs one pass over all names, so it is done seldom


def _grown(values: np.ndarray, top: int, fill: int) -> np.ndarray:
    """`values` long enough to index `top` (doubling), new places `fill`."""
    if top < len(values):
        return values
    grown = np.full(max(top + 1, 2 * len(values), 64), fill, dtype=values.dtype)
    grown[: len(values)] = values
    return grown


class Shelves:
    """Product id -> name (active products) and category (visible ones, with counts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Names: packed ones (row per id, -1: none or superseded) and those set since.
        self._row = np.full(0, -1, dtype=np.int32)
        self._blob: Array = np.empty(0, dtype=np.uint8)
        self._starts = np.empty(0, dtype=np.int64)
        self._ends = np.empty(0, dtype=np.int64)
        self._fresh: dict[int, str] = {}
        # Categories: a code per id (-1: none), the codes' names, visible products of each
        # (in the order categories first got one: ties in `categories` keep that order).
        self._code = np.full(0, -1, dtype=np.int32)
        self._category_names: list[str] = []
        self._code_of: dict[str, int] = {}
        self._counts: dict[str, int] = {}

    # ---- names ------------------------------------------------------------------------

    def name(self, product_id: int) -> str | None:
        fresh = self._fresh.get(product_id)
        if fresh is not None:
            return fresh
        row = int(self._row[product_id]) if 0 <= product_id < len(self._row) else -1
        if row < 0:
            return None
        return bytes(self._blob[self._starts[row] : self._ends[row]]).decode()

    def names(self) -> list[str]:
        with self._lock:
            rows, fresh = self._row[self._row >= 0], list(self._fresh.values())
            blob, starts, ends = self._blob, self._starts[rows], self._ends[rows]
        data = blob.tobytes()
        bounds = zip(starts.tolist(), ends.tolist(), strict=True)
        return [data[start:end].decode() for start, end in bounds] + fresh

    # ---- categories -------------------------------------------------------------------

    def counts(self) -> Mapping[str, int]:
        """Visible products per category, in the order the categories first got one."""
        return self._counts

    # ---- changes ----------------------------------------------------------------------

    def note(
        self, product_id: int, name: str, category: str, *, active: bool, visible: bool
    ) -> None:
        """What one product is now: named if active, in its category if visible."""
        with self._lock:
            self._set_category(product_id, category if visible and category else "")
            if 0 <= product_id < len(self._row):
                self._row[product_id] = -1
            if active:
                self._fresh[product_id] = name
            else:
                self._fresh.pop(product_id, None)
            packed = len(self._starts)
            if len(self._fresh) >= max(PACK_MIN, packed // 4):
                self._pack()

    def pack(self) -> None:
        """Pack the names set since the last pack with the others (after a load)."""
        with self._lock:
            if self._fresh:
                self._pack()

    def _set_category(self, product_id: int, category: str) -> None:
        before = int(self._code[product_id]) if product_id < len(self._code) else -1
        if before >= 0:
            name = self._category_names[before]
            self._counts[name] -= 1
            if not self._counts[name]:
                del self._counts[name]
        if not category and before < 0:
            return
        self._code = _grown(self._code, product_id, -1)
        if not category:
            self._code[product_id] = -1
            return
        code = self._code_of.get(category)
        if code is None:
            code = self._code_of[category] = len(self._category_names)
            self._category_names.append(sys.intern(category))
        self._code[product_id] = code
        name = self._category_names[code]
        self._counts[name] = self._counts.get(name, 0) + 1

    def _pack(self) -> None:
        """One blob of every name, rows in id order (holding the lock)."""
        ids, encoded = self._named()
        ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        self._blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        self._starts = np.concatenate([np.zeros(1, dtype=np.int64), ends[:-1]])[: len(ends)]
        self._ends = ends
        row = np.full(int(ids[-1]) + 1 if len(ids) else 0, -1, dtype=np.int32)
        row[ids] = np.arange(len(ids), dtype=np.int32)
        self._row = row
        self._fresh = {}

    def _named(self) -> tuple[np.ndarray, list[bytes]]:
        """(ids ascending, their names in UTF-8) of every named product (holding the lock)."""
        packed = np.flatnonzero(self._row >= 0)
        rows = self._row[packed]
        data = self._blob.tobytes()
        bounds = zip(self._starts[rows].tolist(), self._ends[rows].tolist(), strict=True)
        names = {
            product_id: data[start:end]
            for product_id, (start, end) in zip(packed.tolist(), bounds, strict=True)
        }
        names.update((product_id, name.encode()) for product_id, name in self._fresh.items())
        ids = sorted(names)
        return np.array(ids, dtype=np.int64), [names[i] for i in ids]

    # ---- saving -----------------------------------------------------------------------

    def export(self) -> dict[str, Array]:
        """Names and categories as the saved index keeps them (`restore` reads them back)."""
        with self._lock:
            ids, encoded = self._named()
            code = self._code.copy()
            category_names = list(self._category_names)
            order = list(self._counts)
        # Categories in the order of `counts`, their members grouped in that order, so that
        # `restore` (which counts them in the order of their first member) keeps the order
        # of equal counts in `categories`.
        position = {name: n for n, name in enumerate(order)}
        remap = np.array([position.get(name, -1) for name in category_names], dtype=np.int32)
        members = np.flatnonzero(code >= 0)
        which = remap[code[members]] if len(members) else np.zeros(0, dtype=np.int32)
        grouped = np.argsort(which, kind="stable")
        category_blob = [name.encode() for name in order]
        return {
            "names": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            "name_ends": np.cumsum([len(e) for e in encoded], dtype=np.int64),
            "name_ids": ids,
            "categories": np.frombuffer(b"".join(category_blob), dtype=np.uint8),
            "category_ends": np.cumsum([len(e) for e in category_blob], dtype=np.int64),
            "category_ids": members[grouped].astype(np.int64),
            "category_of": which[grouped],
        }

    def restore(self, arrays: Mapping[str, Array]) -> None:
        """Take back what `export` gave (the names' blob is kept as given: in its file)."""
        ids = np.asarray(arrays["name_ids"], dtype=np.int64)
        ends = np.asarray(arrays["name_ends"], dtype=np.int64)
        starts = np.concatenate([np.zeros(1, dtype=np.int64), ends[:-1]])[: len(ends)]
        row = np.full(int(ids.max()) + 1 if len(ids) else 0, -1, dtype=np.int32)
        row[ids] = np.arange(len(ids), dtype=np.int32)
        data = arrays["categories"].tobytes()
        bounds = np.asarray(arrays["category_ends"]).tolist()
        saved = [sys.intern(data[s:e].decode()) for s, e in zip([0, *bounds], bounds, strict=False)]
        members = np.asarray(arrays["category_ids"], dtype=np.int64)
        which = np.asarray(arrays["category_of"], dtype=np.int32)
        code = np.full(int(members.max()) + 1 if len(members) else 0, -1, dtype=np.int32)
        code[members] = which
        # Categories counted in the order of their first member (as they were noted).
        present, first = np.unique(which, return_index=True)
        sizes = np.bincount(which, minlength=len(saved))
        counts = {saved[c]: int(sizes[c]) for c in present[np.argsort(first)].tolist()}
        with self._lock:
            self._row, self._blob, self._starts, self._ends = row, arrays["names"], starts, ends
            self._fresh = {}
            self._code, self._category_names = code, saved
            self._code_of = {name: n for n, name in enumerate(saved)}
            self._counts = counts
