"""Panel slices: a state-year or dyad-year frame with channels added, for one state or all."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, Query

from legation.api.common import Access, Limit, Offset, Page, Year, page, state_code, years_param
from legation.api.problems import Problem
from legation.panel import VERBS, PanelError, dyad_years, state_years
from legation.panel.verbs import verbs_named

router = APIRouter(prefix="/api", tags=["panels"])
MAX_SPAN = 30


@router.get("/panel", response_model=Page)
def panel(
    ledger: Access,
    since: Year = 2000,
    until: Year = 2015,
    kind: Annotated[Literal["state", "dyad"], Query(description="state-years or dyad-years")] = "state",
    directed: Annotated[bool, Query(description="dyads (a, b) and (b, a), or once")] = True,
    add: Annotated[str, Query(max_length=300, description="channels, comma-separated, or all")] = "",
    state: Annotated[str | None, Query(max_length=200, description="only rows of this state")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """A slice of a panel, values outside a source's coverage null; ``meta.citations`` lists the
    datasets in it. At most 30 years at a time."""
    years_param(since, until, (since, until))
    if until - since + 1 > MAX_SPAN:
        raise Problem(
            422,
            f"at most {MAX_SPAN} years per request; build larger panels with `legation panel build`",
            slug="invalid-request",
        )
    try:
        verbs = verbs_named(add)
    except PanelError as e:
        raise Problem(422, str(e), slug="invalid-request") from e
    with ledger.read() as led:
        code = state_code(led, state, "state") if state is not None else None
        try:
            if kind == "state":
                p = state_years(led, years=(since, until))
            else:
                p = dyad_years(led, years=(since, until), directed=directed)
        except PanelError as e:
            raise Problem(409, str(e), slug="needs-data") from e
        if code is not None:
            keep = (
                pl.col("ccode") == code
                if kind == "state"
                else (pl.col("ccode1") == code) | (pl.col("ccode2") == code)
            )
            p = replace(p, frame=p.frame.filter(keep))
        for verb in verbs:
            try:
                p = VERBS[verb](p)
            except PanelError as e:
                raise Problem(409, str(e), slug="needs-data") from e
    return page(
        p.frame, limit, offset, kind=kind, directed=p.directed, years=[since, until], citations=p.citations()
    )
