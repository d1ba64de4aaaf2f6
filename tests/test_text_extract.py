"""The extractor on hand-written sentences: each instrument, each hard case, the near misses."""

from __future__ import annotations

import socket
from datetime import date

import pytest

from legation.text.extract import Candidate, Extractor
from legation.text.read import Document

DOC_DATE = date(2017, 3, 15)  # a Wednesday


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def read(ex: Extractor, text: str, when: date | None = DOC_DATE) -> list[Candidate]:
    return list(ex.documents([Document("t.jsonl", text, when)], one_sentence=True))


def side(p: object) -> str | None:
    return getattr(p, "iso3", None) or getattr(p, "group", None)


# sentence, instrument, actor, partner, polarity
CASES = [
    (
        "The United States delivered 12 F-16 fighter jets to Pakistan in 2016.",
        "arms_transfer",
        "USA",
        "PAK",
        1,
    ),
    ("Egypt bought 24 Rafale jets from France.", "arms_transfer", "FRA", "EGY", 1),
    ("The Tatmadaw took delivery of Su-30 fighters from Moscow.", "arms_transfer", "RUS", "MMR", 1),
    ("Washington approved $1.5 billion in military aid to Ukraine.", "military_aid", "USA", "UKR", 1),
    ("The Pentagon suspended military aid to Egypt after the coup.", "military_aid", "USA", "EGY", -1),
    ("The Bundeswehr trained Malian soldiers at Koulikoro.", "training", "DEU", "MLI", 1),
    ("Sri Lankan sailors were trained by the Indian Navy.", "training", "IND", "LKA", 1),
    ("Indian and Japanese navies held a joint exercise in the Bay of Bengal.", "exercise", "IND", "JPN", 1),
    ("Thailand cancelled its annual military exercise with the United States.", "exercise", "THA", "USA", -1),
    ("Russia expelled two British military attachés.", "attache", "GBR", "RUS", -1),
    ("Brazil posted its first defence attaché to Nigeria.", "attache", "BRA", "NGA", 1),
    ("The Chinese defence minister visited Hanoi for talks.", "dialogue", "CHN", "VNM", 1),
    ("China hosted ASEAN defence ministers in Beijing.", "dialogue", "CHN", "ASEAN", 1),
    ("The Indian army chief visited Dhaka for staff talks.", "dialogue", "IND", "BGD", 1),
    ("Nepal deployed 800 peacekeepers to South Sudan.", "peacekeeping", "NPL", "SSD", 1),
    ("Mali ordered the French peacekeepers to leave.", "peacekeeping", "FRA", "MLI", -1),
    ("Poland agreed to host US troops at a new base.", "basing", "USA", "POL", 1),
    ("Japan and Australia signed a reciprocal access agreement.", "dca", "JPN", "AUS", 1),
    ("The CIA covertly armed rebels in Syria.", "covert", "USA", "SYR", 1),
    ("Estonia and NATO launched cyber defence cooperation.", "cyber", "EST", "NATO", 1),
    ("Australia and the US agreed to share intelligence on terrorism.", "intelligence", "AUS", "USA", 1),
    (
        "US Navy ships delivered disaster relief to the Philippines after Typhoon Haiyan.",
        "hadr",
        "USA",
        "PHL",
        1,
    ),
    (
        "The Soviet Union signed a treaty of friendship and cooperation with India in 1971.",
        "alliance",
        "RUS",
        "IND",
        1,
    ),
]


@pytest.mark.parametrize(("text", "instrument", "actor", "partner", "polarity"), CASES)
def test_each_instrument_is_read_with_its_parties(ex, text, instrument, actor, partner, polarity):
    found = read(ex, text)
    assert len(found) == 1, found
    c = found[0]
    assert c.instrument == instrument
    got = (side(c.actor), side(c.partner))
    if c.instrument in ("exercise", "dca", "cyber", "intelligence", "alliance"):
        assert set(got) == {actor, partner}
    else:
        assert got == (actor, partner)
    assert c.polarity == polarity
    assert c.evidence == text


NEAR_MISSES = [
    "The foreign ministers of Brazil and Argentina signed a trade agreement.",
    "The Indian Army held an exercise in Rajasthan.",
    "Russian airstrikes hit rebel positions near Idlib.",
    "A French charity delivered food aid to Haiti after the earthquake.",
    "China and Japan agreed to expand tourism and student exchanges.",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_give_nothing(ex, text):
    assert read(ex, text) == []


def test_historical_names_resolve_on_the_engagement_date(ex):
    assert read(ex, "West Germany bought Leopard tanks in 1975.") == []  # one party: no candidate
    (c,) = read(ex, "In 1975 Germany delivered Leopard tanks to the Netherlands.")
    assert c.actor.ccode == 260 and c.year == 1975
    (c,) = read(ex, "In 2015 Germany delivered Leopard tanks to the Netherlands.")
    assert c.actor.ccode == 255


def test_several_partners_give_one_candidate_each(ex):
    found = read(ex, "The United States held naval exercises with Japan and India in the Indian Ocean.")
    assert {(side(c.actor), side(c.partner)) for c in found} == {("USA", "JPN"), ("USA", "IND")}


def test_groups_stay_groups(ex):
    (c,) = read(ex, "Sweden joined NATO exercises in the Baltic.")
    assert c.partner.kind == "group" and c.partner.group == "NATO"


def test_relative_dates_resolve_against_the_document_date(ex):
    (c,) = read(ex, "Egypt bought Rafale jets from France last year.")
    assert (c.start, c.year_stated) == ("2016", True)
    (c,) = read(ex, "Russia expelled two British military attachés on Tuesday.")
    assert c.start == "2017-03-14"
    (c,) = read(ex, "Egypt bought Rafale jets from France.")
    assert (c.start, c.year_stated) == ("2017", False)


def test_magnitudes_in_their_units(ex):
    (c,) = read(ex, "Washington approved $1.5 billion in military aid to Ukraine.")
    assert (c.magnitude, c.unit) == (1.5e9, "usd")
    (c,) = read(ex, "Nepal deployed 800 peacekeepers to South Sudan.")
    assert (c.magnitude, c.unit) == (800, "personnel")
    (c,) = read(ex, "The Tatmadaw took delivery of six Su-30 fighters from Moscow.")
    assert c.magnitude is None  # "Su-30" is a model, not a count


def test_no_network_at_run_time(ex, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the extractor tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = Extractor()  # loading the pipeline must not reach out either
    found = list(fresh.documents([Document("t.txt", " ".join(c[0] for c in CASES), DOC_DATE)]))
    assert len(found) >= len(CASES) - 2


# sentence, expected (actor, partner) pairs, in any order
HARD = [
    ("The Pentagon sent a cyber team to Kyiv.", {("USA", "UKR")}),
    ("The PLA Navy and the Bundeswehr held joint drills.", {("CHN", "DEU")}),
    ("The Tatmadaw bought Yak-130 trainer jets from Moscow.", {("RUS", "MMR")}),
    ("The Indian Navy delivered relief supplies to Colombo after the cyclone.", {("IND", "LKA")}),
    (
        "Australian and New Zealand troops trained Iraqi soldiers at Camp Taji.",
        {("AUS", "IRQ"), ("NZL", "IRQ")},
    ),
    ("The United States and Britain shared intelligence with Ukraine.", {("USA", "UKR"), ("GBR", "UKR")}),
    (
        "China, Russia and Iran held a joint naval drill in the Gulf of Oman.",
        {("CHN", "RUS"), ("CHN", "IRN")},
    ),
    ("US Defense Secretary met the Chinese Defence Minister in Singapore.", {("USA", "CHN")}),
    ("Ukraine received F-16 fighters from Denmark and the Netherlands.", {("DNK", "UKR"), ("NLD", "UKR")}),
    (
        "North Korea shipped artillery shells to Russia, South Korea's defence minister said.",
        {("PRK", "RUS")},
    ),
    ("Finland joined NATO after Turkey's parliament ratified its membership.", {("FIN", "NATO")}),
    ("Islamabad declared the Indian defence advisers persona non grata.", {("IND", "PAK")}),
]


@pytest.mark.parametrize(("text", "expected"), HARD)
def test_hard_cases_resolve_the_right_parties(ex, text, expected):
    got = {(side(c.actor), side(c.partner)) for c in read(ex, text)}
    assert {tuple(sorted(p)) for p in got} == {tuple(sorted(p)) for p in expected}
