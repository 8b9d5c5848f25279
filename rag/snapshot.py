"""Named numpy arrays in one file, read back whole or a slice at a time.

The search index is kept beside the database so that a restart loads it instead of analysing
every product again (seconds at 100k products). The file is a small JSON header followed by
each array's raw bytes, 64-byte aligned. Written to a temporary file and renamed, so a crash
mid-write leaves the previous file whole.

Reading gives a `FileArray` per array: the reader takes into memory what it uses whole
(`np.asarray`) and leaves in the file what it reads a little at a time (the index's postings,
the products' names), each slice read when asked (`pread`) and then the caller's. The file
is not mapped: on Linux a memory map's page faults bring in whole folios of the page cache
(64 KB to 2 MB of a 28 MB index for each posting list read), so 200 customer searches made
the whole of the postings resident in the bot (18 MB at 100k products).
"""

from __future__ import annotations

import json
import os
import tempfile
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

MAGIC = b"AVSNAP1\n"
ALIGN = 64


class SnapshotError(Exception):
    """The file is missing, truncated or not a snapshot: rebuild instead."""


class _Source:
    """The open file the arrays of one read share; closed when the last of them goes."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self.fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self.fd)

    def read(self, size: int, position: int) -> bytes:
        """`size` bytes from `position` (pread: no shared file position, so threads may read
        at once)."""
        data = os.pread(self.fd, size, position)
        while len(data) < size:  # a short read: the rest
            more = os.pread(self.fd, size - len(data), position + len(data))
            if not more:
                raise SnapshotError(f"{self.name}: truncated")
            data += more
        return data


class FileArray:
    """An array left in its file: `a[i:j]` reads that slice (a read-only array, as a slice of
    a memory map was), `np.asarray(a)` the whole of it, an array of the caller's (the file is
    kept open while any of its arrays lives)."""

    def __init__(self, source: _Source, offset: int, dtype: np.dtype, shape: tuple[int, ...]):
        self._source = source
        self._offset = offset
        self.dtype = dtype
        self.shape = shape
        self.size = int(np.prod(shape)) if shape else 1
        self.nbytes = self.size * dtype.itemsize

    def __len__(self) -> int:
        return self.shape[0] if self.shape else 1

    def __getitem__(self, where: slice) -> np.ndarray:
        """The elements `where` (a slice with step 1) of a 1-d array."""
        start, stop, step = where.indices(self.shape[0])
        if step != 1 or len(self.shape) != 1:
            raise TypeError("a FileArray reads 1-d slices with step 1")
        size = max(stop - start, 0) * self.dtype.itemsize
        data = self._source.read(size, self._offset + start * self.dtype.itemsize)
        return np.frombuffer(data, dtype=self.dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = np.frombuffer(bytearray(self.tobytes()), dtype=self.dtype).reshape(self.shape)
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def tobytes(self) -> bytes:
        return self._source.read(self.nbytes, self._offset)


# What `read_arrays` gives, and what its readers take: a saved array, or one in memory
# (a fresh index's own `export`).
Array = np.ndarray | FileArray


def write_arrays(path: Path, arrays: Mapping[str, Array], meta: Mapping[str, Any]) -> int:
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
                out.write(array.tobytes())
            out.truncate(start + offset)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return start + offset


def read_arrays(path: Path) -> tuple[dict[str, Any], dict[str, FileArray]]:
    """(meta, arrays) of a file `write_arrays` wrote; the arrays are read when used."""
    try:
        source = _Source(path)
        lead = source.read(len(MAGIC) + 8, 0)
        if lead[: len(MAGIC)] != MAGIC:
            raise SnapshotError(f"{path}: not a search snapshot")
        total = os.fstat(source.fd).st_size
        header_size = int.from_bytes(lead[len(MAGIC) :], "little")
        if len(lead) + header_size > total:
            raise SnapshotError(f"{path}: truncated")
        header = json.loads(source.read(header_size, len(lead)))
        start = -(-(len(lead) + header_size) // ALIGN) * ALIGN
        arrays = {}
        for name, entry in header["arrays"].items():
            dtype, shape = np.dtype(entry["dtype"]), tuple(entry["shape"])
            array = FileArray(source, start + entry["offset"], dtype, shape)
            if array.size and start + entry["offset"] + array.nbytes > total:
                raise SnapshotError(f"{path}: truncated")
            arrays[name] = array
        return header["meta"], arrays
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SnapshotError(f"{path}: {error}") from error


T = TypeVar("T")


def prefixed(prefix: str, arrays: Mapping[str, T]) -> dict[str, T]:
    """`arrays` named under `prefix` (one part's arrays among a whole's)."""
    return {prefix + name: array for name, array in arrays.items()}


def unprefixed(prefix: str, arrays: Mapping[str, T]) -> dict[str, T]:
    """The arrays named under `prefix`, without it (what `prefixed` gave)."""
    return {name[len(prefix) :]: a for name, a in arrays.items() if name.startswith(prefix)}
