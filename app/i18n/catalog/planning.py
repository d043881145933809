"""Messages of visit planning (app.programme.planning): the reason for every choice and every
gap, a manager's refused move, and inputs the planner cannot use."""

MESSAGES: dict[str, tuple[str, str]] = {
    # weekdays and time-of-day bands (parameters of the reasons)
    "planning.weekday.mon": ("周一", "Monday"),
    "planning.weekday.tue": ("周二", "Tuesday"),
    "planning.weekday.wed": ("周三", "Wednesday"),
    "planning.weekday.thu": ("周四", "Thursday"),
    "planning.weekday.fri": ("周五", "Friday"),
    "planning.weekday.sat": ("周六", "Saturday"),
    "planning.weekday.sun": ("周日", "Sunday"),
    "planning.band.morning": ("上午", "morning"),
    "planning.band.midday": ("午间", "midday"),
    "planning.band.afternoon": ("下午", "afternoon"),
    "planning.band.evening": ("傍晚", "evening"),
    # priority classes, in the order capacity goes to them
    "planning.priority.flagship": ("旗舰厅", "flagship hall"),
    "planning.priority.central_hall": ("市区营业厅", "central-city hall"),
    "planning.priority.county_hall": ("县城营业厅", "county hall"),
    "planning.priority.town_hall": ("乡镇营业厅", "town hall"),
    "planning.priority.agent": ("代办网点", "agent outlet"),
    "planning.priority.village": ("村级/社区服务站", "village or community station"),
    # why a covert visit is as it is
    "planning.reason.priority": ("{class}：本月第 {number}/{wanted} 次暗访",
                                 "{class}: covert visit {number} of {wanted} this month"),
    "planning.reason.shopper": (
        "派 {shopper}：{feasible} 名可派暗访员中本月任务最少的（此前已排 {load} 次）",
        "{shopper}: the least busy of {feasible} shoppers who could go (visits planned "
        "for them before this one: {load})"),
    "planning.reason.made_room": (
        "派 {shopper}：其当天已排满，已把其在网点 {outlet} 的暗访改派他人腾出名额",
        "{shopper}: they were full that day, so their visit to {outlet} went to another "
        "shopper to make room"),
    "planning.reason.reassigned": (
        "改派 {shopper}（原为 {previous}，为另一网点腾出名额）",
        "{shopper} (was {previous}, moved to make room for another outlet)"),
    "planning.reason.weekday_fresh": ("{weekday}：与该网点近期暗访的星期不同",
                                      "{weekday}: not a weekday of the outlet's recent visits"),
    "planning.reason.weekday_repeat": (
        "{weekday}：与该网点近期暗访同一星期（其他日子没有可派的暗访员）",
        "{weekday}: the same weekday as a recent visit (no shopper could go on another "
        "day)"),
    "planning.reason.band_fresh": ("{band}：与该网点近期暗访的时段不同",
                                   "{band}: not a time of day of the outlet's recent visits"),
    "planning.reason.band_repeat": (
        "{band}：与该网点近期暗访同一时段（营业时间内没有其他时段）",
        "{band}: the same time of day as a recent visit (the opening hours leave no "
        "other)"),
    "planning.reason.spacing_short": (
        "与本月该网点的另一次暗访相隔较近（更远的日子没有可派的暗访员，或与近期暗访同一星期）",
        "Close to another visit of this outlet this month (no shopper could go on a day "
        "further away, or it would repeat a recent weekday)"),
    "planning.reason.moved": ("由 {by} 调整（原为 {shopper}，{day} {window}）",
                              "Moved by {by} (was {shopper}, {day} {window})"),
    # why visits are missing
    "planning.gap.summary": ("{class}：缺 {missing}/{wanted} 次暗访",
                             "{class}: {missing} of {wanted} covert visits not covered"),
    "planning.gap.closed": ("该网点 {month} 没有营业日（请检查营业时间和停业日期）",
                            "The outlet has no opening day in {month} (check its opening "
                            "hours and closed dates)"),
    "planning.gap.no_shopper_in_region": (
        "区域「{region}」没有暗访员，请为该区域招募或指派暗访员",
        "No shopper covers the region '{region}'; recruit one or let a shopper cover it"),
    "planning.gap.pool": ("区域「{region}」的 {count} 名暗访员都无法前往：",
                          "None of the {count} shoppers of the region '{region}' can go:"),
    "planning.gap.excluded": ("{count} 名在该网点的回避名单上（会被认出）",
                              "{count} are on the outlet's exclusion list (known there)"),
    "planning.gap.rotation": (
        "{count} 名在 3 个月内已到访或已排到访该网点（同一暗访员 3 个月内不重复）",
        "{count} visited it or are planned there within three months (rotation rule)"),
    "planning.gap.availability": ("{count} 名在该网点营业的日子都没有空",
                                  "{count} are not available on any day it is open"),
    "planning.gap.caps": ("{count} 名在能去的日子都已排满（每日上限）",
                          "{count} are full on every day they could go (daily cap)"),
    "planning.gap.other": ("{count} 名仍可前往但未排入，请手工指派",
                           "{count} could still go but were not planned; assign by hand"),
    "planning.not_due.none": ("本月不安排暗访（次数设为 0）",
                              "No covert visit this month (its number of visits is 0)"),
    "planning.not_due.frequency": ("每 {every} 个月暗访一次，上次在 {last}，本月不到期",
                                   "Visited every {every} months, last in {last}: not due "
                                   "this month"),
    "planning.not_due.known": ("本月已有 {known} 次暗访（需 {wanted} 次），不再安排",
                               "{known} covert visits already known this month ({wanted} "
                               "wanted): none added"),
    # a manager's move refused
    "planning.refuse.unknown_visit": ("计划中没有暗访任务 {visit}，请刷新后再试",
                                      "The plan has no visit {visit}; reload it and try "
                                      "again"),
    "planning.refuse.unknown_outlet": ("网点 {outlet} 不在暗访网点名单上",
                                       "The outlet {outlet} is not on the covert-visit list"),
    "planning.refuse.unknown_shopper": ("暗访员 {shopper} 不在暗访员名单上（或已停用）",
                                        "The shopper {shopper} is not in the pool (or is "
                                        "inactive)"),
    "planning.refuse.outside_month": ("{day} 不在计划月份 {month} 内，请选该月的日期",
                                      "{day} is not in the plan's month {month}; pick a day "
                                      "of that month"),
    "planning.refuse.region": ("暗访员 {shopper} 不负责区域「{region}」，请选该区域的暗访员",
                               "The shopper {shopper} does not cover the region '{region}'; "
                               "pick a shopper of that region"),
    "planning.refuse.excluded": ("暗访员 {shopper} 在网点 {outlet} 的回避名单上（会被认出），"
                                 "请改派他人",
                                 "The shopper {shopper} is known at {outlet} (exclusion "
                                 "list); pick another shopper"),
    "planning.refuse.unavailable": ("暗访员 {shopper} 在 {day} 没有空，请换一天或换人",
                                    "The shopper {shopper} is not available on {day}; pick "
                                    "another day or shopper"),
    "planning.refuse.closed": ("网点 {outlet} 在 {day} 不营业，请换一天",
                               "The outlet {outlet} is closed on {day}; pick another day"),
    "planning.refuse.outside_hours": (
        "时段 {window} 不在网点 {outlet} 当天的营业时间（{hours}）内，请在营业时间内选择",
        "The window {window} is not inside the opening hours of {outlet} that day "
        "({hours}); pick a window inside them"),
    "planning.refuse.cap": ("暗访员 {shopper} 在 {day} 已排满（每天最多 {cap} 次），请换一天或换人",
                            "The shopper {shopper} already has {cap} visits on {day} (their "
                            "daily cap); pick another day or shopper"),
    "planning.refuse.rotation": (
        "暗访员 {shopper} 已在 {last} 到访网点 {outlet}（{source}），3 个月内不能重复，"
        "最早 {next} 可再去，请换人",
        "The shopper {shopper} visited {outlet} on {last} ({source}); the same shopper "
        "may not return within three months (from {next} on); pick another shopper"),
    "planning.refuse.rotation_later": (
        "暗访员 {shopper} 已排定在 {later} 到访网点 {outlet}（{source}），与此次相隔不足 3 个月，"
        "请换人",
        "The shopper {shopper} is due at {outlet} on {later} ({source}), less than three "
        "months from this visit; pick another shopper"),
    "planning.refuse.rotation_plan": (
        "本计划已安排暗访员 {shopper} 在 {other} 到访网点 {outlet}，3 个月内不能重复，请换人",
        "This plan already sends {shopper} to {outlet} on {other}; the same shopper may "
        "not return within three months; pick another shopper"),
    # coaching cadence
    "planning.cadence.bottom": ("倒数网点（每周两次）", "bottom outlet (twice a week)"),
    "planning.cadence.class_a": ("A 类厅（每周一次）", "A-class (once a week)"),
    "planning.cadence.fortnightly": ("普通网点（每两周一次）", "other outlet (once a fortnight)"),
    "planning.cadence.reason.bottom": (
        "{ranking} 在营业部「{unit}」排名第 {rank}，属倒数 {n} 名：每周两次，本月 {weeks} 周"
        "共 {required} 次",
        "Ranked {rank} in the business unit '{unit}' in {ranking}, among its lowest {n}: "
        "twice a week, {required} visits in the month's {weeks} weeks"),
    "planning.cadence.reason.class_a": (
        "A 类厅：每周一次，本月 {weeks} 周共 {required} 次",
        "A-class: once a week, {required} visits in the month's {weeks} weeks"),
    "planning.cadence.reason.fortnightly": (
        "普通网点：每两周一次，本月 {fortnights} 个双周共 {required} 次（按 {ranking} 排名）",
        "Other outlet: once every two weeks, {required} visits in the month's {fortnights} "
        "fortnights (ranking of {ranking})"),
    "planning.cadence.reason.unranked": (
        "{ranking} 未参与排名，按普通网点每两周一次：本月 {fortnights} 个双周共 {required} 次",
        "Not ranked in {ranking}, so as any other outlet once every two weeks: {required} "
        "visits in the month's {fortnights} fortnights"),
    "planning.coaching.reason.week": ("{cadence}：本月第 {period} 周",
                                      "{cadence}: week {period} of the month"),
    "planning.coaching.reason.fortnight": ("{cadence}：本月第 {period} 个双周",
                                           "{cadence}: fortnight {period} of the month"),
    "planning.coaching.ranking_not_closed": (
        "{wanted} 尚未月结，按最近已月结的 {using} 排名安排",
        "{wanted} is not closed yet; planned from the ranking of {using}, the latest "
        "closed month"),
    "planning.coaching.gap.no_manager": (
        "片区经理 {manager} 不在名单上，请先添加（含每天能走访的网点数）",
        "The area manager {manager} is not on the list; add them (with how many outlets "
        "they can visit a day)"),
    "planning.coaching.gap.no_working_day": (
        "第 {period} 期内 {manager} 没有工作日（节假日或请假）",
        "{manager} has no working day in period {period} (holidays or leave)"),
    "planning.coaching.gap.too_few_days": (
        "第 {period} 期只有 {days} 个工作日，需要 {needed} 个不同的日子",
        "Period {period} has only {days} working days, {needed} different days are needed"),
    "planning.coaching.gap.capacity": (
        "第 {period} 期 {manager} 的工作日都已排满（每天最多 {cap} 个网点）",
        "{manager}'s working days in period {period} are full ({cap} outlets a day at "
        "most)"),
    # inputs the planner cannot use
    "planning.invalid.month": ("「{value}」不是有效的月份，请写成 YYYY-MM（例如 2025-03）",
                               "'{value}' is not a month; write YYYY-MM (e.g. 2025-03)"),
    "planning.invalid.clock": ("「{value}」不是有效的时间，请写成 HH:MM（例如 09:30）",
                               "'{value}' is not a time of day; write HH:MM (e.g. 09:30)"),
    "planning.invalid.window": ("时段「{value}」的结束时间须晚于开始时间",
                                "The window '{value}' must end after it starts"),
    "planning.invalid.hours": ("营业时间须按一周 7 天给出（收到 {value} 天）",
                               "Opening hours need all 7 weekdays ({value} given)"),
    "planning.invalid.hours_overlap": ("营业时间段 {value} 与同一天的另一段重叠，请合并",
                                       "The opening hours {value} overlap another span of "
                                       "the same day; merge them"),
    "planning.invalid.hours_span": ("营业时间「{value}」无效，请写成 09:00-18:00（结束晚于开始）",
                                    "The opening hours '{value}' are not valid; write "
                                    "09:00-18:00 (ending after they start)"),
    "planning.invalid.weekday": ("星期「{value}」无效，应为 0（周一）到 6（周日）",
                                 "'{value}' is not a weekday; use 0 (Monday) to 6 (Sunday)"),
    "planning.invalid.rule_visits": ("规则 {rule} 的月暗访次数 {value} 无效，应为 0 到 {max}",
                                     "The rule {rule} asks for {value} visits a month; use 0 "
                                     "to {max}"),
    "planning.invalid.window_rule": (
        "暗访时段长度 {minutes} 分钟或步长 {step} 分钟无效（时段 15–720 分钟，步长 5–120 分钟）",
        "A window of {minutes} minutes on a {step}-minute grid is not valid (windows "
        "15–720 minutes, grid 5–120 minutes)"),
    "planning.invalid.tz": ("计划所用的时区没有确定的时差", "The plan's time zone has no "
                            "fixed offset"),
    "planning.invalid.duplicate_outlet": ("网点 {outlet} 出现了两次，请去掉重复的一条",
                                          "The outlet {outlet} is listed twice; remove one"),
    "planning.invalid.duplicate_shopper": ("暗访员 {shopper} 出现了两次，请去掉重复的一条",
                                           "The shopper {shopper} is listed twice; remove "
                                           "one"),
    "planning.invalid.duplicate_manager": ("片区经理 {manager} 出现了两次，请去掉重复的一条",
                                           "The area manager {manager} is listed twice; "
                                           "remove one"),
    "planning.invalid.tier": ("网点 {outlet} 的级别「{tier}」无法识别，请注明是营业厅还是代办网点",
                              "The tier '{tier}' of {outlet} is not known; say whether it is "
                              "a hall or an agent outlet"),
    "planning.invalid.city_class": (
        "网点 {outlet} 的城市类别「{value}」无效，应为 central/county/town/village",
        "The city class '{value}' of {outlet} is not valid; use central, county, town or "
        "village"),
    "planning.invalid.priority": ("网点 {outlet} 的优先级 {value} 无效，应为 0 到 {max}",
                                  "The priority {value} of {outlet} is not valid; use 0 to "
                                  "{max}"),
    "planning.invalid.visits": ("网点 {outlet} 的月暗访次数 {value} 无效，应为 0 到 {max}",
                                "{outlet} asks for {value} covert visits a month; use 0 to "
                                "{max}"),
    "planning.invalid.every_months": ("网点 {outlet} 的暗访间隔 {value} 个月无效，应为 1 到 12",
                                      "{outlet} is to be visited every {value} months; use "
                                      "1 to 12"),
    "planning.invalid.cap": ("暗访员 {shopper} 的每日上限 {value} 无效，至少为 1",
                             "The daily cap {value} of {shopper} is not valid; at least 1"),
    "planning.invalid.naive_time": ("暗访员 {shopper} 在网点 {outlet} 的一条到访记录没有时区",
                                    "A visit of {shopper} to {outlet} has a time without a "
                                    "time zone"),
    "planning.invalid.known_window": ("暗访员 {shopper} 在网点 {outlet} 的一条已排任务结束早于开始",
                                      "A planned visit of {shopper} to {outlet} ends before "
                                      "it starts"),
    "planning.invalid.ranking_month": ("排名月份 {ranking} 须早于计划月份 {month}",
                                       "The ranking month {ranking} must come before the "
                                       "plan's month {month}"),
    "planning.invalid.bottom_n": ("倒数网点数 {value} 无效，至少为 0",
                                  "{value} bottom outlets is not valid; at least 0"),
    "planning.invalid.rank": ("网点 {outlet} 的排名 {value} 无效，排名从 1 开始",
                              "The rank {value} of {outlet} is not valid; ranks start at 1"),
    "planning.invalid.outlet_class": ("网点 {outlet} 的类别「{value}」无效，应为 A、B 或 C",
                                      "The class '{value}' of {outlet} is not valid; use A, "
                                      "B or C"),
    "planning.invalid.manager_cap": ("片区经理 {manager} 的每日走访数 {value} 无效，至少为 1",
                                     "The daily capacity {value} of {manager} is not valid; "
                                     "at least 1"),

    # --- the office's plans (issue 10: storage, CLI, console) ------------------------------
    "planning.kind.covert": ("暗访计划", "covert-visit plan"),
    "planning.kind.coaching": ("片区经理走访计划", "coaching plan"),
    "planning.state.draft": ("草稿", "draft"),
    "planning.state.published": ("已发布", "published"),
    "planning.state.superseded": ("已被新方案取代", "superseded"),
    "planning.status.planned": ("待走访", "planned"),
    "planning.status.done": ("已完成", "done"),
    "planning.status.late": ("延后完成", "late"),
    "planning.status.missed": ("未完成", "missed"),
    # what the shopper's phone shows with a task: a customer's own errand, nothing more
    "planning.device.errand": ("{month}月{day}日 {window} 去{store}办业务",
                               "{store}, {month}/{day} {window}"),
    "planning.device.errand_day": ("{month}月{day}日 去{store}", "{store}, {month}/{day}"),
    # outlet list and programme.yaml
    "planning.invalid.hours_days": (
        "营业时间「{value}」中的星期无法识别，请写成 周一至周五 09:00-18:00 或 mon-fri 09:00-18:00",
        "The weekdays in the opening hours '{value}' are not clear; write mon-fri "
        "09:00-18:00 (or 周一至周五 09:00-18:00)"),
    "planning.invalid.hours_twice": ("营业时间「{value}」把同一天写了两次，请合并为一条",
                                     "The opening hours '{value}' give a day twice; merge "
                                     "them into one"),
    "planning.outlets.hours_invalid": (
        "营业时间「{value}」无法识别（{detail}）："
        "请写成 09:00-21:00，或 周一至周五 09:00-18:00；周六 10:00-16:00",
        "The opening hours '{value}' cannot be read ({detail}): write 09:00-21:00, or "
        "mon-fri 09:00-18:00; sat 10:00-16:00"),
    "planning.outlets.city_class_invalid": ("城市类别「{value}」无效，应为 {allowed} 之一",
                                            "The city class '{value}' is not one of "
                                            "{allowed}"),
    "planning.outlets.important_invalid": ("重点网点「{value}」应为 是/否",
                                           "important '{value}' should be yes or no"),
    "planning.outlets.number_invalid": ("{column}「{value}」无效，应为 {low} 到 {high} 的整数",
                                        "{column} '{value}' should be a whole number from "
                                        "{low} to {high}"),
    "planning.rules.default_hours": (
        "默认营业时间「{value}」无法识别："
        "请写成 09:00-18:00，或 周一至周五 09:00-18:00；周六 10:00-16:00",
        "The default opening hours '{value}' cannot be read: write 09:00-18:00, or "
        "mon-fri 09:00-18:00; sat 10:00-16:00"),
    # the shopper pool CSV
    "planning.shoppers.refused": ("暗访员名单有 {count} 处问题，未导入任何一行：\n{problems}",
                                  "The shopper list has {count} problem(s); nothing was "
                                  "imported:\n{problems}"),
    "planning.shoppers.imported": ("暗访员名单已导入：新增 {created} 人，更新 {updated} 人",
                                   "Shopper pool imported: {created} added, {updated} "
                                   "updated"),
    "planning.shoppers.duplicate": ("暗访员 {id} 重复（第 {first_line} 行已有）",
                                    "The shopper {id} is listed twice (first on line "
                                    "{first_line})"),
    "planning.shoppers.id_missing": ("缺少暗访员编号（id）", "The shopper id is missing"),
    "planning.shoppers.unknown": (
        "暗访员 {id} 不在人员名单中（先用 hallcheck admin inspectors add 添加）",
        "{id} is not a known inspector (add them with hallcheck admin inspectors add)"),
    "planning.shoppers.not_shopper": ("{id} 的角色是 {role}，不是暗访员",
                                      "{id} has the role {role}, not mystery shopper"),
    "planning.shoppers.region_missing": ("缺少常驻片区（home_region）",
                                         "The home region is missing"),
    "planning.shoppers.weekdays_invalid": (
        "可用星期「{value}」无法识别，请写成 mon-fri、1-5 或 周一至周五",
        "The weekdays '{value}' are not clear; write mon-fri, 1-5 or 周一至周五"),
    "planning.shoppers.dates_invalid": ("{column} 中的日期「{value}」无效，"
                                        "请写成 2025-06-12，多个用 | 分隔",
                                        "The dates in {column} '{value}' are not valid; "
                                        "write 2025-06-12, several separated by |"),
    "planning.shoppers.cap_invalid": ("每日上限「{value}」无效，应为 1 到 10",
                                      "The daily cap '{value}' should be 1 to 10"),
    "planning.shoppers.unknown_outlet": ("回避网点 {code} 不在网点清单中",
                                         "The excluded outlet {code} is not in the outlet "
                                         "list"),
    # storing, editing and publishing plans
    "planning.store.bad_hours": ("网点 {outlet} 的营业时间「{value}」无法识别，请在网点清单中改正",
                                 "The opening hours '{value}' of {outlet} cannot be read; "
                                 "correct them in the outlet list"),
    "planning.store.already_published": (
        "{month} 的{kind}（第 {plan} 号）已发布，不能重新生成；请逐条调整",
        "The {kind} for {month} (no. {plan}) is published and cannot be made again; move "
        "single visits instead"),
    "planning.store.bad_seed": ("随机种子 {value} 无效，应为 0 到 {max}",
                                "The seed {value} is not valid; use 0 to {max}"),
    "planning.store.bad_kind": ("计划类型「{value}」无效，应为 covert 或 coaching",
                                "'{value}' is not a plan kind; use covert or coaching"),
    "planning.store.no_closed_month": (
        "还没有已月结的月份，无法按排名安排 {month} 的走访："
        "请先月结（hallcheck month close YYYY-MM）",
        "No month is closed yet, so there is no ranking to plan {month}'s coaching visits "
        "from: close a month first (hallcheck month close YYYY-MM)"),
    "planning.store.unknown_plan": ("没有第 {plan} 号计划", "There is no plan no. {plan}"),
    "planning.store.no_plan": ("{month} 还没有{kind}", "There is no {kind} for {month} yet"),
    "planning.store.no_plans": ("{month} 还没有任何走访计划", "There is no plan for {month} yet"),
    "planning.store.move_covert_only": ("只能调整暗访计划中的单次暗访",
                                        "Only covert visits can be moved one by one"),
    "planning.store.superseded": ("第 {plan} 号计划已被新方案取代，请在当前方案中调整",
                                  "Plan no. {plan} has been superseded; edit the current one"),
    "planning.store.changed_meanwhile": (
        "第 {plan} 号计划刚被他人调整或发布，本次调整未保存；请刷新后再调整",
        "Plan no. {plan} was moved or published by someone else just now; this move was "
        "not saved. Look at the plan again and move it there"),
    "planning.store.not_draft": ("第 {plan} 号计划{state}，只能发布草稿",
                                 "Plan no. {plan} is {state}; only a draft can be published"),
    "planning.store.publish_broken": (
        "计划有 {count} 处违反规则（例如：{first}），未发布；请调整后再发布或重新生成",
        "The plan breaks a rule in {count} place(s) (e.g. {first}) and was not published; "
        "move those visits or plan again"),
    # the CLI
    "planning.cli.plan_head": ("{kind} 第 {plan} 号 · {month} · {state} · 随机种子 {seed}",
                               "{kind} no. {plan} · {month} · {state} · seed {seed}"),
    "planning.cli.plan_head_coaching": (
        "片区经理走访计划 第 {plan} 号 · {month} · {state} · 依据 {ranking} 排名",
        "Coaching plan no. {plan} · {month} · {state} · from the {ranking} ranking"),
    "planning.cli.stats": (
        "已安排 {planned}/{wanted} 次；{covered}/{due} 个网点全部覆盖；"
        "重点网点 {important}/{important_due}",
        "{planned} of {wanted} visits planned; {covered} of {due} outlets fully covered; "
        "important outlets {important} of {important_due}"),
    "planning.cli.shortfall_head": ("未能安排 {count} 次（原因如下）：",
                                    "{count} visit(s) could not be planned (why below):"),
    "planning.cli.no_shortfall": ("所有应走访的都已安排。", "Every visit due is planned."),
    "planning.cli.bad_day": ("日期「{value}」无效，请写成 YYYY-MM-DD",
                             "'{value}' is not a date; write YYYY-MM-DD"),
    "planning.cli.nothing_to_move": ("请给出 --shopper、--day 或 --window 中至少一项",
                                     "Give at least one of --shopper, --day or --window"),
    "planning.cli.moved": ("已调整 {visit}：{shopper}，{day} {window}",
                           "Moved {visit}: {shopper}, {day} {window}"),
    "planning.cli.confirm_publish": ("发布第 {plan} 号计划（{month}）？"
                                     "发布后各设备下次同步即收到任务",
                                     "Publish plan no. {plan} ({month})? Devices receive "
                                     "the tasks on their next sync"),
    "planning.cli.published": ("第 {plan} 号计划已发布：{count} 项任务",
                               "Plan no. {plan} published: {count} task(s)"),
    "planning.cli.without_account": ("以下人员没有账号，任务未下发：{people}",
                                     "No account, so no tasks sent, for: {people}"),
    "planning.cli.status_head": (
        "{month}：待走访 {planned}，已完成 {done}，延后完成 {late}，未完成 {missed}",
        "{month}: planned {planned}, done {done}, late {late}, missed {missed}"),
    "planning.cli.attention": ("需关注（倒数网点未完成的走访在最前）：",
                               "Needs attention (missed visits to bottom outlets first):"),
    "planning.col.visit": ("编号", "Visit"),
    "planning.col.day": ("日期", "Day"),
    "planning.col.window": ("时段", "Window"),
    "planning.col.outlet": ("网点", "Outlet"),
    "planning.col.shopper": ("暗访员", "Shopper"),
    "planning.col.manager": ("片区经理", "Area manager"),
    "planning.col.person": ("走访人", "Person"),
    "planning.col.cadence": ("频次", "Cadence"),
    "planning.col.class": ("类别", "Class"),
    "planning.col.missing": ("缺", "Missing"),
    "planning.col.why": ("原因", "Why"),
    "planning.col.state": ("状态", "State"),
    # --- end the office's plans ---
    # the console
    "planning.console.nav": ("走访计划", "Visit plans"),
    "planning.console.title": ("{month} 走访计划", "Visit plans {month}"),
    "planning.console.prev": ("‹ {month}", "‹ {month}"),
    "planning.console.next": ("{month} ›", "{month} ›"),
    "planning.console.state_line": ("第 {plan} 号 · {state} · {by}",
                                    "No. {plan} · {state} · {by}"),
    "planning.console.seed": ("随机种子（可不填）", "Seed (optional)"),
    "planning.console.seed_line": ("随机种子 {seed}", "seed {seed}"),
    "planning.console.bad_seed": ("随机种子「{value}」应为非负整数",
                                  "The seed '{value}' should be a whole number"),
    "planning.console.propose_covert": ("生成暗访计划", "Propose covert visits"),
    "planning.console.propose_coaching": ("按排名生成走访计划", "Propose coaching visits"),
    "planning.console.proposed": ("已生成第 {plan} 号计划：{count} 次走访",
                                  "Plan no. {plan} proposed: {count} visit(s)"),
    "planning.console.no_covert": ("本月还没有暗访计划。", "No covert-visit plan for this "
                                   "month yet."),
    "planning.console.no_coaching": ("本月还没有片区经理走访计划。",
                                     "No coaching plan for this month yet."),
    "planning.console.shortfall": ("未能安排 {count} 次", "{count} visit(s) not covered"),
    "planning.console.more": ("只显示前 {shown} 条，共 {total} 条（全部见 hallcheck plan show）",
                              "Showing the first {shown} of {total} (all: hallcheck plan "
                              "show)"),
    "planning.console.move_visit": ("调整 {visit}", "Move {visit}"),
    "planning.console.move_title": ("调整走访 {visit}：改派或改期", "Move or reassign {visit}"),
    "planning.console.move_help": ("改派暗访员、日期或时段；不合规则的调整会被拒绝并说明原因。",
                                   "Change the shopper, the day or the window; a change "
                                   "that breaks a rule is refused with the reason."),
    "planning.console.move_confirm": ("保存调整", "Save the move"),
    "planning.console.moved": ("已调整 {visit}", "Moved {visit}"),
    "planning.console.cancel": ("取消", "Cancel"),
    "planning.console.publish": ("发布暗访计划", "Publish covert plan"),
    "planning.console.publish_coaching": ("发布走访计划", "Publish coaching plan"),
    "planning.console.publish_title": ("发布第 {plan} 号计划？", "Publish plan no. {plan}?"),
    "planning.console.publish_text": (
        "{month} 的 {count} 次走访将作为任务下发，各人的设备下次同步时收到；"
        "发布后不能重新生成，只能逐条调整。",
        "The {count} visit(s) of {month} become tasks that each person's device receives "
        "on its next sync; once published the plan cannot be made again, only moved visit "
        "by visit."),
    "planning.console.publish_confirm": ("确认发布", "Publish"),
    "planning.console.ranking": ("依据 {ranking} 排名", "from the {ranking} ranking"),
    "planning.console.status": ("计划执行情况", "Plan against what happened"),
    "planning.console.flagged": ("倒数网点未走访", "Bottom outlet missed"),
    # --- end the console ---
}
