"""Which wallet pays a meal (钱包扣款顺序): the subsidy wallet first, then cash."""


def split_meal(amount: int, subsidy: int, cash: int) -> tuple[int, int, int]:
    """(from subsidy, from cash, short) for a meal of `amount` fen: the subsidy wallet pays first, then cash;
    `short` is what neither covers (refused online; an offline overdraft when the meal was already served).

    Both wallets are read to decide, so a booking that splits by this guards both, the one it takes nothing
    from included: a grant or top-up booked in between changes the split or the balances it answers."""
    from_subsidy = min(max(subsidy, 0), amount)
    from_cash = min(max(cash, 0), amount - from_subsidy)
    return from_subsidy, from_cash, amount - from_subsidy - from_cash
