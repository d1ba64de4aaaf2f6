"""SHA-256 checksums: the import log's record of what was read, and a download's check."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def sha256_files(paths: Iterable[str | Path]) -> str:
    """Hex SHA-256 of the bytes of ``paths`` read one after another (of one file: its checksum)."""
    h = hashlib.sha256()
    for path in paths:
        with Path(path).open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes already in memory (a file read once, a serialised frame)."""
    return hashlib.sha256(data).hexdigest()
