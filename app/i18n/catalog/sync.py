"""Sync: the central endpoint's answers, its admin commands, the device's sync and enrolment."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- API errors (the server answers in the caller's Accept-Language) ---
    "sync.api.unauthorized": (
        "令牌无效。请用新的注册码重新注册此设备。",
        "The token is not valid. Enrol this device again with a new enrolment code.",
    ),
    "sync.api.no_token": (
        "缺少令牌：请在 Authorization 头中发送 'Bearer <令牌>'。",
        "No token: send 'Authorization: Bearer <token>'.",
    ),
    "sync.api.revoked": (
        "此设备的令牌已被吊销。请用新的注册码重新注册。",
        "This device's token has been revoked. Enrol again with a new enrolment code.",
    ),
    "sync.api.forbidden": ("仅限管理人员的令牌。", "Managers' tokens only."),
    "sync.api.not_found": ("未找到。", "Not found."),
    "sync.api.invalid_enrol_code": (
        "注册码无效：不存在、已使用、已过期或已吊销。请向渠道管理索取新的注册码。",
        "The enrolment code is not valid: unknown, already used, expired or revoked. "
        "Ask channel management for a new one.",
    ),
    "sync.api.empty_photo": ("照片内容为空。", "The photo has no bytes."),
    "sync.api.hash_mismatch": (
        "照片内容与其 SHA-256 不符（应为 {expected}，实际为 {actual}），未保存。",
        "The photo's bytes do not match its SHA-256 (expected {expected}, got {actual}); "
        "nothing was stored.",
    ),
    "sync.api.too_large": (
        "请求过大：服务器最多接受 {limit} 字节。",
        "The request is too large: the server accepts at most {limit} bytes.",
    ),
    "sync.api.photo_not_found": ("服务器上没有这张照片。", "The server does not hold this photo."),
    "sync.api.inspection_not_found": (
        "服务器上没有这次检查。", "The server does not hold this inspection."),
    "sync.api.checklist_not_found": (
        "没有适用于 {kind} / {tier} 的检查表。", "There is no checklist for {kind} / {tier}."),
    "sync.api.conflict.finalized_differs": (
        "服务器上已有这次检查的另一份已完成版本；本次上传已留存待人工核对，未覆盖原记录。",
        "The server already holds a different finalized version of this inspection; this "
        "upload was kept for review and nothing was overwritten.",
    ),
    "sync.api.conflict.other_device": (
        "这次检查属于另一台设备；本次上传已留存待人工核对，未覆盖原记录。",
        "This inspection belongs to another device; this upload was kept for review and "
        "nothing was overwritten.",
    ),
    "sync.api.uuid_mismatch": (
        "地址中的 UUID 与内容中的 uuid 不一致。",
        "The UUID in the address and the uuid in the body differ.",
    ),
    "sync.api.device_mismatch": (
        "内容中的 device_id 与此令牌所属设备不一致。",
        "The body's device_id is not the device this token belongs to.",
    ),
    "sync.api.busy": ("服务器繁忙，请稍后重试。", "The server is busy; try again shortly."),
    "sync.api.malformed_json": (
        "请求内容不是有效的 JSON。", "The request body is not valid JSON."),
    "sync.api.invalid_request": (
        "请求内容无效（{where}）。", "The request is not valid ({where})."),
    "sync.api.http.400": ("请求格式错误。", "Malformed request."),
    "sync.api.http.404": ("没有这个地址。", "No such address."),
    "sync.api.http.405": ("此地址不支持该方法。", "This address does not allow that method."),
    "sync.api.internal": (
        "服务器内部错误，已记录。请稍后重试。",
        "Internal server error; it has been logged. Try again later.",
    ),
    # --- admin commands (server side) ---
    "sync.admin.bad_id": (
        "编号“{value}”无效：只能使用字母、数字、_ . -，最长 64 个字符。",
        "'{value}' is not a valid id: letters, digits, _ . - only, at most 64 characters.",
    ),
    "sync.admin.bad_role": ("角色“{value}”无效，可用：{allowed}。",
                            "'{value}' is not a role; use one of: {allowed}."),
    "sync.admin.bad_token_role": ("令牌类型“{value}”无效，可用：{allowed}。",
                                  "'{value}' is not a token role; use one of: {allowed}."),
    "sync.admin.bad_kind": ("检查类型“{value}”无效，可用：{allowed}。",
                            "'{value}' is not a kind of visit; use one of: {allowed}."),
    "sync.admin.bad_hours": ("有效期至少为 1 小时。", "The validity must be at least 1 hour."),
    "sync.admin.empty_name": ("姓名不能为空。", "The name cannot be empty."),
    "sync.admin.unknown_inspector": (
        "没有编号为“{id}”的检查员。请先用 `hallcheck admin inspectors add` 添加。",
        "There is no inspector '{id}'. Add one first with `hallcheck admin inspectors add`.",
    ),
    "sync.admin.unknown_outlet": ("没有编号为“{code}”的网点。", "There is no outlet '{code}'."),
    "sync.admin.unknown_code": ("没有编号为 {id} 的注册码。", "There is no enrolment code {id}."),
    "sync.admin.unknown_device": ("没有编号为“{id}”的设备。", "There is no device '{id}'."),
    "sync.admin.csv_unreadable": ("无法读取 {file}：{reason}", "Cannot read {file}: {reason}"),
    "sync.admin.csv_encoding": (
        "{file} 不是 UTF-8 编码。请在表格软件中另存为“CSV UTF-8”。",
        "{file} is not UTF-8. Save it as 'CSV UTF-8' from the spreadsheet.",
    ),
    "sync.admin.csv_columns": (
        "{file} 缺少列：{missing}（可用列：{expected}）。",
        "{file} lacks the column(s) {missing} (columns: {expected}).",
    ),
    "sync.admin.csv_problems": (
        "文件中有 {count} 处问题，未导入任何内容：\n{problems}",
        "{count} problem(s) in the file; nothing was imported:\n{problems}",
    ),
    # --- commands: server and admin ---
    "sync.cli.server.help": ("运行中心端点（设备同步的服务器）。",
                             "Run the central endpoint (the server devices sync with)."),
    "sync.cli.server.starting": (
        "中心端点启动于 http://{host}:{port}（数据目录 {data_dir}，数据库 {database}）",
        "Central endpoint starting on http://{host}:{port} (data dir {data_dir}, "
        "database {database})",
    ),
    "sync.cli.admin.help": ("管理中心端点：检查员、注册码、设备、网点、任务。",
                            "Manage the central endpoint: inspectors, enrolment codes, "
                            "devices, outlets, assignments."),
    "sync.cli.code.created": (
        "注册码：{code}\n（编号 {id}，仅可使用一次，有效期至 {expires} UTC。此码只显示这一次。）",
        "Enrolment code: {code}\n(id {id}, single use, valid until {expires} UTC. "
        "It is shown only this once.)",
    ),
    "sync.cli.code.revoked": ("注册码 {id} 已吊销。", "Enrolment code {id} revoked."),
    "sync.cli.code_state.open": ("可用", "open"),
    "sync.cli.code_state.used": ("已使用", "used"),
    "sync.cli.code_state.expired": ("已过期", "expired"),
    "sync.cli.code_state.revoked": ("已吊销", "revoked"),
    "sync.cli.device.active": ("有效", "active"),
    "sync.cli.device.revoked": (
        "设备 {id} 的令牌已吊销；它需要重新注册才能同步。",
        "Device {id}'s token is revoked; it must enrol again to sync.",
    ),
    "sync.cli.inspector.added": ("已添加检查员 {id}。", "Inspector {id} added."),
    "sync.cli.inspector.updated": ("已更新检查员 {id}。", "Inspector {id} updated."),
    "sync.cli.outlets.imported": (
        "网点导入完成：新增 {created}，更新 {updated}，未变 {unchanged}。",
        "Outlets imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),
    "sync.cli.assignment.added": ("已添加任务 {id}。", "Assignment {id} added."),
    "sync.cli.assignments.imported": ("已导入 {created} 个任务。",
                                      "{created} assignment(s) imported."),
    "sync.cli.bad_date": ("日期“{value}”无效，请用 YYYY-MM-DD。",
                          "'{value}' is not a date; use YYYY-MM-DD."),
    "sync.cli.col.id": ("编号", "Id"),
    "sync.cli.col.code": ("注册码", "Code"),
    "sync.cli.col.role": ("角色", "Role"),
    "sync.cli.col.name": ("名称", "Name"),
    "sync.cli.col.inspector": ("检查员", "Inspector"),
    "sync.cli.col.state": ("状态", "State"),
    "sync.cli.col.expires": ("有效期至 (UTC)", "Expires (UTC)"),
    "sync.cli.col.device": ("设备", "Device"),
    "sync.cli.col.last_seen": ("最近连接 (UTC)", "Last seen (UTC)"),
}
