"""Panels: the frame matches peacesciencer's, verbs honour coverage, directedness and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import SHARED
from legation import panel
from legation.cli import app
from legation.ledger import Ledger
from legation.ledger.reads import OBLIGATIONS
from legation.panel import PanelError, decayed

KEYS = ["ccode1", "ccode2", "year"]


def _i16(df: pl.DataFrame, cols=KEYS) -> pl.DataFrame:
    return df.with_columns(pl.col(c).cast(pl.Int16) for c in cols)


# the frame ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_directed_cow_dyad_years_equal_peacesciencer(full_ledger):
    ours = panel.dyad_years(full_ledger, years=(1816, 2024)).frame
    theirs = _i16(pl.read_parquet(SHARED / "peacesciencer" / "cow_ddy.parquet"))
    assert ours.height == theirs.height == 2_214_930
    assert ours.join(theirs, on=KEYS, how="anti").height == 0
    assert theirs.join(ours, on=KEYS, how="anti").height == 0
    assert ours.equals(ours.sort(KEYS))
    false = _i16(pl.read_parquet(SHARED / "peacesciencer" / "false_cow_dyads.parquet").select(KEYS))
    assert ours.join(false, on=KEYS, how="semi").height == 0  # e.g. 210–255 in 1945: never at once


def test_undirected_is_half_of_directed_and_state_years(full_ledger):
    d = panel.dyad_years(full_ledger, years=(1990, 1995)).frame
    u = panel.dyad_years(full_ledger, years=(1990, 1995), directed=False)
    assert not u.directed and u.frame.height * 2 == d.height
    assert (u.frame["ccode1"] < u.frame["ccode2"]).all()
    s = panel.state_years(full_ledger, years=(1990, 1995)).frame
    assert s.filter(pl.col("year") == 1991)["ccode"].is_in([260]).sum() == 0  # West Germany ended 1990
    assert s.filter((pl.col("ccode") == 255) & (pl.col("year") == 1990)).height == 1
    members = s.group_by("year").len().sort("year")["len"].to_list()
    pairs = d.group_by("year").len().sort("year")["len"].to_list()
    # 1990 has false dyads (the two Yemens and the two Germanys did not overlap in time)
    assert [n * (n - 1) >= p for n, p in zip(members, pairs, strict=True)] == [True] * 6
    assert members[2:] and all(n * (n - 1) == p for n, p in zip(members[2:], pairs[2:], strict=True))


def test_gw_panel_carries_cow_codes(full_ledger):
    p = panel.dyad_years(full_ledger, system="gw", years=(1995, 1995), directed=False)
    row = p.frame.filter((pl.col("gwcode1") == 2) & (pl.col("gwcode2") == 260)).row(0, named=True)
    assert (row["ccode1"], row["ccode2"]) == (2, 255)  # GW 260 is unified Germany, COW 255
    assert p.system == "gw" and "gw-states" in " ".join(p.citations())


# peacesciencer's ATOP columns ---------------------------------------------------------------------


@pytest.mark.slow
def test_atop_columns_agree_with_peacesciencer(full_ledger):
    p = panel.dyad_years(full_ledger, years=(1816, 2024)).add_atop()
    theirs = _i16(pl.read_parquet(SHARED / "peacesciencer" / "atop_alliance.parquet"))
    both = p.frame.join(theirs, on=KEYS, suffix="_ps")
    assert both.height > 260_000
    for flag in OBLIGATIONS:
        assert both.filter(pl.col(flag) != pl.col(f"{flag}_ps")).height == 0, flag
    after = p.frame.filter(pl.col("year") > 2018)
    assert after.height and after["atop_defense"].null_count() == after.height  # NA after ATOP ends
    assert p.frame.filter(pl.col("year") <= 2018)["atop_defense"].null_count() == 0
    us_jpn = p.frame.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 740) & (pl.col("year") == 2000))
    assert us_jpn["atop_defense"].to_list() == [1]


def test_nmc_both_sides(full_ledger):
    p = panel.dyad_years(full_ledger, years=(2000, 2000)).add_nmc()
    row = p.frame.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 710)).row(0, named=True)
    nmc = pl.read_parquet(SHARED / "peacesciencer" / "cow_nmc.parquet").filter(pl.col("year") == 2000)
    us, china = (nmc.filter(pl.col("ccode") == c).row(0, named=True) for c in (2, 710))
    assert row["cinc1"] == pytest.approx(us["cinc"]) and row["cinc2"] == pytest.approx(china["cinc"])
    assert row["milex1"] == us["milex"] and row["milper2"] == china["milper"]


# coverage: NA outside, fill inside ------------------------------------------------------------


def _verb_window(full_ledger: Ledger, verb: str) -> tuple[int, int]:
    """A few years either side of the end of the verb's source coverage (or its start)."""
    p = panel.dyad_years(full_ledger, years=(2000, 2001))
    source = next(iter(getattr(p, verb)().columns_by_source))
    src = full_ledger.source(source)
    end = min(src.coverage_end or 2020, 2020)
    return (max(end - 2, 1816), min(end + 2, 2024))


@pytest.mark.parametrize("verb", list(panel.VERBS))
def test_every_verb_is_na_outside_coverage(full_ledger, verb):
    lo, hi = _verb_window(full_ledger, verb)
    p = getattr(panel.dyad_years(full_ledger, years=(lo, hi)), verb)()
    ((source, cols),) = [(s, c) for s, c in p.columns_by_source.items() if s != "cow-system"] or [(None, ())]
    src = full_ledger.source(source)
    frame = p.frame
    years_out = pl.col("year") > src.coverage_end if src.coverage_end else pl.lit(False)
    if src.coverage_start:
        years_out |= pl.col("year") < src.coverage_start
    if verb == "add_rivalries":  # each list ends with its own data; TSS runs to 2020
        cols = ("rivalry_tss",)
    outside = frame.filter(years_out)
    for c in cols:
        assert outside[c].null_count() == outside.height, (verb, c)
    if src.coverage_actors:
        actor = "ccode" if "ccode" in frame.columns else "ccode1"
        others = frame.filter(~pl.col(actor).is_in(list(src.coverage_actors)))
        assert others.height and all(others[c].null_count() == others.height for c in cols), verb


def test_fill_inside_coverage_is_zero_for_census_sources(full_ledger):
    p = panel.dyad_years(full_ledger, years=(2005, 2005)).add_exercises().add_troops().add_arms()
    f = p.frame
    assert f["exercises"].null_count() == 0 and (f["exercises"] == 0).sum() > 0
    us = f.filter(pl.col("ccode1") == 2)
    assert us["troops"].null_count() == 0 and us.filter(pl.col("ccode2") == 740)["troops"].item() > 30_000
    assert f.filter(pl.col("ccode1") != 2)["troops"].null_count() == f.filter(pl.col("ccode1") != 2).height
    assert f["arms_tiv"].null_count() == 0


def test_pandas_keeps_na_apart_from_zero(full_ledger):
    df = panel.dyad_years(full_ledger, years=(2010, 2012)).add_exercises().to_pandas()
    assert df.loc[df.year == 2011, "exercises"].isna().all()
    assert (df.loc[df.year == 2010, "exercises"] == 0).sum() > 0
    assert isinstance(df["exercises"].dtype, pd.Int32Dtype | pd.Int64Dtype | pd.Float64Dtype)


# directedness -----------------------------------------------------------------------------------


def test_undirected_channel_is_symmetric_on_directed_panels(full_ledger):
    f = panel.dyad_years(full_ledger, years=(2000, 2002)).add_exercises().frame.select(*KEYS, "exercises")
    back = f.rename({"ccode1": "ccode2", "ccode2": "ccode1", "exercises": "back"})
    both = f.join(back, on=KEYS)
    assert both.height == f.height and both.filter(pl.col("exercises") != pl.col("back")).height == 0
    u = panel.dyad_years(full_ledger, years=(2000, 2002), directed=False).add_exercises().frame
    assert u.join(f, on=KEYS).filter(pl.col("exercises") != pl.col("exercises_right")).height == 0


def test_directed_channel_on_undirected_panels_comes_both_ways(full_ledger):
    d = panel.dyad_years(full_ledger, years=(2010, 2010)).add_arms().frame
    u = panel.dyad_years(full_ledger, years=(2010, 2010), directed=False).add_arms().frame
    row = u.filter((pl.col("ccode1") == 365) & (pl.col("ccode2") == 750)).row(0, named=True)
    rus_ind = d.filter((pl.col("ccode1") == 365) & (pl.col("ccode2") == 750)).row(0, named=True)
    ind_rus = d.filter((pl.col("ccode1") == 750) & (pl.col("ccode2") == 365)).row(0, named=True)
    assert row["arms_tiv_12"] == rus_ind["arms_tiv"] > 1000 and row["arms_tiv_21"] == ind_rus["arms_tiv"]


# the channels' own numbers ------------------------------------------------------------------------


def test_decayed_stock_halves_after_one_half_life():
    flows = pl.DataFrame({"k": [1, 1], "year": [2000, 2004], "v": [100.0, 50.0]})
    out = decayed(flows, 4.0, 2000, 2008, ["k"]).sort("year")
    stock = dict(zip(out["year"].to_list(), out["stock"].to_list(), strict=True))
    assert stock[2000] == pytest.approx(100) and stock[2004] == pytest.approx(50 + 50)
    assert stock[2008] == pytest.approx(50) and stock[2002] == pytest.approx(100 / np.sqrt(2))


def test_arms_dependence_is_a_share_of_the_recipients_stock(full_ledger):
    f = panel.dyad_years(full_ledger, years=(2014, 2014)).add_arms().frame
    india = f.filter(pl.col("ccode2") == 750)
    assert india["arms_dependence"].sum() == pytest.approx(1.0, abs=0.05)  # the rest: non-state suppliers
    top = india.sort("arms_dependence", descending=True).row(0, named=True)
    assert top["ccode1"] == 365 and top["arms_dependence"] > 0.5


def test_a_stock_ends_with_its_state(full_ledger):
    """Decayed stocks outlive their last flow, not their states: the GDR (265) holds no arms stock
    after its end in October 1990, though its deliveries decay for years on paper."""
    from legation.panel.channels import CHANNELS, stocks

    arms = stocks(full_ledger, CHANNELS["arms"], (1985, 2000))
    gdr = arms.filter((pl.col("patron") == 265) | (pl.col("target") == 265))
    assert gdr.height > 0 and gdr["year"].max() == 1990


def test_unga_agreement_matches_the_votes(full_ledger):
    f = panel.dyad_years(full_ledger, years=(2000, 2000), directed=False).add_unga().frame
    row = f.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 666)).row(0, named=True)
    v = pl.read_parquet(SHARED / "unvotes" / "UNVotesPublished.parquet").filter(
        (pl.col("year") == 2000) & pl.col("vote").is_in([1, 2, 3]) & pl.col("ccode").is_in([2, 666])
    )
    wide = v.pivot("ccode", index="rcid", values="vote").drop_nulls()
    assert row["unga_joint"] == wide.height
    assert row["unga_agree"] == pytest.approx((wide["2"] == wide["666"]).mean())


def test_signals_visits_and_events(full_ledger):
    f = panel.dyad_years(full_ledger, years=(2005, 2005)).add_signals().add_visits().frame
    row = f.filter((pl.col("ccode1") == 365) & (pl.col("ccode2") == 750)).row(0, named=True)
    assert row["mn_arms_tiv"] == 693 and row["visits"] is None  # US-only visits data
    assert f.filter(pl.col("ccode1") == 2)["visits"].sum() > 0
    e = panel.dyad_years(full_ledger, years=(2018, 2018)).add_events().frame
    assert e["events"].sum() > 0 and e.filter(pl.col("ccode1") == 710)["events_negative"].sum() >= 1


def test_state_panels_take_state_verbs(full_ledger):
    s = (
        panel.state_years(full_ledger, years=(2010, 2012))
        .add_nmc()
        .add_milex()
        .add_peacekeeping()
        .add_majors()
    )
    us = s.frame.filter((pl.col("ccode") == 2) & (pl.col("year") == 2012)).row(0, named=True)
    assert us["major_power"] == 1 and us["milex_current_usd_m"] > 600_000 and us["cinc"] > 0.1
    assert s.frame.filter(pl.col("ccode") == 770)["pk_personnel"].min() > 5_000  # Pakistan


# input checks ----------------------------------------------------------------------------------


def test_verbs_refuse_what_they_cannot_work_on(full_ledger, tmp_path):
    with pytest.raises(PanelError, match="needs a legation Panel"):
        panel.add_atop(pl.DataFrame({"ccode1": [2], "ccode2": [20], "year": [2000]}))
    with pytest.raises(PanelError, match="dyad-year panels"):
        panel.state_years(full_ledger, years=(2000, 2000)).add_atop()
    p = panel.dyad_years(full_ledger, years=(2000, 2000)).add_atop()
    with pytest.raises(PanelError, match="already has columns"):
        p.add_atop()
    with Ledger(tmp_path / "bare.duckdb") as bare:
        with pytest.warns(UserWarning, match="bundled subset"):
            q = panel.dyad_years(bare, years=(2000, 2000))
        with pytest.raises(PanelError, match="legation data import-dir DIR --only atop-dyad-years"):
            q.add_atop()
    with pytest.raises(PanelError, match="first year is after"):
        panel.dyad_years(full_ledger, years=(2001, 2000))


def test_from_frame_checks_keys(full_ledger):
    ok = panel.from_frame(
        pd.DataFrame({"ccode1": [2, 20], "ccode2": [20, 2], "year": [2000, 2000]}), full_ledger
    )
    assert ok.directed and ok.add_atop().frame["atop_defense"].to_list() == [1, 1]
    with pytest.raises(PanelError, match="repeat a key"):
        panel.from_frame(pl.DataFrame({"ccode": [2, 2], "year": [2000, 2000]}), full_ledger)
    with pytest.raises(PanelError, match="needs columns"):
        panel.from_frame(pl.DataFrame({"a": [1]}), full_ledger)
    with pytest.raises(PanelError, match="ccode1 < ccode2"):
        panel.from_frame(
            pl.DataFrame({"ccode1": [20], "ccode2": [2], "year": [2000]}), full_ledger, directed=False
        )


# output -------------------------------------------------------------------------------------------


def test_citations_and_parquet(full_ledger, tmp_path):
    p = panel.dyad_years(full_ledger, years=(2000, 2001)).add_atop().add_nmc()
    cites = p.citations()
    assert len(cites) == 3 and "State System" in cites[0] and "Alliance Treaty" in cites[1]
    out = p.to_parquet(tmp_path / "p.parquet")
    meta = pq.read_metadata(out).metadata
    assert b"Alliance Treaty" in meta[b"legation.citations"]
    assert pl.read_parquet(out).equals(p.frame)


def test_cli_panel_build(full_ledger, tmp_path):
    out = tmp_path / "panel.parquet"
    res = CliRunner().invoke(
        app,
        [
            "panel",
            "build",
            "--db",
            str(full_ledger.path),
            "--years",
            "2000-2003",
            "--add",
            "alliances,arms,exercises",
            "--out",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    df = pl.read_parquet(out)
    assert {"atop_defense", "arms_stock", "exercises_sea"} <= set(df.columns)
    assert "[atop-dyad-years, version" in res.output
    bad = CliRunner().invoke(
        app, ["panel", "build", "--db", str(full_ledger.path), "--add", "nope", "--out", str(out)]
    )
    assert bad.exit_code != 0 and "unknown channel" in bad.output


def test_nmc_population_keeps_its_decimals(full_ledger):
    p = panel.state_years(full_ledger, years=(1912, 1912)).add_nmc().frame
    morocco = p.filter(pl.col("ccode") == 600).row(0, named=True)
    assert morocco["tpop"] == pytest.approx(4517.6) and morocco["upop"] == pytest.approx(173.6444444)
    assert p.schema["milper"] == pl.Int32 and p.schema["tpop"] == pl.Float64
