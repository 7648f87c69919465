"""People: registration, search, balances, statements and cancellation (清退)."""
from flask import jsonify
from flask_smorest import Blueprint
from sqlalchemy import or_, select

from canteen.api.auth import current_operator, current_terminal
from canteen.api.schemas import PersonBody, SearchArgs, StatementArgs
from canteen.api.serialize import balances, card_dict, entry_dict, person_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Card, Department, DinerCategory, Person
from canteen.reports.person_ledger import person_entries
from canteen.services.cancel import cancel_card, cancel_quote
from canteen.services.common import require_operator
from canteen.services.people import create_person, get_person

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="People and their accounts")

OPERATOR = [{"operatorToken": []}]


@blp.post("/people")
@blp.arguments(PersonBody)
@blp.doc(summary="Register a diner (manager or admin)", parameters=[KEY_PARAMETER], security=OPERATOR)
def register(body):
    """A new person with empty wallets."""
    current_operator()

    def action(actor):
        require_operator(actor, "manager", "admin")
        department = db.session.get(Department, body["department_id"])
        category = db.session.get(DinerCategory, body["category_id"])
        if department is None or category is None:
            raise DomainError("not_found", "部门或人员类别不存在")
        person = create_person(db.session, staff_no=body["staff_no"], name=body["name"],
                               department=department, category=category, phone=body.get("phone"))
        return 201, {"person": person_dict(person)}

    return write("create_person", body, action)


@blp.get("/people")
@blp.arguments(SearchArgs, location="query")
@blp.doc(summary="Find people by staff number or name", security=OPERATOR)
def search(args):
    """Up to 20 people whose staff number starts with, or name contains, the query."""
    current_operator()
    q = args["q"].strip()
    rows = db.session.scalars(select(Person).where(or_(
        Person.staff_no.startswith(q, autoescape=True), Person.name.contains(q, autoescape=True)))
        .order_by(Person.staff_no).limit(20)).all()
    return jsonify(people=[person_dict(p) for p in rows])


@blp.get("/people/<int:person_id>")
@blp.doc(summary="A person with balances and cards", security=OPERATOR)
def show(person_id):
    """Balance look-up for the cashier: operators only (a terminal looks a card up, never a person by id)."""
    current_operator()
    person = get_person(db.session, person_id)
    cards = db.session.scalars(select(Card).where(Card.person_id == person.id).order_by(Card.id)).all()
    return jsonify(person=person_dict(person), balances=balances(db.session, person),
                   cards=[card_dict(c) for c in cards])


@blp.get("/people/<int:person_id>/statement")
@blp.arguments(StatementArgs, location="query")
@blp.doc(summary="A person's statement (对账单): entries in a date range, newest first", security=OPERATOR)
def statement(args, person_id):
    """Every entry touching the person in the range, with the balances now."""
    current_operator()
    person = get_person(db.session, person_id)
    lines = person_entries(db.session, person.id, args.get("date_from"), args.get("date_to"), limit=args["limit"])
    return jsonify(person=person_dict(person), balances=balances(db.session, person),
                   entries=[dict(entry_dict(line.entry), legs=line.legs) for line in lines])


@blp.get("/people/<int:person_id>/cancel-quote")
@blp.doc(summary="What cancelling (清退) would pay out now", security=OPERATOR)
def quote(person_id):
    """Cash balance and deposit to hand over, subsidy to return."""
    current_operator()
    person = get_person(db.session, person_id)
    amounts = cancel_quote(db.session, person)
    return jsonify(person=person_dict(person), **amounts, cash_to_pay=amounts["paid_out"])


@blp.post("/people/<int:person_id>/cancel")
@blp.doc(summary="Cancel (清退): pay out cash and deposit from the shift, return subsidy, cancel all cards",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def cancel(person_id):
    """清退."""
    current_operator()

    def action(actor):
        done = cancel_card(db.session, actor, rules(), person=get_person(db.session, person_id))
        return 200, {"person": person_dict(done.person), "cash_paid": done.cash_paid,
                     "deposit_paid": done.deposit_paid, "subsidy_returned": done.subsidy_returned,
                     "total_paid": done.total_paid, "debt_settled": done.debt_settled,
                     "debt_left": done.debt_left, "cards": [card_dict(c) for c in done.cards],
                     "entry": entry_dict(done.entry)}

    return write("cancel", {"person_id": person_id}, action)
