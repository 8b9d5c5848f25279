#!/usr/bin/env python3
"""Agente Vendedor — the one wiring point.

python run_bot.py polling | webhook [--workers N] | demo | chat | migrate
python run_bot.py import-csv FILE
python run_bot.py export DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD]
python run_bot.py search --catalog FILE.csv --queries FILE.jsonl --top-k 10 --out OUT.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import date, datetime
from pathlib import Path

from app.settings import Settings, SettingsError, load_settings
from domain.exceptions import DomainError

log = logging.getLogger("run_bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_bot.py", description="Agente Vendedor (Telegram)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("polling", help="long polling (laptop / simple server)")
    webhook = commands.add_parser("webhook", help="aiohttp webhook server with /health")
    webhook.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="N processes sharing the port (several need REDIS_URL; see README)",
    )
    webhook.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # one of --workers
    commands.add_parser("migrate", help="apply database migrations")
    demo = commands.add_parser("demo", help="scripted sale against a local Bot API server")
    demo.add_argument("--database", help="SQLite file to use (default: a fresh temporary one)")
    chat = commands.add_parser("chat", help="type as a customer against a local Bot API server")
    chat.add_argument("--database", help="SQLite file to use (default: a fresh temporary one)")
    imp = commands.add_parser(
        "import-csv", help="import an inventory file (CSV or XLSX, or a ZIP of one and its images)"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--replace",
        action="store_true",
        help="also deactivate (never delete) the products the file leaves out",
    )
    imp.add_argument(
        "--yes",
        action="store_true",
        help="with --replace: go ahead even when it hides more than 20%% of the products",
    )
    export = commands.add_parser("export", help="write products, customers, orders and chats")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day (shop time)")
    export.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day, included")
    search = commands.add_parser("search", help="run queries through the customer retrieval")
    search.add_argument("--catalog", type=Path, required=True)
    search.add_argument("--queries", type=Path, required=True)
    search.add_argument("--top-k", type=int, default=10)
    search.add_argument("--out", type=Path, required=True)
    search.add_argument("--stats", type=Path, help="also write the figures here as JSON")
    search.add_argument(
        "--change-probe",
        action="store_true",
        help="then time how long a renamed product takes to be found (change_ms)",
    )
    return parser


async def _polling(settings: Settings) -> None:
    from bot.app import build_app
    from bot.runners import run_polling
    from bot.startup import check_bot_api

    settings.require_token()
    await check_bot_api(settings)  # waits while Telegram is down; a wrong token stops here
    await run_polling(await build_app(settings))


async def _webhook(settings: Settings, worker: int | None = None) -> None:
    from bot.app import build_app
    from bot.runners import run_webhook
    from bot.startup import check_bot_api

    settings.require_token()
    settings.require_webhook()
    await check_bot_api(settings)
    # Workers find the database migrated by their parent.
    await run_webhook(await build_app(settings, migrate=worker is None), worker=worker)


def _workers(settings: Settings, count: int) -> int:
    from app.core import migrate_database
    from bot.workers import run_workers

    settings.require_token()
    settings.require_webhook()
    if count < 1:
        raise SettingsError("--workers must be 1 or more.")
    if count > 1 and not settings.redis_url.get_secret_value():
        raise SettingsError(
            "--workers N (more than one) needs REDIS_URL: the conversations' state is "
            "shared in Redis (e.g. redis://localhost:6379/0)."
        )
    asyncio.run(migrate_database(settings.database_url))
    return run_workers(count)


async def _migrate(settings: Settings) -> None:
    from app.core import migrate_database

    await migrate_database(settings.database_url)
    print("Base de datos al día.")


async def _import_csv(
    settings: Settings, path: Path, *, replace: bool = False, yes: bool = False
) -> int:
    from app.core import build_app
    from domain.catalog import BigReplace, import_inventory
    from domain.inventory import InvalidInventory
    from domain.owner import render_import

    if not path.is_file():
        print(f"No encuentro el archivo {path}.", file=sys.stderr)
        return 2
    app = await build_app(settings)
    try:
        summary = await import_inventory(
            app.uow(), app.catalog, path.read_bytes(), path.name, replace=replace, hide_many=yes
        )
    except InvalidInventory as error:
        print(error.report(), file=sys.stderr)
        return 1
    except BigReplace as big:
        examples = "; ".join(f"{sku} {name}" for sku, name in big.examples[:3])
        print(
            f"Reemplazar con {path.name} ocultaría {big.hidden} de {big.active} productos "
            f"activos (por ejemplo: {examples}). No cambié nada; si es lo que quieres, repite "
            "con --yes.",
            file=sys.stderr,
        )
        return 1
    finally:
        await app.close()
    print(render_import(path.name, summary))
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from app.core import build_app
    from domain.exports import build_export, write_export
    from domain.money import format_count
    from domain.periods import MAX_YEAR, MIN_YEAR, between

    try:
        first = _cli_day(args.first, "--from", MIN_YEAR, MAX_YEAR)
        last = _cli_day(args.last, "--to", MIN_YEAR, MAX_YEAR)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if first and last and last < first:
        print(f"--to ({last}) es anterior a --from ({first}).", file=sys.stderr)
        return 2
    app = await build_app(settings, search=False)
    tz = app.timezone
    period = None
    if first or last:
        start = first or date(MIN_YEAR, 1, 1)
        period = between(start, last or max(start, datetime.now(tz).date()), tz=tz)
    try:
        files = await build_export(app.uow(), period, tz=tz)
    finally:
        await app.close()
    try:
        written = write_export(files, args.directory)
    except OSError as error:
        print(f"No pude escribir en {args.directory}: {error.strerror or error}", file=sys.stderr)
        return 1
    for path, file in zip(written, files, strict=True):
        print(f"{path} ({format_count(len(file.data))} bytes)")
    return 0


def _cli_day(value: str | None, flag: str, min_year: int, max_year: int) -> date | None:
    """A YYYY-MM-DD command-line day, or ValueError with one clear line."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        day = None
    if day is None or not min_year <= day.year <= max_year:
        raise ValueError(f"{flag} debe ser una fecha YYYY-MM-DD (recibí «{value}»).")
    return day


async def _search(settings: Settings, args: argparse.Namespace) -> int:
    from app.search_run import run_search

    return await run_search(
        settings,
        args.catalog,
        args.queries,
        args.out,
        top_k=args.top_k,
        stats=args.stats,
        change_probe=args.change_probe,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    from app.core import StartupError
    from app.logs import configure_logging
    from app.malloc import tune_allocator

    tune_allocator()  # before any thread starts

    quiet = args.command in {"demo", "chat", "search", "import-csv", "migrate", "export"}
    configure_logging("WARNING" if quiet else settings.log_level, as_json=settings.log_json)
    try:
        match args.command:
            case "polling":
                asyncio.run(_polling(settings))
            case "webhook" if args.worker is None and args.workers > 1:
                return _workers(settings, args.workers)
            case "webhook":
                asyncio.run(_webhook(settings, args.worker))
            case "migrate":
                asyncio.run(_migrate(settings))
            case "import-csv":
                return asyncio.run(
                    _import_csv(settings, args.file, replace=args.replace, yes=args.yes)
                )
            case "search":
                return asyncio.run(_search(settings, args))
            case "export":
                return asyncio.run(_export(settings, args))
            case "demo" | "chat":
                from doubles.demo import run_chat, run_demo

                runner = run_demo if args.command == "demo" else run_chat
                return asyncio.run(runner(settings, args.database))
    except SettingsError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        if settings.log_level == "DEBUG":  # the cause and its traceback, only when asked
            log.error("start-up failed", exc_info=error)
        print(f"No pude arrancar: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
