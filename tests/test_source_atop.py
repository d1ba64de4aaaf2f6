"""ATOP 5.1 importers: alliances (engagements, groups, memberships) and peacesciencer's dyad-years.

Facts are checked against the raw files with direct polars queries; hand-made files check the pair
logic and that bad input is refused whole, naming file and field, leaving the ledger unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers.atop import AtopAlliances, AtopDyadYears

A_HEADER = "atopid,begyr,begmo,begday,defense,offense,neutral,nonagg,consul,milaid,base,organ1,mem1,mem2,mem3"
M_HEADER = (
    "atopid,member,cowsys,yrent,moent,dayent,yrexit,moexit,dayexit,phase,"
    "defense,offense,neutral,nonagg,consul"
)


def _system(ledger: Ledger, shared: Path) -> None:
    importers.import_dir(ledger, shared, only=["cow-system"])


def _alliances(ledger: Ledger, shared: Path) -> importers.SourceReport:
    _system(ledger, shared)
    imp = AtopAlliances()
    files = imp.find(shared)
    assert files is not None and [f.name for f in files] == ["atop5_1a.csv", "atop5_1m.csv"]
    return importers.run(ledger, imp, files)


def _raw_members(shared: Path) -> pl.DataFrame:
    return pl.read_csv(shared / "atop" / "atop5_1m.csv", infer_schema_length=None)


def _count(ledger: Ledger, sql: str) -> int:
    return ledger.query(sql).item()


# real files ------------------------------------------------------------------------------------


def test_nato_members_and_provisions(ledger: Ledger, shared_data: Path) -> None:
    _alliances(ledger, shared_data)
    raw = _raw_members(shared_data).filter(pl.col("atopid") == 3180)
    in_2018 = raw.filter(pl.col("yrexit") == 0)["member"].n_unique()
    assert in_2018 == 29
    members_2018 = ledger.query(
        "SELECT ccode FROM memberships WHERE group_id = 'atop-3180' AND start_date <= DATE '2018-12-31' "
        "AND (end_date IS NULL OR end_date >= DATE '2018-12-31') ORDER BY ccode"
    )["ccode"].to_list()
    assert len(members_2018) == 29
    assert members_2018 == sorted(raw.filter(pl.col("yrexit") == 0)["member"].unique().to_list())
    assert 260 not in members_2018 and 255 in members_2018  # West Germany's spell ended at unification
    # NATO's two phases (1949, 1951) are one membership spell for each founder
    us = ledger.query(
        "SELECT start_date, end_date FROM memberships WHERE group_id = 'atop-3180' AND ccode = 2"
    )
    assert us.rows() == [(date(1949, 4, 4), None)]
    frg = ledger.query(
        "SELECT start_date, end_date FROM memberships WHERE group_id = 'atop-3180' AND ccode = 260"
    )
    assert frg.rows() == [(date(1954, 10, 23), date(1990, 10, 3))]
    group = ledger.query("SELECT name, kind, founded, note FROM groups WHERE id = 'atop-3180'").row(0)
    assert group[:3] == ("ATOP 3180", "alliance", date(1949, 4, 4)) and "NATO" in group[3]
    # every pair of the 29 is allied, open-ended: 29 * 28 / 2
    assert (
        _count(
            ledger,
            "SELECT count(*) FROM engagements WHERE source_id = 'atop' "
            "AND source_ref = 'ATOP 5.1 3180 phase 2' AND end_date IS NULL",
        )
        == 406
    )
    prov = ledger.query(
        "SELECT DISTINCT details->>'defense' d, details->>'offense' o, details->>'base' b "
        "FROM engagements WHERE details->>'atopid' = '3180'"
    )
    assert prov.rows() == [("1", "0", "3")]
    # West and East Germany touch (one leaves the day the other joins) but are never allied in NATO
    assert (
        _count(ledger, "SELECT count(*) FROM engagements WHERE actor_ccode = 255 AND partner_ccode = 260")
        == 0
    )


def test_us_japan_defence_pact(ledger: Ledger, shared_data: Path) -> None:
    _alliances(ledger, shared_data)
    rows = ledger.query(
        "SELECT details->>'atopid' id, start_date, start_precision, end_date, details->>'actor_defense' ad, "
        "details->>'partner_defense' pd, instrument, unit, magnitude FROM engagements "
        "WHERE source_id = 'atop' AND actor_ccode = 2 AND partner_ccode = 740 "
        "AND details->>'defense' = '1' ORDER BY start_date"
    )
    # the 1951 Security Treaty (ATOP 3220), replaced by the 1960 Treaty of Mutual Cooperation (3375);
    # the US obliges itself to defend Japan, not the reverse
    assert rows.rows() == [
        ("3220", date(1951, 9, 8), "day", date(1960, 1, 19), "1", "0", "alliance", "binary", None),
        ("3375", date(1960, 1, 19), "day", None, "1", "0", "alliance", "binary", None),
    ]
    assert _count(ledger, "SELECT count(*) FROM engagements WHERE actor_ccode > partner_ccode") == 0


def test_counts_and_report_match_raw_files(ledger: Ledger, shared_data: Path) -> None:
    report = _alliances(ledger, shared_data)
    raw_a = pl.read_csv(shared_data / "atop" / "atop5_1a.csv", infer_schema_length=None)
    raw_m = _raw_members(shared_data)
    assert report.rows_read == raw_a.height + raw_m.height == 789 + 2510
    # ATOP member 8152 (a party to ATOP 1320 with France, 1874) is no COW code: its row is reported
    assert dict(report.unresolved) == {"8152": 1}
    assert dict(report.rejected) == {"member code is not a COW state code": 1}
    sizes = raw_m.group_by("atopid").agg(pl.col("member").n_unique().alias("n"))
    multi = sizes.filter(pl.col("n") >= 3)
    assert report.written["groups"] == multi.height == 124
    assert _count(ledger, "SELECT count(*) FROM groups WHERE source_id = 'atop'") == 124
    pairs = ledger.query("SELECT DISTINCT group_id, ccode FROM memberships WHERE source_id = 'atop'")
    assert pairs.height == raw_m.join(multi, on="atopid").select("atopid", "member").unique().height == 927
    # every alliance gives engagements except 1320, whose only other member is 8152
    ids = _count(
        ledger, "SELECT count(DISTINCT details->>'atopid') FROM engagements WHERE source_id = 'atop'"
    )
    assert ids == raw_a["atopid"].n_unique() - 1 == 788
    # re-import replaces the source's rows
    before = {
        t: _count(ledger, f"SELECT count(*) FROM {t} WHERE source_id = 'atop'") for t in AtopAlliances.tables
    }
    again = importers.run(ledger, AtopAlliances(), AtopAlliances().find(shared_data))
    after = {
        t: _count(ledger, f"SELECT count(*) FROM {t} WHERE source_id = 'atop'") for t in AtopAlliances.tables
    }
    assert before == after == again.written


def test_alliance_pairs_agree_with_atop_dyad_years(ledger: Ledger, shared_data: Path) -> None:
    """Every year 1815-2018, the pairs allied by the engagements are exactly ATOP's dyad-years."""
    _alliances(ledger, shared_data)
    eng = ledger.query(
        "SELECT actor_ccode::INTEGER a, partner_ccode::INTEGER b, year(start_date) y0, "
        "coalesce(year(end_date), 2018) y1 FROM engagements WHERE source_id = 'atop'"
    )
    years = (
        eng.select("a", "b", pl.int_ranges("y0", pl.col("y1") + 1).alias("year"))
        .explode("year")
        .select("a", "b", pl.col("year").cast(pl.Int32))
        .unique()
    )
    dd = pl.read_parquet(shared_data / "peacesciencer" / "atop_alliance.parquet")
    ref = dd.select(
        pl.min_horizontal("ccode1", "ccode2").cast(pl.Int32).alias("a"),
        pl.max_horizontal("ccode1", "ccode2").cast(pl.Int32).alias("b"),
        pl.col("year").cast(pl.Int32),
    ).unique()
    assert years.height == ref.height
    assert years.join(ref, on=["a", "b", "year"], how="anti").height == 0


def test_dyad_years(ledger: Ledger, shared_data: Path) -> None:
    _system(ledger, shared_data)
    imp = AtopDyadYears()
    files = imp.find(shared_data)
    assert files is not None and files[0].name == "atop_alliance.parquet"
    report = importers.run(ledger, imp, files)
    raw = pl.read_parquet(files[0])
    flags = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
    ones = raw.select(pl.col(flags).sum()).row(0)
    assert report.rows_read == raw.height == 273_296
    assert report.written["dyad_attributes"] == int(sum(ones)) == 541_739
    assert dict(report.rejected) == {"dyad-year listed with all five obligations 0 (same as absence)": 170}
    assert raw.filter(pl.sum_horizontal(flags) == 0).height == 170
    by_var = dict(
        ledger.query(
            "SELECT variable, count(*) FROM dyad_attributes WHERE source_id = 'atop-dyad-years' "
            "AND directed AND value = 1 GROUP BY variable"
        ).rows()
    )
    assert by_var == {f: int(n) for f, n in zip(flags, ones, strict=True)}
    # the US is obliged to defend Japan every year 1951-2018; Japan is not obliged to defend the US
    us_jp = ledger.query(
        "SELECT min(year), max(year), count(*) FROM dyad_attributes WHERE ccode1 = 2 AND ccode2 = 740 "
        "AND variable = 'atop_defense'"
    ).row(0)
    assert us_jp == (1951, 2018, 68)
    assert (
        _count(
            ledger,
            "SELECT count(*) FROM dyad_attributes WHERE ccode1 = 740 AND ccode2 = 2 "
            "AND variable = 'atop_defense'",
        )
        == 0
    )


# hand-made files -------------------------------------------------------------------------------


def _tiny(write, a_rows: str, m_rows: str) -> list[Path]:
    return [write("atop5_1a.csv", A_HEADER + "\n" + a_rows), write("atop5_1m.csv", M_HEADER + "\n" + m_rows)]


def test_pair_logic_on_a_hand_made_pact(ledger: Ledger, write) -> None:
    files = _tiny(
        write,
        "9001,1990,5,,1,0,0,0,1,2,0,1,2,20,200\n",
        # 2 and 20 found it (day unknown), 200 joins later, 20 leaves the day 200 joins -> no 20-200
        "9001,2,1,1990,5,,0,0,0,0,1,0,0,0,1\n"
        "9001,20,1,1990,5,,2000,1,1,0,1,0,0,0,1\n"
        "9001,200,1,2000,1,1,0,0,0,0,0,0,0,1,1\n",
    )
    report = importers.run(ledger, AtopAlliances(), files)
    assert report.rows_read == 4 and report.rows_rejected == 0
    rows = ledger.query(
        "SELECT actor_ccode, partner_ccode, start_date, start_precision, end_date, end_precision, "
        "details->>'actor_defense', details->>'partner_defense', details->>'milaid' "
        "FROM engagements WHERE source_id = 'atop' ORDER BY partner_ccode"
    )
    assert rows.rows() == [
        (2, 20, date(1990, 5, 1), "month", date(2000, 1, 1), "day", "1", "1", "2"),
        (2, 200, date(2000, 1, 1), "day", None, None, "1", "0", "2"),
    ]
    assert ledger.query("SELECT id, founded FROM groups WHERE source_id = 'atop'").rows() == [
        ("atop-9001", date(1990, 5, 1))
    ]
    assert _count(ledger, "SELECT count(*) FROM memberships WHERE group_id = 'atop-9001'") == 3


def test_missing_column_refused_and_ledger_unchanged(ledger: Ledger, write) -> None:
    good = _tiny(
        write,
        "9001,1990,5,1,1,0,0,0,1,0,0,0,2,20,0\n",
        "9001,2,1,1990,5,1,0,0,0,0,1,0,0,0,1\n9001,20,1,1990,5,1,0,0,0,0,1,0,0,0,1\n",
    )
    importers.run(ledger, AtopAlliances(), good)
    before = _count(ledger, "SELECT count(*) FROM engagements WHERE source_id = 'atop'")
    assert before == 1
    bad_m = write(
        "bad_m.csv", M_HEADER.replace("member,", "mbr,") + "\n9001,2,1,1990,5,1,0,0,0,0,1,0,0,0,1\n"
    )
    with pytest.raises(InputError) as err:
        importers.run(ledger, AtopAlliances(), [good[0], bad_m])
    assert "bad_m.csv" in str(err.value) and "'member'" in str(err.value)
    assert _count(ledger, "SELECT count(*) FROM engagements WHERE source_id = 'atop'") == before


def test_empty_files_refused(ledger: Ledger, write) -> None:
    a = write("atop5_1a.csv", A_HEADER + "\n9001,1990,5,1,1,0,0,0,1,0,0,0,2,20,0\n")
    for body in ("", M_HEADER + "\n"):
        empty = write("atop5_1m.csv", body)
        with pytest.raises(InputError, match=r"atop5_1m\.csv"):
            importers.run(ledger, AtopAlliances(), [a, empty])
    dyads = write("atop_alliance.csv", "ccode1,ccode2,year,atop_defense\n2,20,1990,1\n")
    with pytest.raises(InputError) as err:
        importers.run(ledger, AtopDyadYears(), [dyads])
    assert "atop_alliance.csv" in str(err.value) and "'atop_consul'" in str(err.value)
    with pytest.raises(InputError, match="empty"):
        importers.run(ledger, AtopDyadYears(), [write("atop_alliance.parquet", b"")])
    assert _count(ledger, "SELECT count(*) FROM dyad_attributes WHERE source_id = 'atop-dyad-years'") == 0
    assert _count(ledger, "SELECT count(*) FROM engagements WHERE source_id = 'atop'") == 0
