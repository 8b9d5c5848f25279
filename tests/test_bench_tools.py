"""The search benchmark's tools: the catalog generator, the synthetic queries and the two
baselines (scripts/)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from domain.inventory import parse_inventory

ROOT = Path(__file__).resolve().parents[1]
UPLOAD_LIMIT = 20 * 1024 * 1024  # parse_inventory's max_bytes: a 100k catalog must fit


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


gen_catalog = _script("gen_catalog")
baselines = _script("baselines")
synthetic = _script("synthetic_queries")


def generate(tmp_path: Path, products: int, seed: int, tag: str) -> tuple[bytes, bytes]:
    catalog, queries = tmp_path / f"cat-{tag}.csv", tmp_path / f"q-{tag}.jsonl"
    args = ["--products", str(products), "--seed", str(seed), "--out", str(catalog)]
    assert gen_catalog.main([*args, "--queries", str(queries), "--n-queries", "200"]) == 0
    return catalog.read_bytes(), queries.read_bytes()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_ones(tmp_path: Path) -> None:
    first = generate(tmp_path, 300, 7, "a")
    assert generate(tmp_path, 300, 7, "b") == first
    other = generate(tmp_path, 300, 8, "c")
    assert other[0] != first[0] and other[1] != first[1]


def test_the_owner_import_accepts_every_generated_row(tmp_path: Path) -> None:
    catalog, queries = generate(tmp_path, 2000, 7, "big")
    rows = parse_inventory(catalog, "catalogo.csv")
    assert len(rows) == 2000
    assert len({row.sku for row in rows}) == 2000
    assert all(row.name and row.description and row.category for row in rows)
    assert all(row.price_minor > 0 and row.price_minor % 5000 == 0 for row in rows)  # $50 steps
    assert all(0 <= row.stock <= 200 for row in rows)
    assert 0 < sum(row.stock == 0 for row in rows) < 400  # some sold out, most on sale
    assert len({row.sku.split("-")[0] for row in rows}) >= 12  # every kind of shop
    assert len(catalog) * 50 < UPLOAD_LIMIT * 0.9  # 100,000 products still fit in an upload
    texts = [json.loads(line)["text"] for line in queries.decode().splitlines()]
    assert len(texts) == 200 and all(text.strip() for text in texts)


def test_queries_read_like_customers(tmp_path: Path) -> None:
    _, queries = generate(tmp_path, 2000, 7, "q")
    texts = [json.loads(line)["text"] for line in queries.decode().splitlines()]
    assert any(text.startswith(("tienen", "¿tienen")) for text in texts)
    assert any(text == gen_catalog.fold(text) for text in texts)  # typed without accents
    assert any(word in " ".join(texts) for word in ("libras", "kilos", "gramos", "ml"))


TINY = (
    "sku,nombre,descripcion,categoria,precio,stock,activo\n"
    "E20,Extintor multipropósito ABC 20 lb,Polvo químico seco,Extintores,175000,7,si\n"
    "G1,Guantes de nitrilo talla M,Caja x 100,Protección de manos,12000,40,si\n"
    "C1,Casco de seguridad blanco,Dieléctrico,Protección de cabeza,35000,9,si\n"
    "ZERO,Extintor de CO2 10 lb,Agotado,Extintores,395000,0,si\n"
    "OFF,Extintor solkaflam 10 lb,Inactivo,Extintores,420000,5,no\n"
)


@pytest.mark.parametrize("method", baselines.METHODS)
def test_a_baseline_finds_the_obvious_product_and_only_what_is_on_sale(
    tmp_path: Path, method: str
) -> None:
    catalog, queries = tmp_path / "tiny.csv", tmp_path / "q.jsonl"
    catalog.write_text(TINY, encoding="utf-8")
    queries.write_text(
        '{"id": "1", "text": "¿tienen extintores?"}\n{"id": 2, "text": "guantes nitrilo"}\n'
        '{"id": "3", "text": "zzzz"}\n',
        encoding="utf-8",
    )
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    args = ["run", "--method", method, "--catalog", str(catalog), "--queries", str(queries)]
    args += ["--out", str(out), "--stats", str(stats), "--change-probes", "1"]
    assert baselines.main(args) == 0
    runs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [run["id"] for run in runs] == ["1", 2, "3"]
    assert runs[0]["results"][0] == "E20"
    assert not {"ZERO", "OFF"} & {sku for run in runs for sku in run["results"]}  # not on sale
    assert runs[1]["results"][0] == "G1"
    assert runs[2]["results"] == []
    figures = json.loads(stats.read_text(encoding="utf-8"))
    assert figures["products"] == 3 and figures["queries"] == 3
    assert figures["change_s"] > 0 and figures["peak_rss_mb"] > 0


def synthetic_files(tmp_path: Path, catalog: bytes, seed: int, tag: str) -> tuple[list, list]:
    path = tmp_path / f"cat-{tag}.csv"
    path.write_bytes(catalog)
    queries, qrels = tmp_path / f"sq-{tag}.jsonl", tmp_path / f"sr-{tag}.jsonl"
    args = ["--catalog", str(path), "--queries", str(queries), "--qrels", str(qrels)]
    assert synthetic.main([*args, "--n", "100", "--seed", str(seed)]) == 0
    read = [
        [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
        for file in (queries, qrels)
    ]
    return read[0], read[1]


def test_synthetic_queries_are_the_same_for_a_seed_and_each_has_its_product(
    tmp_path: Path,
) -> None:
    catalog, _ = generate(tmp_path, 1000, 7, "s")
    queries, qrels = synthetic_files(tmp_path, catalog, 7, "a")
    assert (queries, qrels) == synthetic_files(tmp_path, catalog, 7, "b")
    assert synthetic_files(tmp_path, catalog, 8, "c")[0] != queries
    assert len(queries) == 100
    assert {q["kind"] for q in queries} == set(synthetic.KINDS)
    on_sale = {p.sku: p.name for p in synthetic.read_products(tmp_path / "cat-a.csv")}
    judged: dict[str, list[str]] = {}
    for row in qrels:
        assert row["grade"] == 3 and row["sku"] in on_sale  # never a sold-out product
        judged.setdefault(row["id"], []).append(row["sku"])
    for query in queries:
        names = {synthetic.fold(on_sale[sku]) for sku in judged[query["id"]]}
        if query["kind"] == "partial":  # every product the words fit
            assert all(set(synthetic.fold(query["text"]).split()) <= set(n.split()) for n in names)
        else:  # the source product and its namesakes, said another way
            assert len(names) == 1 and synthetic.fold(query["text"]) not in names


def test_synthetic_variants_read_like_slips_of_a_customer() -> None:
    rng = synthetic.random.Random(1)
    name = "almohada viscoelástica alpes blanca 45 x 65 cm"
    assert synthetic.abbreviated(rng, "acondicionador hidratante 200 ml").split()[0] in {
        "acon", "acond", "acondi"
    }  # fmt: skip
    assert synthetic.plural_of("lápiz") == "lápices"
    assert synthetic.plural_of("camión") == "camiones"
    assert synthetic.plural_of("bota") == "botas"
    for _ in range(20):  # a quantity stays whole
        text = synthetic.partial(rng, name)
        assert text is not None and text.startswith("almohada viscoelástica")
        assert "45" not in text or "45 x 65 cm" in text
    groups = [["funda", "carcasa", "forro"]]
    assert synthetic.synonym(rng, "funda para celular negra", groups) in {
        "carcasa para celular negra", "forro para celular negra"
    }  # fmt: skip
