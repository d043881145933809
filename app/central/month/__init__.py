"""The month close (issue 9): master data and commission bases, closing a month into an
immutable snapshot, reading closed months back, and their exports for finance.

`read` is what the console and the CLI use; `close.close_month` freezes a month.
"""
