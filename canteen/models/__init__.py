"""All models, imported here so Alembic and the app see every table."""
from canteen.models.audit import AuditEntry, AuditHead
from canteen.models.base import Base, utcnow
from canteen.models.cards import Card, CardEvent
from canteen.models.idempotency import IdempotencyRecord
from canteen.models.ledger import Account, JournalEntry, LedgerHead, Posting
from canteen.models.meals import MealPeriod, MealPrice
from canteen.models.offline import OfflineCharge, OfflineCursor, OfflineException
from canteen.models.people import Department, DinerCategory, Person
from canteen.models.staff import Operator, Shift, Terminal
from canteen.models.subsidies import RefundRequest, SubsidyBatch

__all__ = [
    "Account", "AuditEntry", "AuditHead", "Base", "Card", "CardEvent", "Department", "DinerCategory",
    "IdempotencyRecord", "JournalEntry", "LedgerHead", "MealPeriod", "MealPrice", "OfflineCharge", "OfflineCursor", "OfflineException", "Operator", "Person", "Posting",
    "RefundRequest", "Shift", "SubsidyBatch", "Terminal", "utcnow",
]
import canteen.compound.models  # noqa: E402,F401  (the service center's modules: offices, vehicles, energy ...)
