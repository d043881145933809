"""Scale (issue 13): several workers, photos in S3-compatible storage, backup and restore."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the S3 photo store (app/central/photo_s3.py) ---
    "scale.s3.bad_url": (
        "照片存储地址无效：{url}。格式为 s3://存储桶/前缀。",
        "Not a photo store address: {url}. Use s3://bucket/prefix.",
    ),
    "scale.s3.credentials_in_url": (
        "照片存储地址中不能包含密钥或端口：服务地址和密钥请通过环境变量提供"
        "（AWS_ENDPOINT_URL_S3、AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY）。",
        "No credentials or port in the photo store address: give the service and its keys "
        "in the environment (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).",
    ),
    "scale.s3.bad_bucket": (
        "存储桶名称无效：{bucket}（3–63 个小写字母、数字、点或连字符）。",
        "Not a bucket name: {bucket} (3 to 63 lower-case letters, digits, dots or hyphens).",
    ),
    "scale.s3.bad_addressing": (
        "HALLCHECK_S3_ADDRESSING_STYLE 应为 path、virtual 或 auto，而不是 {value}。",
        "HALLCHECK_S3_ADDRESSING_STYLE must be path, virtual or auto, not {value}.",
    ),
    "scale.s3.no_boto3": (
        "对象存储需要服务器组件（pip install \"hallcheck[server]\"）。",
        "Object storage needs the server extra (pip install \"hallcheck[server]\").",
    ),
    "scale.s3.unreachable": (
        "无法访问照片存储 {where}（{reason}）。请检查服务地址、存储桶和密钥。",
        "Cannot reach the photo store {where} ({reason}). Check the endpoint, the bucket "
        "and the keys.",
    ),
    # --- hallcheck server --workers (app/cli/server.py) ---
    "scale.server.workers": (
        "启动 {n} 个工作进程（共用数据库{store}）。",
        "Starting {n} worker processes (one database{store}).",
    ),
    "scale.server.store": ("，照片存于 {where}", ", photos in {where}"),
    "scale.server.sqlite_workers": (
        "提示：多个工作进程共用 SQLite 只适用于一台机器；省级规模请使用 PostgreSQL。",
        "Note: several workers on SQLite suit one machine only; at province scale use "
        "PostgreSQL.",
    ),
    "scale.server.bad_workers": (
        "--workers 应为 1 到 64 之间的整数，而不是 {value}。",
        "--workers must be a whole number from 1 to 64, not {value}.",
    ),
    # --- hallcheck admin photos migrate ---
    "scale.photos.help": ("照片存储：在文件夹和对象存储之间迁移。",
                          "photo storage: move between a folder and object storage"),
    "scale.photos.migrate.help": (
        "把照片复制到另一个存储（s3://存储桶/前缀 或文件夹），逐一校验哈希；"
        "中断后再次运行即从中断处继续。",
        "copy the photos into another store (s3://bucket/prefix or a folder), verifying "
        "every hash; run it again after an interruption and it carries on where it stopped",
    ),
    "scale.photos.migrate.same": (
        "源存储和目标存储相同：{where}。",
        "The source and the target are the same store: {where}.",
    ),
    "scale.photos.migrate.progress": ("迁移照片", "Moving photos"),
    "scale.photos.migrate.done": (
        "照片迁移完成：{copied} 张已复制，{present} 张目标中已有（大小已核对），"
        "{bad} 张源文件损坏未复制（每张源照片的哈希均已核对）。目标：{where}",
        "Photos moved: {copied} copied, {present} already in the target (size checked), "
        "{bad} damaged in the source and not copied (every source photo's hash checked). "
        "Target: {where}",
    ),
    "scale.photos.migrate.bad": (
        "源照片已损坏（内容哈希为 {actual}）：{sha256}",
        "Damaged photo in the source (its bytes hash to {actual}): {sha256}",
    ),
    "scale.photos.migrate.next": (
        "之后用 --photo-store {where} 启动服务器（或设置 HALLCHECK_PHOTO_STORE）。",
        "Then start the server with --photo-store {where} (or set HALLCHECK_PHOTO_STORE).",
    ),
    "scale.photos.migrate.failed": (
        "有 {bad} 张照片未能迁移，请检查上面列出的文件。",
        "{bad} photo(s) could not be moved; see the files listed above.",
    ),
    # --- backup and restore (app/central/backup.py) ---
    "scale.backup.help": (
        "在服务器运行时写入一致的备份（数据库、照片和带哈希的清单）。",
        "write a consistent backup while the server runs (database, photos, a manifest "
        "with hashes)",
    ),
    "scale.restore.help": (
        "把备份恢复到空的数据目录或空数据库（先核对每个哈希）。",
        "bring a backup back into an empty data dir or an empty database (every hash "
        "checked first)",
    ),
    "scale.backup.not_empty": (
        "备份目录 {dir} 不是空的：请指定一个新的或空的目录。",
        "The backup directory {dir} is not empty: name a new or empty one.",
    ),
    "scale.backup.tool_missing": (
        "找不到 {tool}（PostgreSQL 客户端工具）：请安装 Debian 的 postgresql-client 软件包。",
        "{tool} (a PostgreSQL client tool) was not found: install Debian's "
        "postgresql-client package.",
    ),
    "scale.backup.tool_failed": (
        "{tool} 失败（退出码 {code}）：{detail}",
        "{tool} failed (exit code {code}): {detail}",
    ),
    "scale.backup.photo_missing": (
        "数据库中登记的照片 {sha256} 不在照片存储 {where} 中：请检查 --photo-store"
        "（或 HALLCHECK_PHOTO_STORE）是否指向服务器使用的存储。",
        "The photo {sha256} the database names is not in the photo store {where}: check "
        "that --photo-store (or HALLCHECK_PHOTO_STORE) names the store the server uses.",
    ),
    "scale.backup.progress": ("备份照片", "Backing up photos"),
    "scale.backup.done": (
        "备份完成：{dir}（数据库 {database}，{tables} 张表，{photos} 张照片，{size}）。",
        "Backup written: {dir} (database {database}, {tables} tables, {photos} photos, "
        "{size}).",
    ),
    "scale.restore.no_manifest": (
        "{dir} 中没有备份清单（manifest.json），这不是 hallcheck 的备份。",
        "No manifest (manifest.json) in {dir}: not a hallcheck backup.",
    ),
    "scale.restore.bad_manifest": (
        "备份清单无法读取：{detail}",
        "The backup's manifest cannot be read: {detail}",
    ),
    "scale.restore.damaged": (
        "备份已损坏：{file} 与清单中的哈希不符。未恢复任何内容。",
        "The backup is damaged: {file} does not match the manifest's hash. Nothing was "
        "restored.",
    ),
    "scale.restore.missing_file": (
        "备份不完整：缺少 {file}。未恢复任何内容。",
        "The backup is incomplete: {file} is missing. Nothing was restored.",
    ),
    "scale.restore.target_not_empty": (
        "目标数据库不是空的（已有表 {tables}）：只能恢复到空的数据目录或空数据库。",
        "The target database is not empty (it has tables {tables}): restore only into an "
        "empty data dir or an empty database.",
    ),
    "scale.restore.kind_differs": (
        "这是 {backup} 数据库的备份，不能恢复到 {target} 数据库。",
        "This is a backup of a {backup} database; it cannot be restored into a {target} "
        "database.",
    ),
    "scale.restore.progress": ("恢复照片", "Restoring photos"),
    "scale.restore.done": (
        "恢复完成：{tables} 张表，{rows} 行，{photos} 张照片（哈希均已核对）。",
        "Restored: {tables} tables, {rows} rows, {photos} photos (every hash checked).",
    ),
}
