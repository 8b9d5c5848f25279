"""Alembic: every revision goes up, down and up again; the models match the migrations —
on SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set (tests/conftest.py)."""

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection

from db.engine import create_engine as create_async_engine
from db.migrate import (
    alembic_config,
    at_newest,
    downgrade,
    newest_revision,
    render_item,
    upgrade,
    upgrade_async,
)
from db.models import Base
from tests.conftest import Databases, run_in_thread


def revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _inspected(url: str, look):  # noqa: ANN001, ANN202
    """`look(connection)` over a synchronous connection to `url` (asyncpg is our only
    PostgreSQL driver)."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _diff(connection: Connection) -> list:
    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_stairway(databases: Databases) -> None:
    url = databases.empty()
    for revision in revisions(url):
        upgrade(url, revision)
        down = ScriptDirectory.from_config(alembic_config(url)).get_revision(revision).down_revision
        downgrade(url, down or "base")
        upgrade(url, revision)
    tables = run_in_thread(lambda: _inspected(url, _tables))
    assert {"products", "orders", "order_lines", "customers", "fsm_states"} <= tables


# SQLite cannot reflect an expression index; the next test checks that one is there and used.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_match_migrations(databases: Databases) -> None:
    url = databases.migrated()
    assert run_in_thread(lambda: _inspected(url, _diff)) == []


def test_sku_lookup_without_case_uses_an_index(tmp_path: Path) -> None:
    db = tmp_path / "head.db"
    upgrade(f"sqlite+aiosqlite:///{db}")
    plan = sqlite3.connect(db).execute(
        "explain query plan select id from products where lower(sku) in ('ext-abc-20', 'x')"
    )
    assert any("ix_products_sku_lower" in row[-1] for row in plan)


def test_sqlite_database_runs_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "wal.db"
    upgrade(f"sqlite+aiosqlite:///{db}")
    assert sqlite3.connect(db).execute("pragma journal_mode").fetchone()[0] == "wal"


# SQLite cannot reflect an expression index (see above).
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_autogenerate_writes_moments_as_timestamptz_not_our_type() -> None:
    """A new migration's columns say what is stored (timestamptz), and import nothing of db/."""
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        code = render_python_code(
            produce_migrations(context, Base.metadata).upgrade_ops,
            render_item=render_item,
        )
    assert "sa.Column('created_at', sa.DateTime(timezone=True), nullable=False)" in code
    assert "db.types" not in code and "UtcDateTime" not in code


def test_the_newest_revision_read_from_the_files_is_alembics_head(tmp_path: Path) -> None:
    """A start skips Alembic (and its imports) when the database is at this revision."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    assert newest_revision() == ScriptDirectory.from_config(alembic_config(url)).get_current_head()


async def test_a_database_is_at_the_newest_revision_only_once_migrated(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
    engine = create_async_engine(url)
    try:
        assert not await at_newest(engine)  # no alembic_version yet
        await upgrade_async(url, revisions(url)[-2])
        assert not await at_newest(engine)
        await upgrade_async(url)
        assert await at_newest(engine)
    finally:
        await engine.dispose()
