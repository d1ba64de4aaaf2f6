"""Bottom lines up front, written from the numbers only: each sentence states a computed value, its
rank or change, and is left out when the value is missing. No free text is invented."""

from __future__ import annotations

from dataclasses import dataclass

from legation.report.numbers import Standing, ordinal, share, signed, trend, value


@dataclass
class CountryFacts:
    """The numbers a country brief's bottom line may quote (None: not computed or not covered)."""

    name: str
    year: int
    ref: int | None = None
    outward: Standing | None = None
    inward: Standing | None = None
    top_patron: tuple[str, float] | None = None
    """The largest patron and its share of the influence on the state."""
    top_client: tuple[str, float] | None = None
    """The largest client and the share of the client's inward influence that comes from the state."""
    national: Standing | None = None
    gap: Standing | None = None
    arms: tuple[float, str, float, int] | None = None
    """HHI of arms suppliers, the top supplier, its share, the year."""
    aligned: tuple[str, float, int] | None = None
    """The major power the state agrees with most in excess of the average, by how much, the year."""
    exposure: tuple[int, int] | None = None
    """Rivalries of the state's clients it is exposed to, and the number of clients."""


def country(f: CountryFacts) -> list[str]:
    """Three to five sentences about one state (fewer only when the data say nothing more)."""
    out: list[str] = []
    if f.outward is not None and f.ref is not None and f.outward.value == 0:
        out.append(f"In {f.ref}, {f.name} held no outward military-diplomatic influence on the index.")
    elif f.outward is not None and f.ref is not None:
        o = f.outward
        out.append(
            f"In {f.ref}, {f.name} ranked {ordinal(o.rank)} of {o.of} states in outward military-diplomatic "
            f"influence ({value(o.value)} on the index, {trend(o.change, 0.01)})."
        )
    elif f.ref is None:
        out.append(f"The influence index does not cover {f.name} in {f.year}.")
    if f.top_patron is not None and f.inward is not None:
        p, s = f.top_patron
        out.append(
            f"Its largest patron was {p}, with {share(s)} of the influence on it; by the influence it "
            f"receives it ranked {ordinal(f.inward.rank)} of {f.inward.of}."
        )
    if f.national is not None and f.gap is not None:
        word = "more" if f.gap.value > 0 else "less"
        out.append(
            f"Its defence-network score was {f.national.value:.0f} of 100 "
            f"({ordinal(f.national.rank)}), and its Power Gap of {signed(f.gap.value)} means it wields "
            f"{word} influence than its material capabilities predict."
        )
    if f.arms is not None:
        hhi, top, s, y = f.arms
        level = "highly concentrated" if hhi >= 0.5 else "concentrated" if hhi >= 0.25 else "diversified"
        out.append(
            f"Its arms imports were {level} in {y}: {top} supplied {share(s)} of its arms-import stock."
        )
    if f.aligned is not None and len(out) < 5:
        m, e, y = f.aligned
        out.append(
            f"At the UN General Assembly in {y} it agreed most with {m}, net of each power's popularity "
            f"(excess agreement {signed(e)})."
        )
    return out[:5]


@dataclass
class DyadFacts:
    """The numbers a dyad brief's bottom line may quote."""

    patron: str
    target: str
    ref: int | None = None
    influence: float | None = None
    rank: tuple[int, int] | None = None
    """The patron's rank among the target's patrons, and their number."""
    share: float | None = None
    change: float | None = None
    back: float | None = None
    """The target's influence on the patron."""
    strongest: tuple[str, float] | None = None
    """The channel with the largest score and its dependence."""
    rival: tuple[str, float] | None = None
    """The target's largest other patron and its share."""
    agreement: tuple[float, float | None, int] | None = None
    """Three-category UN agreement, its change over five years, the year."""
    engagements: int = 0


def dyad(f: DyadFacts) -> list[str]:
    """Three to five sentences about one relationship."""
    out: list[str] = []
    if f.ref is None or f.influence is None:
        out.append(f"The influence index records no influence of {f.patron} on {f.target}.")
    else:
        rank = f" ({ordinal(f.rank[0])} of its {f.rank[1]} patrons)" if f.rank else ""
        out.append(
            f"In {f.ref}, {f.patron}'s influence on {f.target} was {f.influence:.3f}{rank}, "
            f"{share(f.share or 0)} of all influence on it, {trend(f.change, 0.005, 3)}."
        )
    if f.strongest is not None:
        c, d = f.strongest
        out.append(f"Its strongest channel was {c}, where {f.target} relies on {f.patron} for {share(d)}.")
    if f.rival is not None:
        r, s = f.rival
        out.append(f"{f.target}'s largest other patron was {r}, with {share(s)} of the influence on it.")
    if f.back is not None and f.back > 0:
        out.append(f"{f.target}'s influence on {f.patron} in return was {f.back:.3f}.")
    if f.agreement is not None and len(out) < 5:
        a, ch, y = f.agreement
        change = f", {trend(ch, 0.02)}" if ch is not None else ""
        out.append(f"They agreed on {share(a)} of UN General Assembly roll calls in {y}{change}.")
    if len(out) < 3 and f.engagements:
        out.append(f"The ledger records {f.engagements:,} engagements between them.")
    return out[:5]
