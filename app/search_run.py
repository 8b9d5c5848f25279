"""`run_bot.py search`: the customer retrieval over a catalog file, timed, for evaluation.

The catalog goes through the owner's import code into a throw-away database, the bot's
index is built, and each query runs through the same customer search (active, stock > 0).
Figures (build time, latency p50/p99, peak memory, one change's time) go to stderr and,
with `stats`, to a JSON file the benchmark reads.
"""

from __future__ import annotations

import csv
import io
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.core import App, build_app
from app.settings import Settings
from domain.catalog import import_inventory, product_pages
from domain.inventory import InvalidInventory
from domain.money import format_cop

CHANGE_PROBES = 5  # products renamed by `search --change-probe`; change_ms is their median


async def run_search(
    settings: Settings,
    catalog: Path,
    queries: Path,
    out: Path,
    *,
    top_k: int = 10,
    stats: Path | None = None,
    change_probe: bool = False,
) -> int:
    """Run every query of `queries` (JSON lines {id, text}); write {id, results: [sku]}."""
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite+aiosqlite:///{tmp}/search.db"
        local = settings.model_copy(update={"database_url": database, "search_index_file": "off"})
        app = await build_app(local)
        try:
            started = time.perf_counter()
            await import_inventory(app.uow(), app.catalog, catalog.read_bytes(), catalog.name)
            build_s = time.perf_counter() - started
            latencies = await _answer_all(app, queries, out, top_k)
            change_ms: list[float] = []
            if change_probe:
                probed = await _change_probes(app, CHANGE_PROBES)
                if probed is None:
                    return 1
                change_ms = probed
        except InvalidInventory as error:
            print(error.report(), file=sys.stderr)
            return 1
        finally:
            await app.close()
    _report(build_s, latencies, change_ms, stats)
    return 0


async def _answer_all(app: App, queries: Path, out: Path, top_k: int) -> list[float]:
    latencies: list[float] = []
    with queries.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as results:
        for line in lines:
            if not line.strip():
                continue
            query = json.loads(line)
            began = time.perf_counter()
            async with app.uow() as uow:
                products = await app.catalog.search(uow, str(query["text"]), k=top_k)
            latencies.append((time.perf_counter() - began) * 1000)
            result = {"id": query["id"], "results": [p.sku for p in products]}
            results.write(json.dumps(result, ensure_ascii=False) + "\n")
    return latencies


def _report(
    build_s: float, latencies: list[float], change_ms: list[float], stats: Path | None
) -> None:
    latencies.sort()
    p50 = statistics.median(latencies) if latencies else 0.0
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    change = (
        f"; one change searchable in {statistics.median(change_ms):.1f} ms" if change_ms else ""
    )
    print(
        f"import+index build: {build_s:.2f} s; queries: {len(latencies)}; "
        f"latency p50 {p50:.2f} ms, p99 {p99:.2f} ms{change}",
        file=sys.stderr,
    )
    if stats is None:
        return
    figures: dict[str, float | int] = {
        "build_s": round(build_s, 3),
        "queries": len(latencies),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if change_ms:
        figures["change_ms"] = round(statistics.median(change_ms), 2)
    stats.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


async def _change_probes(app: App, probes: int) -> list[float] | None:
    """Rename the last products on sale as an owner does (a one-row inventory upload) and time
    each from the upload until the customer search finds the new word; None if it does not."""
    on_sale: list = []
    async for page in product_pages(app.uow()):
        on_sale = (on_sale + [p for p in page if p.visible])[-probes:]
    timings: list[float] = []
    for number, product in enumerate(on_sale, start=1):
        word = f"zqxprobe{number}"
        text = io.StringIO()
        csv.writer(text).writerows(
            [
                ("sku", "nombre", "descripcion", "categoria", "precio", "stock"),
                (product.sku, f"{product.name} {word}", product.description, product.category,
                 format_cop(product.price_minor), product.stock),
            ]
        )  # fmt: skip
        started = time.perf_counter()
        await import_inventory(app.uow(), app.catalog, text.getvalue().encode(), "cambio.csv")
        async with app.uow() as uow:
            found = await app.catalog.search(uow, word, k=10)
        if product.sku not in {p.sku for p in found}:
            print(f"{product.sku}, renombrado «{word}», no aparece al buscarlo.", file=sys.stderr)
            return None
        timings.append((time.perf_counter() - started) * 1000)
    return timings
