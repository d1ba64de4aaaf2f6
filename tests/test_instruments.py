"""The instrument vocabulary: 14 documented channels and their CAMEO codes."""

from __future__ import annotations

import polars as pl
import pytest

from legation import instruments
from legation.instruments import INSTRUMENTS, Unit

EXPECTED = [
    "alliance",
    "dca",
    "attache",
    "dialogue",
    "arms_transfer",
    "military_aid",
    "training",
    "exercise",
    "intelligence",
    "hadr",
    "peacekeeping",
    "basing",
    "covert",
    "cyber",
]


def test_the_fourteen_instruments_in_order():
    assert list(INSTRUMENTS) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_instrument_is_documented(name):
    inst = INSTRUMENTS[name]
    assert inst.definition.endswith(".") and len(inst.definition) > 40
    assert inst.units and all(isinstance(u, Unit) for u in inst.units)
    assert 0 < inst.half_life <= 20
    assert isinstance(inst.directed, bool)


def test_direction_follows_the_channel():
    undirected = {n for n, i in INSTRUMENTS.items() if not i.directed}
    assert undirected == {"alliance", "dca", "exercise", "intelligence", "cyber"}


@pytest.mark.parametrize(
    ("code", "instrument", "polarity", "reversed_"),
    [
        ("062", "dialogue", 1, False),
        ("064", "intelligence", 1, False),
        ("072", "military_aid", 1, False),
        ("073", "hadr", 1, False),
        ("074", "peacekeeping", 1, False),
        ("0861", "peacekeeping", 1, True),
        ("1212", "dialogue", -1, False),
        ("1222", "military_aid", -1, False),
        ("1622", "military_aid", -1, False),
        ("1661", "peacekeeping", -1, True),
    ],
)
def test_cameo_mapping(code, instrument, polarity, reversed_):
    inst, cameo = instruments.from_cameo(code)
    assert (inst.name, cameo.polarity, cameo.reversed) == (instrument, polarity, reversed_)


def test_cameo_codes_are_strings_not_numbers():
    assert instruments.from_cameo("62") is None  # "062" and "62" are different codes
    with pytest.raises(TypeError):
        instruments.from_cameo(62)  # type: ignore[arg-type]


def test_cameo_labels_match_the_codebook(shared_data):
    book = pl.read_parquet(shared_data / "cameo_codebook" / "cameo.parquet")
    labels = dict(book.select("cameo_code", "label").iter_rows())
    for code, (_inst, cameo) in instruments.CAMEO.items():
        assert labels[code] == cameo.label, code


def test_unknown_instrument_lists_the_valid_ones():
    with pytest.raises(KeyError, match="alliance, dca"):
        instruments.get("spying")
