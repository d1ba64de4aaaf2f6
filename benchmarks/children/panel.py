"""Child of ``panel_bench.py``: ``python -m children.panel RESULT.json KIND DB DATA``.

Kinds: ``legation`` (COW directed dyad-years 1816–2024 + ATOP + NMC), ``full`` (dyad-years 1946–2020
with every ``add_*`` verb), ``pandas`` (the first pipeline written directly in pandas over the
Parquet files in DATA; does not import legation).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from harness import Clock, child_main


# the only calls into legation: adapt here if the public API changes
def _peacesciencer(led: Any) -> Any:
    from legation import panel

    return panel.dyad_years(led, years=(1816, 2024)).add_atop().add_nmc()


def _every_verb(led: Any) -> Any:
    from legation import panel

    p = panel.dyad_years(led, years=(1946, 2020))
    for name in panel.VERBS:
        p = getattr(p, name)()
    return p


def _open(db: str) -> Any:
    from legation.ledger import Ledger

    return Ledger(db, read_only=True)


def _on_ledger(build: Any) -> Any:
    def measure(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
        for module in ("legation.panel", "legation.ledger"):  # imports outside the clock
            importlib.import_module(module)
        clock.start()
        with _open(args[0]) as led:
            rows, cols = build(led).frame.shape
        return {"rows": rows, "cols": cols}

    return measure


def pandas_pipeline(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import pandas as pd

    data = args[1]
    clock.start()
    st = pd.read_parquet(f"{data}/peacesciencer/cow_states.parquet")
    st["start"] = pd.to_datetime(dict(year=st.styear, month=st.stmonth, day=st.stday))
    st["end"] = pd.to_datetime(dict(year=st.endyear, month=st.endmonth, day=st.endday))
    last = st["end"].max()
    st.loc[st["end"] == last, "end"] = pd.Timestamp("2024-12-31")
    st["year"] = [list(range(a, b + 1)) for a, b in zip(st["start"].dt.year, st["end"].dt.year, strict=True)]
    sy = st.explode("year")[["ccode", "year", "start", "end"]]
    sy["year"] = sy["year"].astype(int)
    y0 = pd.to_datetime(dict(year=sy.year, month=1, day=1))
    y1 = pd.to_datetime(dict(year=sy.year, month=12, day=31))
    sy["a"] = sy["start"].where(sy["start"] > y0, y0)
    sy["b"] = sy["end"].where(sy["end"] < y1, y1)
    d = sy[["ccode", "year", "a", "b"]].merge(sy[["ccode", "year", "a", "b"]], on="year", suffixes=("1", "2"))
    d = d[(d.ccode1 != d.ccode2) & (d[["a1", "a2"]].max(axis=1) <= d[["b1", "b2"]].min(axis=1))]
    d = d[["ccode1", "ccode2", "year"]].drop_duplicates().sort_values(["ccode1", "ccode2", "year"])
    atop = pd.read_parquet(f"{data}/peacesciencer/atop_alliance.parquet")
    d = d.merge(atop, on=["ccode1", "ccode2", "year"], how="left")
    flags = [c for c in atop.columns if c.startswith("atop_")]
    d[flags] = d[flags].where(d.year > 2018, d[flags].fillna(0))
    nmc = pd.read_parquet(f"{data}/peacesciencer/cow_nmc.parquet")
    for s in ("1", "2"):
        renamed = nmc.rename(columns={c: c + s for c in nmc.columns if c not in ("year",)})
        d = d.merge(renamed, on=[f"ccode{s}", "year"], how="left")
    rows, cols = d.shape
    return {"rows": rows, "cols": cols}


if __name__ == "__main__":
    child_main(
        {"legation": _on_ledger(_peacesciencer), "full": _on_ledger(_every_verb), "pandas": pandas_pipeline}
    )
