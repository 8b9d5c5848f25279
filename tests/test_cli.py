"""run_bot.py as an operator uses it: demo, search, import-csv, bad settings."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench" / "esci_es_dev"


def run(
    *args: str, env: dict[str, str] | None = None, timeout: int = 180
) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "OWNER_"))
    }
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "run_bot.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_demo_sells_and_prints_the_order_and_the_stock() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "Puedo ofrecerte 7" in out
    assert "Sigamos con tu pedido" in out
    assert "¿En qué municipio es la entrega?" in out
    assert "confirmado" in out
    assert "Ahora tienes 1 × Extintor multipropósito ABC 20 lb (antes 7)" in out
    assert "Domicilio a Bello: $15.000" in out and "Total: $190.000" in out
    assert "💳 Cambiar pago" in out and "transfiere $190.000 a Nequi" in out
    assert "Comprobante de pago del pedido #1" in out
    assert "Recibimos el pago de tu pedido #1" in out and "va en camino" in out
    assert "Pago: Nequi · pagado" in out
    assert "Stock de EXT-ABC-20: 7 → 6" in out


def test_search_writes_ranked_skus_for_every_query(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        "sku,nombre,descripcion,categoria,precio,stock,activo\n"
        "E20,Extintor multipropósito ABC 20 lb,,Extintores,175.000,7,si\n"
        "E10,Extintor multipropósito ABC 10 lb,,Extintores,98.000,3,si\n"
        "G1,Guantes de nitrilo,,Guantes,12.000,40,si\n"
        "OFF,Extintor apagado 20 lb,,Extintores,1,9,no\n"
        "ZERO,Extintor agotado 20 lb,,Extintores,1,0,si\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"id": "q1", "text": "extintor de 20 libras"}\n{"id": 2, "text": "guantes"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run(
        "search",
        "--catalog",
        str(catalog),
        "--queries",
        str(queries),
        "--top-k",
        "10",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"id": "q1", "results": ["E20", "E10"]}
    assert lines[1] == {"id": 2, "results": ["G1"]}
    assert "p50" in result.stderr and "p99" in result.stderr


def test_search_on_the_dev_set_finds_relevant_products(tmp_path: Path) -> None:
    if not BENCH.exists():
        return
    out = tmp_path / "run.jsonl"
    result = run(
        "search",
        "--catalog",
        str(BENCH / "catalog.csv"),
        "--queries",
        str(BENCH / "queries.jsonl"),
        "--top-k",
        "10",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    relevant = {}
    for line in (BENCH / "qrels.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["grade"] > 0:
            relevant.setdefault(row["id"], set()).add(row["sku"])
    runs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    found = sum(1 for r in runs if relevant.get(r["id"], set()) & set(r["results"][:10]))
    assert len(runs) == 95 and found / len(runs) > 0.85


def test_import_csv_applies_a_good_file_and_refuses_a_bad_one(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    good = run("import-csv", "data/inventory.csv", env=env)
    assert good.returncode == 0, good.stderr
    assert "nuevos" in good.stdout
    count = sqlite3.connect(db).execute("select count(*) from products").fetchone()[0]
    assert count >= 45

    bad = tmp_path / "malo.csv"
    bad.write_text(
        "sku;nombre;precio;stock\nEXT-ABC-20;Extintor;abc;5\nX;Otro;1.000;-3\n", encoding="utf-8"
    )
    refused = run("import-csv", str(bad), env=env)
    assert refused.returncode == 1
    assert "Fila 2" in refused.stderr and "precio" in refused.stderr and "stock" in refused.stderr
    stock = (
        sqlite3.connect(db)
        .execute("select stock from products where sku='EXT-ABC-20'")
        .fetchone()[0]
    )
    assert stock == 7

    small = tmp_path / "solo_dos.csv"
    small.write_text(
        "sku;nombre;precio;stock\nEXT-ABC-20;Extintor ABC 20 lb;175000;7\nN-1;Nuevo;1000;1\n",
        encoding="utf-8",
    )
    asked = run("import-csv", "--replace", str(small), env=env)
    assert (
        asked.returncode == 1 and "ocultaría 60 de 61" in asked.stderr and "--yes" in asked.stderr
    )
    replaced = run("import-csv", "--replace", "--yes", str(small), env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert "1 nuevos" in replaced.stdout and "desactivados" in replaced.stdout
    active = sqlite3.connect(db).execute("select count(*) from products where active").fetchone()
    assert (
        active[0] == 2
        and sqlite3.connect(db).execute("select count(*) from products").fetchone()[0] == count + 1
    )


def test_import_csv_takes_a_zip_of_the_inventory_and_its_images(tmp_path: Path) -> None:
    import zipfile

    db = tmp_path / "shop.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    bundle = tmp_path / "catalogo.zip"
    jpeg = b"\xff\xd8\xff\xe0" + bytes(100)
    with zipfile.ZipFile(bundle, "w") as out:
        out.writestr("inventario.csv", "sku;nombre;precio;imagen\nN-1;Nuevo;1000;fotos/n-1.jpg\n")
        out.writestr("fotos/N-1.jpg", jpeg)
    done = run("import-csv", str(bundle), env=env)
    assert done.returncode == 0, done.stderr
    assert "1 nuevos" in done.stdout and "📷 Fotos: 1 nueva." in done.stdout
    stored = sqlite3.connect(db).execute("select content, revision from product_photos").fetchall()
    assert stored == [(jpeg, 1)]


def test_a_bad_setting_stops_start_up_with_one_clear_line() -> None:
    result = run("polling", env={"OWNER_IDS": "uno,dos", "TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "OWNER_IDS" in result.stderr

    missing = run("polling", env={"TELEGRAM_BOT_TOKEN": ""})
    assert missing.returncode == 2 and "TELEGRAM_BOT_TOKEN" in missing.stderr


def test_webhook_mode_needs_a_url_and_a_secret() -> None:
    no_secret = run(
        "webhook", env={"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://t.example.com"}
    )
    assert no_secret.returncode == 2 and "WEBHOOK_SECRET" in no_secret.stderr
    bad_secret = run(
        "webhook",
        env={
            "TELEGRAM_BOT_TOKEN": "1:x",
            "WEBHOOK_URL": "https://t.example.com",
            "WEBHOOK_SECRET": "con espacios",
        },
    )
    assert bad_secret.returncode == 2 and "WEBHOOK_SECRET" in bad_secret.stderr


def test_export_writes_every_file_into_a_new_folder(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert run("import-csv", "data/inventory.csv", env=env).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "insert into messages (chat_id, telegram_user_id, direction, text, created_at) "
            "values (?, ?, ?, ?, ?)",
            [
                (7, 7, "in", "¿tienen extintores para el camión?", "2026-11-15 15:00:00.000000"),
                (7, 7, "in", "=1+1", "2026-10-01 15:00:00.000000"),
            ],
        )
    folder = tmp_path / "salida" / "noviembre"
    result = run("export", str(folder), "--from", "2026-11-01", "--to", "2026-11-30", env=env)
    assert result.returncode == 0, result.stderr
    names = [
        "productos.csv",
        "clientes.csv",
        "pedidos.csv",
        "lineas_pedido.csv",
        "conversaciones.csv",
        "exportacion.xlsx",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    printed = result.stdout.strip().splitlines()
    assert len(printed) == len(names)
    assert all(name in line for name, line in zip(names, printed, strict=True))
    products = (folder / "productos.csv").read_text(encoding="utf-8-sig").splitlines()
    assert products[0] == "sku;nombre;descripcion;categoria;precio;stock;activo"
    assert len(products) >= 46
    chats = (folder / "conversaciones.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(chats) == 2 and "camión" in chats[1]  # October's message is outside the period

    everything = run("export", str(tmp_path / "todo"), env=env)
    assert everything.returncode == 0, everything.stderr
    chats = (tmp_path / "todo" / "conversaciones.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in chats


def test_export_refuses_bad_dates_with_one_clear_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"}
    bad = run("export", str(tmp_path / "x"), "--from", "2026-13-01", env=env)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "--from" in bad.stderr
    backwards = run(
        "export", str(tmp_path / "x"), "--from", "2026-11-30", "--to", "2026-11-01", env=env
    )
    assert backwards.returncode == 2
    assert backwards.stderr.strip().count("\n") == 0 and "--to" in backwards.stderr
    assert not (tmp_path / "x").exists()
