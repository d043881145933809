"""Property-based API testing: schemathesis generates requests (valid and invalid) from the
OpenAPI document the running server serves, and checks every answer against it: never a
500, and each response matches its documented status codes, content type and schema.

Schemathesis 4's API (schemathesis.openapi.from_url, GenerationMode, the CHECKS registry);
the pytest plugin's lazy fixture loader does not work with pytest 9, so each operation's
hypothesis strategy is driven here directly. Requests carry real tokens: a shopper device's
for what devices do, a manager device's for the office's reads; in valid mode the server
must accept a share of them (a run refused wholesale at the door tests nothing).
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from .helpers import ServerProcess

# A schema-valid upload may still be refused for a business rule (another device's id, a
# body whose hash the server must not trust, random bytes under a hash they do not have),
# which the positive-data check would call a failure; every other check runs.
EXCLUDED = {"positive_data_acceptance"}
EXAMPLES = 20
# operations only a manager's token may use (the office's reads); devices use the rest
MANAGER_OPERATIONS = {("GET", "/api/v1/inspections"), ("GET", "/api/v1/inspections/{uuid}"),
                      ("GET", "/api/v1/conflicts"), ("GET", "/api/v1/devices")}
MIN_ACCEPTED = 8  # operations answered 2xx at least once in valid mode


@pytest.fixture(scope="module")
def tokens(sqlite_server: ServerProcess) -> dict[str, dict[str, str]]:
    manager = sqlite_server.enrol(role="manager", inspector_id="").token
    device = sqlite_server.enrol("ms-schemathesis").token
    return {"manager": {"Authorization": f"Bearer {manager}"},
            "device": {"Authorization": f"Bearer {device}"}}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_api_conforms_to_its_openapi_document(sqlite_server: ServerProcess,
                                              tokens: dict[str, dict[str, str]],
                                              mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{sqlite_server.url}/api/v1/openapi.json")
    excluded = [c for c in CHECKS.get_all() if c.__name__ in EXCLUDED]
    failures: list[str] = []
    accepted: set[str] = set()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        name = f"{operation.method.upper()} {operation.path}"
        who = "manager" if (operation.method.upper(), operation.path) in MANAGER_OPERATIONS \
            else "device"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            # a case whose headers are the invalid part keeps them (no token added back)
            bad_headers = case.meta is not None and case.meta.is_negative_at(
                ParameterLocation.HEADER)
            if not bad_headers:
                case.headers = {**(case.headers or {}), **tokens[who]}  # noqa: B023
            response = case.call_and_validate(excluded_checks=excluded, timeout=30)
            if 200 <= response.status_code < 300:
                accepted.add(name)  # noqa: B023 - run() is called in this iteration

        try:
            run()
        except Unsatisfiable:  # no parameters and no body: nothing to make invalid
            assert mode is GenerationMode.NEGATIVE, operation.path
        except Exception as exc:  # collect every operation's failure, then report all
            failures.append(f"{name}:\n{exc}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)
    if mode is GenerationMode.POSITIVE:
        assert len(accepted) >= MIN_ACCEPTED, f"only these were ever accepted: {sorted(accepted)}"


def test_the_served_document_is_openapi_3_with_bearer_auth(sqlite_server: ServerProcess) -> None:
    doc = httpx.get(f"{sqlite_server.url}/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
