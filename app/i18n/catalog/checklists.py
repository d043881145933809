"""Checklists: answers, scores, finalisation rules and the `hallcheck checklists` command."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- invalid answers (scoring.validate_answer) ---------------------------------------
    "score.invalid.na_not_allowed": (
        "「{label}」（{item}）不能选“不适用”",
        "“{label}” ({item}) cannot be marked not applicable",
    ),
    "score.invalid.yes_no": (
        "「{label}」（{item}）只能回答 是 或 否，收到的是 {value}",
        "“{label}” ({item}) takes yes or no (true/false), got {value}",
    ),
    "score.invalid.yes_no_na": (
        "「{label}」（{item}）只能回答 是、否 或 不适用，收到的是 {value}",
        "“{label}” ({item}) takes yes, no or not applicable (true/false/\"na\"), got {value}",
    ),
    "score.invalid.scale": (
        "「{label}」（{item}）应为 {min} 到 {max} 之间的整数，收到的是 {value}",
        "“{label}” ({item}) takes a whole number from {min} to {max}, got {value}",
    ),
    "score.invalid.number": (
        "「{label}」（{item}）应为数字，收到的是 {value}",
        "“{label}” ({item}) takes a number, got {value}",
    ),
    "score.invalid.number_range": (
        "「{label}」（{item}）应在 {min} 到 {max} 之间，收到的是 {value}",
        "“{label}” ({item}) must be between {min} and {max}, got {value}",
    ),
    "score.invalid.number_min": (
        "「{label}」（{item}）不能小于 {min}，收到的是 {value}",
        "“{label}” ({item}) must be at least {min}, got {value}",
    ),
    "score.invalid.number_max": (
        "「{label}」（{item}）不能大于 {max}，收到的是 {value}",
        "“{label}” ({item}) must be at most {max}, got {value}",
    ),
    "score.invalid.choice": (
        "「{label}」（{item}）应选以下之一：{options}，收到的是 {value}",
        "“{label}” ({item}) takes one of: {options}; got {value}",
    ),
    "score.invalid.text": (
        "「{label}」（{item}）应填写文字，收到的是 {value}",
        "“{label}” ({item}) takes text, got {value}",
    ),
    "score.invalid.photo": (
        "「{label}」（{item}）以照片作答，不接受数值，收到的是 {value}",
        "“{label}” ({item}) is answered with a photo, not a value; got {value}",
    ),
    "score.invalid.several": (
        "有 {count} 个答案无效：",
        "{count} invalid answer(s):",
    ),
    # --- score breakdown (ScoreResult.breakdown) -----------------------------------------
    "score.total": ("总分 {score}", "Total {score}"),
    "score.total_none": ("总分 —（尚无可计分的项）", "Total — (nothing to score yet)"),
    "score.voided": ("（一票否决，整次检查得分清零：{reasons}）",
                     " (veto, whole visit scores 0: {reasons})"),
    "score.incomplete": ("（未完成：缺 {count} 项）", " (incomplete: {count} missing)"),
    "score.section": ("{title}：{score} 分", "{title}: {score}"),
    "score.section_none": ("{title}：—（不适用）", "{title}: — (not applicable)"),
    "score.section_vetoed": (" — 一票否决：{reasons}", " — veto: {reasons}"),
    "score.failed_items": ("未达标：{items}", "failed: {items}"),
    "score.missing_items": ("未作答：{items}", "Not answered: {items}"),
    "score.ignored_items": ("已忽略（检查表中没有这些题目）：{items}",
                            "Ignored (not in this checklist): {items}"),
    # --- finalisation (evaluation.finalise_problems) -------------------------------------
    "checklists.finalise.answer_required": (
        "「{label}」还没有作答",
        "“{label}” is not answered yet",
    ),
    "checklists.finalise.photo_required": (
        "「{label}」需要拍照",
        "“{label}” needs a photo",
    ),
    "checklists.finalise.camera_photo_required": (
        "「{label}」的照片须现场用相机拍摄，不能从相册选取",
        "“{label}” needs photos taken with the camera now, not picked from the gallery",
    ),
    "checklists.finalise.note_required": (
        "「{label}」不合格，需要填写备注说明",
        "“{label}” failed: add a note saying what you saw",
    ),
    "checklists.finalise.veto_evidence_required": (
        "「{label}」触发一票否决，须附照片或备注作为证据",
        "“{label}” triggers a veto: add a photo or a note as evidence",
    ),
    # --- hallcheck checklists ... ----------------------------------------------------------
    "checklists.none": ("（无）", "(none)"),
    "checklists.validate.ok": (
        "{file}：校验通过，共 {checklists} 张检查表、{items} 个检查项",
        "{file}: valid, {checklists} checklist(s) with {items} item(s)",
    ),
    "checklists.validate.failed": (
        "{file}：发现 {count} 个问题",
        "{file}: {count} problem(s) found",
    ),
    "checklists.col.kind": ("检查类型", "Kind"),
    "checklists.col.tier": ("层级", "Tier"),
    "checklists.col.checklist": ("检查表", "Checklist"),
    "checklists.col.sections": ("指标数", "Sections"),
    "checklists.col.items": ("检查项数", "Items"),
    "checklists.col.vetoes": ("一票否决（指标/整次）", "Vetoes (section/visit)"),
    "checklists.unknown_kind": (
        "没有“{kind}”这种检查类型。可用的类型：{valid}",
        "There is no checklist kind '{kind}'. Valid kinds: {valid}",
    ),
    "checklists.unknown_tier": (
        "没有“{tier}”这个层级。可用的层级：{valid}",
        "There is no tier '{tier}'. Valid tiers: {valid}",
    ),
    "checklists.unknown_phase": (
        "没有“{phase}”这个阶段。可用的阶段：{valid}",
        "There is no phase '{phase}'. Valid phases: {valid}",
    ),
    "checklists.no_checklist": (
        "层级“{tier}”没有 {kind} 检查表。有该类检查表的层级：{valid}",
        "No {kind} checklist covers tier '{tier}'. Tiers that have one: {valid}",
    ),
    "checklists.answers.unreadable": (
        "无法读取答案文件 {file}：{error}",
        "Cannot read the answers file {file}: {error}",
    ),
    "checklists.answers.bad_json": (
        "答案文件 {file} 不是有效的 JSON（第 {line} 行第 {column} 列：{error}）",
        "The answers file {file} is not valid JSON (line {line}, column {column}: {error})",
    ),
    "checklists.answers.not_object": (
        "答案文件 {file} 应为一个 JSON 对象（题目编号 → 答案）",
        "The answers file {file} must be a JSON object (item id → answer)",
    ),
    # show
    "checklists.show.header": (
        "{title}（{kind}）· 层级：{tier}",
        "{title} ({kind}) · tier: {tier}",
    ),
    "checklists.show.phase": ("阶段：{phase}", "Phase: {phase}"),
    "checklists.show.meta": (
        "编号 {id} · 版本 {version} · 内容哈希 {hash}",
        "id {id} · version {version} · content hash {hash}",
    ),
    "checklists.show.section": (
        "{n}. {title}（{id}）— 权重 {weight}，占总分 {share}%",
        "{n}. {title} ({id}) — weight {weight}, {share}% of the total",
    ),
    "checklists.show.item": ("{n} {label}（{id}）— 题型：{type}", "{n} {label} ({id}) — {type}"),
    "checklists.show.weight": (" · 权重 {weight}", " · weight {weight}"),
    "checklists.show.optional": (" ·（选答）", " · (optional)"),
    "checklists.show.required": (" ·（必答）", " · (required)"),
    "checklists.show.na_allowed": ("，可选“不适用”", ", N/A allowed"),
    "checklists.show.veto": ("【一票否决】{scope}：{reason}", "[VETO] {scope}: {reason}"),
    "checklists.show.fails_at_min": ("打 {min} 分为不合格", "{min} counts as failed"),
    "checklists.show.fail_below": ("低于 {value} 分为不合格", "below {value} counts as failed"),
    "checklists.show.bands": ("计分：{bands}", "Scoring: {bands}"),
    "checklists.band.any": ("其他", "otherwise"),
    "checklists.show.options": ("选项：{options}", "Options: {options}"),
    "checklists.show.option_fails": ("（不合格）", " (fails)"),
    "checklists.show.photo.optional": ("照片：可选", "Photo: optional"),
    "checklists.show.photo.always": ("照片：必须拍照", "Photo: required"),
    "checklists.show.photo.on_fail": ("照片：不合格时必须拍照", "Photo: required when it fails"),
    "checklists.show.photo.camera": ("（仅限现场拍摄）", " (camera only, not from the gallery)"),
    "checklists.show.note_on_fail": ("备注：不合格时必须填写", "Note: required when it fails"),
    "checklists.show.show_if": ("显示条件：{conditions}", "Shown only when {conditions}"),
    "checklists.show.and": ("，且", " and "),
    "checklists.show.help": ("说明：{text}", "Help: {text}"),
    "checklists.type.yes_no": ("是/否", "yes/no"),
    "checklists.type.yes_no_reversed": ("是/否（“否”为合格）", "yes/no (“no” is the good answer)"),
    "checklists.type.scale": ("{min}–{max} 分", "scale {min}–{max}"),
    "checklists.type.number": ("数值", "number"),
    "checklists.type.number_unit": ("数值（{unit}）", "number ({unit})"),
    "checklists.type.choice": ("单选", "choice"),
    "checklists.type.text": ("文字", "text"),
    "checklists.type.photo": ("照片", "photo"),
    "checklists.cond.equals": ("「{label}」的回答为 {value}", "“{label}” is {value}"),
    "checklists.cond.in": ("「{label}」的回答为 {values}", "“{label}” is {values}"),
    "checklists.cond.or": (" 或 ", " or "),
    "checklists.cond.fails": ("「{label}」不合格", "“{label}” failed"),
    "checklists.cond.passes": ("「{label}」合格", "“{label}” passed"),
    "checklists.cond.answered": ("「{label}」已作答", "“{label}” is answered"),
    "checklists.cond.not_answered": ("「{label}」未作答", "“{label}” is not answered"),
}
