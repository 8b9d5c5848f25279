#!/usr/bin/env python3
"""Agente Vendedor — the one wiring point.

python run_bot.py polling | webhook | demo | chat | migrate
python run_bot.py import-csv FILE
python run_bot.py search --catalog FILE.csv --queries FILE.jsonl --top-k 10 --out OUT.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings
from domain.exceptions import DomainError

log = logging.getLogger("run_bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_bot.py", description="Agente Vendedor (Telegram)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("polling", help="long polling (laptop / simple server)")
    commands.add_parser("webhook", help="aiohttp webhook server with /health")
    commands.add_parser("migrate", help="apply database migrations")
    demo = commands.add_parser("demo", help="scripted sale against a local Bot API server")
    demo.add_argument("--database", help="SQLite file to use (default: a fresh temporary one)")
    chat = commands.add_parser("chat", help="type as a customer against a local Bot API server")
    chat.add_argument("--database", help="SQLite file to use (default: a fresh temporary one)")
    imp = commands.add_parser("import-csv", help="import an inventory file (CSV or XLSX)")
    imp.add_argument("file", type=Path)
    search = commands.add_parser("search", help="run queries through the customer retrieval")
    search.add_argument("--catalog", type=Path, required=True)
    search.add_argument("--queries", type=Path, required=True)
    search.add_argument("--top-k", type=int, default=10)
    search.add_argument("--out", type=Path, required=True)
    return parser


async def _polling(settings: Settings) -> None:
    from bot.app import build_app
    from bot.runners import run_polling

    settings.require_token()
    await run_polling(await build_app(settings))


async def _webhook(settings: Settings) -> None:
    from bot.app import build_app
    from bot.runners import run_webhook

    settings.require_token()
    settings.require_webhook()
    await run_webhook(await build_app(settings))


async def _migrate(settings: Settings) -> None:
    from db.migrate import upgrade_async

    await upgrade_async(settings.database_url)
    print("Base de datos al día.")


async def _import_csv(settings: Settings, path: Path) -> int:
    from bot.app import build_app
    from domain.catalog import import_inventory
    from domain.inventory import InvalidInventory

    if not path.is_file():
        print(f"No encuentro el archivo {path}.", file=sys.stderr)
        return 2
    app = await build_app(settings)
    try:
        summary = await import_inventory(app.uow(), app.catalog, path.read_bytes(), path.name)
    except InvalidInventory as error:
        print(error.report(), file=sys.stderr)
        return 1
    finally:
        await app.close()
    print(
        f"Inventario importado: {len(summary.created)} nuevos, "
        f"{len(summary.updated)} actualizados, {len(summary.unchanged)} sin cambios."
    )
    return 0


async def _search(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build_app
    from domain.catalog import import_inventory
    from domain.inventory import InvalidInventory

    with tempfile.TemporaryDirectory() as tmp:
        local = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp}/search.db"})
        app = await build_app(local)
        try:
            started = time.perf_counter()
            await import_inventory(
                app.uow(), app.catalog, args.catalog.read_bytes(), args.catalog.name
            )
            build_s = time.perf_counter() - started
            latencies: list[float] = []
            with (
                args.queries.open(encoding="utf-8") as queries,
                args.out.open("w", encoding="utf-8") as out,
            ):
                for line in queries:
                    if not line.strip():
                        continue
                    query = json.loads(line)
                    began = time.perf_counter()
                    async with app.uow() as uow:
                        products = await app.catalog.search(uow, str(query["text"]), k=args.top_k)
                    latencies.append((time.perf_counter() - began) * 1000)
                    result = {"id": query["id"], "results": [p.sku for p in products]}
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
        except InvalidInventory as error:
            print(error.report(), file=sys.stderr)
            return 1
        finally:
            await app.close()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    print(
        f"import+index build: {build_s:.2f} s; queries: {len(latencies)}; "
        f"latency p50 {statistics.median(latencies) if latencies else 0:.2f} ms, p99 {p99:.2f} ms",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    quiet = args.command in {"demo", "chat", "search", "import-csv", "migrate"}
    configure_logging("WARNING" if quiet else settings.log_level, as_json=settings.log_json)
    try:
        match args.command:
            case "polling":
                asyncio.run(_polling(settings))
            case "webhook":
                asyncio.run(_webhook(settings))
            case "migrate":
                asyncio.run(_migrate(settings))
            case "import-csv":
                return asyncio.run(_import_csv(settings, args.file))
            case "search":
                return asyncio.run(_search(settings, args))
            case "demo" | "chat":
                from bot.demo import run_chat, run_demo

                runner = run_demo if args.command == "demo" else run_chat
                return asyncio.run(runner(settings, args.database))
    except SettingsError as error:
        print(f"Configuración inválida: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
