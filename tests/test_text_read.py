"""Inputs and dates: JSON Lines and text files, errors by file and line, relative dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legation.errors import InputError
from legation.ledger.fields import Precision
from legation.text import dates
from legation.text.read import read


def test_jsonl_records_keep_their_line(write):
    p = write("a.jsonl", '{"text": "One.", "date": "2016-01-02", "url": "u"}\n\n{"text": "Two."}\n')
    docs = list(read([p]))
    assert [(d.line, d.date, d.url) for d in docs] == [(0, date(2016, 1, 2), "u"), (2, None, None)]


@pytest.mark.parametrize(
    ("body", "line", "field", "words"),
    [
        ('{"text": "ok"}\n{"text": \n', 2, "", "not JSON"),
        ('{"text": "ok"}\n["a list"]\n', 2, "", "JSON object"),
        ('{"text": ""}\n', 1, "text", "missing"),
        ('{"text": "ok", "date": "03/04/2016"}\n', 1, "date", "YYYY-MM-DD"),
    ],
)
def test_bad_records_name_file_line_and_field(write, body, line, field, words):
    p = write("bad.jsonl", body)
    with pytest.raises(InputError) as e:
        list(read([p]))
    text = str(e.value)
    assert "bad.jsonl" in text and f"line {line}" in text and words in text
    if field:
        assert field in text


def test_not_utf8_and_missing_files_are_refused(write, tmp_path):
    p = write("x.txt", b"ok\n\xff\xfe\n")
    with pytest.raises(InputError, match="line 2"):
        list(read([p]))
    with pytest.raises(InputError, match="no such file"):
        list(read([tmp_path / "nope.txt"]))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.txt"):
        list(read([tmp_path / "empty"]))


def test_a_folder_and_a_dateline(write, tmp_path):
    write("b.txt", "4 March 2016 — Hanoi\nVietnam hosted the Chinese defence minister.\n")
    write("a.jsonl", '{"text": "One."}\n')
    docs = list(read([tmp_path]))
    assert [d.doc.rsplit("/", 1)[-1] for d in docs] == ["a.jsonl", "b.txt"]
    assert docs[1].date == date(2016, 3, 4)


DOC = date(2017, 3, 15)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("on 3 March 2016", "2016-03-03", Precision.DAY),
        ("on March 3, 2016", "2016-03-03", Precision.DAY),
        ("in June 2014", "2014-06", Precision.MONTH),
        ("in 1971", "1971", Precision.YEAR),
        ("last year", "2016", Precision.YEAR),
        ("next year", "2018", Precision.YEAR),
        ("two years ago", "2015", Precision.YEAR),
        ("last month", "2017-02", Precision.MONTH),
        ("yesterday", "2017-03-14", Precision.DAY),
        ("on Monday", "2017-03-13", Precision.DAY),
        ("in January", "2017-01", Precision.MONTH),
        ("in November", "2016-11", Precision.MONTH),
        ("in the 1980s", "1980", Precision.YEAR),
    ],
)
def test_dates_resolve_with_precision(text, iso, precision):
    w = dates.find(f"Troops arrived {text}.", DOC)
    assert w is not None and (w.iso(), w.precision, w.stated) == (iso, precision, True)


def test_no_date_takes_the_document_year_unstated():
    w = dates.find("Troops arrived.", DOC)
    assert w is not None and (w.iso(), w.stated) == ("2017", False)
    assert dates.find("Troops arrived.", None) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 6))
def test_relative_days_never_land_after_the_document_in_the_past_tense(doc, back):
    w = dates.find("Troops arrived yesterday.", doc)
    assert w is not None and w.day == doc - timedelta(days=1)
    day = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][back]
    w = dates.find(f"Troops arrived on {day}.", doc)
    assert w is not None and doc - timedelta(days=7) <= w.day < doc and w.day.weekday() == back


@given(st.integers(1816, 2100), st.integers(1, 12), st.integers(1, 28))
def test_written_dates_read_back(y, m, d):
    w = dates.find(f"It happened on {date(y, m, d).isoformat()}.", DOC)
    assert w is not None and w.day == date(y, m, d) and w.precision is Precision.DAY


@given(st.integers(1, 999), st.sampled_from(["million", "billion"]))
def test_dollar_amounts_read_in_dollars(n, scale):
    from legation.text.magnitude import find

    m = find(f"Washington approved ${n} {scale} in military aid to Kyiv.", "military_aid")
    assert m is not None and m.unit == "usd" and m.value == n * (1e6 if scale == "million" else 1e9)
    assert find(f"Washington approved {n} {scale} euros in military aid.", "military_aid") is None


def test_a_folder_of_text_files_from_the_command_line(write, tmp_path):
    import json

    from typer.testing import CliRunner

    from legation.cli import app

    write(
        "story.txt",
        "4 March 2016\n\nThe Indian Navy delivered relief supplies\nto Colombo after the cyclone.\n",
    )
    r = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    (c,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert (c["actor_iso3"], c["partner_iso3"], c["instrument"], c["start"], c["line"]) == (
        "IND",
        "LKA",
        "hadr",
        "2016",
        2,
    )
