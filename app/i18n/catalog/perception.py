"""Messages of customer perception (app.programme.perception): the transaction and reply
files' problems, why a transaction gets no text, the text itself, replies that do not
count, intercept records, the alignment of inspections with customers, and the settings."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the transaction export -------------------------------------------------------------
    "perception.csv.missing_column": ("表头缺少必需的列「{column}」。",
                                      "The header lacks the required column '{column}'."),
    "perception.csv.unknown_column": (
        "表头中的列「{column}」无法识别。可用的列：{columns}。",
        "The header column '{column}' is not known. The columns are: {columns}."),
    "perception.csv.extra_cells": (
        "这一行的单元格比表头多（可能有未加引号的逗号）。请在表格软件中检查后重新导出。",
        "This row has more cells than the header (perhaps an unquoted comma). Check it in "
        "the spreadsheet and export the file again."),
    "perception.transactions.empty": (
        "文件中没有业务记录。第一行应为表头：time,outlet,staff_id,customer,business_type"
        "（或 办理时间,营业厅编码,工号,客户号码,业务类型）。",
        "The file holds no transactions. The first line must be the header: "
        "time,outlet,staff_id,customer,business_type."),
    "perception.transactions.time_missing": ("缺少办理时间。", "The transaction time is missing."),
    "perception.transactions.time_invalid": (
        "办理时间「{value}」无法识别，请写成 2025-06-03 14:05:00（北京时间）。",
        "The time '{value}' is not understood; write it as 2025-06-03 14:05:00 (China "
        "time)."),
    "perception.transactions.outlet_missing": ("缺少营业厅编码。", "The outlet code is missing."),
    "perception.transactions.outlet_invalid": (
        "营业厅编码「{code}」格式不对：只能使用字母、数字和 _ . -。",
        "The outlet code '{code}' is malformed: use letters, digits and _ . - only."),
    "perception.transactions.outlet_unknown": (
        "网点 {code} 不在网点清单中。请先在网点清单中添加该网点，再导入本文件。",
        "The outlet {code} is not in the outlet list. Add it to the outlet list first, "
        "then import this file."),
    "perception.transactions.staff_missing": ("缺少营业员工号。", "The staff id is missing."),
    "perception.transactions.staff_invalid": (
        "工号「{value}」格式不对：最多 32 个字母、数字或 _ . -。",
        "The staff id '{value}' is malformed: at most 32 letters, digits or _ . -."),
    "perception.transactions.type_missing": ("缺少业务类型。", "The business type is missing."),
    "perception.transactions.type_too_long": (
        "业务类型超过 {limit} 个字符，请使用业务系统的业务类型编码。",
        "The business type is longer than {limit} characters; use the business system's "
        "type code."),
    "perception.transactions.looks_like_number": (
        "这一栏看起来是手机号码，可能列的顺序错了。为保护客户信息，此处不显示内容；请检查"
        "表头与各列是否对应。",
        "This cell looks like a mobile number: perhaps the columns are in the wrong order. "
        "To protect the customer it is not shown here; check that the header matches the "
        "columns."),
    "perception.transactions.customer_missing": ("缺少客户号码。",
                                                 "The customer number is missing."),
    "perception.transactions.customer_invalid": (
        "客户号码不是有效的手机号码（应为 11 位、以 1 开头，可带 +86）。为保护客户信息，"
        "此处不显示该号码，请在原文件中查看这一行。",
        "The customer number is not a valid mobile number (11 digits starting with 1, "
        "+86 allowed). To protect the customer it is not shown here; look at this line in "
        "the file."),
    # --- the send list ------------------------------------------------------------------------
    "perception.sendlist.batch_id": (
        "批次编号「{value}」格式不对：最多 24 个字母、数字、_ 或 -，以字母开头（如 "
        "B20250603-1）。",
        "The batch id '{value}' is malformed: at most 24 letters, digits, _ or -, starting "
        "with a letter (such as B20250603-1)."),
    "perception.skip.too_late": (
        "最早可发送时间 {at} 已超过办理后 24 小时，不再发送。",
        "The earliest allowed time, {at}, is more than 24 hours after the transaction: no "
        "text."),
    "perception.skip.texted_recently": (
        "该客户已于 {at} 收到过测评短信，两个月内不再发送。",
        "The customer was texted on {at}; no second text within two months."),
    "perception.skip.repeat_in_batch": (
        "该客户本批次已因第 {line} 行的业务收到短信（每批每位客户一条）。",
        "The customer gets this batch's text for the transaction on line {line} (one per "
        "customer per batch)."),
    "perception.outcome.sent": ("发送", "texted"),
    "perception.outcome.not_qualifying": ("非测评业务类型", "not a qualifying business type"),
    "perception.outcome.too_late": ("超过 24 小时", "more than 24 hours"),
    "perception.outcome.texted_recently": ("两个月内已发送", "texted within two months"),
    "perception.outcome.repeat_in_batch": ("同批次重复客户", "same customer in the batch"),
    "perception.violation.window": ("短信 {send} 的发送时间 {at} 不在允许的时段内。",
                                    "Text {send} is scheduled at {at}, outside the allowed "
                                    "windows."),
    "perception.violation.late": (
        "短信 {send} 的发送时间 {at} 不在办理后 {hours} 小时内。",
        "Text {send} is scheduled at {at}, not within {hours} hours of the transaction."),
    "perception.violation.type": ("短信 {send} 的业务类型「{type}」不是测评业务。",
                                  "Text {send} is for the business type '{type}', which "
                                  "does not qualify."),
    "perception.violation.repeat": (
        "短信 {send} 与同一客户 {at} 的短信相隔不足 {days} 天。",
        "Text {send} is less than {days} days from the same customer's text of {at}."),
    # --- the text -----------------------------------------------------------------------------
    "perception.category.new_line": ("新号码入网", "a new line"),
    "perception.category.change_details": ("资料变更", "a change of details"),
    "perception.category.business_handled": ("业务办理", "your business"),
    "perception.category.points_redeemed": ("积分兑换", "a points redemption"),
    "perception.sms.text": (
        "尊敬的客户，您于{when}在{outlet}办理了{business}。请您对为您服务的营业员（工号"
        "{staff}）进行评价，请回复数字：{options}。感谢您的支持！",
        "Dear customer, on {when} you came to {outlet} for {business}. Please rate the "
        "staff member who served you (staff id {staff}) by replying {options}. Thank you!"),
    "perception.sms.option": ("{value}代表{label}", "{value} for {label}"),
    # --- replies ------------------------------------------------------------------------------
    "perception.reply.very_satisfied": ("很满意", "very satisfied"),
    "perception.reply.satisfied": ("满意", "satisfied"),
    "perception.reply.dissatisfied": ("不满意", "dissatisfied"),
    "perception.replies.empty": (
        "文件中没有回复。第一行应为表头：received_at,reply,send_id（或 customer）。",
        "The file holds no replies. The first line must be the header: "
        "received_at,reply,send_id (or customer)."),
    "perception.replies.no_reference": (
        "表头需要 send_id（发送编号）或 customer（手机号码）列，才能把回复对应到短信。",
        "The header needs a send_id or a customer column to match the replies to their "
        "texts."),
    "perception.replies.time_missing": ("缺少回复时间。", "The reply time is missing."),
    "perception.replies.time_invalid": (
        "回复时间「{value}」无法识别，请写成 2025-06-03 14:05:00（北京时间）。",
        "The reply time '{value}' is not understood; write it as 2025-06-03 14:05:00 "
        "(China time)."),
    "perception.replies.send_id_invalid": (
        "发送编号「{value}」格式不对，请使用发送清单中的编号。",
        "The send id '{value}' is malformed; use the id from the send list."),
    "perception.replies.customer_invalid": (
        "手机号码无效。为保护客户信息，此处不显示该号码，请在原文件中查看这一行。",
        "The mobile number is not valid. To protect the customer it is not shown here; "
        "look at this line in the file."),
    "perception.replies.reference_missing": (
        "这一行既没有发送编号也没有手机号码，无法对应到短信。",
        "This row has neither a send id nor a number, so it cannot be matched to a text."),
    "perception.unmatched.unknown_send": ("没有这个发送编号的短信。",
                                          "No text was sent with this send id."),
    "perception.unmatched.before_send": ("回复早于短信 {send} 的发送时间，不予计入。",
                                         "The reply is earlier than text {send} was sent; "
                                         "not counted."),
    "perception.unmatched.no_send": ("回复前的有效时间内没有发给该号码的短信。",
                                     "No text went to this number in the time before the "
                                     "reply."),
    "perception.reply_note.duplicate": ("短信 {send} 已有回复，只计第一条。",
                                        "Text {send} already has a reply; only the first "
                                        "counts."),
    "perception.reply_note.unreadable": ("对短信 {send} 的回复不是评价选项，不予计入。",
                                         "The reply to text {send} is not one of the "
                                         "options; not counted."),
    "perception.reply_outcome.counted": ("计入", "counted"),
    "perception.reply_outcome.duplicate": ("重复回复", "duplicate"),
    "perception.reply_outcome.unreadable": ("无法识别", "not a rating"),
    "perception.reply_outcome.unknown_send": ("未知发送编号", "unknown send id"),
    "perception.reply_outcome.before_send": ("早于发送", "before the text"),
    "perception.reply_outcome.no_send": ("找不到对应短信", "no text to match"),
    # --- intercept surveys --------------------------------------------------------------------
    "perception.dimension.proactiveness": ("主动服务", "Proactiveness"),
    "perception.dimension.customer_orientation": ("以客户为中心", "Customer orientation"),
    "perception.dimension.attitude": ("服务态度", "Attitude"),
    "perception.dimension.appearance": ("仪容仪表", "Appearance"),
    "perception.dimension.staff_competence": ("业务能力", "Staff competence"),
    "perception.dimension.service_display": ("服务展示", "Service display"),
    "perception.dimension.process": ("服务流程", "Process"),
    "perception.dimension.floor_management": ("厅堂管理", "Floor management"),
    "perception.dimension.environment": ("营业环境", "Environment"),
    "perception.dimension.facilities": ("设施设备", "Facilities"),
    "perception.dimension.efficiency": ("办理效率", "Efficiency"),
    "perception.dimension.problem_solving": ("问题解决", "Problem solving"),
    "perception.intercept.unknown_dimension": (
        "未知的测评维度「{dimension}」（可用：{dimensions}）。",
        "Unknown dimension '{dimension}' (expected one of: {dimensions})."),
    "perception.intercept.off_scale": (
        "「{dimension}」的评分 {value} 不在 {low} 到 {high} 之间。",
        "The rating {value} for '{dimension}' is not between {low} and {high}."),
    "perception.intercept.empty": ("这份拦截调查没有任何感知评分，未保存。",
                                   "This intercept record has no perception rating; it is "
                                   "not saved."),
    "perception.intercept.period": (
        "「{value}」不是有效的期间，请写成 2025-06、2025-Q2 或 2025-H1。",
        "'{value}' is not a period; write 2025-06, 2025-Q2 or 2025-H1."),
    "perception.intercept.insufficient": (
        "本期只有 {count} 份拦截调查，少于 {needed} 份，样本不足，不参与比较。",
        "{count} intercept responses this period, fewer than {needed}: too few to compare."),
    "perception.importance.expectation": ("按客户期望", "from customers' expectations"),
    "perception.importance.derived": ("按与总体评价的相关性", "from the link to the overall "
                                      "rating"),
    # --- alignment ------------------------------------------------------------------------------
    "perception.measure.sms": ("短信满意度", "SMS satisfaction"),
    "perception.measure.intercept": ("拦截调查感知", "intercept perception"),
    "perception.alignment.correlation": (
        "检查得分与{measure}的等级相关系数为 {rho}（{n} 个网点）。",
        "Rank correlation of the inspection score with {measure}: {rho} ({n} outlets)."),
    "perception.alignment.no_correlation": (
        "只有 {n} 个网点同时有检查得分和{measure}，至少需要 {needed} 个，无法计算相关性。",
        "Only {n} outlets have both an inspection score and {measure}; at least {needed} "
        "are needed for a correlation."),
    "perception.alignment.heavy_ignored": (
        "{section}：权重占 {weight}，客户重视程度仅占 {importance}，权重偏高。",
        "{section}: {weight} of the weight, but only {importance} of what customers care "
        "about: weighted too heavily."),
    "perception.alignment.light_cared": (
        "{section}：客户重视程度占 {importance}，权重仅占 {weight}，权重偏低。",
        "{section}: {importance} of what customers care about, but only {weight} of the "
        "weight: weighted too lightly."),
    "perception.alignment.in_line": (
        "{section}：权重（{weight}）与客户重视程度（{importance}）相符。",
        "{section}: the weight ({weight}) matches what customers care about "
        "({importance})."),
    "perception.alignment.not_compared": (
        "{section}：客户调查不涉及该部分（或数据不足），未比较。",
        "{section}: customers are not asked about it (or there are too few responses); "
        "not compared."),
    "perception.alignment.yaml_header": (
        "# {tier} {month}：按客户重视程度建议的部分权重（仅供参考，不会自动应用）",
        "# {tier} {month}: section weights suggested by customer importance (a suggestion, "
        "never applied automatically)"),
    "perception.alignment.yaml_nothing": ("# 无需调整", "# no change suggested"),
    # --- settings ---------------------------------------------------------------------------
    "perception.settings.clock": ("时间「{value}」无效，请写成 09:00 这样的格式。",
                                  "The time '{value}' is not valid; write it like 09:00."),
    "perception.settings.window": ("时段「{value}」无效，请写成 09:00-12:30，开始早于结束。",
                                   "The window '{value}' is not valid; write it like "
                                   "09:00-12:30, the start before the end."),
    "perception.settings.no_windows": ("至少需要一个允许发送短信的时段。",
                                       "At least one window for texting is needed."),
    "perception.settings.windows_overlap": ("时段 {first} 与 {second} 重叠，请合并或调整。",
                                            "The windows {first} and {second} overlap; "
                                            "merge or change them."),
    "perception.settings.range": ("{name} 的值 {value} 不在 {low} 到 {high} 之间。",
                                  "{name} is {value}, not between {low} and {high}."),
    "perception.settings.category": (
        "业务类型 {code} 对应的类别「{value}」无效（可用：{categories}）。",
        "The business type {code} maps to '{value}', which is not a category (expected "
        "one of: {categories})."),
    "perception.settings.options": (
        "回复选项至少要有两个，编号为互不相同的数字。",
        "The reply options need at least two, each numbered with a different number."),
    "perception.settings.method": ("计算方法「{value}」无效。", "The method '{value}' is not "
                                   "known."),
    "perception.settings.dimensions": ("测评维度不能为空，也不能重复。",
                                       "The dimensions must not be empty or repeated."),
    "perception.settings.scale": ("评分范围 {low} 到 {high} 无效：最低分须小于最高分。",
                                  "The scale {low} to {high} is not valid: the low end must "
                                  "be below the high end."),
    "perception.settings.alignment": (
        "对标设置无效：blend 应在 0 到 1 之间，threshold 在 0 到 1 之间，step 大于 0。",
        "The alignment settings are not valid: blend between 0 and 1, threshold between 0 "
        "and 1, step above 0."),
    "perception.settings.competitors": (
        "同业对标的最小样本无效：至少 2 个网点、1 份结果。",
        "The competitor sample minimum is not valid: at least 2 outlets and 1 result."),
    "perception.key.too_short": (
        "客户号码加密密钥太短（至少 {minimum} 字节）。请在服务器设置中配置更长的密钥，"
        "例如用 openssl rand -hex 32 生成。",
        "The key for customer numbers is too short (at least {minimum} bytes). Set a "
        "longer key in the server's settings, e.g. from openssl rand -hex 32."),
    # --- the office's imports and tables (app/central/perception/) ---
    "perception.import.already": (
        "这个文件已经导入过（{when}，导入编号 {id}），未重复导入。",
        "This file was already imported ({when}, import {id}); nothing was imported again."),
    "perception.key.changed": (
        "已发送记录是用另一把密钥（指纹 {stored}）生成的，当前密钥指纹为 {current}。"
        "换了密钥会让两个月内已发过短信的客户再次收到短信，因此已停止。请恢复原密钥。",
        "The stored sends were made under another key (fingerprint {stored}); the current "
        "key's fingerprint is {current}. A changed key would text customers again within "
        "two months, so nothing was done. Restore the original key."),
    "perception.batch.exists": ("批次 {batch} 已存在，请换一个批次号。",
                                "The batch {batch} already exists; choose another batch id."),
    "perception.sendlist.no_output": ("请用 -o 指定短信平台文件的保存位置。",
                                      "Name the gateway file with -o."),
    "perception.sendlist.check_failed": (
        "发送名单未通过复核（{count} 条不符合规则，例如：{first}），未生成文件，也未记录发送。",
        "The send list failed its independent check ({count} texts break a rule, e.g. "
        "{first}); no file was written and nothing was recorded."),
    "perception.sendlist.unwritable": ("无法写入 {file}：{reason}。未记录发送。",
                                       "Could not write {file}: {reason}. Nothing was "
                                       "recorded."),
    "perception.report.tier_unknown": ("没有网点级别「{tier}」（可选：{tiers}）。",
                                       "There is no tier '{tier}' (one of: {tiers})."),
    # --- hallcheck perception (app/cli/perception.py) ---
    "perception.cli.bad_month": ("月份「{value}」格式不对，应为 YYYY-MM，例如 2025-06。",
                                 "'{value}' is not a month; write YYYY-MM, e.g. 2025-06."),
    "perception.cli.bad_time": ("时间「{value}」格式不对，例如 2025-06-03 14:05。",
                                "'{value}' is not a time; e.g. 2025-06-03 14:05."),
    "perception.cli.counts_sep": ("；", "; "),
    "perception.cli.count": ("{what} {n}", "{what} {n}"),
    "perception.cli.transactions_done": (
        "已导入 {rows} 笔业务记录（导入编号 {id}），其中 {qualifying} 笔属于测评业务类型。"
        "按月：{months}。客户号码只以加密摘要保存。",
        "Imported {rows} transactions (import {id}); {qualifying} of a qualifying type. "
        "By month: {months}. Customer numbers are kept only as keyed hashes."),
    "perception.cli.unknown_types": (
        "以下业务类型不在测评范围内，不会发送短信：{types}。如需测评，请在 programme.yaml 的 "
        "perception.business_types 中添加。",
        "These business types are not rated and get no text: {types}. Add them to "
        "perception.business_types in programme.yaml to rate them."),
    "perception.cli.sendlist_done": (
        "批次 {batch}（{at}）：{texts} 条短信已写入 {file}，请上传至短信平台后删除该文件"
        "（文件含客户号码）。",
        "Batch {batch} ({at}): {texts} texts written to {file}. Upload it to the SMS "
        "gateway, then delete it (it holds the customers' numbers)."),
    "perception.cli.replies_done": ("回复已导入（导入编号 {id}）：",
                                    "Replies imported (import {id}):"),
    "perception.cli.more_notes": ("……另有 {n} 条未计入的回复。",
                                  "... and {n} more replies not counted."),
    "perception.cli.h_outlets": ("{month} 短信满意度（按营业厅，按业务发生月）：",
                                 "{month} SMS satisfaction by outlet (month of the "
                                 "transaction):"),
    "perception.cli.h_staff": ("{month} 短信满意度（按营业员）：",
                               "{month} SMS satisfaction by staff member:"),
    "perception.cli.h_coverage": ("{period} 拦截调查覆盖（每厅至少 30 份）：",
                                  "{period} intercept coverage (at least 30 per hall):"),
    "perception.cli.h_alignment": ("{month} {tier}：检查结果与客户感知是否一致",
                                   "{month} {tier}: do the inspections match what customers "
                                   "feel?"),
    "perception.cli.none": ("无数据。", "No data."),
    "perception.cli.outlet_line": (
        "{code} {name}：满意度 {score}（{replies} 条回复 / {sends} 条短信）{note}",
        "{code} {name}: satisfaction {score} ({replies} replies of {sends} texts){note}"),
    "perception.cli.staff_line": (
        "工号 {staff}（{outlets}）：满意度 {score}（{replies} 条回复 / {sends} 条短信）",
        "staff {staff} ({outlets}): satisfaction {score} ({replies} replies of {sends} "
        "texts)"),
    "perception.cli.insufficient": ("，样本不足（少于 {needed} 条），不参与比较",
                                    ", too few (under {needed}): not compared"),
    "perception.cli.coverage_line": ("{code}：{n} 份，感知 {score} {note}",
                                     "{code}: {n} responses, perception {score} {note}"),
    "perception.cli.disagreement": (
        "{code}：检查得分 {composite}（位次 {composite_place}）与{measure} {customer}"
        "（位次 {customer_place}）差距最大",
        "{code}: inspection {composite} (place {composite_place}) against {measure} "
        "{customer} (place {customer_place}): among the largest disagreements"),
    # --- the intercept kind and the surveyor's role (shared words, kept with issue 11) ---
    "kind.intercept": ("拦截调查", "Intercept survey"),
    "role.surveyor": ("拦截调查员", "Intercept surveyor"),
    "perception.ingest.refused": ("这份拦截调查记录不能接收：{problem}",
                                  "This intercept record cannot be taken: {problem}"),
    # --- programme.yaml's perception: section (app/programme/rules_loader.py) ---
    "perception.rules.invalid": ("客户感知设置有误：{reason}", "The perception settings are "
                                 "not valid: {reason}"),
    "perception.rules.min_differs": (
        "客户感知设置的最少样本为 {ours}，而版本 {version} 的综合评价中 {component} 的 "
        "min_count 为 {theirs}；两处须一致，请改成同一个数。",
        "The perception section's minimum is {ours}, but version {version}'s composite has "
        "min_count {theirs} for {component}; the two must agree, set them to one number."),
    # --- the console page (app/console/perception.py) ---
    "perception.console.nav": ("客户感知", "Customer perception"),
    "perception.console.title": ("客户感知", "Customer perception"),
    "perception.console.month": ("月份", "Month"),
    "perception.console.tier": ("网点级别", "Tier"),
    "perception.console.sat_title": ("{month} 短信满意度", "{month} SMS satisfaction"),
    "perception.console.sat_help": (
        "按业务发生的月份统计；满意度＝回复“很满意”“满意”的占比。回复少于最少样本的只列出条数，"
        "不参与比较。",
        "Counted in the month of the transaction; satisfaction is the share of replies "
        "'very satisfied' or 'satisfied'. Below the minimum only the count is shown and the "
        "figure is never compared."),
    "perception.console.col.outlet": ("营业厅", "Outlet"),
    "perception.console.col.score": ("满意度", "Satisfaction"),
    "perception.console.col.replies": ("回复 / 短信", "Replies / texts"),
    "perception.console.col.note": ("说明", "Note"),
    "perception.console.replies_of": ("{replies} / {sends}", "{replies} / {sends}"),
    "perception.console.too_few": ("样本不足：{count} 条，少于 {needed} 条，不参与比较",
                                   "Too few: {count}, under {needed}; not compared"),
    "perception.console.staff_title": ("按营业员", "By staff member"),
    "perception.console.staff": ("工号 {staff}（{outlets}）", "Staff {staff} ({outlets})"),
    "perception.console.cov_title": ("{month} 拦截调查覆盖", "{month} intercept coverage"),
    "perception.console.cov_help": (
        "每厅每期至少 30 份；不足的营业厅只显示份数，不显示感知得分，也不参与比较。",
        "At least 30 per hall per period; a hall with fewer shows only its count, no "
        "perception figure, and is never compared."),
    "perception.console.of_needed": ("{n} / {needed} 份", "{n} of {needed}"),
    "perception.console.perception_is": ("感知 {score}（感知−期望 {gap}）",
                                         "perception {score} (perception − expectation "
                                         "{gap})"),
    "perception.console.align_title": ("{tier} {month}：检查结果与客户感知是否一致",
                                       "{tier} {month}: do the inspections match what "
                                       "customers feel?"),
    "perception.console.align_help": (
        "检查得分为本月已审核通过的暗访和明查结果的平均分。只有样本充足的网点参与比较；"
        "至少 5 个网点才计算等级相关。",
        "The inspection score is the mean of the month's approved mystery shops and open "
        "inspections. Only outlets with enough customer data are compared; a rank "
        "correlation needs at least 5 outlets."),
    "perception.console.scatter_title": ("检查得分与{measure}", "Inspection score and "
                                         "{measure}"),
    "perception.console.x_axis": ("检查得分", "inspection score"),
    "perception.console.axes": ("横轴：{x}；纵轴：{y}；斜线表示两者一致",
                                "Across: {x}; up: {y}; the diagonal is where they agree"),
    "perception.console.scatter_empty": ("没有同时具备检查得分和充足客户数据的网点。",
                                         "No outlet has both an inspection score and enough "
                                         "customer data."),
    "perception.console.scatter_empty_label": ("{title}：无数据点", "{title}: no points"),
    "perception.console.scatter_label": ("{title}：{points}", "{title}: {points}"),
    "perception.console.scatter_point": ("{code} 检查 {x} 客户 {y}",
                                         "{code} inspection {x} customers {y}"),
    "perception.console.scatter_sep": ("；", "; "),
    "perception.console.sms_too_few": ("短信回复 {n} 条，样本不足，未参与比较",
                                       "{n} SMS replies, too few, not compared"),
    "perception.console.icp_too_few": ("拦截调查 {n} 份，样本不足，未参与比较",
                                       "{n} intercept responses, too few, not compared"),
    "perception.console.disagree_title": ("差距最大的网点", "Where they disagree most"),
    "perception.console.sections_title": (
        "各项指标权重与客户重视程度（{n} 份拦截调查，至少 {needed} 份）",
        "Section weight against customers' importance ({n} intercept responses, at least "
        "{needed})"),
    "perception.console.col.section": ("指标", "Section"),
    "perception.console.col.weight": ("权重", "Weight"),
    "perception.console.col.importance": ("客户重视", "Importance"),
    "perception.console.col.suggested": ("建议权重", "Suggested"),
    "perception.console.col.verdict": ("结论", "Finding"),
    "perception.console.yaml_help": (
        "以下建议不会自动生效；如采纳，请由渠道管理复制到 checklists.yaml 对应指标的 "
        "tier_weights 中。",
        "Nothing below is applied; a manager who agrees copies it into the sections' "
        "tier_weights in checklists.yaml."),
    "checklists.finalise.perception_required": (
        "请至少记录一项客户“今天感受”的评分（例如“{label}”），否则这份调查无法使用。",
        "Record at least one of the customer's 'today' ratings (e.g. '{label}'); without "
        "one the record cannot be used."),
    "views.missing.perception_required": ("至少需要一项“今天感受”评分",
                                          "needs at least one 'today' rating"),
    "views.review.discreet_missing.perception_required": (
        "还差至少一项“今天感受”（如「{label}」）", "still needs one 'today' rating (e.g. "
        "'{label}')"),
    # --- competitor comparison (同业对标) ---
    "perception.competitors.total": ("总分", "Total"),
    "perception.competitors.line": (
        "{what}：我方 {ours}（{ours_n} 个网点），同业 {theirs}（{theirs_n} 个网点），相差 {diff}",
        "{what}: ours {ours} ({ours_n} outlets), competitors {theirs} ({theirs_n} outlets), "
        "difference {diff}"),
    "perception.competitors.withheld": (
        "{what}：样本不足（我方 {ours} 个网点，同业 {theirs} 个网点，每方至少 {needed} 个），"
        "不作比较",
        "{what}: too few to compare (ours {ours} outlets, competitors {theirs}; at least "
        "{needed} each)"),
    "perception.competitors.ours": ("{code}：{total}（{n} 次），与同业均值相差 {versus}",
                                    "{code}: {total} ({n} results), {versus} against the "
                                    "competitors' mean"),
    "perception.competitors.none": ("本期没有同业网点的检查结果。",
                                    "No competitor results in this period."),
    "perception.competitors.items_shown": ("逐项对比（样本充足的 {n} 项）：",
                                           "Item by item (the {n} with enough results):"),
    "perception.cli.h_competitors": ("{period} {tier}：同业对标（不排名、不计佣金）",
                                     "{period} {tier}: against competitors (never ranked "
                                     "or paid)"),
    "perception.console.comp_title": ("{month} 同业对标", "{month} against competitors"),
    "perception.console.comp_help": (
        "竞争对手同级网点使用同一检查标准；只显示各方至少 3 个网点的均值，不列出任何对手网点"
        "的得分，不排名、不计佣金。",
        "Competitors' outlets of the same tier are inspected with the same checklist; only "
        "means of at least 3 outlets a side are shown, never a competitor outlet's own "
        "score; competitors are never ranked or paid."),
}
