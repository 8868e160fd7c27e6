"""The one way a register says no: a refused change, with a message meant for the person at the keyboard.

The command line turns it into exit status 1 (docs/spec.md §7); callers in flows can catch it per record.
"""


class Refused(ValueError):
    """A change the register refuses: an unknown id, a closed case, an impossible date, a bad code.

    `code` (with `params`) names the refusal stably, so a screen can say it in its own words
    (registers/meldingen.py); the command line and the screen say it in Dutch from that table, the log
    keeps the message itself."""

    def __init__(self, message: str = "", *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


class RefusedDelivery(Refused):
    """A delivery file refused whole by its reader; `delivery` is the reader's fault (file, line,
    field), which a flow treats as a refused file, never as trouble worth retrying."""

    def __init__(self, delivery: Exception) -> None:
        super().__init__(str(delivery))
        self.delivery = delivery
