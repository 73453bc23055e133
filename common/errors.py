"""The project's application errors. Services raise these (or Django's ValidationError);
one API exception handler and the HTML views turn them into one shape."""
from __future__ import annotations


class ApplicationError(Exception):
    """A refused action. ``rule`` names the rule that refused it; ``status`` is the HTTP status."""

    status = 400
    default_code = "refused"

    def __init__(self, message: str, *, rule: str | None = None, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule or self.default_code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """Someone else changed the object first (e.g. two simultaneous assignments)."""

    status = 409
    default_code = "conflict"


class RuleViolation(ApplicationError):
    """A domain rule refused the action (eligibility, capacity, status guard…)."""

    status = 422
    default_code = "rule_violation"
