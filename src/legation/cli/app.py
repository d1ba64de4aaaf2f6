"""The typer application and what every command shares: the ledger option and error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from legation import years as years_
from legation.errors import InvalidValueError, LegationError

app = typer.Typer(
    name="legation",
    help="Military diplomacy and soft power: a sourced ledger of engagements and its measures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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

        return (group or app).command(*args, **kwargs)(run)

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
