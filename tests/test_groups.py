"""Groups and their membership spells."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from legation.groups import Groups, bundled, parse
from legation.states.system import bundled as bundled_states

GROUP_IDS = {
    "P5",
    "NATO",
    "ASEAN",
    "ARF",
    "PfP",
    "CSTO",
    "SCO",
    "FiveEyes",
    "Quad",
    "AUKUS",
    "EU",
    "AU",
    "UN",
    "GCC",
    "SLD",
}


def test_bundled_groups():
    g = bundled()
    assert {x.id for x in g} == GROUP_IDS
    assert all(x.url.startswith("http") for x in g)


@pytest.mark.parametrize(
    ("group", "when", "n"),
    [
        ("NATO", date(1949, 12, 31), 12),
        ("NATO", date(2018, 12, 31), 29),
        ("NATO", date(2024, 12, 31), 32),
        ("ASEAN", date(2020, 1, 1), 10),
        ("ASEAN", date(2025, 12, 31), 11),
        ("FiveEyes", date(2000, 1, 1), 5),
        ("Quad", date(2020, 1, 1), 4),
        ("SCO", date(2024, 12, 31), 10),
        ("GCC", date(2000, 1, 1), 6),
        ("AUKUS", date(2020, 1, 1), 0),
    ],
)
def test_membership_counts(group, when, n):
    assert len(bundled().get(group).members_on(when)) == n


def test_germany_in_nato_changes_code_at_reunification():
    nato = bundled().get("NATO")
    assert 260 in nato.members_on(date(1980, 1, 1)) and 255 not in nato.members_on(date(1980, 1, 1))
    assert 255 in nato.members_on(date(2000, 1, 1)) and 260 not in nato.members_on(date(2000, 1, 1))


def test_every_member_is_a_shipped_state():
    codes = set(bundled_states().codes())
    assert {m.state for g in bundled() for m in g.members} <= codes


def test_partial_dates_and_order_checks():
    g = parse(
        "groups:\n- id: X\n  name: X\n  kind: forum\n  url: https://x\n"
        "  members:\n  - {state: 2, start: '1995', end: '1996-02'}\n"
    )
    m = g.get("X").members[0]
    assert (m.start, m.end) == (date(1995, 1, 1), date(1996, 2, 29))
    with pytest.raises(ValidationError, match="before it starts"):
        parse(
            "groups:\n- id: X\n  name: X\n  kind: forum\n  url: https://x\n"
            "  members:\n  - {state: 2, start: 2000-01-01, end: 1999-01-01}\n"
        )


def test_unknown_group():
    with pytest.raises(KeyError, match="NATO"):
        Groups(bundled().items).get("Warsaw Pact")


def test_majors_are_the_p5_today_in_display_order():
    from legation.groups import majors

    assert majors() == (2, 710, 365, 200, 220)
    p5 = bundled().get("P5")
    assert p5.members_on(date(1960, 1, 1)) == [2, 200, 220, 365, 713]  # the ROC held China's seat
    assert p5.members_on(date(1972, 1, 1)) == [2, 200, 220, 365, 710]
