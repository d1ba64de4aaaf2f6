"""The scenario brief: what a policy changes in the model, with its uncertainty and how far to trust it.

It reads the tidy draws `legation simulate --out` writes (``arm, draw, year, patron, target, metric,
value``; arms ``baseline``, ``scenario`` and their per-draw ``difference``) and, when given, the
scenario file (the question and assumptions), the parameter set (`legation calibrate`) and the
backtest table (`legation backtest --out`), which bounds how much the result can be trusted.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import legation
from legation.errors import InputError, Problem
from legation.ledger.store import Ledger
from legation.model import backtest as backtest_
from legation.model import params as params_
from legation.model import results
from legation.model import scenario as scenario_
from legation.panel.channels import INFLUENCE
from legation.report import coverage, figures
from legation.report.brief import Brief, Section, Table

COLUMNS = ("arm", "draw", "year", "patron", "target", "metric", "value")
PAIRS = 6
"""Pairs drawn as fan charts: those with the largest effect in the last year."""
SOURCE = "legation simulate (tidy draws)"


def read(path: Path) -> pl.DataFrame:
    """The tidy draws of ``path``; an `InputError` naming the file and what is missing otherwise."""
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError) as e:
        raise InputError([Problem("", "", f"not a readable Parquet file: {e}")], file=str(path)) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            [Problem("", c, "missing column (write it with `legation simulate --out`)") for c in missing],
            file=str(path),
        )
    if frame.height == 0:
        raise InputError([Problem("", "", "no draws")], file=str(path))
    return frame.with_columns(pl.col("arm", "metric").cast(pl.String))


def scenario_brief(
    path: Path,
    *,
    led: Ledger | None = None,
    scenario: Path | None = None,
    params: Path | None = None,
    backtest: Path | None = None,
) -> Brief:
    """The brief of one simulation's results (see the module docstring); ``led`` names the states."""
    draws = read(path)
    summary = results.summarise(draws)
    sc = scenario_.load(scenario) if scenario else None
    moved = [c for x in (sc.interventions + sc.shocks if sc else []) for c in (x.actor, x.partner)]
    names = _names(led, draws, moved)
    title = sc.name if sc else path.stem
    last = int(draws.select(pl.col("year").max()).item())
    sections = [
        _question(sc, draws, path, names),
        _difference(summary, names, last),
        _risks(draws, summary, names, last),
        _parameters(params),
        _sensitivity(),
        _trust(backtest),
    ]
    return Brief(
        kind="scenario",
        title=f"Scenario: {title}",
        subject=title,
        year=last,
        bottom_line=_bottom_line(summary, draws, names, last),
        sections=sections,
        citations=coverage.cited(led, coverage.channel_sources(led, [*INFLUENCE, "unga"])) if led else [],
        vintage=f"results file {path.name}",
        version=legation.__version__,
    )


def _names(led: Ledger | None, draws: pl.DataFrame, extra: list[int]) -> dict[int, str]:
    codes = set(draws["patron"].unique().to_list()) | set(draws["target"].unique().to_list()) | set(extra)
    if led is None:
        return {int(c): f"COW {c}" for c in codes}
    return {int(c): led.resolver().label(int(c)) for c in codes}


def _pair(names: dict[int, str], p: int, t: int) -> str:
    return f"{names.get(p, p)} → {names.get(t, t)}"


def _question(
    sc: scenario_.Scenario | None, draws: pl.DataFrame, path: Path, names: dict[int, str]
) -> Section:
    sec = Section("question", "The question and its assumptions")
    lo, hi = draws.select(pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")).row(0)
    years = (int(lo), int(hi))
    n = int(draws["draw"].n_unique())
    sec.text.append(
        f"{n:,} draws of {years[0]}–{years[1]}, scenario against baseline under common random "
        "numbers: their difference is the effect of the policy in the model."
    )
    if sc is None:
        sec.statements.append(
            f"No scenario file given: the question and assumptions behind {path.name} are not "
            "shown (pass the scenario's YAML file)."
        )
        return sec
    if sc.description:
        sec.text.insert(0, sc.description)
    rows = (
        [
            {
                "kind": f"intervention: {i.instrument}",
                "who": _pair(names, i.actor, i.partner),
                "when": f"{i.start}–{i.end or 'end'}",
                "what": f"+{i.magnitude} a year" if i.magnitude is not None else f"× {i.factor}",
            }
            for i in sc.interventions
        ]
        + [
            {
                "kind": f"shock: {s.kind}",
                "who": _pair(names, s.actor, s.partner),
                "when": str(s.year),
                "what": ", ".join(
                    f"{k} {v}"
                    for k, v in (
                        ("instrument", s.instrument),
                        ("factor", s.factor),
                        ("years", s.years),
                        ("size", s.size),
                    )
                    if v is not None
                ),
            }
            for s in sc.shocks
        ]
        + [{"kind": "override", "who": k, "when": "", "what": str(v)} for k, v in sc.overrides.items()]
    )
    frame = pl.DataFrame(
        rows, schema={"kind": pl.String, "who": pl.String, "when": pl.String, "what": pl.String}
    )
    sec.tables.append(
        Table(
            "assumptions",
            f"Assumptions (horizon {sc.horizon} years, seed {sc.seed})",
            frame,
            {"kind": "Change", "who": "Who", "when": "When", "what": "How much"},
            "the scenario file",
            statement="The scenario changes nothing: it is the baseline.",
        )
    )
    return sec


def _difference(summary: pl.DataFrame, names: dict[int, str], last: int) -> Section:
    sec = Section("difference", "The difference the policy makes")
    diff = summary.filter((pl.col("arm") == "difference") & (pl.col("metric") == "alignment"))
    if diff.height == 0:
        sec.statements.append(
            "The results hold no difference arm: simulate the scenario against its baseline."
        )
        return sec
    head = (
        results.headline(summary, last)
        .with_columns(
            pl.struct("patron", "target")
            .map_elements(lambda r: _pair(names, r["patron"], r["target"]), return_dtype=pl.String)
            .alias("pair")
        )
        .sort(pl.col("difference").abs(), descending=True)
    )
    sec.tables.append(
        Table(
            "headline",
            f"Alignment in {last}: baseline, scenario and difference",
            head,
            {
                "pair": "Pair",
                "baseline": "Baseline",
                "scenario": "Scenario",
                "difference": "Difference",
                "lo90": "90% low",
                "hi90": "90% high",
            },
            SOURCE,
        )
    )
    for row in head.head(PAIRS).iter_rows(named=True):
        one = diff.filter((pl.col("patron") == row["patron"]) & (pl.col("target") == row["target"])).sort(
            "year"
        )
        sec.figures.append(
            figures.fan(
                f"fan_{row['patron']}_{row['target']}",
                f"Effect on alignment: {row['pair']}",
                "Scenario − baseline (excess agreement)",
                SOURCE,
                one,
                x="year",
                bands=[("q05", "q95"), ("q25", "q75")],
                median="q50",
                label="median (bands: 50% and 90%)",
                empty="No draws for this pair.",
            )
        )
    return sec


def _risks(draws: pl.DataFrame, summary: pl.DataFrame, names: dict[int, str], last: int) -> Section:
    sec = Section("risks", "Risk-event probabilities")
    d = draws.filter(
        (pl.col("arm") == "difference") & (pl.col("metric") == "alignment") & (pl.col("year") == last)
    )
    if d.height:
        probs = (
            d.group_by("patron", "target")
            .agg(
                (pl.col("value") < 0).mean().alias("p_lower"),
                (pl.col("value").abs() > 0.05).mean().alias("p_large"),
            )
            .sort("p_lower", descending=True)
        )
        probs = probs.with_columns(
            pl.struct("patron", "target")
            .map_elements(lambda r: _pair(names, r["patron"], r["target"]), return_dtype=pl.String)
            .alias("pair")
        )
        sec.tables.append(
            Table(
                "probabilities",
                f"Probabilities over the draws, {last}",
                probs,
                {"pair": "Pair", "p_lower": "P(policy lowers alignment)", "p_large": "P(|effect| > 0.05)"},
                SOURCE,
            )
        )
    events = summary.filter(pl.col("metric") != "alignment")
    if events.height:
        sec.tables.append(
            Table(
                "events",
                "Modelled events (mean of 0/1 draws = probability)",
                events,
                {
                    "arm": "Arm",
                    "patron": "Patron",
                    "target": "Target",
                    "year": "Year",
                    "metric": "Event",
                    "mean": "Probability",
                },
                SOURCE,
            )
        )
    else:
        sec.statements.append("The results hold no event metrics beyond alignment.")
    return sec


def _parameters(path: Path | None) -> Section:
    sec = Section("parameters", "The parameter set")
    if path is None:
        sec.statements.append(
            "No parameter set given: pass the file `legation calibrate` wrote to list the "
            "estimates the simulation drew from."
        )
        return sec
    ps = params_.load(path)
    rows = [
        {
            "name": k,
            "value": e.value,
            "se": e.se,
            "lo": e.interval()[0],
            "hi": e.interval()[1],
            "source": e.source,
        }
        for k, e in ps.estimates.items()
    ]
    sec.text.append(
        f"Calibrated on {ps.train[0]}–{ps.train[1]}; data: "
        f"{', '.join(f'{k} {v}' for k, v in ps.data_versions.items()) or 'not recorded'}."
    )
    sec.tables.append(
        Table(
            "parameters",
            "Estimates",
            pl.DataFrame(rows),
            {
                "name": "Parameter",
                "value": "Estimate",
                "se": "SE",
                "lo": "90% low",
                "hi": "90% high",
                "source": "How obtained",
            },
            str(path.name),
        )
    )
    return sec


def _sensitivity() -> Section:
    sec = Section("sensitivity", "Sensitivity of the result")
    sec.statements.append(
        "The results file holds no sensitivity analysis: `legation simulate --sensitivity` "
        "prints the Sobol indices of the effect to each parameter."
    )
    return sec


def _trust(path: Path | None) -> Section:
    sec = Section("trust", "How far to trust it: the backtest")
    if path is None:
        sec.statements.append(
            "No backtest given: run `legation backtest --out bt.csv` and pass it; without it "
            "the result has no measured skill and should be read as illustrative."
        )
        return sec
    table = backtest_.summary(pl.read_csv(path))
    sec.tables.append(
        Table(
            "backtest",
            "Skill against the best of three baselines (CRPS; > 0 is better)",
            table,
            {
                "method": "Method",
                "horizon": "Horizon",
                "crps": "CRPS",
                "cover80": "80% coverage",
                "skill": "Skill",
            },
            path.name,
        )
    )
    model = table.filter(pl.col("method") == "model") if "method" in table.columns else table.clear()
    if model.height:
        best = float(model.select(pl.col("skill").max()).item())
        word = "beats" if best > 0 else "does not beat"
        sec.text.append(f"At its best horizon the model {word} the best baseline (skill {best:+.2f}).")
    return sec


def _bottom_line(summary: pl.DataFrame, draws: pl.DataFrame, names: dict[int, str], last: int) -> list[str]:
    out = []
    try:
        head = results.headline(summary, last).sort(pl.col("difference").abs(), descending=True)
    except pl.exceptions.PolarsError:
        head = pl.DataFrame()
    if head.height:
        r = head.row(0, named=True)
        sure = r["lo90"] > 0 or r["hi90"] < 0
        out.append(
            f"The largest effect by {last} is on {_pair(names, r['patron'], r['target'])}: "
            f"{r['difference']:+.3f} excess agreement (90% interval {r['lo90']:+.3f} to {r['hi90']:+.3f})."
        )
        out.append(
            "Its interval excludes zero: the model is confident of the direction."
            if sure
            else "Its interval includes zero: the model cannot tell the direction of the effect."
        )
        out.append(f"{head.height} pairs were simulated over {int(draws['draw'].n_unique()):,} draws.")
    return out
