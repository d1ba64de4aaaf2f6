"""IPI Providing for Peacekeeping: contributor → UN by month, contributor → host state by mission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers.peacekeeping import IpiMissions, IpiMonthly


@pytest.fixture
def cow_ledger(ledger: Ledger, shared_data: Path) -> Ledger:
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    return ledger


def _rows(ledger: Ledger, sql: str, *args) -> list[tuple]:
    return ledger.con.execute(sql, list(args)).fetchall()


def _count(ledger: Ledger, source: str) -> int:
    return _rows(ledger, "SELECT count(*) FROM engagements WHERE source_id = ?", source)[0][0]


def test_monthly_contributions(cow_ledger: Ledger, shared_data: Path) -> None:
    imp = IpiMonthly()
    files = imp.find(shared_data)
    assert files is not None and files[0].suffix == ".csv"  # the CSV is preferred
    report = importers.run(cow_ledger, imp, files)
    # 25,657 contributor-months (SOURCES.md §8); every one maps to a state
    assert report.rows_read == 25_657
    assert report.written["engagements"] == 25_657
    assert report.rows_rejected == 0 and not report.unresolved
    assert report.seconds < 10

    # Pakistan, March 2014: 7,619 troops + 557 police + 81 experts in the IPI file
    ((kind, partner, start, end, prec, mag, unit, pol, det),) = _rows(
        cow_ledger,
        "SELECT partner_kind, partner, start_date, end_date, start_precision, magnitude, unit, polarity, "
        "details FROM engagements WHERE source_id = 'ipi-peacekeeping' AND actor_ccode = 770 "
        "AND end_date = DATE '2014-03-31'",
    )
    assert (kind, partner, prec, unit, pol) == ("group", "UN", "month", "personnel", 1)
    assert (str(start), str(end)) == ("2014-03-01", "2014-03-31")
    assert mag == 8257
    assert json.loads(det) == {
        "troops": 7619.0,
        "police": 557.0,
        "experts": 81.0,
        "ipi_contributor": "Pakistan",
        "month_end": "2014-03-31",
    }

    # March 2014: 122 contributors, 97,811 uniformed personnel (equal to the mission-detail total)
    assert _rows(
        cow_ledger,
        "SELECT count(*), sum(magnitude) FROM engagements WHERE source_id = 'ipi-peacekeeping' "
        "AND end_date = DATE '2014-03-31'",
    ) == [(122, 97_811.0)]
    # November 1990, the first month: 46 contributors
    assert _rows(
        cow_ledger,
        "SELECT count(*) FROM engagements WHERE source_id = 'ipi-peacekeeping' AND end_date = '1990-11-30'",
    ) == [(46,)]
    # IPI files Czechoslovakia's contributions under "Czech Republic": before 1993 they are COW 315
    assert _rows(
        cow_ledger,
        "SELECT actor_ccode, magnitude FROM engagements WHERE source_id = 'ipi-peacekeeping' "
        "AND end_date IN ('1992-12-31', '1993-01-31') AND actor_ccode IN (315, 316) ORDER BY end_date",
    ) == [(315, 551.0), (316, 528.0)]
    # IPI's spellings: Serbia (COW 345), DR Congo (490), Congo (484), Cote d Ivoire (437), ROK (732)
    got = dict(
        _rows(
            cow_ledger,
            "SELECT json_extract_string(details, '$.ipi_contributor'), any_value(actor_ccode) "
            "FROM engagements WHERE source_id = 'ipi-peacekeeping' GROUP BY 1",
        )
    )
    assert len(got) == 148
    spelled = ("Serbia", "DR Congo", "Congo", "Cote d Ivoire", "Republic of Korea")
    assert {k: got[k] for k in spelled} == {
        "Serbia": 345,
        "DR Congo": 490,
        "Congo": 484,
        "Cote d Ivoire": 437,
        "Republic of Korea": 732,
    }

    # re-import replaces, ids are stable
    ids = {r[0] for r in _rows(cow_ledger, "SELECT id FROM engagements WHERE source_id = 'ipi-peacekeeping'")}
    importers.run(cow_ledger, imp, files)
    again = {
        r[0] for r in _rows(cow_ledger, "SELECT id FROM engagements WHERE source_id = 'ipi-peacekeeping'")
    }
    assert ids == again and len(ids) == 25_657


def test_mission_detail(cow_ledger: Ledger, shared_data: Path) -> None:
    imp = IpiMissions()
    report = importers.run(cow_ledger, imp, imp.find(shared_data))
    # 573 rows: 33 in MINURSO (Western Sahara is no COW state), Belarus in UNMISS holds 0 personnel
    assert report.rows_read == 573
    assert report.written["engagements"] == 539
    assert report.rejected == {"unresolved partner name": 33, "no personnel in the row": 1}
    assert report.unresolved == {"iso3:ESH": 33}
    assert 539 + report.rows_rejected == 573
    # US in MINUSTAH (Haiti, COW 41): 7 troops and 60 individual police
    ((partner_ccode, mag, det),) = _rows(
        cow_ledger,
        "SELECT partner_ccode, magnitude, details FROM engagements WHERE source_id = "
        "'ipi-peacekeeping-missions' AND actor_ccode = 2 AND json_extract_string(details, '$.mission') "
        "= 'MINUSTAH'",
    )
    d = json.loads(det)
    assert (partner_ccode, mag, d["troops"], d["individual_police"], d["mission_country"]) == (
        41,
        67.0,
        7.0,
        60.0,
        "Haiti",
    )
    # UNMIK serves in Kosovo (COW 347), which IPI files under Serbia; Serbia's own rows resolve to 345
    assert _rows(
        cow_ledger,
        "SELECT DISTINCT partner_ccode FROM engagements WHERE source_id = 'ipi-peacekeeping-missions' "
        "AND json_extract_string(details, '$.mission') = 'UNMIK'",
    ) == [(347,)]
    assert _rows(
        cow_ledger,
        "SELECT count(*), sum(magnitude) FROM engagements WHERE source_id = 'ipi-peacekeeping-missions' "
        "AND actor_ccode = 345",
    ) == [(6, 213.0)]
    # the mapped rows carry 97,811 less MINURSO's 231 personnel
    assert _rows(
        cow_ledger, "SELECT sum(magnitude) FROM engagements WHERE source_id = 'ipi-peacekeeping-missions'"
    ) == [(97_811.0 - 231,)]


MONTHLY_HEADER = "contributor,date,troops,police,experts\n"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("", "", "empty"),
        ("contributor,month,troops,police,experts\nGhana,2000-01-31,10,,\n", "date", "missing"),
        (MONTHLY_HEADER, "", "no rows"),
        (MONTHLY_HEADER + "Ghana,2000-01-31,ten,,\n", "troops", "not a number"),
    ],
    ids=["empty file", "wrong columns", "header only", "text count"],
)
def test_monthly_bad_input(cow_ledger: Ledger, shared_data: Path, write, body, field, words) -> None:
    imp = IpiMonthly()
    importers.run(cow_ledger, imp, imp.find(shared_data))
    before = _count(cow_ledger, "ipi-peacekeeping")
    path = write("tcc_monthly_by_contributor.csv", body)
    with pytest.raises(InputError) as e:
        importers.run(cow_ledger, imp, [path])
    msg = str(e.value)
    assert str(path) in msg and words in msg
    if field:
        assert f"field {field!r}" in msg
    assert _count(cow_ledger, "ipi-peacekeeping") == before == 25_657


def test_monthly_fixture_rejects_and_resolves(ledger: Ledger, write) -> None:
    path = write(
        "m.csv",
        MONTHLY_HEADER + "Ghana,2000-01-31,10,2,1\n"
        "Narnia,2000-01-31,5,,\n"
        "Ghana,2000-13-31,1,,\n"
        "Ghana,2000-02-29,,,\n",
    )
    report = importers.run(ledger, IpiMonthly(), [path])
    assert report.rows_read == 4 and report.written == {"engagements": 1}
    assert report.rejected == {
        "unresolved actor name": 1,
        "date is not YYYY-MM-DD": 1,
        "no personnel in the row": 1,
    }
    assert report.unresolved == {"Narnia": 1}
    assert _rows(ledger, "SELECT actor_ccode, magnitude FROM engagements") == [(452, 13.0)]


def test_mission_bad_input(ledger: Ledger, write) -> None:
    path = write(
        "tcc_mission_detail_2014-03.csv", "Date,Contributor,Mission,Total\n2014-03-31,Ghana,UNMIL,3\n"
    )
    with pytest.raises(InputError) as e:
        importers.run(ledger, IpiMissions(), [path])
    assert str(path) in str(e.value) and "field 'Mission_Country_ISO-3'" in str(e.value)
    assert _count(ledger, "ipi-peacekeeping-missions") == 0
