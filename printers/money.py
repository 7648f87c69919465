"""Money at the receipt's edge: integer fen (分) in, ``￥12.50`` out."""


def format_fen(fen: int) -> str:
    """Format an amount in fen as yuan with the full-width ￥ sign: 1250 -> ``￥12.50``, -300 -> ``-￥3.00``.

    Refuses floats (and bools, which are ints to Python) so a float can never reach a printed amount.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money must be integer fen, got {type(fen).__name__}: {fen!r}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}￥{yuan}.{cents:02d}"
