"""McManus & Nieman individual signals → patron-to-protégé engagements."""

from __future__ import annotations

from datetime import date

import pytest

from legation.errors import InputError
from legation.ledger import importers
from legation.ledger.importers.signals import PATRONS, SIGNALS, McManusNieman


def _rows(ledger, sql):
    return ledger.con.execute(sql).fetchall()


@pytest.fixture
def cow(ledger, shared_data):
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    return ledger


def test_signals_real_file(cow, shared_data):
    imp = McManusNieman()
    files = imp.find(shared_data)
    assert files[0].suffix == ".csv"
    report = importers.run(cow, imp, files)
    assert report.rows_read == 9266
    assert report.written["engagements"] == 21_105
    assert dict(report.rejected) == {"patron and protégé are the same state": 1}
    by = dict(
        (i, (n, u))
        for i, u, n in _rows(
            cow,
            "SELECT instrument, unit, count(*) FROM engagements "
            "WHERE source_id='mcmanus-nieman' GROUP BY 1, 2",
        )
    )
    assert by == {
        "alliance": (5913, "binary"),
        "arms_transfer": (8836, "tiv_musd"),
        "basing": (1859, "personnel"),
        "dialogue": (1829, "binary"),
        "exercise": (2668, "count"),
    }
    # India 2005: Russia 693, UK 117, France 100 TIV; UK visit; US, UK and Russian exercises
    india = _rows(
        cow,
        "SELECT actor_ccode, instrument, magnitude FROM engagements "
        "WHERE source_id='mcmanus-nieman' AND partner_ccode=750 AND start_date='2005-01-01' ORDER BY 1, 2",
    )
    assert india == [
        (2, "exercise", 1.0),
        (200, "arms_transfer", 117.0),
        (200, "dialogue", 1.0),
        (200, "exercise", 1.0),
        (220, "arms_transfer", 100.0),
        (365, "arms_transfer", 693.0),
        (365, "exercise", 1.0),
    ]
    # West Germany 1985: 245,800 US troops, year precision
    assert _rows(
        cow,
        "SELECT magnitude, start_date, end_date, start_precision FROM engagements "
        "WHERE source_id='mcmanus-nieman' AND actor_ccode=2 AND partner_ccode=260 "
        "AND instrument='basing' AND year(start_date)=1985",
    ) == [(245_800.0, date(1985, 1, 1), date(1985, 12, 31), "year")]


def _csv(rows: list[dict[str, int]], drop: str = "") -> str:
    cols = ["ccode", "year"] + [f"{p}_{s}" for p in PATRONS for s in SIGNALS]
    cols = [c for c in cols if c != drop]
    lines = [",".join(cols)] + [",".join(str(r.get(c, 0)) for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


def test_signals_hand_made(cow, write):
    path = write(
        "sig.csv",
        _csv([{"ccode": 750, "year": 2001, "us_vis": 1, "chi_arms": 12}, {"ccode": 20, "year": 2001}]),
    )
    report = importers.run(cow, McManusNieman(), [path])
    assert report.rows_read == 2 and report.written["engagements"] == 2
    got = _rows(cow, "SELECT actor_ccode, instrument, unit, magnitude FROM engagements ORDER BY 1")
    assert got == [(2, "dialogue", "binary", 1.0), (710, "arms_transfer", "tiv_musd", 12.0)]


@pytest.mark.parametrize(
    ("body", "words"), [(_csv([{"ccode": 750, "year": 2001}], drop="rus_arms"), "rus_arms"), ("", "empty")]
)
def test_signals_bad_input_changes_nothing(cow, write, body, words):
    importers.run(cow, McManusNieman(), [write("ok.csv", _csv([{"ccode": 750, "year": 2001, "us_ex": 1}]))])
    before = _rows(cow, "SELECT id FROM engagements")
    path = write("bad.csv", body)
    with pytest.raises(InputError) as e:
        importers.run(cow, McManusNieman(), [path])
    assert "bad.csv" in str(e.value) and words in str(e.value)
    assert _rows(cow, "SELECT id FROM engagements") == before
