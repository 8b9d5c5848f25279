"""Owner edits are audited (issue 14, point 6): imports, quick edits, sales and cancels each
leave rows saying who, when, what changed and from where; /historial SKU shows the latest.
End to end through the local Bot API server."""

from __future__ import annotations

from tests.chat import press, say
from tests.conftest import OWNER_ID, Harness, texts_of
from tests.test_order_life import confirmed
from tests.test_owner import owner_of, upload


async def test_every_kind_of_change_is_in_the_history(shop: Harness) -> None:
    owner = await owner_of(shop)
    await say(owner, "/precio EXT-ABC-10 99.000")
    await upload(owner, "stock.csv", b"sku;stock\nEXT-ABC-10;30\n", caption="actualizar")
    ana, order = await confirmed(shop, 8501)  # buys 2 EXT-ABC-10
    question = await say(ana, f"quiero cancelar el pedido #{order.id}")
    await press(ana, question, "Sí, cancelarlo")
    replies = await say(owner, "/historial EXT-ABC-10")
    (history,) = [m["text"] for m in replies if m["text"].startswith("🕘")]
    lines = history.splitlines()
    assert lines[0].startswith("🕘 Cambios de EXT-ABC-10")
    newest_first = [
        f"stock +2 · cliente {ana.id} · pedido #{order.id} cancelado",
        f"stock -2 · cliente {ana.id} · venta, pedido #{order.id}",
        f"stock: 24 → 30 · dueño {OWNER_ID} · archivo stock.csv",
        f"precio: $98.000 → $99.000 · dueño {OWNER_ID} · /precio",
    ]
    for line, expected in zip(lines[1:5], newest_first, strict=True):
        assert expected in line, (line, expected)


async def test_the_first_import_and_wrong_requests_are_said_plainly(shop: Harness) -> None:
    owner = await owner_of(shop)
    created = texts_of(await say(owner, "/historial EXT-ABC-05"))  # loaded by import-csv
    assert "creado · operador (línea de comandos) · archivo inventory.csv" in created
    assert "NO-EXISTE" in texts_of(await say(owner, "/historial NO-EXISTE"))
    assert "/historial SKU" in texts_of(await say(owner, "/historial"))
