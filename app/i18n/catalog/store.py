"""The on-device database: problems opening or upgrading it."""

MESSAGES: dict[str, tuple[str, str]] = {
    "store.newer_schema": (
        "本机数据由更新版本的应用写入（数据库版本 {revision}），当前应用无法打开。"
        "请将应用升级到最新版本；数据不会丢失。",
        "The data on this device was written by a newer version of the app (database "
        "revision {revision}) and this version cannot open it. Update the app to the latest "
        "version; your data is kept.",
    ),
    "store.migration_failed": (
        "升级本机数据库失败，数据保持升级前的状态，没有丢失。请重启应用；"
        "如仍失败，请联系渠道管理。（{detail}）",
        "Upgrading the database on this device failed; the data is exactly as it was "
        "before and nothing is lost. Restart the app; if it fails again, contact channel "
        "management. ({detail})",
    ),
    "store.disk_full": (
        "手机存储空间已满，无法保存。请删除一些无用的文件或照片后重试；已保存的内容不受影响。",
        "The device storage is full, so this could not be saved. Free some space (delete "
        "unneeded files or photos) and try again; what was saved before is safe.",
    ),
    "store.busy": (
        "数据库正被其他程序占用（例如正在同步），这一步没有保存。请稍后重试。",
        "The database is busy in another program (a sync, perhaps), so this was not "
        "saved. Try again in a moment.",
    ),
}
