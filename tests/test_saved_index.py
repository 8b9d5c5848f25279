"""The search index is kept beside the database and taken back at the next start: the same
answers as a fresh build, and whatever changed in between (by another process, or while the
bot was down) is found as it is now."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from app.core import App
from bot.app import build_app
from domain.catalog import import_inventory
from rag.search import ProductIndex, SearchDoc
from rag.snapshot import read_arrays, write_arrays
from tests.conftest import DATA_DIR, make_settings

QUERIES = ["extintor 20 libras", "casco blanco", "guantes de nitrilo", "botas", "señal"]


async def skus(app: App, query: str) -> list[str]:
    async with app.uow() as uow:
        return [p.sku for p in await app.catalog.search(uow, query)]


async def started(tmp_path: Path, **extra: object) -> App:
    return await build_app(make_settings(tmp_path, **extra))


async def test_a_restart_takes_the_saved_index_back_with_the_same_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = await started(tmp_path)
    sample = DATA_DIR / "inventory.csv"
    await import_inventory(app.uow(), app.catalog, sample.read_bytes(), sample.name)
    before = {q: await skus(app, q) for q in QUERIES}
    assert any(before.values())
    await app.close()
    assert (tmp_path / "shop.search-index").exists()

    with caplog.at_level(logging.INFO, logger="domain.catalog"):
        again = await started(tmp_path)
    try:
        assert "saved index taken back, 0 changed since" in caplog.text
        assert {q: await skus(again, q) for q in QUERIES} == before
        assert again.catalog.categories(20) == app.catalog.categories(20) != []
        assert sorted(again.catalog.names()) == sorted(app.catalog.names())
    finally:
        await again.close()


async def test_what_changed_while_the_bot_was_down_is_found_as_it_is_now(tmp_path: Path) -> None:
    header = "sku;nombre;precio;stock\n"
    rows = "CAS-1;Casco blanco;38.000;5\nGUA-1;Guantes de nitrilo;9.000;5\nBOT-1;Botas;90.000;5\n"
    app = await started(tmp_path)
    await import_inventory(app.uow(), app.catalog, (header + rows).encode(), "a.csv")
    await app.close()

    # Another process (the owner's `import-csv`) renames one product and deletes another.
    operator = await build_app(make_settings(tmp_path), search=False)
    renamed = rows.replace("Casco blanco", "Arnés de seguridad")
    await import_inventory(operator.uow(), operator.catalog, (header + renamed).encode(), "b.csv")
    async with operator.engine.begin() as connection:  # a database taken back from a copy
        await connection.execute(text("DELETE FROM products WHERE sku = 'BOT-1'"))
    await operator.close()

    again = await started(tmp_path)
    try:
        assert await skus(again, "arnés") == ["CAS-1"]
        assert await skus(again, "casco blanco") == []
        assert await skus(again, "botas") == []
        assert await skus(again, "guantes") == ["GUA-1"]
        assert len(again.catalog.index) == 2  # the deleted one holds no place in the index
    finally:
        await again.close()


async def test_a_change_made_while_the_bot_ran_is_in_the_index_it_keeps(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    header = "sku;nombre;categoria;precio;stock\n"
    app = await started(tmp_path)
    first = f"{header}CAS-1;Casco;EPP;38.000;5\n"
    await import_inventory(app.uow(), app.catalog, first.encode(), "a.csv")
    operator = await build_app(make_settings(tmp_path), search=False)  # another process
    renamed = f"{header}CAS-1;Arnés;Alturas;38.000;5\nLIN-1;Linterna;Luz;9.000;0\n"
    await import_inventory(operator.uow(), operator.catalog, renamed.encode(), "b.csv")
    await operator.close()
    await app.close()  # before its follower met the change

    with caplog.at_level(logging.INFO, logger="domain.catalog"):
        again = await started(tmp_path)
    try:
        assert "saved index taken back, 0 changed since" in caplog.text  # nothing read again
        assert await skus(again, "arnés") == ["CAS-1"]
        assert await skus(again, "casco") == []
        assert again.catalog.categories(5) == ["Alturas"]  # the sold-out Linterna is not offered
    finally:
        await again.close()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other_code"])
async def test_a_damaged_or_foreign_saved_index_is_built_again(tmp_path: Path, damage: str) -> None:
    sample = DATA_DIR / "inventory.csv"
    app = await started(tmp_path)
    await import_inventory(app.uow(), app.catalog, sample.read_bytes(), sample.name)
    before = await skus(app, "extintor")
    shelves = (app.catalog.categories(20), sorted(app.catalog.names()))
    await app.close()
    saved = tmp_path / "shop.search-index"
    if damage == "truncated":
        saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    elif damage == "garbage":
        saved.write_bytes(b"\x00not an index" * 100)
    else:  # saved by another version of the search code
        meta, arrays = read_arrays(saved)
        write_arrays(saved, {k: np.array(a) for k, a in arrays.items()}, {"signature": "old"})

    again = await started(tmp_path)
    try:  # built, saved and read back from the new file
        assert await skus(again, "extintor") == before
        assert (again.catalog.categories(20), sorted(again.catalog.names())) == shelves
    finally:
        await again.close()
    assert read_arrays(saved)[0]["signature"] == again.catalog.index.signature


async def test_search_index_file_off_keeps_nothing(tmp_path: Path) -> None:
    app = await started(tmp_path, search_index_file="off")
    await app.close()
    assert not list(tmp_path.glob("*.search-index*"))


def test_an_index_taken_back_searches_and_changes_like_the_original(tmp_path: Path) -> None:
    docs = [
        SearchDoc(n, f"Producto {word} {n}", f"descripción {word}", cat, visible=n % 5 != 0)
        for n, (word, cat) in enumerate(
            [(w, c) for w in ("casco", "guante", "bota", "extintor") for c in ("epp", "otros")] * 40
        )
    ]
    original = ProductIndex()
    original.upsert_many(docs)
    original.remove(3)
    saved = tmp_path / "index"
    write_arrays(saved, original.export(), {})
    copy = ProductIndex()
    copy.restore(read_arrays(saved)[1])

    def ranked(index: ProductIndex, query: str) -> list[tuple[int, float]]:
        return [(h.id, round(h.score, 6)) for h in index.search(query, k=20)]

    for query in ("casco", "guamte", "bota epp", "extintores otros", "descripción"):
        assert ranked(copy, query) == ranked(original, query)
    assert sorted(copy.ids()) == sorted(original.ids())
    # Both keep changing the same way after.
    for index in (original, copy):
        index.upsert(SearchDoc(3, "Linterna recargable", "", "otros", visible=True))
        index.remove(8)
    assert ranked(copy, "linterna") == ranked(original, "linterna") != []
    assert ranked(copy, "bota") == ranked(original, "bota")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_searches_over_a_saved_index_keep_none_of_its_file_in_the_process(tmp_path: Path) -> None:
    # Mapped, the file's pages came into the bot whole folios at a time: 200 customer
    # searches made all of a 100k-product index's postings resident (18 MB).
    original = ProductIndex()
    original.upsert_many(SearchDoc(n, f"Casco {n} blanco", "de obra", "epp") for n in range(500))
    saved = tmp_path / "shop.search-index"
    write_arrays(saved, original.export(), {})
    copy = ProductIndex()
    copy.restore(read_arrays(saved)[1])

    assert [h.id for h in copy.search("casco blanco", k=5)] == [
        h.id for h in original.search("casco blanco", k=5)
    ]
    assert str(saved) not in Path("/proc/self/maps").read_text()
