"""Guest meal tickets (招待餐券) at the till: a scanned ticket is accepted once and charged to its department."""
from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from canteen.api.auth import current_terminal
from canteen.api.serialize import entry_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.extensions import db
from canteen.live import LIVE_CHANNEL, publish
from canteen.services.guest_meals import GuestMeal, redeem_guest_ticket

blp = Blueprint("guest_tickets", __name__, url_prefix="/api/v1", description="Guest meal tickets")


class RedeemBody(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 100),
                         metadata={"description": "The ticket's code as scanned, e.g. GT1-12-ABCD..."})


def guest_meal_dict(meal: GuestMeal) -> dict:
    """What the till shows after a guest's ticket was accepted."""
    return {"entry": entry_dict(meal.entry), "ticket": {"id": meal.ticket.id, "number": meal.ticket.number,
                                                         "of": meal.request.guests, "request_id": meal.request.id},
            "department": meal.department.name, "meal_period": meal.meal_period.name, "amount": meal.amount,
            "department_owes": meal.department_owes, "purpose": meal.request.purpose}


@blp.post("/guest-tickets/redeem")
@blp.arguments(RedeemBody)
@blp.doc(summary="A guest's meal ticket is scanned: accept it once and charge the department",
         parameters=[KEY_PARAMETER], security=[{"terminalId": [], "terminalKey": []}])
def redeem(body):
    """Refusals: ticket_unknown, ticket_used, ticket_expired, ticket_wrong_day, ticket_wrong_meal,
    ticket_not_approved."""
    current_terminal()
    secret = current_app.config["SECRET_KEY"]
    response = write("guest_ticket", body, lambda actor: (200, guest_meal_dict(
        redeem_guest_ticket(db.session, actor, rules(), code=body["code"], secret=secret))))
    if response.status_code == 200 and "Idempotent-Replayed" not in response.headers:
        publish(current_app, LIVE_CHANNEL, "meal")
    return response
