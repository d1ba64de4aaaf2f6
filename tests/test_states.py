"""State resolution: codes, historical names, dates; crosswalks checked against real data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from legation.errors import UnknownStateError
from legation.ledger.importers import systems
from legation.states import ActorKind, Resolver, codes, from_gw, resolve, to_gw, to_iso3
from legation.states.system import bundled


@pytest.mark.parametrize(
    ("name", "when", "ccode"),
    [
        ("United States", None, 2),
        ("USSR", date(1970, 1, 1), 365),
        ("Soviet Union", date(1985, 1, 1), 365),
        ("Russian Federation", date(2000, 1, 1), 365),
        ("West Germany", date(1970, 1, 1), 260),
        ("Federal Republic of Germany", date(1980, 6, 1), 260),
        ("Federal Republic of Germany", date(2000, 6, 1), 255),
        ("Germany", date(1970, 1, 1), 260),
        ("Germany", date(1990, 10, 2), 260),
        ("Germany", date(1990, 10, 3), 255),
        ("Germany", date(1930, 1, 1), 255),
        ("East Germany", date(1970, 1, 1), 265),
        ("Yugoslavia", date(1980, 1, 1), 345),
        ("Serbia", date(2010, 1, 1), 345),
        ("Serbia and Montenegro", date(2004, 1, 1), 345),
        ("Czechoslovakia", date(1980, 1, 1), 315),
        ("Czech Republic", date(2000, 1, 1), 316),
        ("North Vietnam", date(1970, 1, 1), 816),
        ("South Vietnam", date(1970, 1, 1), 817),
        ("Vietnam", date(2000, 1, 1), 816),
        ("Yemen", date(1980, 1, 1), 678),
        ("Yemen", date(2000, 1, 1), 679),
        ("Yemen Arab Republic", date(1980, 1, 1), 678),
        ("South Yemen", date(1980, 1, 1), 680),
        ("Korea, South", None, 732),
        ("Republic of Korea", None, 732),
        ("North Korea", None, 731),
        ("Côte d'Ivoire", None, 437),
        ("Cote d'Ivoire", None, 437),
        ("Ivory Coast", None, 437),
        ("Burma", None, 775),
        ("Democratic Republic of the Congo", None, 490),
        ("Zaire", None, 490),
        ("AUS", None, 900),  # bare upper-case codes are ISO3 first
        ("cow:AUS", None, 305),  # … and COW abbreviations when asked
        ("GFR", date(1970, 1, 1), 260),  # not an ISO3 code, so a COW abbreviation
        ("iso3:DEU", date(2000, 1, 1), 255),
        ("gw:260", date(1995, 1, 1), 255),
        ("gw:260", date(1980, 1, 1), 260),
        ("gw:678", date(1995, 1, 1), 679),
        ("710", None, 710),
        (2, None, 2),
    ],
)
def test_resolve_names_and_codes(name, when, ccode):
    actor = resolve(name, when)
    assert actor.kind is ActorKind.STATE
    assert actor.ccode == ccode


def test_groups_are_actors_of_their_own_kind():
    nato = resolve("NATO")
    assert (nato.kind, nato.name, nato.ccode) == (ActorKind.GROUP, "NATO", None)
    assert resolve("north atlantic treaty organization").name == "NATO"
    with pytest.raises(UnknownStateError, match="group, not a state"):
        resolve("NATO", kind="state")


def test_non_state_actors_are_kept_verbatim():
    a = resolve("Free Syrian Army", kind="nonstate")
    assert (a.kind, a.name, a.ccode) == (ActorKind.NONSTATE, "Free Syrian Army", None)


def test_unknown_names_raise_with_closest_matches():
    with pytest.raises(UnknownStateError) as e:
        resolve("Untied States")
    assert "United States" in e.value.suggestions
    assert "Untied States" in str(e.value)


def test_no_german_state_under_occupation():
    with pytest.raises(UnknownStateError, match="1945-05-09"):
        resolve("Germany", date(1950, 1, 1))


def test_a_state_must_exist_on_the_date():
    with pytest.raises(UnknownStateError, match="not a member"):
        resolve("Lithuania", date(1950, 1, 1))
    assert resolve("Lithuania", date(1995, 1, 1)).ccode == 368


def test_territories_are_not_states():
    with pytest.raises(UnknownStateError, match="nonstate"):
        resolve("Greenland")


@pytest.mark.parametrize(
    ("ccode", "when", "gw"),
    [
        (255, date(2000, 1, 1), 260),
        (255, date(1930, 1, 1), 255),
        (260, date(1970, 1, 1), 260),
        (679, date(2000, 1, 1), 678),
        (345, date(2010, 1, 1), 340),
        (345, date(1990, 1, 1), 345),
        (816, None, 816),
        (2, None, 2),
        (365, None, 365),
    ],
)
def test_cow_to_gw(ccode, when, gw):
    assert to_gw(ccode, when) == gw


def test_iso3():
    # 345 is Yugoslavia and, continuing it in COW, Serbia: SRB, as 365 (the USSR, Russia) is RUS
    assert (to_iso3(2), to_iso3(255), to_iso3(900), to_iso3(345), to_iso3(365)) == (
        "USA",
        "DEU",
        "AUS",
        "SRB",
        "RUS",
    )
    assert to_iso3(817) is None  # South Vietnam: gone before it had an ISO code


def test_iso3_round_trips_through_cow():
    for iso3, row in codes.by_iso3().items():
        if row.cown is not None:
            assert to_iso3(row.cown) == iso3, iso3


def test_gw_crosswalk_agrees_with_peacesciencer(shared_data):
    """Year-by-year COW→GW pairs of peacesciencer's crosswalk, 1816–2020.

    Checked on 1 July of each year; the only disagreements left are the transition years
    (1945, 1990), which peacesciencer assigns by whole year.
    """
    cw = pl.read_parquet(shared_data / "peacesciencer" / "cow_gw_years.parquet").drop_nulls(
        ["ccode", "gwcode"]
    )
    pairs = cw.select(pl.col("ccode", "gwcode", "year").cast(pl.Int64)).unique()
    wrong = [(c, g, y) for c, g, y in pairs.iter_rows() if to_gw(c, date(y, 7, 1)) != g]
    assert len(wrong) <= 3, wrong
    back = [(c, g, y) for c, g, y in pairs.iter_rows() if from_gw(g, date(y, 7, 1)) != c]
    assert len(back) <= 2, back


def test_bundled_spells_agree_with_cow(shared_data):
    """Every shipped spell is a spell of the COW v2016 list (ongoing ones run to 2016)."""
    cow = systems.read_cow(shared_data / "peacesciencer" / "cow_states.parquet")
    ours = bundled().spells
    joined = ours.join(cow, on=["code", "start_date"], how="left", suffix="_cow")
    assert joined["end_date_cow"].null_count() == joined["end_date"].null_count()
    closed = joined.filter(pl.col("end_date").is_not_null())
    assert (closed["end_date"] == closed["end_date_cow"]).all()
    assert (joined["stateabb"] == joined["stateabb_cow"]).all()


def test_import_cow_system_state_years(ledger, shared_data):
    n = systems.import_cow(ledger, shared_data / "cow_raw" / "system2016.csv")
    system = ledger.states("cow")
    assert n == system.spells.height and len(system.codes()) == 217
    assert len(system.members(date(2016, 6, 30))) == 195
    assert system.exists(255, date(2000, 1, 1)) and not system.exists(255, date(1950, 1, 1))
    assert system.exists(260, date(1970, 1, 1)) and not system.exists(260, date(1995, 1, 1))
    assert system.exists(2, date(2024, 1, 1))  # carried forward past 2016
    assert ledger.source("cow-system").coverage_end == 2016
    # a resolver built on the full list knows states the bundled subset does not
    assert ledger.resolver().resolve("Tuvalu", date(2010, 1, 1)).ccode == 947


def test_import_gw_states(ledger, shared_data):
    n = systems.import_gw(ledger, shared_data / "peacesciencer" / "gw_states.parquet")
    gw = ledger.states("gw")
    assert n == 216 and gw.exists(260, date(2000, 1, 1)) and gw.exists(340, date(2010, 1, 1))
    assert not gw.exists(345, date(2010, 1, 1))
    assert ledger.states("cow").spells.height == bundled().spells.height  # COW untouched


def test_gw_official_dat_format(write):
    path = write(
        "iisystem.dat",
        "2\tUSA\tUnited States of America\t01:01:1816\t31:12:2017\n"
        "260\tGFR\tGerman Federal Republic\t21:09:1949\t31:12:2017\n"
        "265\tGDR\tGerman Democratic Republic\t07:10:1949\t03:10:1990\n",
    )
    spells = systems.read_gw(path)
    assert spells.filter(pl.col("code") == 265)["end_date"].to_list() == [date(1990, 10, 3)]
    assert spells.filter(pl.col("code") == 260)["end_date"].to_list() == [None]


def test_resolver_cache_is_per_resolver():
    r = Resolver()
    assert r.lookup("Russia") is r.lookup("Russia")


@pytest.mark.parametrize("text", ["²", "cow:²", "gw:²", "--2"])
def test_odd_digits_are_unknown_names_not_crashes(text):
    with pytest.raises(UnknownStateError):
        resolve(text, date(2000, 1, 1))
