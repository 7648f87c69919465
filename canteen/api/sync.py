"""Offline sync for terminals: replay offline charges, the snapshot, the blacklist and its event stream."""
import time

from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from canteen import metrics
from canteen.api.auth import current_operator, current_terminal
from canteen.api.schemas import counter, identifier
from canteen.api.writes import KEY_PARAMETER, rules
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import OfflineException, Person, Terminal, utcnow
from canteen.services.blacklist import blacklist_version, changes_since
from canteen.services.offline_snapshot import build_snapshot
from canteen.services.offline import MAX_BATCH, replay_offline_charges
from canteen.services.offline_debt import outstanding
from canteen.services.terminal_state import report_state

blp = Blueprint("sync", __name__, url_prefix="/api/v1", description="Offline terminals: sync, snapshot, blacklist")
TERMINAL = [{"terminalId": [], "terminalKey": []}]
#: How often an event stream re-reads the blacklist version itself (when no push arrives).
STREAM_POLL_SECONDS = 2.0


class OfflineItem(Schema):
    seq = fields.Integer(required=True, strict=True, validate=counter(1))
    uid = fields.String(required=True, validate=validate.Length(1, 40))
    amount = fields.Raw(required=True, metadata={"type": "integer", "description": "fen"})
    tapped_at = fields.String(required=True, validate=validate.Length(1, 40),
                              metadata={"description": "ISO 8601 with offset, by the terminal's clock"})
    online_key = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 100),
                               metadata={"description": "key of the online tap whose outcome was unknown"})
    mac = fields.String(required=True, validate=validate.Length(64, 64),
                        metadata={"description": "HMAC-SHA256 under SHA-256(terminal key)"})


class OfflineBatch(Schema):
    items = fields.List(fields.Nested(OfflineItem), required=True, validate=validate.Length(1, MAX_BATCH))


class TerminalStateBody(Schema):
    blacklist_version = fields.Integer(required=True, strict=True, validate=counter())
    snapshot_at = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40),
                                metadata={"description": "when the terminal's snapshot was generated (ISO 8601)"})
    outbox_pending = fields.Integer(required=True, strict=True, validate=counter())
    outbox_last_seq = fields.Integer(required=True, strict=True, validate=counter())
    print_pending = fields.Integer(load_default=None, allow_none=True, strict=True, validate=counter(),
                                   metadata={"description": "receipts waiting at the terminal's printer "
                                                            "(shown in /metrics)"})


class SinceArgs(Schema):
    since = fields.Integer(load_default=0, validate=identifier())


class ExceptionArgs(Schema):
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    after_id = fields.Integer(load_default=0, validate=identifier())


@blp.post("/sync/offline-charges")
@blp.arguments(OfflineBatch)
@blp.doc(summary="Replay offline charges in sequence order, each exactly once", security=TERMINAL,
         parameters=[dict(KEY_PARAMETER, description="Required like on every write; each item's terminal "
                          "sequence number is its own idempotency key, so a retried batch may carry any key.")],
         description="Each item's terminal sequence number is its idempotency key: a replayed item answers "
                     "its first result. Processing stops at the first refused item (bad seal, sequence gap, "
                     "replay with other content); later items wait for the next sync.")
def offline_charges(body):
    """Book a batch of this terminal's offline charges."""
    terminal = current_terminal()
    if not request.headers.get("Idempotency-Key"):
        raise DomainError("idempotency_key_missing")
    results, last = replay_offline_charges(db.session, terminal, rules(), body["items"], utcnow())
    db.session.commit()
    return jsonify(last_seq=last, results=[r.as_dict() for r in results])


@blp.post("/terminal/heartbeat")
@blp.arguments(TerminalStateBody)
@blp.doc(summary="The terminal's offline state: blacklist version, snapshot time, outbox", security=TERMINAL,
         parameters=[KEY_PARAMETER])
def heartbeat(body):
    """Store what the terminal reports (shown on the admin's terminal page); answers the server's version."""
    terminal = current_terminal()
    if not request.headers.get("Idempotency-Key"):
        raise DomainError("idempotency_key_missing")
    metrics.terminal_reported(terminal.code, body.pop("print_pending", None))
    report_state(terminal, now=utcnow(), **body)
    version = blacklist_version(db.session)
    db.session.commit()
    return jsonify(blacklist_version=version)


@blp.get("/sync/snapshot")
@blp.doc(summary="Cards, balances, blacklist, meal periods and prices for offline charging", security=TERMINAL)
def snapshot():
    """The snapshot, sealed with an HMAC under the calling terminal's key."""
    terminal = current_terminal()
    canteen_rules = rules()
    body = build_snapshot(db.session, canteen_rules.timezone, terminal.code, terminal.key_hash, utcnow(),
                          double_tap_seconds=canteen_rules.double_tap_seconds)
    db.session.commit()
    return jsonify(body)


@blp.get("/sync/blacklist")
@blp.arguments(SinceArgs, location="query")
@blp.doc(summary="The blacklist version and the card changes after `since`", security=TERMINAL)
def blacklist(args):
    """Polling fallback of the event stream."""
    current_terminal()
    version = blacklist_version(db.session)
    changes = changes_since(db.session, args["since"]) if args["since"] < version else []
    db.session.commit()
    return jsonify(version=version, changes=changes)


@blp.get("/terminal/events")
@blp.doc(summary="Server-sent events for terminals: `blacklist` with the version when a card changes",
         security=TERMINAL)
def terminal_events():
    """A stream of ``blacklist`` events with the version, sent when a card change is pushed (through Redis or
    in-process) or found by the stream's own check every 2 s."""
    current_terminal()
    version = blacklist_version(db.session)
    db.session.commit()
    broker = current_app.extensions["canteen_blacklist"]
    app = current_app._get_current_object()

    def events():
        listener = broker.listen()
        last, checked = version, time.monotonic()
        try:
            yield f"retry: 1000\n\nevent: blacklist\ndata: {{\"version\": {last}}}\n\n"
            while True:
                message = listener.get(timeout=1.0)
                fresh = None
                if message is not None or time.monotonic() - checked >= STREAM_POLL_SECONDS:
                    with app.app_context():
                        try:
                            fresh = blacklist_version(db.session)
                        except SQLAlchemyError:  # the database is away: keep the stream, try again later
                            fresh = None
                        finally:
                            db.session.remove()
                    checked = time.monotonic()
                if fresh is not None and fresh != last:
                    last = fresh
                    yield f"event: blacklist\ndata: {{\"version\": {last}}}\n\n"
                elif fresh is None and message is None:
                    yield ": keepalive\n\n"
        finally:
            listener.close()

    response = Response(events(), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@blp.get("/offline-exceptions")
@blp.arguments(ExceptionArgs, location="query")
@blp.doc(summary="Offline charges booked although the server would have refused them (for managers)",
         security=[{"operatorToken": []}])
def offline_exceptions(args):
    """Who, which card, which terminal, how much, how much went overdrawn, and why; and everyone who still
    owes for offline meals (``outstanding``, a cancelled person's remaining debt included)."""
    operator = current_operator()
    if operator.role not in ("manager", "admin", "auditor"):
        raise DomainError("forbidden")
    rows = db.session.execute(
        select(OfflineException, Person.name, Terminal.code)
        .outerjoin(Person, Person.id == OfflineException.person_id)
        .join(Terminal, Terminal.id == OfflineException.terminal_id)
        .where(OfflineException.id > args["after_id"]).order_by(OfflineException.id).limit(args["limit"])).all()
    owing = [{"person_id": o.person_id, "person": o.name, "person_state": o.state, "owed": o.owed}
             for o in outstanding(db.session)]
    return jsonify(outstanding=owing, exceptions=[{
        "id": e.id, "entry_id": e.entry_id, "person_id": e.person_id, "person": name, "card_id": e.card_id,
        "uid": e.uid, "terminal": code, "amount": e.amount, "overdraft": e.overdraft,
        "reasons": e.reason.split(","), "tapped_dt": e.tapped_dt.isoformat(), "created_dt": e.created_dt.isoformat(),
    } for e, name, code in rows])
