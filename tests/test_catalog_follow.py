"""The running bot's search follows inventory changes made by another process."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.app import App, build_app, follow_catalog
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


@contextlib.asynccontextmanager
async def slow_apply(url: str, operator: App) -> AsyncIterator[None]:
    """An import of ONE_MORE whose apply has stamped its products and waits, until the block
    ends, for a row lock on a product the file updates (a customer's confirmation holds such
    a lock). A 100k-row apply lasts 3.7 s between its stamp and its commit on PostgreSQL here;
    the block lasts at least longer than the followers' overlap. Committed on leaving."""
    blocker = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        locking = blocker.transaction()
        await locking.start()
        await blocker.execute("SELECT id FROM products WHERE sku = 'EXT-ABC-20' FOR UPDATE")
        importing = asyncio.create_task(
            import_inventory(operator.uow(), operator.catalog, ONE_MORE.encode(), "inv.csv")
        )
        waiting = 0
        for _ in range(400):
            waiting = await blocker.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if waiting or importing.done():
                break
            await asyncio.sleep(0.05)
        assert waiting, "the import never waited for the lock"
        began = time.monotonic()
        yield
        await asyncio.sleep(max(SYNC_OVERLAP.total_seconds() + 1 - (time.monotonic() - began), 0))
        await locking.rollback()
        await importing
    finally:
        await blocker.close()
    async with operator.uow() as uow:
        assert await uow.products.get_by_sku("SOM-QTZ-01") is not None  # committed


async def finds_the_new_product(app: App) -> bool:
    """Whether a search in `app` shows the imported product first (within 5 s)."""
    for _ in range(100):
        async with app.uow() as uow:
            if [p.sku for p in await app.catalog.search(uow, "sombrilla quetzal")][:1] == [
                "SOM-QTZ-01"
            ]:
                return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=ON_POSTGRES)], indirect=True)
async def test_an_import_committed_seconds_after_its_stamp_reaches_a_running_process(
    databases: Databases, tmp_path: Path
) -> None:
    url = databases.sample()
    bot_app = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    operator = await build_app(make_settings(tmp_path, database_url=url), migrate=False)
    follower = asyncio.create_task(follow_catalog(bot_app, interval=0.05))
    try:
        async with slow_apply(url, operator):
            pass  # the follower runs on meanwhile
        assert await finds_the_new_product(bot_app)
    finally:
        follower.cancel()
        await bot_app.close()
        await operator.close()


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=ON_POSTGRES)], indirect=True)
async def test_an_import_committed_seconds_after_its_stamp_reaches_a_process_started_meanwhile(
    databases: Databases, tmp_path: Path
) -> None:
    """A worker started again (after a crash) while another worker's import applies."""
    url = databases.sample()
    settings = make_settings(tmp_path, database_url=url, search_index_file="off")
    operator = await build_app(settings, migrate=False)
    started: list[App] = []
    try:
        async with slow_apply(url, operator):
            await asyncio.sleep(SYNC_OVERLAP.total_seconds() + 0.5)  # well after the stamp
            started.append(await build_app(settings, migrate=False))
        follower = asyncio.create_task(follow_catalog(started[0], interval=0.05))
        try:
            assert await finds_the_new_product(started[0])
        finally:
            follower.cancel()
    finally:
        for app in (*started, operator):
            await app.close()
