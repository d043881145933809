"""Words shared by every screen and command."""

MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("服务质量检查", "hallcheck"),
    "lang.zh": ("简体中文", "简体中文 (Chinese)"),
    "lang.en": ("English", "English"),
    "kind.mystery_shop": ("暗访", "Mystery shop"),
    "kind.open_inspection": ("明查", "Open inspection"),
    "kind.self_check": ("自查", "Self-check"),
    "role.mystery_shopper": ("暗访员", "Mystery shopper"),
    "role.area_manager": ("片区经理", "Area manager"),
    "role.outlet_agent": ("代办业主 / 营业员", "Outlet agent"),
    "veto": ("一票否决", "Veto"),
    "veto.scope.section": ("本项指标得分清零", "forfeits the section"),
    "veto.scope.visit": ("本次检查得分清零", "voids the whole visit"),
    "answer.yes": ("是", "Yes"),
    "answer.no": ("否", "No"),
    "answer.na": ("不适用", "Not applicable"),
    "error.unexpected": (
        "出现意外错误，已记录的内容都已保存。请重试；如仍有问题，请联系渠道管理。",
        "Something unexpected went wrong. Everything you entered is saved. "
        "Please try again; if it keeps happening, contact channel management.",
    ),
}
