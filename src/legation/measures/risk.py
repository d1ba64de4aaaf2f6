"""Risks of military diplomacy: arms dependency, over-concentration of influence, escalation exposure.

    from legation.measures import risk
    dep = risk.arms_dependency(led, (1990, 2020))        # recipient-year: hhi, top supplier, suppliers
    conc = risk.concentration(influence)                  # patron-year HHI over targets
    exp = risk.escalation_exposure(led, edges, (1990, 2010))  # patron-target-year rivals of the target

- ``arms_dependency``: for each recipient-year, the supplier concentration of its **decayed arms-import
  stock** (SIPRI TIV flows, half-life of the ``arms_transfer`` instrument, 8 years): Herfindahl–
  Hirschman index Σ share², top supplier and its share, suppliers holding at least ``min_share`` of
  the stock, and the effective number of suppliers 1/HHI. State suppliers only (SIPRI's few
  non-state and multinational suppliers are left out, so shares sum to 1). NA outside the source's
  coverage (1950–2021); inside it, a state that has imported nothing has stock 0 and NA concentration.
- ``concentration``: HHI of a patron's influence across its targets per year (or of a target's
  across its patrons, ``by="target"``).
- ``escalation_exposure``: engaging partner j exposes patron i to j's rivalries: the third states k
  (k ≠ i) in a strategic rivalry with j that year, weighted by contiguity of j and k.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import polars as pl
from polars.datatypes import DataTypeClass

from legation.errors import MeasureError
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.panel.build import state_years
from legation.panel.channels import CHANNELS, flows, window
from legation.panel.frame import Panel
from legation.panel.stocks import decayed

# contiguity weights for escalation exposure: COW conttype -> weight of a rival of the target
CONTIGUITY_WEIGHTS: dict[int, float] = {0: 1.0, 1: 2.0, 2: 1.5, 3: 1.5, 4: 1.5, 5: 1.5}


class RiskError(MeasureError):
    """A bad input frame or option."""


def hhi_table(frame: pl.DataFrame, group: list[str], unit: str, value: str, top_name: str) -> pl.DataFrame:
    """``group…, total, n, hhi, <top_name>, top_share, effective`` per group: the Herfindahl–Hirschman
    index Σ share² of ``value`` over the ``unit``s (values > 0 only), the largest unit and its share
    (ties to the smallest unit), the count and the effective number 1/HHI."""
    f = frame.filter(pl.col(value).is_not_null() & (pl.col(value) > 0))
    f = f.with_columns((pl.col(value) / pl.col(value).sum().over(group)).alias("_share"))
    return (
        f.sort([*group, "_share", unit], descending=[False] * len(group) + [True, False])
        .group_by(group, maintain_order=True)
        .agg(
            pl.col(value).sum().alias("total"),
            pl.len().cast(pl.Int32).alias("n"),
            (pl.col("_share") ** 2).sum().alias("hhi"),
            pl.col(unit).first().alias(top_name),
            pl.col("_share").first().alias("top_share"),
        )
        .with_columns((1 / pl.col("hhi")).alias("effective"))
    )


def arms_dependency(
    ledger: Ledger,
    years: tuple[int, int],
    *,
    source: str | None = None,
    half_life: float | None = None,
    min_share: float = 0.01,
) -> pl.DataFrame:
    """Per state-year of the COW system in ``years``: ``arms_import_stock`` (decayed TIV), ``hhi``
    (Σ supplier share²), ``top_supplier`` (ccode), ``top_share``, ``suppliers`` (those holding ≥
    ``min_share`` of the stock) and ``effective_suppliers`` (1/HHI). NA outside the source's coverage."""
    arms = CHANNELS["arms"]
    src = ledger.source(source or arms.source)
    h = half_life or arms.half_life
    lo, hi = window(src, years)
    grid = state_years(ledger, years=years).frame.select(
        pl.col("ccode").cast(pl.Int32), pl.col("year").cast(pl.Int32)
    )
    flows_ = flows(ledger, replace(arms, sources=(src.id,)), hi).filter(pl.col("ccode1") != pl.col("ccode2"))
    flows_ = flows_.rename({"ccode1": "supplier", "ccode2": "ccode"})
    schema: dict[str, DataTypeClass] = {
        "arms_import_stock": pl.Float64,
        "hhi": pl.Float64,
        "top_supplier": pl.Int32,
        "top_share": pl.Float64,
        "suppliers": pl.Int32,
        "effective_suppliers": pl.Float64,
    }
    if hi >= lo and flows_.height:
        stock = decayed(flows_, h, lo, hi, ["supplier", "ccode"])
        stats = hhi_table(stock, ["ccode", "year"], "supplier", "stock", "top_supplier")
        counts = (
            stock.filter(pl.col("stock") > 0)
            .with_columns((pl.col("stock") / pl.col("stock").sum().over("ccode", "year")).alias("_s"))
            .group_by("ccode", "year")
            .agg((pl.col("_s") >= min_share).sum().alias("suppliers"))
        )
        stats = stats.join(counts, on=["ccode", "year"], how="left").select(
            pl.col("ccode").cast(pl.Int32),
            pl.col("year").cast(pl.Int32),
            pl.col("total").alias("arms_import_stock"),
            "hhi",
            "top_supplier",
            "top_share",
            "suppliers",
            pl.col("effective").alias("effective_suppliers"),
        )
    else:
        stats = pl.DataFrame(schema={"ccode": pl.Int32, "year": pl.Int32, **schema})
    out = grid.join(
        stats.with_columns(pl.col(c).cast(t) for c, t in schema.items()), on=["ccode", "year"], how="left"
    )
    inside = pl.col("year").is_between(lo, hi)
    return out.with_columns(
        pl.when(inside).then(pl.col("arms_import_stock").fill_null(0.0)).alias("arms_import_stock"),
        pl.when(inside).then(pl.col("suppliers").fill_null(0)).alias("suppliers"),
    ).sort("ccode", "year")


def concentration(
    influence: pl.DataFrame, *, by: Literal["patron", "target"] = "patron", value: str = "influence"
) -> pl.DataFrame:
    """Over-concentration of influence: per ``by``-year, ``hhi`` = Σ share² of its influence across the
    counterparts (targets of a patron, or patrons of a target), ``top_target`` (or ``top_patron``) and
    ``top_share``, ``n`` counterparts with positive influence, ``effective`` = 1/HHI and ``total``.

    ``influence`` has columns patron, target, year and ``value``; null and zero values are ignored,
    negative ones are an error. HHI is 1 when all influence goes to one counterpart, 1/n when spread
    evenly over n."""
    if by not in ("patron", "target"):
        raise RiskError(f"by must be 'patron' or 'target', not {by!r}")
    missing = {"patron", "target", "year", value} - set(influence.columns)
    if missing:
        raise RiskError(f"influence frame lacks columns {sorted(missing)}")
    if (influence[value].drop_nulls() < 0).any():
        raise RiskError(f"{value} has negative values; concentration needs non-negative influence")
    other = "target" if by == "patron" else "patron"
    out = hhi_table(influence, [by, "year"], other, value, f"top_{other}")
    return out.select(by, "year", "total", "n", "hhi", "effective", f"top_{other}", "top_share").sort(
        by, "year"
    )


def _edges(edges: pl.DataFrame | Panel) -> pl.DataFrame:
    frame = edges.frame if isinstance(edges, Panel) else edges
    if {"patron", "target", "year"} <= set(frame.columns):
        cols = ("patron", "target")
    elif {"ccode1", "ccode2", "year"} <= set(frame.columns):
        cols = ("ccode1", "ccode2")
    else:
        raise RiskError("edges need columns patron, target, year (or ccode1, ccode2, year)")
    return frame.select(
        pl.col(cols[0]).cast(pl.Int32).alias("patron"),
        pl.col(cols[1]).cast(pl.Int32).alias("target"),
        pl.col("year").cast(pl.Int32),
    ).unique()


def escalation_exposure(
    ledger: Ledger,
    edges: pl.DataFrame | Panel,
    years: tuple[int, int] | None = None,
    *,
    rivalry: Literal["td", "tss", "either"] = "td",
    weights: Mapping[int, float] | None = None,
    source: str | None = None,
    contiguity_source: str | None = None,
) -> pl.DataFrame:
    """Per patron-target-year of ``edges`` (patron, target, year or ccode1 → ccode2, year; a Panel is
    accepted): ``rivals_of_target`` (third states k ≠ patron in a strategic rivalry with the target:
    Thompson–Dreyer ``rivalry="td"``, Thompson–Sakuwa–Suhas ``"tss"`` or ``"either"``),
    ``contiguous_rivals`` (those contiguous with the target, COW conttype 1–5) and ``exposure``
    = Σ_k weights[conttype(target, k)] (default land 2, water ≤ 400 miles 1.5, none 1). Contiguity
    after its last year (2016) is carried forward from that year. NA after the rivalry list's last year
    (TD 2010, TSS 2020)."""
    w = dict(CONTIGUITY_WEIGHTS if weights is None else weights)
    pairs = _edges(edges)
    if years is not None:
        pairs = pairs.filter(pl.col("year").is_between(years[0], years[1]))
    variables = {"td": ["rivalry_td"], "tss": ["rivalry_tss"], "either": ["rivalry_td", "rivalry_tss"]}
    if rivalry not in variables:
        raise RiskError(f"rivalry must be 'td', 'tss' or 'either', not {rivalry!r}")
    source = source or CHANNELS["rivalries"].source
    contiguity_source = contiguity_source or CHANNELS["contiguity"].source
    ledger.source(source)
    ends = reads.last_years(ledger, source)
    last = min((ends[v] for v in variables[rivalry] if v in ends), default=None)
    riv = reads.dyad_attribute(ledger, source, variables[rivalry], positive=True).select(
        pl.col("ccode1").alias("target"), pl.col("ccode2").alias("rival"), "year"
    )
    riv = pl.concat(
        [riv, riv.select(pl.col("rival").alias("target"), pl.col("target").alias("rival"), "year")]
    )
    riv = riv.unique().with_columns(pl.col(c).cast(pl.Int32) for c in ("target", "rival", "year"))
    cont_last = reads.last_years(ledger, contiguity_source).get("contiguity")
    cont = (
        reads.dyad_attribute(ledger, contiguity_source, ["contiguity"], positive=True, name="conttype")
        .select(
            pl.col("ccode1").alias("target"),
            pl.col("ccode2").alias("rival"),
            "year",
            pl.col("conttype").cast(pl.Int32),
        )
        .with_columns(pl.col(c).cast(pl.Int32) for c in ("target", "rival", "year"))
    )
    joined = pairs.join(riv, on=["target", "year"], how="inner").filter(pl.col("rival") != pl.col("patron"))
    cont_year = pl.min_horizontal("year", pl.lit(cont_last or 0)).cast(pl.Int32).alias("_cy")
    joined = joined.with_columns(cont_year).join(
        cont.rename({"year": "_cy"}), on=["target", "rival", "_cy"], how="left"
    )
    joined = joined.with_columns(pl.col("conttype").fill_null(0))
    weight = pl.col("conttype").replace_strict(w, default=w.get(0, 1.0), return_dtype=pl.Float64)
    agg = joined.group_by("patron", "target", "year").agg(
        pl.len().cast(pl.Int32).alias("rivals_of_target"),
        (pl.col("conttype") > 0).sum().cast(pl.Int32).alias("contiguous_rivals"),
        weight.sum().alias("exposure"),
    )
    out = pairs.join(agg, on=["patron", "target", "year"], how="left")
    inside = pl.col("year") <= (last if last is not None else -1)
    return out.select(
        "patron",
        "target",
        "year",
        pl.when(inside).then(pl.col("rivals_of_target").fill_null(0)).alias("rivals_of_target"),
        pl.when(inside).then(pl.col("contiguous_rivals").fill_null(0)).alias("contiguous_rivals"),
        pl.when(inside).then(pl.col("exposure").fill_null(0.0)).alias("exposure"),
    ).sort("patron", "target", "year")
