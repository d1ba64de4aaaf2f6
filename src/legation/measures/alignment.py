"""Foreign-policy alignment from UN General Assembly roll-call votes: raw agreement, Signorino–Ritter S,
Scott's π and Cohen's κ (Häge 2011), and the *excess* alignment of a patron with a target.

Votes are the ledger's ``votes`` table (1 yes, 2 abstain, 3 no; 8 absent and 9 not a member are
ignored, as are the roll calls a state did not vote on). For one unordered pair of states (i, j) in
one year, everything is computed over the ``n_joint`` roll calls on which *both* voted yes, abstain
or no. With ``n_kl`` the number of those roll calls on which i voted k and j voted l (k, l ∈ {Y, A,
N}), ``one = n_YA + n_AY + n_AN + n_NA`` (one step apart) and ``two = n_YN + n_NY`` (opposite):

* ``agree3 = p_o = (n_YY + n_AA + n_NN) / n_joint``  (three-category agreement);
* ``agree_yn = (n_YY + n_NN) / n_yn`` with ``n_yn = n_YY + n_YN + n_NY + n_NN`` the roll calls both
  answered yes or no (abstentions dropped; null when n_yn = 0);
* ``s_abs = 1 − 2·d / d_max`` with votes placed on [0, 1] (yes 1, abstain ½, no 0), d the mean absolute
  distance ``(½·one + two) / n_joint`` and ``d_max = 1`` (Signorino & Ritter 1999, unweighted). This
  is the coding of ``s3un`` in Voeten's dyadic agreement data (votes 1, 2, 3, d_max = 2);
* ``s_sq = 1 − 2·d / d_max`` with d the mean squared distance ``(¼·one + two) / n_joint``, d_max = 1;
* ``scott_pi = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_k ((p_ik + p_jk) / 2)²`` — pooled marginals;
* ``cohen_kappa = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_k p_ik · p_jk`` — each state's own marginals;

where ``p_ik`` is the share of the pair's n_joint roll calls on which i voted k (Häge 2011; the
three-category, nominal form). π and κ are null when ``p_e = 1`` (both states cast the same single
vote on every joint roll call: agreement is perfect but entirely expected).

Everything comes from the 3 × 3 blocks ``C_kl = I_k · I_lᵀ`` of products of the state × roll-call
indicator matrices ``I_k`` (1 where the state voted k), six matrix products per year (and issue).
See docs/alignment.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from legation.errors import MeasureError, NeedsDataError
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS
from legation.panel.votes import vote_matrix
from legation.years import MEASURE_YEARS

MEASURES = ("agree_yn", "agree3", "s_abs", "s_sq", "scott_pi", "cohen_kappa")
"""The measure columns of :func:`dyad_alignment`."""

ISSUES = ("me", "nu", "di", "hr", "co", "ec")
"""Voeten's issue codes: Middle East, nuclear weapons, arms control and disarmament, human rights,
colonialism, economic development."""

_SCHEMA = {
    "ccode1": pl.Int16,
    "ccode2": pl.Int16,
    "year": pl.Int16,
    "issue": pl.String,
    "n_joint": pl.Int32,
    "n_yn": pl.Int32,
    **{m: pl.Float64 for m in MEASURES},
}


def _votes(
    ledger: Ledger,
    source: str,
    years: Sequence[int],
    by_issue: bool,
    important_only: bool,
    states: Sequence[int] | None = None,
) -> pl.DataFrame:
    if not reads.has_roll_calls(ledger, source):
        raise NeedsDataError(
            f"no roll calls of source {source!r} in {ledger.path}; import it with "
            f"`legation data import-dir DIR --only {source}`"
        )
    span = (int(years[0]), int(years[1]))
    return reads.votes(ledger, source, span, by_issue=by_issue, important_only=important_only, states=states)


def _pair_counts(
    states: np.ndarray, m: np.ndarray, involving: Sequence[int] | None
) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], np.ndarray]]:
    """``i, j, n``: the pairs i < j (indices into ``states``) and n[k, l], the roll calls where i voted
    k and j voted l. With ``involving``, only the pairs with at least one of those states: their rows
    of the product alone, so a few patrons against everyone cost a few rows, not the whole square."""
    ind = [(m == k).astype(np.float64) for k in (1, 2, 3)]  # yes, abstain, no
    if involving is None:
        c = [[np.empty(0)] * 3 for _ in range(3)]  # c[k][l][i, j]: i voted k and j voted l
        for k in range(3):
            for ll in range(k, 3):
                c[k][ll] = ind[k] @ ind[ll].T
                c[ll][k] = c[k][ll].T
        i, j = np.triu_indices(states.size, k=1)
        return i, j, {(k, ll): c[k][ll][i, j] for k in range(3) for ll in range(3)}
    rows = np.flatnonzero(np.isin(states, np.asarray(involving)))
    part = {(k, ll): ind[k][rows] @ ind[ll].T for k in range(3) for ll in range(3)}  # rows × states
    r, other = np.divmod(np.arange(rows.size * states.size), states.size)
    a = rows[r]
    keep = (other != a) & (~np.isin(other, rows) | (a < other))  # each pair once
    r, a, other = r[keep], a[keep], other[keep]
    swap = other < a  # as ccode1 < ccode2: the pair's counts transposed
    i, j = np.where(swap, other, a), np.where(swap, a, other)
    raw = {kl: v[r, other] for kl, v in part.items()}
    n = {(k, ll): np.where(swap, raw[ll, k], raw[k, ll]) for k in range(3) for ll in range(3)}
    order = np.lexsort((j, i))
    return i[order], j[order], {kl: v[order] for kl, v in n.items()}


def _block(g: pl.DataFrame, involving: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """All measures for one year (and issue): the pairs i < j that share at least one roll call
    (with ``involving``, only those with at least one of these states)."""
    states, m = vote_matrix(g)
    i, j, n = _pair_counts(states, m, involving)
    joint = np.sum(list(n.values()), axis=0)  # counts: exact in any order
    keep = joint > 0
    i, j, joint = i[keep], j[keep], joint[keep]
    n = {kl: v[keep] for kl, v in n.items()}
    y, a, no = 0, 1, 2
    same = n[y, y] + n[a, a] + n[no, no]
    half = n[y, a] + n[a, y] + n[a, no] + n[no, a]  # one step apart (distance ½)
    full = n[y, no] + n[no, y]  # two steps apart (distance 1)
    n_yn = n[y, y] + n[y, no] + n[no, y] + n[no, no]
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = same / joint
        agree_yn = np.where(n_yn > 0, (n[y, y] + n[no, no]) / n_yn, np.nan)
        s_abs = 1 - 2 * (0.5 * half + full) / joint
        s_sq = 1 - 2 * (0.25 * half + full) / joint
        p_i = [sum(n[k, ll] for ll in range(3)) / joint for k in range(3)]  # i's marginals
        p_j = [sum(n[ll, k] for ll in range(3)) / joint for k in range(3)]  # j's marginals
        pe_pi = sum(((p_i[k] + p_j[k]) / 2) ** 2 for k in range(3))
        pe_kappa = sum(p_i[k] * p_j[k] for k in range(3))
        # p_e = 1 exactly when both cast one and the same vote throughout (marginals are k/n: exact)
        pi = np.where(pe_pi < 1 - 1e-12, (p_o - pe_pi) / (1 - pe_pi), np.nan)
        kappa = np.where(pe_kappa < 1 - 1e-12, (p_o - pe_kappa) / (1 - pe_kappa), np.nan)
    return {
        "ccode1": states[i],
        "ccode2": states[j],
        "n_joint": joint.astype(np.int32),
        "n_yn": n_yn.astype(np.int32),
        "agree_yn": agree_yn,
        "agree3": p_o,
        "s_abs": s_abs,
        "s_sq": s_sq,
        "scott_pi": pi,
        "cohen_kappa": kappa,
    }


def dyad_alignment(
    ledger: Ledger,
    *,
    years: Sequence[int] = MEASURE_YEARS,
    source: str | None = None,
    by_issue: bool = False,
    important_only: bool = False,
    states: Sequence[int] | None = None,
    involving: Sequence[int] | None = None,
) -> pl.DataFrame:
    """UN voting alignment per unordered pair of states (``ccode1 < ccode2``) and year.

    One row per pair and calendar year of the roll call's date (and per issue code when ``by_issue``)
    for states that both voted yes, abstain or no on at least one roll call in it. Columns:
    ``ccode1, ccode2, year, [issue,] n_joint, n_yn, agree_yn, agree3, s_abs, s_sq, scott_pi,
    cohen_kappa``. With ``n_kl`` the joint roll calls where ccode1 voted k and ccode2 voted l:

    - ``n_joint = Σ_kl n_kl``; ``n_yn = n_YY + n_YN + n_NY + n_NN`` (both voted yes or no);
    - ``agree_yn = (n_YY + n_NN) / n_yn`` (null when n_yn = 0);
    - ``agree3 = p_o = (n_YY + n_AA + n_NN) / n_joint``;
    - ``s_abs = 1 − 2·d/d_max``, d the mean |x − y| with yes = 1, abstain = ½, no = 0 and d_max = 1:
      ``1 − 2·(½·one + two) / n_joint``, ``one`` the roll calls one step apart (yes–abstain,
      abstain–no), ``two`` those opposite (yes–no) (Signorino & Ritter 1999);
    - ``s_sq = 1 − 2·d/d_max``, d the mean (x − y)², d_max = 1: ``1 − 2·(¼·one + two) / n_joint``;
    - ``scott_pi = (p_o − p_e)/(1 − p_e)``, ``p_e = Σ_k ((p_1k + p_2k)/2)²`` (pooled marginals);
    - ``cohen_kappa = (p_o − p_e)/(1 − p_e)``, ``p_e = Σ_k p_1k·p_2k`` (each state's own marginals);

    p_1k the share of the n_joint roll calls on which ccode1 voted k (Häge 2011). π and κ are null
    when p_e = 1 (both cast one and the same vote on every joint roll call).

    ``by_issue`` splits roll calls by Voeten's issue codes (me, nu, di, hr, co, ec); a roll call with
    several codes counts under each, and one with none is left out, so ``n_joint`` summed over issues
    can be larger or smaller than the overall ``n_joint``. ``important_only`` keeps the roll calls
    the US State Department marked important. Roll calls without a date are left out. ``states``
    keeps only the pairs among those COW codes (the measures of a pair do not depend on other states);
    ``involving`` keeps the pairs with at least one of them (a patron with every state: what
    `excess` needs of the patrons, at a fraction of the cost of every pair).
    """
    if years[0] > years[1]:
        raise MeasureError(f"years {tuple(years)}: the first must not be after the last")
    votes = _votes(ledger, source or CHANNELS["unga"].source, years, by_issue, important_only, states)
    keys = ["year", "issue"] if by_issue else ["year"]
    schema = {k: v for k, v in _SCHEMA.items() if by_issue or k != "issue"}
    out = []
    groups = votes.partition_by(keys, as_dict=True, maintain_order=False)
    for key in sorted(groups):  # blocks come out sorted by (ccode1, ccode2): no sort of the result
        g = groups[key]
        block = _block(g, involving)
        rows = block["ccode1"].size
        if not rows:
            continue
        frame = {"ccode1": block.pop("ccode1"), "ccode2": block.pop("ccode2"), "year": np.full(rows, key[0])}
        df = pl.DataFrame({**frame, **block}, nan_to_null=True)
        if by_issue:
            df = df.with_columns(issue=pl.lit(key[1], pl.String))
        out.append(df.select(pl.col(c).cast(t) for c, t in schema.items()))
    if not out:
        return pl.DataFrame(schema=schema)
    return pl.concat(out, rechunk=False)


def excess(alignment: pl.DataFrame, measure: str = "agree3", *, method: str = "mean") -> pl.DataFrame:
    """Directed excess alignment of a ``target`` with a ``patron``, net of the patron's popularity.

    Returns ``patron, target, year, [issue,] <measure>, mean_patron, excess``, both directions of
    every pair of ``alignment`` (a :func:`dyad_alignment` frame) whose measure is not null.
    ``mean_patron`` is the patron's mean measure with every other state k that year (and issue).

    - ``method="mean"``: ``excess = m(patron, target) − mean_k m(patron, k)``.
    - ``method="residual"``: ``excess`` is the residual of ``m(i, j) = a_i + a_j + e_ij``, a two-way
      (state) fixed-effects least-squares fit per year (and issue); it is symmetric in the pair and
      nets out the popularity of both sides.

    Raw agreement with a major power mostly measures how often that power votes with the Assembly's
    majority: China agrees with nearly everyone, the US with few, so raw agreement makes China every
    state's "closest" great power. Compare patrons for a target on ``excess`` instead.
    """
    if measure not in alignment.columns:
        raise MeasureError(f"no column {measure!r} in the alignment frame; measures: {', '.join(MEASURES)}")
    if method not in ("mean", "residual"):
        raise MeasureError(f"method {method!r}: use 'mean' or 'residual'")
    keys = ["year", "issue"] if "issue" in alignment.columns else ["year"]
    und = alignment.select("ccode1", "ccode2", *keys, measure).filter(pl.col(measure).is_not_null())
    directed = pl.concat(
        [
            und.rename({"ccode1": "patron", "ccode2": "target"}),
            und.rename({"ccode2": "patron", "ccode1": "target"}).select("patron", "target", *keys, measure),
        ]
    )
    directed = directed.with_columns(mean_patron=pl.col(measure).mean().over("patron", *keys))
    if method == "mean":
        directed = directed.with_columns(excess=pl.col(measure) - pl.col("mean_patron"))
    else:
        resid = [_residuals(g, measure) for _, g in und.group_by(keys)]
        r = pl.concat(resid) if resid else und.with_columns(excess=pl.lit(None, pl.Float64))
        r = r.select("ccode1", "ccode2", *keys, "excess")
        directed = pl.concat(
            [
                directed.join(
                    r.rename({"ccode1": "patron", "ccode2": "target"}), on=["patron", "target", *keys]
                ),
                directed.join(
                    r.rename({"ccode2": "patron", "ccode1": "target"}), on=["patron", "target", *keys]
                ),
            ]
        )
    return directed.select("patron", "target", *keys, measure, "mean_patron", "excess").sort(
        [*keys, "patron", "target"]
    )


def _residuals(g: pl.DataFrame, measure: str) -> pl.DataFrame:
    """Residuals of y_ij = a_i + a_j + e_ij by least squares (normal equations over the states)."""
    states = np.unique(np.concatenate([g["ccode1"].to_numpy(), g["ccode2"].to_numpy()]))
    i = np.searchsorted(states, g["ccode1"].to_numpy())
    j = np.searchsorted(states, g["ccode2"].to_numpy())
    y = g[measure].to_numpy().astype(np.float64)
    xtx = np.zeros((states.size, states.size))
    np.add.at(xtx, (i, i), 1.0)
    np.add.at(xtx, (j, j), 1.0)
    np.add.at(xtx, (i, j), 1.0)
    np.add.at(xtx, (j, i), 1.0)
    xty = np.bincount(i, y, states.size) + np.bincount(j, y, states.size)
    a = np.linalg.lstsq(xtx, xty, rcond=None)[0]
    return g.with_columns(excess=pl.Series(y - a[i] - a[j]))
