"""The `legation` command line (typer + rich)."""

from legation.cli import (  # noqa: F401  (registers the commands)
    data_cmds,
    demo,
    ledger_cmds,
    measures_cmds,
    model_cmds,
    optimise_cmds,
    panel_cmds,
    report_cmds,
    serve,
    text_cmds,
)
from legation.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
