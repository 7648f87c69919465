"""The customer-facing second screen (``/display``): the diner's side of what the cashier just did.

After a cashier's action succeeds, its view publishes one ``display`` event built here: what was done (a stable
``kind``, worded by the page in its language), the diner's name, the amount and the balances after it. A card tapped
in cashier mode shows there too (the ``card`` event the cashier's form gets).
"""
from __future__ import annotations

#: The cashier actions the second screen shows.
KINDS = ("top_up", "charge", "refund", "card_issue", "card_loss", "card_unfreeze", "card_reissue", "card_cancel")


def event(kind: str, result: dict, *, amount: int | None = None, balances: dict | None = None) -> dict:
    """The ``display`` event for a successful action of `kind` from the server's answer `result`."""
    if kind not in KINDS:
        raise ValueError(f"unknown display kind {kind!r}")
    entry = result.get("entry") or {}
    if amount is None:
        amount = result.get("amount") if kind == "charge" else entry.get("amount")
        if kind == "card_cancel":
            amount = result.get("total_paid")
    if balances is None:
        balances = result.get("balances") or (
            {"cash": result["cash_left"], "subsidy": result["subsidy_left"]} if "cash_left" in result else None)
    person = result.get("person") or {}
    return {"kind": kind, "name": person.get("name"), "amount": abs(amount) if isinstance(amount, int) else None,
            "balances": balances}
