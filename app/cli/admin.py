"""`hallcheck admin ...`: manage the central endpoint's inspectors, enrolment codes, devices,
outlets and assignments (run where the server's database is reachable)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from app.i18n import t

DataDir = typer.Option(None, "--data-dir", envvar="HALLCHECK_SERVER_DATA_DIR",
                       help="the server's data dir")
DbUrl = typer.Option(None, "--database-url", envvar="HALLCHECK_DATABASE_URL",
                     help="the server's database (default: SQLite in the data dir)")


def _ctx(data_dir: Path | None, database_url: str | None):  # type: ignore[no-untyped-def]
    from app.central.context import ServerContext
    from app.central.settings import ServerSettings

    return ServerContext(ServerSettings.from_env(data_dir, database_url))


def _when(dt) -> str:  # type: ignore[no-untyped-def]
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "-"


def _table(headers: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def register(cli: typer.Typer) -> None:
    """Add `hallcheck admin` and its groups to the root command."""
    admin = typer.Typer(help=t("sync.cli.admin.help", "en"), no_args_is_help=True)
    codes = typer.Typer(help="enrolment codes: one-time codes a device trades for a token",
                        no_args_is_help=True)
    inspectors = typer.Typer(help="inspectors", no_args_is_help=True)
    devices = typer.Typer(help="enrolled devices", no_args_is_help=True)
    outlets = typer.Typer(help="outlets", no_args_is_help=True)
    assignments = typer.Typer(help="assigned visits", no_args_is_help=True)
    admin.add_typer(codes, name="enrol-code")
    admin.add_typer(inspectors, name="inspectors")
    admin.add_typer(devices, name="devices")
    admin.add_typer(outlets, name="outlets")
    admin.add_typer(assignments, name="assignments")
    _register_managers(admin)
    _register_shoppers(admin)  # visit planning (issue 10)
    _register_bases(admin)  # month close (issue 9)
    from app.cli.scale import register_admin as _register_scale  # backup, restore, photos

    _register_scale(admin)  # (issue 13)
    cli.add_typer(admin, name="admin")

    @codes.command("create")
    def code_create(
        inspector: str = typer.Option(None, "--inspector", help="inspector id the device acts for"),
        role: str = typer.Option("device", "--role", help="device, or manager (read access)"),
        hours: int = typer.Option(72, "--valid-hours", help="the code expires after this"),
        outlet: str = typer.Option(None, "--outlet",
                                   help="a kiosk's outlet code (outlet agents only): it "
                                   "files self-checks of this outlet only"),
        data_dir: Path = DataDir, database_url: str = DbUrl,
    ) -> None:
        from app.central import admin as ops

        code, row = ops.create_enrol_code(_ctx(data_dir, database_url), inspector, role, hours,
                                          outlet_code=outlet)
        typer.echo(t("sync.cli.code.created", code=code, id=row.id,
                     expires=_when(row.expires_at)))

    @codes.command("list")
    def code_list(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        rows = ops.list_enrol_codes(_ctx(data_dir, database_url))
        _table([t("sync.cli.col.id"), t("sync.cli.col.code"), t("sync.cli.col.role"),
                t("sync.cli.col.inspector"), t("sync.cli.col.state"),
                t("sync.cli.col.expires"), t("sync.cli.col.device")],
               [[str(r.id), r.hint + "-…", r.role, r.inspector_id or "-",
                 t(f"sync.cli.code_state.{ops.code_state(r)}"), _when(r.expires_at),
                 r.used_by or "-"] for r in rows])

    @codes.command("revoke")
    def code_revoke(code_id: int = typer.Argument(..., help="the id from `enrol-code list`"),
                    data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        ops.revoke_enrol_code(_ctx(data_dir, database_url), code_id)
        typer.echo(t("sync.cli.code.revoked", id=code_id))

    @inspectors.command("add")
    def inspector_add(
        inspector_id: str = typer.Argument(..., help="e.g. ms-001"),
        name: str = typer.Argument(...),
        role: str = typer.Option("mystery_shopper", "--role",
                                 help="mystery_shopper, area_manager or outlet_agent"),
        outlet: str = typer.Option(None, "--outlet",
                                   help="an outlet agent's own outlet code: their kiosk "
                                   "files self-checks of it only"),
        data_dir: Path = DataDir, database_url: str = DbUrl,
    ) -> None:
        from app.central import admin as ops

        _, created = ops.add_inspector(_ctx(data_dir, database_url), inspector_id, name, role,
                                       outlet_code=outlet)
        typer.echo(t("sync.cli.inspector.added" if created else "sync.cli.inspector.updated",
                     id=inspector_id))

    @inspectors.command("list")
    def inspector_list(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        rows = ops.list_inspectors(_ctx(data_dir, database_url))
        _table([t("sync.cli.col.id"), t("sync.cli.col.name"), t("sync.cli.col.role")],
               [[r.id, r.name, t(f"role.{r.role}")] for r in rows])

    @devices.command("list")
    def device_list(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        rows = ops.list_devices(_ctx(data_dir, database_url))
        _table([t("sync.cli.col.id"), t("sync.cli.col.name"), t("sync.cli.col.role"),
                t("sync.cli.col.inspector"), t("sync.cli.col.last_seen"),
                t("sync.cli.col.state")],
               [[d.id, d.name, d.role, d.inspector_id or "-", _when(d.last_seen_at),
                 t("sync.cli.code_state.revoked") if d.revoked_at
                 else t("sync.cli.device.active")] for d in rows])

    @devices.command("revoke")
    def device_revoke(device_id: str = typer.Argument(...),
                      data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        ops.revoke_device(_ctx(data_dir, database_url), device_id)
        typer.echo(t("sync.cli.device.revoked", id=device_id))

    @devices.command("forget-conflicts")
    def device_forget_conflicts(device_id: str = typer.Argument(...),
                                data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        """Remove a device's kept conflicts once reviewed (the cap then allows new ones)."""
        from app.central import admin as ops

        n = ops.forget_conflicts(_ctx(data_dir, database_url), device_id)
        typer.echo(t("sync.cli.device.conflicts_forgotten", id=device_id, count=n))

    @outlets.command("import")
    def outlet_import(file: Path = typer.Argument(..., help="CSV: code,name,tier[,region,"
                                                  "business_unit,address,active]"),
                      data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        r = ops.import_outlets_csv(_ctx(data_dir, database_url), file)
        typer.echo(t("sync.cli.outlets.imported", created=r.created, updated=r.updated,
                     unchanged=r.unchanged))

    @assignments.command("add")
    def assignment_add(
        inspector: str = typer.Option(..., "--inspector"),
        outlet: str = typer.Option(..., "--outlet"),
        kind: str = typer.Option("mystery_shop", "--kind"),
        due_by: str = typer.Option(None, "--due-by", help="YYYY-MM-DD"),
        note: str = typer.Option(None, "--note"),
        data_dir: Path = DataDir, database_url: str = DbUrl,
    ) -> None:
        from app.central import admin as ops
        from app.errors import UserError

        try:
            due = date.fromisoformat(due_by) if due_by else None
        except ValueError:
            raise UserError("sync.cli.bad_date", value=due_by) from None
        row = ops.add_assignment(_ctx(data_dir, database_url), inspector, outlet, kind,
                                 due_by=due, note=note)
        typer.echo(t("sync.cli.assignment.added", id=row.id))

    @assignments.command("import")
    def assignment_import(file: Path = typer.Argument(..., help="CSV: inspector,outlet,kind"
                                                      "[,due_from,due_by,note]"),
                          data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import admin as ops

        r = ops.import_assignments_csv(_ctx(data_dir, database_url), file)
        typer.echo(t("sync.cli.assignments.imported", created=r.created))


def _read_password(password_stdin: bool) -> str:
    """The new password from a hidden prompt (asked twice) or one line of stdin; never an
    option value (it would show in the shell history and the process list)."""
    import sys

    from app.errors import UserError

    if password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError("accounts.password_stdin_empty")
        return line
    first = typer.prompt(t("accounts.cli.prompt"), hide_input=True)
    again = typer.prompt(t("accounts.cli.prompt_again"), hide_input=True)
    if first != again:
        raise UserError("accounts.password_mismatch")
    return str(first)


def _register_managers(admin: typer.Typer) -> None:
    """`hallcheck admin managers add|list|disable|password`: console accounts."""
    managers = typer.Typer(help="console accounts (reviewer, manager, viewer)",
                           no_args_is_help=True)
    admin.add_typer(managers, name="managers")
    stdin_opt = typer.Option(False, "--password-stdin",
                             help="read the password from one line of standard input")

    @managers.command("add")
    def manager_add(
        username: str = typer.Argument(..., help="login name, e.g. li.wei"),
        name: str = typer.Option(..., "--name", help="display name"),
        role: str = typer.Option("reviewer", "--role", help="reviewer, manager or viewer"),
        unit: str = typer.Option(None, "--unit",
                                 help="limit the account to this business unit (营业部)"),
        password_stdin: bool = stdin_opt,
        data_dir: Path = DataDir, database_url: str = DbUrl,
    ) -> None:
        from app.central import accounts

        password = _read_password(password_stdin)
        info = accounts.add_manager(_ctx(data_dir, database_url), username, name,
                                    role, password, business_unit=unit)  # type: ignore[arg-type]
        typer.echo(t("accounts.cli.added", username=info.username,
                     role=t(f"accounts.role.{info.role}")))

    @managers.command("list")
    def manager_list(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import accounts

        rows = accounts.list_managers(_ctx(data_dir, database_url))
        _table([t("accounts.cli.col.username"), t("accounts.cli.col.name"),
                t("accounts.cli.col.role"), t("accounts.cli.col.unit"),
                t("accounts.cli.col.state")],
               [[m.username, m.display_name, t(f"accounts.role.{m.role}"),
                 m.business_unit or t("accounts.cli.all_units"),
                 t("accounts.cli.active" if m.active else "accounts.cli.inactive")]
                for m in rows])

    @managers.command("disable")
    def manager_disable(username: str = typer.Argument(...),
                        data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import accounts

        accounts.disable_manager(_ctx(data_dir, database_url), username)
        typer.echo(t("accounts.cli.disabled", username=username))

    @managers.command("password")
    def manager_password(username: str = typer.Argument(...),
                         password_stdin: bool = stdin_opt,
                         data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central import accounts

        password = _read_password(password_stdin)
        accounts.set_password(_ctx(data_dir, database_url), username, password)
        typer.echo(t("accounts.cli.password_set", username=username))


# --- visit planning (issue 10): the mystery-shopper pool ----------------------------------


def _register_shoppers(admin: typer.Typer) -> None:
    shoppers = typer.Typer(help="the mystery-shopper pool the covert plan draws on",
                           no_args_is_help=True)
    admin.add_typer(shoppers, name="shoppers")

    @shoppers.command("import")
    def shopper_import(file: Path = typer.Argument(..., help="CSV: id,home_region[,regions,"
                                                   "weekdays,dates,unavailable,max_per_day,"
                                                   "excluded]"),
                       data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        from app.central.plans.shoppers import import_shoppers_csv

        ctx = _ctx(data_dir, database_url)
        try:
            r = import_shoppers_csv(ctx, file)
        finally:
            ctx.close()
        typer.echo(t("planning.shoppers.imported", created=r.created, updated=r.updated))


# --- end visit planning ---


# --- month close (issue 9): commission bases ------------------------------------------------


def _register_bases(admin: typer.Typer) -> None:
    bases = typer.Typer(help="commission bases (服务佣金基数) per outlet class x region x "
                             "quarter/half-year", no_args_is_help=True)
    admin.add_typer(bases, name="bases")

    @bases.command("import")
    def bases_import(file: Path = typer.Argument(..., help="CSV: class,region,period,amount"),
                     data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        """Import bases, all rows or none (a period already stored takes the new amount)."""
        from app.central.month.masterdata import import_bases_csv

        ctx = _ctx(data_dir, database_url)
        try:
            r = import_bases_csv(ctx, file)
        finally:
            ctx.close()
        typer.echo(t("month.cli.bases.imported", created=r.created, replaced=r.replaced,
                     unchanged=r.unchanged))

    @bases.command("list")
    def bases_list(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
        """The stored bases, by period, class and region."""
        from app.central.month.masterdata import list_bases
        from app.programme.money import yuan

        ctx = _ctx(data_dir, database_url)
        try:
            rows = list_bases(ctx)
        finally:
            ctx.close()
        if not rows:
            typer.echo(t("month.cli.bases.none"))
        for b in rows:
            typer.echo(t("month.cli.bases.row", period=b.period, outlet_class=b.outlet_class,
                         region=b.region or "-", amount=yuan(b.amount_cents)))
