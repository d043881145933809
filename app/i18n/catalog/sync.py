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
    "sync.api.unknown_query": ("不支持的查询参数：{names}。",
                               "Unknown query parameter(s): {names}."),
    "sync.api.http.400": ("请求格式错误。", "Malformed request."),
    "sync.api.http.404": ("没有这个地址。", "No such address."),
    "sync.api.http.405": ("此地址不支持该方法。", "This address does not allow that method."),
    # --- trust: what the server refuses to count, and why (issue 8) ---
    "sync.api.and_more": ("另有 {count} 项", "and {count} more"),
    "sync.api.field_differs": ("{field} 为 {theirs}，应为 {ours}",
                               "{field} is {theirs}, expected {ours}"),
    "sync.api.checklist_not_issued": (
        "此检查使用的检查表（{checklist}，内容哈希 {hash}…）不是本服务器下发的，结果未保存。"
        "请先同步以获取当前检查表，再用它重新检查。",
        "This inspection uses a checklist ({checklist}, content hash {hash}…) this server "
        "never issued; nothing was stored. Sync to get the current checklists and inspect "
        "again with them.",
    ),
    "sync.api.checklist_mismatch": (
        "检查表信息与服务器下发的定义 {checklist} 不符：{problems}。结果未保存。",
        "The checklist details do not match the definition {checklist} the server issued: "
        "{problems}. Nothing was stored.",
    ),
    "sync.api.unknown_items": (
        "检查表 {checklist} 中没有这些项目：{items}。结果未保存；请用服务器下发的检查表重新检查。",
        "Checklist {checklist} has no such items: {items}. Nothing was stored; inspect "
        "again with the checklist the server issued.",
    ),
    "sync.api.duplicate_answers": (
        "同一项目有多个答案：{items}。结果未保存。",
        "More than one answer to the same item: {items}. Nothing was stored.",
    ),
    "sync.api.invalid_answers": (
        "有 {count} 个答案不符合检查表：{problems}。结果未保存；请在设备上更正后重新提交。",
        "{count} answer(s) do not fit the checklist: {problems}. Nothing was stored; "
        "correct them on the device and submit again.",
    ),
    "sync.api.not_finalisable": (
        "这次检查还不能算作完成：{problems}。结果未保存；请补全后以修订方式重新提交。",
        "This inspection cannot count as finished: {problems}. Nothing was stored; "
        "complete it and submit it again as an amendment.",
    ),
    "sync.api.manager_cannot_file": (
        "管理人员的令牌不能提交检查结果。",
        "A manager's token cannot file inspection results.",
    ),
    "sync.api.no_inspector": (
        "此设备没有关联检查人，不能提交检查结果。请用为检查人生成的注册码重新注册。",
        "This device acts for no inspector, so it cannot file results. Enrol it again with "
        "a code made for an inspector.",
    ),
    "sync.api.wrong_inspector": (
        "此设备代表检查人 {mine}，不能以检查人 {theirs} 的名义提交结果。结果未保存。",
        "This device acts for inspector {mine}; it cannot file results as inspector "
        "{theirs}. Nothing was stored.",
    ),
    "sync.api.inspector_inactive": (
        "检查人 {id} 不存在或已停用，不能提交结果。请联系渠道管理。",
        "Inspector {id} is unknown or disabled and cannot file results. Ask channel "
        "management.",
    ),
    "sync.api.kind_not_allowed": (
        "{role}不能提交{kind}结果。结果未保存。",
        "A {role} cannot file a {kind} result. Nothing was stored.",
    ),
    "sync.api.actions_not_allowed": (
        "只有片区经理的明查可以提出或跟进整改措施。结果未保存。",
        "Only an area manager's open inspection raises or follows up corrective actions. "
        "Nothing was stored.",
    ),
    "sync.api.kiosk_unbound": (
        "此自助平板没有绑定门店，不能提交自查。请渠道管理为其绑定门店后重新注册。",
        "This kiosk is bound to no outlet, so it cannot file self-checks. Ask channel "
        "management to bind it to its outlet, then enrol it again.",
    ),
    "sync.api.outlet_not_allowed": (
        "此自助平板绑定的是门店 {own}，不能提交门店 {outlet} 的自查。结果未保存。",
        "This kiosk belongs to outlet {own}; it cannot file a self-check of outlet "
        "{outlet}. Nothing was stored.",
    ),
    "sync.api.amend_not_allowed": (
        "只有原检查人（{owner}）可以修订这次检查；管理人员可在管理台处理。结果未保存。",
        "Only the inspector who filed it ({owner}) may amend this inspection; a manager "
        "can act on it in the console. Nothing was stored.",
    ),
    "sync.api.amend_mismatch": (
        "修订必须与原检查的门店和检查类型一致。结果未保存。",
        "An amendment must keep the original's outlet and kind. Nothing was stored.",
    ),
    "sync.api.conflict_limit": (
        "此设备已有 {count} 份上传留存待核对；在渠道管理核对之前，不再留存新的上传。"
        "请联系渠道管理。",
        "This device already has {count} uploads kept for review; no more are kept until "
        "channel management has reviewed them. Contact channel management.",
    ),
    "sync.api.enrol_throttled": (
        "注册码错误次数过多。请 {wait}后再试，并核对注册码。",
        "Too many wrong enrolment codes. Try again in {wait}, and check the code.",
    ),
    "sync.api.wait_seconds": ("{n} 秒", "{n} seconds"),
    "sync.api.wait_minutes": ("{n} 分钟", "{n} minutes"),
    "sync.api.invalid.nul_character": (
        "{where} 处含有 NUL 字符（\\0），服务器无法保存。请删除该字符后重试。",
        "There is a NUL character (\\0) at {where}, which the server cannot store. Remove "
        "it and try again.",
    ),
    "sync.api.invalid.non_finite_number": (
        "{where} 处的数字无效（Infinity 或 NaN 不是 JSON 数字）。",
        "The number at {where} is not valid (Infinity and NaN are not JSON numbers).",
    ),
    "sync.api.invalid.number_too_big": (
        "{where} 处的整数过大。", "The integer at {where} is too large.",
    ),
    "sync.api.invalid.json_too_deep": (
        "{where} 处嵌套过深：最多 {limit} 层。",
        "Nested too deep at {where}: at most {limit} levels.",
    ),
    "sync.api.invalid.json_too_big": (
        "{where} 处的内容过多：最多 {limit} 个值。",
        "Too many values at {where}: at most {limit}.",
    ),
    "sync.api.invalid.time_out_of_range": (
        "{where} 处的时间不在 1970 到 2200 年之间：请检查设备时钟。",
        "The time at {where} is not between 1970 and 2200: check the device's clock.",
    ),
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
    "sync.admin.outlet_only_for_kiosks": (
        "只有代办业主 / 营业员（自助平板）可以绑定门店。",
        "Only an outlet agent (a kiosk) is bound to an outlet.",
    ),
    "sync.admin.outlet_differs": (
        "检查人 {id} 已绑定门店 {own}，不能为其生成门店 {outlet} 的注册码。",
        "Inspector {id} is bound to outlet {own}; a code for outlet {outlet} cannot be made "
        "for them.",
    ),
    "sync.admin.kiosk_needs_outlet": (
        "{id} 是代办业主 / 营业员：请用 --outlet 指定其自助平板所属的门店。",
        "{id} is an outlet agent: give their kiosk's outlet with --outlet.",
    ),
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
        "中心端点启动于 {scheme}://{host}:{port}（数据目录 {data_dir}，数据库 {database}）",
        "Central endpoint starting on {scheme}://{host}:{port} (data dir {data_dir}, "
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
    "sync.cli.device.conflicts_forgotten": (
        "已删除设备 {id} 的 {count} 份留存冲突。",
        "Removed {count} kept conflict(s) of device {id}.",
    ),
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
    # --- the device's sync client ---
    "sync.client.timeout": ("连接中心端点超时。", "The central endpoint did not answer in time."),
    "sync.client.network": ("无法连接中心端点。请检查地址和网络，稍后再试；结果已保存在本机。",
                            "Cannot reach the central endpoint. Check the address and the "
                            "network, then try again later; your results are kept on this "
                            "device."),
    "sync.client.server_error": ("中心端点暂时出错（HTTP {status}），稍后自动重试。",
                                 "The central endpoint had a problem (HTTP {status}); "
                                 "it will be retried."),
    "sync.client.unexpected_status": (
        "中心端点返回了意外的状态（HTTP {status}）。请检查端点地址。",
        "Unexpected answer from the endpoint (HTTP {status}). Check the endpoint address.",
    ),
    "sync.client.not_ack": (
        "收到的不是中心端点的确认（{what}），可能是需要登录的无线网络页面。稍后重试。",
        "The reply was not an acknowledgement from the central endpoint ({what}); perhaps "
        "a Wi-Fi login page. It will be retried.",
    ),
    "sync.client.wrong_ack": (
        "中心端点的确认与所发送的内容不符，稍后重试。",
        "The acknowledgement does not match what was sent; it will be retried.",
    ),
    "sync.client.auth": (
        "中心端点拒绝了此设备（HTTP {status}）。本机记录均已保留。请向渠道管理索取注册码，"
        "然后用 `hallcheck enrol` 重新注册。",
        "The central endpoint refused this device (HTTP {status}). Every local record is "
        "kept. Ask channel management for an enrolment code and enrol again "
        "(`hallcheck enrol`).",
    ),
    "sync.client.conflict": (
        "服务器上已有不同的版本，需人工核对（HTTP {status}）：{reason}",
        "The server holds a different version; needs review (HTTP {status}): {reason}",
    ),
    "sync.client.rejected": ("服务器拒收（HTTP {status}）：{reason}",
                             "Refused by the server (HTTP {status}): {reason}"),
    "sync.client.cannot_send": ("无法发送：{reason}", "Cannot be sent: {reason}"),
    "sync.client.too_large": (
        "内容 {size} 字节，超过服务器上限 {limit} 字节。",
        "it is {size} bytes, over the server's limit of {limit} bytes.",
    ),
    "sync.client.invalid_record": ("本机记录不符合上传格式（{where}）。",
                                   "the record does not fit the upload format ({where})."),
    "sync.client.photo_missing": ("照片 {sha}… 的文件在本机上找不到了。",
                                  "the file of photo {sha}… is no longer on this device."),
    "sync.client.photo_too_large": ("照片 {size} 字节，超过服务器上限 {limit} 字节。",
                                    "a photo of {size} bytes is over the server's limit of "
                                    "{limit} bytes."),
    "sync.client.photo_damaged": ("照片 {sha}… 的文件已损坏（内容与哈希不符）。",
                                  "the file of photo {sha}… is damaged (its bytes do not "
                                  "match its hash)."),
    "sync.client.bad_checklists": ("收到的检查表内容有误，已忽略，稍后重试。",
                                   "The checklists received were damaged and were ignored; "
                                   "they will be fetched again."),
    "sync.client.no_endpoint": (
        "尚未设置中心端点。请先用 `hallcheck enrol --endpoint 地址 --code 注册码` 注册此设备。",
        "No central endpoint is set. Enrol this device first: "
        "`hallcheck enrol --endpoint URL --code CODE`.",
    ),
    "sync.client.not_enrolled": (
        "此设备尚未注册。请向渠道管理索取注册码，然后运行 `hallcheck enrol`。",
        "This device is not enrolled. Ask channel management for an enrolment code, then "
        "run `hallcheck enrol`.",
    ),
    "sync.client.enrol_refused": (
        "注册码无效：不存在、已使用、已过期或已吊销。请向渠道管理索取新的注册码。",
        "The enrolment code was refused: unknown, used, expired or revoked. Ask channel "
        "management for a new one.",
    ),
    "sync.client.throttled": ("中心端点要求稍后再试：{reason}",
                              "The central endpoint asks to wait: {reason}"),
    "sync.client.enrol_throttled": ("暂时不能注册：{reason}",
                                    "Enrolment is paused for now: {reason}"),
    "sync.client.enrol_invalid": ("注册请求无效：{reason}", "The enrolment was refused: {reason}"),
    "sync.client.unreachable": ("无法连接 {endpoint}：{reason}",
                                "Cannot reach {endpoint}: {reason}"),
    # --- sync status (for the indicator) ---
    "sync.status.offline": ("离线", "Offline"),
    "sync.status.syncing": ("正在同步…", "Syncing…"),
    "sync.status.idle": ("已同步", "Up to date"),
    "sync.status.waiting": ("{count} 条待发送", "{count} waiting"),
    "sync.status.attention": ("需要处理", "Needs attention"),
    "sync.status.not_enrolled": ("未注册", "Not enrolled"),
    "sync.status.last_synced": ("上次同步 {when}", "Last synced {when}"),
    "sync.status.never": ("从未同步", "Never synced"),
    # --- `hallcheck sync` / `hallcheck enrol` ---
    "sync.cli.sync.help": ("与中心端点同步一次：发送已完成的检查，获取检查表、网点和任务。",
                           "Sync once with the central endpoint: send finished inspections, "
                           "fetch checklists, outlets and assignments."),
    "sync.cli.enrol.help": ("用注册码将此设备注册到中心端点。",
                            "Enrol this device with the central endpoint using an enrolment "
                            "code."),
    "sync.cli.enrolled": (
        "已注册到 {endpoint}，设备编号 {device_id}。",
        "Enrolled with {endpoint} as device {device_id}.",
    ),
    "sync.cli.enrolled_as": ("检查员：{name}（{id}）", "Inspector: {name} ({id})"),
    "sync.cli.progress.pull": ("获取检查表、网点和任务",
                               "Fetching checklists, outlets, assignments"),
    "sync.cli.progress.push": ("发送检查", "Sending inspections"),
    "sync.cli.summary": (
        "已发送 {sent} 条，服务器已有 {already} 条；照片发送 {photos_sent} 张，服务器已有 "
        "{photos_already} 张；仍待发送 {waiting} 条。",
        "Sent {sent}, already there {already}; photos sent {photos_sent}, already there "
        "{photos_already}; still waiting {waiting}.",
    ),
    "sync.cli.pulled": (
        "检查表：{checklists}；网点更新 {outlets} 个；任务 {assignments} 个。",
        "Checklists: {checklists}; outlets updated {outlets}; assignments {assignments}.",
    ),
    "sync.cli.checklists_unchanged": ("无变化", "unchanged"),
    "sync.cli.checklists_new": ("{count} 个新版本", "{count} new"),
    "sync.cli.item.failed": ("未发送（稍后重试）", "not sent (will retry)"),
    "sync.cli.item.conflict": ("冲突，需人工核对", "conflict, needs review"),
    "sync.cli.item.rejected": ("被拒收", "refused"),
    "sync.cli.stopped": ("同步中止：{reason}", "Sync stopped: {reason}"),
}
