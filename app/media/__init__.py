"""Photo evidence files: intake (normalise, strip metadata, store by hash) and checks.

Pure file work with no database access; the store layer calls `intake_photo` and records
the returned `StoredPhoto` once it has returned (the files are durable by then).
"""

from app.media.files import remove_stale_temp_files, sha256_file
from app.media.formats import PhotoFormat
from app.media.intake import (
    PhotoMeta,
    SourceKind,
    StoredPhoto,
    intake_photo,
    photo_paths,
    read_photo_meta,
)

__all__ = [
    "PhotoFormat",
    "PhotoMeta",
    "SourceKind",
    "StoredPhoto",
    "intake_photo",
    "photo_paths",
    "read_photo_meta",
    "remove_stale_temp_files",
    "sha256_file",
]
