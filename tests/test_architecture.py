"""Imports go one way: domain/ and rag/ never touch the Telegram or web frameworks.

The AI layering: rag/ imports nothing of ours; the ports live in domain/ (domain/ai.py) and
rag/ (rag/embedder.py); the vendor clients live in providers/, the only package that imports
a vendor SDK, and providers/ never reaches up into the bot, its handlers or the database.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"aiogram", "aiohttp", "apscheduler"}
VENDOR_SDKS = {"google", "openai"}  # google-genai, openai: imported by providers/ only
OURS = {"bot", "handlers", "domain", "rag", "providers", "db", "doubles", "run_bot"}


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


def test_db_imports_nothing_of_ours() -> None:
    ours = OURS - {"db"}
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & ours)
        for f in (ROOT / "db").rglob("*.py")
        if imported_roots(f) & ours
    }
    assert offenders == {}


def forbidden_imports(package: str, forbidden: set[str]) -> dict[str, list[str]]:
    """Each module of `package` that imports a root in `forbidden`, with those roots."""
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    found = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & forbidden) for f in files}
    return {module: roots for module, roots in found.items() if roots}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        pytest.param("rag", OURS - {"rag"}, id="rag imports nothing of ours but itself"),
        pytest.param(
            "domain",
            VENDOR_SDKS | FORBIDDEN | {"providers", "bot", "handlers", "doubles", "run_bot"},
            id="domain imports no SDK, framework, provider client or bot",
        ),
        pytest.param("rag", VENDOR_SDKS, id="rag imports no vendor SDK"),
        pytest.param("bot", VENDOR_SDKS, id="bot reaches the SDKs only through providers"),
        pytest.param("handlers", VENDOR_SDKS, id="handlers import no vendor SDK"),
        pytest.param("db", VENDOR_SDKS, id="db imports no vendor SDK"),
        pytest.param(
            "providers",
            {"aiogram", "apscheduler", "bot", "handlers", "db", "doubles", "run_bot"},
            id="providers import no bot, handlers, db or Telegram",
        ),
    ],
)
def test_ai_layers_import_only_downwards(package: str, forbidden: set[str]) -> None:
    assert forbidden_imports(package, forbidden) == {}
