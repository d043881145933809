"""Messages of the programme's shared rules (the outlet master-data CSV, for now)."""

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
}
