"""Outputs the field uses (issue 18): `legation export` and panels written as CSV, Parquet, Stata, R,
Feather and Excel, each read back by the tool its users have, with the citations beside the file."""

from __future__ import annotations

import json

import bibtexparser
import openpyxl
import pandas as pd
import polars as pl
import pyreadr
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from legation import panel
from legation.cli import app
from legation.errors import InvalidValueError
from legation.ledger import Ledger, export, import_file, outputs

runner = CliRunner()

# a hand-made file whose notes a spreadsheet would run as formulas, and text Stata version 114 could not hold
CSV = """instrument,actor,partner,start,end,magnitude,unit,source,note
exercise,United States,India,2015-10,,2,count,legation-sample,"=HYPERLINK(""http://x.example"",""click"")"
alliance,United States,NATO,1949-08-24,,,,legation-sample,+1 and more
dialogue,China,Cambodia,2023,2024,,,legation-sample,@SUM(A1)
training,France,Côte d'Ivoire,2012,,40,personnel,legation-sample,-note in French: défense
arms_transfer,Russia,India,2010,,1.5,tiv_musd,legation-sample,plain note
"""
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def db(tmp_path, write):
    path = tmp_path / "l.duckdb"
    with Ledger(path) as led:
        import_file(led, write("in.csv", CSV))
    return path


def _export(db, out, *extra: str):
    result = runner.invoke(app, ["export", str(out), "--db", str(db), *extra])
    assert result.exit_code == 0, result.output
    return result


def _expected(db) -> pl.DataFrame:
    with Ledger(db, read_only=True) as led:
        return export.to_import_format(led.engagements(details=True))


# every format, read back ------------------------------------------------------------------------


def test_plain_csv_and_parquet_stay_exact(db, tmp_path):
    want = _expected(db)
    for name in ("e.csv", "e.parquet"):
        _export(db, tmp_path / name)
    assert pl.read_parquet(tmp_path / "e.parquet").equals(want)
    back = pl.read_csv(tmp_path / "e.csv", infer_schema=False)
    assert back["note"].to_list() == want["note"].to_list()  # no ' added: the round-trip file is exact
    assert (tmp_path / "e.csv").read_bytes()[:3] != b"\xef\xbb\xbf"


def test_csv_for_excel_has_a_bom_and_neutralised_formulas(db, tmp_path):
    out = tmp_path / "x.csv"
    _export(db, out, "--excel")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    notes = pl.read_csv(raw[3:], infer_schema=False)["note"].to_list()
    assert '\'=HYPERLINK("http://x.example","click")' in notes
    assert {"'+1 and more", "'@SUM(A1)", "'-note in French: défense", "plain note"} <= set(notes)
    _export(db, out, "--excel", "--no-neutralise")
    assert '=HYPERLINK("http://x.example","click")' in pl.read_csv(out.read_bytes()[3:])["note"].to_list()


def _note(sheet, text: str):
    """The cell of the "note" column holding ``text``."""
    column = [c.value for c in sheet[1]].index("note")
    return next(r[column] for r in sheet.iter_rows(min_row=2) if text in str(r[column].value))


def test_xlsx_is_a_real_workbook_with_typed_cells(db, tmp_path):
    out = tmp_path / "e.xlsx"
    _export(db, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[1] == "columns"
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == _expected(db).columns
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 5
    india = next(r for r in rows if r["instrument"] == "exercise")
    assert india["actor_ccode"] == 2 and isinstance(india["actor_ccode"], int)
    assert india["magnitude"] == 2.0 and india["end"] is None
    cell = _note(sheet, "HYPERLINK")
    assert cell.value.startswith("'=") and cell.data_type == "s"
    described = {r[0]: r[2] for r in book["columns"].iter_rows(min_row=2, values_only=True)}
    assert described["actor_ccode"].startswith("COW code")


def test_xlsx_without_neutralising_still_never_writes_a_formula(db, tmp_path):
    out = tmp_path / "raw.xlsx"
    _export(db, out, "--no-neutralise")
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cell = _note(sheet, "HYPERLINK")
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_stata_has_variable_labels_and_the_values(db, tmp_path):
    out = tmp_path / "e.dta"
    _export(db, out)
    with pd.io.stata.StataReader(out) as reader:
        labels = reader.variable_labels()
        assert reader.data_label.startswith("legation engagements")
    # `end` is a Stata reserved word: the column is _end, and its label says so
    assert labels["_end"].startswith("end: end date") and labels["actor_ccode"].startswith("COW code")
    df = pd.read_stata(out)
    want = _expected(db).to_pandas()
    assert df["partner"].tolist() == want["partner"].tolist()  # UTF-8 (Côte d'Ivoire) survives
    assert df["magnitude"].isna().tolist() == want["magnitude"].isna().tolist()
    assert df["_end"].tolist() == want["end"].fillna("").tolist()


def test_rds_reads_in_pyreadr_with_na(db, tmp_path):
    out = tmp_path / "e.rds"
    _export(db, out)
    df = pyreadr.read_r(out)[None]
    want = _expected(db)
    assert list(df.columns) == want.columns
    assert df["partner"].tolist() == want["partner"].to_list()
    assert df["magnitude"].isna().sum() == want["magnitude"].null_count() == 2
    assert str(df["polarity"].dtype) == "int32"  # integers without NA stay R integers


def test_feather_round_trips(db, tmp_path):
    out = tmp_path / "e.feather"
    _export(db, out)
    assert pl.from_pandas(pd.read_feather(out)).equals(_expected(db))


def test_unknown_extension_is_refused_with_the_supported_list(db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "e.txt"), "--db", str(db)])
    assert result.exit_code == 1
    assert "'.txt'" in result.output and ".dta" in result.output and ".xlsx" in result.output
    assert not (tmp_path / "e.txt").exists() and not (tmp_path / "e.bib").exists()
    with pytest.raises(InvalidValueError, match=r"\.csv, \.parquet"):
        outputs.format_for("panel")
    with pytest.raises(InvalidValueError, match=r"for \.csv files"):
        outputs.write(pl.DataFrame({"a": [1]}), tmp_path / "a.xlsx", excel=True)


# the citations beside the file ------------------------------------------------------------------


def test_bib_and_datapackage_beside_every_export(db, tmp_path):
    _export(db, tmp_path / "e.dta")
    _export(db, tmp_path / "e.csv")
    lib = bibtexparser.parse_string((tmp_path / "e.bib").read_text(encoding="utf-8"))
    assert not lib.failed_blocks
    assert [e.entry_type for e in lib.entries] == ["dataset"]  # the sample's own release
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"].endswith("datapackage.json")
    assert [r["path"] for r in package["resources"]] == ["e.dta", "e.csv"]
    csv = package["resources"][1]
    assert csv["format"] == "csv" and csv["encoding"] == "utf-8" and csv["hash"].startswith("sha256:")
    assert csv["bytes"] == (tmp_path / "e.csv").stat().st_size
    fields = {f["name"]: f for f in csv["schema"]["fields"]}
    assert fields["actor_ccode"]["type"] == "integer" and fields["magnitude"]["type"] == "number"
    assert fields["start"]["type"] == "string" and "precision" in fields["start"]["description"]
    assert [s["id"] for s in csv["sources"]] == ["legation-sample"]
    assert csv["sources"][0]["version"] == "0.1.0" and csv["sources"][0]["path"].startswith("https://")
    assert package["licenses"] and all("title" in x and "path" in x for x in package["licenses"])
    stata = {f["name"] for f in package["resources"][0]["schema"]["fields"]}
    assert "_end" in stata and "end" not in stata  # the names the .dta file has
    # writing the same file again replaces its resource rather than adding one
    _export(db, tmp_path / "e.csv")
    again = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in again["resources"]] == ["e.dta", "e.csv"]


def test_no_cite_writes_the_file_alone(db, tmp_path):
    _export(db, tmp_path / "e.parquet", "--no-cite")
    assert (tmp_path / "e.parquet").exists()
    assert not (tmp_path / "e.bib").exists() and not (tmp_path / "datapackage.json").exists()


def test_a_foreign_datapackage_is_not_overwritten(db, tmp_path):
    (tmp_path / "datapackage.json").write_text("not json", encoding="utf-8")
    result = runner.invoke(app, ["export", str(tmp_path / "e.csv"), "--db", str(db)])
    assert result.exit_code == 1 and "not a data package" in result.output
    assert (tmp_path / "datapackage.json").read_text(encoding="utf-8") == "not json"


# panels -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_panel_to_pandas_goes_to_stata_with_na_kept(full_ledger, tmp_path):
    # the issue's repro: ArrowDtype columns with nulls made to_stata raise "assignment destination is
    # read-only"; exercises are NA in 2011 (outside MME/JME) and 0 for covered pairs without one
    p = panel.dyad_years(full_ledger, years=(2010, 2011)).add_exercises()
    df = p.to_pandas()
    assert str(df["exercises"].dtype) == "Int32"
    df.to_stata(tmp_path / "p.dta", write_index=False)
    back = pd.read_stata(tmp_path / "p.dta")
    assert back.loc[back.year == 2011, "exercises"].isna().all()
    assert (back.loc[back.year == 2010, "exercises"] == 0).sum() > 0


@pytest.mark.slow
def test_panel_written_in_every_format_with_labels_and_citations(full_ledger, tmp_path):
    p = panel.state_years(full_ledger, years=(2000, 2001)).add_nmc().add_majors()
    for suffix in (".csv", ".parquet", ".dta", ".rds", ".feather", ".xlsx"):
        written = p.write(tmp_path / f"s{suffix}")
        assert [w.name for w in written] == [f"s{suffix}", "s.bib", "datapackage.json"]
    with pd.io.stata.StataReader(tmp_path / "s.dta") as reader:
        labels = reader.variable_labels()
    assert labels["cinc"].startswith("COW NMC composite index") and "[cow-nmc]" in labels["cinc"]
    assert (
        pd.read_stata(tmp_path / "s.dta")["cinc"]
        .round(8)
        .equals(p.to_pandas()["cinc"].astype(float).round(8))
    )
    assert pyreadr.read_r(tmp_path / "s.rds")[None].shape == p.frame.shape
    assert pl.read_ipc(tmp_path / "s.feather").equals(p.frame)
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets[0].max_row == p.frame.height + 1
    keys = {
        e.key for e in bibtexparser.parse_string((tmp_path / "s.bib").read_text(encoding="utf-8")).entries
    }
    assert {"singer1972capability", "singer1987reconstructing", "correlates2017state"} <= keys
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert len(package["resources"]) == 6
    assert {s["id"] for s in package["sources"]} == {"cow-system", "cow-nmc", "cow-majors"}


@pytest.mark.slow
def test_cli_panel_build_writes_stata(full_ledger, tmp_path):
    out = tmp_path / "p.dta"
    args = ["panel", "build", "--db", str(full_ledger.path), "--states", "--years", "2000-2001"]
    result = runner.invoke(app, [*args, "--add", "majors", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pd.read_stata(out).shape[0] > 300 and (tmp_path / "p.bib").exists()
    refused = runner.invoke(app, [*args, "--out", str(tmp_path / "p.sav")])
    assert refused.exit_code == 1 and ".rds" in refused.output


# neutralisation is exact and only touches what a spreadsheet would run ----------------------------


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_neutralising_prefixes_exactly_the_dangerous_cells(texts):
    out = outputs.neutralised(pl.DataFrame({"t": texts, "n": list(range(len(texts)))}))
    assert out["n"].to_list() == list(range(len(texts)))
    for before, after in zip(texts, out["t"].to_list(), strict=True):
        if before.startswith(DANGEROUS):
            assert after == "'" + before
        else:
            assert after == before
