"""Review of results, disputes (申诉) and console accounts: what managers and inspectors read."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- console accounts ---------------------------------------------------------------
    "accounts.role.reviewer": ("审核员", "Reviewer"),
    "accounts.role.manager": ("渠道管理", "Manager"),
    "accounts.role.viewer": ("只读查看", "Viewer"),
    "accounts.bad_username": (
        "用户名“{value}”不可用：请用字母、数字和 _ . - @，最长 64 个字符。",
        "Username '{value}' cannot be used: use letters, digits and _ . - @, at most 64 "
        "characters.",
    ),
    "accounts.bad_role": (
        "角色“{value}”不存在，可选：{allowed}。",
        "There is no role '{value}'; choose one of: {allowed}.",
    ),
    "accounts.name_missing": ("请填写显示姓名。", "Please give a display name."),
    "accounts.bad_text": (
        "内容含有无法保存的控制字符，请删除后重试。",
        "The text contains a control character that cannot be stored; remove it and try "
        "again.",
    ),
    "accounts.password_short": (
        "密码太短：至少需要 {min} 个字符。",
        "The password is too short: it needs at least {min} characters.",
    ),
    "accounts.password_long": (
        "密码太长：最多 {max} 个字符。",
        "The password is too long: at most {max} characters.",
    ),
    "accounts.password_is_username": (
        "密码不能与用户名相同，请换一个。",
        "The password must not be the username; choose another one.",
    ),
    "accounts.password_mismatch": (
        "两次输入的密码不一致，请重新输入。",
        "The two passwords differ; please enter them again.",
    ),
    "accounts.password_stdin_empty": (
        "标准输入中没有密码：请用 --password-stdin 传入一行密码。",
        "No password on standard input: pass one line with --password-stdin.",
    ),
    "accounts.exists": (
        "账号“{username}”已存在。如需重设密码，请用 hallcheck admin managers password。",
        "Account '{username}' already exists. To reset its password use "
        "`hallcheck admin managers password`.",
    ),
    "accounts.unknown": (
        "没有账号“{username}”，请用 hallcheck admin managers list 查看。",
        "There is no account '{username}'; see `hallcheck admin managers list`.",
    ),
    "accounts.login_failed": (
        "用户名或密码不正确，请重新输入。",
        "Wrong username or password; please try again.",
    ),
    "accounts.disabled": (
        "该账号已停用，请联系系统管理员。",
        "This account is disabled; please contact the administrator.",
    ),
    "accounts.locked": (
        "密码错误次数过多，账号已锁定。请 {minutes} 分钟后再试，或请管理员重设密码。",
        "Too many wrong passwords: the account is locked. Try again in {minutes} "
        "minute(s), or ask the administrator to reset the password.",
    ),
    "accounts.session_needed": (
        "请先登录管理后台（登录已过期或已退出）。",
        "Please log in to the console (the session has expired or was ended).",
    ),
    "accounts.console_account_needed": (
        "此操作需要管理后台账号登录；管理设备令牌只能查看。",
        "This action needs a console account login; a manager device token can only read.",
    ),
    "accounts.cli.added": ("已添加账号 {username}（{role}）。",
                           "Account {username} added ({role})."),
    "accounts.cli.disabled": (
        "账号 {username} 已停用，其登录会话均已失效。",
        "Account {username} disabled; its sessions no longer work.",
    ),
    "accounts.cli.password_set": (
        "账号 {username} 的密码已重设，原有会话均已失效。",
        "Password of {username} reset; its existing sessions have ended.",
    ),
    "accounts.cli.prompt": ("密码", "Password"),
    "accounts.cli.prompt_again": ("再次输入密码", "Repeat the password"),
    "accounts.cli.col.username": ("用户名", "Username"),
    "accounts.cli.col.name": ("姓名", "Name"),
    "accounts.cli.col.role": ("角色", "Role"),
    "accounts.cli.col.unit": ("营业部", "Business unit"),
    "accounts.cli.col.state": ("状态", "State"),
    "accounts.cli.active": ("启用", "active"),
    "accounts.cli.inactive": ("已停用", "disabled"),
    "accounts.cli.all_units": ("全部", "all"),
    # --- review states, flags, actions ------------------------------------------------
    "review.state.received": ("待审核", "Received"),
    "review.state.approved": ("已通过", "Approved"),
    "review.state.returned": ("已退回修改", "Returned"),
    "review.state.rejected": ("已驳回", "Rejected"),
    "review.flag.score_disagreement": ("得分与设备不一致", "Score differs from the device's"),
    "review.flag.rotation": ("违反轮换（3 个月内重复暗访）",
                             "Rotation (same shopper within 3 months)"),
    "review.flag.veto": ("一票否决", "Veto"),
    "review.flag.short_visit": ("在店时间过短", "Short time on site"),
    "review.flag.late_upload": ("上传过晚", "Late upload"),
    "review.action.approved": ("审核通过", "approve"),
    "review.action.returned": ("退回修改", "return"),
    "review.action.rejected": ("驳回", "reject"),
    "review.action.auto_approved": ("自动通过", "auto-approve"),
    "review.action.dispute_overturned": ("申诉改判", "overturn by dispute"),
    "review.audit.received": ("收到结果", "received"),
    "review.audit.approved": ("审核通过", "approved"),
    "review.audit.auto_approved": ("自动通过", "auto-approved"),
    "review.audit.returned": ("退回修改", "returned"),
    "review.audit.rejected": ("驳回", "rejected"),
    "review.audit.dispute_opened": ("登记申诉", "dispute recorded"),
    "review.audit.dispute_upheld": ("申诉不成立，维持结果", "dispute decided: upheld"),
    "review.audit.dispute_overturned": ("申诉成立，结果需更正", "dispute decided: overturned"),
    "review.audit.amended": ("已由管理人员更正", "corrected in the console"),
    "review.bad_state": (
        "审核状态“{value}”不存在，可选：{allowed}。",
        "There is no review state '{value}'; choose one of: {allowed}.",
    ),
    "review.bad_flag": (
        "标记“{value}”不存在，可选：{allowed}。",
        "There is no flag '{value}'; choose one of: {allowed}.",
    ),
    "review.bad_page": (
        "分页参数无效：起始位置不能为负，每页 1 至 {max} 条。",
        "Invalid page: the offset cannot be negative and a page holds 1 to {max} results.",
    ),
    "review.unknown_result": (
        "找不到检查结果 {uuid}（或它尚未完成）。请从审核列表重新打开。",
        "There is no finished result {uuid}. Open it again from the review queue.",
    ),
    "review.other_unit": (
        "该结果属于其他营业部；您的账号只能处理“{unit}”的营业厅。",
        "This result belongs to another business unit; your account handles only the "
        "outlets of '{unit}'.",
    ),
    "review.viewer_cannot_act": (
        "只读账号不能审核结果。如需审核，请管理员调整您的角色。",
        "A viewer account cannot review results. Ask the administrator for a reviewer role.",
    ),
    "review.managers_only": (
        "只有渠道管理角色可以处理申诉和更正结果。",
        "Only the manager role can handle disputes and correct results.",
    ),
    "review.own_result": (
        "不能审核或处理自己提交的检查结果，请交由其他人员处理。",
        "You cannot review or handle a result you inspected yourself; leave it to a "
        "colleague.",
    ),
    "review.own_correction": (
        "不能审核自己做的更正，请交由其他人员审核。",
        "You cannot review a correction you made yourself; leave it to a colleague.",
    ),
    "review.reason_long": (
        "说明太长：最多 {max} 个字符。",
        "The text is too long: at most {max} characters.",
    ),
    "review.wrong_state.received": (
        "该结果仍待审核，不能{action}。请刷新后重试。",
        "This result is still awaiting review, so it cannot {action}. Refresh and try "
        "again.",
    ),
    "review.wrong_state.approved": (
        "该结果已审核通过，不能再{action}。如门店有异议，请登记申诉。",
        "This result is already approved, so you cannot {action} it. If the outlet "
        "disagrees, record a dispute.",
    ),
    "review.wrong_state.returned": (
        "该结果已退回检查人修改，不能再{action}；请等待其更正后的结果。",
        "This result was returned to its inspector, so you cannot {action} it; wait for "
        "the corrected result.",
    ),
    "review.wrong_state.rejected": (
        "该结果已被驳回，不能再{action}。",
        "This result was rejected, so you cannot {action} it.",
    ),
    "review.changed_meanwhile": (
        "该结果刚被其他人处理过。请刷新查看最新状态。",
        "Someone else has just handled this result. Refresh to see its current state.",
    ),
    "review.return_reason_missing": (
        "退回时请写明原因，检查人会在手机上看到。",
        "Please give a reason for returning it; the inspector sees it on their phone.",
    ),
    "review.bad_rejection_reason": (
        "驳回原因“{value}”不在列表中，可选：{allowed}。",
        "'{value}' is not a rejection reason; choose one of: {allowed}.",
    ),
    "review.auto_approved": (
        "无任何标记，收到 {hours} 小时后自动通过",
        "No flags: approved automatically {hours} hours after arrival",
    ),
    "review.dispute_statement_missing": (
        "请填写门店的申诉内容。",
        "Please write down what the outlet disputes.",
    ),
    "review.dispute_needs_approved": (
        "只能对已审核通过的结果登记申诉。",
        "A dispute can only be recorded for an approved result.",
    ),
    "review.dispute_window_passed": (
        "申诉期已过：审核通过后 {days} 天内可以申诉。",
        "The dispute period is over: a result may be disputed within {days} days of its "
        "approval.",
    ),
    "review.dispute_already_open": (
        "该结果已有一项待处理的申诉，请先处理它。",
        "This result already has an open dispute; decide that one first.",
    ),
    "review.bad_outcome": (
        "申诉结论“{value}”无效：请选择维持（upheld）或改判（overturned）。",
        "'{value}' is not an outcome: choose upheld or overturned.",
    ),
    "review.decision_reason_missing": (
        "请写明申诉处理的理由。",
        "Please give the reason for the decision.",
    ),
    "review.unknown_dispute": (
        "找不到申诉 #{id}，请从结果页面重新打开。",
        "There is no dispute #{id}; open it again from the result.",
    ),
    "review.dispute_decided": (
        "该申诉已处理完毕，不能再次处理。",
        "This dispute has already been decided.",
    ),
    "review.overturned_reason": (
        "申诉成立，请更正：{reason}",
        "Dispute upheld for the outlet, please correct: {reason}",
    ),
    "review.amend_reason_missing": (
        "更正时请写明原因。",
        "Please give a reason for the correction.",
    ),
    "review.amend_nothing": (
        "没有要更正的内容：请至少修改一项答案或备注。",
        "Nothing to correct: change at least one answer or note.",
    ),
    "review.amend_needs_returned": (
        "只能更正已退回（含申诉改判）的结果。",
        "Only a returned result (returned in review or by an overturned dispute) can be "
        "corrected.",
    ),
    "review.already_amended": (
        "该结果已有更正版本 {uuid}，请审核那一份。",
        "This result already has a correction ({uuid}); review that one.",
    ),
    "review.definition_unknown": (
        "找不到该结果所用的检查表版本，无法在后台更正；请退回检查人更正。",
        "The checklist version this result was made with is not on the server, so it "
        "cannot be corrected here; return it to the inspector.",
    ),
    "review.amend_unknown_item": (
        "检查表中没有项目“{item}”。",
        "The checklist has no item '{item}'.",
    ),
    "review.amend_photo_item": (
        "照片项目“{item}”没有答案可改；照片只能由检查人补充。",
        "Photo item '{item}' has no answer to change; only the inspector can add photos.",
    ),
    "review.amend_bad_value": ("更正的答案无效：{problem}",
                                "A corrected answer is invalid: {problem}"),
    "review.amend_incomplete": (
        "更正后的结果不完整：{problems}",
        "The corrected result would be incomplete: {problems}",
    ),
    # --- the inspector's device ---------------------------------------------------------
    "review.device.returned": ("已退回修改", "Returned for correction"),
    "review.device.returned_reason": (
        "审核退回，请更正后重新提交：{reason}",
        "Returned by the reviewer, please amend and send again: {reason}",
    ),
    "review.device.returned_no_reason": (
        "审核退回，请更正后重新提交。",
        "Returned by the reviewer, please amend and send again.",
    ),
    "review.device.amended": (
        "已退回，更正已提交，等待审核。",
        "Returned; your correction has been sent and awaits review.",
    ),
    "review.device.returned_count": (
        "{count} 份结果被退回修改",
        "{count} result(s) returned for correction",
    ),
    "review.settings.bad_number": (
        "环境变量 {name} 的值“{value}”不是正数，请改正后重新启动。",
        "{name}='{value}' is not a positive number; correct it and start again.",
    ),
}
