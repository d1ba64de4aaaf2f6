"""The `Panel`: a dyad-year or state-year frame that knows what it is and where its columns came from."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl

from legation.errors import LegationError
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

Kind = Literal["dyad", "state"]
System = Literal["cow", "gw"]


class PanelError(LegationError, ValueError):
    """A panel verb given a frame it cannot work on (wrong kind, missing keys, duplicate rows)."""


@dataclass(frozen=True)
class Panel:
    """A dyad-year or state-year frame with its kind, directedness, system and sources.

    Verbs return a new panel with more columns: ``dyad_years(...).add_atop().add_nmc()``. The
    frame itself is `frame` (polars); `to_pandas`, `to_parquet` and `citations` give it out.
    """

    frame: pl.DataFrame
    kind: Kind
    directed: bool
    system: System
    years: tuple[int, int]
    ledger_path: Path
    sources: tuple[Source, ...] = ()
    columns_by_source: dict[str, tuple[str, ...]] = field(default_factory=dict)
    open_ledger: Ledger | None = field(default=None, repr=False, compare=False)
    """The caller's open ledger, when a verb was given one; else each verb opens the file read-only."""

    # giving the frame out -------------------------------------------------------------------

    def to_polars(self) -> pl.DataFrame:
        return self.frame

    def to_pandas(self) -> pd.DataFrame:
        """A pandas frame with nullable dtypes, so NA (not covered) stays distinct from 0."""
        import pandas as pd

        return self.frame.to_pandas(types_mapper=pd.ArrowDtype)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the frame; its citations go into the file's metadata (key ``legation.citations``)."""
        path = Path(path)
        meta = {"legation.citations": "\n".join(self.citations()), "legation.kind": self.describe()}
        self.frame.write_parquet(path, metadata=meta)
        return path

    def citations(self) -> list[str]:
        """The citation of every dataset that went into the frame, state system first."""
        return [f"{s.citation} [{s.id}, version {s.version}]" for s in self.sources]

    def describe(self) -> str:
        what = "directed dyad-years" if self.kind == "dyad" and self.directed else f"{self.kind}-years"
        if self.kind == "dyad" and not self.directed:
            what = "undirected dyad-years (ccode1 < ccode2)"
        return f"{self.system.upper()} {what}, {self.years[0]}–{self.years[1]}, {self.frame.height:,} rows"

    def __repr__(self) -> str:
        return f"<Panel: {self.describe()}; columns {self.frame.columns}>"

    def __len__(self) -> int:
        return self.frame.height

    # verbs ----------------------------------------------------------------------------------

    def pipe(self, verb: Callable[..., Panel], /, *args, **kwargs) -> Panel:
        """Apply a verb function: ``panel.pipe(add_arms, source="sipri-tiv-360info")``."""
        return verb(self, *args, **kwargs)

    def with_columns(
        self, frame: pl.DataFrame, sources: tuple[Source, ...], added: dict[str, tuple[str, ...]]
    ) -> Panel:
        known = {s.id for s in self.sources}
        return replace(
            self,
            frame=frame,
            sources=self.sources + tuple(s for s in sources if s.id not in known),
            columns_by_source={**self.columns_by_source, **added},
        )

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        """The ledger to read from: the caller's open one, or the file opened read-only for the verb."""
        if self.open_ledger is not None and not self.open_ledger.closed:
            yield self.open_ledger
            return
        with Ledger(self.ledger_path, read_only=True) as led:
            yield led
