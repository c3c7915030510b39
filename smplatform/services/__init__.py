"""One function per state change. Services validate, change objects, flush and audit.

They never touch request, flash or commit: the route commits once.
"""


class DomainError(Exception):
    """A refusal the user can understand. `message` is a translated, user-facing string."""

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code
