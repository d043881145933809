"""Where the perception rules' settings and the customers' hash key come from.

The key is the server's (ServerSettings.perception_key / $HALLCHECK_PERCEPTION_KEY), else a
key file `customer-hash.key` in the data dir, made on first use and readable by its owner
only. It is never written to the database or a log: the sends keep its fingerprint, so a
changed key is refused instead of silently letting every customer be texted again.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from app.central import keyfile
from app.central.context import ServerContext
from app.programme.perception.hashing import CustomerHasher
from app.programme.perception.settings import PerceptionSettings

KEY_FILE = "customer-hash.key"


def key_path(ctx: ServerContext) -> Path:
    return ctx.settings.data_dir / KEY_FILE


def customer_hasher(ctx: ServerContext, *, create: bool = True) -> CustomerHasher:
    """The keyed hash of this server (a UserError when the configured key is too short)."""
    configured = ctx.settings.perception_key
    if configured:
        return CustomerHasher.from_setting(configured)
    path = key_path(ctx)
    if not create:
        return CustomerHasher.from_setting(path.read_text(encoding="ascii"))
    key = keyfile.read_or_make(path, lambda: (secrets.token_hex(32) + "\n").encode("ascii"),
                               valid=lambda data: len(data.strip()) >= 32)
    return CustomerHasher.from_setting(key.decode("ascii"))


def perception_settings(ctx: ServerContext | None = None) -> PerceptionSettings:
    """The programme's perception settings: programme.yaml's `perception:` section when
    the rule book carries one, else the documented defaults."""
    from app.central.perception.programme import settings_from_programme

    return settings_from_programme() or PerceptionSettings()
