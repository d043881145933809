"""`python -m app` runs the `hallcheck` command."""

import sys

from app.cli import main

sys.exit(main())
