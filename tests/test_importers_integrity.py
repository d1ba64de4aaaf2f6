"""Issue 12 for the published-dataset importers: doubled US troops (item 9), truncated or wholly
rejected files (item 3), a header-only state list (item 4), zip bombs, wrong-typed cells, and what
`data import-dir` says when a source fails after others were committed. Damaged copies of the real
files are built in tmp_path; ../shared/data is never written."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from legation import panel
from legation.cli import app
from legation.errors import InputError
from legation.ledger import Ledger, importers, imports_log
from legation.ledger.importers import base, releases, systems, troops

V015 = "troopdata/troopdata_v015_country_year.csv"


def _engagements(led: Ledger, source: str) -> list[tuple]:
    return led.query(
        "SELECT id, magnitude, details FROM engagements WHERE source_id = ? ORDER BY id", [source]
    ).rows()


# item 9: US troops doubled ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def troops_ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    from tests.conftest import SHARED

    if not SHARED.is_dir():
        pytest.skip("real datasets not found")
    led = Ledger(tmp_path_factory.mktemp("troops9") / "l.duckdb")
    importers.import_dir(led, SHARED, only=["cow-system", "us-troops"])
    return led


def test_doubled_report_rows_give_the_dod_figure(troops_ledger: Ledger, shared_data: Path) -> None:
    led = troops_ledger
    rows = {
        (c, str(d)): m
        for c, d, m in led.query(
            "SELECT partner_ccode, start_date, magnitude FROM engagements WHERE source_id = 'us-troops' "
            "AND start_precision = 'month'"
        ).rows()
    }
    # troopdata_rebuild_long holds twice the DMDC report (troopdata_rebuild_reports) in these rows
    assert rows[(732, "2000-09-01")] == 36_565  # South Korea (rebuild: 73,130)
    assert rows[(640, "2005-09-01")] == 1_780  # Turkey (rebuild: 3,560)
    reports = pl.read_parquet(shared_data / "troopdata/troopdata_rebuild_reports.parquet")
    months = {"March": 3, "June": 6, "September": 9, "December": 12}
    dod = {
        (int(c), f"{int(y)}-{months[m]:02d}-01"): v
        for c, y, m, v in reports.filter(pl.col("source").str.contains(r"^\w+ \d{4}$"))
        .group_by("ccode", "year", "month")
        .agg(pl.col("troops_ad").sum())
        .rows()
    }
    # the hosts: Turkey, South Korea, Italy, Iran, Bosnia, Macedonia, Kyrgyzstan, Trinidad, Suriname
    for host in (640, 732, 325, 630, 346, 343, 703, 52, 115):
        fixed = led.query(
            "SELECT start_date, magnitude, (details->>'rebuild_troops_ad')::DOUBLE AS was "
            "FROM engagements WHERE source_id = 'us-troops' AND partner_ccode = ? "
            "AND details->>'rebuild_troops_ad' IS NOT NULL",
            [host],
        ).rows()
        assert fixed, host
        for start, magnitude, was in fixed:
            assert magnitude == dod[(host, str(start))] and was > magnitude, (host, start)


def test_panel_troops_are_the_dod_figure(troops_ledger: Ledger) -> None:
    p = panel.dyad_years(troops_ledger, years=(2000, 2000)).add_troops().frame
    got = p.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 732))["troops"].to_list()
    assert got == [36_565]


def test_without_the_reports_file_a_row_twice_the_june_value_is_halved(
    ledger: Ledger, shared_data: Path, tmp_path: Path
) -> None:
    (tmp_path / "troopdata").mkdir()
    long = pl.read_parquet(shared_data / "troopdata/troopdata_rebuild_long.parquet").filter(
        pl.col("ccode") == 732
    )
    long.write_parquet(tmp_path / "troopdata/troopdata_rebuild_long.parquet")
    imp = troops.UsTroops()
    files = imp.find(tmp_path)
    assert files is not None and len(files) == 1
    importers.run(ledger, imp, files)
    got = ledger.query(
        "SELECT magnitude FROM engagements WHERE source_id = 'us-troops' AND start_date = '2000-09-01'"
    )["magnitude"].to_list()
    assert got == [36_565]


# items 3 and 4: damaged files keep the old data ------------------------------------------------


@pytest.fixture
def v015_ledger(ledger: Ledger, shared_data: Path) -> Ledger:
    importers.run(ledger, troops.UsTroopsV015(), [shared_data / V015])
    return ledger


def _copy(shared: Path, tmp: Path, rel: str) -> Path:
    out = tmp / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared / rel, out)
    return out


def test_a_truncated_file_is_refused_and_the_ledger_kept(
    v015_ledger: Ledger, shared_data: Path, tmp_path: Path
) -> None:
    before = _engagements(v015_ledger, "us-troops-v015")
    lines = (shared_data / V015).read_text().splitlines(keepends=True)
    cut = tmp_path / V015
    cut.parent.mkdir(parents=True)
    cut.write_text("".join(lines[: len(lines) // 2]))
    with pytest.raises(InputError, match="truncated or damaged"):
        importers.run(v015_ledger, troops.UsTroopsV015(), [cut])
    assert _engagements(v015_ledger, "us-troops-v015") == before
    importers.run(v015_ledger, troops.UsTroopsV015(), [cut], allow_smaller=True)  # when asked
    assert len(_engagements(v015_ledger, "us-troops-v015")) < len(before)


def test_a_first_import_of_a_truncated_release_is_refused(
    ledger: Ledger, shared_data: Path, tmp_path: Path
) -> None:
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    lines = (shared_data / V015).read_text().splitlines(keepends=True)
    cut = tmp_path / V015
    cut.parent.mkdir(parents=True)
    cut.write_text("".join(lines[:-40]))  # a copy cut short: 40 rows missing, no earlier import
    with pytest.raises(InputError, match=r"release they are named after holds 14,792"):
        importers.import_dir(ledger, tmp_path, only=["us-troops-v015"])
    assert _engagements(ledger, "us-troops-v015") == []
    # files named by hand are not taken for the release: nothing to compare with
    assert importers.run(ledger, troops.UsTroopsV015(), [cut]).rows_read == 14_792 - 40


def test_the_release_counts_are_those_of_the_real_files(full_ledger: Ledger) -> None:
    log = imports_log.imports(full_ledger).filter(pl.col("format").str.starts_with("source:"))
    checked = 0
    for fmt, rows, path in log.select("format", "rows_read", "path").iter_rows():
        expected = releases.release_rows(fmt.removeprefix("source:"), path.split("; "))
        if expected is not None:
            assert rows == expected, fmt
            checked += 1
    assert checked == len(releases.RELEASES)


def test_a_file_whose_every_row_is_rejected_is_refused(
    v015_ledger: Ledger, shared_data: Path, tmp_path: Path
) -> None:
    before = _engagements(v015_ledger, "us-troops-v015")
    bad = tmp_path / "all_bad.csv"
    pl.read_csv(shared_data / V015, infer_schema_length=None).with_columns(
        pl.lit(1099).alias("ccode")
    ).write_csv(bad)
    with pytest.raises(InputError, match="every one rejected"):
        importers.run(v015_ledger, troops.UsTroopsV015(), [bad], allow_smaller=True)
    assert _engagements(v015_ledger, "us-troops-v015") == before


@pytest.mark.parametrize(
    ("importer", "rel"),
    [
        (systems.CowSystem(), "peacesciencer/cow_states.parquet"),
        (systems.GwSystem(), "peacesciencer/gw_states.parquet"),
    ],
)
def test_a_header_only_state_list_keeps_the_state_system(
    ledger: Ledger, shared_data: Path, tmp_path: Path, importer: base.Importer, rel: str
) -> None:
    importers.run(ledger, importer, [shared_data / rel])
    before = ledger.count("states")
    empty = tmp_path / Path(rel).name
    pl.read_parquet(shared_data / rel).head(0).write_parquet(empty)
    with pytest.raises(InputError, match="nothing to import"):
        importers.run(ledger, importer, [empty], allow_smaller=True)
    assert ledger.count("states") == before


# zip bombs and wrong-typed cells ---------------------------------------------------------------


def test_a_zip_member_past_the_cap_is_refused_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "ZIP_MEMBER_LIMIT", 10_000)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.csv", "a,b\n" + "1,2\n" * 100_000)
    assert bomb.stat().st_size < 10_000
    with pytest.raises(InputError, match="zip bomb"):
        base.read_table(bomb, source="test")
    # a size the archive understates is not trusted: the stream is cut at the cap
    raw = bytearray(bomb.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("x.csv")
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("x.csv").file_size == info.file_size > 10_000
    small = tmp_path / "small.zip"
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.csv", "a,b\n1,2\n")
    assert base.read_table(small).height == 1


def test_a_wrong_typed_cell_is_legations_error(ledger: Ledger, shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / V015).read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    at = next(i for i, line in enumerate(lines) if line.startswith("Japan,740,"))
    row = lines[at].rstrip("\n").split(",")
    row[header.index("troops")] = "lots"
    bad = tmp_path / "typed.csv"
    bad.write_text("".join([*lines[:at], ",".join(row) + "\n", *lines[at + 1 :]]))
    with pytest.raises(InputError, match="us-troops-v015") as e:
        importers.run(ledger, troops.UsTroopsV015(), [bad])
    assert "typed.csv" in str(e.value)
    assert not ledger.engagements(source="us-troops-v015").height


# import-dir: truthful when a later source fails ----------------------------------------------------


def test_import_dir_says_which_sources_were_kept(shared_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _copy(shared_data, data, "troopdata/basedata.parquet")
    (data / V015).write_text((shared_data / V015).read_text().splitlines()[0] + "\n")
    db = tmp_path / "l.duckdb"
    res = CliRunner().invoke(app, ["data", "import-dir", str(data), "--db", str(db)], env={"COLUMNS": "300"})
    assert res.exit_code == 1
    out = " ".join(res.output.split())
    assert "us-troops-v015 was not imported" in out
    assert "imported before it, and kept: us-bases" in out
    assert "nothing was imported" not in out
    with Ledger(db, read_only=True) as led:
        assert led.count("engagements") > 0
