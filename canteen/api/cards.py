"""Card issue, loss, unfreeze and reissue at the till."""
from flask_smorest import Blueprint

from canteen.api.auth import current_operator
from canteen.api.schemas import IssueCardBody, ReissueBody
from canteen.api.serialize import balances, card_dict, entry_dict, person_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.extensions import db
from canteen.services.cards import CardResult, find_card, issue_card, reissue_card, report_loss, unfreeze
from canteen.services.people import get_person

blp = Blueprint("cards", __name__, url_prefix="/api/v1", description="Card lifecycle")

OPERATOR = [{"operatorToken": []}]


def result_dict(result: CardResult) -> dict:
    """A card after an operation, its holder, their balances and any entry booked."""
    person = result.card.person
    return {"card": card_dict(result.card), "person": person_dict(person),
            "balances": balances(db.session, person), "entry": entry_dict(result.entry)}


@blp.post("/cards")
@blp.arguments(IssueCardBody)
@blp.doc(summary="Issue a card to a person, with optional deposit and opening top-up",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def issue(body):
    """发卡."""
    current_operator()

    def action(actor):
        person = get_person(db.session, body["person_id"])
        result = issue_card(db.session, actor, rules(), person=person, uid=body["uid"],
                            printed_no=body.get("printed_no"), deposit=body["deposit"],
                            top_up=body["top_up"], method=body["method"])
        return 201, result_dict(result)

    return write("issue_card", body, action)


@blp.post("/cards/<uid>/loss")
@blp.doc(summary="Report a card lost: refused everywhere from now on", parameters=[KEY_PARAMETER],
         security=OPERATOR)
def loss(uid):
    """挂失."""
    current_operator()
    return write("report_loss", {"uid": uid}, lambda actor: (200, result_dict(
        report_loss(db.session, actor, card=find_card(db.session, uid)))))


@blp.post("/cards/<uid>/unfreeze")
@blp.doc(summary="Make a lost card usable again", parameters=[KEY_PARAMETER], security=OPERATOR)
def unfreeze_card(uid):
    """解挂."""
    current_operator()
    return write("unfreeze", {"uid": uid}, lambda actor: (200, result_dict(
        unfreeze(db.session, actor, card=find_card(db.session, uid)))))


@blp.post("/cards/<uid>/reissue")
@blp.arguments(ReissueBody)
@blp.doc(summary="Replace a card with a new UID; the balance stays with the person",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def reissue(body, uid):
    """补卡."""
    current_operator()
    return write("reissue", dict(body, uid=uid), lambda actor: (201, result_dict(reissue_card(
        db.session, actor, rules(), card=find_card(db.session, uid), new_uid=body["new_uid"],
        printed_no=body.get("printed_no"), fee=body["fee"], fee_method=body["fee_method"]))))
