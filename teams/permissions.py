"""Role → allowed actions for people records (read-only in the API for now)."""
from teams.choices import Role

EVERY_ROLE = frozenset(Role.values)

USER = {"view": EVERY_ROLE}
TEAM = {"view": EVERY_ROLE}
