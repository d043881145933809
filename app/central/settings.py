"""How one central endpoint is configured: where its data lives and what it accepts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from app.sync.protocol import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_REQUEST_BYTES

DATA_DIR_ENV = "HALLCHECK_SERVER_DATA_DIR"
DATABASE_URL_ENV = "HALLCHECK_DATABASE_URL"
AUTO_APPROVE_ENV = "HALLCHECK_AUTO_APPROVE_HOURS"
DISPUTE_DAYS_ENV = "HALLCHECK_DISPUTE_DAYS"
PHOTO_STORE_ENV = "HALLCHECK_PHOTO_STORE"  # s3://bucket/prefix (issue 13); default the folder
PERCEPTION_KEY_ENV = "HALLCHECK_PERCEPTION_KEY"  # customer perception (issue 11)

# Why a result may be rejected (never counted): (code, zh, en). A deployment may pass its own.
DEFAULT_REJECTION_REASONS: tuple[tuple[str, str, str], ...] = (
    ("wrong_outlet", "检查的不是该营业厅", "Not the outlet named"),
    ("not_on_site", "检查人不在现场（定位或时间不符）",
     "Inspector was not on site (location or times do not fit)"),
    ("evidence_unusable", "证据无法使用或与结果不符",
     "Evidence unusable or does not match the findings"),
    ("duplicate", "重复提交的检查", "Duplicate of another result"),
    ("rotation_breach", "违反暗访轮换规则", "Breaks the mystery-shopper rotation rule"),
    ("test_entry", "测试或误提交的记录", "Test or mistaken entry"),
)


def default_server_data_dir() -> Path:
    """$HALLCHECK_SERVER_DATA_DIR, else the platform's data dir for 'hallcheck-server'."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("hallcheck-server", appauthor=False))


TRUST_SETTINGS: dict[str, type] = {
    "short_visit_minutes": float, "late_upload_hours": float, "enrol_free_attempts": int,
    "enrol_base_delay_s": float, "enrol_max_delay_s": float, "enrol_window_hours": float,
    "max_conflicts_per_device": int, "lockout_threshold": int,
}


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    database_url: str | None = None  # None: SQLite file `server.db` in data_dir
    checklists_path: Path | None = None  # None: data_dir/checklists.yaml, else the shipped one
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    # review (app/central/review.py): off unless set; only unflagged results, see docs/api.md
    auto_approve_hours: float | None = None
    auto_approve_every_s: float = 300.0  # how often the server process looks for them
    dispute_days: int = 30  # an approved result may be disputed this many days
    rejection_reasons: tuple[tuple[str, str, str], ...] = DEFAULT_REJECTION_REASONS
    # console accounts (app/central/accounts.py)
    session_idle_minutes: float = 30.0
    session_absolute_hours: float = 12.0
    lockout_threshold: int = 5  # wrong passwords in a row before the account is locked
    #                             (also $HALLCHECK_SERVER_LOCKOUT_THRESHOLD)
    lockout_minutes: float = 5.0  # the first lock; each further lock doubles it ...
    lockout_max_minutes: float = 240.0  # ... up to this
    # trust (app/central/ingest.py): flags on a received result, the enrolment throttle,
    # kept conflicts. Each may be set as $HALLCHECK_SERVER_<NAME IN CAPITALS>.
    short_visit_minutes: float = 5.0  # time on site below this: flag `short_visit`
    late_upload_hours: float = 48.0  # received this long after finalising: `late_upload`
    enrol_free_attempts: int = 5  # refused enrolments per address before delays start
    enrol_base_delay_s: float = 2.0  # the first delay; each further refusal doubles it
    enrol_max_delay_s: float = 3600.0
    enrol_window_hours: float = 24.0  # refusals older than this are forgotten
    max_conflicts_per_device: int = 200  # kept 409 bodies per device; beyond: refused
    # where photo bytes live (app/central/photos.py open_photo_store): None is the folder
    # data_dir/photos; "s3://bucket/prefix" an S3-compatible bucket, its endpoint and
    # credentials from the environment (app/central/photo_s3.py), never from here
    photo_store: str | None = None
    # customer perception (issue 11): the key of the customers' keyed hash (64 hex digits
    # or a passphrase of >= 16 bytes); never in the database, a log or a repr. None: the
    # key file `customer-hash.key` in data_dir (made on first use, owner-only), or
    # $HALLCHECK_PERCEPTION_KEY.
    perception_key: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'server.db'}"

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    def resolved_checklists_path(self) -> Path | None:
        if self.checklists_path is not None:
            return self.checklists_path
        local = self.data_dir / "checklists.yaml"
        if local.exists():
            return local
        from app.checklists import default_checklists_path

        shipped = default_checklists_path()
        return shipped if shipped.exists() else None

    @classmethod
    def from_env(cls, data_dir: Path | None = None, database_url: str | None = None,
                 **kw: object) -> ServerSettings:
        review: dict[str, object] = {}
        if os.environ.get(AUTO_APPROVE_ENV) and "auto_approve_hours" not in kw:
            review["auto_approve_hours"] = _positive(AUTO_APPROVE_ENV, float)
        if os.environ.get(DISPUTE_DAYS_ENV) and "dispute_days" not in kw:
            review["dispute_days"] = _positive(DISPUTE_DAYS_ENV, int)
        for name, kind in TRUST_SETTINGS.items():
            env = f"HALLCHECK_SERVER_{name.upper()}"
            if os.environ.get(env) and name not in kw:
                review[name] = _positive(env, kind)
        if os.environ.get(PERCEPTION_KEY_ENV) and "perception_key" not in kw:  # issue 11
            review["perception_key"] = os.environ[PERCEPTION_KEY_ENV]
        if os.environ.get(PHOTO_STORE_ENV) and "photo_store" not in kw:
            review["photo_store"] = os.environ[PHOTO_STORE_ENV]
        return cls(
            data_dir=Path(data_dir) if data_dir else default_server_data_dir(),
            database_url=database_url or os.environ.get(DATABASE_URL_ENV) or None,
            **review, **kw,  # type: ignore[arg-type]
        )


def _positive(name: str, kind: type) -> float | int:
    """A positive number from the environment, or a UserError naming the variable."""
    from app.errors import UserError

    raw = os.environ.get(name, "")
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if not value > 0 or value != value or value == float("inf"):
        raise UserError("review.settings.bad_number", name=name, value=raw[:40])
    return value  # type: ignore[no-any-return]
