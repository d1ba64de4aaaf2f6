"""Column-wise validation of engagement frames (CSV, Parquet, data frames).

Each field parser of `fields.py` runs once per *distinct* value of its column; the answers are
mapped back with `replace_strict` (a hash lookup on one column, no join), and every check is a
lazy filter that reads only the columns it needs. That is what keeps a million-row import within
a couple of seconds while applying exactly the rules of the pydantic `EngagementRecord`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from legation.errors import InputError, Problem, UnknownStateError
from legation.ledger import fields
from legation.ledger.records import COLUMNS, REQUIRED
from legation.ledger.schema import ENGAGEMENT_COLUMNS
from legation.ledger.store import Ledger
from legation.states.resolve import Actor, ActorKind, Resolver
from legation.states.system import StateSystem
from legation.years import LAST_YEAR

if TYPE_CHECKING:
    from polars._typing import SchemaDict

MAX_PROBLEMS = 50
_SEP = "\x1f"


class _Problems:
    """Problems found so far, as small frames of (_line, field, value, message).

    Each check is evaluated at once to a boolean mask, so no intermediate frame is kept alive
    until the end (that held every temporary column of a million-row import in memory).
    """

    def __init__(self) -> None:
        self.found: list[pl.DataFrame] = []

    def add(self, df: pl.DataFrame, mask: pl.Expr, field: str, message: str | pl.Expr) -> None:
        hit = df.select(mask.fill_null(False)).to_series()
        if not hit.any():
            return
        msg = message if isinstance(message, pl.Expr) else pl.lit(message)
        self.found.append(
            df.filter(hit).select(
                "_line",
                pl.lit(field).alias("field"),
                pl.col(field).cast(pl.String).alias("value"),
                msg.cast(pl.String).alias("message"),
            )
        )

    def raise_any(self, file: str, row_label: str) -> None:
        if not self.found:
            return
        found = pl.concat(self.found, how="vertical_relaxed").sort("_line", maintain_order=True)
        shown = [
            Problem(f, v, m, row=line, file=file, row_label=row_label)
            for line, f, v, m in found.head(MAX_PROBLEMS).iter_rows()
        ]
        raise InputError(shown, total=found.height, file=file)


def unknown_source_message(known: Iterable[str]) -> str:
    return (
        "unknown source; register it first (import with --source-name ID --citation TEXT, or a YAML "
        f"'sources:' entry). Known: {', '.join(sorted(known))}"
    )


def check_columns(
    cols: Sequence[str], default_source: str | None, file: str, extra: Sequence[str] = ()
) -> None:
    """Refuse a header that lacks a required column, repeats one or names an unknown one (``_line``
    included: legation numbers the rows itself; ``extra`` names columns a caller reads itself, such
    as a candidates file's review columns); at most `MAX_PROBLEMS` problems are listed."""
    missing = [c for c in REQUIRED if c not in cols and not (c == "source" and default_source)]
    unknown = [c for c in cols if c not in COLUMNS and c not in extra]
    twice = [c for c, n in Counter(c for c in cols if c in COLUMNS).items() if n > 1]
    total = len(missing) + len(unknown) + len(twice)
    if total:
        problems = [Problem(c, None, "required column is missing") for c in missing]
        problems += [Problem(c, None, "column appears twice") for c in twice]
        known = ", ".join(COLUMNS)
        problems += [Problem(c, None, f"unknown column; known: {known}") for c in unknown[:MAX_PROBLEMS]]
        raise InputError(problems[:MAX_PROBLEMS], total=total, file=file)


_SCALAR = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Decimal, pl.Date, pl.Datetime, pl.Null)


def check_types(schema: pl.Schema, file: str) -> None:
    """Refuse columns of a type no engagement field can hold (lists, maps, structs, binary,
    durations…): Parquet and data frames may carry any."""
    problems = [
        Problem(c, str(t), "a column of this type cannot be imported; use text, numbers or dates")
        for c, t in schema.items()
        if not (t.is_numeric() or t.base_type() in _SCALAR)
    ]
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], total=len(problems), file=file)


def validate_frame(
    ledger: Ledger,
    df: pl.DataFrame,
    file: str,
    default_source: str | None,
    row_label: str,
    new_sources: Sequence[str] = (),
) -> pl.DataFrame:
    """Check every row; return the stored columns (plus ``_line``) or raise every problem found.

    ``df`` holds the columns of the import format and an integer ``_line`` giving each row's
    position in the file; ``new_sources`` are ids the same import registers.
    """
    cols = [c for c in df.columns if c != "_line"]
    check_columns(cols, default_source, file)
    check_types(df.select(cols).schema, file)
    df = df.with_columns(
        *(
            _as_text(df, c)
            for c in cols
            if c not in ("magnitude", "confidence")
            and not (c in ("start", "end") and df.schema[c] in (pl.Date, pl.Datetime))
        ),
        *(pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in cols),
    )
    if default_source:
        df = df.with_columns(pl.col("source").fill_null(default_source))
    bad = _Problems()
    for c in REQUIRED:
        bad.add(df, pl.col(c).is_null(), c, "required value is missing")

    df = _map(df, bad, "instrument", pl.col("instrument"), fields.parse_instrument, {"instrument": pl.String})
    df = _numbers(df, bad)
    df = _map(df, bad, "details", pl.col("details"), fields.parse_details, {"details": pl.String})
    for col, end in (("start", False), ("end", True)):
        df = _date(df, bad, col, end)
    bad.add(df, pl.col("end_date") < pl.col("start_date"), "end", "end is before start")
    unit_key = pl.concat_str(
        pl.col("unit").fill_null(""),
        pl.col("instrument").fill_null(""),
        pl.col("magnitude").is_not_null().cast(pl.String),
        separator=_SEP,
    )
    df = _map(df, bad, "unit", unit_key, _unit, {"unit": pl.String}, nulls=True)
    df = _map(
        df,
        bad,
        "polarity",
        pl.col("polarity").fill_null(""),
        fields.parse_polarity,
        {"polarity": pl.Int8},
        nulls=True,
    )
    for side in ("actor", "partner"):
        df = _map(
            df, bad, f"{side}_kind", pl.col(f"{side}_kind"), fields.parse_kind, {f"{side}_kind": pl.String}
        )
    known = ledger.sources()["id"].to_list() + list(new_sources)
    bad.add(
        df,
        pl.col("source").is_not_null() & ~pl.col("source").is_in(known),
        "source",
        unknown_source_message(known),
    )
    resolver = ledger.resolver()
    for side in ("actor", "partner"):
        df = _resolve(df, bad, resolver, side)
    bad.add(
        df,
        (pl.col("actor_kind") == pl.col("partner_kind")) & (pl.col("actor") == pl.col("partner")),
        "partner",
        "actor and partner are the same",
    )
    bad.raise_any(file, row_label)
    return df.rename({"source": "source_id"}).select(
        pl.col("_line").cast(pl.Int64), *(c for c in ENGAGEMENT_COLUMNS if c != "import_id"), "details"
    )


def _as_text(df: pl.DataFrame, col: str) -> pl.Expr:
    """A column as stripped text, empty strings as null (Parquet columns may be typed)."""
    e = pl.col(col)
    if df.schema[col] != pl.String:
        e = e.cast(pl.String)
    e = e.str.strip_chars()
    return pl.when(e.str.len_bytes() > 0).then(e).alias(col)


def _unit(key: str) -> str | None:
    unit, instrument, has = key.rsplit(_SEP, 2)
    if not instrument:
        return None
    return fields.parse_unit(unit or None, instrument, has == "true")


def _map(
    df: pl.DataFrame,
    bad: _Problems,
    field: str,
    key: pl.Expr,
    fn: Callable,
    outs: SchemaDict,
    *,
    nulls: bool = False,
) -> pl.DataFrame:
    """Run ``fn`` on each distinct key; write its answer(s) to ``outs``, its errors as problems."""
    uniq = df.select(key.alias("_u")).unique()
    if not nulls:
        uniq = uniq.drop_nulls()
    keys = uniq["_u"].to_list()
    answers: list[Any] = []
    errors: list[str | None] = []
    for k in keys:
        try:
            got = fn(k)
            errors.append(None)
        except ValueError as e:
            got = None
            errors.append(str(e))
        answers.append(got if len(outs) > 1 else (got,))
    df = df.with_columns(
        key.replace_strict(keys, range(len(keys)), default=None, return_dtype=pl.UInt32).alias("_ix")
    )
    err = pl.Series(errors, dtype=pl.String)
    df = df.with_columns(pl.lit(err).gather(pl.col("_ix")).alias("_err"))
    bad.add(df, pl.col("_err").is_not_null(), field, pl.col("_err"))
    return df.with_columns(
        pl.lit(pl.Series([a[i] if a else None for a in answers], dtype=dtype))
        .gather(pl.col("_ix"))
        .alias(name)
        for i, (name, dtype) in enumerate(outs.items())
    ).drop("_err", "_ix")


def _date(df: pl.DataFrame, bad: _Problems, col: str, end: bool) -> pl.DataFrame:
    out, prec = f"{col}_date", f"{col}_precision"
    if df.schema[col] in (pl.Date, pl.Datetime):
        df = df.with_columns(
            pl.col(col).cast(pl.Date).alias(out),
            pl.when(pl.col(col).is_not_null()).then(pl.lit("day")).alias(prec),
        )
        year = pl.col(out).dt.year()
        bad.add(
            df,
            (year < fields.FIRST_DATE_YEAR) | (year > LAST_YEAR),
            col,
            f"the year lies outside {fields.FIRST_DATE_YEAR}–{LAST_YEAR}",
        )
        return df

    def parse(text: str) -> tuple[date, str]:
        d, p = fields.parse_date(text, end=end)
        return d, p.value

    return _map(df, bad, col, pl.col(col), parse, {out: pl.Date, prec: pl.String})


def _numbers(df: pl.DataFrame, bad: _Problems) -> pl.DataFrame:
    for col in ("magnitude", "confidence"):
        if df.schema[col] in (pl.String, pl.Categorical) or isinstance(df.schema[col], pl.Enum):
            df = df.with_columns(_as_text(df, col))
            text = pl.col(col)
            num = (
                pl.when(text.str.contains(f"^(?:{fields.NUMBER})$")).then(text).cast(pl.Float64, strict=False)
            )
        elif not (df.schema[col].is_numeric() or df.schema[col] == pl.Null):
            num = pl.lit(None, pl.Float64)  # dates, booleans: not numbers
        else:
            num = pl.col(col).cast(pl.Float64, strict=False)
        bad.add(df, pl.col(col).is_not_null() & num.is_null(), col, "not a number")
        # negative zero is zero: one value, one id
        df = df.with_columns(pl.when(num == 0).then(pl.lit(0.0)).otherwise(num).alias(col))
    m, c = pl.col("magnitude"), pl.col("confidence")
    bad.add(df, m.is_infinite() | m.is_nan(), "magnitude", "magnitude must be finite")
    bad.add(df, m < 0, "magnitude", "magnitude must not be negative; record withdrawals with polarity -1")
    bad.add(df, (c < 0) | (c > 1) | c.is_nan(), "confidence", "confidence must lie between 0 and 1")
    return df.with_columns(c.fill_null(1.0))


def _resolve(df: pl.DataFrame, bad: _Problems, resolver: Resolver, side: str) -> pl.DataFrame:
    """Resolve one side's names (or COW codes) to actors on each row's start date.

    Each distinct (name, kind) is looked up once. Names whose code depends on the date
    ("Germany", "Yemen") become a short when/then chain over their spells.
    """
    kind, code = f"{side}_kind", f"{side}_ccode"
    text = pl.coalesce(pl.lit("cow:") + pl.col(code), pl.col(side))
    key = pl.concat_str(text, pl.col(kind).fill_null(""), separator=_SEP)
    df = df.with_columns(key.alias("_key"))
    outcomes: list[tuple] = []
    fixed: dict[str, int] = {}
    idx = None
    for k in df.select(pl.col("_key").unique().drop_nulls())["_key"].to_list():
        name, kd = k.rsplit(_SEP, 1)
        outcome = _outcome(resolver, name, kd or None)
        if isinstance(outcome, tuple):
            fixed[k] = len(outcomes)
            outcomes.append(outcome)
            continue
        for s_start, s_end, dated in outcome:
            cond = pl.col("_key") == k
            if s_start is not None:
                cond &= pl.col("start_date") >= s_start
            if s_end is not None:
                cond &= pl.col("start_date") <= s_end
            idx = pl.when(cond).then(pl.lit(len(outcomes), pl.UInt32)).otherwise(idx)
            outcomes.append(dated)
    direct = pl.col("_key").replace_strict(
        list(fixed), list(fixed.values()), default=None, return_dtype=pl.UInt32
    )
    df = df.with_columns(direct.alias("_i") if idx is None else pl.coalesce(idx, direct).alias("_i"))
    table = pl.DataFrame(
        outcomes,
        orient="row",
        schema={"_k": pl.String, "_n": pl.String, "_c": pl.Int32, "_err": pl.String},
    )
    df = df.with_columns(pl.lit(table[c]).gather(pl.col("_i")).alias(c) for c in table.columns)
    df = df.with_columns(_not_in_system(resolver.system, pl.col(code).is_null()).alias("_err"))
    bad.add(df, pl.col("_err").is_not_null(), side, pl.col("_err"))
    return df.with_columns(
        pl.col("_k").alias(kind), pl.col("_c").cast(pl.Int16).alias(code), pl.col("_n").alias(side)
    ).drop("_key", "_i", "_k", "_n", "_c", "_err")


def _outcome(resolver: Resolver, text: str, kind: str | None):
    """(kind, name, ccode, error) for a name, or a list of dated spells with such outcomes."""
    if kind == ActorKind.NONSTATE:
        return (ActorKind.NONSTATE.value, text, None, None)
    try:
        hit = resolver.lookup(text)
    except UnknownStateError as e:
        return (None, None, None, str(e))
    if isinstance(hit, Actor):
        if kind == ActorKind.STATE:
            return (None, None, None, f"{text!r} is a group, not a state")
        return (hit.kind.value, hit.name, None, None)
    if kind == ActorKind.GROUP:
        return (None, None, None, f"{text!r} is a state, not a group")
    outcomes = [
        (
            s.start,
            s.end,
            ("state", resolver.label(s.code), s.code, None)
            if s.code is not None
            else (None, None, None, f"unknown state or actor {text!r}: {s.reason}"),
        )
        for s in hit
    ]
    if len(outcomes) == 1 and outcomes[0][0] is None and outcomes[0][1] is None:
        return outcomes[0][2]
    return outcomes


def _not_in_system(system: StateSystem, named: pl.Expr) -> pl.Expr:
    """The error column, adding 'not a member on the start date' for the rows that ``named`` a
    state the system knows. A COW code given as such (``actor_ccode``) is taken as given, as the
    dataset importers take a producer's codes: ATOP's 1815 alliances, SIPRI's transfers to
    occupied states. One rule for every path (`records._side` applies it too)."""
    spells = system.spells.group_by("code").agg("start_date", "end_date")
    single = spells.filter(pl.col("start_date").list.len() == 1)
    codes = single["code"].to_list()
    c, d = pl.col("_c"), pl.col("start_date")
    s = c.replace_strict(
        codes, single["start_date"].list.first().to_list(), default=None, return_dtype=pl.Date
    )
    e = c.replace_strict(codes, single["end_date"].list.first().to_list(), default=None, return_dtype=pl.Date)
    exists = (d >= s) & (e.is_null() | (d <= e)) | s.is_null()
    for code, starts, ends in spells.filter(pl.col("start_date").list.len() > 1).iter_rows():
        inside = pl.lit(False)
        for a, b in zip(starts, ends, strict=True):
            inside |= (d >= a) & (pl.lit(True) if b is None else d <= b)
        exists = pl.when(c == code).then(inside).otherwise(exists)
    msg = pl.format("COW {} was not a member of the state system on {}", c, d)
    return (
        pl.when(pl.col("_err").is_null() & c.is_not_null() & named & ~exists)
        .then(msg)
        .otherwise(pl.col("_err"))
    )
