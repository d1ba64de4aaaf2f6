"""Integers in user text: only ASCII digits count, whatever str.isdigit says."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legation._parse import integer


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_every_integer_round_trips(n):
    assert integer(str(n)) == n


@given(st.text())
def test_any_text_is_an_integer_or_none_never_an_error(text):
    value = integer(text)
    if value is not None:
        assert text.isascii() and int(text) == value


@pytest.mark.parametrize("text", ["²", "١٢", "٣", "--5", "-", "", " 5", "5 ", "+5", "1_000", "5.0"])
def test_what_is_not_an_ascii_integer(text):
    assert integer(text) is None
