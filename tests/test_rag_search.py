"""Behaviour of the hybrid product search on a small safety-shop catalog and the ESCI dev set."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.embedder import Embedder, HashingEmbedder
from rag.search import FusionWeights, ProductIndex, SearchDoc, name_head
from rag.synonyms import load_synonyms
from rag.vectors import LocalEmbedder, ProductVectors

ROOT = Path(__file__).resolve().parents[1]
SYNONYMS = ROOT / "data" / "synonyms.txt"
BENCH = Path("/work/shared/bench/esci_es_dev")

CATALOG = [
    SearchDoc(1, "Extintor PQS 10 lb", "Polvo químico seco multipropósito ABC", "Extintores"),
    SearchDoc(2, "Extintor PQS 20 libras", "Polvo químico seco, recarga incluida", "Extintores"),
    SearchDoc(3, "Extintor CO2 10 lb", "Dióxido de carbono para equipos eléctricos", "Extintores"),
    SearchDoc(4, "Casco de seguridad blanco", "Casco dieléctrico con rachet", "Protección cabeza"),
    SearchDoc(5, "Casco de seguridad amarillo", "Tipo II clase E", "Protección cabeza"),
    SearchDoc(6, "Guantes de nitrilo talla 9", "Caja x 100 unidades", "Protección manos"),
    SearchDoc(7, "Guantes de carnaza", "Guante de cuero para soldador", "Protección manos"),
    SearchDoc(8, "Botas punta de acero", "Calzado de seguridad dieléctrico talla 40", "Calzado"),
    SearchDoc(9, "Arnés de cuerpo completo", "Cuatro argollas, certificado", "Alturas"),
    SearchDoc(10, "Respirador media cara 3M", "Con filtros para vapores orgánicos", "Respiratoria"),
    SearchDoc(11, "Tapaoídos de silicona", "Protector auditivo con cordón", "Auditiva"),
    SearchDoc(12, "Chaleco reflectivo naranja", "Con cinta reflectiva", "Señalización"),
    SearchDoc(13, "Botiquín tipo A", "Kit de primeros auxilios para empresa", "Primeros auxilios"),
    SearchDoc(14, "Cono de tráfico 70 cm", "Con franja reflectiva", "Señalización"),
    SearchDoc(15, "Monogafas de seguridad", "Lente claro antiempañante", "Protección visual"),
    SearchDoc(16, "Tapabocas desechable", "Caja x 50", "Respiratoria"),
]


def ids(hits: list) -> list[int]:
    return [h.id for h in hits]


@pytest.fixture(scope="module")
def synonyms() -> dict[str, list[str]]:
    return load_synonyms(SYNONYMS)


@pytest.fixture
def index(synonyms: dict[str, list[str]]) -> ProductIndex:
    product_index = ProductIndex(synonyms=synonyms)
    product_index.upsert_many(CATALOG)
    return product_index


def test_len_counts_products(index: ProductIndex) -> None:
    assert len(index) == len(CATALOG)


def test_typo_and_units_rank_the_right_size_first(index: ProductIndex) -> None:
    hits = index.search("estintor 20 libras")
    assert ids(hits)[0] == 2
    assert set(ids(hits)) >= {1, 2, 3}


@pytest.mark.parametrize(
    "query", ["extintor de 20 lb", "el de 20lb", "el de 20", "extinguidor 20 lbs."]
)
def test_quantity_variants_find_20_lb(index: ProductIndex, query: str) -> None:
    assert ids(index.search(query))[0] == 2


def test_ten_pounds_prefers_10_lb(index: ProductIndex) -> None:
    assert ids(index.search("extintor 10 libras"))[:2] in ([1, 3], [3, 1])


def test_a_verb_finds_the_products_named_by_its_agent_noun() -> None:
    """ "para soldar" used to find the mask "para soldar" only: Snowball stems "soldar",
    "soldador" and "soldadura" apart."""
    weld = ProductIndex()
    weld.upsert_many(
        [
            SearchDoc(1, "Careta para soldar fotosensible", "Para soldadura eléctrica.", ""),
            SearchDoc(2, "Guante de carnaza largo para soldador", "Guante de 14 pulgadas.", ""),
            SearchDoc(3, "Guante de nitrilo", "Para limpieza.", ""),
        ]
    )
    assert ids(weld.search("guantes para soldar"))[0] == 2
    assert set(ids(weld.search("algo para soldar"))[:2]) == {1, 2}


def test_singular_finds_plural(index: ProductIndex) -> None:
    assert set(ids(index.search("guante"))[:2]) == {6, 7}


def test_size_narrows_gloves(index: ProductIndex) -> None:
    assert ids(index.search("guantes de nitrilo talla 9"))[0] == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("¿tienen extintores?", {1, 2, 3}),
        ("gorro de seguridad", {4, 5}),
        ("mascarilla", {16}),
        ("protector auditivo", {11}),
        ("lentes de seguridad", {15}),
        ("calzado de seguridad", {8}),
        ("primeros auxilios", {13}),
        ("chaleco reflectivo", {12}),
        ("arnes", {9}),
        ("polvo quimico seco", {1, 2}),
        ("co2", {3}),
        ("tapa oidos", {11}),
        ("conos", {14}),
    ],
)
def test_domain_queries(index: ProductIndex, query: str, expected: set[int]) -> None:
    top = set(ids(index.search(query))[: len(expected)])
    assert top == expected


@pytest.mark.parametrize("query", ["hola", "gracias", "buenas tardes", "", "  ¿?  ", "xyzzy"])
def test_chit_chat_finds_nothing(index: ProductIndex, query: str) -> None:
    assert index.search(query) == []


def test_hits_are_best_first_and_bounded(index: ProductIndex) -> None:
    hits = index.search("casco", k=1)
    assert len(hits) == 1
    scores = [h.score for h in index.search("seguridad")]
    assert scores == sorted(scores, reverse=True)


def test_invisible_product_disappears_at_once(index: ProductIndex) -> None:
    index.upsert(SearchDoc(2, "Extintor PQS 20 libras", category="Extintores", visible=False))
    assert 2 not in ids(index.search("extintor 20 libras"))
    assert 2 in ids(index.search("extintor 20 libras", visible_only=False))
    index.upsert(SearchDoc(2, "Extintor PQS 20 libras", category="Extintores", visible=True))
    assert ids(index.search("extintor 20 libras"))[0] == 2


def test_removed_product_disappears_at_once(index: ProductIndex) -> None:
    index.remove(9)
    index.remove(9)  # idempotent
    assert index.search("arnés") == []
    assert len(index) == len(CATALOG) - 1


def test_rename_makes_new_name_findable_and_old_not(index: ProductIndex) -> None:
    index.upsert(SearchDoc(9, "Eslinga de posicionamiento", "Doble gancho", "Alturas"))
    assert ids(index.search("eslinga"))[0] == 9
    assert 9 not in ids(index.search("arnés"))
    assert len(index) == len(CATALOG)


def test_slots_are_reused_after_removal(index: ProductIndex) -> None:
    for doc in CATALOG[:5]:
        index.remove(doc.id)
    index.upsert(SearchDoc(100, "Linterna recargable LED", category="Iluminación"))
    assert ids(index.search("linterna")) == [100]
    assert ids(index.search("casco")) == []


def test_works_without_synonyms_or_dense() -> None:
    plain = ProductIndex(weights=FusionWeights(dense=0.0))
    plain.upsert_many(CATALOG)
    assert ids(plain.search("estintor 20 libras"))[0] == 2
    assert plain.search("hola") == []


SPELLING_CATALOG = [
    SearchDoc(1, "Ginseng coreano rojo 500 mg"),
    SearchDoc(2, "Anillos de plata con circonita"),
    SearchDoc(3, "Repelente de mosquitos en spray"),
    SearchDoc(4, "Kryptonite candado en U para bicicleta"),
    SearchDoc(5, "Mando a distancia universal (remote)"),
    SearchDoc(6, "Yerba mate 1 kg"),
    SearchDoc(7, "Pantalones cortos de deporte"),
    SearchDoc(8, "Tapaoídos de espuma"),
    SearchDoc(9, "Porta lápices de madera"),
    SearchDoc(10, "Juego de magia para niños de 6 años"),
    SearchDoc(11, "Juego de construcción para niños de 3 años"),
    SearchDoc(12, "Bermudas vaqueras"),
    SearchDoc(13, "Cargador USB 5V 3000mA"),
    SearchDoc(14, "Cargador USB 5V 2A"),
    SearchDoc(15, "Aceite de oliva 1,5 litros"),
    SearchDoc(16, "Aceite de oliva 500 ml"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gingseng koreano", 1),  # a letter too many; k for c
        ("aanillos plata", 2),  # a doubled letter
        ("antimosquitos", 3),  # a catalog word inside a compound
        ("kriptonite", 4),  # i for y
        ("pantal", 7),  # a cut word
        ("tapa oidos", 8),  # two words the catalog writes as one
        ("portalapices", 9),  # one word the catalog writes as two
        ("juego niños 3 años", 11),  # ages are quantities
        ("cargador 3 amperios", 13),  # one quantity in another unit
        ("aceite 1500 ml", 15),
        ("aceite medio litro", 16),
    ],
)
def test_misspelt_words_find_catalog_words(query: str, expected: int) -> None:
    index = ProductIndex(weights=FusionWeights(dense=0.0))
    index.upsert_many(SPELLING_CATALOG)
    assert ids(index.search(query))[:1] == [expected]


def test_a_misspelt_word_brings_its_synonyms() -> None:
    index = ProductIndex(
        synonyms={"bermudas": ["pantalones cortos"]}, weights=FusionWeights(dense=0.0)
    )
    index.upsert_many(SPELLING_CATALOG)
    assert set(ids(index.search("bermduas"))) == {7, 12}


def test_a_word_the_catalog_lacks_brings_its_own_synonyms_though_it_looks_like_another() -> None:
    # 'persiana' is not in the catalog and looks like 'persona': both readings are tried.
    index = ProductIndex(
        synonyms={"persiana": ["estor"], "estor": ["persiana"]},
        weights=FusionWeights(dense=0.0),
    )
    index.upsert_many(
        [
            SearchDoc(1, "Estor enrollable blanco 140 x 180 cm"),
            SearchDoc(2, "Kayak para 1 persona"),
        ]
    )
    assert ids(index.search("persiana"))[:1] == [1]


def test_unknown_words_are_not_forced_onto_unlike_catalog_words() -> None:
    index = ProductIndex(weights=FusionWeights(dense=0.0))
    index.upsert_many(SPELLING_CATALOG)
    assert index.search("remates") == []  # neither 'remote' (o for a) nor 'mate' (a part)


class TinyEmbedder:
    """A stand-in provider embedder: anything matching the protocol plugs in."""

    name = "tiny"
    version = "0"
    dim = 8

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_custom_embedder_plugs_in() -> None:
    assert isinstance(TinyEmbedder(), Embedder)
    vectors = ProductVectors(LocalEmbedder(TinyEmbedder()))
    custom = ProductIndex(dense=vectors.dense)
    custom.upsert_many(CATALOG)
    vectors.stage((doc.id, custom.dense_text(doc)) for doc in CATALOG)
    assert vectors.flush_local() == len(CATALOG)
    hits = custom.search("guante", query_vector=vectors.query_now("guante"))
    assert ids(hits)[:2] in ([6, 7], [7, 6])


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(dim=64)
    first = embedder.embed(["Extintor 20 libras", "", "guantes"])
    again = HashingEmbedder(dim=64).embed(["Extintor 20 libras", "", "guantes"])
    assert first.dtype == np.float32 and first.shape == (3, 64)
    np.testing.assert_allclose(first, again)
    np.testing.assert_allclose(np.linalg.norm(first[[0, 2]], axis=1), 1.0, rtol=1e-5)
    assert not first[1].any()


def test_a_brand_dash_title_says_what_it_is_after_the_dash() -> None:
    assert name_head("Geographical Norway - parka niño biblos negro 14", 3) == [
        "geographical", "norway", "parka", "nino", "biblos",
    ]  # fmt: skip
    assert name_head("Gel hidro-alcohólico para manos", 3) == ["gel", "hidro", "alcoholico"]
    index = ProductIndex()
    index.upsert_many(
        [
            SearchDoc(1, "Walkie talkie para niños con linterna, 16 canales"),
            SearchDoc(2, "Acme Outdoor - linterna frontal recargable"),
        ]
    )
    assert ids(index.search("linterna"))[0] == 2


def test_load_synonyms_reads_groups(tmp_path: Path) -> None:
    path = tmp_path / "syn.txt"
    path.write_text("# comment\nExtintor, extinguidor  # inline\n\nsolo\ncasco, gorro\n")
    assert load_synonyms(path) == {
        "extintor": ["extinguidor"],
        "extinguidor": ["extintor"],
        "casco": ["gorro"],
        "gorro": ["casco"],
    }


# Measured 0.891 nDCG@10 on the dev set (95 queries) with the offline default (half A 0.879,
# half B 0.902: `scripts/eval_search.py --half`); the floor leaves a margin for small ranking
# changes, not for a broken ranking. Other queries over the same catalog score lower (the dev
# set was tuned on), so this is a regression guard, not an estimate of quality.
ESCI_NDCG_FLOOR = 0.87


@pytest.mark.skipif(not BENCH.exists(), reason="ESCI dev bench not available")
def test_esci_dev_quality_floor() -> None:
    path = ROOT / "scripts" / "eval_search.py"
    spec = importlib.util.spec_from_file_location("eval_search", path)
    assert spec and spec.loader
    eval_search = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_search", eval_search)
    spec.loader.exec_module(eval_search)
    metrics, _, _ = eval_search.evaluate(
        BENCH / "catalog.csv", BENCH / "queries.jsonl", BENCH / "qrels.jsonl"
    )
    assert metrics.queries == 95
    assert metrics.ndcg >= ESCI_NDCG_FLOOR


def _eval_search():  # type: ignore[no-untyped-def]
    path = ROOT / "scripts" / "eval_search.py"
    spec = importlib.util.spec_from_file_location("eval_search", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_query_halves_are_stable_and_split_by_id() -> None:
    eval_search = _eval_search()
    # SHA-256 of the id, first byte even = A: the same on every machine and Python
    assert eval_search.half_of("6110") == "A" and eval_search.half_of("274") == "B"
    if BENCH.exists():
        queries = eval_search.read_jsonl(BENCH / "queries.jsonl")
        halves = [eval_search.half_of(q["id"]) for q in queries]
        assert (halves.count("A"), halves.count("B")) == (44, 51)
    qrels = {"6110": {"x": 3}, "274": {"y": 3}}
    assert eval_search.only_half(qrels, "A") == {"6110": {"x": 3}}
    assert eval_search.only_half(qrels, None) == qrels


def test_the_id_to_slot_map_answers_as_a_dict_through_its_merges(monkeypatch) -> None:  # noqa: ANN001
    """ProductIndex keeps id -> slot in sorted arrays plus recent changes (rag.search._SlotMap)."""
    import random

    from rag import search as search_module

    monkeypatch.setattr(search_module, "_SLOT_CHANGES", 5)
    rng = random.Random(11)
    slots, reference = search_module._SlotMap(), {}
    for step in range(3000):
        doc_id = rng.choice([rng.randrange(60), rng.randrange(-5, 10**12)])
        if rng.random() < 0.35:
            assert slots.pop(doc_id) == reference.pop(doc_id, None)
        elif doc_id not in reference:
            slots.set(doc_id, step)
            reference[doc_id] = step
        assert slots.get(doc_id) == reference.get(doc_id)
        assert len(slots) == len(reference)
        if step % 250 == 0:
            assert sorted(slots.ids()) == sorted(reference)
            assert all(slots.get(i) == s for i, s in reference.items())
