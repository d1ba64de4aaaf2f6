"""The typer application and what every command shares: the ledger option and error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Annotated, Any, get_args

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from legation import years as years_
from legation.errors import InvalidValueError, LegationError


def _plain_metavar(param: TyperOption | TyperArgument) -> str:
    """What the help shows for a parameter's value: nothing for a flag, PATH, TEXT or INTEGER for a
    value, the choices of a choice; never Python's type names (``<bool>``, ``<list[Path]>``)."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    kind = param.type_descriptor
    if kind.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in kind.choices or ())
    element = get_args(kind.annotation)[0] if kind.is_list else kind.annotation
    path = kind.is_path or (isinstance(element, type) and issubclass(element, PurePath))
    name = "PATH" if path else {int: "INTEGER", float: "NUMBER"}.get(element, "TEXT")
    return f"{name}..." if kind.is_list else name


def _plain_help(params: list[Any]) -> None:
    """Make the help's value column show `_plain_metavar` for each parameter (typer's own column
    reads a method of the parameter, so the label is set on the instance)."""
    for param in params:
        if isinstance(param, TyperOption | TyperArgument):
            label = _plain_metavar(param)
            setattr(param, "display_type_rich", lambda ctx, label=label: label)  # noqa: B010
            if isinstance(param, TyperArgument):  # the usage line: PATHS... or [YEAR], not {paths}...
                shown = param.display_name_raw.upper()
                shown = shown if param.required else f"[{shown}]"
                shown += "..." if param.nargs != 1 else ""
                setattr(param, "_usage_display_name", lambda shown=shown: shown)  # noqa: B010


class Command(TyperCommand):
    """A command whose help shows plain value names (`_plain_metavar`)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help(self.get_params(ctx))
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:  # the usage line of an error, too
        _plain_help(self.get_params(ctx))
        super().format_usage(ctx, formatter)


class Group(TyperGroup):
    """A command group whose help shows plain value names (`_plain_metavar`)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help(self.get_params(ctx))
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:  # the usage line of an error, too
        _plain_help(self.get_params(ctx))
        super().format_usage(ctx, formatter)


app = typer.Typer(
    cls=Group,
    name="legation",
    help="Military diplomacy and soft power: a sourced ledger of engagements and its measures.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from legation import __version__

        typer.echo(f"legation {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Military diplomacy and soft power: a sourced ledger of engagements and its measures."""


console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", envvar="LEGATION_DB", help="Ledger file (default: user data dir).", show_default=False
    ),
]


def command(*args: Any, group: typer.Typer | None = None, **kwargs: Any) -> Callable:
    """`app.command` (or ``group.command``) that turns legation's own errors, and the operating
    system's (a read-only file system, a full disk), into one message and exit code 1."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*a: Any, **kw: Any) -> Any:
            try:
                return fn(*a, **kw)
            except LegationError as e:
                err_console.print("[bold red]error:[/]", escape(str(e)), soft_wrap=True, highlight=False)
                raise typer.Exit(1) from None
            except OSError as e:  # the environment: a read-only file system, a full disk, no permission
                where = f": {e.filename}" if e.filename else ""
                text = f"{e.strerror}{where}" if e.strerror else str(e)
                err_console.print("[bold red]error:[/]", escape(text), soft_wrap=True, highlight=False)
                raise typer.Exit(1) from None
            except Exception as e:
                from legation.ledger.opening import damage  # DuckDB is loaded only when a command failed

                damaged = damage(e)
                if damaged is None:
                    raise
                err_console.print(
                    "[bold red]error:[/]", escape(str(damaged)), soft_wrap=True, highlight=False
                )
                raise typer.Exit(1) from None

        return (group or app).command(*args, cls=Command, **kwargs)(run)

    return wrap


@contextmanager
def stages(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time whose text follows the stage names a task reports."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)
        yield lambda stage: bar.update(task, description=f"{title}: {stage}")


def year_span(text: str) -> tuple[int, int]:
    """A ``--years`` value (``1990-2015``, ``1990–2015`` or ``2010``) as a span, or a usage error."""
    try:
        return years_.span(text)
    except InvalidValueError as e:
        raise typer.BadParameter(str(e)) from None
