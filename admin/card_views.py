"""Card actions from the back office, each through its service: report loss, unfreeze, reissue, cancel (清退)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext

from admin.actions import actor, perform, rules, yuan_to_fen
from admin.blueprint import bp
from admin.formatting import yuan
from admin.security import WRITERS, requires
from canteen.extensions import db
from canteen.models import Card, Person
from canteen.services.cancel import cancel_card
from canteen.services.cards import reissue_card, report_loss, unfreeze


def _card(card_id: int) -> Card:
    return db.session.get(Card, card_id) or abort(404)


def _back(card: Card):
    return redirect(url_for("admin.person", person_id=card.person_id))


@bp.post("/cards/<int:card_id>/loss")
@requires(*WRITERS)
def card_loss(card_id: int):
    """Report a card lost (挂失)."""
    card = _card(card_id)
    perform("card.report_loss", f"card:{card.uid}", lambda: report_loss(db.session, actor(), card=card), done="已挂失")
    return _back(card)


@bp.post("/cards/<int:card_id>/unfreeze")
@requires(*WRITERS)
def card_unfreeze(card_id: int):
    """Make a lost card usable again (解挂)."""
    card = _card(card_id)
    perform("card.unfreeze", f"card:{card.uid}", lambda: unfreeze(db.session, actor(), card=card), done="已解挂")
    return _back(card)


@bp.post("/cards/<int:card_id>/reissue")
@requires(*WRITERS)
def card_reissue(card_id: int):
    """Replace a card (补卡) with a new UID; an optional fee is paid in cash or from the wallet."""
    card = _card(card_id)
    form = request.form

    def reissue():
        fee = yuan_to_fen(form.get("fee"))
        method = form.get("fee_method") if form.get("fee_method") in ("cash", "wallet", "wechat", "alipay") else "cash"
        return reissue_card(db.session, actor(), rules(), card=card, new_uid=form.get("new_uid") or "",
                            printed_no=(form.get("printed_no") or "").strip()[:32] or None, fee=fee, fee_method=method)

    perform("card.reissue", f"card:{card.uid}", reissue, done="已补卡",
            detail=f"new uid {(form.get('new_uid') or '')[:24]}")
    return _back(card)


@bp.post("/people/<int:person_id>/cancel")
@requires(*WRITERS)
def person_cancel(person_id: int):
    """Cancel (清退): the cards stop, cash and deposit are paid out of the operator's drawer."""
    person = db.session.get(Person, person_id) or abort(404)
    outcome = perform("card.cancel", f"person:{person.staff_no}",
                      lambda: cancel_card(db.session, actor(), rules(), person=person), done="已清退")
    if outcome is not None:
        flash(gettext("退还现金 %(total)s 元（余额 %(cash)s + 押金 %(deposit)s），补贴 %(subsidy)s 元退回补贴资金",
                      total=yuan(outcome.total_paid), cash=yuan(outcome.cash_paid),
                      deposit=yuan(outcome.deposit_paid), subsidy=yuan(outcome.subsidy_returned)))
    return redirect(url_for("admin.person", person_id=person.id))
