"""Flet screens. Each renders state from the services and forwards events to them.

Nothing imports this package but the entry points (`app/flet_main.py`, `hallcheck app`).
`shell.AppShell` routes between the screens; `theme` ships the CJK font and the moods
(normal / discreet / kiosk); `errors.guard` turns every error into a plain sentence.
See README.md here for the screens, routes and the labels tests find controls by.
"""
