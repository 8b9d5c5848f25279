"""Customer reply latency while the owner uploads a big inventory.

    python scripts/import_load.py [--rows 100000] [--customers 10] [--interval 0.2]
                                  [--warmup 3] [--json OUT.json]

The bot runs in this process exactly as `run_bot.py polling` runs it (long polling, the
catalog follower every 5 s) on a fresh SQLite database with the sample inventory. The local
Telegram Bot API server runs in a child process together with the people who talk to it, so
the clock that times the replies is not stopped by whatever blocks the bot's event loop.

While `--customers` customers chat (each sends a message, waits for the bot's first reply,
then sends the next one `--interval` seconds later: "hola", "¿tienen extintores?",
"quiero 2"…), the owner sends a generated catalog of `--rows` products (scripts/gen_catalog.py,
plus one probe product) with the caption "actualizar". When the owner's summary arrives, a
new customer asks for the probe product: the search must already find it.

Printed: customer reply latency p50/p99/max before and during the import (and in each step
the owner's progress message shows: checking the file, saving, updating the search), replies
that never came (30 s) and error replies, "database is locked" and other errors logged by
the bot, the bot's event-loop stalls and garbage-collector pauses during the import, the
CPU the bot's process used, and the import's wall time (document sent → summary shown).
gc.freeze() is called once the bot has started, as `run_bot.py polling|webhook` does (full
collections then skip the objects of start-up); `--no-freeze-gc` leaves it out.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOKEN = "123456:LOAD-TOKEN"
OWNER_ID = 900
FIRST_CUSTOMER = 8000
PROBE_SKU = "LOAD-PROBE-1"
PROBE_NAME = "Sombrilla quetzal estampada"
PROBE_QUESTION = "¿tienen sombrilla quetzal?"
CONVERSATION = ("hola", "¿tienen extintores?", "quiero 2", "¿tienen cascos?", "/cancelar")
REPLY_TIMEOUT = 30.0
IMPORT_TIMEOUT = 600.0
LAG_TICK = 0.01  # seconds between the bot's event-loop heartbeats
STALL = 0.1  # a heartbeat this late is a stall
STEPS = ("checking", "saving", "indexing")  # what the owner's progress message says


# ------------------------------------------------------------------- the Telegram side
@dataclass
class Sample:
    phase: str
    sent_at: float  # time.monotonic(), the same clock in both processes
    latency: float | None  # None: no reply within REPLY_TIMEOUT
    error_reply: bool = False


@dataclass
class TelegramReport:
    samples: list[Sample] = field(default_factory=list)
    import_started: float = 0.0
    import_ended: float = 0.0
    summary: str = ""
    progress_edits: int = 0
    steps: list[tuple[float, str]] = field(default_factory=list)  # (when, step) as shown
    probe_found: bool = False
    probe_reply: str = ""


async def _first_reply(api: Any, chat_id: int, cursor: int, timeout: float) -> tuple[Any, int]:
    """The first message the bot sent in `chat_id` after activity index `cursor`."""
    state = api.state
    deadline = time.monotonic() + timeout
    while True:
        record = state.chats.get(chat_id)
        events = record.activity[cursor:] if record else []
        for offset, event in enumerate(events):
            if event.kind == "sent":
                return event, cursor + offset + 1
        left = deadline - time.monotonic()
        if left <= 0:
            return None, cursor + len(events)
        await state.progress.wait(left)


async def _chat(
    api: Any, user_id: int, phase: list[str], stop: asyncio.Event, interval: float,
    report: TelegramReport,
) -> None:  # fmt: skip
    """One customer: a message, the bot's first reply, a pause, the next message."""
    from domain import texts

    customer = api.user(user_id, first_name=f"Cliente{user_id - FIRST_CUSTOMER}")
    turn = 0
    while not stop.is_set():
        text = CONVERSATION[turn % len(CONVERSATION)]
        turn += 1
        record = api.state.chats.get(user_id)
        cursor = len(record.activity) if record else 0
        sent_at, label = time.monotonic(), phase[0]
        await customer.send_text(text)
        event, cursor = await _first_reply(api, user_id, cursor, REPLY_TIMEOUT)
        if event is None:
            report.samples.append(Sample(label, sent_at, None))
            continue
        reply = api.state.chats.get(user_id).messages.get(event.message_id, {})
        error = reply.get("text") == texts.ERROR_GENERIC
        report.samples.append(Sample(label, sent_at, event.at - sent_at, error))
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except TimeoutError:
            pass


def _owner_text(api: Any, message_id: int) -> str:
    record = api.state.chats.get(OWNER_ID)
    return record.messages.get(message_id, {}).get("text", "") if record else ""


async def _telegram(conn: Connection, plan: dict[str, Any]) -> None:
    from domain import texts
    from doubles.telegram import LocalBotAPI

    loop = asyncio.get_running_loop()
    report = TelegramReport()
    async with LocalBotAPI(token=TOKEN) as api:
        conn.send(api.base_url)
        await loop.run_in_executor(None, conn.recv)  # the bot is polling
        owner = api.user(OWNER_ID, first_name="Dueña")
        await owner.send_text("/start")
        await _first_reply(api, OWNER_ID, 0, REPLY_TIMEOUT)
        phase, stop = ["before"], asyncio.Event()
        chats = [
            asyncio.create_task(
                _chat(api, FIRST_CUSTOMER + n, phase, stop, plan["interval"], report)
            )
            for n in range(plan["customers"])
        ]
        await asyncio.sleep(plan["warmup"])
        data = Path(plan["csv"]).read_bytes()
        cursor = len(api.state.chats.get(OWNER_ID).activity)
        phase[0] = "during"
        report.import_started = time.monotonic()
        await owner.send_document("inventario.csv", data, caption="actualizar")
        status, _ = await _first_reply(api, OWNER_ID, cursor, REPLY_TIMEOUT)
        done = (texts.OWNER_IMPORT_DONE.split("(")[0], texts.OWNER_FIX_AND_RESEND)
        shown = {
            "checking": texts.IMPORT_CHECKING.split("{")[0],
            "saving": texts.IMPORT_SAVING.split("{")[0],
            "indexing": texts.IMPORT_INDEXING,
        }
        report.steps.append((report.import_started, "checking"))
        deadline = time.monotonic() + IMPORT_TIMEOUT
        while status is not None and time.monotonic() < deadline:
            report.summary = _owner_text(api, status.message_id)
            if any(mark in report.summary for mark in done):
                break
            step = next((k for k, text in shown.items() if report.summary.startswith(text)), "")
            if step and step != report.steps[-1][1]:
                report.steps.append((time.monotonic(), step))
            await api.state.progress.wait(deadline - time.monotonic())
        report.import_ended = time.monotonic()
        phase[0] = "after"
        if status is not None:
            report.progress_edits = len(api.edit_history(OWNER_ID, status.message_id))
        prober = api.user(FIRST_CUSTOMER - 1, first_name="Sonda")
        await prober.send_text(PROBE_QUESTION)
        probe, _ = await _first_reply(api, prober.id, 0, REPLY_TIMEOUT)
        if probe is not None:
            report.probe_reply = (
                api.state.chats.get(prober.id).messages[probe.message_id].get("text", "")
            )
            report.probe_found = PROBE_NAME in report.probe_reply
        stop.set()
        await asyncio.gather(*chats)
        conn.send(asdict(report))
        await loop.run_in_executor(None, conn.recv)  # the bot has stopped polling


def telegram_side(conn: Connection, plan: dict[str, Any]) -> None:
    """Child process: the local Bot API server, the owner and the customers."""
    asyncio.run(_telegram(conn, plan))


# ------------------------------------------------------------------------ the bot side
class ErrorCounter(logging.Handler):
    """Counts what the bot logs at ERROR, and "database is locked" at any level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.errors = 0
        self.locked = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        if "database is locked" in text:
            self.locked += 1
        if record.levelno >= logging.ERROR:
            self.errors += 1
            if len(self.first) < 5:
                self.first.append(text[:300])


class LoopLag:
    """Heartbeats on the bot's event loop: how late each one woke up, and the CPU time the
    bot's process had used by then."""

    def __init__(self) -> None:
        self.beats: list[tuple[float, float, float]] = []  # (when, lateness, CPU seconds)

    async def run(self) -> None:
        while True:
            expected = time.monotonic() + LAG_TICK
            await asyncio.sleep(LAG_TICK)
            now = time.monotonic()
            self.beats.append((now, max(0.0, now - expected), time.process_time()))

    def stalls(self, start: float, end: float) -> list[float]:
        return [late for when, late, _ in self.beats if start <= when <= end and late >= STALL]

    def worst(self, start: float, end: float) -> float:
        return max((late for when, late, _ in self.beats if start <= when <= end), default=0.0)

    def cpu(self, start: float, end: float) -> float:
        """Cores the bot's process kept busy between `start` and `end` (1.0: one core)."""
        inside = [(when, cpu) for when, _, cpu in self.beats if start <= when <= end]
        if len(inside) < 2:
            return 0.0
        (first, cpu_first), (last, cpu_last) = inside[0], inside[-1]
        return (cpu_last - cpu_first) / (last - first)


class GcPauses:
    """The garbage collector's full (generation 2) collections in the bot's process."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float]] = []  # (when, seconds)
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif info["generation"] == 2:
            self.pauses.append((time.monotonic(), time.perf_counter() - self._started))

    def within(self, start: float, end: float) -> list[float]:
        return [seconds for when, seconds in self.pauses if start <= when <= end]


def write_catalog(rows: int, seed: int, path: Path, images: bool = False) -> None:
    """The generated catalog; `images`: with an imagen column, an https URL per product."""
    import csv

    sys.path.insert(0, str(ROOT / "scripts"))
    from gen_catalog import HEADER, generate_products

    def image(sku: str) -> tuple[str, ...]:
        return (f"https://cdn.example.com/fotos/{sku}.jpg",) if images else ()

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow((*HEADER, *(("imagen",) if images else ())))
        for product in generate_products(rows - 1, seed):
            writer.writerow(
                (product.sku, product.name, product.description, product.category,
                 product.price, product.stock, *image(product.sku))
            )  # fmt: skip
        writer.writerow(
            (PROBE_SKU, PROBE_NAME, "Producto de prueba de la medición", "Accesorios", 45000, 5,
             *image(PROBE_SKU))
        )  # fmt: skip


async def _recv(conn: Connection) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, conn.recv)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from pydantic import SecretStr

    from app.settings import DATA_DIR, Settings
    from bot.app import build_app, follow_catalog
    from bot.runners import polling_in_background
    from domain.catalog import import_inventory

    workdir = Path(tempfile.mkdtemp(prefix="import-load-"))
    catalog = workdir / "inventario.csv"
    started = time.monotonic()
    write_catalog(args.rows, args.seed, catalog, images=args.images)
    print(f"catalog: {args.rows:,} rows, {catalog.stat().st_size / 1e6:.1f} MB "
          f"({time.monotonic() - started:.1f} s) in {workdir}", file=sys.stderr)  # fmt: skip
    plan = {
        "csv": str(catalog),
        "customers": args.customers,
        "interval": args.interval,
        "warmup": args.warmup,
    }
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    telegram = context.Process(target=telegram_side, args=(there, plan), daemon=True)
    telegram.start()
    try:
        base_url = await _recv(here)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base=base_url,
            database_url=f"sqlite+aiosqlite:///{workdir / 'shop.db'}",
            owner_ids=(OWNER_ID,),
            shop_profile=DATA_DIR / "shop.toml",
        )
        app = await build_app(settings)
        sample = DATA_DIR / "inventory.csv"
        await import_inventory(app.uow(), app.catalog, sample.read_bytes(), sample.name)
        if args.freeze_gc:
            gc.collect()
            gc.freeze()
        counter, lag, collections = ErrorCounter(), LoopLag(), GcPauses()
        logging.getLogger().addHandler(counter)
        gc.callbacks.append(collections)
        heartbeat = asyncio.create_task(lag.run())
        async with polling_in_background(app):
            follower = asyncio.create_task(follow_catalog(app))  # as `run_bot.py polling`
            here.send("polling")
            sent = await _recv(here)
            follower.cancel()
            logging.getLogger().removeHandler(counter)
            gc.callbacks.remove(collections)
        heartbeat.cancel()
        here.send("stopped")
        samples = [Sample(**sample) for sample in sent.pop("samples")]
        steps = [(when, step) for when, step in sent.pop("steps")]
        report = TelegramReport(samples=samples, steps=steps, **sent)
    finally:
        telegram.join(timeout=10)
        if telegram.is_alive():
            telegram.kill()
    return summarize(args, report, counter, lag, collections)


def _percentiles(latencies: Sequence[float]) -> dict[str, float | None]:
    if not latencies:
        return {"p50": None, "p99": None, "max": None}
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p99": p99, "max": ordered[-1]}


def _latencies(samples: Sequence[Sample]) -> dict[str, Any]:
    answered = [s.latency for s in samples if s.latency is not None]
    return {
        "messages": len(samples),
        "no_reply": sum(1 for s in samples if s.latency is None),
        "error_replies": sum(1 for s in samples if s.error_reply),
        "over_1s": sum(1 for latency in answered if latency > 1.0),
        **_percentiles(answered),
    }


def summarize(
    args: argparse.Namespace,
    report: TelegramReport,
    counter: ErrorCounter,
    lag: LoopLag,
    collections: GcPauses,
) -> dict[str, Any]:
    start, end = report.import_started, report.import_ended
    phases = {
        phase: _latencies([s for s in report.samples if s.phase == phase])
        for phase in ("before", "during")
    }
    bounds = [*report.steps, (end, "")]
    steps = {
        step: {
            "seconds": until - since,
            **_latencies([s for s in report.samples if since <= s.sent_at < until]),
        }
        for (since, step), (until, _) in zip(bounds, bounds[1:], strict=False)
    }
    stalls, pauses = lag.stalls(start, end), collections.within(start, end)
    return {
        "rows": args.rows,
        "customers": args.customers,
        "interval": args.interval,
        "freeze_gc": args.freeze_gc,
        "load_average": os.getloadavg()[0],
        "import_seconds": end - start,
        "imported": "Inventario aplicado" in report.summary,
        "progress_edits": report.progress_edits,
        "probe_found_after_summary": report.probe_found,
        "bot_errors_logged": counter.errors,
        "database_is_locked": counter.locked,
        "first_errors": counter.first,
        "loop_stall_max_during": lag.worst(start, end),
        "loop_stalls_during": len(stalls),
        "gc_full_during": len(pauses),
        "gc_full_max_during": max(pauses, default=0.0),
        "bot_cpu_before": lag.cpu(start - args.warmup, start),
        "bot_cpu_during": lag.cpu(start, end),
        "phases": phases,
        "steps": steps,
        "summary": report.summary,
        "samples": [asdict(s) for s in report.samples] if args.samples else None,
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.0f} ms"


def render(figures: dict[str, Any]) -> str:
    lines = [
        f"import of {figures['rows']:,} rows while {figures['customers']} customers chat "
        f"(a message every {figures['interval']:g} s after each reply)",
        f"  import wall time: {figures['import_seconds']:.1f} s "
        f"(applied: {'yes' if figures['imported'] else 'NO'}, "
        f"{figures['progress_edits']} progress edits)",
        f"  probe product found right after the summary: "
        f"{'yes' if figures['probe_found_after_summary'] else 'NO'}",
    ]
    for phase, label in (("before", "before the upload"), ("during", "during the import")):
        p = figures["phases"][phase]
        lines.append(
            f"  customer replies {label}: {p['messages']} messages, p50 {_ms(p['p50'])}, "
            f"p99 {_ms(p['p99'])}, max {_ms(p['max'])}, over 1 s: {p['over_1s']}, "
            f"no reply: {p['no_reply']}, error replies: {p['error_replies']}"
        )
    for step, p in figures["steps"].items():
        lines.append(
            f"    while {step} ({p['seconds']:.1f} s): {p['messages']} messages, "
            f"p50 {_ms(p['p50'])}, p99 {_ms(p['p99'])}, max {_ms(p['max'])}"
        )
    lines.append(
        f"  bot errors logged: {figures['bot_errors_logged']} "
        f'("database is locked": {figures["database_is_locked"]})'
    )
    lines.append(
        f"  bot event loop during the import: longest stall "
        f"{_ms(figures['loop_stall_max_during'])}, {figures['loop_stalls_during']} stalls over "
        f"{STALL * 1000:.0f} ms; {figures['gc_full_during']} full garbage collections, longest "
        f"{_ms(figures['gc_full_max_during'])}"
        + (" (gc.freeze() after start-up)" if figures["freeze_gc"] else "")
    )
    lines.append(
        f"  bot process CPU: {figures['bot_cpu_before']:.2f} cores before, "
        f"{figures['bot_cpu_during']:.2f} during; machine load average "
        f"{figures['load_average']:.1f} at the end"
    )
    lines += [f"    {error}" for error in figures["first_errors"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="products in the upload")
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between messages")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of chat before")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--images", action="store_true", help="with an imagen column (an https URL a product)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--samples", action="store_true", help="keep every sample in --json")
    parser.add_argument(
        "--no-freeze-gc",
        dest="freeze_gc",
        action="store_false",
        help="no gc.freeze() once the bot has started (run_bot.py does it)",
    )
    args = parser.parse_args(argv)
    if args.rows < 2 or args.customers < 1:
        parser.error("--rows must be at least 2 and --customers at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    figures = asyncio.run(run(args))
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    ok = figures["imported"] and figures["probe_found_after_summary"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
