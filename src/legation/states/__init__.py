"""States: the COW state system (primary key ``ccode``), GW and ISO3 crosswalks, name resolution."""

from legation.states.resolve import (
    Actor,
    ActorKind,
    Resolver,
    from_gw,
    resolve,
    to_gw,
    to_iso3,
)
from legation.states.system import StateSystem

__all__ = ["Actor", "ActorKind", "Resolver", "StateSystem", "from_gw", "resolve", "to_gw", "to_iso3"]
