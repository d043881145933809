"""`hallcheck month close|show|export`: close a month and read or export it."""

from __future__ import annotations

import typer

group = typer.Typer(name="month", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="month")
