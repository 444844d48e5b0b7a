"""Property-based run of the whole OpenAPI spec (schemathesis): no input gives a 5xx.

Every operation gets generated valid and invalid inputs (both keys sent), on
SQLite and PostgreSQL. The schemathesis checks run (no server error,
documented status codes, content types and headers, responses matching their
schema...) except two that do not fit this API: ``positive_data_acceptance``
(business rules legitimately refuse schema-valid requests: a slot in the past,
a range over 31 days) and ``negative_data_rejection`` (unknown query
parameters are ignored, as HTTP usually does, and the keys are always sent
here). Negative cases are still generated and must never produce a 5xx.
Examples are bounded to keep the run short.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from .bo_helpers import ADMIN_KEY, API_KEY

AUTH_HEADERS = {"X-API-Key": API_KEY, "X-Admin-Key": ADMIN_KEY}


@pytest.fixture
def bo_openapi(bo_app):
    return schemathesis.openapi.from_asgi("/openapi.json", bo_app)


schema = schemathesis.pytest.from_fixture("bo_openapi")


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    response = case.call_and_validate(headers=AUTH_HEADERS,
                                      excluded_checks=[positive_data_acceptance,
                                                       negative_data_rejection])
    assert response.status_code < 500, (case.method, case.path, case.body, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]
