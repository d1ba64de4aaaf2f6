"""The allocation solver: maximise the expected gain under budgets, bounds and risk limits (cvxpy).

Decision ``x[j,t] ≥ 0``: US$ million spent on pair j (a partner × instrument that can receive money)
in year t. Its stock at the horizon is ``X_j = Σ_t w[i,t]·x[j,t]`` (each instrument's decay). The
concave gain enters through one hypograph variable per pair, ``z_j ≤ log1p(X_j/k_j)``: as
exponential cones (Clarabel; the default), or as tangent cuts refined at the solution (a linear
programme, HiGHS), which a yes/no choice of partners needs (mixed-integer; the allocation among the
chosen is then solved again with cones). Every scenario's gain is then linear, ``G_s = Σ_j c[s,j]·z_j + b_s``
(c = priority · a ≥ 0, so z sits on its bound at the optimum), and so is its loss ``L_s = −G_s``.

The CVaR of the loss is kept below a limit in one of two ways (docs/optimise.md):

- ``cuts`` (default): CVaR_β(L) is the largest average of L over any (1 − β) share of the draws, so
  the limit holds when it holds for every such tail; the solver adds the tail of the current
  allocation as one linear cut and solves again until no tail of *all* draws exceeds the limit
  (exact, a few rows; Künzi-Bay and Mayer 2006);
- ``reduced``: the Rockafellar–Uryasev form ``η + Σ_r π_r u_r / (1 − β)``, ``u_r ≥ L_r − η``, ``u ≥ 0``
  on k-means-reduced scenarios, whose error the solution reports.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Literal

import cvxpy as cp
import numpy as np
import polars as pl
import scipy.sparse as sp

from legation.errors import InvalidValueError, LegationError
from legation.model.optimise import scenarios
from legation.model.optimise.instance import Instance
from legation.model.optimise.response import gains

Concave = Literal["auto", "pwl", "exp"]
CvarMethod = Literal["cuts", "reduced"]
TANGENTS = 24
"""Tangent cuts per pair in the piecewise-linear form; the error they introduce is reported."""
MAX_ROUNDS = 40
"""Most solves one optimisation makes while it adds CVaR cuts and tangents."""
REFINE_TOL = 1e-4
"""Relative overstatement of the expected gain by the tangents below which a solution is accepted."""
CUT_TOL = 1e-3
"""Relative excess of the exact CVaR over its limit below which a solution is accepted (its exact CVaR
is reported either way)."""


HIGHS_OPTIONS: dict[str, object] = {"output_flag": False}
CLARABEL_OPTIONS: list[dict[str, object]] = [
    {"max_iter": 500},
    {"max_iter": 2000, "tol_gap_abs": 1e-7, "tol_gap_rel": 1e-7, "tol_feas": 1e-7},
]
"""Clarabel's settings, tried in turn: its default 200 iterations ran out on the benchmark's one-year
CVaR problem; a second try allows more and asks less precision."""


class InfeasiblePlan(LegationError, ValueError):
    """No allocation meets every limit of the plan; the message names the limits that clash."""

    def __init__(self, message: str, clashes: list[tuple[str, float]]):
        super().__init__(message)
        self.clashes = clashes


@dataclass(frozen=True)
class Binding:
    """A limit the allocation reaches and its shadow price: the priority-weighted expected gain one
    more unit of the limit would buy (per US$ million of a budget or bound, per unit of CVaR loss or of
    expected disputes)."""

    constraint: str
    limit: float
    used: float
    shadow_price: float


@dataclass
class Solution:
    """An allocation and how good and how risky it is, scored on every draw of the solve."""

    instance: Instance
    spend: np.ndarray
    """[P,I,T] US$ million."""
    expected_gain: float
    interval: tuple[float, float]
    """5 % and 95 % quantiles of the gain over the draws."""
    cvar: float
    """CVaR of the loss (−gain) over every draw."""
    cvar_model: float
    """The CVaR the solver saw (reduced scenarios, tangent cuts); ``cvar − cvar_model`` is their error."""
    concave_error: float
    """Expected gain the tangent cuts promise beyond the exact log1p at the allocation (0 with
    exponential cones)."""
    binding: list[Binding]
    marginal: np.ndarray
    """[P,I] gain from one more US$ million in the last year (net of the opposition penalty)."""
    status: str
    solver: str
    seconds: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)

    @property
    def model_error(self) -> float:
        return self.cvar - self.cvar_model

    def allocation(self) -> pl.DataFrame:
        """``partner, ccode, instrument, year, spend_musd`` for every positive cell."""
        inst = self.instance
        p, i, t = np.nonzero(self.spend > 1e-6)
        return pl.DataFrame(
            {
                "partner": [inst.label(inst.partners[k]) for k in p],
                "ccode": [inst.partners[k] for k in p],
                "instrument": [inst.instruments[k] for k in i],
                "year": [inst.years[k] for k in t],
                "spend_musd": self.spend[p, i, t],
            },
            schema={
                "partner": pl.String,
                "ccode": pl.Int32,
                "instrument": pl.String,
                "year": pl.Int32,
                "spend_musd": pl.Float64,
            },
        )

    def marginal_values(self) -> pl.DataFrame:
        """``partner, ccode, instrument, marginal_gain_per_musd`` for every pair that can get money,
        best first."""
        inst = self.instance
        p, i = np.nonzero(np.isfinite(self.marginal))
        return pl.DataFrame(
            {
                "partner": [inst.label(inst.partners[k]) for k in p],
                "ccode": [inst.partners[k] for k in p],
                "instrument": [inst.instruments[k] for k in i],
                "marginal_gain_per_musd": self.marginal[p, i],
            },
            schema={
                "partner": pl.String,
                "ccode": pl.Int32,
                "instrument": pl.String,
                "marginal_gain_per_musd": pl.Float64,
            },
        ).sort("marginal_gain_per_musd", descending=True)

    def summary(self) -> dict[str, object]:
        """The headline numbers, JSON-ready."""
        return {
            "status": self.status,
            "solver": self.solver,
            "basis": self.instance.response.basis,
            "spend_musd": float(self.spend.sum()),
            "expected_gain": self.expected_gain,
            "gain_5": self.interval[0],
            "gain_95": self.interval[1],
            "cvar_level": self.instance.cvar_level,
            "cvar_loss": self.cvar,
            "cvar_loss_model": self.cvar_model,
            "model_error": self.model_error,
            "concave_error": self.concave_error,
            "binding": [b.__dict__ for b in self.binding],
            "seconds": self.seconds,
            "size": self.size,
        }


@dataclass
class Draws:
    """The scenarios of one solve: every draw (for the cuts and for scoring) and a reduced set."""

    a: np.ndarray
    """[S,P,I] response draws."""
    base: np.ndarray
    """[S] alignment change without spending."""
    coef: np.ndarray
    """[S,J] gain coefficients (priority · a) of the active pairs."""
    reduced: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    """(coefficients [R,J], baselines [R], weights [R]) after k-means, for the reduced method."""


def draw(
    inst: Instance, active: np.ndarray, *, stream: int = 0, n: int | None = None, reduce: bool = False
) -> Draws:
    """Draw the instance's scenarios from its seed; ``stream`` 1 gives fresh draws, independent of
    the solve's (stream 0), for scoring out of sample; ``n`` overrides the number."""
    rng = np.random.default_rng(np.random.SeedSequence([inst.seed, stream]))
    count = inst.draws if n is None else n
    a = inst.response.sample(count, rng)
    base = inst.response.baseline(count, rng)
    prio = inst.arr("priority", 1.0)
    coef = (a * prio[None, :, None]).reshape(count, -1)[:, active]
    red = scenarios.reduce(coef, base, inst.reduce_to, inst.seed) if reduce else None
    return Draws(a, base, coef, red)


@dataclass
class _Group:
    """One family of limits (the yearly budgets, the partner maxima…) and how to read it back."""

    name: str
    constraint: cp.Constraint
    labels: list[str]
    bound: np.ndarray
    expr: cp.Expression
    slack: cp.Variable | None


class Programme:
    """The cvxpy programme of one instance. `maximise` and `minimise_cvar` may be called again (the
    frontier does): the CVaR cuts found so far stay valid for any limit and are kept."""

    def __init__(
        self,
        inst: Instance,
        draws: Draws | None = None,
        *,
        concave: Concave = "auto",
        cvar_method: CvarMethod = "cuts",
        elastic: bool = False,
        fix_choice: np.ndarray | None = None,
    ):
        t0 = time.perf_counter()
        if concave == "auto":  # exact cones where the programme is continuous; a choice needs cuts
            concave = "pwl" if inst.choice is not None and fix_choice is None else "exp"
        self.inst, self.concave, self.cvar_method, self.elastic = inst, concave, cvar_method, elastic
        self.active = _active(inst)
        self.d = draws if draws is not None else draw(inst, self.active, reduce=cvar_method == "reduced")
        if cvar_method == "reduced" and self.d.reduced is None:
            self.d.reduced = scenarios.reduce(self.d.coef, self.d.base, inst.reduce_to, inst.seed)
        t1 = time.perf_counter()
        self.seconds = {"draws": t1 - t0, "solve": 0.0, "compile": 0.0}
        if inst.choice is not None and concave == "exp" and fix_choice is None:
            raise InvalidValueError(
                "a yes/no choice of partners needs the piecewise-linear form (concave: pwl)"
            )
        _, i, t = inst.shape
        self.j_idx = np.flatnonzero(self.active)
        self.j_partner, self.j_instr = np.divmod(self.j_idx, i)
        self.n_j = len(self.j_idx)
        self.x = cp.Variable(self.n_j * t, nonneg=True, name="x")
        self.z = cp.Variable(self.n_j, nonneg=True, name="z")
        self.cons: list[cp.Constraint] = []
        self.groups: list[_Group] = []
        self.y: cp.Variable | None = None
        self._maps()
        self._limits()
        self._choice(fix_choice)
        self._concave()
        prio = inst.arr("priority", 1.0)
        self.a_mean = inst.response.mean.ravel()[self.j_idx] * prio[self.j_partner]
        self.opp = inst.arr("opposition", 0.0)[self.j_partner] * inst.opposition_penalty
        self.gain_expr = self.a_mean @ self.z - self.opp @ (self.per_pair @ self.x)
        self.cuts: list[tuple[np.ndarray, float]] = []
        self.tangent_rounds = 0
        self.cvar_slack = cp.Variable(nonneg=True) if elastic else None
        self.seconds["build"] = time.perf_counter() - t1
        self.size = {"pairs": self.n_j, "variables": self.n_j * (t + 1), "draws": len(self.d.base)}

    # building ------------------------------------------------------------------------------------

    def _maps(self) -> None:
        """Sparse maps from x to stocks, pair, year, partner and instrument totals."""
        inst = self.inst
        p, i, t = inst.shape
        n_j, n = self.n_j, self.n_j * t
        self.w = inst.weights()[self.j_instr]  # [J,T]
        rows, cols = np.repeat(np.arange(n_j), t), np.arange(n)
        self.stock = sp.csr_matrix((self.w.ravel(), (rows, cols)), shape=(n_j, n))
        self.per_pair = sp.csr_matrix((np.ones(n), (rows, cols)), shape=(n_j, n))
        self.per_year = sp.csr_matrix((np.ones(n), (np.tile(np.arange(t), n_j), cols)), shape=(t, n))
        to_p = sp.csr_matrix((np.ones(n_j), (self.j_partner, np.arange(n_j))), shape=(p, n_j))
        self.to_partner = to_p
        self.per_partner = to_p @ self.per_pair
        to_i = sp.csr_matrix((np.ones(n_j), (self.j_instr, np.arange(n_j))), shape=(i, n_j))
        self.per_instr = to_i @ self.per_pair
        self.floor = inst.arr("commitments", 0.0).reshape(p * i, t)[self.j_idx]
        if (self.floor > 0).any():
            self.cons.append(self.x >= self.floor.ravel())

    def _limit(
        self, name: str, expr: cp.Expression, bound: np.ndarray, labels: list[str], lower: bool = False
    ) -> None:
        """``expr ≤ bound`` (``≥`` when ``lower``) for the finite (and, for floors, positive) entries."""
        keep = np.isfinite(bound) & (bound > 0 if lower else True)
        if not np.any(keep):
            return
        sel = np.flatnonzero(keep)
        e, b = expr[sel], bound[sel]
        slack = cp.Variable(len(sel), nonneg=True) if self.elastic else None
        if lower:
            c = e >= (b - slack if slack is not None else b)
        else:
            c = e <= (b + slack if slack is not None else b)
        self.cons.append(c)
        self.groups.append(_Group(name, c, [labels[k] for k in sel], b, e, slack))

    def _limits(self) -> None:
        inst, x = self.inst, self.x
        names = [inst.label(c) for c in inst.partners]
        pairs = [
            f"{names[a]} · {inst.instruments[b]}" for a, b in zip(self.j_partner, self.j_instr, strict=True)
        ]
        spend_pair = self.per_pair @ x
        self._limit(
            "budget", cp.reshape(cp.sum(x), (1,), order="C"), np.array([inst.budget_total]), ["total"]
        )
        self._limit(
            "budget", self.per_year @ x, inst.arr("budget_year", np.inf), [str(y) for y in inst.years]
        )
        self._limit("pair max", spend_pair, inst.arr("pair_max", np.inf).ravel()[self.j_idx], pairs)
        self._limit("pair min", spend_pair, inst.arr("pair_min", 0.0).ravel()[self.j_idx], pairs, lower=True)
        self._limit("partner max", self.per_partner @ x, inst.arr("partner_max", np.inf), names)
        self._limit("partner min", self.per_partner @ x, inst.arr("partner_min", 0.0), names, lower=True)
        instruments = list(inst.instruments)
        self._limit("instrument max", self.per_instr @ x, inst.arr("instrument_max", np.inf), instruments)
        self._limit(
            "instrument min", self.per_instr @ x, inst.arr("instrument_min", 0.0), instruments, lower=True
        )
        if inst.escalation is not None and inst.escalation_max is not None:
            esc = inst.escalation.ravel()[self.j_idx]
            total = cp.reshape(esc @ spend_pair, (1,), order="C")
            self._limit("escalation", total, np.array([inst.escalation_max]), ["expected disputes"])
        if inst.dependency is not None:
            dep = np.isin(np.array(inst.instruments), inst.dependency_instruments)[self.j_instr].astype(float)
            dep_map = sp.csr_matrix((dep, (self.j_partner, np.arange(self.n_j))), shape=self.to_partner.shape)
            self._limit("dependency", dep_map @ self.per_pair @ x, inst.dependency, names)

    def _choice(self, fixed: np.ndarray | None) -> None:
        """The yes/no choice of partners: binaries (HiGHS branch and bound), or fixed ones."""
        ch = self.inst.choice
        if ch is None:
            return
        total = self.per_partner @ self.x
        cap = np.minimum(self.inst.arr("partner_max", np.inf), _spend_cap(self.inst))
        if fixed is not None:
            self.cons.append(total <= cap * fixed)
            if ch.min_spend > 0:
                self.cons.append(total >= ch.min_spend * fixed)
            return
        self.y = cp.Variable(self.inst.shape[0], boolean=True, name="choose")
        self.cons.append(total <= cp.multiply(cap, self.y))
        if ch.min_spend > 0:
            self.cons.append(total >= ch.min_spend * self.y)
        if ch.max_partners is not None:
            count = cp.reshape(cp.sum(self.y), (1,), order="C")
            self._limit("partners chosen", count, np.array([float(ch.max_partners)]), ["count"])

    def _concave(self) -> None:
        """``z ≤ log1p(X/k)``: exponential cones, or tangent cuts placed up to each pair's largest stock."""
        inst = self.inst
        self.k = inst.response.scale.ravel()[self.j_idx]
        self.stock_expr = self.stock @ self.x
        if self.concave == "exp":
            self.cons.append(self.z <= cp.log1p(cp.multiply(self.stock_expr, 1.0 / self.k)))
            return
        cap = np.minimum(inst.arr("pair_max", np.inf).ravel()[self.j_idx], _spend_cap(inst)[0])
        top = np.maximum(cap * self.w.max(axis=1), (self.floor * self.w).sum(axis=1))
        r = _tangent_points(np.maximum(top, self.k * 1e-3) / self.k)  # [J,M]
        slope = 1.0 / (1.0 + r)
        icpt = np.log1p(r) - slope * r
        self._scaled = cp.multiply(1.0 / self.k, self.stock_expr)
        for m in range(r.shape[1]):
            self.cons.append(self.z <= icpt[:, m] + cp.multiply(slope[:, m], self._scaled))

    # solving -------------------------------------------------------------------------------------

    def _solve(self, goal: cp.Minimize | cp.Maximize, extra: list[cp.Constraint]) -> str:
        problem = cp.Problem(goal, self.cons + extra)
        solver = cp.HIGHS if self.concave == "pwl" else cp.CLARABEL
        if solver == cp.HIGHS:
            _silence_banner()
        t0 = time.perf_counter()
        tries = [HIGHS_OPTIONS] if solver == cp.HIGHS else CLARABEL_OPTIONS
        for k, opts in enumerate(tries):
            try:
                with warnings.catch_warnings():  # "may be inaccurate": the status says so, and the result too
                    warnings.simplefilter("ignore", UserWarning)
                    problem.solve(solver=solver, **opts)
                break
            except cp.error.SolverError as e:
                if k == len(tries) - 1:
                    raise InvalidValueError(f"the solver {solver} failed: {e}") from e
        self.seconds["solve"] += time.perf_counter() - t0
        self.seconds["compile"] += problem.compilation_time or 0.0
        self.problem = problem
        return str(problem.status)

    def _cut_rows(self, level: cp.Expression | float) -> list[cp.Constraint]:
        """The CVaR constraints: the cuts kept so far, or the reduced Rockafellar–Uryasev rows."""
        if self.cvar_method == "reduced":
            assert self.d.reduced is not None
            coef, cb, w = self.d.reduced
            eta = cp.Variable()
            u = cp.Variable(len(w), nonneg=True)
            self.ru = eta + (w @ u) / (1.0 - self.inst.cvar_level)
            return [u >= -(coef @ self.z + cb) - eta, self.ru <= level]
        if not self.cuts:
            return []
        q = np.array([c for c, _ in self.cuts])
        b = np.array([v for _, v in self.cuts])
        norm = np.abs(q).max(axis=1)  # rows of unit size: interior-point solvers want them so
        self._cut_norm = norm
        return [cp.multiply(1.0 / norm, -(q @ self.z) - b) <= cp.multiply(1.0 / norm, level)]

    def model_cvar(self) -> tuple[float, np.ndarray]:
        """CVaR of the loss the model sees at the current z on every draw, and its tail weights."""
        assert self.z.value is not None
        loss = -(self.d.coef @ self.z.value + self.d.base)
        return _tail(loss, self.inst.cvar_level)

    def exact_z(self) -> np.ndarray:
        """log1p(X/k) at the current spending: what the tangent cuts approximate from above."""
        assert self.x.value is not None
        return np.asarray(np.log1p(np.clip(self.stock @ self.x.value, 0.0, None) / self.k))

    def exact_cvar(self) -> tuple[float, np.ndarray]:
        """CVaR of the exact loss at the current spending on every draw, and its tail weights."""
        return _tail(-(self.d.coef @ self.exact_z() + self.d.base), self.inst.cvar_level)

    def maximise(self, cvar_max: float | None) -> str:
        """Maximise the expected gain (with the CVaR limit ``cvar_max`` when given); the status."""
        slack = self.cvar_slack if self.cvar_slack is not None else 0.0
        goal = cp.Minimize(self._slacks()) if self.elastic else cp.Maximize(self.gain_expr)
        if cvar_max is None:
            return self._iterate(goal, None, None)
        return self._iterate(goal, cvar_max + slack, cvar_max)

    def minimise_cvar(self) -> str:
        """The least CVaR the other limits allow (with the expected gain as a tie-break)."""
        level = cp.Variable()
        goal = cp.Minimize(level - 1e-6 * self.gain_expr)
        if not self.cuts and self.cvar_method == "cuts":  # CVaR ≥ the mean loss: a first, valid cut
            self.cuts.append((self.d.coef.mean(axis=0), float(self.d.base.mean())))
        return self._iterate(goal, level, None, level)

    def _iterate(
        self,
        goal: cp.Minimize | cp.Maximize,
        bound: cp.Expression | float | None,
        limit: float | None,
        level: cp.Variable | None = None,
    ) -> str:
        """Solve; while the tangents overstate the gain at the solution, add a tangent there, and while
        the exact CVaR on every draw exceeds its bound, add the current tail as a cut; solve again."""
        status = ""
        for _ in range(MAX_ROUNDS):
            status = self._solve(goal, self._cut_rows(bound) if bound is not None else [])
            if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
                return status
            more = self._refine()
            if bound is not None and self.cvar_method == "cuts":
                value, q = self.exact_cvar()
                if limit is not None:
                    target = limit
                else:
                    assert level is not None and level.value is not None
                    target = float(np.asarray(level.value))
                if self.elastic and self.cvar_slack is not None and self.cvar_slack.value is not None:
                    target += float(self.cvar_slack.value)
                if value > target + CUT_TOL * max(abs(target), 1e-9):
                    self.cuts.append((q @ self.d.coef, float(q @ self.d.base)))
                    more = True
            if not more:
                return status
        return status

    def _refine(self) -> bool:
        """Add one tangent per pair at its current stock when the cuts overstate the expected gain by
        more than `REFINE_TOL` of it; whether one was added."""
        if self.concave != "pwl" or self.z.value is None or self.y is not None:
            return False  # a choice is made on the fixed tangents, the allocation refined after it
        exact = self.exact_z()
        gap = float(self.a_mean @ np.clip(self.z.value - exact, 0.0, None))
        if gap <= REFINE_TOL * max(1e-12, float(self.a_mean @ exact)):
            return False
        far = np.flatnonzero(self.a_mean * (self.z.value - exact) > 1e-3 * gap)  # where it matters
        r = np.expm1(exact[far])
        slope = 1.0 / (1.0 + r)
        self.cons.append(self.z[far] <= (exact[far] - slope * r) + cp.multiply(slope, self._scaled[far]))
        self.tangent_rounds += 1
        return True

    def _slacks(self) -> cp.Expression:
        parts = [cp.sum(g.slack) for g in self.groups if g.slack is not None]
        if self.cvar_slack is not None:
            parts.append(self.cvar_slack)
        return cp.sum(cp.hstack(parts)) if parts else cp.Constant(0.0)

    def spend(self) -> np.ndarray:
        p, i, t = self.inst.shape
        out = np.zeros((p * i, t))
        assert self.x.value is not None
        out[self.j_idx] = np.clip(self.x.value.reshape(self.n_j, t), 0.0, None)
        return out.reshape(p, i, t)


_quiet = False


def _silence_banner() -> None:
    """HiGHS prints its banner on the standard output when a process first creates a solver, past
    Python's streams: create that first one with the descriptor pointed at /dev/null, so `--out -`
    and JSON on stdout stay clean."""
    global _quiet
    if _quiet:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _quiet = True


def optimise(inst: Instance, *, concave: Concave = "auto", cvar_method: CvarMethod = "cuts") -> Solution:
    """The allocation maximising the expected gain under every limit of ``inst``; an
    `InfeasiblePlan` naming the clashing limits when there is none."""
    prog = Programme(inst, concave=concave, cvar_method=cvar_method)
    try:
        status = prog.maximise(inst.cvar_max)
    except InvalidValueError:
        if prog.concave != "exp" or concave == "exp":
            raise
        cuts = prog.cuts  # the cone solver gave up: the linear form, keeping the cuts found
        prog = Programme(inst, prog.d, concave="pwl", cvar_method=cvar_method)
        prog.cuts = cuts
        status = prog.maximise(inst.cvar_max)
    return solution_of(prog, status, inst.cvar_max)


def solution_of(prog: Programme, status: str, cvar_max: float | None) -> Solution:
    """The `Solution` of a solved programme (shadow prices from the linear programme with the
    partner choice fixed, when there is one); raises when the programme has none."""
    inst = prog.inst
    if status in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
        raise infeasible(inst, prog.d, prog.concave, prog.cvar_method, cvar_max)
    if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise InvalidValueError(f"the solver stopped with status {status}")
    if prog.y is not None and prog.y.value is not None:
        # the choice made, the allocation among the chosen is a continuous programme: solved again
        # exactly (cones), which also gives the shadow prices a mixed-integer programme has not
        fixed = Programme(inst, prog.d, cvar_method=prog.cvar_method, fix_choice=np.round(prog.y.value))
        fixed.cuts = list(prog.cuts)
        fixed_status = fixed.maximise(cvar_max)
        if fixed_status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
            fixed.tangent_rounds = prog.tangent_rounds
            fixed.seconds = {k: v + prog.seconds.get(k, 0.0) for k, v in fixed.seconds.items()}
            return _solution(fixed, fixed, fixed_status, cvar_max)
    return _solution(prog, prog, status, cvar_max)


def infeasible(
    inst: Instance, d: Draws, concave: Concave, cvar_method: CvarMethod, cvar_max: float | None
) -> InfeasiblePlan:
    """Why ``inst`` has no solution: the limits that must give way, found by the elastic programme
    (every limit may be exceeded at a cost; the least total excess names the clash). Fixed
    commitments never give way."""
    prog = Programme(inst, d, concave=concave, cvar_method=cvar_method, elastic=True)
    prog.maximise(cvar_max)
    clashes: list[tuple[str, float]] = []
    for g in prog.groups:
        if g.slack is None or g.slack.value is None:
            continue
        for label, s in zip(g.labels, np.atleast_1d(g.slack.value), strict=True):
            if s > 1e-6:
                clashes.append((f"{g.name} {label}", float(s)))
    if prog.cvar_slack is not None and prog.cvar_slack.value is not None and prog.cvar_slack.value > 1e-6:
        clashes.append((f"CVaR limit {cvar_max:g}", float(prog.cvar_slack.value)))
    text = "; ".join(f"{n} (exceeded by {s:.4g})" for n, s in clashes) or "the fixed commitments"
    return InfeasiblePlan(f"the plan cannot be met: {text}, given the fixed commitments", clashes)


def _solution(prog: Programme, duals: Programme, status: str, cvar_max: float | None) -> Solution:
    inst = prog.inst
    spend = prog.spend()
    w = inst.weights()
    stock = np.einsum("pit,it->pi", spend, w)
    prio = inst.arr("priority", 1.0)
    g = gains(prog.d.a, stock, inst.response.scale, prio) + prog.d.base
    exact = float(g.mean())
    assert prog.z.value is not None
    promised = float(prog.a_mean @ (prog.z.value - prog.exact_z()))
    marginal = np.full(inst.response.shape, np.nan)
    slope = inst.response.mean * prio[:, None] * w[:, -1][None, :] / (inst.response.scale + stock)
    opp = inst.arr("opposition", 0.0)[:, None] * inst.opposition_penalty
    mask = prog.active.reshape(marginal.shape)
    marginal[mask] = (slope - opp)[mask]
    return Solution(
        instance=inst,
        spend=spend,
        expected_gain=exact,
        interval=(float(np.quantile(g, 0.05)), float(np.quantile(g, 0.95))),
        cvar=scenarios.cvar(-g, inst.cvar_level),
        cvar_model=_model_cvar(prog),
        concave_error=promised,
        binding=_binding(duals, cvar_max),
        marginal=marginal,
        status=status,
        solver="HiGHS" if prog.concave == "pwl" else "Clarabel",
        seconds=prog.seconds,
        size={**prog.size, "cuts": len(prog.cuts), "tangent_rounds": prog.tangent_rounds},
    )


def _model_cvar(prog: Programme) -> float:
    if prog.cvar_method == "reduced":
        assert prog.d.reduced is not None and prog.z.value is not None
        coef, cb, wts = prog.d.reduced
        return scenarios.cvar(-(coef @ prog.z.value + cb), prog.inst.cvar_level, wts)
    return prog.model_cvar()[0]


def _binding(prog: Programme, cvar_max: float | None) -> list[Binding]:
    """The limits the allocation reaches with a non-zero shadow price, largest first."""
    out = []
    for g in prog.groups:
        dual, used = g.constraint.dual_value, g.expr.value
        if dual is None or used is None:
            continue
        for label, b, u, d in zip(g.labels, g.bound, np.atleast_1d(used), np.atleast_1d(dual), strict=True):
            if abs(float(d)) > 1e-9 and abs(u - b) <= 1e-5 * max(1.0, abs(b)):
                out.append(Binding(f"{g.name} {label}", float(b), float(u), abs(float(d))))
    if cvar_max is not None and prog.cvar_method == "cuts" and prog.cuts:
        con = prog.problem.constraints[-1]
        if con.dual_value is not None:
            price = float(np.sum(np.asarray(con.dual_value) / prog._cut_norm))
            if price > 1e-9:
                out.append(Binding("CVaR loss", cvar_max, prog.model_cvar()[0], price))
    return sorted(out, key=lambda b: -b.shadow_price)


def _tail(loss: np.ndarray, level: float) -> tuple[float, np.ndarray]:
    """CVaR of equally weighted ``loss`` and the weights q (Σq = 1) of its worst (1 − level) share."""
    n = len(loss)
    tail = (1.0 - level) * n
    order = np.argsort(-loss)
    take = np.clip(tail - np.arange(n), 0.0, 1.0)
    q = np.zeros(n)
    q[order] = take / tail
    return float(q @ loss), q


def _active(inst: Instance) -> np.ndarray:
    """[P·I] pairs that may get money: a positive response and room under every upper limit (and
    any pair with a commitment or a floor)."""
    ok = inst.response.mean > 0
    ok &= inst.arr("pair_max", np.inf) > 0
    ok &= inst.arr("partner_max", np.inf)[:, None] > 0
    ok &= inst.arr("instrument_max", np.inf)[None, :] > 0
    ok |= inst.arr("commitments", 0.0).sum(axis=2) > 0
    ok |= inst.arr("pair_min", 0.0) > 0
    return np.asarray(ok.ravel())


def _spend_cap(inst: Instance) -> np.ndarray:
    """[P] the most any partner could get: the tightest of the budgets (or the partner maxima)."""
    total = min(inst.budget_total, float(inst.arr("budget_year", np.inf).sum()))
    if not np.isfinite(total):
        caps = inst.arr("partner_max", np.inf)
        total = float(caps[np.isfinite(caps)].sum()) or 1e6
    return np.full(inst.shape[0], total)


def _tangent_points(rmax: np.ndarray) -> np.ndarray:
    """[J,TANGENTS] ratios X/k where the cuts touch: 0, then evenly spaced in log(1 + X/k) up to the
    largest, so the cuts' largest overestimate is about (Δ log)² / 8."""
    top = np.log1p(np.maximum(rmax, 1e-6))
    steps = np.linspace(0.0, 1.0, TANGENTS)[None, :]
    return np.asarray(np.expm1(top[:, None] * steps))
