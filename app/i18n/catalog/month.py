"""Messages of the month close (issue 9): outlet master data for the money rules, the
commission-base CSV, closing a month, `hallcheck month ...` and the finance exports."""

MESSAGES: dict[str, tuple[str, str]] = {
    # outlet master data (the outlet CSV's class / area_manager columns)
    "month.outlets.class_invalid": (
        "网点类别「{value}」无效，只能是 {classes}。",
        "'{value}' is not an outlet class; use one of {classes}.",
    ),
    "month.outlets.area_manager_invalid": (
        "片区经理「{value}」不是有效的工号（字母、数字、_ . -，最多 64 个字符）。",
        "Area manager '{value}' is not a valid staff id (letters, digits, _ . -, at most 64 "
        "characters).",
    ),
    # the commission-base CSV
    "month.bases.empty": (
        "文件中没有佣金基数。需要表头 class,region,period,amount 和至少一行数据。",
        "The file has no commission bases. It needs the header class,region,period,amount "
        "and at least one row.",
    ),
    "month.bases.missing_column": (
        "缺少列「{column}」（需要 class,region,period,amount）。",
        "The column '{column}' is missing (needed: class,region,period,amount).",
    ),
    "month.bases.unknown_column": (
        "不认识的列「{column}」。可用的列：{columns}。",
        "Unknown column '{column}'. The columns are: {columns}.",
    ),
    "month.bases.duplicate": (
        "{outlet_class} 类网点在「{region}」{period} 的佣金基数已在第 {first_line} 行给出。",
        "The base of class {outlet_class} in '{region}' for {period} is already given on "
        "line {first_line}.",
    ),
    "month.bases.class_missing": ("缺少网点类别（A、B 或 C）。",
                                  "The outlet class (A, B or C) is missing."),
    "month.bases.period_invalid": (
        "期间「{value}」无效：请写季度（如 2025-Q1）或半年（如 2025-H2）。",
        "'{value}' is not a period: write a quarter (2025-Q1) or a half-year (2025-H2).",
    ),
    "month.bases.amount_invalid": (
        "佣金基数「{value}」无效：请写大于 0 的元金额，最多两位小数（如 1200 或 1200.50）。",
        "'{value}' is not a base: write an amount in yuan above 0 with at most two "
        "decimals (1200 or 1200.50).",
    ),
    # the audit line a close writes (action month_closed, shown with the review actions)
    "review.audit.month_closed": ("月结", "month closed"),
    # refusals
    "month.error.bad_month": ("「{value}」不是月份，请写成 YYYY-MM（如 2025-03）。",
                              "'{value}' is not a month; write it as YYYY-MM (e.g. 2025-03)."),
    "month.error.already_closed": (
        "{month} 已月结，月结结果不可更改。之后到达或被推翻的检查结果会作为调整项计入下一个"
        "未月结的月份。",
        "{month} is already closed and a closed month never changes. Results that arrive or "
        "are overturned later become adjustment lines of the next open month.",
    ),
    "month.error.not_closed": (
        "{month} 尚未月结。请先执行 hallcheck month close {month}。",
        "{month} is not closed yet. Close it first: hallcheck month close {month}.",
    ),
    "month.error.not_ended": (
        "{month} 还没有结束（按北京时间），月底之后才能月结。",
        "{month} has not ended yet (China time); it can be closed once it is over.",
    ),
    "month.error.closed_after": (
        "不能月结 {month}：更晚的 {other} 已经月结，月份须按顺序月结。",
        "{month} cannot be closed: the later month {other} is already closed, and months "
        "close in order.",
    ),
    "month.error.close_first": (
        "不能月结 {month}：请先月结 {other}（月份须按顺序月结，退款和退出规则要读取之前的月份）。",
        "{month} cannot be closed: close {other} first (months close in order: the refund "
        "and exit rules read the months before).",
    ),
    "month.error.bad_format": ("不支持的格式「{value}」，可用：{formats}。",
                               "Unknown format '{value}'; use one of {formats}."),
    "month.error.cannot_write": ("无法写入 {file}：{reason}", "Cannot write {file}: {reason}"),
    # hallcheck month ...
    "month.cli.closed": (
        "{month} 已月结（规则版本 {rules}）：{outlets} 个网点，{ranked} 个参与排名，计入 "
        "{results} 条检查结果，应付合计 {payable}。",
        "{month} closed (rules {rules}): {outlets} outlets, {ranked} ranked, {results} "
        "counted results, {payable} payable in all.",
    ),
    "month.cli.list.closed": ("{month}  已月结  {at}  {by}  规则 {rules}  {outlets} 个网点",
                              "{month}  closed  {at}  {by}  rules {rules}  {outlets} outlets"),
    "month.cli.list.open": ("{month}  未月结  规则 {rules}", "{month}  open    rules {rules}"),
    "month.cli.show.title": ("{month} 月度服务质量综合评价（规则 {rules}，{at} 由 {by} 月结）",
                             "{month} service-quality evaluation (rules {rules}, closed "
                             "{at} by {by})"),
    "month.cli.show.totals": (
        "{outlets} 个网点，{ranked} 个排名；服务佣金 {commission}，一线员工 {staff_share}，"
        "返还 {refund}，调整 {adjustments}，应付 {payable}",
        "{outlets} outlets, {ranked} ranked; commission {commission}, front-line staff "
        "{staff_share}, refunds {refund}, adjustments {adjustments}, payable {payable}",
    ),
    "month.cli.show.unit": ("{unit} · {family}（{count} 个排名）",
                            "{unit} · {family} ({count} ranked)"),
    "month.cli.show.header": ("营业部排名  网点  综合得分  全省排名  服务佣金  应付  标记",
                              "unit rank  outlet  composite  province  commission  "
                              "payable  flags"),
    "month.cli.show.tied": ("并列 {rank}", "={rank}"),
    "month.cli.show.row": ("{rank}  {code} {name}  {score}  全省 {province}  {commission}  "
                           "{payable}  {flags}",
                           "{rank}  {code} {name}  {score}  province {province}  "
                           "{commission}  {payable}  {flags}"),
    "month.cli.show.unranked": ("未排名的网点（{count} 个）：", "Not ranked ({count}):"),
    "month.cli.show.unranked_row": ("{code} {name}  {score}  {flags}",
                                    "{code} {name}  {score}  {flags}"),
    "month.cli.show.exit": ("退出候选（{count} 个）：{codes}",
                            "Exit candidates ({count}): {codes}"),
    "month.cli.show.tier_moves": ("升降级候选（{count} 个）：{codes}",
                                  "Tier moves ({count}): {codes}"),
    "month.cli.show.rewards": ("片区经理奖励（{count} 个网点）：{codes}",
                               "Area-manager rewards ({count} outlets): {codes}"),
    "month.cli.exported": ("{month} 已导出到 {file}（{outlets} 个网点）。",
                           "{month} written to {file} ({outlets} outlets)."),
    "month.cli.bases.imported": ("佣金基数：新增 {created}，更新 {replaced}，未变 {unchanged}。",
                                 "Commission bases: {created} added, {replaced} replaced, "
                                 "{unchanged} unchanged."),
    "month.cli.bases.none": ("还没有导入佣金基数（hallcheck admin bases import FILE）。",
                             "No commission bases yet (hallcheck admin bases import FILE)."),
    "month.cli.bases.row": ("{period}  {outlet_class} 类  {region}  {amount}",
                            "{period}  class {outlet_class}  {region}  {amount}"),
    # exports
    "month.export.list_sep": ("、", ", "),
    "month.export.tier_move.up": ("升级至 {tier}", "up to {tier}"),
    "month.export.tier_move.down": ("降级至 {tier}", "down to {tier}"),
    "month.export.sheet.outlets": ("{month} 网点", "{month} outlets"),
    "month.export.sheet.adjustments": ("调整项", "Adjustments"),
    "month.col.outlet_code": ("网点编码", "Outlet code"),
    "month.col.name": ("网点名称", "Outlet"),
    "month.col.tier": ("网点级别", "Tier"),
    "month.col.business_unit": ("营业部", "Business unit"),
    "month.col.region": ("区域", "Region"),
    "month.col.outlet_class": ("网点类别", "Class"),
    "month.col.area_manager": ("片区经理", "Area manager"),
    "month.col.composite": ("综合得分", "Composite"),
    "month.col.component.mystery_shop": ("暗访", "Mystery shop"),
    "month.col.component.open_inspection": ("明查", "Open inspection"),
    "month.col.component.self_check": ("自查", "Self-check"),
    "month.col.component.sms_satisfaction": ("短信测评", "SMS rating"),
    "month.col.component.intercept": ("拦截调查", "Intercept survey"),
    "month.col.rank_unit": ("营业部排名", "Unit rank"),
    "month.col.rank_unit_of": ("营业部排名网点数", "Ranked in unit"),
    "month.col.rank_province": ("全省排名", "Province rank"),
    "month.col.rank_province_of": ("全省排名网点数", "Ranked in province"),
    "month.col.years": ("合作年限", "Cooperation years"),
    "month.col.years_factor": ("合作年限系数", "Years factor"),
    "month.col.payment_factor": ("支付系数", "Payment factor"),
    "month.col.base": ("佣金基数（元）", "Base (yuan)"),
    "month.col.commission": ("服务佣金（元）", "Commission (yuan)"),
    "month.col.staff_share": ("一线员工部分（元）", "Staff share (yuan)"),
    "month.col.refund": ("返还（元）", "Refund (yuan)"),
    "month.col.adjustments": ("调整（元）", "Adjustments (yuan)"),
    "month.col.payable": ("应付（元）", "Payable (yuan)"),
    "month.col.exit_candidate": ("退出候选", "Exit candidate"),
    "month.col.tier_move": ("升降级", "Tier move"),
    "month.col.flags": ("标记", "Flags"),
    "month.col.source_month": ("来源月份", "From month"),
    "month.col.amount": ("金额（元）", "Amount (yuan)"),
    "month.col.reason": ("原因", "Reason"),
    "month.col.results": ("检查结果", "Results"),
}
