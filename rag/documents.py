"""The shop's own documents (Markdown, text, PDF) cut into passages a search can index.

A Markdown file is cut at its headings (each passage titled by its heading); a text file or
a PDF at blank lines, titled by the file's name. Long sections are cut again at paragraph
boundaries, each piece keeping its title, so an answer quotes a paragraph, not a file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".markdown", ".txt", ".pdf")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PASSAGES = 2000
PASSAGE_CHARS = 700
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True, slots=True)
class Passage:
    title: str
    text: str
    source: str  # the file it came from ("" for the shop profile)


class UnreadableDocument(Exception):
    """A document that cannot be read (a broken PDF, not UTF-8 text)."""


def read_folder(folder: Path) -> list[Passage]:
    """Every document of the folder (not its subfolders' hidden files), by name; a file that
    cannot be read is skipped with a warning, never fatal."""
    passages: list[Passage] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith(".") or not path.is_file():
            continue
        try:
            passages += read_document(path)
        except UnreadableDocument as error:
            log.warning("shop document %s skipped: %s", path.name, error)
        if len(passages) >= MAX_PASSAGES:
            log.warning("shop documents: only the first %d passages are used", MAX_PASSAGES)
            return passages[:MAX_PASSAGES]
    return passages


def read_document(path: Path) -> list[Passage]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableDocument(f"more than {MAX_FILE_BYTES // 1024 // 1024} MB")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return split_plain(_pdf_text(path), _title_of(path), path.name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument("not UTF-8 text") from error
    if suffix in (".md", ".markdown"):
        return split_markdown(text, _title_of(path), path.name)
    return split_plain(text, _title_of(path), path.name)


def split_markdown(text: str, title: str, source: str) -> list[Passage]:
    """One passage (or several, when long) per heading's section."""
    passages: list[Passage] = []
    heading, lines = title, list[str]()
    for line in text.splitlines():
        found = HEADING_RE.match(line)
        if found:
            passages += _pieces(heading, "\n".join(lines), source)
            heading, lines = _plain(found.group(1)), []
        else:
            lines.append(line)
    return passages + _pieces(heading, "\n".join(lines), source)


def split_plain(text: str, title: str, source: str) -> list[Passage]:
    return _pieces(title, text, source)


def _pieces(title: str, text: str, source: str) -> list[Passage]:
    """The section's paragraphs, joined up to PASSAGE_CHARS a passage."""
    paragraphs = [_plain(p) for p in re.split(r"\n\s*\n", text) if _plain(p)]
    passages: list[Passage] = []
    current = ""
    for paragraph in paragraphs:
        if current and len(current) + len(paragraph) > PASSAGE_CHARS:
            passages.append(Passage(title, current, source))
            current = ""
        current = f"{current}\n{paragraph}".strip()
    if current:
        passages.append(Passage(title, current, source))
    return passages


def _plain(text: str) -> str:
    """Markdown's marks off (emphasis, links, list bullets); lines joined."""
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    text = re.sub(r"[*_`]{1,3}", "", text)
    lines = [re.sub(r"^\s*([-+*]|\d+[.)])\s+", "• ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _title_of(path: Path) -> str:
    """ "politica-de-garantia.pdf" -> "Politica de garantia"."""
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:]


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader  # only when a shop has PDFs
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableDocument("the PDF is encrypted")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, OSError, ValueError) as error:
        raise UnreadableDocument(f"broken PDF ({error})") from error
