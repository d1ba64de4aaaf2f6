"""Static code lists (COW, GW, ISO3, names, name regexes) from the maintained `countrycode` package.

Only what no package provides lives in this project: the year-aware rules in `history.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One entry of the crosswalk: a country with its codes (any may be missing)."""

    name: str
    cown: int | None
    cowc: str | None
    gwn: int | None
    iso3c: str | None
    regex: re.Pattern[str] | None


COW_FILLS: dict[str, int] = {"SRB": 345}
"""COW codes countrycode leaves empty, by ISO3: COW codes Serbia as 345, continuing Yugoslavia."""


@cache
def rows() -> tuple[CodeRow, ...]:
    """Every country of countrycode's code list (imported here: it loads pandas, which panels
    and the importer do not otherwise need)."""
    from countrycode.countrycode import prepare_codelist

    d = prepare_codelist()
    out = []
    for name, cown, cowc, gwn, iso3, rx in zip(
        d["country.name.en"],
        d["cown"],
        d["cowc"],
        d["gwn"],
        d["iso3c"],
        d["country.name.en.regex"],
        strict=True,
    ):
        out.append(
            CodeRow(
                name=name,
                cown=int(cown) if cown is not None else COW_FILLS.get(iso3),
                cowc=cowc,
                gwn=int(gwn) if gwn is not None else None,
                iso3c=iso3,
                regex=re.compile(rx, re.IGNORECASE) if rx else None,
            )
        )
    return tuple(out)


@cache
def by_cown() -> dict[int, CodeRow]:
    return {r.cown: r for r in rows() if r.cown is not None}


@cache
def iso3_by_cown() -> dict[int, str]:
    """COW code → ISO3. Where two rows share a COW code (Serbia and Yugoslavia, both 345) the one
    with an ISO3 code wins: the continuing state's, as 365 gives RUS."""
    return {r.cown: r.iso3c for r in rows() if r.cown is not None and r.iso3c}


@cache
def by_cowc() -> dict[str, CodeRow]:
    return {r.cowc: r for r in rows() if r.cowc}


@cache
def by_iso3() -> dict[str, CodeRow]:
    return {r.iso3c: r for r in rows() if r.iso3c}


@cache
def by_gwn() -> dict[int, CodeRow]:
    return {r.gwn: r for r in rows() if r.gwn is not None}


def match_name(text: str) -> list[CodeRow]:
    """Rows whose English-name regex matches ``text`` (countrycode's matching rule)."""
    return [r for r in rows() if r.regex is not None and r.regex.search(text)]
