"""Issuing subsidy batches and expiring them."""
from flask_smorest import Blueprint

from canteen.api.auth import current_operator
from canteen.api.schemas import SubsidyBody
from canteen.api.serialize import entry_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.extensions import db
from canteen.services.subsidies import expire_subsidy, issue_subsidy

blp = Blueprint("subsidies", __name__, url_prefix="/api/v1", description="Subsidies")

OPERATOR = [{"operatorToken": []}]


@blp.post("/subsidies")
@blp.arguments(SubsidyBody)
@blp.doc(summary="Issue a subsidy to departments and/or categories (manager or admin)",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def issue(body):
    """补贴发放: one entry crediting every recipient's subsidy wallet."""
    current_operator()

    def action(actor):
        batch, booked = issue_subsidy(
            db.session, actor, rules(), title=body["title"], amount_each=body["amount_each"],
            department_ids=body["department_ids"], category_ids=body["category_ids"],
            expires_on=body.get("expires_on"), expiry_rule=body["expiry_rule"])
        return 201, {"batch_id": batch.id, "people": batch.people_count, "amount_each": batch.amount_each,
                     "total": booked.entry.amount, "entry": entry_dict(booked.entry)}

    return write("issue_subsidy", body, action)


@blp.post("/subsidies/<int:batch_id>/expire")
@blp.doc(summary="Return what is left of an expired batch to the fund", parameters=[KEY_PARAMETER],
         security=OPERATOR)
def expire(batch_id):
    """到期清零."""
    current_operator()

    def action(actor):
        booked = expire_subsidy(db.session, actor, rules(), batch_id=batch_id)
        return 200, {"batch_id": batch_id, "returned": booked.entry.amount if booked else 0,
                     "entry": entry_dict(booked.entry) if booked else None}

    return write("expire_subsidy", {"batch_id": batch_id}, action)
