"""Visit planning (domain, "Visit planning"), pure: inputs in, plans with the reason for
every choice and every gap out; no database, no HTTP, no clock (the caller passes `now`).

- `covert`   the month's covert-visit plan (plan_covert), a manager's move (check_move,
             move) and the independent check of a whole plan (violations);
- `coaching` the area managers' coaching cadence from the ranking (plan_coaching);
- `status`   a plan against the results that arrived (plan_status);
- `model`    the input and output dataclasses; `timing` months, hours, windows, weeks.
"""

from app.programme.planning.coaching import plan_coaching
from app.programme.planning.covert import (
    HistoryIndex,
    check_move,
    inputs_digest,
    move,
    plan_covert,
    violations,
)
from app.programme.planning.status import plan_status

__all__ = ["HistoryIndex", "check_move", "inputs_digest", "move", "plan_coaching",
           "plan_covert", "plan_status", "violations"]
