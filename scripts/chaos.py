"""The fault suite (`make chaos`): try to break the running bot and count what was lost.

Every scenario drives the real bot through the local Bot API server (doubles/telegram)
and counts, for each confirmed order, the notices it promised (the customer's confirmation,
the owners' alert) and how many times each arrived. It prints one table and exits 1 if
anything that must be zero is not: lost notices, duplicates beyond the one message a kill
may cut between Telegram taking it and the bot recording it, double orders, oversold stock,
lost carts.

Scenarios:
- kill9:     webhook bot in a subprocess; several customers press "Confirmar" together,
             the bot is killed with SIGKILL at a random moment and started again while the
             server keeps redelivering. Repeated --runs times.
- api-*:     the Bot API answers the sends after a confirmation with a fault (500, an HTML
             502 page, 429 with retry_after, 403 blocked, a hang past the request timeout);
             then 500, 502 and 429 on the first four calls of any kind after the press.
- last-units: customers confirm the last units of one product at the same time.
- two processes: the same, with two webhook processes on one database behind a balancer
             that hands each delivery to the next process; every customer presses
             "Confirmar" twice (a double press handled by both processes).
- lock:      another connection holds the SQLite write lock longer than the busy timeout
             while a customer writes (the webhook answers 503; Telegram redelivers).
- disk-full: the database on a small tmpfs that fills up, then frees (needs mount; else
             reported as not run).
- bad-body:  malformed webhook bodies with the right secret (400, nothing changes).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from doubles.ports import free_port  # noqa: E402
from doubles.telegram import LocalBotAPI  # noqa: E402

TOKEN = "123456:CHAOS-token"
OWNER = 900
SECRET = "chaos-secret"
SETTLE_SECONDS = 20.0  # the outbox's writer head start (15 s) plus a sweep


@dataclass
class Row:
    scenario: str
    runs: int = 0
    orders: int = 0
    due: int = 0
    delivered: int = 0
    duplicates: int = 0
    lost: int = 0
    allowed_duplicates: int = 0
    notes: list[str] = field(default_factory=list)
    failed: bool = False

    def check(self, ok: bool, note: str) -> None:
        if not ok:
            self.failed = True
            self.notes.append(note)


def bot_env(api: LocalBotAPI, db: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{db}",
        OWNER_IDS=str(OWNER),
        WEBHOOK_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        LOG_LEVEL="ERROR",
        DAILY_SUMMARY_HOUR="-1",
        BACKUP_HOUR="-1",
    )
    env.update(extra)
    return env


def prepare_db(folder: Path) -> Path:
    db = folder / "shop.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{db}", "LOG_LEVEL": "ERROR"}
    subprocess.run(
        [sys.executable, "run_bot.py", "import-csv", "data/inventory.csv"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return db


@contextlib.asynccontextmanager
async def webhook_bot(api: LocalBotAPI, db: Path, port: int) -> AsyncIterator[subprocess.Popen]:
    process = start_bot(api, db, port)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


BOT_LOGS: dict[int, Path] = {}  # port -> the stderr of the bot started on it


def start_bot(api: LocalBotAPI, db: Path, port: int, **extra: str) -> subprocess.Popen:
    """`run_bot.py webhook` on `port`; its stderr goes to bot-PORT.log beside the database,
    shown by wait_ready if the bot never answers."""
    BOT_LOGS[port] = db.parent / f"bot-{port}.log"
    with BOT_LOGS[port].open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "run_bot.py", "webhook"],
            cwd=ROOT,
            env=bot_env(api, db, port, **extra),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status in (200, 503):
                        return
            await asyncio.sleep(0.2)
    log = BOT_LOGS.get(port)
    said = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"the bot on port {port} did not start; its stderr ended with:\n{said}")


async def open_owner_chat(api: LocalBotAPI) -> None:
    """The owner has opened the bot's chat (a bot cannot write first)."""
    owner = api.user(OWNER, first_name="Dueña")
    await owner.send_text("/start")
    await owner.replies(timeout=30)


def buttons(message: dict) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


async def press(customer, messages: list[dict], label: str) -> list[dict]:  # noqa: ANN001
    for message in reversed(messages):
        for text, data in buttons(message).items():
            if label in text:
                await customer.press(message, data)
                return await customer.replies(timeout=30)
    raise LookupError(f"no button {label!r}")


async def to_summary(customer, units: int = 1) -> list[dict]:  # noqa: ANN001
    await customer.send_text(f"quiero {units} extintores multipropósito de 10 libras")
    cart = await customer.replies(timeout=30)
    notice = await press(customer, cart, "Finalizar")
    await press(customer, notice, "Autorizo")  # the personal-data notice (Ley 1581)
    answers = (str(50000000 + customer.id), "Cliente Caos", "3001234567", "Cra 70 # 44-10")
    for answer in (*answers, "Medellín"):  # the last: "¿En qué municipio es la entrega?"
        await customer.send_text(answer)
        await customer.replies(timeout=30)
    await customer.send_text("Laureles")
    notes = await customer.replies(timeout=30)
    return await press(customer, notes, "Omitir")


def confirm_data(summary: list[dict]) -> tuple[dict, str]:
    for message in reversed(summary):
        for text, data in buttons(message).items():
            if "Confirmar" in text:
                return message, data
    raise LookupError("no Confirmar button")


def orders(db: Path) -> dict[int, int]:
    """Confirmed orders: id -> chat."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT id, chat_id FROM orders WHERE status != 'cart'"
        ).fetchall()
    return {order_id: chat for order_id, chat in rows}


def carts(db: Path) -> set[int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT o.chat_id FROM orders o JOIN order_lines l ON l.order_id = o.id "
            "WHERE o.status = 'cart'"
        ).fetchall()
    return {chat for (chat,) in rows}


def received(api: LocalBotAPI, chat: int, needle: str) -> int:
    return sum(needle in m.get("text", "") for m in api.user(chat).messages())


def count_notices(api: LocalBotAPI, db: Path, row: Row, customers: list[int]) -> None:
    made = orders(db)
    row.orders += len(made)
    for order_id, chat in made.items():
        for chat_id, needle in (
            (chat, f"Pedido #{order_id} confirmado"),
            (OWNER, f"Nuevo pedido #{order_id} "),
        ):
            row.due += 1
            n = received(api, chat_id, needle)
            row.delivered += min(n, 1)
            row.duplicates += max(n - 1, 0)
            row.lost += n == 0
    by_chat: dict[int, int] = {}
    for chat in made.values():
        by_chat[chat] = by_chat.get(chat, 0) + 1
    row.check(all(n == 1 for n in by_chat.values()), f"double orders: {by_chat}")
    waiting = carts(db)
    for chat in customers:
        told_sold_out = received(api, chat, "se agotó") > 0
        kept = chat in made.values() or chat in waiting or told_sold_out
        row.check(kept, f"chat {chat}: cart lost")


def units_sold(db: Path, sku: str) -> tuple[int, int]:
    """(units in confirmed orders, stock left) of one product."""
    with sqlite3.connect(db) as connection:
        (sold,) = connection.execute(
            "SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id "
            "WHERE o.status != 'cart' AND p.sku = ?",
            (sku,),
        ).fetchone()
        (stock,) = connection.execute("SELECT stock FROM products WHERE sku = ?", (sku,)).fetchone()
    return sold, stock


# ------------------------------------------------------------------------- scenarios
async def kill9(runs: int, buyers: int, rng: random.Random) -> Row:
    row = Row("kill -9 at confirm")
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = prepare_db(Path(tmp))
            port = free_port()
            async with LocalBotAPI(token=TOKEN) as api:
                process = start_bot(api, db, port)
                await wait_ready(port)
                await open_owner_chat(api)
                people = [api.user(8000 + run * 100 + n, first_name=f"C{n}") for n in range(buyers)]
                summaries = await asyncio.gather(*(to_summary(c) for c in people))
                for customer, summary in zip(people, summaries, strict=True):
                    message, data = confirm_data(summary)
                    await customer.press(message, data)
                await asyncio.sleep(rng.uniform(0.0, 0.4))
                process.send_signal(signal.SIGKILL)
                process.wait()
                process = start_bot(api, db, port)
                try:
                    await wait_ready(port)
                    await api.wait_for(lambda: api.pending_update_count == 0, timeout=60)
                    await asyncio.sleep(SETTLE_SECONDS)
                    row.runs += 1
                    before = row.duplicates
                    count_notices(api, db, row, [c.id for c in people])
                    row.allowed_duplicates += 1  # the message in flight when killed
                    row.check(row.duplicates - before <= 1, f"run {run}: duplicates")
                finally:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=15)
    row.check(row.lost == 0, "lost notices")
    return row


async def api_faults(fault: str, method: str = "sendMessage") -> Row:
    """`method` "*": the calls of any kind right after the press (the callback answer, the
    customer's reply, the owner's alert) fail in turn."""
    row = Row(f"Bot API {fault} on {'every call' if method == '*' else method}")
    times = 4 if method == "*" else 2
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_db(Path(tmp))
        port = free_port()
        async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
            await wait_ready(port)
            await open_owner_chat(api)
            customer = api.user(8900, first_name="Ana")
            summary = await to_summary(customer)
            message, data = confirm_data(summary)
            match fault:
                case "500":
                    api.fail_next(method, 500, times=times)
                case "HTML 502":
                    api.fail_next(method, 502, times=times, html=True)
                case "429 retry_after 3":
                    api.fail_next(method, 429, retry_after=3, times=times)
                case "hang":
                    api.hang_next(method, None, times=1)
                case "403 blocked":
                    await customer.block()
            await customer.press(message, data)
            await asyncio.sleep(SETTLE_SECONDS if fault != "hang" else SETTLE_SECONDS + 15)
            row.runs = 1
            if fault == "403 blocked":
                made = orders(db)
                row.orders = len(made)
                with sqlite3.connect(db) as connection:
                    statuses = dict(connection.execute("SELECT key, status FROM outbox").fetchall())
                blocked = [k for k, s in statuses.items() if s == "blocked"]
                row.due = 2
                row.delivered = received(api, OWNER, "Nuevo pedido") + len(blocked)
                row.lost = row.due - row.delivered
                row.notes.append("customer reply recorded as blocked")
            else:
                count_notices(api, db, row, [customer.id])
            row.check(row.orders == 1, "the press on Confirmar was lost")
            row.check(row.lost == 0 and row.duplicates == 0, "lost or duplicated")
    return row


LAST_UNITS = 3  # of EXT-ABC-10, for buyers who each want 2


def last_units_db(folder: Path) -> Path:
    """A fresh shop with only LAST_UNITS of EXT-ABC-10 left."""
    db = prepare_db(folder)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE products SET stock = ? WHERE sku = 'EXT-ABC-10'", (LAST_UNITS,))
    return db


def judge_last_units(row: Row, api: LocalBotAPI, db: Path, people: list[Any]) -> None:
    """Notices counted, and never more units sold than there were."""
    row.runs = 1
    count_notices(api, db, row, [c.id for c in people])
    sold, stock = units_sold(db, "EXT-ABC-10")
    row.notes.append(f"{sold} of {LAST_UNITS} units sold in {row.orders} order(s), {stock} left")
    row.check(stock >= 0 and sold + stock == LAST_UNITS, "oversold")


async def last_units(buyers: int) -> Row:
    row = Row("last units, concurrent buyers")
    with tempfile.TemporaryDirectory() as tmp:
        db = last_units_db(Path(tmp))
        port = free_port()
        async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
            await wait_ready(port)
            await open_owner_chat(api)
            people = [api.user(8500 + n, first_name=f"B{n}") for n in range(buyers)]
            summaries = await asyncio.gather(*(to_summary(c, 2) for c in people))
            for customer, summary in zip(people, summaries, strict=True):
                message, data = confirm_data(summary)
                await customer.press(message, data)
            await api.wait_for(lambda: api.pending_update_count == 0, timeout=60)
            await asyncio.sleep(3)
            judge_last_units(row, api, db, people)
    return row


@contextlib.asynccontextmanager
async def balancer(ports: list[int]) -> AsyncIterator[int]:
    """A load balancer in front of webhook processes: each delivery goes to the next one
    (its answer, or 502 if that one is down, goes back to Telegram). Yields its port."""
    turn = itertools.cycle(ports)
    async with aiohttp.ClientSession() as client:

        async def forward(request: web.Request) -> web.Response:
            body = await request.read()
            url = f"http://127.0.0.1:{next(turn)}{request.path}"
            try:
                async with client.post(url, data=body, headers=request.headers) as answer:
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientError:
                return web.Response(status=502)

        app = web.Application()
        app.router.add_post("/{path:.*}", forward)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield port
        finally:
            await runner.cleanup()


async def two_processes(buyers: int) -> Row:
    row = Row("last units, 2 processes, 2 presses")
    with tempfile.TemporaryDirectory() as tmp:
        db = last_units_db(Path(tmp))
        ports = [free_port(), free_port()]
        async with LocalBotAPI(token=TOKEN) as api, balancer(ports) as front:
            url = {"WEBHOOK_URL": f"http://127.0.0.1:{front}"}
            processes = [start_bot(api, db, port, **url) for port in ports]
            try:
                for port in ports:
                    await wait_ready(port)
                await open_owner_chat(api)
                people = [api.user(8600 + n, first_name=f"P{n}") for n in range(buyers)]
                summaries = await asyncio.gather(*(to_summary(c, 2) for c in people))
                for customer, summary in zip(people, summaries, strict=True):
                    message, data = confirm_data(summary)
                    await customer.press(message, data)
                    await customer.press(message, data)
                await api.wait_for(lambda: api.pending_update_count == 0, timeout=60)
                await asyncio.sleep(SETTLE_SECONDS)
                judge_last_units(row, api, db, people)
                failed = sum(received(api, c.id, "algo falló") for c in people)
                row.check(failed == 0, f"{failed} 'algo falló' replies")
                row.check(row.lost == 0 and row.duplicates == 0, "lost or duplicated")
            finally:
                for process in processes:
                    process.send_signal(signal.SIGTERM)
                for process in processes:
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        process.kill()
    return row


async def lock(seconds: float) -> Row:
    row = Row(f"write lock {seconds:.0f} s > busy timeout")
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_db(Path(tmp))
        port = free_port()
        async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
            await wait_ready(port)
            people = [api.user(8700 + n, first_name=f"L{n}") for n in range(6)]
            blocker = sqlite3.connect(db, timeout=5)
            blocker.execute("BEGIN EXCLUSIVE")
            for customer in people:
                await customer.send_text("quiero 1 extintor multipropósito de 10 libras")
            await asyncio.sleep(seconds)
            blocker.rollback()
            blocker.close()
            await api.wait_for(lambda: api.pending_update_count == 0, timeout=60)
            with contextlib.suppress(TimeoutError):  # parked ones are answered a bit later
                await api.wait_for(
                    lambda: all(api.user(c.id).messages() for c in people), timeout=30
                )
            row.runs = 1
            refused = sum(a.status == 503 for a in api.webhook_attempts)
            row.due = len(people)
            row.delivered = sum(bool(api.user(c.id).messages()) for c in people)
            row.lost = row.due - row.delivered
            row.notes.append(
                f"{refused} deliveries answered 503 (then redelivered), the rest parked"
            )
            row.check(row.lost == 0 and len(carts(db)) == len(people), "messages lost")
    return row


async def disk_full() -> Row:
    row = Row("disk full (tmpfs 4 MB)")
    with tempfile.TemporaryDirectory() as tmp:
        mount = Path(tmp) / "small"
        mount.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
        )
        if done.returncode != 0:
            row.notes.append("not run: this machine does not allow mounting a tmpfs")
            return row
        try:
            shutil.copy(prepare_db(Path(tmp)), mount / "shop.db")
            db = mount / "shop.db"
            port = free_port()
            async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
                await wait_ready(port)
                filler = mount / "filler"
                with contextlib.suppress(OSError), filler.open("wb") as out:
                    while True:
                        out.write(b"\0" * 65536)
                customer = api.user(8800, first_name="D")
                await customer.send_text("quiero 1 extintor multipropósito de 10 libras")
                await api.wait_for(
                    lambda: any(a.status == 503 for a in api.webhook_attempts), timeout=30
                )
                async with aiohttp.ClientSession() as client:
                    async with client.get(f"http://127.0.0.1:{port}/health") as response:
                        row.notes.append(f"/health {response.status} while full")
                filler.unlink()
                await api.wait_for(lambda: api.pending_update_count == 0, timeout=60)
                row.runs = row.due = 1
                row.delivered = int(bool(api.user(customer.id).messages()))
                row.lost = row.due - row.delivered
                row.check(row.lost == 0 and customer.id in carts(db), "message lost")
        finally:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    return row


async def bad_bodies() -> Row:
    row = Row("malformed webhook bodies")
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_db(Path(tmp))
        port = free_port()
        async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
            await wait_ready(port)
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            bodies = [b"{", b"[]", b"null", b'{"update_id": "x"}', b"\xff" * 10, b"1" * 100000]
            statuses = []
            async with aiohttp.ClientSession() as client:
                for body in bodies:
                    async with client.post(
                        f"http://127.0.0.1:{port}/webhook", data=body, headers=headers
                    ) as response:
                        statuses.append(response.status)
            row.runs = len(bodies)
            row.notes.append(f"answers {sorted(set(statuses))}")
            row.check(all(s == 400 for s in statuses), f"not all 400: {statuses}")
    return row


def print_table(rows: list[Row]) -> None:
    header = ("scenario", "runs", "orders", "notices due", "delivered", "duplicates", "lost")
    print("  ".join(f"{h:>12}" if n else f"{h:<38}" for n, h in enumerate(header)))
    for r in rows:
        cells = (r.runs, r.orders, r.due, r.delivered, r.duplicates, r.lost)
        line = f"{r.scenario:<38}" + "".join(f"  {c:>12}" for c in cells)
        print(
            line
            + ("  FAIL" if r.failed else "  ok")
            + ("  · " + "; ".join(r.notes) if r.notes else "")
        )


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    rows = [await kill9(args.runs, args.buyers, rng)]
    for fault in ("500", "HTML 502", "429 retry_after 3", "403 blocked", "hang"):
        rows.append(await api_faults(fault))
    for fault in ("500", "HTML 502", "429 retry_after 3"):
        rows.append(await api_faults(fault, "*"))
    rows += [await last_units(4), await two_processes(4)]
    rows += [await lock(7.0), await disk_full(), await bad_bodies()]
    print_table(rows)
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    sys.exit(asyncio.run(main(parser.parse_args())))
