"""Imports go one way: domain/ and rag/ never touch the Telegram or web frameworks."""

import ast
from collections.abc import Collection
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"aiogram", "aiohttp", "apscheduler"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["domain", "rag"])
def test_core_packages_import_no_framework(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN)
        for f in files
        if imported_roots(f) & FORBIDDEN
    }
    assert offenders == {}


def test_rag_imports_nothing_of_ours_but_itself() -> None:
    ours = {"bot", "handlers", "domain", "db", "run_bot"}
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & ours)
        for f in (ROOT / "rag").rglob("*.py")
        if imported_roots(f) & ours
    }
    assert offenders == {}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def ours_imported(path: Path, allowed: Collection[str] = ()) -> list[str]:
    ours = {"bot", "handlers", "domain", "rag", "db", "doubles", "run_bot"}
    return sorted(
        module
        for module in imported_modules(path)
        if module.split(".")[0] in ours and module not in allowed
    )


def test_db_imports_of_ours_only_the_domain_model() -> None:
    """The repositories map rows to the domain's types; nothing else of ours goes into db/."""
    offenders = {
        str(f.relative_to(ROOT)): found
        for f in (ROOT / "db").rglob("*.py")
        if (found := [m for m in ours_imported(f, {"domain.model"}) if not m.startswith("db")])
    }
    assert offenders == {}


def test_domain_model_imports_nothing_of_ours() -> None:
    """So db/ importing it pulls in no service, text or search code."""
    assert ours_imported(ROOT / "domain" / "model.py") == []
