"""What the services tell a user: visits, answers, finalising, amendments, outlets,
corrective actions and settings."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- visits ----------------------------------------------------------------------------
    "services.inspection_unknown": (
        "找不到这次检查（{uuid}），可能已被删除。请返回列表重新选择。",
        "This inspection ({uuid}) cannot be found; it may have been deleted. Go back to "
        "the list and choose again.",
    ),
    "services.outlet_unknown": (
        "找不到编码为 {code} 的网点。请检查编码，或先同步/导入网点列表。",
        "There is no outlet with code {code}. Check the code, or sync/import the outlet "
        "list first.",
    ),
    "services.kind_unknown": (
        "未知的检查类型「{kind}」。可选：暗访（mystery_shop）、明查（open_inspection）、"
        "自查（self_check）。",
        "Unknown kind of visit '{kind}'. Choose mystery_shop, open_inspection or "
        "self_check.",
    ),
    "services.rotation_blocked": (
        "您在 {last} 已暗访过“{outlet}”。同一暗访员三个月内不能重复暗访同一门店（以免被认出），"
        "{next} 起才能再去。请选择其他门店，或请渠道管理调换安排。",
        "You mystery-shopped \u201c{outlet}\u201d on {last}. The same shopper may visit an "
        "outlet only once in three months (or staff learn to recognise you); the next visit "
        "is possible from {next}. Choose another outlet, or ask channel management to swap.",
    ),
    "services.no_inspector": (
        "还没有设置检查人员。请先在「设置」中选择您的检查员身份。",
        "No inspector is set on this device. Choose who you are in Settings first.",
    ),
    "services.no_checklist": (
        "没有适用于「{outlet}」（{tier}）的{kind}检查表。请联系渠道管理更新检查表。",
        "There is no {kind} checklist for '{outlet}' (tier {tier}). Ask channel "
        "management to update the checklists.",
    ),
    "services.item_unknown": (
        "这次检查的检查表中没有项目「{item}」。",
        "The checklist of this inspection has no item '{item}'.",
    ),
    "services.photo_item_has_no_value": (
        "「{item}」是拍照项目：请添加照片，而不是填写答案。",
        "'{item}' is a photo item: add a photo instead of an answer.",
    ),
    "services.photo_needs_camera": (
        "「{item}」需要现场用相机拍摄的照片，不能从相册选择。请直接拍照。",
        "'{item}' needs a photo taken now with the camera, not one from the gallery. "
        "Take the photo with the camera.",
    ),
    "services.finalized_immutable": (
        "这次检查已经提交，内容不能再修改。如需更正，请使用「更正」并写明原因。",
        "This inspection has been finalised and can no longer be changed. To correct it, "
        "use Amend and give the reason.",
    ),
    "services.finalise_blocked": (
        "还有 {count} 项未完成，暂不能提交：",
        "{count} thing(s) still missing before this can be finalised:",
    ),
    # -- amendments ------------------------------------------------------------------------
    "services.amend.who_missing": (
        "请填写更正人。",
        "Say who is making the correction.",
    ),
    "services.amend.reason_missing": (
        "请填写更正原因。更正记录会保留原因、更正人和时间。",
        "Give the reason for the correction; it is kept with who made it and when.",
    ),
    "services.amend.needs_finalized": (
        "只能更正已提交的检查。未提交的草稿可以直接修改。",
        "Only a finalised inspection can be amended. A draft can simply be edited.",
    ),
    "services.amend.pending": (
        "这次检查已有一份未提交的更正（{uuid}）。请先完成或删除那份更正。",
        "This inspection already has an unfinished amendment ({uuid}). Finish or delete "
        "that one first.",
    ),
    "services.amend.superseded": (
        "这次检查已被更正（{uuid}）。请在最新的更正版本上再作更正。",
        "This inspection has already been amended ({uuid}). Amend the latest version "
        "instead.",
    ),
    # -- outlets and import ----------------------------------------------------------------
    "services.outlet.code_missing": ("缺少网点编码。", "The outlet code is missing."),
    "services.outlet.code_invalid": (
        "网点编码「{code}」无效：只能使用字母、数字、-、_ 和 .，最长 64 个字符。",
        "The outlet code '{code}' is not valid: use letters, digits, -, _ and . only, at "
        "most 64 characters.",
    ),
    "services.outlet.name_missing": ("缺少网点名称。", "The outlet name is missing."),
    "services.outlet.tier_missing": (
        "缺少网点级别。可选：{tiers}。",
        "The outlet tier is missing. Choose one of: {tiers}.",
    ),
    "services.outlet.tier_unknown": (
        "未知的网点级别「{tier}」。可选：{tiers}。",
        "Unknown outlet tier '{tier}'. Choose one of: {tiers}.",
    ),
    "services.outlet.date_invalid": (
        "合作开始日期「{value}」无效，请写成 年-月-日，例如 2021-03-01。",
        "The cooperation start date '{value}' is not valid; write it as year-month-day, "
        "e.g. 2021-03-01.",
    ),
    "services.outlet.competitor_invalid": (
        "「是否友商」一栏的「{value}」无法识别，请填写 是/否（或 yes/no、1/0）。",
        "'{value}' in the competitor column is not understood; write yes/no (or 是/否, "
        "1/0).",
    ),
    "services.outlet.phase_unknown": (
        "未知的阶段「{phase}」。可选：{phases}；留空则使用默认阶段。",
        "Unknown phase '{phase}'. Choose one of: {phases}; leave it empty for the "
        "default.",
    ),
    "services.outlet.traffic_invalid": (
        "客流「{value}」无效，请填写 busy（繁忙）或 quiet（清淡），或留空。",
        "Traffic '{value}' is not valid; write busy or quiet, or leave it empty.",
    ),
    "services.import.unreadable": (
        "无法读取文件 {path}。请检查文件是否存在且未被其他程序占用。",
        "The file {path} cannot be read. Check that it exists and is not open in another "
        "program.",
    ),
    "services.import.empty": (
        "文件中没有网点数据。第一行应为表头：code,name,tier,…",
        "The file holds no outlets. The first line must be the header: code,name,tier,...",
    ),
    "services.import.missing_column": (
        "表头缺少必需的列「{column}」。",
        "The header lacks the required column '{column}'.",
    ),
    "services.import.unknown_column": (
        "表头中的列「{column}」无法识别。可用的列：{columns}。",
        "The header column '{column}' is not known. The columns are: {columns}.",
    ),
    "services.import.extra_cells": (
        "这一行的单元格比表头多（可能是名称或地址中有未加引号的逗号）。",
        "This row has more cells than the header (perhaps an unquoted comma in a name or "
        "address).",
    ),
    "services.import.duplicate_code": (
        "网点编码 {code} 重复（第 {first_line} 行已出现）。",
        "Outlet code {code} appears twice (first on line {first_line}).",
    ),
    # -- corrective actions ----------------------------------------------------------------
    "services.action.unknown": (
        "找不到这条整改事项（{id}）。",
        "This corrective action ({id}) cannot be found.",
    ),
    "services.action.description_missing": (
        "请写明需要整改的问题。",
        "Describe what must be corrected.",
    ),
    "services.action.owner_missing": (
        "请填写整改负责人。",
        "Say who is responsible for the correction.",
    ),
    "services.action.due_in_past": (
        "整改期限 {due} 已经过去，请选择今天或以后的日期。",
        "The due date {due} is in the past; choose today or a later date.",
    ),
    "services.action.due_missing": ("请填写完成时限。", "Please enter a due date."),
    "services.action.due_invalid": (
        "“{value}”不是有效日期，请写成 2025-06-30 或 +7。",
        "“{value}” is not a date; write it as 2025-06-30 or +7.",
    ),
    "services.action.already_closed": (
        "这条整改事项已经关闭。",
        "This corrective action is already closed.",
    ),
    "services.action.other_outlet": (
        "这条整改事项属于另一个网点（{outlet}），只能在该网点的走访中处理。",
        "This corrective action belongs to another outlet ({outlet}); follow it up in a "
        "visit to that outlet.",
    ),
    # -- settings --------------------------------------------------------------------------
    "services.settings.language_unknown": (
        "不支持的语言「{lang}」。可选：{choices}。",
        "Language '{lang}' is not available. Choose one of: {choices}.",
    ),
    "services.settings.role_unknown": (
        "未知的角色「{role}」。可选：{choices}。",
        "Unknown role '{role}'. Choose one of: {choices}.",
    ),
    "services.settings.endpoint_invalid": (
        "服务器地址「{url}」无效，应以 https:// 或 http:// 开头。",
        "The server address '{url}' is not valid; it must start with https:// or http://.",
    ),
    "services.settings.photo_edge_range": (
        "照片长边尺寸应在 {low} 到 {high} 像素之间。",
        "The photo size (long edge) must be between {low} and {high} pixels.",
    ),
    "services.settings.pin_invalid": (
        "管理员 PIN 应为 4 到 8 位数字。",
        "The manager PIN must be 4 to 8 digits.",
    ),
    "services.settings.kiosk_outlet_missing": (
        "请填写这台自助平板要锁定的门店编码，再启用。",
        "Enter the code of the outlet this tablet is for, then turn the kiosk on.",
    ),
    "services.settings.pin_missing": (
        "请先设置管理员 PIN（4–8 位数字）：解锁自助平板时要用到。",
        "Set a manager PIN (4–8 digits) first: it is needed to unlock the kiosk.",
    ),
}
