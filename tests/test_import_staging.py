"""An inventory import is staged in short transactions and swapped in by one: all or nothing.

Against a real SQLite database built by the migrations (the swap is SQL), plus the same
import over the in-memory fakes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fakes import FakeUnitOfWork
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_session_factory
from db.models import ProductStagingRow
from db.repositories import ProductRepository
from db.uow import SqlUnitOfWork
from domain.catalog import Catalog, import_inventory
from domain.inventory import InvalidInventory
from domain.model import NewProduct, StagedProduct
from domain.pacing import LoopPacer
from rag.search import ProductIndex, SearchDoc

HEADER = "sku;nombre;descripcion;categoria;precio;stock;activo\n"
FIRST = (
    HEADER
    + "CAS-1;Casco blanco;Dieléctrico;Protección;38.000;10;si\n"
    + "GUA-1;Guantes de nitrilo;Talla M;Protección;12.000;50;si\n"
    + "EXT-1;Extintor ABC 10 lb;Con soporte;Extintores;89.900;7;si\n"
)


@pytest.fixture
def new_uow(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    factory = create_session_factory(engine)
    return lambda: SqlUnitOfWork(factory)


def catalog() -> Catalog:
    return Catalog(ProductIndex())


async def products(new_uow: Callable[[], SqlUnitOfWork]) -> list[tuple]:
    async with new_uow() as uow:
        return [
            (p.sku, p.name, p.price_minor, p.stock, p.active) for p in await uow.products.list_all()
        ]


async def staged_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(ProductStagingRow)))


async def found(shop: Catalog, new_uow: Callable[[], SqlUnitOfWork], query: str) -> list[str]:
    async with new_uow() as uow:
        return [p.sku for p in await shop.search(uow, query)]


async def test_an_import_matches_skus_without_case_and_counts_what_the_swap_did(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
) -> None:
    shop = catalog()
    first = await import_inventory(new_uow(), shop, FIRST.encode(), "inv.csv")
    assert (first.created.count, first.updated.count, first.unchanged.count) == (3, 0, 0)
    assert [sku for sku, _ in first.created.examples] == ["CAS-1", "GUA-1", "EXT-1"]

    second = HEADER + "cas-1;Casco blanco;Dieléctrico;Protección;39.000;10;si\n"
    second += "GUA-1;Guantes de nitrilo;Talla M;Protección;12.000;50;si\n"
    second += "LIN-1;Linterna LED;Recargable;Iluminación;45.000;15;si\n"
    summary = await import_inventory(
        new_uow(), shop, second.encode(), "inv.csv", replace=True, hide_many=True
    )

    assert summary.created.examples == (("LIN-1", "Linterna LED"),)
    assert summary.updated.examples == (("cas-1", "Casco blanco"),)
    assert summary.unchanged.examples == (("GUA-1", "Guantes de nitrilo"),)
    assert summary.deactivated.examples == (("EXT-1", "Extintor ABC 10 lb"),)
    assert await products(new_uow) == [
        ("CAS-1", "Casco blanco", 39_000_00, 10, True),  # the stored sku keeps its case
        ("GUA-1", "Guantes de nitrilo", 12_000_00, 50, True),
        ("EXT-1", "Extintor ABC 10 lb", 89_900_00, 7, False),
        ("LIN-1", "Linterna LED", 45_000_00, 15, True),
    ]
    assert await staged_rows(engine) == 0
    assert await found(shop, new_uow, "linterna") == ["LIN-1"]
    assert await found(shop, new_uow, "extintor") == []


async def test_a_failure_in_the_swap_changes_no_product_and_leaves_nothing_staged(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = catalog()
    await import_inventory(new_uow(), shop, FIRST.encode(), "inv.csv")
    before = await products(new_uow)
    apply_staged = ProductRepository.apply_staged

    async def fails_after_writing(
        self: ProductRepository, import_id: str, *who: str, **how: bool
    ) -> None:
        await apply_staged(self, import_id, *who, **how)  # every statement of the swap ran...
        raise OSError("disk I/O error")  # ...and the commit never comes

    monkeypatch.setattr(ProductRepository, "apply_staged", fails_after_writing)
    changed = HEADER + "CAS-1;Casco rojo;;;1.000;1;no\nNUEVO-1;Linterna nueva;;;2.000;2;si\n"
    with pytest.raises(OSError, match="disk I/O"):
        await import_inventory(
            new_uow(), shop, changed.encode(), "inv.csv", replace=True, hide_many=True
        )

    assert await products(new_uow) == before
    assert await staged_rows(engine) == 0
    assert await found(shop, new_uow, "linterna") == []


async def test_rows_a_crashed_import_left_staged_never_reach_another_import(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
) -> None:
    shop = catalog()
    await import_inventory(new_uow(), shop, FIRST.encode(), "inv.csv")
    async with new_uow() as uow:
        casco = await uow.products.get_by_sku("CAS-1")
        extintor = await uow.products.get_by_sku("EXT-1")
        assert casco is not None and extintor is not None
        ghost = NewProduct("GHOST-1", "Producto fantasma", "", "", 1_00, 1)
        cheap = NewProduct("CAS-1", "Casco regalado", "", "", 1_00, 999)
        # A replace that staged everything, then the process died before its swap.
        await uow.products.stage(
            "crashed", [StagedProduct(2, casco.id, cheap), StagedProduct(3, None, ghost)]
        )
        await uow.products.stage_deactivations("crashed", [extintor.id])
        await uow.commit()
    assert await staged_rows(engine) == 3
    before = await products(new_uow)

    next_file = HEADER + "GUA-1;Guantes de nitrilo;Talla M;Protección;11.000;40;si\n"
    summary = await import_inventory(new_uow(), shop, next_file.encode(), "inv.csv")

    assert (summary.created.count, summary.updated.count, summary.deactivated.count) == (0, 1, 0)
    after = await products(new_uow)
    assert after[0] == before[0] and after[2] == before[2]  # the casco and extintor: untouched
    assert after[1] == ("GUA-1", "Guantes de nitrilo", 11_000_00, 40, True)
    assert "GHOST-1" not in {sku for sku, *_ in after}
    assert await staged_rows(engine) == 3  # another import may still be running: kept...

    async with engine.begin() as connection:  # ...until they are an hour old
        await connection.execute(
            update(ProductStagingRow).values(staged_at=datetime.now(UTC) - timedelta(hours=2))
        )
    await import_inventory(new_uow(), shop, next_file.encode(), "inv.csv")
    assert await staged_rows(engine) == 0
    assert await products(new_uow) == after


async def test_a_refused_file_stages_nothing(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
) -> None:
    shop = catalog()
    await import_inventory(new_uow(), shop, FIRST.encode(), "inv.csv")
    before = await products(new_uow)
    bad = HEADER + "CAS-1;Casco;;;38.000;10;si\nGUA-1;Guantes;;;gratis;5;si\n"
    with pytest.raises(InvalidInventory):
        await import_inventory(
            new_uow(), shop, bad.encode(), "inv.csv", replace=True, hide_many=True
        )
    assert await products(new_uow) == before
    assert await staged_rows(engine) == 0


async def test_the_import_over_the_fakes_applies_only_on_the_swap() -> None:
    uow = FakeUnitOfWork()
    shop = catalog()
    await import_inventory(uow, shop, FIRST.encode(), "inv.csv")
    second = HEADER + "cas-1;Casco blanco;Dieléctrico;Protección;39.000;10;si\n"
    summary = await import_inventory(
        uow, shop, second.encode(), "inv.csv", replace=True, hide_many=True
    )

    assert (summary.updated.count, summary.unchanged.count, summary.deactivated.count) == (1, 0, 2)
    assert {p.sku: (p.price_minor, p.active) for p in await uow.products.list_all()} == {
        "CAS-1": (39_000_00, True),
        "GUA-1": (12_000_00, False),
        "EXT-1": (89_900_00, False),
    }
    assert uow.products.staged == []
    assert await shop.scored_ids("guantes") == []


# ------------------------------------------------------- the index, off the event loop


async def test_the_index_takes_a_big_batch_in_a_thread_while_the_loop_searches() -> None:
    index = ProductIndex()
    index.upsert_many([SearchDoc(1, "Casco de seguridad blanco", category="Protección")])
    docs = [SearchDoc(n, f"Linterna recargable modelo {n}", category="Iluminación")
            for n in range(2, 3002)]  # fmt: skip
    writer = asyncio.create_task(asyncio.to_thread(index.upsert_many, docs, LoopPacer()))
    searches = 0
    while not writer.done():
        hits = index.search("casco blanco", k=3)
        assert hits and hits[0].id == 1
        searches += 1
        await asyncio.sleep(0)
    await writer
    assert searches > 1  # the loop kept running while the thread indexed
    assert len(index) == 3001
    assert {hit.id for hit in index.search("linterna modelo 2999", k=1)} == {2999}


async def test_the_pacer_waits_for_the_loop_and_never_for_a_closed_one() -> None:
    answered: list[int] = []

    def worker(pacer: LoopPacer) -> None:
        for n in range(5):
            pacer()
            answered.append(n)

    await asyncio.to_thread(worker, LoopPacer(slice_seconds=0.0))
    assert answered == [0, 1, 2, 3, 4]

    closed = asyncio.new_event_loop()
    closed.close()
    thread = threading.Thread(target=worker, args=(LoopPacer(slice_seconds=0.0, loop=closed),))
    thread.start()
    thread.join(timeout=2)
    assert not thread.is_alive() and len(answered) == 10
