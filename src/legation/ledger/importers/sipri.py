# Kept whole: the four SIPRI importers share one name table (aliases, non-state names); the milex
# reader is the seam for a split (sipri_milex.py) once tests no longer import it from here.
"""SIPRI: the Arms Transfers Database (trade register, yearly TIV flows, a COW-coded dyad-year
panel) and the Military Expenditure Database.

* ``sipri-trade-register``: one ``arms_transfer`` engagement per deal of SIPRI's trade register,
  supplier (actor) → recipient (partner), from the year of order to the last year of delivery,
  magnitude the TIV of the weapons delivered. Reads SIPRI's raw export ``trade-register.csv``
  (latin-1, 11 lines of preamble, ``?`` uncertainty marks, a few comments broken over two lines)
  or the cleaned ``trade-register.parquet``.
* ``sipri-tiv-360info``: yearly supplier → recipient TIV flows (1950–2021) as ``arms_transfer``
  engagements of one year each, with the COW codes 360info attached.
* ``sipri-dyad-year-dodl``: the balanced directed dyad-year TIV panel (1970–2014, zeros kept) as
  ``dyad_attributes`` variable ``sipri_tiv``.
* ``sipri-milex``: military expenditure by country-year from SIPRI's workbook (or its long copy)
  as ``state_attributes``.

SIPRI names are resolved with `Names` and the aliases below; actors SIPRI marks as non-state
(``*``), unknown suppliers/recipients and entities outside the COW system are kept verbatim as
``nonstate`` actors; organisations SIPRI marks ``**`` become groups where legation knows them.
See docs/sources/sipri.md.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import (
    Download,
    Importer,
    Names,
    SourceReport,
    details,
    engagements,
    read_table,
)
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.states.resolve import ActorKind

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

_SIPRI_AT = "https://www.sipri.org/databases/armstransfers"

TRADE_REGISTER = Source(
    id="sipri-trade-register",
    name="SIPRI Arms Transfers Database, trade register (deal level)",
    version="export of 13 Mar 2025",
    citation="SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
    "trade register generated 13 March 2025. Source: SIPRI Arms Transfers Database.",
    licence="(c) SIPRI; free to use with the citation 'Source: SIPRI Arms Transfers Database'",
    url=_SIPRI_AT,
    coverage_start=1950,
    coverage_end=2024,
    coverage_note=(
        "Transfers of major conventional arms delivered 1950-2024 by all suppliers, including "
        "non-state actors and organisations; deals ordered before 1950 (back to 1940) appear "
        "when their deliveries fall in 1950 or later, so years before 1950 are only partly covered. "
        "Small arms, ammunition and most services are not covered."
    ),
    references=(works.SIPRI_ARMS,),
)

TIV_360INFO = Source(
    id="sipri-tiv-360info",
    name="SIPRI TIV supplier-recipient-year flows with COW codes (360info)",
    version="360info report-arms-trade e00d2d3 (SIPRI data 1950-2021)",
    citation="360info, report-arms-trade (github.com/360-info/report-arms-trade, data/"
    "sipri-exports-processed.csv), from the SIPRI Arms Transfers Database. Source: SIPRI Arms "
    "Transfers Database.",
    licence="CC BY 4.0 (360info processing); data (c) SIPRI, cite both",
    url="https://github.com/360-info/report-arms-trade",
    coverage_start=1950,
    coverage_end=2021,
    coverage_note=(
        "All suppliers and recipients; only supplier-recipient-years with deliveries are listed "
        "(a value of 0 is a delivery under 0.5 million TIV), so a missing flow in 1950-2021 means none."
    ),
    references=(works.SIPRI_360INFO, works.SIPRI_ARMS),
)

DYAD_YEAR_DODL = Source(
    id="sipri-dyad-year-dodl",
    name="SIPRI TIV directed dyad-year panel, COW-coded (DoDL)",
    version="DoDL 67007e1 (SIPRI data 1970-2014)",
    citation="Gannon, J. Andres. DoDL (github.com/jandresgannon/DoDL, data/sipri_dyad-year.rds), "
    "from the SIPRI Arms Transfers Database. Source: SIPRI Arms Transfers Database.",
    licence="repository MIT (code); data (c) SIPRI",
    url="https://github.com/jandresgannon/DoDL",
    coverage_start=1970,
    coverage_end=2014,
    coverage_note=(
        "Balanced panel of the listed directed state dyads with zeros; dyads not in the panel "
        "are not covered (NA), listed dyads with 0 had no recorded transfer."
    ),
    references=(works.DODL, works.SIPRI_ARMS),
)

MILEX = Source(
    id="sipri-milex",
    name="SIPRI Military Expenditure Database",
    version="1949-2023 edition (constant 2022 US$)",
    citation="SIPRI Military Expenditure Database, Stockholm International Peace Research Institute, "
    "2024 release covering 1949-2023.",
    licence="(c) SIPRI; free to use with citation",
    url="https://www.sipri.org/databases/milex",
    coverage_start=1949,
    coverage_end=2023,
    coverage_note=(
        "About 170 countries; per-capita and share-of-government-spending series start in 1988. "
        "Values SIPRI marks unavailable ('...') are stored as NULL; years in which a country was "
        "not independent ('xxx') are not written."
    ),
    references=(works.SIPRI_MILEX,),
)

# names -----------------------------------------------------------------------------------------

GROUP_ALIASES: dict[str, str] = {
    "NATO**": "NATO",
    "United Nations**": "UN",
    "African Union**": "AU",
    "European Union**": "EU",
    "European Union": "EU",
}
"""Organisations SIPRI marks ``**`` that legation knows as groups (the others stay non-state)."""

STATE_ALIASES: dict[str, str] = {
    # trade register / 360info spellings
    "Soviet Union": "cow:365",
    "Turkiye": "cow:640",
    "East Germany (GDR)": "cow:265",
    "North Yemen": "cow:678",
    "Yemen Arab Republic (North Yemen)": "cow:678",
    "South Yemen": "cow:680",
    "South Vietnam": "cow:817",
    "Viet Nam": "cow:816",
    "DR Congo": "cow:490",
    "Congo": "cow:484",
    "Cote d'Ivoire": "cow:437",
    "Cabo Verde": "cow:402",
    "eSwatini": "cow:572",
    "Timor-Leste": "cow:860",
    "Saint Vincent": "cow:57",
    "UAE": "cow:696",
    "Bosnia-Herzegovina": "cow:346",
    "North Macedonia": "cow:343",
    "Czechia": "cow:316",
    # milex workbook spellings
    "USSR": "cow:365",
    "Türkiye": "cow:640",
    "German Democratic Republic": "cow:265",
    "Yemen, North": "cow:678",
    "Congo, DR": "cow:490",
    "Congo, Republic": "cow:484",
    "Korea, North": "cow:731",
    "Korea, South": "cow:732",
    "Gambia, The": "cow:420",
    "Kyrgyz Republic": "cow:703",
    "Eswatini": "cow:572",
    "Timor Leste": "cow:860",
    "Cape Verde": "cow:402",
    "Micronesia": "cow:987",
}
"""SIPRI spellings → what the resolver reads. COW codes are still checked against the state system
on the date (so a deal ordered before independence is reported, not written). Names whose COW code
changes over time ("Germany": 260 until 1990, then 255; "Yemen"; "Serbia") go to the resolver's
dated rules instead."""

NONSTATE_NAMES = frozenset(
    {"Biafra", "Katanga", "Northern Cyprus", "Western Sahara", "Palestine", "Aruba", "OSCE**"}
)
"""Recipients SIPRI lists as countries that are not states of the COW system."""


def is_nonstate(name: str) -> bool:
    """SIPRI's non-state actors: names marked '*', unknown parties, entities outside COW."""
    if name in GROUP_ALIASES:
        return False
    return name.endswith("*") or name.lower().startswith("unknown") or name in NONSTATE_NAMES


def _names(ledger: Ledger, report: SourceReport) -> Names:
    return Names(ledger, report, aliases={**STATE_ALIASES, **GROUP_ALIASES}, nonstate=is_nonstate)


def _drop_self(frame: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    same = (pl.col("actor_kind") == pl.col("partner_kind")) & (pl.col("actor") == pl.col("partner"))
    n = frame.filter(same).height
    report.reject("supplier and recipient resolve to the same actor", n)
    return frame.filter(~same) if n else frame


# trade register --------------------------------------------------------------------------------

TR_COLUMNS = (
    "recipient",
    "supplier",
    "year_of_order",
    "year_of_order_uncertain",
    "number_ordered",
    "number_ordered_uncertain",
    "weapon_designation",
    "weapon_description",
    "number_delivered",
    "number_delivered_uncertain",
    "years_of_delivery",
    "status",
    "comments",
    "tiv_per_unit",
    "tiv_total_order",
    "tiv_delivered",
)
"""The trade register's columns, in the raw export's order (named as in the cleaned Parquet)."""

_RAW_HEADER = (
    "Recipient",
    "Supplier",
    "Year of order",
    "",
    "Number ordered",
    "",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)


def read_trade_register_csv(path: Path) -> pl.DataFrame:
    """SIPRI's raw trade-register export as a frame of `TR_COLUMNS` (all text, '?' kept).

    The export has a preamble before the header line, is latin-1, and a handful of comments end in
    a line break, which splits one deal over two CSV records; those are joined again (and refused
    with the line number when the pieces do not add up to one record)."""
    where = f"{path} (sipri-trade-register)"
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=where)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError([Problem("", "", "the file is empty")], file=where)
    text = raw.decode("latin-1").replace("\r\n", "\n")
    lines = text.split("\n")
    head = next((i for i, line in enumerate(lines[:40]) if line.startswith("Recipient,Supplier")), None)
    if head is None:
        raise InputError(
            [Problem("Recipient", None, "no header line 'Recipient,Supplier,…' in the first 40 lines")],
            file=where,
        )
    reader = csv.reader(io.StringIO("\n".join(lines[head:])))
    header = [h.strip() for h in next(reader)]
    want = list(_RAW_HEADER)
    if header != want:
        missing = [w for w in want if w and w not in header] or [f"{len(want)} columns"]
        raise InputError(
            [
                Problem(m, None, f"unexpected header (found: {', '.join(header)})", row=head + 1)
                for m in missing
            ],
            file=where,
        )
    n = len(want)
    records: list[list[str]] = []
    pending: list[str] | None = None
    start = 0
    for rec in reader:
        line = head + reader.line_num
        if pending is not None:
            if len(pending) + len(rec) - 1 > n:
                raise InputError([Problem("Comments", pending[-1], "broken record", row=start)], file=where)
            pending = [*pending[:-1], f"{pending[-1]} {rec[0]}".strip(), *rec[1:]]
        elif not rec:
            continue
        else:
            pending, start = rec, line
        if len(pending) == n:
            records.append(pending)
            pending = None
    if pending is not None:
        raise InputError(
            [Problem("", ",".join(pending)[:80], f"record with {len(pending)} of {n} fields", row=start)],
            file=where,
        )
    if not records:
        raise InputError([Problem("", "", "the table has no rows")], file=where)
    return pl.DataFrame(records, schema=list(TR_COLUMNS), orient="row")


def _clean_trade_register(raw: pl.DataFrame) -> pl.DataFrame:
    """The raw export's text columns → the typed columns of the cleaned Parquet."""

    def num(c: str, t: PolarsDataType) -> pl.Expr:
        return pl.col(c).str.strip_chars().replace("", None).cast(t, strict=False)

    def flag(c: str) -> pl.Expr:
        return pl.col(c).str.contains(r"\?")

    def text(c: str) -> pl.Expr:
        return pl.col(c).str.strip_chars().replace("", None)

    return raw.select(
        text("recipient"),
        text("supplier"),
        num("year_of_order", pl.Int64),
        flag("year_of_order_uncertain"),
        num("number_ordered", pl.Float64),
        flag("number_ordered_uncertain"),
        text("weapon_designation"),
        text("weapon_description"),
        num("number_delivered", pl.Int64),
        flag("number_delivered_uncertain"),
        text("years_of_delivery"),
        text("status"),
        text("comments"),
        num("tiv_per_unit", pl.Float64),
        num("tiv_total_order", pl.Float64),
        num("tiv_delivered", pl.Float64),
    )


_AID = r"(?i)\baid\b|financed by"
_FINANCED = r"(?i)financed by ([^;)]+)"


class SipriTradeRegister(Importer):
    """SIPRI trade register: one ``arms_transfer`` engagement per deal."""

    source = TRADE_REGISTER
    patterns = ("sipri_trade_register/trade-register.*",)
    formats = (".csv", ".parquet")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = Path(files[0])
        if path.suffix.lower() == ".csv":
            deals = _clean_trade_register(read_trade_register_csv(path))
        else:
            deals = read_table(path, columns=TR_COLUMNS, source=self.source.id).select(TR_COLUMNS)
        report.rows_read = deals.height
        return {"engagements": trade_register_engagements(ledger, deals, report)}


def trade_register_engagements(ledger: Ledger, deals: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """Engagements from the typed trade register (columns `TR_COLUMNS`)."""
    # the same deal gets the same id from either format (the Parquet keeps stray blanks)
    deals = deals.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))
    bad_year = pl.col("year_of_order").is_null() | ~pl.col("year_of_order").is_between(1900, 2100)
    report.reject("malformed year of order", deals.filter(bad_year).height)
    deals = deals.filter(~bad_year)
    no_name = pl.col("supplier").is_null() | pl.col("recipient").is_null()
    report.reject("no supplier or recipient", deals.filter(no_name).height)
    deals = deals.filter(~no_name)
    content = [pl.col(c).cast(pl.String) for c in TR_COLUMNS]
    years = (
        pl.col("years_of_delivery")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().cast(pl.Int32, strict=False))
    )
    deals = deals.with_columns(
        pl.concat_str(content, separator="|", ignore_nulls=False).fill_null("").alias("_content"),
        years.alias("_years"),
    ).with_columns(
        pl.int_range(pl.len()).over("_content").alias("_dup"),
        pl.col("_years").list.max().alias("_last"),
        pl.date(pl.col("year_of_order"), 1, 1).alias("start_date"),
        pl.date(pl.col("year_of_order"), 12, 31).alias("_on"),
    )
    bad_years = pl.col("years_of_delivery").is_not_null() & (
        pl.col("_years").list.eval(pl.element().is_null()).list.any()
        | (pl.col("_last") < pl.col("year_of_order"))
    )
    report.reject("malformed years of delivery", deals.filter(bad_years).height)
    deals = deals.filter(~bad_years)
    names = _names(ledger, report)
    deals = names.resolve(deals, "supplier", "actor", when="_on")
    deals = names.resolve(deals, "recipient", "partner", when="_on")
    deals = _drop_self(deals, report)
    comments = pl.col("comments").fill_null("")
    out = deals.with_columns(
        pl.lit("arms_transfer").alias("instrument"),
        pl.date(pl.col("_last"), 12, 31).alias("end_date"),
        pl.when(pl.col("_last").is_not_null()).then(pl.lit("year")).alias("end_precision"),
        pl.col("tiv_delivered").alias("magnitude"),
        pl.lit("tiv_musd").alias("unit"),
        pl.when(pl.col("year_of_order_uncertain")).then(0.8).otherwise(1.0).alias("confidence"),
        details(
            "weapon_designation",
            "weapon_description",
            "number_ordered",
            "number_ordered_uncertain",
            "number_delivered",
            "number_delivered_uncertain",
            "status",
            "comments",
            "tiv_per_unit",
            "tiv_total_order",
            "tiv_delivered",
            supplier_sipri=pl.col("supplier"),
            recipient_sipri=pl.col("recipient"),
            year_of_order=pl.col("year_of_order"),
            year_of_order_uncertain=pl.col("year_of_order_uncertain"),
            years_of_delivery=pl.col("_years"),
            aid=pl.when(comments.str.contains(_AID)).then(True),
            financed_by=comments.str.extract(_FINANCED, 1).str.strip_chars(),
        ).alias("details"),
    )
    return engagements(out, key=["_content", pl.col("_dup").cast(pl.String)])


# 360info yearly flows --------------------------------------------------------------------------


class SipriTiv360info(Importer):
    """SIPRI TIV supplier→recipient→year flows as one-year ``arms_transfer`` engagements."""

    source = TIV_360INFO
    patterns = ("sipri_tiv_360info/sipri-exports-processed.*",)
    formats = (".csv", ".parquet")
    downloads = (
        Download(
            "https://raw.githubusercontent.com/360-info/report-arms-trade/"
            "e00d2d3e57d1d6dd409f60fc367e088cce34c86e/data/sipri-exports-processed.csv",
            "sipri_tiv_360info/sipri-exports-processed.csv",
        ),
    )
    columns = ("supplier", "recipient", "year", "value", "supplier_cown", "recipient_cown")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(
            Path(files[0]),
            columns=self.columns,
            source=self.source.id,
            null_values=["NA", ""],
            infer_schema_length=None,
        )
        report.rows_read = df.height
        flows = df.select(
            pl.col("supplier").cast(pl.String),
            pl.col("recipient").cast(pl.String),
            pl.col("year").cast(pl.Int32, strict=False),
            pl.col("value").cast(pl.Float64, strict=False).alias("magnitude"),
            pl.col("supplier_cown").cast(pl.Float64, strict=False).cast(pl.Int32, strict=False),
            pl.col("recipient_cown").cast(pl.Float64, strict=False).cast(pl.Int32, strict=False),
        )
        bad = pl.col("year").is_null() | pl.col("magnitude").is_null() | (pl.col("magnitude") < 0)
        report.reject("malformed year or value", flows.filter(bad).height)
        flows = flows.filter(~bad).with_columns(
            pl.date("year", 1, 1).alias("start_date"), pl.date("year", 12, 31).alias("_on")
        )
        names = _names(ledger, report)
        for col, side in (("supplier", "actor"), ("recipient", "partner")):
            flows = _coded_or_named(flows, names, col, f"{col}_cown", side)
        flows = _drop_self(flows, report)
        out = flows.with_columns(
            pl.lit("arms_transfer").alias("instrument"),
            pl.col("_on").alias("end_date"),
            pl.lit("year").alias("end_precision"),
            pl.lit("tiv_musd").alias("unit"),
            details(supplier_sipri=pl.col("supplier"), recipient_sipri=pl.col("recipient")).alias("details"),
        )
        return {
            "engagements": engagements(out, key=["supplier", "recipient", pl.col("year").cast(pl.String)])
        }


def _coded_or_named(
    frame: pl.DataFrame, names: Names, name_col: str, code_col: str, side: str
) -> pl.DataFrame:
    """Actors from the COW codes the source supplies; by name where it has none, or where the name is
    a non-state actor or organisation (360info codes rebels with their country's code)."""
    name = pl.col(name_col)
    by_name = (
        pl.col(code_col).is_null()
        | name.str.ends_with("*")
        | name.str.to_lowercase().str.starts_with("unknown")
        | name.is_in(list(NONSTATE_NAMES | set(GROUP_ALIASES)))
    )
    named = names.resolve(frame.filter(by_name), name_col, side, when="_on")
    coded = names.ccode(frame.filter(~by_name), code_col, side)
    return pl.concat([coded, named.select(coded.columns)], how="vertical_relaxed")


# DoDL dyad-year panel --------------------------------------------------------------------------


class SipriDyadYearDodl(Importer):
    """SIPRI TIV directed dyad-years (DoDL) as ``dyad_attributes`` ``sipri_tiv``."""

    source = DYAD_YEAR_DODL
    patterns = ("sipri_dyad_year_dodl/sipri_dyad-year.*",)
    formats = (".parquet",)
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(Path(files[0]), columns=["year", "ccode1", "ccode2", "value"], source=self.source.id)
        report.rows_read = df.height
        rows = df.select(
            pl.col("ccode1").cast(pl.Int32, strict=False),
            pl.col("ccode2").cast(pl.Int32, strict=False),
            pl.col("year").cast(pl.Int32, strict=False),
            pl.lit("sipri_tiv").alias("variable"),
            pl.col("value").cast(pl.Float64, strict=False),
            pl.lit(True).alias("directed"),
        )
        bad = pl.any_horizontal(pl.col("ccode1", "ccode2", "year").is_null()) | (pl.col("value") < 0)
        report.reject("missing or malformed code, year or value", rows.filter(bad).height)
        rows = rows.filter(~bad)
        dup = pl.struct("ccode1", "ccode2", "year").is_duplicated()
        report.reject("duplicate dyad-year", rows.filter(dup).height)
        return {"dyad_attributes": rows.filter(~dup)}


# military expenditure --------------------------------------------------------------------------

MILEX_SHEETS: dict[str, str] = {
    "Constant (2022) US$": "milex_constant2022_usd_m",
    "Current US$": "milex_current_usd_m",
    "Share of GDP": "milex_share_gdp",
    "Per capita": "milex_per_capita_usd",
    "Share of Govt. spending": "milex_share_govt",
}
"""Workbook sheet → ledger variable (shares are fractions in the workbook: 0.034 = 3.4%)."""

MILEX_LONG: dict[str, str] = {
    "milex_constant2022_usd_m": "milex_constant2022_usd_m",
    "milex_current_usd_m": "milex_current_usd_m",
    "milex_share_gdp": "milex_share_gdp",
    "milex_per_capita_current_usd": "milex_per_capita_usd",
    "milex_share_govt_spending": "milex_share_govt",
}
"""Long table column → ledger variable."""


def read_milex_workbook(path: Path) -> pl.DataFrame:
    """Country, year, variable, value (NULL for '...'), flag ('missing' / 'not_independent') from
    SIPRI's workbook; region and subregion heading rows are skipped."""
    import openpyxl

    where = f"{path} (sipri-milex)"
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=where)
    if path.stat().st_size == 0:
        raise InputError([Problem("", "", "the file is empty")], file=where)
    try:
        with warnings.catch_warnings():  # SIPRI's workbook has no default style; openpyxl says so
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputError([Problem("", "", f"cannot read workbook: {e}")], file=where) from e
    try:
        missing = [s for s in MILEX_SHEETS if s not in wb.sheetnames]
        if missing:
            raise InputError(
                [Problem(s, None, f"sheet is missing (found: {', '.join(wb.sheetnames)})") for s in missing],
                file=where,
            )
        cells: dict[str, list] = {"country": [], "year": [], "variable": [], "cell": []}
        for sheet, variable in MILEX_SHEETS.items():
            rows = list(wb[sheet].iter_rows(values_only=True))
            head = next((i for i, r in enumerate(rows[:20]) if r and r[0] == "Country"), None)
            if head is None:
                raise InputError(
                    [Problem("Country", None, f"no 'Country' header row in sheet {sheet!r}")], file=where
                )
            years = [(j, int(y)) for j, y in enumerate(rows[head]) if isinstance(y, (int, float))]
            if not years:
                raise InputError([Problem("year", None, f"no year columns in sheet {sheet!r}")], file=where)
            for r in rows[head + 1 :]:
                if not r or not isinstance(r[0], str) or all(r[j] is None for j, _ in years if j < len(r)):
                    continue  # blank line or a region heading
                name = r[0].strip()
                for j, y in years:
                    cells["country"].append(name)
                    cells["year"].append(y)
                    cells["variable"].append(variable)
                    cells["cell"].append(None if j >= len(r) or r[j] is None else str(r[j]))
    finally:
        wb.close()
    df = pl.DataFrame(
        cells, schema={"country": pl.String, "year": pl.Int32, "variable": pl.String, "cell": pl.String}
    )
    cell = pl.col("cell").str.strip_chars()
    return df.select(
        "country",
        "year",
        "variable",
        cell.cast(pl.Float64, strict=False).alias("value"),
        pl.when(cell == "xxx")
        .then(pl.lit("not_independent"))
        .when(cell.is_null() | cell.cast(pl.Float64, strict=False).is_null())
        .then(pl.lit("missing"))
        .alias("flag"),
    )


def read_milex_long(path: Path) -> pl.DataFrame:
    """The same long rows from ``sipri_milex_long.parquet``."""
    cols = ["country", "year", *MILEX_LONG, *(f"{c}_flag" for c in MILEX_LONG)]
    df = read_table(path, columns=cols, source="sipri-milex")
    parts = [
        df.select(
            pl.col("country").cast(pl.String),
            pl.col("year").cast(pl.Int32, strict=False),
            pl.lit(var).alias("variable"),
            pl.col(col).cast(pl.Float64, strict=False).alias("value"),
            pl.when(pl.col(f"{col}_flag") == "not_independent")
            .then(pl.lit("not_independent"))
            .when(pl.col(col).is_null())
            .then(pl.lit("missing"))
            .alias("flag"),
        )
        for col, var in MILEX_LONG.items()
    ]
    return pl.concat(parts)


class SipriMilex(Importer):
    """SIPRI military expenditure → ``state_attributes`` (five series)."""

    source = MILEX
    patterns = ("sipri_milex/*ilex*",)
    formats = (".xlsx", ".parquet")
    tables = ("state_attributes",)
    downloads = (
        Download(
            "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2023.xlsx",
            "sipri_milex/SIPRI-Milex-data-1949-2023.xlsx",
        ),
    )

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = Path(files[0])
        cells = read_milex_workbook(path) if path.suffix.lower() == ".xlsx" else read_milex_long(path)
        report.rows_read = cells.height
        gone = pl.col("flag") == "not_independent"
        report.reject("not independent that year ('xxx')", cells.filter(gone).height)
        no_year = pl.col("year").is_null() | pl.col("country").is_null()
        report.reject("no country or year", cells.filter(~gone & no_year).height)
        cells = cells.filter(~gone.fill_null(False) & ~no_year).with_columns(
            pl.date("year", 12, 31).alias("_on")
        )
        # a blank or '...' cell of a country in a year it was not a state (South Sudan in 2000) is no
        # unresolved name: count those apart, and report only the names of cells that hold values
        empty = pl.col("value").is_null()
        scratch = SourceReport(report.source)
        blanks = _names(ledger, scratch).resolve(cells.filter(empty), "country", "actor", when="_on")
        report.reject("no value, and not a state that year", scratch.rows_rejected)
        filled = _names(ledger, report).resolve(cells.filter(~empty), "country", "actor", when="_on")
        cells = pl.concat([filled, blanks.select(filled.columns)])
        not_state = pl.col("actor_kind") != ActorKind.STATE.value
        report.reject("not a state (organisation)", cells.filter(not_state).height)
        rows = cells.filter(~not_state).select(
            pl.col("actor_ccode").cast(pl.Int32).alias("ccode"), "year", "variable", "value", "country"
        )
        dup = pl.struct("ccode", "year", "variable").is_duplicated()
        # two SIPRI names for one COW state in one year (USSR and Russia 1987-1990, Serbia and
        # Yugoslavia): keep the one with a value; where both have one, the Soviet Union's
        dups = rows.filter(dup)
        if dups.height:
            order = [pl.col("value").is_null(), pl.col("country") != "USSR"]
            keep = dups.sort(order).unique(["ccode", "year", "variable"], keep="first", maintain_order=True)
            counts = dups.group_by("ccode", "year", "variable").agg(pl.col("value").count().alias("n"))
            clash = counts.filter(pl.col("n") > 1).height
            report.reject(
                "second SIPRI series for one state-year, holding no value", dups.height - keep.height - clash
            )
            report.reject("second SIPRI series for one state-year, holding another value", clash)
            rows = pl.concat([rows.filter(~dup), keep])
        return {"state_attributes": rows.drop("country")}


IMPORTERS: list[Importer] = [SipriTradeRegister(), SipriTiv360info(), SipriDyadYearDodl(), SipriMilex()]
