"""The running bot's search follows inventory changes made by another process."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build_app, follow_catalog
from domain.catalog import import_inventory
from tests.conftest import make_settings

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
