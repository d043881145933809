"""Visit planning (domain, "Visit planning"), pure: inputs in, plans with the reason for
every choice and every gap out; no database, no HTTP, no clock (the caller passes `now`).

- `covert`   the month's covert-visit plan (plan_covert), a manager's move (check_move,
             move) and the independent check of a whole plan (violations);
- `coaching` the area managers' coaching cadence from the ranking (plan_coaching);
- `status`   a plan against the results that arrived (plan_status);
- `model`    the input and output dataclasses; `timing` months, hours, windows, weeks.

How the central endpoint uses it (`hallcheck plan covert|coaching|status YYYY-MM`, the
console):
1. covert: build CovertInputs from its tables (active outlets with hours and attributes,
   the shopper pool, every covert visit it knows of from every device plus the visits of
   other stored plans as KnownVisit with `until` = window end, the month, the seed, the
   programme's CovertRules); `plan_covert` -> CovertPlan; store `plan.to_dict()` with
   `inputs_digest(inputs)` (same digest and seed: the same plan again).
2. a manager's move: `check_move(plan, visit_id, inputs, shopper=, day=, window=,
   index=HistoryIndex(inputs.history))` -> None or the refusal Reason (show
   `reason.text(lang)`; answer 4xx with it); `move(...)` applies it or raises UserError.
   `violations(plan, inputs)` re-checks a stored plan before it is published.
3. coaching: CoachingInputs with the latest closed month as `ranking_month` (the plan
   says so in `note` when it is not last month) -> CoachingPlan.
4. status: `plan_status(plan.visits, results_that_arrived, now=...)`.
Every Reason is a message key of app/i18n/catalog/planning.py with its parameters.
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
