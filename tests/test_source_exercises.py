"""MME v7, JME v3 and US senior-leader visits (troopdata/) → exercise, hadr and dialogue engagements."""

from __future__ import annotations

import json
from datetime import date

import pytest

from legation.errors import InputError
from legation.ledger import importers
from legation.ledger.importers.exercises import JmeExercises, MmeExercises, UsVisits


def _rows(ledger, sql, *args):
    return ledger.con.execute(sql, list(args)).fetchall()


@pytest.fixture
def cow(ledger, shared_data):
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    return ledger


def test_mme_every_exercise_becomes_all_its_pairs(cow, shared_data):
    imp = MmeExercises()
    files = imp.find(shared_data)
    assert files[0].name == "mme_v7.csv"  # the official CSV before the (mis-encoded) Parquet copy
    report = importers.run(cow, imp, files)
    assert report.rows_read == 3707
    assert report.written["engagements"] == 56_615
    assert report.rejected["participant coded -9 (unidentified), participant mentions"] == 208
    assert report.rejected["exercise with fewer than two identified participants"] == 136
    assert report.unresolved["Tonga"] == 7  # not a COW member before 14 September 1999 (day-level spells)
    # RIMPAC 2008: nine navies → 9·8/2 = 36 undirected pairs, actor = smaller COW code
    rimpac = _rows(
        cow,
        "SELECT actor_ccode, partner_ccode, start_date, start_precision, end_date, magnitude, unit, details "
        "FROM engagements WHERE source_id='mme' AND source_ref='mme3129' AND instrument='exercise'",
    )
    assert len(rimpac) == 36
    codes = {c for a, b, *_ in rimpac for c in (a, b)}
    assert codes == {2, 20, 155, 135, 200, 740, 732, 830, 900}
    assert all(a < b for a, b, *_ in rimpac)
    start, prec, end, mag, unit, det = rimpac[0][2:]
    assert (start, prec, end, mag, unit) == (date(2008, 6, 29), "day", date(2008, 7, 31), 1.0, "count")
    d = json.loads(det)
    assert d["mmeid"] == "mme3129" and d["name"] == "RIMPAC 2008" and d["sea"] == 1 and d["humanitarian"] == 0
    assert not _rows(cow, "SELECT 1 FROM engagements WHERE source_ref='mme3129' AND instrument='hadr'")
    # Malabar 07 (India, Japan, Australia, Singapore, US): 10 pairs, including US–India
    assert _rows(
        cow, "SELECT count(*) FROM engagements WHERE source_ref='mme3049' AND instrument='exercise'"
    ) == [(10,)]
    assert _rows(
        cow,
        "SELECT start_date FROM engagements "
        "WHERE source_ref='mme3049' AND actor_ccode=2 AND partner_ccode=750",
    ) == [(date(2007, 9, 2),)]
    # humanitarian exercises also give hadr in both directions
    hadr = _rows(
        cow, "SELECT count(*), min(confidence) FROM engagements WHERE source_id='mme' AND instrument='hadr'"
    )
    assert hadr == [(14_446, 0.5)]
    # re-import replaces
    importers.run(cow, imp, files)
    assert _rows(cow, "SELECT count(*) FROM engagements WHERE source_id='mme'") == [(56_615,)]


def test_mme_month_precision_dates(cow, shared_data):
    importers.run(cow, MmeExercises(), MmeExercises().find(shared_data))
    # mme88 "Saudi Arabian skies": 1980-01-xx, Egypt and the US
    got = _rows(
        cow,
        "SELECT actor_ccode, partner_ccode, start_date, start_precision, end_date, end_precision "
        "FROM engagements WHERE source_ref='mme88'",
    )
    assert got == [(2, 651, date(1980, 1, 1), "month", date(1980, 1, 31), "month")]


def test_jme(cow, shared_data):
    imp = JmeExercises()
    report = importers.run(cow, imp, imp.find(shared_data))
    assert report.rows_read == 1790
    assert report.written["engagements"] == 16_737
    assert report.rejected["exercise without a usable start date"] == 9
    assert report.unresolved["TON"] == 4
    assert _rows(cow, "SELECT min(start_date), max(start_date) FROM engagements WHERE source_id='jme'") == [
        (date(1974, 11, 1), date(2010, 12, 3))
    ]
    # first row: Midlink 74, USA/TUR/PAK/GBR, November 1974 → 4·3/2 = 6 pairs
    got = _rows(
        cow,
        "SELECT actor_ccode, partner_ccode, start_precision FROM engagements "
        "WHERE source_id='jme' AND source_ref='jme_v3 row 2' ORDER BY 1, 2",
    )
    assert got == [
        (2, 200, "month"),
        (2, 640, "month"),
        (2, 770, "month"),
        (200, 640, "month"),
        (200, 770, "month"),
        (640, 770, "month"),
    ]


def test_us_visits(cow, shared_data):
    report = importers.run(cow, UsVisits(), UsVisits().find(shared_data))
    assert report.rows_read == 377
    assert report.written["engagements"] == 360
    assert report.rows_rejected == 17 and report.unresolved["GUM"] == 4
    got = _rows(
        cow,
        "SELECT count(*), min(actor_ccode), max(actor_ccode), min(start_date), max(start_date) "
        "FROM engagements WHERE source_id='us-visits' AND instrument='dialogue'",
    )
    assert got == [(360, 2, 2, date(1992, 1, 29), date(2012, 6, 18))]
    assert _rows(
        cow, "SELECT count(*) FROM engagements WHERE source_id='us-visits' AND partner_ccode=750"
    ) == [(3,)]


HEAD = "MMEID,Ex_Name,StartDate,s.year,s.month,s.day,e.year,StateA,StateB\n"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "empty"),
        (
            "MMEID,Ex_Name,StartDate,s.year,s.month,s.day,e.year,StateA\nmme1,X,1/1/90,1990,1,1,1990,France\n",
            "StateB",
        ),
    ],
)
def test_mme_bad_input_changes_nothing(cow, write, body, words):
    importers.run(
        cow, MmeExercises(), [write("mme_v7.csv", HEAD + "mme1,X,1/1/90,1990,1,1,1990,France,Italy\n")]
    )
    before = _rows(cow, "SELECT id FROM engagements ORDER BY id")
    assert len(before) == 1
    path = write("bad.csv", body)
    with pytest.raises(InputError) as e:
        importers.run(cow, MmeExercises(), [path])
    assert "bad.csv" in str(e.value) and words in str(e.value)
    assert _rows(cow, "SELECT id FROM engagements ORDER BY id") == before


def test_visits_missing_column(cow, write):
    path = write("visits.csv", "Title,Name,Start Day,Start Month,Start Year\nPACOM,X,1,2,2000\n")
    with pytest.raises(InputError) as e:
        importers.run(cow, UsVisits(), [path])
    assert "visits.csv" in str(e.value) and "State Visit" in str(e.value)
