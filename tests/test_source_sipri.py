"""SIPRI importers: trade register, 360info TIV flows, DoDL dyad-years, military expenditure."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers import sipri

SHARED = Path(os.environ.get("LEGATION_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
TR_CSV = SHARED / "sipri_trade_register" / "trade-register.csv"
TR_PARQUET = SHARED / "sipri_trade_register" / "trade-register.parquet"
TIV_CSV = SHARED / "sipri_tiv_360info" / "sipri-exports-processed.csv"
DYAD = SHARED / "sipri_dyad_year_dodl" / "sipri_dyad-year.parquet"
MILEX_XLSX = SHARED / "sipri_milex" / "SIPRI-Milex-data-1949-2023.xlsx"
MILEX_LONG = SHARED / "sipri_milex" / "sipri_milex_long.parquet"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[tuple[Ledger, dict[str, importers.SourceReport]]]:
    """One ledger with the COW system and all four SIPRI sources imported from the real files."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED} (set LEGATION_SHARED_DATA)")
    with Ledger(tmp_path_factory.mktemp("sipri") / "ledger.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {
            r.source: r
            for r in importers.import_dir(led, SHARED, only=[imp.source.id for imp in sipri.IMPORTERS])
        }
        yield led, reports


def scalar(led: Ledger, sql: str, params: list | None = None):
    return led.con.execute(sql, params or []).fetchall()[0][0]


# finding files --------------------------------------------------------------------------------


def test_official_formats_are_preferred(shared_data: Path) -> None:
    found = {imp.source.id: imp.find(shared_data) for imp in sipri.IMPORTERS}
    assert found["sipri-trade-register"] == [TR_CSV]
    assert found["sipri-tiv-360info"] == [TIV_CSV]
    assert found["sipri-dyad-year-dodl"] == [DYAD]
    assert found["sipri-milex"] == [MILEX_XLSX]


# trade register -------------------------------------------------------------------------------


def test_raw_export_is_parsed_like_the_cleaned_copy(shared_data: Path) -> None:
    raw = sipri._clean_trade_register(sipri.read_trade_register_csv(TR_CSV))
    clean = pl.read_parquet(TR_PARQUET).select(sipri.TR_COLUMNS)
    assert raw.height == clean.height == 29_515
    # the four comments broken over a line break are joined again
    broken = raw.filter(
        pl.col("comments").str.starts_with("Cummins (275hp) diesel engine for 12 Puma")
        & (pl.col("recipient") == "Cote d'Ivoire")
    )
    assert broken.height == 1
    assert broken.row(0, named=True)["tiv_total_order"] == 0.36
    key = ["supplier", "recipient", "year_of_order", "weapon_designation", "comments"]
    for col in ("tiv_delivered", "number_delivered", "year_of_order_uncertain"):
        a = raw.group_by(key[:3]).agg(pl.col(col).cast(pl.Float64).sum()).sort(key[:3])
        b = clean.group_by(key[:3]).agg(pl.col(col).cast(pl.Float64).sum()).sort(key[:3])
        assert a.equals(b), col


def test_every_deal_is_written_or_reported(loaded) -> None:
    led, reports = loaded
    rep = reports["sipri-trade-register"]
    assert rep.rows_read == 29_515
    written = scalar(led, "SELECT count(*) FROM engagements WHERE source_id = 'sipri-trade-register'")
    assert written == rep.written["engagements"]
    assert written + rep.rows_rejected == 29_515
    assert written > 29_000
    # orders placed before a state joined the system are reported, by name
    assert (
        sum(rep.unresolved.values())
        == rep.rejected["unresolved actor name"] + rep.rejected["unresolved partner name"]
    )
    raw = pl.read_parquet(TR_PARQUET)
    brunei_early = raw.filter(
        ((pl.col("recipient") == "Brunei") | (pl.col("supplier") == "Brunei"))
        & (pl.col("year_of_order") < 1984)
    ).height
    assert rep.unresolved["Brunei"] == brunei_early > 0


def test_parquet_fallback_gives_the_same_engagements(loaded, ledger: Ledger) -> None:
    led, _ = loaded
    importers.import_dir(ledger, SHARED, only=["cow-system"])
    rep = importers.run(ledger, sipri.SipriTradeRegister(), [TR_PARQUET])
    assert rep.rows_read == 29_515
    sql = (
        "SELECT count(*), round(sum(magnitude), 3), count(DISTINCT id), count(DISTINCT details) "
        "FROM engagements WHERE source_id = 'sipri-trade-register'"
    )
    assert led.con.execute(sql).fetchall() == ledger.con.execute(sql).fetchall()
    ids = "SELECT id FROM engagements WHERE source_id = 'sipri-trade-register'"
    shared = set(led.query(ids)["id"]) & set(ledger.query(ids)["id"])
    assert len(shared) == 29_343  # ids do not depend on the file format


def test_deal_fields(loaded) -> None:
    led, _ = loaded
    # Afghanistan, Brazil, 2017: 6 EMB-314 Super Tucano, delivered 2018, financed by USA, TIV 27
    row = led.query(
        "SELECT * FROM engagements WHERE source_id = 'sipri-trade-register' AND actor_ccode = 140 "
        "AND partner_ccode = 700 AND start_date = DATE '2017-01-01'"
    ).row(0, named=True)
    assert row["instrument"] == "arms_transfer" and row["unit"] == "tiv_musd"
    assert (row["start_precision"], str(row["end_date"]), row["end_precision"]) == (
        "year",
        "2018-12-31",
        "year",
    )
    assert row["magnitude"] == 27.0
    d = json.loads(row["details"])
    assert d["weapon_designation"] == "EMB-314 Super Tucano"
    assert d["number_ordered"] == 6 and d["number_delivered"] == 6
    assert d["years_of_delivery"] == [2018] and d["status"] == "New"
    assert d["aid"] is True and d["financed_by"] == "USA"
    # Soviet Union -> Afghanistan, 1979, 6000 Malyutka delivered 1979-1990, '?' on the order year
    malyutka = led.query(
        "SELECT * FROM engagements WHERE source_id = 'sipri-trade-register' AND details LIKE '%Malyutka%' "
        "AND partner_ccode = 700"
    ).row(0, named=True)
    assert malyutka["actor_ccode"] == 365 and malyutka["actor"] == "Russia"
    assert str(malyutka["end_date"]) == "1990-12-31"
    d = json.loads(malyutka["details"])
    assert d["year_of_order_uncertain"] is True and d["supplier_sipri"] == "Soviet Union"
    assert d["years_of_delivery"] == list(range(1979, 1991))


def test_aliases_nonstate_and_groups(loaded) -> None:
    led, reports = loaded
    raw = pl.read_parquet(TR_PARQUET)
    n_su = raw.filter(pl.col("supplier") == "Soviet Union").height
    by_code = dict(
        led.con.execute(
            "SELECT actor_ccode, count(*) FROM engagements WHERE source_id = 'sipri-trade-register' "
            "AND json_extract_string(details, '$.supplier_sipri') = 'Soviet Union' GROUP BY ALL"
        ).fetchall()
    )
    # every Soviet deal is COW 365; the few missing are reported under their recipient's name
    # (orders placed before the recipient's independence: Angola 1974, Algeria 1961 …)
    assert list(by_code) == [365] and n_su - 30 < by_code[365] < n_su
    assert "Soviet Union" not in reports["sipri-trade-register"].unresolved
    kinds = dict(
        led.con.execute(
            "SELECT partner, partner_kind FROM engagements WHERE source_id = 'sipri-trade-register' "
            "AND json_extract_string(details, '$.recipient_sipri') IN "
            "('NATO**', 'United Nations**', 'African Union**', 'ANC (South Africa)*', "
            "'unknown recipient(s)', 'Northern Cyprus', 'OSCE**')"
        ).fetchall()
    )
    assert kinds == {
        "NATO": "group",
        "UN": "group",
        "AU": "group",
        "ANC (South Africa)": "nonstate",
        "unknown recipient(s)": "nonstate",
        "Northern Cyprus": "nonstate",
        "OSCE": "nonstate",
    }
    # a rebel group is never given its country's code
    assert (
        scalar(
            led,
            "SELECT count(*) FROM engagements WHERE partner_kind = 'nonstate' AND partner_ccode IS NOT NULL",
        )
        == 0
    )
    nato = raw.filter(pl.col("recipient") == "NATO**").height
    assert (
        scalar(
            led,
            "SELECT count(*) FROM engagements WHERE source_id = 'sipri-trade-register' AND partner = 'NATO'",
        )
        == nato
    )


def test_reimport_replaces(loaded) -> None:
    led, _ = loaded
    before = led.count()
    ids = set(led.query("SELECT id FROM engagements WHERE source_id = 'sipri-tiv-360info'")["id"])
    importers.run(led, sipri.SipriTiv360info(), [TIV_CSV])
    assert led.count() == before
    assert set(led.query("SELECT id FROM engagements WHERE source_id = 'sipri-tiv-360info'")["id"]) == ids


# 360info and DoDL ----------------------------------------------------------------------------


def test_russia_india_largest_dyad_2010_2014(loaded) -> None:
    led, reports = loaded
    flows = pl.read_csv(TIV_CSV, null_values="NA", infer_schema_length=None)
    direct = flows.filter(
        (pl.col("supplier") == "Russia")
        & (pl.col("recipient") == "India")
        & pl.col("year").is_between(2010, 2014)
    )["value"].sum()
    assert direct == 14_180
    top = led.query(
        "SELECT actor_ccode, partner_ccode, sum(magnitude) AS tiv FROM engagements "
        "WHERE source_id = 'sipri-tiv-360info' AND year(start_date) BETWEEN 2010 AND 2014 "
        "GROUP BY ALL ORDER BY tiv DESC LIMIT 2"
    )
    assert top.row(0) == (365, 750, 14_180.0)
    assert top.row(1) == (2, 732, 4_158.0)  # USA -> South Korea, a distant second
    rep = reports["sipri-tiv-360info"]
    assert rep.rows_read == 21_324 == rep.written["engagements"] + rep.rows_rejected
    assert dict(rep.unresolved) == {"Micronesia": 3}  # deliveries before it joined the system in 1991
    # the DoDL panel (an older SIPRI vintage) has the same dyad on top, at 14,125
    dodl = scalar(
        led,
        "SELECT sum(value) FROM dyad_attributes WHERE source_id = 'sipri-dyad-year-dodl' "
        "AND ccode1 = 365 AND ccode2 = 750 AND year BETWEEN 2010 AND 2014 AND directed",
    )
    assert dodl == 14_125.0


def test_dodl_panel_keeps_zeros(loaded) -> None:
    led, reports = loaded
    panel = pl.read_parquet(DYAD)
    assert reports["sipri-dyad-year-dodl"].written["dyad_attributes"] == panel.height == 81_335
    zeros = scalar(
        led,
        "SELECT count(*) FROM dyad_attributes WHERE source_id = 'sipri-dyad-year-dodl' "
        "AND value = 0 AND variable = 'sipri_tiv'",
    )
    assert zeros == panel.filter(pl.col("value") == 0).height == 67_833


# milex ----------------------------------------------------------------------------------------


def test_us_milex_2022_matches_workbook(loaded) -> None:
    led, reports = loaded
    wb = openpyxl.load_workbook(MILEX_XLSX, read_only=True, data_only=True)
    rows = list(wb["Current US$"].iter_rows(values_only=True))
    wb.close()
    header = next(r for r in rows if r[0] == "Country")
    us = next(r for r in rows if r[0] == "United States of America")
    expected = us[header.index(2022.0)]
    assert expected == pytest.approx(860_692.2)
    got = dict(
        led.con.execute(
            "SELECT variable, value FROM state_attributes WHERE source_id = 'sipri-milex' AND ccode = 2 "
            "AND year = 2022"
        ).fetchall()
    )
    assert got["milex_current_usd_m"] == expected
    assert got["milex_share_gdp"] == pytest.approx(0.0334, abs=1e-4)  # a fraction, not a percentage
    assert set(got) == set(sipri.MILEX_SHEETS.values())
    rep = reports["sipri-milex"]
    assert rep.rows_read == rep.written["state_attributes"] + rep.rows_rejected
    assert rep.rejected["not independent that year ('xxx')"] == 1_097


def test_milex_markers_are_null_never_zero(loaded) -> None:
    led, _ = loaded
    long = pl.read_parquet(MILEX_LONG)
    # Afghanistan's current-US$ series is missing ('...') in 1949 in the workbook
    cell = long.filter((pl.col("country") == "Afghanistan") & (pl.col("year") == 1949))["milex_current_usd_m"]
    assert cell.to_list() == [None]
    got = led.con.execute(
        "SELECT value FROM state_attributes WHERE source_id = 'sipri-milex' AND ccode = 700 AND year = 1949 "
        "AND variable = 'milex_current_usd_m'"
    ).fetchall()
    assert got == [(None,)]
    # no duplicate state-year-variable; USSR (not SIPRI's retrospective Russia) for 1990
    assert (
        scalar(
            led,
            "SELECT count(*) FROM (SELECT ccode, year, variable FROM state_attributes "
            "WHERE source_id = 'sipri-milex' GROUP BY ALL HAVING count(*) > 1)",
        )
        == 0
    )
    wb_cells = sipri.read_milex_workbook(MILEX_XLSX)
    ussr_1990 = wb_cells.filter(
        (pl.col("country") == "USSR")
        & (pl.col("year") == 1990)
        & (pl.col("variable") == "milex_current_usd_m")
    )["value"].item()
    assert (
        scalar(
            led,
            "SELECT value FROM state_attributes WHERE source_id = 'sipri-milex' AND ccode = 365 "
            "AND year = 1990 AND variable = 'milex_current_usd_m'",
        )
        == ussr_1990
    )


def test_milex_long_table_agrees_with_workbook(ledger: Ledger, shared_data: Path) -> None:
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    rep = importers.run(ledger, sipri.SipriMilex(), [MILEX_LONG])
    got = ledger.query(
        "SELECT value FROM state_attributes WHERE ccode = 2 AND year = 2022 "
        "AND variable = 'milex_current_usd_m'"
    )
    assert got["value"].to_list() == [pytest.approx(860_692.2)]
    assert rep.rejected["not independent that year ('xxx')"] == 1_097


# bad input ------------------------------------------------------------------------------------

TR_HEAD = "\n".join(["preamble"] * 11) + "\n"
TR_HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,"
    "SIPRI TIV of delivered weapons\n"
)


def _fails(led: Ledger, importer, path: Path, *words: str) -> InputError:
    before = (led.count(), led.count("state_attributes"), led.count("dyad_attributes"))
    with pytest.raises(InputError) as err:
        importers.run(led, importer, [path])
    text = str(err.value)
    assert path.name in text
    for w in words:
        assert w in text
    assert (led.count(), led.count("state_attributes"), led.count("dyad_attributes")) == before
    return err.value


def test_trade_register_small_fixture(ledger: Ledger, write) -> None:
    body = (
        "India,Soviet Union,1962,?,12,,MiG-21,fighter aircraft,12,?,1963; 1964,New,aid; broken\n"
        ",8,96,96\n"
        "India,Soviet Union,1962,?,12,,MiG-21,fighter aircraft,12,?,1963; 1964,New,aid; broken ,8,96,96\n"
        "Brunei,United Kingdom,1970,,2,,Saladin,armoured car,2,,1971,New,,0.5,1,1\n"
        "Contras (Nicaragua)*,unknown supplier(s),1983,,1,,X,Y,1,,1984,New,,1,1,1\n"
    )
    path = write("trade-register.csv", (TR_HEAD + TR_HEADER + body).encode("latin-1"))
    rep = importers.run(ledger, sipri.SipriTradeRegister(), [path])
    assert rep.rows_read == 4
    assert rep.written["engagements"] == 3  # two identical deals get distinct ids
    assert dict(rep.unresolved) == {"Brunei": 1}
    rows = ledger.query("SELECT * FROM engagements ORDER BY start_date")
    assert rows["actor_kind"].to_list() == ["state", "state", "nonstate"]
    assert rows["partner"].to_list()[-1] == "Contras (Nicaragua)"


def test_trade_register_wrong_header(ledger: Ledger, write) -> None:
    path = write("trade-register.csv", TR_HEAD + "Recipient,Supplier,Year,Other\nIndia,Russia,2000,1\n")
    _fails(ledger, sipri.SipriTradeRegister(), path, "Weapon designation")


def test_trade_register_empty_and_truncated(ledger: Ledger, write) -> None:
    _fails(ledger, sipri.SipriTradeRegister(), write("trade-register.csv", ""), "empty")
    cut = TR_HEAD + TR_HEADER + "India,Soviet Union,1962,?,12,,MiG-21,fighter\n"
    err = _fails(ledger, sipri.SipriTradeRegister(), write("trade-register.csv", cut), "fields")
    assert err.problems[0].row == 13


def test_tiv_wrong_columns_and_corrupted_zip(ledger: Ledger, write, tmp_path: Path) -> None:
    path = write("flows.csv", "supplier,recipient,year,tiv\nRussia,India,2010,1\n")
    _fails(ledger, sipri.SipriTiv360info(), path, "value", "supplier_cown")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("sipri_dyad-year.csv", "year,ccode1,ccode2,value\n" + "2000,365,750,10\n" * 200)
    data = bytearray(buf.getvalue())
    data[60:70] = b"\xff" * 10  # damage the compressed member
    _fails(ledger, sipri.SipriDyadYearDodl(), write("dyad.zip", bytes(data)))


def test_dyad_and_milex_bad_files(ledger: Ledger, write, tmp_path: Path) -> None:
    path = tmp_path / "dyad.parquet"
    pl.DataFrame({"year": [2000], "from": [2], "to": [20], "value": [1.0]}).write_parquet(path)
    _fails(ledger, sipri.SipriDyadYearDodl(), path, "ccode1")
    _fails(ledger, sipri.SipriMilex(), write("milex.xlsx", b""), "empty")
    _fails(
        ledger, sipri.SipriMilex(), write("milex.xlsx", b"PK\x03\x04 not really a workbook"), "cannot read"
    )
    wb = openpyxl.Workbook()
    wb.active.title = "Current US$"
    xlsx = tmp_path / "milex2.xlsx"
    wb.save(xlsx)
    _fails(ledger, sipri.SipriMilex(), xlsx, "Share of GDP", "sheet is missing")
