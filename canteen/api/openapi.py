"""What the OpenAPI document says each operation answers: its success bodies and the one error shape.

flask-smorest documents the requests (bodies, query arguments, security) from the routes; this plugin replaces
every operation's answers with what the server really sends: the success statuses and bodies listed in
:data:`SUCCESS`, and every refusal as ``{"error": {"code", "message"}}`` (:mod:`canteen.api.errors`) with the
statuses the server uses (400 for bad input, never 422). ``tests/api_contract`` holds the server to it.
"""
import re

from apispec import BasePlugin


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"nullable": True, "allOf": [schema]} if "$ref" in schema else dict(schema, nullable=True)


def obj(required: dict, optional: dict | None = None) -> dict:
    """An object with these (required) properties; others may follow (answers grow, clients ignore extras)."""
    return {"type": "object", "required": sorted(required), "properties": {**required, **(optional or {})}}


INT, STR, BOOL = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
N_INT, N_STR = nullable(INT), nullable(STR)

#: Shapes shared by several answers (``canteen.api.serialize`` makes them).
COMPONENTS = {
    "ApiError": obj({"error": obj({"code": STR, "message": STR})}),
    "Person": obj({"id": INT, "staff_no": STR, "name": STR, "state": STR, "department": STR, "category": STR}),
    "Balances": obj({"cash": INT, "subsidy": INT, "deposit": INT, "spendable": INT}, {"owed": INT}),
    "Card": obj({"id": INT, "uid": STR, "printed_no": N_STR, "state": STR, "deposit": INT, "issued_dt": STR,
                 "person_id": INT}),
    "Entry": obj({"id": INT, "kind": STR, "amount": INT, "method": N_STR, "created_dt": STR, "business_date": STR,
                  "person_id": N_INT, "card_id": N_INT, "terminal_id": N_INT, "operator_id": N_INT,
                  "approver_id": N_INT, "shift_id": N_INT, "meal_period_id": N_INT, "original_id": N_INT,
                  "memo": N_STR}),
    "MealCharge": obj({"entry": ref("Entry"), "person": ref("Person"), "card_uid": STR, "meal_period": N_STR,
                       "amount": INT, "from_subsidy": INT, "from_cash": INT, "cash_left": INT, "subsidy_left": INT,
                       "low_balance": BOOL, "low_balance_threshold": N_INT}),
    "CardResult": obj({"card": ref("Card"), "person": ref("Person"), "balances": ref("Balances"),
                       "entry": nullable(ref("Entry"))}),
    "RefundRequest": obj({"id": INT, "original_id": INT, "amount": INT, "reason": N_STR, "state": STR,
                          "requested_by": INT, "decided_by": N_INT, "entry_id": N_INT, "requested_dt": STR}),
    "RefundOutcome": obj({"entry": nullable(ref("Entry")), "cash_back": INT, "subsidy_back": INT,
                          "request": nullable(ref("RefundRequest"))},
                         {"error": {**obj({"code": STR, "message": STR}),
                                    "description": "on 202 only: approval_required"}}),
    "ShiftReport": obj({"shift_id": INT, "operator": STR, "opened_dt": STR, "closed_dt": N_STR,
                        "lines": {"type": "array", "items": obj({"kind": STR, "method": N_STR, "count": INT,
                                                                 "amount": INT})},
                        "opening_float": INT, "cash_in": INT, "cash_out": INT, "expected_cash": INT,
                        "counted_cash": N_INT, "difference": N_INT},
                       {"checkpoint": nullable(obj({"id": INT, "entry_id": INT, "entry_hash": STR,
                                                    "signature": STR, "made_dt": STR}))}),
}


def array(schema: dict) -> dict:
    return {"type": "array", "items": schema}


PERSON_WITH = {"person": ref("Person"), "balances": ref("Balances")}

#: (method, path) -> {status: (description, body schema)}: every success an operation answers.
SUCCESS = {
    ("post", "/api/v1/auth/login"): {200: ("Signed in", obj({"token": STR, "expires_in": INT}))},
    ("post", "/api/v1/taps"): {200: ("Meal charged", ref("MealCharge"))},
    ("post", "/api/v1/charges"): {200: ("Amount charged", ref("MealCharge"))},
    ("get", "/api/v1/cards/{uid}"): {200: ("The card and its holder", obj({"card": ref("Card"), **PERSON_WITH}))},
    ("get", "/api/v1/meal-periods"): {200: ("Meal periods", obj({
        "now": N_STR, "local_time": STR, "periods": array(obj({
            "id": INT, "code": STR, "name": STR, "start": STR, "end": STR, "weekdays": STR,
            "prices": {"type": "object", "additionalProperties": INT}}))}))},
    ("get", "/api/v1/terminal/entries"): {200: ("Recent entries", obj({"entries": array(ref("Entry"))}))},
    ("post", "/api/v1/top-ups"): {201: ("Topped up", obj({"entry": ref("Entry"), **PERSON_WITH}))},
    ("post", "/api/v1/refunds"): {
        201: ("Refunded", ref("RefundOutcome")),
        202: ("Waiting for a second operator's approval (error.code approval_required)", ref("RefundOutcome"))},
    ("get", "/api/v1/refund-requests"): {200: ("Pending requests", obj({"requests": array(ref("RefundRequest"))}))},
    ("post", "/api/v1/refund-requests/{request_id}/approve"): {
        201: ("Approved and refunded", ref("RefundOutcome"))},
    ("post", "/api/v1/refund-requests/{request_id}/reject"): {200: ("Rejected", ref("RefundOutcome"))},
    ("post", "/api/v1/cards"): {201: ("Card issued", ref("CardResult"))},
    ("post", "/api/v1/cards/{uid}/loss"): {200: ("Reported lost", ref("CardResult"))},
    ("post", "/api/v1/cards/{uid}/unfreeze"): {200: ("Usable again", ref("CardResult"))},
    ("post", "/api/v1/cards/{uid}/reissue"): {201: ("New card issued", ref("CardResult"))},
    ("post", "/api/v1/people"): {201: ("Registered", obj({"person": ref("Person")}))},
    ("get", "/api/v1/people"): {200: ("Up to 20 people", obj({"people": array(ref("Person"))}))},
    ("get", "/api/v1/people/{person_id}"): {200: ("The person, balances and cards", obj(
        {**PERSON_WITH, "cards": array(ref("Card"))}))},
    ("get", "/api/v1/people/{person_id}/statement"): {200: ("Statement", obj({**PERSON_WITH, "entries": array(
        {"allOf": [ref("Entry"), obj({"legs": {"type": "array"}})]})}))},
    ("get", "/api/v1/people/{person_id}/cancel-quote"): {200: ("What cancelling pays out", obj({
        "person": ref("Person"), "cash": INT, "deposit": INT, "subsidy": INT, "owed": INT, "debt_settled": INT,
        "paid_out": INT, "debt_left": INT, "cash_to_pay": INT}))},
    ("post", "/api/v1/people/{person_id}/cancel"): {200: ("Cancelled and paid out", obj({
        "person": ref("Person"), "cash_paid": INT, "deposit_paid": INT, "subsidy_returned": INT, "total_paid": INT,
        "debt_settled": INT, "debt_left": INT, "cards": array(ref("Card")), "entry": nullable(ref("Entry"))}))},
    ("post", "/api/v1/shifts/open"): {201: ("Shift opened", ref("ShiftReport"))},
    ("post", "/api/v1/shifts/close"): {200: ("Shift closed: the shift report", ref("ShiftReport"))},
    ("get", "/api/v1/shifts/current"): {200: ("The open shift so far", ref("ShiftReport"))},
    ("get", "/api/v1/shifts/{shift_id}"): {200: ("The shift report", ref("ShiftReport"))},
    ("post", "/api/v1/subsidies"): {201: ("Subsidy issued", obj({
        "batch_id": INT, "people": INT, "amount_each": INT, "total": INT, "entry": ref("Entry")}))},
    ("post", "/api/v1/subsidies/{batch_id}/expire"): {200: ("Expired", obj({
        "batch_id": INT, "returned": INT, "entry": nullable(ref("Entry"))}))},
    ("post", "/api/v1/sync/offline-charges"): {200: ("Each item's result, in order", obj({
        "last_seq": INT, "results": array(obj({"seq": INT, "status": STR, "entry_id": N_INT, "code": N_STR}))}))},
    ("post", "/api/v1/terminal/heartbeat"): {200: ("Stored", obj({"blacklist_version": INT}))},
    ("get", "/api/v1/sync/snapshot"): {200: ("The sealed snapshot", {"type": "object"})},
    ("get", "/api/v1/sync/blacklist"): {200: ("Version and changes", obj({
        "version": INT, "changes": {"type": "array"}}))},
    ("get", "/api/v1/terminal/events"): {200: ("Server-sent events", None)},
    ("get", "/api/v1/offline-exceptions"): {200: ("Exceptions and debts", obj({
        "outstanding": {"type": "array"}, "exceptions": {"type": "array"}}))},
    ("post", "/api/v1/guest-tickets/redeem"): {200: ("Ticket accepted", obj({
        "entry": ref("Entry"), "ticket": {"type": "object"}, "department": STR, "meal_period": STR, "amount": INT,
        "department_owes": INT}))},
}

#: Refusals every operation may answer, by what it takes.
BAD_INPUT = (400, "Bad input: a body, query or header the server refuses (error.code says which)")
UNAUTHORISED = (401, "Missing or wrong credentials (terminal key or operator token)")
FORBIDDEN = (403, "The credentials may not do this")
NOT_FOUND = (404, "Nothing with that id or UID")
CONFLICT = (409, "Refused by a rule (balance, card state, shift, idempotency key reused with another body)")
UNAVAILABLE = (503, "The database is unavailable; retry with the same Idempotency-Key")


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("ApiError")}}}


def responses_for(method: str, path: str, operation: dict) -> dict:
    """The operation's answers: its successes, then the refusals it can give, then any other error."""
    answers = {}
    for status, (description, schema) in SUCCESS[(method, path)].items():
        media = "text/event-stream" if schema is None else "application/json"
        answers[str(status)] = {"description": description,
                                "content": {media: {"schema": schema or {"type": "string"}}}}
    refusals = [BAD_INPUT, UNAUTHORISED, FORBIDDEN, NOT_FOUND, CONFLICT, UNAVAILABLE]
    if not operation.get("security"):
        refusals.remove(FORBIDDEN)
    for status, description in refusals:
        answers[str(status)] = error_response(description)
    answers["default"] = error_response("Any other refusal, in the same shape")
    return answers


class AnswersPlugin(BasePlugin):
    """Write each operation's answers from :data:`SUCCESS` and the one error shape."""

    def init_spec(self, spec):
        self.spec = spec
        for name, schema in COMPONENTS.items():
            spec.components.schema(name, schema)

    def operation_helper(self, path=None, operations=None, **kwargs):
        openapi_path = _openapi_path(path)
        for method, operation in (operations or {}).items():
            if (method, openapi_path) in SUCCESS:
                operation["responses"] = responses_for(method, openapi_path, operation)


def _openapi_path(path: str) -> str:
    """Flask's ``/people/<int:person_id>`` as OpenAPI's ``/people/{person_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path)
