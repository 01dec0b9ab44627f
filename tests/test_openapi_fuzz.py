"""schemathesis against our own OpenAPI schema, in process: generated and edge-case requests to
every operation (ingest included, with its token) must never get a server error, and every
successful response must match its schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from storyline.web.app import create_app
from webstore import build

TOKEN = "fuzz-token"
_db = Path(__file__).resolve().parent / ".fuzz-store" / "web.db"


def _app():
    if not _db.exists():
        _db.parent.mkdir(exist_ok=True)
        build(_db)
    # schemathesis's ASGI client sends Host: testserver, which the app refuses by default
    return create_app(_db, allow_ingest=True, token=TOKEN, max_upload=20_000, rate=0, hosts=["testserver"])


schema = schemathesis.openapi.from_asgi("/api/openapi.json", _app())


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    shutil.rmtree(_db.parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error, response_schema_conformance]
    )
