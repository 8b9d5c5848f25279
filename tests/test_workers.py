"""`run_bot.py webhook --workers 2` for real: two worker processes on one port (SO_REUSEPORT),
the FSM in a real Redis, one database (SQLite, and PostgreSQL with TEST_POSTGRES_URL: a fresh
database of the test's own), the local Bot API server.

The test plays Telegram: it POSTs updates to the webhook port on fresh connections (the
kernel spreads them over the workers) and delivers again whatever was not answered 200.
Mid-load one worker is killed with SIGKILL; the parent starts it again. Every update must
be answered once, every reply promised (the outbox) recorded as sent; at most one message
goes twice (the one Telegram took in the instant before the killed worker noted it).

And the search index of each worker follows the database: the owner's inventory file, handled
by one worker (a connection kept open to it), is found by customers whose messages go to the
other worker once that worker has followed the database (every 5 s; allowed 30 s here).

Needs TEST_REDIS_URL (.ci/redis.sh starts a redis-server); skipped without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from db.engine import create_engine
from doubles.ports import free_port
from doubles.telegram import LocalBotAPI, media
from tests.conftest import OWNER_ID, Databases, bot_env

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
SECRET = "workers-test-secret"
CUSTOMERS = 30
AT_ONCE = 8
START_TIMEOUT = 180.0  # two interpreters importing aiogram and building the index, on 2 cores

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (.ci/redis.sh)")


def children(pid: int) -> list[int]:
    """The worker processes of the parent `pid` (Linux)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@contextlib.asynccontextmanager
async def workers(
    api: LocalBotAPI, db_url: str, port: int, log: Path
) -> AsyncIterator[subprocess.Popen[bytes]]:
    env = bot_env(
        api.base_url,
        db_url,
        WEBHOOK_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        REDIS_URL=REDIS_URL,
        REDIS_PREFIX=f"workers-{uuid.uuid4().hex[:12]}",
        REDIS_LOCK_SECONDS="3",  # a killed worker's chats wait 3 s (renewed while alive)
        DAILY_SUMMARY_HOUR="-1",
        BACKUP_HOUR="-1",
    )
    with log.open("wb") as out:
        parent = subprocess.Popen(
            [sys.executable, "run_bot.py", "webhook", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield parent
        finally:
            if parent.poll() is None:
                parent.send_signal(signal.SIGTERM)
                try:
                    parent.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    for child in children(parent.pid):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(child, signal.SIGKILL)
                    parent.kill()
                    parent.wait()


async def health_pids(port: int, tries: int) -> set[int]:
    """The processes that answered /health, each try on a new connection."""
    seen: set[int] = set()
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as client:
        for _ in range(tries):
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(f"http://127.0.0.1:{port}/health") as response:
                    seen.add((await response.json())["pid"])
    return seen


async def wait_for_workers(parent: subprocess.Popen[bytes], port: int, log: Path) -> set[int]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert parent.poll() is None, log.read_text(errors="replace")[-3000:]
        pids = set(children(parent.pid))
        if len(pids) == 2 and await health_pids(port, 20) == pids:
            return pids
        await asyncio.sleep(0.5)
    raise AssertionError("the workers did not start: " + log.read_text(errors="replace")[-3000:])


class Telegram:
    """Delivers updates to the webhook like Telegram: again until it answers 200."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/webhook"
        self.deliveries = 0
        self.redeliveries = 0
        self._client: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Telegram:
        # a new connection per delivery, so that the kernel picks a worker each time
        connector = aiohttp.TCPConnector(force_close=True)
        self._client = aiohttp.ClientSession(connector=connector)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._client is not None
        await self._client.close()

    async def deliver(self, update: dict[str, Any]) -> None:
        assert self._client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.deliveries += 1
            try:
                timeout = aiohttp.ClientTimeout(total=30)
                async with self._client.post(
                    self.url, json=update, headers=headers, timeout=timeout
                ) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass  # the worker died with the connection open: delivered again
            self.redeliveries += 1
            await asyncio.sleep(0.2)
        raise AssertionError(f"update {update['update_id']} never answered 200")


def message_update(api: LocalBotAPI, update_id: int, user_id: int, text: str) -> dict[str, Any]:
    customer = api.user(user_id, first_name=f"Cliente{user_id}")
    record = api.state.chats.register(customer.chat)
    message = api.state.chats.new_message(record, **{"from": dict(customer.user)}, text=text)
    return {"update_id": update_id, "message": message}


@pytest.fixture
def shop_url(databases: Databases) -> str:
    """A fresh database with the sample inventory, on the test's backend."""
    return databases.sample()


async def test_two_workers_answer_every_update_once_even_when_one_is_killed(
    api: LocalBotAPI, tmp_path: Path, shop_url: str
) -> None:
    port = free_port()
    log = tmp_path / "workers.log"
    async with workers(api, shop_url, port, log) as parent:
        first = await wait_for_workers(parent, port, log)  # both answer on the one port
        users = [7600 + n for n in range(CUSTOMERS)]
        script = ("hola", "¿tienen conos?", "muchas gracias")
        updates = [
            message_update(api, 1000 + turn * CUSTOMERS + n, user, words)
            for turn, words in enumerate(script)
            for n, user in enumerate(users)
        ]
        victim = sorted(first)[1]
        gate = asyncio.Semaphore(AT_ONCE)
        async with Telegram(port) as telegram:

            async def one_customer(n: int) -> None:
                for turn in range(len(script)):  # each customer's turns in order
                    async with gate:
                        await telegram.deliver(updates[turn * CUSTOMERS + n])

            load = asyncio.gather(*(one_customer(n) for n in range(CUSTOMERS)))
            while telegram.deliveries < len(updates) // 3:
                await asyncio.sleep(0.05)
            os.kill(victim, signal.SIGKILL)  # mid-load: some updates in its hands
            await load
        # the parent started a new worker in its place
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            now = set(children(parent.pid))
            if len(now) == 2 and victim not in now:
                break
            await asyncio.sleep(0.5)
        assert victim not in set(children(parent.pid)) and len(children(parent.pid)) == 2

        def answered() -> bool:
            return all(len(api.sent_messages(user)) >= len(script) for user in users)

        async def settled() -> bool:
            return await outbox_states(shop_url) == {"sent": len(updates)}

        # A reply the killed worker had committed but not sent is swept by another worker;
        # one it had sent but not recorded is found by its receipt once its claim lapses
        # (bot/outbox.py LEASE), recorded, and not sent again.
        await api.wait_for(answered, timeout=90)
        await poll(settled, timeout=90)
        said = {user: [m.get("text") or "" for m in api.sent_messages(user)] for user in users}
        assert not [t for texts in said.values() for t in texts if "falló" in t], said
        lost = sum(max(len(script) - len(texts), 0) for texts in said.values())
        twice = {user: texts for user, texts in said.items() if len(texts) > len(script)}
        assert lost == 0, said
        # One window is left, as in one process: a message Telegram took in the instant
        # between its answer and the receipt, when the kill came (README).
        assert len(twice) <= 1 and all(len(t) == len(script) + 1 for t in twice.values()), twice

        # the parent killed too: its workers stop (no worker outlives its group)
        last = children(parent.pid)
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 60
        while any(alive(pid) for pid in last) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert not any(alive(pid) for pid in last)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


async def outbox_states(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            query = text("SELECT status, count(*) FROM outbox GROUP BY status")
            rows = (await connection.execute(query)).all()
    finally:
        await engine.dispose()
    return {str(status): int(count) for status, count in rows}


async def poll(condition: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.2)


# ------------------------------------------------------------ the catalog follows across workers
NEW_PRODUCT = "Sombrilla quetzal para obra"
NEW_INVENTORY = (
    "sku;nombre;descripcion;categoria;precio;stock;activo\n"
    f"SOM-QTZ-01;{NEW_PRODUCT};Sombrilla de 2 m con base de concreto;Señalización;85.000;12;si\n"
)
QUESTION = "¿tienen sombrillas quetzal?"
FOLLOW_SECONDS = 5.0  # app/core.py CATALOG_FOLLOW_SECONDS: how often a worker reads the changes
FOLLOW_MARGIN = 25.0  # a busy machine: two workers, the Bot API double and pytest on 2 cores


class Pinned:
    """One keep-alive connection to the webhook port, so to one worker (the kernel picks the
    worker when a connection is made): its pid from /health, then updates to that worker
    alone. A dropped connection fails the test instead of landing on another worker."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.pid = 0

    @classmethod
    async def open(cls, port: int) -> Pinned:
        pinned = cls(*await asyncio.open_connection("127.0.0.1", port))
        status, body = await pinned.request("GET", "/health")
        pinned.pid = int(json.loads(body)["pid"])
        return pinned

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self._writer.drain()
        head = await asyncio.wait_for(self._reader.readuntil(b"\r\n\r\n"), timeout=60)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines if line)
        }
        assert "chunked" not in fields.get("transfer-encoding", ""), fields
        content = await self._reader.readexactly(int(fields.get("content-length", "0")))
        return int(status_line.split()[1]), content

    async def deliver(self, update: dict[str, Any]) -> None:
        """POST an update to this worker; it answers 200 once the update is handled."""
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        status, body = await self.request("POST", "/webhook", json.dumps(update).encode(), headers)
        assert status == 200, (self.pid, status, body)

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()


async def one_per_worker(port: int, pids: set[int]) -> dict[int, Pinned]:
    """A pinned connection to each worker (new connections until each pid has one)."""
    pinned: dict[int, Pinned] = {}
    for _ in range(200):
        connection = await Pinned.open(port)
        if connection.pid in pinned:
            await connection.close()
        else:
            pinned[connection.pid] = connection
        if set(pinned) == pids:
            return pinned
    raise AssertionError(f"connections reached only {set(pinned)} of {pids}")


def document_update(
    api: LocalBotAPI, update_id: int, user_id: int, name: str, data: bytes, caption: str
) -> dict[str, Any]:
    owner = api.user(user_id, first_name="Dueña")
    record = api.state.chats.register(owner.chat)
    document = media.make_document(api.state.files, data, name)
    message = api.state.chats.new_message(
        record, **{"from": dict(owner.user)}, document=document, caption=caption
    )
    return {"update_id": update_id, "message": message}


class Chats:
    """Customers, each in a chat of their own, asking through a given worker."""

    def __init__(self, api: LocalBotAPI) -> None:
        self.api = api
        self.users: list[int] = []
        self.next_update = 50_000

    def update_id(self) -> int:
        self.next_update += 1
        return self.next_update

    def new_customer(self) -> int:
        self.users.append(8800 + len(self.users))
        return self.users[-1]

    async def ask(self, worker: Pinned, text: str, user: int | None = None) -> str:
        """A customer's message handled by `worker` (a new customer unless `user`); the
        bot's answer to it."""
        user = self.new_customer() if user is None else user
        before = len(self.api.sent_messages(user))
        await worker.deliver(message_update(self.api, self.update_id(), user, text))

        def answer() -> str:
            messages = self.api.sent_messages(user)[before:]
            return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)

        # the reply travels through the outbox, right after the update's commit
        return str(await self.api.wait_for(answer, timeout=30))

    def everything_said(self) -> str:
        return "\n".join(
            m.get("text") or m.get("caption") or ""
            for user in (*self.users, OWNER_ID)
            for m in self.api.sent_messages(user)
        )


async def test_a_product_the_owner_adds_through_one_worker_is_found_through_the_other(
    api: LocalBotAPI, tmp_path: Path, shop_url: str
) -> None:
    port = free_port()
    log = tmp_path / "workers.log"
    async with workers(api, shop_url, port, log) as parent:
        pids = await wait_for_workers(parent, port, log)
        pinned = await one_per_worker(port, pids)
        owners_worker, other = (pinned[pid] for pid in sorted(pids))
        chats = Chats(api)
        try:
            # Nobody sells it yet, on either worker.
            assert NEW_PRODUCT not in await chats.ask(owners_worker, QUESTION)
            asked_before = chats.new_customer()
            assert NEW_PRODUCT not in await chats.ask(other, QUESTION, user=asked_before)

            upload = document_update(
                api, chats.update_id(), OWNER_ID, "nuevos.csv", NEW_INVENTORY.encode(), "actualizar"
            )
            await owners_worker.deliver(upload)

            def applied() -> str:
                return "\n".join(m.get("text") or "" for m in api.sent_messages(OWNER_ID))

            await api.wait_for(lambda: "Inventario aplicado" in applied(), timeout=30)
            assert f"1 nuevos: SOM-QTZ-01 {NEW_PRODUCT}" in applied(), applied()
            applied_at = time.monotonic()

            # The worker that imported it indexed it on commit.
            assert NEW_PRODUCT in await chats.ask(owners_worker, QUESTION)
            # The other worker finds it once it has followed the database (every 5 s):
            # new customers ask it until one is shown the product.
            while NEW_PRODUCT not in await chats.ask(other, QUESTION):
                waited = time.monotonic() - applied_at
                assert waited < FOLLOW_SECONDS + FOLLOW_MARGIN, (
                    f"the other worker did not follow the import in {waited:.0f} s"
                )
                await asyncio.sleep(0.5)
            followed_in = time.monotonic() - applied_at
            # From then on every customer finds it on either worker, and the customer of the
            # other worker who asked before the import is not stuck with the old answer.
            for n in range(6):
                assert NEW_PRODUCT in await chats.ask((owners_worker, other)[n % 2], QUESTION)
            assert NEW_PRODUCT in await chats.ask(other, QUESTION, user=asked_before)
            print(f"the other worker found the new product {followed_in:.1f} s after the import")
        finally:
            for connection in pinned.values():
                await connection.close()
        assert "falló" not in chats.everything_said()
