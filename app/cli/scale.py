"""`hallcheck admin backup DIR`, `hallcheck admin restore DIR` and `hallcheck admin photos
migrate --to s3://...`: the endpoint at province scale (app/central/backup.py, photos.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from app.i18n import t

DataDir = typer.Option(None, "--data-dir", envvar="HALLCHECK_SERVER_DATA_DIR",
                       help="the server's data dir")
DbUrl = typer.Option(None, "--database-url", envvar="HALLCHECK_DATABASE_URL",
                     help="the server's database (default: SQLite in the data dir)")
PhotoStoreOpt = typer.Option(None, "--photo-store", envvar="HALLCHECK_PHOTO_STORE",
                             help="the server's photo store: s3://bucket/prefix "
                             "(default: DATA_DIR/photos)")


_ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _settings(data_dir: Path | None, database_url: str | None, photo_store: str | None
              ) -> Any:
    from app.central.settings import ServerSettings

    return ServerSettings.from_env(data_dir, database_url, photo_store=photo_store or None)


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr fed with (done, total)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1024  # type: ignore[assignment]
    return str(n)  # pragma: no cover


def register_admin(admin: typer.Typer) -> None:
    """Add backup, restore and the photos group to `hallcheck admin`."""
    photos = typer.Typer(help=t("scale.photos.help", "en"), no_args_is_help=True)
    admin.add_typer(photos, name="photos")

    @admin.command("backup", help=t("scale.backup.help", "en"))
    def backup_cmd(
        directory: Path = typer.Argument(..., help="a new or empty directory"),
        listing_only: bool = typer.Option(
            False, "--photos-listing-only",
            help="list the bucket's photos with their hashes instead of copying them "
            "(when the bucket is versioned or replicated on its own)"),
        data_dir: Path = DataDir, database_url: str = DbUrl, photo_store: str = PhotoStoreOpt,
    ) -> None:
        from app.central import backup

        settings = _settings(data_dir, database_url, photo_store)
        with _bar(t("scale.backup.progress")) as progress:
            report = backup.backup(settings, directory, copy_photos=not listing_only,
                                   progress=progress)
        typer.echo(t("scale.backup.done", dir=str(report.directory),
                     database=_ENGINES[report.database], tables=len(report.tables),
                     photos=report.photos,
                     size=_size(report.bytes)))

    @admin.command("restore", help=t("scale.restore.help", "en"))
    def restore_cmd(
        directory: Path = typer.Argument(..., help="a backup written by `admin backup`"),
        data_dir: Path = DataDir, database_url: str = DbUrl, photo_store: str = PhotoStoreOpt,
    ) -> None:
        from app.central import backup

        settings = _settings(data_dir, database_url, photo_store)
        with _bar(t("scale.restore.progress")) as progress:
            report = backup.restore(settings, directory, progress=progress)
        typer.echo(t("scale.restore.done", tables=len(report.tables),
                     rows=sum(report.tables.values()), photos=report.photos))

    @photos.command("migrate", help=t("scale.photos.migrate.help", "en"))
    def migrate_cmd(
        to: str = typer.Option(..., "--to", help="s3://bucket/prefix, or a folder"),
        threads: int = typer.Option(8, "--threads", min=1, max=64,
                                    help="photos copied at once"),
        data_dir: Path = DataDir, photo_store: str = PhotoStoreOpt,
    ) -> None:
        from app.central.photos import migrate_photos, open_photo_store, photo_store_at
        from app.errors import UserError

        settings = _settings(data_dir, None, photo_store)
        source = open_photo_store(settings)
        target = photo_store_at(to)
        if target.describe() == source.describe():
            raise UserError("scale.photos.migrate.same", where=source.describe())
        with _bar(t("scale.photos.migrate.progress")) as progress:
            report = migrate_photos(source, target, threads=threads, progress=progress)
        bad = report.bad or []
        for sha, actual in bad:
            typer.echo(t("scale.photos.migrate.bad", sha256=sha, actual=actual), err=True)
        typer.echo(t("scale.photos.migrate.done", copied=report.copied,
                     present=report.present, bad=len(bad), where=target.describe()))
        if bad:
            raise UserError("scale.photos.migrate.failed", bad=len(bad))
        typer.echo(t("scale.photos.migrate.next", where=to))
