"""Scenario and plan files are read as safely as engagement files: one bounded YAML loader refuses
alias bombs, runaway nesting and keys given twice, with the file and line."""

from __future__ import annotations

import pytest

from legation._yaml import MAX_DEPTH
from legation.errors import InputError
from legation.model import scenario
from legation.model.optimise import plan

BOMB = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
DEEP = "name: x\nnote: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
TWICE = "name: one\nhorizon: 5\nname: two\n"


@pytest.mark.parametrize("parse", [scenario.parse, plan.parse], ids=["scenario", "plan"])
@pytest.mark.parametrize(
    ("text", "said", "line"),
    [(BOMB, "alias", 2), (DEEP, "nested more than", 2), (TWICE, "appears twice (lines 1 and 3)", 3)],
    ids=["alias bomb", "too deep", "key twice"],
)
def test_hostile_yaml_is_refused_with_its_line(parse, text, said, line):
    with pytest.raises(InputError) as e:
        parse(text, "mine.yaml")
    message = str(e.value)
    assert "mine.yaml" in message and said in message
    assert e.value.problems[0].row == line
