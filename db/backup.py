"""Online backup of the SQLite database: one verified copy per day, the newest few kept.

Uses sqlite3's online backup API, so the bot keeps serving while the copy is made. The copy
is written under a temporary name, checked (`PRAGMA integrity_check`), then renamed into
place in one step: a file named `agente-YYYY-MM-DD.db` is always a whole, readable database.
On another database (PostgreSQL) backups are the database server's job: nothing happens here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

BACKUP_PREFIX = "agente-"
BACKUP_SUFFIX = ".db"
BACKUP_NAME = re.compile(r"agente-(\d{4}-\d{2}-\d{2})\.db")
PARTIAL_NAME = re.compile(r"\.agente-\d{4}-\d{2}-\d{2}-.+\.partial")
PARTIAL_MAX_AGE_SECONDS = 6 * 3600  # a crash can leave one behind; a live backup is minutes
SOURCE_BUSY_TIMEOUT_SECONDS = 30.0


class BackupError(RuntimeError):
    """The copy could not be made or did not pass its check; nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    removed: list[Path] = field(default_factory=list)


def backup_name(day: date) -> str:
    return f"{BACKUP_PREFIX}{day.isoformat()}{BACKUP_SUFFIX}"


def sqlite_file(database_url: str) -> Path | None:
    """The database file behind a SQLite URL; None for other databases and in-memory ones."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):  # a URI filename (?uri=true); not used by the bot
        return None
    return Path(url.database)


async def backup_database(database_url: str, folder: Path, day: date, *, keep: int) -> BackupResult:
    """Back up a file SQLite database into `folder` (in a thread); see `backup_sqlite`."""
    source = sqlite_file(database_url)
    if source is None:
        raise BackupError("only a SQLite database file can be backed up this way")
    return await asyncio.to_thread(backup_sqlite, source, folder, day, keep=keep)


def backup_sqlite(source: Path, folder: Path, day: date, *, keep: int) -> BackupResult:
    """Copy `source` to `folder/agente-<day>.db` (replacing that day's copy), keep the newest
    `keep` copies of that naming and delete older ones; other files are never touched."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    if not source.is_file():
        raise BackupError(f"the database file {source} does not exist")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(day)
    handle, raw_partial = tempfile.mkstemp(
        prefix=f".{BACKUP_PREFIX}{day.isoformat()}-", suffix=".partial", dir=folder
    )
    os.close(handle)
    partial = Path(raw_partial)
    try:
        _copy(source, partial)
        _verify(partial)
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(folder)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"backup of {source} failed: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    try:
        removed = prune(folder, keep=keep)
    except OSError as error:  # the new copy is in place; old ones wait for the next night
        log.warning("could not remove old backups in %s: %s", folder, error)
        removed = []
    log.info("database backed up to %s (%d old copies removed)", target, len(removed))
    return BackupResult(target, removed)


def prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete our own backups beyond the newest `keep`, and stale partial copies."""
    ours = sorted(
        (path for path in folder.iterdir() if BACKUP_NAME.fullmatch(path.name) and path.is_file()),
        key=lambda path: path.name,
        reverse=True,
    )
    stale_before = time.time() - PARTIAL_MAX_AGE_SECONDS
    partials = [
        path
        for path in folder.iterdir()
        if PARTIAL_NAME.fullmatch(path.name) and path.is_file()
        if path.stat().st_mtime < stale_before
    ]
    removed = []
    for path in [*ours[keep:], *partials]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def _copy(source: Path, destination: Path) -> None:
    origin = sqlite3.connect(source, timeout=SOURCE_BUSY_TIMEOUT_SECONDS)
    try:
        copy = sqlite3.connect(destination)
        try:
            # All pages in one step: under WAL the bot's writes go on meanwhile, and a
            # stepwise copy would restart on each of them.
            origin.backup(copy)
            # The copy is one self-contained file, not a WAL database with side files.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        origin.close()


def _verify(path: Path) -> None:
    copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    finally:
        copy.close()
    if problems != ["ok"]:
        raise BackupError(f"the copy failed its integrity check: {'; '.join(problems[:5])}")
    if not tables or tables[0] == 0:
        raise BackupError("the copy has no tables")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
