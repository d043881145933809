"""The `hallcheck` command. Each area registers its own commands from a module here.

`main()` is the console-script entry point: it turns a UserError into its message and
exit code 2, and any other exception into a plain sentence (details go to the log, never
a traceback on the user's screen).
"""

from __future__ import annotations

import logging
import sys

import typer

from app.errors import UserError
from app.i18n import set_language, t

log = logging.getLogger("hallcheck")

cli = typer.Typer(
    name="hallcheck",
    help="hallcheck: offline-first service-quality inspections (暗访 / 明查 / 自查).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@cli.callback()
def _root(
    lang: str = typer.Option(None, "--lang", envvar="HALLCHECK_LANG",
                             help="zh (default) or en"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log details to stderr"),
) -> None:
    """Offline-first service-quality inspections for retail outlets."""
    if lang:
        set_language(lang)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _register_all() -> None:
    from app.cli import (
        admin,
        app_cmd,
        checklists,
        month,
        perception,
        plan,
        programme,
        server,
        sync,
    )

    for module in (checklists, programme, month, plan, perception, app_cmd, server, sync,
                   admin):
        module.register(cli)


def main(argv: list[str] | None = None) -> int:
    _register_all()
    try:
        rc = cli(args=argv, standalone_mode=False)  # typer.Exit(n) comes back as n
    except UserError as exc:
        typer.echo(exc.message(), err=True)
        return 2
    except SystemExit as exc:  # typer/click exit codes
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        return 1
    except typer.TyperException as exc:  # a usage error: typer (its click) says what
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        return int(getattr(exc, "exit_code", 2))
    except Exception:  # a bug: a sentence on screen, the traceback in the log (--verbose)
        log.debug("unexpected error", exc_info=True)
        typer.echo(t("error.unexpected"), err=True)
        return 1
    return int(rc or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
