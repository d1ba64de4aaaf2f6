"""UN General Assembly votes: the unvotes package tables and Voeten's original release."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers.unvotes import UNVOTES, UNVOTES_VOETEN, UnVotes, UnVotesVoeten

# the same place as conftest's ``shared_data`` (module-scoped fixtures cannot use that one)
SHARED = Path(os.environ.get("LEGATION_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
RAW = SHARED / "unvotes"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One ledger with the COW system and both UN vote releases, plus their import reports."""
    if not RAW.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    with Ledger(tmp_path_factory.mktemp("unvotes") / "ledger.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {
            imp.source.id: importers.run(led, imp, imp.find(SHARED)) for imp in (UnVotes(), UnVotesVoeten())
        }
        yield led, reports


@pytest.fixture(scope="module")
def raw():
    """The un_votes rows with their roll call's session and date, read directly."""
    if not RAW.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    v = pl.read_parquet(RAW / "un_votes.parquet").with_columns(
        pl.col("rcid").cast(pl.Int32), pl.col("vote").cast(pl.String)
    )
    rc = pl.read_parquet(RAW / "un_roll_calls.parquet").with_columns(pl.col("date").dt.date())
    return v.join(rc.select("rcid", "session", "date"), on="rcid")


def _votes(led: Ledger, source: str, where: str = "true") -> pl.DataFrame:
    return led.query(
        f"SELECT v.rcid, v.ccode, v.vote, r.session, r.date FROM votes v JOIN roll_calls r "
        f"USING (source_id, rcid) WHERE source_id = '{source}' AND {where}"
    )


# whole import -------------------------------------------------------------------------------------


def test_every_row_is_written(loaded, shared_data):
    led, reports = loaded
    un, vo = reports["unvotes"], reports["unvotes-voeten"]
    assert un.written == {"roll_calls": 6203, "votes": 870109}
    assert un.rows_read == 870109 + 6203 + 5745
    assert vo.written == {"roll_calls": 5429, "votes": 1066613}
    for r in (un, vo):
        assert r.rows_rejected == 0 and not r.unresolved
        assert r.seconds < 20
    got = led.query("SELECT source_id, count(DISTINCT ccode) n FROM votes GROUP BY 1 ORDER BY 1").rows()
    assert got == [("unvotes", 200), ("unvotes-voeten", 200)]


def test_sources_and_coverage(loaded):
    led, _ = loaded
    rows = led.query(
        "SELECT id, coverage_start, coverage_end FROM sources WHERE id LIKE 'unvotes%' ORDER BY id"
    ).rows()
    assert rows == [("unvotes", 1946, 2019), ("unvotes-voeten", 1946, 2015)]
    assert "never 'no'" in UNVOTES.coverage_note
    assert "9 = not a member" in UNVOTES_VOETEN.coverage_note
    span = led.query(
        "SELECT source_id, min(session), max(session), max(date) FROM roll_calls GROUP BY 1 ORDER BY 1"
    ).rows()
    assert span == [("unvotes", 1, 74, date(2020, 1, 14)), ("unvotes-voeten", 1, 70, date(2015, 12, 23))]


@pytest.mark.parametrize(
    ("session", "calls", "yes", "abstain", "no"),
    [(1, 43, 1229, 270, 644), (40, 155, 19173, 2667, 935), (70, 73, 10599, 1542, 946)],
)
def test_session_counts(loaded, raw, session, calls, yes, abstain, no):
    led, _ = loaded
    expect = raw.filter(pl.col("session") == session)["vote"].value_counts()
    expect = dict(expect.iter_rows())
    assert expect == {"yes": yes, "abstain": abstain, "no": no}  # the source, read directly
    for source in ("unvotes", "unvotes-voeten"):
        n = led.query(
            "SELECT count(*) FROM roll_calls WHERE source_id = ? AND session = ?", [source, session]
        ).item()
        assert n == calls
        got = dict(_votes(led, source, f"session = {session}")["vote"].value_counts().iter_rows())
        assert (got[1], got[2], got[3]) == (yes, abstain, no)


def test_voeten_keeps_absent_and_non_member(loaded, shared_data):
    led, _ = loaded
    raw = pl.read_parquet(RAW / "UNVotesPublished.parquet")["vote"].value_counts()
    counts = dict(
        led.query("SELECT vote, count(*) FROM votes WHERE source_id = 'unvotes-voeten' GROUP BY 1").rows()
    )
    assert counts == {int(k): n for k, n in raw.iter_rows()}
    assert (counts[8], counts[9]) == (73328, 254521)
    assert set(led.query("SELECT DISTINCT vote FROM votes WHERE source_id = 'unvotes'")["vote"]) == {1, 2, 3}


def test_us_votes_no_on_cuba_embargo(loaded):
    led, _ = loaded
    call = led.query("SELECT unres, date FROM roll_calls WHERE source_id = 'unvotes' AND rcid = 5394").row(0)
    assert call == ("R/70/5", date(2015, 10, 27))
    us = dict(
        led.query("SELECT source_id, vote FROM votes WHERE rcid = 5394 AND ccode = 2 ORDER BY 1").rows()
    )
    assert us == {"unvotes": 3, "unvotes-voeten": 3}
    # the next year the US abstained for the first time (A/RES/71/5)
    assert (
        led.query("SELECT vote FROM votes WHERE source_id = 'unvotes' AND rcid = 5467 AND ccode = 2").item()
        == 2
    )


# historical states -------------------------------------------------------------------------------


def test_ussr_is_365(loaded, raw):
    led, _ = loaded
    ru = raw.filter(pl.col("country_code") == "RU")
    v = _votes(led, "unvotes", "ccode = 365")
    assert v.height == ru.height == 6145
    assert (
        v.filter(pl.col("date") < date(1991, 12, 25)).height
        == ru.filter(pl.col("date") < date(1991, 12, 25)).height
    )
    # USSR's vote on the first roll call about Security Council elections (rcid 4, January 1946)
    assert v.filter(pl.col("rcid") == 4)["vote"].to_list() == [
        {"yes": 1, "abstain": 2, "no": 3}[ru.filter(pl.col("rcid") == 4)["vote"].item()]
    ]


def test_germany_by_date(loaded, raw):
    led, _ = loaded
    frg = raw.filter(pl.col("country") == "Federal Republic of Germany")
    assert frg["country_code"].null_count() == frg.height  # no ISO2 code in the source
    before = frg.filter(pl.col("date") < date(1990, 10, 3)).height
    west = _votes(led, "unvotes", "ccode = 260")
    assert west.height == before == 2067
    assert west["date"].max() < date(1990, 10, 3)
    unified = _votes(led, "unvotes", "ccode = 255")
    assert unified.height == raw.filter(pl.col("country_code") == "DE").height + (frg.height - before)
    assert unified.height == 2552 + 84
    assert unified["date"].min() >= date(1990, 10, 3)
    assert _votes(led, "unvotes", "ccode = 265").height == 2067  # GDR (ISO2 DD)
    # Voeten also codes the votes of late 1990 as 255: both releases agree
    v90 = _votes(led, "unvotes-voeten", "ccode IN (255, 260) AND date >= DATE '1990-10-03'")
    assert set(v90["ccode"]) == {255}


def test_yemen_by_date(loaded, raw):
    led, _ = loaded
    yar = raw.filter(pl.col("country") == "Yemen Arab Republic")
    cut = date(1990, 5, 22)
    assert _votes(led, "unvotes", "ccode = 678").height == yar.filter(pl.col("date") < cut).height == 3207
    yemen = raw.filter(pl.col("country_code") == "YE").height
    assert _votes(led, "unvotes", "ccode = 679").height == yemen + 84 == 2395 + 84
    assert _votes(led, "unvotes", "ccode = 680").height == 2378  # South Yemen (ISO2 YD)
    # Voeten's 678 after unification is recoded to 679, so the releases agree on the late-1990 votes
    late = _votes(led, "unvotes-voeten", "ccode IN (678, 679) AND date >= DATE '1990-05-22'")
    assert set(late["ccode"]) == {679}
    assert late.filter(pl.col("date") < date(1991, 1, 1)).filter(pl.col("vote") <= 3).height == 84


def test_other_historical_codes(loaded, raw):
    led, _ = loaded
    n = dict(led.query("SELECT ccode, count(*) FROM votes WHERE source_id = 'unvotes' GROUP BY 1").rows())
    by_code = dict(raw.group_by("country_code").len().iter_rows())
    assert n[315] == by_code["CS"] == 3752  # Czechoslovakia
    assert n[345] == by_code["YU"] == 5475  # Yugoslavia, then Serbia (and Montenegro)
    assert n[713] == by_code["TW"] == 1233  # Republic of China until 1971
    assert n[511] == 2  # Zanzibar, no ISO2 code in the source
    assert n[565] == by_code["NA"]  # Namibia's ISO2 code is "NA", not a missing value


# issues and the two releases ---------------------------------------------------------------------


def test_issues(loaded):
    led, _ = loaded
    raw_issues = pl.read_parquet(RAW / "un_roll_call_issues.parquet")
    iss = dict(led.query("SELECT rcid, issues FROM roll_calls WHERE source_id = 'unvotes'").rows())
    assert sum(len(v) for v in iss.values()) == raw_issues.height == 5745
    assert iss[77] == ["ec", "me"]  # two issues, sorted
    nuclear = set(raw_issues.filter(pl.col("short_name") == "nu")["rcid"])
    assert {r for r, v in iss.items() if "nu" in v} == nuclear
    w = pl.read_parquet(RAW / "UNVotesPublished.parquet").group_by("rcid").agg(pl.col("hr").first())
    hr = set(w.filter(pl.col("hr") == 1)["rcid"])
    vo = dict(led.query("SELECT rcid, issues FROM roll_calls WHERE source_id = 'unvotes-voeten'").rows())
    assert {r for r, v in vo.items() if v and "hr" in v} == hr
    assert vo[4592] is None  # a roll call with no issue coding (and no date) in Voeten's file


def test_releases_agree(loaded):
    led, _ = loaded
    both = led.query(
        "SELECT a.vote AS a, b.vote AS b FROM votes a JOIN votes b USING (rcid, ccode) "
        "WHERE a.source_id = 'unvotes' AND b.source_id = 'unvotes-voeten' AND b.vote <= 3"
    )
    assert both.height == 738680 + 84  # every yes/abstain/no of Voeten's release is in unvotes
    assert (both["a"] == both["b"]).all()
    missing = led.query(
        "SELECT count(*) FROM votes a WHERE source_id = 'unvotes' AND rcid IN "
        "(SELECT rcid FROM roll_calls WHERE source_id = 'unvotes-voeten') AND NOT EXISTS "
        "(SELECT 1 FROM votes b WHERE b.source_id = 'unvotes-voeten' "
        "AND b.rcid = a.rcid AND b.ccode = a.ccode)"
    ).item()
    assert missing == 0


# hand-made files ---------------------------------------------------------------------------------

ROLL_CALLS = (
    "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
    "1,45,0,1990-06-01,R/45/1,0,0,A,first\n"
    "2,45,1,1990-12-06,R/45/2,0,0,B,second\n"
)
ISSUES = "rcid,short_name,issue\n2,hr,Human rights\n2,co,Colonialism\n"
VOTES = (
    "rcid,country,country_code,vote\n"
    "1,Federal Republic of Germany,NA,yes\n"
    "2,Federal Republic of Germany,NA,no\n"
    "2,Namibia,NA,abstain\n"
    "2,Yemen Arab Republic,,yes\n"
    "2,Atlantis,XX,yes\n"
    "2,United States,US,maybe\n"
    "3,United States,US,yes\n"
)


def _files(write, votes=VOTES, calls=ROLL_CALLS, issues=ISSUES) -> list[Path]:
    return [
        write("un_votes.csv", votes),
        write("un_roll_calls.csv", calls),
        write("un_roll_call_issues.csv", issues),
    ]


def test_small_file_mapping(ledger, write):
    report = importers.run(ledger, UnVotes(), _files(write))
    got = ledger.query("SELECT rcid, ccode, vote FROM votes ORDER BY rcid, ccode").rows()
    assert got == [(1, 260, 1), (2, 255, 3), (2, 565, 2), (2, 679, 1)]
    assert report.unresolved == {"XX (Atlantis)": 1}
    assert report.rejected == {
        "country code with no COW code on the roll call's date": 1,
        "vote not yes, abstain or no": 1,
        "vote on a roll call not in un_roll_calls": 1,
    }
    issues = ledger.query("SELECT rcid, issues, important FROM roll_calls ORDER BY rcid").rows()
    assert issues == [(1, [], False), (2, ["co", "hr"], True)]


def _count(led: Ledger) -> int:
    return led.query("SELECT count(*) FROM votes").item()


@pytest.mark.parametrize("which", [0, 1, 2])
def test_missing_column_changes_nothing(ledger, write, which):
    importers.run(ledger, UnVotes(), _files(write))
    before = _count(ledger)
    files = _files(write)
    bad = {
        0: VOTES.replace("country_code", "iso2"),
        1: ROLL_CALLS.replace("session", "sess"),
        2: "rcid,x\n1,2\n",
    }
    files[which] = write(files[which].name, bad[which])
    with pytest.raises(InputError) as e:
        importers.run(ledger, UnVotes(), files)
    field = {0: "country_code", 1: "session", 2: "short_name"}[which]
    assert files[which].name in str(e.value) and field in str(e.value)
    assert _count(ledger) == before == 4


def test_empty_file_changes_nothing(ledger, write):
    importers.run(ledger, UnVotes(), _files(write))
    with pytest.raises(InputError, match=r"un_votes\.csv.*empty|empty.*un_votes\.csv"):
        importers.run(ledger, UnVotes(), _files(write, votes=""))
    with pytest.raises(InputError, match="no rows"):
        importers.run(ledger, UnVotes(), _files(write, votes="rcid,country,country_code,vote\n"))
    assert _count(ledger) == 4


VOETEN = (
    "rcid,session,vote,ccode,member,importantvote,date,unres,me,nu,di,hr,co,ec,year\n"
    "10,45,1,678,1,0,11/3/1990,R/45/9,1,0,0,0,0,0,1990\n"
    "10,45,3,2,1,0,11/3/1990,R/45/9,1,0,0,0,0,0,1990\n"
    "10,45,7,20,1,0,11/3/1990,R/45/9,1,0,0,0,0,0,1990\n"
    "10,45,9,9999,,0,11/3/1990,R/45/9,1,0,0,0,0,0,1990\n"
    '11,45,8,2,1,1,5/1/1990,R/45/10,0,0,1,0,0,"0""",1990\n'
)


def test_voeten_small_file(ledger, write):
    report = importers.run(ledger, UnVotesVoeten(), [write("UNVotesPublished.csv", VOETEN)])
    got = ledger.query("SELECT rcid, ccode, vote FROM votes ORDER BY rcid, ccode").rows()
    assert got == [(10, 2, 3), (10, 679, 1), (11, 2, 8)]
    assert report.rejected == {
        "vote code not 1, 2, 3, 8 or 9": 1,
        "COW code unknown to the state system and countrycode": 1,
    }
    assert report.unresolved == {"cow:9999": 1}
    calls = ledger.query("SELECT rcid, date, important, issues FROM roll_calls ORDER BY rcid").rows()
    assert calls == [(10, date(1990, 11, 3), False, ["me"]), (11, date(1990, 5, 1), True, ["di"])]


def test_voeten_missing_column_and_empty(ledger, write):
    importers.run(ledger, UnVotesVoeten(), [write("UNVotesPublished.csv", VOETEN)])
    with pytest.raises(InputError) as e:
        importers.run(
            ledger, UnVotesVoeten(), [write("UNVotesPublished.csv", VOETEN.replace("ccode", "cow"))]
        )
    assert "UNVotesPublished.csv" in str(e.value) and "ccode" in str(e.value)
    with pytest.raises(InputError, match="empty"):
        importers.run(ledger, UnVotesVoeten(), [write("UNVotesPublished.csv", "")])
    assert _count(ledger) == 3
