"""Document, PhotoSize and Voice objects backed by the file store."""

from __future__ import annotations

import mimetypes
import struct
from pathlib import PurePosixPath
from typing import Any

from doubles.telegram.state import FileStore

PHOTO_SIDES = (90, 320, 800, 1280)
DEFAULT_IMAGE_SIZE = (1280, 960)


def make_document(
    files: FileStore,
    data: bytes,
    file_name: str,
    mime_type: str | None = None,
    declared_size: int | None = None,
) -> dict[str, Any]:
    """Store ``data`` and return a Bot API ``Document``.

    ``declared_size`` makes the file report (and getFile check) that size instead of
    ``len(data)``, to exercise size limits without allocating the bytes.
    """
    mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    stored = files.add(data, "document", PurePosixPath(file_name).suffix)
    stored.declared_size = declared_size
    stored.attachment = {
        "file_name": file_name,
        "mime_type": mime_type,
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    return dict(stored.attachment)


def make_photo(files: FileStore, data: bytes) -> list[dict[str, Any]]:
    """Store ``data`` as PhotoSize entries, smallest first like the real API."""
    width, height = image_size(data)
    largest = max(width, height)
    sides = [side for side in PHOTO_SIDES if side < largest] + [largest]
    sizes = []
    for side in sides:
        stored = files.add(data, "photo", ".jpg")
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(data),
                "width": max(1, round(width * side / largest)),
                "height": max(1, round(height * side / largest)),
            }
        )
    for size in sizes:
        sized = files.get(str(size["file_id"]))
        if sized is not None:
            sized.attachment = sizes
    return [dict(size) for size in sizes]


def make_voice(files: FileStore, data: bytes, duration: int, mime_type: str) -> dict[str, Any]:
    """Store ``data`` and return a Bot API ``Voice``."""
    extension = ".oga" if "ogg" in mime_type else mimetypes.guess_extension(mime_type) or ""
    stored = files.add(data, "voice", extension)
    stored.attachment = {
        "duration": duration,
        "mime_type": mime_type,
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(data),
    }
    return dict(stored.attachment)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG/JPEG/GIF from its header, with a default otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data) or DEFAULT_IMAGE_SIZE
    return DEFAULT_IMAGE_SIZE


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None
