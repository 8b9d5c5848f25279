"""The running bot's search follows inventory changes made by another process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from bot.app import build_app, follow_catalog
from domain.catalog import SYNC_OVERLAP, import_inventory
from tests.conftest import POSTGRES_URL, Databases, make_settings

ON_POSTGRES = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")

CSV = "sku;nombre;precio;stock\nCAS-1;Casco blanco;38.000;{stock}\n"


async def test_an_import_by_another_process_becomes_searchable(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    bot_app = await build_app(settings)  # the running bot
    operator = await build_app(settings)  # `run_bot.py import-csv` in another process
    follower = asyncio.create_task(follow_catalog(bot_app, interval=0.05))
    try:
        await import_inventory(
            operator.uow(), operator.catalog, CSV.format(stock=5).encode(), "inv.csv"
        )

        async def found() -> list[str]:
            async with bot_app.uow() as uow:
                return [p.sku for p in await bot_app.catalog.search(uow, "casco")]

        for _ in range(100):
            if await found():
                break
            await asyncio.sleep(0.05)
        assert await found() == ["CAS-1"]

        await import_inventory(
            operator.uow(), operator.catalog, CSV.format(stock=0).encode(), "inv.csv"
        )
        for _ in range(100):
            if not await found():
                break
            await asyncio.sleep(0.05)
        assert await found() == []
    finally:
        follower.cancel()
        await bot_app.close()
        await operator.close()


async def test_what_this_process_indexed_is_not_indexed_again(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = await build_app(settings)
    rows = "".join(f"GEN-{n};Producto {n};{1000 + n};{n % 7 + 1}\n" for n in range(3000))
    try:
        header = "sku;nombre;precio;stock\n"
        await import_inventory(app.uow(), app.catalog, (header + rows).encode(), "a.csv")
        assert await app.catalog.follow(app.uow()) == 0  # the import indexed them already

        restocked = rows.replace(";1\n", ";9\n")  # stock only: nothing searchable changes
        await import_inventory(app.uow(), app.catalog, (header + restocked).encode(), "b.csv")
        assert await app.catalog.follow(app.uow()) == 0

        renamed = rows.replace("Producto 17;", "Sombrilla quetzal;")
        await import_inventory(app.uow(), app.catalog, (header + renamed).encode(), "c.csv")
        async with app.uow() as uow:
            assert [p.sku for p in await app.catalog.search(uow, "sombrilla quetzal")][:1] == [
                "GEN-17"
            ]
    finally:
        await app.close()


ONE_MORE = (
    "sku;nombre;precio;stock\n"
    "EXT-ABC-20;Extintor multipropósito ABC 20 lb;181.000;7\n"
    "SOM-QTZ-01;Sombrilla quetzal para obra;85.000;12\n"
)


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=ON_POSTGRES)], indirect=True)
async def test_an_import_whose_apply_outlasts_the_overlap_still_reaches_the_other_process(
    databases: Databases, tmp_path: Path
) -> None:
    """An import's products are stamped when its apply begins and seen when it commits; a
    100k-row apply takes 3.7 s between the two on PostgreSQL here. The other process's
    follower runs meanwhile, and must still pick the products up. Made to last here with a
    row lock (a customer's confirmation holds one on a product it sells), released after
    longer than the follower's overlap."""
    url = databases.sample()
    bot_app = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    operator = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    follower = asyncio.create_task(follow_catalog(bot_app, interval=0.05))
    blocker = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:

        async def found() -> list[str]:
            async with bot_app.uow() as uow:
                return [p.sku for p in await bot_app.catalog.search(uow, "sombrilla quetzal")]

        locking = blocker.transaction()
        await locking.start()
        await blocker.execute("SELECT id FROM products WHERE sku = 'EXT-ABC-20' FOR UPDATE")
        importing = asyncio.create_task(
            import_inventory(operator.uow(), operator.catalog, ONE_MORE.encode(), "inv.csv")
        )
        for _ in range(400):  # the apply has stamped its rows and waits for the lock
            waiting = await blocker.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if waiting or importing.done():
                break
            await asyncio.sleep(0.05)
        assert waiting, "the import never waited for the lock"
        await asyncio.sleep(SYNC_OVERLAP.total_seconds() + 1)  # the follower runs on meanwhile
        await locking.rollback()
        await importing
        async with operator.uow() as uow:
            assert await uow.products.get_by_sku("SOM-QTZ-01") is not None  # committed
        for _ in range(100):
            if "SOM-QTZ-01" in await found():
                break
            await asyncio.sleep(0.05)
        assert (await found())[:1] == ["SOM-QTZ-01"]
    finally:
        await blocker.close()
        follower.cancel()
        await bot_app.close()
        await operator.close()
