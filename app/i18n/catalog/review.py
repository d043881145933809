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
    "review.settings.bad_number": (
        "环境变量 {name} 的值“{value}”不是正数，请改正后重新启动。",
        "{name}='{value}' is not a positive number; correct it and start again.",
    ),
}
