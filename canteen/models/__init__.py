"""All models, imported here so Alembic and the app see every table."""
from canteen.models.audit import AuditEntry, AuditHead
from canteen.models.base import Base, utcnow
from canteen.models.cards import Card, CardEvent
from canteen.models.idempotency import IdempotencyRecord
from canteen.models.ledger import Account, JournalEntry, LedgerHead, Posting, RefundMeal
from canteen.models.meals import MealPeriod, MealPrice
from canteen.models.offline import OfflineCharge, OfflineCursor, OfflineException, OfflineGap
from canteen.models.people import Department, DinerCategory, Person
from canteen.models.report_rollup import EntryTally, HeadcountTally, MealTally, PostingTally, RollupPerson, RollupState
from canteen.models.roster_import import RosterImport
from canteen.models.staff import Operator, Shift, Terminal
from canteen.models.subsidies import RefundRequest, SubsidyBatch

__all__ = [
    "Account", "AuditEntry", "AuditHead", "Base", "Card", "CardEvent", "Department", "DinerCategory",
    "IdempotencyRecord", "JournalEntry", "LedgerHead", "MealPeriod", "MealPrice", "OfflineCharge", "OfflineCursor", "OfflineException", "OfflineGap", "Operator", "Person", "Posting",
    "RefundMeal", "RefundRequest", "Shift", "SubsidyBatch", "Terminal", "utcnow",
]
import canteen.compound.models  # noqa: E402,F401  (the service center's modules: offices, vehicles, energy ...)
import canteen.models.bookings  # noqa: E402,F401  (meal booking 报餐)
import canteen.models.diner_accounts  # noqa: E402,F401  (diners' self-service sign-in)
import canteen.models.forecast  # noqa: E402,F401  (the headcount forecast and its calendar)
import canteen.models.guest_meals  # noqa: E402,F401  (guest meals 接待用餐)
import canteen.models.versions  # noqa: E402,F401  (cache counters moved by triggers)
import canteen.models.diner_tally  # noqa: E402,F401  (就餐人数 by department and category, a report tally)
import canteen.models.checkpoints  # noqa: E402,F401  (signed checkpoints of the ledger's hash chain)
