"""Helpers shared by the routes: JSON-safe records, pages, parameters, the ledger from the app."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

import polars as pl
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from legation._parse import integer
from legation.api.access import LedgerAccess
from legation.api.problems import Problem
from legation.errors import UnknownStateError
from legation.ledger.store import Ledger
from legation.years import FIRST_YEAR, LAST_YEAR

MAX_PAGE = 1000
MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR


class Page(BaseModel):
    """One page of rows, with the total and what was asked."""

    items: list[dict[str, Any]] = Field(description="the rows of this page")
    total: int = Field(description="rows matching the filters, over every page")
    limit: int
    offset: int
    meta: dict[str, Any] = Field(default_factory=dict, description="basis, units, sources of the rows")


def access(request: Request) -> LedgerAccess:
    return request.app.state.access


Access = Annotated[LedgerAccess, Depends(access)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"rows per page (at most {MAX_PAGE})")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]
Year = Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)]
OptYear = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts: NaN and infinities become null, dates ISO text."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def page(frame: pl.DataFrame, limit: int, offset: int, **meta: Any) -> Page:
    """A page of an in-memory frame."""
    return Page(
        items=records(frame.slice(offset, limit)), total=frame.height, limit=limit, offset=offset, meta=meta
    )


def state_code(led: Ledger, value: str, param: str) -> int:
    """A COW code from a request parameter: a code ("750") or a name ("India", "USSR")."""
    text = value.strip()
    if (code := integer(text)) is not None:
        if code not in led.resolver().system:
            raise Problem(404, f"{param}: no COW state has code {code}", slug="unknown-state")
        return code
    try:
        actor = led.resolver().resolve(text[:200])
    except UnknownStateError as e:
        raise Problem(404, f"{param}: {e}", slug="unknown-state") from e
    if actor.ccode is None:
        raise Problem(
            404, f"{param}: {text!r} is not a state (it is a {actor.kind.value})", slug="not-a-state"
        )
    return int(actor.ccode)


def years_param(since: int | None, until: int | None, default: tuple[int, int]) -> tuple[int, int]:
    lo, hi = since if since is not None else default[0], until if until is not None else default[1]
    if lo > hi:
        raise Problem(422, f"since={lo} is after until={hi}", slug="invalid-request")
    return lo, hi
