"""Named numpy arrays in one file, read back as memory maps.

The search index is kept beside the database so that a restart loads it instead of analysing
every product again (seconds at 100k products). The file is a small JSON header followed by
each array's raw bytes, 64-byte aligned: reading maps the file, so arrays that are only read
(the index's segments) cost no copy and only the pages a search touches. Written to a
temporary file and renamed, so a crash mid-write leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"AVSNAP1\n"
ALIGN = 64


class SnapshotError(Exception):
    """The file is missing, truncated or not a snapshot: rebuild instead."""


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> int:
    """Write `arrays` and `meta` (JSON) to `path` atomically; the bytes written."""
    entries: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, array in arrays.items():
        offset = -(-offset // ALIGN) * ALIGN
        entries[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += array.nbytes
    header = json.dumps({"meta": dict(meta), "arrays": entries}).encode()
    start = -(-(len(MAGIC) + 8 + len(header)) // ALIGN) * ALIGN
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + len(header).to_bytes(8, "little") + header)
            for name, array in arrays.items():
                out.seek(start + entries[name]["offset"])
                out.write(np.ascontiguousarray(array).tobytes())
            out.truncate(start + offset)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return start + offset


def read_arrays(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays) of a file `write_arrays` wrote; arrays map the file read-only."""
    try:
        with open(path, "rb") as source:
            if source.read(len(MAGIC)) != MAGIC:
                raise SnapshotError(f"{path}: not a search snapshot")
            size = int.from_bytes(source.read(8), "little")
            header = json.loads(source.read(size))
        start = -(-(len(MAGIC) + 8 + size) // ALIGN) * ALIGN
        total = path.stat().st_size
        arrays = {}
        for name, entry in header["arrays"].items():
            dtype, shape = np.dtype(entry["dtype"]), tuple(entry["shape"])
            count = int(np.prod(shape)) if shape else 1
            if start + entry["offset"] + count * dtype.itemsize > total:
                raise SnapshotError(f"{path}: truncated")
            if count == 0:
                arrays[name] = np.empty(shape, dtype=dtype)
                continue
            mapped = np.memmap(
                path, dtype=dtype, mode="r", offset=start + entry["offset"], shape=shape
            )
            # A plain array over the map: np.memmap's own indexing (a subclass to finish
            # at every slice) made a search at 100k products a fifth slower.
            arrays[name] = mapped.view(np.ndarray)
        return header["meta"], arrays
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SnapshotError(f"{path}: {error}") from error


def prefixed(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`arrays` named under `prefix` (one part's arrays among a whole's)."""
    return {prefix + name: array for name, array in arrays.items()}


def unprefixed(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays named under `prefix`, without it (what `prefixed` gave)."""
    return {name[len(prefix) :]: a for name, a in arrays.items() if name.startswith(prefix)}
