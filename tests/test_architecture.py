"""The layer matrix: which of our packages each package may import, and which frameworks.

    run_bot ─▶ bot (Telegram plumbing) ─▶ handlers ─▶ domain ─▶ rag
          └──▶ app (settings, build_app) ─────────────────▲────────▲
                  └─▶ providers (AI vendor clients) ──────┴────────┘
    db ─▶ domain.model, domain.events (the types repositories return, the events a unit
          of work collects)          doubles ─▶ (demo only) bot, domain
    migrations ─▶ db

Checked on every module's imports (absolute and relative), so a new edge is a decision
someone makes in this file, not an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {
    "app",
    "bot",
    "handlers",
    "domain",
    "rag",
    "providers",
    "db",
    "doubles",
    "migrations",
    "run_bot",
}
FRAMEWORKS = {"aiogram", "aiohttp", "apscheduler"}
VENDOR_SDKS = {"google", "openai"}  # google-genai, openai: imported by providers/ only
STORAGE = {"sqlalchemy", "alembic", "aiosqlite", "asyncpg"}

# package -> (modules of ours it may import, by prefix; third-party roots it must not import)
MATRIX: dict[str, tuple[set[str], set[str]]] = {
    "rag": ({"rag"}, FRAMEWORKS | VENDOR_SDKS | STORAGE),
    "domain": ({"domain", "rag"}, FRAMEWORKS | VENDOR_SDKS | STORAGE),
    "db": ({"db", "domain.model", "domain.events", "domain.button"}, FRAMEWORKS | VENDOR_SDKS),
    "providers": ({"providers", "domain", "rag"}, {"aiogram", "apscheduler"} | STORAGE),
    "handlers": (
        {
            "handlers",
            "domain",
            "bot.cosmetic",
            "bot.filters",
            "bot.keyboards",
            "bot.responder",
            "bot.sending",
            "app.settings",
        },
        VENDOR_SDKS | STORAGE | {"apscheduler"},
    ),
    "bot": ({"bot", "app", "handlers", "domain", "rag", "providers", "db"}, VENDOR_SDKS),
    # Assembly without Telegram: the CLI's import, export and search never load aiogram.
    "app": ({"app", "domain", "rag", "providers", "db"}, FRAMEWORKS | VENDOR_SDKS),
    "migrations": ({"migrations", "db"}, FRAMEWORKS | VENDOR_SDKS),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def ours(module: str) -> bool:
    return module.split(".")[0] in OURS


def allowed(module: str, prefixes: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def files_of(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    return files


def forbidden(package: str, modules: set[str]) -> list[str]:
    """The imports a module of `package` may not make."""
    may, must_not = MATRIX[package]
    # "from domain import texts" also names the module domain.texts: judge the longest name.
    bad = {
        m
        for m in modules
        if ours(m)
        and not allowed(m, may)
        and not any(o.startswith(m + ".") and allowed(o, may) for o in modules)
    }
    return sorted(bad | {m for m in modules if m.split(".")[0] in must_not})


def offenders(package: str) -> dict[str, list[str]]:
    found = {str(p.relative_to(ROOT)): forbidden(package, imports_of(p)) for p in files_of(package)}
    return {name: bad for name, bad in found.items() if bad}


@pytest.mark.parametrize("package", sorted(MATRIX))
def test_each_package_imports_only_what_its_layer_allows(package: str) -> None:
    assert offenders(package) == {}


def test_the_matrix_catches_a_forbidden_edge() -> None:
    """The check itself can fail: the domain importing the database or aiogram is caught."""
    modules = {"db.uow", "db.uow.SqlUnitOfWork", "domain", "domain.texts", "aiogram.types"}
    assert forbidden("domain", modules) == ["aiogram.types", "db.uow", "db.uow.SqlUnitOfWork"]
    assert forbidden("db", {"domain.model", "domain.model.Order"}) == []
    assert forbidden("db", {"domain.catalog"}) == ["domain.catalog"]


def test_the_domain_model_and_events_import_nothing_of_ours() -> None:
    """So db/ importing them pulls in no service, text or search code: they import only
    each other and the button value type, which imports nothing of ours."""
    leaves = {"domain.model", "domain.events", "domain.button"}
    assert {m for m in imports_of(ROOT / "domain" / "button.py") if ours(m)} == set()
    for name in ("model.py", "events.py"):
        found = {m for m in imports_of(ROOT / "domain" / name) if ours(m)}
        assert {
            m for m in found if not any(m == x or m.startswith(x + ".") for x in leaves)
        } == set()


def test_the_scheduler_and_sending_do_not_import_handlers() -> None:
    for name in ("scheduler.py", "sending.py", "notices.py", "responder.py"):
        assert {m for m in imports_of(ROOT / "bot" / name) if m.startswith("handlers")} == set()


def test_a_handler_never_imports_another_handler() -> None:
    """Handlers share plumbing through bot/ and logic through domain/, never each other;
    only handlers/__init__ builds the tree."""
    for path in files_of("handlers"):
        if path.name == "__init__.py":
            continue
        assert {m for m in imports_of(path) if m.startswith("handlers")} == set(), path.name


def test_test_doubles_servers_stand_alone() -> None:
    """The local Bot API and AI servers speak wire protocols; they import none of our code,
    and no production package imports them."""
    for package in ("doubles/telegram", "doubles/ai"):
        for path in sorted((ROOT / package).rglob("*.py")):
            assert {m for m in imports_of(path) if ours(m) and not m.startswith("doubles")} == set()
    for package in ("app", "bot", "handlers", "domain", "rag", "providers", "db"):
        for path in files_of(package):
            assert {m for m in imports_of(path) if m.startswith("doubles")} == set(), path


def test_run_bot_carries_no_benchmark_harness() -> None:
    source = (ROOT / "run_bot.py").read_text(encoding="utf-8")
    assert "perf_counter" not in source and "statistics" not in source
