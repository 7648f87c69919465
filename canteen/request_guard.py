"""Hostile input stops at the door: every request of every blueprint passes :func:`guard_request` first.

* A NUL character in the path, a query or form value (or its name) or any JSON string is refused with
  ``bad_request`` (400): PostgreSQL cannot store it and no field of the canteen needs it.
* A JSON body larger than ``MAX_JSON_BYTES`` or nested deeper than :data:`MAX_JSON_DEPTH` is refused with
  ``payload_too_large`` (413), before any view, terminal key or operator token is looked at.
* A JSON integer outside the 64-bit range the database stores (or of more digits than Python parses), or such an
  integer in the URL's path, is refused with ``number_out_of_range`` (400). Smaller columns are guarded by the
  API's schemas (:func:`canteen.api.schemas.counter`).

API paths answer ``{"error": {"code", "message"}}``; pages answer a short plain text.
"""
import json

from flask import current_app, jsonify, request

from canteen.errors import CODES

#: Deepest JSON nesting accepted (the API's bodies are at most four levels deep).
MAX_JSON_DEPTH = 32
#: Largest JSON body accepted by default (an offline sync batch is the largest legitimate body).
MAX_JSON_BYTES = 4 * 1024 * 1024
#: Integers the database stores (BIGINT).
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1


class Refused(Exception):
    """The request is refused with `code` (a key of :data:`canteen.errors.CODES`)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


def refusal(code: str, detail: str = ""):
    """The answer to a refused request: JSON under /api/, plain text elsewhere."""
    status, zh, en = CODES[code]
    english = (request.accept_languages.best_match(["zh", "en"]) or "zh") == "en"
    message = (en if english else zh) + (f" ({detail})" if detail else "")
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"code": code, "message": message}})
        response.status_code = status
        return response
    return current_app.response_class(message, status=status, mimetype="text/plain")


def check_text(value: str, where: str) -> None:
    """Refuse a NUL character in `value`."""
    if "\x00" in value:
        raise Refused("bad_request", f"NUL in {where}"[:80])


def check_json(data, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk a parsed JSON value (iteratively): NUL in a string, an integer out of range, too deep."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise Refused("payload_too_large", f"nested deeper than {max_depth}")
        if isinstance(value, str):
            check_text(value, "JSON")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not INT_MIN <= value <= INT_MAX:
                raise Refused("number_out_of_range")
        elif isinstance(value, dict):
            for key, item in value.items():
                check_text(key, "JSON")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def parse_json(raw: bytes, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH):
    """Parse and check a JSON body; malformed JSON is left for the view to refuse as it always did (None)."""
    if len(raw) > max_bytes:
        raise Refused("payload_too_large", f"over {max_bytes} bytes")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise Refused("payload_too_large", f"nested deeper than {max_depth}") from None
    except json.JSONDecodeError:
        return None  # malformed: the view refuses it as it always did
    except ValueError:  # an integer of more than 4,300 digits
        raise Refused("number_out_of_range") from None
    check_json(data, max_depth=max_depth)
    return data


def guard_request():
    """``before_request`` of the whole app: refuse NUL bytes, oversized or too deep JSON, huge integers."""
    try:
        check_text(request.path, "the path")
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
                raise Refused("number_out_of_range")
        for name, value in request.args.items(multi=True):
            check_text(name, "the query")
            check_text(value, f"?{name[:20]}")
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in request.form.items(multi=True):
                check_text(name, "the form")
                check_text(value, name[:20])
            for name, upload in request.files.items(multi=True):
                check_text(upload.filename or "", "a file name")
        elif request.is_json:
            limit = int(current_app.config.get("MAX_JSON_BYTES") or MAX_JSON_BYTES)
            if (request.content_length or 0) > limit:
                raise Refused("payload_too_large", f"over {limit} bytes")
            parse_json(request.get_data(cache=True), max_bytes=limit)
    except Refused as refused:
        return refusal(refused.code, refused.detail)
    return None


def init_request_guard(app) -> None:
    """Run :func:`guard_request` before every request of every blueprint (registered first)."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard_request)
