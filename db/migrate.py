"""Run Alembic migrations programmatically (used at start-up and by `run_bot.py migrate`).

Alembic (with Mako and Pygments, about 10 MB of a running bot's memory) is imported only
when a migration runs: a start on a database already at the newest revision finds that
out by reading `alembic_version` and the revision files' own `revision` lines.
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.types import UtcDateTime

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"
_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"$', re.MULTILINE)
_DOWN = re.compile(r'^down_revision(?:: [^=]+)? = (?:"([^"]+)"|None)$', re.MULTILINE)


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes our column types as the storage they stand for, so a migration
    never imports db/ (UtcDateTime is a timestamptz that converts on the way in and out)."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Alembic's env runs its own event loop, so run it in a worker thread."""
    await asyncio.to_thread(upgrade, database_url, revision)


@cache
def newest_revision() -> str | None:
    """The one head of the revision files (each names its `revision` and `down_revision`),
    or None when that is not plain (several heads, a file not written that way): then
    Alembic is asked."""
    revisions, parents = set(), set()
    for source in VERSIONS.glob("*.py"):
        code = source.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(code), _DOWN.findall(code)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def at_newest(engine: AsyncEngine) -> bool:
    """The database says it is at the newest revision (no migration to run)."""
    newest = newest_revision()
    if newest is None:
        return False
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    except SQLAlchemyError:  # no alembic_version yet: a new database
        return False
    return [row[0] for row in rows] == [newest]
