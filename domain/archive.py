"""An owner's ZIP: one inventory file (CSV/XLSX) and its product images, or images alone
(named by sku). Read in memory with the standard library's zipfile, never extracted to disk,
and refused whole — with a Spanish reason — when it is corrupt, encrypted, too big once
uncompressed, has too many entries, or carries an image that is not one.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath

from domain import texts
from domain.inventory import FILE_LEVEL, InvalidInventory, RowError

MAX_ENTRIES = 2_000  # files in the ZIP (folders and junk included)
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # uncompressed, everything together
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # one image (Telegram takes photos up to 10 MB)
MAX_TABLE_BYTES = 20 * 1024 * 1024  # the inventory file, as parse_inventory allows
# A big entry that shrank more than this is a zip bomb, not a photo or a spreadsheet
# (JPEG/PNG/WEBP hardly compress; a CSV of products about 5-10 times).
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # entries smaller than this are never refused for their ratio
READ_CHUNK = 64 * 1024

# .txt is left out: a ZIP's readme.txt is not a second inventory.
TABLE_EXTENSIONS = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
# Images Telegram will not show as a photo: named, so the owner knows to convert them.
OTHER_IMAGE_EXTENSIONS = (".gif", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".avif")
JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
EOCD = b"PK\x05\x06"  # end of central directory record
EOCD_SIZE = 22
MAX_COMMENT = 0xFFFF
MAX_DIRECTORY_BYTES = MAX_ENTRIES * 1024  # a central directory of MAX_ENTRIES long names


@dataclass(frozen=True)
class Bundle:
    """What a ZIP carried: the inventory file (name, bytes) if any, and its images by entry
    name (folders included: "fotos/EXT-ABC-20.jpg")."""

    table: tuple[str, bytes] | None
    images: dict[str, bytes] = field(default_factory=dict)

    def image_names(self) -> list[str]:
        return list(self.images)


def is_zip_upload(data: bytes, filename: str) -> bool:
    """A .zip the owner sent (an .xlsx is a ZIP too, but named so)."""
    return filename.lower().endswith(".zip") or (
        data.startswith(b"PK\x03\x04") and not filename.lower().endswith((".xlsx", ".xlsm"))
        and b"[Content_Types].xml" not in data[:4096]
    )  # fmt: skip


def photos_alone(data: bytes, filename: str) -> bool:
    """A ZIP upload holding images and no inventory file (only its directory is read);
    a corrupt ZIP raises InvalidInventory."""
    if not is_zip_upload(data, filename):
        return False
    _check_entry_count(data)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = [info for info in archive.infolist() if not _junk(info)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_CORRUPT) from exc
    suffixes = {PurePosixPath(display_name(info)).suffix.lower() for info in entries}
    return not suffixes & set(TABLE_EXTENSIONS) and not _is_xlsx(entries)


def image_kind(data: bytes) -> str | None:
    """ "jpeg", "png" or "webp" from the magic bytes; None when it is none of them."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def read_bundle(data: bytes) -> Bundle:
    """The inventory file and images of a ZIP, or InvalidInventory saying what is wrong
    (nothing is read past the first reason to refuse the ZIP as a whole)."""
    _check_entry_count(data)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_CORRUPT) from exc
    with archive:
        entries = [info for info in archive.infolist() if not _junk(info)]
        if len(archive.infolist()) > MAX_ENTRIES:
            raise InvalidInventory.file_error(texts.PHOTOS_ZIP_TOO_MANY.format(limit=MAX_ENTRIES))
        if any(info.flag_bits & 0x1 for info in entries):
            raise InvalidInventory.file_error(texts.PHOTOS_ZIP_ENCRYPTED)
        if _is_xlsx(entries):  # an .xlsx renamed .zip: read as what it is
            return Bundle(("inventario.xlsx", data))
        _check_sizes(entries)
        return _extract(archive, entries)


def _check_entry_count(data: bytes) -> None:
    """Refuse a ZIP announcing too many entries before zipfile builds an object for each
    (a 20 MB central directory holds hundreds of thousands)."""
    tail = data[-(EOCD_SIZE + MAX_COMMENT) :]
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_CORRUPT)
    total, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    # 0xFFFF entries or 0xFFFFFFFF bytes: a ZIP64 directory, far beyond what we take too.
    if total > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_TOO_MANY.format(limit=MAX_ENTRIES))


def _junk(info: zipfile.ZipInfo) -> bool:
    """Folders and what macOS or Windows leave in a ZIP (__MACOSX/, ._x.jpg, .DS_Store)."""
    path = PurePosixPath(info.filename)
    name = path.name.lower()
    return (
        info.is_dir()
        or "__MACOSX" in path.parts
        or name.startswith("._")
        or name in JUNK_NAMES
        or not name
    )


def _is_xlsx(entries: list[zipfile.ZipInfo]) -> bool:
    names = {info.filename for info in entries}
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    """What the ZIP says it holds, checked before anything is uncompressed (reading checks
    again: a ZIP may lie about sizes)."""
    total = sum(info.file_size for info in entries)
    if total > MAX_TOTAL_BYTES:
        raise InvalidInventory.file_error(
            texts.PHOTOS_ZIP_TOO_BIG.format(limit_mb=MAX_TOTAL_BYTES // (1024 * 1024))
        )
    for info in entries:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise InvalidInventory.file_error(texts.PHOTOS_ZIP_BOMB.format(name=display_name(info)))


def display_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the owner wrote it: a ZIP without the UTF-8 flag (Windows'
    own) stores names in the PC's code page, which zipfile reads as cp437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def _extract(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> Bundle:
    tables: list[tuple[str, bytes]] = []
    images: dict[str, bytes] = {}
    problems: list[RowError] = []
    budget = MAX_TOTAL_BYTES
    for info in entries:
        name = display_name(info)
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in TABLE_EXTENSIONS:
            data = _read(archive, info, MAX_TABLE_BYTES, budget, name)
            tables.append((PurePosixPath(name).name, data))
        elif suffix in IMAGE_EXTENSIONS:
            data = _read(archive, info, MAX_IMAGE_BYTES, budget, name)
            if image_kind(data) is None:
                problems.append(_problem(texts.PHOTOS_NOT_AN_IMAGE.format(name=name)))
            else:
                images[name] = data
        elif suffix in OTHER_IMAGE_EXTENSIONS:
            problems.append(_problem(texts.PHOTOS_WRONG_FORMAT.format(name=name)))
            continue
        else:
            continue  # a readme, a PDF: not ours to read
        budget -= len(data)
    if len(tables) > 1:
        shown = ", ".join(name for name, _ in tables[:3])
        problems.insert(0, _problem(texts.PHOTOS_ZIP_TWO_TABLES.format(names=shown)))
    if problems:
        raise InvalidInventory(problems)
    if not tables and not images:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_EMPTY)
    return Bundle(tables[0] if tables else None, images)


def _problem(reason: str) -> RowError:
    return RowError(FILE_LEVEL, "", reason)


def _read(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget: int, name: str
) -> bytes:
    """The entry's bytes, never more than `limit` (its kind's cap) nor `budget` (what is
    left of the total), whatever its header says; a bad CRC or a broken stream is a corrupt
    ZIP."""
    cap = min(limit, budget)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as entry:
            while chunk := entry.read(READ_CHUNK):
                size += len(chunk)
                if size > cap:
                    break
                chunks.append(chunk)
    except RuntimeError as exc:  # an encrypted entry the flags did not announce
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_ENCRYPTED) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise InvalidInventory.file_error(texts.PHOTOS_ZIP_CORRUPT) from exc
    if size > cap:
        if size > budget:
            raise InvalidInventory.file_error(
                texts.PHOTOS_ZIP_TOO_BIG.format(limit_mb=MAX_TOTAL_BYTES // (1024 * 1024))
            )
        reason = texts.PHOTOS_IMAGE_TOO_BIG if limit == MAX_IMAGE_BYTES else texts.INVENTORY_TOO_BIG
        raise InvalidInventory.file_error(reason.format(name=name, limit_mb=limit // (1024 * 1024)))
    return b"".join(chunks)
