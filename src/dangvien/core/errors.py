"""One error type for refused writes; the message is for the user, in Vietnamese."""

from __future__ import annotations


class DomainError(Exception):
    """A write the rules refuse. `field` names the input to fix, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message
