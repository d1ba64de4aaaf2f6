"""Measure commands: influence, scores, network, validate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from legation.cli.app import DbOption, command, console, stages, year_span
from legation.cli.output import Format, FormatOption, emit
from legation.errors import NeedsDataError, NotFoundError

if TYPE_CHECKING:
    import polars as pl

    from legation.ledger.store import Ledger


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


IndexOption = Annotated[str, typer.Option(help="Index version: v2 (default) or v1 (for comparison).")]


@command("influence")
def influence_cmd(
    target: Annotated[
        str | None, typer.Option(help="Target state (name, ISO3 or COW code).", show_default=False)
    ] = None,
    years: Annotated[str, typer.Option(help="Years, e.g. 1995-2015.")] = "1995-2015",
    patrons: Annotated[
        str | None,
        typer.Option(
            help="Patrons, comma-separated (default: the major powers, the P5 group).", show_default=False
        ),
    ] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help="Write every directed patron-target-year of the index to --out (.parquet or .csv)."
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="With --all, the whole index; else the target's channel scores (Parquet)."),
    ] = None,
    index: IndexOption = "v2",
    db: DbOption = None,
) -> None:
    """The influence contest over a target (each patron's composite influence and share, by year), or
    with --all --out F the whole index: patron, target, year, composite and each channel's score."""
    import polars as pl

    from legation.groups import majors
    from legation.ledger.store import Ledger
    from legation.measures import export, profiles, window
    from legation.measures import influence as inf
    from legation.panel import channels
    from legation.states.resolve import to_iso3

    inf.check_index(index)
    span = year_span(years)
    if all_:
        if out is None:
            raise typer.BadParameter("--all needs --out FILE (.parquet or .csv)")
        with Ledger(db, read_only=True) as led, stages("influence") as progress:
            progress(f"index {index}, {span[0]}-{span[1]}")
            table = export.write(led, span, out, index)
        console.print(f"{table.height} patron-target-years of index {index} written to {out}")
        return
    if target is None:
        raise typer.BadParameter("give --target, or --all --out FILE for the whole index")
    patrons = patrons or ",".join(to_iso3(c) or str(c) for c in majors())
    with Ledger(db, read_only=True) as led, stages("influence") as progress:
        tgt = _codes(led, target)[0]
        pats = _codes(led, patrons)
        usable = window.usable(led, span)  # the years the index covers, as the API and dashboard show
        progress("channel stocks")
        if index == "v1" and channels.basis(led) == "research":
            infl, basis = inf.influence(led, usable.years, index="v1"), "research"
        else:
            infl, basis = profiles.influence(led, usable.years)
    contest = inf.contest(infl, tgt, pats)
    if contest.height == 0:
        console.print(f"no influence on {target} in {years} ({basis} basis)")
        return
    wide = contest.pivot("patron", index="year", values="share").sort("year")
    names = {str(c): led_name for c, led_name in zip(pats, patrons.split(","), strict=False)}
    _print(
        wide.rename({k: v.strip() for k, v in names.items() if k in wide.columns}),
        f"share of influence over {target} (index {index if basis == 'research' else 'ledger'})",
    )
    if usable.years != span:
        console.print(usable.note(span))
    if contest.filter(pl.col("influence") > 0)["patron"].n_unique() == 1:
        console.print(
            f"only one of these patrons has recorded influence on {target}: its share is 1 by construction"
        )
    if basis == "research" and index == inf.DEFAULT_INDEX:
        console.print(inf.MEANING)
    if out is not None:
        infl.filter(pl.col("target") == tgt).write_parquet(out)
        console.print(f"channel scores written to {out}")


@command("scores")
def scores_cmd(
    year: Annotated[int, typer.Option(help="Year.")] = 2010,
    top: Annotated[int, typer.Option(help="How many states the table shows (csv and json: all).")] = 20,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
) -> None:
    """Defence-networks scores (0–100) and the Power Gap for one year; the table shows the score, csv
    and json each component too."""
    import polars as pl

    from legation.ledger.store import Ledger
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
    table = table.with_columns(pl.col("ccode").replace_strict(names, return_dtype=pl.String).alias("name"))
    table = table.select("year", "ccode", "name", "score", "power_gap", *scores.COMPONENTS).with_row_index(
        "rank", offset=1
    )
    emit(
        table if fmt is not Format.TABLE else table.head(top),
        fmt,
        title=f"Defence-network scores (0–100) and Power Gap, {year}",
        columns=["rank", "name", "ccode", "score", "power_gap"],
        digits={"score": 1},
        notes=[f"components ({', '.join(scores.COMPONENTS)}): -f csv or -f json"]
        if fmt is Format.TABLE
        else [],
    )


@command("validate")
def validate_cmd(
    train: Annotated[str, typer.Option(help="Years to fit on.")] = "1970-2005",
    test: Annotated[str, typer.Option(help="Years to score on.")] = "2006-2015",
    boot: Annotated[int, typer.Option(help="Bootstrap replicates for the intervals.")] = 500,
    votes: Annotated[
        str | None,
        typer.Option(
            help="UN votes source id (default: Voeten's, to 2015; unvotes runs to 2019).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table (80 columns), csv, json or markdown.")
    ] = "table",
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the table as Markdown to this file.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Out-of-sample validation of influence v1 and v2 against excess UN voting agreement (P5
    patrons): (a) levels, (b) shift AUC, (c) forecast gain, (d) event study (docs/validation.md)."""
    from legation.ledger.store import Ledger
    from legation.measures.validation import validate

    if fmt not in ("table", "csv", "json", "markdown"):
        raise typer.BadParameter(f"format {fmt!r}: use table, csv, json or markdown")
    with Ledger(db, read_only=True) as led, stages("validating") as progress:
        progress(f"fitting on {train}, scoring {test}")
        result = validate(led, train=year_span(train), test=year_span(test), boot=boot, source=votes)
    if fmt == "csv":
        typer.echo(result.table().write_csv(), nl=False)
    elif fmt == "json":
        typer.echo(result.table().write_json())
    elif fmt == "markdown":
        typer.echo(_markdown(result.side_by_side()))
    else:
        wide = result.side_by_side()
        for (test_name,), part in wide.group_by("test", maintain_order=True):
            table = Table(
                "predictor",
                "v1 [95% CI] n",
                "v2 [95% CI] n",
                title=str(test_name),
                title_justify="left",
                box=box.SIMPLE_HEAD,
            )
            for row in part.iter_rows(named=True):
                table.add_row(row["predictor"], row.get("v1") or "", row.get("v2") or "")
            console.print(table)
        for ix, f in result.fitted.items():
            console.print(
                f"{ix} weights fitted on shift windows in {train}: "
                + ", ".join(
                    f"{c} {w:.2f} [{f.ci[c][0]:.2f}, {f.ci[c][1]:.2f}] (AUC {f.auc[c]:.3f})"
                    if w > 0
                    else f"{c} 0 (no signal: AUC {f.auc[c]:.3f})"
                    for c, w in f.weights.items()
                )
            )
    if markdown is not None:
        markdown.write_text(_markdown(result.side_by_side()) + "\n")
        console.print(f"table written to {markdown}")


def _markdown(frame: pl.DataFrame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


@command("network")
def network_cmd(
    year: Annotated[int, typer.Option(help="Year.")] = 2010,
    channel: Annotated[
        str, typer.Option(help="alliance, arms, exercise, an instrument, or composite (influence).")
    ] = "alliance",
    top: Annotated[int, typer.Option(help="How many states the table shows (csv and json: all).")] = 15,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
) -> None:
    """One year's network of a channel: the most central states by strength (weighted degree) and the
    blocs (Leiden communities); csv and json add eigenvector and betweenness centrality."""
    import polars as pl

    from legation.ledger.store import Ledger
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
    table = table.with_columns(pl.col("ccode").replace_strict(names, return_dtype=pl.String).alias("name"))
    table = table.select("year", "ccode", "name", pl.exclude("year", "ccode", "name")).with_row_index(
        "rank", offset=1
    )
    sizes = blocs.group_by("bloc").len().sort(["len", "bloc"], descending=[True, False])
    emit(
        table if fmt is not Format.TABLE else table.head(top),
        fmt,
        title=f"{channel} network, {year}: the most central states",
        columns=["rank", "name", "ccode", "degree", "strength", "bloc"],
        notes=["blocs: " + ", ".join(f"{b} ({n} states)" for b, n in sizes.iter_rows())]
        if fmt is Format.TABLE
        else [],
    )
