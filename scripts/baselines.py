"""Two classic product-search baselines over the same catalog and queries as `run_bot.py search`.

    python scripts/baselines.py run --method bm25s --catalog C.csv --queries Q.jsonl \
        --top-k 10 --out OUT.jsonl [--stats S.json] [--change-probes 5]

- bm25s: BM25 (the `bm25s` library) with a Spanish Snowball stemmer (PyStemmer) and Spanish
  stopwords;
- tfidf: character 3–5-gram TF-IDF (scikit-learn, `char_wb`, sublinear tf), cosine similarity
  as one sparse dot product.

Both read name + description + category, lowercased and without accents, and only the products
a customer may see (active, stock > 0). The run file is the same as ours (`{"id", "results":
[sku, ...]}` per line). `--stats` writes build_s, p50_ms/p99_ms (one query at a time, as a bot
asks), peak_rss_mb of this process and change_s: the time to make one renamed product
searchable, which for these libraries is a full re-index (neither updates an index in place).
Run each method in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_SPANISH
from sklearn.feature_extraction.text import TfidfVectorizer

METHODS = ("bm25s", "tfidf")
FALSE_WORDS = frozenset({"no", "n", "false", "0", "inactivo", "falso"})


def fold(text: str) -> str:
    """Lowercase, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Searchable:
    """The products a customer may find: their skus and the text each baseline indexes."""

    skus: list[str]
    texts: list[str]


def read_searchable(path: Path) -> Searchable:
    """Active products with stock > 0 from an inventory CSV (`,` or `;`, UTF-8)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline(), delimiters=",;")
        handle.seek(0)
        skus, texts = [], []
        for row in csv.DictReader(handle, dialect=dialect):
            if _stock(row.get("stock")) <= 0 or fold(row.get("activo") or "") in FALSE_WORDS:
                continue
            skus.append(row["sku"].strip())
            fields = (row.get("nombre"), row.get("descripcion"), row.get("categoria"))
            texts.append(" ".join(field.strip() for field in fields if field))
    return Searchable(skus, texts)


def _stock(value: str | None) -> float:
    try:
        return float((value or "0").replace(".", "").replace(",", ".").strip() or 0)
    except ValueError:
        return 0.0


class Index(Protocol):
    def search(self, query: str, k: int) -> list[int]:
        """Row numbers of the best `k` texts for `query`, best first."""
        ...


class Bm25Index:
    """bm25s over folded text: Spanish stopwords out, Snowball stems in."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._tokenizer = bm25s.tokenization.Tokenizer(
            lower=False,  # fold() already lowercases
            splitter=r"(?u)\b\w+\b",  # keeps "5" of "5 lb" and "m" of "talla M"
            stopwords=sorted({fold(word) for word in STOPWORDS_SPANISH}),
            stemmer=Stemmer.Stemmer("spanish"),
        )
        tokens = self._tokenizer.tokenize(
            [fold(text) for text in texts], return_as="tuple", show_progress=False
        )
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokens, show_progress=False)
        self._size = len(texts)

    def search(self, query: str, k: int) -> list[int]:
        ids = self._tokenizer.tokenize(
            [fold(query)], update_vocab=False, return_as="ids", show_progress=False
        )
        if not self._size:
            return []
        # Words the catalog never uses become bm25s's empty token: score 0, dropped below.
        docs, scores = self._bm25.retrieve(ids, k=min(k, self._size), show_progress=False)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


class TfidfIndex:
    """Character 3–5-grams within words, sublinear tf, L2-normalised: cosine = dot product."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            sublinear_tf=True,
            lowercase=True,
            strip_accents="unicode",
            dtype=np.float32,
        )
        # n-gram -> products, so a query only touches the products sharing its n-grams.
        self._by_gram = self._vectorizer.fit_transform(texts).T.tocsr()

    def search(self, query: str, k: int) -> list[int]:
        scores = (self._vectorizer.transform([query]) @ self._by_gram).tocsr()
        if not scores.nnz:
            return []
        top = np.argsort(-scores.data, kind="stable")[:k]
        return [int(i) for i in scores.indices[top]]


def build(method: str, texts: Sequence[str]) -> Index:
    if method == "bm25s":
        return Bm25Index(texts)
    if method == "tfidf":
        return TfidfIndex(texts)
    raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")


def change_seconds(method: str, catalog: Searchable, probes: int) -> list[float]:
    """Rename one of the last products and time the re-index until the new word finds it."""
    timings = []
    for number in range(1, min(probes, len(catalog.texts)) + 1):
        row = len(catalog.texts) - number
        word = f"zqxprobe{number}"
        texts = list(catalog.texts)
        texts[row] = f"{texts[row]} {word}"
        started = time.perf_counter()
        found = row in build(method, texts).search(word, 10)
        if not found:
            raise RuntimeError(f"{method}: product {catalog.skus[row]} renamed to {word} not found")
        timings.append(time.perf_counter() - started)
    return timings


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank, as `run_bot.py search` reports p99."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] if ordered else 0.0


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    catalog = read_searchable(args.catalog)
    index = build(args.method, catalog.texts)
    build_s = time.perf_counter() - started
    latencies = []
    with (
        args.queries.open(encoding="utf-8") as queries,
        args.out.open("w", encoding="utf-8") as out,
    ):
        for line in queries:
            if not line.strip():
                continue
            query = json.loads(line)
            began = time.perf_counter()
            rows = index.search(str(query["text"]), args.top_k)
            latencies.append((time.perf_counter() - began) * 1000)
            result = {"id": query["id"], "results": [catalog.skus[row] for row in rows]}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    del index  # a change probe builds a second index: not both in memory at once
    changes = change_seconds(args.method, catalog, args.change_probes)
    stats = {
        "method": args.method,
        "products": len(catalog.skus),
        "build_s": round(build_s, 3),
        "queries": len(latencies),
        "p50_ms": round(statistics.median(latencies) if latencies else 0.0, 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if changes:
        stats["change_s"] = round(statistics.median(changes), 3)
        stats["change_probes"] = len(changes)
    print(
        f"{args.method}: build {build_s:.2f} s; queries: {len(latencies)}; latency p50 "
        f"{stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms"
        + (f"; one change searchable in {stats['change_s']:.2f} s" if changes else ""),
        file=sys.stderr,
    )
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("run", help="build one baseline, run the queries, write a run file")
    one.add_argument("--method", choices=METHODS, required=True)
    one.add_argument("--catalog", type=Path, required=True)
    one.add_argument("--queries", type=Path, required=True)
    one.add_argument("--top-k", type=int, default=10)
    one.add_argument("--out", type=Path, required=True)
    one.add_argument("--stats", type=Path, help="also write the figures here as JSON")
    one.add_argument(
        "--change-probes", type=int, default=0, help="re-index this many times (change_s)"
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
