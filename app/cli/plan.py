"""`hallcheck plan covert|coaching|status`: visit plans."""

from __future__ import annotations

import typer

group = typer.Typer(name="plan", no_args_is_help=True)


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="plan")
