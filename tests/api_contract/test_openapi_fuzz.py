"""The API answers as its OpenAPI document says: schemathesis generates requests from the document for every
operation (a bounded number each), sends them as a terminal, as an admin or as both (an admin at a till), and
checks that no answer is a 5xx and every answer's status, content type, headers and body are the documented ones."""
import itertools
import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks

from canteen.extensions import db

#: Examples per operation, mode and database: enough to reach the refusals and the edges, bounded so the suite
#: stays quick (about a minute per database); CANTEEN_CONTRACT_EXAMPLES=200 for a deeper search.
EXAMPLES = int(os.environ.get("CANTEEN_CONTRACT_EXAMPLES", "12"))

CHECKS = [checks.status_code_conformance, checks.content_type_conformance, checks.response_headers_conformance,
          checks.response_schema_conformance]


@pytest.fixture
def api_schema(app, world):
    """The document the app serves, with a terminal, an admin with an open shift and a diner to act on."""
    world.all_day_meal(price=800)
    world.diner(cash=5000, deposit=2000)
    terminal, key = world.terminal("T01")
    admin = world.operator("admin")
    world.shift_for(admin, opening_float=10000)
    db.session.commit()
    app.config["CONTRACT_HEADERS"] = {
        "terminal": world.headers(terminal=terminal, key=key, idem=None),
        "operator": world.headers(operator=admin, idem=None),
        "both": world.headers(terminal=terminal, key=key, operator=admin, idem=None),
    }
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_every_answer_is_documented_and_none_is_a_server_error(api_schema, app):
    """Any request the document allows or forbids gets a 4xx or a documented success, shaped as documented."""
    identities = app.config["CONTRACT_HEADERS"]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    seen = Counter()
    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):

        @given(case=operation.as_strategy(generation_mode=mode), who=st.sampled_from(sorted(identities)))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def answers_as_documented(case, who):
            response = case.call(headers={**identities[who], **(case.headers or {})})
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}")
            case.validate_response(response, checks=CHECKS)
            seen[response.status_code // 100] += 1

        try:
            answers_as_documented()
        except Unsatisfiable:  # nothing about this operation can be sent wrong in that mode (no parameters)
            continue
    assert seen[2] and seen[4], seen  # both successes and refusals were reached
    print(f"answers by class: {dict(seen)}")
