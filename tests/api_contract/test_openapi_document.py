"""The OpenAPI document describes the answers as the server sends them (issue 14, defect 8)."""
from openapi_spec_validator import validate

from canteen.extensions import db


def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def test_every_operation_documents_its_success_and_the_real_error_shape(client):
    doc = document(client)
    validate(doc)
    error = doc["components"]["schemas"]["ApiError"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["properties"] == {"code": {"type": "string"}, "message": {"type": "string"}}
    found = list(operations(doc))
    assert len(found) >= 34
    for method, path, operation in found:
        answers = operation["responses"]
        successes = [s for s in answers if s.startswith("2")]
        assert successes, f"{method} {path} documents no success"
        for status in successes:
            assert answers[status]["content"], f"{method} {path} {status} has no body schema"
        assert "422" not in answers, f"{method} {path} still documents 422"
        for status in ("400", "401", "default"):
            assert answers[status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ApiError"}, (method, path, status)


def test_a_validation_refusal_is_400_with_a_stable_code_as_documented(app, world, client):
    terminal, key = world.terminal()
    response = client.post("/api/v1/taps", json={"uid": 12}, headers=world.headers(terminal=terminal, key=key))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_uid"


def test_a_method_not_allowed_answer_names_the_allowed_methods(client):
    response = client.delete("/api/v1/taps")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"].split(", ")
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    both = client.put("/api/v1/people")
    assert both.status_code == 405 and {"GET", "POST"} <= set(both.headers["Allow"].split(", "))


def test_a_person_by_id_is_for_operators_only_as_documented(app, world, client):
    person, _ = world.diner(cash=1000)
    terminal, key = world.terminal()
    refused = client.get(f"/api/v1/people/{person.id}", headers=world.headers(terminal=terminal, key=key, idem=None))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"]
    operator = world.operator("cashier")
    shown = client.get(f"/api/v1/people/{person.id}", headers=world.headers(operator=operator, idem=None))
    assert shown.status_code == 200 and shown.get_json()["person"]["id"] == person.id
    doc = document(client)
    assert doc["paths"]["/api/v1/people/{person_id}"]["get"]["security"] == [{"operatorToken": []}]


def test_an_id_beyond_64_bits_names_nothing_rather_than_failing(app, world, client):
    operator = world.operator("cashier")
    db.session.commit()
    response = client.get(f"/api/v1/people/{2**63}", headers=world.headers(operator=operator, idem=None))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    parameter = document(client)["paths"]["/api/v1/people/{person_id}"]["parameters"][0]
    assert parameter["schema"]["maximum"] == 2**63 - 1
