"""After `mutmut run` (make mutate): count the mutants and fail on any that no test killed and
docs/mutation.md does not explain.

A mutant is explained by a row of the table in docs/mutation.md that names it in backticks
(`app.checklists.answers.x_validate_answer__mutmut_33`). Mutant numbers move when the code
changes, so an explanation whose mutant is gone or now killed is reported as stale (the doc
wants a look), while a survivor without one fails the run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "mutation.md"
MUTMUT = Path(sys.executable).parent / "mutmut"
EXPLAINED = re.compile(r"^\|\s*`([^`]+__mutmut_\d+)`\s*\|")
NOT_KILLED = {"survived", "timeout", "suspicious", "no tests", "skipped", "not checked"}


def results() -> dict[str, str]:
    """mutant name -> status, as `mutmut results --all true` prints them."""
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def explained() -> set[str]:
    return {m.group(1) for line in DOC.read_text(encoding="utf-8").splitlines()
            if (m := EXPLAINED.match(line))}


def main() -> int:
    status = results()
    if not status:
        print("no mutmut results: run `make mutate` (mutmut run) first", file=sys.stderr)
        return 2
    counts = Counter(status.values())
    left = {name for name, s in status.items() if s in NOT_KILLED}
    docs = explained()
    unexplained = sorted(left - docs)
    stale = sorted(docs - left)
    print(f"mutants: {len(status)}  killed: {counts['killed']}  "
          f"survived: {counts['survived']}  timeout: {counts['timeout']}  "
          f"other: {len(left) - counts['survived'] - counts['timeout']}  "
          f"explained in docs/mutation.md: {len(left & docs)}")
    for name in stale:
        print(f"stale explanation (mutant gone or killed now): {name}")
    for name in unexplained:
        print(f"NOT KILLED, NOT EXPLAINED: {name} ({status[name]}); "
              f"see `mutmut show {name}`")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
