"""The product-search benchmark (`make bench`): our retrieval against BM25 and char-n-gram TF-IDF.

    python scripts/bench.py [--dev DIR] [--sizes 10000,100000] [--quick]

1. Quality on the development set (DIR/catalog.csv, queries.jsonl, qrels.jsonl): nDCG@10,
   Recall@10 and MRR@10 of each method, scored by scripts/eval_search.py, over all the queries
   and over each fixed half (eval_search.half_of): tune on half A, half B is held out.
2. Synthetic queries with known answers (scripts/synthetic_queries.py): N_SYNTHETIC product
   names of the 10,000-product generated catalog typo'd, abbreviated, cut short, said with a
   synonym or in the plural; nDCG@10 of each method, in all and by kind.
3. Scale on generated catalogs (scripts/gen_catalog.py, kept in .venv/bench/ and reused for the
   same size and seed): import+build time, query latency p50/p99, peak memory of the process,
   and how long one changed product takes to be searchable.

Ours runs only through `run_bot.py search`, each baseline through `scripts/baselines.py run`,
every one in its own process (its peak memory is its own). Prints one table per part, with our
targets and the ours/bm25s ratio, and writes every figure to .venv/bench/results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

from eval_search import HALVES, load_qrels, only_half, read_jsonl, score_run  # noqa: E402
from synthetic_queries import KINDS, make, read_groups, read_products, write_jsonl  # noqa: E402

WORK = ROOT / ".venv" / "bench"
DEFAULT_DEV = ROOT.parent / "shared" / "bench" / "esci_es_dev"
SYNONYMS = ROOT / "data" / "synonyms.txt"
METHODS = ("ours", "bm25s", "tfidf")
SEED = 7
N_QUERIES = 1000
N_SYNTHETIC = 300
SYNTHETIC_SIZE = 10_000
OUR_PROBES = 5  # run_bot.py search --change-probe renames 5 products
BIG = 100_000  # from this size on a baseline's re-index takes seconds: median of 3, not 5


@dataclass(frozen=True)
class Target:
    """What our figure must reach: `at_most` or at least `value`; None size = any size."""

    value: float
    at_most: bool
    size: int | None = BIG

    def met(self, figure: float) -> bool:
        return figure <= self.value if self.at_most else figure >= self.value

    def label(self, unit: str) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.value:g}{unit}"


NDCG_TARGET = Target(0.86, at_most=False, size=None)
# figure key, row label, unit, target for ours
SCALE_ROWS: tuple[tuple[str, str, str, Target | None], ...] = (
    ("build_s", "import+build (s)", " s", Target(30, at_most=True)),
    ("p50_ms", "query p50 (ms)", " ms", None),
    ("p99_ms", "query p99 (ms)", " ms", Target(10, at_most=True)),
    ("peak_rss_mb", "peak RSS (MB)", " MB", Target(250, at_most=True)),
    ("change_ms", "one change searchable (ms)", " ms", Target(100, at_most=True, size=None)),
)


def _run(command: Sequence[str | Path], what: str) -> float:
    """Run one measured process; its wall time in seconds. Stops the bench if it fails."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(part) for part in command], cwd=ROOT, capture_output=True, text=True, env=_env()
    )
    if result.returncode != 0:
        sys.exit(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def _env() -> dict[str, str]:
    """The machine's environment without a bot token or a database: a throw-away run."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "OWNER_", "AI_"))
    }


def run_method(
    method: str, catalog: Path, queries: Path, out: Path, stats: Path, *, probes: int
) -> dict:
    """Run one method over a catalog; its stats (change always in ms as `change_ms`)."""
    if method == "ours":
        command = [sys.executable, "run_bot.py", "search"]
        if probes:
            command.append("--change-probe")
    else:
        command = [sys.executable, SCRIPTS / "baselines.py", "run", "--method", method]
        command += ["--change-probes", str(probes)]
    command += ["--catalog", catalog, "--queries", queries, "--top-k", "10"]
    command += ["--out", out, "--stats", stats]
    wall_s = _run(command, f"{method} on {catalog.name}")
    figures = json.loads(stats.read_text(encoding="utf-8"))
    if "change_s" in figures:
        figures["change_ms"] = round(figures.pop("change_s") * 1000, 1)
    if method == "ours" and probes:
        figures["change_probes"] = OUR_PROBES
    figures["wall_s"] = round(wall_s, 1)
    return figures


# ---------------------------------------------------------------- part 1: quality


def quality(dev: Path, methods: Sequence[str]) -> dict[str, dict]:
    qrels = load_qrels(dev / "qrels.jsonl")
    figures = {}
    for method in methods:
        out = WORK / f"dev-{method}.jsonl"
        stats = run_method(
            method, dev / "catalog.csv", dev / "queries.jsonl", out,
            WORK / f"dev-{method}.json", probes=0,
        )  # fmt: skip
        run = {str(r["id"]): [str(s) for s in r["results"]] for r in read_jsonl(out)}
        metrics = score_run(run, qrels, k=10)
        figures[method] = {
            "ndcg@10": round(metrics.ndcg, 4),
            "recall@10": round(metrics.recall, 4),
            "mrr@10": round(metrics.mrr, 4),
            "queries": metrics.queries,
            "p50_ms": stats["p50_ms"],
            "p99_ms": stats["p99_ms"],
        }
        for half in HALVES:
            part = score_run(run, only_half(qrels, half), k=10)
            figures[method][f"half_{half}"] = {
                "ndcg@10": round(part.ndcg, 4),
                "recall@10": round(part.recall, 4),
                "mrr@10": round(part.mrr, 4),
                "queries": part.queries,
            }
    return figures


def quality_table(figures: dict[str, dict], dev: Path) -> str:
    methods = list(figures)
    queries = next(iter(figures.values()))["queries"]
    rows = [["metric", *methods, "ours/bm25s", "target (ours)", "met"]]
    for key, label in (("ndcg@10", "nDCG@10"), ("recall@10", "Recall@10"), ("mrr@10", "MRR@10")):
        values = [figures[m][key] for m in methods]
        target = NDCG_TARGET if key == "ndcg@10" else None
        rows.append(
            [label, *(f"{v:.3f}" for v in values), _ratio(figures, key),
             target.label("") if target else "", _met(target, figures["ours"][key])]
        )  # fmt: skip
        if key != "ndcg@10":
            continue
        for half, role in zip(HALVES, ("tuned on", "held out"), strict=True):
            part = {m: figures[m][f"half_{half}"] for m in methods}
            count = part[methods[0]]["queries"]
            rows.append(
                [f"  half {half} ({count}, {role})", *(f"{part[m][key]:.3f}" for m in methods),
                 _ratio(part, key), "", ""]
            )  # fmt: skip
    title = f"Quality — {dev.name} ({queries} judged queries, top 10)"
    return _table(title, rows)


# ---------------------------------------------------------------- part 2: synthetic queries


def synthetic(seed: int, methods: Sequence[str]) -> dict[str, dict]:
    """Made-up queries about SYNTHETIC_SIZE generated products, each with its product known."""
    catalog, _ = generated(SYNTHETIC_SIZE, seed)
    made, judged = make(read_products(catalog), N_SYNTHETIC, seed, read_groups(SYNONYMS))
    queries = WORK / f"synthetic-{SYNTHETIC_SIZE}-seed{seed}.jsonl"
    qrels_path = queries.with_suffix(".qrels.jsonl")
    write_jsonl([{"id": q["id"], "text": q["text"]} for q in made], queries)
    write_jsonl(judged, qrels_path)
    kind_of = {q["id"]: q["kind"] for q in made}
    qrels = load_qrels(qrels_path)
    figures: dict[str, dict] = {}
    for method in methods:
        print(f"{method} on synthetic queries…", file=sys.stderr, flush=True)
        out = WORK / f"synthetic-{method}.jsonl"
        run_method(method, catalog, queries, out, WORK / f"synthetic-{method}.json", probes=0)
        run = {str(r["id"]): [str(s) for s in r["results"]] for r in read_jsonl(out)}
        every = score_run(run, qrels, k=10)
        figures[method] = {
            "ndcg@10": round(every.ndcg, 4),
            "mrr@10": round(every.mrr, 4),
            "queries": every.queries,
        }
        for kind in KINDS:
            of_kind = {qid: j for qid, j in qrels.items() if kind_of[qid] == kind}
            part = score_run(run, of_kind, k=10)
            figures[method][kind] = {"ndcg@10": round(part.ndcg, 4), "queries": part.queries}
    return figures


def synthetic_table(figures: dict[str, dict], seed: int) -> str:
    methods = list(figures)
    first = figures[methods[0]]
    rows = [["queries", *methods, "ours/bm25s"]]
    rows.append(
        [f"all {first['queries']}, nDCG@10", *(f"{figures[m]['ndcg@10']:.3f}" for m in methods),
         _ratio(figures, "ndcg@10")]
    )  # fmt: skip
    rows.append(
        [f"all {first['queries']}, MRR@10", *(f"{figures[m]['mrr@10']:.3f}" for m in methods),
         _ratio(figures, "mrr@10")]
    )  # fmt: skip
    for kind in KINDS:
        part = {m: figures[m][kind] for m in methods}
        rows.append(
            [f"  {kind} ({part[methods[0]]['queries']})",
             *(f"{part[m]['ndcg@10']:.3f}" for m in methods), _ratio(part, "ndcg@10")]
        )  # fmt: skip
    title = (
        f"Synthetic — product names of the {SYNTHETIC_SIZE:,}-product catalog said another way "
        f"(scripts/synthetic_queries.py, seed {seed}), the product (and its namesakes) relevant"
    )
    return _table(title, rows)


# ---------------------------------------------------------------- part 3: scale


def generated(size: int, seed: int) -> tuple[Path, Path]:
    """A catalog of `size` products and its queries, made once per size, seed and generator."""
    generator = SCRIPTS / "gen_catalog.py"
    stamp = {
        "products": size,
        "seed": seed,
        "n_queries": N_QUERIES,
        "generator": hashlib.sha256(generator.read_bytes()).hexdigest()[:16],
    }
    catalog = WORK / f"catalog-{size}-seed{seed}.csv"
    queries = WORK / f"queries-{size}-seed{seed}.jsonl"
    made = catalog.with_suffix(".json")
    if not (catalog.exists() and queries.exists() and made.exists()) or (
        json.loads(made.read_text(encoding="utf-8")) != stamp
    ):
        print(f"generating {size:,} products (seed {seed})…", file=sys.stderr, flush=True)
        _run(
            [sys.executable, generator, "--products", size, "--seed", seed, "--out", catalog,
             "--queries", queries, "--n-queries", N_QUERIES],
            "gen_catalog.py",
        )  # fmt: skip
        made.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    return catalog, queries


def scale(size: int, seed: int, methods: Sequence[str]) -> dict[str, dict]:
    catalog, queries = generated(size, seed)
    figures = {}
    for method in methods:
        print(f"{method} at {size:,} products…", file=sys.stderr, flush=True)
        probes = OUR_PROBES if method == "ours" or size < BIG else 3
        figures[method] = run_method(
            method, catalog, queries, WORK / f"run-{method}-{size}.jsonl",
            WORK / f"stats-{method}-{size}.json", probes=probes,
        )  # fmt: skip
    return figures


def scale_table(by_size: dict[int, dict[str, dict]]) -> str:
    methods = list(next(iter(by_size.values())))
    rows = [["products", "figure", *methods, "ours/bm25s", "target (ours)", "met"]]
    for size, figures in by_size.items():
        searchable = figures["ours"].get("products") or figures["bm25s"].get("products")
        for number, (key, label, unit, target) in enumerate(SCALE_ROWS):
            applies = target if target and target.size in (None, size) else None
            rows.append(
                [f"{size:,}" if number == 0 else "", label,
                 *(_figure(figures[m].get(key)) for m in methods), _ratio(figures, key),
                 applies.label(unit) if applies else "",
                 _met(applies, figures["ours"].get(key))]
            )  # fmt: skip
        if searchable:
            rows.append(["", f"({searchable:,} on sale)", *([""] * (len(methods) + 3))])
    return _table("Scale — generated catalogs, 1,000 customer queries, one at a time", rows)


# ---------------------------------------------------------------- printing


def _figure(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _ratio(figures: dict[str, dict], key: str) -> str:
    ours, theirs = figures.get("ours", {}).get(key), figures.get("bm25s", {}).get(key)
    if not ours or not theirs:
        return "—"
    return f"{ours / theirs:.2f}×"


def _met(target: Target | None, figure: float | None) -> str:
    if target is None or figure is None:
        return ""
    if target.met(figure):
        return "yes"
    return f"NO ({figure / target.value:.1f}× the target)" if target.at_most else "NO"


def _table(title: str, rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = [i for i in range(len(rows[0])) if i >= 1 and rows[0][i] in (*METHODS, "ours/bm25s")]
    lines = [title]
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in numeric and n else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="development set folder")
    parser.add_argument(
        "--sizes", default=f"10000,{BIG}", help="generated catalog sizes ('' for quality only)"
    )
    parser.add_argument("--quick", action="store_true", help="10,000 products only")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    if not (args.dev / "qrels.jsonl").is_file():
        parser.error(f"no development set in {args.dev} (catalog.csv, queries.jsonl, qrels.jsonl)")
    WORK.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    load = os.getloadavg()[0]  # other work on the machine slows every figure down
    print("quality on the development set…", file=sys.stderr, flush=True)
    dev = quality(args.dev, METHODS)
    made_up = synthetic(args.seed, METHODS)
    by_size = {size: scale(size, args.seed, METHODS) for size in sizes}
    print()
    print(quality_table(dev, args.dev))
    print()
    print(synthetic_table(made_up, args.seed))
    if by_size:
        print()
        print(scale_table(by_size))
    elapsed = time.perf_counter() - started
    change = (
        f"Change: ours renames a product through the owner's import (median of {OUR_PROBES}); "
        "bm25s and tfidf cannot update an index, so one change is a full re-index (median of "
        f"5, of 3 from {BIG:,} products). Peak RSS is each process's own. "
    )
    print(
        f"\n{change if by_size else ''}"
        f"{os.cpu_count()} cores, load {load:.1f} at the start; {elapsed:.0f} s in all."
    )
    results = {
        "dev": {"set": str(args.dev), "methods": dev},
        "synthetic": {"products": SYNTHETIC_SIZE, "queries": N_SYNTHETIC, "methods": made_up},
        "scale": {str(size): figures for size, figures in by_size.items()},
        "seed": args.seed,
        "targets": {
            "ndcg@10": NDCG_TARGET.value,
            **{key: target.value for key, _, _, target in SCALE_ROWS if target},
        },
        "machine": {
            "cores": os.cpu_count(),
            "load_at_start": round(load, 2),
            "python": platform.python_version(),
        },
        "elapsed_s": round(elapsed, 1),
    }
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Figures: {(WORK / 'results.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
