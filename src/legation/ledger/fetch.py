"""Download the producers' official files into a local data directory.

Files land at the path each importer expects (``atop/atop5_1a.csv`` …), so the directory can be
imported with `importers.import_dir`. A download is written to ``<file>.part`` and renamed only once
complete and verified, so an interrupted fetch never leaves a file that looks finished; the next
fetch resumes the part with an HTTP range request. Every file's SHA-256 is checked against the
checksum the importer pins, or else against the one recorded the first time it was fetched
(``checksums.json`` in the directory): a producer silently changing a release is reported.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from legation.errors import LegationError
from legation.ledger.digest import sha256_files
from legation.ledger.importers.base import Download

CHUNK = 1 << 16
Progress = Callable[[str, int, int | None], None]
"""Called with (file path, bytes so far, total bytes or None)."""


class FetchError(LegationError):
    """A download that failed: no network, a server error or a checksum mismatch."""


@dataclass
class Fetched:
    path: Path
    sha256: str
    status: str  # "downloaded", "resumed" or "cached"
    url: str


def data_dir() -> Path:
    """Where fetched files go: ``$LEGATION_DATA`` or the user's cache directory."""
    env = os.environ.get("LEGATION_DATA")
    return Path(env) if env else Path(platformdirs.user_cache_dir("legation")) / "data"


def fetch(
    downloads: Iterable[Download],
    dest: str | Path | None = None,
    *,
    mirror: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> list[Fetched]:
    """Download each file into ``dest`` (default `data_dir`), from ``mirror`` + its path when given."""
    root = Path(dest) if dest is not None else data_dir()
    root.mkdir(parents=True, exist_ok=True)
    ledger = _Checksums(root / "checksums.json")
    out = []
    for d in downloads:
        url = f"{mirror.rstrip('/')}/{d.path}" if mirror else d.url
        out.append(_one(d, url, root, ledger, progress, timeout))
    return out


def _one(
    d: Download, url: str, root: Path, sums: _Checksums, progress: Progress | None, timeout: float
) -> Fetched:
    target = root / d.path
    expected = d.sha256 or sums.get(d.path)
    if target.is_file() and expected is not None and sha256_files([target]) == expected:
        return Fetched(target, expected, "cached", url)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "legation"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            resumed = have > 0 and resp.status == 206
            if not resumed:
                have = 0
            length = resp.headers.get("Content-Length")
            total = have + int(length) if length is not None else None
            with part.open("ab" if resumed else "wb") as f:
                done = have
                while chunk := resp.read(CHUNK):
                    f.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(d.path, done, total)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # the part is already whole
            resumed = True
        else:
            raise FetchError(f"{url}: the server answered {e.code} {e.reason}") from e
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise FetchError(
            f"cannot download {url}: {reason}. Without network access, copy the producer's files into "
            f"{root} (as {d.path}) or import a local copy with `legation data import-dir DIR`; what was "
            f"fetched so far is kept in {part.name} and resumed next time"
        ) from e
    digest = sha256_files([part])
    if expected is not None and digest != expected:
        part.unlink()
        raise FetchError(
            f"{url}: checksum mismatch for {d.path} (expected sha256 {expected}, got {digest}); the "
            "download was discarded. If the producer published a new release, update legation."
        )
    part.replace(target)
    sums.put(d.path, digest)
    return Fetched(target, digest, "resumed" if resumed else "downloaded", url)


class _Checksums:
    """The SHA-256 recorded for each file the first time it was fetched."""

    def __init__(self, path: Path):
        self.path = path
        self.sums: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}

    def get(self, name: str) -> str | None:
        return self.sums.get(name)

    def put(self, name: str, digest: str) -> None:
        self.sums[name] = digest
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.sums, indent=1, sort_keys=True))
        tmp.replace(self.path)
