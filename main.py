"""Entry point for `flet build apk|ipa`, which looks for main.py at [tool.flet.app] path.

The app itself lives in `app/`; on a phone it runs in-process with the native client.
"""

import flet as ft

from app.flet_main import main

if __name__ == "__main__":
    ft.run(main, assets_dir="assets")
