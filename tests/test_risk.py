"""Risk measures: HHI and top shares by hand; arms dependency, concentration and escalation exposure
checked against known facts in the real data."""

from __future__ import annotations

import polars as pl
import pytest

from legation import panel
from legation.measures import risk

INFLUENCE = pl.DataFrame(
    {
        "patron": [2, 2, 2, 2, 365, 365, 710],
        "target": [750, 770, 640, 666, 750, 770, 770],
        "year": [2010] * 7,
        "influence": [3.0, 1.0, 0.0, None, 5.0, 5.0, 2.0],
    }
)


def _one(df: pl.DataFrame, **keys) -> dict:
    return df.filter(*(pl.col(k) == v for k, v in keys.items())).row(0, named=True)


def test_concentration_by_hand():
    c = risk.concentration(INFLUENCE)
    us = _one(c, patron=2)
    # shares 3/4 and 1/4 (zero and null ignored): HHI = 0.5625 + 0.0625
    assert us["hhi"] == pytest.approx(0.625) and us["effective"] == pytest.approx(1.6)
    assert us["top_target"] == 750 and us["top_share"] == pytest.approx(0.75)
    assert us["n"] == 2 and us["total"] == pytest.approx(4.0)
    ru = _one(c, patron=365)
    assert ru["hhi"] == pytest.approx(0.5) and ru["top_share"] == pytest.approx(0.5)
    assert ru["top_target"] == 750  # ties: smallest code
    assert _one(c, patron=710)["hhi"] == pytest.approx(1.0)


def test_concentration_by_target_and_bad_input():
    c = risk.concentration(INFLUENCE, by="target")
    pak = _one(c, target=770)  # 1, 5, 2 of 8
    assert pak["hhi"] == pytest.approx((1 + 25 + 4) / 64) and pak["top_patron"] == 365
    with pytest.raises(risk.RiskError, match="negative"):
        risk.concentration(INFLUENCE.with_columns(pl.lit(-1.0).alias("influence")))
    with pytest.raises(risk.RiskError, match="lacks"):
        risk.concentration(INFLUENCE.drop("year"))
    with pytest.raises(risk.RiskError):
        risk.concentration(INFLUENCE, by="year")


# real data --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dependency(full_ledger) -> pl.DataFrame:
    return risk.arms_dependency(full_ledger, (1946, 2024))


def test_russia_is_indias_top_supplier_2010_2014(dependency):
    india = dependency.filter(pl.col("ccode") == 750, pl.col("year").is_between(2010, 2014))
    assert india.height == 5
    assert set(india["top_supplier"]) == {365}
    assert (india["top_share"] > 0.5).all()
    # HHI is between top share squared and top share; effective suppliers = 1/HHI
    assert ((india["hhi"] >= india["top_share"] ** 2) & (india["hhi"] <= india["top_share"])).all()
    assert (india["effective_suppliers"] * india["hhi"]).to_list() == pytest.approx([1.0] * 5)
    assert (india["suppliers"] >= 2).all()


def test_china_is_pakistans_top_supplier_in_2015(dependency):
    assert _one(dependency, ccode=770, year=2015)["top_supplier"] == 710


def test_dependency_matches_the_panel_and_coverage(full_ledger, dependency):
    # NA outside SIPRI coverage (1950–2021)
    for year in (1949, 2022):
        row = _one(dependency, ccode=750, year=year)
        assert row["hhi"] is None and row["arms_import_stock"] is None and row["suppliers"] is None
    # inside coverage: a state-year with no imports ever has stock 0 and no concentration
    assert (
        dependency.filter(pl.col("year").is_between(1950, 2021), pl.col("arms_import_stock") == 0).height > 0
    )
    assert (
        dependency.filter(pl.col("arms_import_stock") == 0)["hhi"].null_count()
        == dependency.filter(pl.col("arms_import_stock") == 0).height
    )
    # the top share is the panel's arms_dependence of that supplier (up to SIPRI's few non-state suppliers)
    p = panel.dyad_years(full_ledger, years=(2010, 2010)).add_arms().frame
    dep = p.filter(pl.col("ccode1") == 365, pl.col("ccode2") == 750)["arms_dependence"].item()
    assert _one(dependency, ccode=750, year=2010)["top_share"] == pytest.approx(dep, rel=0.02)


def test_engaging_india_exposes_a_patron_to_its_rivalries(full_ledger):
    edges = pl.DataFrame(
        {"patron": [2, 2, 710, 2], "target": [750, 750, 750, 750], "year": [2005, 2010, 2005, 2012]}
    )
    out = risk.escalation_exposure(full_ledger, edges)
    us = _one(out, patron=2, year=2005)
    # Thompson–Dreyer: India's rivals are Pakistan and China, both contiguous by land (weight 2)
    assert us["rivals_of_target"] >= 2 and us["contiguous_rivals"] >= 2 and us["exposure"] >= 4.0
    assert us["exposure"] == pytest.approx(4.0)
    # China engaging India is exposed only to the third state (Pakistan)
    assert _one(out, patron=710, year=2005)["rivals_of_target"] == us["rivals_of_target"] - 1
    # TD ends in 2010: NA after, TSS covers 2012
    assert _one(out, patron=2, year=2010)["rivals_of_target"] >= 2
    assert _one(out, patron=2, year=2012)["rivals_of_target"] is None
    tss = risk.escalation_exposure(full_ledger, edges, (2012, 2012), rivalry="tss")
    assert tss.height == 1 and tss["rivals_of_target"].item() >= 2
    # custom weights: land contiguity counts 3
    heavy = risk.escalation_exposure(full_ledger, edges, (2005, 2005), weights={0: 1.0, 1: 3.0})
    assert _one(heavy, patron=2)["exposure"] == pytest.approx(6.0)


def test_exposure_accepts_panels_and_checks_input(full_ledger):
    p = panel.dyad_years(full_ledger, years=(2005, 2005)).frame.filter(
        pl.col("ccode1") == 2, pl.col("ccode2") == 750
    )
    out = risk.escalation_exposure(full_ledger, p)
    assert out.height == 1 and out["rivals_of_target"].item() >= 2
    # a target with no rivals is exposed to none (0, not NA)
    iceland = risk.escalation_exposure(
        full_ledger, pl.DataFrame({"patron": [2], "target": [395], "year": [2005]})
    )
    assert iceland["rivals_of_target"].item() == 0 and iceland["exposure"].item() == 0.0
    with pytest.raises(risk.RiskError):
        risk.escalation_exposure(full_ledger, pl.DataFrame({"a": [1]}))
    with pytest.raises(risk.RiskError):
        risk.escalation_exposure(full_ledger, p, rivalry="cold")
