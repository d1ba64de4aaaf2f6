"""Measure commands: influence, scores, network, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from legation.cli.app import DbOption, command, console, stages, year_span
from legation.errors import NeedsDataError, NotFoundError
from legation.groups import majors
from legation.ledger.store import Ledger
from legation.states.resolve import to_iso3


def _codes(led: Ledger, text: str) -> list[int]:
    out = []
    for name in (t.strip() for t in text.split(",") if t.strip()):
        actor = led.resolver().resolve(name)
        if actor.ccode is None:
            raise typer.BadParameter(f"{name!r} is not a state")
        out.append(actor.ccode)
    return out


def _print(frame: pl.DataFrame, title: str) -> None:
    table = Table(*frame.columns, title=title)
    for row in frame.iter_rows():
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)


@command("influence")
def influence_cmd(
    target: Annotated[str, typer.Option(help="Target state (name, ISO3 or COW code).")],
    years: Annotated[str, typer.Option(help="Years, e.g. 1995-2015.")] = "1995-2015",
    patrons: Annotated[
        str | None,
        typer.Option(
            help="Patrons, comma-separated (default: the major powers, the P5 group).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write every channel score to this Parquet file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """The influence contest over a target: each patron's composite influence and share, by year."""
    from legation.measures import influence as inf
    from legation.measures import profiles

    span = year_span(years)
    patrons = patrons or ",".join(to_iso3(c) or str(c) for c in majors())
    with Ledger(db, read_only=True) as led, stages("influence") as progress:
        tgt = _codes(led, target)[0]
        pats = _codes(led, patrons)
        progress("channel stocks")
        infl, basis = profiles.influence(led, span)
    contest = inf.contest(infl, tgt, pats)
    if contest.height == 0:
        console.print(f"no influence on {target} in {years} ({basis} basis)")
        return
    wide = contest.pivot("patron", index="year", values="share").sort("year")
    names = {str(c): led_name for c, led_name in zip(pats, patrons.split(","), strict=False)}
    _print(
        wide.rename({k: v.strip() for k, v in names.items() if k in wide.columns}),
        f"share of influence over {target}",
    )
    if out is not None:
        infl.filter(pl.col("target") == tgt).write_parquet(out)
        console.print(f"channel scores written to {out}")


@command("scores")
def scores_cmd(
    year: Annotated[int, typer.Option(help="Year.")] = 2010,
    top: Annotated[int, typer.Option(help="How many states to show.")] = 20,
    db: DbOption = None,
) -> None:
    """Defence-networks scores (0–100) and the Power Gap for one year."""
    from legation.measures import influence as inf
    from legation.measures import profiles, scores

    with Ledger(db, read_only=True) as led, stages("scores") as progress:
        progress("defence networks")
        dn = profiles.national_scores(led, year)
        progress("power gap")
        gap = scores.power_gap(
            led, inf.influence(led, (1946, year)).filter(pl.col("year") == year), (year, year)
        )
        names = {c: led.resolver().label(c) for c in dn["ccode"].to_list()}
    table = dn.join(gap.select("ccode", "year", "power_gap"), on=["ccode", "year"], how="left")
    table = table.with_columns(pl.col("ccode").replace_strict(names, return_dtype=pl.String).alias("state"))
    cols = ["state", "ccode", *scores.COMPONENTS, "score", "power_gap"]
    _print(table.select(cols).head(top), f"defence networks, {year}")


@command("validate")
def validate_cmd(
    train: Annotated[str, typer.Option(help="Years to fit weights on.")] = "1970-2005",
    test: Annotated[str, typer.Option(help="Years to score on.")] = "2006-2015",
    boot: Annotated[int, typer.Option(help="Bootstrap replicates for the intervals.")] = 500,
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the table as Markdown to this file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Out-of-sample validation of influence against excess UN voting agreement (P5 patrons)."""
    from legation.measures.validation import validate

    with Ledger(db, read_only=True) as led, stages("validating") as progress:
        progress(f"fitting on {train}, scoring {test}")
        result = validate(led, train=year_span(train), test=year_span(test), boot=boot)
    table = result.table()
    _print(table, f"within-target and pooled Spearman ρ, top-1 accuracy; test {test}, fitted on {train}")
    f = result.fitted
    console.print(
        "fitted weights: "
        + ", ".join(f"{c} {w:.3f} (se {f.se[c]:.3f})" for c, w in f.weights.items())
        + f"; cross-validated ρ on the training years {f.cv_rho:.3f}"
    )
    if markdown is not None:
        lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
        lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in table.iter_rows()]
        markdown.write_text("\n".join(lines) + "\n")
        console.print(f"table written to {markdown}")


@command("network")
def network_cmd(
    year: Annotated[int, typer.Option(help="Year.")] = 2010,
    channel: Annotated[
        str, typer.Option(help="alliance, arms, exercise, an instrument, or composite (influence).")
    ] = "alliance",
    top: Annotated[int, typer.Option(help="How many states to show.")] = 15,
    db: DbOption = None,
) -> None:
    """One year's network of a channel: the most central states and the blocs (Leiden communities)."""
    from legation.measures import networks as nets
    from legation.measures import profiles

    year_span(str(year))
    with Ledger(db, read_only=True) as led, stages("network") as progress:
        progress(f"{channel} edges")
        if channel == "composite":
            infl, _ = profiles.influence(led, (year, year))
            edges = infl.filter(pl.col("year") == year).select(
                pl.col("patron").alias("ccode1"),
                pl.col("target").alias("ccode2"),
                "year",
                pl.col("influence").alias("weight"),
            )
            directed = True
        else:
            edges, directed, _ = profiles.network_edges(led, channel, year)
        graphs = nets.yearly_graphs(edges, directed=directed)
        if year not in graphs:
            known = profiles.network_channels(led)
            if not known:
                raise NeedsDataError(profiles.NO_ENGAGEMENTS)
            raise NotFoundError(
                f"no {channel} edges in {year} (outside the source's coverage?); channels with data: "
                f"{', '.join(known)}",
                what="channel",
            )
        progress("centrality and blocs")
        cent = nets.centrality(graphs)
        blocs = nets.blocs(graphs)
        names = {c: led.resolver().label(c) for c in cent["ccode"].to_list()}
    table = cent.join(blocs, on=["ccode", "year"], how="left").sort(
        ["strength", "ccode"], descending=[True, False]
    )
    table = table.with_columns(pl.col("ccode").replace_strict(names, return_dtype=pl.String).alias("state"))
    _print(
        table.select("state", "ccode", "degree", "strength", "eigenvector", "betweenness", "bloc").head(top),
        f"{channel} network, {year}",
    )
    sizes = blocs.group_by("bloc").len().sort(["len", "bloc"], descending=[True, False])
    console.print("blocs: " + ", ".join(f"{b} ({n} states)" for b, n in sizes.iter_rows()))
