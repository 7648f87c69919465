"""The one exception printing raises, with a stable code for programs and a message for the cashier."""

#: codes after which the job waits for a person (load paper, close the cover) rather than counting a retry
WAITING_CODES = frozenset({"paper_out", "offline"})


class PrinterError(Exception):
    """A receipt could not be printed or a printer's status could not be read.

    ``code`` is one of ``refused``, ``timeout``, ``unreachable``, ``not_found``, ``closed``, ``paper_out``,
    ``offline`` or ``io``; ``message`` is Chinese text fit for the terminal page and the log.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def needs_attention(self) -> bool:
        """True when a person must act (paper, cover) before printing can succeed."""
        return self.code in WAITING_CODES

    def __repr__(self) -> str:
        return f"PrinterError({self.code!r}, {self.message!r})"
