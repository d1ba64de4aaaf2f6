"""Property-based API tests: schemathesis generates requests from /openapi.json; none may end in a
server error, and every documented response must match its schema.

Each run draws new cases (derandomized under CI, see conftest.py). For a longer hunt set
LEGATION_SCHEMA_EXPLORE=N: N cases per operation instead of 30.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api_helpers import sample_ledger
from legation.api import create_app

EXAMPLES = int(os.environ.get("LEGATION_SCHEMA_EXPLORE", "30"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = sample_ledger(tmp_path_factory.mktemp("schema") / "sample.duckdb")
    app = create_app(db, token="t0ken", warm=False)
    yield app
    app.state.access.close()


def test_generated_requests_never_cause_server_errors(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        check()
