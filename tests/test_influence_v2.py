"""Influence v2: fixed-scale scores by hand, stability under far-away changes, graded obligations and
the whole-index export on the real data."""

from __future__ import annotations

import json
import math

import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legation.cli import app
from legation.errors import InvalidValueError
from legation.measures import influence as inf
from legation.measures import influence_v2 as v2


def test_v2_score_by_hand_on_a_fixed_reference():
    stock = pl.DataFrame(
        {"patron": [1, 2, 1], "target": [9, 9, 8], "year": [2000] * 3, "stock": [3.0, 1.0, 700.0]}
    )
    out = {(r["patron"], r["target"]): r for r in v2.score_stocks(stock, 9.0).iter_rows(named=True)}
    assert out[(1, 9)]["bandwidth"] == pytest.approx(math.log1p(3) / math.log1p(9))
    assert out[(1, 9)]["dependence"] == pytest.approx(0.75)
    assert out[(1, 9)]["score"] == pytest.approx(math.log1p(3) / math.log1p(9) * 0.75)
    assert out[(1, 8)]["bandwidth"] == 1.0  # capped at the reference


@settings(max_examples=40, deadline=None)
@given(other=st.floats(min_value=0.01, max_value=1e6), mine=st.floats(min_value=0.01, max_value=1e4))
def test_v2_score_ignores_far_away_dyads(other, mine):
    """A dyad's v2 score moves only with its own target's ties; v1's moves with the world's largest."""
    base = pl.DataFrame({"patron": [1, 2], "target": [9, 9], "year": [2000, 2000], "stock": [mine, 1.0]})
    far = pl.concat([base, pl.DataFrame({"patron": [3], "target": [7], "year": [2000], "stock": [other]})])

    def score(frame: pl.DataFrame) -> float:
        s = v2.score_stocks(frame, 100.0)
        return s.filter((pl.col("patron") == 1) & (pl.col("target") == 9))["score"].item()

    assert score(far) == pytest.approx(score(base))


def test_unknown_index_is_refused():
    with pytest.raises(InvalidValueError, match="v1"):
        inf.default_weights("v3")


def test_graded_obligations_on_atop(full_ledger):
    g = v2.graded_obligations(full_ledger, (2000, 2000))
    us_uk = g.filter((pl.col("patron") == 2) & (pl.col("target") == 200))["stock"].item()
    assert us_uk >= 2  # NATO: a defence pact counts 2
    assert g["stock"].max() <= sum(v2.OBLIGATION_POINTS.values())
    assert g["stock"].min() > 0


def test_v2_influence_default_and_v1_reachable(full_ledger):
    new = inf.influence(full_ledger, (2000, 2005))
    old = inf.influence(full_ledger, (2000, 2005), index="v1")
    assert new["influence"].max() <= 1.0 and new["influence"].min() >= 0.0
    assert "score_alliance" in new.columns and "score_visits" in old.columns
    top = inf.outward(new).filter(pl.col("year") == 2005).sort("outward", descending=True)
    assert top["patron"][0] == 2


@pytest.mark.slow
def test_export_all_reproduces_a_validation_number(full_ledger, tmp_path):
    """The exported file alone (plain polars) gives the validation's within-target ρ of v2 alliances."""
    from legation.measures.validation import validate

    out = tmp_path / "index.parquet"
    res = CliRunner().invoke(
        app,
        ["influence", "--db", str(full_ledger.path), "--all", "--years", "1946-2018", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    meta = pq.read_metadata(out).metadata
    assert meta[b"legation.index"] == b"v2" and b"ATOP" in meta[b"legation.citations"]
    assert json.loads(meta[b"legation.weights"])["alliance"] > 0
    f = pl.read_parquet(out)
    assert f.columns[:4] == ["patron", "target", "year", "composite"] and "score_arms" in f.columns
    assert f["year"].min() >= 1946 and f["year"].max() == 2018

    p5 = [2, 200, 220, 365, 710]
    ranks = f.filter(
        pl.col("patron").is_in(p5) & pl.col("year").is_between(2006, 2015) & pl.col("excess").is_not_null()
    ).select("target", "year", "score_alliance", "excess")
    assert ranks["score_alliance"].null_count() == 0  # ATOP covers every P5 patron to 2018
    result = validate(full_ledger, boot=20, indexes=("v2",))
    stat = result.value("a: within rho", "v2", "alliance")
    # rows in the file only where some channel has a stock: compare over the target-years both hold
    rho = (
        ranks.with_columns(
            pl.col("score_alliance").rank().over("target", "year").alias("p"),
            pl.col("excess").rank().over("target", "year").alias("o"),
        )
        .group_by("target", "year")
        .agg(pl.corr("p", "o").alias("rho"))
        .with_columns(pl.col("rho").fill_nan(None).fill_null(0.0))
    )
    assert rho.height == stat.n
    assert rho["rho"].mean() == pytest.approx(stat.value, abs=1e-9)


def test_export_refuses_other_suffixes(full_ledger, tmp_path):
    res = CliRunner().invoke(
        app, ["influence", "--db", str(full_ledger.path), "--all", "--out", str(tmp_path / "x.xlsx")]
    )
    assert res.exit_code != 0 and ".parquet or .csv" in res.output


@pytest.mark.slow
def test_api_serves_v2_by_default_v1_on_request_and_the_validation(full_ledger_path, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    from legation.api import create_app

    db = tmp_path / "real.duckdb"
    shutil.copyfile(full_ledger_path, db)
    if (wal := full_ledger_path.with_name(full_ledger_path.name + ".wal")).exists():
        shutil.copyfile(wal, db.with_name(db.name + ".wal"))
    with TestClient(create_app(db, token="t0ken", warm=False)) as c:
        new = c.get("/api/influence", params={"patron": 2, "year": 2010, "limit": 5}).json()
        old = c.get("/api/influence", params={"patron": 2, "year": 2010, "limit": 5, "index": "v1"}).json()
        assert new["meta"]["index"] == "v2" and new["meta"]["meaning"].startswith("How much")
        assert old["meta"]["index"] == "v1" and old["meta"]["weights"]["arms"] == 0.25
        assert new["items"][0]["influence"] != old["items"][0]["influence"]
        assert c.get("/api/influence", params={"index": "v3"}).status_code == 422
        v = c.get("/api/validation").json()
        tests = {r["test"] for r in v["items"]}
        assert {"a: within rho", "b: shift AUC h=5", "c: forecast gain h=5", "d: event after"} <= tests
        assert set(v["meta"]["fitted_weights"]) == {"v1", "v2"} and v["meta"]["test"] == [2006, 2015]
