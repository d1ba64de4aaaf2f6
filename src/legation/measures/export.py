"""The whole influence index as one table, so anyone can check the validation from outside legation.

Every directed patron–target–year with a stock in some channel or a UN excess agreement: ``patron,
target, year, composite``
and one ``score_<channel>`` column per research channel (COW codes; NA where the channel does not
cover the patron that year, 0 where it does and the dyad has no stock), and ``excess``, the target's
excess UN agreement with the patron (the validation's outcome; NA where they did not both vote), with
the index version, the composite weights and the sources' citations as metadata (Parquet key-value
metadata; for CSV, a ``.json`` file beside it). A patron–target–year missing from the file has no
stock in any channel and no UN agreement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from legation.errors import InvalidValueError, NeedsDataError
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures import influence_v2
from legation.measures.alignment import dyad_alignment, excess
from legation.panel.channels import CHANNELS, INFLUENCE


def index_table(led: Ledger, years: tuple[int, int], index: str = inf.DEFAULT_INDEX) -> pl.DataFrame:
    """``patron, target, year, composite, score_<channel>…, excess``: every patron–target–year with a
    stock in some channel or a UN excess agreement, channel scores 0 where covered without a stock."""
    channels = list(INFLUENCE)
    sources = sorted({s for c in channels for s in CHANNELS[c].sources})
    if not reads.has_data(led, sources):
        raise NeedsDataError(
            f"the index is built from the research datasets ({', '.join(sources)}), and {led.path.name} "
            "holds none of them; import them with `legation data import-dir DIR`"
        )
    keys = ["patron", "target", "year"]
    cols = [f"score_{c}" for c in channels]
    scorer = influence_v2.channel_scores if inf.check_index(index) == "v2" else inf.channel_scores
    scores = scorer(led, years, channels)
    wide = scores.pivot("channel", index=keys, values="score").rename(
        {c: f"score_{c}" for c in channels}, strict=False
    )
    wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c) for c in cols if c not in wide.columns)
    if reads.has_roll_calls(led, CHANNELS["unga"].source):
        align = dyad_alignment(led, years=years, source=CHANNELS["unga"].source)
        ex = excess(align).select(pl.col(*keys).cast(pl.Int32), "excess")
        wide = wide.join(ex, on=keys, how="full", coalesce=True)
    else:
        wide = wide.with_columns(pl.lit(None, pl.Float64).alias("excess"))
    patrons = wide["patron"].unique().to_list()
    cover = inf.coverage_grid(led, years, patrons, channels).pivot(
        "channel", index=["patron", "year"], values="covered"
    )
    out = wide.join(cover.rename({c: f"_cov_{c}" for c in channels}), on=["patron", "year"], how="left")
    out = out.with_columns(
        pl.when(pl.col(f"_cov_{c}")).then(pl.col(f"score_{c}").fill_null(0.0)).alias(f"score_{c}")
        for c in channels
    )
    w = {c: v for c, v in inf.default_weights(index).items() if v > 0}
    num = pl.sum_horizontal(pl.col(f"score_{c}").fill_null(0.0) * v for c, v in w.items())
    den = pl.sum_horizontal(pl.col(f"score_{c}").is_not_null().cast(pl.Float64) * v for c, v in w.items())
    out = out.with_columns(pl.when(den > 0).then(num / den).alias("composite"))
    return out.select(*keys, "composite", *cols, "excess").sort(keys)


def metadata(led: Ledger, years: tuple[int, int], index: str) -> dict[str, str]:
    """The index version, years, weights, formula note and citations, as string key-values."""
    sources = sorted({s for c in INFLUENCE for s in CHANNELS[c].sources})
    cites = [src.citation_line() for src in led.registered(sources)]
    info: dict[str, Any] = {
        "legation.index": index,
        "legation.years": f"{years[0]}-{years[1]}",
        "legation.weights": json.dumps(inf.default_weights(index)),
        "legation.formula": "composite = weighted mean of score_<channel> over the channels covering the "
        "patron that year; score = bandwidth x dependence (docs/influence.md)",
        "legation.citations": "\n".join(cites),
    }
    return {k: str(v) for k, v in info.items()}


def write(led: Ledger, years: tuple[int, int], path: Path, index: str = inf.DEFAULT_INDEX) -> pl.DataFrame:
    """Write the index to ``path`` (``.parquet`` or ``.csv``) and return it."""
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InvalidValueError(f"{path}: write the index to a .parquet or .csv file")
    table = index_table(led, years, index)
    meta = metadata(led, years, index)
    if suffix == ".parquet":
        table.write_parquet(path, metadata=meta)
    else:
        table.write_csv(path)
        path.with_name(path.name + ".json").write_text(json.dumps(meta, indent=1) + "\n")
    return table
