"""A long update (an import waiting on its file) never holds back the other chats, and is
not lost when the bot stops before it is done (issue 12: parked updates).

`getUpdates` hands out at most 100 updates past the offset, and polling never moves the
offset past an update still being handled — unless it was parked (stored in the database).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from db.models import ParkedUpdateRow
from doubles.telegram import LocalBotAPI
from tests.conftest import OWNER_ID, Harness, polling_bot, texts_of
from tests.test_owner import HEADER, NEW_ROWS, owner_of, product

CUSTOMERS = 120  # more than one getUpdates batch


async def released(shop: Harness) -> bool:
    """The parked row is deleted once the update is done (its commit and what follows it,
    the import's index refresh, may take seconds on a busy machine)."""
    for _ in range(200):
        if not await parked(shop):
            return True
        await asyncio.sleep(0.1)
    return False


async def parked(shop: Harness) -> int:
    async with shop.app.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(ParkedUpdateRow)) or 0


def answered(api: LocalBotAPI, chat_id: int) -> bool:
    return any("text" in m for m in api.user(chat_id).messages())


def summary(api: LocalBotAPI) -> str | None:
    """The import's summary in the owner's chat (its progress message edited), if there."""
    return next((t for t in texts_of_owner(api) if "Inventario aplicado" in t), None)


def texts_of_owner(api: LocalBotAPI) -> list[str]:
    return [m.get("text", "") for m in api.user(OWNER_ID).messages()]


async def test_customers_are_answered_while_an_import_waits_for_its_file(shop: Harness) -> None:
    owner = await owner_of(shop)
    shop.api.hang_next("getFile", seconds=20)  # the import is stuck this long
    await owner.send_document("nuevos.csv", (HEADER + NEW_ROWS).encode(), caption="actualizar")
    await shop.api.wait_for(lambda: shop.api.calls[-1][0].lower() == "getfile", timeout=5)

    ids = range(8000, 8000 + CUSTOMERS)
    for chat_id in ids:
        await shop.api.user(chat_id, first_name="Cliente").send_text("hola")
    # well inside the import's wait, even on a busy machine (10 s was too short at load 7)
    await shop.api.wait_for(lambda: all(answered(shop.api, n) for n in ids), timeout=16)
    assert await product(shop, "LIN-LED-01") is None  # the import is still waiting

    report = texts_of(await owner.replies(timeout=30))
    assert "Inventario aplicado" in report
    assert (await product(shop, "LIN-LED-01")) is not None
    assert await released(shop)  # released once done


async def test_a_parked_import_is_applied_once_after_a_restart(
    api: LocalBotAPI,
    tmp_path,
    sample_db,  # noqa: ANN001
) -> None:
    from tests.conftest import copy_database, make_settings

    copy_database(sample_db, tmp_path / "shop.db")
    settings = make_settings(tmp_path, api.base_url)
    async with polling_bot(api, settings) as shop:
        owner = await owner_of(shop)
        api.hang_next("getFile", seconds=60)  # the bot stops first
        upload = await owner.send_document(
            "nuevos.csv", (HEADER + NEW_ROWS).encode(), caption="actualizar"
        )
        await api.wait_for(lambda: api.calls[-1][0].lower() == "getfile", timeout=5)
        await api.user(8200, first_name="Ana").send_text("hola")  # moves the offset on
        await api.wait_for(lambda: answered(api, 8200), timeout=10)
        for _ in range(50):
            if await parked(shop):
                break
            await asyncio.sleep(0.1)
        assert await parked(shop) == 1
        await shop.dp["poller"].inflight.drain(timeout=0)  # the process dies mid-import
        assert await product(shop, "LIN-LED-01") is None

    acknowledged = int([p for m, p in api.calls if m.lower() == "getupdates"][-1]["offset"])
    assert acknowledged > upload["update_id"]  # Telegram would not deliver it again
    async with polling_bot(api, settings) as shop:
        report = await api.wait_for(lambda: summary(api), timeout=20)
        assert "1 nuevos" in report
        assert sum("Inventario aplicado" in t for t in texts_of_owner(api)) == 1
        # The replay reported in the first status message: none is left "⏳ Revisando…".
        assert not [t for t in texts_of_owner(api) if t.startswith("⏳")]
        assert (await product(shop, "LIN-LED-01")).stock == 15
        assert await released(shop)
