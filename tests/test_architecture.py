"""The house rules, checked: only the ledger speaks SQL, the channel registry is the only place a
dataset is tied to a channel (and every verb and measure reads through it), one error family with
one status each in the API, and the CLI and the API answer alike on any ledger."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from api_helpers import sample_ledger
from legation import years
from legation.api import create_app
from legation.cli import app
from legation.errors import InvalidValueError, LegationError, NeedsDataError, PanelError
from legation.ledger import Ledger
from legation.ledger.importers import importers
from legation.ledger.sources import BUNDLED
from legation.measures import influence as inf
from legation.measures import networks as nw
from legation.measures import profiles, risk
from legation.measures.alignment import dyad_alignment
from legation.panel import VERBS, dyad_years, state_years
from legation.panel import channels as reg

SRC = Path(__file__).resolve().parents[1] / "src" / "legation"
TABLES = "engagements|dyad_attributes|state_attributes|votes|roll_calls|sources"
SQL = re.compile(r"\.query\(|\.con\b|\.execute(many)?\(\s*(f?[\"']|sql\b)|FROM (" + TABLES + ")")
runner = CliRunner()


def _modules_above_the_ledger() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "ledger" not in p.relative_to(SRC).parts]


def test_only_the_ledger_speaks_sql():
    found = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in _modules_above_the_ledger()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line) or re.match(r"\s*(import duckdb|from duckdb)", line)
    ]
    assert found == []


def _string_constants(path: Path) -> set[str]:
    """Every string literal of a module except docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    }


def test_source_ids_are_named_only_in_the_channel_registry():
    ids = {imp.source.id for imp in importers()} | {s.id for s in BUNDLED}
    registry = SRC / "panel" / "channels.py"
    assert {s for ch in reg.CHANNELS.values() for s in ch.sources} <= ids
    # a channel or verb may share its name with a dataset (rivalries, atop): those words are names
    ids -= set(reg.CHANNELS) | {v.removeprefix("add_") for v in VERBS}
    named = {
        str(p.relative_to(SRC)): sorted(_string_constants(p) & ids)
        for p in _modules_above_the_ledger()
        if p != registry
    }
    assert {k: v for k, v in named.items() if v} == {}


def _nowhere(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, ch in reg.CHANNELS.items():
        monkeypatch.setitem(reg.CHANNELS, name, replace(ch, sources=(f"nowhere-{name}",)))


@pytest.mark.parametrize("verb", list(VERBS))
def test_every_verb_reads_its_source_from_the_registry(verb, ledger, monkeypatch):
    _nowhere(monkeypatch)
    with pytest.warns(UserWarning, match="bundled subset"):
        p = dyad_years(ledger, years=(2000, 2001))
    with pytest.raises(PanelError, match="nowhere-"):
        getattr(p, verb)()
    if verb in ("add_nmc", "add_milex", "add_majors", "add_igos", "add_peacekeeping"):
        with pytest.warns(UserWarning, match="bundled subset"):
            s = state_years(ledger, years=(2000, 2001))
        with pytest.raises(PanelError, match="nowhere-"):
            getattr(s, verb)()


@pytest.fixture
def sample(tmp_path) -> Ledger:
    with Ledger(sample_ledger(tmp_path / "s.duckdb")) as led:
        yield led


def _point(monkeypatch: pytest.MonkeyPatch, name: str, source: str) -> None:
    monkeypatch.setitem(reg.CHANNELS, name, replace(reg.CHANNELS[name], sources=(source,)))


def test_every_measure_reads_its_channels_from_the_registry(sample, monkeypatch):
    """Pointing the registry's arms and exercise channels at the curated sample makes every measure
    see the sample's arms transfers and exercises, which no research dataset holds."""
    span = (2005, 2015)
    assert reg.basis(sample) == "ledger"
    assert inf.channel_scores(sample, span, ["arms", "exercise"]).height == 0
    for name in ("arms", "exercise"):
        _point(monkeypatch, name, "legation-sample")
    assert reg.basis(sample) == "research"
    scores = inf.channel_scores(sample, span, ["arms", "exercise"])
    assert set(scores["channel"]) == {"arms", "exercise"}
    assert nw.channel_edges(sample, "arms", span).height > 0
    assert nw.channel_edges(sample, "exercise", span).height > 0
    with pytest.warns(UserWarning, match="bundled subset"):
        assert risk.arms_dependency(sample, span)["arms_import_stock"].drop_nulls().sum() > 0
    with pytest.warns(UserWarning, match="bundled subset"):
        arms = dyad_years(sample, years=span).add_arms().frame
    assert arms["arms_tiv"].sum() > 0
    _point(monkeypatch, "unga", "nowhere-votes")
    with pytest.raises(NeedsDataError, match="nowhere-votes"):
        dyad_alignment(sample, years=span)


def test_every_error_is_a_legation_error():
    from legation import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert all(issubclass(c, LegationError) for c in classes)
    assert issubclass(nw.NetworkError, LegationError) and issubclass(risk.RiskError, LegationError)


# faces: the same answer on any ledger ---------------------------------------------------------------


@pytest.fixture
def empty(tmp_path) -> Path:
    path = tmp_path / "empty.duckdb"
    Ledger(path).close()
    return path


@pytest.mark.parametrize(
    "route", ["/api/influence", "/api/influence/outward", "/api/influence/contest?target=PHL", "/api/scores"]
)
def test_measures_on_an_empty_ledger_are_409_not_500(empty, route):
    with TestClient(create_app(empty, token="t", warm=False)) as c:
        r = c.get(route)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "import" in r.json()["detail"]


def test_unknown_network_channel_is_404(empty):
    with TestClient(create_app(empty, token="t", warm=False)) as c:
        r = c.get("/api/network", params={"year": 2010, "channel": "bogus"})
    assert r.status_code == 404 and r.json()["type"] == "/problems/no-such-channel"


@pytest.mark.parametrize("args", [["influence", "--target", "PHL"], ["scores"], ["network"]])
def test_cli_measures_on_an_empty_ledger_fail_clearly(empty, args):
    result = runner.invoke(app, [*args, "--db", str(empty)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "import" in result.output


def test_cli_influence_and_network_match_the_api_on_the_sample(tmp_path):
    db = sample_ledger(tmp_path / "s.duckdb")
    with TestClient(create_app(db, token="t", warm=False)) as c:
        api = c.get("/api/influence/contest", params={"target": "PHL", "patrons": "2,710"}).json()["items"]
        net = c.get("/api/network", params={"year": 2015, "channel": "exercise"}).json()
    out = tmp_path / "phl.parquet"
    args = ["influence", "--target", "PHL", "--patrons", "USA,CHN", "--years", "2000–2024"]
    result = runner.invoke(app, [*args, "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    cli = pl.read_parquet(out)
    shares = {(r["patron"], r["year"]): r["influence"] for r in api if r["influence"]}
    mine = {
        (r["patron"], r["year"]): r["influence"] for r in cli.iter_rows(named=True) if r["patron"] in (2, 710)
    }
    assert shares and shares == pytest.approx({k: mine[k] for k in shares})
    result = runner.invoke(app, ["network", "--year", "2015", "--channel", "exercise", "--db", str(db)])
    assert result.exit_code == 0, result.output
    top = max(net["nodes"], key=lambda n: n["strength"])
    assert top["name"].split()[0] in result.output
    assert profiles.network(Ledger(db, read_only=True), "exercise", 2015)["directed"] is False


# years ---------------------------------------------------------------------------------------------------


@given(st.integers(years.FIRST_YEAR, years.LAST_YEAR), st.integers(years.FIRST_YEAR, years.LAST_YEAR))
def test_year_spans_parse_as_they_print(a, b):
    lo, hi = min(a, b), max(a, b)
    for sep in ("-", "–", " - "):
        assert years.span(f"{lo}{sep}{hi}") == (lo, hi)
    if lo < hi:
        with pytest.raises(InvalidValueError, match="after the last"):
            years.span(f"{hi}-{lo}")


@pytest.mark.parametrize("text", ["1990-20015", "1815-1900", "2000-2101", "199O-2000", "²⁰⁰⁰", "", "1990-"])
def test_bad_year_spans_are_refused(text):
    with pytest.raises(InvalidValueError):
        years.span(text)


def test_cli_refuses_a_huge_span_before_doing_any_work(empty):
    result = runner.invoke(app, ["influence", "--target", "PHL", "--years", "1990-20015", "--db", str(empty)])
    assert result.exit_code == 2 and "1990-20015" in result.output


@pytest.mark.slow
def test_cli_influence_matches_the_api_on_the_real_data(full_ledger_path, tmp_path):
    with TestClient(create_app(full_ledger_path, token="t", warm=False)) as c:
        api = c.get("/api/influence/contest", params={"target": "PHL", "patrons": "2,710,365"}).json()
        net = c.get("/api/network", params={"year": 2010, "channel": "alliance"}).json()
    assert api["meta"]["basis"] == "research"
    assert net["directed"] is False  # an alliance joins both allies, whoever holds the obligation
    out = tmp_path / "phl.parquet"
    args = ["influence", "--target", "PHL", "--years", "1995-2010", "--out", str(out)]
    result = runner.invoke(app, [*args, "--db", str(full_ledger_path)])
    assert result.exit_code == 0, result.output
    mine = {(r["patron"], r["year"]): r["influence"] for r in pl.read_parquet(out).iter_rows(named=True)}
    theirs = {(r["patron"], r["year"]): r["influence"] for r in api["items"] if 1995 <= r["year"] <= 2010}
    assert len(theirs) == 48
    assert {k: v for k, v in theirs.items() if v} == pytest.approx({k: mine[k] for k in theirs if theirs[k]})
    result = runner.invoke(app, ["network", "--year", "2010", "-f", "csv", "--db", str(full_ledger_path)])
    assert result.exit_code == 0, result.output
    first = pl.read_csv(io.StringIO(result.stdout)).row(0, named=True)
    top = max(net["nodes"], key=lambda n: (n["strength"], -n["ccode"]))
    assert (first["rank"], first["ccode"]) == (1, top["ccode"])  # the most central state comes first


@pytest.mark.slow
def test_deleting_a_dataset_import_removes_everything_it_wrote(shared_data, tmp_path):
    from legation.ledger import imports_log, schema
    from legation.ledger.importers import import_dir

    def digests(led: Ledger) -> dict[str, str]:
        return {t: led.digest(t) for t in schema.TABLES if t != "imports"}

    with Ledger(tmp_path / "l.duckdb") as led:
        before = digests(led)
        import_dir(led, shared_data, only=["atop", "unvotes-voeten"])
        grown = digests(led)
        changed = {t for t in grown if grown[t] != before[t]}
        assert {"engagements", "groups", "memberships", "roll_calls", "votes", "sources"} <= changed
        log = imports_log.imports(led)
        for import_id in log["id"].to_list():
            imports_log.delete_import(led, import_id)
        assert digests(led) == before  # every table's content, not only its row count
        assert imports_log.imports(led).height == 0
        with pytest.raises(LegationError, match="no import"):
            imports_log.delete_import(led, log["id"][0])


# the house's floors, lowest first: a package may import its own floor and the floors below it
FLOORS: dict[str, int] = {
    "errors": 0,
    "years": 0,
    "_parse": 0,
    "_yaml": 0,
    "states": 0,
    "instruments": 0,
    "groups": 0,
    "data": 0,
    "ledger": 1,
    "text": 2,  # extraction feeds the ledger, and nothing below reads it
    "panel": 2,
    "measures": 3,
    "model": 4,
    "quick": 4,  # the one-liners read panels and measures
    "report": 5,
    "plots": 5,  # figures of the frames the lower floors return
    "api": 6,
    "web": 6,
    "cli": 7,  # the command line starts the server
}


def _floor(module: str) -> tuple[str, int] | None:
    parts = module.split(".")
    if parts[0] != "legation" or len(parts) < 2:
        return None
    return parts[1], FLOORS[parts[1]]


def test_lower_floors_never_import_higher_ones():
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if len(rel.parts) == 1 and rel.stem in {"__init__", "__main__"}:
            continue  # the package's front door may name every floor
        here, floor = rel.parts[0].removesuffix(".py"), FLOORS[rel.parts[0].removesuffix(".py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            for name in names:
                target = _floor(name)
                if target and target[0] != here and (target[1] > floor or (target[1] == floor and floor > 0)):
                    found.append(f"{rel}: imports {name}")
    assert found == []
