"""The webhook bot's memory on a big catalog: start time, RSS at idle and after customer searches.

    python scripts/memory.py --db /tmp/rss100k/shop.db --queries q.jsonl [--searches 200]
                             [--modules FILE] [--keep DIR]

Copies the database (and its saved search index, `*.search-index`, if beside it) to a
throw-away folder, starts `run_bot.py webhook` on it against the local Bot API server
(doubles/telegram) like scripts/loadtest.py, and prints: seconds from launch to `/health`
answering with the webhook set; VmRSS / VmHWM and /proc/PID/smaps_rollup (anonymous and
file-backed) at idle; the same after `--searches` customers each ask one query of the file
(`{"id", "text"}` per line, scripts/gen_catalog.py --queries), 10 at a time. Build the
database once with `scripts/gen_catalog.py --products 100000 --seed 7 --out cat.csv` and
`DATABASE_URL=sqlite+aiosqlite:///DIR/shop.db python run_bot.py import-csv cat.csv`.
`--modules FILE` writes the modules the bot has imported to FILE.1 (idle) and FILE.2 (after
the searches), and with PYTHONTRACEMALLOC=1 in the environment tracemalloc snapshots beside
them (FILE.N.tracemalloc): the bot is started through a wrapper that writes them on SIGUSR1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import aiohttp  # noqa: E402
from chaos import TOKEN, bot_env, free_port  # noqa: E402
from loadtest import LoadAPI, open_owner_chat  # noqa: E402

IN_FLIGHT = 10
WRAPPER = """
import runpy, signal, sys, tracemalloc
OUT = sys.argv.pop(1)
DUMPS = []
def dump(*_):
    DUMPS.append(1)
    with open(f"{OUT}.{len(DUMPS)}", "w") as f:
        f.write("\\n".join(sorted(sys.modules)))
    if tracemalloc.is_tracing():  # PYTHONTRACEMALLOC=N in the environment
        tracemalloc.take_snapshot().dump(f"{OUT}.{len(DUMPS)}.tracemalloc")
signal.signal(signal.SIGUSR1, dump)
sys.argv[0] = "run_bot.py"
runpy.run_path("run_bot.py", run_name="__main__")
"""


def memory(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM and smaps_rollup's Anonymous / Rss split, in MB."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            found[key] = int(line.split()[1]) / 1024
    return found


def cpu(pid: int) -> tuple[float, float, int]:
    """User and system CPU seconds, and minor page faults, of the process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick, int(fields[7])


def show(label: str, pid: int, inspect: str) -> None:
    m = memory(pid)
    print(
        f"{label}: VmRSS {m['VmRSS']:.1f} MB, VmHWM {m['VmHWM']:.1f} MB "
        f"(anon {m['RssAnon']:.1f}, file {m['RssFile']:.1f})",
        flush=True,
    )
    if inspect:
        subprocess.run(inspect.replace("{pid}", str(pid)), shell=True, check=False)


async def wait_health(process: subprocess.Popen[bytes], port: int, api: LoadAPI) -> None:
    async with aiohttp.ClientSession() as client:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the bot exited")
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(f"http://127.0.0.1:{port}/health") as response:
                    webhook = await api.call("getWebhookInfo", {})
                    if response.status == 200 and webhook["url"]:
                        return
            await asyncio.sleep(0.05)


async def searches(api: LoadAPI, texts: list[str]) -> int:
    """Each text from a new customer, IN_FLIGHT at a time; how many got no reply."""
    queue = list(texts)
    missed = 0

    async def customer() -> None:
        nonlocal missed
        while queue:
            text = queue.pop()
            if await api.exchange(api.new_chat(), f"¿tienen {text}?") is None:
                missed += 1

    await asyncio.gather(*(customer() for _ in range(IN_FLIGHT)))
    return missed


async def main(args: argparse.Namespace) -> int:
    texts = [json.loads(line)["text"] for line in args.queries.read_text().splitlines()]
    texts = (texts * (args.searches // max(1, len(texts)) + 1))[: args.searches]
    with tempfile.TemporaryDirectory(prefix="memory-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "shop.db"
        shutil.copy(args.db, db)
        saved = args.db.with_suffix(".search-index")
        if saved.exists():
            shutil.copy(saved, db.with_suffix(".search-index"))
        async with LoadAPI(token=TOKEN, webhook_parallel=True) as api:
            await open_owner_chat(api)
            port = free_port()
            env = bot_env(api, db, port, LOG_LEVEL="WARNING")
            modules = str(args.modules.resolve()) if args.modules else "/dev/null"
            log = (folder / "bot.log").open("wb")
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-c", WRAPPER, modules, "webhook"],
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
            try:
                await wait_health(process, port, api)
                print(f"start to /health: {time.perf_counter() - started:.2f} s", flush=True)
                await asyncio.sleep(args.idle)
                show("idle", process.pid, args.inspect)
                if args.modules:
                    process.send_signal(signal.SIGUSR1)
                    await asyncio.sleep(1)
                began, before = time.perf_counter(), cpu(process.pid)
                missed = await searches(api, texts)
                spent = time.perf_counter() - began
                user, system, faults = (
                    b - a for a, b in zip(before, cpu(process.pid), strict=True)
                )
                print(
                    f"{len(texts)} searches in {spent:.1f} s ({missed} unanswered); the bot's CPU "
                    f"{user:.1f} s user + {system:.1f} s system, {faults:,} page faults"
                )
                await asyncio.sleep(args.idle)
                show(f"after {len(texts)} searches", process.pid, args.inspect)
                if args.modules:
                    process.send_signal(signal.SIGUSR1)
                    await asyncio.sleep(1)
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(process.wait, 20)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a SQLite database with products")
    parser.add_argument("--queries", type=Path, required=True, help="JSONL, one {'text'} a line")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds idle before measuring")
    parser.add_argument("--modules", type=Path, default=None, help="write the idle bot's modules")
    parser.add_argument(
        "--inspect", default="", help="a shell command run at each measure, {pid} the bot's"
    )
    parser.add_argument("--keep", default="", help="keep the copied database and log here")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
