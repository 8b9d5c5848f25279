"""Load test (`make loadtest`): our bot against a bare aiogram echo bot, in the same run.

    python scripts/loadtest.py [--modes webhook,polling] [--bots ours,echo] [--in-flight 40]
                               [--workers N] [--database-url URL] [--redis-url URL]
                               [--rate 30] [--seconds 15] [--warmup 3] [--rounds 1]
                               [--baseline DIR] [--profile DIR] [--show]

Each bot runs in a child process (`run_bot.py webhook|polling` on a fresh SQLite database
with the sample inventory; `scripts/echo_bot.py webhook|polling`) against a local Bot API
server of its own (doubles/telegram) running in this process, over real HTTP. The bots of
one mode run at once and take each phase in turn (`--rounds` times). In webhook mode the
server POSTs the updates like Telegram (up to 40 connections at once, one chat's updates in
order), in polling mode the bot fetches them with getUpdates. Many distinct chats each play
a short customer conversation ("hola", "¿tienen cascos?", "quiero 2 del blanco", ...).

Measured for each bot and mode:
- throughput: `--in-flight` customers each send their next message as soon as the first
  reply to the previous one reaches the server (so that many updates are in flight), for
  `--seconds`; updates/s, and CPU ms per update of the bot process (user + system, from
  /proc) over the same window; meanwhile /health is asked every 20 ms by a process of its
  own (webhook mode).
- steady: updates sent at `--rate` a second, open loop, for `--seconds`: latency from the
  update handed to the server to the first reply the server receives for that chat (p50 and
  p99), the webhook POST's own time (p50/p99), and CPU ms per update.
- RSS (and its peak) of the bot process at the end.
Then the ratios ours / echo (and, with `--baseline DIR`, the bot of another checkout
measured in the same run, named after its folder: ours / it, for a change's before and
after). The machine is shared,
so absolute figures move from run to run; compare the bots of one run. `--profile DIR`
records our bot with py-spy (if installed) during the throughput phase: DIR/ours-MODE.txt
(collapsed stacks; figures of a profiled run are slower).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import aiohttp  # noqa: E402
from chaos import OWNER, TOKEN, bot_env, free_port, prepare_db  # noqa: E402
from health_load import watch_health as ask_health  # noqa: E402

from doubles.telegram import LocalBotAPI  # noqa: E402

# A reply is any of these calls about the customer's chat (not chat actions, not alerts).
REPLY_METHODS = frozenset(
    {"sendmessage", "sendphoto", "sendmediagroup", "editmessagetext", "editmessagemedia",
     "editmessagereplymarkup", "editmessagecaption", "senddocument", "sendinvoice"}
)  # fmt: skip
CONVERSATIONS = (
    ("hola", "¿tienen cascos?", "quiero 2 del blanco", "ver carrito", "gracias"),
    ("buenas tardes", "necesito guantes de nitrilo", "quiero 3 de los desechables",
     "¿hacen envíos?", "chao"),
    ("hola", "¿tienen extintores?", "quiero 1 extintor ABC de 10 libras", "ver mi carrito",
     "gracias"),
    ("buenos días", "¿qué venden?", "busco chalecos reflectivos", "quiero 5 del naranja",
     "muchas gracias"),
)  # fmt: skip
REPLY_TIMEOUT = 30.0
FIRST_CHAT = 7_000_000
BASELINES: dict[str, Path] = {}  # --baseline: other checkouts' bots, by folder name
SHARED_ENV: dict[str, str] = {}  # --database-url, --redis-url: our bot's
WORKERS = 1  # --workers: our webhook bot's
REUSE_AFTER = 1.0  # steady phase: a chat speaks again this long after its last reply


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class LoadAPI(LocalBotAPI):
    """The local Bot API server, also timing each chat's first reply to what it was sent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._waiting: dict[int, asyncio.Future[float]] = {}
        self._chats = itertools.count(FIRST_CHAT)

    async def call(self, method: str, params: dict[str, Any], **kwargs: Any) -> Any:
        if method.lower() in REPLY_METHODS:
            with contextlib.suppress(TypeError, ValueError):
                waiter = self._waiting.pop(int(params.get("chat_id")), None)  # type: ignore[arg-type]
                if waiter is not None and not waiter.done():
                    waiter.set_result(time.perf_counter())
        return await super().call(method, params, **kwargs)

    def new_chat(self) -> int:
        return next(self._chats)

    async def exchange(self, chat: int, text: str) -> float | None:
        """Send `text` from `chat`; seconds until the first reply, None if none came."""
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[chat] = waiter
        customer = self.user(chat, first_name=f"Cliente{chat % 1000}")
        sent = time.perf_counter()
        await customer.send_text(text)
        try:
            replied = await asyncio.wait_for(waiter, REPLY_TIMEOUT)
        except TimeoutError:
            self._waiting.pop(chat, None)
            return None
        return replied - sent


# ---------------------------------------------------------------------- the bot process
@dataclass
class Bot:
    name: str
    mode: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU of the bot's processes (with --workers, the parent's and its
        workers')."""
        total = 0
        for pid in family(self.process.pid):
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """RSS now and its peak, in MB (summed over the bot's processes)."""
        rss = peak = 0.0
        for pid in family(self.process.pid):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS"):
                        rss += int(line.split()[1]) / 1024
                    elif line.startswith("VmHWM"):
                        peak += int(line.split()[1]) / 1024
        return rss, peak


def family(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


@contextlib.asynccontextmanager
async def running_bot(
    name: str, mode: str, api: LoadAPI, db: Path, folder: Path
) -> AsyncIterator[Bot]:
    port = free_port()
    script = "scripts/echo_bot.py" if name == "echo" else "run_bot.py"
    folder_of_bot = BASELINES.get(name, ROOT)
    env = bot_env(api, db, port, LOG_LEVEL="WARNING")
    command = [sys.executable, script, mode]
    if name == "ours":
        env.update(SHARED_ENV)
        if mode == "webhook" and WORKERS > 1:
            command += ["--workers", str(WORKERS)]
    log = folder / f"{name}-{mode}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=folder_of_bot, env=env, stdout=out, stderr=out)
    bot = Bot(name, mode, process, port, log)
    try:
        await wait_ready(bot, api)
        yield bot
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(process.wait, 20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_ready(bot: Bot, api: LoadAPI, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            if bot.process.poll() is not None:
                raise RuntimeError(
                    f"{bot.name} exited: see {bot.log}\n{bot.log.read_text()[-2000:]}"
                )
            if bot.mode == "polling":
                if any(method == "getUpdates" for method, _ in api.calls):
                    return
            else:
                with contextlib.suppress(aiohttp.ClientError):
                    url = f"http://127.0.0.1:{bot.port}/health"
                    async with client.get(url) as response:
                        webhook = await api.call("getWebhookInfo", {})
                        if response.status in (200, 503) and webhook["url"]:
                            return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{bot.name} {bot.mode} did not start")


# ---------------------------------------------------------------------- load
class Conversations:
    """Fresh chats, each with one of the scripted conversations, handed out round robin."""

    def __init__(self, api: LoadAPI) -> None:
        self._api = api
        self._scripts = itertools.cycle(CONVERSATIONS)

    def new(self) -> tuple[int, Iterator[str]]:
        return self._api.new_chat(), iter(next(self._scripts))


@dataclass
class Phase:
    updates: int = 0
    unanswered: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    load_cpu_seconds: float = 0.0  # this process: the Bot API server and the customers
    latencies: list[float] = field(default_factory=list)
    health: list[tuple[float, int]] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.updates if self.updates else float("nan")


async def closed_loop(api: LoadAPI, bot: Bot, in_flight: int, seconds: float) -> Phase:
    """`in_flight` customers, each sending the next message once the last one was answered."""
    conversations = Conversations(api)
    phase = Phase()
    deadline = time.perf_counter() + seconds

    async def customer() -> None:
        while time.perf_counter() < deadline:
            chat, script = conversations.new()
            for text in script:
                if time.perf_counter() >= deadline:
                    return
                latency = await api.exchange(chat, text)
                if latency is None:
                    phase.unanswered += 1
                    break
                phase.updates += 1
                phase.latencies.append(latency)

    cpu, load_cpu = bot.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(customer() for _ in range(in_flight)))
    phase.seconds = time.perf_counter() - started
    phase.cpu_seconds = bot.cpu_seconds() - cpu
    phase.load_cpu_seconds = time.process_time() - load_cpu
    return phase


async def open_loop(api: LoadAPI, bot: Bot, rate: float, seconds: float) -> Phase:
    """An update every 1/`rate` s whatever the bot does, from chats whose last message was
    answered a while ago (new chats when none is free)."""
    conversations = Conversations(api)
    phase = Phase()
    idle: collections.deque[tuple[float, int, Iterator[str]]] = collections.deque()
    tasks: list[asyncio.Task[None]] = []

    async def one(chat: int, script: Iterator[str], text: str) -> None:
        latency = await api.exchange(chat, text)
        if latency is None:
            phase.unanswered += 1
            return
        phase.updates += 1
        phase.latencies.append(latency)
        idle.append((time.perf_counter(), chat, script))

    cpu = bot.cpu_seconds()
    started = time.perf_counter()
    attempts_before = len(api.webhook_attempts)
    total = int(rate * seconds)
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        text = None
        while idle and idle[0][0] + REUSE_AFTER <= time.perf_counter():
            _, chat, script = idle.popleft()
            text = next(script, None)
            if text is not None:
                break
        if text is None:
            chat, script = conversations.new()
            text = next(script)
        tasks.append(asyncio.create_task(one(chat, script, text)))
    await asyncio.gather(*tasks)
    phase.seconds = time.perf_counter() - started
    phase.cpu_seconds = bot.cpu_seconds() - cpu
    phase.posts = [a.seconds for a in api.webhook_attempts[attempts_before:] if a.status == 200]
    return phase


def watch_health(port: int) -> None:
    """Child process: GET /health every 20 ms (health_load.watch_health: own connection, own
    clock, own GIL) until stdin closes, then print one `latency status` line per ask."""
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    out: list[tuple[float, int]] = []
    ask_health(port, stop, out)
    print("\n".join(f"{latency} {status}" for latency, status in out))


@contextlib.asynccontextmanager
async def health_watched(bot: Bot, out: list[tuple[float, int]]) -> AsyncIterator[None]:
    if bot.mode != "webhook":
        yield
        return
    watcher = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--watch-health", str(bot.port),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield
    finally:
        stdout, _ = await watcher.communicate(b"")
        for line in stdout.decode().splitlines():
            latency, status = line.split()
            out.append((float(latency), int(status)))


@contextlib.contextmanager
def profiled(bot: Bot, folder: Path | None, seconds: float) -> Iterator[None]:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if folder is None or bot.name == "echo" or not Path(spy).exists():
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{bot.name}-{bot.mode}.txt"
    command = [spy, "record", "--pid", str(bot.process.pid), "--format", "raw",
               "--rate", "200", "--duration", str(int(seconds) + 1), "--output", str(out),
               "--nonblocking"]  # fmt: skip
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        recorder.wait(timeout=60)


# ---------------------------------------------------------------------- one bot, one mode
@dataclass
class Result:
    name: str
    mode: str
    burst: Phase
    steady: Phase
    rss_mb: float
    peak_mb: float


def merged(phases: list[Phase]) -> Phase:
    total = Phase()
    for phase in phases:
        total.updates += phase.updates
        total.unanswered += phase.unanswered
        total.seconds += phase.seconds
        total.cpu_seconds += phase.cpu_seconds
        total.load_cpu_seconds += phase.load_cpu_seconds
        total.latencies += phase.latencies
        total.health += phase.health
        total.posts += phase.posts
    return total


async def measure(
    names: list[str], mode: str, args: argparse.Namespace, db: Path, folder: Path
) -> list[Result]:
    """All the bots of one mode run at once (idle but for their turn); each phase is taken
    by each bot in turn, `--rounds` times, so that a change in the machine's load falls on
    all of them alike."""
    async with contextlib.AsyncExitStack() as stack:
        bots: dict[str, tuple[LoadAPI, Bot]] = {}
        for name in names:
            copy = folder / f"{name}-{mode}.db"
            shutil.copy(db, copy)
            api = await stack.enter_async_context(LoadAPI(token=TOKEN, webhook_parallel=True))
            await open_owner_chat(api)
            bot = await stack.enter_async_context(running_bot(name, mode, api, copy, folder))
            bots[name] = (api, bot)
        for api, bot in bots.values():
            if args.show:
                await show(api)
            await closed_loop(api, bot, args.in_flight, args.warmup)  # imports, caches, index
        bursts: dict[str, list[Phase]] = {name: [] for name in names}
        steadies: dict[str, list[Phase]] = {name: [] for name in names}
        for turn in range(args.rounds):
            order = names[turn % len(names) :] + names[: turn % len(names)]
            for name in order:
                api, bot = bots[name]
                health: list[tuple[float, int]] = []
                async with health_watched(bot, health):
                    with profiled(bot, args.profile if turn == 0 else None, args.seconds):
                        burst = await closed_loop(api, bot, args.in_flight, args.seconds)
                burst.health = health
                bursts[name].append(burst)
            for name in order:
                api, bot = bots[name]
                steadies[name].append(await open_loop(api, bot, args.rate, args.seconds))
        results = []
        for name in names:
            rss, peak = bots[name][1].memory_mb()
            result = Result(name, mode, merged(bursts[name]), merged(steadies[name]), rss, peak)
            print_result(result, args)
            results.append(result)
    return results


async def show(api: LoadAPI) -> None:
    """Each scripted conversation once, with what the bot answered."""
    for script in CONVERSATIONS:
        chat = api.new_chat()
        for text in script:
            latency = await api.exchange(chat, text)
            await asyncio.sleep(0.5)
            replies = [m.get("text") or m.get("caption") or "" for m in api.sent_messages(chat)]
            print(f"  > {text}  ({ms(latency) if latency else 'no reply'})")
            for reply in replies[getattr(api, "_shown", {}).get(chat, 0) :]:
                print("    < " + reply.replace("\n", " / ")[:160])
            api.__dict__.setdefault("_shown", {})[chat] = len(replies)


async def open_owner_chat(api: LoadAPI) -> None:
    """The owner's chat exists (new-order alerts could reach it)."""
    api.state.chats.register({"id": OWNER, "type": "private", "first_name": "Dueña"})


# ---------------------------------------------------------------------- report
def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def print_result(r: Result, args: argparse.Namespace) -> None:
    b, s = r.burst, r.steady
    print(f"{r.name} / {r.mode}", flush=True)
    print(
        f"  {args.in_flight} in flight: {b.per_second:.1f} updates/s ({b.updates} in "
        f"{b.seconds:.1f} s, {b.unanswered} unanswered), CPU {b.cpu_ms:.1f} ms/update "
        f"(load side {1000 * b.load_cpu_seconds / max(b.updates, 1):.1f} ms), "
        f"first reply p50 {ms(statistics.median(b.latencies) if b.latencies else 0)} "
        f"p99 {ms(percentile(b.latencies, 0.99))}"
    )
    print(
        f"  steady {args.rate:g}/s: first reply p50 "
        f"{ms(statistics.median(s.latencies) if s.latencies else 0)} "
        f"p99 {ms(percentile(s.latencies, 0.99))} max {ms(max(s.latencies, default=0))} "
        f"({s.updates} updates, {s.unanswered} unanswered), CPU {s.cpu_ms:.1f} ms/update"
        + (f", webhook POST p50 {ms(statistics.median(s.posts))}" if s.posts else "")
        + (f" p99 {ms(percentile(s.posts, 0.99))}" if s.posts else "")
    )
    if b.health:
        latencies = [lat for lat, _ in b.health]
        codes = sorted({code for _, code in b.health})
        print(
            f"  /health under load: {len(latencies)} asks, p50 {ms(statistics.median(latencies))}"
            f" p99 {ms(percentile(latencies, 0.99))} max {ms(max(latencies))}, statuses {codes}"
        )
    print(f"  RSS {r.rss_mb:.0f} MB (peak {r.peak_mb:.0f} MB)", flush=True)


def print_ratios(results: list[Result]) -> None:
    by = {(r.name, r.mode): r for r in results}
    for mode in dict.fromkeys(r.mode for r in results):
        names = [n for n in dict.fromkeys(r.name for r in results) if n != "echo"]
        pairs = [(n, "echo") for n in names] + [("ours", n) for n in names if n != "ours"]
        for name, other in pairs:
            ours, echo = by.get((name, mode)), by.get((other, mode))
            if ours is None or echo is None:
                continue
            throughput = ours.burst.per_second / echo.burst.per_second
            cpu = ours.burst.cpu_ms / echo.burst.cpu_ms
            p99 = percentile(ours.steady.latencies, 0.99) / percentile(echo.steady.latencies, 0.99)
            print(
                f"{name} / {other}, {mode}: throughput {throughput:.2f}x, CPU per update "
                f"{cpu:.2f}x, steady first-reply p99 {p99:.2f}x, "
                f"RSS {ours.rss_mb / echo.rss_mb:.2f}x"
            )


async def main(args: argparse.Namespace) -> int:
    global WORKERS
    WORKERS = args.workers
    if args.database_url and args.modes.count(",") > 0:
        print("--database-url: one mode at a time, on a fresh database (update ids restart")
        print("with each mode's Bot API server, and a database that saw them skips them)")
        return 2
    if args.database_url:
        SHARED_ENV["DATABASE_URL"] = args.database_url
        load_inventory(args.database_url)
    if args.redis_url:
        SHARED_ENV["REDIS_URL"] = args.redis_url
    for folder in args.baseline:
        BASELINES[Path(folder).name] = Path(folder).resolve()
    modes = [m for m in args.modes.split(",") if m]
    bots = [b for b in args.bots.split(",") if b]
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = prepare_db(folder)
        results = []
        bots = [*BASELINES, *bots]
        for mode in modes:
            results += await measure(bots, mode, args, db, folder)
        print_ratios(results)
    unanswered = sum(r.burst.unanswered + r.steady.unanswered for r in results)
    return 1 if unanswered else 0


def load_inventory(database_url: str) -> None:
    """The sample inventory in our bot's own database (--database-url), as prepare_db does."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "ERROR"}
    subprocess.run(
        [sys.executable, "run_bot.py", "import-csv", "data/inventory.csv"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="webhook,polling")
    parser.add_argument("--bots", default="ours,echo")
    parser.add_argument("--in-flight", type=int, default=40)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--rounds", type=int, default=1, help="each phase this many times, the bots in turn"
    )
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output folder")
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        help="another checkout (e.g. `git archive REV | tar -x -C DIR`): its bot runs too, "
        "named after the folder (repeatable)",
    )
    parser.add_argument("--show", action="store_true", help="print one conversation of each")
    parser.add_argument("--keep", default="", help="keep databases and logs in this folder")
    parser.add_argument(
        "--workers", type=int, default=1, help="our webhook bot: run_bot.py webhook --workers N"
    )
    parser.add_argument(
        "--database-url", default="", help="our bot's database (e.g. PostgreSQL) instead of SQLite"
    )
    parser.add_argument("--redis-url", default="", help="our bot's REDIS_URL (FSM in Redis)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--watch-health"]:
        sys.exit(watch_health(int(sys.argv[2])))
    sys.exit(asyncio.run(main(parse())))
