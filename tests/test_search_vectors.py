"""Product vectors for dense search: embedded once per text, saved beside the database, and
fed by a provider's embeddings (the real openai and google-genai SDKs against local servers)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr

from app.settings import Settings
from bot.app import App, build_app
from domain.ai import ProviderError
from domain.catalog import import_inventory
from doubles.ai.gemini_server import LocalGemini
from doubles.ai.openai_server import Fault, LocalOpenAI, hashed_vector
from providers.resilience import CircuitOpen, RetryableError
from rag.embedder import EmbeddingError, HashingEmbedder
from rag.vectors import LocalEmbedder, ProductVectors
from tests.conftest import DATA_DIR, load_sample, make_settings

SAMPLE = DATA_DIR / "inventory.csv"
SAMPLE_ROWS = len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1  # active or not


class CountingEmbedder:
    """An async embedder that counts the texts it is asked for and can be made to fail."""

    name = "counting:v1"
    dim = 16

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.failure: Exception | None = None

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.failure is not None:
            raise self.failure
        self.texts += texts
        return HashingEmbedder(dim=self.dim).embed(texts)


ITEMS = [(1, "Extintor ABC 20 lb"), (2, "Casco de seguridad blanco"), (3, "Guantes de nitrilo")]


async def test_only_new_or_changed_texts_are_embedded() -> None:
    embedder = CountingEmbedder()
    vectors = ProductVectors(embedder)
    vectors.stage(ITEMS)
    assert await vectors.flush() == 3
    vectors.stage(ITEMS)
    assert vectors.pending == 0
    vectors.stage([(2, "Casco de seguridad amarillo"), (4, "Guantes de nitrilo")])
    assert await vectors.flush() == 2
    assert embedder.texts[3:] == ["Casco de seguridad amarillo", "Guantes de nitrilo"]


async def test_a_saved_index_is_reused_by_the_same_embedder_only(tmp_path: Path) -> None:
    path = tmp_path / "shop.vectors.npz"
    first = ProductVectors(CountingEmbedder(), path)
    first.stage(ITEMS)
    await first.flush()
    assert await first.save()
    assert not await first.save()  # nothing changed since

    again = ProductVectors(CountingEmbedder(), path)
    assert again.load() == 3
    again.stage(ITEMS)
    assert again.pending == 0
    query = await again.query("extintor")
    assert query is not None and int(again.dense.search(query, 1)[0][0]) == 1

    other = CountingEmbedder()
    other.name = "counting:v2"  # another model: its vectors do not mix with the old ones
    rebuilt = ProductVectors(other, path)
    assert rebuilt.load() == 0
    rebuilt.stage(ITEMS)
    assert rebuilt.pending == 3


async def test_an_unreadable_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "shop.vectors.npz"
    path.write_bytes(b"not an index")
    vectors = ProductVectors(CountingEmbedder(), path)
    assert vectors.load() == 0
    vectors.stage(ITEMS)
    assert await vectors.flush() == 3


@pytest.mark.parametrize(
    "failure",
    [
        EmbeddingError("down"),
        # a provider's failures are embedding failures to rag, which imports no provider
        ProviderError("gemini: HTTP 400"),
        RetryableError("openai: timed out"),
        CircuitOpen("openai: resting after repeated failures"),
    ],
)
async def test_a_failed_batch_stays_pending_and_queries_fall_back(failure: Exception) -> None:
    embedder = CountingEmbedder()
    vectors = ProductVectors(embedder, batch=2)
    vectors.stage(ITEMS)
    embedder.failure = failure
    with pytest.raises(EmbeddingError):
        await vectors.flush()
    assert vectors.pending == 3
    assert await vectors.query("extintor") is None
    embedder.failure = None
    assert await vectors.flush() == 3


def test_the_offline_embedder_works_synchronously() -> None:
    vectors = ProductVectors(LocalEmbedder(HashingEmbedder()))
    vectors.stage(ITEMS)
    assert vectors.local and vectors.flush_local() == 3
    assert vectors.query_now("casco blanco") is not None


# ---- the bot with a provider's embeddings ------------------------------------------


def embedded_texts(server: LocalOpenAI) -> list[str]:
    texts: list[str] = []
    for request in server.requests_to("embeddings"):
        inputs = request.json["input"]
        texts += [inputs] if isinstance(inputs, str) else inputs
    return texts


@contextlib.asynccontextmanager
async def openai_app(
    server: LocalOpenAI, tmp_path: Path, **extra: object
) -> AsyncIterator[tuple[App, Settings]]:
    settings = make_settings(
        tmp_path,
        **{
            "ai_embed_provider": "openai",
            "openai_api_key": SecretStr(server.api_key),
            "openai_base_url": server.base_url,
            "openai_embed_model": "nomic-embed-text",  # a local model: its size is learnt
            "ai_timeout_seconds": 2.0,
            "ai_attempts": 1,
        }
        | extra,
    )
    app = await build_app(settings)
    try:
        yield app, settings
    finally:
        await app.close()


async def test_an_unchanged_inventory_is_never_embedded_twice(tmp_path: Path) -> None:
    async with LocalOpenAI() as server:
        async with openai_app(server, tmp_path) as (app, _):
            await load_sample(app)
            assert len(embedded_texts(server)) == SAMPLE_ROWS
        assert (tmp_path / "shop.vectors.npz").exists()

        server.reset()
        async with openai_app(server, tmp_path) as (app, _):  # a restart
            assert embedded_texts(server) == []
            await load_sample(app)  # re-importing the same file
            assert embedded_texts(server) == []
            changed = SAMPLE.read_bytes().replace(
                b"Extintor multiprop\xc3\xb3sito ABC 5 lb", b"Extintor ABC 5 lb para carro"
            )
            await import_inventory(app.uow(), app.catalog, changed, "inventario.csv")
            [text] = embedded_texts(server)
            assert text.startswith("Extintor ABC 5 lb para carro")


async def test_a_new_embedding_model_rebuilds_the_vectors(tmp_path: Path) -> None:
    async with LocalOpenAI() as server:
        async with openai_app(server, tmp_path) as (app, _):
            await load_sample(app)
        server.reset()
        async with openai_app(server, tmp_path, openai_embed_model="other-embedder") as (app, _):
            assert len(embedded_texts(server)) == SAMPLE_ROWS
            assert {r.model for r in server.requests_to("embeddings")} == {"other-embedder"}


def by_meaning(text: str, dim: int) -> list[float]:
    """A provider that knows an "apagafuegos" is an extintor (no shared letters needed)."""
    if "apagafuegos" in text.lower() or text.lower().startswith("extintor"):
        return [1.0] + [0.0] * (dim - 1)
    return hashed_vector(text, dim)


async def test_provider_vectors_find_products_by_meaning(tmp_path: Path) -> None:
    async with LocalOpenAI(embed=by_meaning) as server:
        weights = {"dense_candidates": 20, "dense_min_similarity": 0.9}
        async with openai_app(server, tmp_path, search_weights=weights) as (app, _):
            await load_sample(app)
            async with app.uow() as uow:
                found = await app.catalog.search(uow, "¿venden apagafuegos?", k=5)
            assert found and all(p.name.startswith("Extintor") for p in found)

    offline = make_settings(tmp_path / "offline", search_weights=weights)
    (tmp_path / "offline").mkdir()
    app = await build_app(offline)
    try:
        await load_sample(app)
        async with app.uow() as uow:
            assert await app.catalog.search(uow, "¿venden apagafuegos?", k=5) == []
    finally:
        await app.close()


async def test_with_the_embedder_down_search_stays_lexical_and_catches_up(
    tmp_path: Path,
) -> None:
    async with LocalOpenAI() as server:
        async with openai_app(server, tmp_path) as (app, _):
            server.script("embeddings", Fault.status(503))
            await load_sample(app)
            assert app.catalog.vectors is not None and app.catalog.vectors.pending > 0
            server.script("embeddings", Fault.status(503))
            async with app.uow() as uow:
                found = await app.catalog.search(uow, "extintor 20 libras", k=3)
            assert "20 lb" in found[0].name  # lexical ranking, the query vector failed
            await app.catalog.follow(app.uow())  # the bot's follow loop retries
            assert app.catalog.vectors.pending == 0


async def test_gemini_embeddings_are_saved_and_reused(tmp_path: Path) -> None:
    async with LocalGemini(api_key="gemini-test") as gemini:
        settings = make_settings(
            tmp_path,
            ai_embed_provider="gemini",
            gemini_api_key=SecretStr("gemini-test"),
            gemini_base_url=gemini.base_url,
        )
        app = await build_app(settings)
        try:
            await load_sample(app)
            assert any(r.kind == "embed" for r in gemini.requests)
            async with app.uow() as uow:
                found = await app.catalog.search(uow, "casco blanco", k=3)
            assert "Casco" in found[0].name
        finally:
            await app.close()
        gemini.requests.clear()
        app = await build_app(settings)
        try:
            assert not [r for r in gemini.requests if r.kind == "embed"]
        finally:
            await app.close()


def test_search_settings_are_checked() -> None:
    weights = Settings(_env_file=None, search_weights="dense=0.4, rerank_depth=50")  # type: ignore[call-arg]
    assert weights.fusion_weights().dense == 0.4 and weights.fusion_weights().rerank_depth == 50
    with pytest.raises(ValueError, match="unknown search weight"):
        Settings(_env_file=None, search_weights="denso=1")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="must be a number"):
        Settings(_env_file=None, search_weights="dense=mucho")  # type: ignore[call-arg]
    beside = Settings(_env_file=None, database_url="sqlite+aiosqlite:///data/x.db")  # type: ignore[call-arg]
    assert beside.vectors_file() == Path("data/x.vectors.npz")
    postgres = Settings(_env_file=None, database_url="postgresql+asyncpg://u@h/db")  # type: ignore[call-arg]
    assert postgres.vectors_file() is None
