"""UN voting alignment: hand-computed measures on a tiny vote table, invariants, and real-data facts."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from legation.errors import LedgerError
from legation.ledger import Ledger
from legation.measures.alignment import MEASURES, dyad_alignment, excess
from legation.panel import agreement

KEYS = ["ccode1", "ccode2", "year"]
US, CUBA, GERMANY, ISRAEL, CHINA, JAPAN = 2, 40, 255, 666, 710, 740

# A tiny vote table (1 yes, 2 abstain, 3 no, 8 absent, 9 not a member), five roll calls in 2000:
#
#            r1  r2  r3  r4  r5      issues: r1 me, r2 me+hr, r3 none ([]), r4 none (NULL), r5 hr
#   A = 2     Y   Y   Y   N   A      important: r1, r3
#   B = 20    Y   Y   N   N   Y
#   C = 40    Y   Y   Y   Y   Y
#   D = 41    Y   Y   Y   Y   Y      (same as C: the all-same-vote case)
#   E = 42    8   8   9   9   8      (never votes: in no pair)
#   F = 70    A   -   -   -   -      (abstains once, on r1)
#
# plus r6 in 2001, on which only A and B vote (both yes).
A, B, C, D, E, F = 2, 20, 40, 41, 42, 70
VOTES = {
    A: [1, 1, 1, 3, 2],
    B: [1, 1, 3, 3, 1],
    C: [1, 1, 1, 1, 1],
    D: [1, 1, 1, 1, 1],
    E: [8, 8, 9, 9, 8],
    F: [2, None, None, None, None],
}
ISSUE = {1: ["me"], 2: ["me", "hr"], 3: [], 4: None, 5: ["hr"], 6: ["ec"]}
IMPORTANT = {1: True, 3: True}


def _fake(led: Ledger, codes: dict[int, int] | None = None) -> None:
    """Write the table above under source 'fake' (``codes`` relabels the states)."""
    codes = codes or {}
    for rcid in range(1, 7):
        led.con.execute(
            "INSERT INTO roll_calls (source_id, rcid, session, date, important, issues) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                "fake",
                rcid,
                55,
                date(2000 if rcid < 6 else 2001, 10, rcid),
                IMPORTANT.get(rcid, False),
                ISSUE[rcid],
            ],
        )
    rows = [(codes.get(s, s), r + 1, v) for s, vs in VOTES.items() for r, v in enumerate(vs) if v is not None]
    rows += [(codes.get(A, A), 6, 1), (codes.get(B, B), 6, 1)]
    led.con.executemany("INSERT INTO votes VALUES ('fake', ?, ?, ?)", [[r, s, v] for s, r, v in rows])


def _row(df: pl.DataFrame, c1: int, c2: int, year: int = 2000, **more) -> dict:
    rows = df.filter(ccode1=c1, ccode2=c2, year=year, **more).to_dicts()
    assert len(rows) == 1, (c1, c2, year, more)
    return rows[0]


@pytest.fixture
def fake(ledger: Ledger) -> Ledger:
    _fake(ledger)
    return ledger


def test_hand_computed_pairs(fake):
    al = dyad_alignment(fake, source="fake", years=(2000, 2000))
    assert al.columns == ["ccode1", "ccode2", "year", "n_joint", "n_yn", *MEASURES]
    # A–B: YY YY YN NN AY. p_o = 3/5; yes/no on r1–r4, alike on 3 of 4.
    #   |x−y| (yes 1, abstain ½, no 0): 0 0 1 0 ½ → mean 0.3 → S_abs = 1 − 2·0.3 = 0.4
    #   (x−y)²: 0 0 1 0 ¼ → mean 0.25 → S_sq = 0.5
    #   marginals A (Y, A, N) = (.6, .2, .2), B = (.6, 0, .4)
    #   κ: p_e = .36 + 0 + .08 = .44 → (.6 − .44)/.56 = 2/7
    #   π: pooled (.6, .1, .3) → p_e = .36 + .01 + .09 = .46 → (.6 − .46)/.54 = 7/27
    ab = _row(al, A, B)
    assert (ab["n_joint"], ab["n_yn"]) == (5, 4)
    assert ab["agree3"] == pytest.approx(0.6)
    assert ab["agree_yn"] == pytest.approx(0.75)
    assert ab["s_abs"] == pytest.approx(0.4)
    assert ab["s_sq"] == pytest.approx(0.5)
    assert ab["cohen_kappa"] == pytest.approx(2 / 7)
    assert ab["scott_pi"] == pytest.approx(7 / 27)
    # A–C: YY YY YY NY AY. Same p_o, agree_yn and S as A–B, but C always votes yes, so all of the
    #   agreement is expected: κ p_e = .6·1 = .6 → κ = 0; π pooled (.8, .1, .1) → p_e = .66 → −.06/.34.
    ac = _row(al, A, C)
    assert (ac["n_joint"], ac["n_yn"]) == (5, 4)
    assert (ac["agree3"], ac["agree_yn"], ac["s_abs"], ac["s_sq"]) == pytest.approx((0.6, 0.75, 0.4, 0.5))
    assert ac["cohen_kappa"] == pytest.approx(0.0)
    assert ac["scott_pi"] == pytest.approx(-3 / 17)
    # B–C: YY YY NY NY YY. p_o = .6 = agree_yn (n_yn 5); |x−y| = (x−y)² = 0 0 1 1 0 → S = 1 − 2·.4 = .2
    #   κ: p_e = .6·1 → 0; π: pooled (.8, 0, .2) → p_e = .68 → (.6 − .68)/.32 = −.25
    bc = _row(al, B, C)
    assert (bc["n_joint"], bc["n_yn"]) == (5, 5)
    assert (bc["agree3"], bc["agree_yn"], bc["s_abs"], bc["s_sq"]) == pytest.approx((0.6, 0.6, 0.2, 0.2))
    assert (bc["cohen_kappa"], bc["scott_pi"]) == pytest.approx((0.0, -0.25))


def test_all_same_vote_and_no_yes_no_votes(fake):
    al = dyad_alignment(fake, source="fake", years=(2000, 2000))
    # C–D: yes on all five: perfect agreement, all expected → p_e = 1, π and κ undefined (null)
    cd = _row(al, C, D)
    assert (cd["agree3"], cd["agree_yn"], cd["s_abs"], cd["s_sq"]) == (1.0, 1.0, 1.0, 1.0)
    assert cd["scott_pi"] is None and cd["cohen_kappa"] is None
    # A–F: one joint roll call, A yes, F abstains: no yes/no pair → agree_yn null; agree3 0;
    #   S_abs = 1 − 2·½ = 0; S_sq = 1 − 2·¼ = ½; κ: p_e = 1·0 = 0 → 0; π: pooled (½, ½, 0) → p_e ½ → −1
    af = _row(al, A, F)
    assert (af["n_joint"], af["n_yn"], af["agree_yn"]) == (1, 0, None)
    assert (af["agree3"], af["s_abs"], af["s_sq"], af["cohen_kappa"], af["scott_pi"]) == pytest.approx(
        (0.0, 0.0, 0.5, 0.0, -1.0)
    )
    # E only has absent / not-a-member codes: in no pair. 5 voting states → 10 pairs.
    assert E not in al["ccode1"].to_list() + al["ccode2"].to_list()
    assert al.height == 10 and (al["ccode1"] < al["ccode2"]).all()


def test_years_issues_and_important(fake):
    al = dyad_alignment(fake, source="fake", years=(2000, 2001))
    assert al.filter(year=2001).select("ccode1", "ccode2", "n_joint", "agree3").rows() == [(A, B, 1, 1.0)]
    by = dyad_alignment(fake, source="fake", years=(2000, 2001), by_issue=True)
    assert by.columns[:4] == ["ccode1", "ccode2", "year", "issue"]
    # A–B, 2000: me = r1, r2 (YY YY) → 2 joint, all alike; hr = r2, r5 (YY AY) → 2 joint, half alike.
    # r2 counts under both issues and r3, r4 (no issue) under none: 2 + 2 = 4 ≠ 5 overall.
    me, hr = _row(by, A, B, issue="me"), _row(by, A, B, issue="hr")
    assert (me["n_joint"], me["agree3"], hr["n_joint"], hr["agree3"]) == (2, 1.0, 2, 0.5)
    assert by.filter(ccode1=A, ccode2=B, year=2000)["issue"].sort().to_list() == ["hr", "me"]
    assert _row(by, A, B, 2001, issue="ec")["n_joint"] == 1
    # important: r1 (YY), r3 (YN) → agree3 ½, agree_yn ½, S_abs = 1 − 2·½ = 0
    imp = dyad_alignment(fake, source="fake", years=(2000, 2001), important_only=True)
    ab = _row(imp, A, B)
    assert (ab["n_joint"], ab["agree3"], ab["agree_yn"], ab["s_abs"]) == (2, 0.5, 0.5, 0.0)
    assert imp.filter(year=2001).height == 0
    assert dyad_alignment(fake, source="fake", years=(1990, 1995)).height == 0
    with pytest.raises(LedgerError, match="no roll calls"):
        dyad_alignment(fake, source="unvotes-voeten")
    with pytest.raises(ValueError):
        dyad_alignment(fake, source="fake", years=(2001, 2000))


def test_symmetric_under_relabelling(tmp_path):
    """Reversing the order of the codes swaps ccode1 and ccode2; every measure is unchanged."""
    flip = {A: 90, B: 80, C: 60, D: 50, E: 45, F: 30}
    with Ledger(tmp_path / "a.duckdb") as one, Ledger(tmp_path / "b.duckdb") as two:
        _fake(one)
        _fake(two, flip)
        x = dyad_alignment(one, source="fake", years=(2000, 2001))
        y = dyad_alignment(two, source="fake", years=(2000, 2001))
    back = {v: k for k, v in flip.items()}
    y = y.with_columns(
        ccode1=pl.col("ccode2").replace_strict(back).cast(pl.Int16),
        ccode2=pl.col("ccode1").replace_strict(back).cast(pl.Int16),
    ).select(x.columns)
    assert x.sort(KEYS).equals(y.sort(KEYS))


def test_excess_by_hand(fake):
    al = dyad_alignment(fake, source="fake", years=(2000, 2000))
    ex = excess(al)
    assert ex.columns == ["patron", "target", "year", "agree3", "mean_patron", "excess"]
    assert ex.height == 2 * al.height
    # patron A: agree3 with B, C, D = .6 and with F = 0 → mean .45; excess over B .15, over F −.45
    a = {r["target"]: r for r in ex.filter(patron=A).to_dicts()}
    assert a[B]["mean_patron"] == pytest.approx(0.45)
    assert (a[B]["excess"], a[F]["excess"]) == pytest.approx((0.15, -0.45))
    # directed: B's view of A nets out B's mean (A .6, C .6, D .6, F 0 → .45 as well)
    assert ex.filter(patron=B, target=A)["excess"].item() == pytest.approx(0.15)
    # κ is null for C–D: that pair is left out of both means
    k = excess(al, "cohen_kappa")
    assert k.filter(patron=C, target=D).height == 0
    c = k.filter(patron=C)  # C–A 0, C–B 0, C–F: C yes, F abstain → p_e 0, κ 0
    assert c["mean_patron"].to_list() == pytest.approx([0.0] * 3)
    with pytest.raises(ValueError):
        excess(al, "nope")
    with pytest.raises(ValueError):
        excess(al, method="nope")


# real data ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recent(full_ledger) -> pl.DataFrame:
    return dyad_alignment(full_ledger, years=(1995, 2010))


def _sql_agree3(led: Ledger, c1: int, c2: int, year: int) -> tuple[int, float]:
    """Joint roll calls and agreement straight from the votes table (a self-join, no matrices)."""
    n, same = led.query(
        "SELECT count(*) AS n, count(*) FILTER (a.vote = b.vote) AS same FROM votes a JOIN votes b "
        "ON a.source_id = b.source_id AND a.rcid = b.rcid JOIN roll_calls r "
        "ON r.source_id = a.source_id AND r.rcid = a.rcid WHERE a.source_id = 'unvotes-voeten' "
        "AND a.ccode = ? AND b.ccode = ? AND a.vote IN (1, 2, 3) AND b.vote IN (1, 2, 3) "
        "AND year(r.date) = ?",
        [c1, c2, year],
    ).row(0)
    return n, same / n


def test_real_pairs_match_a_direct_count(full_ledger, recent):
    for c2, lo, hi in ((ISRAEL, 0.7, 1.0), (CUBA, 0.0, 0.3)):
        n, agree = _sql_agree3(full_ledger, US, c2, 2000)
        row = _row(recent, US, c2, 2000)
        assert row["n_joint"] == n and row["agree3"] == pytest.approx(agree)
        assert lo < agree < hi
    assert _row(recent, US, ISRAEL, 2000)["s_abs"] > 0.5 > _row(recent, US, CUBA, 2000)["s_abs"]


def test_invariants(recent):
    assert recent.select(KEYS).is_unique().all() and (recent["ccode1"] < recent["ccode2"]).all()
    assert (recent["n_yn"] <= recent["n_joint"]).all() and (recent["n_joint"] > 0).all()
    for col in ("agree_yn", "agree3"):
        assert recent[col].drop_nulls().is_between(0, 1).all()
    for col in ("s_abs", "s_sq", "scott_pi", "cohen_kappa"):
        assert recent[col].drop_nulls().is_between(-1 - 1e-12, 1 + 1e-12).all()
    assert (recent["s_sq"] >= recent["s_abs"] - 1e-12).all()  # (x−y)² ≤ |x−y| on [0, 1]
    assert (recent["s_abs"] >= 2 * recent["agree3"] - 1 - 1e-12).all()  # disagreement costs at most 1
    assert not any(recent[c].is_nan().any() for c in MEASURES)  # undefined is null, never NaN
    # κ ≥ π (own marginals never expect more agreement than pooled ones): Σ p_i p_j ≤ Σ ((p_i + p_j)/2)²
    both = recent.drop_nulls(["scott_pi", "cohen_kappa"])
    assert (both["cohen_kappa"] >= both["scott_pi"] - 1e-12).all()


def test_agree3_equals_panel_agreement(full_ledger, recent):
    votes = full_ledger.query(
        "SELECT year(r.date) AS year, v.rcid, v.ccode, v.vote FROM votes v JOIN roll_calls r "
        "ON r.rcid = v.rcid AND r.source_id = v.source_id WHERE v.source_id = 'unvotes-voeten' "
        "AND v.vote IN (1, 2, 3) AND year(r.date) = 2005"
    )
    theirs = agreement(votes).with_columns(pl.col(KEYS).cast(pl.Int16)).sort(KEYS)
    ours = recent.filter(year=2005)
    assert ours.height == theirs.height
    assert (ours["n_joint"] == theirs["unga_joint"]).all()
    assert np.allclose(ours["agree3"].to_numpy(), theirs["unga_agree"].to_numpy())


def test_popularity_and_excess(recent):
    ex = excess(recent)

    def get(patron, target, year=2010):
        return ex.filter(patron=patron, target=target, year=year).row(0, named=True)

    # China votes with the Assembly's majority, the US against it
    assert get(CHINA, US)["mean_patron"] > 0.7 > 0.3 > get(US, CHINA)["mean_patron"]
    for year in (2000, 2010):
        assert get(US, ISRAEL, year)["excess"] > 0.4
        assert get(US, CUBA, year)["excess"] < 0
    # Japan and Germany agree more with China than with the US on raw agree3, yet their excess
    # agreement with the US is higher than with China: the raw ranking is China's popularity
    for ally in (JAPAN, GERMANY):
        assert get(CHINA, ally)["agree3"] > get(US, ally)["agree3"]
        assert get(US, ally)["excess"] > 0 > get(CHINA, ally)["excess"]
    # mean excess of each patron is 0 by construction
    assert ex.group_by("patron", "year").agg(pl.col("excess").mean())["excess"].abs().max() < 1e-12


def test_residual_excess(recent):
    one = recent.filter(year=2010)
    res = excess(one, "s_abs", method="residual")
    assert res.height == 2 * one.height
    # normal equations of y_ij = a_i + a_j + e: each state's residuals sum to zero; symmetric in the pair
    assert res.group_by("patron").agg(pl.col("excess").sum())["excess"].abs().max() < 1e-8
    both = res.join(res, left_on=["patron", "target"], right_on=["target", "patron"])
    assert np.allclose(both["excess"].to_numpy(), both["excess_right"].to_numpy())
    assert (
        res.filter(patron=US, target=ISRAEL)["excess"].item()
        > 0
        > res.filter(patron=US, target=CUBA)["excess"].item()
    )


def test_by_issue_partitions_real(full_ledger, recent):
    by = dyad_alignment(full_ledger, years=(2000, 2000), by_issue=True)
    assert set(by["issue"].unique()) <= {"me", "nu", "di", "hr", "co", "ec"}
    s = by.group_by(KEYS).agg(total=pl.col("n_joint").sum(), most=pl.col("n_joint").max())
    s = s.join(recent.filter(year=2000), on=KEYS)
    assert (s["most"] <= s["n_joint"]).all()  # each issue is a subset of the year's roll calls
    assert (s["total"] >= s["n_joint"]).mean() > 0.9  # several issues per roll call, usually more
    # US–Israel: issue codes summed over their joint roll calls, counted straight from the tables
    direct = full_ledger.query(
        "SELECT sum(len(list_distinct(r.issues))) AS n FROM votes a JOIN votes b "
        "ON a.source_id = b.source_id AND a.rcid = b.rcid JOIN roll_calls r "
        "ON r.source_id = a.source_id AND r.rcid = a.rcid "
        "WHERE a.source_id = 'unvotes-voeten' AND a.ccode = ? AND b.ccode = ? AND a.vote IN (1, 2, 3) "
        "AND b.vote IN (1, 2, 3) AND year(r.date) = 2000",
        [US, ISRAEL],
    )["n"].item()
    assert _row(s, US, ISRAEL, 2000)["total"] == direct
    check = dyad_alignment(full_ledger, years=(2000, 2000), source="unvotes")
    assert _row(check, US, ISRAEL, 2000)["agree3"] == pytest.approx(
        _row(recent, US, ISRAEL, 2000)["agree3"], abs=0.05
    )


def test_whole_period_is_fast(full_ledger):
    import time

    start = time.perf_counter()
    al = dyad_alignment(full_ledger)
    took = time.perf_counter() - start
    assert al["year"].min() == 1946 and al["year"].max() == 2015 and al.height > 700_000
    assert took < 10  # about 0.5 s on two shared cores


def test_pairs_involving_some_states_are_those_of_every_pair(full_ledger, recent):
    """`involving` computes only the patrons' rows, and gives exactly their pairs and excess."""
    patrons = [2, 365, 710, 200, 220]
    years = (int(recent["year"].min()), int(recent["year"].max()))
    some = dyad_alignment(full_ledger, years=years, involving=patrons).sort("year", "ccode1", "ccode2")
    mine = pl.col("ccode1").is_in(patrons) | pl.col("ccode2").is_in(patrons)
    assert some.height > 0 and some.equals(recent.filter(mine).sort("year", "ccode1", "ccode2"))
    of_patrons = pl.col("patron").is_in(patrons)
    assert excess(some).filter(of_patrons).equals(excess(recent).filter(of_patrons))
