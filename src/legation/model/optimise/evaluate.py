"""Out-of-sample scoring: the optimised allocation against two baselines on fresh draws.

The baselines spend the same money each year (the optimised allocation's yearly totals), fixed
commitments first:

- **status quo**: the rest spread like the patron's recorded engagements (`history.status_quo`);
- **proportional**: the rest spread in proportion to priority × propensity, where propensity is the
  expected response ``a[p,i]`` the optimiser itself uses — the rule of thumb "fund where it works,
  weighted by what matters", without the diminishing returns or the risk.

Where a plan chooses at most K partners, each rule funds its own top K (partners with commitments
first). Pairs the plan cannot fund get nothing; an upper bound is respected by clipping (money clipped is
not spent again, which the table shows as lower spending). Every allocation is scored on draws that
the solve never saw (`solve.draw(stream=1)`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from legation.model.optimise import scenarios
from legation.model.optimise.instance import Instance
from legation.model.optimise.response import gains
from legation.model.optimise.solve import InfeasiblePlan, Solution, _active, draw, optimise


@dataclass(frozen=True)
class Score:
    """One allocation scored on fresh draws."""

    name: str
    spend_musd: float
    expected_gain: float
    gain_5: float
    gain_95: float
    cvar_loss: float


def spread(inst: Instance, yearly: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """[P,I,T] commitments plus the rest of each year's ``yearly`` total spread like ``pattern``
    over the pairs the plan can fund, clipped to the upper bounds."""
    p, i, _ = inst.shape
    floor = inst.arr("commitments", 0.0)
    ok = _active(inst).reshape(p, i) & (inst.response.mean > 0)
    share = np.where(ok, np.clip(pattern, 0.0, None), 0.0)
    if inst.choice is not None and inst.choice.max_partners is not None:  # the rule picks as many partners
        committed = floor.sum(axis=(1, 2)) > 0
        order = np.argsort(-(share.sum(axis=1) + committed * 1e12), kind="stable")
        share[order[inst.choice.max_partners :]] = 0.0
    if share.sum() <= 0:
        share = ok.astype(float)
    share = share / share.sum()
    rest = np.clip(yearly - floor.sum(axis=(0, 1)), 0.0, None)
    out = floor + share[:, :, None] * rest[None, None, :]
    pair_max = inst.arr("pair_max", np.inf)
    total = out.sum(axis=2)
    scale = np.where(total > pair_max, pair_max / np.where(total > 0, total, 1.0), 1.0)
    out = out * scale[:, :, None]
    part_max = inst.arr("partner_max", np.inf)
    part = out.sum(axis=(1, 2))
    scale_p = np.where(part > part_max, part_max / np.where(part > 0, part, 1.0), 1.0)
    return np.asarray(out * scale_p[:, None, None])


def score(inst: Instance, name: str, spend: np.ndarray, a: np.ndarray, base: np.ndarray) -> Score:
    stock = np.einsum("pit,it->pi", spend, inst.weights())
    g = gains(a, stock, inst.response.scale, inst.arr("priority", 1.0)) + base
    return Score(
        name,
        float(spend.sum()),
        float(g.mean()),
        float(np.quantile(g, 0.05)),
        float(np.quantile(g, 0.95)),
        scenarios.cvar(-g, inst.cvar_level),
    )


def baselines(sol: Solution, status_quo: np.ndarray | None) -> dict[str, np.ndarray]:
    """The baselines' allocations [P,I,T] with the optimised one's yearly totals (the status quo only
    when the patron has a record)."""
    inst = sol.instance
    yearly = sol.spend.sum(axis=(0, 1))
    out = {}
    if status_quo is not None and status_quo.sum() > 0:
        out["status quo"] = spread(inst, yearly, status_quo)
    out["proportional"] = spread(inst, yearly, inst.arr("priority", 1.0)[:, None] * inst.response.mean)
    return out


def compare(
    sol: Solution, status_quo: np.ndarray | None, fresh: int = 1000, *, safer: bool = True
) -> pl.DataFrame:
    """``allocation, spend_musd, expected_gain, gain_5, gain_95, cvar_loss`` of the optimised
    allocation and the baselines on ``fresh`` new draws. Where a baseline has the lower CVaR and
    ``safer`` is set, one more row, ``optimised at <baseline>'s CVaR``: the optimum under a CVaR limit
    equal to that baseline's CVaR on the solve's draws (the like-for-like comparison; none when the
    limits make that CVaR unreachable)."""
    inst = sol.instance
    d = draw(inst, _active(inst), stream=1, n=fresh)
    rows = [score(inst, "optimised", sol.spend, d.a, d.base)]
    base = baselines(sol, status_quo)
    rows += [score(inst, name, spend, d.a, d.base) for name, spend in base.items()]
    if safer:
        safest = min(rows[1:], key=lambda r: r.cvar_loss)
        if safest.cvar_loss < rows[0].cvar_loss:
            own = draw(inst, _active(inst), stream=0)
            limit = score(inst, safest.name, base[safest.name], own.a, own.base).cvar_loss
            alt = None
            if limit < sol.cvar:  # else the optimum is already the safer on the solve's draws
                try:
                    alt = optimise(replace(inst, cvar_max=limit))
                except InfeasiblePlan:
                    alt = None
            if alt is not None:
                rows.append(score(inst, f"optimised at {safest.name}'s CVaR", alt.spend, d.a, d.base))
    return pl.DataFrame([r.__dict__ for r in rows]).rename({"name": "allocation"})
