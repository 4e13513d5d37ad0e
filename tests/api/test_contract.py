"""Contract test: schemathesis drives every operation of /api/v1/ in-process (WSGI) with a
Kim Bôi officer's token over the small province, and checks that no answer is a server
error and every answer matches the published schema (status code, content type, body).

Bounded for CI (both databases, two cores): a few examples per operation, no deadline.
`DANGVIEN_CONTRACT_EXAMPLES` raises the count for a longer local run.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangvien.api.main import api

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("DANGVIEN_CONTRACT_EXAMPLES") or 50)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def keep_the_connection():
    """The WSGI app runs inside the test's transaction: as Django's test client does, stop
    the end of each request from closing the database connection (on PostgreSQL that would
    end the transaction the world lives in)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_keeps_the_contract(world, personas, token_of, settings,
                                            keep_the_connection):
    settings.DANGVIEN_API_RATE = "100000/minute"
    token = token_of(personas.kimboi)
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Schemathesis's in-process (WSGI) transport asks for gzip but does not unpack it; the
    # compression of responses is tested in tests/web/test_compression.py.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    seen = []
    started = time.monotonic()
    for operation in operations:
        calls = []

        @seed(16)
        @hsettings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                   phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=headers)
            calls.append(response.status_code)  # noqa: B023 - run at once, inside the loop
            case.validate_response(response, checks=CHECKS, headers=headers)

        check()
        assert calls, operation.label
        seen.append((operation.label, sorted(set(calls))))
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {len(seen)} operations in {elapsed:.1f} s")
    for label, statuses in seen:
        print(f"  {label}: {statuses}")
    paths = {label.split(" ", 1)[1] for label, _ in seen}
    assert len(paths) == len(api.get_openapi_schema()["paths"])
