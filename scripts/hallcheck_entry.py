"""Entry script for the PyInstaller bundle (build.spec): the same `hallcheck` command."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
