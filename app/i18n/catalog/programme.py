"""Messages of the programme office's rules: the outlet master-data CSV, programme.yaml's
problems, the month's figures and their explanations, and `hallcheck programme`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "programme.csv.at_line": ("第 {line} 行：{problem}", "Line {line}: {problem}"),
    "programme.csv.at_file_line": ("{file} 第 {line} 行：{problem}",
                                   "{file}:{line}: {problem}"),
    "programme.csv.encoding": (
        "无法识别文件的编码（从这一行起既不是 UTF-8 也不是 GB18030）。请在 Excel 中"
        "另存为“CSV UTF-8（逗号分隔）”后再导入。",
        "The file's encoding is not recognised (from this line on it is neither UTF-8 nor "
        "GB18030). Save it from Excel as 'CSV UTF-8 (comma delimited)' and import it again.",
    ),
    "programme.csv.malformed": (
        "从这一行起无法按 CSV 读取（可能有未配对的引号）。请在表格软件中检查后重新导出。",
        "From this line on the file cannot be read as CSV (perhaps an unpaired quote). "
        "Check it in the spreadsheet and export the file again.",
    ),
    "programme.csv.duplicate_column": (
        "表头中的列「{column}」出现了两次，请删除其中一列。",
        "The header has the column '{column}' twice; remove one of them.",
    ),
    "programme.outlets.tier_missing": ("缺少网点级别。", "The outlet tier is missing."),
    "programme.outlets.id_invalid": (
        "「{value}」不是有效的编号：只能使用小写字母、数字和 _，并以字母开头。",
        "'{value}' is not a valid id: use lower-case letters, digits and _, starting with a "
        "letter.",
    ),
    "programme.outlets.too_long": (
        "「{column}」一栏有 {length} 个字符，最多 {limit} 个。请缩短后再导入。",
        "The {column} column has {length} characters, at most {limit} are kept. Shorten it "
        "and import again.",
    ),
    "programme.outlets.active_invalid": (
        "「是否在用」一栏的「{value}」无法识别，请填写 是/否（或 yes/no、1/0），留空表示在用。",
        "'{value}' in the active column is not understood; write yes/no (or 是/否, 1/0), or "
        "leave it empty for an active outlet.",
    ),
    # --- programme.yaml: problems (file:line:column: path: message) -------------------------
    "programme.rules.failed": ("{file}：规则文件有 {count} 处问题，无法使用：",
                               "{file}: {count} problem(s) in the rules file, it cannot be used:"),
    "programme.rules.top_level": ("（文件顶层）", "(top level)"),
    "programme.rules.did_you_mean": ("；是否应为「{suggestion}」？",
                                     "; did you mean '{suggestion}'?"),
    "programme.rules.not_found": ("找不到该文件，请检查路径。",
                                  "The file does not exist; check the path."),
    "programme.rules.not_utf8": (
        "文件不是 UTF-8 文本（字节 {bytes} 无法识别），请用 UTF-8 编码另存。",
        "The file is not UTF-8 text (bytes {bytes} cannot be read); save it as UTF-8."),
    "programme.rules.unreadable": ("无法读取该文件（{reason}），请检查文件权限。",
                                   "The file cannot be read ({reason}); check its permissions."),
    "programme.rules.not_yaml": ("不是有效的 YAML：{detail}。请检查缩进、冒号和引号。",
                                 "Not valid YAML: {detail}. Check indentation, colons and "
                                 "quotes."),
    "programme.rules.not_a_file": (
        "文件应以 schema_version 和 versions 开头（一个映射）。",
        "The file must be a mapping starting with schema_version and versions."),
    "programme.rules.key_twice": (
        "键「{key}」在同一处写了两次（第一次在第 {first_line} 行），后一个会悄悄覆盖前一个，"
        "请删除其中一个。",
        "The key '{key}' is given twice here (first on line {first_line}); the second would "
        "silently replace the first. Remove one of them."),
    "programme.rules.unknown_key": ("未知的键「{key}」（可用：{expected}）",
                                    "unknown key '{key}' (expected one of: {expected})"),
    "programme.rules.missing": ("缺少必填项「{field}」。", "'{field}' is required here."),
    "programme.rules.not_allowed": ("{value} 不是可选的值（可选：{expected}）",
                                    "{value} is not allowed here (expected one of: {expected})"),
    "programme.rules.not_whole_number": ("应为整数，而不是 {value}。",
                                         "A whole number is needed here, not {value}."),
    "programme.rules.not_number": ("应为数字，而不是 {value}。",
                                   "A number is needed here, not {value}."),
    "programme.rules.not_yes_no": ("应为 true 或 false，而不是 {value}。",
                                   "true or false is needed here, not {value}."),
    "programme.rules.not_text": (
        "应为文字，而不是 {value}。",
        "A text is needed here, not {value}."),
    "programme.rules.not_date": ("应为日期（如 2025-01-01），而不是 {value}。",
                                 "A date (such as 2025-01-01) is needed here, not {value}."),
    "programme.rules.not_mapping": ("这里应为“键: 值”的映射，而不是 {value}。",
                                    "A mapping (key: value) is needed here, not {value}."),
    "programme.rules.not_list": ("这里应为列表（每行以 - 开头），而不是 {value}。",
                                 "A list (lines starting with -) is needed here, not {value}."),
    "programme.rules.at_least": ("{value} 太小：不能小于 {limit}。",
                                 "{value} is too small: it must be at least {limit}."),
    "programme.rules.above": ("{value} 太小：必须大于 {limit}。",
                              "{value} is too small: it must be above {limit}."),
    "programme.rules.at_most": ("{value} 太大：不能大于 {limit}。",
                                "{value} is too large: it must be at most {limit}."),
    "programme.rules.below": ("{value} 太大：必须小于 {limit}。",
                              "{value} is too large: it must be below {limit}."),
    "programme.rules.too_few": ("至少需要 {limit} 项。", "At least {limit} entries are needed."),
    "programme.rules.blank": ("不能为空。", "This must not be blank."),
    "programme.rules.too_long": ("太长：最多 {limit} 个字符。",
                                 "Too long: at most {limit} characters."),
    "programme.rules.bad_id": (
        "{value} 不是有效的编号（版本号只能用字母、数字、. _ -，编号只能用小写字母、数字和 _）。",
        "{value} is not a valid id (version ids: letters, digits, . _ -; other ids: lower-case "
        "letters, digits and _)."),
    "programme.rules.too_many_decimals": ("{value} 的小数位太多：最多 {limit} 位。",
                                          "{value} has too many decimals: at most {limit}."),
    "programme.rules.invalid_value": ("{value} 在这里不可用。", "{value} is not allowed here."),
    "programme.rules.invalid": ("这里的值无效：{detail}", "Not a valid value: {detail}"),
    "programme.rules.version_twice": (
        "版本号「{version}」已在第 {first} 个版本（从 0 数起）用过，版本号不能重复。",
        "The version id '{version}' is already used by version {first} (counting from 0); "
        "each version needs its own id."),
    "programme.rules.not_first_day": (
        "版本按整月生效：applies_from 应为某月 1 日（如 {first}），而不是 {date}。",
        "A version applies to whole months: applies_from must be the first day of a month "
        "(such as {first}), not {date}."),
    "programme.rules.dates_not_ascending": (
        "applies_from {date} 不晚于上一个版本的 {previous}：版本须按生效日期从早到晚排列，"
        "且日期不能重复。",
        "applies_from {date} is not after the previous version's {previous}: list versions "
        "from the earliest date to the latest, each date once."),
    "programme.rules.nothing_counted": (
        "没有计入综合得分的部分：至少一个部分不能写 counted: false。",
        "No component counts towards the composite: at least one must not be counted: false."),
    "programme.rules.zero_weight": (
        "{component} 计入综合得分但权重为 0：请给出权重，或写 counted: false 只作展示。",
        "{component} counts towards the composite with weight 0: give it a weight, or write "
        "counted: false to only show it."),
    "programme.rules.min_components_too_many": (
        "min_components 为 {value}，但只有 {counted} 个部分计入综合得分，任何网点都不会有得分。",
        "min_components is {value} but only {counted} component(s) count, so no outlet "
        "could ever have a composite."),
    "programme.rules.required_not_counted": (
        "{component} 写了 required: true 却不计入综合得分（counted: false），两者矛盾。",
        "{component} is required but not counted (counted: false); the two contradict."),
    "programme.rules.bands_start": ("付费系数表须从 0 分开始，而第一段从 {start} 开始。",
                                    "The payment-factor table must start at 0; its first band "
                                    "starts at {start}."),
    "programme.rules.band_empty": ("这一段从 {start} 到 {end}，结束分数须大于开始分数。",
                                   "This band runs from {start} to {end}; its end must be "
                                   "above its start."),
    "programme.rules.bands_gap": (
        "与上一段之间有空档：上一段到 {end} 为止，这一段从 {start} 开始，中间的分数没有系数。",
        "There is a gap: the previous band ends at {end} and this one starts at {start}, so "
        "scores in between have no factor."),
    "programme.rules.bands_overlap": (
        "与上一段重叠：这一段从 {start} 开始，而上一段到 {end} 才结束。",
        "This band overlaps the previous one: it starts at {start}, the previous ends at "
        "{end}."),
    "programme.rules.factor_decreases": (
        "系数 {factor} 低于上一段（分数更低）的 {previous}：分数越高，系数不能越低。",
        "The factor {factor} is below the previous (lower-scoring) band's {previous}: a "
        "higher score must never pay a lower factor."),
    "programme.rules.bands_end": ("付费系数表须覆盖到 100 分，而最后一段到 {end} 为止。",
                                  "The payment-factor table must reach 100; its last band "
                                  "ends at {end}."),
    "programme.rules.years_start": ("合作年限系数须从 0 年开始，而第一段从 {start} 年开始。",
                                    "The cooperation-years table must start at 0 years; its "
                                    "first band starts at {start}."),
    "programme.rules.years_not_ascending": (
        "年限 {start} 不大于上一段的 {previous}：各段须按年限从小到大排列。",
        "{start} years is not above the previous band's {previous}: list the bands from the "
        "fewest years to the most."),
    "programme.rules.years_factor_decreases": (
        "系数 {factor} 低于上一段的 {previous}：合作年限越长，系数不能越低。",
        "The factor {factor} is below the previous band's {previous}: more years must never "
        "pay less."),
    "programme.rules.up_not_above_down": (
        "升级分数 {up} 须高于降级分数 {down}，否则同一网点可能既升又降。",
        "The up score {up} must be above the down score {down}, or one outlet could qualify "
        "for both."),
    "programme.rules.tier_twice": ("级别「{tier}」已列在 {family} 中，每个级别只能出现一次。",
                                   "The tier '{tier}' is already listed under {family}; list "
                                   "each tier once."),
    "programme.rules.tier_unknown": ("checklists.yaml 中没有级别「{tier}」（已有：{tiers}）",
                                     "checklists.yaml has no tier '{tier}' (it has: {tiers})"),
    "programme.rules.tier_wrong_family": (
        "级别「{tier}」在 checklists.yaml 中属于 {actual}，不能列在 {family} 中。",
        "The tier '{tier}' belongs to {actual} in checklists.yaml, not to {family}."),
    "programme.rules.class_twice": (
        "类别「{name}」写了两次。",
        "The class '{name}' is listed twice."),
    "programme.rules.classes_not_descending": (
        "{value} 不小于上一类的 {previous}：类别须从客户数最多的一类开始，从高到低排列。",
        "{value} is not below the previous class's {previous}: list the classes from the "
        "most customers to the fewest."),
    "programme.rules.classes_end": (
        "最后一类须从 0 位客户开始（而不是 {value}），否则有的网点没有类别。",
        "The last class must start at 0 customers (not {value}), or some outlets would have "
        "no class."),
    "programme.rules.no_version": (
        "{month} 没有适用的规则版本：programme.yaml 最早的版本从 {first} 起生效。",
        "No version of the rules applies to {month}: the earliest in programme.yaml applies "
        "from {first}."),
    "programme.rules.unknown_version": (
        "programme.yaml 中没有版本「{version}」（已有：{known}）。已月结的月份需要它当时的版本，"
        "请不要删除已用过的版本。",
        "programme.yaml has no version '{version}' (it has: {known}). A closed month needs "
        "the version it was closed under; do not remove versions that were used."),
    # --- the month's words ----------------------------------------------------------------
    "programme.component.mystery_shop": ("暗访", "Mystery shop"),
    "programme.component.open_inspection": ("明查", "Open inspection"),
    "programme.component.self_check": ("自查", "Self-check"),
    "programme.component.sms_satisfaction": ("短信测评", "SMS satisfaction"),
    "programme.component.intercept": ("拦截调查", "Intercept survey"),
    "programme.method.mean": ("平均", "mean"),
    "programme.method.median": ("中位数", "median"),
    "programme.method.lowest": ("最低分", "lowest"),
    "programme.method.latest": ("最近一次", "latest"),
    "programme.family.agent_channel": ("代办渠道", "agent outlets"),
    "programme.family.self_run_hall": ("自营厅", "self-run halls"),
    "programme.flag.competitor": (
        "同业网点（不排名、不计佣金）",
        "Competitor (not ranked or paid)"),
    "programme.flag.inactive": ("已停用（不排名、不计佣金）", "Inactive (not ranked or paid)"),
    "programme.flag.not_scored": ("本月无综合得分", "No composite this month"),
    "programme.flag.short_of_evidence": ("证据不足", "Short of evidence"),
    "programme.flag.veto": ("有一票否决", "Veto"),
    "programme.flag.no_class": ("未登记网点类别", "No outlet class"),
    "programme.flag.no_base": ("没有佣金基数", "No commission base"),
    "programme.flag.base_ambiguous": ("佣金基数重复", "Conflicting commission bases"),
    "programme.flag.no_cooperation_start": ("未登记合作开始日期", "No cooperation start date"),
    "programme.flag.deduction": ("扣款", "Deduction"),
    "programme.flag.refund_due": ("本月返还", "Refund due"),
    "programme.flag.adjusted": ("有调整", "Adjusted"),
    "programme.flag.exit_candidate": ("退出候选", "Exit candidate"),
    "programme.flag.tier_up": ("升级候选", "Move up"),
    "programme.flag.tier_down": ("降级候选", "Move down"),
    "programme.flag.reward": ("片区经理奖励候选", "Area-manager reward"),
    "programme.adjustment.late_result": (
        "月结后到达的检查结果",
        "a result that arrived after the close"),
    "programme.adjustment.overturned_result": ("月结后被推翻的检查结果",
                                               "a result overturned after the close"),
    "programme.adjustment.correction": ("更正", "a correction"),
    "programme.figure.composite": ("综合得分", "Composite"),
    "programme.figure.rank_unit": ("营业部排名", "Rank in unit"),
    "programme.figure.rank_province": ("全省排名", "Rank in province"),
    "programme.figure.years_factor": ("合作年限系数", "Years factor"),
    "programme.figure.payment_factor": ("付费系数", "Payment factor"),
    "programme.figure.base": ("佣金基数", "Base"),
    "programme.figure.commission": ("服务佣金", "Commission"),
    "programme.figure.staff_share": ("员工分成", "Staff share"),
    "programme.figure.refund": ("滚动返还", "Refund"),
    "programme.figure.adjustments": ("调整", "Adjustments"),
    "programme.figure.exit": ("退出规则", "Exit rule"),
    "programme.figure.tier_move": ("升降级", "Tier move"),
    "programme.figure.reward": ("片区经理奖励", "Area-manager reward"),
    "programme.figure.flags": ("标记", "Flags"),
    "programme.figure.payable": ("本月应付", "Payable"),
    "programme.outlet.header": ("{code} {name}（{tier}，{unit}）{month} 月度考核",
                                "{code} {name} ({tier}, {unit}), month {month}"),
    # --- explanations (why a figure is what it is) ----------------------------------------
    "programme.why.rule": ("（规则 {version} › {rule}）", " (rules {version} › {rule})"),
    "programme.why.composite": ("{terms}，加权合计 ÷ 权重 {total_weight} = {score}",
                                "{terms}; weighted sum ÷ weight {total_weight} = {score}"),
    "programme.why.composite.renormalised": (
        "{terms}，加权合计 ÷ 权重 {total_weight} = {score}；{missing} 本月没有（足够的）数据，"
        "未计入，权重按其余部分重新折算（证据不足）",
        "{terms}; weighted sum ÷ weight {total_weight} = {score}; {missing} had no (or too "
        "little) data this month and was left out, the weights re-normalised over the rest "
        "(short of evidence)"),
    "programme.why.composite.term": ("{component} {score} × 权重 {weight}",
                                     "{component} {score} × weight {weight}"),
    "programme.why.composite.required_missing": (
        "没有综合得分：必需的 {components} 本月没有（足够的）数据",
        "No composite: the required {components} had no (or too little) data this month"),
    "programme.why.composite.too_few": (
        "没有综合得分：只有 {present} 个部分有数据，至少需要 {needed} 个",
        "No composite: {present} component(s) had data, at least {needed} are needed"),
    "programme.why.component.no_visits": ("{component}：本月没有计入的检查结果",
                                          "{component}: no counted result this month"),
    "programme.why.component.too_few_visits": (
        "{component}：本月只有 {count} 次可计分的检查，至少需要 {needed} 次",
        "{component}: {count} scored visit(s) this month, at least {needed} needed"),
    "programme.why.component.visits": (
        "{component}：{count} 次检查（{scores}）取{method} = {score}{note}",
        "{component}: {method} of {count} visit(s) ({scores}) = {score}{note}"),
    "programme.why.component.visits_voided_zero": (
        "{component}：{count} 次检查（{scores}）取{method} = {score}，其中 {voided} 次因一票否决"
        "作废，按 0 分计{note}",
        "{component}: {method} of {count} visit(s) ({scores}) = {score}; {voided} voided by a "
        "veto counted as 0{note}"),
    "programme.why.component.visits_voided_excluded": (
        "{component}：{count} 次检查（{scores}）取{method} = {score}，另有 {voided} 次因一票否决"
        "作废，不计入{note}",
        "{component}: {method} of {count} visit(s) ({scores}) = {score}; {voided} voided by a "
        "veto left out{note}"),
    "programme.why.component.not_counted": ("（仅展示，不计入综合得分）",
                                            " (shown only, not part of the composite)"),
    "programme.why.component.no_data": ("{component}：本月没有数据",
                                        "{component}: no data this month"),
    "programme.why.component.too_few_replies": (
        "{component}：本月只有 {count} 份，至少需要 {needed} 份才计入",
        "{component}: {count} this month, at least {needed} needed to count"),
    "programme.why.component.perception": ("{component}：{score}（{count} 份）{note}",
                                           "{component}: {score} ({count} replies){note}"),
    "programme.why.payment_factor": (
        "综合得分 {score} 在 {start} ≤ 得分 < {end} 一段，系数 {factor}",
        "composite {score} is in the band {start} ≤ score < {end}: factor {factor}"),
    "programme.why.payment_factor.last": (
        "综合得分 {score} 在 {start} ≤ 得分 ≤ {end} 一段，系数 {factor}",
        "composite {score} is in the band {start} ≤ score ≤ {end}: factor {factor}"),
    "programme.why.payment_factor.no_score": ("本月没有综合得分，无法确定付费系数",
                                              "no composite this month, so no payment factor"),
    "programme.why.years_factor": (
        "合作自 {start} 起，到 {on} 满 {years} 年（{from} ≤ 年限 < {to}），系数 {factor}",
        "cooperating since {start}: {years} whole year(s) by {on} ({from} ≤ years < {to}), "
        "factor {factor}"),
    "programme.why.years_factor.top": (
        "合作自 {start} 起，到 {on} 满 {years} 年（{from} 年及以上），系数 {factor}",
        "cooperating since {start}: {years} whole year(s) by {on} ({from} years or more), "
        "factor {factor}"),
    "programme.why.years_factor.no_start": (
        "未登记合作开始日期，按第一段计，系数 {factor}；请在网点资料中补上日期",
        "no cooperation start date on record: the first band, factor {factor}; add the date "
        "to the outlet's master data"),
    "programme.why.base": ("{cls} 类、{region} 区域 {period} 的基数 {amount} 元",
                           "the base of class {cls} in {region} for {period}: {amount}"),
    "programme.why.base.none": (
        "没有 {cls} 类、{region} 区域适用于 {month} 的佣金基数，本月无法计算佣金；请导入基数",
        "no commission base for class {cls} in {region} covers {month}, so no commission; "
        "import the base"),
    "programme.why.base.no_class": (
        "未登记网点类别（A/B/C），无法确定佣金基数；请在网点资料中补上类别",
        "no outlet class (A/B/C) on record, so no commission base; add the class to the "
        "outlet's master data"),
    "programme.why.base.ambiguous": (
        "{cls} 类、{region} 区域同时有多个金额不同的基数（{periods}），本月不计佣金；请修正基数",
        "class {cls} in {region} has several bases with different amounts ({periods}), so no "
        "commission this month; fix the bases"),
    "programme.why.commission": (
        "基数 {base} × 年限系数 {years} × 付费系数 {payment} = {commission} 元"
        "（四舍五入到分）",
        "base {base} × years factor {years} × payment factor {payment} "
        "= {commission} (rounded half up to the cent)"),
    "programme.why.commission.no_score": ("本月没有综合得分，不计算佣金，由渠道管理决定",
                                          "no composite this month: no commission computed, for "
                                          "channel management to decide"),
    "programme.why.commission.no_base": ("没有佣金基数，不计算佣金",
                                         "no commission base: no commission computed"),
    "programme.why.staff_share": ("佣金 {commission} × {percent}% = {share} 元（四舍五入到分）",
                                  "commission {commission} × {percent}% = {share} (rounded half "
                                  "up to the cent)"),
    "programme.why.staff_share.deduction": (
        "佣金为扣款（{commission} 元），员工不承担扣款，分成为 0",
        "the commission is a deduction ({commission}); staff bear no part of it, share 0"),
    "programme.why.refund.none": ("没有等待返还的扣款", "no deduction waiting for a refund"),
    "programme.why.refund.line": ("{month} 扣款 {amount} 元", "the {month} deduction of {amount}"),
    "programme.why.refund.due": (
        "{months} 连续 {count} 个月综合得分 ≥ {min_score}，返还 {lines}",
        "{count} consecutive months ({months}) scored ≥ {min_score}: refunds {lines}"),
    "programme.why.refund.waiting": (
        "等待返还：{months} 的扣款共 {amount} 元；目前连续 {streak} 个月 ≥ {min_score}，"
        "需要连续 {count} 个月",
        "waiting for a refund: the deductions of {months}, {amount} in all; {streak} "
        "consecutive month(s) ≥ {min_score} so far, {count} needed"),
    "programme.why.refund.lapsed": (
        "{months} 的扣款在 {limit} 个月内未能返还，已作废",
        "the deduction of {months} was not refunded within {limit} months and has lapsed"),
    "programme.why.exit.candidate": (
        "{first} 至 {last} 平均分 {mean}，倒数第 {rank}（共 {ranked} 家，倒数 {year_bottom} 名"
        "以内），且有 {months} 个月在本营业部倒数 {unit_bottom} 名以内（超过 {more_than} 个月）："
        "退出候选",
        "{first} to {last}: mean {mean}, {rank} from the bottom of {ranked} (bottom "
        "{year_bottom}), and in the unit's bottom {unit_bottom} in {months} months (more than "
        "{more_than}): exit candidate"),
    "programme.why.exit.not_candidate": (
        "{first} 至 {last} 平均分 {mean}，倒数第 {rank}（共 {ranked} 家；退出需倒数 {year_bottom} "
        "名以内）；{months} 个月在本营业部倒数 {unit_bottom} 名以内（需超过 {more_than} 个月）",
        "{first} to {last}: mean {mean}, {rank} from the bottom of {ranked} (exit needs the "
        "bottom {year_bottom}); in the unit's bottom {unit_bottom} in {months} months (exit "
        "needs more than {more_than})"),
    "programme.why.exit.no_scores": (
        "{first} 至 {last} 没有综合得分，不参加全年排名（倒数 {year_bottom} 名、{months} 个月"
        "倒数 {unit_bottom} 名、超过 {more_than} 个月的规则不适用；{mean}、{rank}/{ranked}）",
        "no composite from {first} to {last}: not in the annual ranking (the bottom "
        "{year_bottom} / {months} months in the bottom {unit_bottom} / more than {more_than} "
        "rule does not apply; {mean}, {rank}/{ranked})"),
    "programme.why.tier.up": (
        "在 {tier} 级连续 {up} 个月 ≥ {up_score}（需 {up_months} 个月）：升级候选，升为 {to}"
        "（降级计数 {down}/{down_months}，< {down_score}）",
        "{up} consecutive months at {tier} ≥ {up_score} ({up_months} needed): move up to {to} "
        "(down count {down}/{down_months}, < {down_score})"),
    "programme.why.tier.down": (
        "在 {tier} 级连续 {down} 个月 < {down_score}（需 {down_months} 个月）：降级候选，降为 {to}"
        "（升级计数 {up}/{up_months}，≥ {up_score}）",
        "{down} consecutive months at {tier} < {down_score} ({down_months} needed): move down "
        "to {to} (up count {up}/{up_months}, ≥ {up_score})"),
    "programme.why.tier.top": (
        "在 {tier} 级连续 {up} 个月 ≥ {up_score}（需 {up_months} 个月），但已是最高级"
        "（降级计数 {down}/{down_months}，< {down_score}）",
        "{up} consecutive months at {tier} ≥ {up_score} ({up_months} needed), but it is the "
        "top tier (down count {down}/{down_months}, < {down_score})"),
    "programme.why.tier.bottom": (
        "在 {tier} 级连续 {down} 个月 < {down_score}（需 {down_months} 个月），但已是最低级，"
        "请看退出规则（升级计数 {up}/{up_months}，≥ {up_score}）",
        "{down} consecutive months at {tier} < {down_score} ({down_months} needed), but it is "
        "the lowest tier: see the exit rule (up count {up}/{up_months}, ≥ {up_score})"),
    "programme.why.tier.none": (
        "在 {tier} 级：连续 {up}/{up_months} 个月 ≥ {up_score}，连续 {down}/{down_months} 个月 "
        "< {down_score}，不升不降",
        "at {tier}: {up}/{up_months} consecutive months ≥ {up_score}, {down}/{down_months} "
        "< {down_score}; no move"),
    "programme.why.tier.not_on_ladder": ("级别 {tier} 不在升降级的级别顺序中，不考虑升降级",
                                         "the tier {tier} is not on a tier ladder: no move "
                                         "considered"),
    "programme.why.reward.candidate": (
        "营业部排名从 {baseline} 的第 {before} 名升到第 {now} 名，上升 {places} 名"
        "（≥ {min_places}）：片区经理 {manager} 和网点业主列为奖励候选",
        "unit rank from {before} in {baseline} to {now}, up {places} places (≥ {min_places}): "
        "area manager {manager} and the owner are reward candidates"),
    "programme.why.reward.candidate_no_owner": (
        "营业部排名从 {baseline} 的第 {before} 名升到第 {now} 名，上升 {places} 名"
        "（≥ {min_places}）：片区经理 {manager} 列为奖励候选",
        "unit rank from {before} in {baseline} to {now}, up {places} places (≥ {min_places}): "
        "area manager {manager} is a reward candidate"),
    "programme.why.reward.none": (
        "营业部排名从 {baseline} 的第 {before} 名到第 {now} 名，变化 {places} 名（奖励需上升 "
        "{min_places} 名）",
        "unit rank from {before} in {baseline} to {now}: {places} places (a reward needs "
        "{min_places})"),
    "programme.why.reward.no_rank": (
        "{baseline} 或本月没有营业部排名，无法比较（奖励需上升 {min_places} 名）",
        "no unit rank in {baseline} or this month, nothing to compare (a reward needs "
        "{min_places} places)"),
    "programme.why.reward.moved": ("自 {baseline} 以来换了营业部或网点类型，排名无法比较"
                                   "（奖励需上升 {min_places} 名）",
                                   "the business unit or family changed since {baseline}: the "
                                   "ranks do not compare (a reward needs {min_places} places)"),
    "programme.why.rank_unit": ("{unit}的{family}中第 {rank} 名（共 {size} 家），综合得分 {score}；"
                                "同分同名次，下一名次顺延",
                                "{rank} of {size} {family} in {unit}, composite {score}; equal "
                                "scores share a rank, the next rank is skipped"),
    "programme.why.rank_province": ("全省{family}中第 {rank} 名（共 {size} 家），综合得分 {score}",
                                    "{rank} of {size} {family} in the province, composite "
                                    "{score}"),
    "programme.why.rank.competitor": ("同业网点只作对比，不排名、不计佣金",
                                      "a competitor's outlet is compared, never ranked or paid"),
    "programme.why.rank.inactive": ("网点已停用，不排名、不计佣金",
                                    "the outlet is inactive: not ranked or paid"),
    "programme.why.rank.not_scored": (
        "本月没有综合得分，不排名",
        "no composite this month: not ranked"),
    "programme.why.adjustments": (
        "从已月结月份转入：{lines}",
        "carried in from closed months: {lines}"),
    "programme.why.adjustment.line": (
        "{month} {amount} 元（{reason}）",
        "{month} {amount} ({reason})"),
    # --- notes about inputs a month could not use -----------------------------------------
    "programme.note.outlet_twice": ("网点 {code} 在网点资料中出现两次，只用第一条。",
                                    "The outlet {code} is listed twice; the first is used."),
    "programme.note.later_history": ("已月结月份 {months} 不早于本月，计算时不使用。",
                                     "The closed months {months} are not before this month and "
                                     "were not used."),
    "programme.note.adjustment_unknown_outlet": (
        "调整 {amount} 元属于网点资料中没有的网点 {code}，请核对后处理。",
        "An adjustment of {amount} is for {code}, which is not in the outlet list; check it."),
    "programme.note.result_twice": ("检查结果 {uuid} 出现两次，只计一次。",
                                    "The result {uuid} was given twice and is counted once."),
    "programme.note.unknown_kind": ("检查结果 {uuid} 的类型「{kind}」不计入综合得分。",
                                    "The result {uuid} is of kind '{kind}', which the composite "
                                    "does not use."),
    "programme.note.bad_score": ("检查结果 {uuid} 的得分 {score} 不在 0–100 之间，未计入。",
                                 "The result {uuid} has the score {score}, outside 0–100; not "
                                 "counted."),
    "programme.note.unknown_outlet_results": (
        "{count} 条检查结果属于网点资料中没有的网点（{codes}），未计入。",
        "{count} result(s) are for outlets not in the outlet list ({codes}); not counted."),
    "programme.note.bad_perception": (
        "网点 {code} 的客户感知得分 {score} 不在 0–100 之间，未计入。",
        "The perception score {score} of {code} is outside 0–100; not counted."),
    "programme.note.perception_twice": ("网点 {code} 的 {source} 数据有两条，只用第一条。",
                                        "{code} has two {source} aggregates; the first is used."),
    "programme.note.unknown_outlet_perception": (
        "客户感知数据属于网点资料中没有的网点（{codes}），未计入。",
        "Perception data is for outlets not in the outlet list ({codes}); not counted."),
    # --- hallcheck programme validate | show ------------------------------------------------
    "programme.cli.validate.ok": ("{file}：规则文件可用，共 {versions} 个版本：",
                                  "{file}: the rules file is valid, {versions} version(s):"),
    "programme.cli.validate.version": ("{version}  自 {applies_from} 起生效  {title}  [{hash}]",
                                       "{version}  from {applies_from}  {title}  [{hash}]"),
    "programme.cli.bad_month": ("「{value}」不是月份，请写成 YYYY-MM（如 2025-03）。",
                                "'{value}' is not a month; write it as YYYY-MM (e.g. 2025-03)."),
    "programme.cli.no_checklists": (
        "无法读取 {file}，未核对升降级的级别名称（用 hallcheck checklists validate 查看原因）。",
        "{file} cannot be read, so the tier ladders were not checked against it (hallcheck "
        "checklists validate says why)."),
    "programme.cli.show.header": (
        "考核与佣金规则 {version}（自 {applies_from} 起生效）{title}  [{hash}]",
        "Evaluation and commission rules {version} (from "
        "{applies_from}) {title}  [{hash}]"),
    "programme.cli.show.composite": (
        "综合得分（0–100）：同一部分多次检查取{method}，{voided}，保留 {decimals} 位小数"
        "（四舍五入）；"
        "至少需要 {min} 个部分有数据：",
        "Composite (0–100): several visits of a component combine by {method}, {voided}, "
        "rounded half up to {decimals} decimals; at least {min} component(s) with data:"),
    "programme.cli.show.voided.zero": (
        "一票否决作废的检查按 0 分计",
        "a visit voided by a veto counts 0"),
    "programme.cli.show.voided.excluded": ("一票否决作废的检查不计入",
                                           "a visit voided by a veto is left out"),
    "programme.cli.show.component": ("{name}：权重 {weight}（占 {share}%）",
                                     "{name}: weight {weight} ({share}%)"),
    "programme.cli.show.component_shown": ("{name}：权重 {weight}，仅展示，不计入",
                                           "{name}: weight {weight}, shown only, not counted"),
    "programme.cli.show.years_first": ("不满 {end} 年 → {factor}", "years < {end} → {factor}"),
    "programme.cli.show.min_count": ("，至少 {count} 份/次才计入", ", counts from {count} up"),
    "programme.cli.show.required": ("，必需（缺少则当月无综合得分）",
                                    ", required (no composite without it)"),
    "programme.cli.show.renormalise": (
        "某部分当月没有数据时，其余部分的权重重新折算，并标记“证据不足”。",
        "A component without data that month is left out, the others' weights re-normalised, "
        "and the outlet flagged short of evidence."),
    "programme.cli.show.payment_header": (
        "付费系数（按综合得分）：",
        "Payment factor (by composite):"),
    "programme.cli.show.band": (
        "{start} ≤ 得分 < {end} → {factor}",
        "{start} ≤ score < {end} → {factor}"),
    "programme.cli.show.band_last": ("{start} ≤ 得分 ≤ {end} → {factor}",
                                     "{start} ≤ score ≤ {end} → {factor}"),
    "programme.cli.show.deduction": ("（扣款）", " (deduction)"),
    "programme.cli.show.years_header": ("合作年限系数（截至当月最后一天已满的整年数）：",
                                        "Cooperation-years factor (whole years completed by the "
                                        "month's last day):"),
    "programme.cli.show.years_band": ("满 {start} 年不满 {end} 年 → {factor}",
                                      "{start} ≤ years < {end} → {factor}"),
    "programme.cli.show.years_top": (
        "满 {start} 年及以上 → {factor}",
        "{start} years or more → {factor}"),
    "programme.cli.show.commission": (
        "服务佣金 = 基数 × 合作年限系数 × 付费系数；员工分成 {percent}%",
        "Service commission = base × years factor × payment "
        "factor; staff share {percent}%"),
    "programme.cli.show.staff.of_deductions": ("（扣款时员工按比例分担）。",
                                               " (staff bear their part of a deduction)."),
    "programme.cli.show.staff.not_of_deductions": ("（扣款时员工不承担）。",
                                                   " (staff bear no part of a deduction)."),
    "programme.cli.show.refund": (
        "滚动返还：扣款后连续 {count} 个月综合得分 ≥ {min_score}，在第 {count} 个月返还扣款金额"
        "（只返还一次；中断则重新计数）；{expiry}。",
        "Rolling refund: after a deduction, {count} consecutive months with a composite ≥ "
        "{min_score} refund it in the last of them (once; a break restarts the count); "
        "{expiry}."),
    "programme.cli.show.refund.never": (
        "扣款一直有效，直到返还",
        "a deduction waits until refunded"),
    "programme.cli.show.refund.expires": ("{months} 个月内未返还即作废",
                                          "it lapses if not refunded within {months} months"),
    "programme.cli.show.exit": (
        "退出候选：{window}平均分在{ranked_in}同类网点倒数 {year_bottom} 名以内，且超过 "
        "{more_than} 个月在本营业部倒数 {unit_bottom} 名以内。",
        "Exit candidates: in the bottom {year_bottom} of {ranked_in} by mean composite over "
        "{window}, and in the unit's bottom {unit_bottom} in more than {more_than} months."),
    "programme.cli.show.window.rolling": ("最近 12 个月", "the last 12 months"),
    "programme.cli.show.window.calendar": ("当年 1 月至当月", "January to the month"),
    "programme.cli.show.ranked_in.province": ("全省", "the province"),
    "programme.cli.show.ranked_in.business_unit": ("本营业部", "the business unit"),
    "programme.cli.show.tiers": (
        "升级候选：在当前级别连续 {up_months} 个月 ≥ {up_score}；降级候选：连续 {down_months} 个月 "
        "< {down_score}。级别由低到高：",
        "Move up: {up_months} consecutive months ≥ {up_score} at the tier; move down: "
        "{down_months} consecutive months < {down_score}. Tiers, lowest first:"),
    "programme.cli.show.ladder": ("{family}的级别：{tiers}", "{family}: {tiers}"),
    "programme.cli.show.reward": (
        "片区经理奖励：季末在本营业部的排名比{baseline}上升 {min_places} 名及以上",
        "Area-manager reward: a climb of {min_places} or more places in the unit's ranking "
        "from {baseline} to the quarter's last month"),
    "programme.cli.show.reward.owner": ("（网点业主同获奖励）。", " (the owner is rewarded too)."),
    "programme.cli.show.baseline.quarter_start": ("本季度第一个月", "the quarter's first month"),
    "programme.cli.show.baseline.previous_quarter_end": ("上季度最后一个月",
                                                         "the previous quarter's last month"),
    "programme.cli.show.classes": ("网点类别（按当月服务的不重复客户数）：{classes}。",
                                   "Outlet classes (by the month's distinct customers): "
                                   "{classes}."),
    "programme.cli.show.class": ("{cls} 类 ≥ {min}", "{cls} ≥ {min}"),
    "programme.cli.show.money": ("金额以分为单位精确计算，每个金额四舍五入到分。",
                                 "Money is computed exactly in cents; each figure is rounded "
                                 "half up to the cent."),
}
