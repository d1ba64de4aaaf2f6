"""Child of ``measures_bench.py``: ``python -m children.measures RESULT.json KIND DB``.

Kinds: ``influence`` (the composite for all directed dyad-years 1946–2015, spread onto the dyad-year
frame), ``loop`` (every channel's decayed stocks in a plain Python loop over dyads), ``networks``
(the yearly composite influence graphs 1946–2015: centrality and Leiden blocs), ``validate`` (the
validation against UN votes with 500 bootstrap draws) and ``validate1`` (the same with one draw: the
cost of everything but the bootstrap).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from harness import Clock, child_main

YEARS = (1946, 2015)


# the only calls into legation: adapt here if the public API changes
def _open(db: str) -> Any:
    from legation.ledger import Ledger

    return Ledger(db, read_only=True)


def _influence(led: Any) -> Any:
    from legation.measures import influence as inf

    return inf.influence(led, YEARS)


def _on_dyad_years(led: Any, infl: Any) -> Any:
    from legation import panel
    from legation.measures import influence as inf

    return inf.on_dyad_years(led, infl, panel.dyad_years(led, years=YEARS).frame)


def _channels(led: Any) -> Iterator[tuple[str, Any, float]]:
    """(channel, yearly flows ``patron, target, year, flow``, the decay factor δ per year) for every
    research channel of the influence index. The one internal API the benchmarks use: the channel
    registry (``legation.panel.channels``) where it exists, else the older ``influence.CHANNELS``."""
    import polars as pl

    try:
        from legation.panel import channels as reg
    except ImportError:  # the tree before the channel registry
        from legation.instruments import INSTRUMENTS
        from legation.measures import influence as inf

        for name, spec in inf.CHANNELS.items():
            delta = 0.5 ** (1 / INSTRUMENTS[spec.instrument].half_life)
            yield name, inf.channel_flows(led, name, YEARS), delta
        return
    for name in reg.INFLUENCE:
        ch = reg.CHANNELS[name]
        flows = reg.flows(led, ch, YEARS[1]).select(
            pl.col("ccode1").alias("patron"),
            pl.col("ccode2").alias("target"),
            "year",
            pl.col("v").alias("flow"),
        )
        yield name, flows, 0.5 ** (1 / ch.half_life)


def _validate(led: Any, boot: int) -> Any:
    from legation.measures.validation import validate

    return validate(led, boot=boot)


def _networks(infl: Any) -> Any:
    import polars as pl

    from legation.measures import networks as nets

    edges = infl.select(
        pl.col("patron").alias("ccode1"),
        pl.col("target").alias("ccode2"),
        "year",
        pl.col("influence").alias("weight"),
    )
    graphs = nets.yearly_graphs(edges, directed=True)
    cent = nets.centrality(graphs)
    nets.blocs(graphs)
    return cent


def _imports() -> None:
    """The imports stay outside the clock, as before."""
    for module in ("polars", "legation.panel", "legation.ledger", "legation.measures.influence"):
        importlib.import_module(module)


def influence(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    _imports()
    clock.start()
    with _open(args[0]) as led:
        frame = _on_dyad_years(led, _influence(led))
    return {"rows": frame.height}


def loop(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    _imports()
    clock.start()
    rows = 0
    with _open(args[0]) as led:
        for _channel, flows, delta in _channels(led):
            stocks = {}
            for (p, t), g in flows.group_by(["patron", "target"]):
                s = 0.0
                byyear = dict(zip(g["year"].to_list(), g["flow"].to_list(), strict=True))
                for y in range(min(byyear), YEARS[1] + 1):
                    s = s * delta + byyear.get(y, 0.0)
                    stocks[(p, t, y)] = s
            rows += len(stocks)
    return {"rows": rows}


def networks(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    _imports()  # the networks module is imported inside the clock, as before
    clock.start()
    with _open(args[0]) as led:
        cent = _networks(_influence(led))
    return {"rows": cent.height}


def validate(clock: Clock, args: Sequence[str], boot: int = 500) -> Mapping[str, Any]:
    _imports()  # the validation modules are imported inside the clock, as the CLI does
    clock.start()
    with _open(args[0]) as led:
        result = _validate(led, boot)
    return {"rows": result.table().height}


def validate1(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    return validate(clock, args, boot=1)


if __name__ == "__main__":
    child_main(
        {
            "influence": influence,
            "loop": loop,
            "networks": networks,
            "validate": validate,
            "validate1": validate1,
        }
    )
