"""How the server shares one DuckDB ledger file with the CLI.

DuckDB lets one process hold a file for writing, or any number hold it read-only, never both. The
server therefore:

- reads through **one read-only connection**, a new cursor per request (cursors are thread-safe
  to use side by side), opened on the first request;
- **lets go of the file after ``idle_release`` seconds without requests**, so a `legation import`
  run while the server is idle succeeds; if the CLI holds the file when a request comes, the request
  gets a 503 problem with ``Retry-After`` (never a crash, never a half-read);
- writes only through its own import route: readers drain, the read-only handle closes, one
  read-write transaction runs, and the caches are dropped;
- caches computed frames per **generation** of the file (its size and modification time, and the
  WAL's), so after the CLI writes, the next request recomputes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from legation.errors import LedgerLocked, LegationError
from legation.ledger.store import Ledger
from legation.states.resolve import Resolver

T = TypeVar("T")
CACHE_SIZE = 256


class LedgerBusy(LegationError):
    """Another process holds the ledger for writing; the request may be retried."""


def signature(path: Path) -> tuple[int, ...]:
    """The file's generation: size and modification time of the ledger and of its WAL."""
    out: list[int] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            out += [st.st_size, st.st_mtime_ns]
        except FileNotFoundError:
            out += [-1, -1]
    return tuple(out)


class LedgerAccess:
    """Read and write access to one ledger file for a multi-threaded server."""

    def __init__(self, path: str | Path, *, idle_release: float = 2.0):
        self.path = Path(path)
        self.idle_release = idle_release
        self._led: Ledger | None = None
        self._readers = 0
        self._writing = False
        self._last_used = 0.0
        self._cond = threading.Condition()
        self._cache: OrderedDict[Hashable, object] = OrderedDict()
        self._stripes = [threading.RLock() for _ in range(64)]
        self._signature: tuple[int, ...] | None = None
        self._resolver: Resolver | None = None
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._release_when_idle, daemon=True, name="ledger-idle")
        self._reaper.start()

    # connections ----------------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self._led = Ledger(self.path, read_only=True)
        except LedgerLocked as e:
            raise LedgerBusy(
                f"{self.path.name} is held for writing by another process (a `legation import`?); retry"
            ) from e
        sig = signature(self.path)
        if sig != self._signature:
            self._cache.clear()
            self._resolver = None
            self._signature = sig

    def _close(self) -> None:
        if self._led is not None:
            self._led.close()
            self._led = None

    def _release_when_idle(self) -> None:
        while not self._stop.wait(min(0.25, self.idle_release)):
            with self._cond:
                idle = time.monotonic() - self._last_used
                if self._led is not None and self._readers == 0 and idle >= self.idle_release:
                    self._close()

    def close(self) -> None:
        """Stop the idle reaper and let go of the file."""
        self._stop.set()
        with self._cond:
            self._close()

    @property
    def is_open(self) -> bool:
        return self._led is not None

    def state(self) -> tuple[str, str | None]:
        """``("ok" | "busy" | "damaged", why)``: whether requests can read the ledger now. Never
        waits: a write in progress (here or by another process) is ``busy``; a file that cannot be
        opened as a ledger (damaged, missing, of another schema) is ``damaged``. The file is opened
        only to check it when the server does not hold it open already, and let go at once."""
        with self._cond:
            if self._writing:
                return "busy", "the server is writing an upload to the ledger"
            if self._led is not None:
                return "ok", None
        try:
            Ledger(self.path, read_only=True).close()
        except LedgerLocked:
            return "busy", f"{self.path.name} is held for writing by another process; retry"
        except LegationError as e:
            return "damaged", str(e)
        return "ok", None

    @contextmanager
    def read(self) -> Iterator[Ledger]:
        """A read-only ledger on its own cursor, for one request."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            if self._led is None:
                self._open()
            assert self._led is not None
            self._readers += 1
            cursor = self._led.cursor()
            cursor._resolver = self._resolver
        try:
            yield cursor
        finally:
            cursor.close()
            with self._cond:
                if self._resolver is None and self._signature is not None:
                    self._resolver = cursor._resolver  # name resolution is built once per generation
                self._readers -= 1
                self._last_used = time.monotonic()
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[Ledger]:
        """The ledger opened for writing, once every reader is done; caches are dropped after."""
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True
            self._close()
        try:
            try:
                led = Ledger(self.path)
            except LedgerLocked as e:
                raise LedgerBusy(f"{self.path.name} is in use by another process; retry") from e
            try:
                yield led
            finally:
                led.close()
        finally:
            with self._cond:
                self._writing = False
                self._cache.clear()
                self._resolver = None
                self._signature = None
                self._cond.notify_all()

    # caching ------------------------------------------------------------------------------------

    def cached(self, key: Hashable, compute: Callable[[Ledger], T]) -> T:
        """``compute(ledger)`` once per key and generation of the file, keeping the ``CACHE_SIZE`` most
        recently used results; concurrent callers of one key wait for the first instead of computing
        it again. ``compute`` may itself call `cached` (the locks are re-entrant)."""
        with self._stripes[hash(key) % len(self._stripes)], self.read() as led:
            with self._cond:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]  # type: ignore[return-value]
            value = compute(led)
            with self._cond:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return value
