"""Dates and times as people read them (app.i18n.when): never the process locale's %b."""

MESSAGES: dict[str, tuple[str, str]] = {
    "time.today": ("今天 {time}", "today {time}"),
    "time.this_year": ("{month}{day}日 {time}", "{day} {month} {time}"),
    "time.other_year": ("{year}年{month}{day}日 {time}", "{day} {month} {year} {time}"),
    "time.month.1": ("1月", "Jan"),
    "time.month.2": ("2月", "Feb"),
    "time.month.3": ("3月", "Mar"),
    "time.month.4": ("4月", "Apr"),
    "time.month.5": ("5月", "May"),
    "time.month.6": ("6月", "Jun"),
    "time.month.7": ("7月", "Jul"),
    "time.month.8": ("8月", "Aug"),
    "time.month.9": ("9月", "Sep"),
    "time.month.10": ("10月", "Oct"),
    "time.month.11": ("11月", "Nov"),
    "time.month.12": ("12月", "Dec"),
}
