"""Fuzzing the engagement importers (issue 12): CSV, YAML and Parquet bytes, valid and structurally
damaged (cut, spliced, bytes flipped, line endings changed, odd types), must import or raise one of
legation's own errors, and a refused file must leave the ledger as it was.

80 cases per format on every run; a campaign sets ``LEGATION_FUZZ_EXAMPLES`` (e.g. 5000)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legation.errors import LegationError
from legation.ledger import Ledger, import_file

FUZZ = settings(
    max_examples=int(os.environ.get("LEGATION_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADER = "instrument,actor,partner,start,end,magnitude,unit,polarity,source,note"
ROWS = [
    "exercise,United States,India,2015-10,,1,count,+1,legation-sample,",
    'training,France,Brazil,2001,2003-02,12.5,personnel,-1,legation-sample,"a, b"',
    'visit,China,Pakistan,2019-03-04,,,,,legation-sample,"two\nlines"',
    "arms,Russia,Vietnam,1999,,1500,tiv,1,legation-sample,x",
]
YAML = (
    "sources:\n- {id: fz, name: Fuzz, version: '1', citation: C, coverage_actors: [2, 750]}\n"
    "engagements:\n"
    "- instrument: exercise\n  actor: United States\n  partner: India\n  start: '2015-10'\n  source: fz\n"
    "- {instrument: training, actor: France, partner: Brazil, start: 2001, end: 2003-02, magnitude: 12.5,"
    " unit: personnel, polarity: -1, source: legation-sample, note: 'a: b'}\n"
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "2015",
            "2015-02-30",
            "9999",
            "-0.0",
            "1_000",
            "١٥",
            "nan",
            "inf",
            "France",
            "Narnia",
            "_line",
            "\r",
        ]
    ),
    st.text(max_size=8),
)


@pytest.fixture(scope="module")
def fuzz_ledger() -> Iterator[Ledger]:
    with tempfile.TemporaryDirectory() as d, Ledger(Path(d) / "fuzz.duckdb") as led:
        yield led


@pytest.fixture(scope="module")
def fuzz_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _state(led: Ledger) -> tuple:
    return (
        led.count(),
        led.count("imports"),
        led.query("SELECT sum(hash(id)) FROM engagements").item(),
        led.sources().sort("id").rows(),
    )


def _check(led: Ledger, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    before = _state(led)
    try:
        import_file(led, path)
    except LegationError:
        assert _state(led) == before
    finally:
        path.unlink()


@st.composite
def damaged(draw: st.DrawFn, text: str) -> bytes:
    data = text.encode()
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["cut", "splice", "flip", "cr", "crlf", "drop"]))
        if not data:
            break
        at = draw(st.integers(0, len(data)))
        if how == "cut":
            data = data[:at]
        elif how == "splice":
            data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
        elif how == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif how == "cr":
            data = data.replace(b"\n", b"\r")
        elif how == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif how == "drop":
            data = data[:at] + data[at + draw(st.integers(1, 20)) :]
    return data


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.sampled_from(ROWS), min_size=0, max_size=4))
    cells = [r.split(",") for r in rows]
    for row in cells:
        if draw(st.booleans()):
            row[draw(st.integers(0, len(row) - 1))] = draw(CELLS)
    return HEADER + "\n" + "".join(",".join(c) + "\n" for c in cells)


@FUZZ
@given(data=csv_text().flatmap(damaged))
def test_fuzz_csv(fuzz_ledger, fuzz_dir, data):
    _check(fuzz_ledger, fuzz_dir / "f.csv", data)


@FUZZ
@given(data=damaged(YAML))
def test_fuzz_yaml(fuzz_ledger, fuzz_dir, data):
    _check(fuzz_ledger, fuzz_dir / "f.yaml", data)


_VALUES = {
    "string": st.sampled_from(["2015", "France", "exercise", "", "legation-sample", "2015-13"]),
    "int": st.integers(-(2**40), 2**40),
    "float": st.floats(allow_nan=True, allow_infinity=True),
    "date": st.dates(),
    "bool": st.booleans(),
}
_TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "bool": pa.bool_(),
}


@st.composite
def parquet_bytes(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(1, 3))
    base = {
        "instrument": ["exercise"] * n,
        "actor": ["United States"] * n,
        "partner": ["India"] * n,
        "start": ["2015"] * n,
        "source": ["legation-sample"] * n,
    }
    cols: dict[str, pa.Array] = {k: pa.array(v) for k, v in base.items()}
    for name in draw(
        st.lists(st.sampled_from([*base, "magnitude", "end", "unit", "note", "_line", "x"]), max_size=3)
    ):
        kind = draw(st.sampled_from([*_VALUES, "list", "binary", "duration"]))
        if kind == "list":
            cols[name] = pa.array([[1]] * n)
        elif kind == "binary":
            cols[name] = pa.array([b"\xff"] * n, pa.binary())
        elif kind == "duration":
            cols[name] = pa.array([1] * n, pa.duration("s"))
        else:
            cols[name] = pa.array(draw(st.lists(_VALUES[kind], min_size=n, max_size=n)), _TYPES[kind])
    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    data = buf.getvalue()
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :] if draw(st.booleans()) else data[:at]
    return data


@FUZZ
@given(data=parquet_bytes())
def test_fuzz_parquet(fuzz_ledger, fuzz_dir, data):
    _check(fuzz_ledger, fuzz_dir / "f.parquet", data)
