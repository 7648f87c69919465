"""What every service is given: who acts, when, under which key, and the canteen's rules."""
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.models import Operator, Shift, Terminal
from canteen.models.base import utcnow


@dataclass(frozen=True)
class Rules:
    """The canteen's configured rules, read once from the app config."""

    timezone: str = "Asia/Shanghai"
    double_tap_seconds: int = 60
    refund_approval_fen: int = 5000
    max_amount_fen: int = 1_000_000
    #: The key file that signs the ledger's checkpoints (empty: none are made automatically).
    checkpoint_key: str = ""

    @classmethod
    def from_config(cls, config) -> "Rules":
        """Rules from a Flask config mapping."""
        return cls(
            timezone=config["TIMEZONE"],
            double_tap_seconds=int(config["DOUBLE_TAP_SECONDS"]),
            refund_approval_fen=int(config["REFUND_APPROVAL_FEN"]),
            max_amount_fen=int(config["MAX_AMOUNT_FEN"]),
            checkpoint_key=str(config.get("CHECKPOINT_KEY") or ""),
        )


@dataclass
class Actor:
    """Who performs an operation, from where, when, and the idempotency key of the request."""

    key: str
    operator: Operator | None = None
    terminal: Terminal | None = None
    at: datetime = field(default_factory=utcnow)

    @property
    def refs(self) -> dict:
        """Entry columns naming the actor."""
        return {
            "operator_id": self.operator.id if self.operator else None,
            "terminal_id": self.terminal.id if self.terminal else None,
        }


#: Cash in a drawer is counted, not moved: it may exceed one operation's limit, but not absurdly.
MAX_CASH_COUNT_FEN = 10**10


def check_amount(value, rules: Rules, *, allow_zero: bool = False, limit: int | None = None) -> int:
    """A money amount must be a whole number of fen, positive, and not absurd (above `limit`,
    by default the most one operation may move)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("invalid_amount", "金额须为整数（分）")
    if value < 0 or (value == 0 and not allow_zero) or value > (limit or rules.max_amount_fen):
        raise DomainError("invalid_amount", f"{value}")
    return value


_UID = re.compile(r"^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$")


def normalise_uid(value) -> str:
    """A card UID as uppercase hex of 4, 7 or 10 bytes; random UIDs (08 ...) are refused."""
    if not isinstance(value, str):
        raise DomainError("invalid_uid")
    uid = value.strip().replace(" ", "").replace(":", "").upper()
    if not _UID.match(uid):
        raise DomainError("invalid_uid", value[:40])
    if len(uid) == 8 and uid.startswith("08"):
        raise DomainError("random_uid", uid)
    return uid


def require_operator(actor: Actor, *roles: str) -> Operator:
    """The acting operator, who must hold one of `roles` (any role if none are given)."""
    if actor.operator is None or not actor.operator.active:
        raise DomainError("operator_auth_failed")
    if roles and actor.operator.role not in roles:
        raise DomainError("forbidden")
    return actor.operator


def open_shift_of(session: Session, operator: Operator | None) -> Shift | None:
    """The operator's open shift, if any."""
    if operator is None:
        return None
    return session.scalar(
        select(Shift).where(Shift.operator_id == operator.id, Shift.closed_dt.is_(None)))


def require_shift(session: Session, actor: Actor) -> Shift:
    """The acting operator's open shift; cash operations happen only inside one."""
    shift = open_shift_of(session, actor.operator)
    if shift is None:
        raise DomainError("no_open_shift")
    return shift
