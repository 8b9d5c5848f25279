"""How fast GET /health answers while the webhook bot is flooded with updates.

    python scripts/health_load.py [--updates 1000] [--in-flight 1000]

The bot runs `run_bot.py webhook` in a child process on a fresh SQLite database with the
sample inventory, against the local Bot API server. This process posts `--updates` customer
messages ("¿tienen cascos?" from distinct chats) to the webhook, at most `--in-flight` at
once (Telegram's own limit is 100 connections; 1000 is a burst from many workers), while a
thread asks /health every 20 ms with its own connection and clock. Printed: /health latency
p50/p99/max and statuses during the flood, the updates' wall time and answers.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import aiohttp  # noqa: E402
from chaos import SECRET, TOKEN, free_port, prepare_db, wait_ready, webhook_bot  # noqa: E402

from doubles.telegram import LocalBotAPI  # noqa: E402

HEALTH_EVERY = 0.02


def watch_health(port: int, stop: threading.Event, out: list[tuple[float, int]]) -> None:
    """(latency, status) of /health, asked every HEALTH_EVERY seconds until `stop`."""
    while not stop.is_set():
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/health")
            status = connection.getresponse().status
        except OSError:
            status = 0
        finally:
            connection.close()
        out.append((time.perf_counter() - started, status))
        time.sleep(HEALTH_EVERY)


def update_body(n: int) -> dict:
    user = {"id": 20000 + n, "is_bot": False, "first_name": f"C{n}"}
    return {
        "update_id": 500000 + n,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": 20000 + n, "type": "private", "first_name": f"C{n}"},
            "from": user,
            "text": "¿tienen cascos?",
        },
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def flood(port: int, updates: int, in_flight: int) -> tuple[float, dict[int, int]]:
    gate = asyncio.Semaphore(in_flight)
    statuses: dict[int, int] = {}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as client:

        async def post(n: int) -> None:
            async with gate:
                url = f"http://127.0.0.1:{port}/webhook"
                async with client.post(url, json=update_body(n), headers=headers) as answer:
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(post(n) for n in range(updates)))
        return time.perf_counter() - started, statuses


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_db(Path(tmp))
        port = free_port()
        async with LocalBotAPI(token=TOKEN) as api, webhook_bot(api, db, port):
            await wait_ready(port)
            idle: list[tuple[float, int]] = []
            stop = threading.Event()
            watcher = threading.Thread(target=watch_health, args=(port, stop, idle))
            watcher.start()
            await asyncio.sleep(1)
            stop.set()
            await asyncio.to_thread(watcher.join)

            loaded: list[tuple[float, int]] = []
            stop = threading.Event()
            watcher = threading.Thread(target=watch_health, args=(port, stop, loaded))
            watcher.start()
            wall, statuses = await flood(port, args.updates, args.in_flight)
            stop.set()
            await asyncio.to_thread(watcher.join)
    print(f"{args.updates} updates, {args.in_flight} in flight: {wall:.1f} s, answers {statuses}")
    for name, samples in (("idle", idle), ("under load", loaded)):
        latencies = [lat * 1000 for lat, _ in samples]
        codes = sorted({code for _, code in samples})
        print(
            f"  /health {name}: {len(samples)} asks, p50 {statistics.median(latencies):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms, "
            f"statuses {codes}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
