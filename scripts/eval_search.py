"""Evaluate product search: nDCG@k, Recall@k and MRR@k against graded qrels.

Build an index from a catalog and run the queries:
    python scripts/eval_search.py --catalog C.csv --queries Q.jsonl --qrels R.jsonl
Score an existing run file (``{"id", "results": [sku, ...]}`` per line):
    python scripts/eval_search.py --run OUT.jsonl --qrels R.jsonl
Only one half of the queries (tune on A, hold B out; see `half_of`): add ``--half A`` or ``B``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import math
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.embedder import HashingEmbedder  # noqa: E402
from rag.search import FusionWeights, ProductIndex, SearchDoc, SearchHit  # noqa: E402
from rag.synonyms import load_synonyms  # noqa: E402
from rag.vectors import LocalEmbedder, ProductVectors  # noqa: E402

logger = logging.getLogger(__name__)

DEFAULT_SYNONYMS = Path(__file__).resolve().parents[1] / "data" / "synonyms.txt"
Qrels = dict[str, dict[str, int]]
Run = dict[str, list[str]]


@dataclass(frozen=True)
class Metrics:
    """Mean metrics over the judged queries of a run."""

    ndcg: float
    recall: float
    mrr: float
    queries: int


@dataclass(frozen=True)
class Timings:
    """Index build and query latency figures, in milliseconds."""

    build_ms: float
    p50_ms: float
    p99_ms: float


def read_jsonl(path: str | Path) -> list[dict]:
    """Parse a JSON-lines file (blank lines skipped)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_qrels(path: str | Path) -> Qrels:
    """query id -> {sku: grade}."""
    qrels: Qrels = {}
    for row in read_jsonl(path):
        qrels.setdefault(str(row["id"]), {})[str(row["sku"])] = int(row["grade"])
    return qrels


def load_catalog(path: str | Path) -> tuple[list[SearchDoc], list[str]]:
    """Catalog rows as SearchDocs (id = row number) and the sku of each row."""
    docs, skus = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle)):
            stock = (row.get("stock") or "1").strip() or "1"
            docs.append(
                SearchDoc(
                    id=row_number,
                    name=row.get("nombre") or "",
                    description=row.get("descripcion") or "",
                    category=row.get("categoria") or "",
                    visible=float(stock) > 0,
                )
            )
            skus.append(str(row["sku"]))
    return docs, skus


HALVES = ("A", "B")


def half_of(query_id: str) -> str:
    """The half a query belongs to: 'A' when the first byte of the SHA-256 of its id (UTF-8)
    is even, else 'B'. Stable across runs, machines and Python versions (no `hash()`), and
    independent of the query text and of the results, so tuning on A leaves B held out."""
    return HALVES[hashlib.sha256(str(query_id).encode("utf-8")).digest()[0] % 2]


def only_half(qrels: Qrels, half: str | None) -> Qrels:
    """The judgments of the queries in ``half`` (all of them for None)."""
    if half is None:
        return qrels
    return {qid: judged for qid, judged in qrels.items() if half_of(qid) == half}


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """nDCG@k with gain = grade and the ideal ranking taken from the judgments."""
    dcg = sum(judged.get(sku, 0) / math.log2(i + 2) for i, sku in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def score_run(run: Run, qrels: Qrels, k: int = 10, relevant_grade: int = 3) -> Metrics:
    """Mean nDCG@k, Recall@k and MRR@k over queries that have a relevant product."""
    ndcgs, recalls, rrs = [], [], []
    for qid, judged in qrels.items():
        relevant = {sku for sku, g in judged.items() if g >= relevant_grade}
        if not relevant:
            continue
        ranked = run.get(qid, [])[:k]
        ndcgs.append(ndcg_at(ranked, judged, k))
        recalls.append(len(relevant.intersection(ranked)) / len(relevant))
        first = next((i for i, sku in enumerate(ranked) if sku in relevant), None)
        rrs.append(1.0 / (first + 1) if first is not None else 0.0)
    n = len(ndcgs)
    mean = statistics.fmean
    return Metrics(
        mean(ndcgs) if n else 0.0, mean(recalls) if n else 0.0, mean(rrs) if n else 0.0, n
    )


@dataclass(frozen=True)
class Engine:
    """The bot's offline retrieval in-process: the index and its dense vectors."""

    index: ProductIndex
    vectors: ProductVectors | None

    def search(self, text: str, k: int) -> list[SearchHit]:
        query = ProductIndex.dense_query(text)
        vector = self.vectors.query_now(query) if self.vectors is not None else None
        return self.index.search(text, k, query_vector=vector)


def build_index(
    docs: Sequence[SearchDoc],
    synonyms_path: Path | None = DEFAULT_SYNONYMS,
    weights: FusionWeights | None = None,
) -> tuple[Engine, float]:
    """The index over ``docs`` with the offline embedder's vectors, and its build time in ms."""
    synonyms = load_synonyms(synonyms_path) if synonyms_path else None
    start = time.perf_counter()
    dense = (weights or FusionWeights()).dense > 0
    vectors = ProductVectors(LocalEmbedder(HashingEmbedder())) if dense else None
    index = ProductIndex(synonyms=synonyms, weights=weights, dense=vectors and vectors.dense)
    index.upsert_many(docs)
    if vectors is not None:
        vectors.stage((doc.id, index.dense_text(doc)) for doc in docs)
        vectors.flush_local()
    return Engine(index, vectors), (time.perf_counter() - start) * 1000


def run_queries(
    engine: Engine, queries: Sequence[dict], skus: Sequence[str], k: int
) -> tuple[Run, list[float]]:
    """Ranked skus per query id, and each query's latency in ms."""
    run: Run = {}
    latencies = []
    for query in queries:
        start = time.perf_counter()
        hits = engine.search(query["text"], k)
        latencies.append((time.perf_counter() - start) * 1000)
        run[str(query["id"])] = [skus[h.id] for h in hits]
    return run, latencies


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def evaluate(
    catalog: str | Path,
    queries_path: str | Path,
    qrels_path: str | Path,
    *,
    k: int = 10,
    synonyms_path: Path | None = DEFAULT_SYNONYMS,
    weights: FusionWeights | None = None,
    half: str | None = None,
) -> tuple[Metrics, Timings, Run]:
    """Build, run and score (only the queries of ``half``, when given); the entry point tests
    use."""
    docs, skus = load_catalog(catalog)
    index, build_ms = build_index(docs, synonyms_path, weights)
    queries = [q for q in read_jsonl(queries_path) if half is None or half_of(q["id"]) == half]
    run, latencies = run_queries(index, queries, skus, k)
    metrics = score_run(run, only_half(load_qrels(qrels_path), half), k)
    timings = Timings(build_ms, percentile(latencies, 50), percentile(latencies, 99))
    return metrics, timings, run


def _write_run(run: Run, path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for qid, results in run.items():
            handle.write(json.dumps({"id": qid, "results": results}, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog")
    parser.add_argument("--queries")
    parser.add_argument("--qrels", required=True)
    parser.add_argument("--run", help="score this run file instead of building an index")
    parser.add_argument("--out", help="write the produced run here")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--synonyms", default=str(DEFAULT_SYNONYMS), help="'' to disable")
    parser.add_argument(
        "--half", choices=HALVES, help="only this half of the queries (half_of): A tunes, B checks"
    )
    args = parser.parse_args(argv)

    if args.run:
        run = {str(r["id"]): [str(s) for s in r["results"]] for r in read_jsonl(args.run)}
        metrics = score_run(run, only_half(load_qrels(args.qrels), args.half), args.k)
    elif args.catalog and args.queries:
        metrics, timings, run = evaluate(
            args.catalog,
            args.queries,
            args.qrels,
            k=args.k,
            synonyms_path=Path(args.synonyms) if args.synonyms else None,
            half=args.half,
        )
        print(
            f"build_ms={timings.build_ms:.1f} query_p50_ms={timings.p50_ms:.2f} "
            f"query_p99_ms={timings.p99_ms:.2f}",
            file=sys.stderr,
        )
        if args.out:
            _write_run(run, args.out)
    else:
        parser.error("give --run, or --catalog and --queries")
    half = f"half={args.half} " if args.half else ""
    print(
        f"{half}queries={metrics.queries} ndcg@{args.k}={metrics.ndcg:.4f} "
        f"recall@{args.k}={metrics.recall:.4f} mrr@{args.k}={metrics.mrr:.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
