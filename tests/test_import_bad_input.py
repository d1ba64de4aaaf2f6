"""Bad input: every kind is refused whole, named by file, line, field and value, and changes nothing."""

from __future__ import annotations

import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, import_file
from legation.ledger.validate import MAX_PROBLEMS

HEADER = "instrument,actor,partner,start,end,magnitude,unit,polarity,source\n"
GOOD = "exercise,United States,India,2015-10,,1,count,+1,legation-sample\n"

# name -> (file body after the header and one good line, line, field, value, words in the message)
CSV_CASES = {
    "unknown country": (
        "exercise,Narnia,India,2015,,1,count,,legation-sample\n",
        3,
        "actor",
        "Narnia",
        "unknown state or actor",
    ),
    "impossible date": (
        "exercise,France,India,2015-13-01,,1,count,,legation-sample\n",
        3,
        "start",
        "2015-13-01",
        "month 13",
    ),
    "ambiguous date": (
        "exercise,France,India,03/04/2015,,1,count,,legation-sample\n",
        3,
        "start",
        "03/04/2015",
        "ambiguous",
    ),
    "end before start": (
        "exercise,France,India,2015-05-01,2015-04-01,1,count,,legation-sample\n",
        3,
        "end",
        "2015-04-01",
        "before start",
    ),
    "negative magnitude": (
        "exercise,France,India,2015,,-3,count,,legation-sample\n",
        3,
        "magnitude",
        "-3.0",
        "must not be negative",
    ),
    "unknown instrument": (
        "bribery,France,India,2015,,1,count,,legation-sample\n",
        3,
        "instrument",
        "bribery",
        "unknown instrument",
    ),
    "unknown unit": (
        "exercise,France,India,2015,,1,tiv,,legation-sample\n",
        3,
        "unit",
        "tiv",
        "unknown unit",
    ),
    "unit of another instrument": (
        "alliance,France,India,2015,,3,personnel,,legation-sample\n",
        3,
        "unit",
        "personnel",
        "does not measure alliance",
    ),
    "bad polarity": (
        "exercise,France,India,2015,,1,count,2,legation-sample\n",
        3,
        "polarity",
        "2",
        "polarity must be",
    ),
    "unknown source": (
        "exercise,France,India,2015,,1,count,,no-such-source\n",
        3,
        "source",
        "no-such-source",
        "unknown source",
    ),
    "actor is partner": (
        "exercise,France,France,2015,,1,count,,legation-sample\n",
        3,
        "partner",
        "France",
        "the same",
    ),
}


@pytest.fixture
def seeded(ledger: Ledger, write) -> Ledger:
    """A ledger holding one earlier import, to show that a refused file leaves it as it was."""
    import_file(ledger, write("before.csv", HEADER + GOOD))
    return ledger


def _snapshot(ledger: Ledger) -> tuple:
    return (
        ledger.engagements().drop("import_id").sort("id").rows(),
        ledger.count("imports"),
        ledger.sources()["id"].sort().to_list(),
    )


@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
def test_bad_csv_row_is_named_and_nothing_changes(seeded, write, case):
    body, line, field, value, words = CSV_CASES[case]
    path = write("bad.csv", HEADER + GOOD + body)
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field, problem.value) == (str(path), line, field, value)
    assert words in problem.message
    assert f"line {line}" in str(err.value) and str(path) in str(err.value)
    assert _snapshot(seeded) == before


def test_duplicate_id(seeded, write):
    path = write("dup.csv", "id," + HEADER + "a," + GOOD + "b," + GOOD + "a," + GOOD)
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert (problem.row, problem.field, problem.value) == (4, "id", "a")
    assert "lines 2, 4" in problem.message
    assert _snapshot(seeded) == before


def test_missing_and_unknown_columns(seeded, write):
    path = write(
        "cols.csv", "instrument,actor,start,source,colour\nexercise,France,2015,legation-sample,red\n"
    )
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    found = {(p.field, p.message.split(";")[0]) for p in err.value.problems}
    assert found == {("partner", "required column is missing"), ("colour", "unknown column")}
    assert _snapshot(seeded) == before


def test_truncated_csv(seeded, write):
    path = write("cut.csv", HEADER + GOOD + GOOD + "exercise,France,India,20")
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert problem.row == 4 and "truncated" in problem.message
    assert _snapshot(seeded) == before


def test_truncated_parquet(seeded, tmp_path):
    path = tmp_path / "cut.parquet"
    pl.DataFrame(
        {
            "instrument": ["exercise"] * 50,
            "actor": ["France"] * 50,
            "partner": ["India"] * 50,
            "start": ["2015"] * 50,
            "source": ["legation-sample"] * 50,
        }
    ).write_parquet(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = _snapshot(seeded)
    with pytest.raises(InputError, match="truncated or damaged"):
        import_file(seeded, path)
    assert _snapshot(seeded) == before


def test_non_utf8_bytes(seeded, write):
    latin1 = "exercise,C\xf4te d'Ivoire,France,2015,,1,count,,legation-sample\n".encode("latin-1")
    path = write("latin1.csv", (HEADER + GOOD).encode() + latin1)
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert problem.row == 3 and "not UTF-8" in problem.message
    assert _snapshot(seeded) == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", "", "empty"),
        ("notes.txt", "hello", "unsupported file type"),
        ("broken.yaml", "engagements:\n  - instrument: [exercise\n", "not valid YAML"),
        ("list.yaml", "- 1\n- 2\n", "expected a mapping"),
    ],
)
def test_unreadable_files(seeded, write, name, content, message):
    before = _snapshot(seeded)
    with pytest.raises(InputError, match=message):
        import_file(seeded, write(name, content))
    assert _snapshot(seeded) == before


def test_every_problem_is_reported_up_to_a_cap(seeded, write):
    rows = "".join(f"exercise,Narnia{i},India,2015,,1,count,,legation-sample\n" for i in range(80))
    path = write("many.csv", HEADER + GOOD + rows)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    assert err.value.total == 80 and len(err.value.problems) == MAX_PROBLEMS
    assert [p.row for p in err.value.problems] == list(range(3, 3 + MAX_PROBLEMS))
    assert "and 30 more" in str(err.value)


def test_several_problems_on_one_line_and_across_lines(seeded, write):
    body = (
        "bribery,France,India,2015,,1,count,,legation-sample\n"
        "exercise,Narnia,India,2015-02-30,,-1,count,,legation-sample\n"
    )
    with pytest.raises(InputError) as err:
        import_file(seeded, write("two.csv", HEADER + body))
    found = {(p.row, p.field) for p in err.value.problems}
    assert {(2, "instrument"), (3, "start"), (3, "magnitude")} <= found


def test_parquet_rows_are_named_by_row_number(seeded, tmp_path):
    path = tmp_path / "bad.parquet"
    pl.DataFrame(
        {
            "instrument": ["exercise", "exercise"],
            "actor": ["France", "Narnia"],
            "partner": ["India", "India"],
            "start": ["2015", "2015"],
            "source": ["legation-sample"] * 2,
        }
    ).write_parquet(path)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert (problem.row, problem.row_label, problem.field) == (2, "row", "actor")
    assert "row 2" in str(err.value)


def test_yaml_problems_name_the_line_of_the_item(seeded, write):
    text = (
        "engagements:\n"
        "- instrument: exercise\n  actor: France\n  partner: India\n  start: 2015\n"
        "  source: legation-sample\n"
        "- instrument: exercise\n  actor: France\n  partner: India\n  start: 2015-02-30\n"
        "  source: legation-sample\n"
    )
    before = _snapshot(seeded)
    with pytest.raises(InputError) as err:
        import_file(seeded, write("bad.yaml", text))
    (problem,) = err.value.problems
    assert (problem.row, problem.field, problem.value) == (7, "start", "2015-02-30")
    assert _snapshot(seeded) == before


def test_yaml_source_with_a_bad_engagement_registers_nothing(seeded, write):
    text = (
        "sources:\n- id: my-notes\n  name: My notes\n  version: '1'\n  citation: Me (2025)\n"
        "engagements:\n- instrument: exercise\n  actor: Narnia\n  partner: India\n  start: 2015\n"
        "  source: my-notes\n"
    )
    before = _snapshot(seeded)
    with pytest.raises(InputError, match="Narnia"):
        import_file(seeded, write("src.yaml", text))
    assert _snapshot(seeded) == before


def test_id_owned_by_another_source_is_refused(seeded, write):
    text = (
        "sources:\n- id: my-notes\n  name: My notes\n  version: '1'\n  citation: Me (2025)\n"
        "engagements:\n- id: x1\n  instrument: exercise\n  actor: France\n  partner: India\n"
        "  start: 2015\n  source: my-notes\n"
    )
    import_file(seeded, write("mine.yaml", text))
    before = _snapshot(seeded)
    path = write("theirs.csv", "id," + HEADER + "x1," + GOOD)
    with pytest.raises(InputError) as err:
        import_file(seeded, path)
    (problem,) = err.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "id", "x1")
    assert "my-notes" in problem.message
    assert _snapshot(seeded) == before


def test_bad_source_entry_is_named_once(seeded, write):
    text = (
        "sources:\n- id: my-notes\n  name: My notes\n"
        "engagements:\n- instrument: exercise\n  actor: France\n  partner: India\n  start: 2015\n"
        "  source: my-notes\n"
    )
    with pytest.raises(InputError) as err:
        import_file(seeded, write("src.yaml", text))
    assert {(p.row, p.field) for p in err.value.problems} == {(2, "version"), (2, "citation")}
