"""`hallcheck sync` (one sync with a progress bar and a summary) and `hallcheck enrol`."""

from __future__ import annotations

import platform
from pathlib import Path

import typer

from app.i18n import get_language, t


def register(cli: typer.Typer) -> None:
    """Add `hallcheck sync` and `hallcheck enrol` to the root command."""

    @cli.command("enrol", help=t("sync.cli.enrol.help", "en"))
    def enrol_cmd(
        endpoint: str = typer.Option(..., "--endpoint", help="e.g. https://hallcheck.example.cn"),
        code: str = typer.Option(..., "--code", help="the enrolment code from channel management"),
        name: str = typer.Option(None, "--name", help="a name for this device"),
        data_dir: Path = typer.Option(None, "--data-dir", help="the device's data directory"),
    ) -> None:
        from app.services import Workspace
        from app.sync.client import enrol

        with Workspace.open(data_dir) as ws:
            answer = enrol(ws, endpoint, code, name or platform.node() or "hallcheck device",
                           lang=get_language())  # the server answers in --lang
        typer.echo(t("sync.cli.enrolled", endpoint=endpoint.rstrip("/"),
                     device_id=answer.device_id))
        if answer.inspector_id:
            typer.echo(t("sync.cli.enrolled_as", name=answer.inspector_name or "-",
                         id=answer.inspector_id))

    @cli.command("sync", help=t("sync.cli.sync.help", "en"))
    def sync_cmd(
        endpoint: str = typer.Option(None, "--endpoint",
                                     help="use this endpoint for this run (default: the one "
                                     "enrolled with)"),
        data_dir: Path = typer.Option(None, "--data-dir", help="the device's data directory"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    ) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from app.services import Workspace
        from app.sync.client import Progress as Step
        from app.sync.client import SyncClient, iter_reasons

        console = Console(stderr=True)
        with Workspace.open(data_dir) as ws, \
                Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                         console=console, transient=True, disable=quiet) as bar:
            task = bar.add_task(t("sync.cli.progress.pull"), total=None)

            def on_step(step: Step) -> None:
                if step.phase == "push":
                    bar.update(task, description=t("sync.cli.progress.push"),
                               total=step.total, completed=step.done)

            with SyncClient.for_workspace(ws, endpoint, progress=on_step,
                                          lang=get_language()) as client:
                report = client.run()
        if report.reached_server:
            checklists = (t("sync.cli.checklists_unchanged") if report.checklists_new is None
                          else t("sync.cli.checklists_new", count=report.checklists_new))
            typer.echo(t("sync.cli.pulled", checklists=checklists,
                         outlets=report.outlets_changed, assignments=report.assignments))
        typer.echo(t("sync.cli.summary", sent=report.sent, already=report.already,
                     photos_sent=report.photos_sent, photos_already=report.photos_already,
                     waiting=report.waiting))
        for kind, uuid, reason in iter_reasons(report):
            typer.echo(f"  {uuid}  {t(f'sync.cli.item.{kind}')}: {reason}")
        if report.stopped:
            typer.echo(t("sync.cli.stopped", reason=report.stopped), err=True)
        if report.auth_failed:
            raise typer.Exit(3)
        if not report.ok:
            raise typer.Exit(1)
