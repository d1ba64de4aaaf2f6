"""The versioned parameter set: what calibration estimated, from which data, with its uncertainty.

A `ParameterSet` is a JSON file (``legation calibrate --out params.json``). It records the training
window, the patrons, the version of every dataset it read, and every estimate as an `Estimate`: a
central value, a standard error and its bootstrap draws (over targets), so a simulation draws the
parameters as well as the noise. The alignment dynamics (see `legation.model.kernel`) are

- ``rho``: persistence of a pair's level around its own recent mean (1 = a random walk);
- ``q``: variance of the yearly innovation of the level, for a pair of typical volatility;
- ``r``: variance of the year-to-year noise of observed excess agreement around the level;
- ``beta_<channel>``: the change of excess agreement per unit change of a channel's influence score;

and ``residuals``, the quantiles of the standardized one-step forecast errors on the training years,
from which the kernel draws its shocks (heavier tails than a normal). ``risks`` holds each risk
process's estimates under its name (empty until a risk process is calibrated); ``overrides`` what a
user set by hand. Versions change when the meaning of a field changes (`VERSION`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from legation.errors import InputError, InvalidValueError, Problem

VERSION = 1
"""The format of the parameter file."""

DYNAMICS = ("rho", "q", "r")
"""The alignment dynamics' own parameters; the channel responses are ``beta_<channel>``."""


class ModelFileError(InputError):
    """A scenario or parameter file that cannot be used: every problem with its file, line and field."""

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None, file: str | None = None):
        super().__init__(problems, total=total, file=file)
        shown = "\n".join(f"  - {p}" for p in self.problems)
        self.args = (f"{self.total} problem{'s' if self.total != 1 else ''} in {file or 'input'}:\n{shown}",)


@dataclass(frozen=True)
class Estimate:
    """One estimated parameter: central value, standard error, bootstrap draws, and how it was got."""

    value: float
    se: float
    draws: tuple[float, ...] = ()
    source: str = "estimated"
    """``estimated`` from data, ``prior`` (documented, not from data) or ``override`` (set by a user)."""
    note: str = ""

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """The central ``level`` interval of the draws (value ± 1.645·se without draws)."""
        if self.draws:
            a = (1 - level) / 2
            lo, hi = np.quantile(np.asarray(self.draws), [a, 1 - a])
            return float(lo), float(hi)
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + level / 2)
        return self.value - z * self.se, self.value + z * self.se


@dataclass(frozen=True)
class ParameterSet:
    """Every estimate of one calibration, with the data and window it came from."""

    train: tuple[int, int]
    patrons: tuple[int, ...]
    channels: tuple[str, ...]
    estimates: dict[str, Estimate]
    residuals: tuple[float, ...]
    """Quantiles (evenly spaced probabilities) of the standardized one-step errors, unit variance."""
    data_versions: dict[str, str] = field(default_factory=dict)
    window: int = 15
    """Years before the origin from which a pair's mean and volatility are read."""
    shrink: float = 10.0
    """Pseudo-years of the pooled volatility in each pair's own (shrinkage of small samples)."""
    risks: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    overrides: dict[str, float] = field(default_factory=dict)
    index: str = "v1"
    """The influence index whose channel scores the responses are per unit of (``v1``, ``v2``)."""
    version: int = VERSION

    def __getitem__(self, name: str) -> Estimate:
        try:
            return self.estimates[name]
        except KeyError:
            known = ", ".join(sorted(self.estimates))
            raise InvalidValueError(f"no parameter {name!r} in the parameter set; known: {known}") from None

    @property
    def n_draws(self) -> int:
        """The most bootstrap draws a parameter carries (overrides and priors carry none)."""
        return max((len(e.draws) for e in self.estimates.values()), default=0)

    def table(self) -> np.ndarray:
        """``[rows, n_params]`` joint bootstrap draws in `names` order: row i holds every parameter's
        i-th draw (cycled when a parameter has fewer), a parameter without draws its value; one row of
        central values when none has draws."""
        names = self.names()
        n = max(self.n_draws, 1)
        cols = []
        for k in names:
            e = self.estimates[k]
            d = np.asarray(e.draws, dtype=np.float64) if e.draws else np.full(1, e.value)
            cols.append(np.resize(d, n))
        return np.column_stack(cols)

    def names(self) -> list[str]:
        """The kernel's parameters in a fixed order: the dynamics, then one response per channel."""
        return [*DYNAMICS, *(f"beta_{c}" for c in self.channels)]

    def override(self, values: Mapping[str, float]) -> ParameterSet:
        """The set with some parameters fixed by hand (no uncertainty), each checked by name; a risk's
        estimate is named ``<risk>.<estimate>`` (``covert.rate``)."""
        est = dict(self.estimates)
        risks = {r: dict(e) for r, e in self.risks.items()}
        for k, v in values.items():
            fixed = Estimate(float(v), 0.0, (), "override", "set by the scenario or the user")
            if "." in k:
                risk, name = k.split(".", 1)
                if name not in risks.get(risk, {}):
                    known = ", ".join(f"{r}.{n}" for r, e in sorted(risks.items()) for n in sorted(e))
                    raise InvalidValueError(f"no risk estimate {k!r} in the parameter set; known: {known}")
                risks[risk][name] = fixed
                continue
            _ = self[k]
            if k in ("q", "r") and v < 0:
                raise InvalidValueError(f"parameter {k!r} is a variance: {v} must not be negative")
            est[k] = fixed
        return replace(self, estimates=est, risks=risks, overrides={**self.overrides, **values})

    def zero_response(self) -> ParameterSet:
        """The same set with every channel response fixed at 0: the model without the military channels."""
        return self.override({f"beta_{c}": 0.0 for c in self.channels})

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    def save(self, path: Path) -> Path:
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    def summary(self) -> list[dict[str, Any]]:
        """One row per estimate: name, value, se, 90 % interval, source."""
        rows = []
        for k, e in self.estimates.items():
            lo, hi = e.interval()
            rows.append({"name": k, "value": e.value, "se": e.se, "lo90": lo, "hi90": hi, "source": e.source})
        for risk, ests in self.risks.items():
            for k, e in ests.items():
                lo, hi = e.interval()
                rows.append(
                    {"name": f"{risk}.{k}", "value": e.value, "se": e.se, "lo90": lo, "hi90": hi}
                    | {"source": e.source}
                )
        return rows


def _estimate(d: Mapping[str, Any]) -> Estimate:
    return Estimate(
        float(d["value"]),
        float(d["se"]),
        tuple(float(x) for x in d.get("draws", ())),
        str(d.get("source", "estimated")),
        str(d.get("note", "")),
    )


def from_dict(d: Mapping[str, Any], file: str = "parameter set") -> ParameterSet:
    """A parameter set from its JSON form; an `InputError` naming the field that is wrong."""
    try:
        if int(d.get("version", 0)) != VERSION:
            raise ModelFileError(
                [
                    Problem(
                        "version",
                        d.get("version"),
                        f"this legation reads parameter files of version {VERSION}",
                    )
                ],
                file=file,
            )
        return ParameterSet(
            train=(int(d["train"][0]), int(d["train"][1])),
            patrons=tuple(int(p) for p in d["patrons"]),
            channels=tuple(str(c) for c in d["channels"]),
            estimates={k: _estimate(v) for k, v in d["estimates"].items()},
            residuals=tuple(float(x) for x in d["residuals"]),
            data_versions={str(k): str(v) for k, v in d.get("data_versions", {}).items()},
            window=int(d.get("window", 15)),
            shrink=float(d.get("shrink", 10.0)),
            risks={r: {k: _estimate(v) for k, v in e.items()} for r, e in d.get("risks", {}).items()},
            overrides={str(k): float(v) for k, v in d.get("overrides", {}).items()},
            index=str(d.get("index", "v1")),
        )
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ModelFileError(
            [Problem(str(e).strip("'"), None, "missing or malformed field")], file=file
        ) from None


def load(path: Path) -> ParameterSet:
    """Read a parameter file written by `ParameterSet.save`."""
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ModelFileError(
            [Problem("", "", f"not valid JSON: {e.msg}", row=e.lineno)], file=str(path)
        ) from None
    if not isinstance(d, dict):
        raise ModelFileError([Problem("", "", "expected a JSON object")], file=str(path))
    return from_dict(d, str(path))


def quantiles(values: Sequence[float] | np.ndarray, n: int = 201) -> tuple[float, ...]:
    """``n`` evenly spaced quantiles of ``values``, rescaled to unit variance (a residual table)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size < 10:
        raise InvalidValueError(f"{v.size} residuals: too few to estimate their distribution")
    q = np.quantile(v, np.linspace(0.0, 1.0, n))
    q = q - q.mean()
    top = np.abs(q).max()
    if not top > 0:
        raise InvalidValueError("the residuals have no spread: their distribution cannot be scaled")
    q = q / top  # scaled first, so that tiny residuals do not underflow when squared
    return tuple(float(x) for x in q / np.sqrt(np.mean(q**2)))
