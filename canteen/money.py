"""Money as people read it: fen (integers) shown as yuan with two decimals, without floats."""


def yuan(fen, *, grouped: bool = True) -> str:
    """Fen as ``-1,234.50`` (``-1234.50`` when not `grouped`); None as an empty string."""
    if fen is None:
        return ""
    fen = int(fen)
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    whole = f"{fen // 100:,}" if grouped else str(fen // 100)
    return f"{sign}{whole}.{fen % 100:02d}"
